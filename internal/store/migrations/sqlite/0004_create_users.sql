-- +goose Up
-- users are the accounts of the console and the API (H1); usernames are stored lower-case.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL,
    agent_id      TEXT    NOT NULL DEFAULT '', -- agents: the agent_id of their records
    team          TEXT    NOT NULL DEFAULT '', -- team leads: the team whose records they see
    lang          TEXT    NOT NULL DEFAULT 'zh-CN',
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT    NOT NULL DEFAULT '', -- argon2id PHC string; '' cannot log in
    created_at    INTEGER NOT NULL -- unix ms UTC
);

-- sessions are console log-ins; only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- api_tokens are personal tokens for the API (qlp_…); only their SHA-256 is stored.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL DEFAULT '',
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL DEFAULT 0, -- 0: never
    revoked    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);
