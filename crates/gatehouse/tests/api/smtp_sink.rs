//! A small SMTP server for the tests: the real SMTP client (lettre, in
//! gatehouse-mail) delivers to it over TCP, and tests read what arrived.
//! Plain SMTP only (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
//!
//! `gatehouse-mail`'s tests include this same file by path. Depends on tokio
//! and base64 only.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify};

#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    data: String,
    taken: bool,
}

#[derive(Default)]
struct Inbox {
    messages: Mutex<Vec<Received>>,
    arrived: Notify,
}

pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Inbox>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_flaky(0).await
    }

    /// Like [`SmtpSink::start`], but the first `failures` connections are
    /// closed at once (a transient failure for the client).
    pub async fn start_flaky(failures: usize) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Inbox::default());
        let accept_inbox = inbox.clone();
        tokio::spawn(async move {
            let mut refused = 0;
            while let Ok((stream, _)) = listener.accept().await {
                if refused < failures {
                    refused += 1;
                    drop(stream);
                    continue;
                }
                let inbox = accept_inbox.clone();
                tokio::spawn(async move {
                    let _ = session(stream, inbox).await;
                });
            }
        });
        SmtpSink { port, inbox }
    }

    /// Waits (up to 10 s) for the next message to `to`; returns its raw text.
    pub async fn message_to(&self, to: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.inbox.arrived.notified();
            {
                let mut messages = self.inbox.messages.lock().await;
                if let Some(m) =
                    messages.iter_mut().find(|m| !m.taken && m.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)))
                {
                    m.taken = true;
                    return m.data.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no mail to {to} arrived within 10 s");
            }
        }
    }

    /// True if no unread message to `to` has arrived. Wait first for what
    /// proves the server decided (an audit event, a refused request): mail is
    /// delivered in the order it is handed over, so nothing is in flight.
    pub async fn nothing_for(&self, to: &str) -> bool {
        let messages = self.inbox.messages.lock().await;
        !messages.iter().any(|m| !m.taken && m.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)))
    }

    /// The decoded text/plain part of a raw message.
    pub fn text_body(raw: &str) -> String {
        let raw = raw.replace("\r\n", "\n");
        let parts: Vec<&str> = raw.split("\n--").collect();
        let part =
            parts.iter().find(|p| p.to_ascii_lowercase().contains("content-type: text/plain")).copied().unwrap_or(&raw);
        let (headers, body) = part.split_once("\n\n").unwrap_or(("", part));
        let headers = headers.to_ascii_lowercase();
        if headers.contains("content-transfer-encoding: base64") {
            use base64::Engine;
            let compact: String = body.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(
                    compact.trim_end_matches('=').to_owned()
                        + &"=".repeat((4 - compact.trim_end_matches('=').len() % 4) % 4),
                )
                .unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        } else if headers.contains("content-transfer-encoding: quoted-printable") {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        }
    }
}

fn decode_quoted_printable(body: &str) -> String {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if i + 1 < bytes.len() && bytes[i + 1] == b'\n' => i += 2,
            b'=' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => out.push(b),
                    Err(_) => out.extend_from_slice(&bytes[i..i + 3]),
                }
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn session(stream: tokio::net::TcpStream, inbox: Arc<Inbox>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 gatehouse-test-sink ESMTP\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-gatehouse-test-sink\r\n250 8BITMIME\r\n").await?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("MAIL FROM") {
            recipients.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO") {
            let address = command
                .split_once('<')
                .and_then(|(_, r)| r.split_once('>'))
                .map(|(a, _)| a.to_owned())
                .unwrap_or_default();
            recipients.push(address);
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            inbox.messages.lock().await.push(Received { recipients: recipients.clone(), data, taken: false });
            inbox.arrived.notify_waiters();
            write.write_all(b"250 OK: queued\r\n").await?;
        } else if upper.starts_with("RSET") {
            recipients.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}
