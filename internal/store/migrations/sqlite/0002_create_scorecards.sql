-- +goose Up
-- scorecards holds every version of every scorecard; at most one version of a name is active (B1).
CREATE TABLE scorecards (
    name       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    title      TEXT    NOT NULL DEFAULT '',
    src        TEXT    NOT NULL, -- the YAML as written by the user
    data       TEXT    NOT NULL, -- JSON of qa.Scorecard
    active     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, -- unix ms UTC
    PRIMARY KEY (name, version)
);

CREATE UNIQUE INDEX scorecards_one_active ON scorecards (name) WHERE active;
