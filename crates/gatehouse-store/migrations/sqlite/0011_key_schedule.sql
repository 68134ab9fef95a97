-- Signing keys on a schedule (issue 18): a key is published ahead of use as
-- 'next' (it verifies, does not sign), then made current. An algorithm has
-- at most one next key, so two processes following the schedule at once
-- publish one. SQLite cannot change a CHECK rule in place: the table is
-- copied.
CREATE TABLE signing_keys_scheduled (
    kid             TEXT PRIMARY KEY NOT NULL,
    alg             TEXT NOT NULL,
    private_sealed  BLOB NOT NULL,
    public_jwk      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('next', 'current', 'previous', 'retired')),
    created_at      TEXT NOT NULL,
    superseded_at   TEXT
);
INSERT INTO signing_keys_scheduled (kid, alg, private_sealed, public_jwk, status, created_at, superseded_at)
    SELECT kid, alg, private_sealed, public_jwk, status, created_at, superseded_at FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_scheduled RENAME TO signing_keys;
CREATE UNIQUE INDEX signing_keys_one_next_per_alg ON signing_keys (alg) WHERE status = 'next';
