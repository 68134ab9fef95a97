//! The whole journey through the pages in real headless Chromium
//! (`e2e/journey.mjs`): sign up, confirm the email from the outbox, sign in,
//! turn on an authenticator app, sign in with it, add a passkey and sign in
//! with it alone, reset a forgotten password, consent to an application, and
//! an administrator disabling the account (which ends its session), and the
//! error states a stranger meets. On SQLite every page and state is
//! screenshotted at 320, 375 and 1280 px in light and dark into
//! `e2e/screenshots/sqlite/`, checked with axe-core and for sideways
//! scrolling; on PostgreSQL (the same pages over another store) at 375 and
//! 1280 px in light.

use gatehouse_core::account::Role;
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::NewUserRequest;

use crate::browser::*;
use crate::e2e::chromium;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends! {
    async fn a_whole_journey_through_the_pages_in_chromium(backend) {
        let app = spawn_provider(backend, |c| {
            c.require_verified_email = Some(true);
            c.terms_url = Some("https://example.com/terms".into());
            c.privacy_url = Some("https://example.com/privacy".into());
        })
        .await;
        app.state
            .admin
            .create_user(
                NewUserRequest {
                    username: "root".into(),
                    email: "root@example.com".into(),
                    password: Some(STRONG_PASSWORD.to_owned().into()),
                    roles: vec![Role::admin()],
                    email_verified: true,
                    locale: None,
                },
                &crate::helpers::operator(),
                &ClientInfo::default(),
            )
            .await
            .unwrap();
        let client = register_client(&app, web_app(false)).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let outbox = app.dir.join("outbox");
        std::fs::create_dir_all(&outbox).unwrap();
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../e2e/screenshots")
            .join(format!("{backend:?}").to_lowercase());
        let shots = shots.to_string_lossy().into_owned();
        let outbox = outbox.to_string_lossy().into_owned();
        let looks = if backend == Backend::Sqlite { "all" } else { "some" };
        let result = chromium(
            "journey.mjs",
            &[&issuer, &outbox, &client.id, client.secret.as_deref().unwrap(), REDIRECT, "root", STRONG_PASSWORD, &shots, looks],
        )
        .await;
        assert_eq!(result["problems"], serde_json::json!([]), "no CSP violations or script errors");
        assert_eq!(result["a11y"], serde_json::json!([]), "axe-core finds no WCAG A/AA violation");
        assert_eq!(result["wide"], serde_json::json!([]), "no page scrolls sideways");
        assert_eq!(result["state"], "journey");
        assert_eq!(result["endedSession"], true, "disabling the account ended its browser session");
        assert!(result["steps"].as_array().unwrap().iter().any(|s| s == "code redeemed"));
        let (widths, schemes): (&[u32], &[&str]) =
            if backend == Backend::Sqlite { (&[320, 375, 1280], &["light", "dark"]) } else { (&[375, 1280], &["light"]) };
        assert_eq!(result["looks"]["widths"], serde_json::json!(widths));
        assert_eq!(result["looks"]["schemes"], serde_json::json!(schemes));
        for page in result["visited"].as_array().unwrap() {
            for width in widths {
                for scheme in schemes {
                    let shot = format!("{shots}/{}-{width}-{scheme}.png", page.as_str().unwrap());
                    assert!(std::path::Path::new(&shot).exists(), "{shot}");
                }
            }
        }
        for page in ["login-for-app", "consent", "register-errors", "logout-confirm", "admin-client-created", "admin-client",
                     "admin-roles", "admin-role", "admin-keys", "admin-confirm", "admin-upstreams"] {
            assert!(result["visited"].as_array().unwrap().iter().any(|p| p == page), "{page} was visited");
        }
        // The disabled person cannot sign in again.
        let res = app.login("dana", "orange bicycle under the bridge 9").await;
        assert_problem(res, 403, "account_disabled").await;
    }
}
