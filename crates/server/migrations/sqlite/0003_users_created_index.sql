-- The console lists a directory's users by creation time with keyset paging; without this
-- index each page would sort the whole directory.
CREATE INDEX users_created ON users (directory_id, created_at, id);
