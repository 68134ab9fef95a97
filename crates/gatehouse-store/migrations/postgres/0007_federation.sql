-- Upstream identity providers ("Sign in with ..."), PostgreSQL flavour.

-- A registered provider. `kind` is `UpstreamKind::as_str`; `issuer` is NULL for
-- GitHub. The client secret is sealed under the master key. `scopes` is a JSON
-- array of strings (text), like the lists of `oauth_clients`. A duplicate id
-- breaks `upstream_providers_pkey`.
CREATE TABLE upstream_providers (
    id                    text        PRIMARY KEY,
    name                  text        NOT NULL,
    kind                  text        NOT NULL,
    issuer                text,
    client_id             text        NOT NULL,
    client_secret_sealed  bytea       NOT NULL,
    scopes                text        NOT NULL,
    link_by_email         boolean     NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL
);

-- An upstream identity linked to a local account: one per provider and
-- subject (`upstream_links_pkey`), going with either (ON DELETE CASCADE).
CREATE TABLE upstream_links (
    provider_id  text        NOT NULL REFERENCES upstream_providers (id) ON DELETE CASCADE,
    subject      text        NOT NULL,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (provider_id, subject)
);

CREATE INDEX upstream_links_user_id_idx ON upstream_links (user_id);
