//! Units of work ([`gatehouse_core::store::StoreTx`]): every capability of the
//! store over one database transaction.
//!
//! A store value either runs each query on a connection of its pool, or —
//! made by `Store::begin` — holds one open transaction ([`Held`]) that every
//! query runs in. The queries in `common` do not know which: they ask the
//! store for a connection ([`Conn`]) or for a write transaction ([`Write`]).
//! Inside a unit, a write that would have had a transaction of its own runs
//! under a savepoint instead, so that its own rollback undoes only it.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::PoisonError;

use gatehouse_core::audit::AuditEvent;
use gatehouse_core::store::{Change, StoreError, StoreResult};

use super::observe::Observers;
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

/// A boxed, sendable future (the store's futures are awaited inside
/// `async_trait` methods, which must be `Send`).
pub(crate) type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 'a>>;

/// A transaction a store begins for itself: sqlx's, or SQLite's gated one.
pub(crate) trait OwnTx: DerefMut + Send + Sized + 'static {
    fn commit(self) -> Fut<'static, ()>;
    fn rollback(self) -> Fut<'static, ()>;
}

/// Runs one statement of transaction control on a connection.
pub(crate) trait Control: Send {
    /// A statement that fails ends the whole transaction, and `COMMIT` then
    /// rolls back without an error (PostgreSQL): check before committing.
    const FAILED_COMMIT_IS_SILENT: bool;

    fn control<'a>(&'a mut self, sql: &'static str) -> Fut<'a, ()>;
}

impl Control for sqlx::SqliteConnection {
    const FAILED_COMMIT_IS_SILENT: bool = false;

    fn control<'a>(&'a mut self, sql: &'static str) -> Fut<'a, ()> {
        Box::pin(async move { sqlx::Executor::execute(self, sql).await.map(|_| ()) })
    }
}

impl Control for sqlx::PgConnection {
    const FAILED_COMMIT_IS_SILENT: bool = true;

    fn control<'a>(&'a mut self, sql: &'static str) -> Fut<'a, ()> {
        Box::pin(async move { sqlx::Executor::execute(self, sql).await.map(|_| ()) })
    }
}

impl OwnTx for sqlx::Transaction<'static, sqlx::Postgres> {
    fn commit(self) -> Fut<'static, ()> {
        Box::pin(sqlx::Transaction::commit(self))
    }

    fn rollback(self) -> Fut<'static, ()> {
        Box::pin(sqlx::Transaction::rollback(self))
    }
}

/// The open transaction of a unit of work.
pub(crate) struct Held<T> {
    tx: Mutex<Option<T>>,
    /// A savepoint's release or rollback failed: the unit is not what its
    /// steps said, so it must not commit.
    broken: AtomicBool,
    /// Audit events written in the unit: logged once it commits.
    audited: std::sync::Mutex<Vec<AuditEvent>>,
    /// Changes made in the unit: told once it commits.
    changes: std::sync::Mutex<Vec<Change>>,
}

impl<T> std::fmt::Debug for Held<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held").field("broken", &self.broken.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

fn ended() -> StoreError {
    StoreError::Backend("the unit of work has ended".into())
}

