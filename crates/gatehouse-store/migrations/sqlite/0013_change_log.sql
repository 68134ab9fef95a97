-- Nodes check sessions and users in memory (issue 19), and cache the signing
-- keys and OAuth clients: the server must hear of a change another process
-- made — the CLI, an operator's SQL. SQLite has no notices, so triggers write
-- each change to this log, which the server reads a few times a second
-- (`SqliteStore::change_feed`). The notices are those of PostgreSQL's
-- gatehouse_changes channel (0008, 0013 there): keys, client:<id>,
-- session:<id>, user:<id>, factors:<id>, roles.

CREATE TABLE change_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    notice  TEXT NOT NULL
);

-- The log keeps the last 10,000 changes; a reader further behind than that
-- forgets everything it cached.
CREATE TRIGGER change_log_trimmed AFTER INSERT ON change_log
    BEGIN DELETE FROM change_log WHERE seq <= NEW.seq - 10000; END;

-- A session revoked, or its sign-in facts changed (using one is not a change).
CREATE TRIGGER sessions_changed AFTER UPDATE OF revoked_at, amr, auth_time ON sessions
    BEGIN INSERT INTO change_log (notice) VALUES ('session:' || lower(hex(NEW.id))); END;

-- Every change of what a user is sets updated_at; failed logins do not.
CREATE TRIGGER users_changed
    AFTER UPDATE OF updated_at, is_active, username, email, email_verified, password_hash, password_reset_required
    ON users
    BEGIN INSERT INTO change_log (notice) VALUES ('user:' || lower(hex(NEW.id))); END;
CREATE TRIGGER users_deleted AFTER DELETE ON users
    BEGIN INSERT INTO change_log (notice) VALUES ('user:' || lower(hex(OLD.id))); END;
CREATE TRIGGER user_roles_inserted AFTER INSERT ON user_roles
    BEGIN INSERT INTO change_log (notice) VALUES ('user:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER user_roles_deleted AFTER DELETE ON user_roles
    BEGIN INSERT INTO change_log (notice) VALUES ('user:' || lower(hex(OLD.user_id))); END;
CREATE TRIGGER roles_version_changed AFTER UPDATE ON roles_version
    BEGIN INSERT INTO change_log (notice) VALUES ('roles'); END;

-- A user's second factors (what /api/auth/me shows of them).
CREATE TRIGGER mfa_totp_inserted AFTER INSERT ON mfa_totp
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER mfa_totp_enabled AFTER UPDATE OF enabled_at ON mfa_totp
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER mfa_totp_deleted AFTER DELETE ON mfa_totp
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(OLD.user_id))); END;
CREATE TRIGGER mfa_backup_codes_inserted AFTER INSERT ON mfa_backup_codes
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER mfa_backup_codes_used AFTER UPDATE OF used_at ON mfa_backup_codes
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER mfa_backup_codes_deleted AFTER DELETE ON mfa_backup_codes
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(OLD.user_id))); END;
CREATE TRIGGER webauthn_credentials_inserted AFTER INSERT ON webauthn_credentials
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(NEW.user_id))); END;
CREATE TRIGGER webauthn_credentials_deleted AFTER DELETE ON webauthn_credentials
    BEGIN INSERT INTO change_log (notice) VALUES ('factors:' || lower(hex(OLD.user_id))); END;

CREATE TRIGGER signing_keys_inserted AFTER INSERT ON signing_keys
    BEGIN INSERT INTO change_log (notice) VALUES ('keys'); END;
CREATE TRIGGER signing_keys_updated AFTER UPDATE ON signing_keys
    BEGIN INSERT INTO change_log (notice) VALUES ('keys'); END;
CREATE TRIGGER signing_keys_deleted AFTER DELETE ON signing_keys
    BEGIN INSERT INTO change_log (notice) VALUES ('keys'); END;
CREATE TRIGGER oauth_clients_updated AFTER UPDATE ON oauth_clients
    BEGIN INSERT INTO change_log (notice) VALUES ('client:' || OLD.id); END;
CREATE TRIGGER oauth_clients_deleted AFTER DELETE ON oauth_clients
    BEGIN INSERT INTO change_log (notice) VALUES ('client:' || OLD.id); END;
