//! Logging setup: `tracing` as text or JSON lines — to stdout for `serve`,
//! to stderr for every other command, whose stdout is its answer (a table,
//! JSON lines, a secret shown once) and must stay clean for scripts.

use std::io::IsTerminal;

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
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = match sink {
        Sink::Stdout => std::io::stdout().is_terminal(),
        Sink::Stderr => std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_ansi(ansi);
    let _ = match (format, sink) {
        (LogFormat::Json, Sink::Stdout) => builder.json().flatten_event(true).with_current_span(true).try_init(),
        (LogFormat::Json, Sink::Stderr) => {
            builder.json().flatten_event(true).with_current_span(true).with_writer(std::io::stderr).try_init()
        }
        (LogFormat::Text, Sink::Stdout) => builder.try_init(),
        (LogFormat::Text, Sink::Stderr) => builder.with_writer(std::io::stderr).try_init(),
    };
}