impl<C, T> Held<T>
where
    C: Control + ?Sized + 'static,
    T: OwnTx + DerefMut<Target = C>,
{
    pub(crate) fn new(tx: T) -> Self {
        Self {
            tx: Mutex::new(Some(tx)),
            broken: AtomicBool::new(false),
            audited: std::sync::Mutex::default(),
            changes: std::sync::Mutex::default(),
        }
    }

    /// The transaction's connection, for one query.
    pub(crate) async fn conn(&self) -> StoreResult<MappedMutexGuard<'_, C>> {
        MutexGuard::try_map(self.tx.lock().await, |tx| tx.as_deref_mut()).map_err(|_| ended())
    }

    /// A write inside the unit: under a savepoint.
    pub(crate) async fn nested(&self) -> StoreResult<MappedMutexGuard<'_, C>> {
        let mut conn = self.conn().await?;
        conn.control("SAVEPOINT gh_step").await.map_err(super::backend_err)?;
        Ok(conn)
    }

    /// Commits. On PostgreSQL a transaction in which a statement failed
    /// answers `COMMIT` by rolling back, without an error: there a query
    /// first makes sure it has not failed, so that such a unit reports it.
    pub(crate) async fn commit(&self, observers: &Observers) -> StoreResult<()> {
        let tx = self.tx.lock().await.take().ok_or_else(ended)?;
        let mut tx = tx;
        if self.broken.load(Ordering::Acquire) {
            let _ = tx.rollback().await;
            return Err(StoreError::Backend(
                "a step of the unit of work could not be undone; nothing was written".into(),
            ));
        }
        if C::FAILED_COMMIT_IS_SILENT {
            if let Err(e) = tx.control("SELECT 1").await {
                let _ = tx.rollback().await;
                return Err(StoreError::Backend(format!("the unit of work failed earlier, nothing was written: {e}")));
            }
        }
        tx.commit().await.map_err(super::backend_err)?;
        let audited = std::mem::take(&mut *self.audited.lock().unwrap_or_else(PoisonError::into_inner));
        audited.iter().for_each(gatehouse_core::audit::emit);
        let changes = std::mem::take(&mut *self.changes.lock().unwrap_or_else(PoisonError::into_inner));
        changes.iter().for_each(|change| observers.tell(change));
        Ok(())
    }

    /// Tells `change` to the store's observers if the unit commits.
    pub(crate) fn note(&self, change: Change) {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner).push(change);
    }

    /// Logs `event` (see [`gatehouse_core::audit::emit`]) if the unit commits.
    pub(crate) fn on_commit(&self, event: &AuditEvent) {
        self.audited.lock().unwrap_or_else(PoisonError::into_inner).push(event.clone());
    }
}

/// A connection for one query: the pool's, or the unit of work's.
pub(crate) enum Conn<'a, C: ?Sized, P> {
    Pool(P),
    Held(MappedMutexGuard<'a, C>),
}

impl<C: ?Sized, P: Deref<Target = C>> Deref for Conn<'_, C, P> {
    type Target = C;

    fn deref(&self) -> &C {
        match self {
            Self::Pool(conn) => conn,
            Self::Held(conn) => conn,
        }
    }
}

impl<C: ?Sized, P: DerefMut<Target = C>> DerefMut for Conn<'_, C, P> {
    fn deref_mut(&mut self) -> &mut C {
        match self {
            Self::Pool(conn) => conn,
            Self::Held(conn) => conn,
        }
    }
}

/// A write transaction: the store's own, or a savepoint in the unit of work.
///
/// Dropped without `commit` or `rollback` (a failed step), its own
/// transaction rolls back; a savepoint is left open and its statements stay
/// part of the unit — which the failed step's error then ends (see
/// [`gatehouse_core::store::StoreTx`]).
pub(crate) enum Write<'a, C: Control + ?Sized, T> {
    Own(T),
    Nested(MappedMutexGuard<'a, C>, &'a AtomicBool),
}

impl<'a, C, T> Write<'a, C, T>
where
    C: Control + ?Sized + 'static,
    T: OwnTx + DerefMut<Target = C>,
{
    /// The write transaction of `held`'s unit, under a savepoint.
    pub(crate) async fn nested(held: &'a Held<T>) -> StoreResult<Self> {
        Ok(Self::Nested(held.nested().await?, &held.broken))
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Own(tx) => tx.commit().await,
            Self::Nested(mut conn, broken) => {
                let done = conn.control("RELEASE SAVEPOINT gh_step").await;
                if done.is_err() {
                    broken.store(true, Ordering::Release);
                }
                done
            }
        }
    }

    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Own(tx) => tx.rollback().await,
            Self::Nested(mut conn, broken) => {
                let mut done = conn.control("ROLLBACK TO SAVEPOINT gh_step").await;
                if done.is_ok() {
                    done = conn.control("RELEASE SAVEPOINT gh_step").await;
                }
                if done.is_err() {
                    broken.store(true, Ordering::Release);
                }
                done
            }
        }
    }
}

impl<C, T> Deref for Write<'_, C, T>
where
    C: Control + ?Sized,
    T: DerefMut<Target = C>,
{
    type Target = C;

    fn deref(&self) -> &C {
        match self {
            Self::Own(tx) => tx,
            Self::Nested(conn, _) => conn,
        }
    }
}

impl<C, T> DerefMut for Write<'_, C, T>
where
    C: Control + ?Sized,
    T: DerefMut<Target = C>,
{
    fn deref_mut(&mut self) -> &mut C {
        match self {
            Self::Own(tx) => tx,
            Self::Nested(conn, _) => conn,
        }
    }
}
