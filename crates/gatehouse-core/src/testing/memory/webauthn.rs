//! [`WebauthnStore`] in memory: registered credentials and the state of
//! ceremonies in progress.
//!
//! A credential id is registered once, by anyone (`Conflict(CredentialId)`);
//! credentials are renamed or deleted only where both the owner and the id
//! match. A ceremony is single use by deletion: taking it removes it, and
//! hands it back only if it had not expired at `now` (expiry is exclusive).
//! Creating a ceremony first sweeps those expired at its creation.

use crate::store::Change;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, MemoryStore};
use crate::account::UserId;
use crate::mfa::{WebauthnCeremony, WebauthnCredential};
use crate::store::{Constraint, StoreResult, WebauthnStore};

#[async_trait]
impl WebauthnStore for MemoryStore {
    async fn add_webauthn_credential(&self, credential: &WebauthnCredential) -> StoreResult<()> {
        self.write_told(Change::Factors(credential.user_id), |state| {
            if state.credentials.iter().any(|c| c.id == credential.id) {
                return conflict(Constraint::Unlisted);
            }
            if state.credentials.iter().any(|c| c.credential_id == credential.credential_id) {
                return conflict(Constraint::CredentialId);
            }
            if !state.has_user(credential.user_id) {
                return conflict(Constraint::MissingReference);
            }
            state.credentials.push(credential.clone());
            Ok(())
        })
        .await
    }

    async fn webauthn_credentials(&self, user: UserId) -> StoreResult<Vec<WebauthnCredential>> {
        Ok(self.read(|state| {
            let mut found: Vec<WebauthnCredential> =
                state.credentials.iter().filter(|c| c.user_id == user).cloned().collect();
            found.sort_by_key(|c| (c.created_at, c.id));
            found
        }))
    }

    async fn webauthn_credential_by_credential_id(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<WebauthnCredential>> {
        Ok(self.read(|state| state.credentials.iter().find(|c| c.credential_id == credential_id).cloned()))
    }

    async fn update_webauthn_credential(
        &self,
        id: uuid::Uuid,
        passkey: &str,
        used_at: OffsetDateTime,
    ) -> StoreResult<()> {
        self.write(|state| {
            // An unknown id is not an error, like the other setters.
            if let Some(credential) = state.credentials.iter_mut().find(|c| c.id == id) {
                credential.passkey = passkey.to_owned();
                credential.last_used_at = Some(used_at);
            }
            Ok(())
        })
        .await
    }

    async fn rename_webauthn_credential(&self, user: UserId, id: uuid::Uuid, name: &str) -> StoreResult<bool> {
        self.write(|state| {
            let Some(credential) = state.credentials.iter_mut().find(|c| c.id == id && c.user_id == user) else {
                return Ok(false);
            };
            credential.name = name.to_owned();
            Ok(true)
        })
        .await
    }

    async fn delete_webauthn_credential(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool> {
        self.write_told(Change::Factors(user), |state| {
            let before = state.credentials.len();
            state.credentials.retain(|c| !(c.id == id && c.user_id == user));
            Ok(state.credentials.len() != before)
        })
        .await
    }

    async fn create_webauthn_ceremony(&self, ceremony: &WebauthnCeremony) -> StoreResult<()> {
        // Those that can no longer be taken go first (their ids are free again).
        let live = |c: &WebauthnCeremony| c.expires_at > ceremony.created_at;
        self.write(|state| {
            if state.ceremonies.iter().any(|c| live(c) && c.id == ceremony.id) {
                return conflict(Constraint::Unlisted);
            }
            if ceremony.user_id.is_some_and(|user| !state.has_user(user)) {
                return conflict(Constraint::MissingReference);
            }
            state.ceremonies.retain(live);
            state.ceremonies.push(ceremony.clone());
            Ok(())
        })
        .await
    }

    async fn take_webauthn_ceremony(
        &self,
        id: uuid::Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<Option<WebauthnCeremony>> {
        self.write(|state| {
            let taken = state.ceremonies.iter().find(|c| c.id == id).cloned();
            state.ceremonies.retain(|c| c.id != id);
            Ok(taken.filter(|c| c.expires_at > now))
        })
        .await
    }
}
