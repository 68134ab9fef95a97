//! Passkeys end to end with a software authenticator (webauthn-authenticator-rs):
//! registration, second factor, passwordless sign-in, management.

use crate::helpers::{TestApp, STRONG_PASSWORD};
use crate::on_both_backends;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, WebauthnAuthenticator};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// The WebAuthn origin configured for the tests (rp id gatehouse.test).
const ORIGIN: &str = "https://gatehouse.test";

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn authenticator() -> Authenticator {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

/// What the browser does with registration options.
fn create(auth: &mut Authenticator, options: Value) -> Value {
    let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    serde_json::to_value(auth.do_registration(url::Url::parse(ORIGIN).unwrap(), options).unwrap()).unwrap()
}

/// What the browser does with sign-in options.
fn get(auth: &mut Authenticator, options: Value) -> Value {
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    serde_json::to_value(auth.do_authentication(url::Url::parse(ORIGIN).unwrap(), options).unwrap()).unwrap()
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app.post(path).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

/// Registers a passkey; returns the finish answer and the credential id bytes.
async fn register(app: &TestApp, auth: &mut Authenticator, access: &str, name: &str) -> (Value, Vec<u8>) {
    let start: Value =
        post(app, "/api/auth/webauthn/register/start", Some(access), json!({})).await.json().await.unwrap();
    let credential = create(auth, start["options"].clone());
    let raw_id = URL_SAFE_NO_PAD.decode(s(&credential["rawId"])).unwrap();
    let r = post(
        app,
        "/api/auth/webauthn/register/finish",
        Some(access),
        json!({"ceremony_id": start["ceremony_id"], "name": name, "credential": credential}),
    )
    .await;
    assert_eq!(r.status(), 201);
    (r.json().await.unwrap(), raw_id)
}

on_both_backends! {
    async fn passkey_as_second_factor(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let access = s(&t["access_token"]);
        let mut key = authenticator();
        let (finished, _) = register(&app, &mut key, access, "YubiKey").await;
        assert_eq!(finished["credential"]["name"], "YubiKey");
        assert_eq!(finished["backup_codes"].as_array().unwrap().len(), 10, "first factor: backup codes");

        let login: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(login["methods"], json!(["webauthn", "backup_code"]));
        let mfa_token = s(&login["mfa_token"]).to_owned();
        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({"mfa_token": mfa_token})).await.json().await.unwrap();
        assert_eq!(start["options"]["publicKey"]["allowCredentials"].as_array().unwrap().len(), 1);
        let assertion = get(&mut key, start["options"].clone());
        let finish = json!({"ceremony_id": start["ceremony_id"], "mfa_token": mfa_token, "credential": assertion});
        let r = post(&app, "/api/auth/webauthn/login/finish", None, finish.clone()).await;
        assert_eq!(r.status(), 200);
        let tokens: Value = r.json().await.unwrap();
        assert_eq!(jwt_parts(s(&tokens["access_token"])).1["amr"], json!(["pwd", "hwk", "mfa"]));
        // The ceremony and the mfa_token are spent.
        assert_problem(post(&app, "/api/auth/webauthn/login/finish", None, finish).await, 401, "invalid_token").await;

        // The assertion can also go to /api/auth/mfa/verify.
        let login: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let mfa_token = s(&login["mfa_token"]).to_owned();
        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({"mfa_token": mfa_token})).await.json().await.unwrap();
        let assertion = get(&mut key, start["options"].clone());
        let r = post(&app, "/api/auth/mfa/verify", None,
            json!({"mfa_token": mfa_token, "ceremony_id": start["ceremony_id"], "credential": assertion})).await;
        assert_eq!(r.status(), 200);
        assert_problem(post(&app, "/api/auth/mfa/verify", None, json!({"mfa_token": mfa_token})).await, 400, "invalid_request").await;

        let list: Value = app.get("/api/auth/webauthn/credentials").bearer_auth(access).send().await.unwrap().json().await.unwrap();
        let credential = &list["credentials"][0];
        assert!(credential["last_used_at"].is_string());
        let id = s(&credential["id"]).to_owned();
        let r = app.client.patch(app.url(&format!("/api/auth/webauthn/credentials/{id}"))).bearer_auth(access)
            .json(&json!({"name": "Blue key"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"]["passkeys"], 1);
        assert_eq!(me["user"]["mfa"]["methods"], json!(["webauthn", "backup_code"]));
    }

    async fn a_forged_or_foreign_assertion_fails(backend) {
        let app = TestApp::spawn(backend).await;
        let alice = app.signed_up("alice").await;
        let mut alice_key = authenticator();
        register(&app, &mut alice_key, s(&alice["access_token"]), "key").await;
        let login: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let mfa_token = s(&login["mfa_token"]).to_owned();
        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({"mfa_token": mfa_token})).await.json().await.unwrap();
        let mut assertion = get(&mut alice_key, start["options"].clone());
        // Tamper with the signature.
        let mut sig = URL_SAFE_NO_PAD.decode(s(&assertion["response"]["signature"])).unwrap();
        let last = sig.len() - 1;
        sig[last] ^= 1;
        assertion["response"]["signature"] = json!(URL_SAFE_NO_PAD.encode(sig));
        let r = post(&app, "/api/auth/webauthn/login/finish", None,
            json!({"ceremony_id": start["ceremony_id"], "mfa_token": mfa_token, "credential": assertion})).await;
        assert_problem(r, 400, "invalid_request").await;
        // A ceremony started for one mfa_token cannot finish another's.
        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({"mfa_token": mfa_token})).await.json().await.unwrap();
        let other: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let assertion = get(&mut alice_key, start["options"].clone());
        let r = post(&app, "/api/auth/webauthn/login/finish", None,
            json!({"ceremony_id": start["ceremony_id"], "mfa_token": other["mfa_token"], "credential": assertion})).await;
        assert_problem(r, 401, "invalid_token").await;
        // Unknown ceremony ids and malformed credentials are 4xx, never 500.
        let r = post(&app, "/api/auth/webauthn/login/finish", None,
            json!({"ceremony_id": uuid::Uuid::new_v4(), "credential": {"nonsense": true}})).await;
        assert_problem(r, 400, "invalid_request").await;
        assert_problem(post(&app, "/api/auth/webauthn/login/start", None, json!({"mfa_token": "made-up"})).await, 401, "invalid_token").await;
    }

    async fn passwordless_sign_in_with_a_discoverable_credential(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let user_id = s(&t["user"]["id"]).to_owned();
        let mut key = authenticator();
        let (_, credential_id) = register(&app, &mut key, s(&t["access_token"]), "phone").await;

        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({})).await.json().await.unwrap();
        assert_eq!(start["options"]["publicKey"]["allowCredentials"], json!([]));
        // SoftPasskey cannot keep resident keys, so do what a platform
        // authenticator does: pick its credential for this rp and return the
        // user handle stored at registration (neither is signed).
        let mut options = start["options"].clone();
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(&credential_id)}]);
        let mut assertion = get(&mut key, options);
        let handle = uuid::Uuid::parse_str(&user_id).unwrap();
        assertion["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(handle.as_bytes()));
        // Claiming to be someone else with this credential fails.
        let mut wrong = assertion.clone();
        wrong["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes()));
        let r = post(&app, "/api/auth/webauthn/login/finish", None, json!({"ceremony_id": start["ceremony_id"], "credential": wrong})).await;
        assert_problem(r, 401, "invalid_credentials").await;

        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({})).await.json().await.unwrap();
        let mut options = start["options"].clone();
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(&credential_id)}]);
        let mut assertion = get(&mut key, options);
        assertion["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(handle.as_bytes()));
        let r = post(&app, "/api/auth/webauthn/login/finish", None, json!({"ceremony_id": start["ceremony_id"], "credential": assertion})).await;
        assert_eq!(r.status(), 200);
        let tokens: Value = r.json().await.unwrap();
        assert_eq!(tokens["user"]["id"], user_id.as_str());
        assert_eq!(jwt_parts(s(&tokens["access_token"])).1["amr"], json!(["hwk", "mfa"]));
    }

    async fn passwordless_sign_in_needs_a_verified_email_when_password_login_does(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let handle = uuid::Uuid::parse_str(s(&t["user"]["id"])).unwrap();
        let mut key = authenticator();
        let (_, credential_id) = register(&app, &mut key, s(&t["access_token"]), "phone").await;
        let mut app = app;
        app.config.require_verified_email = Some(true);
        let app = app.restart().await;
        let start: Value = post(&app, "/api/auth/webauthn/login/start", None, json!({})).await.json().await.unwrap();
        let mut options = start["options"].clone();
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(&credential_id)}]);
        let mut assertion = get(&mut key, options);
        assertion["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(handle.as_bytes()));
        let r = post(&app, "/api/auth/webauthn/login/finish", None, json!({"ceremony_id": start["ceremony_id"], "credential": assertion})).await;
        assert_problem(r, 403, "email_not_verified").await;
    }

    async fn removing_a_passkey_needs_step_up_and_is_owner_only(backend) {
        let app = TestApp::spawn_with(backend, |c| c.step_up_window = Some("1s".into())).await;
        let alice = app.signed_up("alice").await;
        let mallory = app.signed_up("mallory").await;
        let access = s(&alice["access_token"]);
        let (finished, _) = register(&app, &mut authenticator(), access, "key").await;
        let id = s(&finished["credential"]["id"]).to_owned();
        let url = app.url(&format!("/api/auth/webauthn/credentials/{id}"));
        let r = app.client.delete(&url).bearer_auth(s(&mallory["access_token"])).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
        app.advance(std::time::Duration::from_millis(2100));
        assert_problem(app.client.delete(&url).bearer_auth(access).send().await.unwrap(), 401, "reauthentication_required").await;
        let r = app.client.delete(&url).bearer_auth(access).json(&json!({"password": STRONG_PASSWORD})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"]["enabled"], false);
        assert_eq!(me["user"]["mfa"]["backup_codes_remaining"], 0, "no factor left: backup codes go too");
        assert!(app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["access_token"].is_string());
    }
}
