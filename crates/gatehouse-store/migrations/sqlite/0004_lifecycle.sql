-- Account lifecycle by email, SQLite flavour: single-use tokens (their
-- digests) for email verification, password reset and email change.
CREATE TABLE email_tokens (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    digest      BLOB NOT NULL,
    new_email   TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE UNIQUE INDEX email_tokens_digest_key ON email_tokens (digest);
CREATE INDEX email_tokens_user_kind ON email_tokens (user_id, kind);
