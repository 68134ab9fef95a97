//! `gatehouse backup PATH`: an online copy of the SQLite database.
//!
//! `VACUUM INTO` writes a consistent snapshot (one read transaction) while
//! servers keep serving; the copy is created with mode 0600 because it holds
//! password hashes and sealed keys. It is useless without the master key,
//! which is kept apart on purpose: back that up separately.

use std::path::Path;

use super::{CommandError, CommandResult};
use crate::config::Settings;

pub async fn run(path: &Path, settings: &Settings) -> CommandResult {
    if !settings.database_url.expose().starts_with("sqlite:") {
        return Err(CommandError::Usage(
            "backup copies a SQLite database; for PostgreSQL use pg_dump (see docs/operations.md)".into(),
        ));
    }
    if path.exists() {
        return Err(CommandError::Usage(format!("{} exists; backup never overwrites a file", path.display())));
    }
    let target = path.to_str().ok_or_else(|| CommandError::Usage("the backup path must be valid UTF-8".into()))?;
    let services = crate::startup::services(settings).await?;
    let copied = services.store().backup_into(target).await.map_err(|e| CommandError::Runtime(e.into()))?;
    if !copied {
        return Err(CommandError::Usage("this database has no online copy; use its own backup tools".into()));
    }
    restrict(path)?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!("backed up to {} ({size} bytes)", path.display());
    println!("keep the master key too: the copy's signing keys and secrets are sealed with it");
    Ok(())
}

/// Owner-only permissions on the copy.
fn restrict(path: &Path) -> CommandResult {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CommandError::Runtime(anyhow::anyhow!("cannot restrict {}: {e}", path.display())))?;
    }
    Ok(())
}
