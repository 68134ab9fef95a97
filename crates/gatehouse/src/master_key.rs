//! Where the master key comes from: inline config, a file, or — on a first
//! start with neither — a fresh key written to `<data_dir>/master.key` (0600).

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use gatehouse_core::crypto::MasterKey;
use secrecy::ExposeSecret;

use crate::config::MasterKeySource;

pub fn load(source: &MasterKeySource) -> anyhow::Result<MasterKey> {
    match source {
        MasterKeySource::Inline(value) => Ok(MasterKey::from_base64(value.expose_secret())?),
        MasterKeySource::File(path) => read(path),
        MasterKeySource::DataDir(path) if path.exists() => read(path),
        MasterKeySource::DataDir(path) => generate(path),
    }
}

/// The key in the file at `path`, or a new key written there (0600) when
/// there is no such file: `keys rotate-master`'s new key.
pub fn read_or_create(path: &Path) -> anyhow::Result<MasterKey> {
    if path.exists() {
        read(path)
    } else {
        generate(path)
    }
}

fn read(path: &Path) -> anyhow::Result<MasterKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read master key {}", path.display()))?;
    warn_if_readable_by_others(path);
    MasterKey::from_base64(&text).with_context(|| format!("master key {}", path.display()))
}

fn generate(path: &Path) -> anyhow::Result<MasterKey> {
    let Some(dir) = path.parent() else { bail!("master key path {} has no directory", path.display()) };
    crate::data_dir::ensure(dir)?;
    let key = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot create master key {}", path.display()))?;
    file.write_all(key.to_base64().expose_secret().as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "generated a new master key; back it up — without it stored keys cannot be decrypted");
    Ok(key)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the master key file is readable by other users; chmod 600 it");
            }
        }
    }
}
