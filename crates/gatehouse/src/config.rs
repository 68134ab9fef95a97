//! Configuration: defaults < TOML file (`--config`) < `GATEHOUSE_*` environment
//! < command-line flags. Every key is all three. Secrets may come from a file
//! (`*_file`). Unknown keys — in the file or as `GATEHOUSE_*` variables — are
//! rejected with a clear message rather than silently ignored.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use gatehouse_core::account::Role;
use gatehouse_core::flows::{
    AccountsConfig, BrowserSessionConfig, LockoutPolicy, OAuthConfig, RateLimits, WebauthnSettings,
};
use gatehouse_core::password::{HashParams, PasswordPolicy};
use gatehouse_core::ratelimit::Rate;
use gatehouse_core::token::{SigningAlg, TokenSettings};
use gatehouse_server::listener::ConnectionLimits;
use ipnet::IpNet;
use secrecy::SecretString;
use serde::Deserialize;

/// A configuration problem: reported in one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn bad(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into())
}

/// The options every command takes, before or after its name: where the
/// data is and how to open it. The server's own options are [`RawConfig`]'s.
#[derive(Default, Clone, Args)]
pub struct GlobalOptions {
    /// TOML configuration file (holds any option below or of `serve`)
    #[arg(long, global = true, env = "GATEHOUSE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory (SQLite database, master key) [default: ./gatehouse-data]
    #[arg(long, global = true, env = "GATEHOUSE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://… [default: sqlite in the data directory]
    #[arg(long, global = true, env = "GATEHOUSE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// A file holding the database URL
    #[arg(long, global = true, env = "GATEHOUSE_DATABASE_URL_FILE")]
    pub database_url_file: Option<PathBuf>,
    /// Base64 of 32 random bytes; encrypts keys at rest [default: generated into the data directory]
    #[arg(long, global = true, env = "GATEHOUSE_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// A file holding the master key
    #[arg(long, global = true, env = "GATEHOUSE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
}

impl std::fmt::Debug for GlobalOptions {
    /// Names only: the database URL and the master key are secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlobalOptions")
            .field("config", &self.config)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl GlobalOptions {
    /// These options as a configuration layer.
    fn layer(&self) -> RawConfig {
        RawConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            database_url_file: self.database_url_file.clone(),
            master_key: self.master_key.clone(),
            master_key_file: self.master_key_file.clone(),
            ..RawConfig::default()
        }
    }
}

