-- Schema version 10: off-site copies (remote/).

-- Each remote the user added: its checked address (no secret in it) and its credentials (`KEY=VALUE`
-- pairs as JSON), kept here, inside the encrypted database, and nowhere else. `keep_snapshots`: how many
-- database snapshots a push leaves on the remote besides the newest.
CREATE TABLE remotes (
    name           TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    credentials    BLOB,
    keep_snapshots INTEGER NOT NULL DEFAULT 3 CHECK (keep_snapshots BETWEEN 0 AND 1000),
    added_at       TEXT NOT NULL
) STRICT;

-- What a push sent to a remote and saw there with its size: the next push skips these. A row is written
-- only after the object is on the remote, so a killed push re-sends at most what was under way.
CREATE TABLE remote_objects (
    url    TEXT NOT NULL,
    path   TEXT NOT NULL,
    size   INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (url, path)
) STRICT;

-- Each completed push (its signed pointer written): the manifest's number and hash and the checkpoint it
-- carried. A remote whose pointer is older than the newest row here was rolled back.
CREATE TABLE remote_pushes (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    checkpoint_size INTEGER NOT NULL,
    pushed_at       TEXT NOT NULL
) STRICT;
CREATE INDEX remote_pushes_by_url ON remote_pushes (url, seq);
