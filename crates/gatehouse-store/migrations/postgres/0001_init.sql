-- Gatehouse schema, PostgreSQL flavour.

CREATE TABLE users (
    id              uuid        PRIMARY KEY,
    username        text        NOT NULL,
    email           text        NOT NULL,
    password_hash   text        NOT NULL,
    is_active       boolean     NOT NULL DEFAULT true,
    email_verified  boolean     NOT NULL DEFAULT false,
    failed_logins   integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- Uniqueness is case-insensitive. The names are what `constraint_of` reports.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_created_at_idx ON users (created_at, id);

CREATE TABLE user_roles (
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     text NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id                   uuid        PRIMARY KEY,
    user_id              uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at           timestamptz NOT NULL,
    last_used_at         timestamptz NOT NULL,
    idle_expires_at      timestamptz NOT NULL,
    absolute_expires_at  timestamptz NOT NULL,
    revoked_at           timestamptz,
    ip                   text,
    user_agent           text
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    parent_id   uuid,
    digest      bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    spent_at    timestamptz,
    spent_by    text
);

CREATE UNIQUE INDEX refresh_tokens_digest_key ON refresh_tokens (digest);
CREATE INDEX refresh_tokens_parent_id_idx ON refresh_tokens (parent_id);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
    kid             text        PRIMARY KEY,
    alg             text        NOT NULL,
    private_sealed  bytea       NOT NULL,
    public_jwk      text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('current', 'previous', 'retired')),
    created_at      timestamptz NOT NULL
);

-- No foreign keys: audit records outlive the users they mention.
CREATE TABLE audit_log (
    id          uuid        PRIMARY KEY,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    outcome     text        NOT NULL,
    actor       uuid,
    subject     uuid,
    ip          text,
    user_agent  text,
    detail      text
);

CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor);
CREATE INDEX audit_log_subject_idx ON audit_log (subject);