/// One layer of configuration. The same struct is the TOML file's schema and
/// `serve`'s flags and environment (the global options, marked `skip` here,
/// are [`GlobalOptions`]'s), so they can never drift apart.
#[derive(Default, Clone, Deserialize, Args)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "GATEHOUSE_BIND")]
    pub bind: Option<String>,
    /// A global option ([`GlobalOptions`]).
    #[arg(skip)]
    pub data_dir: Option<PathBuf>,
    #[arg(skip)]
    pub database_url: Option<String>,
    #[arg(skip)]
    pub database_url_file: Option<PathBuf>,
    /// redis://… or rediss://… to share rate limits between nodes [default: limits in process]
    #[arg(long, env = "GATEHOUSE_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    #[arg(long, env = "GATEHOUSE_REDIS_URL_FILE")]
    pub redis_url_file: Option<PathBuf>,
    /// When Redis fails, refuse rate-limited requests (503) instead of counting in process [default: false]
    #[arg(long, env = "GATEHOUSE_RATE_LIMIT_FAIL_CLOSED")]
    pub rate_limit_fail_closed: Option<bool>,
    /// Public base URL; the `iss` of tokens [default: http://<bind>]
    #[arg(long, env = "GATEHOUSE_ISSUER")]
    pub issuer: Option<String>,
    /// The `aud` of access tokens [default: the issuer]
    #[arg(long, env = "GATEHOUSE_AUDIENCE")]
    pub audience: Option<String>,
    #[arg(skip)]
    pub master_key: Option<String>,
    #[arg(skip)]
    pub master_key_file: Option<PathBuf>,
    /// smtp://… or smtps://… for outgoing mail (used from the email release on)
    #[arg(long, env = "GATEHOUSE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    #[arg(long, env = "GATEHOUSE_SMTP_URL_FILE")]
    pub smtp_url_file: Option<PathBuf>,
    /// text or json [default: text]
    #[arg(long, env = "GATEHOUSE_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// A tracing filter such as info or gatehouse=debug [default: info]
    #[arg(long, env = "GATEHOUSE_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// EdDSA, ES256 or RS256 [default: EdDSA]
    #[arg(long, env = "GATEHOUSE_SIGNING_ALG")]
    pub signing_alg: Option<String>,
    /// Access token lifetime [default: 15m]
    #[arg(long, env = "GATEHOUSE_ACCESS_TOKEN_TTL")]
    pub access_token_ttl: Option<String>,
    /// Session idle lifetime (no refresh for this long ends it) [default: 14d]
    #[arg(long, env = "GATEHOUSE_SESSION_IDLE")]
    pub session_idle: Option<String>,
    /// Session absolute lifetime [default: 90d]
    #[arg(long, env = "GATEHOUSE_SESSION_ABSOLUTE")]
    pub session_absolute: Option<String>,
    /// Retry window for a spent refresh token from the same client (0 turns it off) [default: 2s]
    #[arg(long, env = "GATEHOUSE_REFRESH_GRACE")]
    pub refresh_grace: Option<String>,
    /// Argon2id memory in KiB [default: 19456]
    #[arg(long, env = "GATEHOUSE_ARGON2_MEMORY_KIB")]
    pub argon2_memory_kib: Option<u32>,
    /// Argon2id iterations [default: 2]
    #[arg(long, env = "GATEHOUSE_ARGON2_ITERATIONS")]
    pub argon2_iterations: Option<u32>,
    /// Argon2id parallelism [default: 1]
    #[arg(long, env = "GATEHOUSE_ARGON2_PARALLELISM")]
    pub argon2_parallelism: Option<u32>,
    /// Password hashing threads [default: number of cores]
    #[arg(long, env = "GATEHOUSE_HASH_WORKERS")]
    pub hash_workers: Option<usize>,
    /// Hash jobs that may wait before the server answers 503 [default: 64]
    #[arg(long, env = "GATEHOUSE_HASH_QUEUE")]
    pub hash_queue: Option<usize>,
    /// Minimum password length [default: 12]
    #[arg(long, env = "GATEHOUSE_PASSWORD_MIN_LENGTH")]
    pub password_min_length: Option<usize>,
    /// Minimum zxcvbn score 0–4 [default: 3]
    #[arg(long, env = "GATEHOUSE_PASSWORD_MIN_SCORE")]
    pub password_min_score: Option<u8>,
    /// Proxies whose X-Forwarded-For is believed (CIDRs, comma-separated) [default: none]
    #[arg(long, env = "GATEHOUSE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Login attempts per IP [default: 30/min]
    #[arg(long, env = "GATEHOUSE_LOGIN_RATE_PER_IP")]
    pub login_rate_per_ip: Option<String>,
    /// Login attempts per account [default: 10/min]
    #[arg(long, env = "GATEHOUSE_LOGIN_RATE_PER_ACCOUNT")]
    pub login_rate_per_account: Option<String>,
    /// Registrations per IP [default: 20/h]
    #[arg(long, env = "GATEHOUSE_REGISTER_RATE_PER_IP")]
    pub register_rate_per_ip: Option<String>,
    /// Refreshes per IP [default: 120/min]
    #[arg(long, env = "GATEHOUSE_REFRESH_RATE_PER_IP")]
    pub refresh_rate_per_ip: Option<String>,
    /// Requests with API keys per IP [default: 1200/min]
    #[arg(long, env = "GATEHOUSE_API_KEY_RATE_PER_IP")]
    pub api_key_rate_per_ip: Option<String>,
    /// Requests with one API key [default: 600/min]
    #[arg(long, env = "GATEHOUSE_API_KEY_RATE_PER_KEY")]
    pub api_key_rate_per_key: Option<String>,
    /// Consecutive failures before lockout starts [default: 5]
    #[arg(long, env = "GATEHOUSE_LOCKOUT_THRESHOLD")]
    pub lockout_threshold: Option<u32>,
    /// First lockout delay, doubled per further failure [default: 5s]
    #[arg(long, env = "GATEHOUSE_LOCKOUT_BASE_DELAY")]
    pub lockout_base_delay: Option<String>,
    /// Longest lockout delay [default: 15m]
    #[arg(long, env = "GATEHOUSE_LOCKOUT_MAX_DELAY")]
    pub lockout_max_delay: Option<String>,
    /// Roles of self-registered users (comma-separated) [default: user]
    #[arg(long, env = "GATEHOUSE_DEFAULT_ROLES", value_delimiter = ',')]
    pub default_roles: Option<Vec<String>>,
    /// Product name shown in authenticator apps and mails [default: Gatehouse]
    #[arg(long, env = "GATEHOUSE_NAME")]
    pub name: Option<String>,
    /// Every user must set up a second factor [default: false]
    #[arg(long, env = "GATEHOUSE_MFA_REQUIRED")]
    pub mfa_required: Option<bool>,
    /// Users with any of these roles must set up a second factor (comma-separated) [default: none]
    #[arg(long, env = "GATEHOUSE_MFA_REQUIRED_ROLES", value_delimiter = ',')]
    pub mfa_required_roles: Option<Vec<String>>,
    /// Sensitive MFA changes need an authentication at most this old [default: 10m]
    #[arg(long, env = "GATEHOUSE_STEP_UP_WINDOW")]
    pub step_up_window: Option<String>,
    /// Second-factor attempts per IP [default: 30/min]
    #[arg(long, env = "GATEHOUSE_MFA_RATE_PER_IP")]
    pub mfa_rate_per_ip: Option<String>,
    /// Second-factor attempts per account [default: 10/min]
    #[arg(long, env = "GATEHOUSE_MFA_RATE_PER_ACCOUNT")]
    pub mfa_rate_per_account: Option<String>,
    /// WebAuthn relying party id [default: the issuer's host]
    #[arg(long, env = "GATEHOUSE_WEBAUTHN_RP_ID")]
    pub webauthn_rp_id: Option<String>,
    /// WebAuthn origin that pages are served from [default: the issuer's scheme://host:port]
    #[arg(long, env = "GATEHOUSE_WEBAUTHN_ORIGIN")]
    pub webauthn_origin: Option<String>,
    /// Sender of mails [default: "<name> <no-reply@issuer host>"]
    #[arg(long, env = "GATEHOUSE_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Refuse password login until the email address is verified [default: false]
    #[arg(long, env = "GATEHOUSE_REQUIRE_VERIFIED_EMAIL")]
    pub require_verified_email: Option<bool>,
    /// Lifetime of verification and email-change links [default: 24h]
    #[arg(long, env = "GATEHOUSE_EMAIL_VERIFICATION_TTL")]
    pub email_verification_ttl: Option<String>,
    /// Lifetime of password-reset links [default: 30m]
    #[arg(long, env = "GATEHOUSE_PASSWORD_RESET_TTL")]
    pub password_reset_ttl: Option<String>,
    /// Password-reset requests per IP [default: 20/h]
    #[arg(long, env = "GATEHOUSE_FORGOT_RATE_PER_IP")]
    pub forgot_rate_per_ip: Option<String>,
    /// Password-reset requests per email address [default: 5/h]
    #[arg(long, env = "GATEHOUSE_FORGOT_RATE_PER_EMAIL")]
    pub forgot_rate_per_email: Option<String>,
    /// Browser session (sign-in pages) idle lifetime [default: 30m]
    #[arg(long, env = "GATEHOUSE_BROWSER_SESSION_IDLE")]
    pub browser_session_idle: Option<String>,
    /// Browser session absolute lifetime [default: 12h]
    #[arg(long, env = "GATEHOUSE_BROWSER_SESSION_ABSOLUTE")]
    pub browser_session_absolute: Option<String>,
    /// Browser session absolute lifetime with "Remember me" [default: 30d]
    #[arg(long, env = "GATEHOUSE_BROWSER_SESSION_REMEMBER")]
    pub browser_session_remember: Option<String>,
    /// Require PKCE (S256) from confidential OAuth clients too; public clients always need it [default: true]
    #[arg(long, env = "GATEHOUSE_OAUTH_PKCE_REQUIRED")]
    pub oauth_pkce_required: Option<bool>,
    /// Lifetime of OAuth authorization codes [default: 60s]
    #[arg(long, env = "GATEHOUSE_OAUTH_CODE_TTL")]
    pub oauth_code_ttl: Option<String>,
    /// Directory whose templates and assets replace the embedded ones of the same name [default: none]
    #[arg(long, env = "GATEHOUSE_THEME_DIR")]
    pub theme_dir: Option<PathBuf>,
    /// Terms of service link; with it (or privacy_url) sign-up asks the person to agree [default: none]
    #[arg(long, env = "GATEHOUSE_TERMS_URL")]
    pub terms_url: Option<String>,
    /// Privacy policy link shown at sign-up [default: none]
    #[arg(long, env = "GATEHOUSE_PRIVACY_URL")]
    pub privacy_url: Option<String>,
    /// Open connections at most; more are answered 503 and closed [default: 4096]
    #[arg(long, env = "GATEHOUSE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Open connections per client address (IPv6: per /64; trusted proxies exempt) [default: 256]
    #[arg(long, env = "GATEHOUSE_MAX_CONNECTIONS_PER_IP")]
    pub max_connections_per_ip: Option<usize>,
    /// A connection that does not send a request's headers within this is closed [default: 10s]
    #[arg(long, env = "GATEHOUSE_HEADER_READ_TIMEOUT")]
    pub header_read_timeout: Option<String>,
    /// A whole request, body included, gets at most this; then 408 [default: 30s]
    #[arg(long, env = "GATEHOUSE_REQUEST_TIMEOUT")]
    pub request_timeout: Option<String>,
    /// The largest request line and headers, in bytes (at least 8192); larger is 431 [default: 32768]
    #[arg(long, env = "GATEHOUSE_MAX_HEADER_BYTES")]
    pub max_header_bytes: Option<usize>,
    /// /metrics answers only `Authorization: Bearer <this>` [default: none, open]
    #[arg(long, env = "GATEHOUSE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[arg(long, env = "GATEHOUSE_METRICS_TOKEN_FILE")]
    pub metrics_token_file: Option<PathBuf>,
}

