-- +goose Up
-- Customer feedback (A2) and its verification (A3). feedback holds the current revision of each
-- entry with the columns lists filter by; feedback_revisions keeps every revision unchanged with who
-- or which file changed it and why (A4); feedback_checks keeps every verification result beside the
-- entry — a later run or follow-up adds a row, none is changed or deleted.
CREATE TABLE feedback (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE, -- the entry's own id ("id:…") or kind:record_id
    kind       TEXT    NOT NULL,
    record_id  TEXT    NOT NULL REFERENCES records (id),
    at         BIGINT  NOT NULL, -- unix ms UTC
    overall    INTEGER NOT NULL DEFAULT 0,
    rev        INTEGER NOT NULL,
    hash       TEXT    NOT NULL, -- sha256 hex of the entry's JSON
    updated_at BIGINT  NOT NULL
);

CREATE INDEX feedback_record ON feedback (record_id);
CREATE INDEX feedback_kind ON feedback (kind, at);

CREATE TABLE feedback_revisions (
    feedback_id BIGINT  NOT NULL REFERENCES feedback (id),
    rev         INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT '', -- the import file, '' when entered by hand
    actor       TEXT    NOT NULL DEFAULT '', -- the account
    reason      TEXT    NOT NULL DEFAULT '',
    at          BIGINT  NOT NULL,
    data        TEXT    NOT NULL,
    PRIMARY KEY (feedback_id, rev)
);

CREATE TABLE feedback_checks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feedback_id BIGINT  NOT NULL REFERENCES feedback (id),
    rev         INTEGER NOT NULL,
    record_id   TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    due_at      BIGINT  NOT NULL DEFAULT 0,
    by_user     TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    manual      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX feedback_checks_entry ON feedback_checks (feedback_id, rule, id);
CREATE INDEX feedback_checks_status ON feedback_checks (status, due_at);

-- +goose StatementBegin
CREATE FUNCTION feedback_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER feedback_checks_no_change BEFORE UPDATE OR DELETE ON feedback_checks
    FOR EACH ROW EXECUTE FUNCTION feedback_append_only();
CREATE TRIGGER feedback_revisions_no_change BEFORE UPDATE OR DELETE ON feedback_revisions
    FOR EACH ROW EXECUTE FUNCTION feedback_append_only();
