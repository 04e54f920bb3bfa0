-- Schema version 5: each stored copy's age file key, kept from ingest, so that an export opens a copy with
-- a symmetric key instead of an X25519 key agreement (10,000 photos: half a second of a two-core laptop).
-- A copy stored before this version has none and is opened with the vault's blob identity, as before.
ALTER TABLE blobs ADD COLUMN file_key BLOB CHECK (file_key IS NULL OR length(file_key) = 16);
