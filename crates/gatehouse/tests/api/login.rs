//! Login: success, wrong password, enumeration safety, lockout, rate limits,
//! disabled admin.

use crate::on_both_backends;
use gatehouse_core::audit::ClientInfo;
use serde_json::Value;

on_both_backends! {
    async fn login_with_username_or_email(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        let r = app.login("alice", STRONG_PASSWORD).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
        assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
        assert_eq!(body["user"]["username"], "alice");
        let by_email = app
            .post("/api/auth/login")
            .json(&serde_json::json!({"email": "ALICE@example.com", "password": STRONG_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(by_email.status(), 200);
    }

    async fn unknown_user_and_wrong_password_look_the_same(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        let wrong = assert_problem(app.login("alice", "not the password at all").await, 401, "invalid_credentials").await;
        let unknown = assert_problem(app.login("nobody", "not the password at all").await, 401, "invalid_credentials").await;
        assert_eq!(wrong, unknown, "identical bodies");
    }

    async fn lockout_after_consecutive_failures_and_unlock(backend) {
        let app = crate::browser::spawn_provider(backend, |c| {
            c.lockout_threshold = Some(3);
            c.lockout_base_delay = Some("60s".into());
        })
        .await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        for _ in 0..3 {
            assert_problem(app.login("alice", "wrong password here").await, 401, "invalid_credentials").await;
            // A name no account has fails, and locks, alike.
            assert_problem(app.login("nobody", "wrong password here").await, 401, "invalid_credentials").await;
        }
        // Locked: every password, the right one too, is told how long to wait
        // — the same for the account and for the name no account has.
        let wait = |r: &reqwest::Response| r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap();
        let mut answers = Vec::new();
        for (login, password) in [("alice", STRONG_PASSWORD), ("alice", "wrong password here"), ("nobody", STRONG_PASSWORD)] {
            let r = app.login(login, password).await;
            let retry_after = wait(&r);
            assert!((55..=60).contains(&retry_after), "{login}: {retry_after}");
            let body = assert_problem(r, 429, "rate_limited").await;
            answers.push((body["title"].clone(), body["code"].clone()));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        assert!(app.state.admin.find_user("nobody").await.is_err(), "no account was made for the name");
        // The login page says so in words, to the right password as to any.
        let mut browser = crate::browser::Browser::new(&app.state.config.tokens.issuer);
        let page = browser.get("/login").await;
        let refused = browser.sign_in(page, "alice", STRONG_PASSWORD).await;
        assert_eq!(refused.status, 429);
        assert!(refused.body.contains("Too many attempts. Try again in 1 minute."), "{}", refused.body);

        // Once the lock ends, the next failure locks again, for twice as long.
        app.clock.advance(std::time::Duration::from_secs(61));
        assert_problem(app.login("nobody", "wrong password here").await, 401, "invalid_credentials").await;
        let r = app.login("nobody", STRONG_PASSWORD).await;
        assert!((115..=120).contains(&wait(&r)), "{}", wait(&r));

        // An administrator's unlock lets the right password in at once.
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200, "the lock ended; the right password works");
        for _ in 0..3 {
            app.login("alice", "wrong password here").await;
        }
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 429);
        let admin = &app.state.admin;
        let user = admin.find_user("alice").await.unwrap();
        assert!(user.locked_until.is_some());
        admin.unlock(&crate::helpers::operator(), user.id, &ClientInfo::default()).await.unwrap();
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);
        let events = admin
            .audit_log(&crate::helpers::operator(), gatehouse_core::audit::AuditQuery {
                kind: Some(gatehouse_core::audit::AuditKind::AccountLocked),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(events.len(), 2);
    }

    async fn per_ip_rate_limit_answers_429_with_retry_after(backend) {
        let app = TestApp::spawn_with(backend, |c| c.login_rate_per_ip = Some("3/min".into())).await;
        for _ in 0..3 {
            assert_eq!(app.login("nobody", "whatever password").await.status(), 401);
        }
        let r = app.login("nobody", "whatever password").await;
        let retry_after: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after));
        assert_problem(r, 429, "rate_limited").await;
    }

    async fn per_account_rate_limit_applies_to_unknown_names_too(backend) {
        let app = TestApp::spawn_with(backend, |c| c.login_rate_per_account = Some("2/min".into())).await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        for name in ["alice", "ghost"] {
            for _ in 0..2 {
                assert_eq!(app.login(name, "wrong password 123").await.status(), 401);
            }
            assert_problem(app.login(name, "wrong password 123").await, 429, "rate_limited").await;
        }
    }

    async fn disabled_account_is_403_only_with_the_right_password(backend) {
        let app = TestApp::spawn(backend).await;
        let tokens = app.signed_up("alice").await;
        let admin = &app.state.admin;
        let user = admin.find_user("alice").await.unwrap();
        admin.set_active(&crate::helpers::operator(), user.id, false, &ClientInfo::default()).await.unwrap();
        assert_problem(app.login("alice", "wrong password 123").await, 401, "invalid_credentials").await;
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 403, "account_disabled").await;
        // Disabling ended the existing session.
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 401);
        assert_eq!(app.refresh(tokens["refresh_token"].as_str().unwrap()).await.status(), 401);
    }

    async fn saturated_hash_pool_answers_503_fast(backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.hash_workers = Some(1);
            c.hash_queue = Some(1);
            c.argon2_memory_kib = Some(32 * 1024);
            c.argon2_iterations = Some(3);
        })
        .await;
        // A name each: the pool is under test, not the lockout of one name.
        let app = &app;
        let attempts = (0..12).map(|i| async move { app.login(&format!("nobody{i}"), "some password 123").await });
        let results = futures::future::join_all(attempts).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
        assert!(statuses.contains(&503), "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 401 || *s == 503), "{statuses:?}");
        let busy = results.into_iter().find(|r| r.status() == 503).unwrap();
        assert_eq!(busy.headers()["retry-after"], "1");
        assert_problem(busy, 503, "server_busy").await;
    }

    async fn an_overlong_login_name_goes_no_further_than_the_edge(backend) {
        let app = TestApp::spawn(backend).await;
        // 60 KB names once grew the limiter's memory; now they are refused
        // before any limiter key, query or audit record sees them.
        let name = "n".repeat(60 * 1024);
        for _ in 0..3 {
            assert_problem(app.login(&name, "some password 123").await, 401, "invalid_credentials").await;
        }
        let at_the_edge = "n".repeat(254);
        assert_problem(app.login(&at_the_edge, "some password 123").await, 401, "invalid_credentials").await;
        let audited = app.state.store.query(&gatehouse_core::audit::AuditQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(audited.len(), 1, "only the 254-character attempt reached the flow");
        // The page: the same answer, and what is shown again is cut to a name's length.
        let page = app.client.get(app.url("/login")).send().await.unwrap();
        assert_eq!(page.status(), 200);
    }
}
