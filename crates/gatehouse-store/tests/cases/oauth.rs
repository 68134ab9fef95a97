//! OAuth: clients' ID token algorithm, authorization codes (redeemed once,
//! replays told apart from unknown codes), consents, the sessions of a client,
//! and what goes along when a client or a user is deleted.

use gatehouse_core::account::UserId;
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::oauth::{
    AuthorizationCode, ClientKind, Consent, GrantType, OAuthClient, Redemption, TokenEndpointAuth,
};
use gatehouse_core::session::{Session, SessionId, SessionKind};
use gatehouse_core::store::{Constraint, StoreError};
use gatehouse_core::token::SigningAlg;
use time::{Duration, OffsetDateTime};

use super::{add_user, first_refresh, now, open, session_for, winners};

pub(super) fn client(id: &str, at: OffsetDateTime) -> OAuthClient {
    OAuthClient {
        id: id.into(),
        name: format!("App {id}"),
        kind: ClientKind::Confidential,
        secret_digest: Some(TokenDigest::of(&format!("{id}-secret"))),
        redirect_uris: vec![format!("https://{id}.example/callback")],
        post_logout_redirect_uris: Vec::new(),
        grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
        scopes: vec!["openid".into(), "profile".into(), "email".into()],
        token_endpoint_auth: TokenEndpointAuth::ClientSecretBasic,
        first_party: false,
        id_token_alg: SigningAlg::Rs256,
        created_at: at,
        client_uri: None,
        logo_uri: None,
    }
}

pub(super) fn code(client_id: &str, user: UserId, secret: &str, at: OffsetDateTime) -> AuthorizationCode {
    AuthorizationCode {
        digest: TokenDigest::of(secret),
        client_id: client_id.into(),
        user_id: user,
        browser_session: SessionId::new(),
        grant_session: SessionId::new(),
        redirect_uri: format!("https://{client_id}.example/callback"),
        scope: gatehouse_core::oauth::ScopeSet::from_stored("openid profile"),
        nonce: Some(format!("nonce-{secret}")),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        auth_time: at - Duration::minutes(5),
        amr: gatehouse_core::amr::Amr::one(gatehouse_core::amr::AuthMethod::Password)
            .with_second_factor(gatehouse_core::amr::AuthMethod::Otp),
        created_at: at,
        expires_at: at + Duration::seconds(60),
        redeemed_at: None,
    }
}

/// An OAuth session of `client_id` (active for an hour).
pub(super) fn oauth_session(user: UserId, client_id: &str, at: OffsetDateTime) -> Session {
    let mut session = session_for(user, at, Duration::hours(1), Duration::days(30));
    session.kind = SessionKind::OAuth {
        client_id: client_id.into(),
        scope: gatehouse_core::oauth::ScopeSet::from_stored("openid email"),
    };
    session
}

fn consent(user: UserId, client_id: &str, scope: &str, at: OffsetDateTime) -> Consent {
    Consent {
        user_id: user,
        client_id: client_id.into(),
        scope: gatehouse_core::oauth::ScopeSet::from_stored(scope),
        granted_at: at,
    }
}

fn assert_same_code(read: &AuthorizationCode, expected: &AuthorizationCode) {
    assert!(read.digest == expected.digest);
    assert_eq!(read.client_id, expected.client_id);
    assert_eq!(read.user_id, expected.user_id);
    assert_eq!(read.browser_session, expected.browser_session);
    assert_eq!(read.grant_session, expected.grant_session);
    assert_eq!(read.redirect_uri, expected.redirect_uri);
    assert_eq!(read.scope, expected.scope);
    assert_eq!(read.nonce, expected.nonce);
    assert_eq!(read.code_challenge, expected.code_challenge);
    assert_eq!(read.auth_time, expected.auth_time);
    assert_eq!(read.amr, expected.amr);
    assert_eq!(read.created_at, expected.created_at);
    assert_eq!(read.expires_at, expected.expires_at);
}

fn ids(sessions: Vec<Session>) -> Vec<SessionId> {
    sessions.into_iter().map(|s| s.id).collect()
}

