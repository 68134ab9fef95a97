//! gatehouse-verify against a running Gatehouse: the example service
//! (`examples/protected_api`) in front of real tokens — users, an admin, a
//! client-credentials job — and the refusals RFC 9068/8725 ask for, key
//! rotation, and introspection for immediate revocation.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::oauth::NewClient;
use gatehouse_verify::{Verifier, VerifyError};
use serde_json::Value;

use crate::browser::register_client;
use crate::helpers::{TestApp, STRONG_PASSWORD};
use crate::on_both_backends;

const ISSUER: &str = "http://gatehouse.test";

/// The example service on a free port, verifying against `app`'s JWKS.
async fn protected_api(verifier: Verifier) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, protected_api::app(verifier)).await;
    });
    base
}

fn verifier_for(app: &TestApp) -> gatehouse_verify::VerifierBuilder {
    Verifier::builder(ISSUER).jwks_url(app.url("/.well-known/jwks.json")).min_refresh(Duration::ZERO)
}

async fn call(base: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// `token` with its header replaced by `header` (signature left as it was).
fn reheader(token: &str, header: &str) -> String {
    let (_, rest) = token.split_once('.').unwrap();
    format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header))
}

async fn admin_token(app: &TestApp) -> String {
    s(&app.signed_in_admin().await["access_token"]).to_owned()
}

