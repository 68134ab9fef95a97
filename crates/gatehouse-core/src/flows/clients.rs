//! Registering and removing OAuth clients (CLI now; admin API later).
//! Registering a client that signs people in also creates the signing key
//! of its ID-token algorithm if there is none yet.

use super::Accounts;
use crate::account::UserId;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::oauth::{NewClient, OAuthClient, RegisteredClient};

impl Accounts {
    pub async fn create_client(
        &self,
        req: NewClient,
        actor: Option<UserId>,
        client: &ClientInfo,
    ) -> Result<RegisteredClient> {
        let registered = req.register(crate::clock::now())?;
        // The key its ID tokens will be signed with is published now, before
        // the application first fetches the JWKS (relying parties cache it).
        if registered.client.grant_types.iter().any(|g| g == "authorization_code") {
            self.ring_with(registered.client.id_token_alg).await?;
        }
        self.store.insert_client(&registered.client).await?;
        let mut event = AuditEvent::new(AuditKind::ClientCreated, Outcome::Success, client)
            .detail(format!("client {} ({})", registered.client.id, registered.client.name));
        event.actor = actor;
        self.audit(event).await;
        Ok(registered)
    }

    pub async fn client(&self, id: &str) -> Result<OAuthClient> {
        self.store.client(id).await?.ok_or_else(|| Error::NotFound(format!("no client '{id}'")))
    }

    pub async fn list_clients(&self) -> Result<Vec<OAuthClient>> {
        Ok(self.store.list_clients().await?)
    }

    pub async fn delete_client(&self, id: &str, actor: Option<UserId>, client: &ClientInfo) -> Result<()> {
        let deleted = self.store.delete_client(id).await?;
        self.clients.forget(id);
        if !deleted {
            return Err(Error::NotFound(format!("no client '{id}'")));
        }
        let mut event =
            AuditEvent::new(AuditKind::ClientDeleted, Outcome::Success, client).detail(format!("client {id}"));
        event.actor = actor;
        self.audit(event).await;
        Ok(())
    }
}
