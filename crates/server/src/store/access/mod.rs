//! Product access: sites and their products ([`sites`]), and which groups grant which role
//! on a product, with every change's consequences for users ([`grants`]).
pub mod grants;
pub mod sites;
