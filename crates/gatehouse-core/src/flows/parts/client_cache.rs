//! The OAuth clients the token endpoint has just seen, so that a busy
//! `client_credentials` caller costs no database round trip per token.
//!
//! An entry lives [`TTL`] at most. This node forgets a client at once when it
//! deletes it; the other nodes on PostgreSQL forget it when its trigger's
//! notice arrives (`Change::Client`). Without notices (SQLite, where another
//! process can only be the CLI) a deleted client is honoured for at most
//! [`TTL`]. Unknown ids are never cached, so made-up ids cannot fill it.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::oauth::OAuthClient;

/// The longest a cached client is trusted without reading it again.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; a full cache is emptied (clients are few).
const CAPACITY: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct ClientCache {
    entries: RwLock<HashMap<String, (OAuthClient, Instant)>>,
}

impl ClientCache {
    pub(crate) fn get(&self, id: &str) -> Option<OAuthClient> {
        let entries = self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(id).filter(|(_, at)| at.elapsed() < TTL).map(|(c, _)| c.clone())
    }

    pub(crate) fn put(&self, client: &OAuthClient) {
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(client.id.clone(), (client.clone(), Instant::now()));
    }

    pub(crate) fn forget(&self, id: &str) {
        self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
    }

    pub(crate) fn clear(&self) {
        self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}
