-- Webhook endpoints: each follows the change feed from its own cursor and receives its events
-- in order, one at a time. The signing secret is kept as it is: Roster must sign with it, so
-- it cannot be a hash (it is never shown again after it is issued).
CREATE TABLE webhook_endpoints (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url                   TEXT NOT NULL,
    -- Comma-separated types and families (`access.*`); empty: every event.
    event_types           TEXT NOT NULL,
    description           TEXT NOT NULL,
    secret                TEXT NOT NULL,
    -- Signs too until `previous_secret_until`, while a rotation overlaps.
    previous_secret       TEXT,
    previous_secret_until BIGINT,
    enabled               BOOLEAN NOT NULL,
    disabled_reason       TEXT,
    -- The feed position of the last event handled.
    cursor_txid           BIGINT NOT NULL,
    cursor_seq            BIGINT NOT NULL,
    -- The event being delivered and how many times it was tried.
    attempt               BIGINT NOT NULL DEFAULT 0,
    next_attempt_at       BIGINT NOT NULL,
    failing_since         BIGINT,
    -- One replica delivers an endpoint's events at a time: it holds the lease until then.
    lease_owner           TEXT,
    lease_until           BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at);
CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at);

-- Every attempt to deliver an event, for the delivery log (kept as long as the events).
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    at               BIGINT NOT NULL,
    attempt          BIGINT NOT NULL,
    succeeded        BOOLEAN NOT NULL,
    status           BIGINT,
    latency_ms       BIGINT NOT NULL,
    error            TEXT,
    response_excerpt TEXT
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, at);
