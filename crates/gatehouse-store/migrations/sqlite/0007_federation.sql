-- Upstream identity providers ("Sign in with ..."), SQLite flavour
-- (conventions as in 0001).

-- A registered provider. `kind` is `UpstreamKind::as_str`; `issuer` is NULL for
-- GitHub. The client secret is sealed under the master key. `scopes` is a JSON
-- array of strings, like the lists of `oauth_clients`. A duplicate id breaks the
-- primary key; `constraint_of` reports it as `upstream_providers_pkey`, the name
-- PostgreSQL gives it.
CREATE TABLE upstream_providers (
    id                    TEXT    PRIMARY KEY NOT NULL,
    name                  TEXT    NOT NULL,
    kind                  TEXT    NOT NULL,
    issuer                TEXT,
    client_id             TEXT    NOT NULL,
    client_secret_sealed  BLOB    NOT NULL,
    scopes                TEXT    NOT NULL,
    link_by_email         INTEGER NOT NULL DEFAULT 0 CHECK (link_by_email IN (0, 1)),
    created_at            TEXT    NOT NULL
);

-- An upstream identity linked to a local account: one per provider and
-- subject, going with either (ON DELETE CASCADE). A second link of the same
-- identity is reported as `upstream_links_pkey`.
CREATE TABLE upstream_links (
    provider_id  TEXT NOT NULL REFERENCES upstream_providers (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (provider_id, subject)
);

CREATE INDEX upstream_links_user_id_idx ON upstream_links (user_id);
