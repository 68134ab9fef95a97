//! Outgoing mail as the domain sees it: a message, and a [`Mailer`] that takes
//! it off the request path. The transport (SMTP, or a file outbox when no
//! SMTP server is configured) lives in `gatehouse-mail`.

use crate::account::Email;

/// A rendered message.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Accepts mail for delivery without waiting for it. Delivery failures are
/// logged and counted by the implementation, never reported to the caller
/// (and so never to the person making the request).
pub trait Mailer: Send + Sync {
    fn send(&self, mail: Mail);
}
