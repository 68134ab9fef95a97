//! Account lifecycle: single-use email tokens (issue supersedes, consume once,
//! revoke), address changes, and deleting a user with everything that is
//! theirs while their audit records stay, anonymised.

use gatehouse_core::account::{Email, Role, UserId};
use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::lifecycle::{EmailToken, EmailTokenKind};
use gatehouse_core::mfa::CeremonyKind;
use gatehouse_core::oauth::{Consent, Redemption};
use gatehouse_core::store::{Constraint, StoreError};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::federation::{link, upstream};
use super::mfa::challenge;
use super::oauth::{client, code};
use super::webauthn::{ceremony, credential};
use super::{add_user, first_refresh, now, open, session_for, winners};

pub(super) fn token(user: UserId, kind: EmailTokenKind, secret: &str, at: OffsetDateTime) -> EmailToken {
    EmailToken {
        id: Uuid::now_v7(),
        user_id: user,
        kind,
        digest: TokenDigest::of(secret),
        new_email: (kind == EmailTokenKind::ChangeEmail).then(|| Email::parse("new@example.com").unwrap()),
        created_at: at,
        expires_at: at + Duration::hours(1),
        used_at: None,
    }
}

/// The stored state of the token with `secret`'s digest.
async fn used_at(store: &dyn gatehouse_core::store::Store, secret: &str) -> Option<OffsetDateTime> {
    store.email_token(&TokenDigest::of(secret)).await.unwrap().unwrap().used_at
}

pub async fn email_tokens_round_trip_and_supersede_their_kind(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let verify = token(alice.id, EmailTokenKind::VerifyEmail, "verify-1", t);
    let reset = token(alice.id, EmailTokenKind::ResetPassword, "reset-1", t);
    let change = token(alice.id, EmailTokenKind::ChangeEmail, "change-1", t);
    let bobs = token(bob.id, EmailTokenKind::VerifyEmail, "bob-verify", t);
    for issued in [&verify, &reset, &change, &bobs] {
        store.issue_email_token(issued).await.unwrap();
    }

    let read = store.email_token(&change.digest).await.unwrap().unwrap();
    assert_eq!(read.id, change.id);
    assert_eq!(read.user_id, alice.id);
    assert_eq!(read.kind, EmailTokenKind::ChangeEmail);
    assert!(read.digest == change.digest);
    assert_eq!(read.new_email.as_ref().map(Email::as_str), Some("new@example.com"));
    assert_eq!(read.created_at, t);
    assert_eq!(read.expires_at, change.expires_at);
    assert_eq!(read.used_at, None);
    assert!(store.email_token(&verify.digest).await.unwrap().unwrap().new_email.is_none());
    assert!(store.email_token(&TokenDigest::of("never-issued")).await.unwrap().is_none());

    // A second verification token supersedes the first (marked used when the
    // new one was issued); other kinds and other users are untouched.
    let later = t + Duration::minutes(3);
    let verify2 = token(alice.id, EmailTokenKind::VerifyEmail, "verify-2", later);
    store.issue_email_token(&verify2).await.unwrap();
    assert_eq!(used_at(store.as_ref(), "verify-1").await, Some(later));
    assert_eq!(used_at(store.as_ref(), "verify-2").await, None);
    assert_eq!(used_at(store.as_ref(), "reset-1").await, None);
    assert_eq!(used_at(store.as_ref(), "change-1").await, None);
    assert_eq!(used_at(store.as_ref(), "bob-verify").await, None);
    assert!(!store.consume_email_token(verify.id, later).await.unwrap(), "a superseded token is spent");
    assert!(store.consume_email_token(verify2.id, later).await.unwrap());

    // Digests are unique; a failed issue changes nothing.
    let mut dup = token(alice.id, EmailTokenKind::ResetPassword, "reset-1", later);
    dup.id = Uuid::now_v7();
    let err = store.issue_email_token(&dup).await.unwrap_err();
    assert!(matches!(&err, StoreError::Conflict(Constraint::SecretDigest)), "{err:?}");
    assert_eq!(used_at(store.as_ref(), "reset-1").await, None, "the superseding update was rolled back");
}

