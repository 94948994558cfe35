-- The sync log's table is named as the product names it (the console's "Sync log"); it was
-- `sync_events`, a word the change feed's events will need. Rows and columns are unchanged.
ALTER TABLE sync_events RENAME TO sync_log;
-- PostgreSQL renames the index and the constraints in place, without rebuilding anything.
ALTER INDEX sync_events_directory_at RENAME TO sync_log_directory_at;
ALTER TABLE sync_log RENAME CONSTRAINT sync_events_pkey TO sync_log_pkey;
ALTER TABLE sync_log RENAME CONSTRAINT sync_events_directory_id_fkey TO sync_log_directory_id_fkey;
