//! The SQLite backend: connection options, migrations (`migrations/sqlite`) and
//! the few things SQLite does its own way. The queries are in `common`.
//!
//! SQLite has no time type: times are stored as fixed-width UTC text (see
//! [`SqliteStore::ts`]) so that comparing and ordering the text is comparing
//! and ordering the times. Write transactions begin with `BEGIN IMMEDIATE`, so
//! the write lock is taken up front rather than upgraded from a read lock
//! (which fails under contention). Write transactions of this process also
//! take turns on an async gate first: SQLite's own busy handler makes a
//! waiting writer sleep in steps of milliseconds, while the gate hands the
//! lock over the moment it is free (under 64 concurrent refreshes the
//! difference is several-fold). Another process — the CLI — still meets the
//! busy timeout.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::store::{Constraint, StoreError};
use sqlx::error::ErrorKind;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use crate::common;
use crate::common::unit::{Conn, Fut, Held, OwnTx, Write};
use crate::common::Dialect as _;

/// Connections in the pool of a file database. SQLite writes one at a time
/// anyway; a few connections let reads proceed alongside the writer (WAL).
const POOL_SIZE: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the server reads the change log (see [`SqliteStore::change_feed`]):
/// what another process changes is heard within this.
pub const CHANGE_LOG_POLL: Duration = Duration::from_millis(250);

/// Gatehouse's data in an SQLite database.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Held for the life of each write transaction (see the module docs).
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// What each role grants (`common::grants`).
    grants: Arc<common::grants::GrantsCache>,
    /// Who hears this process's changes (`common::observe`).
    observers: Arc<common::observe::Observers>,
    /// The unit of work this copy of the store runs in, if any (`Store::begin`).
    held: Option<Arc<Held<WriteTx>>>,
}

