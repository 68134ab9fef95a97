//! [`FederationStore`] in memory: upstream identity providers and the
//! upstream identities linked to local accounts.
//!
//! A provider id is taken once (`Conflict(UpstreamId)`), an upstream
//! identity (provider and subject) is linked once (`Conflict(UpstreamLink)`),
//! and a link needs its provider and its user (`Conflict(MissingReference)`).
//! Links go with either: deleting a provider (here) or a user (`lifecycle`)
//! takes them along.

use async_trait::async_trait;

use super::{conflict, count, MemoryStore};
use crate::account::UserId;
use crate::federation::{UpstreamLink, UpstreamProvider};
use crate::store::{Constraint, FederationStore, StoreResult};

#[async_trait]
impl FederationStore for MemoryStore {
    async fn insert_upstream(&self, provider: &UpstreamProvider) -> StoreResult<()> {
        self.write(|state| {
            if state.upstreams.iter().any(|p| p.id == provider.id) {
                return conflict(Constraint::UpstreamId);
            }
            state.upstreams.push(provider.clone());
            Ok(())
        })
        .await
    }

    async fn upstream(&self, id: &str) -> StoreResult<Option<UpstreamProvider>> {
        Ok(self.read(|state| state.upstreams.iter().find(|p| p.id == id).cloned()))
    }

    async fn list_upstreams(&self) -> StoreResult<Vec<UpstreamProvider>> {
        Ok(self.read(|state| {
            let mut providers = state.upstreams.clone();
            providers.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            providers
        }))
    }

    async fn delete_upstream(&self, id: &str) -> StoreResult<bool> {
        self.write(|state| {
            let before = state.upstreams.len();
            state.upstreams.retain(|p| p.id != id);
            state.links.retain(|l| l.provider_id != id);
            Ok(state.upstreams.len() != before)
        })
        .await
    }

    async fn upstream_link(&self, provider_id: &str, subject: &str) -> StoreResult<Option<UpstreamLink>> {
        Ok(self
            .read(|state| state.links.iter().find(|l| l.provider_id == provider_id && l.subject == subject).cloned()))
    }

    async fn insert_upstream_link(&self, link: &UpstreamLink) -> StoreResult<()> {
        self.write(|state| {
            if state.links.iter().any(|l| l.provider_id == link.provider_id && l.subject == link.subject) {
                return conflict(Constraint::UpstreamLink);
            }
            let provider_known = state.upstreams.iter().any(|p| p.id == link.provider_id);
            if !provider_known || !state.has_user(link.user_id) {
                return conflict(Constraint::MissingReference);
            }
            state.links.push(link.clone());
            Ok(())
        })
        .await
    }

    async fn upstream_links(&self, user: UserId) -> StoreResult<Vec<UpstreamLink>> {
        Ok(self.read(|state| {
            let mut links: Vec<UpstreamLink> = state.links.iter().filter(|l| l.user_id == user).cloned().collect();
            links.sort_by(|a, b| {
                (a.created_at, &a.provider_id, &a.subject).cmp(&(b.created_at, &b.provider_id, &b.subject))
            });
            links
        }))
    }

    async fn drop_unverified_upstream_links(&self, user: UserId) -> StoreResult<u64> {
        self.write(|state| {
            let before = state.links.len();
            state.links.retain(|l| !(l.user_id == user && l.from_unverified_email));
            Ok(count(before.saturating_sub(state.links.len())))
        })
        .await
    }
}
