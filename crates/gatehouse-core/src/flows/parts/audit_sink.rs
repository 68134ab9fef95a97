//! Where the services write audit records: stamped with the clock's time,
//! in the unit of work of what they record or on their own.

use std::sync::Arc;

use crate::audit::AuditEvent;
use crate::clock::Clock;
use crate::error::Result;
use crate::store::{AuditStore, StoreTx};

/// Writes audit events.
#[derive(Clone)]
pub struct AuditSink {
    log: Arc<dyn AuditStore>,
    clock: Arc<dyn Clock>,
}

impl AuditSink {
    pub fn new(log: Arc<dyn AuditStore>, clock: Arc<dyn Clock>) -> Self {
        Self { log, clock }
    }

    /// Writes `event` in `unit`: the record commits with what it records, or
    /// neither does.
    pub async fn record_in(&self, unit: &dyn StoreTx, mut event: AuditEvent) -> Result<()> {
        event.at = self.clock.now();
        Ok(unit.append(&event).await?)
    }

    /// Writes `event` on its own. A failure to audit is logged, not
    /// surfaced: the action it records has already happened.
    pub async fn record(&self, mut event: AuditEvent) {
        event.at = self.clock.now();
        if let Err(e) = self.log.append(&event).await {
            tracing::error!(error = %e, kind = event.kind.as_str(), "cannot write audit event");
        }
    }
}