macro_rules! overlay {
    ($base:ident, $top:ident, $($field:ident),* $(,)?) => {
        RawConfig { $($field: $top.$field.or($base.$field),)* }
    };
}

impl std::fmt::Debug for RawConfig {
    /// Nothing: a layer may hold secrets (URLs with passwords, the master key).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RawConfig { .. }")
    }
}

impl RawConfig {
    /// The server options set as `GATEHOUSE_*` variables, for the commands
    /// that take them from the environment (and the file) but not as flags.
    pub fn from_env() -> Result<RawConfig, ConfigError> {
        use clap::FromArgMatches;
        let matches = RawConfig::augment_args(clap::Command::new("gatehouse"))
            .try_get_matches_from(["gatehouse"])
            .map_err(|e| bad(e.to_string().trim().to_owned()))?;
        RawConfig::from_arg_matches(&matches).map_err(|e| bad(e.to_string().trim().to_owned()))
    }

    /// `top` wins wherever it has a value.
    pub fn overlay(self, top: RawConfig) -> RawConfig {
        let base = self;
        overlay!(
            base,
            top,
            bind,
            data_dir,
            database_url,
            database_url_file,
            redis_url,
            redis_url_file,
            rate_limit_fail_closed,
            issuer,
            audience,
            master_key,
            master_key_file,
            smtp_url,
            smtp_url_file,
            log_format,
            log_level,
            signing_alg,
            access_token_ttl,
            session_idle,
            session_absolute,
            refresh_grace,
            argon2_memory_kib,
            argon2_iterations,
            argon2_parallelism,
            hash_workers,
            hash_queue,
            password_min_length,
            password_min_score,
            trusted_proxies,
            login_rate_per_ip,
            login_rate_per_account,
            register_rate_per_ip,
            refresh_rate_per_ip,
            api_key_rate_per_ip,
            api_key_rate_per_key,
            lockout_threshold,
            lockout_base_delay,
            lockout_max_delay,
            default_roles,
            name,
            mfa_required,
            mfa_required_roles,
            step_up_window,
            mfa_rate_per_ip,
            mfa_rate_per_account,
            webauthn_rp_id,
            webauthn_origin,
            mail_from,
            require_verified_email,
            email_verification_ttl,
            password_reset_ttl,
            forgot_rate_per_ip,
            forgot_rate_per_email,
            browser_session_idle,
            browser_session_absolute,
            browser_session_remember,
            oauth_pkce_required,
            oauth_code_ttl,
            theme_dir,
            terms_url,
            privacy_url,
            max_connections,
            max_connections_per_ip,
            header_read_timeout,
            request_timeout,
            max_header_bytes,
            metrics_token,
            metrics_token_file
        )
    }

