//! The store contract cases, by capability, and the fixtures they share. Each
//! case takes the URL of a fresh, empty database (or [`MEMORY`]).

mod api_keys;
mod audit;
mod changes;
mod federation;
mod keys;
mod lifecycle;
mod mfa;
mod oauth;
mod purge;
mod roles;
mod sessions;
mod units;
mod users;
mod webauthn;

use std::sync::Arc;

use gatehouse_core::account::{Email, NewUser, Role, User, UserId, Username};
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::rbac::{Permission, RoleDef};
use gatehouse_core::session::{RefreshRecord, Session, SessionId, SessionKind};
use gatehouse_core::store::Store;
use gatehouse_core::token::{KeyStatus, SigningAlg, StoredKey};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub use api_keys::*;
pub use audit::*;
pub use changes::*;
pub use federation::*;
pub use keys::*;
pub use lifecycle::*;
pub use mfa::*;
pub use oauth::*;
pub use purge::*;
pub use roles::*;
pub use sessions::*;
pub use units::*;
pub use users::*;
pub use webauthn::*;

/// The URL of the in-memory store (`gatehouse_core::testing::MemoryStore`).
pub const MEMORY: &str = "memory:";

/// The store at `url`; [`MEMORY`] is a fresh in-memory store at each call.
pub async fn open(url: &str) -> Arc<dyn Store> {
    if url == MEMORY {
        return Arc::new(gatehouse_core::testing::MemoryStore::new());
    }
    gatehouse_store::connect(url).await.unwrap()
}

/// Now, in whole microseconds (what both backends store exactly).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_microsecond(t.microsecond()).unwrap()
}

pub fn new_user(username: &str, email: &str, roles: &[&str], created_at: OffsetDateTime) -> NewUser {
    NewUser {
        id: UserId::new(),
        username: Username::parse(username).unwrap(),
        email: Email::parse(email).unwrap(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$fake${username}").into(),
        email_verified: false,
        roles: roles.iter().map(|r| Role::parse(r).unwrap()).collect(),
        locale: None,
        created_at,
    }
}

pub async fn add_user(store: &dyn Store, username: &str) -> User {
    store.insert_user(&new_user(username, &format!("{username}@example.com"), &["user"], now())).await.unwrap()
}

/// Creates a role granting `permissions`.
pub async fn add_role(store: &dyn Store, name: &str, permissions: &[&str]) -> RoleDef {
    let t = now();
    let role = RoleDef {
        name: Role::parse(name).unwrap(),
        description: format!("the {name} role"),
        permissions: permissions.iter().map(|p| Permission::parse(p).unwrap()).collect(),
        builtin: false,
        created_at: t,
        updated_at: t,
    };
    store.insert_role(&role).await.unwrap();
    role
}

/// Runs `call` in 8 concurrent tasks and returns the indexes of those that got `true`.
pub async fn winners<F, Fut>(store: &Arc<dyn Store>, call: F) -> Vec<usize>
where
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let tasks: Vec<_> = (0..8).map(|i| tokio::spawn(call(store.clone(), i))).collect();
    let mut won = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if task.await.unwrap() {
            won.push(i);
        }
    }
    won
}

pub fn role_names(user: &User) -> Vec<&str> {
    user.roles.iter().map(Role::as_str).collect()
}

pub fn session_for(user: UserId, created_at: OffsetDateTime, idle: Duration, absolute: Duration) -> Session {
    Session {
        id: SessionId::new(),
        user_id: user,
        created_at,
        last_used_at: created_at,
        idle_expires_at: created_at + idle,
        absolute_expires_at: created_at + absolute,
        revoked_at: None,
        ip: Some("203.0.113.7".into()),
        user_agent: Some("test-agent/1.0".into()),
        amr: gatehouse_core::amr::Amr::one(gatehouse_core::amr::AuthMethod::Password),
        auth_time: created_at,
        kind: SessionKind::Api,
    }
}

pub fn first_refresh(session: &Session, secret: &str) -> RefreshRecord {
    RefreshRecord {
        id: Uuid::now_v7(),
        session_id: session.id,
        parent_id: None,
        digest: TokenDigest::of(secret),
        created_at: session.created_at,
        spent_at: None,
        spent_by: None,
    }
}

pub fn key(kid: &str, created_at: OffsetDateTime) -> StoredKey {
    StoredKey {
        kid: kid.into(),
        alg: SigningAlg::EdDsa,
        private_sealed: vec![1, 2, 3, kid.len() as u8],
        public_jwk: serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "abc", "kid": kid}),
        status: KeyStatus::Current,
        created_at,
    }
}

pub async fn migrations_are_idempotent(url: String) {
    let first = open(&url).await;
    add_user(first.as_ref(), "alice").await;
    let second = open(&url).await;
    gatehouse_store::migrate(&url).await.unwrap();
    second.ping().await.unwrap();
    let expected = if url.starts_with("sqlite:") { "sqlite" } else { "postgres" };
    assert_eq!(second.backend(), expected);
    assert!(second.user_by_login("alice").await.unwrap().is_some());
}
