-- Schema version 9: teams, and the linkage tokens of their members (issue 14).

-- This vault's public documenter code (`D-…`), shown to team members next to the tokens it publishes.
-- One row, made at the first use.
CREATE TABLE documenter (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    code TEXT NOT NULL
) STRICT;

-- The teams this vault belongs to, with their 256-bit secret (the database is encrypted). `id` is the
-- team's random public id, the same in every member's vault; `epoch` counts the secret's rotations.
CREATE TABLE teams (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    epoch     INTEGER NOT NULL CHECK (epoch >= 1),
    secret    BLOB NOT NULL CHECK (length(secret) = 32),
    joined_at TEXT NOT NULL
) STRICT;

-- The linkage tokens held from other members: per person of theirs, the pseudonym code, the number of
-- interviews, the date of the last and the two keyed Bloom filters. A newer token file of a member
-- replaces all of theirs; a rotation or leaving the team drops the team's.
CREATE TABLE team_tokens (
    team_id        TEXT NOT NULL REFERENCES teams(id),
    documenter     TEXT NOT NULL,
    person         TEXT NOT NULL,
    interviews     INTEGER NOT NULL,
    last_interview TEXT,
    name_filter    BLOB NOT NULL,
    other_filter   BLOB NOT NULL,
    received_at    TEXT NOT NULL,
    PRIMARY KEY (team_id, documenter, person)
) STRICT;

-- Counts every change to the teams and their tokens, so that a live check's cached tokens are reloaded
-- after one without counting the tokens (a scan of the table) before every check.
CREATE TABLE team_changes (
    only    INTEGER PRIMARY KEY CHECK (only = 1),
    changes INTEGER NOT NULL
) STRICT;
INSERT INTO team_changes (only, changes) VALUES (1, 0);
