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
ALTER TABLE signing_keys ADD COLUMN superseded_at timestamptz;
