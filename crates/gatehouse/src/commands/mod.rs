//! What each subcommand does. Errors carry their exit code: 2 for bad input
//! or configuration, 1 for runtime failures.

pub mod backup;
pub mod client;
pub mod keys;
pub mod purge;
pub mod role;
pub mod upstream;
pub mod user;

use std::process::ExitCode;

/// A failed command.
#[derive(Debug)]
pub enum CommandError {
    /// Bad usage or input: exit code 2.
    Usage(String),
    /// Something failed at run time: exit code 1.
    Runtime(anyhow::Error),
}

impl CommandError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage(_) => ExitCode::from(2),
            Self::Runtime(_) => ExitCode::from(1),
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Usage(m) => f.write_str(m),
            Self::Runtime(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<gatehouse_core::Error> for CommandError {
    fn from(e: gatehouse_core::Error) -> Self {
        match e {
            gatehouse_core::Error::Internal(_) => Self::Runtime(anyhow::anyhow!(e)),
            other => Self::Usage(other.to_string()),
        }
    }
}

impl From<anyhow::Error> for CommandError {
    fn from(e: anyhow::Error) -> Self {
        // Configuration found wrong only at start-up (redis_url, theme_dir, the
        // mail settings) exits 2 like any other configuration error.
        let e = match e.downcast::<crate::config::ConfigError>() {
            Ok(config) => return Self::Usage(format!("configuration error: {config}")),
            Err(e) => e,
        };
        match e.downcast::<gatehouse_core::Error>() {
            Ok(core) => core.into(),
            Err(e) => Self::Runtime(e),
        }
    }
}

pub type CommandResult = Result<(), CommandError>;
