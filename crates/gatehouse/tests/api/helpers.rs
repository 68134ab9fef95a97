//! The test harness: starts the real application on port 0 against a fresh
//! SQLite file or a fresh PostgreSQL database and gives a small typed client.

use std::path::PathBuf;

use gatehouse::config::{RawConfig, Settings};
use std::sync::Arc;

use gatehouse::startup::Application;
use gatehouse_core::clock::ShiftedClock;
use gatehouse_server::AppState;
use reqwest::{RequestBuilder, Response};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const STRONG_PASSWORD: &str = "correct horse battery staple 42";

/// Runs each listed test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[allow(unused_imports)]
                use $crate::helpers::*;

                async fn run($backend: Backend) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(Backend::Postgres).await
                }
            }
        )*
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates an empty PostgreSQL database and returns its URL. Panics (fails the
/// test) if PostgreSQL cannot be reached: the PostgreSQL tests never skip.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for the tests and is not reachable at {admin}: {e}"));
    let name = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).expect("admin url has a database");
    format!("{base}/{name}")
}

/// Settings every test starts from: cheap Argon2 (the real parameters are
/// exercised by the benchmark and the hashing unit tests), generous rate limits.
pub fn base_config(dir: &std::path::Path, database_url: String) -> RawConfig {
    RawConfig {
        bind: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.to_path_buf()),
        database_url: Some(database_url),
        issuer: Some("http://gatehouse.test".into()),
        // Authenticators insist on https outside localhost; pages would be served there.
        webauthn_origin: Some("https://gatehouse.test".into()),
        argon2_memory_kib: Some(1024),
        argon2_iterations: Some(1),
        argon2_parallelism: Some(1),
        login_rate_per_ip: Some("10000/min".into()),
        login_rate_per_account: Some("10000/min".into()),
        register_rate_per_ip: Some("10000/min".into()),
        refresh_rate_per_ip: Some("10000/min".into()),
        log_level: Some("warn".into()),
        ..Default::default()
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub backend: Backend,
    pub config: RawConfig,
    /// The server's clock: tests move it past deadlines instead of sleeping.
    pub clock: Arc<ShiftedClock>,
    pub dir: PathBuf,
    _tempdir: Option<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut RawConfig)) -> TestApp {
        Self::spawn_on(backend, None, tweak).await
    }

    /// Like [`TestApp::spawn_with`], serving on `listener` (bound already, so
    /// `tweak` can name its port: no window for another process to take it).
    pub async fn spawn_on(
        backend: Backend,
        listener: Option<std::net::TcpListener>,
        tweak: impl FnOnce(&mut RawConfig),
    ) -> TestApp {
        let tempdir = tempfile::tempdir().expect("tempdir");
        let dir = tempdir.path().to_path_buf();
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.join("gatehouse.db").display()),
            Backend::Postgres => fresh_postgres_database().await,
        };
        let mut config = base_config(&dir, database_url);
        tweak(&mut config);
        Self::start(backend, config, dir, Some(tempdir), listener).await
    }

    /// A server on a data directory and database the test prepared (an
    /// upgrade's fixture, say), with the test settings.
    pub async fn spawn_in(backend: Backend, tempdir: tempfile::TempDir, database_url: String) -> TestApp {
        let dir = tempdir.path().to_path_buf();
        let config = base_config(&dir, database_url);
        Self::start(backend, config, dir, Some(tempdir), None).await
    }

    async fn start(
        backend: Backend,
        config: RawConfig,
        dir: PathBuf,
        tempdir: Option<tempfile::TempDir>,
        listener: Option<std::net::TcpListener>,
    ) -> TestApp {
        Self::start_at(backend, config, dir, tempdir, listener, Arc::new(ShiftedClock::new())).await
    }

    async fn start_at(
        backend: Backend,
        config: RawConfig,
        dir: PathBuf,
        tempdir: Option<tempfile::TempDir>,
        listener: Option<std::net::TcpListener>,
        clock: Arc<ShiftedClock>,
    ) -> TestApp {
        gatehouse::telemetry::init(gatehouse::config::LogFormat::Text, "warn");
        let settings = Settings::from_raw(config.clone()).expect("valid test settings");
        let listener = match listener {
            Some(listener) => listener,
            None => std::net::TcpListener::bind(settings.bind).expect("the test address binds"),
        };
        listener.set_nonblocking(true).expect("non-blocking listener");
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let app = Application::build_with_clock(settings, listener, clock.clone()).await.expect("application starts");
        let address = format!("http://{}", app.local_addr().expect("bound"));
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = app
                .run_with_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        let client = reqwest::Client::builder().user_agent("gatehouse-tests/1").build().expect("client");
        TestApp {
            address,
            client,
            state,
            backend,
            config,
            clock,
            dir,
            _tempdir: tempdir,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// Stops the server and starts a new one on the same data and database.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// Stops the server (and waits until it has stopped); the data stay.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Stops the server and starts a new one on the same data and database,
    /// its settings changed by `tweak`.
    pub async fn restart_with(mut self, tweak: impl FnOnce(&mut RawConfig)) -> TestApp {
        self.stop().await;
        let tempdir = self._tempdir.take();
        let mut config = self.config.clone();
        tweak(&mut config);
        Self::start_at(self.backend, config, self.dir.clone(), tempdir, None, self.clock.clone()).await
    }

    /// A second server on `other`'s data directory and database (another node).
    pub async fn start_on(other: &TestApp) -> TestApp {
        Self::start_at(other.backend, other.config.clone(), other.dir.clone(), None, None, other.clock.clone()).await
    }

    /// Moves the server's clock forward: what a test would otherwise sleep for.
    pub fn advance(&self, by: std::time::Duration) {
        self.clock.advance(by);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub async fn register(&self, username: &str, email: &str, password: &str) -> Response {
        self.post("/api/auth/register")
            .json(&json!({"username": username, "email": email, "password": password}))
            .send()
            .await
            .expect("request")
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post("/api/auth/login")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Registers `name` (email `name@example.com`) and logs in; returns the token response.
    pub async fn signed_up(&self, name: &str) -> Value {
        let r = self.register(name, &format!("{name}@example.com"), STRONG_PASSWORD).await;
        assert_eq!(r.status(), 201, "register {name}: {}", r.text().await.unwrap_or_default());
        let r = self.login(name, STRONG_PASSWORD).await;
        assert_eq!(r.status(), 200);
        r.json().await.expect("json")
    }

    /// Creates the administrator `root` (as the CLI would) and signs it in.
    pub async fn signed_in_admin(&self) -> Value {
        let root = gatehouse_core::flows::NewUserRequest {
            username: "root".into(),
            email: "root@example.com".into(),
            password: Some(STRONG_PASSWORD.to_owned().into()),
            roles: vec![gatehouse_core::account::Role::admin()],
            email_verified: true,
            locale: None,
        };
        let info = gatehouse_core::audit::ClientInfo::default();
        self.state.admin.create_user(root, &operator(), &info).await.expect("admin created");
        self.login("root", STRONG_PASSWORD).await.json().await.expect("json")
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post("/api/auth/refresh").json(&json!({"refresh_token": refresh_token})).send().await.expect("request")
    }

    /// The `gatehouse` binary on this server's data directory and database:
    /// the operator's CLI, another process.
    pub async fn cli(&self, args: &[&str]) -> std::process::Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(args)
            .env("GATEHOUSE_DATA_DIR", &self.dir)
            .env("GATEHOUSE_DATABASE_URL", self.config.database_url.as_deref().expect("a database URL"))
            .env("GATEHOUSE_LOG_LEVEL", "warn")
            .output()
            .await
            .expect("the CLI runs")
    }

    pub async fn me(&self, access_token: &str) -> Response {
        self.get("/api/auth/me").bearer_auth(access_token).send().await.expect("request")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The operator at the command line, as the flows' actor.
pub fn operator() -> gatehouse_core::rbac::Actor {
    gatehouse_core::rbac::Actor::command_line()
}

/// Asserts a `problem+json` answer with this status and code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status for expected code {code}");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}

/// Decodes a JWT's header and claims without verifying (for inspection).
pub fn jwt_parts(token: &str) -> (Value, Value) {
    use base64::Engine;
    let mut parts = token.split('.');
    let decode = |p: Option<&str>| -> Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p.expect("jwt part")).expect("base64url");
        serde_json::from_slice(&bytes).expect("json")
    };
    (decode(parts.next()), decode(parts.next()))
}

/// The token of the newest mail to `to` in `app`'s file outbox that links to
/// `/{page}?token=`; waits for the mail to be written (the mailer is a queue).
pub async fn outbox_token(app: &TestApp, to: &str, page: &str) -> String {
    let outbox = app.dir.join("outbox");
    let marker = format!("/{page}?token=");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        // uuid v7 names: newest last.
        names.sort();
        for path in names.iter().rev().filter(|p| p.extension().is_some_and(|x| x == "txt")) {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if let (true, Some(at)) = (text.contains(&format!("To: {to}")), text.find(&marker)) {
                let start = at + marker.len();
                return text[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
            }
        }
        assert!(std::time::Instant::now() < deadline, "no {page} mail to {to} in {}", outbox.display());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Waits until the audit log holds an event of `kind` with `outcome` — the
/// sign that a command running in the background has decided (e.g. not to
/// mail an unknown address). Fails the test after 10 s.
pub async fn audit_recorded(
    app: &TestApp,
    kind: gatehouse_core::audit::AuditKind,
    outcome: gatehouse_core::audit::Outcome,
) {
    let query = gatehouse_core::audit::AuditQuery {
        user: None,
        kind: Some(kind),
        outcome: Some(outcome),
        since: None,
        until: None,
        limit: 1,
        offset: 0,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.state.store.query(&query).await.expect("audit query").is_empty() {
        assert!(std::time::Instant::now() < deadline, "no {kind:?} {outcome:?} event was audited");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