/// A write transaction and its turn at the write gate; derefs to the
/// connection, like sqlx's `Transaction`.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl OwnTx for WriteTx {
    fn commit(self) -> Fut<'static, ()> {
        Box::pin(async move { self.tx.commit().await })
    }

    fn rollback(self) -> Fut<'static, ()> {
        Box::pin(async move { self.tx.rollback().await })
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `url`, e.g.
    /// `sqlite://gatehouse.db` or `sqlite::memory:`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(common::backend_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        if !is_in_memory(url) {
            private_files(options.get_filename())?;
        }
        let pool = if is_in_memory(url) {
            // An in-memory database lives as long as its last connection: keep
            // exactly one, forever.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
        } else {
            SqlitePoolOptions::new().max_connections(POOL_SIZE).connect_with(options).await
        }
        .map_err(common::backend_err)?;
        Ok(Self {
            pool,
            write_gate: Arc::new(tokio::sync::Mutex::new(())),
            grants: Arc::default(),
            observers: Arc::default(),
            held: None,
        })
    }

    /// Applies the pending migrations of `migrations/sqlite`.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// The underlying pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction that will write: waits for its turn at the gate, then
    /// takes SQLite's write lock at once.
    async fn begin_own(&self) -> Result<WriteTx, StoreError> {
        let turn = self.write_gate.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(common::backend_err)?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// A write transaction: its own, or a savepoint in the unit of work.
    async fn begin_write(&self) -> Result<Write<'_, SqliteConnection, WriteTx>, StoreError> {
        match &self.held {
            None => Ok(Write::Own(self.begin_own().await?)),
            Some(held) => Write::nested(held).await,
        }
    }

    /// A connection for one query: the pool's, or the unit of work's.
    async fn conn(&self) -> Result<Conn<'_, SqliteConnection, PoolConnection<Sqlite>>, StoreError> {
        match &self.held {
            None => Ok(Conn::Pool(self.pool.acquire().await.map_err(common::backend_err)?)),
            Some(held) => Ok(Conn::Held(held.conn().await?)),
        }
    }

    /// A copy of the store holding a new unit of work. It is a write
    /// transaction from the start: it holds the gate and the write lock.
    async fn begin_unit(&self) -> Result<Self, StoreError> {
        let tx = self.begin_own().await?;
        Ok(Self { held: Some(Arc::new(Held::new(tx))), ..self.clone() })
    }

    async fn commit_unit(&self) -> Result<(), StoreError> {
        match &self.held {
            Some(held) => held.commit(&self.observers).await,
            None => Ok(()),
        }
    }

    /// Spends the old token, inserts its successor and (when due) moves the
    /// session's idle deadline, in one write transaction.
    pub(crate) async fn rotate_refresh_once(
        &self,
        rotation: &gatehouse_core::session::Rotation,
    ) -> Result<bool, StoreError> {
        use sqlx::Row as _;
        let mut tx = self.begin_write().await?;
        let spent = sqlx::query(
            "UPDATE refresh_tokens SET spent_at = $1, spent_by = $2 \
             WHERE digest = $3 AND spent_at IS NULL RETURNING id, session_id",
        )
        .bind(Self::ts(rotation.now))
        .bind(rotation.client_fingerprint.as_str())
        .bind(rotation.old_digest.as_bytes())
        .fetch_optional(&mut *tx)
        .await
        .map_err(Self::db_err)?;
        let Some(spent) = spent else {
            // Unknown or already spent: someone else won (or nobody can).
            tx.rollback().await.map_err(Self::db_err)?;
            return Ok(false);
        };
        let old_id: uuid::Uuid = spent.try_get("id").map_err(Self::db_err)?;
        let session_id: uuid::Uuid = spent.try_get("session_id").map_err(Self::db_err)?;
        sqlx::query(
            "INSERT INTO refresh_tokens (id, session_id, parent_id, digest, created_at, spent_at, spent_by) \
             VALUES ($1, $2, $3, $4, $5, NULL, NULL)",
        )
        .bind(rotation.new_id)
        .bind(session_id)
        .bind(old_id)
        .bind(rotation.new_digest.as_bytes())
        .bind(Self::ts(rotation.now))
        .execute(&mut *tx)
        .await
        .map_err(Self::db_err)?;
        if let Some(idle_expires_at) = rotation.idle_expires_at {
            sqlx::query("UPDATE sessions SET last_used_at = $2, idle_expires_at = $3 WHERE id = $1")
                .bind(session_id)
                .bind(Self::ts(rotation.now))
                .bind(Self::ts(idle_expires_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
        }
        tx.commit().await.map_err(Self::db_err)?;
        Ok(true)
    }

    /// Reads the change log the triggers write (migration 0013) every
    /// [`CHANGE_LOG_POLL`], in a task that lives as long as the receiver:
    /// every change committed since the last read, in order. The log keeps
    /// the last 10,000 changes: a reader that finds a gap after its last
    /// change says [`Change::Missed`]. A read that fails is tried again at
    /// the next tick, from the same place.
    ///
    /// [`Change::Missed`]: gatehouse_core::store::Change::Missed
    pub(crate) async fn change_feed(&self) -> Result<Option<gatehouse_core::store::Changes>, StoreError> {
        use gatehouse_core::store::Change;
        let pool = self.pool.clone();
        let mut last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log")
            .fetch_one(&pool)
            .await
            .map_err(Self::db_err)?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut failing = false;
            let mut tick = tokio::time::interval(CHANGE_LOG_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if tx.is_closed() {
                    break;
                }
                let rows: Vec<(i64, String)> =
                    match sqlx::query_as("SELECT seq, notice FROM change_log WHERE seq > $1 ORDER BY seq LIMIT 1000")
                        .bind(last)
                        .fetch_all(&pool)
                        .await
                    {
                        Ok(rows) => {
                            if failing {
                                tracing::info!("the change log can be read again");
                                failing = false;
                            }
                            rows
                        }
                        // Nothing is lost meanwhile: the next read goes on
                        // from the last change heard. Said once per outage,
                        // not four times a second.
                        Err(e) => {
                            if !failing {
                                tracing::warn!(error = %e, "cannot read the change log; retrying");
                                failing = true;
                            }
                            continue;
                        }
                    };
                for (seq, notice) in rows {
                    let change =
                        if seq == last + 1 { common::observe::change_of_notice(&notice) } else { Change::Missed };
                    last = seq;
                    if tx.send(change).is_err() {
                        return;
                    }
                }
            }
        });
        Ok(Some(rx))
    }
}

impl common::Dialect for SqliteStore {
    type Time = String;

    /// Writes are serialised by the write lock: nothing more to lock.
    const FOR_UPDATE: &'static str = "";

    /// A user's roles as one space-separated column, inside a query on `users`.
    const ROLES_OF_USER: &'static str = "(SELECT group_concat(role, ' ') FROM user_roles WHERE user_id = users.id)";

    /// A time as bound into SQL: UTC, microseconds, always 27 characters
    /// (`2024-05-01T12:00:00.000000Z`), so text order is time order. sqlx's
    /// own RFC 3339 encoding drops trailing zeros of the fraction, which would
    /// sort `…:00.5Z` before `…:00Z`. The microsecond precision matches
    /// PostgreSQL's `timestamptz`.
    fn ts(t: OffsetDateTime) -> String {
        let t = common::utc_micros(t);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )
    }

    /// Maps an sqlx error to a [`StoreError`], naming a broken unique rule.
    fn db_err(e: sqlx::Error) -> StoreError {
        match constraint_of(&e) {
            Some(constraint) => StoreError::Conflict(constraint),
            None => common::backend_err(e),
        }
    }
}

