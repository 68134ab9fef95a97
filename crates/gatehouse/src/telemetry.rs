//! Logging setup: `tracing` as text or JSON lines — to stdout for `serve`,
//! to stderr for every other command, whose stdout is its answer (a table,
//! JSON lines, a secret shown once) and must stay clean for scripts.

use std::io::IsTerminal;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Where log lines go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stderr,
}

/// Installs the global subscriber (once; later calls are no-ops).
pub fn init(format: LogFormat, level: &str) {
    init_to(format, level, Sink::Stdout);
}

/// Like [`init`], writing to `sink`.
pub fn init_to(format: LogFormat, level: &str, sink: Sink) {
    match sink {
        Sink::Stdout => init_with(format, level, std::io::stdout().is_terminal(), std::io::stdout),
        Sink::Stderr => init_with(format, level, std::io::stderr().is_terminal(), std::io::stderr),
    }
}

/// Installs the global subscriber writing to `writer` (colours when `ansi`).
/// JSON lines carry their target, so a pipeline can pick out the audit events
/// (`"target":"gatehouse::audit"`); text lines stay short.
pub fn init_with<W>(format: LogFormat, level: &str, ansi: bool, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(writer);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Text => builder.with_target(false).try_init(),
    };
}
