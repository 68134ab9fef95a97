//! The file outbox: with no SMTP server configured, each message is written as
//! an RFC 5322 `.eml` file into `<data_dir>/outbox` (created 0700), with a
//! `.txt` beside it holding the plain-text part as written (the `.eml` is
//! MIME-encoded, so its links are not greppable).

use std::path::PathBuf;

use gatehouse_core::mail::Mail;
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
        // Also when the directory already existed: the mails carry login links.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| MailError::Outbox(dir.clone(), e))?;
        }
        Ok(Self { dir })
    }

    pub(crate) async fn deliver(&self, mail: &Mail, message: &Message) -> Result<(), Failure> {
        let id = uuid::Uuid::now_v7();
        let readable = format!("To: {}\nSubject: {}\n\n{}\n", mail.to.as_str(), mail.subject, mail.text);
        self.write_whole(&format!("{id}.txt"), readable.as_bytes()).await?;
        let path = self.write_whole(&format!("{id}.eml"), &message.formatted()).await?;
        tracing::info!(file = %path.display(), "mail written to the outbox");
        Ok(())
    }

    /// Writes a file then renames it into place, so a reader never sees half of it.
    async fn write_whole(&self, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, Failure> {
        let path = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        tokio::fs::write(&tmp, bytes).await.map_err(|e| Failure::Transient(e.to_string()))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| Failure::Transient(e.to_string()))?;
        Ok(path)
    }
}
