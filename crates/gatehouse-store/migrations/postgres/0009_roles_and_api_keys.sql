-- Roles as named sets of permissions, API keys, and an administrator's
-- demand for a new password. PostgreSQL flavour.

-- `builtin` roles (admin, user) cannot be deleted; the server adds the
-- catalog's permissions to `admin` at every start.
CREATE TABLE roles (
    name         text        PRIMARY KEY,
    description  text        NOT NULL DEFAULT '',
    builtin      boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE role_permissions (
    role        text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    permission  text NOT NULL,
    PRIMARY KEY (role, permission)
);

-- A counter every change to roles or role_permissions bumps (triggers, so
-- every writer counts): the store caches what each role grants and reads the
-- counter with every user to know when to read the definitions again.
CREATE TABLE roles_version (
    id       integer PRIMARY KEY CHECK (id = 1),
    version  bigint  NOT NULL
);
INSERT INTO roles_version (id, version) VALUES (1, 1);

CREATE FUNCTION gatehouse_bump_roles_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roles_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER roles_changed
    AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_bump_roles_version();
CREATE TRIGGER role_permissions_changed
    AFTER INSERT OR UPDATE OR DELETE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_bump_roles_version();

INSERT INTO roles (name, description, builtin, created_at, updated_at) VALUES
    ('admin', 'Administrators: every Gatehouse permission', true, now(), now()),
    ('user', 'Everyone who signs up (grants nothing by default)', true, now(), now());

-- Roles given before roles were defined become roles without permissions.
INSERT INTO roles (name, description, builtin, created_at, updated_at)
    SELECT DISTINCT role, '', false, now(), now()
    FROM user_roles WHERE role NOT IN (SELECT name FROM roles);

ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_fkey
    FOREIGN KEY (role) REFERENCES roles (name) ON DELETE CASCADE;
CREATE INDEX user_roles_role_idx ON user_roles (role);

ALTER TABLE users ADD COLUMN password_reset_required boolean NOT NULL DEFAULT false;

-- Personal API keys: the SHA-256 digest of the key, never the key. `scopes`
-- is space-separated and sorted.
CREATE TABLE api_keys (
    id            uuid        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    digest        bytea       NOT NULL,
    scopes        text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    last_used_at  timestamptz,
    last_used_ip  text,
    revoked_at    timestamptz
);

CREATE UNIQUE INDEX api_keys_digest_key ON api_keys (digest);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at);
