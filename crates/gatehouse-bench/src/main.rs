//! `gatehouse-bench`: Gatehouse's benchmark suite (run it with `bench/run`).
//!
//! Starts the release `gatehouse` binary on SQLite and on PostgreSQL, loads
//! it from 127.0.0.1 with a one-thread closed-loop generator and writes the
//! results — every figure beside the targets and same-run baselines — as
//! Markdown and JSON. `--smoke` runs everything briefly to show the suite
//! works (its figures mean nothing).

mod baseline;
mod live_sessions;
mod load;
mod node;
mod report;
mod scenarios;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use clap::Parser;

use crate::load::Shape;
use crate::node::NodeConfig;
use crate::scenarios::Plan;

#[derive(Parser, Debug)]
#[command(about = "Gatehouse benchmarks: load scenarios against real servers, reported beside same-run baselines")]
struct Args {
    /// The server binary (build it with `cargo build --release`)
    #[arg(long, default_value = "target/release/gatehouse")]
    gatehouse: PathBuf,
    /// Backends to run: sqlite, postgres (comma-separated)
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// A PostgreSQL URL of a database the bench may create databases from
    #[arg(long, env = "GATEHOUSE_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// Redis for the PostgreSQL nodes' shared rate limits (as a deployment would run)
    #[arg(long, env = "GATEHOUSE_BENCH_REDIS_URL")]
    redis_url: Option<String>,
    /// Concurrent connections of the loaded scenarios
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per scenario
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Warm-up seconds per scenario (not measured)
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Live browser sessions (each of its own user) for the session cache at scale
    #[arg(long, default_value_t = 100_000)]
    live_sessions: usize,
    /// A short run that only shows the suite works
    #[arg(long)]
    smoke: bool,
    /// Where latest.md and latest.json go [default: bench/results; target/bench-smoke with --smoke]
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if args.smoke {
        args.connections = args.connections.min(4);
        args.seconds = args.seconds.min(0.5);
        args.warmup = args.warmup.min(0.1);
        args.live_sessions = args.live_sessions.min(200);
    }
    anyhow::ensure!(args.connections > 0, "--connections must be at least 1");
    let binary = std::fs::canonicalize(&args.gatehouse)
        .with_context(|| format!("no server binary at {} (cargo build --release)", args.gatehouse.display()))?;

    eprintln!("baselines …");
    let baselines = baseline::measure(if args.smoke { Duration::from_millis(200) } else { Duration::from_secs(3) })?;
    eprintln!("{baselines:?}");

    let plan = Plan {
        connections: args.connections,
        live_sessions: args.live_sessions,
        shape: Shape { warmup: Duration::from_secs_f64(args.warmup), measure: Duration::from_secs_f64(args.seconds) },
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let local = tokio::task::LocalSet::new();
    let mut backends = Vec::new();
    for backend in &args.backends {
        let dir = tempfile::tempdir()?;
        let (database_url, two_nodes) = match backend.as_str() {
            "sqlite" => (format!("sqlite://{}", dir.path().join("gatehouse.db").display()), false),
            "postgres" => (local.block_on(&runtime, fresh_postgres_database(&args.postgres_url))?, true),
            other => anyhow::bail!("unknown backend {other:?} (sqlite, postgres)"),
        };
        let config = NodeConfig {
            binary: binary.clone(),
            database_url,
            redis_url: if backend == "postgres" { args.redis_url.clone() } else { None },
            master_key: base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>()),
        };
        let results = local.block_on(&runtime, scenarios::run(backend, &config, plan, two_nodes));
        if backend == "postgres" {
            local.block_on(&runtime, drop_postgres_database(&args.postgres_url, &config.database_url))?;
        }
        backends.push(results?);
    }

    let checks = report::checks(&baselines, &backends);
    let report = report::Report {
        when: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        machine: report::Machine::describe(),
        smoke: args.smoke,
        connections: args.connections,
        measure_seconds: args.seconds,
        baselines,
        backends,
        checks,
    };
    let md = report::markdown(&report);
    let out =
        args.out.unwrap_or_else(|| PathBuf::from(if args.smoke { "target/bench-smoke" } else { "bench/results" }));
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("latest.md"), &md)?;
    std::fs::write(out.join("latest.json"), serde_json::to_string_pretty(&report)?)?;
    println!("{md}");
    eprintln!("written to {}/latest.{{md,json}}", out.display());
    Ok(())
}

/// Creates an empty database next to `admin_url`'s and returns its URL.
async fn fresh_postgres_database(admin_url: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("PostgreSQL is not reachable at {admin_url}"))?;
    let name = format!("gh_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).context("the PostgreSQL URL names no database")?;
    Ok(format!("{base}/{name}"))
}

/// Drops the database [`fresh_postgres_database`] made.
async fn drop_postgres_database(admin_url: &str, url: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let name = url.rsplit_once('/').map(|(_, n)| n).context("no database name")?;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
    Ok(())
}
