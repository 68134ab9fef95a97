-- OAuth authorization code grant, SQLite flavour (conventions as in 0001):
-- what a session is for, authorization codes (their digests) and remembered
-- consents. Everything that names a client goes with it (ON DELETE CASCADE).

-- `kind` is `SessionKind::as_str`; an 'oauth' session names its client and
-- granted scope (both NULL otherwise). SQLite accepts a REFERENCES clause on an
-- added column because its default is NULL. Sessions made before this
-- migration were API sign-ins.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE sessions ADD COLUMN client_id TEXT REFERENCES oauth_clients (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN scope TEXT;

CREATE INDEX sessions_client_id_idx ON sessions (client_id);

-- How the client's ID tokens are signed (`SigningAlg::as_str`).
ALTER TABLE oauth_clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'RS256';

-- An issued code, redeemed once. `browser_session` and `grant_session` are
-- session ids without foreign keys: the grant session does not exist before
-- the redemption. `amr` is space-separated, like `sessions.amr`. A duplicate
-- digest breaks the primary key; `constraint_of` reports it as
-- `oauth_codes_pkey`, the name PostgreSQL gives it.
CREATE TABLE oauth_codes (
    digest           BLOB PRIMARY KEY NOT NULL,
    client_id        TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    browser_session  BLOB NOT NULL,
    grant_session    BLOB NOT NULL,
    redirect_uri     TEXT NOT NULL,
    scope            TEXT NOT NULL,
    nonce            TEXT,
    code_challenge   TEXT,
    auth_time        TEXT NOT NULL,
    amr              TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    redeemed_at      TEXT
);

CREATE INDEX oauth_codes_expires_at_idx ON oauth_codes (expires_at);
CREATE INDEX oauth_codes_client_id_idx ON oauth_codes (client_id);
CREATE INDEX oauth_codes_user_id_idx ON oauth_codes (user_id);

-- One remembered approval per user and client; `scope` is space-separated and
-- sorted. The primary key serves the lookups by user.
CREATE TABLE oauth_consents (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    scope       TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE INDEX oauth_consents_client_id_idx ON oauth_consents (client_id);
