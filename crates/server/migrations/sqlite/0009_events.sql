-- The change feed: one row per change Roster makes, written in the transaction of the change.
-- Readers walk it by (txid, seq): `seq` grows with every insert, and `txid` is the writing
-- transaction's id where commits can happen out of insertion order (PostgreSQL). SQLite has
-- one writer at a time, so `txid` stays 0 and `seq` alone is commit order; AUTOINCREMENT keeps
-- a deleted `seq` from ever being used again.
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    txid          BIGINT NOT NULL DEFAULT 0,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Not a foreign key: a directory's events outlive it (`directory.deleted` among them).
    directory_id  TEXT,
    type          TEXT NOT NULL,
    at            BIGINT NOT NULL,
    actor_type    TEXT NOT NULL,
    actor_id      TEXT,
    actor_label   TEXT NOT NULL,
    -- Access and membership events are written by one INSERT … SELECT per change, so their
    -- state is columns the reader assembles; other events carry `data`, the object as JSON.
    user_id       TEXT,
    user_label    TEXT,
    user_email    TEXT,
    group_id      TEXT,
    group_label   TEXT,
    site_id       TEXT,
    product_id    TEXT,
    role          TEXT,
    data          TEXT
);
CREATE INDEX events_position ON events (txid, seq);

-- The newest position retention has removed: a cursor at or before it may have missed events.
CREATE TABLE events_horizon (
    id    BIGINT PRIMARY KEY,
    txid  BIGINT NOT NULL,
    seq   BIGINT NOT NULL
);
