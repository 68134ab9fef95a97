//! The PostgreSQL backend: connection options, migrations
//! (`migrations/postgres`) and the few things PostgreSQL does its own way. The
//! queries are in `common`; TLS and what a failed connection means in `tls`.
//!
//! The refresh rotation needs no explicit locking here: under READ COMMITTED
//! a second `UPDATE ... WHERE spent_at IS NULL` on the same row waits for the
//! first to commit, re-checks the condition and matches nothing.

use std::time::Duration;

use gatehouse_core::store::{Change, Changes, Constraint, StoreError};
use sqlx::error::ErrorKind;
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use crate::common;
use crate::common::unit::{Conn, Held, Write};
use crate::common::Dialect as _;

pub mod tls;

use tls::{ConnectError, FirstAttempt};

const POOL_SIZE: u32 = 16;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The notice channel the triggers of `0008_change_notices.sql` speak on.
pub const CHANGES_CHANNEL: &str = "gatehouse_changes";
/// The pause before listening again after the notice channel failed.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// Gatehouse's data in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    /// What each role grants (`common::grants`).
    grants: std::sync::Arc<common::grants::GrantsCache>,
    /// Who hears this process's changes (`common::observe`).
    observers: Arc<common::observe::Observers>,
    /// The unit of work this copy of the store runs in, if any (`Store::begin`).
    held: Option<Arc<Held<Transaction<'static, Postgres>>>>,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`,
    /// with libpq's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`: see
    /// [`tls`]). Does not migrate.
    ///
    /// One connection is made on its own first, so that a server refusing
    /// TLS, a certificate failing verification or a refused login is reported
    /// at once as what it is. Only a refused TCP connection (a server still
    /// starting) is tried again, by the pool, for [`ACQUIRE_TIMEOUT`].
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let (options, target) = tls::options(url)?;
        let refused = match tls::first_connection(&options, &target, ACQUIRE_TIMEOUT).await {
            Ok(()) => None,
            Err(FirstAttempt::Refused(reason)) => Some(reason),
            Err(FirstAttempt::Failed(e)) => return Err(e),
        };
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| match (e, refused) {
                (sqlx::Error::PoolTimedOut, Some(reason)) => ConnectError::Unreachable {
                    target: target.clone(),
                    reason: format!("{reason}, tried for {} s", ACQUIRE_TIMEOUT.as_secs()),
                },
                (e, _) => ConnectError::from_sqlx(e, &target),
            })?;
        Ok(Self { pool, grants: std::sync::Arc::default(), observers: Arc::default(), held: None })
    }

    /// Applies the pending migrations of `migrations/postgres`.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction that will write (READ COMMITTED is enough, see above):
    /// its own, or a savepoint in the unit of work.
    async fn begin_write(&self) -> Result<Write<'_, PgConnection, Transaction<'static, Postgres>>, StoreError> {
        match &self.held {
            None => Ok(Write::Own(self.pool.begin().await.map_err(common::backend_err)?)),
            Some(held) => Write::nested(held).await,
        }
    }

    /// A connection for one query: the pool's, or the unit of work's.
    async fn conn(&self) -> Result<Conn<'_, PgConnection, PoolConnection<Postgres>>, StoreError> {
        match &self.held {
            None => Ok(Conn::Pool(self.pool.acquire().await.map_err(common::backend_err)?)),
            Some(held) => Ok(Conn::Held(held.conn().await?)),
        }
    }

    /// A copy of the store holding a new unit of work.
    async fn begin_unit(&self) -> Result<Self, StoreError> {
        let tx = self.pool.begin().await.map_err(common::backend_err)?;
        Ok(Self { held: Some(Arc::new(Held::new(tx))), ..self.clone() })
    }

    async fn commit_unit(&self) -> Result<(), StoreError> {
        match &self.held {
            Some(held) => held.commit(&self.observers).await,
            None => Ok(()),
        }
    }

    /// Spends the old token, inserts its successor and (when due) moves the
    /// session's idle deadline — in one statement, so one round trip:
    /// data-modifying CTEs run as one atomic statement. A concurrent rotation
    /// of the same token waits on the row, re-checks `spent_at IS NULL`,
    /// matches nothing and inserts nothing (`false`).
    pub(crate) async fn rotate_refresh_once(
        &self,
        rotation: &gatehouse_core::session::Rotation,
    ) -> Result<bool, StoreError> {
        let inserted: i64 = sqlx::query_scalar(
            "WITH spent AS ( \
                 UPDATE refresh_tokens SET spent_at = $1, spent_by = $2 \
                 WHERE digest = $3 AND spent_at IS NULL RETURNING id, session_id \
             ), successor AS ( \
                 INSERT INTO refresh_tokens (id, session_id, parent_id, digest, created_at, spent_at, spent_by) \
                 SELECT $4, session_id, id, $5, $1, NULL, NULL FROM spent RETURNING session_id \
             ), touched AS ( \
                 UPDATE sessions SET last_used_at = $1, idle_expires_at = $6 \
                 WHERE $6::timestamptz IS NOT NULL AND id IN (SELECT session_id FROM successor) RETURNING id \
             ) \
             SELECT count(*) FROM successor",
        )
        .bind(Self::ts(rotation.now))
        .bind(rotation.client_fingerprint.as_str())
        .bind(rotation.old_digest.as_bytes())
        .bind(rotation.new_id)
        .bind(rotation.new_digest.as_bytes())
        .bind(rotation.idle_expires_at.map(Self::ts))
        .fetch_one(&mut *self.conn().await?)
        .await
        .map_err(Self::db_err)?;
        Ok(inserted == 1)
    }

    /// `LISTEN`s on [`CHANGES_CHANNEL`] from a connection of its own, in a
    /// task that lives as long as the receiver. After a lost connection sqlx
    /// reconnects on the next receive; notices sent meanwhile are lost, so the
    /// feed then says [`Change::Missed`].
    pub(crate) async fn change_feed(&self) -> Result<Option<Changes>, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await.map_err(common::backend_err)?;
        listener.listen(CHANGES_CHANNEL).await.map_err(common::backend_err)?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let change = match listener.try_recv().await {
                    Ok(Some(notice)) => common::observe::change_of_notice(notice.payload()),
                    Ok(None) => Change::Missed,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for change notices; retrying");
                        tokio::time::sleep(LISTEN_RETRY).await;
                        continue;
                    }
                };
                if tx.send(change).is_err() {
                    break;
                }
            }
        });
        Ok(Some(rx))
    }
}

