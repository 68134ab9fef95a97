-- WebAuthn (passkeys and security keys), PostgreSQL flavour.

-- A registered credential. `passkey` is the serialised webauthn-rs passkey
-- (public key, signature counter, flags); `credential_id` is the
-- authenticator's own id, unique across all users.
CREATE TABLE webauthn_credentials (
    id             uuid        PRIMARY KEY,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id  bytea       NOT NULL,
    name           text        NOT NULL,
    passkey        text        NOT NULL,
    created_at     timestamptz NOT NULL,
    last_used_at   timestamptz
);

CREATE UNIQUE INDEX webauthn_credentials_credential_id_key ON webauthn_credentials (credential_id);
CREATE INDEX webauthn_credentials_user_id_idx ON webauthn_credentials (user_id);

-- Server state between the start and the finish of a ceremony, taken (deleted)
-- once. `kind` is `CeremonyKind::as_str`; `user_id` is NULL for passwordless
-- sign-in, `mfa_challenge` is set for a second factor. Expired rows are
-- deleted when a new ceremony is created.
CREATE TABLE webauthn_ceremonies (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL,
    user_id        uuid        REFERENCES users (id) ON DELETE CASCADE,
    mfa_challenge  uuid,
    state          text        NOT NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);

CREATE INDEX webauthn_ceremonies_expires_at_idx ON webauthn_ceremonies (expires_at);
CREATE INDEX webauthn_ceremonies_user_id_idx ON webauthn_ceremonies (user_id);
