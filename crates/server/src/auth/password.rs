//! Admin password hashing with argon2id. Hashing is deliberately slow, so it runs on the
//! blocking thread pool, never on the async workers.
use anyhow::Context;
use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use rand::distr::{Alphanumeric, SampleString};

/// Hashes a password (argon2id, default parameters, random salt) into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| anyhow::anyhow!("salt encoding failed: {e}"))?;
        let hashed = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"));
        release_hash_memory();
        hashed
    })
    .await
    .context("hashing task failed")?
}

/// Checks a password against a PHC string. A malformed hash counts as a mismatch.
pub async fn verify(password: String, phc: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        release_hash_memory();
        matches
    })
    .await
    .context("verification task failed")
}

/// Hands the memory of a hash just done (19 MiB with argon2's default parameters) back to the
/// OS at once. mimalloc, the server's allocator (`main.rs`), purges freed pages a second
/// later and only when it next runs on the thread that freed them: a blocking thread that
/// hashed once and then idled kept them, and the idle server's RSS read 40 or 60 MB by
/// chance. Under another allocator (the tests) this touches only mimalloc's own state.
fn release_hash_memory() {
    // SAFETY: `mi_collect` takes no arguments to trust; it only walks mimalloc's own heaps.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// A random password for the first admin when none was configured.
pub fn generate() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let phc = hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), phc.clone()).await.unwrap());
        assert!(!verify("wrong".into(), phc).await.unwrap());
        assert!(!verify("x".into(), "not a hash".into()).await.unwrap());
    }

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let a = generate();
        assert_eq!(a.len(), 24);
        assert_ne!(a, generate());
    }
}
