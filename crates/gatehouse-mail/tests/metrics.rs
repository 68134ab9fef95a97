//! The delivery counters, read through a recorder installed for this test
//! binary alone: sent, failed after the last attempt, failed at once on a
//! permanent (5xx) reply, and dropped when the queue is full.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../gatehouse/tests/api/smtp_sink.rs"]
mod smtp_sink;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::account::Email;
use gatehouse_core::mail::Mail;
use gatehouse_mail::{start, MailSettings};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use smtp_sink::SmtpSink;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

fn mail(to: &str) -> Mail {
    Mail { to: Email::parse(to).unwrap(), subject: "Hi".into(), text: "text".into(), html: "<p>html</p>".into() }
}

fn settings(url: String, dir: &std::path::Path, max_attempts: u32) -> MailSettings {
    let mut s = MailSettings::new(Some(url.into()), "Gatehouse <no-reply@example.com>".into(), dir.into());
    s.first_retry = Duration::from_millis(20);
    s.max_attempts = max_attempts;
    s
}

fn counter(snapshotter: &Snapshotter, name: &str) -> u64 {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .find_map(|(key, _, _, value)| match value {
            DebugValue::Counter(n) if key.key().name() == name => Some(n),
            _ => None,
        })
        .unwrap_or(0)
}

async fn until(snapshotter: &Snapshotter, name: &str, at_least: u64) {
    for _ in 0..150 {
        if counter(snapshotter, name) >= at_least {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{name} stayed at {} (wanted {at_least})", counter(snapshotter, name));
}

/// Speaks SMTP up to RCPT, which it refuses with 550; counts connections.
async fn rejecting_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 reject ESMTP\r\n").await?;
                while let Some(line) = lines.next_line().await? {
                    let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                        Some("EHLO") => b"250 reject\r\n",
                        Some("RCPT") => b"550 5.1.1 No such user\r\n",
                        Some("QUIT") => b"221 Bye\r\n",
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await?;
                }
                Ok::<_, std::io::Error>(())
            });
        }
    });
    (port, connections)
}

#[tokio::test]
async fn counters() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // Delivered.
    let sink = SmtpSink::start().await;
    let mailer = start(settings(format!("smtp://127.0.0.1:{}", sink.port), dir.path(), 2)).unwrap();
    mailer.send(mail("alice@example.com"));
    sink.message_to("alice@example.com").await;
    until(&snapshotter, "gatehouse_mail_sent_total", 1).await;

    // Nothing listens: both attempts fail, then the mail is given up.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let mailer = start(settings(format!("smtp://127.0.0.1:{closed}"), dir.path(), 2)).unwrap();
    mailer.send(mail("bob@example.com"));
    until(&snapshotter, "gatehouse_mail_failed_total", 1).await;

    // A 5xx reply is permanent: one connection, no retry.
    let (port, connections) = rejecting_server().await;
    let mailer = start(settings(format!("smtp://127.0.0.1:{port}"), dir.path(), 5)).unwrap();
    mailer.send(mail("nobody@example.com"));
    // A mail is counted failed only after its last attempt: the count is final.
    until(&snapshotter, "gatehouse_mail_failed_total", 2).await;
    assert_eq!(connections.load(Ordering::SeqCst), 1, "a permanent failure is not retried");

    // A server that accepts and never speaks holds the first mail; with a
    // queue of one, at most one more waits and the rest are dropped.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let mut s = settings(format!("smtp://127.0.0.1:{port}"), dir.path(), 1);
    s.queue = 1;
    let mailer = start(s).unwrap();
    for _ in 0..5 {
        mailer.send(mail("carol@example.com"));
    }
    assert!(counter(&snapshotter, "gatehouse_mail_dropped_total") >= 3);
    assert_eq!(counter(&snapshotter, "gatehouse_mail_sent_total"), 1);
}
