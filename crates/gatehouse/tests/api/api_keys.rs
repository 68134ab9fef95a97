//! Personal API keys: made once with their secret, scoped within the owner's
//! permissions, accepted on the admin API, `/me` and introspection only,
//! refused when malformed, revoked, rotated, expired, or the owner is
//! disabled or owes the second-factor policy; uses recorded; rate-limited;
//! audited.

use gatehouse_core::api_key::NewApiKey;
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::browser::{register_client, web_app};
use crate::helpers::{assert_problem, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;
use crate::rbac::{holder, role, user_with};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

async fn make_key(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/auth/api-keys").bearer_auth(token).json(&body).send().await.unwrap()
}

async fn introspect(app: &TestApp, token: &str) -> Value {
    let mut m2m = web_app(false);
    m2m.name = format!("Introspector {}", uuid::Uuid::new_v4());
    let client = register_client(app, m2m).await;
    app.post("/oauth2/introspect")
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

on_both_backends! {
    async fn a_key_is_made_used_rotated_and_revoked(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        let r = make_key(&app, &token, json!({"name": "CI", "scopes": ["users:read", "users:read"], "expires_in_days": 30})).await;
        assert_eq!(r.status(), 201);
        let made: Value = r.json().await.unwrap();
        let secret = s(&made["secret"]).to_owned();
        assert!(secret.starts_with("gatehouse_pat_") && secret.len() == 62, "{secret}");
        assert_eq!((made["name"].clone(), made["scopes"].clone(), made["active"].clone()), (json!("CI"), json!(["users:read"]), json!(true)));
        assert!(made["expires_at"].is_string() && made["last_used_at"].is_null());
        let id = s(&made["id"]).to_owned();

        // The secret is shown once: never listed, never in the audit log.
        let listed = app.get("/api/auth/api-keys").bearer_auth(&token).send().await.unwrap().text().await.unwrap();
        assert!(listed.contains(&id) && !listed.contains(&secret), "{listed}");
        let root_id = s(&admin["user"]["id"]);
        let by_admin = app.get(&format!("/api/admin/users/{root_id}/api-keys")).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
        assert!(by_admin.contains(&id) && !by_admin.contains(&secret));

        // Accepted: /me and what its scopes allow on the admin API.
        let me: Value = app.me(&secret).await.json().await.unwrap();
        assert_eq!(me["user"]["username"], "root");
        assert_eq!(app.get("/api/admin/users").bearer_auth(&secret).send().await.unwrap().status(), 200);
        let p = assert_problem(app.get("/api/admin/audit").bearer_auth(&secret).send().await.unwrap(), 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("audit:read"));
        // Refused everywhere an account is managed, including making more keys.
        for path in ["/api/auth/sessions", "/api/auth/api-keys", "/api/auth/consents", "/api/auth/me/export"] {
            let p = assert_problem(app.get(path).bearer_auth(&secret).send().await.unwrap(), 403, "forbidden").await;
            assert!(s(&p["detail"]).contains("API keys work on the admin API"), "{path}: {p}");
        }
        assert_problem(make_key(&app, &secret, json!({"name": "more"})).await, 403, "forbidden").await;
        let r = app.post("/api/auth/logout-all").bearer_auth(&secret).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;

        // The use is recorded: when and from where.
        let keys: Value = app.get("/api/auth/api-keys").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert!(keys["api_keys"][0]["last_used_at"].is_string());
        assert_eq!(keys["api_keys"][0]["last_used_ip"], "127.0.0.1");

        // Introspection: active, with what it may do.
        let intro = introspect(&app, &secret).await;
        assert_eq!((intro["active"].clone(), intro["token_type"].clone()), (json!(true), json!("api_key")));
        assert_eq!((intro["sub"].clone(), intro["username"].clone()), (admin["user"]["id"].clone(), json!("root")));
        assert_eq!((intro["scope"].clone(), intro["permissions"].clone()), (json!("users:read"), json!(["users:read"])));
        assert_eq!(intro["jti"], json!(id));
        assert!(intro["exp"].is_i64());

        // Rotation: the new secret works, the old one is refused at once.
        let rotated: Value = app.post(&format!("/api/auth/api-keys/{id}/rotate")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let fresh = s(&rotated["secret"]).to_owned();
        assert_ne!(fresh, secret);
        assert_eq!((rotated["name"].clone(), rotated["scopes"].clone()), (json!("CI"), json!(["users:read"])));
        assert_eq!(rotated["expires_at"], made["expires_at"], "same expiry");
        assert_problem(app.me(&secret).await, 401, "invalid_token").await;
        assert_eq!(introspect(&app, &secret).await, json!({"active": false}));
        assert_eq!(app.me(&fresh).await.status(), 200);
        let r = app.post(&format!("/api/auth/api-keys/{id}/rotate")).bearer_auth(&token).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;

        // Revocation.
        let new_id = s(&rotated["id"]).to_owned();
        let del = |id: String| app.client.delete(app.url(&format!("/api/auth/api-keys/{id}"))).bearer_auth(&token).send();
        assert_eq!(del(new_id.clone()).await.unwrap().status(), 204);
        assert_problem(app.me(&fresh).await, 401, "invalid_token").await;
        assert_problem(del(new_id).await.unwrap(), 404, "not_found").await;
        assert_problem(del("not-a-key".into()).await.unwrap(), 404, "not_found").await;

        let audit: Value = app.get("/api/admin/audit?limit=500").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let text = audit.to_string();
        for k in ["api_key_created", "api_key_rotated", "api_key_revoked"] {
            assert!(text.contains(k), "{k}");
        }
        assert!(!text.contains(&secret) && !text.contains(&fresh), "no secret in the audit log");
    }

    async fn keys_are_refused_when_malformed_unknown_expired_or_their_owner_cannot(backend) {
        let app = TestApp::spawn(backend).await;
        let alice = app.signed_up("alice").await;
        let alice_id = gatehouse_core::account::UserId(s(&alice["user"]["id"]).parse().unwrap());
        // Malformed or made up: 401, the same as any bad token.
        let made_up = gatehouse_core::api_key::generate();
        for bad in ["gatehouse_pat_", "gatehouse_pat_short", made_up.expose_secret()] {
            assert_problem(app.me(bad).await, 401, "invalid_token").await;
        }
        let mut typo = made_up.expose_secret().to_owned();
        typo.replace_range(20..21, if &typo[20..21] == "A" { "B" } else { "A" });
        assert_problem(app.me(&typo).await, 401, "invalid_token").await;
        // Expired: token_expired.
        let now = app.state.clock.now();
        let old = NewApiKey::mint(alice_id, "old".into(), vec![], now - time::Duration::days(2), Some(now - time::Duration::days(1)));
        app.state.store.insert_api_key(&old.key).await.unwrap();
        assert_problem(app.me(old.secret.expose_secret()).await, 401, "token_expired").await;
        // The owner disabled: 403 account_disabled; enabled again: it works again.
        let live = NewApiKey::mint(alice_id, "live".into(), vec![], now, None);
        app.state.store.insert_api_key(&live.key).await.unwrap();
        let secret = live.secret.expose_secret();
        assert_eq!(app.me(secret).await.status(), 200);
        let ops = crate::helpers::operator();
        let info = gatehouse_core::audit::ClientInfo::default();
        app.state.admin.set_active(&ops, alice_id, false, &info).await.unwrap();
        assert_problem(app.me(secret).await, 403, "account_disabled").await;
        app.state.admin.set_active(&ops, alice_id, true, &info).await.unwrap();
        assert_eq!(app.me(secret).await.status(), 200);
        // A forced password reset revokes every key.
        app.state.admin.require_password_reset(&ops, alice_id, &info).await.unwrap();
        assert_problem(app.me(secret).await, 401, "invalid_token").await;
    }

    async fn keys_rest_while_their_owner_owes_the_second_factor_policy(backend) {
        let app = TestApp::spawn_with(backend, |c| c.mfa_required_roles = Some(vec!["auditor".into()])).await;
        crate::mfa::fresh_step(&app).await;
        role(&app, "support", &["audit:read"]).await;
        role(&app, "auditor", &[]).await;
        let sue_id = user_with(&app, "sue", &["support"]).await;
        let sue: Value = app.login("sue", STRONG_PASSWORD).await.json().await.unwrap();
        let made: Value = make_key(&app, s(&sue["access_token"]), json!({"name": "reports", "scopes": ["audit:read"]})).await.json().await.unwrap();
        let key = s(&made["secret"]).to_owned();
        assert_eq!(app.get("/api/admin/audit").bearer_auth(&key).send().await.unwrap().status(), 200);
        // The policy reaches Sue: her key rests, on the API and in introspection.
        let ops = crate::helpers::operator();
        let info = gatehouse_core::audit::ClientInfo::default();
        let auditor = gatehouse_core::account::Role::parse("auditor").unwrap();
        app.state.admin.grant_role(&ops, sue_id, &auditor, &info).await.unwrap();
        assert_problem(app.get("/api/admin/audit").bearer_auth(&key).send().await.unwrap(), 403, "mfa_enrollment_required").await;
        assert_eq!(introspect(&app, &key).await["active"], false);
        // She enrols a second factor: the key works again.
        let restricted: Value = app.login("sue", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(restricted["mfa_enrollment_required"], true);
        crate::mfa::enroll(&app, s(&restricted["access_token"])).await;
        assert_eq!(app.get("/api/admin/audit").bearer_auth(&key).send().await.unwrap().status(), 200);
        assert_eq!(introspect(&app, &key).await["active"], true);
    }

    async fn scopes_stay_within_what_the_owner_holds(backend) {
        let app = TestApp::spawn(backend).await;
        let (_, plain) = holder(&app, "pat", &[]).await;
        // A person cannot give a key what they do not hold.
        let p = assert_problem(make_key(&app, &plain, json!({"name": "x", "scopes": ["users:read"]})).await, 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("users:read"));
        assert_eq!(make_key(&app, &plain, json!({"name": "identity only"})).await.status(), 201);
        // Bad requests are 400/422 with a reason.
        for (body, status, code) in [
            (json!({"name": ""}), 400, "invalid_request"),
            (json!({"name": "x".repeat(101)}), 400, "invalid_request"),
            (json!({"name": "x", "scopes": ["not a scope"]}), 400, "invalid_request"),
            (json!({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}), 400, "invalid_request"),
            (json!({"name": "x", "expires_at": "tomorrow"}), 400, "invalid_request"),
            (json!({"name": "x", "expires_in_days": 0}), 400, "invalid_request"),
            (json!({"name": "x", "expires_in_days": 3, "expires_at": "2099-01-01T00:00:00Z"}), 400, "invalid_request"),
            (json!({"name": 7}), 422, "invalid_body"),
        ] {
            assert_problem(make_key(&app, &plain, body.clone()).await, status, code).await;
        }
        // A key grants what both it and its owner hold *now*.
        role(&app, "support", &["users:read", "audit:read"]).await;
        user_with(&app, "sue", &["support"]).await;
        let sue: Value = app.login("sue", STRONG_PASSWORD).await.json().await.unwrap();
        let made: Value = make_key(&app, s(&sue["access_token"]), json!({"name": "reports", "scopes": ["audit:read"]})).await.json().await.unwrap();
        let key = s(&made["secret"]).to_owned();
        assert_eq!(app.get("/api/admin/audit").bearer_auth(&key).send().await.unwrap().status(), 200);
        assert_problem(app.get("/api/admin/users").bearer_auth(&key).send().await.unwrap(), 403, "forbidden").await;
        let ops = crate::helpers::operator();
        let info = gatehouse_core::audit::ClientInfo::default();
        let update = gatehouse_core::flows::RoleUpdate { permissions: Some(vec!["users:read".into()]), description: None };
        app.state.admin.update_role(&ops, "support", update, &info).await.unwrap();
        assert_problem(app.get("/api/admin/audit").bearer_auth(&key).send().await.unwrap(), 403, "forbidden").await;
        assert_eq!(introspect(&app, &key).await["permissions"], json!([]));
    }

    async fn making_a_key_needs_a_recent_sign_in_or_the_password(backend) {
        let app = TestApp::spawn_with(backend, |c| c.step_up_window = Some("1s".into())).await;
        let alice = app.signed_up("alice").await;
        let token = s(&alice["access_token"]);
        app.advance(std::time::Duration::from_millis(1500));
        assert_problem(make_key(&app, token, json!({"name": "ci"})).await, 401, "reauthentication_required").await;
        let r = make_key(&app, token, json!({"name": "ci", "password": "wrong password 123"})).await;
        assert_problem(r, 401, "reauthentication_required").await;
        assert_eq!(make_key(&app, token, json!({"name": "ci", "password": STRONG_PASSWORD})).await.status(), 201);
    }

    async fn keys_are_rate_limited(backend) {
        let app = TestApp::spawn_with(backend, |c| c.api_key_rate_per_key = Some("3/min".into())).await;
        let alice = app.signed_up("alice").await;
        let made: Value = make_key(&app, s(&alice["access_token"]), json!({"name": "busy"})).await.json().await.unwrap();
        let key = s(&made["secret"]);
        for _ in 0..3 {
            assert_eq!(app.me(key).await.status(), 200);
        }
        let r = app.me(key).await;
        assert!(r.headers().contains_key("retry-after"));
        assert_problem(r, 429, "rate_limited").await;
        // Another key of the same person has its own budget.
        let other: Value = make_key(&app, s(&alice["access_token"]), json!({"name": "calm"})).await.json().await.unwrap();
        assert_eq!(app.me(s(&other["secret"])).await.status(), 200);
    }

    async fn recovery_revokes_keys_a_password_change_and_logout_all_do_unless_kept(backend) {
        let app = &TestApp::spawn(backend).await;
        app.signed_up("alice").await;
        let login = || async { s(&app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["access_token"]).to_owned() };
        let key = |token: String| async move {
            let made: Value = make_key(app, &token, json!({"name": "script", "scopes": []})).await.json().await.unwrap();
            s(&made["secret"]).to_owned()
        };
        let works = |secret: String| async move { app.me(&secret).await.status() == 200 };

        // A password change revokes them by default...
        let token = login().await;
        let first = key(token.clone()).await;
        assert!(works(first.clone()).await);
        let r = app.post("/api/auth/password/change").bearer_auth(&token)
            .json(&json!({"current_password": STRONG_PASSWORD, "new_password": "second strong passphrase 8"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(!works(first).await, "revoked with the password change");
        // ...and keeps them when asked to.
        let second = key(token.clone()).await;
        let r = app.post("/api/auth/password/change").bearer_auth(&token)
            .json(&json!({"current_password": "second strong passphrase 8", "new_password": STRONG_PASSWORD, "revoke_api_keys": false})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(works(second.clone()).await, "kept on request");

        // Signing out everywhere: the same default, the same choice.
        let r = app.post("/api/auth/logout-all").bearer_auth(&token).json(&json!({"revoke_api_keys": false})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(works(second.clone()).await);
        let token = login().await;
        let r = app.post("/api/auth/logout-all").bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(!works(second).await, "revoked when signing out everywhere");

        // A password reset (account recovery) always revokes them.
        let token = login().await;
        let third = key(token).await;
        app.post("/api/auth/password/forgot").json(&json!({"email": "alice@example.com"})).send().await.unwrap();
        let reset = crate::helpers::outbox_token(app, "alice@example.com", "reset-password").await;
        let r = app.post("/api/auth/password/reset").json(&json!({"token": reset, "new_password": "third strong passphrase 9"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(!works(third).await, "revoked by the reset");
    }
}
