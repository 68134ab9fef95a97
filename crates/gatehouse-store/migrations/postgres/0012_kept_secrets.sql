-- Keys the server keeps for itself, sealed under the master key (issue 18):
-- the backup codes' key, first derived from the master key, then kept here so
-- that `gatehouse keys rotate-master` can re-seal it and people's printed
-- codes keep working under a new master key.
CREATE TABLE kept_secrets (
    name        text        PRIMARY KEY,
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL
);
