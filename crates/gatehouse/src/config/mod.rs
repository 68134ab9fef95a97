//! Configuration: defaults < TOML file (`--config`) < `GATEHOUSE_*` environment
//! < command-line flags. Every key is all three. Secrets may come from a file
//! (`*_file`). Unknown keys — in the file or as `GATEHOUSE_*` variables — are
//! rejected with a clear message rather than silently ignored.
//!
//! `raw` holds the options as given (every key optional), `settings` the
//! validated result, `values` the parsers of single values (durations,
//! rates, roles, links, secrets from files).

mod raw;
mod secret_url;
mod settings;
mod values;

pub use raw::{check_env_names, GlobalOptions, RawAccessRule, RawConfig};
pub use secret_url::SecretUrl;
pub use settings::{LogFormat, MasterKeySource, Settings};
pub use values::{default_issuer, parse_duration};

/// A configuration problem: reported in one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn bad(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into())
}

/// Builds the layered configuration: the file (`--config`) under the
/// environment and the flags — `serve`'s own as parsed (`options`), or, for
/// the other commands, the environment alone — under the global options.
pub fn load(global: &GlobalOptions, options: Option<RawConfig>) -> Result<Settings, ConfigError> {
    check_env_names(std::env::vars().map(|(k, _)| k))?;
    let file = match global.config.as_deref() {
        Some(path) => RawConfig::from_file(path)?,
        None => RawConfig::default(),
    };
    let options = match options {
        Some(options) => options,
        None => RawConfig::from_env()?,
    };
    Settings::from_raw(file.overlay(options).overlay(global.layer()))
}

#[cfg(test)]
mod tests;
