//! PostgreSQL over TLS (issue 18): `database_url`'s `sslmode` and
//! `sslrootcert` against the local cluster, which `.ci/run`
//! (`ensure_postgres_tls`) serves with a certificate for 127.0.0.1 and
//! localhost signed by a test CA (`GATEHOUSE_TEST_POSTGRES_CA`, by default
//! `target/pg-tls/ca.pem`). Without that CA the tests fail: they never skip.
//!
//! The failures run the real binary: what an operator sees is the exit code
//! and one line naming the server, the sslmode and the CA file — never the
//! password.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::helpers::{postgres_admin_url, Backend, TestApp};

/// A password no test database has: it must never be printed.
const SECRET: &str = "tls-test-secret-0a9b8c";

/// The test CA the local cluster's certificate is signed by.
fn test_ca() -> PathBuf {
    let ca = std::env::var("GATEHOUSE_TEST_POSTGRES_CA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/pg-tls/ca.pem"));
    assert!(
        ca.exists(),
        "the PostgreSQL TLS tests need the test CA at {} and a cluster serving TLS with it \
         (.ci/run makes both: ensure_postgres_tls)",
        ca.display()
    );
    ca
}

/// `url` with `params` added to its query.
fn with_params(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

/// Starts the server in-process on a fresh database whose URL gets `params`.
async fn spawn_with_params(params: String) -> TestApp {
    TestApp::spawn_with(Backend::Postgres, move |config| {
        let url = config.database_url.take().expect("a database URL");
        config.database_url = Some(with_params(&url, &params));
    })
    .await
}

/// (connections, encrypted connections) to the app's database, as the
/// server sees them.
async fn connections(app: &TestApp) -> (i64, i64) {
    use sqlx::Connection;
    let url = app.config.database_url.as_deref().expect("a database URL");
    let database = url.split('?').next().and_then(|base| base.rsplit('/').next()).expect("a database name");
    let mut admin = sqlx::PgConnection::connect(&postgres_admin_url()).await.expect("PostgreSQL is reachable");
    sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE s.ssl) \
         FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid WHERE a.datname = $1",
    )
    .bind(database)
    .fetch_one(&mut admin)
    .await
    .expect("pg_stat_ssl")
}

