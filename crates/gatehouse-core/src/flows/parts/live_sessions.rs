//! Session checks at memory speed: the sessions and users that bearer
//! tokens, browser cookies and proxies present on every request, and the
//! users' second factors that `/api/auth/me` shows, kept in process, so that `/api/auth/me`, forward-auth, userinfo and introspection
//! touch no database once a session has been seen.
//!
//! What is cached is forgotten the moment it changes:
//! - in this process, the store tells [`LiveSessions`] of each change it
//!   makes, as the write (or its unit of work) commits
//!   ([`crate::store::Store::observe_changes`]);
//! - in other processes — other nodes, the CLI, an operator's SQL — database
//!   triggers record each change, and the store's feed brings it here
//!   ([`crate::store::Store::watch_changes`]: PostgreSQL notices at once,
//!   SQLite's change log within a quarter of a second).
//!
//! Nothing is trusted for longer than [`MAX_AGE`] either way, and only what
//! the database said exists is cached: made-up ids and cookies cannot fill
//! it. A session that looks idle-expired here is read again before it is
//! refused, because another node may have used it since (moving its idle
//! deadline is not a change anyone is told of). The cached copy of a
//! session leaves out its address and user agent, which no check needs.
//!
//! Uses that move a session's idle deadline (at most one a minute per
//! session and node) are kept here too and written together every
//! [`FLUSH_USES_EVERY`] ([`LiveSessions::flush_uses`]): with many live
//! sessions they would otherwise be a write per session and minute. Until
//! then this node's copy has the new deadline; another node that reads the
//! row may see one a moment older, and a crash loses at most that moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;

use crate::account::{User, UserId};
use crate::cache::BoundedCache;
use crate::clock::Clock;
use crate::crypto::TokenDigest;
use crate::error::Result;
use crate::mfa::MfaStatus;
use crate::session::{Session, SessionId, SessionKind, SessionUse};
use crate::store::{Change, ChangeObserver, MfaStore, SessionStore, UserStore};

/// The longest anything cached is believed without reading it again: a
/// backstop, should a change ever go unheard.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// How often the uses kept in memory are written (see the module docs).
pub const FLUSH_USES_EVERY: Duration = Duration::from_secs(1);

/// The live sessions and their users (see the module docs).
pub struct LiveSessions {
    sessions: Arc<dyn SessionStore>,
    users: Arc<dyn UserStore>,
    by_id: BoundedCache<SessionId, Arc<Session>>,
    /// A browser session's cookie (its digest) never changes while it lives.
    by_cookie: BoundedCache<TokenDigest, SessionId>,
    users_by_id: BoundedCache<UserId, Arc<User>>,
    factors: BoundedCache<UserId, MfaStatus>,
    /// Uses not yet written, the latest per session.
    uses: Mutex<HashMap<SessionId, SessionUse>>,
    mfa: Arc<dyn MfaStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for LiveSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSessions").field("sessions", &self.by_id.len()).finish_non_exhaustive()
    }
}