pub async fn email_tokens_are_consumed_once_before_expiry(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let reset = token(alice.id, EmailTokenKind::ResetPassword, "reset", t);
    store.issue_email_token(&reset).await.unwrap();
    let at = t + Duration::minutes(1);
    assert!(store.consume_email_token(reset.id, at).await.unwrap());
    assert!(!store.consume_email_token(reset.id, at).await.unwrap(), "used once");
    assert_eq!(used_at(store.as_ref(), "reset").await, Some(at));
    assert!(!store.consume_email_token(Uuid::now_v7(), at).await.unwrap(), "unknown id");

    // Expiry is exclusive.
    let verify = token(alice.id, EmailTokenKind::VerifyEmail, "verify", t);
    store.issue_email_token(&verify).await.unwrap();
    assert!(!store.consume_email_token(verify.id, verify.expires_at).await.unwrap());
    assert!(!store.consume_email_token(verify.id, verify.expires_at + Duration::days(1)).await.unwrap());
    assert_eq!(used_at(store.as_ref(), "verify").await, None, "an expired token is left as it was");
    let just_in_time = verify.expires_at - Duration::microseconds(1);
    assert!(store.consume_email_token(verify.id, just_in_time).await.unwrap());
}

pub async fn email_token_consumption_has_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let reset = token(alice.id, EmailTokenKind::ResetPassword, "reset", t);
    store.issue_email_token(&reset).await.unwrap();
    let id = reset.id;
    let won = winners(&store, move |store, _| async move { store.consume_email_token(id, t).await.unwrap() }).await;
    assert_eq!(won.len(), 1, "exactly one consumption wins: {won:?}");
}

pub async fn email_tokens_are_revoked_by_kind(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let reset = token(alice.id, EmailTokenKind::ResetPassword, "reset", t);
    let verify = token(alice.id, EmailTokenKind::VerifyEmail, "verify", t);
    let bobs = token(bob.id, EmailTokenKind::ResetPassword, "bob-reset", t);
    for issued in [&reset, &verify, &bobs] {
        store.issue_email_token(issued).await.unwrap();
    }
    let at = t + Duration::minutes(2);
    store.revoke_email_tokens(alice.id, EmailTokenKind::ResetPassword, at).await.unwrap();
    assert_eq!(used_at(store.as_ref(), "reset").await, Some(at));
    assert!(!store.consume_email_token(reset.id, at).await.unwrap());
    assert_eq!(used_at(store.as_ref(), "verify").await, None);
    assert_eq!(used_at(store.as_ref(), "bob-reset").await, None);
    // Revoking again keeps the first time; nothing to revoke is not an error.
    store.revoke_email_tokens(alice.id, EmailTokenKind::ResetPassword, at + Duration::minutes(1)).await.unwrap();
    assert_eq!(used_at(store.as_ref(), "reset").await, Some(at));
    store.revoke_email_tokens(UserId::new(), EmailTokenKind::ChangeEmail, at).await.unwrap();
}

