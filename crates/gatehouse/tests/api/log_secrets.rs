//! No secret reaches the log, even at `trace`: a whole journey — sign-up,
//! verification link, sign-in, refresh, an OAuth code flow with PKCE and a
//! client secret, TOTP enrolment and a two-step sign-in with a code and with a
//! backup code, a password reset — runs with every target logging at `trace`
//! into a buffer, and no password, token, code, link, secret or key the
//! journey saw may appear in it.
//!
//! The server runs in this process (nextest runs each test in a process of
//! its own), so the buffer is the process's global subscriber; the test's
//! own HTTP client (reqwest, hyper's client side) is left out of it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tracing_subscriber::fmt::MakeWriter;

use crate::browser::*;
use crate::helpers::*;
use crate::mfa::{code, enroll, first_step, second_step};
use crate::oauth::{code_for, exchange, VERIFIER};

/// Everything logged, as text.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    /// Every event at `trace`, but the test's own HTTP client's.
    fn install() -> Captured {
        let captured = Captured::default();
        let filter = tracing_subscriber::EnvFilter::new("trace,reqwest=off,hyper_util::client=off,hyper::client=off");
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(captured.clone())
            .with_ansi(false)
            .try_init()
            .expect("the capturing subscriber is the process's first");
        captured
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

async fn journey(backend: Backend) {
    let log = Captured::install();
    let mut secrets: Vec<(&str, String)> = Vec::new();
    let app = spawn_provider(backend, |_| {}).await;
    let master = std::fs::read_to_string(app.dir.join("master.key")).unwrap_or_default();
    if !master.trim().is_empty() {
        secrets.push(("master key", master.trim().to_owned()));
    }
    secrets.push(("password", STRONG_PASSWORD.to_owned()));

    // Sign-up, the verification link, sign-in, refresh.
    assert_eq!(app.register("alice", "alice@example.com", STRONG_PASSWORD).await.status(), 201);
    let link = outbox_token(&app, "alice@example.com", "verify-email").await;
    secrets.push(("verification link", link.clone()));
    let r = app.post("/api/auth/email/verify").json(&json!({"token": link})).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let pair: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
    secrets.push(("access token", s(&pair["access_token"])));
    secrets.push(("refresh token", s(&pair["refresh_token"])));
    let next: Value = app.refresh(&s(&pair["refresh_token"])).await.json().await.unwrap();
    secrets.push(("rotated access token", s(&next["access_token"])));
    secrets.push(("rotated refresh token", s(&next["refresh_token"])));
    let access = s(&next["access_token"]);

    // An OAuth code flow: the client's secret, the code, the verifier, the tokens.
    let client = register_client(&app, web_app(false)).await;
    secrets.push(("client secret", client.secret.clone().unwrap_or_default()));
    let mut browser = Browser::new(&app.state.config.tokens.issuer);
    let login = browser.get("/login").await;
    assert_eq!(browser.sign_in(login, "alice", STRONG_PASSWORD).await.status, 303);
    for (name, value) in &browser.cookies {
        secrets.push(("browser cookie", format!("{name}={value}")));
    }
    let auth_code = code_for(&mut browser, &client.id, &[]).await;
    secrets.push(("authorization code", auth_code.clone()));
    secrets.push(("PKCE verifier", VERIFIER.to_owned()));
    let tokens: Value = exchange(&app, &client, &auth_code, VERIFIER).await.json().await.unwrap();
    for field in ["access_token", "refresh_token", "id_token"] {
        assert!(tokens[field].is_string(), "{tokens}");
        secrets.push(("OAuth token", s(&tokens[field])));
    }

    // TOTP, then a two-step sign-in with a code and one with a backup code.
    crate::mfa::fresh_step(&app).await;
    let (totp_secret, backup_codes) = enroll(&app, &access).await;
    secrets.push(("TOTP secret", data_encoding::BASE32_NOPAD.encode(&totp_secret)));
    secrets.push(("TOTP secret (hex)", data_encoding::HEXLOWER.encode(&totp_secret)));
    for backup in &backup_codes {
        secrets.push(("backup code", backup.clone()));
    }
    let mfa_token = first_step(&app, "alice").await;
    secrets.push(("MFA token", mfa_token.clone()));
    let r = second_step(&app, &mfa_token, &code(&app, &totp_secret, 0)).await;
    assert_eq!(r.status(), 200);
    let mfa_pair: Value = r.json().await.unwrap();
    secrets.push(("access token after MFA", s(&mfa_pair["access_token"])));
    let mfa_token = first_step(&app, "alice").await;
    secrets.push(("MFA token", mfa_token.clone()));
    assert_eq!(second_step(&app, &mfa_token, &backup_codes[0]).await.status(), 200);

    // A password reset by mailed link.
    let r = app.post("/api/auth/password/forgot").json(&json!({"email": "alice@example.com"})).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let reset = outbox_token(&app, "alice@example.com", "reset-password").await;
    secrets.push(("reset link", reset.clone()));
    let new_password = "a brand new passphrase for alice 31";
    secrets.push(("new password", new_password.to_owned()));
    let r = app
        .post("/api/auth/password/reset")
        .json(&json!({"token": reset, "new_password": new_password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.login("alice", new_password).await.status(), 200);

    let text = log.text();
    assert!(text.lines().count() > 100, "the journey was logged at trace ({} lines)", text.lines().count());
    if let Ok(path) = std::env::var("GATEHOUSE_TEST_LOG_DUMP") {
        std::fs::write(path, &text).unwrap();
    }
    eprintln!("{} lines logged at trace; {} secrets looked for", text.lines().count(), secrets.len());
    for (what, secret) in &secrets {
        assert!(secret.len() >= 8, "{what} is too short to look for: {secret:?}");
        if let Some(line) = text.lines().find(|line| line.contains(secret.as_str())) {
            panic!("the {what} reached the log:\n{line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_a_trace_log_on_sqlite() {
    journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_a_trace_log_on_postgres() {
    journey(Backend::Postgres).await;
}
