//! `gatehouse purge`: one janitor pass now — what it deleted, per kind.

use super::{CommandError, CommandResult};
use crate::config::Settings;

pub async fn run(settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let started = std::time::Instant::now();
    let purged =
        crate::janitor::purge_once(services.store().as_ref(), services.clock.as_ref(), settings.audit_retention)
            .await
            .map_err(|e| CommandError::Runtime(e.into()))?;
    let Some(purged) = purged else {
        println!("another node is purging right now; nothing done");
        return Ok(());
    };
    for (kind, rows) in purged.kinds() {
        println!("{kind:<20} {rows}");
    }
    println!("{:<20} {} rows in {} ms", "total", purged.total(), started.elapsed().as_millis());
    Ok(())
}
