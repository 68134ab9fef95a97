//! [`MfaStore`] in memory: TOTP secrets (sealed by the core), backup code
//! digests and login challenges.
//!
//! Every single-use rule is checked and applied in one write (`last_step <
//! step`, unused, unexpired at `now`), so of concurrent callers exactly one
//! wins. A user's backup code digests are unique per user and a challenge
//! digest is stored once (`Conflict(SecretDigest)`); everything here needs
//! its user (`Conflict(MissingReference)`).

use crate::store::Change;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, MemoryStore};
use crate::account::UserId;
use crate::crypto::TokenDigest;
use crate::mfa::{MfaChallenge, MfaStatus, TotpRecord};
use crate::store::{Constraint, MfaStore, StoreError, StoreResult};

/// A stored backup code (its digest). `keyed` is false for codes stored as
/// plain SHA-256 digests, before codes were keyed; this store writes keyed
/// codes only, as the SQL stores do. (When a code was made is not kept: no
/// query reads it.)
#[derive(Clone)]
pub(super) struct BackupCode {
    id: uuid::Uuid,
    pub(super) user_id: UserId,
    digest: TokenDigest,
    used_at: Option<OffsetDateTime>,
    keyed: bool,
}

#[async_trait]
impl MfaStore for MemoryStore {
    async fn totp(&self, user: UserId) -> StoreResult<Option<TotpRecord>> {
        Ok(self.read(|state| state.totp.iter().find(|t| t.user_id == user).cloned()))
    }

    async fn put_pending_totp(&self, user: UserId, sealed: &[u8], now: OffsetDateTime) -> StoreResult<bool> {
        let pending = TotpRecord {
            user_id: user,
            secret_sealed: sealed.to_vec(),
            created_at: now,
            enabled_at: None,
            last_step: None,
        };
        self.write(|state| {
            // (A secret without its user cannot exist either.)
            if !state.has_user(user) {
                return conflict(Constraint::MissingReference);
            }
            match state.totp.iter_mut().find(|t| t.user_id == user) {
                Some(enabled) if enabled.enabled_at.is_some() => Ok(false),
                Some(earlier) => {
                    *earlier = pending;
                    Ok(true)
                }
                None => {
                    state.totp.push(pending);
                    Ok(true)
                }
            }
        })
        .await
    }

    async fn enable_totp(&self, user: UserId, step: i64, now: OffsetDateTime) -> StoreResult<bool> {
        self.write_told(Change::Factors(user), |state| {
            let Some(pending) = state.totp.iter_mut().find(|t| t.user_id == user && t.enabled_at.is_none()) else {
                return Ok(false);
            };
            pending.enabled_at = Some(now);
            pending.last_step = Some(step);
            Ok(true)
        })
        .await
    }

    async fn use_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool> {
        self.write(|state| {
            let later = |t: &TotpRecord| t.last_step.is_none_or(|last| last < step);
            let enabled = state.totp.iter_mut().find(|t| t.user_id == user && t.enabled_at.is_some());
            let Some(totp) = enabled.filter(|t| later(t)) else { return Ok(false) };
            totp.last_step = Some(step);
            Ok(true)
        })
        .await
    }

    async fn delete_totp(&self, user: UserId) -> StoreResult<bool> {
        self.write_told(Change::Factors(user), |state| {
            let before = state.totp.len();
            state.totp.retain(|t| t.user_id != user);
            Ok(state.totp.len() != before)
        })
        .await
    }

    async fn replace_backup_codes(
        &self,
        user: UserId,
        digests: &[TokenDigest],
        _now: OffsetDateTime,
    ) -> StoreResult<()> {
        self.write_told(Change::Factors(user), |state| {
            if !digests.is_empty() && !state.has_user(user) {
                return conflict(Constraint::MissingReference);
            }
            // The user's old codes go first, so only the new ones can clash.
            if digests.iter().enumerate().any(|(i, d)| digests.iter().take(i).any(|earlier| earlier == d)) {
                return conflict(Constraint::SecretDigest);
            }
            state.backup_codes.retain(|c| c.user_id != user);
            for digest in digests {
                state.backup_codes.push(BackupCode {
                    id: uuid::Uuid::now_v7(),
                    user_id: user,
                    digest: digest.clone(),
                    used_at: None,
                    keyed: true,
                });
            }
            Ok(())
        })
        .await
    }