    /// Reads a TOML file; unknown keys are an error naming the key.
    pub fn from_file(path: &Path) -> Result<RawConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(format!("cannot read config file {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| bad(format!("config file {}: {}", path.display(), e.message())))
    }
}

/// Rejects `GATEHOUSE_*` variables that name no option (a typo would otherwise
/// be silently ignored). `GATEHOUSE_CONFIG` and `GATEHOUSE_TEST_*` are allowed.
pub fn check_env_names(vars: impl Iterator<Item = String>) -> Result<(), ConfigError> {
    let cmd = GlobalOptions::augment_args(RawConfig::augment_args(clap::Command::new("gatehouse")));
    let known: Vec<String> =
        cmd.get_arguments().filter_map(|a| a.get_env().and_then(|e| e.to_str()).map(str::to_owned)).collect();
    for name in vars {
        if name.starts_with("GATEHOUSE_")
            && name != "GATEHOUSE_CONFIG"
            && !name.starts_with("GATEHOUSE_TEST_")
            && !known.contains(&name)
        {
            return Err(bad(format!("unknown environment variable {name} (see `gatehouse --help` for the options)")));
        }
    }
    Ok(())
}

/// The final, validated configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub redis_url: Option<String>,
    /// With `redis_url`: a Redis failure refuses rate-limited requests (503)
    /// instead of falling back to in-process counters.
    pub rate_limit_fail_closed: bool,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub master_key: MasterKeySource,
    pub log_format: LogFormat,
    pub log_level: String,
    pub hash_params: HashParams,
    pub hash_workers: usize,
    pub hash_queue: usize,
    pub trusted_proxies: Vec<IpNet>,
    pub accounts: AccountsConfig,
    pub theme_dir: Option<PathBuf>,
    pub legal: gatehouse_server::state::LegalLinks,
    pub limits: ConnectionLimits,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<SecretString>,
    /// The layers these settings were made from, to make them again once the
    /// listener has its port (see [`Settings::bound_to`]).
    source: RawConfig,
}

#[derive(Debug, Clone)]
pub enum MasterKeySource {
    Inline(SecretString),
    File(PathBuf),
    /// `<data_dir>/master.key`, generated on first start.
    DataDir(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Parses `15m`, `14d`, `10s`, `2h`, `500ms` or plain seconds.
pub fn parse_duration(key: &str, s: &str) -> Result<Duration, ConfigError> {
    let s = s.trim();
    let err = || bad(format!("{key}: '{s}' is not a duration (write e.g. 30s, 15m, 12h, 14d)"));
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| err())?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => return Ok(Duration::from_millis(n)),
        "m" | "min" => n.checked_mul(60).ok_or_else(err)?,
        "h" => n.checked_mul(3600).ok_or_else(err)?,
        "d" => n.checked_mul(86400).ok_or_else(err)?,
        _ => return Err(err()),
    };
    Ok(Duration::from_secs(secs))
}

/// The issuer when none is configured: on a loopback or unspecified address,
/// `http://localhost:PORT` — a name, so passkeys work and browsers treat the
/// plain-http origin as secure — else the address itself.
pub fn default_issuer(bind: SocketAddr) -> String {
    if bind.ip().is_loopback() || bind.ip().is_unspecified() {
        format!("http://localhost:{}", bind.port())
    } else {
        format!("http://{bind}")
    }
}

fn read_secret_file(key: &str, path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| bad(format!("{key}: cannot read {}: {e}", path.display())))
}

fn pick_secret(key: &str, inline: Option<String>, file: Option<PathBuf>) -> Result<Option<String>, ConfigError> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(bad(format!("set either {key} or {key}_file, not both"))),
        (Some(v), None) => Ok(Some(v)),
        (None, Some(path)) => read_secret_file(&format!("{key}_file"), &path).map(Some),
        (None, None) => Ok(None),
    }
}

fn rate(key: &str, value: Option<String>, default: Rate) -> Result<Rate, ConfigError> {
    value.map(|v| v.parse::<Rate>().map_err(|e| bad(format!("{key}: {e}")))).transpose().map(|r| r.unwrap_or(default))
}

/// The issuer's origin (scheme://host[:port]) and host, which WebAuthn uses
/// unless configured otherwise.
fn webauthn_settings(
    issuer: &str,
    rp_id: Option<String>,
    origin: Option<String>,
) -> Result<WebauthnSettings, ConfigError> {
    let (scheme, rest) = issuer.split_once("://").ok_or_else(|| bad("issuer: expected an http(s) URL"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit_once(':').map(|(h, _)| h).unwrap_or(authority).trim_matches(['[', ']']);
    if host.is_empty() {
        return Err(bad("issuer: the URL has no host"));
    }
    let origin = origin.unwrap_or_else(|| format!("{scheme}://{authority}"));
    let rp_id = rp_id.unwrap_or_else(|| host.to_owned());
    let origin_host = origin.split_once("://").map(|(_, r)| r).unwrap_or("");
    let origin_host = origin_host.split(['/', ':']).next().unwrap_or("");
    if !(origin_host == rp_id || origin_host.ends_with(&format!(".{rp_id}"))) {
        return Err(bad(format!("webauthn_rp_id '{rp_id}' must be the origin's host or a parent domain of it")));
    }
    Ok(WebauthnSettings { rp_id, origin })
}

fn roles(key: &str, names: Vec<String>) -> Result<Vec<Role>, ConfigError> {
    names
        .iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| Role::parse(r).map_err(|e| bad(format!("{key}: {e}"))))
        .collect()
}

/// An absolute http(s) link shown on the pages.
fn link(key: &str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(Some(v)),
            _ => Err(bad(format!("{key}: an absolute http(s) URL, got {v:?}"))),
        },
    }
}

/// A Redis URL the limiter can open. The URL is not echoed: it may hold a password.
fn check_redis_url(url: &str) -> Result<(), ConfigError> {
    let usage = "redis_url: expected redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://… or unix://PATH";
    let parsed = url::Url::parse(url).map_err(|_| bad(usage))?;
    match parsed.scheme() {
        "redis" | "rediss" | "valkey" | "valkeys" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "unix" | "redis+unix" | "valkey+unix" if !parsed.path().is_empty() => Ok(()),
        _ => Err(bad(usage)),
    }
}

