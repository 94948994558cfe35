//! The twin rule of `migrations/` (see `migrations/README.md`): the SQLite and PostgreSQL
//! folders hold the same migrations under the same names, byte for byte the same except the
//! files listed in [`DIALECT_DIFFERS`]. Reads the files only; needs no database.

use std::collections::BTreeMap;
use std::path::Path;

/// The pairs that must differ, each with the reason. A file listed here that turns out
/// identical in both folders fails the test, so the list never outlives the difference.
const DIALECT_DIFFERS: &[(&str, &str)] = &[
    (
        "0004_access.sql",
        "the backfill of users.primary_email_domain takes the text after the last '@': SQLite \
         has no regular expressions, so it finds that '@' with rtrim/replace; PostgreSQL uses \
         substring(... from '@([^@]*)$')",
    ),
    (
        "0007_sync_log_name.sql",
        "SQLite cannot rename an index or a constraint, so it drops and rebuilds the index; \
         PostgreSQL renames the index and the table's constraints in place",
    ),
    (
        "0009_events.sql",
        "the feed's position: SQLite's AUTOINCREMENT key and one writer, so txid is 0; \
         PostgreSQL's identity column and the writing transaction's id (pg_current_xact_id), \
         since its commits can land out of sequence order, and a trigger that sends \
         NOTIFY for replicas' long polls",
    ),
    (
        "0013_events_walk_by_rowid.sql",
        "SQLite drops the (txid, seq) index: its txid is always 0 and the feed walks seq, the \
         rowid; PostgreSQL's txid varies, so it keeps the index",
    ),
];

/// Every file of one backend's folder, by name.
fn migrations(backend: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    entries
        .map(|entry| {
            let path = entry.expect("a readable folder entry").path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .expect("a UTF-8 file name")
                .to_string();
            let text = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (name, text)
        })
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations_in_the_same_order() {
    let sqlite: Vec<String> = migrations("sqlite").into_keys().collect();
    let postgres: Vec<String> = migrations("postgres").into_keys().collect();
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same file names"
    );
    assert!(!sqlite.is_empty(), "no migrations found");
    // sqlx orders by the number before the first '_'; numbered one after the other, names
    // sorted as text are also in the order sqlx applies them.
    for (index, name) in sqlite.iter().enumerate() {
        let expected = format!("{:04}_", index + 1);
        assert!(
            name.starts_with(&expected) && name.ends_with(".sql"),
            "{name}: migrations are named {expected}what_it_does.sql, numbered from 0001 without gaps"
        );
    }
}

#[test]
fn twins_are_identical_unless_declared_different() {
    let sqlite = migrations("sqlite");
    let postgres = migrations("postgres");
    let declared: BTreeMap<&str, &str> = DIALECT_DIFFERS.iter().copied().collect();
    assert_eq!(
        declared.len(),
        DIALECT_DIFFERS.len(),
        "a file is listed twice in DIALECT_DIFFERS"
    );
    for (name, reason) in &declared {
        assert!(!reason.trim().is_empty(), "{name}: say why it differs");
        assert!(
            sqlite.contains_key(*name) && postgres.contains_key(*name),
            "{name} is in DIALECT_DIFFERS but not in both folders"
        );
    }
    for (name, sqlite_text) in &sqlite {
        let Some(postgres_text) = postgres.get(name) else {
            continue; // the names test reports it
        };
        let same = sqlite_text == postgres_text;
        match declared.get(name.as_str()) {
            None => assert!(
                same,
                "{name} differs between sqlite/ and postgres/: make the twins identical, or add \
                 it to DIALECT_DIFFERS with the reason"
            ),
            Some(_) => assert!(
                !same,
                "{name} is identical in both folders: remove it from DIALECT_DIFFERS"
            ),
        }
    }
}
