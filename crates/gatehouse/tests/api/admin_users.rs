//! The admin API for users: create (with a password, or as an invitation
//! by mail), list with filters and pages, read, change, disable and enable,
//! unlock, demand a new password, sessions, delete — and the audit trail.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp, STRONG_PASSWORD};
use crate::lifecycle::{app_with_mail, token_in};
use crate::on_both_backends;
use crate::rbac::{role, user_with};

const NEW_PASSWORD: &str = "a completely different passphrase 7";

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

on_both_backends! {
    async fn users_are_created_with_a_password_or_invited(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        let create = |body: Value| app.post("/api/admin/users").bearer_auth(&token).json(&body).send();

        let r = create(json!({"username": "bob", "email": "bob@example.com", "password": STRONG_PASSWORD, "email_verified": true})).await.unwrap();
        assert_eq!(r.status(), 201);
        let bob: Value = r.json().await.unwrap();
        assert_eq!((bob["roles"].clone(), bob["email_verified"].clone()), (json!(["user"]), json!(true)));
        assert_eq!(bob["password_reset_required"], false);
        assert_eq!(app.login("bob", STRONG_PASSWORD).await.status(), 200);
        assert_problem(create(json!({"username": "bob", "email": "b2@example.com", "password": STRONG_PASSWORD})).await.unwrap(), 409, "username_taken").await;
        assert_problem(create(json!({"username": "bob2", "email": "bob@example.com", "password": STRONG_PASSWORD})).await.unwrap(), 409, "email_taken").await;
        assert_problem(create(json!({"username": "weak", "email": "w@example.com", "password": "password"})).await.unwrap(), 422, "weak_password").await;
        assert_problem(create(json!({"username": "xavier", "email": "nope", "password": STRONG_PASSWORD})).await.unwrap(), 422, "invalid_email").await;
        assert_problem(create(json!({"username": "roger", "email": "r@example.com", "password": STRONG_PASSWORD, "roles": ["ghost"]})).await.unwrap(), 422, "unknown_role").await;
        role(&app, "editor", &["posts:write"]).await;
        let ed: Value = create(json!({"username": "eddie", "email": "ed@example.com", "password": STRONG_PASSWORD, "roles": ["editor", "user"]})).await.unwrap().json().await.unwrap();
        assert_eq!((ed["roles"].clone(), ed["permissions"].clone()), (json!(["editor", "user"]), json!(["posts:write"])));

        // An invitation: no password anyone knows; a link to choose one.
        let r = create(json!({"username": "carol", "email": "carol@example.com"})).await.unwrap();
        assert_eq!(r.status(), 201);
        let carol: Value = r.json().await.unwrap();
        assert_eq!(carol["password_reset_required"], true);
        let reset = token_in(&sink.message_to("carol@example.com").await, "reset-password");
        let r = app.post("/api/auth/password/reset").json(&json!({"token": reset, "new_password": NEW_PASSWORD})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let signed_in: Value = app.login("carol", NEW_PASSWORD).await.json().await.unwrap();
        assert!(signed_in["access_token"].is_string(), "{signed_in}");
        let carol: Value = app.get(&format!("/api/admin/users/{}", s(&carol["id"]))).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(carol["password_reset_required"], false, "cleared by the new password");

        // An invitation in the invitee's language, which their later mails keep.
        let r = create(json!({"username": "dora", "email": "dora@example.com", "locale": "de-AT"})).await.unwrap();
        let dora: Value = r.json().await.unwrap();
        assert_eq!(dora["locale"], "de");
        let mail = crate::smtp_sink::SmtpSink::text_body(&sink.message_to("dora@example.com").await);
        assert!(mail.contains("Passwort") && mail.contains("/reset-password?token="), "{mail}");
        for bad in ["klingon!", "xx"] {
            let r = create(json!({"username": "eve", "email": "eve@example.com", "locale": bad})).await.unwrap();
            assert_problem(r, 400, "invalid_request").await;
        }
        assert!(carol.get("locale").is_none(), "no language asked: the default");

        let audit: Value = app.get("/api/admin/audit?event=user_created").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert!(audit["events"].as_array().unwrap().iter().any(|e| e["actor"] == admin["user"]["id"] && e["detail"].as_str().unwrap().contains("invited")));
        assert!(!audit.to_string().contains(STRONG_PASSWORD));
    }

    async fn users_are_listed_filtered_and_paged(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        role(&app, "editor", &["posts:write"]).await;
        for i in 0..5 {
            user_with(&app, &format!("ed{i}"), &["editor"]).await;
        }
        user_with(&app, "zed", &[]).await;
        let ops = crate::helpers::operator();
        let zed = app.state.admin.find_user("zed").await.unwrap();
        app.state.admin.set_active(&ops, zed.id, false, &Default::default()).await.unwrap();
        let list = |q: &str| {
            let q = q.to_owned();
            let token = token.clone();
            let app = &app;
            async move { app.get(&format!("/api/admin/users{q}")).bearer_auth(token).send().await.unwrap() }
        };
        let names = |v: &Value| v["users"].as_array().unwrap().iter().map(|u| s(&u["username"]).to_owned()).collect::<Vec<_>>();
        let all: Value = list("").await.json().await.unwrap();
        assert_eq!(names(&all), ["root", "ed0", "ed1", "ed2", "ed3", "ed4", "zed"]);
        assert!(all["next_offset"].is_null());
        let page: Value = list("?limit=2&offset=1").await.json().await.unwrap();
        assert_eq!((names(&page), page["next_offset"].clone()), (vec!["ed0".to_owned(), "ed1".to_owned()], json!(3)));
        let editors: Value = list("?role=editor&search=ED&limit=3").await.json().await.unwrap();
        assert_eq!(names(&editors), ["ed0", "ed1", "ed2"]);
        assert_eq!(editors["next_offset"], 3);
        assert_eq!(names(&list("?active=false").await.json().await.unwrap()), ["zed"]);
        assert_eq!(list("?active=true").await.json::<Value>().await.unwrap()["users"].as_array().unwrap().len(), 6);
        assert_problem(list("?limit=lots").await, 400, "invalid_request").await;
        assert_problem(list("?role=Not%20A%20Role").await, 400, "invalid_request").await;
        assert_problem(list("?active=perhaps").await, 400, "invalid_request").await;
        let first = &all["users"][1];
        assert_eq!((first["failed_logins"].clone(), first["locked_until"].clone()), (json!(0), Value::Null));
        assert!(!all.to_string().contains("password_hash") && !all.to_string().contains("argon2"));
    }

    async fn users_are_changed_disabled_unlocked_and_deleted(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        let bob = app.signed_up("bob").await;
        let id = s(&bob["user"]["id"]).to_owned();
        let path = format!("/api/admin/users/{id}");
        app.signed_up("taken").await;
        let patch = |body: Value| app.client.patch(app.url(&path)).bearer_auth(&token).json(&body).send();
        let post = |action: &str| app.post(&format!("{path}/{action}")).bearer_auth(&token).send();

        let one: Value = app.get(&path).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!((one["username"].clone(), one["mfa"]["enabled"].clone()), (json!("bob"), json!(false)));
        assert_problem(app.get("/api/admin/users/not-an-id").bearer_auth(&token).send().await.unwrap(), 404, "not_found").await;
        assert_problem(app.get(&format!("/api/admin/users/{}", uuid::Uuid::new_v4())).bearer_auth(&token).send().await.unwrap(), 404, "not_found").await;

        // Change: username, email (unverified unless said), conflicts refused.
        let changed: Value = patch(json!({"username": "robert", "email": "robert@example.com"})).await.unwrap().json().await.unwrap();
        assert_eq!((changed["username"].clone(), changed["email"].clone(), changed["email_verified"].clone()),
            (json!("robert"), json!("robert@example.com"), json!(false)));
        let verified: Value = patch(json!({"email_verified": true})).await.unwrap().json().await.unwrap();
        assert_eq!(verified["email_verified"], true);
        assert_problem(patch(json!({"username": "TAKEN"})).await.unwrap(), 409, "username_taken").await;
        assert_problem(patch(json!({"email": "taken@example.com"})).await.unwrap(), 409, "email_taken").await;
        assert_problem(patch(json!({"username": "no spaces allowed"})).await.unwrap(), 422, "invalid_username").await;
        assert_eq!(app.login("robert", STRONG_PASSWORD).await.status(), 200);

        // Disable: sign-in refused, sessions ended; enable again.
        let disabled: Value = post("disable").await.unwrap().json().await.unwrap();
        assert_eq!(disabled["is_active"], false);
        assert_problem(app.me(s(&bob["access_token"])).await, 401, "invalid_token").await;
        assert_problem(app.refresh(s(&bob["refresh_token"])).await, 401, "invalid_token").await;
        assert_problem(app.login("robert", STRONG_PASSWORD).await, 403, "account_disabled").await;
        assert_eq!(post("enable").await.unwrap().json::<Value>().await.unwrap()["is_active"], true);

        // Unlock: failed sign-ins are forgotten.
        for _ in 0..2 {
            app.login("robert", "wrong password 123").await;
        }
        let locked: Value = app.get(&path).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(locked["failed_logins"], 2);
        assert_eq!(post("unlock").await.unwrap().json::<Value>().await.unwrap()["failed_logins"], 0);

        // Sessions: list, end one, end all.
        let a: Value = app.login("robert", STRONG_PASSWORD).await.json().await.unwrap();
        let b: Value = app.login("robert", STRONG_PASSWORD).await.json().await.unwrap();
        let sessions: Value = app.get(&format!("{path}/sessions")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(sessions["sessions"].as_array().unwrap().len(), 2);
        let end_one = app.client.delete(app.url(&format!("{path}/sessions/{}", s(&a["session_id"])))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(end_one.status(), 204);
        assert_problem(app.me(s(&a["access_token"])).await, 401, "invalid_token").await;
        assert_eq!(app.me(s(&b["access_token"])).await.status(), 200);
        let again = app.client.delete(app.url(&format!("{path}/sessions/{}", s(&a["session_id"])))).bearer_auth(&token).send().await.unwrap();
        assert_problem(again, 404, "not_found").await;
        // Someone else's session through this user's path: not found.
        let other = app.client.delete(app.url(&format!("{path}/sessions/{}", s(&admin["session_id"])))).bearer_auth(&token).send().await.unwrap();
        assert_problem(other, 404, "not_found").await;
        let all: Value = app.client.delete(app.url(&format!("{path}/sessions"))).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(all["ended"], 1);
        assert_problem(app.me(s(&b["access_token"])).await, 401, "invalid_token").await;

        // Delete: gone, and the audit log says who did it.
        let del = app.client.delete(app.url(&path)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(del.status(), 204);
        assert_problem(app.get(&path).bearer_auth(&token).send().await.unwrap(), 404, "not_found").await;
        assert_problem(app.login("robert", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        let audit: Value = app.get(&format!("/api/admin/audit?user={id}&limit=100")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let by_admin = |kind: &str| audit["events"].as_array().unwrap().iter().any(|e| e["event"] == kind && e["actor"] == admin["user"]["id"]);
        for kind in ["user_updated", "account_disabled", "account_enabled", "account_unlocked", "session_revoked", "account_deleted"] {
            assert!(by_admin(kind), "{kind} by the admin in {audit}");
        }
    }

    async fn an_administrator_demands_a_new_password(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        let bob = app.signed_up("bob").await;
        let id = s(&bob["user"]["id"]);
        let key: Value = app.post("/api/auth/api-keys").bearer_auth(s(&bob["access_token"]))
            .json(&json!({"name": "script"})).send().await.unwrap().json().await.unwrap();
        let r = app.post(&format!("/api/admin/users/{id}/password-reset")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["password_reset_required"], true);
        // Sessions end, keys stop, the old password no longer signs in (after it is checked).
        assert_problem(app.me(s(&bob["access_token"])).await, 401, "invalid_token").await;
        assert_problem(app.me(s(&key["secret"])).await, 401, "invalid_token").await;
        assert_problem(app.login("bob", STRONG_PASSWORD).await, 403, "password_reset_required").await;
        assert_problem(app.login("bob", "wrong password 123").await, 401, "invalid_credentials").await;
        // The mailed link sets a new password; then sign-in works again.
        sink.message_to("bob@example.com").await; // the verification mail of the sign-up
        let mail = sink.message_to("bob@example.com").await;
        let reset = token_in(&mail, "reset-password");
        let r = app.post("/api/auth/password/reset").json(&json!({"token": reset, "new_password": NEW_PASSWORD})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_problem(app.login("bob", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        assert_eq!(app.login("bob", NEW_PASSWORD).await.status(), 200);
        let audit: Value = app.get("/api/admin/audit?event=password_reset_forced").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(audit["events"][0]["detail"], "1 sessions ended, 1 API keys revoked");
    }

    async fn an_administrator_resets_a_lost_second_factor(backend) {
        let (app, sink) = app_with_mail(backend, |c| c.mfa_required_roles = Some(vec!["support".into()])).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        crate::mfa::fresh_step(&app).await;
        let alice = app.signed_up("alice").await;
        let id = s(&alice["user"]["id"]).to_owned();
        crate::mfa::enroll(&app, s(&alice["access_token"])).await;
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["mfa_required"], true);
        let reset = |by: String, whom: String| {
            let app = &app;
            async move {
                let request = app.client.delete(app.url(&format!("/api/admin/users/{whom}/mfa")));
                let request = if by.is_empty() { request } else { request.bearer_auth(by) };
                request.send().await.unwrap()
            }
        };

        // Refused: without users:write (a reader), for nobody, without a token.
        role(&app, "helpdesk", &["users:read"]).await;
        user_with(&app, "sam", &["helpdesk"]).await;
        let sam: Value = app.login("sam", STRONG_PASSWORD).await.json().await.unwrap();
        assert_problem(reset(s(&sam["access_token"]).to_owned(), id.clone()).await, 403, "forbidden").await;
        let nobody = uuid::Uuid::new_v4().to_string();
        assert_problem(reset(token.clone(), nobody).await, 404, "not_found").await;
        assert_problem(reset(token.clone(), "not-a-user-id".into()).await, 404, "not_found").await;
        assert_problem(reset(String::new(), id.clone()).await, 401, "unauthorized").await;
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["mfa_required"], true, "nothing changed");

        // Done: TOTP and backup codes gone, every session ended, a notice mailed, audited with the actor.
        let r = reset(token.clone(), id.clone()).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["totp_removed"], true, "{body}");
        assert_eq!(body["passkeys_removed"], 0);
        assert!(body["sessions_ended"].as_u64().unwrap() >= 1, "{body}");
        assert_problem(app.me(s(&alice["access_token"])).await, 401, "invalid_token").await;
        let pair: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert!(pair["access_token"].is_string(), "the password alone signs in: {pair}");
        let me: Value = app.me(s(&pair["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["mfa"]["enabled"], false);
        assert_eq!(me["user"]["mfa"]["backup_codes_remaining"], 0);
        sink.message_to("alice@example.com").await; // the verification mail of the sign-up
        let notice = crate::smtp_sink::SmtpSink::text_body(&sink.message_to("alice@example.com").await);
        assert!(notice.contains("removed the second factors"), "{notice}");
        let audit: Value = app.get("/api/admin/audit?event=second_factors_reset").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let event = &audit["events"][0];
        assert_eq!(event["actor"], admin["user"]["id"], "{audit}");
        assert_eq!(event["subject"], id.as_str());

        // Where policy requires a second factor, the next sign-in may only enrol again.
        role(&app, "support", &[]).await;
        app.state.admin.grant_role(&crate::helpers::operator(), gatehouse_core::account::UserId(uuid::Uuid::parse_str(&id).unwrap()),
            &gatehouse_core::account::Role::parse("support").unwrap(), &Default::default()).await.unwrap();
        let again: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(again["mfa_enrollment_required"], true, "{again}");
        assert_eq!(again["scope"], "mfa_enroll");
    }
}
