//! The report: every figure as JSON, and a Markdown table that sets each
//! target beside what this run measured (and the baselines it is judged by).

use serde::Serialize;

use crate::baseline::Baselines;
use crate::load::Outcome;
use crate::scenarios::BackendResults;

#[derive(Debug, Serialize)]
pub struct Report {
    pub when: String,
    pub machine: Machine,
    pub smoke: bool,
    pub connections: usize,
    pub measure_seconds: f64,
    pub baselines: Baselines,
    pub backends: Vec<BackendResults>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
}

impl Machine {
    pub fn describe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned();
        Self {
            cpu,
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            memory_gib: mem_kib / 1024.0 / 1024.0,
            kernel,
        }
    }
}

/// One target, judged.
#[derive(Debug, Serialize)]
pub struct Check {
    pub backend: String,
    pub scenario: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

fn check(b: &BackendResults, scenario: &str, target: String, measured: String, met: bool) -> Check {
    Check { backend: b.backend.clone(), scenario: scenario.into(), target, measured, met }
}

/// Judges every target the issue sets against this run's figures.
pub fn checks(base: &Baselines, backends: &[BackendResults]) -> Vec<Check> {
    let mut out = Vec::new();
    let hash_rate = 1000.0 / base.argon2id_hash_ms;
    for b in backends {
        if let Some(v) = &b.verify_only {
            let need = 0.85 * base.ed25519_verify_per_s;
            out.push(check(
                b,
                "verify only (gatehouse-verify), req/s",
                format!("≥ 0.85 × {:.0} Ed25519 verifies/s = {need:.0}", base.ed25519_verify_per_s),
                format!("{:.0}", v.rps),
                v.rps >= need,
            ));
            out.push(check(b, "verify only, p99", "< 10 ms".into(), format!("{:.2} ms", v.p99_ms), v.p99_ms < 10.0));
        }
        // Issue 19: session checks at memory speed.
        let need = 0.85 * base.ed25519_verify_per_s;
        let mut session_checks = vec![("GET /api/auth/me", &b.me)];
        if let Some(f) = &b.forward_auth {
            session_checks.push(("GET /api/forward-auth", f));
        }
        if let Some(scale) = &b.at_scale {
            session_checks.push(("GET /api/forward-auth, live sessions at scale", &scale.forward_auth));
        }
        for (name, o) in session_checks {
            out.push(check(
                b,
                &format!("{name}, req/s"),
                format!("≥ 0.85 × {:.0} Ed25519 verifies/s = {need:.0}", base.ed25519_verify_per_s),
                format!("{:.0} ({:.2} ×)", o.rps, o.rps / base.ed25519_verify_per_s.max(1.0)),
                o.rps >= need,
            ));
            out.push(check(
                b,
                &format!("{name}, p99"),
                "< 10 ms".into(),
                format!("{:.2} ms", o.p99_ms),
                o.p99_ms < 10.0,
            ));
        }
        if let Some(scale) = &b.at_scale {
            out.push(check(
                b,
                &format!("RSS holding {} live sessions", scale.sessions),
                "bounded (reported)".into(),
                format!(
                    "{:.1} MiB ({:.1} MiB before; {:.0} bytes a session)",
                    scale.rss_after_mib,
                    scale.rss_before_mib,
                    (scale.rss_after_mib - scale.rss_before_mib) * 1024.0 * 1024.0 / scale.sessions.max(1) as f64
                ),
                true,
            ));
        }
        out.push(check(
            b,
            "client_credentials, req/s",
            "≥ 10,000".into(),
            format!("{:.0}", b.client_credentials.rps),
            b.client_credentials.rps >= 10_000.0,
        ));
        out.push(check(
            b,
            "refresh with rotation, req/s",
            "≥ 2,000".into(),
            format!("{:.0}", b.refresh.rps),
            b.refresh.rps >= 2_000.0,
        ));
        out.push(check(
            b,
            "login p50 (1 connection)",
            format!("≤ 1.2 × {:.1} ms = {:.1} ms", base.argon2id_hash_ms, 1.2 * base.argon2id_hash_ms),
            format!("{:.1} ms", b.login_single.p50_ms),
            b.login_single.p50_ms <= 1.2 * base.argon2id_hash_ms,
        ));
        let need = 0.85 * base.cores as f64 * hash_rate;
        out.push(check(
            b,
            "login saturated, req/s",
            format!("≥ 0.85 × {} cores × {hash_rate:.1} hashes/s = {need:.1}", base.cores),
            format!(
                "{:.1} ({:.2} × the {:.1} hashes/s all cores give at once)",
                b.login_saturated.rps,
                b.login_saturated.rps / base.argon2id_all_cores_per_s.max(1.0),
                base.argon2id_all_cores_per_s
            ),
            b.login_saturated.rps >= need,
        ));
        out.push(check(
            b,
            "peak RSS (login saturated)",
            "< 80 MiB".into(),
            format!("{:.1} MiB", b.peak_rss_mib),
            b.peak_rss_mib < 80.0,
        ));
        out.push(check(b, "idle RSS", "≤ 20 MiB".into(), format!("{:.1} MiB", b.idle_rss_mib), b.idle_rss_mib <= 20.0));
        out.push(check(
            b,
            "start-up, exec → first 200 /healthz",
            "≤ 100 ms".into(),
            format!("{:.1} ms ({:.1} ms on a fresh database)", b.startup_ms, b.startup_fresh_ms),
            b.startup_ms <= 100.0,
        ));
        if let Some(two) = &b.me_two_nodes {
            let ratio = two.rps / b.me.rps.max(1.0);
            out.push(check(
                b,
                "two nodes vs one (GET /api/auth/me)",
                "≥ 1.6 ×".into(),
                format!("{ratio:.2} × ({:.0} vs {:.0} req/s)", two.rps, b.me.rps),
                ratio >= 1.6,
            ));
        }
    }
    out
}

fn row(name: &str, o: &Outcome) -> String {
    format!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} |\n",
        o.connections, o.rps, o.p50_ms, o.p90_ms, o.p99_ms, o.max_ms, o.errors
    )
}

