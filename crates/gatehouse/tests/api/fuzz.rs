//! The OpenAPI document tells the truth: Schemathesis (pinned in
//! `fuzz/requirements.txt`, installed by `.ci/run` into
//! `target/schemathesis`) generates requests from the served document — valid
//! ones, edge cases and invalid ones — against the real server with an
//! administrator's token, and fails on any 5xx, any status, content type or
//! body the document does not declare, and any request the document forbids
//! that the server accepts. A fixed seed keeps runs repeatable.
//!
//! Two passes: everything that leaves the caller's session alive, then the
//! operations that may end it (sign-out, proofs of presence, an
//! administrator's changes to an account — the fuzzer finds the caller's own
//! id in the listings) with a fresh token.

use std::path::PathBuf;

use serde_json::Value;

use crate::helpers::*;
use crate::on_both_backends;

/// Cases per operation and phase; the whole run is a few thousand requests.
const MAX_EXAMPLES: &str = "25";
const SEED: &str = "16";

/// What a pass may end: the caller's session, or the account itself.
const SESSION_ENDING: [&str; 11] = [
    "/api/auth/logout",
    "/api/auth/api-keys",
    "/api/auth/api-keys/{id}/rotate",
    "/api/auth/logout-all",
    "/api/auth/password/change",
    "/api/auth/email/change",
    "/api/auth/mfa/totp/disable",
    "/api/auth/mfa/backup-codes",
    "/api/admin/users/{id}/password-reset",
    "/api/admin/users/{id}/disable",
    "/api/admin/users/{id}/roles",
];

fn schemathesis() -> PathBuf {
    let st = std::env::var("GATEHOUSE_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/schemathesis/bin/st"));
    assert!(
        st.exists(),
        "Schemathesis is required at {} (.ci/run installs it: pip install -r fuzz/requirements.txt)",
        st.display()
    );
    st
}

/// One Schemathesis pass; returns its summary. Fails the test on any failure.
async fn pass(app: &TestApp, token: &str, filters: &[String]) -> String {
    let out = tokio::process::Command::new(schemathesis())
        // Its cache of found failures goes with the test's data, not into the source tree.
        .current_dir(&app.dir)
        .arg("run")
        .arg(app.url("/api/openapi.json"))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,\
             negative_data_rejection",
        ])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED, "--generation-database", "none"])
        .args(["--phases", "examples,coverage,fuzzing", "--workers", "2", "--no-color"])
        .args(filters)
        .output()
        .await
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the server answered what its OpenAPI document does not say:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = stdout.lines().filter(|l| l.contains(" generated, ")).map(str::trim).collect::<Vec<_>>();
    summary.join("; ")
}

on_both_backends! {
    async fn the_openapi_document_holds_under_a_fuzzer(backend) {
        let app = TestApp::spawn_with(backend, |c| {
            // The fuzzer is one client sending thousands of requests.
            for rate in [&mut c.mfa_rate_per_ip, &mut c.mfa_rate_per_account, &mut c.forgot_rate_per_ip, &mut c.api_key_rate_per_ip] {
                *rate = Some("100000/min".into());
            }
        })
        .await;
        let root: Value = app.signed_in_admin().await;
        let token = root["access_token"].as_str().unwrap().to_owned();
        let mut keep_alive: Vec<String> = Vec::new();
        for path in SESSION_ENDING {
            keep_alive.extend(["--exclude-path".to_owned(), path.to_owned()]);
        }
        keep_alive.extend(["--exclude-method".to_owned(), "DELETE".to_owned()]);
        let first = pass(&app, &token, &keep_alive).await;
        // The session survived the first pass: the fuzzer tested as an administrator.
        assert_eq!(app.me(&token).await.status(), 200, "the first pass ended its own session");

        let fresh: Value = app.login("root", STRONG_PASSWORD).await.json().await.unwrap();
        let mut ending: Vec<String> = Vec::new();
        for path in SESSION_ENDING {
            ending.extend(["--include-path".to_owned(), path.to_owned()]);
        }
        ending.extend(["--include-method".to_owned(), "DELETE".to_owned()]);
        let second = pass(&app, fresh["access_token"].as_str().unwrap(), &ending).await;
        println!("schemathesis on {backend:?}: {first} | {second}");
    }
}
