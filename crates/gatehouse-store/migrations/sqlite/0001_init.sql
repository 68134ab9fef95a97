-- Gatehouse schema, SQLite flavour.
--
-- Ids are UUIDs stored as 16-byte BLOBs (sqlx's encoding). Times are TEXT in a
-- fixed-width UTC form (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, written by
-- `SqliteStore::ts`) so that text comparison and ordering match time order.
-- Booleans are INTEGER 0/1. JSON is TEXT.

CREATE TABLE users (
    id              BLOB    PRIMARY KEY NOT NULL,
    username        TEXT    NOT NULL,
    email           TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    email_verified  INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

-- Uniqueness is case-insensitive. The names are what `constraint_of` reports.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_created_at_idx ON users (created_at, id);

CREATE TABLE user_roles (
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id                   BLOB PRIMARY KEY NOT NULL,
    user_id              BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at           TEXT NOT NULL,
    last_used_at         TEXT NOT NULL,
    idle_expires_at      TEXT NOT NULL,
    absolute_expires_at  TEXT NOT NULL,
    revoked_at           TEXT,
    ip                   TEXT,
    user_agent           TEXT
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id          BLOB PRIMARY KEY NOT NULL,
    session_id  BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    parent_id   BLOB,
    digest      BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    spent_at    TEXT,
    spent_by    TEXT
);

CREATE UNIQUE INDEX refresh_tokens_digest_key ON refresh_tokens (digest);
CREATE INDEX refresh_tokens_parent_id_idx ON refresh_tokens (parent_id);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY NOT NULL,
    alg             TEXT NOT NULL,
    private_sealed  BLOB NOT NULL,
    public_jwk      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('current', 'previous', 'retired')),
    created_at      TEXT NOT NULL
);

-- No foreign keys: audit records outlive the users they mention.
CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    actor       BLOB,
    subject     BLOB,
    ip          TEXT,
    user_agent  TEXT,
    detail      TEXT
);

CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor);
CREATE INDEX audit_log_subject_idx ON audit_log (subject);