pub async fn clients_keep_their_id_token_alg_home_page_and_logo(url: String) {
    let store = open(&url).await;
    let t = now();
    let rs = client("app-rs", t);
    let mut es = client("app-es", t + Duration::seconds(1));
    es.id_token_alg = SigningAlg::Es256;
    es.kind = ClientKind::Public;
    es.secret_digest = None;
    es.token_endpoint_auth = TokenEndpointAuth::None;
    es.client_uri = Some("https://es.example/".into());
    es.logo_uri = Some("https://cdn.es.example/logo.svg".into());
    store.insert_client(&rs).await.unwrap();
    store.insert_client(&es).await.unwrap();

    let read = store.client("app-es").await.unwrap().unwrap();
    assert_eq!(read.id_token_alg, SigningAlg::Es256);
    assert_eq!(read.kind, ClientKind::Public);
    assert!(read.secret_digest.is_none());
    assert_eq!(read.created_at, es.created_at);
    assert_eq!(read.client_uri.as_deref(), Some("https://es.example/"));
    assert_eq!(read.logo_uri.as_deref(), Some("https://cdn.es.example/logo.svg"));
    // A change of home page and logo is kept; none is none.
    let changed = gatehouse_core::oauth::OAuthClient {
        client_uri: None,
        logo_uri: Some("https://es.example/new.png".into()),
        ..read
    };
    assert!(store.update_client(&changed).await.unwrap());
    let read = store.client("app-es").await.unwrap().unwrap();
    assert_eq!((read.client_uri, read.logo_uri.as_deref()), (None, Some("https://es.example/new.png")));
    let read = store.client("app-rs").await.unwrap().unwrap();
    assert_eq!((read.client_uri.as_ref(), read.logo_uri.as_ref()), (None, None));
    assert_eq!(read.id_token_alg, SigningAlg::Rs256);
    assert!(read.secret_matches("app-rs-secret"));
    assert_eq!(read.scopes, rs.scopes);
    let listed: Vec<_> =
        store.list_clients().await.unwrap().into_iter().map(|c| (c.id, c.id_token_alg)).collect::<Vec<_>>();
    assert_eq!(listed, [("app-rs".to_owned(), SigningAlg::Rs256), ("app-es".to_owned(), SigningAlg::Es256)]);
}

pub async fn authorization_codes_are_redeemed_once(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    store.insert_client(&client("app", t)).await.unwrap();
    let issued = code("app", alice.id, "code-1", t);
    store.insert_authorization_code(&issued).await.unwrap();
    let mut plain = code("app", alice.id, "code-2", t);
    plain.nonce = None;
    plain.code_challenge = None;
    plain.amr = gatehouse_core::amr::Amr::one(gatehouse_core::amr::AuthMethod::Password);
    store.insert_authorization_code(&plain).await.unwrap();

    let at = t + Duration::seconds(10);
    let Redemption::Won(won) = store.redeem_authorization_code(&issued.digest, "app", at).await.unwrap() else {
        panic!("the first redemption wins");
    };
    assert_same_code(&won, &issued);
    assert_eq!(won.redeemed_at, Some(at), "as stored after the redemption");

    let Redemption::Replayed(replayed) =
        store.redeem_authorization_code(&issued.digest, "app", at + Duration::seconds(1)).await.unwrap()
    else {
        panic!("a second redemption is a replay");
    };
    assert_same_code(&replayed, &issued);
    assert_eq!(replayed.redeemed_at, Some(at), "a replay keeps the first redemption time");

    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("never-issued"), "app", at).await.unwrap(),
        Redemption::Unknown
    ));
    // Another client presenting the code changes nothing: it stays redeemable by its own.
    assert!(matches!(
        store.redeem_authorization_code(&plain.digest, "someone-else", at).await.unwrap(),
        Redemption::OtherClient
    ));

    // Optional parts stay absent; codes are independent.
    let Redemption::Won(won) = store.redeem_authorization_code(&plain.digest, "app", at).await.unwrap() else {
        panic!("the other code is still unredeemed");
    };
    assert_same_code(&won, &plain);

    // A digest is stored once; a code needs a known client and user.
    let err = store.insert_authorization_code(&code("app", alice.id, "code-1", t)).await.unwrap_err();
    assert!(matches!(&err, StoreError::Conflict(Constraint::SecretDigest)), "{err:?}");
    let err = store.insert_authorization_code(&code("no-such-app", alice.id, "code-3", t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    let err = store.insert_authorization_code(&code("app", UserId::new(), "code-4", t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("code-3"), "no-such-app", at).await.unwrap(),
        Redemption::Unknown
    ));
}

