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

/// The pages in German and Spanish (`e2e/languages.mjs`): the browser's
/// language chooses, the picker used by hand switches and the choice stays;
/// every page keeps its layout (axe-core, no sideways scrolling at 320 px)
/// with the longer words. SQLite: the pages are the same on both backends.
#[tokio::test]
async fn the_pages_speak_the_browsers_language_and_the_picker_switches() {
    let app = spawn_provider(Backend::Sqlite, |c| {
        c.terms_url = Some("https://example.com/terms".into());
    })
    .await;
    let root = gatehouse_core::flows::NewUserRequest {
        username: "root".into(),
        email: "root@example.com".into(),
        password: Some(STRONG_PASSWORD.to_owned().into()),
        roles: vec![gatehouse_core::account::Role::admin()],
        email_verified: true,
        locale: None,
    };
    app.state.admin.create_user(root, &crate::helpers::operator(), &Default::default()).await.unwrap();
    let issuer = app.state.config.tokens.issuer.clone();
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/screenshots/languages");
    let shots = shots.to_string_lossy().into_owned();
    let result = chromium("languages.mjs", &[&issuer, "root", STRONG_PASSWORD, &shots]).await;
    assert_eq!(result["problems"], serde_json::json!([]), "no CSP violations or script errors");
    assert_eq!(result["a11y"], serde_json::json!([]), "axe-core finds no WCAG A/AA violation");
    assert_eq!(result["wide"], serde_json::json!([]), "no page scrolls sideways");
    assert_eq!(result["picked"], "/login", "the picker comes back to the page it was on");
    let seen = result["seen"].as_array().unwrap();
    let heading = |name: &str, lang: &str| {
        let found = seen.iter().find(|p| p["name"] == name && p["lang"] == lang);
        found.unwrap_or_else(|| panic!("{name} in {lang}: {result}"))["h1"].as_str().unwrap().to_owned()
    };
    assert_eq!(heading("login", "de"), "Anmelden");
    assert_eq!(heading("login", "es"), "Iniciar sesión");
    // Every page was seen in both languages, and none kept its English title.
    for name in [
        "login",
        "register",
        "forgot-password",
        "account",
        "admin-users",
        "admin-roles",
        "admin-clients",
        "admin-upstreams",
        "admin-keys",
        "admin-audit",
    ] {
        let (de, es) = (heading(name, "de"), heading(name, "es"));
        assert_ne!(de, es, "{name}: {de}");
    }
    assert!(seen.iter().all(|p| p["lang"] == "de" || p["lang"] == "es"), "{result}");
}
