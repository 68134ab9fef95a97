//! Second factors: TOTP enrolment, two-step login, replay protection, backup
//! codes, step-up, enrolment policy. Codes are computed with an independent
//! TOTP implementation (totp-lite).

use crate::helpers::{TestApp, STRONG_PASSWORD};
use crate::on_both_backends;
use serde_json::{json, Value};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn unix_now(app: &TestApp) -> u64 {
    use gatehouse_core::clock::Clock as _;
    app.clock.now().unix_timestamp() as u64
}

/// Moves the server's clock to the start of a 30 s step, so that the
/// codes of the previous, current and next step stay what they are for the
/// rest of the test (it takes far less than the step's 29 s left).
pub(crate) async fn fresh_step(app: &TestApp) {
    let into = unix_now(app) % 30;
    app.advance(std::time::Duration::from_secs(30 - into + 1));
}

/// The code for the step `offset` steps away from now.
pub(crate) fn code(app: &TestApp, secret: &[u8], offset: i64) -> String {
    let t = (unix_now(app) as i64 + offset * 30) as u64;
    totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, secret, t)
}

/// A code no step near now accepts.
pub(crate) fn wrong_code(app: &TestApp, secret: &[u8]) -> String {
    let near: Vec<String> = (-2..=2).map(|offset| code(app, secret, offset)).collect();
    (0..10).map(|d| format!("{d}{d}{d}{d}{d}{d}")).find(|c| !near.contains(c)).unwrap()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.post(path).bearer_auth(token).json(&body).send().await.unwrap()
}

/// Sets up and enables TOTP (spending the previous step's code); returns the
/// secret and the backup codes.
pub(crate) async fn enroll(app: &TestApp, access: &str) -> (Vec<u8>, Vec<String>) {
    let setup: Value =
        app.post("/api/auth/mfa/totp/setup").bearer_auth(access).send().await.unwrap().json().await.unwrap();
    let secret = data_encoding::BASE32_NOPAD.decode(s(&setup["secret"]).as_bytes()).unwrap();
    assert_eq!(secret.len(), 20);
    let r = post(app, "/api/auth/mfa/totp/enable", access, json!({"code": code(app, &secret, -1)})).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let codes = body["backup_codes"].as_array().unwrap().iter().map(|c| s(c).to_owned()).collect();
    (secret, codes)
}

/// Password login that must ask for the second factor; returns the mfa_token.
pub(crate) async fn first_step(app: &TestApp, name: &str) -> String {
    first_step_with(app, name, STRONG_PASSWORD).await
}

/// [`first_step`] with this password.
pub(crate) async fn first_step_with(app: &TestApp, name: &str, password: &str) -> String {
    let body: Value = app.login(name, password).await.json().await.unwrap();
    assert_eq!(body["mfa_required"], true, "{body}");
    assert!(body.get("access_token").is_none());
    s(&body["mfa_token"]).to_owned()
}

pub(crate) async fn second_step(app: &TestApp, mfa_token: &str, code: &str) -> reqwest::Response {
    app.post("/api/auth/mfa/verify").json(&json!({"mfa_token": mfa_token, "code": code})).send().await.unwrap()
}

