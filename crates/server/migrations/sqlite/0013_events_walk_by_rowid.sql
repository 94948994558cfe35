-- SQLite walks the feed by `seq` alone: one writer at a time means `txid` is always 0 and
-- `seq`, the rowid, is commit order. The `(txid, seq)` index was a second b-tree every
-- event insert paid for and no SQLite query needs.
DROP INDEX events_position;
