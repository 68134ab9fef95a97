//! Proofs of presence (step-up codes and passwords, the current password of a
//! password change, email change or account deletion) pass a sign-in's gates:
//! the third wrong proof ends the session that made it, the per-account limits
//! are shared with sign-ins, and a locked account proves nothing. A stolen
//! access token is no guessing oracle.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::mfa::{enroll, wrong_code};
use crate::on_both_backends;

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.post(path).bearer_auth(token).json(&body).send().await.unwrap()
}

fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The audit records of `kind` about anyone, newest first.
async fn audited(app: &TestApp, kind: &str) -> Vec<gatehouse_core::audit::AuditEvent> {
    let query = gatehouse_core::audit::AuditQuery {
        kind: gatehouse_core::audit::AuditKind::parse(kind),
        limit: 100,
        ..Default::default()
    };
    app.state.store.query(&query).await.unwrap()
}

on_both_backends! {
    async fn a_stolen_token_gets_three_guesses_at_a_code_then_its_session_ends(backend) {
        // Every step-up needs a proof (no recent sign-in counts).
        let app = TestApp::spawn_with(backend, |c| c.step_up_window = Some("0s".into())).await;
        let token = access(&app.signed_up("alice").await);
        let (secret, _) = enroll(&app, &token).await;
        let wrong = wrong_code(&app, &secret);
        for _ in 0..2 {
            let r = post(&app, "/api/auth/mfa/totp/disable", &token, json!({"code": wrong})).await;
            assert_problem(r, 401, "reauthentication_required").await;
        }
        let third = post(&app, "/api/auth/mfa/totp/disable", &token, json!({"code": wrong})).await;
        assert_problem(third, 401, "invalid_token").await;
        // The token is worth nothing now, the right code included.
        assert_eq!(app.me(&token).await.status(), 401);
        let ended = audited(&app, "session_revoked").await;
        assert!(ended.iter().any(|e| e.detail.as_deref().unwrap_or("").contains("wrong proofs of presence")));
        let failed = audited(&app, "step_up").await;
        assert_eq!(failed.iter().filter(|e| e.outcome == gatehouse_core::audit::Outcome::Failure).count(), 3);
        // The second factor is still on.
        let body: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        assert_eq!(body["mfa_required"], true);
    }

    async fn wrong_current_passwords_end_the_session_that_sent_them(backend) {
        let app = TestApp::spawn(backend).await;
        app.signed_up("alice").await;
        let change = |token: String| {
            let app = &app;
            async move {
                post(app, "/api/auth/password/change", &token, json!({"current_password": "not my password at all", "new_password": "a completely new passphrase 7"})).await
            }
        };
        let token = access(&app.login("alice", STRONG_PASSWORD).await.json().await.unwrap());
        for _ in 0..2 {
            assert_problem(change(token.clone()).await, 401, "invalid_credentials").await;
        }
        assert_problem(change(token.clone()).await, 401, "invalid_token").await;
        assert_eq!(app.me(&token).await.status(), 401);

        // Account deletion and email change: the same.
        let token = access(&app.login("alice", STRONG_PASSWORD).await.json().await.unwrap());
        let delete = || async {
            app.client
                .delete(app.url("/api/auth/me"))
                .bearer_auth(&token)
                .json(&json!({"password": "not my password at all"}))
                .send()
                .await
                .unwrap()
        };
        assert_problem(delete().await, 401, "invalid_credentials").await;
        let r = post(&app, "/api/auth/email/change", &token, json!({"new_email": "alice2@example.com", "password": "not my password at all"})).await;
        assert_problem(r, 401, "invalid_credentials").await;
        assert_problem(delete().await, 401, "invalid_token").await;
        assert_eq!(app.me(&token).await.status(), 401);
        // The account is whole, and its owner signs in as before.
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);
    }

    async fn proofs_share_the_sign_in_limits_across_sessions(backend) {
        let app = TestApp::spawn_with(backend, |c| c.login_rate_per_account = Some("4/min".into())).await;
        app.signed_up("alice").await; // 1 of the account's 4 a minute
        let a = access(&app.login("alice", STRONG_PASSWORD).await.json().await.unwrap()); // 2
        let b = access(&app.login("alice", STRONG_PASSWORD).await.json().await.unwrap()); // 3
        let wrong = json!({"current_password": "not my password at all", "new_password": "a completely new passphrase 7"});
        let r = post(&app, "/api/auth/password/change", &a, wrong.clone()).await; // 4
        assert_problem(r, 401, "invalid_credentials").await;
        // Another session of the same account finds the budget spent, for
        // the right password too.
        let r = post(&app, "/api/auth/password/change", &b, wrong).await;
        assert_problem(r, 429, "rate_limited").await;
        let right = json!({"current_password": STRONG_PASSWORD, "new_password": "a completely new passphrase 7"});
        let r = post(&app, "/api/auth/password/change", &b, right).await;
        assert_problem(r, 429, "rate_limited").await;
        // And so does a sign-in.
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 429, "rate_limited").await;
    }

    async fn a_locked_account_proves_nothing_not_even_with_the_right_password(backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.lockout_threshold = Some(3);
            c.lockout_base_delay = Some("10m".into());
        })
        .await;
        let token = access(&app.signed_up("alice").await);
        for _ in 0..3 {
            assert_problem(app.login("alice", "not my password at all").await, 401, "invalid_credentials").await;
        }
        let right = json!({"current_password": STRONG_PASSWORD, "new_password": "a completely new passphrase 7"});
        let r = post(&app, "/api/auth/password/change", &token, right).await;
        let retry_after: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry_after > 500, "the lockout's time left: {retry_after}");
        assert_problem(r, 429, "rate_limited").await;
        // The password did not change.
        assert_eq!(app.state.store.user_by_login("alice").await.unwrap().unwrap().failed_logins, 3);
    }
}