on_both_backends! {
    async fn totp_enrolment_and_two_step_login(backend) {
        let app = TestApp::spawn(backend).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let access = s(&t["access_token"]);
        let setup: Value = app.post("/api/auth/mfa/totp/setup").bearer_auth(access).send().await.unwrap().json().await.unwrap();
        assert!(s(&setup["otpauth_uri"]).starts_with("otpauth://totp/Gatehouse:alice%40example.com?secret="));
        assert!(s(&setup["otpauth_uri"]).contains("issuer=Gatehouse"));
        assert!(s(&setup["qr_svg"]).contains("<svg") && s(&setup["qr_png"]).starts_with("data:image/png;base64,"));
        // Not enabled yet: password login still signs in directly.
        assert!(app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["access_token"].is_string());
        let secret = data_encoding::BASE32_NOPAD.decode(s(&setup["secret"]).as_bytes()).unwrap();
        assert_problem(post(&app, "/api/auth/mfa/totp/enable", access, json!({"code": "000000"})).await, 401, "invalid_mfa_code").await;
        let r = post(&app, "/api/auth/mfa/totp/enable", access, json!({"code": code(&app, &secret, -1)})).await;
        assert_eq!(r.status(), 200);
        let codes: Value = r.json().await.unwrap();
        assert_eq!(codes["backup_codes"].as_array().unwrap().len(), 10);
        assert_problem(app.post("/api/auth/mfa/totp/setup").bearer_auth(access).send().await.unwrap(), 409, "mfa_already_enabled").await;

        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"], json!({"enabled": true, "methods": ["totp", "backup_code"], "passkeys": 0, "backup_codes_remaining": 10}));

        let body: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(body["methods"], json!(["totp", "backup_code"]));
        assert_eq!(body["expires_in"], 300);
        let mfa_token = s(&body["mfa_token"]).to_owned();
        // The mfa_token grants nothing else.
        assert_problem(app.me(&mfa_token).await, 401, "invalid_token").await;
        assert_problem(app.refresh(&mfa_token).await, 401, "invalid_token").await;
        let r = second_step(&app, &mfa_token, &code(&app, &secret, 0)).await;
        assert_eq!(r.status(), 200);
        let tokens: Value = r.json().await.unwrap();
        let (_, claims) = jwt_parts(s(&tokens["access_token"]));
        assert_eq!(claims["amr"], json!(["pwd", "otp", "mfa"]));
        assert_eq!(claims["acr"], "urn:gatehouse:acr:2fa");
        assert_eq!(app.me(s(&tokens["access_token"])).await.status(), 200);
        // Refreshed tokens keep the session's amr.
        let refreshed: Value = app.refresh(s(&tokens["refresh_token"])).await.json().await.unwrap();
        assert_eq!(jwt_parts(s(&refreshed["access_token"])).1["amr"], json!(["pwd", "otp", "mfa"]));
        // A password-only session says so.
        assert_eq!(jwt_parts(access).1["acr"], "urn:gatehouse:acr:1fa");
    }

    async fn totp_codes_are_never_accepted_twice(backend) {
        let app = TestApp::spawn(backend).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let (secret, _) = enroll(&app, s(&t["access_token"])).await;
        // The enabling code was spent: it cannot sign in.
        let token = first_step(&app, "alice").await;
        assert_problem(second_step(&app, &token, &code(&app, &secret, -1)).await, 401, "invalid_mfa_code").await;
        let now_code = code(&app, &secret, 0);
        assert_eq!(second_step(&app, &token, &now_code).await.status(), 200);
        let token = first_step(&app, "alice").await;
        assert_problem(second_step(&app, &token, &now_code).await, 401, "invalid_mfa_code").await;
        // Two steps away is outside the window.
        assert_problem(second_step(&app, &token, &code(&app, &secret, 2)).await, 401, "invalid_mfa_code").await;
        assert_eq!(second_step(&app, &token, &code(&app, &secret, 1)).await.status(), 200);
    }

    async fn mfa_token_is_single_use_limited_and_expires(backend) {
        let app = TestApp::spawn(backend).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let (secret, backup) = enroll(&app, s(&t["access_token"])).await;
        let token = first_step(&app, "alice").await;
        assert_eq!(second_step(&app, &token, &backup[0]).await.status(), 200);
        assert_problem(second_step(&app, &token, &backup[1]).await, 401, "invalid_token").await;
        // Five wrong codes burn the token.
        let token = first_step(&app, "alice").await;
        for _ in 0..5 {
            assert_problem(second_step(&app, &token, "000000").await, 401, "invalid_mfa_code").await;
        }
        assert_problem(second_step(&app, &token, &code(&app, &secret, 0)).await, 401, "invalid_token").await;
        // An expired challenge is refused.
        let user = app.state.admin.find_user("alice").await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        let expired = gatehouse_core::mfa::MfaChallenge {
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            digest: gatehouse_core::crypto::TokenDigest::of("expired-mfa-token"),
            amr: gatehouse_core::amr::Amr::one(gatehouse_core::amr::AuthMethod::Password),
            created_at: now - time::Duration::minutes(10),
            expires_at: now - time::Duration::minutes(5),
            failed_attempts: 0,
            used_at: None,
        };
        app.state.store.create_mfa_challenge(&expired).await.unwrap();
        assert_problem(second_step(&app, "expired-mfa-token", &code(&app, &secret, 0)).await, 401, "invalid_token").await;
        assert_problem(second_step(&app, "made-up", &code(&app, &secret, 0)).await, 401, "invalid_token").await;
    }

    async fn backup_codes_work_once_and_regeneration_invalidates_them(backend) {
        let app = TestApp::spawn(backend).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let access = s(&t["access_token"]);
        let (_, old) = enroll(&app, access).await;
        let token = first_step(&app, "alice").await;
        // Typed loosely: upper case, spaces instead of the dash.
        let typed = old[0].to_uppercase().replace('-', " ");
        assert_eq!(second_step(&app, &token, &typed).await.status(), 200);
        let token = first_step(&app, "alice").await;
        assert_problem(second_step(&app, &token, &old[0]).await, 401, "invalid_mfa_code").await;
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"]["backup_codes_remaining"], 9);
        let r = app.post("/api/auth/mfa/backup-codes").bearer_auth(access).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let fresh: Value = r.json().await.unwrap();
        let fresh = fresh["backup_codes"].as_array().unwrap();
        assert_eq!(fresh.len(), 10);
        assert_problem(second_step(&app, &token, &old[1]).await, 401, "invalid_mfa_code").await;
        assert_eq!(second_step(&app, &token, s(&fresh[0])).await.status(), 200);
    }

    async fn backup_codes_rest_keyed_and_plain_ones_from_before_are_rekeyed(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let (_, codes) = enroll(&app, s(&t["access_token"])).await;
        let user = app.state.store.user_by_login("alice").await.unwrap().unwrap();
        let plain = |code: &str| {
            let canonical: String = code.chars().filter(|c| *c != '-').collect();
            gatehouse_core::crypto::TokenDigest::of(&canonical)
        };
        // At rest: not the plain SHA-256 an offline search would try.
        let url = app.config.database_url.clone().unwrap();
        let stored = stored_backup_digests(&url, user.id.0).await;
        assert_eq!(stored.len(), 10);
        assert!(codes.iter().all(|c| !stored.contains(&plain(c).as_bytes().to_vec())), "keyed digests at rest");
        // What an earlier version left: plain digests, unkeyed.
        let now = time::OffsetDateTime::now_utc();
        let plain_digests: Vec<_> = codes.iter().map(|c| plain(c)).collect();
        app.state.store.replace_backup_codes(user.id, &plain_digests, now).await.unwrap();
        unkey_backup_codes(&url, user.id.0).await;
        // A restart re-keys them in place, and they still work.
        let app = app.restart().await;
        let stored = stored_backup_digests(&url, user.id.0).await;
        assert!(codes.iter().all(|c| !stored.contains(&plain(c).as_bytes().to_vec())), "re-keyed at start");
        let token = first_step(&app, "alice").await;
        assert_eq!(second_step(&app, &token, &codes[3]).await.status(), 200);
        let token = first_step(&app, "alice").await;
        assert_problem(second_step(&app, &token, &codes[3]).await, 401, "invalid_mfa_code").await;
    }

    async fn sensitive_changes_need_a_recent_authentication(backend) {
        let app = TestApp::spawn_with(backend, |c| c.step_up_window = Some("1s".into())).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let access = s(&t["access_token"]);
        let (secret, _) = enroll(&app, access).await;
        app.advance(std::time::Duration::from_millis(2100));
        let disable = |body: Value| post(&app, "/api/auth/mfa/totp/disable", access, body);
        assert_problem(app.post("/api/auth/mfa/totp/disable").bearer_auth(access).send().await.unwrap(), 401, "reauthentication_required").await;
        assert_problem(disable(json!({"password": "not my password at all"})).await, 401, "reauthentication_required").await;
        assert_problem(app.post("/api/auth/mfa/backup-codes").bearer_auth(access).send().await.unwrap(), 401, "reauthentication_required").await;
        // A current code proves it too (and is then spent).
        let r = post(&app, "/api/auth/mfa/backup-codes", access, json!({"code": code(&app, &secret, 0)})).await;
        assert_eq!(r.status(), 200);
        app.advance(std::time::Duration::from_millis(1100));
        assert_eq!(disable(json!({"password": STRONG_PASSWORD})).await.status(), 204);
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"]["enabled"], false);
        assert_eq!(me["user"]["mfa"]["backup_codes_remaining"], 0);
        assert!(app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["access_token"].is_string());
        assert_problem(disable(json!({"password": STRONG_PASSWORD})).await, 409, "mfa_not_enabled").await;
    }

    async fn policy_forces_enrolment_before_full_tokens(backend) {
        let app = TestApp::spawn_with(backend, |c| c.mfa_required_roles = Some(vec!["admin".into()])).await;
        fresh_step(&app).await;
        app.signed_up("alice").await;
        let admin = &app.state.admin;
        admin.create_user(gatehouse_core::flows::NewUserRequest {
            username: "root".into(), email: "root@example.com".into(), password: Some(STRONG_PASSWORD.to_owned().into()),
            roles: vec![gatehouse_core::account::Role::admin()], email_verified: true,
            locale: None,
        }, &crate::helpers::operator(), &Default::default()).await.unwrap();
        let r: Value = app.login("root", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(r["mfa_enrollment_required"], true);
        assert_eq!(r["scope"], "mfa_enroll");
        let restricted = s(&r["access_token"]);
        assert_problem(app.get("/api/auth/sessions").bearer_auth(restricted).send().await.unwrap(), 403, "mfa_enrollment_required").await;
        assert_problem(app.get("/api/admin/audit").bearer_auth(restricted).send().await.unwrap(), 403, "mfa_enrollment_required").await;
        assert_eq!(app.me(restricted).await.status(), 200);
        // A refresh does not lift the restriction; enrolling does.
        let still: Value = app.refresh(s(&r["refresh_token"])).await.json().await.unwrap();
        assert_eq!(still["scope"], "mfa_enroll");
        enroll(&app, s(&still["access_token"])).await;
        let full: Value = app.refresh(s(&still["refresh_token"])).await.json().await.unwrap();
        assert_eq!(full["mfa_enrollment_required"], false);
        assert_eq!(app.get("/api/admin/audit").bearer_auth(s(&full["access_token"])).send().await.unwrap().status(), 200);
        // Users outside the policy are not affected.
        let alice: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(alice["mfa_enrollment_required"], false);
    }

    async fn mfa_verification_is_rate_limited_and_audited(backend) {
        let app = TestApp::spawn_with(backend, |c| c.mfa_rate_per_account = Some("3/min".into())).await;
        fresh_step(&app).await;
        let t = app.signed_up("alice").await;
        let (secret, _) = enroll(&app, s(&t["access_token"])).await;
        let token = first_step(&app, "alice").await;
        for _ in 0..3 {
            assert_problem(second_step(&app, &token, "111111").await, 401, "invalid_mfa_code").await;
        }
        assert_problem(second_step(&app, &token, &code(&app, &secret, 0)).await, 429, "rate_limited").await;
        let events = app.state.admin.audit_log(&crate::helpers::operator(), gatehouse_core::audit::AuditQuery { limit: 100, ..Default::default() }).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        for k in ["totp_setup", "totp_enabled", "mfa_challenged", "mfa_failed"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
    }
}

/// The backup-code digests stored for `user`, read past the store.
async fn stored_backup_digests(url: &str, user: uuid::Uuid) -> Vec<Vec<u8>> {
    use sqlx::Row;
    let sql = "SELECT digest FROM mfa_backup_codes WHERE user_id = $1";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).bind(user).fetch_all(&pool).await.unwrap().iter().map(|r| r.get("digest")).collect()
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).bind(user).fetch_all(&pool).await.unwrap().iter().map(|r| r.get("digest")).collect()
    }
}

/// Marks `user`'s backup codes as stored before codes were keyed.
async fn unkey_backup_codes(url: &str, user: uuid::Uuid) {
    let sql = "UPDATE mfa_backup_codes SET keyed = FALSE WHERE user_id = $1";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).bind(user).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).bind(user).execute(&pool).await.unwrap();
    }
}
