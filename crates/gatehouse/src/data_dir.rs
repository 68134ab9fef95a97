//! The data directory: created on demand with mode 0700. One that exists
//! already is left as the operator made it, with a warning when others can
//! read it (the database files in it are 0600 either way; the master key
//! too).

use std::path::Path;

use anyhow::Context;

pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o700);
            if mode & 0o077 != 0 {
                tracing::warn!(
                    dir = %dir.display(),
                    "the data directory is open to other users (mode {mode:o}); chmod 700 it"
                );
            }
        }
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).with_context(|| format!("cannot create data directory {}", dir.display()))
}
