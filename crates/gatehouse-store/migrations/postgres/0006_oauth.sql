-- OAuth authorization code grant, PostgreSQL flavour: what a session is for,
-- authorization codes (their digests) and remembered consents. Everything that
-- names a client goes with it (ON DELETE CASCADE).

-- `kind` is `SessionKind::as_str`; an 'oauth' session names its client and
-- granted scope (both NULL otherwise). Sessions made before this migration
-- were API sign-ins.
ALTER TABLE sessions ADD COLUMN kind text NOT NULL DEFAULT 'api';
ALTER TABLE sessions ADD COLUMN client_id text REFERENCES oauth_clients (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN scope text;

CREATE INDEX sessions_client_id_idx ON sessions (client_id);

-- How the client's ID tokens are signed (`SigningAlg::as_str`).
ALTER TABLE oauth_clients ADD COLUMN id_token_alg text NOT NULL DEFAULT 'RS256';

-- An issued code, redeemed once. `browser_session` and `grant_session` are
-- session ids without foreign keys: the grant session does not exist before
-- the redemption. `amr` is space-separated, like `sessions.amr`.
CREATE TABLE oauth_codes (
    digest           bytea       PRIMARY KEY,
    client_id        text        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id          uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    browser_session  uuid        NOT NULL,
    grant_session    uuid        NOT NULL,
    redirect_uri     text        NOT NULL,
    scope            text        NOT NULL,
    nonce            text,
    code_challenge   text,
    auth_time        timestamptz NOT NULL,
    amr              text        NOT NULL,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    redeemed_at      timestamptz
);

CREATE INDEX oauth_codes_expires_at_idx ON oauth_codes (expires_at);
CREATE INDEX oauth_codes_client_id_idx ON oauth_codes (client_id);
CREATE INDEX oauth_codes_user_id_idx ON oauth_codes (user_id);

-- One remembered approval per user and client; `scope` is space-separated and
-- sorted. The primary key serves the lookups by user.
CREATE TABLE oauth_consents (
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   text        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    scope       text        NOT NULL,
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE INDEX oauth_consents_client_id_idx ON oauth_consents (client_id);
