-- OAuth clients, SQLite flavour. Lists are JSON arrays of strings.
CREATE TABLE oauth_clients (
    id                         TEXT PRIMARY KEY NOT NULL,
    name                       TEXT NOT NULL,
    kind                       TEXT NOT NULL,
    secret_digest              BLOB,
    redirect_uris              TEXT NOT NULL,
    post_logout_redirect_uris  TEXT NOT NULL,
    grant_types                TEXT NOT NULL,
    scopes                     TEXT NOT NULL,
    token_endpoint_auth        TEXT NOT NULL,
    first_party                INTEGER NOT NULL DEFAULT 0,
    created_at                 TEXT NOT NULL
);
