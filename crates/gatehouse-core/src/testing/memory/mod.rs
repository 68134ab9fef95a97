//! [`MemoryStore`]: every store trait of [`crate::store`] over plain tables
//! in memory, for fast flow tests. The semantics are those of the SQL
//! backends in `gatehouse-store` (their queries in `common/*.rs`, their
//! schema in `migrations/`): the same unique rules and foreign keys,
//! reported as the same [`Constraint`]s, the same cascades, orders and
//! expiry checks against the `now` the caller gives.
//!
//! The state is one [`State`] value (a `Vec` or map per table) behind a
//! `std::sync::Mutex`. Every writer takes turns at an async writer gate, as
//! SQLite's writers take its write lock: a plain write through the store
//! holds it for that one call, a unit of work ([`Store::begin`]) for its
//! whole life. A unit works on its own copy of the state and swaps it in at
//! [`StoreTx::commit`]; dropped, it writes nothing. Reads through the store
//! read the committed state at once, even while a unit is open.
//!
//! Each store method checks every rule before it changes anything, so a
//! method that fails changes nothing, inside a unit or not. A unit in which
//! a step broke a rule (a [`StoreError::Conflict`]) refuses to commit, as
//! PostgreSQL does.
//!
//! The trait implementations are split by capability, one file each:
//! `users`, `roles`, `api_keys`, `sessions`, `keys`, `audit`, `mfa`,
//! `webauthn`, `lifecycle`, `clients`, `oauth` and `federation`. They are
//! written once, on [`MemoryStore`]: a unit of work is a `MemoryStore` too,
//! one that holds its copy of the state (`unit`) and works on that.
//!
//! Times are kept as given (the SQL stores cut them to microseconds in UTC).

mod api_keys;
mod audit;
mod clients;
mod federation;
mod keys;
mod lifecycle;
mod mfa;
mod oauth;
mod roles;
mod sessions;
mod users;
mod webauthn;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::OwnedMutexGuard;

use crate::account::{Role, User, UserId};
use crate::api_key::ApiKey;
use crate::audit::AuditEvent;
use crate::federation::{UpstreamLink, UpstreamProvider};
use crate::lifecycle::EmailToken;
use crate::mfa::{MfaChallenge, TotpRecord, WebauthnCeremony, WebauthnCredential};
use crate::oauth::{AuthorizationCode, Consent, OAuthClient};
use crate::rbac::RoleDef;
use crate::retention::{PurgeRequest, Purged, CODE_REPLAY_MEMORY};
use crate::session::{RefreshRecord, Session};
use crate::store::{
    Change, ChangeObserver, Constraint, Resealed, Resealer, SealedOwner, Store, StoreError, StoreResult, StoreTx,
};

/// Gatehouse's data in memory: a fresh, empty database per
/// [`MemoryStore::new`] (with the built-in roles, as migrated). See the
/// module docs.
pub struct MemoryStore {
    shared: Arc<Shared>,
    /// The unit of work this value is, if any (made by [`Store::begin`]).
    unit: Option<Unit>,
}

/// What the store and its units share.
struct Shared {
    committed: Mutex<State>,
    /// Held by every writer: a plain write for its call, a unit for its life.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Who hears the changes (see [`Store::observe_changes`]).
    /// Held weakly, as the SQL stores hold them.
    observers: std::sync::RwLock<Vec<std::sync::Weak<dyn ChangeObserver>>>,
}

/// An open unit of work: its copy of the state and its turn at the gate.
struct Unit {
    state: Mutex<State>,
    /// A step broke a rule: the unit must not commit (see [`StoreTx`]).
    failed: AtomicBool,
    /// Changes made in the unit, told when it commits.
    changes: Mutex<Vec<Change>>,
    _turn: OwnedMutexGuard<()>,
}

