//! Refresh-token rotation with reuse detection and a retry grace window.
//!
//! Every refresh spends the presented token and creates its successor. The
//! successor is derived from the spent token with a server-side HMAC key, so
//! Gatehouse can hand out the *same* successor again without storing it: when
//! the same client retries a spent token within the grace window (a lost
//! response, two tabs refreshing at once) it gets that successor; any other
//! presentation of a spent token is reuse, and ends the whole session.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use uuid::Uuid;

use super::{client_fingerprint, elapsed_since, load_user, AuditSink};
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::clock::Clock;
use crate::crypto::{hmac_token, TokenDigest};
use crate::error::{Error, Result};
use crate::flows::AccountsConfig;
use crate::session::{RefreshRecord, Rotation, Session};
use crate::store::{SessionStore, UserStore};

/// Spends refresh tokens and hands out their successors.
pub struct RefreshTokens {
    pub(crate) sessions: Arc<dyn SessionStore>,
    pub(crate) users: Arc<dyn UserStore>,
    /// What successors are derived with.
    pub(crate) successor_key: SecretBox<[u8; 32]>,
    pub(crate) audit: AuditSink,
    pub(crate) config: Arc<AccountsConfig>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl RefreshTokens {
    /// Spends a refresh token of a session `belongs` accepts and returns the
    /// successor token (see the module docs for the grace window and reuse).
    /// A token of a session `belongs` refuses is `InvalidToken`, untouched.
    pub async fn rotate(
        &self,
        token: &SecretString,
        client: &ClientInfo,
        belongs: impl Fn(&Session) -> bool,
    ) -> Result<(User, Session, SecretString)> {
        let presented = token.expose_secret();
        if presented.is_empty() || presented.len() > 128 {
            return Err(Error::InvalidToken);
        }
        let digest = TokenDigest::of(presented);
        let (record, session) = self.sessions.refresh_by_digest(&digest).await?.ok_or(Error::InvalidToken)?;
        if !belongs(&session) {
            return Err(Error::InvalidToken);
        }
        let now = self.clock.now();
        if session.revoked_at.is_some() {
            return Err(Error::InvalidToken);
        }
        if !session.is_active(now) {
            return Err(Error::TokenExpired);
        }
        let user = load_user(self.users.as_ref(), session.user_id).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }

        let successor = hmac_token(&self.successor_key, presented);
        let fingerprint = client_fingerprint(client);
        if record.spent_at.is_none() {
            let rotation = Rotation {
                old_digest: digest.clone(),
                new_id: Uuid::now_v7(),
                new_digest: TokenDigest::of(successor.expose_secret()),
                client_fingerprint: fingerprint.clone(),
                now,
                // Moving the idle deadline is a write in the serialised part of
                // the rotation: skipped for a session used moments ago.
                idle_expires_at: session
                    .touch_due(now, self.config.session_idle)
                    .then(|| (now + self.config.session_idle).min(session.absolute_expires_at)),
            };
            // A successful rotation is routine (every few minutes per session)
            // and is not audited; reuse, which ends the session, is.
            if self.sessions.rotate_refresh(&rotation).await? {
                return Ok((user, session, successor));
            }
        }
        // Spent — by an earlier request or by a concurrent one that just won.
        let record = match self.sessions.refresh_by_digest(&digest).await? {
            Some((r, _)) => r,
            None => return Err(Error::InvalidToken),
        };
        if self.is_grace_retry(&record, &fingerprint).await? {
            // Routine for a lost response, but also what a copied token
            // replayed at once from a copied address and user agent looks
            // like: on the record (decision 0001).
            self.audit
                .record(
                    AuditEvent::new(AuditKind::Refresh, Outcome::Success, client)
                        .by_and_for(session.user_id)
                        .detail(format!("session {}: a spent token retried within the grace window", session.id)),
                )
                .await;
            return Ok((user, session, successor));
        }
        self.end_reused_session(&session, client).await?;
        Err(Error::TokenReused)
    }

    /// A spent token counts as a retry when the same client presents it within
    /// the grace window and its successor has not been used yet.
    async fn is_grace_retry(&self, record: &RefreshRecord, fingerprint: &str) -> Result<bool> {
        let (Some(spent_at), Some(spent_by)) = (record.spent_at, record.spent_by.as_deref()) else {
            return Ok(false);
        };
        let now = self.clock.now();
        if elapsed_since(spent_at, now) > self.config.refresh_grace || spent_by != fingerprint {
            return Ok(false);
        }
        let successor = self.sessions.refresh_successor(record.id).await?;
        Ok(successor.is_some_and(|s| s.spent_at.is_none()))
    }

    async fn end_reused_session(&self, session: &Session, client: &ClientInfo) -> Result<()> {
        let now = self.clock.now();
        self.sessions.revoke_session(session.id, now).await?;
        tracing::warn!(session = %session.id, user = %session.user_id, "refresh token reuse detected; session ended");
        self.audit
            .record(
                AuditEvent::new(AuditKind::RefreshReuseDetected, Outcome::Failure, client)
                    .subject(session.user_id)
                    .detail(format!("session {} ended", session.id)),
            )
            .await;
        Ok(())
    }
}
