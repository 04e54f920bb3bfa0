-- Schema version 7: exports under way. A row is written before a bundle's hidden file exists, marked
-- 'recorded' in the transaction that commits the export's custody events, and removed once the bundle has
-- its final name. A row found when the vault opens is an export that was interrupted (bundle/pending.rs).
-- Paths are the operating system's bytes: a folder name need not be UTF-8.
CREATE TABLE pending_exports (
    bundle_id  TEXT PRIMARY KEY,
    output     BLOB NOT NULL,
    partial    BLOB NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('writing', 'recorded')),
    started_at TEXT NOT NULL
);
