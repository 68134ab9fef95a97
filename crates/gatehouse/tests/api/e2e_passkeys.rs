//! Passkeys on the pages: the JSON endpoints `passkey.js` drives
//! (`/account/passkeys/register/*`, `/mfa/passkey/*`, `/login/passkey/*`) —
//! their CSRF and session checks, ceremonies with a software authenticator
//! ending in a browser session — and the whole thing in real headless
//! Chromium with its virtual authenticator (`e2e/passkeys.mjs`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::session::SessionKind;
use secrecy::SecretString;
use serde_json::{json, Value};
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, WebauthnAuthenticator};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use crate::browser::*;
use crate::e2e::chromium;
use crate::helpers::*;
use crate::on_both_backends;

const SESSION: &str = "__Host-gatehouse";
const CSRF: &str = "__Host-gatehouse-csrf";
const EVIL: &str = "https://evil.example";

/// What a JSON endpoint answered.
struct Answer {
    status: u16,
    content_type: String,
    set_cookies: Vec<String>,
    body: Value,
}

impl Answer {
    /// A `problem+json` refusal with this status and code.
    fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{code}: {}", self.body);
        assert_eq!(self.content_type, "application/problem+json");
        assert_eq!(self.body["code"], code, "{}", self.body);
    }

    /// A 4xx `problem+json`, whatever the code.
    fn assert_client_error(&self) {
        assert!((400..500).contains(&self.status), "a 4xx, got {}: {}", self.status, self.body);
        assert_eq!(self.content_type, "application/problem+json");
    }
}

/// `fetch` as `passkey.js` does it: JSON, the browser's cookies, the CSRF
/// token in `X-CSRF-Token` and, when given, an `Origin`. Keeps the cookies set.
async fn fetch(
    b: &mut Browser,
    base: &str,
    path: &str,
    csrf: Option<&str>,
    origin: Option<&str>,
    body: Value,
) -> Answer {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut req = http.post(format!("{base}{path}")).json(&body);
    let cookies = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    if !cookies.is_empty() {
        req = req.header("cookie", cookies);
    }
    if let Some(token) = csrf {
        req = req.header("x-csrf-token", token);
    }
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let content_type = header("content-type");
    if (200..300).contains(&status) {
        assert_eq!(header("cache-control"), "no-store", "{path}");
    }
    let set_cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    for c in &set_cookies {
        let (name, value) = c.split(';').next().unwrap().split_once('=').unwrap();
        if value.is_empty() || c.contains("Max-Age=0") {
            b.cookies.remove(name);
        } else {
            b.cookies.insert(name.to_owned(), value.to_owned());
        }
    }
    let body = res.json().await.unwrap_or(Value::Null);
    Answer { status, content_type, set_cookies, body }
}

/// The `Set-Cookie` of `name` in an answer.
fn set_cookie<'a>(a: &'a Answer, name: &str) -> Option<&'a str> {
    a.set_cookies.iter().map(String::as_str).find(|c| c.starts_with(&format!("{name}=")))
}

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

/// What the browser does with registration options.
fn create(key: &mut Authenticator, origin: &str, options: &Value) -> Value {
    let options: CreationChallengeResponse = serde_json::from_value(options.clone()).unwrap();
    serde_json::to_value(key.do_registration(url::Url::parse(origin).unwrap(), options).unwrap()).unwrap()
}

/// What the browser does with sign-in options.
fn get(key: &mut Authenticator, origin: &str, options: &Value) -> Value {
    let options: RequestChallengeResponse = serde_json::from_value(options.clone()).unwrap();
    serde_json::to_value(key.do_authentication(url::Url::parse(origin).unwrap(), options).unwrap()).unwrap()
}

/// A browser signed in with a password; returns it and the account page's CSRF token.
async fn signed_in_browser(issuer: &str, login: &str) -> (Browser, String) {
    let mut b = Browser::new(issuer);
    let page = b.get("/login").await;
    let page = b.sign_in(page, login, STRONG_PASSWORD).await;
    assert_eq!(page.status, 303, "signed in: {}", page.body);
    assert!(page.location.as_deref().is_some_and(|l| l.ends_with("/account")));
    let account = b.get("/account").await;
    assert_eq!(account.status, 200);
    let csrf = account.field("csrf").expect("the account page's CSRF token");
    (b, csrf)
}

/// The browser session a cookie value names: its kind and amr.
async fn session_of(app: &TestApp, cookie: &str) -> (SessionKind, Vec<String>) {
    let found = app.state.auth.browser_session(&SecretString::from(cookie.to_owned())).await.unwrap();
    let browser = found.expect("a live browser session");
    (browser.session.kind.clone(), browser.session.amr.to_claim())
}

