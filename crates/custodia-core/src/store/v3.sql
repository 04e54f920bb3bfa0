-- Schema version 3: signed checkpoints of the custody log, the address book of bundle recipients, and the
-- bundles sent and received. Each export and import is also a custody event; these tables make them quick
-- to list and let the vault refuse to import the same bundle twice.

-- A C2SP signed note per checkpoint (made at close and at every export). Append-only, like the log: a
-- removed or edited checkpoint is a removed or edited proof.
CREATE TABLE checkpoints (
    id      INTEGER PRIMARY KEY,
    size    INTEGER NOT NULL,
    root    TEXT NOT NULL,
    note    TEXT NOT NULL,
    made_at TEXT NOT NULL,
    reason  TEXT NOT NULL CHECK (reason IN ('close', 'export'))
) STRICT;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;

-- People and offices bundles go to. `kind` is a consent recipient kind (icc, un_mechanism, ...);
-- `fingerprint` is hex SHA-256 of the age public key text, read aloud as words to confirm the key.
CREATE TABLE recipients (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    public_key   TEXT NOT NULL UNIQUE,
    fingerprint  TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    seq          INTEGER NOT NULL
) STRICT;

-- Bundles written. `recipients` is a JSON array of recipient ids (empty for a passphrase bundle).
CREATE TABLE exports (
    id             TEXT PRIMARY KEY,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    recipient_kind TEXT NOT NULL,
    recipients     TEXT NOT NULL,
    items          INTEGER NOT NULL,
    checkpoint_id  INTEGER NOT NULL REFERENCES checkpoints(id),
    made_at        TEXT NOT NULL,
    seq            INTEGER NOT NULL
) STRICT;

-- Bundles received into this vault, by the SHA-256 of the encrypted file.
CREATE TABLE imports (
    sha256      TEXT PRIMARY KEY,
    bundle_id   TEXT NOT NULL,
    signer      TEXT NOT NULL,
    items       INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    seq         INTEGER NOT NULL
) STRICT;