fn duration(key: &str, value: Option<String>, default: Duration) -> Result<Duration, ConfigError> {
    value.map(|v| parse_duration(key, &v)).transpose().map(|d| d.unwrap_or(default))
}

impl Settings {
    pub fn from_raw(raw: RawConfig) -> Result<Settings, ConfigError> {
        let source = raw.clone();
        let bind: SocketAddr = raw
            .bind
            .as_deref()
            .unwrap_or("127.0.0.1:8080")
            .parse()
            .map_err(|_| bad("bind: expected an address like 127.0.0.1:8080"))?;
        let data_dir = raw.data_dir.unwrap_or_else(|| PathBuf::from("./gatehouse-data"));
        let database_url = pick_secret("database_url", raw.database_url, raw.database_url_file)?
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("gatehouse.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad("database_url: expected sqlite://PATH or postgres://USER@HOST/DB"));
        }
        let redis_url = pick_secret("redis_url", raw.redis_url, raw.redis_url_file)?.filter(|u| !u.trim().is_empty());
        if let Some(url) = &redis_url {
            check_redis_url(url)?;
        }
        let smtp_url = pick_secret("smtp_url", raw.smtp_url, raw.smtp_url_file)?.map(SecretString::from);
        let master_key = match (raw.master_key, raw.master_key_file) {
            (Some(_), Some(_)) => return Err(bad("set either master_key or master_key_file, not both")),
            (Some(v), None) => {
                gatehouse_core::crypto::MasterKey::from_base64(&v).map_err(|e| bad(format!("master_key: {e}")))?;
                MasterKeySource::Inline(SecretString::from(v))
            }
            (None, Some(p)) => MasterKeySource::File(p),
            (None, None) => MasterKeySource::DataDir(data_dir.join("master.key")),
        };
        let issuer = raw.issuer.unwrap_or_else(|| default_issuer(bind)).trim_end_matches('/').to_owned();
        if !(issuer.starts_with("http://") || issuer.starts_with("https://")) {
            return Err(bad("issuer: expected an http:// or https:// URL"));
        }
        let audience = raw.audience.unwrap_or_else(|| issuer.clone());
        let webauthn = webauthn_settings(&issuer, raw.webauthn_rp_id, raw.webauthn_origin)?;
        let is_ip = webauthn.rp_id.parse::<std::net::IpAddr>().is_ok();
        let mail_host = if !is_ip && (webauthn.rp_id.contains('.') || webauthn.rp_id == "localhost") {
            webauthn.rp_id.clone()
        } else {
            "localhost".to_owned()
        };
        let log_format = match raw.log_format.as_deref().unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => return Err(bad(format!("log_format: '{other}' is not text or json"))),
        };
        let signing_alg: SigningAlg =
            raw.signing_alg.as_deref().unwrap_or("EdDSA").parse().map_err(|e| bad(format!("signing_alg: {e}")))?;
        let defaults = HashParams::default();
        let hash_params = HashParams {
            m_cost_kib: raw.argon2_memory_kib.unwrap_or(defaults.m_cost_kib),
            t_cost: raw.argon2_iterations.unwrap_or(defaults.t_cost),
            p_cost: raw.argon2_parallelism.unwrap_or(defaults.p_cost),
        };
        if hash_params.m_cost_kib < 8 * hash_params.p_cost.max(1) || hash_params.t_cost == 0 || hash_params.p_cost == 0
        {
            return Err(bad("argon2: memory must be at least 8 KiB per lane; iterations and parallelism at least 1"));
        }
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let hash_workers = raw.hash_workers.unwrap_or(cores).max(1);
        let hash_queue = raw.hash_queue.unwrap_or(64).max(1);
        let trusted_proxies = raw
            .trusted_proxies
            .unwrap_or_default()
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                let s = s.trim();
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                    .map_err(|_| bad(format!("trusted_proxies: '{s}' is not an IP address or CIDR")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let limit_defaults = RateLimits::default();
        let limits = RateLimits {
            login_per_ip: rate("login_rate_per_ip", raw.login_rate_per_ip, limit_defaults.login_per_ip)?,
            login_per_account: rate(
                "login_rate_per_account",
                raw.login_rate_per_account,
                limit_defaults.login_per_account,
            )?,
            login_per_account_hourly: limit_defaults.login_per_account_hourly,
            register_per_ip: rate("register_rate_per_ip", raw.register_rate_per_ip, limit_defaults.register_per_ip)?,
            refresh_per_ip: rate("refresh_rate_per_ip", raw.refresh_rate_per_ip, limit_defaults.refresh_per_ip)?,
            mfa_per_ip: rate("mfa_rate_per_ip", raw.mfa_rate_per_ip, limit_defaults.mfa_per_ip)?,
            mfa_per_account: rate("mfa_rate_per_account", raw.mfa_rate_per_account, limit_defaults.mfa_per_account)?,
            forgot_per_ip: rate("forgot_rate_per_ip", raw.forgot_rate_per_ip, limit_defaults.forgot_per_ip)?,
            forgot_per_email: rate(
                "forgot_rate_per_email",
                raw.forgot_rate_per_email,
                limit_defaults.forgot_per_email,
            )?,
            resend_per_account: limit_defaults.resend_per_account,
            api_key_per_ip: rate("api_key_rate_per_ip", raw.api_key_rate_per_ip, limit_defaults.api_key_per_ip)?,
            api_key_per_key: rate("api_key_rate_per_key", raw.api_key_rate_per_key, limit_defaults.api_key_per_key)?,
            api_key_creation: limit_defaults.api_key_creation,
        };
        let lockout_defaults = LockoutPolicy::default();
        let lockout = LockoutPolicy {
            threshold: raw.lockout_threshold.unwrap_or(lockout_defaults.threshold).max(1),
            base_delay: duration("lockout_base_delay", raw.lockout_base_delay, lockout_defaults.base_delay)?,
            max_delay: duration("lockout_max_delay", raw.lockout_max_delay, lockout_defaults.max_delay)?,
        };
        let policy_defaults = PasswordPolicy::default();
        let password_policy = PasswordPolicy {
            min_length: raw.password_min_length.unwrap_or(policy_defaults.min_length).max(8),
            max_length: policy_defaults.max_length,
            min_score: raw.password_min_score.unwrap_or(policy_defaults.min_score).min(4),
        };
        let default_roles = roles("default_roles", raw.default_roles.unwrap_or_else(|| vec![Role::USER.to_owned()]))?;
        if default_roles.iter().any(|r| r.as_str() == Role::ADMIN) {
            return Err(bad("default_roles must not include admin: everyone who signs up would administer Gatehouse \
                 (give the role with `gatehouse user set-role` instead)"));
        }
        let mfa_required_roles = roles("mfa_required_roles", raw.mfa_required_roles.unwrap_or_default())?;
        let product_name = raw.name.unwrap_or_else(|| "Gatehouse".to_owned());
        if product_name.trim().is_empty() || product_name.len() > 64 {
            return Err(bad("name: 1 to 64 characters"));
        }
        let session_idle = duration("session_idle", raw.session_idle, Duration::from_secs(14 * 86400))?;
        let session_absolute = duration("session_absolute", raw.session_absolute, Duration::from_secs(90 * 86400))?;
        let access_ttl = duration("access_token_ttl", raw.access_token_ttl, Duration::from_secs(15 * 60))?;
        if access_ttl.is_zero() || session_idle.is_zero() || session_absolute.is_zero() {
            return Err(bad("token and session lifetimes must be longer than zero"));
        }
        let browser = BrowserSessionConfig {
            idle: duration("browser_session_idle", raw.browser_session_idle, Duration::from_secs(30 * 60))?,
            absolute: duration(
                "browser_session_absolute",
                raw.browser_session_absolute,
                Duration::from_secs(12 * 3600),
            )?,
            remembered: duration(
                "browser_session_remember",
                raw.browser_session_remember,
                Duration::from_secs(30 * 86400),
            )?,
        };
        if browser.idle.is_zero() || browser.absolute.is_zero() || browser.remembered.is_zero() {
            return Err(bad("browser session lifetimes must be longer than zero"));
        }
        let oauth = OAuthConfig {
            code_ttl: duration("oauth_code_ttl", raw.oauth_code_ttl, Duration::from_secs(60))?,
            pkce_required: raw.oauth_pkce_required.unwrap_or(true),
        };
        if oauth.code_ttl.is_zero() || oauth.code_ttl > Duration::from_secs(600) {
            return Err(bad("oauth_code_ttl: more than zero and at most 10 minutes"));
        }
        let accounts = AccountsConfig {
            tokens: TokenSettings { issuer, audience, access_ttl },
            signing_alg,
            session_idle,
            session_absolute,
            refresh_grace: duration("refresh_grace", raw.refresh_grace, Duration::from_secs(2))?,
            lockout,
            limits,
            password_policy,
            default_roles,
            product_name,
            step_up_window: duration("step_up_window", raw.step_up_window, Duration::from_secs(600))?,
            mfa_required: raw.mfa_required.unwrap_or(false),
            mfa_required_roles,
            webauthn,
            require_verified_email: raw.require_verified_email.unwrap_or(false),
            email_verification_ttl: duration(
                "email_verification_ttl",
                raw.email_verification_ttl,
                Duration::from_secs(24 * 3600),
            )?,
            password_reset_ttl: duration("password_reset_ttl", raw.password_reset_ttl, Duration::from_secs(30 * 60))?,
            browser,
            oauth,
        };
        let mail_from = raw.mail_from.unwrap_or_else(|| format!("{} <no-reply@{mail_host}>", accounts.product_name));
        let limit_defaults = ConnectionLimits::default();
        let limits = ConnectionLimits {
            max_connections: raw.max_connections.unwrap_or(limit_defaults.max_connections),
            max_connections_per_ip: raw.max_connections_per_ip.unwrap_or(limit_defaults.max_connections_per_ip),
            header_read_timeout: duration(
                "header_read_timeout",
                raw.header_read_timeout,
                limit_defaults.header_read_timeout,
            )?,
            request_timeout: duration("request_timeout", raw.request_timeout, limit_defaults.request_timeout)?,
            max_header_bytes: raw.max_header_bytes.unwrap_or(limit_defaults.max_header_bytes),
        };
        if limits.max_connections == 0 || limits.max_connections_per_ip == 0 {
            return Err(bad("max_connections and max_connections_per_ip: at least 1"));
        }
        if limits.header_read_timeout.is_zero() || limits.request_timeout.is_zero() {
            return Err(bad("header_read_timeout and request_timeout must be longer than zero"));
        }
        if limits.max_header_bytes < gatehouse_server::listener::MIN_HEADER_BYTES {
            return Err(bad(format!("max_header_bytes: at least {}", gatehouse_server::listener::MIN_HEADER_BYTES)));
        }
        Ok(Settings {
            bind,
            data_dir,
            database_url,
            redis_url,
            rate_limit_fail_closed: raw.rate_limit_fail_closed.unwrap_or(false),
            smtp_url,
            mail_from,
            master_key,
            log_format,
            log_level: raw.log_level.unwrap_or_else(|| "info".into()),
            hash_params,
            hash_workers,
            hash_queue,
            trusted_proxies,
            accounts,
            theme_dir: raw.theme_dir,
            legal: gatehouse_server::state::LegalLinks {
                terms_url: link("terms_url", raw.terms_url)?,
                privacy_url: link("privacy_url", raw.privacy_url)?,
            },
            limits,
            metrics_token: pick_secret("metrics_token", raw.metrics_token, raw.metrics_token_file)?
                .filter(|t| !t.trim().is_empty())
                .map(SecretString::from),
            source,
        })
    }

    /// No issuer was configured: it follows the listening address.
    pub fn issuer_is_default(&self) -> bool {
        self.source.issuer.is_none()
    }

    /// The settings of a server listening on `local` — the same unless the
    /// configured port was 0, when what follows from the address (the
    /// default issuer, its origin for passkeys, the mail sender) names the
    /// port the system chose.
    pub fn bound_to(self, local: SocketAddr) -> Result<Settings, ConfigError> {
        if self.bind.port() != 0 || local.port() == 0 {
            return Ok(self);
        }
        let mut raw = self.source;
        raw.bind = Some(local.to_string());
        Settings::from_raw(raw)
    }

    /// Defaults for everything (what `gatehouse serve` with no options uses).
    pub fn defaults() -> Result<Settings, ConfigError> {
        Self::from_raw(RawConfig::default())
    }

    /// A human-readable summary with secrets redacted (`gatehouse config check`).
    pub fn describe(&self) -> String {
        let a = &self.accounts;
        let redact_url = |u: &str| match (u.find("://"), u.rfind('@')) {
            (Some(s), Some(at)) if at > s => format!("{}://***@{}", &u[..s], &u[at + 1..]),
            _ => u.to_owned(),
        };
        let master = match &self.master_key {
            MasterKeySource::Inline(_) => "inline (redacted)".to_owned(),
            MasterKeySource::File(p) => format!("file {}", p.display()),
            MasterKeySource::DataDir(p) => format!("{} (generated on first start)", p.display()),
        };
        let lines = [
            format!("bind               {}", self.bind),
            format!("data_dir           {}", self.data_dir.display()),
            format!("database_url       {}", redact_url(&self.database_url)),
            match self.redis_url.as_deref() {
                Some(url) => format!(
                    "redis_url          {}; rate limits shared; if Redis fails: {}",
                    // A unix:// URL carries its password in the query.
                    redact_url(url.split('?').next().unwrap_or(url)),
                    if self.rate_limit_fail_closed { "refuse (503)" } else { "count in process" }
                ),
                None => "redis_url          - (rate limits counted in process)".to_owned(),
            },
            format!(
                "mail               {}; from {}; verified email required: {}",
                if self.smtp_url.is_some() { "SMTP (url redacted)" } else { "file outbox in the data directory" },
                self.mail_from,
                a.require_verified_email
            ),
            format!("issuer             {}", a.tokens.issuer),
            format!("audience           {}", a.tokens.audience),
            format!("master_key         {master}"),
            format!("signing_alg        {}", a.signing_alg.as_str()),
            format!("access_token_ttl   {}s", a.tokens.access_ttl.as_secs()),
            format!("session_idle       {}s", a.session_idle.as_secs()),
            format!("session_absolute   {}s", a.session_absolute.as_secs()),
            format!("refresh_grace      {}s", a.refresh_grace.as_secs()),
            format!(
                "browser sessions   idle {}s, absolute {}s, remembered {}s",
                a.browser.idle.as_secs(),
                a.browser.absolute.as_secs(),
                a.browser.remembered.as_secs()
            ),
            format!(
                "oauth              codes live {}s; PKCE required for confidential clients: {}",
                a.oauth.code_ttl.as_secs(),
                a.oauth.pkce_required
            ),
            format!(
                "pages              theme {}; terms {}; privacy {}",
                self.theme_dir.as_deref().map(|d| d.display().to_string()).unwrap_or_else(|| "embedded".into()),
                self.legal.terms_url.as_deref().unwrap_or("-"),
                self.legal.privacy_url.as_deref().unwrap_or("-")
            ),
            format!(
                "argon2             m={} KiB, t={}, p={}; {} workers, queue {}",
                self.hash_params.m_cost_kib,
                self.hash_params.t_cost,
                self.hash_params.p_cost,
                self.hash_workers,
                self.hash_queue
            ),
            format!(
                "password policy    min {} chars, min zxcvbn score {}",
                a.password_policy.min_length, a.password_policy.min_score
            ),
            format!(
                "rate limits        login {}/ip {}/account, register {}/ip, refresh {}/ip, api keys {}/ip {}/key",
                a.limits.login_per_ip,
                a.limits.login_per_account,
                a.limits.register_per_ip,
                a.limits.refresh_per_ip,
                a.limits.api_key_per_ip,
                a.limits.api_key_per_key
            ),
            format!(
                "lockout            after {} failures, {}s doubling to {}s",
                a.lockout.threshold,
                a.lockout.base_delay.as_secs(),
                a.lockout.max_delay.as_secs()
            ),
            format!("trusted_proxies    {:?}", self.trusted_proxies.iter().map(|n| n.to_string()).collect::<Vec<_>>()),
            format!(
                "connections        at most {}, {} per client address; headers within {}s, at most {} bytes; \
                 requests within {}s",
                self.limits.max_connections,
                self.limits.max_connections_per_ip,
                self.limits.header_read_timeout.as_secs(),
                self.limits.max_header_bytes,
                self.limits.request_timeout.as_secs()
            ),
            format!("default_roles      {:?}", a.default_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
            format!("name               {}", a.product_name),
            format!("webauthn           rp id {}, origin {}", a.webauthn.rp_id, a.webauthn.origin),
            format!(
                "mfa                required: {}, for roles {:?}; step-up window {}s; limits {}/ip {}/account",
                a.mfa_required,
                a.mfa_required_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                a.step_up_window.as_secs(),
                a.limits.mfa_per_ip,
                a.limits.mfa_per_account
            ),
            format!("log                {:?}, level {}", self.log_format, self.log_level),
            format!(
                "metrics            {}",
                if self.metrics_token.is_some() { "bearer token required (redacted)" } else { "open" }
            ),
        ];
        lines.join("\n")
    }
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
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_design() {
        let s = Settings::defaults().unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.accounts.tokens.issuer, "http://localhost:8080");
        assert!(s.database_url.starts_with("sqlite://"));
        assert!(s.database_url.ends_with("gatehouse.db"));
        assert_eq!(s.accounts.tokens.access_ttl, Duration::from_secs(900));
        assert_eq!(s.accounts.refresh_grace, Duration::from_secs(2), "decision 0001: short, audited");
        assert_eq!(s.hash_params, HashParams::default());
    }

    #[test]
    fn the_default_issuer_is_a_name_a_browser_and_passkeys_accept() {
        let at = |bind: &str| default_issuer(bind.parse().unwrap());
        assert_eq!(at("127.0.0.1:8080"), "http://localhost:8080");
        assert_eq!(at("[::1]:9000"), "http://localhost:9000");
        assert_eq!(at("0.0.0.0:8080"), "http://localhost:8080");
        assert_eq!(at("192.0.2.7:8080"), "http://192.0.2.7:8080");
        let raw = RawConfig { bind: Some("127.0.0.1:0".into()), ..Default::default() };
        let bound = Settings::from_raw(raw).unwrap().bound_to("127.0.0.1:41234".parse().unwrap()).unwrap();
        assert_eq!(bound.accounts.tokens.issuer, "http://localhost:41234");
        assert_eq!(bound.accounts.webauthn.origin, "http://localhost:41234");
        let raw = RawConfig {
            bind: Some("127.0.0.1:0".into()),
            issuer: Some("https://id.example.com".into()),
            ..Default::default()
        };
        let bound = Settings::from_raw(raw).unwrap().bound_to("127.0.0.1:41234".parse().unwrap()).unwrap();
        assert_eq!(bound.accounts.tokens.issuer, "https://id.example.com");
    }

    #[test]
    fn default_roles_may_not_make_everyone_an_administrator() {
        let raw = RawConfig { default_roles: Some(vec!["user".into(), "admin".into()]), ..Default::default() };
        let err = Settings::from_raw(raw).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("default_roles must not include admin"), "{err}");
        let raw = RawConfig { default_roles: Some(vec!["member".into()]), ..Default::default() };
        assert_eq!(Settings::from_raw(raw).unwrap().accounts.default_roles[0].as_str(), "member");
    }

