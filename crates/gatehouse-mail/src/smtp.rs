//! SMTP delivery with lettre. The URL (with its password) is never logged.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Failure, MailError};

pub(crate) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

/// Secure by default: `smtp://` to a remote host requires STARTTLS unless
/// `tls=` says otherwise; `tls=none` means plain.
fn normalise(url: &str) -> Result<String, MailError> {
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| MailError::SmtpUrl("expected smtp://… or smtps://…".into()))?;
    match scheme {
        "smtps" => Ok(url.to_owned()),
        "smtp" => {
            let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
            let host = base.rsplit_once('@').map(|(_, h)| h).unwrap_or(base);
            let host = host.split([':', '/']).next().unwrap_or("");
            let params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
            let tls = params.iter().find_map(|p| p.strip_prefix("tls="));
            let others: Vec<&str> = params.iter().copied().filter(|p| !p.starts_with("tls=")).collect();
            let tls = match tls {
                Some("none") => None,
                Some(mode @ ("required" | "opportunistic")) => Some(mode),
                Some(other) => {
                    return Err(MailError::SmtpUrl(format!("tls={other}: use required, opportunistic or none")))
                }
                None if matches!(host, "localhost" | "127.0.0.1" | "[::1]") => None,
                None => Some("required"),
            };
            let mut query: Vec<String> = others.iter().map(|p| (*p).to_owned()).collect();
            if let Some(mode) = tls {
                query.push(format!("tls={mode}"));
            }
            Ok(if query.is_empty() { format!("smtp://{base}") } else { format!("smtp://{base}?{}", query.join("&")) })
        }
        other => Err(MailError::SmtpUrl(format!("unknown scheme '{other}' (expected smtp or smtps)"))),
    }
}

impl Smtp {
    pub(crate) fn new(url: &str) -> Result<Self, MailError> {
        let url = normalise(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| MailError::SmtpUrl(e.to_string()))?
            .build();
        Ok(Self { transport })
    }

    pub(crate) async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        match self.transport.send(message.clone()).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(e.to_string())),
            Err(e) => Err(Failure::Transient(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn remote_plain_smtp_requires_starttls_by_default() {
        assert_eq!(
            normalise("smtp://u:p@mail.example.com:587").unwrap(),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(normalise("smtp://127.0.0.1:2525").unwrap(), "smtp://127.0.0.1:2525");
        assert_eq!(normalise("smtp://mail.example.com:25?tls=none").unwrap(), "smtp://mail.example.com:25");
        assert_eq!(normalise("smtps://u:p@mail.example.com").unwrap(), "smtps://u:p@mail.example.com");
        assert!(normalise("http://x").is_err());
        assert!(normalise("smtp://x?tls=maybe").is_err());
    }
}
