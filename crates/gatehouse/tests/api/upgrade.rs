//! Upgrades: a database written by the first release's own binary (commit
//! 9f4e71b, migrations 0001–0007; `tests/fixtures/first-release/make` made
//! it) migrates to today's schema at start, and everyone in it signs in as
//! before — a password with a live session, TOTP and printed backup codes,
//! an administrator, an OAuth client's secret.

use std::path::PathBuf;

use serde_json::Value;

use crate::helpers::{fresh_postgres_database, Backend, TestApp};
use crate::mfa::{code, first_step_with, fresh_step, second_step};
use crate::on_both_backends;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-release").join(name)
}

/// The first release's database and master key in a fresh data directory;
/// returns the server on them, and what the fixture's people need.
async fn first_release(backend: Backend) -> (TestApp, Value) {
    let tempdir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("master.key"), tempdir.path().join("master.key")).unwrap();
    let (url, people) = match backend {
        Backend::Sqlite => {
            let db = tempdir.path().join("gatehouse.db");
            std::fs::copy(fixture("sqlite.db"), &db).unwrap();
            (format!("sqlite://{}", db.display()), "sqlite.json")
        }
        Backend::Postgres => {
            use sqlx::Connection as _;
            let url = fresh_postgres_database().await;
            let dump = std::fs::read_to_string(fixture("postgres.sql")).unwrap();
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(&dump).execute(&mut conn).await.expect("the first release's dump loads");
            conn.close().await.unwrap();
            (url, "postgres.json")
        }
    };
    let people: Value = serde_json::from_str(&std::fs::read_to_string(fixture(people)).unwrap()).unwrap();
    (TestApp::spawn_in(backend, tempdir, url).await, people)
}

on_both_backends! {
    async fn a_database_of_the_first_release_upgrades_and_everyone_signs_in(backend) {
        let (app, people) = first_release(backend).await;
        let password = people["password"].as_str().unwrap();
        fresh_step(&app).await;

        // alice: her password, and the session she had before the upgrade.
        let r = app.post("/api/auth/login").json(&serde_json::json!({"username": "alice", "password": password})).send().await.unwrap();
        assert_eq!(r.status(), 200, "alice signs in with her password");
        let r = app.refresh(people["alice"]["refresh_token"].as_str().unwrap()).await;
        assert_eq!(r.status(), 200, "alice's session from before the upgrade goes on");

        // bob: his TOTP app and a printed backup code.
        let secret = data_encoding::BASE32_NOPAD.decode(people["bob"]["totp_secret"].as_str().unwrap().as_bytes()).unwrap();
        let mfa_token = first_step_with(&app, "bob", password).await;
        assert_eq!(second_step(&app, &mfa_token, &code(&app, &secret, 0)).await.status(), 200, "bob's TOTP");
        let mfa_token = first_step_with(&app, "bob", password).await;
        let backup = people["bob"]["backup_codes"][0].as_str().unwrap();
        assert_eq!(second_step(&app, &mfa_token, backup).await.status(), 200, "bob's backup code");

        // carol: still an administrator.
        let r = app.post("/api/auth/login").json(&serde_json::json!({"username": "carol", "password": password})).send().await.unwrap();
        let carol: Value = r.json().await.unwrap();
        let r = app.get("/api/admin/users").bearer_auth(carol["access_token"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(r.status(), 200, "carol administers");
        let users: Value = r.json().await.unwrap();
        assert_eq!(users["users"].as_array().unwrap().len(), 3, "{users}");

        // The OAuth client's secret.
        let client = &people["client"];
        let r = app.client.post(app.url("/oauth2/token"))
            .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
            .form(&[("grant_type", "client_credentials"), ("scope", client["scope"].as_str().unwrap())])
            .send().await.unwrap();
        assert_eq!(r.status(), 200, "the client's secret: {}", r.text().await.unwrap_or_default());

        // Someone new joins the upgraded server.
        assert!(app.signed_up("dave").await["access_token"].is_string());
    }
}