/// The database file, and the WAL and shared-memory files beside it, are
/// readable by this user only (0600): they hold password hashes, sealed keys
/// and session digests. SQLite creates the WAL and `-shm` files with the
/// database file's permissions, so creating that one 0600 — before SQLite
/// creates it 0644 under the usual umask — covers all three; files an
/// earlier version left readable are tightened, with a warning.
fn private_files(db: &std::path::Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |e: std::io::Error| StoreError::Backend(format!("{}: {e}", db.display()));
        if !db.exists() {
            std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(db).map_err(io)?;
        }
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let mut shm = db.as_os_str().to_owned();
        shm.push("-shm");
        for path in [db.to_path_buf(), wal.into(), shm.into()] {
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
                tracing::warn!(file = %path.display(), "the database file was readable by others (mode {mode:o}); it is 0600 now");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The unique indexes on plain columns, by the columns SQLite names when one is
/// broken, so that a conflict carries the index name PostgreSQL reports. Keep
/// in step with the `CREATE UNIQUE INDEX ... (column, ...)` of the migrations,
/// and with the primary keys a caller may collide with (named as PostgreSQL
/// names them, `<table>_pkey`).
const COLUMN_INDEXES: &[(&str, &str)] = &[
    ("refresh_tokens.digest", "refresh_tokens_digest_key"),
    ("mfa_backup_codes.user_id, mfa_backup_codes.digest", "mfa_backup_codes_user_digest_key"),
    ("mfa_challenges.digest", "mfa_challenges_digest_key"),
    ("webauthn_credentials.credential_id", "webauthn_credentials_credential_id_key"),
    ("email_tokens.digest", "email_tokens_digest_key"),
    ("oauth_codes.digest", "oauth_codes_pkey"),
    ("upstream_providers.id", "upstream_providers_pkey"),
    ("upstream_links.provider_id, upstream_links.subject", "upstream_links_pkey"),
    ("roles.name", "roles_pkey"),
    ("oauth_clients.id", "oauth_clients_pkey"),
    ("api_keys.digest", "api_keys_digest_key"),
];

/// The unique rule a write broke. SQLite does not report constraint names; its
/// message names an expression index (`UNIQUE constraint failed: index
/// 'users_email_key'`) or the columns (`UNIQUE constraint failed: users.id`),
/// which [`COLUMN_INDEXES`] turns back into an index name where it knows them.
fn constraint_of(e: &sqlx::Error) -> Option<Constraint> {
    let db = e.as_database_error()?;
    if db.kind() == ErrorKind::ForeignKeyViolation {
        return Some(Constraint::MissingReference);
    }
    if db.kind() != ErrorKind::UniqueViolation {
        return None;
    }
    Some(common::constraint_named(sqlite_constraint_name(db.message())))
}

/// The index (or, failing that, the columns) an SQLite unique violation
/// message names.
fn sqlite_constraint_name(message: &str) -> &str {
    let detail = message.split_once("failed: ").map_or("", |(_, rest)| rest).trim();
    if let Some(rest) = detail.strip_prefix("index '") {
        return rest.trim_end_matches('\'');
    }
    COLUMN_INDEXES.iter().find(|(columns, _)| *columns == detail).map_or(detail, |(_, index)| index)
}

common::impl_store!(SqliteStore, Sqlite, "sqlite");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_fixed_width_and_sort_as_text() {
        let base = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let later = base + time::Duration::milliseconds(500);
        let (a, b) = (SqliteStore::ts(base), SqliteStore::ts(later));
        assert_eq!(a, "2023-11-14T22:13:20.000000Z");
        assert_eq!(b, "2023-11-14T22:13:20.500000Z");
        assert!(a < b);
        let offset = base.to_offset(time::macros::offset!(+2));
        assert_eq!(SqliteStore::ts(offset), a);
    }

    #[test]
    fn unique_violations_name_the_index() {
        let name = |detail: &str| sqlite_constraint_name(&format!("UNIQUE constraint failed: {detail}")).to_owned();
        assert_eq!(name("index 'users_email_key'"), "users_email_key");
        assert_eq!(name("webauthn_credentials.credential_id"), "webauthn_credentials_credential_id_key");
        assert_eq!(name("mfa_backup_codes.user_id, mfa_backup_codes.digest"), "mfa_backup_codes_user_digest_key");
        assert_eq!(name("email_tokens.digest"), "email_tokens_digest_key");
        assert_eq!(name("oauth_codes.digest"), "oauth_codes_pkey");
        assert_eq!(name("upstream_providers.id"), "upstream_providers_pkey");
        assert_eq!(name("upstream_links.provider_id, upstream_links.subject"), "upstream_links_pkey");
        assert_eq!(name("users.id"), "users.id");
    }
}
