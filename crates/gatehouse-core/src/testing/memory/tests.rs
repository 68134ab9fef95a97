//! Units of work of [`MemoryStore`], and the one rule of the store contract
//! (`gatehouse-store`'s tests, which run against this store too) that those
//! tests check through SQL: deleting a user takes their rows from every table.

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use super::{MemoryStore, State};
use crate::account::{Email, NewUser, Role, UserId, Username};
use crate::api_key::NewApiKey;
use crate::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use crate::crypto::TokenDigest;
use crate::federation::{UpstreamKind, UpstreamLink, UpstreamProvider};
use crate::lifecycle::{EmailToken, EmailTokenKind};
use crate::mfa::{CeremonyKind, MfaChallenge, WebauthnCeremony, WebauthnCredential};
use crate::oauth::{AuthorizationCode, ClientKind, Consent, OAuthClient, TokenEndpointAuth};
use crate::session::{RefreshRecord, Rotation, Session, SessionId, SessionKind};
use crate::store::{
    ApiKeyStore, AuditStore, ClientStore, Constraint, FederationStore, LifecycleStore, MfaStore, OAuthStore,
    SessionStore, Store, StoreError, UserStore, WebauthnStore,
};
use crate::token::SigningAlg;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        id: UserId::new(),
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        password_hash: "$argon2id$fake".into(),
        email_verified: false,
        roles: vec![Role::user()],
        locale: None,
        created_at: now(),
    }
}

fn session(user: UserId, kind: SessionKind, t: OffsetDateTime) -> Session {
    Session {
        id: SessionId::new(),
        user_id: user,
        created_at: t,
        last_used_at: t,
        idle_expires_at: t + Duration::hours(1),
        absolute_expires_at: t + Duration::days(1),
        revoked_at: None,
        ip: None,
        user_agent: None,
        amr: crate::amr::Amr::one(crate::amr::AuthMethod::Password),
        auth_time: t,
        kind,
    }
}

fn first_refresh(session: &Session, secret: &str) -> RefreshRecord {
    RefreshRecord {
        id: uuid::Uuid::now_v7(),
        session_id: session.id,
        parent_id: None,
        digest: TokenDigest::of(secret),
        created_at: session.created_at,
        spent_at: None,
        spent_by: None,
    }
}

#[tokio::test]
async fn a_dropped_unit_writes_nothing() {
    let store = MemoryStore::new();
    let unit = store.begin().await.unwrap();
    let alice = unit.insert_user(&new_user("alice")).await.unwrap();
    assert!(unit.user_by_id(alice.id).await.unwrap().is_some(), "a unit reads its own writes");
    assert!(store.user_by_id(alice.id).await.unwrap().is_none(), "others do not, before the commit");
    drop(unit);
    assert!(store.user_by_id(alice.id).await.unwrap().is_none());
    // The unit's turn ended with it: writers go on.
    store.insert_user(&new_user("bob")).await.unwrap();
}

#[tokio::test]
async fn a_committed_unit_writes_everything_at_once() {
    let store = MemoryStore::new();
    let unit = store.begin().await.unwrap();
    let alice = unit.insert_user(&new_user("alice")).await.unwrap();
    let s = session(alice.id, SessionKind::Api, now());
    unit.create_session(&s, &first_refresh(&s, "r0")).await.unwrap();
    unit.commit().await.unwrap();
    assert!(store.user_by_id(alice.id).await.unwrap().is_some());
    assert!(store.session(s.id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_failed_step_inside_a_unit_changes_nothing() {
    let store = MemoryStore::new();
    let t = now();
    let unit = store.begin().await.unwrap();
    let alice = unit.insert_user(&new_user("alice")).await.unwrap();
    let nobody = Role::parse("nobody").unwrap();
    let err = unit.set_roles(alice.id, &[Role::admin(), nobody], t).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    let read = unit.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(read.roles, [Role::user()], "the failed step wrote nothing, not even in the unit");
    assert_eq!(read.updated_at, alice.updated_at);
    // Like PostgreSQL, a unit in which a step failed does not commit.
    let err = unit.commit().await.unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert!(store.user_by_id(alice.id).await.unwrap().is_none(), "nothing of the unit is written");
    store.insert_user(&new_user("bob")).await.unwrap();
}

#[tokio::test]
async fn a_failed_plain_write_changes_nothing() {
    let store = MemoryStore::new();
    let t = now();
    let alice = store.insert_user(&new_user("alice")).await.unwrap();
    let s = session(alice.id, SessionKind::Api, t);
    store.create_session(&s, &first_refresh(&s, "r0")).await.unwrap();
    // The successor's digest is taken (by the token itself): nothing is spent.
    let rotation = Rotation {
        old_digest: TokenDigest::of("r0"),
        new_id: uuid::Uuid::now_v7(),
        new_digest: TokenDigest::of("r0"),
        client_fingerprint: "fp".into(),
        now: t,
        idle_expires_at: Some(t + Duration::hours(2)),
    };
    let err = store.rotate_refresh(&rotation).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::SecretDigest)), "{err:?}");
    let (token, read) = store.refresh_by_digest(&TokenDigest::of("r0")).await.unwrap().unwrap();
    assert_eq!(token.spent_at, None);
    assert_eq!(read.idle_expires_at, s.idle_expires_at);
    assert!(store.refresh_successor(token.id).await.unwrap().is_none());
}

