//! The file outbox: with no SMTP server configured, each message is written as
//! an RFC 5322 `.eml` file into `<data_dir>/outbox` (created 0700).

use std::path::PathBuf;

use lettre::Message;

use crate::{Failure, MailError};

pub(crate) struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub(crate) fn new(dir: PathBuf) -> Result<Self, MailError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&dir).map_err(|e| MailError::Outbox(dir.clone(), e))?;
        Ok(Self { dir })
    }

    pub(crate) async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let name = format!("{}.eml", uuid::Uuid::now_v7());
        let path = self.dir.join(&name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let bytes = message.formatted();
        // Written then renamed, so a reader never sees half a message.
        tokio::fs::write(&tmp, bytes).await.map_err(|e| Failure::Transient(e.to_string()))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| Failure::Transient(e.to_string()))?;
        tracing::info!(file = %path.display(), "mail written to the outbox");
        Ok(())
    }
}
