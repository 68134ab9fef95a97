//! Users: insert and uniqueness, lookups, listing, roles, flags, login failures.

use gatehouse_core::account::{Role, UserId};
use gatehouse_core::retention::PurgeRequest;
use gatehouse_core::store::{Constraint, StoreError};
use time::Duration;

use gatehouse_core::rbac::RoleDef;
use gatehouse_core::store::UserFilter;

use super::{add_role, add_user, new_user, now, open, role_names};

pub async fn insert_user_and_conflicts(url: String) {
    let store = open(&url).await;
    let created = now();
    let new = new_user("Alice", "Alice@Example.com", &["user", "admin"], created);
    let user = store.insert_user(&new).await.unwrap();
    assert_eq!(user.id, new.id);
    assert_eq!(user.username.as_str(), "Alice");
    assert_eq!(user.email.as_str(), "Alice@example.com");
    assert_eq!(user.password_hash, new.password_hash);
    assert!(user.is_active);
    assert!(!user.email_verified);
    assert_eq!(role_names(&user), ["admin", "user"]);
    assert_eq!(user.failed_logins, 0);
    assert_eq!(user.locked_until, None);
    assert_eq!(user.created_at, created);
    assert_eq!(user.updated_at, created);

    let same_name = new_user("aLICE", "other@example.com", &["user"], now());
    match store.insert_user(&same_name).await {
        Err(StoreError::Conflict(Constraint::Username)) => {}
        other => panic!("expected a username conflict, got {other:?}"),
    }
    let same_email = new_user("alice2", "ALICE@example.COM", &["user"], now());
    match store.insert_user(&same_email).await {
        Err(StoreError::Conflict(Constraint::Email)) => {}
        other => panic!("expected an email conflict, got {other:?}"),
    }
    let mut same_id = new_user("carol", "carol@example.com", &[], now());
    same_id.id = user.id;
    match store.insert_user(&same_id).await {
        Err(StoreError::Conflict(Constraint::Unlisted)) => {}
        other => panic!("expected a primary key conflict, got {other:?}"),
    }
    // The failed inserts left nothing behind, roles included.
    let all = store.list_users(&UserFilter::default(), 100, 0).await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(store.user_by_id(same_name.id).await.unwrap().is_none());
}

pub async fn lookup_is_case_insensitive(url: String) {
    let store = open(&url).await;
    let alice = store.insert_user(&new_user("Alice", "alice.smith@example.com", &["user"], now())).await.unwrap();
    add_user(store.as_ref(), "bob").await;
    for login in ["Alice", "alice", "ALICE", "alice.smith@example.com", "Alice.Smith@EXAMPLE.com"] {
        let found = store.user_by_login(login).await.unwrap().unwrap_or_else(|| panic!("{login} not found"));
        assert_eq!(found.id, alice.id, "{login}");
        assert_eq!(role_names(&found), ["user"]);
    }
    assert!(store.user_by_login("alic").await.unwrap().is_none());
    assert!(store.user_by_login("%").await.unwrap().is_none());
    let by_id = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(by_id.email.as_str(), "alice.smith@example.com");
    assert!(store.user_by_id(UserId::new()).await.unwrap().is_none());
}