/// Every table. Rows are kept in the order written; each query sorts as
/// its SQL does.
#[derive(Clone, Default)]
struct State {
    /// Users with their roles (sorted, without duplicates: `user_roles`).
    /// `permissions` is left empty here and filled in from the roles at
    /// each read, as the SQL stores do.
    users: Vec<User>,
    /// Role definitions by name, their permissions sorted (`role_permissions`).
    roles: BTreeMap<Role, RoleDef>,
    sessions: Vec<Session>,
    refresh_tokens: Vec<RefreshRecord>,
    keys: Vec<keys::KeyRow>,
    audit: Vec<AuditEvent>,
    totp: Vec<TotpRecord>,
    backup_codes: Vec<mfa::BackupCode>,
    challenges: Vec<MfaChallenge>,
    credentials: Vec<WebauthnCredential>,
    ceremonies: Vec<WebauthnCeremony>,
    email_tokens: Vec<EmailToken>,
    clients: Vec<OAuthClient>,
    codes: Vec<AuthorizationCode>,
    consents: Vec<Consent>,
    upstreams: Vec<UpstreamProvider>,
    links: Vec<UpstreamLink>,
    api_keys: Vec<ApiKey>,
    /// The keys the server keeps, sealed, by name (`kept_secrets`).
    kept: BTreeMap<String, Vec<u8>>,
    /// When each user last failed to sign in (`users.last_failed_login_at`).
    last_failures: BTreeMap<UserId, OffsetDateTime>,
    /// Failures of login names no account has, by digest (`login_name_failures`).
    name_failures: BTreeMap<Vec<u8>, NameFailures>,
}

/// A row of `login_name_failures`.
#[derive(Clone)]
struct NameFailures {
    failures: u32,
    last: OffsetDateTime,
    locked_until: Option<OffsetDateTime>,
}

impl MemoryStore {
    /// An empty store holding only the built-in roles `admin` and `user`,
    /// without permissions, as migration 0009 leaves a fresh database (the
    /// server's start-up sync fills them in: `sync_builtin_roles`).
    pub fn new() -> Self {
        let mut state = State::default();
        for mut role in RoleDef::builtins(OffsetDateTime::now_utc()) {
            role.permissions.clear();
            state.roles.insert(role.name.clone(), role);
        }
        let shared = Shared { committed: Mutex::new(state), writer: Arc::default(), observers: Default::default() };
        Self { shared: Arc::new(shared), unit: None }
    }

    /// Runs `read` on the state this value sees: the unit's copy inside a
    /// unit of work, the committed state otherwise.
    fn read<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        match &self.unit {
            Some(unit) => read(&lock(&unit.state)),
            None => read(&lock(&self.shared.committed)),
        }
    }

    /// Runs `write` on the state this value writes to: the unit's copy, or
    /// the committed state while holding the writer gate. `write` checks
    /// every rule before it changes anything.
    async fn write<T>(&self, write: impl FnOnce(&mut State) -> StoreResult<T> + Send) -> StoreResult<T> {
        match &self.unit {
            Some(unit) => {
                let result = write(&mut lock(&unit.state));
                if matches!(result, Err(StoreError::Conflict(_))) {
                    unit.failed.store(true, Ordering::Relaxed);
                }
                result
            }
            None => {
                let _turn = self.shared.writer.lock().await;
                write(&mut lock(&self.shared.committed))
            }
        }
    }
}

impl MemoryStore {
    /// [`MemoryStore::write`], and when it succeeds, `change` is told to the
    /// observers: at once, or when the unit of work commits.
    async fn write_told<T>(
        &self,
        change: Change,
        write: impl FnOnce(&mut State) -> StoreResult<T> + Send,
    ) -> StoreResult<T> {
        let result = self.write(write).await?;
        match &self.unit {
            Some(unit) => lock(&unit.changes).push(change),
            None => self.shared.tell(&change),
        }
        Ok(result)
    }
}

