-- Schema version 8: custody seen from outside the vault.

-- Cosignatures of this vault's checkpoints by witnesses (C2SP tlog-cosignature): a partner organisation
-- or a lawyer who checked that the checkpoint extends the last one they cosigned for this log. `line` is
-- the signature line exactly as received; `signed_at` its own timestamp (seconds since 1970, UTC).
-- Append-only: a removed cosignature is a removed proof.
CREATE TABLE cosignatures (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
    witness       TEXT NOT NULL,
    verifier_key  TEXT NOT NULL,
    signed_at     INTEGER NOT NULL,
    line          TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    UNIQUE (checkpoint_id, verifier_key)
) STRICT;
CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
    BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
    BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;

-- The newest checkpoint this vault has seen of another log (the sender of a bundle it received, a log it
-- witnesses), with the key that signed it: a later checkpoint of that origin must extend this one, or the
-- other log was rewritten (a fork). `source` says where it was seen (a bundle id, or 'witness').
CREATE TABLE peer_checkpoints (
    origin       TEXT PRIMARY KEY,
    verifier_key TEXT NOT NULL,
    size         INTEGER NOT NULL,
    root         TEXT NOT NULL,
    note         TEXT NOT NULL,
    source       TEXT NOT NULL,
    seen_at      TEXT NOT NULL
) STRICT;

-- RFC 3161 timestamp tokens over this vault's checkpoints. A row with no token is a request queued while
-- there was no network, sent later. `token` is the DER TimeStampToken as the authority returned it;
-- `tsa_cert` the DER certificate it was checked against, when one was given.
CREATE TABLE timestamps (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
    tsa_url       TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    token         BLOB,
    gen_time      TEXT,
    tsa_cert      BLOB,
    CHECK ((token IS NULL) = (gen_time IS NULL))
) STRICT;
CREATE TRIGGER timestamps_keep_tokens BEFORE UPDATE ON timestamps WHEN OLD.token IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'timestamp tokens are append-only'); END;
CREATE TRIGGER timestamps_no_delete BEFORE DELETE ON timestamps WHEN OLD.token IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'timestamp tokens are append-only'); END;
