-- PostgreSQL keeps `events_position`: its `txid` varies (transactions commit out of
-- sequence order), so the feed walks `(txid, seq)` pairs. SQLite drops its copy here.
SELECT 1;
