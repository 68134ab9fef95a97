//! SMTP delivery with lettre. The URL (with its password) is never logged.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Failure, MailError};

pub(crate) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

/// Secure by default: `smtp://` to a remote host requires STARTTLS unless
/// `tls=` says otherwise; `tls=none` means plain.
fn normalise(url: &str) -> Result<String, MailError> {
    let url = url.trim();
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| MailError::SmtpUrl("expected smtp://… or smtps://…".into()))?;
    match scheme {
        "smtps" => Ok(url.to_owned()),
        "smtp" => {
            let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
            let host = base.rsplit_once('@').map(|(_, h)| h).unwrap_or(base);
            let host = host_of(host);
            let params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
            let tls = params.iter().find_map(|p| p.strip_prefix("tls="));
            let others: Vec<&str> = params.iter().copied().filter(|p| !p.starts_with("tls=")).collect();
            let tls = match tls {
                Some("none") => None,
                Some(mode @ ("required" | "opportunistic")) => Some(mode),
                Some(other) => {
                    return Err(MailError::SmtpUrl(format!("tls={other}: use required, opportunistic or none")))
                }
                None if is_loopback(host) => None,
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

/// The host of `host[:port][/path]` (IPv6 literals keep their brackets).
fn host_of(authority: &str) -> &str {
    let authority = authority.split('/').next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.split_once(']').and_then(|(h, _)| authority.get(..=h.len())).unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host == "[::1]" || host.starts_with("127.")
}

/// Where mail goes, fit for a log line: `host:port (tls)`, never the
/// credentials.
fn describe(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = base.rsplit_once('@').map_or(base, |(_, h)| h);
    let authority = authority.split('/').next().unwrap_or("");
    let host = host_of(authority);
    let port = authority.strip_prefix(host).and_then(|r| r.strip_prefix(':')).unwrap_or("");
    let tls = if scheme == "smtps" {
        "implicit TLS"
    } else if query.split('&').any(|p| p == "tls=required") {
        "STARTTLS required"
    } else if query.split('&').any(|p| p == "tls=opportunistic") {
        "STARTTLS if offered"
    } else {
        "no TLS"
    };
    let port = match (port, scheme, tls) {
        ("", "smtps", _) => "465",
        ("", _, "no TLS") => "25",
        ("", _, _) => "587",
        (p, _, _) => p,
    };
    format!("{host}:{port} ({tls})")
}

impl Smtp {
    pub(crate) fn new(url: &str) -> Result<Self, MailError> {
        let url = normalise(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| MailError::SmtpUrl(e.to_string()))?
            .build();
        tracing::info!(server = %describe(&url), "mails are sent over SMTP");
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
    use super::{describe, normalise};

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
        assert_eq!(normalise("smtp://[::1]:2525").unwrap(), "smtp://[::1]:2525");
        assert_eq!(normalise("smtp://localhost").unwrap(), "smtp://localhost");
    }

    #[test]
    fn descriptions_name_the_server_but_not_the_credentials() {
        let d = |u: &str| describe(&normalise(u).unwrap());
        assert_eq!(d("smtps://user:s3cret@mail.example.com"), "mail.example.com:465 (implicit TLS)");
        assert_eq!(d("smtp://user:s3cret@mail.example.com"), "mail.example.com:587 (STARTTLS required)");
        assert_eq!(d("smtp://127.0.0.1:2525"), "127.0.0.1:2525 (no TLS)");
        assert_eq!(d("smtp://[::1]:2525"), "[::1]:2525 (no TLS)");
        assert_eq!(d("smtp://relay.internal?tls=none"), "relay.internal:25 (no TLS)");
        assert!(!d("smtp://user:s3cret@h:25?tls=opportunistic").contains("s3cret"));
    }
}