pub async fn email_address_and_verification(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    assert!(!alice.email_verified);
    let t = now() + Duration::minutes(1);

    store.set_email_verified(alice.id, true, t).await.unwrap();
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert!(read.email_verified);
    assert_eq!(read.updated_at, t);
    store.set_email_verified(alice.id, false, t).await.unwrap();
    assert!(!store.user_by_id(alice.id).await.unwrap().unwrap().email_verified);
    assert!(!store.user_by_id(bob.id).await.unwrap().unwrap().email_verified, "only alice changes");

    // Bob's address, in other case, is taken; nothing changes.
    let taken = Email::parse("BOB@Example.com").unwrap();
    let err = store.set_email(alice.id, &taken, t).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::Email)), "{err:?}");
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(read.email.as_str(), "alice@example.com");
    assert!(!read.email_verified);

    let later = t + Duration::minutes(1);
    store.set_email(alice.id, &Email::parse("alice@new.example").unwrap(), later).await.unwrap();
    let read = store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(read.email.as_str(), "alice@new.example");
    assert!(read.email_verified, "a confirmed new address is verified");
    assert_eq!(read.updated_at, later);
    assert_eq!(store.user_by_login("ALICE@NEW.EXAMPLE").await.unwrap().map(|u| u.id), Some(alice.id));
    assert!(store.user_by_login("alice@example.com").await.unwrap().is_none());
    // Setting one's own address (in any case) is no conflict.
    store.set_email(alice.id, &Email::parse("Alice@New.Example").unwrap(), later).await.unwrap();
}

/// Everything a user owns, in every table of migrations 0001–0007.
struct Belongings {
    session: gatehouse_core::session::Session,
    refresh: TokenDigest,
    challenge: TokenDigest,
    ceremony: Uuid,
    email_token: TokenDigest,
    code: TokenDigest,
    client_id: String,
    upstream_id: String,
}

async fn give_everything(store: &dyn gatehouse_core::store::Store, user: UserId, name: &str) -> Belongings {
    let t = now();
    store.set_roles(user, &[Role::parse("user").unwrap(), Role::parse("admin").unwrap()], t).await.unwrap();
    let session = session_for(user, t, Duration::hours(1), Duration::days(1));
    let refresh = first_refresh(&session, &format!("{name}-refresh"));
    store.create_session(&session, &refresh).await.unwrap();
    assert!(store.put_pending_totp(user, b"sealed", t).await.unwrap());
    assert!(store.enable_totp(user, 1, t).await.unwrap());
    store.replace_backup_codes(user, &[TokenDigest::of(&format!("{name}-code"))], t).await.unwrap();
    let challenge = challenge(user, &format!("{name}-challenge"), t);
    store.create_mfa_challenge(&challenge).await.unwrap();
    store.add_webauthn_credential(&credential(user, name.as_bytes(), "Key", t)).await.unwrap();
    let ceremony = ceremony(CeremonyKind::Register, Some(user), t);
    store.create_webauthn_ceremony(&ceremony).await.unwrap();
    let email_token = token(user, EmailTokenKind::VerifyEmail, &format!("{name}-verify"), t);
    store.issue_email_token(&email_token).await.unwrap();
    // OAuth clients are nobody's; their codes and consents are the user's.
    let client_id = format!("app-{name}");
    store.insert_client(&client(&client_id, t)).await.unwrap();
    let code = code(&client_id, user, &format!("{name}-code"), t);
    store.insert_authorization_code(&code).await.unwrap();
    let consent = Consent {
        user_id: user,
        client_id: client_id.clone(),
        scope: gatehouse_core::oauth::ScopeSet::from_stored("openid"),
        granted_at: t,
    };
    store.put_consent(&consent).await.unwrap();
    // Upstream providers are nobody's; the identities linked to the user are hers.
    let upstream_id = format!("idp-{name}");
    store.insert_upstream(&upstream(&upstream_id, t)).await.unwrap();
    store.insert_upstream_link(&link(&upstream_id, &format!("{name}-sub"), user, t)).await.unwrap();
    let key = gatehouse_core::api_key::NewApiKey::mint(user, format!("{name}-key"), vec![], t, None).key;
    store.insert_api_key(&key).await.unwrap();
    Belongings {
        session,
        refresh: refresh.digest,
        challenge: challenge.digest,
        ceremony: ceremony.id,
        email_token: email_token.digest,
        code: code.digest,
        client_id,
        upstream_id,
    }
}

