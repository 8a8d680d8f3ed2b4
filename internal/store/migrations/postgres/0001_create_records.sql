-- +goose Up
-- records holds the current revision of each service record, with the columns filters need. Its
-- JSON is record_revisions.data at (id, rev): written once, as ~2 KB per record is most of the I/O.
CREATE TABLE records (
    id            TEXT    COLLATE "C" NOT NULL PRIMARY KEY, -- byte order, as in SQLite
    channel       TEXT    NOT NULL,
    started_at    BIGINT  NOT NULL, -- unix ms UTC
    agent_id      TEXT    NOT NULL,
    agent_name    TEXT    NOT NULL DEFAULT '',
    team          TEXT    NOT NULL DEFAULT '',
    customer_tier TEXT    NOT NULL DEFAULT '',
    business_type TEXT    NOT NULL DEFAULT '',
    is_complaint  BOOLEAN NOT NULL DEFAULT FALSE,
    rev           INTEGER NOT NULL,
    hash          TEXT    NOT NULL, -- sha256 hex of the canonical JSON
    source        TEXT    NOT NULL DEFAULT '',
    imported_at   BIGINT  NOT NULL  -- unix ms UTC of the current revision
);

-- record_revisions keeps every imported revision unchanged (A4).
CREATE TABLE record_revisions (
    record_id   TEXT    COLLATE "C" NOT NULL,
    rev         INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT '',
    imported_at BIGINT  NOT NULL,
    data        TEXT    NOT NULL,
    PRIMARY KEY (record_id, rev)
);
