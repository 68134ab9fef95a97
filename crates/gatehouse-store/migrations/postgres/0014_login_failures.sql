-- A lockout never reveals whether an account exists (issue 20, decision
-- 0019): a login name no account has locks after the same failures, for the
-- same time, as an account does. Its failures are kept by the SHA-256 of the
-- lower-cased name, never the name. Failures of either kind older than a day
-- are forgotten (the next one counts as the first), so both decay alike;
-- the purge deletes names idle for a day.
ALTER TABLE users ADD COLUMN last_failed_login_at timestamptz;

CREATE TABLE login_name_failures (
    name_digest      bytea       PRIMARY KEY,
    failures         integer     NOT NULL,
    last_failure_at  timestamptz NOT NULL,
    locked_until     timestamptz
);
CREATE INDEX login_name_failures_last_idx ON login_name_failures (last_failure_at);