    async fn use_backup_code(&self, user: UserId, digest: &TokenDigest, now: OffsetDateTime) -> StoreResult<bool> {
        self.write_told(Change::Factors(user), |state| {
            let unused =
                state.backup_codes.iter_mut().find(|c| c.user_id == user && c.digest == *digest && c.used_at.is_none());
            let Some(code) = unused else { return Ok(false) };
            code.used_at = Some(now);
            Ok(true)
        })
        .await
    }

    async fn backup_codes_remaining(&self, user: UserId) -> StoreResult<u32> {
        Ok(self.read(|state| {
            let remaining = state.backup_codes.iter().filter(|c| c.user_id == user && c.used_at.is_none()).count();
            u32::try_from(remaining).unwrap_or(u32::MAX)
        }))
    }

    async fn second_factors(&self, user: UserId) -> StoreResult<MfaStatus> {
        Ok(self.read(|state| MfaStatus {
            totp: state.totp.iter().any(|t| t.user_id == user && t.enabled_at.is_some()),
            passkeys: u32::try_from(state.credentials.iter().filter(|c| c.user_id == user).count()).unwrap_or(u32::MAX),
            backup_codes_remaining: u32::try_from(
                state.backup_codes.iter().filter(|c| c.user_id == user && c.used_at.is_none()).count(),
            )
            .unwrap_or(u32::MAX),
        }))
    }

    async fn unkeyed_backup_codes(&self, limit: u32) -> StoreResult<Vec<(uuid::Uuid, TokenDigest)>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(self.read(|state| {
            let unkeyed = state.backup_codes.iter().filter(|c| !c.keyed);
            unkeyed.take(limit).map(|c| (c.id, c.digest.clone())).collect()
        }))
    }

    async fn rekey_backup_code(&self, id: uuid::Uuid, plain: &TokenDigest, keyed: &TokenDigest) -> StoreResult<bool> {
        self.write(|state| {
            let found = state.backup_codes.iter().find(|c| c.id == id && c.digest == *plain && !c.keyed);
            let Some(user) = found.map(|c| c.user_id) else { return Ok(false) };
            if state.backup_codes.iter().any(|c| c.id != id && c.user_id == user && c.digest == *keyed) {
                return conflict(Constraint::SecretDigest);
            }
            if let Some(code) = state.backup_codes.iter_mut().find(|c| c.id == id) {
                code.digest = keyed.clone();
                code.keyed = true;
            }
            Ok(true)
        })
        .await
    }

    async fn delete_backup_codes(&self, user: UserId) -> StoreResult<()> {
        self.write_told(Change::Factors(user), |state| {
            state.backup_codes.retain(|c| c.user_id != user);
            Ok(())
        })
        .await
    }

    async fn create_mfa_challenge(&self, challenge: &MfaChallenge) -> StoreResult<()> {
        self.write(|state| {
            if state.challenges.iter().any(|c| c.id == challenge.id) {
                return conflict(Constraint::Unlisted);
            }
            if state.challenges.iter().any(|c| c.digest == challenge.digest) {
                return conflict(Constraint::SecretDigest);
            }
            if !state.has_user(challenge.user_id) {
                return conflict(Constraint::MissingReference);
            }
            state.challenges.push(challenge.clone());
            Ok(())
        })
        .await
    }

    async fn mfa_challenge(&self, digest: &TokenDigest) -> StoreResult<Option<MfaChallenge>> {
        Ok(self.read(|state| state.challenges.iter().find(|c| c.digest == *digest).cloned()))
    }

    async fn fail_mfa_challenge(&self, id: uuid::Uuid) -> StoreResult<u32> {
        self.write(|state| {
            let challenge = state
                .challenges
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or_else(|| StoreError::Backend(format!("fail_mfa_challenge: no challenge {id}")))?;
            challenge.failed_attempts = challenge.failed_attempts.saturating_add(1);
            Ok(challenge.failed_attempts)
        })
        .await
    }

    async fn consume_mfa_challenge(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool> {
        self.write(|state| {
            let usable = state.challenges.iter_mut().find(|c| c.id == id && c.used_at.is_none() && c.expires_at > now);
            let Some(challenge) = usable else { return Ok(false) };
            challenge.used_at = Some(now);
            Ok(true)
        })
        .await
    }
}