impl LiveSessions {
    /// Keeps about `capacity` sessions (and as many users, and cookies).
    pub fn new(
        sessions: Arc<dyn SessionStore>,
        users: Arc<dyn UserStore>,
        mfa: Arc<dyn MfaStore>,
        capacity: usize,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            sessions,
            users,
            by_id: BoundedCache::new(capacity, MAX_AGE),
            by_cookie: BoundedCache::new(capacity, MAX_AGE),
            users_by_id: BoundedCache::new(capacity, MAX_AGE),
            factors: BoundedCache::new(capacity, MAX_AGE),
            uses: Mutex::default(),
            mfa,
            clock,
        }
    }

    /// The session with this id as it now stands (ended ones too), `None`
    /// when there is none.
    pub async fn session(&self, id: SessionId) -> Result<Option<Arc<Session>>> {
        let now = self.clock.now();
        if let Some(session) = self.by_id.get(&id, now) {
            if !looks_idle_expired(&session, now) {
                return Ok(Some(session));
            }
        }
        let ticket = self.by_id.ticket(&id);
        let Some(session) = self.sessions.session(id).await? else {
            return Ok(None);
        };
        let mut session = slim(session);
        // A use not yet written is newer than the row.
        if let Some(used) = self.uses.lock().unwrap_or_else(PoisonError::into_inner).get(&id) {
            if used.last_used_at > session.last_used_at {
                session = Arc::new(Session {
                    last_used_at: used.last_used_at,
                    idle_expires_at: used.idle_expires_at,
                    ..Session::clone(&session)
                });
            }
        }
        self.by_id.put(id, session.clone(), ticket, now);
        Ok(Some(session))
    }

    /// The browser session whose cookie has this digest, as it now stands;
    /// `None` when the cookie is no browser session's.
    pub async fn browser(&self, cookie: &TokenDigest) -> Result<Option<Arc<Session>>> {
        let now = self.clock.now();
        if let Some(id) = self.by_cookie.get(cookie, now) {
            return self.session(id).await;
        }
        let cookie_ticket = self.by_cookie.ticket(cookie);
        let Some((record, session)) = self.sessions.refresh_by_digest(cookie).await? else {
            return Ok(None);
        };
        if session.kind != SessionKind::Browser || record.spent_at.is_some() {
            return Ok(None);
        }
        let id = session.id;
        self.by_cookie.put(cookie.clone(), id, cookie_ticket, now);
        // The row just read may be older than a change heard meanwhile:
        // the session itself goes through the guarded path.
        drop(session);
        self.session(id).await
    }

    /// The user with this id as they now stand, `None` when there is none.
    pub async fn user(&self, id: UserId) -> Result<Option<Arc<User>>> {
        let now = self.clock.now();
        if let Some(user) = self.users_by_id.get(&id, now) {
            return Ok(Some(user));
        }
        let ticket = self.users_by_id.ticket(&id);
        let Some(user) = self.users.user_by_id(id).await? else {
            return Ok(None);
        };
        let user = Arc::new(user);
        self.users_by_id.put(id, user.clone(), ticket, now);
        Ok(Some(user))
    }

    /// The user's second factors as they now stand.
    pub async fn factors(&self, user: UserId) -> Result<MfaStatus> {
        let now = self.clock.now();
        if let Some(factors) = self.factors.get(&user, now) {
            return Ok(factors);
        }
        let ticket = self.factors.ticket(&user);
        let factors = self.mfa.second_factors(user).await?;
        self.factors.put(user, factors.clone(), ticket, now);
        Ok(factors)
    }

    /// Moves a session's idle deadline (a use): here at once, in the store
    /// at the next [`LiveSessions::flush_uses`].
    pub fn touch(&self, id: SessionId, now: OffsetDateTime, idle_expires_at: OffsetDateTime) {
        self.uses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, SessionUse { id, last_used_at: now, idle_expires_at });
        self.by_id.update(&id, |session| {
            *session = Arc::new(Session { last_used_at: now, idle_expires_at, ..Session::clone(session) });
        });
    }

    /// Writes the uses kept since the last flush, in one transaction. Uses
    /// that could not be written are kept for the next flush, unless a newer
    /// use of the same session came meanwhile.
    pub async fn flush_uses(&self) -> Result<usize> {
        let uses: Vec<SessionUse> = {
            let mut kept = self.uses.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::take(&mut *kept).into_values().collect()
        };
        if uses.is_empty() {
            return Ok(0);
        }
        if let Err(e) = self.sessions.touch_sessions(&uses).await {
            let mut kept = self.uses.lock().unwrap_or_else(PoisonError::into_inner);
            for used in uses {
                kept.entry(used.id).or_insert(used);
            }
            return Err(e.into());
        }
        Ok(uses.len())
    }

    /// Forgets what `change` makes stale.
    pub fn forget(&self, change: &Change) {
        match change {
            Change::Session(id) => self.by_id.forget(id),
            Change::SessionsOf(user) => self.by_id.forget_where(|_, session| session.user_id == *user),
            Change::User(id) => {
                self.users_by_id.forget(id);
                self.factors.forget(id);
            }
            Change::Factors(id) => self.factors.forget(id),
            Change::Roles => self.users_by_id.clear(),
            Change::Missed => {
                self.by_id.clear();
                self.by_cookie.clear();
                self.users_by_id.clear();
                self.factors.clear();
            }
            Change::Keys | Change::Client(_) => {}
        }
    }

    /// How many sessions are cached.
    pub fn cached_sessions(&self) -> usize {
        self.by_id.len()
    }
}

impl ChangeObserver for LiveSessions {
    fn changed(&self, change: &Change) {
        self.forget(change);
    }
}

/// Unrevoked and before its absolute deadline, yet past its idle one as far
/// as this copy knows.
fn looks_idle_expired(session: &Session, now: OffsetDateTime) -> bool {
    session.revoked_at.is_none() && now < session.absolute_expires_at && now >= session.idle_expires_at
}

fn slim(session: Session) -> Arc<Session> {
    Arc::new(Session { ip: None, user_agent: None, ..session })
}
