-- +goose Up
-- inspections holds the latest automatic inspection of a record by one scorecard version (C1).
-- The key leads with the scorecard so that Pending's anti-join and Stats both use it.
CREATE TABLE inspections (
    scorecard    TEXT             NOT NULL,
    version      INTEGER          NOT NULL,
    record_id    TEXT COLLATE "C" NOT NULL REFERENCES records (id),
    rev          INTEGER          NOT NULL, -- the record revision inspected
    score        DOUBLE PRECISION NOT NULL,
    passed       BOOLEAN          NOT NULL,
    fatal        BOOLEAN          NOT NULL,
    findings     TEXT             NOT NULL, -- JSON of []qa.Finding
    inspected_at BIGINT           NOT NULL, -- unix ms UTC
    PRIMARY KEY (scorecard, version, record_id)
);

CREATE INDEX inspections_record ON inspections (record_id);

-- findings has one row per failed finding, for statistics.
CREATE TABLE findings (
    scorecard TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    record_id TEXT    COLLATE "C" NOT NULL,
    item      TEXT    NOT NULL,
    severity  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (scorecard, version, record_id, item)
);