/// Rows per table that belong to `user` (refresh tokens through their session),
/// read directly, so that tables the store cannot list are checked too.
async fn rows_of(url: &str, user: UserId) -> Vec<(String, i64)> {
    let tables = [
        "user_roles",
        "sessions",
        "mfa_totp",
        "mfa_backup_codes",
        "mfa_challenges",
        "webauthn_credentials",
        "webauthn_ceremonies",
        "email_tokens",
        "oauth_codes",
        "oauth_consents",
        "upstream_links",
        "api_keys",
    ];
    let mut queries: Vec<(String, String)> =
        tables.iter().map(|t| ((*t).to_owned(), format!("SELECT COUNT(*) FROM {t} WHERE user_id = $1"))).collect();
    queries.push((
        "refresh_tokens".into(),
        "SELECT COUNT(*) FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)".into(),
    ));
    // Every table is either checked above or holds nothing of a user's; a new
    // table must be added to one of the two lists.
    let not_owned = [
        "users",
        "signing_keys",
        "kept_secrets",
        "audit_log",
        "oauth_clients",
        "upstream_providers",
        "roles",
        "role_permissions",
        "roles_version",
        // SQLite's log of changes for the running server: ids only, the last
        // 10,000 of them (a deletion is itself such a change).
        "change_log",
        // Failed sign-ins of names no account has: no account, no owner.
        "login_name_failures",
        "_sqlx_migrations",
    ];
    let mut counts = Vec::new();
    if url.starts_with("sqlite:") {
        let raw = gatehouse_store::SqliteStore::connect(url).await.unwrap();
        let all: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .fetch_all(raw.pool())
                .await
                .unwrap();
        assert_tables_known(&all, &queries, &not_owned);
        for (table, sql) in &queries {
            let n: i64 = sqlx::query_scalar(sql).bind(user.0).fetch_one(raw.pool()).await.unwrap();
            counts.push((table.clone(), n));
        }
        raw.close().await;
    } else {
        let raw = gatehouse_store::PgStore::connect(url).await.unwrap();
        let all: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()")
                .fetch_all(raw.pool())
                .await
                .unwrap();
        assert_tables_known(&all, &queries, &not_owned);
        for (table, sql) in &queries {
            let n: i64 = sqlx::query_scalar(sql).bind(user.0).fetch_one(raw.pool()).await.unwrap();
            counts.push((table.clone(), n));
        }
        raw.close().await;
    }
    counts
}

fn assert_tables_known(all: &[String], checked: &[(String, String)], not_owned: &[&str]) {
    for table in all {
        assert!(
            checked.iter().any(|(t, _)| t == table) || not_owned.contains(&table.as_str()),
            "table {table} is new: does delete_user remove its rows of the user?"
        );
    }
}

