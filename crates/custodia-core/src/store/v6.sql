-- Schema version 6: whether an import's signer was confirmed. Without an expected fingerprint given by the
-- recipient, the signer's name is only what the bundle says of itself; the row says so. NULL for imports
-- recorded before this version, when nobody kept track.
ALTER TABLE imports ADD COLUMN signer_fingerprint TEXT;
ALTER TABLE imports ADD COLUMN signer_verified INTEGER CHECK (signer_verified IN (0, 1));
