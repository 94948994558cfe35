//! SCIM API keys and service tokens: long random secrets with a recognisable prefix, so
//! secret scanners can spot a leaked one and a key never passes for a token. Only their
//! SHA-256 is stored.
use rand::distr::{Alphanumeric, SampleString};

/// Every SCIM key starts with this.
pub const KEY_PREFIX: &str = "roster_scim_";
/// Every service token starts with this.
pub use roster_api_types::token::SERVICE_TOKEN_PREFIX as TOKEN_PREFIX;
/// How many characters after the prefix are kept to recognise a secret.
const SHOWN_CHARS: usize = 4;

/// A freshly generated key.
pub struct NewKey {
    /// The secret, shown to the admin once.
    pub secret: String,
    /// Its first characters, kept to recognise it.
    pub prefix: String,
    /// Its SHA-256, the only form stored.
    pub hash: String,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Generates a SCIM key: the prefix and 48 alphanumeric characters (about 285 bits).
pub fn generate() -> NewKey {
    generate_with(KEY_PREFIX)
}

/// Generates a secret starting with `prefix` ([`KEY_PREFIX`] or [`TOKEN_PREFIX`]).
pub fn generate_with(prefix: &str) -> NewKey {
    let secret = format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 48)
    );
    let prefix = secret.chars().take(prefix.len() + SHOWN_CHARS).collect();
    let hash = super::hash_token(&secret);
    NewKey {
        secret,
        prefix,
        hash,
    }
}

/// The bearer token of an `Authorization` header value, if it is one.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_long_and_hashed() {
        let k = generate();
        assert!(k.secret.starts_with("roster_scim_"));
        assert_eq!(k.secret.len(), KEY_PREFIX.len() + 48);
        assert!(k.secret.starts_with(&k.prefix));
        assert_eq!(k.hash, super::super::hash_token(&k.secret));
        assert!(!format!("{k:?}").contains(&k.secret));
    }

    #[test]
    fn reads_bearer_tokens() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer   abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
