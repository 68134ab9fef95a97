-- Multi-factor authentication, SQLite flavour (conventions as in 0001).

-- How and when the user last proved who they are in a session. Sessions made
-- before this migration were password logins; their `auth_time` stays NULL and
-- reads as `created_at`.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN auth_time TEXT;

-- One TOTP secret per user, sealed by the core. `enabled_at` is NULL while the
-- secret awaits its first code; `last_step` is the last time step accepted.
CREATE TABLE mfa_totp (
    user_id        BLOB    PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed  BLOB    NOT NULL,
    created_at     TEXT    NOT NULL,
    enabled_at     TEXT,
    last_step      INTEGER
);

-- Single-use backup codes (their digests). The unique index also serves the
-- lookups by user (its leading column), so there is no separate one.
CREATE TABLE mfa_backup_codes (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    digest      BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE UNIQUE INDEX mfa_backup_codes_user_digest_key ON mfa_backup_codes (user_id, digest);

-- The pending second step of a login; the client holds the token, we keep its
-- digest. `amr` is space-separated, like `sessions.amr`.
CREATE TABLE mfa_challenges (
    id               BLOB    PRIMARY KEY NOT NULL,
    user_id          BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    digest           BLOB    NOT NULL,
    amr              TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    expires_at       TEXT    NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    used_at          TEXT
);

CREATE UNIQUE INDEX mfa_challenges_digest_key ON mfa_challenges (digest);
CREATE INDEX mfa_challenges_user_id_idx ON mfa_challenges (user_id);