    #[test]
    fn flags_beat_file() {
        let file: RawConfig = toml::from_str("bind = \"127.0.0.1:9000\"\nissuer = \"https://id.example.com\"").unwrap();
        let cli = RawConfig { bind: Some("127.0.0.1:9001".into()), ..Default::default() };
        let s = Settings::from_raw(file.overlay(cli)).unwrap();
        assert_eq!(s.bind.port(), 9001);
        assert_eq!(s.accounts.tokens.issuer, "https://id.example.com");
    }

    #[test]
    fn unknown_file_key_is_rejected_by_name() {
        let err = toml::from_str::<RawConfig>("bnid = \"x\"").unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
    }

    #[test]
    fn unknown_env_var_is_rejected() {
        assert!(check_env_names(["GATEHOUSE_BIND".to_string()].into_iter()).is_ok());
        assert!(check_env_names(["GATEHOUSE_TEST_POSTGRES_URL".to_string()].into_iter()).is_ok());
        let err = check_env_names(["GATEHOUSE_BIDN".to_string()].into_iter()).unwrap_err();
        assert!(err.0.contains("GATEHOUSE_BIDN"));
    }

    #[test]
    fn webauthn_defaults_follow_the_issuer() {
        let s = Settings::defaults().unwrap();
        assert_eq!(s.accounts.webauthn.rp_id, "localhost");
        assert_eq!(s.accounts.webauthn.origin, "http://localhost:8080");
        let w = webauthn_settings("https://id.example.com/base", None, None).unwrap();
        assert_eq!((w.rp_id.as_str(), w.origin.as_str()), ("id.example.com", "https://id.example.com"));
        let w = webauthn_settings("https://id.example.com", Some("example.com".into()), None).unwrap();
        assert_eq!(w.rp_id, "example.com");
        assert!(webauthn_settings("https://id.example.com", Some("other.com".into()), None).is_err());
    }

