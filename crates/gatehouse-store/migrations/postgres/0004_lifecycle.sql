-- Account lifecycle by email, PostgreSQL flavour: single-use tokens (their
-- digests) for email verification, password reset and email change.
CREATE TABLE email_tokens (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    digest      BYTEA NOT NULL,
    new_email   TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);

CREATE UNIQUE INDEX email_tokens_digest_key ON email_tokens (digest);
CREATE INDEX email_tokens_user_kind ON email_tokens (user_id, kind);