pub async fn deleting_a_user_takes_their_rows_and_anonymises_audit(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let alices = give_everything(store.as_ref(), alice.id, "alice").await;
    let bobs = give_everything(store.as_ref(), bob.id, "bob").await;
    let client = ClientInfo { ip: Some("198.51.100.1".into()), user_agent: Some("curl/8".into()) };
    let t = now();
    let mut events = Vec::new();
    for (i, (actor, subject)) in
        [(Some(alice.id), Some(alice.id)), (Some(bob.id), Some(alice.id)), (Some(bob.id), Some(bob.id))]
            .into_iter()
            .enumerate()
    {
        let mut event =
            AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, &client).detail(format!("event {i}"));
        event.at = t + Duration::seconds(i as i64);
        event.actor = actor;
        event.subject = subject;
        store.append(&event).await.unwrap();
        events.push(event);
    }
    assert!(rows_of(&url, alice.id).await.iter().all(|(_, n)| *n > 0), "alice owns a row in every table");

    assert!(store.delete_user(alice.id).await.unwrap());
    assert!(!store.delete_user(alice.id).await.unwrap(), "already gone");
    assert!(!store.delete_user(UserId::new()).await.unwrap());

    assert!(store.user_by_id(alice.id).await.unwrap().is_none());
    assert!(store.user_by_login("alice").await.unwrap().is_none());
    for (table, n) in rows_of(&url, alice.id).await {
        assert_eq!(n, 0, "{table} still holds alice's rows");
    }
    assert!(store.session(alices.session.id).await.unwrap().is_none());
    assert!(store.refresh_by_digest(&alices.refresh).await.unwrap().is_none());
    assert!(store.totp(alice.id).await.unwrap().is_none());
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 0);
    assert!(store.mfa_challenge(&alices.challenge).await.unwrap().is_none());
    assert!(store.webauthn_credentials(alice.id).await.unwrap().is_empty());
    assert!(store.take_webauthn_ceremony(alices.ceremony, t).await.unwrap().is_none());
    assert!(store.email_token(&alices.email_token).await.unwrap().is_none());
    assert!(matches!(
        store.redeem_authorization_code(&alices.code, &alices.client_id, t).await.unwrap(),
        Redemption::Unknown
    ));
    assert!(store.consent(alice.id, &alices.client_id).await.unwrap().is_none());
    assert!(store.client(&alices.client_id).await.unwrap().is_some(), "the client is nobody's");
    assert!(store.upstream_links(alice.id).await.unwrap().is_empty());
    assert!(store.api_keys(alice.id).await.unwrap().is_empty());
    assert!(store.upstream_link(&alices.upstream_id, "alice-sub").await.unwrap().is_none());
    assert!(store.upstream(&alices.upstream_id).await.unwrap().is_some(), "the provider is nobody's");
    // Her address and name are free again.
    add_user(store.as_ref(), "alice").await;

    // The audit trail stays, without where the requests came from.
    let audit = store.query(&AuditQuery { limit: 10, ..AuditQuery::default() }).await.unwrap();
    assert_eq!(audit.len(), 3, "no record is deleted");
    for read in &audit {
        let written = events.iter().find(|e| e.id == read.id).unwrap();
        assert_eq!((read.at, read.kind, read.outcome), (written.at, written.kind, written.outcome));
        assert_eq!((read.actor, read.subject), (written.actor, written.subject), "ids are kept");
        assert_eq!(read.detail, written.detail);
        let mentions_alice = read.actor == Some(alice.id) || read.subject == Some(alice.id);
        if mentions_alice {
            assert_eq!((read.ip.as_deref(), read.user_agent.as_deref()), (None, None), "{:?}", read.detail);
        } else {
            assert_eq!((read.ip.as_deref(), read.user_agent.as_deref()), (Some("198.51.100.1"), Some("curl/8")));
        }
    }

    // Bob keeps everything.
    let bob_read = store.user_by_id(bob.id).await.unwrap().unwrap();
    assert_eq!(bob_read.roles.len(), 2);
    assert!(rows_of(&url, bob.id).await.iter().all(|(_, n)| *n > 0));
    assert!(store.session(bobs.session.id).await.unwrap().is_some());
    assert!(store.refresh_by_digest(&bobs.refresh).await.unwrap().is_some());
    assert!(store.totp(bob.id).await.unwrap().is_some());
    assert_eq!(store.backup_codes_remaining(bob.id).await.unwrap(), 1);
    assert!(store.mfa_challenge(&bobs.challenge).await.unwrap().is_some());
    assert_eq!(store.webauthn_credentials(bob.id).await.unwrap().len(), 1);
    assert!(store.email_token(&bobs.email_token).await.unwrap().is_some());
    assert!(store.take_webauthn_ceremony(bobs.ceremony, t).await.unwrap().is_some());
    assert!(store.consent(bob.id, &bobs.client_id).await.unwrap().is_some());
    assert_eq!(store.upstream_links(bob.id).await.unwrap().len(), 1);
    assert_eq!(store.api_keys(bob.id).await.unwrap().len(), 1);
    assert!(store.upstream_link(&bobs.upstream_id, "bob-sub").await.unwrap().is_some());
    assert!(matches!(
        store.redeem_authorization_code(&bobs.code, &bobs.client_id, t).await.unwrap(),
        Redemption::Won(_)
    ));
}