#[tokio::test]
async fn plain_reads_during_a_unit_see_the_committed_state() {
    let store = MemoryStore::new();
    let alice = store.insert_user(&new_user("alice")).await.unwrap();
    let unit = store.begin().await.unwrap();
    unit.set_active(alice.id, false, now()).await.unwrap();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), store.user_by_id(alice.id))
        .await
        .expect("a read does not wait for the unit")
        .unwrap()
        .unwrap();
    assert!(read.is_active, "the unit's write is not seen before its commit");
    unit.commit().await.unwrap();
    assert!(!store.user_by_id(alice.id).await.unwrap().unwrap().is_active);
}

/// Time is paused: the sleep below returns only once every other task is
/// stuck, so "not finished" means blocked, never merely slow.
#[tokio::test(start_paused = true)]
async fn a_plain_write_waits_for_the_open_unit() {
    let store = Arc::new(MemoryStore::new());
    let alice = store.insert_user(&new_user("alice")).await.unwrap();
    let unit = store.begin().await.unwrap();
    unit.set_active(alice.id, false, now()).await.unwrap();
    let writer = tokio::spawn({
        let store = store.clone();
        async move { store.record_login_failure(alice.id, now(), now() - time::Duration::days(1)).await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(!writer.is_finished(), "the plain write waits for the unit to end");
    unit.commit().await.unwrap();
    assert_eq!(writer.await.unwrap(), 1);
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert!(!read.is_active, "the unit's write is kept");
    assert_eq!(read.failed_logins, 1, "and so is the write that waited");
}

/// Everything a user can own, in every table.
async fn give_everything(store: &MemoryStore, user: UserId, name: &str) {
    let t = now();
    store.set_roles(user, &[Role::user(), Role::admin()], t).await.unwrap();
    store.record_login_failure(user, t, t - time::Duration::days(1)).await.unwrap();
    let client_id = format!("app-{name}");
    store
        .insert_client(&OAuthClient {
            id: client_id.clone(),
            name: client_id.clone(),
            kind: ClientKind::Public,
            secret_digest: None,
            redirect_uris: vec!["https://app.example/cb".into()],
            post_logout_redirect_uris: Vec::new(),
            grant_types: vec![crate::oauth::GrantType::AuthorizationCode],
            scopes: vec!["openid".into()],
            token_endpoint_auth: TokenEndpointAuth::None,
            first_party: false,
            id_token_alg: SigningAlg::Rs256,
            created_at: t,
            client_uri: None,
            logo_uri: None,
        })
        .await
        .unwrap();
    let oauth =
        SessionKind::OAuth { client_id: client_id.clone(), scope: crate::oauth::ScopeSet::from_stored("openid") };
    for (i, kind) in [SessionKind::Api, oauth].into_iter().enumerate() {
        let s = session(user, kind, t);
        store.create_session(&s, &first_refresh(&s, &format!("{name}-refresh-{i}"))).await.unwrap();
    }
    assert!(store.put_pending_totp(user, b"sealed", t).await.unwrap());
    store.replace_backup_codes(user, &[TokenDigest::of(&format!("{name}-code"))], t).await.unwrap();
    let challenge = MfaChallenge {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        digest: TokenDigest::of(&format!("{name}-challenge")),
        amr: crate::amr::Amr::one(crate::amr::AuthMethod::Password),
        created_at: t,
        expires_at: t + Duration::minutes(5),
        failed_attempts: 0,
        used_at: None,
    };
    store.create_mfa_challenge(&challenge).await.unwrap();
    let credential = WebauthnCredential {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        credential_id: name.as_bytes().to_vec(),
        name: "Key".into(),
        passkey: "{}".into(),
        created_at: t,
        last_used_at: None,
    };
    store.add_webauthn_credential(&credential).await.unwrap();
    let ceremony = WebauthnCeremony {
        id: uuid::Uuid::now_v7(),
        kind: CeremonyKind::Register,
        user_id: Some(user),
        mfa_challenge: None,
        state: "{}".into(),
        created_at: t,
        expires_at: t + Duration::minutes(5),
    };
    store.create_webauthn_ceremony(&ceremony).await.unwrap();
    let token = EmailToken {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        kind: EmailTokenKind::VerifyEmail,
        digest: TokenDigest::of(&format!("{name}-verify")),
        new_email: None,
        created_at: t,
        expires_at: t + Duration::hours(1),
        used_at: None,
    };
    store.issue_email_token(&token).await.unwrap();
    let code = AuthorizationCode {
        digest: TokenDigest::of(&format!("{name}-oauth-code")),
        client_id: client_id.clone(),
        user_id: user,
        browser_session: SessionId::new(),
        grant_session: SessionId::new(),
        redirect_uri: "https://app.example/cb".into(),
        scope: crate::oauth::ScopeSet::from_stored("openid"),
        nonce: None,
        code_challenge: None,
        auth_time: t,
        amr: crate::amr::Amr::one(crate::amr::AuthMethod::Password),
        created_at: t,
        expires_at: t + Duration::minutes(1),
        redeemed_at: None,
    };
    store.insert_authorization_code(&code).await.unwrap();
    let consent =
        Consent { user_id: user, client_id, scope: crate::oauth::ScopeSet::from_stored("openid"), granted_at: t };
    store.put_consent(&consent).await.unwrap();
    let provider_id = format!("idp-{name}");
    let provider = UpstreamProvider {
        id: provider_id.clone(),
        name: provider_id.clone(),
        kind: UpstreamKind::Github,
        issuer: None,
        client_id: "client".into(),
        client_secret_sealed: vec![1, 2, 3],
        scopes: Vec::new(),
        link_by_email: false,
        created_at: t,
    };
    store.insert_upstream(&provider).await.unwrap();
    let link =
        UpstreamLink { provider_id, subject: name.into(), user_id: user, created_at: t, from_unverified_email: false };
    store.insert_upstream_link(&link).await.unwrap();
    store.insert_api_key(&NewApiKey::mint(user, format!("{name}-key"), Vec::new(), t, None).key).await.unwrap();
}

/// The user's rows in each table. Every table is named (a new field of
/// [`State`] does not build until it is added here).
fn rows_of(state: &State, user: UserId) -> Vec<(&'static str, usize)> {
    let State {
        users,
        roles: _,
        sessions,
        refresh_tokens,
        keys: _,
        audit: _,
        totp,
        backup_codes,
        challenges,
        credentials,
        ceremonies,
        email_tokens,
        clients: _,
        codes,
        consents,
        upstreams: _,
        links,
        api_keys,
        kept: _,
        last_failures,
        name_failures: _,
    } = state;
    let own_sessions: Vec<SessionId> = sessions.iter().filter(|s| s.user_id == user).map(|s| s.id).collect();
    vec![
        ("user_roles", users.iter().filter(|u| u.id == user).map(|u| u.roles.len()).sum()),
        ("sessions", own_sessions.len()),
        ("refresh_tokens", refresh_tokens.iter().filter(|r| own_sessions.contains(&r.session_id)).count()),
        ("mfa_totp", totp.iter().filter(|t| t.user_id == user).count()),
        ("mfa_backup_codes", backup_codes.iter().filter(|c| c.user_id == user).count()),
        ("mfa_challenges", challenges.iter().filter(|c| c.user_id == user).count()),
        ("webauthn_credentials", credentials.iter().filter(|c| c.user_id == user).count()),
        ("webauthn_ceremonies", ceremonies.iter().filter(|c| c.user_id == Some(user)).count()),
        ("email_tokens", email_tokens.iter().filter(|t| t.user_id == user).count()),
        ("oauth_codes", codes.iter().filter(|c| c.user_id == user).count()),
        ("oauth_consents", consents.iter().filter(|c| c.user_id == user).count()),
        ("upstream_links", links.iter().filter(|l| l.user_id == user).count()),
        ("api_keys", api_keys.iter().filter(|k| k.user_id == user).count()),
        ("users.last_failed_login_at", usize::from(last_failures.contains_key(&user))),
    ]
}

#[tokio::test]
async fn deleting_a_user_takes_their_rows_from_every_table() {
    let store = MemoryStore::new();
    let alice = store.insert_user(&new_user("alice")).await.unwrap();
    let bob = store.insert_user(&new_user("bob")).await.unwrap();
    give_everything(&store, alice.id, "alice").await;
    give_everything(&store, bob.id, "bob").await;
    let client = ClientInfo { ip: Some("198.51.100.1".into()), user_agent: Some("curl/8".into()) };
    store
        .append(&AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, &client).by_and_for(alice.id))
        .await
        .unwrap();
    store
        .append(&AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, &client).by_and_for(bob.id))
        .await
        .unwrap();
    assert!(
        store.read(|state| rows_of(state, alice.id)).iter().all(|(_, n)| *n > 0),
        "alice owns a row in every table"
    );

    assert!(store.delete_user(alice.id).await.unwrap());

    for (table, n) in store.read(|state| rows_of(state, alice.id)) {
        assert_eq!(n, 0, "{table} still holds alice's rows");
    }
    for (table, n) in store.read(|state| rows_of(state, bob.id)) {
        assert!(n > 0, "bob lost his rows in {table}");
    }
    assert_eq!(store.list_clients().await.unwrap().len(), 2, "clients are nobody's");
    assert_eq!(store.list_upstreams().await.unwrap().len(), 2, "providers are nobody's");
    let audit = store.query(&AuditQuery { limit: 10, ..AuditQuery::default() }).await.unwrap();
    for event in &audit {
        let anonymised = event.ip.is_none() && event.user_agent.is_none();
        assert_eq!(anonymised, event.actor == Some(alice.id), "{event:?}");
    }
    assert_eq!(audit.len(), 2, "no record is deleted");
}
