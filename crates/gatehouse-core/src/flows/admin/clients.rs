//! OAuth clients for operators (admin API, admin pages, CLI): register,
//! read, change, rotate the secret, delete. `clients:write` does all of it,
//! but a client trusted with other people's tokens — first-party, the `roles`
//! or `permissions` scope, new redirect URIs — only an administrator may
//! make (`Actor::may_trust_client`). Registering a client that signs
//! people in also creates the signing key of its ID-token algorithm if there
//! is none yet. Changes drop the client from this node's cache at once (other
//! nodes on PostgreSQL hear of it by notice; see `client_cache`).

use secrecy::SecretString;

use super::Admin;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::oauth::{ClientUpdate, NewClient, OAuthClient, RegisteredClient};
use crate::rbac::{Actor, CLIENTS_READ, CLIENTS_WRITE};
use crate::token::PERMISSIONS_SCOPE;

impl Admin {
    pub async fn create_client(&self, req: NewClient, actor: &Actor, client: &ClientInfo) -> Result<RegisteredClient> {
        actor.require(CLIENTS_WRITE)?;
        let registered = req.register(self.clock.now())?;
        actor.may_trust_client(&trust_given(None, &registered.client))?;
        // The key its ID tokens will be signed with is published now, before
        // the application first fetches the JWKS (relying parties cache it).
        if registered.client.allows(crate::oauth::GrantType::AuthorizationCode) {
            self.tokens.ring_with(registered.client.id_token_alg).await?;
        }
        self.clients.insert_client(&registered.client).await?;
        let detail = format!("client {} ({})", registered.client.id, registered.client.name);
        self.audit_client(AuditKind::ClientCreated, actor, detail, client).await;
        Ok(registered)
    }

    pub async fn client(&self, actor: &Actor, id: &str) -> Result<OAuthClient> {
        actor.require(CLIENTS_READ)?;
        self.stored_client(id).await
    }

    async fn stored_client(&self, id: &str) -> Result<OAuthClient> {
        self.clients.client(id).await?.ok_or_else(|| Error::NotFound(format!("no client '{id}'")))
    }

    pub async fn list_clients(&self, actor: &Actor) -> Result<Vec<OAuthClient>> {
        actor.require(CLIENTS_READ)?;
        Ok(self.clients.list_clients().await?)
    }

    /// Changes a client; tokens already issued to it stay valid.
    pub async fn update_client(
        &self,
        actor: &Actor,
        id: &str,
        update: ClientUpdate,
        client: &ClientInfo,
    ) -> Result<OAuthClient> {
        actor.require(CLIENTS_WRITE)?;
        let before = self.stored_client(id).await?;
        let after = update.apply(&before)?;
        actor.may_trust_client(&trust_given(Some(&before), &after))?;
        if after.allows(crate::oauth::GrantType::AuthorizationCode) {
            self.tokens.ring_with(after.id_token_alg).await?;
        }
        if !self.clients.update_client(&after).await? {
            return Err(Error::NotFound(format!("no client '{id}'")));
        }
        self.client_cache.forget(id);
        self.audit_client(AuditKind::ClientUpdated, actor, format!("client {id} ({})", after.name), client).await;
        Ok(after)
    }

    /// A new secret for a confidential client, shown once; the old one stops
    /// working at once on this node (on the others within the cache's life).
    pub async fn rotate_client_secret(
        &self,
        actor: &Actor,
        id: &str,
        client: &ClientInfo,
    ) -> Result<(OAuthClient, SecretString)> {
        actor.require(CLIENTS_WRITE)?;
        let (rotated, secret) = self.stored_client(id).await?.with_new_secret()?;
        if !self.clients.update_client(&rotated).await? {
            return Err(Error::NotFound(format!("no client '{id}'")));
        }
        self.client_cache.forget(id);
        self.audit_client(AuditKind::ClientSecretRotated, actor, format!("client {id}"), client).await;
        Ok((rotated, secret))
    }

    pub async fn delete_client(&self, id: &str, actor: &Actor, client: &ClientInfo) -> Result<()> {
        actor.require(CLIENTS_WRITE)?;
        let deleted = self.clients.delete_client(id).await?;
        self.client_cache.forget(id);
        if !deleted {
            return Err(Error::NotFound(format!("no client '{id}'")));
        }
        self.audit_client(AuditKind::ClientDeleted, actor, format!("client {id}"), client).await;
        Ok(())
    }

    async fn audit_client(&self, kind: AuditKind, actor: &Actor, detail: String, client: &ClientInfo) {
        let mut event = AuditEvent::new(kind, Outcome::Success, client).detail(detail);
        event.actor = actor.user;
        self.audit.record(event).await;
    }
}

/// What a change (`before` → `after`; `None` before: a new client) gives a
/// client that could hand its controller other people's tokens without their
/// say: skipping consent, role or permission claims, redirect URIs where
/// codes — for people who consented before — now go.
fn trust_given(before: Option<&OAuthClient>, after: &OAuthClient) -> Vec<&'static str> {
    let had_scope = |scope: &str| before.is_some_and(|b| b.scopes.iter().any(|s| s == scope));
    let has_scope = |scope: &str| after.scopes.iter().any(|s| s == scope);
    let mut given = Vec::new();
    if after.first_party && !before.is_some_and(|b| b.first_party) {
        given.push("make a client first-party (no consent page)");
    }
    if has_scope("roles") && !had_scope("roles") {
        given.push("allow a client the roles scope");
    }
    if has_scope(PERMISSIONS_SCOPE) && !had_scope(PERMISSIONS_SCOPE) {
        given.push("allow a client the permissions scope");
    }
    if let Some(before) = before {
        if after.redirect_uris.iter().any(|uri| !before.redirect_uris.contains(uri)) {
            given.push("point a client's redirect URIs somewhere new");
        }
    }
    given
}
