//! Product access as the sites pages and the people pages both show it: a role in words, and
//! the link to a product's access page.
use roster_api_types::access::AccessRole;

use crate::url::encode;

/// How a role reads in the console.
pub fn role_words(role: AccessRole) -> &'static str {
    match role {
        AccessRole::User => "User",
        AccessRole::Admin => "Admin",
    }
}

/// The console URL of a product's access page.
pub fn product_href(base: &str, site_id: &str, product_id: &str) -> String {
    format!(
        "{base}/sites/{}/products/{}",
        encode(site_id),
        encode(product_id)
    )
}
