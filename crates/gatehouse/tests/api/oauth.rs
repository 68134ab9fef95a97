//! The provider's refusals, modelled on the OpenID conformance suite: wrong
//! redirect URI, missing or wrong PKCE, code reuse and expiry, the wrong
//! client, algorithm confusion, prompt=none, CSRF, open redirects.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An authorization URL with sensible defaults; `extra` overrides or adds.
pub fn authorize_url(client_id: &str, extra: &[(&str, &str)]) -> String {
    let challenge = challenge(VERIFIER);
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email offline_access"),
        ("state", "st-123"),
        ("nonce", "n-456"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        params.retain(|(p, _)| p != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    format!("/oauth2/authorize?{}", query.finish())
}

/// A provider with Alice registered and a signed-in browser.
pub async fn signed_in(backend: Backend, tweak: impl FnOnce(&mut gatehouse::config::RawConfig)) -> (TestApp, Browser) {
    let app = spawn_provider(backend, tweak).await;
    app.signed_up("alice").await;
    let issuer = app.state.config.tokens.issuer.clone();
    let mut browser = Browser::new(&issuer);
    let login = browser.get("/login").await;
    let done = browser.sign_in(login, "alice", STRONG_PASSWORD).await;
    assert_eq!(done.status, 303, "{}", done.body);
    (app, browser)
}

/// Runs the authorization and returns the code (consenting if asked).
pub async fn code_for(browser: &mut Browser, client_id: &str, extra: &[(&str, &str)]) -> String {
    let done = browser.authorize(&authorize_url(client_id, extra), "alice").await;
    assert_eq!(done.status, 303, "{}", done.body);
    let params = done.location_params();
    params.get("code").unwrap_or_else(|| panic!("no code: {params:?}")).clone()
}

pub async fn token_request(app: &TestApp, client: &TestClient, form: &[(&str, &str)]) -> reqwest::Response {
    let issuer = app.state.config.tokens.issuer.clone();
    app.client
        .post(format!("{issuer}/oauth2/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .unwrap()
}

pub async fn exchange(app: &TestApp, client: &TestClient, code: &str, verifier: &str) -> reqwest::Response {
    token_request(
        app,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// Asserts an RFC 6749 error body; returns it.
async fn assert_oauth_error(res: reqwest::Response, status: u16, error: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status for {error}");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string());
    body
}

async fn userinfo(app: &TestApp, token: &str) -> reqwest::Response {
    let issuer = app.state.config.tokens.issuer.clone();
    app.client.get(format!("{issuer}/oauth2/userinfo")).bearer_auth(token).send().await.unwrap()
}

on_both_backends! {
    async fn the_permissions_scope_puts_what_the_roles_grant_into_tokens(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        crate::rbac::role(&app, "editor", &["posts:read", "posts:write"]).await;
        let alice = app.state.admin.find_user("alice").await.unwrap();
        let editor = gatehouse_core::account::Role::parse("editor").unwrap();
        app.state.admin.grant_role(&operator(), alice.id, &editor, &Default::default()).await.unwrap();
        let mut req = web_app(true);
        req.scopes = vec!["openid".into(), "roles".into(), "permissions".into()];
        let client = register_client(&app, req).await;
        let code = code_for(&mut browser, &client.id, &[("scope", "openid permissions")]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let access = tokens["access_token"].as_str().unwrap();
        let (_, claims) = jwt_parts(access);
        assert_eq!(claims["permissions"], json!(["posts:read", "posts:write"]));
        assert_eq!(claims["scope"], "openid permissions");
        let (_, id_claims) = jwt_parts(tokens["id_token"].as_str().unwrap());
        assert_eq!(id_claims["permissions"], json!(["posts:read", "posts:write"]));
        let info: Value = userinfo(&app, access).await.json().await.unwrap();
        assert_eq!(info["permissions"], json!(["posts:read", "posts:write"]));
        // Without the scope the client learns nothing of them.
        let code = code_for(&mut browser, &client.id, &[("scope", "openid roles")]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let (_, claims) = jwt_parts(tokens["access_token"].as_str().unwrap());
        assert!(claims.get("permissions").is_none(), "{claims}");
        assert_eq!(claims["roles"], json!(["editor", "user"]));
        let info: Value = userinfo(&app, tokens["access_token"].as_str().unwrap()).await.json().await.unwrap();
        assert!(info.get("permissions").is_none() && info["roles"] == json!(["editor", "user"]));
        // Discovery names the scope and the claim.
        let discovery: Value = app.get("/.well-known/openid-configuration").send().await.unwrap().json().await.unwrap();
        assert!(discovery["scopes_supported"].as_array().unwrap().contains(&json!("permissions")));
        assert!(discovery["claims_supported"].as_array().unwrap().contains(&json!("permissions")));
    }

    async fn errors_before_the_redirect_uri_is_trusted_are_shown_not_redirected(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(false)).await;
        for url in [
            authorize_url("gh_unknown", &[]),
            authorize_url(&client.id, &[("redirect_uri", "https://evil.example/cb")]),
            authorize_url(&client.id, &[("redirect_uri", "http://127.0.0.1:9/callback/../evil")]),
            authorize_url("", &[]),
        ] {
            let page = browser.get(&url).await;
            assert_eq!(page.status, 400, "{url}");
            assert!(page.location.is_none(), "never an open redirect: {url}");
        }
    }

    async fn request_errors_go_back_to_the_client_with_state_and_iss(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(false)).await;
        let mut spa = web_app(false);
        spa.public = true;
        let spa = register_client(&app, spa).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let cases: Vec<(String, &str)> = vec![
            (authorize_url(&client.id, &[("response_type", "token")]), "unsupported_response_type"),
            (authorize_url(&client.id, &[("response_type", "")]), "invalid_request"),
            (authorize_url(&client.id, &[("scope", "openid admin")]), "invalid_scope"),
            (authorize_url(&client.id, &[("code_challenge_method", "plain")]), "invalid_request"),
            (authorize_url(&client.id, &[("code_challenge", "short")]), "invalid_request"),
            (authorize_url(&spa.id, &[("code_challenge", ""), ("code_challenge_method", "")]), "invalid_request"),
            (authorize_url(&client.id, &[("code_challenge", ""), ("code_challenge_method", "")]), "invalid_request"),
            (authorize_url(&client.id, &[("request", "eyJhbGciOiJub25lIn0.e30.")]), "request_not_supported"),
            (authorize_url(&client.id, &[("prompt", "none login")]), "invalid_request"),
            (authorize_url(&client.id, &[("max_age", "-1")]), "invalid_request"),
        ];
        for (url, error) in cases {
            let page = browser.get(&url).await;
            assert_eq!(page.status, 303, "{url}");
            assert!(page.location.as_deref().unwrap().starts_with(REDIRECT));
            let params = page.location_params();
            assert_eq!(params["error"], error, "{url}");
            assert_eq!(params["state"], "st-123");
            assert_eq!(params["iss"], issuer);
            assert!(!params.contains_key("code"));
        }
    }

    async fn prompt_none_answers_login_required_or_consent_required(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let client = register_client(&app, web_app(false)).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let page = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert_eq!(page.location_params()["error"], "login_required");
        let login = browser.get("/login").await;
        browser.sign_in(login, "alice", STRONG_PASSWORD).await;
        let page = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert_eq!(page.location_params()["error"], "consent_required");
        // Interactive: sign-in is already done, consent is asked, then remembered.
        code_for(&mut browser, &client.id, &[]).await;
        let page = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert!(page.location_params().contains_key("code"), "consent remembered");
        // prompt=login and max_age=0 send the person to sign in again.
        for extra in [("prompt", "login"), ("max_age", "0")] {
            let page = browser.get(&authorize_url(&client.id, &[extra])).await;
            assert!(page.location.as_deref().unwrap().contains("/login?return_to="), "{extra:?}");
        }
    }

    async fn the_code_is_bound_to_its_verifier_client_and_redirect_uri(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let other = register_client(&app, web_app(true)).await;

        let code = code_for(&mut browser, &client.id, &[]).await;
        let wrong = format!("{VERIFIER}-wrong");
        assert_oauth_error(exchange(&app, &client, &code, &wrong).await, 400, "invalid_grant").await;
        assert_oauth_error(exchange(&app, &client, &code, VERIFIER).await, 400, "invalid_grant").await;

        let code = code_for(&mut browser, &client.id, &[]).await;
        let res = token_request(&app, &client, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
        assert_oauth_error(res, 400, "invalid_grant").await;

        let code = code_for(&mut browser, &client.id, &[]).await;
        assert_oauth_error(exchange(&app, &other, &code, VERIFIER).await, 400, "invalid_grant").await;

        let code = code_for(&mut browser, &client.id, &[]).await;
        let res = token_request(
            &app,
            &client,
            &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", "http://127.0.0.1:9/other"), ("code_verifier", VERIFIER)],
        )
        .await;
        assert_oauth_error(res, 400, "invalid_grant").await;

        let code = code_for(&mut browser, &client.id, &[]).await;
        let impostor = TestClient { id: client.id.clone(), secret: Some("not-the-secret".into()) };
        let res = exchange(&app, &impostor, &code, VERIFIER).await;
        assert!(res.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
        assert_oauth_error(res, 401, "invalid_client").await;
        // The same code still works for its own client (a wrong secret burns nothing).
        assert_eq!(exchange(&app, &client, &code, VERIFIER).await.status(), 200);
    }

    async fn a_replayed_code_revokes_the_tokens_it_issued(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        let first: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let access = first["access_token"].as_str().unwrap();
        assert_eq!(userinfo(&app, access).await.status(), 200);
        assert_oauth_error(exchange(&app, &client, &code, VERIFIER).await, 400, "invalid_grant").await;
        assert_eq!(userinfo(&app, access).await.status(), 401, "tokens from the code are revoked");
        let refresh = first["refresh_token"].as_str().unwrap();
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
        assert_oauth_error(res, 400, "invalid_grant").await;
        let query = gatehouse_core::audit::AuditQuery { limit: 500, ..Default::default() };
        let audit = app.state.store.query(&query).await.unwrap();
        assert!(audit.iter().any(|e| e.kind.as_str() == "authorization_code_replayed"));
    }

    async fn a_code_presented_by_another_client_stays_its_owners(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let owner = register_client(&app, web_app(true)).await;
        let mut other = web_app(true);
        other.name = "Another App".into();
        let thief = register_client(&app, other).await;
        let code = code_for(&mut browser, &owner.id, &[]).await;
        // Another client (holding the code, say from a leaked redirect) is refused...
        let refused = assert_oauth_error(exchange(&app, &thief, &code, VERIFIER).await, 400, "invalid_grant").await;
        assert!(refused["error_description"].as_str().unwrap().contains("another client"), "{refused}");
        // ...and has burnt nothing: the rightful client redeems it.
        let res = exchange(&app, &owner, &code, VERIFIER).await;
        assert_eq!(res.status(), 200);
        let audit = app.state.store.query(&gatehouse_core::audit::AuditQuery { limit: 500, ..Default::default() }).await.unwrap();
        assert!(!audit.iter().any(|e| e.kind.as_str() == "authorization_code_replayed"));
    }

    async fn a_narrower_refresh_keeps_the_grant(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "email")]).await;
        let narrow: Value = res.json().await.unwrap();
        assert_eq!(narrow["scope"], "email");
        assert!(narrow.get("id_token").is_none(), "no openid in the narrowed scope");
        let next = narrow["refresh_token"].as_str().expect("the grant still allows refresh");
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", next)]).await;
        let full: Value = res.json().await.unwrap();
        assert_eq!(full["scope"], "email offline_access openid", "the whole grant again");
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", full["refresh_token"].as_str().unwrap()), ("scope", "email admin")]).await;
        assert_oauth_error(res, 400, "invalid_scope").await;
        // The consent page's CSP lets its form end at the application (no form-action).
        let page = app.client.get(format!("{}/login", app.state.config.tokens.issuer)).send().await.unwrap();
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(!csp.contains("form-action") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        // `no-referrer` would make browsers send `Origin: null`, which the CSRF check refuses.
        assert_eq!(page.headers()["referrer-policy"], "same-origin");
        let api = app.client.get(format!("{}/healthz", app.state.config.tokens.issuer)).send().await.unwrap();
        assert_eq!(api.headers()["referrer-policy"], "no-referrer");
    }

    async fn expired_codes_are_refused(backend) {
        let (app, mut browser) = signed_in(backend, |c| c.oauth_code_ttl = Some("1s".into())).await;
        let client = register_client(&app, web_app(true)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        app.advance(std::time::Duration::from_millis(1100));
        let body = assert_oauth_error(exchange(&app, &client, &code, VERIFIER).await, 400, "invalid_grant").await;
        assert!(body["error_description"].as_str().unwrap().contains("expired"));
    }

    async fn consent_can_be_denied_and_withdrawn(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(false)).await;
        let page = { let p = browser.get(&authorize_url(&client.id, &[])).await; browser.follow(p).await };
        assert!(page.body.contains("Example App") && page.body.contains("See your email address"), "{}", page.body);
        let denied = browser.consent(page, "deny").await;
        assert_eq!(denied.location_params()["error"], "access_denied");

        // A consent form without the session's CSRF token changes nothing.
        let page = { let p = browser.get(&authorize_url(&client.id, &[])).await; browser.follow(p).await };
        let forged = page.body.replace(&page.field("csrf").unwrap(), "forged");
        let forged = browser.consent(Page { body: forged, ..page }, "allow").await;
        assert_eq!(forged.status, 400);

        let code = code_for(&mut browser, &client.id, &[]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let api = app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap();
        let api_token = api["access_token"].as_str().unwrap();
        let listed: Value = app.get("/api/auth/consents").bearer_auth(api_token).send().await.unwrap().json().await.unwrap();
        assert_eq!(listed["consents"][0]["client_id"], client.id);
        assert_eq!(listed["consents"][0]["client_name"], "Example App");
        let sessions: Value = app.get("/api/auth/sessions").bearer_auth(api_token).send().await.unwrap().json().await.unwrap();
        let kinds: Vec<&str> = sessions["sessions"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"oauth") && kinds.contains(&"browser") && kinds.contains(&"api"), "{kinds:?}");

        let path = format!("/api/auth/consents/{}", client.id);
        assert_eq!(app.client.delete(app.url(&path)).bearer_auth(api_token).send().await.unwrap().status(), 204);
        assert_eq!(app.client.delete(app.url(&path)).bearer_auth(api_token).send().await.unwrap().status(), 404);
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
        assert_oauth_error(res, 400, "invalid_grant").await;
        let page = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert_eq!(page.location_params()["error"], "consent_required", "asked again after withdrawal");
    }

    async fn oauth_and_api_tokens_stay_in_their_lanes(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let (_, claims) = jwt_parts(tokens["access_token"].as_str().unwrap());
        assert_eq!(claims["client_id"], client.id);
        assert_problem(app.me(tokens["access_token"].as_str().unwrap()).await, 401, "invalid_token").await;
        assert_problem(app.refresh(tokens["refresh_token"].as_str().unwrap()).await, 401, "invalid_token").await;
        let api = app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap();
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", api["refresh_token"].as_str().unwrap())]).await;
        assert_oauth_error(res, 400, "invalid_grant").await;
        assert_eq!(app.refresh(api["refresh_token"].as_str().unwrap()).await.status(), 200, "the API token was untouched");
        // Nor can the browser's cookie be used as a refresh token anywhere.
        let cookie = browser.cookies["__Host-gatehouse"].clone();
        assert_problem(app.refresh(&cookie).await, 401, "invalid_token").await;
        let res = token_request(&app, &client, &[("grant_type", "refresh_token"), ("refresh_token", &cookie)]).await;
        assert_oauth_error(res, 400, "invalid_grant").await;
    }

    async fn forged_and_confused_tokens_are_refused(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        let access = tokens["access_token"].as_str().unwrap();
        let id_token = tokens["id_token"].as_str().unwrap();
        let (header, claims) = jwt_parts(access);
        // alg=none, and HS256 keyed with the published RSA key's modulus.
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "at+jwt", "kid": header["kid"]}).to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let jwks: Value = app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap();
        let rsa = jwks["keys"].as_array().unwrap().iter().find(|k| k["kty"] == "RSA").unwrap().clone();
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        h.kid = Some(rsa["kid"].as_str().unwrap().to_owned());
        h.typ = Some("at+jwt".into());
        let hs = jsonwebtoken::encode(&h, &claims, &jsonwebtoken::EncodingKey::from_secret(rsa["n"].as_str().unwrap().as_bytes())).unwrap();
        for forged in [none.as_str(), hs.as_str(), id_token] {
            let res = userinfo(&app, forged).await;
            assert!(res.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
            assert_oauth_error(res, 401, "invalid_token").await;
        }
        // An ID token hint with alg=none is no hint.
        let (_, id_claims) = jwt_parts(id_token);
        let none_hint = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode(id_claims.to_string()));
        let page = browser.get(&format!("/oauth2/logout?id_token_hint={none_hint}&post_logout_redirect_uri={AFTER_LOGOUT}")).await;
        assert_eq!(page.status, 400);
        // userinfo without a token, and with a token that has no openid scope.
        let res = app.client.get(app.url("/oauth2/userinfo")).send().await.unwrap();
        assert_oauth_error(res, 401, "invalid_token").await;
        let code = code_for(&mut browser, &client.id, &[("scope", "email")]).await;
        let tokens: Value = exchange(&app, &client, &code, VERIFIER).await.json().await.unwrap();
        assert!(tokens.get("id_token").is_none() && tokens.get("refresh_token").is_none());
        assert_oauth_error(userinfo(&app, tokens["access_token"].as_str().unwrap()).await, 403, "insufficient_scope").await;
    }

    async fn logout_without_a_hint_asks_first(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let page = browser.get("/oauth2/logout").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Log out?"));
        let still = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert!(still.location_params().contains_key("code"), "a GET from anywhere signs nobody out");
        let bad = browser.post("/oauth2/logout", &[("confirmed", "yes"), ("csrf", "forged")]).await;
        assert!(bad.body.contains("Log out?"), "a forged confirmation is asked again");
        let csrf = page.field("csrf").unwrap();
        let done = browser.post("/oauth2/logout", &[("confirmed", "yes"), ("csrf", &csrf)]).await;
        assert!(done.body.contains("You are logged out"), "{}", done.body);
        let after = browser.get(&authorize_url(&client.id, &[("prompt", "none")])).await;
        assert_eq!(after.location_params()["error"], "login_required");
        let bad = browser.get(&format!("/oauth2/logout?client_id={}&post_logout_redirect_uri=https://evil.example/", client.id)).await;
        assert_eq!(bad.status, 400);
        assert!(bad.location.is_none());
    }

    async fn the_login_page_resists_csrf_fixation_and_open_redirects(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let issuer = app.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        // No CSRF cookie: refused.
        let res = browser.post("/login", &[("login", "alice"), ("password", STRONG_PASSWORD), ("csrf", "x")]).await;
        assert_eq!(res.status, 403);
        // Cross-site post: refused even with matching tokens.
        let page = browser.get("/login").await;
        let csrf = page.field("csrf").unwrap();
        let res = app
            .client
            .post(format!("{issuer}/login"))
            .header("origin", "https://evil.example")
            .header("cookie", format!("__Host-gatehouse-csrf={csrf}"))
            .form(&[("login", "alice"), ("password", STRONG_PASSWORD), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The cookie: flags, and a new session on every sign-in.
        browser.cookies.insert("__Host-gatehouse".into(), "planted-by-an-attacker".into());
        let page = browser.get("/login?return_to=//evil.example/").await;
        let done = browser.sign_in(page, "alice", STRONG_PASSWORD).await;
        assert_eq!(done.status, 303);
        assert!(done.location.as_deref().is_some_and(|l| l.ends_with("/account")), "no redirect to another site");
        let set = done.set_cookies.iter().find(|c| c.starts_with("__Host-gatehouse=")).unwrap();
        for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(flag), "{set}");
        }
        assert!(!set.contains("Max-Age"), "a session cookie without Remember me");
        let first = browser.cookies["__Host-gatehouse"].clone();
        assert_ne!(first, "planted-by-an-attacker");
        // Signed in, /login passes the person on — unless a sign-in is asked for again.
        let page = browser.get("/login").await;
        assert_eq!((page.status, page.location.as_deref().map(|l| l.ends_with("/account"))), (303, Some(true)));
        let page = browser.get("/login?prompt=login").await;
        browser.sign_in(page, "alice", STRONG_PASSWORD).await;
        let second = browser.cookies["__Host-gatehouse"].clone();
        assert_ne!(first, second);
        assert!(app.state.auth.browser_session(&first.into()).await.unwrap().is_none(), "the old session ended");
        // Wrong password: the same generic message.
        let page = browser.get("/login?prompt=login").await;
        let res = browser.sign_in(page, "alice", "wrong password entirely").await;
        assert_eq!(res.status, 401);
        assert!(res.body.contains("Wrong username or password"));
    }

    async fn the_token_endpoint_speaks_rfc_6749(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let client = register_client(&app, web_app(true)).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let json_body = app
            .client
            .post(format!("{issuer}/oauth2/token"))
            .basic_auth(&client.id, client.secret.as_deref())
            .json(&json!({"grant_type": "client_credentials"}))
            .send()
            .await
            .unwrap();
        assert_oauth_error(json_body, 400, "invalid_request").await;
        assert_oauth_error(token_request(&app, &client, &[("grant_type", "password")]).await, 400, "unsupported_grant_type").await;
        assert_oauth_error(token_request(&app, &client, &[("grant_type", "client_credentials")]).await, 400, "unauthorized_client").await;
        assert_oauth_error(token_request(&app, &client, &[("grant_type", "authorization_code"), ("code", "nope")]).await, 400, "invalid_grant").await;
        let twice = app
            .client
            .post(format!("{issuer}/oauth2/token"))
            .basic_auth(&client.id, client.secret.as_deref())
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=authorization_code&grant_type=refresh_token")
            .send()
            .await
            .unwrap();
        assert_oauth_error(twice, 400, "invalid_request").await;
        // client_secret_post works too; a public client cannot introspect.
        let mut spa = web_app(false);
        spa.public = true;
        let spa = register_client(&app, spa).await;
        let intro = app
            .client
            .post(format!("{issuer}/oauth2/introspect"))
            .form(&[("token", "x"), ("client_id", spa.id.as_str())])
            .send()
            .await
            .unwrap();
        assert_oauth_error(intro, 401, "invalid_client").await;
        let intro: Value = app
            .client
            .post(format!("{issuer}/oauth2/introspect"))
            .form(&[("token", "unknown"), ("client_id", client.id.as_str()), ("client_secret", client.secret.as_deref().unwrap())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(intro, json!({"active": false}));
    }

    async fn the_token_endpoint_is_rate_limited_per_ip(backend) {
        let app = spawn_provider(backend, |c| c.refresh_rate_per_ip = Some("3/min".into())).await;
        let client = register_client(&app, web_app(true)).await;
        for _ in 0..3 {
            let res = token_request(&app, &client, &[("grant_type", "authorization_code"), ("code", "nope")]).await;
            assert_oauth_error(res, 400, "invalid_grant").await;
        }
        let res = token_request(&app, &client, &[("grant_type", "authorization_code"), ("code", "nope")]).await;
        assert!(res.headers().contains_key("retry-after"));
        assert_problem(res, 429, "rate_limited").await;
    }

    async fn discovery_advertises_only_what_works(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let doc: Value = app.client.get(format!("{issuer}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
        assert_eq!(doc["issuer"], issuer);
        assert_eq!(doc["response_types_supported"], json!(["code"]));
        assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(doc["grant_types_supported"], json!(["authorization_code", "refresh_token", "client_credentials"]));
        for endpoint in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "introspection_endpoint", "revocation_endpoint", "end_session_endpoint"] {
            let url = doc[endpoint].as_str().unwrap();
            assert!(url.starts_with(&issuer), "{endpoint}");
            let status = app.client.get(url).send().await.unwrap().status().as_u16();
            assert_ne!(status, 404, "{endpoint} exists");
        }
        // A single-page app on another origin may call the token endpoint
        // (preflight) and read discovery; never with cookies.
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{issuer}/oauth2/token"))
            .header("origin", "https://spa.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success(), "{:?} {:?}", preflight.status(), preflight.headers());
        assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
        assert!(preflight.headers().get("access-control-allow-credentials").is_none());
        let cross = app.client.get(format!("{issuer}/.well-known/jwks.json")).header("origin", "https://spa.example").send().await.unwrap();
        assert_eq!(cross.headers()["access-control-allow-origin"], "*");
        let page = app.client.get(format!("{issuer}/login")).header("origin", "https://spa.example").send().await.unwrap();
        assert!(page.headers().get("access-control-allow-origin").is_none(), "pages are not CORS-enabled");
    }
}