pub async fn authorization_code_redemption_has_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    store.insert_client(&client("app", t)).await.unwrap();
    let issued = code("app", alice.id, "code", t);
    store.insert_authorization_code(&issued).await.unwrap();
    let digest = issued.digest.clone();
    let won = winners(&store, move |store, i| {
        let digest = digest.clone();
        async move {
            let at = t + Duration::milliseconds(i as i64);
            match store.redeem_authorization_code(&digest, "app", at).await.unwrap() {
                Redemption::Won(code) => {
                    assert_eq!(code.redeemed_at, Some(at));
                    true
                }
                Redemption::Replayed(code) => {
                    assert!(code.redeemed_at.is_some());
                    false
                }
                Redemption::Unknown | Redemption::OtherClient => panic!("the code exists, for this client"),
            }
        }
    })
    .await;
    assert_eq!(won.len(), 1, "exactly one redemption wins: {won:?}");
    let Redemption::Replayed(after) = store.redeem_authorization_code(&issued.digest, "app", t).await.unwrap() else {
        panic!("redeemed by the winner");
    };
    assert_eq!(after.redeemed_at, Some(t + Duration::milliseconds(won[0] as i64)));
}

pub async fn consents_are_upserted_listed_and_deleted(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.insert_client(&client("app-a", t)).await.unwrap();
    store.insert_client(&client("app-b", t)).await.unwrap();
    assert!(store.consent(alice.id, "app-a").await.unwrap().is_none());
    assert!(store.consents(alice.id).await.unwrap().is_empty());

    let a = consent(alice.id, "app-a", "openid", t);
    let b = consent(alice.id, "app-b", "email openid", t + Duration::minutes(1));
    let bobs = consent(bob.id, "app-a", "openid profile", t + Duration::minutes(2));
    for c in [&a, &b, &bobs] {
        store.put_consent(c).await.unwrap();
    }
    assert_eq!(store.consent(alice.id, "app-a").await.unwrap(), Some(a.clone()));
    assert_eq!(store.consents(alice.id).await.unwrap(), [b.clone(), a.clone()], "newest first");

    // A second approval replaces the first.
    let a2 = consent(alice.id, "app-a", "email openid profile", t + Duration::minutes(3));
    store.put_consent(&a2).await.unwrap();
    assert_eq!(store.consent(alice.id, "app-a").await.unwrap(), Some(a2.clone()));
    assert_eq!(store.consents(alice.id).await.unwrap(), [a2.clone(), b.clone()]);
    assert_eq!(store.consents(bob.id).await.unwrap(), std::slice::from_ref(&bobs), "bob's is his own");

    assert!(store.delete_consent(alice.id, "app-a").await.unwrap());
    assert!(!store.delete_consent(alice.id, "app-a").await.unwrap(), "already gone");
    assert!(!store.delete_consent(alice.id, "no-such-app").await.unwrap());
    assert!(store.consent(alice.id, "app-a").await.unwrap().is_none());
    assert_eq!(store.consents(alice.id).await.unwrap(), [b]);
    assert_eq!(store.consent(bob.id, "app-a").await.unwrap(), Some(bobs));

    // A consent needs a known client.
    let err = store.put_consent(&consent(alice.id, "no-such-app", "openid", t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
}

pub async fn session_kinds_round_trip(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    store.insert_client(&client("app", t)).await.unwrap();
    let api = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    let mut browser = session_for(alice.id, t + Duration::seconds(1), Duration::hours(1), Duration::days(1));
    browser.kind = SessionKind::Browser;
    let oauth = oauth_session(alice.id, "app", t + Duration::seconds(2));
    for (i, s) in [&api, &browser, &oauth].into_iter().enumerate() {
        store.create_session(s, &first_refresh(s, &format!("secret-{i}"))).await.unwrap();
    }

    let kind = |s: &Session| s.kind.clone();
    assert_eq!(store.session(api.id).await.unwrap().as_ref().map(kind), Some(SessionKind::Api));
    assert_eq!(store.session(browser.id).await.unwrap().as_ref().map(kind), Some(SessionKind::Browser));
    let read = store.session(oauth.id).await.unwrap().unwrap();
    assert_eq!(
        read.kind,
        SessionKind::OAuth {
            client_id: "app".into(),
            scope: gatehouse_core::oauth::ScopeSet::from_stored("openid email")
        }
    );
    assert_eq!(read.kind.client_id(), Some("app"));
    let (_, joined) = store.refresh_by_digest(&TokenDigest::of("secret-2")).await.unwrap().unwrap();
    assert_eq!(joined.kind, oauth.kind);
    let active = store.active_sessions(alice.id, t + Duration::minutes(1)).await.unwrap();
    assert_eq!(
        active.iter().map(kind).collect::<Vec<_>>(),
        [oauth.kind.clone(), SessionKind::Browser, SessionKind::Api]
    );

    // An OAuth session needs a known client.
    let stray = oauth_session(alice.id, "no-such-app", t);
    let err = store.create_session(&stray, &first_refresh(&stray, "secret-x")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    assert!(store.session(stray.id).await.unwrap().is_none());
}

pub async fn sessions_are_touched(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let session = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    let other = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    for (i, s) in [&session, &other].into_iter().enumerate() {
        store.create_session(s, &first_refresh(s, &format!("secret-{i}"))).await.unwrap();
    }
    let at = t + Duration::minutes(50);
    store.touch_session(session.id, at, at + Duration::hours(1)).await.unwrap();
    let read = store.session(session.id).await.unwrap().unwrap();
    assert_eq!(read.last_used_at, at);
    assert_eq!(read.idle_expires_at, at + Duration::hours(1));
    assert_eq!(read.absolute_expires_at, session.absolute_expires_at);
    assert_eq!(read.created_at, t);
    // Still active after the first idle lifetime would have ended.
    assert_eq!(ids(store.active_sessions(alice.id, t + Duration::minutes(90)).await.unwrap()), [session.id]);
    let untouched = store.session(other.id).await.unwrap().unwrap();
    assert_eq!((untouched.last_used_at, untouched.idle_expires_at), (t, other.idle_expires_at));
    // An unknown session is no error.
    store.touch_session(SessionId::new(), at, at).await.unwrap();
}

pub async fn client_sessions_are_revoked_per_client(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.insert_client(&client("app-a", t)).await.unwrap();
    store.insert_client(&client("app-b", t)).await.unwrap();
    let api = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    let a1 = oauth_session(alice.id, "app-a", t + Duration::seconds(1));
    let a2 = oauth_session(alice.id, "app-a", t + Duration::seconds(2));
    let mut a_expired = oauth_session(alice.id, "app-a", t - Duration::hours(3));
    a_expired.idle_expires_at = t - Duration::hours(2);
    let b = oauth_session(alice.id, "app-b", t + Duration::seconds(3));
    let bobs_a = oauth_session(bob.id, "app-a", t);
    for (i, s) in [&api, &a1, &a2, &a_expired, &b, &bobs_a].into_iter().enumerate() {
        store.create_session(s, &first_refresh(s, &format!("secret-{i}"))).await.unwrap();
    }

    let at = t + Duration::minutes(1);
    assert_eq!(store.revoke_client_sessions(alice.id, "app-a", at).await.unwrap(), 2, "the expired one is not counted");
    for revoked in [&a1, &a2, &a_expired] {
        assert_eq!(store.session(revoked.id).await.unwrap().unwrap().revoked_at, Some(at));
    }
    assert_eq!(store.revoke_client_sessions(alice.id, "app-a", at).await.unwrap(), 0);
    assert_eq!(store.revoke_client_sessions(alice.id, "no-such-app", at).await.unwrap(), 0);
    assert_eq!(ids(store.active_sessions(alice.id, at).await.unwrap()), [b.id, api.id]);
    assert_eq!(ids(store.active_sessions(bob.id, at).await.unwrap()), [bobs_a.id]);
}

pub async fn deleting_a_client_takes_its_sessions_codes_and_consents(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    store.insert_client(&client("app-a", t)).await.unwrap();
    store.insert_client(&client("app-b", t)).await.unwrap();
    let api = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    let a = oauth_session(alice.id, "app-a", t + Duration::seconds(1));
    let b = oauth_session(alice.id, "app-b", t + Duration::seconds(2));
    for (s, secret) in [(&api, "api"), (&a, "a"), (&b, "b")] {
        store.create_session(s, &first_refresh(s, &format!("refresh-{secret}"))).await.unwrap();
    }
    store.insert_authorization_code(&code("app-a", alice.id, "code-a", t)).await.unwrap();
    store.insert_authorization_code(&code("app-b", alice.id, "code-b", t)).await.unwrap();
    store.put_consent(&consent(alice.id, "app-a", "openid", t)).await.unwrap();
    store.put_consent(&consent(alice.id, "app-b", "openid", t)).await.unwrap();

    assert!(store.delete_client("app-a").await.unwrap());
    assert!(!store.delete_client("app-a").await.unwrap(), "already gone");
    assert!(store.client("app-a").await.unwrap().is_none());

    assert!(store.session(a.id).await.unwrap().is_none());
    assert!(store.refresh_by_digest(&TokenDigest::of("refresh-a")).await.unwrap().is_none());
    let at = t + Duration::seconds(5);
    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("code-a"), "app-a", at).await.unwrap(),
        Redemption::Unknown
    ));
    assert!(store.consent(alice.id, "app-a").await.unwrap().is_none());

    // The other client's rows and the user's own session stay.
    assert_eq!(ids(store.active_sessions(alice.id, at).await.unwrap()), [b.id, api.id]);
    assert!(store.refresh_by_digest(&TokenDigest::of("refresh-b")).await.unwrap().is_some());
    assert!(store.refresh_by_digest(&TokenDigest::of("refresh-api")).await.unwrap().is_some());
    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("code-b"), "app-b", at).await.unwrap(),
        Redemption::Won(_)
    ));
    assert_eq!(store.consents(alice.id).await.unwrap().len(), 1);
    assert!(store.user_by_id(alice.id).await.unwrap().is_some());
}