pub async fn list_users_orders_searches_and_pages(url: String) {
    let store = open(&url).await;
    let base = now();
    let names = ["carol", "a_c", "abc", "Bob", "dave"];
    for (i, name) in names.iter().enumerate() {
        let roles: &[&str] = if i % 2 == 0 { &["user"] } else { &["user", "admin"] };
        store
            .insert_user(&new_user(
                name,
                &format!("{name}@mail{i}.example.com"),
                roles,
                base + Duration::seconds(i as i64),
            ))
            .await
            .unwrap();
    }
    let list = |search: Option<&'static str>, limit, offset| {
        let store = store.clone();
        async move {
            let filter = UserFilter { search: search.map(str::to_owned), ..Default::default() };
            store
                .list_users(&filter, limit, offset)
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.username.as_str().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(None, 100, 0).await, names);
    assert_eq!(list(None, 2, 1).await, ["a_c", "abc"]);
    assert_eq!(list(None, 10, 4).await, ["dave"]);
    assert!(list(None, 10, 5).await.is_empty());
    assert_eq!(list(Some("B"), 100, 0).await, ["abc", "Bob"]);
    assert_eq!(list(Some("_"), 100, 0).await, ["a_c"], "'_' is not a wildcard");
    assert!(list(Some("%"), 100, 0).await.is_empty(), "'%' is not a wildcard");
    assert_eq!(list(Some("MAIL4"), 100, 0).await, ["dave"], "emails are searched too");
    assert_eq!(list(Some(""), 100, 0).await.len(), names.len());
    store.sync_builtin_roles(&RoleDef::builtins(now())).await.unwrap();
    let users = store.list_users(&UserFilter::default(), 100, 0).await.unwrap();
    assert_eq!(role_names(&users[0]), ["user"]);
    assert_eq!(role_names(&users[1]), ["admin", "user"]);
    // Users read in a list carry their permissions like users read alone.
    let one = store.user_by_id(users[1].id).await.unwrap().unwrap();
    assert_eq!(users[1].permissions, one.permissions);
    assert!(one.has_permission("users:read"), "{:?}", one.permissions);
    let admins = |active| UserFilter { role: Some(Role::admin()), active, ..Default::default() };
    let listed = store.list_users(&admins(None), 100, 0).await.unwrap();
    assert_eq!(listed.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["a_c", "Bob"]);
    store.set_active(listed[0].id, false, now()).await.unwrap();
    assert_eq!(store.list_users(&admins(Some(true)), 100, 0).await.unwrap().len(), 1);
    assert_eq!(store.list_users(&admins(Some(false)), 100, 0).await.unwrap()[0].id, listed[0].id);
    let filter = UserFilter { search: Some("b".into()), role: Some(Role::admin()), active: Some(true) };
    assert_eq!(store.list_users(&filter, 100, 0).await.unwrap().len(), 1, "filters combine");
}

pub async fn roles_and_flags(url: String) {
    let store = open(&url).await;
    let user = add_user(store.as_ref(), "alice").await;
    let later = user.created_at + Duration::minutes(5);
    add_role(store.as_ref(), "support", &["tickets:read"]).await;
    let roles = [Role::parse("support").unwrap(), Role::admin(), Role::user(), Role::admin()];
    store.set_roles(user.id, &roles, later).await.unwrap();
    let read = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(role_names(&read), ["admin", "support", "user"]);
    assert_eq!(read.updated_at, later);
    assert!(read.has_role("admin"));

    store.set_roles(user.id, &[Role::user()], later).await.unwrap();
    assert_eq!(role_names(&store.user_by_id(user.id).await.unwrap().unwrap()), ["user"]);
    store.set_roles(user.id, &[], later).await.unwrap();
    assert!(store.user_by_id(user.id).await.unwrap().unwrap().roles.is_empty());

    let even_later = later + Duration::minutes(1);
    store.set_active(user.id, false, even_later).await.unwrap();
    store.set_password_hash(user.id, &"$argon2id$new".into(), even_later).await.unwrap();
    let read = store.user_by_id(user.id).await.unwrap().unwrap();
    assert!(!read.is_active);
    assert_eq!(read.password_hash.expose(), "$argon2id$new");
    assert_eq!(read.updated_at, even_later);
    store.set_active(user.id, true, even_later).await.unwrap();
    assert!(store.user_by_id(user.id).await.unwrap().unwrap().is_active);
}

/// What ten concurrent runs of `count` returned, sorted.
async fn ten_at_once<F, Fut>(count: F) -> Vec<u32>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u32> + Send + 'static,
{
    let tasks: Vec<_> = (0..10).map(|_| tokio::spawn(count())).collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(task.await.unwrap());
    }
    seen.sort_unstable();
    seen
}

pub async fn login_failures_count_atomically(url: String) {
    let store = open(&url).await;
    let user = add_user(store.as_ref(), "alice").await;
    let t = now();
    let forget = t - Duration::days(1);
    for expected in 1..=3 {
        assert_eq!(store.record_login_failure(user.id, t, forget).await.unwrap(), expected);
    }
    let until = now() + Duration::minutes(15);
    store.set_locked_until(user.id, Some(until)).await.unwrap();
    let read = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(read.failed_logins, 3);
    assert_eq!(read.locked_until, Some(until));

    store.clear_login_failures(user.id).await.unwrap();
    let read = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(read.failed_logins, 0);
    assert_eq!(read.locked_until, None);

    let seen = ten_at_once(|| {
        let store = store.clone();
        async move { store.record_login_failure(user.id, t, forget).await.unwrap() }
    })
    .await;
    assert_eq!(seen, (1..=10).collect::<Vec<u32>>(), "each failure counted once");
    assert!(store.record_login_failure(UserId::new(), t, forget).await.is_err());
    // A failure after a day without one counts as the first.
    let next_day = t + Duration::days(1) + Duration::seconds(1);
    assert_eq!(store.record_login_failure(user.id, next_day, next_day - Duration::days(1)).await.unwrap(), 1);
}

