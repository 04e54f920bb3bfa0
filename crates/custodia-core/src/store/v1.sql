-- Schema version 1: vault metadata, the custody log, content blobs and evidence items.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The custody log. Append-only: the triggers below refuse edits and deletions from the application;
-- anyone who removes them to tamper is caught by the hash chain (`custodia verify`).
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    time      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    device    TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_subject ON events(subject);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;

-- One row per distinct content: `name` is HMAC(blob-name key, SHA-256), the file under blobs/.
CREATE TABLE blobs (
    name   TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size   INTEGER NOT NULL
) STRICT;

-- One row per acquisition: adding the same content twice makes two items sharing one blob.
CREATE TABLE items (
    id            TEXT PRIMARY KEY,
    blob_name     TEXT NOT NULL REFERENCES blobs(name),
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    duplicate_of  TEXT REFERENCES items(id),
    ingest_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX items_by_blob ON items(blob_name);
