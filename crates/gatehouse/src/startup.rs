//! Wiring: settings -> store, hasher, limiter, account service -> HTTP server.
//!
//! [`Application::build`] binds the listener (port 0 works), so tests start the
//! real server exactly as `gatehouse serve` does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use gatehouse_core::clock::{Clock, SystemClock};
use gatehouse_core::flows::Services;
use gatehouse_core::password::PasswordHasher;
use gatehouse_core::ratelimit::{MemoryRateLimiter, RateLimiter};
use gatehouse_core::store::Change;
use gatehouse_server::AppState;
use gatehouse_store::RedisRateLimiter;
use tokio::net::TcpListener;

use crate::config::Settings;

/// How often a node re-reads the signing keys in any case. On PostgreSQL a
/// rotation reaches the other nodes at once by notice; a token with a key id a
/// node does not know yet makes it re-read at once too (see `verify_access`).
const KEY_RELOAD_PERIOD: Duration = Duration::from_secs(30);

/// The services and what they are built from, without HTTP (the CLI uses
/// them), on the system's clock.
pub async fn services(settings: &Settings) -> anyhow::Result<Services> {
    services_on(settings, Arc::new(SystemClock)).await
}

/// [`services`] deciding every time by `clock`.
pub async fn services_on(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Services> {
    if settings.database_url.expose().starts_with("sqlite:")
        || matches!(settings.master_key, crate::config::MasterKeySource::DataDir(_))
    {
        crate::data_dir::ensure(&settings.data_dir)?;
    }
    let master = Arc::new(crate::master_key::load(&settings.master_key)?);
    let store = gatehouse_store::connect(settings.database_url.expose()).await.map_err(database_error)?;
    let hasher = Arc::new(PasswordHasher::new(settings.hash_params, settings.hash_workers, settings.hash_queue)?);
    // With Redis the nodes share their limits. A malformed URL is a
    // configuration error; an unreachable server only a warning (the limiter
    // falls back, or refuses with `rate_limit_fail_closed`, until it answers).
    let limiter: Arc<dyn RateLimiter> = match &settings.redis_url {
        Some(url) => Arc::new(
            RedisRateLimiter::connect(
                url.expose(),
                gatehouse_store::redis_limiter::DEFAULT_PREFIX,
                settings.rate_limit_fail_closed,
                clock.clone(),
            )
            .await
            .map_err(|e| anyhow::anyhow!(crate::config::ConfigError(e.to_string())))?,
        ),
        None => Arc::new(MemoryRateLimiter::new(clock.clone())),
    };
    let mail = gatehouse_mail::MailSettings::new(
        settings.smtp_url.clone(),
        settings.mail_from.clone(),
        settings.data_dir.join("outbox"),
    );
    let mailer = gatehouse_mail::start(mail).map_err(|e| anyhow::anyhow!(crate::config::ConfigError(e.to_string())))?;
    Ok(Services::new(store, hasher, limiter, master, mailer, settings.accounts.clone(), clock).await?)
}

/// A database that cannot be opened because of what the configuration says
/// (a PostgreSQL server refusing the TLS `sslmode` asks for, a certificate
/// failing verification, a missing `sslrootcert`) is a [`ConfigError`]
/// (exit code 2); anything else a failure at run time.
///
/// [`ConfigError`]: crate::config::ConfigError
pub fn database_error(e: gatehouse_store::OpenError) -> anyhow::Error {
    if e.is_configuration() {
        anyhow::anyhow!(crate::config::ConfigError(e.to_string()))
    } else {
        anyhow::Error::new(e).context("cannot open the database")
    }
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    services: Services,
    retention: crate::janitor::Retention,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener =
            TcpListener::bind(settings.bind).await.with_context(|| format!("cannot listen on {}", settings.bind))?;
        Self::build_on(settings, listener).await
    }

    /// Like [`Application::build`], on a listener bound already (a test that
    /// must know its port before it writes the settings binds port 0 first).
    pub async fn build_on(settings: Settings, listener: TcpListener) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, listener, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build_on`], deciding every time by `clock`: the
    /// tests' [`gatehouse_core::clock::ShiftedClock`], which they move past
    /// deadlines instead of sleeping. `gatehouse serve` never calls this.
    pub async fn build_with_clock(
        settings: Settings,
        listener: TcpListener,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let settings = settings.bound_to(listener.local_addr()?)?;
        let services = services_on(&settings, clock).await?;
        let metrics = gatehouse_server::middleware::install_recorder().map_err(anyhow::Error::msg)?;
        let state = AppState {
            auth: services.auth.clone(),
            oauth: services.oauth.clone(),
            admin: services.admin.clone(),
            lifecycle: services.lifecycle.clone(),
            tokens: services.tokens.clone(),
            config: services.config.clone(),
            clock: services.clock.clone(),
            store: services.store().clone(),
            hasher: services.hasher.clone(),
            trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
            metrics,
            hsts: settings.accounts.tokens.issuer.starts_with("https://"),
            upstreams: Arc::new(gatehouse_server::federation::UpstreamClient::new()),
            theme: Arc::new(
                gatehouse_server::pages::theme::Theme::load(
                    settings.theme_dir.as_deref(),
                    settings.accounts.catalogs.clone(),
                )
                .map_err(|e| anyhow::anyhow!(crate::config::ConfigError(format!("theme_dir: {e}"))))?,
            ),
            legal: Arc::new(settings.legal.clone()),
            limits: Arc::new(settings.limits.clone()),
            metrics_token: settings
                .metrics_token
                .as_ref()
                .map(|t| gatehouse_core::crypto::TokenDigest::of(secrecy::ExposeSecret::expose_secret(t))),
        };
        let retention = crate::janitor::Retention {
            purge_interval: settings.purge_interval,
            audit_retention: settings.audit_retention,
        };
        Ok(Self { listener, state, services, retention })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub fn port(&self) -> anyhow::Result<u16> {
        Ok(self.local_addr()?.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The services behind the HTTP layer.
    pub fn services(&self) -> &Services {
        &self.services
    }

    pub async fn run_with_shutdown(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let reload = tokio::spawn(follow_changes(self.services.clone()));
        let uses = tokio::spawn(write_session_uses(self.services.clone()));
        let services = self.services.clone();
        let janitor = crate::janitor::spawn(self.services.store().clone(), self.services.clock.clone(), self.retention);
        let limits = (*self.state.limits).clone();
        let proxies = self.state.trusted_proxies.clone();
        let app = gatehouse_server::router(self.state);
        let result = gatehouse_server::listener::serve(self.listener, app, limits, proxies, shutdown).await;
        reload.abort();
        uses.abort();
        // The last moments' uses, so that a restart keeps every session's deadline.
        if let Err(e) = services.flush_session_uses().await {
            tracing::warn!(error = %e, "cannot write the last session uses");
        }
        if let Some(janitor) = janitor {
            janitor.abort();
        }
        result.context("server failed")
    }
}

/// Follows what other processes change: on PostgreSQL the store's notices
/// (keys rotated, clients deleted) are applied at once; in any case the keys
/// are re-read every [`KEY_RELOAD_PERIOD`] (SQLite, or a lost notice), right
/// after a step of their schedule (`signing_key_rotation`), if any.
async fn follow_changes(services: Services) {
    let mut feed = match services.watch_changes().await {
        Ok(feed) => feed,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for changes; reloading keys every {KEY_RELOAD_PERIOD:?}");
            None
        }
    };
    let mut tick = tokio::time::interval(KEY_RELOAD_PERIOD);
    tick.tick().await;
    loop {
        let notice = async {
            match feed.as_mut() {
                Some(rx) => rx.recv().await,
                None => std::future::pending().await,
            }
        };
        let change = tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = services.admin.follow_key_schedule().await {
                    tracing::warn!(error = %e, "cannot follow the signing keys' schedule");
                }
                Change::Keys
            }
            change = notice => match change {
                Some(change) => change,
                None => {
                    feed = None;
                    continue;
                }
            },
        };
        if let Err(e) = services.apply_change(&change).await {
            tracing::warn!(error = %e, ?change, "cannot apply a change by another process");
        }
    }
}

/// Writes the sessions' uses kept in memory every
/// [`gatehouse_core::flows::parts::live_sessions::FLUSH_USES_EVERY`].
async fn write_session_uses(services: Services) {
    let mut tick = tokio::time::interval(gatehouse_core::flows::parts::live_sessions::FLUSH_USES_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = services.flush_session_uses().await {
            tracing::warn!(error = %e, "cannot write session uses; trying again");
        }
    }
}

/// SIGTERM or Ctrl-C. The handlers are installed when this is called, not
/// when the future is first polled: a signal that arrives once the server
/// said it listens is never the default (fatal) one.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let (term, int) = signals;
            tokio::select! {
                _ = next_signal(term) => {},
                _ = next_signal(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}

/// The next delivery of `signal`; never, without a handler.
#[cfg(unix)]
async fn next_signal(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
