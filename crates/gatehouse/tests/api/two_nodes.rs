//! Two `gatehouse serve` processes sharing one PostgreSQL database and one
//! Redis, as behind a load balancer: an account, its sessions, the signing
//! keys and the rate limits are the same whichever node a request reaches.
//!
//! The nodes are the real binary with a TOML file each would be deployed
//! with (same database, Redis, issuer and master key; own data directory and
//! port). Every request comes from a random client address through a trusted
//! proxy, so the shared Redis counters of other tests and runs never meet it.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::{Client, Response};
use serde_json::{json, Value};

use crate::helpers::*;

const ISSUER: &str = "http://gatehouse.test";

/// One `gatehouse serve` process, killed when dropped.
struct Node {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn gatehouse(config: &Path, data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.arg("--config").arg(config).env("GATEHOUSE_DATA_DIR", data_dir);
    cmd
}

/// Starts a node on a port the system picks (`--bind 127.0.0.1:0`: no
/// window for another process to take it) and reads the address it prints.
async fn start_node(config: &Path) -> Node {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = gatehouse(config, dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--log-level", "info"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let announced = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let found = lines.by_ref().map_while(Result::ok).find(|l| l.contains("gatehouse is listening"));
        // Keep draining, so the node never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        found
    });
    let line = tokio::time::timeout(Duration::from_secs(60), announced)
        .await
        .expect("the node starts within a minute")
        .unwrap()
        .expect("the node announces its address");
    let start = line.find("address=").expect("an address in the start-up line") + "address=".len();
    let address = line[start..].split_whitespace().next().unwrap().to_owned();
    Node { child, base: format!("http://{address}"), _dir: dir }
}

/// A client whose requests come from `ip` (through the trusted proxy).
fn client_from(ip: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    Client::builder().default_headers(headers).build().unwrap()
}

fn random_client_ip() -> String {
    let [a, b, c, d, e, f] = rand::random::<[u16; 6]>();
    format!("2001:db8:{a:x}:{b:x}:{c:x}:{d:x}:{e:x}:{f:x}")
}

async fn post(client: &Client, node: &Node, path: &str, body: Value) -> Response {
    client.post(format!("{}{path}", node.base)).json(&body).send().await.unwrap()
}

