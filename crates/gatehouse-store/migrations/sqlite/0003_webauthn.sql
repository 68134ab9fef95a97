-- WebAuthn (passkeys and security keys), SQLite flavour (conventions as in 0001).

-- A registered credential. `passkey` is the serialised webauthn-rs passkey
-- (public key, signature counter, flags); `credential_id` is the
-- authenticator's own id, unique across all users. SQLite reports a broken
-- column index by its columns; `constraint_of` maps them back to this name.
CREATE TABLE webauthn_credentials (
    id             BLOB PRIMARY KEY NOT NULL,
    user_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id  BLOB NOT NULL,
    name           TEXT NOT NULL,
    passkey        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT
);

CREATE UNIQUE INDEX webauthn_credentials_credential_id_key ON webauthn_credentials (credential_id);
CREATE INDEX webauthn_credentials_user_id_idx ON webauthn_credentials (user_id);

-- Server state between the start and the finish of a ceremony, taken (deleted)
-- once. `kind` is `CeremonyKind::as_str`; `user_id` is NULL for passwordless
-- sign-in, `mfa_challenge` is set for a second factor. Expired rows are
-- deleted when a new ceremony is created.
CREATE TABLE webauthn_ceremonies (
    id             BLOB PRIMARY KEY NOT NULL,
    kind           TEXT NOT NULL,
    user_id        BLOB REFERENCES users (id) ON DELETE CASCADE,
    mfa_challenge  BLOB,
    state          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);

CREATE INDEX webauthn_ceremonies_expires_at_idx ON webauthn_ceremonies (expires_at);
CREATE INDEX webauthn_ceremonies_user_id_idx ON webauthn_ceremonies (user_id);
