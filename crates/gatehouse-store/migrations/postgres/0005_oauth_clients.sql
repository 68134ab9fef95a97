-- OAuth clients, PostgreSQL flavour. Lists are JSON arrays of strings (text).
CREATE TABLE oauth_clients (
    id                         TEXT PRIMARY KEY,
    name                       TEXT NOT NULL,
    kind                       TEXT NOT NULL,
    secret_digest              BYTEA,
    redirect_uris              TEXT NOT NULL,
    post_logout_redirect_uris  TEXT NOT NULL,
    grant_types                TEXT NOT NULL,
    scopes                     TEXT NOT NULL,
    token_endpoint_auth        TEXT NOT NULL,
    first_party                BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                 TIMESTAMPTZ NOT NULL
);