on_both_backends! {
    async fn the_example_service_guards_its_routes(backend) {
        let app = TestApp::spawn(backend).await;
        let api = protected_api(verifier_for(&app).build().unwrap()).await;
        let alice = app.signed_up("alice").await;
        let alice_token = s(&alice["access_token"]);

        let r = call(&api, "/api/protected", None).await;
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        assert_problem(r, 401, "unauthorized").await;
        let ok: Value = call(&api, "/api/protected", Some(alice_token)).await.json().await.unwrap();
        assert_eq!(ok["sub"], alice["user"]["id"]);

        // Roles: a user is refused the admin route, an admin gets it.
        assert_problem(call(&api, "/api/admin/report", Some(alice_token)).await, 403, "forbidden").await;
        let root = admin_token(&app).await;
        assert_eq!(call(&api, "/api/admin/report", Some(&root)).await.status(), 200);

        // Scopes: a back-end job's client-credentials token.
        let job = register_client(&app, NewClient {
            name: "Nightly job".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: vec!["read:reports".into()],
            ..Default::default()
        }).await;
        let token: Value = app.post("/oauth2/token")
            .basic_auth(&job.id, job.secret.as_deref())
            .form(&[("grant_type", "client_credentials"), ("scope", "read:reports")])
            .send().await.unwrap().json().await.unwrap();
        let reports: Value = call(&api, "/api/reports", Some(s(&token["access_token"]))).await.json().await.unwrap();
        assert_eq!(reports["client_id"], job.id.as_str());
        let r = call(&api, "/api/reports", Some(alice_token)).await;
        assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));
        assert_problem(r, 403, "insufficient_scope").await;

        // A tampered token: one character of the payload changed.
        let mut parts: Vec<String> = alice_token.split('.').map(str::to_owned).collect();
        let mut claims = jwt_parts(alice_token).1;
        claims["roles"] = serde_json::json!(["admin"]);
        parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
        let forged = parts.join(".");
        let r = call(&api, "/api/admin/report", Some(&forged)).await;
        assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer error=\"invalid_token\""));
        assert_problem(r, 401, "invalid_token").await;
    }

    async fn tokens_are_checked_as_rfc_9068_and_8725_ask(backend) {
        let app = TestApp::spawn(backend).await;
        let alice = app.signed_up("alice").await;
        let token = s(&alice["access_token"]).to_owned();
        let verifier = verifier_for(&app).build().unwrap();
        let claims = verifier.verify(&token).await.unwrap();
        assert_eq!(claims.sub, s(&alice["user"]["id"]));
        assert!(claims.has_role("user") && !claims.has_role("admin"));
        let kid = jwt_parts(&token).0["kid"].as_str().unwrap().to_owned();

        // The header: typ, alg allow-list (none, HMAC), an unknown kid.
        let typ = reheader(&token, &format!(r#"{{"alg":"EdDSA","typ":"JWT","kid":"{kid}"}}"#));
        assert_eq!(verifier.verify(&typ).await, Err(VerifyError::WrongType));
        let none = reheader(&token, &format!(r#"{{"alg":"none","typ":"at+jwt","kid":"{kid}"}}"#));
        assert!(verifier.verify(&none).await.is_err());
        let hmac = reheader(&token, &format!(r#"{{"alg":"HS256","typ":"at+jwt","kid":"{kid}"}}"#));
        assert_eq!(verifier.verify(&hmac).await, Err(VerifyError::AlgorithmNotAllowed));
        let es = reheader(&token, &format!(r#"{{"alg":"ES256","typ":"at+jwt","kid":"{kid}"}}"#));
        assert_eq!(verifier.verify(&es).await, Err(VerifyError::AlgorithmNotAllowed), "not the key's own algorithm");
        let unknown = reheader(&token, r#"{"alg":"EdDSA","typ":"at+jwt","kid":"no-such-key"}"#);
        assert_eq!(verifier.verify(&unknown).await, Err(VerifyError::UnknownKey));
        assert_eq!(verifier.verify("not.a.jwt").await, Err(VerifyError::Malformed));
        // One character inside the signature (the last one only carries padding bits).
        let mut sig = token.clone().into_bytes();
        let at = sig.len() - 10;
        sig[at] = if sig[at] == b'A' { b'B' } else { b'A' };
        let sig = String::from_utf8(sig).unwrap();
        assert_eq!(verifier.verify(&sig).await, Err(VerifyError::BadSignature));

        // The claims: audience and issuer.
        let other_aud = verifier_for(&app).audience("https://billing.example.com").build().unwrap();
        assert_eq!(other_aud.verify(&token).await, Err(VerifyError::WrongAudience));
        let other_iss = Verifier::builder("https://evil.example.com")
            .audience(ISSUER)
            .jwks_url(app.url("/.well-known/jwks.json"))
            .build().unwrap();
        assert_eq!(other_iss.verify(&token).await, Err(VerifyError::WrongIssuer));

        // Gatehouse unreachable: the verifier cannot decide (503 in the extractor), it does not say 401.
        let nowhere = Verifier::builder(ISSUER).jwks_url("http://127.0.0.1:9/jwks.json").build().unwrap();
        assert!(matches!(nowhere.verify(&token).await, Err(VerifyError::Unavailable(_))));
        let api = protected_api(Verifier::builder(ISSUER).jwks_url("http://127.0.0.1:9/jwks.json").build().unwrap()).await;
        assert_problem(call(&api, "/api/protected", Some(&token)).await, 503, "verifier_unavailable").await;
    }

    async fn key_rotation_is_followed_and_retired_keys_refused(backend) {
        let app = TestApp::spawn(backend).await;
        let verifier = verifier_for(&app).build().unwrap();
        let first: Value = app.signed_up("alice").await;
        verifier.verify(s(&first["access_token"])).await.unwrap();
        app.state.admin.rotate_keys(&crate::helpers::operator(), &ClientInfo::default()).await.unwrap();
        // A token with the new kid makes the verifier fetch the JWKS again.
        let second: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        verifier.verify(s(&second["access_token"])).await.unwrap();
        verifier.verify(s(&first["access_token"])).await.unwrap();
        // A rotation once the first key's tokens have all expired retires it
        // (keep_for zero stands for that lifetime having passed), and its
        // tokens are refused.
        let master = gatehouse::master_key::load(&gatehouse::config::MasterKeySource::DataDir(app.dir.join("master.key"))).unwrap();
        let store = &app.state.store;
        gatehouse_core::flows::keys_rotate(store.as_ref(), store.as_ref(), &master, gatehouse_core::token::SigningAlg::EdDsa, Duration::ZERO, app.state.clock.now(), None, &ClientInfo::default()).await.unwrap();
        app.state.tokens.reload_keys().await.unwrap();
        let third: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        verifier.verify(s(&third["access_token"])).await.unwrap();
        assert_eq!(verifier.verify(s(&first["access_token"])).await, Err(VerifyError::UnknownKey));
        verifier.verify(s(&second["access_token"])).await.unwrap();
    }

    async fn expired_tokens_are_refused(backend) {
        let app = TestApp::spawn_with(backend, |c| c.access_token_ttl = Some("1s".into())).await;
        let alice = app.signed_up("alice").await;
        // The verifier reads the server's clock, which the test moves on.
        let on_server_time = || {
            let clock = app.clock.clone();
            move || gatehouse_core::clock::Clock::unix(clock.as_ref())
        };
        let verifier = verifier_for(&app).leeway(0).clock(on_server_time()).build().unwrap();
        verifier.verify(s(&alice["access_token"])).await.unwrap();
        app.advance(Duration::from_secs(2));
        assert_eq!(verifier.verify(s(&alice["access_token"])).await, Err(VerifyError::Expired));
        let api = protected_api(verifier_for(&app).leeway(0).clock(on_server_time()).build().unwrap()).await;
        assert_problem(call(&api, "/api/protected", Some(s(&alice["access_token"]))).await, 401, "token_expired").await;
    }

    async fn introspection_makes_a_logout_take_effect_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let api_client = register_client(&app, NewClient {
            name: "Protected API".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: vec!["introspect".into()],
            ..Default::default()
        }).await;
        let strict = verifier_for(&app)
            .introspect(api_client.id.clone(), api_client.secret.clone().unwrap())
            .introspection_url(app.url("/oauth2/introspect"))
            .build().unwrap();
        let offline = verifier_for(&app).build().unwrap();
        let alice = app.signed_up("alice").await;
        let token = s(&alice["access_token"]);
        strict.verify(token).await.unwrap();
        let r = app.post("/api/auth/logout").bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(strict.verify(token).await, Err(VerifyError::Inactive));
        // Offline verification accepts the token until it expires (documented trade-off).
        offline.verify(token).await.unwrap();
    }

    async fn permissions_and_introspected_api_keys_open_the_example_service(backend) {
        let app = TestApp::spawn(backend).await;
        crate::rbac::role(&app, "reader", &["posts:read"]).await;
        crate::rbac::user_with(&app, "bob", &["reader"]).await;
        let bob: Value = app.login("bob", STRONG_PASSWORD).await.json().await.unwrap();
        let alice = app.signed_up("alice").await;
        let offline = protected_api(verifier_for(&app).build().unwrap()).await;
        // A permission through a role, in the access token.
        let ok: Value = call(&offline, "/api/posts", Some(s(&bob["access_token"]))).await.json().await.unwrap();
        assert_eq!((ok["sub"].clone(), ok["via_api_key"].clone()), (bob["user"]["id"].clone(), Value::Bool(false)));
        let p = assert_problem(call(&offline, "/api/posts", Some(s(&alice["access_token"]))).await, 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("posts:read"));

        // API keys: only a service that introspects accepts them.
        let key = |scopes: serde_json::Value| {
            let token = s(&bob["access_token"]).to_owned();
            let app = &app;
            async move {
                let made: Value = app.post("/api/auth/api-keys").bearer_auth(token)
                    .json(&serde_json::json!({"name": "feed", "scopes": scopes})).send().await.unwrap().json().await.unwrap();
                (s(&made["id"]).to_owned(), s(&made["secret"]).to_owned())
            }
        };
        let (key_id, reader) = key(serde_json::json!(["posts:read"])).await;
        let (_, identity) = key(serde_json::json!([])).await;
        assert_problem(call(&offline, "/api/posts", Some(&reader)).await, 401, "invalid_token").await;
        assert_eq!(verifier_for(&app).build().unwrap().verify(&reader).await, Err(VerifyError::ApiKeyNeedsIntrospection));
        let service = register_client(&app, NewClient {
            name: "Posts API".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: vec!["introspect".into()],
            ..Default::default()
        }).await;
        let strict_verifier = verifier_for(&app)
            .introspect(service.id.clone(), service.secret.clone().unwrap())
            .introspection_url(app.url("/oauth2/introspect"))
            .build().unwrap();
        let claims = strict_verifier.verify(&reader).await.unwrap();
        assert!(claims.is_api_key() && claims.has_permission("posts:read") && claims.has_scope("posts:read"));
        assert_eq!((claims.sub.as_str(), claims.jti.as_str()), (s(&bob["user"]["id"]), key_id.as_str()));
        let strict = protected_api(strict_verifier.clone()).await;
        let ok: Value = call(&strict, "/api/posts", Some(&reader)).await.json().await.unwrap();
        assert_eq!(ok["via_api_key"], true);
        assert_eq!(call(&strict, "/api/protected", Some(&identity)).await.status(), 200);
        assert_problem(call(&strict, "/api/posts", Some(&identity)).await, 403, "forbidden").await;
        assert_problem(call(&strict, "/api/posts", Some("gatehouse_pat_made-up")).await, 401, "invalid_token").await;
        // Revoked: refused at once.
        let r = app.client.delete(app.url(&format!("/api/auth/api-keys/{key_id}"))).bearer_auth(s(&bob["access_token"])).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(strict_verifier.verify(&reader).await, Err(VerifyError::Inactive));
        assert_problem(call(&strict, "/api/posts", Some(&reader)).await, 401, "invalid_token").await;
    }
}
