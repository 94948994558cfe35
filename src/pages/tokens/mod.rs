//! API tokens (the server's service tokens): the list with each token's status and revoking,
//! creating one, and its secret shown once. The lazily loaded chunk `tokens`.

pub mod create;
pub mod list;
pub mod scopes;
pub mod shown_once;

pub use create::CreateTokenPage;
pub use list::TokensPage;
pub use shown_once::TokenShownOncePage;