    #[test]
    fn redis_url_and_fail_mode() {
        let s = Settings::defaults().unwrap();
        assert_eq!((s.redis_url.as_deref(), s.rate_limit_fail_closed), (None, false));
        assert!(s.describe().contains("rate limits counted in process"));
        let file: RawConfig =
            toml::from_str("redis_url = \"redis://:hunter2@cache:6379/1\"\nrate_limit_fail_closed = true").unwrap();
        let s = Settings::from_raw(file).unwrap();
        assert!(s.rate_limit_fail_closed);
        let described = s.describe();
        assert!(described.contains("redis://***@cache:6379/1") && described.contains("refuse (503)"), "{described}");
        assert!(!described.contains("hunter2"));
        for url in ["http://:hunter2@cache", "redis://", "cache:6379", "rediss://:hunter2@"] {
            let raw = RawConfig { redis_url: Some(url.into()), ..Default::default() };
            let err = Settings::from_raw(raw).unwrap_err();
            assert!(err.0.starts_with("redis_url:") && !err.0.contains("hunter2"), "{url}: {err}");
        }
        assert!(check_env_names(["GATEHOUSE_RATE_LIMIT_FAIL_CLOSED".to_string()].into_iter()).is_ok());
    }

    #[test]
    fn durations_and_bad_values() {
        assert_eq!(parse_duration("k", "15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("k", "90").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("k", "fifteen").is_err());
        let raw = RawConfig { log_format: Some("xml".into()), ..Default::default() };
        assert!(Settings::from_raw(raw).is_err());
        let raw = RawConfig { master_key: Some("short".into()), ..Default::default() };
        assert!(Settings::from_raw(raw).is_err());
    }
}
