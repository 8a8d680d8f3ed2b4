-- +goose Up
-- The latest inspection result of each record, NULL until inspected. SaveInspections writes it: the
-- most recently saved inspection of a record wins. A re-import that changes a record keeps its
-- result until the record is inspected again.
ALTER TABLE records ADD COLUMN score REAL;
ALTER TABLE records ADD COLUMN passed INTEGER;
ALTER TABLE records ADD COLUMN fatal INTEGER;
ALTER TABLE records ADD COLUMN scorecard TEXT;
ALTER TABLE records ADD COLUMN version INTEGER;
ALTER TABLE records ADD COLUMN inspected_at INTEGER;
ALTER TABLE records ADD COLUMN failed TEXT; -- JSON array of the failed item ids

-- Keyset pages newest first, alone or within one agent, team or business type. Channel has too few
-- values to be worth an index: scanning started_at and skipping the others is as quick.
CREATE INDEX records_started ON records (started_at, id);
CREATE INDEX records_agent ON records (agent_id, started_at, id);
CREATE INDEX records_team ON records (team, started_at, id);
CREATE INDEX records_business ON records (business_type, started_at, id);
CREATE INDEX records_fatal ON records (started_at, id) WHERE fatal;

-- record_search holds the turn texts of each record's current revision, one line per turn;
-- record_fts indexes them by trigram (substring search, Chinese included, case-sensitive).
CREATE TABLE record_search (
    doc  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);

CREATE VIRTUAL TABLE record_fts USING fts5(text, content='record_search', content_rowid='doc',
    tokenize='trigram case_sensitive 1');

-- +goose StatementBegin
CREATE TRIGGER record_search_ai AFTER INSERT ON record_search BEGIN
    INSERT INTO record_fts (rowid, text) VALUES (new.doc, new.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER record_search_ad AFTER DELETE ON record_search BEGIN
    INSERT INTO record_fts (record_fts, rowid, text) VALUES ('delete', old.doc, old.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER record_search_au AFTER UPDATE ON record_search BEGIN
    INSERT INTO record_fts (record_fts, rowid, text) VALUES ('delete', old.doc, old.text);
    INSERT INTO record_fts (rowid, text) VALUES (new.doc, new.text);
END;
-- +goose StatementEnd

-- rollup_daily sums the records of one day (in +08:00) × agent × team × channel × scorecard of the
-- latest result ('' = not inspected yet). It is written in the same transactions as records and
-- their results, so it always equals the same grouping over records. Dashboard reads it.
CREATE TABLE rollup_daily (
    day        INTEGER NOT NULL, -- days since 1970-01-01, +08:00
    agent_id   TEXT    NOT NULL,
    agent_name TEXT    NOT NULL,
    team       TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    scorecard  TEXT    NOT NULL,
    records    INTEGER NOT NULL,
    score_sum  REAL    NOT NULL,
    passed     INTEGER NOT NULL,
    fatal      INTEGER NOT NULL,
    PRIMARY KEY (day, agent_id, agent_name, team, channel, scorecard)
) WITHOUT ROWID;

-- rollup_failed counts the failed items of the same groups' latest results.
CREATE TABLE rollup_failed (
    day        INTEGER NOT NULL,
    agent_id   TEXT    NOT NULL,
    agent_name TEXT    NOT NULL,
    team       TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    scorecard  TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    failed     INTEGER NOT NULL,
    PRIMARY KEY (day, agent_id, agent_name, team, channel, scorecard, item)
) WITHOUT ROWID;