pub fn markdown(r: &Report) -> String {
    let mut md = String::new();
    md.push_str(&format!(
        "Run {} on {} ({} cores, {:.1} GiB, Linux {}){}; {} s per scenario after warm-up, {} connections.\n\n",
        r.when,
        r.machine.cpu,
        r.machine.cores,
        r.machine.memory_gib,
        r.machine.kernel,
        if r.smoke { " — SMOKE MODE, figures not meaningful" } else { "" },
        r.measure_seconds,
        r.connections
    ));
    md.push_str("Baselines (same run, one thread, no HTTP):\n\n");
    md.push_str(&format!(
        "| Ed25519 verifies/s | access-token verifies/s (Gatehouse's code) | one Argon2id hash (19 MiB, t=2) | Argon2id hashes/s, all cores at once | cores |\n|---|---|---|---|---|\n| {:.0} | {:.0} | {:.1} ms | {:.1} | {} |\n\n",
        r.baselines.ed25519_verify_per_s,
        r.baselines.jwt_verify_per_s,
        r.baselines.argon2id_hash_ms,
        r.baselines.argon2id_all_cores_per_s,
        r.baselines.cores
    ));
    md.push_str("Targets:\n\n| backend | scenario | target | measured | met |\n|---|---|---|---|---|\n");
    for c in &r.checks {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            c.backend,
            c.scenario,
            c.target,
            c.measured,
            if c.met { "yes" } else { "**no**" }
        ));
    }
    for b in &r.backends {
        md.push_str(&format!(
            "\n{}:\n\n| scenario | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|---|\n",
            b.backend
        ));
        md.push_str(&row("GET /api/auth/me", &b.me));
        if let Some(f) = &b.forward_auth {
            md.push_str(&row("GET /api/forward-auth (session cookie)", f));
        }
        if let Some(v) = &b.verify_only {
            md.push_str(&row("GET /api/protected (verify only)", v));
        }
        md.push_str(&row("POST /oauth2/token client_credentials", &b.client_credentials));
        md.push_str(&row("POST /api/auth/refresh", &b.refresh));
        md.push_str(&row("POST /api/auth/login", &b.login_single));
        md.push_str(&row("POST /api/auth/login", &b.login_saturated));
        if let Some(t) = &b.me_two_nodes {
            md.push_str(&row("GET /api/auth/me, two nodes", t));
        }
        if let Some(scale) = &b.at_scale {
            md.push_str(&row(
                &format!("GET /api/forward-auth, {} live sessions at random", scale.sessions),
                &scale.forward_auth,
            ));
        }
    }
    md
}
