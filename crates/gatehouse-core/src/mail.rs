//! Outgoing mail as the domain sees it: a message, and a [`Mailer`] that takes
//! it off the request path. The transport (SMTP, or a file outbox when no
//! SMTP server is configured) lives in `gatehouse-mail`.

use crate::account::Email;

/// A rendered message. Its bodies hold one-time links (verification,
/// reset, invitation), so `Debug` shows their length, never their text.
#[derive(Clone)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("text", &format_args!("<{} bytes, redacted>", self.text.len()))
            .field("html", &format_args!("<{} bytes, redacted>", self.html.len()))
            .finish()
    }
}

/// Accepts mail for delivery without waiting for it. Delivery failures are
/// logged and counted by the implementation, never reported to the caller
/// (and so never to the person making the request).
pub trait Mailer: Send + Sync {
    fn send(&self, mail: Mail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_bodies_and_their_links() {
        let mail = Mail {
            to: Email::parse("alice@example.com").unwrap(),
            subject: "Reset your password".into(),
            text: "https://id.example/reset-password?token=SECRET123".into(),
            html: "<a href=\"https://id.example/reset-password?token=SECRET123\">reset</a>".into(),
        };
        let shown = format!("{mail:?}");
        assert!(!shown.contains("SECRET123"), "{shown}");
        assert!(shown.contains("Reset your password") && shown.contains("redacted"), "{shown}");
    }
}
