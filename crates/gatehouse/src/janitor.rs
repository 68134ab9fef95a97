//! The janitor: deletes what has expired (see `gatehouse_core::retention`)
//! every `purge_interval`, while the server runs; `gatehouse purge` runs one
//! pass at once. On several PostgreSQL nodes one purges at a time (the store
//! takes an advisory lock; a node that does not get it skips its turn).

use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse_core::clock::Clock;
use gatehouse_core::retention::{PurgeRequest, Purged};
use gatehouse_core::store::{Store, StoreResult};

/// What to keep: audit records for `audit_retention` (`None`: forever).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub purge_interval: Option<Duration>,
    pub audit_retention: Option<Duration>,
}

/// One pass, at the clock's "now": the rows deleted per kind, or `None` when
/// another node is purging. Counts `gatehouse_purged_rows_total{kind}`.
pub async fn purge_once(
    store: &dyn Store,
    clock: &dyn Clock,
    audit_retention: Option<Duration>,
) -> StoreResult<Option<Purged>> {
    let now = clock.now();
    // A retention too long to subtract keeps everything.
    let audit_before =
        audit_retention.and_then(|keep| time::Duration::try_from(keep).ok()).and_then(|keep| now.checked_sub(keep));
    let started = Instant::now();
    let purged = store.purge(PurgeRequest { now, audit_before }).await?;
    if let Some(purged) = &purged {
        for (kind, rows) in purged.kinds() {
            metrics::counter!("gatehouse_purged_rows_total", "kind" => kind).increment(rows);
        }
        if purged.total() > 0 {
            tracing::info!(
                sessions = purged.sessions,
                refresh_tokens = purged.refresh_tokens,
                email_tokens = purged.email_tokens,
                authorization_codes = purged.authorization_codes,
                mfa_challenges = purged.mfa_challenges,
                webauthn_ceremonies = purged.webauthn_ceremonies,
                audit_records = purged.audit_records,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "purged expired rows"
            );
        }
    }
    Ok(purged)
}

/// Purges every `retention.purge_interval` (the first pass one interval after
/// start) until aborted; nothing when the janitor is off.
pub fn spawn(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    retention: Retention,
) -> Option<tokio::task::JoinHandle<()>> {
    let interval = retention.purge_interval?;
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = purge_once(store.as_ref(), clock.as_ref(), retention.audit_retention).await {
                tracing::warn!(error = %e, "purge failed; trying again at the next interval");
            }
        }
    }))
}