impl Shared {
    fn tell(&self, change: &Change) {
        for observer in self.observers.read().unwrap_or_else(PoisonError::into_inner).iter() {
            if let Some(observer) = observer.upgrade() {
                observer.changed(change);
            }
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").field("unit", &self.unit.is_some()).finish_non_exhaustive()
    }
}

/// The guarded value, even if a thread panicked while holding the lock (no
/// method leaves a table half-changed: each checks before it writes).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A broken rule of the schema.
fn conflict<T>(rule: Constraint) -> StoreResult<T> {
    Err(StoreError::Conflict(rule))
}

/// Whether two names are the same, case-insensitively (SQL `lower(a) = lower(b)`).
fn same_ignoring_case(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// A count as the traits report it.
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `limit` rows from `offset` on (SQL `LIMIT`/`OFFSET`).
fn page<T>(rows: impl Iterator<Item = T>, limit: u32, offset: u32) -> impl Iterator<Item = T> {
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    rows.skip(offset).take(limit)
}

#[async_trait]
impl StoreTx for MemoryStore {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        let Some(unit) = self.unit else { return Ok(()) };
        if unit.failed.load(Ordering::Relaxed) {
            return Err(StoreError::Backend("a step of the unit of work failed: nothing was written".into()));
        }
        let state = unit.state.into_inner().unwrap_or_else(PoisonError::into_inner);
        *lock(&self.shared.committed) = state;
        for change in unit.changes.into_inner().unwrap_or_else(PoisonError::into_inner) {
            self.shared.tell(&change);
        }
        // The unit's turn at the writer gate ends here, after the swap.
        Ok(())
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn begin(&self) -> StoreResult<Box<dyn StoreTx>> {
        if self.unit.is_some() {
            return Err(StoreError::Backend("a unit of work cannot begin another".into()));
        }
        let turn = self.shared.writer.clone().lock_owned().await;
        let copy = lock(&self.shared.committed).clone();
        let unit =
            Unit { state: Mutex::new(copy), failed: AtomicBool::new(false), changes: Mutex::default(), _turn: turn };
        Ok(Box::new(Self { shared: self.shared.clone(), unit: Some(unit) }))
    }

    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "memory"
    }

    fn observe_changes(&self, observer: Arc<dyn ChangeObserver>) {
        self.shared.observers.write().unwrap_or_else(PoisonError::into_inner).push(Arc::downgrade(&observer));
    }

    /// There is no file to copy.
    async fn backup_into(&self, _path: &str) -> StoreResult<bool> {
        Ok(false)
    }

    async fn reseal_all(&self, reseal: &Resealer<'_>) -> crate::error::Result<Resealed> {
        let _turn = match &self.unit {
            Some(_) => return Err(StoreError::Backend("a unit of work cannot re-seal".into()).into()),
            None => self.shared.writer.lock().await,
        };
        // Work on a copy: the first failure leaves the committed state as it was.
        let mut state = lock(&self.shared.committed).clone();
        let mut done = Resealed::default();
        for row in &mut state.keys {
            row.key.private_sealed = reseal(&SealedOwner::SigningKey(row.key.kid.clone()), &row.key.private_sealed)?;
            done.signing_keys += 1;
        }
        for totp in &mut state.totp {
            totp.secret_sealed = reseal(&SealedOwner::Totp(totp.user_id), &totp.secret_sealed)?;
            done.totp_secrets += 1;
        }
        for provider in &mut state.upstreams {
            provider.client_secret_sealed =
                reseal(&SealedOwner::Upstream(provider.id.clone()), &provider.client_secret_sealed)?;
            done.upstream_secrets += 1;
        }
        for (name, sealed) in &mut state.kept {
            *sealed = reseal(&SealedOwner::Kept(name.clone()), sealed)?;
            done.kept_secrets += 1;
        }
        *lock(&self.shared.committed) = state;
        Ok(done)
    }

    async fn purge(&self, request: PurgeRequest) -> StoreResult<Option<Purged>> {
        let now = request.now;
        self.write(|state| {
            /// Keeps what `keep` accepts; returns how many went.
            fn drop_unless<T>(rows: &mut Vec<T>, keep: impl Fn(&T) -> bool) -> u64 {
                let before = rows.len();
                rows.retain(keep);
                count(before - rows.len())
            }
            let ended: Vec<crate::session::SessionId> = state
                .sessions
                .iter()
                .filter(|s| s.revoked_at.is_some() || s.idle_expires_at <= now || s.absolute_expires_at <= now)
                .map(|s| s.id)
                .collect();
            let code_cutoff = now - CODE_REPLAY_MEMORY;
            let failures_cutoff = now - crate::retention::LOGIN_FAILURE_MEMORY;
            let names_before = state.name_failures.len();
            state.name_failures.retain(|_, f| f.last >= failures_cutoff);
            let login_names = count(names_before - state.name_failures.len());
            Ok(Some(Purged {
                refresh_tokens: drop_unless(&mut state.refresh_tokens, |r| !ended.contains(&r.session_id)),
                sessions: drop_unless(&mut state.sessions, |s| !ended.contains(&s.id)),
                email_tokens: drop_unless(&mut state.email_tokens, |t| t.expires_at > now),
                authorization_codes: drop_unless(&mut state.codes, |c| c.expires_at > code_cutoff),
                mfa_challenges: drop_unless(&mut state.challenges, |c| c.expires_at > now),
                webauthn_ceremonies: drop_unless(&mut state.ceremonies, |c| c.expires_at > now),
                audit_records: match request.audit_before {
                    Some(before) => drop_unless(&mut state.audit, |e| e.at >= before),
                    None => 0,
                },
                login_names,
            }))
        })
        .await
    }
}
