//! Roles: definitions with their permissions, what users' roles grant, the
//! built-in sync, holders, deletion taking a role from its holders, and the
//! foreign key that refuses a role that does not exist.

use gatehouse_core::account::Role;
use gatehouse_core::rbac::{catalog, Permission, RoleDef};
use gatehouse_core::store::{Constraint, StoreError};
use time::Duration;

use super::{add_role, add_user, now, open, role_names};

fn perms(list: &[&str]) -> Vec<Permission> {
    list.iter().map(|p| Permission::parse(p).unwrap()).collect()
}

pub async fn roles_round_trip_and_grant_their_permissions(url: String) {
    let store = open(&url).await;
    // A fresh database has the built-in roles (migration 0009), empty until synced.
    let names: Vec<String> = store.roles().await.unwrap().iter().map(|r| r.name.to_string()).collect();
    assert_eq!(names, ["admin", "user"]);
    store.sync_builtin_roles(&RoleDef::builtins(now())).await.unwrap();
    let admin = store.role(&Role::admin()).await.unwrap().unwrap();
    let mut expected = catalog();
    expected.sort();
    assert!(admin.builtin);
    assert_eq!(admin.permissions, expected);

    let editor = add_role(store.as_ref(), "editor", &["posts:write", "posts:read"]).await;
    let read = store.role(&editor.name).await.unwrap().unwrap();
    assert_eq!(read.permissions, perms(&["posts:read", "posts:write"]), "sorted");
    assert_eq!((read.description.as_str(), read.builtin), ("the editor role", false));
    let dup = store.insert_role(&editor).await.unwrap_err();
    assert!(matches!(&dup, StoreError::Conflict(Constraint::RoleName)), "{dup:?}");
    add_role(store.as_ref(), "viewer", &["posts:read"]).await;

    let alice = add_user(store.as_ref(), "alice").await;
    assert!(alice.permissions.is_empty(), "the user role grants nothing");
    let t = now() + Duration::minutes(1);
    assert!(store.grant_role(alice.id, &Role::parse("editor").unwrap(), t).await.unwrap());
    assert!(!store.grant_role(alice.id, &Role::parse("editor").unwrap(), t).await.unwrap(), "already held");
    store.grant_role(alice.id, &Role::parse("viewer").unwrap(), t).await.unwrap();
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(role_names(&read), ["editor", "user", "viewer"]);
    assert_eq!(read.permissions, perms(&["posts:read", "posts:write"]), "the union, without duplicates");
    assert_eq!(read.updated_at, t);
    assert_eq!(store.user_by_login("alice").await.unwrap().unwrap().permissions, read.permissions);

    // A changed role counts at the next read.
    let mut changed = store.role(&Role::parse("editor").unwrap()).await.unwrap().unwrap();
    changed.permissions = perms(&["posts:delete"]);
    changed.description = "edits".into();
    changed.updated_at = t;
    assert!(store.update_role(&changed).await.unwrap());
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(read.permissions, perms(&["posts:delete", "posts:read"]));
    let mut ghost = changed.clone();
    ghost.name = Role::parse("ghost").unwrap();
    assert!(!store.update_role(&ghost).await.unwrap());

    assert!(store.revoke_role(alice.id, &Role::parse("viewer").unwrap(), t).await.unwrap());
    assert!(!store.revoke_role(alice.id, &Role::parse("viewer").unwrap(), t).await.unwrap());
    assert_eq!(store.user_by_id(alice.id).await.unwrap().unwrap().permissions, perms(&["posts:delete"]));
}

