-- The sync log's table is named as the product names it (the console's "Sync log"); it was
-- `sync_events`, a word the change feed's events will need. Rows and columns are unchanged.
ALTER TABLE sync_events RENAME TO sync_log;
-- SQLite cannot rename an index: this one is built again under the table's name.
DROP INDEX sync_events_directory_at;
CREATE INDEX sync_log_directory_at ON sync_log (directory_id, at);