/// Deleting a user takes their codes and consents along (the migrations'
/// foreign keys cascade); the client and the other user's rows stay.
pub async fn oauth_rows_go_with_their_user(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.insert_client(&client("app", t)).await.unwrap();
    for (user, name) in [(alice.id, "alice"), (bob.id, "bob")] {
        store.insert_authorization_code(&code("app", user, &format!("code-{name}"), t)).await.unwrap();
        store.put_consent(&consent(user, "app", "openid", t)).await.unwrap();
        let s = oauth_session(user, "app", t);
        store.create_session(&s, &first_refresh(&s, &format!("refresh-{name}"))).await.unwrap();
    }

    assert!(store.delete_user(alice.id).await.unwrap());

    let at = t + Duration::seconds(5);
    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("code-alice"), "app", at).await.unwrap(),
        Redemption::Unknown
    ));
    assert!(store.consents(alice.id).await.unwrap().is_empty());
    assert!(store.refresh_by_digest(&TokenDigest::of("refresh-alice")).await.unwrap().is_none());
    assert!(store.client("app").await.unwrap().is_some());
    assert!(matches!(
        store.redeem_authorization_code(&TokenDigest::of("code-bob"), "app", at).await.unwrap(),
        Redemption::Won(_)
    ));
    assert_eq!(store.consents(bob.id).await.unwrap().len(), 1);
    assert!(store.refresh_by_digest(&TokenDigest::of("refresh-bob")).await.unwrap().is_some());
}