pub async fn unknown_roles_are_refused_and_deleted_roles_leave_their_holders(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let nobody = Role::parse("nobody").unwrap();
    let err = store.grant_role(alice.id, &nobody, t).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    let err = store.set_roles(alice.id, &[Role::user(), nobody], t).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    assert_eq!(role_names(&store.user_by_id(alice.id).await.unwrap().unwrap()), ["user"], "nothing half-written");

    add_role(store.as_ref(), "support", &["users:read"]).await;
    let support = Role::parse("support").unwrap();
    store.grant_role(alice.id, &support, t).await.unwrap();
    store.grant_role(bob.id, &support, t).await.unwrap();
    store.set_active(bob.id, false, t).await.unwrap();
    assert_eq!(store.role_holders(&support, false).await.unwrap(), 2);
    assert_eq!(store.role_holders(&support, true).await.unwrap(), 1, "only active accounts");
    assert!(store.delete_role(&support).await.unwrap());
    assert!(!store.delete_role(&support).await.unwrap());
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(role_names(&read), ["user"]);
    assert!(read.permissions.is_empty());
    assert_eq!(store.role_holders(&support, false).await.unwrap(), 0);
}

pub async fn the_builtin_sync_adds_but_never_removes(url: String) {
    let store = open(&url).await;
    let t = now();
    store.sync_builtin_roles(&RoleDef::builtins(t)).await.unwrap();
    // An operator added an application permission to admin, and gave user one.
    let mut admin = store.role(&Role::admin()).await.unwrap().unwrap();
    admin.permissions.push(Permission::parse("posts:delete").unwrap());
    admin.permissions.sort();
    store.update_role(&admin).await.unwrap();
    let mut user = store.role(&Role::user()).await.unwrap().unwrap();
    user.permissions = perms(&["posts:read"]);
    store.update_role(&user).await.unwrap();
    // A later start syncs again: the catalog stays complete, nothing is lost.
    store.sync_builtin_roles(&RoleDef::builtins(t)).await.unwrap();
    let admin = store.role(&Role::admin()).await.unwrap().unwrap();
    assert!(admin.permissions.contains(&Permission::parse("posts:delete").unwrap()));
    assert!(catalog().iter().all(|p| admin.permissions.contains(p)));
    assert_eq!(store.role(&Role::user()).await.unwrap().unwrap().permissions, perms(&["posts:read"]));
}

/// Each store caches what roles grant; a change made through another store on
/// the same database (another node, the CLI, plain SQL) is seen at the next read.
pub async fn role_changes_by_another_process_are_seen_at_once(url: String) {
    let a = open(&url).await;
    let b = open(&url).await;
    add_role(a.as_ref(), "editor", &["posts:read"]).await;
    let alice = add_user(a.as_ref(), "alice").await;
    a.grant_role(alice.id, &Role::parse("editor").unwrap(), now()).await.unwrap();
    assert_eq!(a.user_by_id(alice.id).await.unwrap().unwrap().permissions, perms(&["posts:read"]));
    assert_eq!(b.user_by_id(alice.id).await.unwrap().unwrap().permissions, perms(&["posts:read"]));
    let mut editor = b.role(&Role::parse("editor").unwrap()).await.unwrap().unwrap();
    editor.permissions = perms(&["posts:read", "posts:write"]);
    b.update_role(&editor).await.unwrap();
    assert_eq!(a.user_by_id(alice.id).await.unwrap().unwrap().permissions, perms(&["posts:read", "posts:write"]));
    assert_eq!(a.user_by_login("alice").await.unwrap().unwrap().permissions, perms(&["posts:read", "posts:write"]));
    // Plain SQL counts too: the triggers bump the version whoever writes.
    let sql = "DELETE FROM role_permissions WHERE permission = 'posts:read'";
    if url.starts_with("sqlite:") {
        let raw = gatehouse_store::SqliteStore::connect(&url).await.unwrap();
        sqlx::query(sql).execute(raw.pool()).await.unwrap();
        raw.close().await;
    } else {
        let raw = gatehouse_store::PgStore::connect(&url).await.unwrap();
        sqlx::query(sql).execute(raw.pool()).await.unwrap();
        raw.close().await;
    }
    assert_eq!(a.user_by_id(alice.id).await.unwrap().unwrap().permissions, perms(&["posts:write"]));
    let listed = a.list_users(&Default::default(), 10, 0).await.unwrap();
    assert_eq!(listed[0].permissions, perms(&["posts:write"]));
}
