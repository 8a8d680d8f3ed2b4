-- +goose Up
-- Human review and fairness (C2–C4, D1–D3, B4, H4). Each workflow object keeps its whole state as
-- JSON in data, written in the same statement as the columns that lists filter and sort by.

-- sampling_plans are the supervisor's plans; plan_runs what each run drew, stratum by stratum.
CREATE TABLE sampling_plans (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    data       TEXT    NOT NULL, -- JSON of sample.Plan
    created_by TEXT    NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE plan_runs (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES sampling_plans (id),
    ran_at  BIGINT NOT NULL,
    data    TEXT    NOT NULL -- JSON of the run: seed, who, strata, reasons, counts
);

CREATE INDEX plan_runs_plan ON plan_runs (plan_id, ran_at);

-- review_tasks are records waiting for one inspector.
CREATE TABLE review_tasks (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT    NOT NULL, -- sample, dispute
    record_id    TEXT    NOT NULL REFERENCES records (id),
    inspector_id BIGINT NOT NULL REFERENCES users (id),
    status       TEXT    NOT NULL, -- open, done, cancelled
    reason       TEXT    NOT NULL DEFAULT '',
    stratum      TEXT    NOT NULL DEFAULT '',
    plan_id      BIGINT NOT NULL DEFAULT 0,
    run_id       BIGINT NOT NULL DEFAULT 0,
    dispute_id   BIGINT NOT NULL DEFAULT 0,
    blind        BOOLEAN NOT NULL DEFAULT FALSE,
    due_at       BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    done_at      BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX review_tasks_queue ON review_tasks (inspector_id, status, due_at);
CREATE INDEX review_tasks_record ON review_tasks (record_id);

-- reviews are human scorings; status says whether a score counts (final) or not (disputed, …).
CREATE TABLE reviews (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id   TEXT    NOT NULL REFERENCES records (id),
    task_id     BIGINT NOT NULL DEFAULT 0,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    agent_id    TEXT    NOT NULL,
    team        TEXT    NOT NULL DEFAULT '',
    score       DOUBLE PRECISION    NOT NULL,
    passed      BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    data        TEXT    NOT NULL -- JSON of review.Review
);

CREATE INDEX reviews_record ON reviews (record_id, created_at);
CREATE INDEX reviews_agent ON reviews (agent_id, created_at);

-- problems are the concrete problems of reviews, one row each, for analysis.
CREATE TABLE problems (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id        BIGINT NOT NULL REFERENCES reviews (id),
    record_id        TEXT    NOT NULL,
    agent_id         TEXT    NOT NULL,
    service_time     BIGINT NOT NULL,
    customer_problem TEXT    NOT NULL,
    dimension        TEXT    NOT NULL,
    item             TEXT    NOT NULL DEFAULT '',
    behaviour        TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    major            BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX problems_review ON problems (review_id);

CREATE TABLE incidents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id  TEXT    NOT NULL,
    status     TEXT    NOT NULL, -- open, closed
    created_at BIGINT NOT NULL,
    data       TEXT    NOT NULL
);

CREATE INDEX incidents_status ON incidents (status, created_at);

CREATE TABLE notifications (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    link       TEXT    NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

CREATE TABLE disputes (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id BIGINT NOT NULL REFERENCES reviews (id),
    record_id TEXT    NOT NULL,
    status    TEXT    NOT NULL,
    agent_id  TEXT    NOT NULL,
    team      TEXT    NOT NULL DEFAULT '',
    raised_at BIGINT NOT NULL,
    data      TEXT    NOT NULL
);

CREATE INDEX disputes_status ON disputes (status, raised_at);
CREATE INDEX disputes_review ON disputes (review_id);

CREATE TABLE slips (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id  BIGINT NOT NULL REFERENCES reviews (id),
    record_id  TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    agent_id   TEXT    NOT NULL,
    team       TEXT    NOT NULL DEFAULT '',
    due_at     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    data       TEXT    NOT NULL
);

CREATE INDEX slips_step ON slips (step, due_at);

CREATE TABLE calibrations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status     TEXT    NOT NULL,
    created_at BIGINT NOT NULL,
    data       TEXT    NOT NULL
);

-- calibration_scores: one scoring of one record by one inspector; inspector_id 0 is the calibrated answer.
CREATE TABLE calibration_scores (
    calibration_id BIGINT NOT NULL REFERENCES calibrations (id),
    record_id      TEXT    NOT NULL,
    inspector_id   BIGINT NOT NULL,
    data           TEXT    NOT NULL,
    PRIMARY KEY (calibration_id, record_id, inspector_id)
);

CREATE TABLE knowledge (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic      TEXT    NOT NULL UNIQUE,
    updated_at BIGINT NOT NULL,
    data       TEXT    NOT NULL
);

-- audit_log is append-only (H4): the triggers refuse to change or delete a line.
CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor_id  BIGINT NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id BIGINT NOT NULL,
    record_id TEXT    NOT NULL DEFAULT '',
    before    TEXT    NOT NULL DEFAULT '',
    after     TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_record ON audit_log (record_id, id);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
