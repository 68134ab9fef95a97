//! The options as given — in the file, the environment or on the command
//! line — every key optional, and how the layers overlay each other.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

use super::{bad, ConfigError};

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
    pub(super) fn layer(&self) -> RawConfig {
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
    /// How often a new signing key takes over, e.g. 90d (0 or unset: only by hand with `keys rotate`) [default: off]
    #[arg(long, env = "GATEHOUSE_SIGNING_KEY_ROTATION")]
    pub signing_key_rotation: Option<String>,
    /// How long a scheduled key is published in the JWK Set before it signs; shorter than the rotation [default: 1d]
    #[arg(long, env = "GATEHOUSE_SIGNING_KEY_PREPUBLISH")]
    pub signing_key_prepublish: Option<String>,
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
    /// Share the sign-in cookie with this domain and its subdomains (e.g. example.com), for forward-auth [default: Gatehouse's host only]
    #[arg(long, env = "GATEHOUSE_COOKIE_DOMAIN")]
    pub cookie_domain: Option<String>,
    /// Forward-auth: the policy of a request no access rule matches — bypass, one_factor, two_factor or deny [default: one_factor]
    #[arg(long, env = "GATEHOUSE_ACCESS_DEFAULT_POLICY")]
    pub access_default_policy: Option<String>,
    /// Forward-auth's access rules, first match wins (the configuration file's `[[access_rules]]` only).
    #[arg(skip)]
    pub access_rules: Option<Vec<RawAccessRule>>,
    /// Sessions (and as many users) checked in memory, least recently used dropped first [default: 100000]
    #[arg(long, env = "GATEHOUSE_SESSION_CACHE_SIZE")]
    pub session_cache_size: Option<usize>,
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
    /// Language of the pages and mails when a person's browser asks for none Gatehouse has (en, de, es, or one added under theme_dir/locales) [default: en]
    #[arg(long, env = "GATEHOUSE_DEFAULT_LANGUAGE")]
    pub default_language: Option<String>,
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
    /// How often expired sessions, tokens, links and codes are deleted (0 turns the janitor off) [default: 10m]
    #[arg(long, env = "GATEHOUSE_PURGE_INTERVAL")]
    pub purge_interval: Option<String>,
    /// How long audit records are kept (0 keeps them forever) [default: 365d]
    #[arg(long, env = "GATEHOUSE_AUDIT_RETENTION")]
    pub audit_retention: Option<String>,
}

/// One `[[access_rules]]` table of the configuration file: where it applies
/// (every host, path and method when left out) and what it asks.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccessRule {
    /// `app.example.com` or `*.example.com`.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Path prefixes, whole segments.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    /// bypass, one_factor, two_factor or deny.
    pub policy: String,
    /// One of these roles (when given).
    #[serde(default)]
    pub roles: Vec<String>,
    /// And all of these permissions.
    #[serde(default)]
    pub permissions: Vec<String>,
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
            signing_key_rotation,
            signing_key_prepublish,
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
            cookie_domain,
            access_default_policy,
            access_rules,
            session_cache_size,
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
            default_language,
            terms_url,
            privacy_url,
            max_connections,
            max_connections_per_ip,
            header_read_timeout,
            request_timeout,
            max_header_bytes,
            metrics_token,
            metrics_token_file,
            purge_interval,
            audit_retention
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
