//! Session checks come from memory (`LiveSessions`), and every way a session
//! or its user can change reaches them: each case below first makes the
//! server cache the session (a check that passes), then changes it, then
//! expects the very next check to see the change — on this node at once, and
//! from another process (the CLI) within moments, through the change feed.
//! Two nodes on PostgreSQL are in `two_nodes.rs`.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{json, Value};

use crate::forward_auth::{forward, protected, signed_in};
use crate::helpers::{assert_problem, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// `/api/auth/me` answers 200, twice (the second from memory).
async fn cached(app: &TestApp, tokens: &Value) {
    for _ in 0..2 {
        let r = app.me(s(&tokens["access_token"])).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
}

/// The proxy lets this browser session through to the wiki, twice.
async fn passes(app: &TestApp, cookie: &str) -> Response {
    let first = forward(app, "https://wiki.example.com/", Some(cookie), true).await;
    assert_eq!(first.status(), 200);
    let again = forward(app, "https://wiki.example.com/", Some(cookie), true).await;
    assert_eq!(again.status(), 200);
    again
}

/// The proxy sends this browser to sign in: its session is over.
async fn sent_to_sign_in(app: &TestApp, cookie: &str) {
    let r = forward(app, "https://wiki.example.com/", Some(cookie), true).await;
    assert_eq!(r.status(), 302, "the session still passes");
}

async fn admin_call(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

on_both_backends! {
    async fn every_way_a_session_ends_reaches_the_cached_checks_at_once(backend) {
        use reqwest::Method;
        let app = protected(backend).await;
        let admin = app.signed_in_admin().await;
        let root = s(&admin["access_token"]).to_owned();
        let alice = app.signed_up("alice").await;
        let user = format!("/api/admin/users/{}", s(&alice["user"]["id"]));

        // Logout with the refresh token, and with the access token.
        cached(&app, &alice).await;
        let r = app.post("/api/auth/logout").json(&json!({"refresh_token": alice["refresh_token"]})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_problem(app.me(s(&alice["access_token"])).await, 401, "invalid_token").await;
        let t: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        cached(&app, &t).await;
        app.post("/api/auth/logout").bearer_auth(s(&t["access_token"])).send().await.unwrap();
        assert_problem(app.me(s(&t["access_token"])).await, 401, "invalid_token").await;

        // Signing out of the pages ends the proxies' access.
        let (mut browser, cookie) = signed_in(&app, "alice").await;
        passes(&app, &cookie).await;
        let account = browser.get("/account").await;
        let csrf = account.field("csrf").expect("the account page's csrf field");
        let signed_out = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert!(signed_out.status < 400, "{}", signed_out.status);
        sent_to_sign_in(&app, &cookie).await;

        // Sign out everywhere: every session, tokens and browser alike.
        let (_, cookie) = signed_in(&app, "alice").await;
        let a: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        cached(&app, &a).await;
        passes(&app, &cookie).await;
        assert_eq!(app.post("/api/auth/logout-all").bearer_auth(s(&b["access_token"])).send().await.unwrap().status(), 204);
        assert_problem(app.me(s(&a["access_token"])).await, 401, "invalid_token").await;
        sent_to_sign_in(&app, &cookie).await;

        // Ending one's own other session.
        let a: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        cached(&app, &b).await;
        let r = app.client.delete(app.url(&format!("/api/auth/sessions/{}", s(&b["session_id"]))))
            .bearer_auth(s(&a["access_token"])).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_problem(app.me(s(&b["access_token"])).await, 401, "invalid_token").await;

        // An administrator ends one session, then all of them.
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        cached(&app, &a).await;
        cached(&app, &b).await;
        admin_call(&app, &root, Method::DELETE, &format!("{user}/sessions/{}", s(&b["session_id"])), None).await;
        assert_problem(app.me(s(&b["access_token"])).await, 401, "invalid_token").await;
        cached(&app, &a).await;
        let (_, cookie) = signed_in(&app, "alice").await;
        passes(&app, &cookie).await;
        admin_call(&app, &root, Method::DELETE, &format!("{user}/sessions"), None).await;
        assert_problem(app.me(s(&a["access_token"])).await, 401, "invalid_token").await;
        sent_to_sign_in(&app, &cookie).await;

        // A disabled account: refused at the next request, whatever it holds.
        let a: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let (_, cookie) = signed_in(&app, "alice").await;
        cached(&app, &a).await;
        passes(&app, &cookie).await;
        admin_call(&app, &root, Method::POST, &format!("{user}/disable"), None).await;
        assert_eq!(app.me(s(&a["access_token"])).await.status(), 401);
        sent_to_sign_in(&app, &cookie).await;
        admin_call(&app, &root, Method::POST, &format!("{user}/enable"), None).await;

        // Roles: what the proxy and /me say follows a change at once.
        let a: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let (_, cookie) = signed_in(&app, "alice").await;
        let admin_page = |cookie: String| {
            let app = &app;
            async move { forward(app, "https://app.example.com/admin/", Some(&cookie), true).await.status() }
        };
        assert_eq!(admin_page(cookie.clone()).await, 403);
        cached(&app, &a).await;
        admin_call(&app, &root, Method::POST, &format!("{user}/roles/admin"), None).await;
        assert_eq!(admin_page(cookie.clone()).await, 200);
        let me: Value = app.me(s(&a["access_token"])).await.json().await.unwrap();
        assert!(me["user"]["roles"].as_array().unwrap().contains(&json!("admin")), "{me}");
        let r = passes(&app, &cookie).await;
        assert!(r.headers()["x-gatehouse-roles"].to_str().unwrap().contains("admin"));
        admin_call(&app, &root, Method::DELETE, &format!("{user}/roles/admin"), None).await;
        assert_eq!(admin_page(cookie.clone()).await, 403);
        // A change of what a role grants reaches the cached users too.
        let editor = admin_call(&app, &root, Method::POST, "/api/admin/roles", Some(json!({"name": "editor", "permissions": []}))).await;
        admin_call(&app, &root, Method::POST, &format!("{user}/roles/{}", s(&editor["name"])), None).await;
        let me: Value = app.me(s(&a["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["permissions"], json!([]), "{me}");
        admin_call(&app, &root, Method::PATCH, "/api/admin/roles/editor", Some(json!({"permissions": ["posts:write"]}))).await;
        let me: Value = app.me(s(&a["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["permissions"], json!(["posts:write"]), "{me}");

        // A profile change shows at once.
        admin_call(&app, &root, Method::PATCH, &user, Some(json!({"email": "alice.new@example.com"}))).await;
        let me: Value = app.me(s(&a["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["email"], "alice.new@example.com");

        // A password change ends the other sessions; a forced reset ends them all.
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        cached(&app, &a).await;
        cached(&app, &b).await;
        let r = app.post("/api/auth/password/change").bearer_auth(s(&b["access_token"]))
            .json(&json!({"current_password": STRONG_PASSWORD, "new_password": "second strong passphrase 8"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_problem(app.me(s(&a["access_token"])).await, 401, "invalid_token").await;
        cached(&app, &b).await;
        admin_call(&app, &root, Method::POST, &format!("{user}/password-reset"), None).await;
        assert_problem(app.me(s(&b["access_token"])).await, 401, "invalid_token").await;
    }

    async fn a_reused_refresh_token_ends_the_cached_session(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        let next: Value = app.refresh(s(&first["refresh_token"])).await.json().await.unwrap();
        cached(&app, &next).await;
        // The successor is used, then the spent token comes back: a thief.
        let _ = app.refresh(s(&next["refresh_token"])).await;
        assert_problem(app.refresh(s(&first["refresh_token"])).await, 401, "token_reused").await;
        assert_problem(app.me(s(&next["access_token"])).await, 401, "invalid_token").await;
    }

    async fn introspection_follows_a_sign_out_at_once(backend) {
        use crate::browser::{register_client, web_app};
        let app = TestApp::spawn(backend).await;
        let alice = app.signed_up("alice").await;
        let resource_server = register_client(&app, web_app(false)).await;
        let introspect = || async {
            let r = app.post("/oauth2/introspect")
                .basic_auth(&resource_server.id, resource_server.secret.as_deref())
                .form(&[("token", s(&alice["access_token"]))])
                .send().await.unwrap();
            r.json::<Value>().await.unwrap()["active"].clone()
        };
        assert_eq!(introspect().await, json!(true));
        assert_eq!(introspect().await, json!(true), "from memory");
        app.post("/api/auth/logout").bearer_auth(s(&alice["access_token"])).send().await.unwrap();
        assert_eq!(introspect().await, json!(false));
    }

    async fn a_sessions_last_use_outlives_a_restart(backend) {
        let app = protected(backend).await;
        app.signed_up("alice").await;
        let (_, cookie) = signed_in(&app, "alice").await;
        passes(&app, &cookie).await;
        // 25 minutes on, a use moves the 30-minute idle deadline. The use is
        // kept in memory and written with the others every second, and once
        // more as the server stops: the restart comes before the next second.
        app.advance(Duration::from_secs(25 * 60));
        passes(&app, &cookie).await;
        let app = app.restart().await;
        // 50 minutes after signing in: alive on the moved deadline only.
        app.advance(Duration::from_secs(25 * 60));
        passes(&app, &cookie).await;
    }

    async fn a_change_by_another_process_reaches_the_server_within_moments(backend) {
        let app = protected(backend).await;
        let alice = app.signed_up("alice").await;
        let (_, cookie) = signed_in(&app, "alice").await;
        cached(&app, &alice).await;
        passes(&app, &cookie).await;

        // The operator disables alice with the CLI: another process, which
        // the server hears of only through the database (PostgreSQL's
        // notices, SQLite's change log).
        let out = app.cli(&["user", "disable", "alice"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let started = Instant::now();
        let deadline = started + Duration::from_secs(10);
        loop {
            let proxy = forward(&app, "https://wiki.example.com/", Some(&cookie), true).await.status();
            let api = app.me(s(&alice["access_token"])).await.status();
            if proxy == 302 && api == 401 {
                break;
            }
            assert!(Instant::now() < deadline, "still let through after 10 s (proxy {proxy}, /me {api})");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        eprintln!("{backend:?}: the CLI's change reached the cached checks in {:?}", started.elapsed());
    }
}
