//! [`AuditStore`] in memory: the append-only audit log and its filtered,
//! newest-first reading. Records refer to users by bare id (no foreign key):
//! they outlive the users they mention.

use async_trait::async_trait;

use super::{conflict, page, MemoryStore};
use crate::audit::{AuditEvent, AuditQuery};
use crate::store::{AuditStore, Constraint, StoreResult};

/// Whether `event` passes every filter of `query` present (`since`
/// inclusive, `until` exclusive).
fn wanted(query: &AuditQuery, event: &AuditEvent) -> bool {
    query.user.is_none_or(|user| event.actor == Some(user) || event.subject == Some(user))
        && query.kind.is_none_or(|kind| event.kind == kind)
        && query.outcome.is_none_or(|outcome| event.outcome == outcome)
        && query.since.is_none_or(|since| event.at >= since)
        && query.until.is_none_or(|until| event.at < until)
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn append(&self, event: &AuditEvent) -> StoreResult<()> {
        self.write(|state| {
            if state.audit.iter().any(|e| e.id == event.id) {
                return conflict(Constraint::Unlisted);
            }
            state.audit.push(event.clone());
            Ok(())
        })
        .await
    }

    async fn query(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEvent>> {
        Ok(self.read(|state| {
            let mut found: Vec<&AuditEvent> = state.audit.iter().filter(|e| wanted(query, e)).collect();
            found.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
            page(found.into_iter(), query.limit, query.offset).cloned().collect()
        }))
    }
}
