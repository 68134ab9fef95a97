//! The final, validated configuration ([`Settings`]) built from the
//! layered [`RawConfig`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::account::Role;
use gatehouse_core::flows::{AccountsConfig, BrowserSessionConfig, LockoutPolicy, OAuthConfig, RateLimits};
use gatehouse_core::i18n::{Catalogs, Locale};
use gatehouse_core::password::{HashParams, PasswordPolicy};
use gatehouse_core::token::{SigningAlg, TokenSettings};
use gatehouse_server::listener::ConnectionLimits;
use ipnet::IpNet;
use secrecy::SecretString;

use super::raw::RawConfig;
use super::values::*;
use super::{bad, ConfigError};

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: super::SecretUrl,
    pub redis_url: Option<super::SecretUrl>,
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
    /// How often the janitor purges; `None`: never (`purge_interval = 0`).
    pub purge_interval: Option<Duration>,
    /// How long audit records are kept; `None`: forever (`audit_retention = 0`).
    pub audit_retention: Option<Duration>,
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
            cookie_domain: cookie_domain(raw.cookie_domain, &issuer)?,
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
        let key_schedule = key_schedule(raw.signing_key_rotation, raw.signing_key_prepublish)?;
        let access = access_rules(raw.access_default_policy, raw.access_rules)?;
        let default_language = match raw.default_language.as_deref() {
            None => Locale::english(),
            Some(tag) => {
                Locale::parse(tag).ok_or_else(|| bad(format!("default_language: {tag:?} is not a language tag")))?
            }
        };
        let catalogs =
            Catalogs::load(raw.theme_dir.as_deref(), &default_language).map_err(|e| bad(format!("theme_dir: {e}")))?;
        let accounts = AccountsConfig {
            tokens: TokenSettings { issuer, audience, access_ttl },
            signing_alg,
            key_schedule,
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
            access,
            session_cache_size: match raw.session_cache_size {
                None => 100_000,
                Some(0) => return Err(bad("session_cache_size: at least 1")),
                Some(n) => n,
            },
            catalogs: Arc::new(catalogs),
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
            database_url: super::SecretUrl::new(database_url),
            redis_url: redis_url.map(super::SecretUrl::new),
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
            purge_interval: Some(duration("purge_interval", raw.purge_interval, Duration::from_secs(600))?)
                .filter(|d| !d.is_zero()),
            audit_retention: Some(duration("audit_retention", raw.audit_retention, Duration::from_secs(365 * 86400))?)
                .filter(|d| !d.is_zero()),
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
        let master = match &self.master_key {
            MasterKeySource::Inline(_) => "inline (redacted)".to_owned(),
            MasterKeySource::File(p) => format!("file {}", p.display()),
            MasterKeySource::DataDir(p) => format!("{} (generated on first start)", p.display()),
        };
        let lines = [
            format!("bind               {}", self.bind),
            format!("data_dir           {}", self.data_dir.display()),
            format!("database_url       {}", self.database_url),
            match &self.redis_url {
                Some(url) => format!(
                    "redis_url          {url}; rate limits shared; if Redis fails: {}",
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
            format!(
                "signing keys       {}",
                a.key_schedule
                    .map(|s| format!(
                        "a new key every {}s, published {}s before it signs",
                        s.every.as_secs(),
                        s.prepublish.as_secs()
                    ))
                    .unwrap_or_else(|| "rotated by hand".into())
            ),
            format!("access_token_ttl   {}s", a.tokens.access_ttl.as_secs()),
            format!("session_idle       {}s", a.session_idle.as_secs()),
            format!("session_absolute   {}s", a.session_absolute.as_secs()),
            format!("refresh_grace      {}s", a.refresh_grace.as_secs()),
            format!(
                "retention          purge every {}; audit records kept {}",
                self.purge_interval.map(|d| format!("{}s", d.as_secs())).unwrap_or_else(|| "- (off)".into()),
                self.audit_retention.map(|d| format!("{}s", d.as_secs())).unwrap_or_else(|| "forever".into())
            ),
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
                "forward-auth       {} access rules; otherwise {}",
                a.access.rules.len(),
                a.access.default_policy.as_str()
            ),
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