pub async fn unknown_login_names_fail_and_lock_like_accounts(url: String) {
    let store = open(&url).await;
    let t = now();
    let forget = t - Duration::days(1);
    let name = [7u8; 32];
    let other = [8u8; 32];
    assert_eq!(store.name_locked_until(&name).await.unwrap(), None);
    for expected in 1..=3 {
        assert_eq!(store.record_name_failure(&name, t, forget).await.unwrap(), expected);
    }
    let until = t + Duration::minutes(15);
    store.set_name_locked_until(&name, until).await.unwrap();
    assert_eq!(store.name_locked_until(&name).await.unwrap(), Some(until));
    assert_eq!(store.name_locked_until(&other).await.unwrap(), None, "names are counted apart");
    // Concurrent failures each count once.
    let seen = ten_at_once(|| {
        let store = store.clone();
        async move { store.record_name_failure(&other, t, forget).await.unwrap() }
    })
    .await;
    assert_eq!(seen, (1..=10).collect::<Vec<u32>>(), "each failure counted once");
    // A day later the count starts again; the purge forgets idle names.
    let next_day = t + Duration::days(1) + Duration::seconds(1);
    assert_eq!(store.record_name_failure(&name, next_day, next_day - Duration::days(1)).await.unwrap(), 1);
    let request = PurgeRequest { now: next_day, audit_before: None };
    let purged = store.purge(request).await.unwrap().expect("no other purge holds the lock");
    assert_eq!(purged.login_names, 1, "the other name, idle for a day");
    assert_eq!(store.name_locked_until(&other).await.unwrap(), None);
    assert_eq!(store.record_name_failure(&name, next_day, next_day - Duration::days(1)).await.unwrap(), 2);
}

pub async fn locales_round_trip(url: String) {
    use gatehouse_core::i18n::Locale;
    let store = open(&url).await;
    let tag = |t: &str| Locale::parse(t);
    let mut new = new_user("alice", "alice@example.com", &["user"], now());
    new.locale = tag("pt-BR");
    let alice = store.insert_user(&new).await.unwrap();
    assert_eq!(alice.locale, tag("pt-BR"));
    let bob = add_user(store.as_ref(), "bob").await;
    assert_eq!(bob.locale, None);
    // Inserted in a unit (registration) as well.
    let mut new = new_user("carol", "carol@example.com", &["user"], now());
    new.locale = tag("es");
    let unit = store.begin().await.unwrap();
    unit.insert_user(&new).await.unwrap();
    unit.commit().await.unwrap();
    assert_eq!(store.user_by_login("carol").await.unwrap().unwrap().locale, tag("es"));

    let later = now() + Duration::seconds(5);
    store.set_locale(bob.id, tag("de").as_ref(), later).await.unwrap();
    let read = store.user_by_id(bob.id).await.unwrap().unwrap();
    assert_eq!((read.locale, read.updated_at), (tag("de"), later));
    assert_eq!(store.user_by_login("BOB@example.com").await.unwrap().unwrap().locale, tag("de"));
    store.set_locale(alice.id, None, later).await.unwrap();
    let listed: Vec<_> =
        store.list_users(&UserFilter::default(), 10, 0).await.unwrap().into_iter().map(|u| u.locale).collect();
    assert_eq!(listed, [None, tag("de"), tag("es")]);
    // An unknown user: no error, no change (like the other setters).
    store.set_locale(UserId::new(), tag("de").as_ref(), later).await.unwrap();

    // A tag written by hand that is no tag reads as no choice.
    if url != super::MEMORY {
        let sql = "UPDATE users SET locale = 'not a tag' WHERE username = 'bob'";
        if url.starts_with("sqlite:") {
            let raw = gatehouse_store::SqliteStore::connect(&url).await.unwrap();
            sqlx::query(sql).execute(raw.pool()).await.unwrap();
            raw.close().await;
        } else {
            let raw = gatehouse_store::PgStore::connect(&url).await.unwrap();
            sqlx::query(sql).execute(raw.pool()).await.unwrap();
            raw.close().await;
        }
        assert_eq!(store.user_by_id(bob.id).await.unwrap().unwrap().locale, None);
    }
}