async fn ok_json(r: Response) -> Value {
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn me(client: &Client, node: &Node, access: &str) -> Response {
    client.get(format!("{}/api/auth/me", node.base)).bearer_auth(access).send().await.unwrap()
}

async fn login(client: &Client, node: &Node, username: &str) -> Value {
    ok_json(post(client, node, "/api/auth/login", json!({"username": username, "password": STRONG_PASSWORD})).await)
        .await
}

fn kid_of(jwt: &str) -> String {
    let header = jwt.split('.').next().unwrap();
    let header: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

async fn published_kids(node: &Node) -> Vec<String> {
    let jwks: Value = reqwest::get(format!("{}/.well-known/jwks.json", node.base)).await.unwrap().json().await.unwrap();
    jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_owned()).collect()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_and_redis_act_as_one() {
    let redis_url = std::env::var("GATEHOUSE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let shared = tempfile::tempdir().unwrap();
    let master_key = shared.path().join("master.key");
    let mut f = std::fs::File::create(&master_key).unwrap();
    f.write_all(base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>()).as_bytes()).unwrap();
    let config = shared.path().join("gatehouse.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{db}\"\nredis_url = \"{redis_url}\"\nissuer = \"{ISSUER}\"\n\
             master_key_file = \"{mk}\"\nargon2_memory_kib = 1024\nargon2_iterations = 1\n\
             argon2_parallelism = 1\nlogin_rate_per_ip = \"4/min\"\nlogin_rate_per_account = \"10000/min\"\n\
             trusted_proxies = [\"127.0.0.1/32\"]\nlog_level = \"warn\"\n",
            db = fresh_postgres_database().await,
            mk = master_key.display(),
        ),
    )
    .unwrap();
    // The operator's first administrator, by the CLI on the same configuration.
    let mut cli = gatehouse(&config, shared.path())
        .args(["user", "create", "--username", "root", "--email", "root@example.com", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    cli.stdin.take().unwrap().write_all(STRONG_PASSWORD.as_bytes()).unwrap();
    assert!(cli.wait().unwrap().success());

    let (a, b) = tokio::join!(start_node(&config), start_node(&config));
    let web = client_from(&random_client_ip());

    // Register on A, sign in on B, refresh B's session on A, use it on B.
    ok_json(
        post(
            &web,
            &a,
            "/api/auth/register",
            json!({"username": "alice", "email": "alice@example.com", "password": STRONG_PASSWORD}),
        )
        .await,
    )
    .await;
    let on_b = login(&web, &b, "alice").await;
    let refreshed =
        ok_json(post(&web, &a, "/api/auth/refresh", json!({"refresh_token": s(&on_b["refresh_token"])})).await).await;
    let alice = ok_json(me(&web, &b, s(&refreshed["access_token"])).await).await;
    assert_eq!(alice["user"]["username"], "alice");
    // A retry of the spent token on B (a lost answer) gets A's successor: both
    // nodes derive it from the shared master key (decision 0001).
    let retried =
        ok_json(post(&web, &b, "/api/auth/refresh", json!({"refresh_token": s(&on_b["refresh_token"])})).await).await;
    assert_eq!(retried["refresh_token"], refreshed["refresh_token"]);
    let next =
        ok_json(post(&web, &b, "/api/auth/refresh", json!({"refresh_token": s(&refreshed["refresh_token"])})).await)
            .await;
    // Once the successor is used, the old token is reuse on either node: the session ends everywhere.
    let reused = post(&web, &a, "/api/auth/refresh", json!({"refresh_token": s(&on_b["refresh_token"])})).await;
    assert_problem(reused, 401, "token_reused").await;
    assert_problem(me(&web, &b, s(&next["access_token"])).await, 401, "invalid_token").await;

    // One per-IP login window across both nodes: four attempts, then 429 on either.
    let guesser = client_from(&random_client_ip());
    for node in [&a, &b, &a, &b] {
        let r =
            post(&guesser, node, "/api/auth/login", json!({"username": "alice", "password": "not it at all"})).await;
        assert_problem(r, 401, "invalid_credentials").await;
    }
    for node in [&a, &b] {
        let r =
            post(&guesser, node, "/api/auth/login", json!({"username": "alice", "password": "not it at all"})).await;
        assert_problem(r, 429, "rate_limited").await;
    }

    // Keys rotated on B: A publishes the new key within moments (PostgreSQL
    // notice), signs with it, and accepts B's tokens at once.
    let admin = client_from(&random_client_ip());
    let root = login(&admin, &b, "root").await;
    let old_kid = kid_of(s(&root["access_token"]));
    let rotated = ok_json(
        admin
            .post(format!("{}/api/admin/keys/rotate", b.base))
            .bearer_auth(s(&root["access_token"]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let new_kid = s(&rotated["keys"][0]["kid"]).to_owned();
    assert_ne!(new_kid, old_kid);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !published_kids(&a).await.contains(&new_kid) {
        assert!(Instant::now() < deadline, "node A did not hear of the rotation");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(published_kids(&a).await, published_kids(&b).await);
    let signed_by_a = login(&web, &a, "alice").await;
    assert_eq!(kid_of(s(&signed_by_a["access_token"])), new_kid);
    let signed_by_b = login(&web, &b, "alice").await;
    assert_eq!(kid_of(s(&signed_by_b["access_token"])), new_kid);
    ok_json(me(&web, &a, s(&signed_by_b["access_token"])).await).await;
    // Tokens from before the rotation still verify on both (the old key is published as previous).
    ok_json(me(&admin, &a, s(&root["access_token"])).await).await;

    // A client deleted on B is refused on A at once, though A had it cached
    // (the row's trigger sends a notice; A drops its copy).
    let body = json!({"name": "Nightly job", "grant_types": ["client_credentials"], "scopes": ["read:reports"]});
    let job = ok_json(
        admin
            .post(format!("{}/api/admin/clients", b.base))
            .bearer_auth(s(&root["access_token"]))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token_from = |node: &Node| {
        admin
            .post(format!("{}/oauth2/token", node.base))
            .basic_auth(s(&job["client_id"]), Some(s(&job["client_secret"])))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    for node in [&a, &b, &a] {
        assert_eq!(token_from(node).await.unwrap().status(), 200);
    }
    let deleted = admin
        .delete(format!("{}/api/admin/clients/{}", b.base, s(&job["client_id"])))
        .bearer_auth(s(&root["access_token"]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(token_from(&b).await.unwrap().status(), 401);
    let deadline = Instant::now() + Duration::from_secs(2);
    while token_from(&a).await.unwrap().status() != 401 {
        assert!(Instant::now() < deadline, "node A still honours the deleted client");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Logout on A ends the session for B: its access token and refresh token are dead there.
    let r = post(&web, &a, "/api/auth/logout", json!({"refresh_token": s(&signed_by_b["refresh_token"])})).await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_problem(me(&web, &b, s(&signed_by_b["access_token"])).await, 401, "invalid_token").await;
    let r = post(&web, &b, "/api/auth/refresh", json!({"refresh_token": s(&signed_by_b["refresh_token"])})).await;
    assert_problem(r, 401, "invalid_token").await;
    // The other session lives on.
    ok_json(me(&web, &b, s(&signed_by_a["access_token"])).await).await;

    // B now checks that session in memory; it ends on A, and B hears of it
    // from A's trigger (PostgreSQL's notice), not from a read of its own.
    ok_json(me(&web, &b, s(&signed_by_a["access_token"])).await).await;
    let r = post(&web, &a, "/api/auth/logout", json!({"refresh_token": s(&signed_by_a["refresh_token"])})).await;
    assert!(r.status().is_success(), "{}", r.status());
    refused_on(&b, "a session ended on A", || me(&web, &b, s(&signed_by_a["access_token"]))).await;

    // The same for an account an administrator disables on A.
    let on_b = login(&web, &b, "alice").await;
    ok_json(me(&web, &b, s(&on_b["access_token"])).await).await;
    let users: Value = ok_json(
        admin
            .get(format!("{}/api/admin/users?search=alice", a.base))
            .bearer_auth(s(&root["access_token"]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = s(&users["users"][0]["id"]).to_owned();
    ok_json(
        admin
            .post(format!("{}/api/admin/users/{id}/disable", a.base))
            .bearer_auth(s(&root["access_token"]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    refused_on(&b, "an account disabled on A", || me(&web, &b, s(&on_b["access_token"]))).await;
}

/// Waits until `check` on `node` is refused (401), for at most 5 s (the
/// promise is one), and says how long it took.
async fn refused_on<F, Fut>(node: &Node, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let started = Instant::now();
    loop {
        let status = check().await.status();
        if status == 401 {
            break;
        }
        assert_eq!(status, 200, "{what}: an unexpected answer on {}", node.base);
        assert!(started.elapsed() < Duration::from_secs(5), "{what}: still let through on {} after 5 s", node.base);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("{what}: refused on the other node after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_a_key_id_the_node_has_not_loaded_makes_it_reload_once() {
    // SQLite has no notices: node B learns of A's rotation from the first
    // token that names the new key, not 30 s later.
    let a = TestApp::spawn(Backend::Sqlite).await;
    let b = TestApp::start_on(&a).await;
    let alice = a.signed_up("alice").await;
    a.state.admin.rotate_keys(&crate::helpers::operator(), &Default::default()).await.unwrap();
    let fresh: Value = a.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
    assert_ne!(kid_of(s(&fresh["access_token"])), kid_of(s(&alice["access_token"])));
    assert_eq!(b.me(s(&fresh["access_token"])).await.status(), 200);
    // A made-up key id is still refused, and costs at most one reload a second.
    let forged = {
        let mut parts: Vec<String> = s(&fresh["access_token"]).split('.').map(str::to_owned).collect();
        parts[0] = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"alg":"EdDSA","typ":"at+jwt","kid":"no-such-key"}"#);
        parts.join(".")
    };
    assert_problem(b.me(&forged).await, 401, "invalid_token").await;
}
