//! Sites: the list, adding a site, one site with its products, and a product's access. The
//! lazily loaded chunk `sites`.

pub mod create;
pub mod list;
pub mod product;
pub mod site;

pub use create::CreateSitePage;
pub use list::SitesPage;
pub use product::SiteProductPage;
pub use site::SitePage;
