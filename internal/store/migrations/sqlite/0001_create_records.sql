-- +goose Up
-- records holds the current revision of each service record, with the columns filters need.
CREATE TABLE records (
    id            TEXT    NOT NULL PRIMARY KEY,
    channel       TEXT    NOT NULL,
    started_at    INTEGER NOT NULL, -- unix ms UTC
    agent_id      TEXT    NOT NULL,
    agent_name    TEXT    NOT NULL DEFAULT '',
    team          TEXT    NOT NULL DEFAULT '',
    customer_tier TEXT    NOT NULL DEFAULT '',
    business_type TEXT    NOT NULL DEFAULT '',
    is_complaint  INTEGER NOT NULL DEFAULT 0,
    rev           INTEGER NOT NULL,
    hash          TEXT    NOT NULL, -- sha256 hex of the canonical JSON
    source        TEXT    NOT NULL DEFAULT '',
    imported_at   INTEGER NOT NULL, -- unix ms UTC of the current revision
    data          TEXT    NOT NULL  -- canonical JSON of qa.Record
);

-- record_revisions keeps every imported revision unchanged (A4).
CREATE TABLE record_revisions (
    record_id   TEXT    NOT NULL,
    rev         INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT '',
    imported_at INTEGER NOT NULL,
    data        TEXT    NOT NULL,
    PRIMARY KEY (record_id, rev)
);
