//! The README's quick start as a new user follows it: `gatehouse serve` with
//! no flags in a fresh directory (only the port is left to the system, so the
//! test never collides with another), then sign-up and sign-in at
//! `http://localhost:PORT` in Chromium, then the README's commands, which
//! print their answer and no log line.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::e2e::chromium;

/// `gatehouse` in `dir` with no configuration but `extra` (the environment's
/// `GATEHOUSE_*` variables are dropped: a new user has none).
fn gatehouse(dir: &Path, extra: &[(&str, &str)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.current_dir(dir).kill_on_drop(true);
    for (name, _) in std::env::vars() {
        if name.starts_with("GATEHOUSE_") {
            cmd.env_remove(name);
        }
    }
    cmd.envs(extra.iter().copied());
    cmd
}

/// Runs a command of the README with `stdin`; it must succeed.
async fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use tokio::io::AsyncWriteExt;
    let mut child = gatehouse(dir, &[])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gatehouse runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("stdin written");
    drop(input);
    let out = child.wait_with_output().await.expect("gatehouse ends");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A line of the server's log: a timestamp, then a level.
fn is_log_line(line: &str) -> bool {
    let first: Vec<&str> = line.split_whitespace().take(2).collect();
    let stamp = first.first().copied().unwrap_or("");
    (stamp.len() > 10 && stamp.as_bytes()[4] == b'-' && stamp.contains('T'))
        || first.iter().any(|w| ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(w))
        || line.contains("\"level\"")
}

fn assert_quiet(args: &[&str], out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, "", "{args:?} wrote to stderr");
    for line in stdout.lines() {
        assert!(!is_log_line(line), "{args:?} printed a log line: {line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_start_works_in_a_browser_and_the_commands_speak_only_of_their_job() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = gatehouse(dir.path(), &[("GATEHOUSE_BIND", "127.0.0.1:0")])
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gatehouse serve starts");
    // The server says where it listens, and where to open it.
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let announced = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("server output") {
            if line.contains("gatehouse is listening") {
                return line;
            }
        }
        panic!("the server ended without listening");
    })
    .await
    .expect("the server listens within a minute");
    let issuer = announced
        .split_whitespace()
        .find_map(|w| w.strip_prefix("issuer="))
        .expect("the issuer in the start-up line")
        .to_owned();
    assert!(issuer.starts_with("http://localhost:"), "{announced}");
    assert!(announced.contains(&format!("open {issuer}/ in a browser")), "{announced}");
    assert!(!announced.contains("WARN"), "{announced}");
    // The rest of the server's log is drained, so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let port = issuer.rsplit(':').next().unwrap();
    let alias = format!("http://127.0.0.1:{port}");
    assert!(dir.path().join("gatehouse-data/gatehouse.db").exists());

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/screenshots/quick-start");
    let result = chromium("quick_start.mjs", &[&issuer, &alias, &shots.to_string_lossy()]).await;
    assert_eq!(result["problems"], serde_json::json!([]), "no CSP violations or script errors");
    assert_eq!(result["steps"].as_array().map(Vec::len), Some(6), "{result}");

    // The README's commands, beside the running server, in the same directory.
    let password = "correct horse battery staple root\n";
    for (args, stdin) in [
        (&["user", "create", "--username", "root", "--email", "root@example.com", "--role", "admin"][..], password),
        (&["role", "create", "support", "--permission", "users:read", "--permission", "users:write"][..], ""),
        (&["role", "create", "editor", "--permission", "posts:read", "--permission", "posts:write"][..], ""),
        (&["user", "set-role", "alice", "--role", "user", "--role", "editor"][..], ""),
        (&["user", "list"][..], ""),
        (&["role", "list"][..], ""),
        (&["keys", "list"][..], ""),
        (&["client", "create", "--name", "My app", "--redirect-uri", "http://localhost:3000/callback"][..], ""),
        (&["config", "check"][..], ""),
        (&["migrate"][..], ""),
    ] {
        let out = run(dir.path(), args, stdin).await;
        assert_quiet(args, &out);
        assert!(!out.stdout.is_empty(), "{args:?} answers");
    }
    let users = run(dir.path(), &["user", "list"], "").await;
    let users = String::from_utf8_lossy(&users.stdout);
    assert!(users.contains("alice") && users.contains("editor") && users.contains("root"), "{users}");

    server.kill().await.ok();
}

#[test]
fn log_lines_are_told_from_answers() {
    assert!(is_log_line("2026-12-03T09:33:14.123456Z  INFO gatehouse is listening"));
    assert!(is_log_line("  WARN passkeys are off"));
    assert!(is_log_line(r#"{"timestamp":"…","level":"INFO","message":"x"}"#));
    assert!(!is_log_line("0193…  alice                alice@example.com   active    [user]"));
    assert!(!is_log_line("database is up to date"));
}
