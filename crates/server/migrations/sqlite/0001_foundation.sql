-- Organizations, their admins, admin sessions and the sign-in throttle.
-- Times are Unix milliseconds (BIGINT) so both backends share one representation.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE admins (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    -- Lower-cased email: sign-in is case-insensitive, and uniqueness lives in this index.
    email_lower    TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- A session is found by the SHA-256 of its cookie token: a leaked table holds no live tokens.
CREATE TABLE admin_sessions (
    token_hash    TEXT PRIMARY KEY,
    admin_id      TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

-- Failed sign-ins per key (the lower-cased email), shared by every replica.
CREATE TABLE sign_in_failures (
    throttle_key   TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    first_failed_at BIGINT NOT NULL,
    locked_until   BIGINT NOT NULL
);
