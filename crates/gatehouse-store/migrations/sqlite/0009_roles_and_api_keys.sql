-- Roles as named sets of permissions, API keys, and an administrator's
-- demand for a new password. SQLite flavour (conventions as in 0001; the
-- number matches PostgreSQL's, whose 0008 SQLite has no use for).

-- `builtin` roles (admin, user) cannot be deleted; the server adds the
-- catalog's permissions to `admin` at every start.
CREATE TABLE roles (
    name         TEXT    PRIMARY KEY NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    builtin      INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

CREATE TABLE role_permissions (
    role        TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    permission  TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

-- A counter every change to roles or role_permissions bumps (triggers, so
-- every writer counts): the store caches what each role grants and reads the
-- counter with every user to know when to read the definitions again.
CREATE TABLE roles_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO roles_version (id, version) VALUES (1, 1);

CREATE TRIGGER roles_inserted AFTER INSERT ON roles
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER roles_updated AFTER UPDATE ON roles
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER roles_deleted AFTER DELETE ON roles
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER role_permissions_inserted AFTER INSERT ON role_permissions
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER role_permissions_updated AFTER UPDATE ON role_permissions
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER role_permissions_deleted AFTER DELETE ON role_permissions
    BEGIN UPDATE roles_version SET version = version + 1 WHERE id = 1; END;

INSERT INTO roles (name, description, builtin, created_at, updated_at) VALUES
    ('admin', 'Administrators: every Gatehouse permission', 1,
     strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now')),
    ('user', 'Everyone who signs up (grants nothing by default)', 1,
     strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now'));

-- Roles given before roles were defined become roles without permissions.
INSERT INTO roles (name, description, builtin, created_at, updated_at)
    SELECT DISTINCT role, '', 0, strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now')
    FROM user_roles WHERE role NOT IN (SELECT name FROM roles);

-- user_roles gets its foreign key to roles: SQLite cannot add one to an
-- existing table, so the table is rebuilt.
CREATE TABLE user_roles_new (
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_new (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;
CREATE INDEX user_roles_role_idx ON user_roles (role);

ALTER TABLE users ADD COLUMN password_reset_required INTEGER NOT NULL DEFAULT 0
    CHECK (password_reset_required IN (0, 1));

-- Personal API keys: the SHA-256 digest of the key, never the key. `scopes`
-- is space-separated and sorted.
CREATE TABLE api_keys (
    id            BLOB PRIMARY KEY NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    digest        BLOB NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT,
    last_used_ip  TEXT,
    revoked_at    TEXT
);

CREATE UNIQUE INDEX api_keys_digest_key ON api_keys (digest);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at);
