//! Delivery end to end: the file outbox, and SMTP through a real TCP
//! conversation with the test sink, including retries and a full queue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../gatehouse/tests/api/smtp_sink.rs"]
mod smtp_sink;

use std::time::Duration;

use gatehouse_core::account::Email;
use gatehouse_core::mail::Mail;
use gatehouse_mail::{start, MailSettings};
use smtp_sink::SmtpSink;

fn mail(to: &str, subject: &str) -> Mail {
    Mail {
        to: Email::parse(to).unwrap(),
        subject: subject.into(),
        text: "Hello, open https://id.example.com/verify-email?token=abc".into(),
        html: "<p>Hello</p>".into(),
    }
}

fn settings(smtp_url: Option<String>, outbox: &std::path::Path) -> MailSettings {
    let mut s = MailSettings::new(smtp_url.map(Into::into), "Gatehouse <no-reply@example.com>".into(), outbox.into());
    s.first_retry = Duration::from_millis(20);
    s
}

#[tokio::test]
async fn without_smtp_mails_are_written_to_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mailer = start(settings(None, &outbox)).unwrap();
    mailer.send(mail("alice@example.com", "One"));
    mailer.send(mail("bob@example.com", "Two"));
    let mut files = Vec::new();
    for _ in 0..100 {
        files = std::fs::read_dir(&outbox)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        if files.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(files.len(), 2);
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("From: Gatehouse <no-reply@example.com>"));
    assert!(raw.contains("multipart/alternative") && raw.contains("text/html"));
    assert!(SmtpSink::text_body(&raw).contains("verify-email?token=abc"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&outbox).unwrap().permissions().mode() & 0o777, 0o700);
}

#[tokio::test]
async fn smtp_delivers_both_parts() {
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mailer = start(settings(Some(format!("smtp://127.0.0.1:{}", sink.port)), dir.path())).unwrap();
    mailer.send(mail("alice@example.com", "Hello there"));
    let raw = sink.message_to("alice@example.com").await;
    assert!(raw.contains("Subject: Hello there") && raw.contains("To: alice@example.com"));
    assert!(raw.contains("Message-ID:") && raw.contains("Date:"));
    assert!(SmtpSink::text_body(&raw).contains("token=abc"));
}

#[tokio::test]
async fn lines_starting_with_a_dot_survive_smtp() {
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mailer = start(settings(Some(format!("smtp://127.0.0.1:{}", sink.port)), dir.path())).unwrap();
    let mut m = mail("dot@example.com", "Dots");
    m.text = "first\n.second\n..third\n.".into();
    mailer.send(m);
    let body = SmtpSink::text_body(&sink.message_to("dot@example.com").await).replace("\r\n", "\n");
    assert!(body.starts_with("first\n.second\n..third\n."), "{body}");
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let sink = SmtpSink::start_flaky(2).await;
    let dir = tempfile::tempdir().unwrap();
    let mailer = start(settings(Some(format!("smtp://127.0.0.1:{}", sink.port)), dir.path())).unwrap();
    mailer.send(mail("alice@example.com", "Third time lucky"));
    assert!(sink.message_to("alice@example.com").await.contains("Third time lucky"));
}

#[tokio::test]
async fn a_mail_that_keeps_failing_is_given_up_and_the_next_one_goes_out() {
    let sink = SmtpSink::start_flaky(2).await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(Some(format!("smtp://127.0.0.1:{}", sink.port)), dir.path());
    s.max_attempts = 2;
    let mailer = start(s).unwrap();
    mailer.send(mail("lost@example.com", "Lost"));
    mailer.send(mail("alice@example.com", "Delivered"));
    assert!(sink.message_to("alice@example.com").await.contains("Delivered"));
    assert!(sink.nothing_for("lost@example.com").await);
}

#[tokio::test]
async fn a_full_queue_drops_instead_of_blocking() {
    // A server that accepts and never speaks: the first delivery hangs.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(Some(format!("smtp://127.0.0.1:{port}")), dir.path());
    s.queue = 1;
    let mailer = start(s).unwrap();
    let sent = tokio::time::timeout(Duration::from_secs(2), async {
        for i in 0..50 {
            mailer.send(mail("x@example.com", &format!("#{i}")));
        }
    })
    .await;
    assert!(sent.is_ok(), "send never blocks");
}

#[test]
fn bad_settings_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        assert!(start(settings(Some("http://nope".into()), dir.path())).is_err());
        let mut s = settings(None, dir.path());
        s.from = "not a mailbox".into();
        assert!(start(s).is_err());
    });
}

#[test]
fn the_sink_decodes_what_lettre_encodes() {
    use lettre::message::{Mailbox, MultiPart};
    let long = format!("Grüße, {} https://id.example.com/reset-password?token=a.b-c_d", "x".repeat(120));
    for text in ["plain ascii line\n.leading dot".to_owned(), long] {
        let message = lettre::Message::builder()
            .from("Gatehouse <no-reply@example.com>".parse::<Mailbox>().unwrap())
            .to("alice@example.com".parse::<Mailbox>().unwrap())
            .subject("s")
            .multipart(MultiPart::alternative_plain_html(text.clone(), "<p>x</p>".to_owned()))
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert_eq!(SmtpSink::text_body(&raw).replace("\r\n", "\n").trim_end(), text, "{raw}");
    }
}
