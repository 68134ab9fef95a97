//! [`ClientStore`] in memory: registered OAuth clients. A client id is
//! taken once (`Conflict(ClientId)`). Deleting a client takes its
//! authorization codes, consents and sessions (with their refresh tokens)
//! along, as the foreign keys of the SQL schema cascade.

use async_trait::async_trait;

use super::{conflict, MemoryStore, State};
use crate::oauth::OAuthClient;
use crate::store::{ClientStore, Constraint, StoreResult};

impl State {
    pub(super) fn has_client(&self, id: &str) -> bool {
        self.clients.iter().any(|c| c.id == id)
    }
}

#[async_trait]
impl ClientStore for MemoryStore {
    async fn insert_client(&self, client: &OAuthClient) -> StoreResult<()> {
        self.write(|state| {
            if state.has_client(&client.id) {
                return conflict(Constraint::ClientId);
            }
            state.clients.push(client.clone());
            Ok(())
        })
        .await
    }

    async fn client(&self, id: &str) -> StoreResult<Option<OAuthClient>> {
        Ok(self.read(|state| state.clients.iter().find(|c| c.id == id).cloned()))
    }

    async fn list_clients(&self) -> StoreResult<Vec<OAuthClient>> {
        Ok(self.read(|state| {
            let mut clients = state.clients.clone();
            clients.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            clients
        }))
    }

    async fn update_client(&self, client: &OAuthClient) -> StoreResult<bool> {
        self.write(|state| {
            let Some(stored) = state.clients.iter_mut().find(|c| c.id == client.id) else { return Ok(false) };
            // Everything but the id, kind, authentication method and creation time.
            *stored = OAuthClient {
                id: stored.id.clone(),
                kind: stored.kind,
                token_endpoint_auth: stored.token_endpoint_auth,
                created_at: stored.created_at,
                ..client.clone()
            };
            Ok(true)
        })
        .await
    }

    async fn delete_client(&self, id: &str) -> StoreResult<bool> {
        self.write(|state| {
            if !state.has_client(id) {
                return Ok(false);
            }
            state.clients.retain(|c| c.id != id);
            state.codes.retain(|c| c.client_id != id);
            state.consents.retain(|c| c.client_id != id);
            state.delete_sessions(|s| s.kind.client_id() == Some(id));
            Ok(true)
        })
        .await
    }
}
