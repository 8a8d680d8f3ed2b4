-- +goose Up
-- Human review and fairness (C2–C4, D1–D3, B4, H4). Each workflow object keeps its whole state as
-- JSON in data, written in the same statement as the columns that lists filter and sort by.

-- sampling_plans are the supervisor's plans; plan_runs what each run drew, stratum by stratum.
CREATE TABLE sampling_plans (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    data       TEXT    NOT NULL, -- JSON of sample.Plan
    created_by TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE plan_runs (
    id      INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES sampling_plans (id),
    ran_at  INTEGER NOT NULL,
    data    TEXT    NOT NULL -- JSON of the run: seed, who, strata, reasons, counts
);

CREATE INDEX plan_runs_plan ON plan_runs (plan_id, ran_at);

-- review_tasks are records waiting for one inspector.
CREATE TABLE review_tasks (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL, -- sample, dispute
    record_id    TEXT    NOT NULL REFERENCES records (id),
    inspector_id INTEGER NOT NULL REFERENCES users (id),
    status       TEXT    NOT NULL, -- open, done, cancelled
    reason       TEXT    NOT NULL DEFAULT '',
    stratum      TEXT    NOT NULL DEFAULT '',
    plan_id      INTEGER NOT NULL DEFAULT 0,
    run_id       INTEGER NOT NULL DEFAULT 0,
    dispute_id   INTEGER NOT NULL DEFAULT 0,
    blind        INTEGER NOT NULL DEFAULT 0,
    due_at       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX review_tasks_queue ON review_tasks (inspector_id, status, due_at);
CREATE INDEX review_tasks_record ON review_tasks (record_id);

-- reviews are human scorings; status says whether a score counts (final) or not (disputed, …).
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    record_id   TEXT    NOT NULL REFERENCES records (id),
    task_id     INTEGER NOT NULL DEFAULT 0,
    reviewer_id INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    agent_id    TEXT    NOT NULL,
    team        TEXT    NOT NULL DEFAULT '',
    score       REAL    NOT NULL,
    passed      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    data        TEXT    NOT NULL -- JSON of review.Review
);

CREATE INDEX reviews_record ON reviews (record_id, created_at);
CREATE INDEX reviews_agent ON reviews (agent_id, created_at);

-- problems are the concrete problems of reviews, one row each, for analysis.
CREATE TABLE problems (
    id               INTEGER PRIMARY KEY,
    review_id        INTEGER NOT NULL REFERENCES reviews (id),
    record_id        TEXT    NOT NULL,
    agent_id         TEXT    NOT NULL,
    service_time     INTEGER NOT NULL,
    customer_problem TEXT    NOT NULL,
    dimension        TEXT    NOT NULL,
    item             TEXT    NOT NULL DEFAULT '',
    behaviour        TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    major            INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX problems_review ON problems (review_id);

CREATE TABLE incidents (
    id         INTEGER PRIMARY KEY,
    record_id  TEXT    NOT NULL,
    status     TEXT    NOT NULL, -- open, closed
    created_at INTEGER NOT NULL,
    data       TEXT    NOT NULL
);

CREATE INDEX incidents_status ON incidents (status, created_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    link       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

CREATE TABLE disputes (
    id        INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    record_id TEXT    NOT NULL,
    status    TEXT    NOT NULL,
    agent_id  TEXT    NOT NULL,
    team      TEXT    NOT NULL DEFAULT '',
    raised_at INTEGER NOT NULL,
    data      TEXT    NOT NULL
);

CREATE INDEX disputes_status ON disputes (status, raised_at);
CREATE INDEX disputes_review ON disputes (review_id);

CREATE TABLE slips (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews (id),
    record_id  TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    agent_id   TEXT    NOT NULL,
    team       TEXT    NOT NULL DEFAULT '',
    due_at     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    data       TEXT    NOT NULL
);

CREATE INDEX slips_step ON slips (step, due_at);

CREATE TABLE calibrations (
    id         INTEGER PRIMARY KEY,
    status     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    data       TEXT    NOT NULL
);

-- calibration_scores: one scoring of one record by one inspector; inspector_id 0 is the calibrated answer.
CREATE TABLE calibration_scores (
    calibration_id INTEGER NOT NULL REFERENCES calibrations (id),
    record_id      TEXT    NOT NULL,
    inspector_id   INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    PRIMARY KEY (calibration_id, record_id, inspector_id)
);

CREATE TABLE knowledge (
    id         INTEGER PRIMARY KEY,
    topic      TEXT    NOT NULL UNIQUE,
    updated_at INTEGER NOT NULL,
    data       TEXT    NOT NULL
);

-- audit_log is append-only (H4): the triggers refuse to change or delete a line.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    record_id TEXT    NOT NULL DEFAULT '',
    before    TEXT    NOT NULL DEFAULT '',
    after     TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_record ON audit_log (record_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
