//! [`SessionStore`] in memory: sessions and the chain of refresh tokens
//! (their digests) each one owns.
//!
//! A session needs its user and, for an OAuth session, its client
//! (`Conflict(MissingReference)`); a refresh digest is stored once
//! (`Conflict(SecretDigest)`). A rotation spends the old token and inserts
//! its successor in one write, so of concurrent rotations of one token
//! exactly one wins. Revoking marks every unrevoked session it matches and
//! counts those that were still active at `now`.

use crate::store::Change;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, count, MemoryStore, State};
use crate::account::UserId;
use crate::amr::Amr;
use crate::crypto::TokenDigest;
use crate::session::{RefreshRecord, Rotation, Session, SessionId};
use crate::store::{Constraint, SessionStore, StoreResult};

impl State {
    /// The rule a new refresh token `id` with `digest` would break.
    fn refresh_taken(&self, id: uuid::Uuid, digest: &TokenDigest) -> Option<Constraint> {
        if self.refresh_tokens.iter().any(|r| r.id == id) {
            Some(Constraint::Unlisted)
        } else if self.refresh_tokens.iter().any(|r| r.digest == *digest) {
            Some(Constraint::SecretDigest)
        } else {
            None
        }
    }

    /// Deletes the sessions `doomed` picks, with their refresh tokens (the
    /// cascades from a deleted user or client).
    pub(super) fn delete_sessions(&mut self, doomed: impl Fn(&Session) -> bool) {
        let ids: Vec<SessionId> = self.sessions.iter().filter(|s| doomed(s)).map(|s| s.id).collect();
        self.sessions.retain(|s| !ids.contains(&s.id));
        self.refresh_tokens.retain(|r| !ids.contains(&r.session_id));
    }

    /// Revokes at `now` the unrevoked sessions `picked` chooses; returns how
    /// many of them were active.
    fn revoke_sessions(&mut self, now: OffsetDateTime, picked: impl Fn(&Session) -> bool) -> u64 {
        let mut active = 0;
        for session in self.sessions.iter_mut().filter(|s| s.revoked_at.is_none() && picked(s)) {
            if session.is_active(now) {
                active += 1;
            }
            session.revoked_at = Some(now);
        }
        count(active)
    }

    fn session_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create_session(&self, session: &Session, first: &RefreshRecord) -> StoreResult<()> {
        self.write(|state| {
            if state.sessions.iter().any(|s| s.id == session.id) {
                return conflict(Constraint::Unlisted);
            }
            let client_known = session.kind.client_id().is_none_or(|id| state.has_client(id));
            if !state.has_user(session.user_id) || !client_known {
                return conflict(Constraint::MissingReference);
            }
            if let Some(rule) = state.refresh_taken(first.id, &first.digest) {
                return conflict(rule);
            }
            if first.session_id != session.id && !state.sessions.iter().any(|s| s.id == first.session_id) {
                return conflict(Constraint::MissingReference);
            }
            state.sessions.push(session.clone());
            state.refresh_tokens.push(first.clone());
            Ok(())
        })
        .await
    }

    async fn session(&self, id: SessionId) -> StoreResult<Option<Session>> {
        Ok(self.read(|state| state.sessions.iter().find(|s| s.id == id).cloned()))
    }

    async fn refresh_by_digest(&self, digest: &TokenDigest) -> StoreResult<Option<(RefreshRecord, Session)>> {
        Ok(self.read(|state| {
            let record = state.refresh_tokens.iter().find(|r| r.digest == *digest)?;
            let session = state.sessions.iter().find(|s| s.id == record.session_id)?;
            Some((record.clone(), session.clone()))
        }))
    }

    async fn refresh_successor(&self, parent: uuid::Uuid) -> StoreResult<Option<RefreshRecord>> {
        Ok(self.read(|state| {
            let children = state.refresh_tokens.iter().filter(|r| r.parent_id == Some(parent));
            children.min_by_key(|r| (r.created_at, r.id)).cloned()
        }))
    }

    async fn rotate_refresh(&self, rotation: &Rotation) -> StoreResult<bool> {
        self.write(|state| {
            let unspent = state.refresh_tokens.iter().find(|r| r.digest == rotation.old_digest && r.spent_at.is_none());
            // Unknown or already spent: someone else won (or nobody can).
            let Some(old) = unspent.map(|r| (r.id, r.session_id)) else { return Ok(false) };
            let (old_id, session_id) = old;
            if let Some(rule) = state.refresh_taken(rotation.new_id, &rotation.new_digest) {
                return conflict(rule);
            }
            if let Some(spent) = state.refresh_tokens.iter_mut().find(|r| r.id == old_id) {
                spent.spent_at = Some(rotation.now);
                spent.spent_by = Some(rotation.client_fingerprint.clone());
            }
            state.refresh_tokens.push(RefreshRecord {
                id: rotation.new_id,
                session_id,
                parent_id: Some(old_id),
                digest: rotation.new_digest.clone(),
                created_at: rotation.now,
                spent_at: None,
                spent_by: None,
            });
            if let (Some(idle_expires_at), Some(session)) = (rotation.idle_expires_at, state.session_mut(session_id)) {
                session.last_used_at = rotation.now;
                session.idle_expires_at = idle_expires_at;
            }
            Ok(true)
        })
        .await
    }

    async fn active_sessions(&self, user: UserId, now: OffsetDateTime) -> StoreResult<Vec<Session>> {
        Ok(self.read(|state| {
            let mut active: Vec<Session> =
                state.sessions.iter().filter(|s| s.user_id == user && s.is_active(now)).cloned().collect();
            active.sort_by_key(|s| std::cmp::Reverse((s.created_at, s.id.0)));
            active
        }))
    }

    async fn revoke_session(&self, id: SessionId, now: OffsetDateTime) -> StoreResult<bool> {
        self.write_told(Change::Session(id), |state| Ok(state.revoke_sessions(now, |s| s.id == id) > 0)).await
    }

    async fn reauthenticated(&self, id: SessionId, amr: &Amr, at: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::Session(id), |state| {
            if let Some(session) = state.session_mut(id) {
                session.auth_time = at;
                session.amr = amr.clone();
            }
            Ok(())
        })
        .await
    }

    async fn revoke_user_sessions(&self, user: UserId, now: OffsetDateTime) -> StoreResult<u64> {
        self.write_told(Change::SessionsOf(user), |state| Ok(state.revoke_sessions(now, |s| s.user_id == user))).await
    }

    async fn touch_session(
        &self,
        id: SessionId,
        now: OffsetDateTime,
        idle_expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        self.write(|state| {
            if let Some(session) = state.session_mut(id) {
                session.last_used_at = now;
                session.idle_expires_at = idle_expires_at;
            }
            Ok(())
        })
        .await
    }

    async fn touch_sessions(&self, uses: &[crate::session::SessionUse]) -> StoreResult<()> {
        self.write(|state| {
            for used in uses {
                if let Some(session) = state.session_mut(used.id) {
                    session.last_used_at = used.last_used_at;
                    session.idle_expires_at = used.idle_expires_at;
                }
            }
            Ok(())
        })
        .await
    }

    async fn revoke_client_sessions(&self, user: UserId, client_id: &str, now: OffsetDateTime) -> StoreResult<u64> {
        self.write_told(Change::SessionsOf(user), |state| {
            Ok(state.revoke_sessions(now, |s| s.user_id == user && s.kind.client_id() == Some(client_id)))
        })
        .await
    }
}
