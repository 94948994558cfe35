-- Sites and their products, product access through groups (with default groups), email
-- domains, the audit log, and the users' email domain (managed vs external). Times are Unix
-- milliseconds.

-- The product catalogue: built-in types (org_id NULL, seeded below) and types an
-- organization adds for itself.
CREATE TABLE product_types (
    id          TEXT PRIMARY KEY,
    org_id      TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    -- Stable machine name, e.g. `confluence`; unique among what one organization can see.
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_lower  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_types_builtin_key ON product_types (key) WHERE org_id IS NULL;
CREATE UNIQUE INDEX product_types_org_key ON product_types (org_id, key) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX product_types_org_name ON product_types (org_id, name_lower)
    WHERE org_id IS NOT NULL;
INSERT INTO product_types (id, org_id, key, name, name_lower, created_at) VALUES
    ('jira', NULL, 'jira', 'Jira', 'jira', 0),
    ('jira-service-management', NULL, 'jira-service-management', 'Jira Service Management',
     'jira service management', 0),
    ('confluence', NULL, 'confluence', 'Confluence', 'confluence', 0);

-- Sites (e.g. https://example.atlassian.net); name and URL are unique per organization,
-- case-insensitively.
CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_lower  TEXT NOT NULL,
    url         TEXT NOT NULL,
    url_lower   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX sites_name ON sites (org_id, name_lower);
CREATE UNIQUE INDEX sites_url ON sites (org_id, url_lower);

-- A product hosted on a site; at most one of each type per site.
CREATE TABLE site_products (
    id               TEXT PRIMARY KEY,
    site_id          TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    product_type_id  TEXT NOT NULL REFERENCES product_types(id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX site_products_type ON site_products (site_id, product_type_id);

-- Product access: a group's role on a site's product. A default group (local groups only;
-- the API refuses synced ones) is flagged on its grant.
CREATE TABLE access_grants (
    site_product_id  TEXT NOT NULL REFERENCES site_products(id) ON DELETE CASCADE,
    group_id         TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (site_product_id, group_id)
);
-- A user's effective access starts from their memberships (group_members_user), then this.
CREATE INDEX access_grants_group ON access_grants (group_id, site_product_id);

-- Org-wide group lists (synced and local together) by name.
CREATE INDEX groups_org_name ON groups (org_id, display_name_lower, id);

-- Email domains: a TXT record proves control; users whose primary email is on a verified
-- domain are managed.
CREATE TABLE domains (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Lower-cased, without a trailing dot.
    name             TEXT NOT NULL,
    txt_value        TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    verified_at      BIGINT,
    last_checked_at  BIGINT
);
CREATE UNIQUE INDEX domains_name ON domains (org_id, name);

-- The audit log: every admin action and every access change, one row per change.
CREATE TABLE audit_log (
    -- UUID v7: time-ordered.
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    at            BIGINT NOT NULL,
    -- `admin`, `scim` or `system`.
    actor_type    TEXT NOT NULL,
    -- Admin id or directory id.
    actor_id      TEXT,
    -- Admin email or "SCIM: <directory name>", as it was at the time.
    actor_label   TEXT NOT NULL,
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     TEXT,
    target_label  TEXT,
    -- JSON text of the state before and after (NULL when there is none).
    before_json   TEXT,
    after_json    TEXT
);
CREATE INDEX audit_log_at ON audit_log (org_id, at, id);
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_id, at, id);
CREATE INDEX audit_log_action ON audit_log (org_id, action, at, id);
CREATE INDEX audit_log_target ON audit_log (org_id, target_id, at, id);

-- The primary email's domain (after the last `@`, lower-cased), written with the user, so
-- "managed" is an index lookup against verified domains.
ALTER TABLE users ADD COLUMN primary_email_domain TEXT;
-- Everything after the last '@': rtrim strips the trailing characters that are not '@'.
UPDATE users
   SET primary_email_domain = substr(primary_email_lower,
       length(rtrim(primary_email_lower, replace(primary_email_lower, '@', ''))) + 1)
 WHERE primary_email_lower LIKE '%@%';
CREATE INDEX users_email_domain ON users (primary_email_domain);
-- Org-wide user lists (across directories) by userName.
CREATE INDEX users_user_name_global ON users (user_name_lower, id);
