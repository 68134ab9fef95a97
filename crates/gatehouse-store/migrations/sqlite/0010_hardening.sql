-- Security hardening (issue 16).

-- An upstream link made when the upstream had not verified the address the
-- account was created from. Such links are dropped once the address's owner
-- proves it (a password reset or an email verification). Gatehouse makes no
-- new ones; links of accounts whose address is still unverified are the
-- ones earlier versions made that way.
ALTER TABLE upstream_links ADD COLUMN from_unverified_email BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE upstream_links SET from_unverified_email = TRUE
    WHERE user_id IN (SELECT id FROM users WHERE email_verified = FALSE);

-- When a signing key stopped signing (became previous). A previous key stays
-- published while tokens it signed may still be valid, however many
-- rotations come in between; keys from before this column get it at the
-- next rotation.
ALTER TABLE signing_keys ADD COLUMN superseded_at TEXT;

-- Backup codes are stored keyed: HMAC-SHA-256, under a key derived from the
-- master key, of the code's SHA-256 digest — a leaked table cannot be
-- searched offline without the master key. Rows from before are plain
-- SHA-256 (`keyed` false); the server re-keys them at start, in place (the
-- HMAC is taken over the stored digest, so no code needs to be known).
ALTER TABLE mfa_backup_codes ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;
