//! The `gatehouse` binary as a library: configuration, start-up wiring and the
//! subcommands, so integration tests can start the real server in-process.
#![forbid(unsafe_code)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod data_dir;
pub mod janitor;
pub mod master_key;
pub mod startup;
pub mod telemetry;

use std::process::ExitCode;

use cli::{Cli, Command, ConfigCommand};
use commands::CommandResult;
use config::Settings;

/// Runs a parsed command line; returns the process exit code.
pub fn run(mut cli: Cli) -> ExitCode {
    let settings = match config::load(&cli.global, cli.command.take_options()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gatehouse: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    // The server logs to stdout at its level. Every other command speaks only
    // of its job: its answer on stdout, its failure on stderr — and of the
    // machinery underneath, only errors (on stderr).
    if matches!(cli.command, Command::Serve { .. }) {
        telemetry::init_to(settings.log_format, &settings.log_level, telemetry::Sink::Stdout);
    } else {
        telemetry::init_to(settings.log_format, "error", telemetry::Sink::Stderr);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gatehouse: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(dispatch(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            e.exit_code()
        }
    }
}

async fn dispatch(command: Command, settings: Settings) -> CommandResult {
    match command {
        Command::Serve { .. } => {
            let app = startup::Application::build(settings.clone()).await?;
            let stop = startup::shutdown_signal();
            let address = app.local_addr()?;
            let issuer = &app.state().config.tokens.issuer;
            tracing::info!(
                %address,
                %issuer,
                database = %app.state().store.backend(),
                "gatehouse is listening; open {issuer}/ in a browser"
            );
            if settings.issuer_is_default() && !address.ip().is_loopback() {
                tracing::warn!(
                    "listening beyond this machine with the default issuer {issuer}: set --issuer \
                     (GATEHOUSE_ISSUER) to the address browsers and clients use"
                );
            }
            app.run_with_shutdown(stop).await?;
        }
        Command::Migrate => {
            if settings.database_url.expose().starts_with("sqlite:") {
                data_dir::ensure(&settings.data_dir)?;
            }
            gatehouse_store::migrate(settings.database_url.expose()).await.map_err(startup::database_error)?;
            println!("database is up to date");
        }
        Command::Config(ConfigCommand::Check { .. }) => {
            println!("{}", settings.describe());
            println!("configuration is valid");
        }
        Command::User(cmd) => commands::user::run(cmd, &settings).await?,
        Command::Role(cmd) => commands::role::run(cmd, &settings).await?,
        Command::Backup { path } => commands::backup::run(&path, &settings).await?,
        Command::Purge => commands::purge::run(&settings).await?,
        Command::Keys(cmd) => commands::keys::run(cmd, &settings).await?,
        Command::Client(cmd) => commands::client::run(cmd, &settings).await?,
        Command::Upstream(cmd) => commands::upstream::run(cmd, &settings).await?,
    }
    Ok(())
}
