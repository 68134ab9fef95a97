//! Gatehouse persistence: the [`gatehouse_core::store`] traits implemented for
//! SQLite ([`SqliteStore`]) and PostgreSQL ([`PgStore`]).
//!
//! The queries are written once, in SQL both databases accept, and expanded for
//! each backend by the macros in `common`. What differs per backend lives in its
//! own module: the connection options, the migrations (`migrations/sqlite`,
//! `migrations/postgres`), how a time value is bound, how a write transaction
//! begins and how a unique violation names its constraint.
//!
//! [`connect`] and [`migrate`] fail with an [`OpenError`] that tells a
//! mistake in the configuration (a PostgreSQL server refusing the TLS that
//! `sslmode` asks for, a certificate failing verification, a missing
//! `sslrootcert` file) from a failure at run time (`postgres::tls`).
//!
//! [`RedisRateLimiter`] keeps the rate-limit counters in Redis, so that several
//! nodes share one set of limits (`redis_limiter`).
#![forbid(unsafe_code)]

mod common;
pub mod postgres;
pub mod redis_limiter;
pub mod sqlite;

use std::sync::Arc;

use gatehouse_core::store::{Store, StoreError};

pub use common::purge::PURGE_LOCK;
pub use postgres::tls::ConnectError;
pub use postgres::PgStore;
pub use redis_limiter::RedisRateLimiter;
pub use sqlite::SqliteStore;

/// The database a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn of(database_url: &str) -> Result<Self, StoreError> {
        if database_url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            // Only the scheme is echoed: the rest of a URL may hold a password.
            let scheme = database_url.split_once(':').map_or("(none)", |(scheme, _)| scheme);
            Err(StoreError::Backend(format!(
                "unsupported database URL scheme '{scheme}': expected 'sqlite:' or 'postgres://'"
            )))
        }
    }
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No connection to PostgreSQL (see [`postgres::tls`]).
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Anything else: SQLite, migrations, an unknown URL scheme.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OpenError {
    /// Whether the configuration is at fault ([`ConnectError::is_configuration`]):
    /// start-up then exits as for any configuration error.
    pub fn is_configuration(&self) -> bool {
        match self {
            Self::Connect(e) => e.is_configuration(),
            Self::Store(_) => false,
        }
    }
}

/// Opens the database at `database_url` (`sqlite:PATH`, `sqlite://PATH`,
/// `postgres://...` or `postgresql://...`), applies pending migrations and
/// returns it as a [`Store`]. A missing SQLite file is created.
pub async fn connect(database_url: &str) -> Result<Arc<dyn Store>, OpenError> {
    match Backend::of(database_url)? {
        Backend::Sqlite => {
            let store = SqliteStore::connect(database_url).await?;
            store.migrate().await?;
            Ok(Arc::new(store))
        }
        Backend::Postgres => {
            let store = PgStore::connect(database_url).await?;
            store.migrate().await?;
            Ok(Arc::new(store))
        }
    }
}

/// Applies pending migrations to the database at `database_url` and closes it.
pub async fn migrate(database_url: &str) -> Result<(), OpenError> {
    match Backend::of(database_url)? {
        Backend::Sqlite => {
            let store = SqliteStore::connect(database_url).await?;
            let result = store.migrate().await;
            store.close().await;
            Ok(result?)
        }
        Backend::Postgres => {
            let store = PgStore::connect(database_url).await?;
            let result = store.migrate().await;
            store.close().await;
            Ok(result?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_backend_by_scheme() {
        assert_eq!(Backend::of("sqlite:gatehouse.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::of("sqlite:///var/lib/gh.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::of("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(Backend::of("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        let err = Backend::of("mysql://user:hunter2@host/db").err();
        assert!(
            matches!(&err, Some(StoreError::Backend(m)) if m.contains("'mysql'") && !m.contains("hunter2")),
            "{err:?}"
        );
    }
}
