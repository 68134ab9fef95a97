//! Real reverse proxies in front of an application, through Gatehouse:
//! Debian's nginx (`auth_request`) and Caddy (`forward_auth`), each run with
//! its configuration from `docs/proxies/` — what docs/proxies.md shows —
//! with only the addresses changed (and no TLS). The journey: a visitor is
//! sent to sign in, comes back to the page they asked for, and the
//! application sees who they are (never who the client claims to be); a rule
//! that needs a role refuses; a `bypass` path passes anonymously; signing out
//! at Gatehouse sends them to sign in again. Through nginx the same journey
//! runs once more in real Chromium (`e2e/forward_auth.mjs`).

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::browser::{spawn_provider_at, Browser};
use crate::forward_auth::rule;
use crate::helpers::{Backend, TestApp, STRONG_PASSWORD};

const APP_HOST: &str = "wiki.gatehouse.localhost";
const ID_HOST: &str = "id.gatehouse.localhost";

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/proxies").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The application behind the proxy: answers every request with the path
/// and the identity headers it received.
async fn application() -> SocketAddr {
    use axum::http::{HeaderMap, Uri};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|headers: HeaderMap, uri: Uri| async move {
        let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        axum::Json(json!({
            "path": uri.to_string(),
            "user": h("x-gatehouse-user"),
            "user_id": h("x-gatehouse-user-id"),
            "email": h("x-gatehouse-email"),
            "roles": h("x-gatehouse-roles"),
        }))
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A proxy process; stopped when dropped.
struct Proxy {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` (made for a port) and waits until it listens there.
/// nginx and Caddy cannot take a bound socket, so the port is chosen first:
/// one another process took in between makes the proxy exit ("in use"), and
/// then it gets another. Listening is only believed while the proxy still
/// runs, so another process on that port is never taken for it.
async fn start(name: &str, dir: tempfile::TempDir, command: impl Fn(&Path, u16) -> Command) -> Proxy {
    let log_path = dir.path().join(format!("{name}.log"));
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = command(dir.path(), port)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} is required for the proxy tests (.ci/run installs it): {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let listening = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok();
            if child.try_wait().unwrap().is_some() {
                let said = std::fs::read_to_string(&log_path).unwrap_or_default();
                assert!(said.contains("in use"), "{name} stopped: {said}");
                break;
            }
            if listening {
                return Proxy { child, port, _dir: dir };
            }
            assert!(Instant::now() < deadline, "{name} did not listen on {port}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    panic!("{name} found no free port");
}

/// docs/proxies/nginx.conf inside a minimal nginx.conf of its own.
async fn nginx(gatehouse: SocketAddr, app: SocketAddr) -> Proxy {
    start("nginx", tempfile::tempdir().unwrap(), |dir, port| {
        let site = example("nginx.conf")
            .replace("listen 443 ssl;", &format!("listen 127.0.0.1:{port};"))
            .replace("wiki.example.com", APP_HOST)
            .replace("127.0.0.1:8080", &gatehouse.to_string())
            .replace("127.0.0.1:3000", &app.to_string());
        std::fs::write(dir.join("site.conf"), site).unwrap();
        let d = dir.display();
        let main = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log stderr;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
             include {d}/site.conf;\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), main).unwrap();
        let mut cmd = Command::new("nginx");
        cmd.arg("-p").arg(dir).arg("-c").arg(dir.join("nginx.conf"));
        cmd
    })
    .await
}

/// docs/proxies/Caddyfile under global options that keep Caddy to itself.
async fn caddy(gatehouse: SocketAddr, app: SocketAddr) -> Proxy {
    start("caddy", tempfile::tempdir().unwrap(), |dir, port| {
        let site = example("Caddyfile")
            .replace("wiki.example.com {", &format!("http://{APP_HOST}:{port} {{"))
            .replace("127.0.0.1:8080", &gatehouse.to_string())
            .replace("127.0.0.1:3000", &app.to_string());
        let global = format!("{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {}/data\n}}\n", dir.display());
        std::fs::write(dir.join("Caddyfile"), format!("{global}{site}")).unwrap();
        let mut cmd = Command::new("caddy");
        cmd.args(["run", "--adapter", "caddyfile", "--config"])
            .arg(dir.join("Caddyfile"))
            .env("HOME", dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_CONFIG_HOME", dir.join("config"));
        cmd
    })
    .await
}

/// A client that finds both test hosts on this machine, follows no redirect.
fn client(gatehouse: SocketAddr, proxy: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(APP_HOST, SocketAddr::from(([127, 0, 0, 1], proxy)))
        .resolve(ID_HOST, gatehouse)
        .build()
        .unwrap()
}

/// The whole journey through one proxy.
async fn journey(app: &TestApp, proxy: &Proxy, who: &str) {
    let gatehouse: SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let http = client(gatehouse, proxy.port);
    let site = format!("http://{APP_HOST}:{}", proxy.port);
    let page = |path: &str, cookie: Option<&str>| {
        let mut req = http
            .get(format!("{site}{path}"))
            .header("accept", "text/html")
            // What a client claims must never reach the application.
            .header("x-gatehouse-user", "mallory")
            .header("x-gatehouse-roles", "admin");
        if let Some(cookie) = cookie {
            req = req.header("cookie", format!("__Secure-gatehouse={cookie}"));
        }
        req.send()
    };

    // Anonymous: to the sign-in page, which names the way back.
    let r = page("/docs?x=1", None).await.unwrap();
    assert_eq!(r.status(), 302, "{who}: {}", r.text().await.unwrap_or_default());
    let login = r.headers()["location"].to_str().unwrap().to_owned();
    let back = format!("{site}/docs?x=1");
    let expected = url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", &back).finish();
    assert_eq!(login, format!("{}/login?{expected}", app.state.config.tokens.issuer), "{who}");

    // Signing in there sends the browser back to the page it asked for.
    let mut browser = Browser::resolving(&app.state.config.tokens.issuer, ID_HOST, gatehouse);
    let form = browser.get(&login).await;
    let signed_in = browser.sign_in(form, "alice", STRONG_PASSWORD).await;
    assert_eq!(signed_in.location.as_deref(), Some(back.as_str()), "{who}");
    let cookie = browser.cookies.get("__Secure-gatehouse").expect("the shared session cookie").clone();

    // The application sees alice, not what the client claimed.
    let r = page("/docs?x=1", Some(&cookie)).await.unwrap();
    assert_eq!(r.status(), 200, "{who}");
    let seen: Value = r.json().await.unwrap();
    assert_eq!((seen["path"].as_str(), seen["user"].as_str()), (Some("/docs?x=1"), Some("alice")), "{who}: {seen}");
    assert_eq!((seen["email"].as_str(), seen["roles"].as_str()), (Some("alice@example.com"), Some("user")), "{who}");
    assert!(seen["user_id"].as_str().is_some_and(|id| id.len() == 36), "{who}: {seen}");

    // A rule that needs a role alice does not have.
    assert_eq!(page("/admin/settings", Some(&cookie)).await.unwrap().status(), 403, "{who}");
    // bypass: anyone passes, and no one is named.
    let r = page("/public/site.css", None).await.unwrap();
    assert_eq!(r.status(), 200, "{who}");
    let seen: Value = r.json().await.unwrap();
    let no_one = |v: &Value| v.is_null() || v == "";
    assert!(no_one(&seen["user"]) && no_one(&seen["roles"]), "{who}: a claimed identity passed: {seen}");

    // Signing out at Gatehouse: the next request is sent to sign in again.
    let account = browser.get("/account").await;
    let csrf = account.field("csrf").expect("csrf");
    browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(page("/docs", Some(&cookie)).await.unwrap().status(), 302, "{who}");
}

/// The journey in real Chromium (e2e/forward_auth.mjs), through `proxy`.
async fn in_chromium(app: &TestApp, proxy: &Proxy) {
    let site = format!("http://{APP_HOST}:{}", proxy.port);
    let (page, refused, two_factor) = (format!("{site}/docs"), format!("{site}/admin"), format!("{site}/secure"));
    let issuer = app.state.config.tokens.issuer.clone();
    let result =
        crate::e2e::chromium("forward_auth.mjs", &[&page, &refused, &two_factor, &issuer, "alice", STRONG_PASSWORD])
            .await;
    assert!(result["loginUrl"].as_str().unwrap().starts_with(&format!("{issuer}/login?return_to=")), "{result}");
    assert_eq!(result["seen"]["path"], "/docs", "{result}");
    assert_eq!(result["seen"]["user"], "alice", "{result}");
    assert_eq!(result["cookie"], json!({"domain": ".gatehouse.localhost", "secure": true, "httpOnly": true}));
    assert_eq!(result["refusedStatus"], 403);
    // A password-only session meets a rule that wants two factors: it is
    // sent to its account, where a second factor is added.
    assert_eq!(result["twoFactorLanding"], format!("{issuer}/account"), "{result}");
    assert!(result["afterSignOut"].as_str().unwrap().starts_with(&format!("{issuer}/login")), "{result}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nginx_and_caddy_protect_an_application_through_gatehouse() {
    let app = spawn_provider_at(Backend::Sqlite, ID_HOST, |c| {
        c.trusted_proxies = Some(vec!["127.0.0.1/32".into()]);
        c.cookie_domain = Some("gatehouse.localhost".into());
        c.access_rules = Some(vec![
            rule(&[APP_HOST], &["/public"], "bypass", &[]),
            rule(&[APP_HOST], &["/admin"], "one_factor", &["admin"]),
            rule(&[APP_HOST], &["/secure"], "two_factor", &[]),
            rule(&["*.gatehouse.localhost"], &[], "one_factor", &[]),
        ]);
    })
    .await;
    app.signed_up("alice").await;
    let gatehouse: SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let upstream = application().await;

    let proxy = nginx(gatehouse, upstream).await;
    journey(&app, &proxy, "nginx").await;
    in_chromium(&app, &proxy).await;
    drop(proxy);
    let proxy = caddy(gatehouse, upstream).await;
    journey(&app, &proxy, "caddy").await;
}

#[test]
fn the_documented_configurations_are_the_tested_ones() {
    let doc = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/proxies.md")).unwrap();
    for (file, fence) in [("nginx.conf", "```nginx\n"), ("Caddyfile", "```caddyfile\n")] {
        let start = doc.find(fence).unwrap_or_else(|| panic!("docs/proxies.md has no {fence}")) + fence.len();
        let end = doc[start..].find("```").unwrap() + start;
        assert_eq!(&doc[start..end], example(file), "docs/proxies.md's {file} block is not docs/proxies/{file}");
    }
}
