//! Mail delivery for Gatehouse, off the request path.
//!
//! [`start`] returns a [`Mailer`] that puts messages on a bounded queue; one
//! background task delivers them — over SMTP (lettre) when `smtp_url` is set,
//! otherwise into a file outbox (`*.eml`) so that a person trying Gatehouse
//! locally can open the links. Transient failures are retried with
//! exponential back-off; failures are logged (recipient domain only) and
//! counted (`gatehouse_mail_sent_total`, `gatehouse_mail_failed_total`,
//! `gatehouse_mail_dropped_total`), never reported to the requester.
//!
//! Accepted `smtp_url` forms:
//! * `smtps://user:pass@host[:465]` — implicit TLS;
//! * `smtp://user:pass@host[:587]` — STARTTLS required (also `?tls=required`);
//! * `smtp://host:port?tls=opportunistic` — STARTTLS when offered;
//! * `smtp://host:port?tls=none`, or any `smtp://` to `localhost`, `127.x.x.x`
//!   or `[::1]` without `tls=` — plain, for a local relay or sink.
//!
//! Default ports: 465 for `smtps`, 587 with STARTTLS, 25 plain. A path names
//! the EHLO client id (`smtp://host/mx.example.com`), as in lettre's
//! `from_url`, which does the rest of the parsing. Only `host:port` and the
//! TLS mode are ever logged, never the URL.
#![forbid(unsafe_code)]

mod outbox;
mod smtp;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::mail::{Mail, Mailer};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("smtp_url: {0}")]
    SmtpUrl(String),
    #[error("mail_from: '{0}' is not a mailbox such as \"Gatehouse <no-reply@example.com>\"")]
    From(String),
    #[error("cannot create the outbox {0}: {1}")]
    Outbox(PathBuf, std::io::Error),
}

/// How mail leaves Gatehouse. [`MailSettings::new`] fills in the defaults.
pub struct MailSettings {
    /// `smtp://` or `smtps://` URL with credentials (see the crate docs);
    /// `None` writes mails to `outbox_dir` instead.
    pub smtp_url: Option<SecretString>,
    /// The `From` mailbox, e.g. `Gatehouse <no-reply@example.com>`.
    pub from: String,
    /// Where `.eml` files go without `smtp_url` (created 0700).
    pub outbox_dir: PathBuf,
    /// Messages waiting for delivery before `send` drops (default 1000).
    pub queue: usize,
    /// Delivery attempts per message, first included (default 5).
    pub max_attempts: u32,
    /// First retry delay, doubled per attempt and capped at a minute
    /// (default 1 s; tests shorten it).
    pub first_retry: Duration,
}

impl MailSettings {
    pub fn new(smtp_url: Option<SecretString>, from: String, outbox_dir: PathBuf) -> Self {
        Self { smtp_url, from, outbox_dir, queue: 1000, max_attempts: 5, first_retry: Duration::from_secs(1) }
    }
}

/// How a delivery attempt failed.
enum Failure {
    /// Worth retrying (connection trouble, 4xx).
    Transient(String),
    /// Not worth retrying (5xx, a message that cannot be built).
    Permanent(String),
}

enum Transport {
    Smtp(smtp::Smtp),
    Outbox(outbox::Outbox),
}

impl Transport {
    async fn deliver(&self, mail: &Mail, message: &Message) -> Result<(), Failure> {
        match self {
            Self::Smtp(t) => t.deliver(message).await,
            Self::Outbox(t) => t.deliver(mail, message).await,
        }
    }
}

struct QueueMailer {
    queue: mpsc::Sender<Mail>,
}

impl Mailer for QueueMailer {
    fn send(&self, mail: Mail) {
        if self.queue.try_send(mail).is_err() {
            metrics::counter!("gatehouse_mail_dropped_total").increment(1);
            tracing::warn!("mail queue full or closed: a message was dropped");
        }
    }
}

/// Builds the transport and starts the delivery task (needs a tokio runtime).
pub fn start(settings: MailSettings) -> Result<Arc<dyn Mailer>, MailError> {
    let from: Mailbox = settings.from.parse().map_err(|_| MailError::From(settings.from.clone()))?;
    let transport = match &settings.smtp_url {
        Some(url) => Transport::Smtp(smtp::Smtp::new(url.expose_secret())?),
        None => {
            let outbox = outbox::Outbox::new(settings.outbox_dir.clone())?;
            tracing::info!(dir = %settings.outbox_dir.display(), "no smtp_url: mails are written to the outbox");
            Transport::Outbox(outbox)
        }
    };
    let (tx, rx) = mpsc::channel(settings.queue.max(1));
    tokio::spawn(deliver_all(rx, transport, from, settings.max_attempts.max(1), settings.first_retry));
    Ok(Arc::new(QueueMailer { queue: tx }))
}

fn domain_of(mail: &Mail) -> &str {
    mail.to.as_str().rsplit_once('@').map(|(_, d)| d).unwrap_or("?")
}

fn build(mail: &Mail, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = mail.to.as_str().parse().map_err(|e| format!("recipient: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(None)
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| e.to_string())
}

async fn deliver_all(
    mut rx: mpsc::Receiver<Mail>,
    transport: Transport,
    from: Mailbox,
    attempts: u32,
    first_retry: Duration,
) {
    while let Some(mail) = rx.recv().await {
        let message = match build(&mail, &from) {
            Ok(m) => m,
            Err(e) => {
                metrics::counter!("gatehouse_mail_failed_total").increment(1);
                tracing::error!(domain = domain_of(&mail), error = %e, "cannot build a mail");
                continue;
            }
        };
        let mut delay = first_retry;
        for attempt in 1..=attempts {
            match transport.deliver(&mail, &message).await {
                Ok(()) => {
                    metrics::counter!("gatehouse_mail_sent_total").increment(1);
                    break;
                }
                Err(Failure::Transient(e)) if attempt < attempts => {
                    tracing::warn!(domain = domain_of(&mail), attempt, error = %e, "mail delivery failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(60));
                }
                Err(Failure::Transient(e) | Failure::Permanent(e)) => {
                    metrics::counter!("gatehouse_mail_failed_total").increment(1);
                    tracing::error!(domain = domain_of(&mail), attempt, error = %e, "mail delivery failed");
                    break;
                }
            }
        }
    }
}
