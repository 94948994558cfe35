-- Directories (one per identity provider), their SCIM API keys, the users and groups they
-- provision, and the sync log. Times are Unix milliseconds.

CREATE TABLE directories (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    -- Counters kept in the same transactions as the rows they count, so listing directories
    -- never counts a million rows.
    active_users       BIGINT NOT NULL DEFAULT 0,
    deactivated_users  BIGINT NOT NULL DEFAULT 0,
    group_count        BIGINT NOT NULL DEFAULT 0,
    last_request_at    BIGINT
);
CREATE INDEX directories_org ON directories (org_id, created_at);

-- Only a SHA-256 of each key is kept; keys are long random secrets, so a fast hash is enough.
CREATE TABLE directory_api_keys (
    id            TEXT PRIMARY KEY,
    directory_id  TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    key_hash      TEXT NOT NULL UNIQUE,
    -- The key's first characters, to recognise it without revealing it.
    key_prefix    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    -- When a replaced key stops working: the time of regeneration, or later with an overlap.
    revoked_at    BIGINT,
    last_used_at  BIGINT
);
CREATE INDEX directory_api_keys_directory ON directory_api_keys (directory_id, created_at);

-- SCIM users. The normalised SCIM document is kept whole in `doc`; the attributes filters and
-- the console look up are copied into indexed columns.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    directory_id         TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    user_name            TEXT NOT NULL,
    user_name_lower      TEXT NOT NULL,
    external_id          TEXT,
    display_name         TEXT,
    given_name           TEXT,
    family_name          TEXT,
    primary_email        TEXT,
    primary_email_lower  TEXT,
    active               BOOLEAN NOT NULL,
    doc                  TEXT NOT NULL,
    -- Bumped on every change; the ETag is W/"<version>".
    version              BIGINT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_user_name ON users (directory_id, user_name_lower);
CREATE INDEX users_external_id ON users (directory_id, external_id);
CREATE INDEX users_directory_id ON users (directory_id, id);
CREATE INDEX users_primary_email ON users (directory_id, primary_email_lower);
CREATE INDEX users_family_name ON users (directory_id, lower(family_name));
CREATE INDEX users_given_name ON users (directory_id, lower(given_name));

-- Every email of every user, so `emails[type eq "work"].value eq "x"` is an index lookup.
CREATE TABLE user_emails (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    directory_id  TEXT NOT NULL,
    position      BIGINT NOT NULL,
    value         TEXT NOT NULL,
    value_lower   TEXT NOT NULL,
    -- `type`, lower-cased (emails.type is not case-exact).
    kind          TEXT,
    is_primary    BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, position)
);
CREATE INDEX user_emails_value ON user_emails (directory_id, value_lower);

-- Groups: synced from a directory (`directory_id` set, read-only outside SCIM) or local to
-- the organization (`directory_id` NULL, edited by admins).
CREATE TABLE groups (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    directory_id        TEXT REFERENCES directories(id) ON DELETE CASCADE,
    display_name        TEXT NOT NULL,
    display_name_lower  TEXT NOT NULL,
    external_id         TEXT,
    doc                 TEXT NOT NULL,
    version             BIGINT NOT NULL,
    member_count        BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_synced_name ON groups (directory_id, display_name_lower)
    WHERE directory_id IS NOT NULL;
CREATE UNIQUE INDEX groups_local_name ON groups (org_id, display_name_lower)
    WHERE directory_id IS NULL;
CREATE INDEX groups_directory_id ON groups (directory_id, id);
CREATE INDEX groups_external_id ON groups (directory_id, external_id);

-- Memberships are rows: adding or removing one member touches one row.
CREATE TABLE group_members (
    group_id  TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- The sync log: one row per SCIM request. Never holds keys or attribute values beyond the
-- resource's label (userName / displayName).
CREATE TABLE sync_events (
    id              TEXT PRIMARY KEY,
    directory_id    TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    at              BIGINT NOT NULL,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    operation       TEXT NOT NULL,
    status          BIGINT NOT NULL,
    duration_ms     BIGINT NOT NULL,
    resource_type   TEXT,
    resource_id     TEXT,
    resource_label  TEXT,
    changed         TEXT,
    ignored         TEXT,
    scim_type       TEXT,
    detail          TEXT
);
CREATE INDEX sync_events_directory_at ON sync_events (directory_id, at);

-- Requests and errors per directory and hour, for the overview chart and health.
CREATE TABLE sync_stats_hourly (
    directory_id  TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    hour          BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    PRIMARY KEY (directory_id, hour)
);
