-- +goose Up
-- The latest inspection result of each record, NULL until inspected. SaveInspections writes it: the
-- most recently saved inspection of a record wins. A re-import that changes a record keeps its
-- result until the record is inspected again.
ALTER TABLE records
    ADD COLUMN score        DOUBLE PRECISION,
    ADD COLUMN passed       BOOLEAN,
    ADD COLUMN fatal        BOOLEAN,
    ADD COLUMN scorecard    TEXT,
    ADD COLUMN version      INTEGER,
    ADD COLUMN inspected_at BIGINT,
    ADD COLUMN failed       TEXT; -- JSON array of the failed item ids

-- Keyset pages newest first, alone or within one agent, team or business type. Channel has too few
-- values to be worth an index: scanning started_at and skipping the others is as quick.
CREATE INDEX records_started ON records (started_at, id);
CREATE INDEX records_agent ON records (agent_id, started_at, id);
CREATE INDEX records_team ON records (team, started_at, id);
CREATE INDEX records_business ON records (business_type, started_at, id);
CREATE INDEX records_fatal ON records (started_at, id) WHERE fatal;

-- record_search holds the turn texts of each record's current revision, one line per turn, with a
-- pg_trgm index for LIKE '%…%' (substring search, Chinese included, case-sensitive). pg_trgm is a
-- trusted extension: the database owner may create it; .ci/run creates it as the superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE record_search (
    id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    text TEXT NOT NULL
);

CREATE INDEX record_search_trgm ON record_search USING gin (text gin_trgm_ops);

-- rollup_daily sums the records of one day (in +08:00) × agent × team × channel × scorecard of the
-- latest result ('' = not inspected yet). It is written in the same transactions as records and
-- their results, so it always equals the same grouping over records. Dashboard reads it.
CREATE TABLE rollup_daily (
    day        INTEGER          NOT NULL, -- days since 1970-01-01, +08:00
    agent_id   TEXT             NOT NULL,
    agent_name TEXT             NOT NULL,
    team       TEXT             NOT NULL,
    channel    TEXT             NOT NULL,
    scorecard  TEXT             NOT NULL,
    records    INTEGER          NOT NULL,
    score_sum  DOUBLE PRECISION NOT NULL,
    passed     INTEGER          NOT NULL,
    fatal      INTEGER          NOT NULL,
    PRIMARY KEY (day, agent_id, agent_name, team, channel, scorecard)
);

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
);
