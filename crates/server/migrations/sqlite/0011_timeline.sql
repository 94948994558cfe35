-- A user's timeline: their events and the SCIM requests about them, newest first.
CREATE INDEX events_user ON events (user_id, at) WHERE user_id IS NOT NULL;
CREATE INDEX sync_log_resource ON sync_log (resource_id, at) WHERE resource_id IS NOT NULL;