on_both_backends! {
    async fn passkey_endpoints_refuse_forged_requests(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let issuer = app.state.config.tokens.issuer.clone();
        let base = issuer.as_str();

        // /login and /mfa: the double-submit token, and our origin.
        let mut b = Browser::new(base);
        let csrf = b.get("/login").await.field("csrf").unwrap();
        let mut stranger = Browser::new(base);
        for (path, body) in [
            ("/login/passkey/start", json!({})),
            ("/mfa/passkey/start", json!({"mfa_token": "made-up"})),
            ("/login/passkey/finish", json!({"ceremony_id": uuid::Uuid::now_v7(), "credential": {}})),
            ("/mfa/passkey/finish", json!({"mfa_token": "made-up", "ceremony_id": uuid::Uuid::now_v7(), "credential": {}})),
        ] {
            fetch(&mut b, base, path, None, None, body.clone()).await.assert_problem(403, "csrf_failed");
            fetch(&mut b, base, path, Some("forged"), None, body.clone()).await.assert_problem(403, "csrf_failed");
            fetch(&mut b, base, path, Some(&csrf), Some(EVIL), body.clone()).await.assert_problem(403, "csrf_failed");
            // The token without its cookie (another browser) is worth nothing.
            fetch(&mut stranger, base, path, Some(&csrf), None, body.clone()).await.assert_problem(403, "csrf_failed");
        }
        let start = fetch(&mut b, base, "/login/passkey/start", Some(&csrf), Some(base), json!({})).await;
        assert_eq!(start.status, 200, "{}", start.body);
        assert!(start.body["ceremony_id"].is_string());
        assert!(start.body["options"]["publicKey"]["challenge"].is_string());
        fetch(&mut b, base, "/mfa/passkey/start", Some(&csrf), None, json!({"mfa_token": "made-up"}))
            .await
            .assert_problem(401, "invalid_token");
        // An empty mfa_token is refused, never taken for a passwordless start.
        fetch(&mut b, base, "/mfa/passkey/start", Some(&csrf), None, json!({}))
            .await
            .assert_problem(401, "invalid_token");
        // Forged ceremonies and credentials: 4xx problems, never a 500.
        let forged = json!({"ceremony_id": uuid::Uuid::now_v7(), "credential": {"id": "x", "type": "public-key"}});
        fetch(&mut b, base, "/login/passkey/finish", Some(&csrf), None, forged).await.assert_client_error();
        let garbage = json!({"ceremony_id": start.body["ceremony_id"], "credential": {"nonsense": true}});
        fetch(&mut b, base, "/login/passkey/finish", Some(&csrf), None, garbage).await.assert_client_error();
        let forged = json!({"mfa_token": "made-up", "ceremony_id": uuid::Uuid::now_v7(), "credential": {}});
        fetch(&mut b, base, "/mfa/passkey/finish", Some(&csrf), None, forged).await.assert_problem(401, "invalid_token");
        let malformed = fetch(&mut b, base, "/login/passkey/finish", Some(&csrf), None, json!({"ceremony_id": "nope"})).await;
        malformed.assert_client_error();

        // /account: a session, its synchronizer token, our origin.
        let mut nobody = Browser::new(base);
        for path in ["/account/passkeys/register/start", "/account/passkeys/register/finish"] {
            let body = json!({"ceremony_id": uuid::Uuid::now_v7(), "credential": {}});
            fetch(&mut nobody, base, path, Some("x"), None, body).await.assert_problem(401, "unauthorized");
        }
        let (mut alice, token) = signed_in_browser(base, "alice").await;
        let path = "/account/passkeys/register/start";
        fetch(&mut alice, base, path, None, None, json!({})).await.assert_problem(403, "csrf_failed");
        fetch(&mut alice, base, path, Some(&csrf), None, json!({})).await.assert_problem(403, "csrf_failed");
        fetch(&mut alice, base, path, Some(&token), Some(EVIL), json!({})).await.assert_problem(403, "csrf_failed");
        let start = fetch(&mut alice, base, path, Some(&token), Some(base), json!({})).await;
        assert_eq!(start.status, 200, "{}", start.body);
        assert_eq!(start.body["options"]["publicKey"]["user"]["name"], "alice");
        // A discoverable credential where the authenticator can keep one (for /login).
        assert_eq!(start.body["options"]["publicKey"]["authenticatorSelection"]["residentKey"], "preferred");
        let path = "/account/passkeys/register/finish";
        let garbage = json!({"ceremony_id": start.body["ceremony_id"], "credential": {"nonsense": true}});
        fetch(&mut alice, base, path, None, None, garbage.clone()).await.assert_problem(403, "csrf_failed");
        fetch(&mut alice, base, path, Some(&token), None, garbage).await.assert_problem(400, "invalid_request");
        let unknown = json!({"ceremony_id": uuid::Uuid::now_v7(), "credential": {"id": "x"}});
        fetch(&mut alice, base, path, Some(&token), None, unknown).await.assert_problem(400, "invalid_request");
        // Another person's ceremony is no use to a second account.
        app.signed_up("mallory").await;
        let (mut mallory, mallory_token) = signed_in_browser(base, "mallory").await;
        let start = fetch(&mut alice, base, "/account/passkeys/register/start", Some(&token), None, json!({})).await;
        let mut key = WebauthnAuthenticator::new(SoftPasskey::new(true));
        let credential = create(&mut key, base, &start.body["options"]);
        let theirs = json!({"ceremony_id": start.body["ceremony_id"], "credential": credential});
        fetch(&mut mallory, base, path, Some(&mallory_token), None, theirs).await.assert_problem(400, "invalid_request");
    }

    async fn passkeys_sign_a_browser_in(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let alice = app.signed_up("alice").await;
        let handle = uuid::Uuid::parse_str(alice["user"]["id"].as_str().unwrap()).unwrap();
        let issuer = app.state.config.tokens.issuer.clone();
        let base = issuer.as_str();
        let mut key = WebauthnAuthenticator::new(SoftPasskey::new(true));

        // Add a passkey on /account: the first second factor brings backup
        // codes, and the session is renewed.
        let (mut b, token) = signed_in_browser(base, "alice").await;
        let before = b.cookies[SESSION].clone();
        let start = fetch(&mut b, base, "/account/passkeys/register/start", Some(&token), None, json!({})).await;
        let credential = create(&mut key, base, &start.body["options"]);
        let raw_id = credential["rawId"].clone();
        let finish = json!({"ceremony_id": start.body["ceremony_id"], "name": "Laptop", "credential": credential});
        let added = fetch(&mut b, base, "/account/passkeys/register/finish", Some(&token), None, finish.clone()).await;
        assert_eq!(added.status, 200, "{}", added.body);
        assert_eq!(added.body["redirect"], "/account?done=passkey-added");
        assert_eq!(added.body["backup_codes"].as_array().unwrap().len(), 10);
        assert!(set_cookie(&added, SESSION).is_some(), "the session is renewed");
        assert_ne!(b.cookies[SESSION], before);
        assert!(app.state.auth.browser_session(&SecretString::from(before)).await.unwrap().is_none());
        let (_, amr) = session_of(&app, &b.cookies[SESSION]).await;
        assert_eq!(amr, ["pwd", "hwk", "mfa"]);
        let page = b.get("/account?done=passkey-added").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Laptop") && page.body.contains("Passkey added."));
        // The ceremony is spent.
        let token = page.field("csrf").unwrap();
        let again = fetch(&mut b, base, "/account/passkeys/register/finish", Some(&token), None, finish).await;
        again.assert_problem(400, "invalid_request");

        // Without a password: the discoverable credential picks the account.
        let mut b = Browser::new(base);
        let csrf = b.get("/login?return_to=%2Faccount").await.field("csrf").unwrap();
        let start = fetch(&mut b, base, "/login/passkey/start", Some(&csrf), None, json!({})).await;
        let mut options = start.body["options"].clone();
        // SoftPasskey keeps no resident keys: name the credential, return the user handle.
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": raw_id}]);
        let mut assertion = get(&mut key, base, &options);
        assertion["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(handle.as_bytes()));
        // Off-site return_to is dropped: the browser goes to its account.
        let finish = json!({"ceremony_id": start.body["ceremony_id"], "credential": assertion, "return_to": "//evil.example/"});
        let signed_in = fetch(&mut b, base, "/login/passkey/finish", Some(&csrf), None, finish).await;
        assert_eq!(signed_in.status, 200, "{}", signed_in.body);
        assert_eq!(signed_in.body, json!({"redirect": "/account"}));
        let cookie = set_cookie(&signed_in, SESSION).expect("a session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Max-Age"), "not remembered: a browser-session cookie");
        assert!(set_cookie(&signed_in, CSRF).unwrap().contains("Max-Age=0"), "the CSRF cookie is spent");
        let (kind, amr) = session_of(&app, &b.cookies[SESSION]).await;
        assert_eq!(kind, SessionKind::Browser);
        assert_eq!(amr, ["hwk", "mfa"]);
        assert_eq!(b.get("/account").await.status, 200);

        // Password, then the passkey as the second factor, remembered.
        let mut b = Browser::new(base);
        let login = b.get("/login").await;
        let mfa = b.sign_in(login, "alice", STRONG_PASSWORD).await;
        assert!(mfa.body.contains("data-passkey-mfa"), "{}", mfa.body);
        // A passkey-only account is asked for its passkey, not for a 6-digit
        // code; its backup codes are the way out, and stay so after a wrong one.
        assert!(mfa.body.contains("Use your passkey or security key"), "{}", mfa.body);
        assert!(!mfa.body.contains("6-digit") && mfa.body.contains(">Backup code</label>"), "{}", mfa.body);
        let mut other = Browser::new(base);
        let first = other.get("/login").await;
        let first = other.sign_in(first, "alice", STRONG_PASSWORD).await;
        let fields = ["csrf", "mfa_token", "offer"].map(|f| (f, first.field(f).unwrap()));
        let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form.push(("code", "0000-0000"));
        let wrong = other.post("/mfa", &form).await;
        assert_eq!(wrong.status, 401, "{}", wrong.body);
        assert!(wrong.body.contains("That code is not right") && wrong.body.contains("data-passkey-mfa"), "{}", wrong.body);
        assert!(!wrong.body.contains("6-digit"), "{}", wrong.body);
        let mfa_token = mfa.field("mfa_token").unwrap();
        let csrf = mfa.field("csrf").unwrap();
        let start = fetch(&mut b, base, "/mfa/passkey/start", Some(&csrf), None, json!({"mfa_token": mfa_token})).await;
        assert_eq!(start.status, 200, "{}", start.body);
        let assertion = get(&mut key, base, &start.body["options"]);
        let finish = json!({
            "mfa_token": mfa_token, "ceremony_id": start.body["ceremony_id"], "credential": assertion,
            "remember": true, "return_to": "/account?from=mfa",
        });
        let signed_in = fetch(&mut b, base, "/mfa/passkey/finish", Some(&csrf), None, finish.clone()).await;
        assert_eq!(signed_in.status, 200, "{}", signed_in.body);
        assert_eq!(signed_in.body["redirect"], "/account?from=mfa");
        assert!(set_cookie(&signed_in, SESSION).unwrap().contains("Max-Age="), "remembered: a persistent cookie");
        let (kind, amr) = session_of(&app, &b.cookies[SESSION]).await;
        assert_eq!(kind, SessionKind::Browser);
        assert_eq!(amr, ["pwd", "hwk", "mfa"]);
        // The mfa_token is spent (the CSRF cookie too: a new one from /login).
        let csrf = b.get("/login?prompt=login").await.field("csrf").unwrap();
        let again = fetch(&mut b, base, "/mfa/passkey/finish", Some(&csrf), None, finish).await;
        again.assert_problem(401, "invalid_token");
        // No API session was left behind by the browser sign-ins.
        let api_sessions = app
            .state
            .store
            .active_sessions(gatehouse_core::account::UserId(handle), app.state.clock.now())
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == SessionKind::Api)
            .count();
        assert_eq!(api_sessions, 1, "only the one signed_up opened");
    }

    async fn passkeys_in_chromium(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        app.signed_up("bob").await;
        let issuer = app.state.config.tokens.issuer.clone();
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../e2e/screenshots")
            .join(format!("{backend:?}").to_lowercase());
        let shots = shots.to_string_lossy().into_owned();
        let result = chromium("passkeys.mjs", &[&issuer, "alice", "bob", STRONG_PASSWORD, &shots]).await;
        assert_eq!(result["problems"], json!([]), "no CSP violations or script errors");
        assert_eq!(
            result["steps"],
            json!([
                "signed in with a password",
                "passkey added with backup codes",
                "passkey listed",
                "signed out",
                "signed in with the passkey alone",
                "second account: authenticator app and passkey",
                "signed in with password and passkey",
                "an unknown passkey is refused in place",
            ])
        );
        assert_eq!(result["error"], "The passkey request was cancelled or timed out. Try again.");
        assert_eq!(result["passwordless"], "/account?via=passkey", "the login page's return_to");
        assert_eq!(result["mfa"], "/account");
        assert_eq!(result["backupCodes"], 10);
        assert_eq!(result["cookie"]["httpOnly"], true);
        for width in [375, 1280] {
            let shot = format!("{shots}/mfa-passkey-{width}.png");
            assert!(std::path::Path::new(&shot).exists(), "{shot}");
        }
    }
}
