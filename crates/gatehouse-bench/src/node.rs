//! `gatehouse serve` processes as an operator would run them: the release
//! binary, configured by environment, each with its own data directory and
//! port. Start-up is timed from `exec` to the first 200 on `/healthz`; memory
//! is read from `/proc/PID/status` (resident set, and its high-water mark).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// The issuer every bench node shares (tokens from one verify on the other).
const ISSUER: &str = "http://127.0.0.1";

/// How one node is configured; shared by every node of a run.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub binary: PathBuf,
    pub database_url: String,
    pub redis_url: Option<String>,
    /// Base64 of the master key all nodes share.
    pub master_key: String,
}

/// A running server, stopped when dropped.
pub struct Node {
    child: Child,
    pub addr: SocketAddr,
    /// From `exec` to the first 200 on `/healthz`.
    pub startup: Duration,
    _dir: tempfile::TempDir,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NodeConfig {
    /// The environment of every bench node: the contract's defaults (Argon2id
    /// 19 MiB, t=2, EdDSA) except rate limits, which a load from one address
    /// would trip at once.
    fn command(&self, data_dir: &Path) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.env_clear()
            .env("GATEHOUSE_DATA_DIR", data_dir)
            .env("GATEHOUSE_DATABASE_URL", &self.database_url)
            .env("GATEHOUSE_MASTER_KEY", &self.master_key)
            .env("GATEHOUSE_ISSUER", ISSUER)
            .env("GATEHOUSE_LOG_LEVEL", "warn")
            // The load generator asks as a reverse proxy does (forward-auth).
            .env("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128");
        for key in [
            "LOGIN_RATE_PER_IP",
            "LOGIN_RATE_PER_ACCOUNT",
            "REGISTER_RATE_PER_IP",
            "REFRESH_RATE_PER_IP",
            "MFA_RATE_PER_IP",
            "MFA_RATE_PER_ACCOUNT",
        ] {
            cmd.env(format!("GATEHOUSE_{key}"), "100000000/min");
        }
        if let Some(url) = &self.redis_url {
            cmd.env("GATEHOUSE_REDIS_URL", url);
        }
        cmd
    }

    /// Runs a CLI command (`gatehouse client create …`) against the database;
    /// returns its standard output.
    pub fn cli(&self, args: &[&str], stdin: &str) -> anyhow::Result<String> {
        let dir = tempfile::tempdir()?;
        let mut child = self
            .command(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("gatehouse {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// Starts a node on a free port and waits for `/healthz`.
    pub fn start(&self) -> anyhow::Result<Node> {
        let dir = tempfile::tempdir()?;
        let addr = free_addr()?;
        let started = Instant::now();
        let child = self
            .command(dir.path())
            .args(["serve", "--bind", &addr.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", self.binary.display()))?;
        Node::wait_healthy(child, addr, started, dir)
    }

    /// Starts the example resource server (`protected-api`, built beside the
    /// server binary) verifying tokens against `gatehouse`'s JWKS.
    pub fn start_protected_api(&self, gatehouse: SocketAddr) -> anyhow::Result<Node> {
        let binary = self.binary.with_file_name("protected-api");
        let dir = tempfile::tempdir()?;
        let addr = free_addr()?;
        let started = Instant::now();
        let child = Command::new(&binary)
            .env_clear()
            .env("GATEHOUSE_ISSUER", ISSUER)
            .env("GATEHOUSE_JWKS_URL", format!("http://{gatehouse}/.well-known/jwks.json"))
            .env("BIND", addr.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {} (cargo build -p protected-api)", binary.display()))?;
        Node::wait_healthy(child, addr, started, dir)
    }
}

impl Node {
    fn wait_healthy(child: Child, addr: SocketAddr, started: Instant, dir: tempfile::TempDir) -> anyhow::Result<Node> {
        let mut node = Node { child, addr, startup: Duration::ZERO, _dir: dir };
        let deadline = started + Duration::from_secs(30);
        loop {
            if healthz(addr) {
                node.startup = started.elapsed();
                return Ok(node);
            }
            if let Some(status) = node.child.try_wait()? {
                bail!("the process for {addr} exited with {status} before answering");
            }
            if Instant::now() > deadline {
                bail!("nothing answered /healthz on {addr} within 30 s");
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in MiB.
    pub fn rss_mib(&self) -> anyhow::Result<f64> {
        status_kib(self.pid(), "VmRSS:").map(|k| k as f64 / 1024.0)
    }

    /// The highest resident memory since start, in MiB.
    pub fn peak_rss_mib(&self) -> anyhow::Result<f64> {
        status_kib(self.pid(), "VmHWM:").map(|k| k as f64 / 1024.0)
    }
}

fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with(field)).with_context(|| format!("no {field} in /proc status"))?;
    Ok(line[field.len()..].trim().trim_end_matches("kB").trim().parse()?)
}

fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// One plain `GET /healthz`; true on a 200.
fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(50)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n").as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && &head[9..12] == b"200"
}