async fn assert_ready(app: &TestApp) {
    let ready = app.get("/readyz").send().await.expect("request");
    assert_eq!(ready.status(), 200, "{}", ready.text().await.unwrap_or_default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_require_encrypts_every_connection_of_the_server() {
    test_ca();
    let app = spawn_with_params("sslmode=require".into()).await;
    assert_ready(&app).await;
    let (total, encrypted) = connections(&app).await;
    assert!(total >= 1, "the server holds connections to its database");
    assert_eq!(encrypted, total, "every connection of the server is encrypted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_with_the_servers_ca_connects() {
    let ca = test_ca();
    let url = postgres_admin_url();
    assert!(url.contains("@127.0.0.1:"), "the test certificate names 127.0.0.1: {}", redacted(&url));
    let app = spawn_with_params(format!("sslmode=verify-full&sslrootcert={}", ca.display())).await;
    assert_ready(&app).await;
    let (total, encrypted) = connections(&app).await;
    assert!(total >= 1 && encrypted == total, "{encrypted} of {total} encrypted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_disable_still_connects_in_clear() {
    let app = spawn_with_params("sslmode=disable".into()).await;
    assert_ready(&app).await;
    let (total, encrypted) = connections(&app).await;
    assert!(total >= 1, "the server holds connections to its database");
    assert_eq!(encrypted, 0, "no connection is encrypted");
}

#[test]
fn verify_full_against_another_ca_fails_at_start_up_naming_the_ca() {
    test_ca();
    let dir = tempfile::tempdir().unwrap();
    let other_ca = make_other_ca(dir.path());
    let url = with_params(
        &with_password(&postgres_admin_url()),
        &format!("sslmode=verify-full&sslrootcert={}", other_ca.display()),
    );
    let out = serve(dir.path(), &url);
    let said = said(&out);
    assert_eq!(out.status.code(), Some(2), "a configuration error: {said}");
    let server = server_of(&url);
    for part in [server.as_str(), "sslmode=verify-full", &other_ca.display().to_string(), "certificate verify failed"] {
        assert!(said.contains(part), "names {part}: {said}");
    }
    assert!(!said.contains(SECRET), "the password leaked: {said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn a_server_refusing_tls_fails_at_start_up_when_tls_is_required() {
    let server = RefusesTls::start();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://gatehouse:{SECRET}@127.0.0.1:{}/gatehouse?sslmode=require", server.port);
    let out = serve(dir.path(), &url);
    let said = said(&out);
    assert_eq!(out.status.code(), Some(2), "a configuration error: {said}");
    let server_name = format!("127.0.0.1:{}", server.port);
    for part in [server_name.as_str(), "does not accept TLS", "sslmode=require"] {
        assert!(said.contains(part), "names {part}: {said}");
    }
    assert!(!said.contains(SECRET) && !said.contains("panicked"), "{said}");
    // `migrate` says the same.
    let out = gatehouse(dir.path(), &url, &["migrate"]).output().unwrap();
    let said = self::said(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("does not accept TLS"), "{said}");
    assert!(server.requests() >= 2, "each command asked for TLS first");
}

#[test]
fn a_missing_root_certificate_fails_at_start_up_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-ca.pem");
    let url = with_params(
        &with_password(&postgres_admin_url()),
        &format!("sslmode=verify-full&sslrootcert={}", missing.display()),
    );
    let out = serve(dir.path(), &url);
    let said = said(&out);
    assert_eq!(out.status.code(), Some(2), "a configuration error: {said}");
    assert!(said.contains(&format!("sslrootcert file {} cannot be read", missing.display())), "{said}");
    assert!(!said.contains(SECRET), "{said}");
}

/// A server that answers and refuses for good — a database that does not
/// exist (like a wrong password or an unknown role: only a change of
/// configuration helps) — is a configuration error, exit code 2.
#[test]
fn a_database_that_does_not_exist_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut url = url::Url::parse(&postgres_admin_url()).unwrap();
    url.set_path("/gh_no_such_database");
    let url = url.to_string();
    let out = serve(dir.path(), &url);
    let said = said(&out);
    assert_eq!(out.status.code(), Some(2), "a configuration error: {said}");
    assert!(said.contains("refused the connection") && said.contains("gh_no_such_database"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn an_unreachable_server_is_a_runtime_failure_naming_it() {
    // A port nobody listens on: bound, read back, let go.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://gatehouse:{SECRET}@127.0.0.1:{port}/gatehouse?sslmode=require");
    let out = serve(dir.path(), &url);
    let said = said(&out);
    assert_eq!(out.status.code(), Some(1), "a runtime failure: {said}");
    assert!(said.contains(&format!("cannot reach PostgreSQL at 127.0.0.1:{port}")), "{said}");
    assert!(!said.contains(SECRET) && !said.contains("PoolTimedOut"), "{said}");
}

/// The binary with a data directory of its own and `url` as its database.
fn gatehouse(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(args)
        .env("GATEHOUSE_DATA_DIR", dir.join("data"))
        .env("GATEHOUSE_DATABASE_URL", url)
        .env("GATEHOUSE_LOG_LEVEL", "info")
        .env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .stdin(Stdio::null());
    cmd
}

/// `gatehouse serve` on port 0, expected to fail at start-up: waits for it
/// to exit, and fails the test at once if it says it is listening instead.
fn serve(dir: &Path, url: &str) -> Output {
    let mut child = gatehouse(dir, url, &["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("gatehouse is listening") {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("the server started: {line}");
        }
        stdout.extend_from_slice(line.as_bytes());
        stdout.push(b'\n');
    }
    let mut out = child.wait_with_output().unwrap();
    out.stdout = stdout;
    out
}

/// Everything the process wrote.
fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `host:port` of `url`, as the messages name it.
fn server_of(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
}

/// `url` with [`SECRET`] as its password (the connection fails before any
/// password is asked for).
fn with_password(url: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    url.set_password(Some(SECRET)).unwrap();
    url.to_string()
}

/// `url` without its user info, for a failure message.
fn redacted(url: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let _ = url.set_password(None);
    url.to_string()
}

/// A CA of the test's own, with openssl, that signed nothing the server has.
fn make_other_ca(dir: &Path) -> PathBuf {
    let config = dir.join("ca.cnf");
    std::fs::write(
        &config,
        "[req]\ndistinguished_name = dn\n[dn]\n[v3_ca]\nbasicConstraints = critical,CA:TRUE\n\
         keyUsage = critical,keyCertSign\n",
    )
    .unwrap();
    let ca = dir.join("other-ca.pem");
    let out = Command::new("openssl")
        .args(["req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        .args(["-days", "1", "-subj", "/CN=Not the Gatehouse test CA", "-extensions", "v3_ca"])
        .arg("-config")
        .arg(&config)
        .arg("-keyout")
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&ca)
        .output()
        .expect("openssl is required for the PostgreSQL TLS tests");
    assert!(out.status.success(), "openssl: {}", String::from_utf8_lossy(&out.stderr));
    ca
}

/// A TCP server on port 0 that answers every PostgreSQL SSLRequest with 'N'
/// (no TLS here), as a server without `ssl = on` does, and counts them.
struct RefusesTls {
    port: u16,
    requests: std::sync::mpsc::Receiver<()>,
}

impl RefusesTls {
    /// The SSLRequest: length 8, code 80877103.
    const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, requests) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = [0u8; 8];
                if stream.read_exact(&mut request).is_ok() && request == Self::SSL_REQUEST {
                    // Counted before the answer: the client acts on it at once.
                    let _ = tx.send(());
                    let _ = stream.write_all(b"N");
                }
                // Until the client hangs up.
                let _ = stream.read_to_end(&mut Vec::new());
            }
        });
        Self { port, requests }
    }

    /// How many SSLRequests were answered so far.
    fn requests(&self) -> usize {
        self.requests.try_iter().count()
    }
}
