//! Product access: sites and their products ([`sites`]), which groups grant which role on a
//! product ([`grants`]), and what other writes do to access ([`changes`]).
pub mod changes;
pub mod grants;
pub mod sites;
