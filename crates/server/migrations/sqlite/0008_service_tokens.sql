-- Service tokens: machine credentials for the admin API (products, portals). Only the
-- SHA-256 of the secret is kept; `token_prefix` recognises a token without revealing it.
CREATE TABLE service_tokens (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    token_prefix  TEXT NOT NULL,
    -- Space-separated scopes, e.g. `access:read events:read`.
    scopes        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- Who created it, as labelled then (an admin's email or a token's name).
    created_by    TEXT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX service_tokens_org ON service_tokens (org_id, created_at);
