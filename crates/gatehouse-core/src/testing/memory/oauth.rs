//! [`OAuthStore`] in memory: authorization codes (their digests) and
//! remembered consents.
//!
//! A code's digest is stored once (`Conflict(SecretDigest)`); codes and
//! consents need their client and their user (`Conflict(MissingReference)`).
//! Redeeming marks the code redeemed in one write: of concurrent redemptions
//! exactly one gets `Won`, the others `Replayed`; a code presented by
//! another client is left as it was. Expiry is the caller's check. A
//! consent is one per user and client, replaced by a second one.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, MemoryStore};
use crate::account::UserId;
use crate::crypto::TokenDigest;
use crate::oauth::{AuthorizationCode, Consent, Redemption};
use crate::store::{Constraint, OAuthStore, StoreResult};

#[async_trait]
impl OAuthStore for MemoryStore {
    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> StoreResult<()> {
        self.write(|state| {
            if state.codes.iter().any(|c| c.digest == code.digest) {
                return conflict(Constraint::SecretDigest);
            }
            if !state.has_client(&code.client_id) || !state.has_user(code.user_id) {
                return conflict(Constraint::MissingReference);
            }
            state.codes.push(code.clone());
            Ok(())
        })
        .await
    }

    async fn redeem_authorization_code(
        &self,
        digest: &TokenDigest,
        client_id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Redemption> {
        self.write(|state| {
            let Some(code) = state.codes.iter_mut().find(|c| c.digest == *digest) else {
                return Ok(Redemption::Unknown);
            };
            if code.client_id != client_id {
                return Ok(Redemption::OtherClient);
            }
            if code.redeemed_at.is_some() {
                return Ok(Redemption::Replayed(code.clone()));
            }
            code.redeemed_at = Some(now);
            Ok(Redemption::Won(code.clone()))
        })
        .await
    }

    async fn consent(&self, user: UserId, client_id: &str) -> StoreResult<Option<Consent>> {
        Ok(self.read(|state| state.consents.iter().find(|c| c.user_id == user && c.client_id == client_id).cloned()))
    }

    async fn put_consent(&self, consent: &Consent) -> StoreResult<()> {
        self.write(|state| {
            let same = |c: &Consent| c.user_id == consent.user_id && c.client_id == consent.client_id;
            if let Some(earlier) = state.consents.iter_mut().find(|c| same(c)) {
                earlier.scope = consent.scope.clone();
                earlier.granted_at = consent.granted_at;
                return Ok(());
            }
            if !state.has_user(consent.user_id) || !state.has_client(&consent.client_id) {
                return conflict(Constraint::MissingReference);
            }
            state.consents.push(consent.clone());
            Ok(())
        })
        .await
    }

    async fn consents(&self, user: UserId) -> StoreResult<Vec<Consent>> {
        Ok(self.read(|state| {
            let mut found: Vec<Consent> = state.consents.iter().filter(|c| c.user_id == user).cloned().collect();
            // Newest first; the client id breaks ties, in its own order.
            found.sort_by(|a, b| b.granted_at.cmp(&a.granted_at).then_with(|| a.client_id.cmp(&b.client_id)));
            found
        }))
    }

    async fn delete_consent(&self, user: UserId, client_id: &str) -> StoreResult<bool> {
        self.write(|state| {
            let before = state.consents.len();
            state.consents.retain(|c| !(c.user_id == user && c.client_id == client_id));
            Ok(state.consents.len() != before)
        })
        .await
    }
}
