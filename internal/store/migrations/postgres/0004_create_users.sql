-- +goose Up
-- users are the accounts of the console and the API (H1); usernames are stored lower-case.
CREATE TABLE users (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL,
    agent_id      TEXT    NOT NULL DEFAULT '', -- agents: the agent_id of their records
    team          TEXT    NOT NULL DEFAULT '', -- team leads: the team whose records they see
    lang          TEXT    NOT NULL DEFAULT 'zh-CN',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT    NOT NULL DEFAULT '', -- argon2id PHC string; '' cannot log in
    created_at    BIGINT  NOT NULL -- unix ms UTC
);

-- sessions are console log-ins; only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash    TEXT   NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- api_tokens are personal tokens for the API (qlp_…); only their SHA-256 is stored.
CREATE TABLE api_tokens (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL DEFAULT '',
    token_hash TEXT    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    last_used  BIGINT  NOT NULL DEFAULT 0, -- 0: never
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);
