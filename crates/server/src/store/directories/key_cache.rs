//! A short-lived in-memory copy of each directory's live API keys (hashes only), so a SCIM
//! request does not query the keys table. Staleness is bounded: entries live [`TTL_MILLIS`],
//! this replica drops a directory's entry when it issues a key or deletes the directory, and
//! a key that matches nothing cached is looked up in the database again. A revocation made by
//! another replica therefore applies here within [`TTL_MILLIS`].
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

/// How long a directory's keys are trusted without asking the database.
pub const TTL_MILLIS: i64 = 5_000;
/// Directories cached at most; past it the cache starts over (memory stays bounded).
const MAX_DIRECTORIES: usize = 10_000;

/// A live key of a directory, as stored: never the secret.
#[derive(Clone)]
pub struct LiveKey {
    pub id: String,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    pub org_id: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl std::fmt::Debug for LiveKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl LiveKey {
    /// Not expired and not revoked at `now` (a key retired with an overlap is live until then).
    pub fn is_live(&self, now: i64) -> bool {
        self.expires_at > now && self.revoked_at.is_none_or(|r| r > now)
    }
}

struct Entry {
    keys: Arc<Vec<LiveKey>>,
    fetched_at: i64,
}

/// The cache, shared by every clone of the store.
#[derive(Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// Bumped by every invalidation: a lookup that started before one is not cached.
    generation: AtomicU64,
}

impl KeyCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The directory's keys if fetched less than [`TTL_MILLIS`] ago.
    pub fn get(&self, directory_id: &str, now: i64) -> Option<Arc<Vec<LiveKey>>> {
        let entries = self.lock();
        let entry = entries.get(directory_id)?;
        let age = now - entry.fetched_at;
        (0..TTL_MILLIS).contains(&age).then(|| entry.keys.clone())
    }

    /// The generation to pass to [`KeyCache::put`], read before querying the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Caches `keys` fetched at `now`, unless an invalidation happened since `generation`.
    pub fn put(
        &self,
        directory_id: &str,
        keys: Vec<LiveKey>,
        now: i64,
        generation: u64,
    ) -> Arc<Vec<LiveKey>> {
        let keys = Arc::new(keys);
        let mut entries = self.lock();
        if self.generation.load(Ordering::SeqCst) == generation {
            if entries.len() >= MAX_DIRECTORIES && !entries.contains_key(directory_id) {
                entries.clear();
            }
            entries.insert(
                directory_id.to_owned(),
                Entry {
                    keys: keys.clone(),
                    fetched_at: now,
                },
            );
        }
        keys
    }

    /// Forgets the directory's keys (a key was issued or revoked, or the directory deleted).
    pub fn invalidate(&self, directory_id: &str) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.remove(directory_id);
    }

    /// Whether this request should write the key's last-used time: `false` when another
    /// request of this replica already did within `every_millis`. Notes `now` as written.
    pub fn claim_last_used(
        &self,
        directory_id: &str,
        key_id: &str,
        now: i64,
        every_millis: i64,
    ) -> bool {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(directory_id) else {
            return true;
        };
        let keys = Arc::make_mut(&mut entry.keys);
        match keys.iter_mut().find(|k| k.id == key_id) {
            Some(k) if k.last_used_at.is_some_and(|t| now - t <= every_millis) => false,
            Some(k) => {
                k.last_used_at = Some(now);
                true
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> LiveKey {
        LiveKey {
            id: id.into(),
            hash: "0123abcd".into(),
            org_id: "o".into(),
            expires_at: 1_000_000,
            revoked_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = KeyCache::default();
        cache.put("d", vec![key("k")], 100, cache.generation());
        assert!(cache.get("d", 100).is_some());
        assert!(cache.get("d", 100 + TTL_MILLIS - 1).is_some());
        assert!(cache.get("d", 100 + TTL_MILLIS).is_none());
        assert!(cache.get("other", 100).is_none());
    }

    #[test]
    fn invalidation_drops_the_entry_and_lookups_racing_it() {
        let cache = KeyCache::default();
        cache.put("d", vec![key("k")], 100, cache.generation());
        let before = cache.generation();
        cache.invalidate("d");
        assert!(cache.get("d", 100).is_none());
        // A lookup that read the database before the invalidation is not cached.
        cache.put("d", vec![key("k")], 100, before);
        assert!(cache.get("d", 100).is_none());
    }

    #[test]
    fn revoked_and_expired_keys_are_not_live() {
        let mut k = key("k");
        assert!(k.is_live(10));
        k.revoked_at = Some(20);
        assert!(k.is_live(19));
        assert!(!k.is_live(20));
        k.revoked_at = None;
        assert!(!k.is_live(1_000_000));
    }

    #[test]
    fn last_used_is_claimed_once_per_interval() {
        let cache = KeyCache::default();
        cache.put("d", vec![key("k")], 100, cache.generation());
        assert!(cache.claim_last_used("d", "k", 100, 60_000));
        assert!(!cache.claim_last_used("d", "k", 200, 60_000));
        assert!(cache.claim_last_used("d", "k", 60_101, 60_000));
    }

    #[test]
    fn secrets_and_hashes_stay_out_of_debug_output() {
        assert!(!format!("{:?}", key("k")).contains("0123abcd"));
    }
}
