-- Nodes check sessions and users in memory (issue 19, decision 0016): every
-- node must hear at once when one ends or changes, whoever changed it. As in
-- 0008, triggers speak on gatehouse_changes:
--   session:<id>   a session was revoked, or its sign-in facts changed;
--   user:<id>      a user changed (every change of what a user is sets
--                  updated_at), was deleted, or gained or lost a role;
--   factors:<id>   a user's second factors changed (what /api/auth/me shows);
--   roles          what roles grant changed (roles_version moved).
-- Using a session (last_used_at, idle_expires_at), counting failed logins and
-- using a TOTP step are not changes anyone needs to hear of.

-- One row's notice: TG_ARGV[0] is the kind, TG_ARGV[1] the column naming whom
-- it concerns (the old row's for a deletion).
CREATE FUNCTION gatehouse_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := to_jsonb(OLD);
    ELSE
        changed := to_jsonb(NEW);
    END IF;
    PERFORM pg_notify('gatehouse_changes', TG_ARGV[0] || ':' || (changed ->> TG_ARGV[1]));
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_changed
    AFTER UPDATE OF revoked_at, amr, auth_time ON sessions
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('session', 'id');

CREATE TRIGGER users_changed
    AFTER UPDATE OF updated_at, is_active, username, email, email_verified, password_hash, password_reset_required
    OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('user', 'id');

CREATE TRIGGER user_roles_changed
    AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('user', 'user_id');

CREATE TRIGGER mfa_totp_changed
    AFTER INSERT OR DELETE OR UPDATE OF enabled_at ON mfa_totp
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('factors', 'user_id');
CREATE TRIGGER mfa_backup_codes_changed
    AFTER INSERT OR DELETE OR UPDATE OF used_at ON mfa_backup_codes
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('factors', 'user_id');
CREATE TRIGGER webauthn_credentials_changed
    AFTER INSERT OR DELETE ON webauthn_credentials
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_row('factors', 'user_id');

CREATE FUNCTION gatehouse_notify_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gatehouse_changes', 'roles');
    RETURN NULL;
END
$$;

CREATE TRIGGER roles_version_changed
    AFTER UPDATE ON roles_version
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_roles();
