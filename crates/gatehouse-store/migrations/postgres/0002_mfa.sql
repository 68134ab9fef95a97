-- Multi-factor authentication, PostgreSQL flavour.

-- How and when the user last proved who they are in a session. Sessions made
-- before this migration were password logins; their `auth_time` stays NULL and
-- reads as `created_at`.
ALTER TABLE sessions ADD COLUMN amr text NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN auth_time timestamptz;

-- One TOTP secret per user, sealed by the core. `enabled_at` is NULL while the
-- secret awaits its first code; `last_step` is the last time step accepted.
CREATE TABLE mfa_totp (
    user_id        uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed  bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    enabled_at     timestamptz,
    last_step      bigint
);

-- Single-use backup codes (their digests). The unique index also serves the
-- lookups by user (its leading column), so there is no separate one.
CREATE TABLE mfa_backup_codes (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    digest      bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE UNIQUE INDEX mfa_backup_codes_user_digest_key ON mfa_backup_codes (user_id, digest);

-- The pending second step of a login; the client holds the token, we keep its
-- digest. `amr` is space-separated, like `sessions.amr`.
CREATE TABLE mfa_challenges (
    id               uuid        PRIMARY KEY,
    user_id          uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    digest           bytea       NOT NULL,
    amr              text        NOT NULL,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    failed_attempts  integer     NOT NULL DEFAULT 0,
    used_at          timestamptz
);

CREATE UNIQUE INDEX mfa_challenges_digest_key ON mfa_challenges (digest);
CREATE INDEX mfa_challenges_user_id_idx ON mfa_challenges (user_id);
