-- Schema version 2: persons, interviews, consent, incidents, links between records, do-no-harm settings
-- and testimony fingerprints, full-text search. Every change to these tables is made together with a
-- custody event (see records/ and harm/).

-- Interviewees. `id` is the pseudonym code shown everywhere (P-7F3K); the identifying fields are shown
-- only on request, and each reveal is a custody event. `birth_date` is '', 'YYYY', 'YYYY-MM' or
-- 'YYYY-MM-DD'. A person confirmed to be another keeps its row and points at it with `merged_into`.
CREATE TABLE persons (
    id            TEXT PRIMARY KEY,
    ref           TEXT UNIQUE,
    full_name     TEXT NOT NULL,
    other_names   TEXT NOT NULL DEFAULT '[]',
    sex           TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'M', 'F')),
    birth_date    TEXT NOT NULL DEFAULT '',
    birth_place   TEXT NOT NULL DEFAULT '',
    residence     TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    id_number     TEXT NOT NULL DEFAULT '',
    minor         INTEGER NOT NULL DEFAULT 0,
    sgbv_survivor INTEGER NOT NULL DEFAULT 0,
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_seq   INTEGER NOT NULL,
    merged_into   TEXT REFERENCES persons(id)
) STRICT;
CREATE INDEX persons_by_merged_into ON persons(merged_into);

-- The value a field had before each edit (the edit's custody event carries its SHA-256, never the value).
CREATE TABLE record_history (
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    previous  TEXT NOT NULL
) STRICT;
CREATE INDEX record_history_by_record ON record_history(kind, record_id);

-- People who interview, and whether they are trained for minors and survivors of sexual violence.
CREATE TABLE interviewers (
    name    TEXT PRIMARY KEY,
    trained INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE interviews (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES persons(id),
    date         TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    interpreter  TEXT NOT NULL DEFAULT '',
    transcript   TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'complete')),
    referral_psychosocial TEXT NOT NULL DEFAULT '' CHECK (referral_psychosocial IN ('', 'made', 'declined')),
    referral_medical      TEXT NOT NULL DEFAULT '' CHECK (referral_medical IN ('', 'made', 'declined')),
    referral_legal        TEXT NOT NULL DEFAULT '' CHECK (referral_legal IN ('', 'made', 'declined')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_seq  INTEGER NOT NULL
) STRICT;
CREATE INDEX interviews_by_person ON interviews(person_id);

CREATE TABLE interview_interviewers (
    interview_id TEXT NOT NULL REFERENCES interviews(id),
    name         TEXT NOT NULL REFERENCES interviewers(name),
    PRIMARY KEY (interview_id, name)
) STRICT;

-- Consent is a history: a new record (given, refused, withdrawn) supersedes the earlier ones for the
-- same person; nothing is overwritten. `scopes` is a JSON array of {"recipient", "identity"}.
CREATE TABLE consents (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES persons(id),
    interview_id TEXT REFERENCES interviews(id),
    status       TEXT NOT NULL CHECK (status IN ('given', 'refused', 'withdrawn')),
    date         TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('oral', 'written')),
    scan_item_id TEXT REFERENCES items(id),
    scopes       TEXT NOT NULL DEFAULT '[]',
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    seq          INTEGER NOT NULL
) STRICT;
CREATE INDEX consents_by_person ON consents(person_id, seq);

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    date_from   TEXT NOT NULL DEFAULT '',
    date_to     TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('killing', 'torture', 'sexual_violence', 'enforced_disappearance',
                                             'forced_displacement', 'destruction_of_property', 'other')),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_seq INTEGER NOT NULL
) STRICT;

-- Links: interview -> item (documents), interview -> incident, incident -> item. Ids carry their kind in
-- their prefix (E- item, T- interview, N- incident).
CREATE TABLE links (
    from_id TEXT NOT NULL,
    to_id   TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
) STRICT;
CREATE INDEX links_by_target ON links(to_id);

-- Reviewer decisions on suspected duplicate persons: 'same' (merged) or 'different' (never flagged again).
-- The pair is stored with a < b.
CREATE TABLE person_decisions (
    a        TEXT NOT NULL REFERENCES persons(id),
    b        TEXT NOT NULL REFERENCES persons(id),
    decision TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    seq      INTEGER NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) STRICT;

-- Vault-wide settings (do-no-harm thresholds and cooldowns); a missing key means the default.
CREATE TABLE vault_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- MinHash fingerprints of transcripts, and their LSH band keys: a near-duplicate check looks up each band
-- through the index instead of comparing with every testimony.
CREATE TABLE testimony_signatures (
    interview_id TEXT PRIMARY KEY REFERENCES interviews(id),
    signature    BLOB NOT NULL
) STRICT;
-- One row per band: the key mixes the band number into the hash of its rows. WITHOUT ROWID keeps the
-- look-up to a single B-tree, the smallest the 64 rows per testimony can be.
CREATE TABLE testimony_bands (
    key          INTEGER NOT NULL,
    interview_id TEXT NOT NULL REFERENCES interviews(id),
    PRIMARY KEY (key, interview_id)
) STRICT, WITHOUT ROWID;

-- Full-text search over transcripts, summaries and descriptions, inside the encrypted database. Kept in
-- step by triggers, so every writer (items.rs included) feeds it. The rowid is derived from the source
-- row's rowid (times 4, plus the kind) so that an update replaces its entry without scanning the index.
CREATE VIRTUAL TABLE search USING fts5(
    kind UNINDEXED,
    record_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search (rowid, kind, record_id, body) SELECT rowid * 4, 'item', id, description FROM items;

CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4, 'item', NEW.id, NEW.description);
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF description ON items BEGIN
    DELETE FROM search WHERE rowid = OLD.rowid * 4;
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4, 'item', NEW.id, NEW.description);
END;
CREATE TRIGGER interviews_search_insert AFTER INSERT ON interviews BEGIN
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 1, 'transcript', NEW.id, NEW.transcript);
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 2, 'summary', NEW.id, NEW.summary);
END;
CREATE TRIGGER interviews_search_update AFTER UPDATE OF transcript, summary ON interviews BEGIN
    DELETE FROM search WHERE rowid IN (OLD.rowid * 4 + 1, OLD.rowid * 4 + 2);
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 1, 'transcript', NEW.id, NEW.transcript);
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 2, 'summary', NEW.id, NEW.summary);
END;
CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 3, 'incident', NEW.id, NEW.description);
END;
CREATE TRIGGER incidents_search_update AFTER UPDATE OF description ON incidents BEGIN
    DELETE FROM search WHERE rowid = OLD.rowid * 4 + 3;
    INSERT INTO search (rowid, kind, record_id, body) VALUES (NEW.rowid * 4 + 3, 'incident', NEW.id, NEW.description);
END;
