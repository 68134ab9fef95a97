//! The sign-in and consent pages in real headless Chromium (Debian's
//! `/usr/bin/chromium`, driven by playwright-core from `e2e/`): an OAuth
//! authorization that signs in, consents and lands in the application with a
//! code that redeems. Screenshots of every page at 375 px and 1280 px go to
//! `e2e/screenshots/`. `.ci/run` installs Chromium and the package; without
//! them this test fails, it never skips.

use serde_json::Value;

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

/// Runs an e2e script and parses its JSON answer.
pub(crate) async fn chromium(script: &str, args: &[&str]) -> Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run `npm ci --prefix e2e` (.ci/run does)"
    );
    let browser = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(std::path::Path::new(&browser).exists(), "Chromium is required at {browser} (.ci/run installs it)");
    let out = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .await
        .expect("Node.js is required for the browser tests (.ci/run installs it)");
    assert!(out.status.success(), "{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON from the e2e script")
}

on_both_backends! {
    async fn sign_in_and_consent_in_chromium(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let client = register_client(&app, web_app(false)).await;
        let issuer = app.state.config.tokens.issuer.clone();
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../e2e/screenshots")
            .join(format!("{backend:?}").to_lowercase());
        let shots = shots.to_string_lossy().into_owned();
        let result =
            chromium("oauth_signin.mjs", &[&issuer, &client.id, REDIRECT, "alice", STRONG_PASSWORD, &shots]).await;
        assert_eq!(result["problems"], serde_json::json!([]), "no CSP violations");
        assert_eq!(result["state"], "e2e-state");
        assert_eq!(result["iss"], issuer);
        assert_eq!(result["cookie"]["httpOnly"], true);
        assert_eq!(result["cookie"]["secure"], true);
        assert_eq!(result["cookie"]["sameSite"], "Lax");
        // The code the application received in the browser redeems.
        let res = app
            .client
            .post(format!("{issuer}/oauth2/token"))
            .basic_auth(&client.id, client.secret.as_deref())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", result["code"].as_str().unwrap()),
                ("redirect_uri", REDIRECT),
                ("code_verifier", result["verifier"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let tokens: Value = res.json().await.unwrap();
        assert!(tokens["id_token"].is_string());
        for page in ["login", "consent"] {
            for width in [375, 1280] {
                assert!(std::path::Path::new(&format!("{shots}/{page}-{width}.png")).exists());
            }
        }
    }
}

/// forms.js: the first submission disables the button and shows the spinner;
/// a second click and a second submit send nothing (SQLite: the pages are the
/// same on both backends).
#[tokio::test]
async fn a_form_is_sent_once_however_often_it_is_clicked() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    app.signed_up("alice").await;
    let issuer = app.state.config.tokens.issuer.clone();
    let result = chromium("one_submission.mjs", &[&issuer, "alice", STRONG_PASSWORD]).await;
    assert_eq!(result["posts"], 1, "{result}");
    assert_eq!(result["landed"], "/account", "{result}");
    let tried = &result["tried"];
    assert_eq!(tried["events"], serde_json::json!(["sent", "stopped"]), "{result}");
    assert_eq!(tried["disabled"], true, "{result}");
    assert_eq!(tried["spinner"], true, "{result}");
    assert_eq!(tried["busy"], "true", "{result}");
}
