-- Signing keys on a schedule (issue 18): a key is published ahead of use as
-- 'next' (it verifies, does not sign), then made current. An algorithm has
-- at most one next key, so two nodes following the schedule at once publish
-- one.
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_status_check;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_status_check
    CHECK (status IN ('next', 'current', 'previous', 'retired'));
CREATE UNIQUE INDEX signing_keys_one_next_per_alg ON signing_keys (alg) WHERE status = 'next';
