//! Security events leave the process: every audit record is also one log
//! line under `gatehouse::audit` — with `log_format = "json"` one JSON object
//! a SIEM can collect — written once the record is durable, and holding no
//! secret. The server runs in this process with the product's own JSON
//! subscriber (`telemetry::init_with`) writing into a buffer.

use gatehouse::config::LogFormat;
use gatehouse_core::audit::AuditQuery;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::log_secrets::Captured;
use crate::on_both_backends;

const NEW_PASSWORD: &str = "an entirely new passphrase 77";

/// The audit lines of the log, parsed.
fn audit_lines(log: &Captured) -> Vec<Value> {
    let text = log.text();
    text.lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("not one JSON line ({e}): {line}")))
        .filter(|line| line["target"] == "gatehouse::audit")
        .collect()
}

on_both_backends! {
    async fn every_audit_record_is_one_json_log_line_without_secrets(backend) {
        let log = Captured::default();
        gatehouse::telemetry::init_with(LogFormat::Json, "warn,gatehouse::audit=info", false, log.clone());
        let app = TestApp::spawn(backend).await;

        // A record in a unit (sign-up), on its own (a failed sign-in), and a
        // unit with several (a password change ends the other sessions).
        let alice = app.signed_up("alice").await;
        assert_eq!(app.login("alice", "not the password at all").await.status(), 401);
        let access = alice["access_token"].as_str().unwrap_or_default().to_owned();
        let r = app
            .post("/api/auth/password/change")
            .bearer_auth(&access)
            .json(&json!({"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);

        let rows = app.state.store.query(&AuditQuery { limit: 1000, ..Default::default() }).await.unwrap();
        let lines = audit_lines(&log);
        assert_eq!(lines.len(), rows.len(), "one line per record:\n{}", log.text());
        for row in &rows {
            let line = lines
                .iter()
                .find(|l| l["audit_id"] == row.id.to_string())
                .unwrap_or_else(|| panic!("no line for {:?}", row.kind));
            assert_eq!(line["kind"], row.kind.as_str());
            assert_eq!(line["outcome"], row.outcome.as_str());
            assert_eq!(line["level"], "INFO");
            assert!(line["at"].as_str().is_some_and(|at| at.contains('T')), "RFC 3339: {line}");
            if let Some(subject) = row.subject {
                assert_eq!(line["subject"], subject.to_string());
            }
        }
        let failed = lines.iter().find(|l| l["kind"] == "login_failed").expect("the failed sign-in");
        assert_eq!(failed["outcome"], "failure");
        assert!(failed["ip"].is_string(), "{failed}");
        for kind in ["register", "login_succeeded", "password_changed"] {
            assert!(lines.iter().any(|l| l["kind"] == kind), "no {kind} line");
        }

        let text = log.text();
        for secret in [STRONG_PASSWORD, NEW_PASSWORD, "not the password at all", access.as_str()] {
            assert!(!text.contains(secret), "a secret reached the log");
        }
    }
}
