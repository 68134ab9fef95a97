//! [`LifecycleStore`] in memory: single-use email tokens, address changes,
//! and deleting a user (GDPR) while keeping an anonymised audit trail.
//!
//! Issuing a token marks the user's earlier unused tokens of the same kind
//! used, in the same write, so only the newest link works; a digest is
//! stored once (`Conflict(SecretDigest)`). Consuming needs an unused token
//! unexpired at `now` (expiry is exclusive).
//!
//! Deleting a user takes every row that is theirs, as the foreign keys of
//! the SQL schema cascade: their roles, sessions with their refresh tokens,
//! TOTP secret, backup codes, MFA challenges, WebAuthn credentials and
//! ceremonies, email tokens, OAuth codes and consents, upstream links and
//! API keys. Audit records stay, with the bare ids, without ip and user agent.

use crate::store::Change;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, MemoryStore, State};
use crate::account::{Email, UserId};
use crate::crypto::TokenDigest;
use crate::lifecycle::{EmailToken, EmailTokenKind};
use crate::store::{Constraint, LifecycleStore, StoreResult};

impl State {
    /// Marks every unused token of `user` and `kind` used at `now`.
    fn spend_email_tokens(&mut self, user: UserId, kind: EmailTokenKind, now: OffsetDateTime) {
        for token in self.email_tokens.iter_mut().filter(|t| t.user_id == user && t.kind == kind && t.used_at.is_none())
        {
            token.used_at = Some(now);
        }
    }

    /// Takes the user's audit records' ip and user agent away (whether or
    /// not the user still exists, as the SQL `UPDATE` does).
    fn anonymise_audit(&mut self, user: UserId) {
        let mentions = |id: Option<UserId>| id == Some(user);
        for event in self.audit.iter_mut().filter(|e| mentions(e.actor) || mentions(e.subject)) {
            event.ip = None;
            event.user_agent = None;
        }
    }

    /// Deletes the user's rows in every table that refers to users.
    fn delete_rows_of(&mut self, user: UserId) {
        self.last_failures.remove(&user);
        self.delete_sessions(|s| s.user_id == user);
        self.totp.retain(|t| t.user_id != user);
        self.backup_codes.retain(|c| c.user_id != user);
        self.challenges.retain(|c| c.user_id != user);
        self.credentials.retain(|c| c.user_id != user);
        self.ceremonies.retain(|c| c.user_id != Some(user));
        self.email_tokens.retain(|t| t.user_id != user);
        self.codes.retain(|c| c.user_id != user);
        self.consents.retain(|c| c.user_id != user);
        self.links.retain(|l| l.user_id != user);
        self.api_keys.retain(|k| k.user_id != user);
    }
}

#[async_trait]
impl LifecycleStore for MemoryStore {
    async fn issue_email_token(&self, token: &EmailToken) -> StoreResult<()> {
        self.write(|state| {
            if state.email_tokens.iter().any(|t| t.id == token.id) {
                return conflict(Constraint::Unlisted);
            }
            if state.email_tokens.iter().any(|t| t.digest == token.digest) {
                return conflict(Constraint::SecretDigest);
            }
            if !state.has_user(token.user_id) {
                return conflict(Constraint::MissingReference);
            }
            state.spend_email_tokens(token.user_id, token.kind, token.created_at);
            state.email_tokens.push(EmailToken { used_at: None, ..token.clone() });
            Ok(())
        })
        .await
    }

    async fn email_token(&self, digest: &TokenDigest) -> StoreResult<Option<EmailToken>> {
        Ok(self.read(|state| state.email_tokens.iter().find(|t| t.digest == *digest).cloned()))
    }

    async fn consume_email_token(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool> {
        self.write(|state| {
            let usable =
                state.email_tokens.iter_mut().find(|t| t.id == id && t.used_at.is_none() && t.expires_at > now);
            let Some(token) = usable else { return Ok(false) };
            token.used_at = Some(now);
            Ok(true)
        })
        .await
    }

    async fn revoke_email_tokens(&self, user: UserId, kind: EmailTokenKind, now: OffsetDateTime) -> StoreResult<()> {
        self.write(|state| {
            state.spend_email_tokens(user, kind, now);
            Ok(())
        })
        .await
    }

    async fn set_email_verified(&self, user: UserId, verified: bool, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(user), |state| {
            if let Some(stored) = state.user_mut(user) {
                stored.email_verified = verified;
                stored.updated_at = now;
            }
            Ok(())
        })
        .await
    }

    async fn set_email(&self, user: UserId, email: &Email, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(user), |state| {
            if !state.has_user(user) {
                return Ok(());
            }
            if let Some(rule) = state.name_taken(user, None, Some(email.as_str())) {
                return conflict(rule);
            }
            if let Some(stored) = state.user_mut(user) {
                stored.email = email.clone();
                stored.email_verified = true;
                stored.updated_at = now;
            }
            Ok(())
        })
        .await
    }

    async fn delete_user(&self, user: UserId) -> StoreResult<bool> {
        self.write_told(Change::User(user), |state| {
            state.anonymise_audit(user);
            if !state.has_user(user) {
                return Ok(false);
            }
            state.delete_rows_of(user);
            state.users.retain(|u| u.id != user);
            Ok(true)
        })
        .await
    }
}