impl common::Dialect for PgStore {
    type Time = OffsetDateTime;

    /// Holds the rows a query reads until the unit of work ends; a concurrent
    /// unit that wants them waits, then reads them again as committed.
    const FOR_UPDATE: &'static str = " FOR UPDATE OF u";

    /// A user's roles as one space-separated column, inside a query on `users`.
    const ROLES_OF_USER: &'static str = "(SELECT string_agg(role, ' ') FROM user_roles WHERE user_id = users.id)";

    /// A time as bound into SQL: UTC, cut to the microseconds `timestamptz`
    /// keeps (PostgreSQL would round instead; cutting matches SQLite).
    fn ts(t: OffsetDateTime) -> OffsetDateTime {
        common::utc_micros(t)
    }

    /// Maps an sqlx error to a [`StoreError`], naming a broken unique rule.
    fn db_err(e: sqlx::Error) -> StoreError {
        match constraint_of(&e) {
            Some(constraint) => StoreError::Conflict(constraint),
            None => common::backend_err(e),
        }
    }
}

/// The unique rule a write broke, by the name PostgreSQL reports (for a unique
/// index that is the index name).
fn constraint_of(e: &sqlx::Error) -> Option<Constraint> {
    let db = e.as_database_error()?;
    if db.kind() == ErrorKind::ForeignKeyViolation {
        return Some(Constraint::MissingReference);
    }
    if db.kind() != ErrorKind::UniqueViolation {
        return None;
    }
    Some(common::constraint_named(db.constraint().unwrap_or("")))
}

common::impl_store!(PgStore, Postgres, "postgres");
