//! Account lifecycle by email, through real SMTP to an in-process sink:
//! verification, forgot/reset, password and email change, deletion, export.

use crate::helpers::{Backend, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;
use crate::smtp_sink::SmtpSink;
use gatehouse_core::audit::{AuditKind, Outcome};
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a completely different passphrase 7";

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Starts a sink and an app that sends to it.
pub(crate) async fn app_with_mail(
    backend: Backend,
    tweak: impl FnOnce(&mut gatehouse::config::RawConfig),
) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let app = TestApp::spawn_with(backend, move |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none"));
        tweak(c);
    })
    .await;
    (app, sink)
}

/// The token of the first link to `page` in a mail's text part.
pub(crate) fn token_in(raw: &str, page: &str) -> String {
    let text = SmtpSink::text_body(raw);
    let marker = format!("/{page}?token=");
    let start = text.find(&marker).unwrap_or_else(|| panic!("no {page} link in: {text}")) + marker.len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// A mail's subject, unfolded, its RFC 2047 encoded words (base64) decoded.
fn subject(raw: &str) -> String {
    use base64::Engine;
    let raw = raw.replace("\r\n", "\n");
    let start = raw.find("\nSubject: ").expect("a subject") + "\nSubject: ".len();
    let mut header = String::new();
    for (i, line) in raw[start..].split('\n').enumerate() {
        if i > 0 && !line.starts_with([' ', '\t']) {
            break;
        }
        header.push_str(line);
    }
    let mut out = String::new();
    let mut rest = header.as_str();
    while let Some(at) = rest.find("=?") {
        out.push_str(&rest[..at]);
        let word = &rest[at + 2..];
        let end = word.find("?=").expect("an encoded word's end");
        let mut parts = word[..end].splitn(3, '?');
        let (_charset, encoding, data) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert!(encoding.eq_ignore_ascii_case("b"), "{header}");
        let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap();
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &word[end + 2..];
        // Between two encoded words whitespace is nothing; before text it is kept.
        if rest.trim_start().starts_with("=?") {
            rest = rest.trim_start();
        }
    }
    out.push_str(rest);
    out
}

async fn post_json(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.post(path).json(&body).send().await.unwrap()
}

on_both_backends! {
    async fn registration_mails_a_verification_link_that_works_once(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let t = app.signed_up("alice").await;
        let raw = sink.message_to("alice@example.com").await;
        assert!(raw.contains("Subject: Verify your email address for Gatehouse"), "{raw}");
        assert!(raw.to_lowercase().contains("multipart/alternative"));
        let token = token_in(&raw, "verify-email");
        assert_eq!(token.len(), 43, "256-bit token");
        assert_eq!(post_json(&app, "/api/auth/email/verify", json!({"token": token})).await.status(), 204);
        let me: Value = app.me(s(&t["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["email_verified"], true);
        assert_problem(post_json(&app, "/api/auth/email/verify", json!({"token": token})).await, 401, "invalid_token").await;
        assert_problem(post_json(&app, "/api/auth/email/verify", json!({"token": "forged"})).await, 401, "invalid_token").await;
    }

    async fn registering_with_accept_language_mails_in_that_language(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let register = |name: &str, language: Option<&str>| {
            let mut req = app.post("/api/auth/register").json(&json!({
                "username": name, "email": format!("{name}@example.com"), "password": STRONG_PASSWORD,
            }));
            if let Some(language) = language {
                req = req.header("accept-language", language);
            }
            req.send()
        };
        assert_eq!(register("anna", Some("de-AT,de;q=0.9,en;q=0.5")).await.unwrap().status(), 201);
        let raw = sink.message_to("anna@example.com").await;
        assert_eq!(subject(&raw), "Bestätigen Sie Ihre E-Mail-Adresse für Gatehouse");
        let text = SmtpSink::text_body(&raw);
        assert!(text.starts_with("Hallo anna,") && text.contains("24 Stunden"), "{text}");
        assert!(text.contains("Bitte bestätigen Sie, dass anna@example.com Ihre E-Mail-Adresse ist"), "{text}");
        assert!(!text.contains("Hello") && !text.contains("hours"), "no English: {text}");
        assert_eq!(token_in(&raw, "verify-email").len(), 43);
        // Without the header, or with one naming no language Gatehouse has: the default.
        for (name, language) in [("bert", None), ("chloe", Some("fr-CA, ja;q=0.5"))] {
            assert_eq!(register(name, language).await.unwrap().status(), 201);
            let raw = sink.message_to(&format!("{name}@example.com")).await;
            assert_eq!(subject(&raw), "Verify your email address for Gatehouse");
            let text = SmtpSink::text_body(&raw);
            assert!(text.starts_with(&format!("Hello {name},")) && text.contains("24 hours"), "{text}");
        }
    }

    async fn the_links_in_the_mails_open_working_pages(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let t = app.signed_up("alice").await;
        let token = token_in(&sink.message_to("alice@example.com").await, "verify-email");
        // Opening the link only shows a form (scanners that prefetch change nothing).
        let page = app.get(&format!("/verify-email?token={token}")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("form-action 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        let html = page.text().await.unwrap();
        assert!(html.contains("<form method=\"post\" action=\"/verify-email\">") && html.contains(&token));
        let me: Value = app.me(s(&t["access_token"])).await.json().await.unwrap();
        assert_eq!(me["user"]["email_verified"], false);
        let form = |path: &str, body: String| {
            app.post(path).header("content-type", "application/x-www-form-urlencoded").body(body).send()
        };
        let done = form("/verify-email", format!("token={token}")).await.unwrap();
        assert_eq!(done.status(), 200);
        assert!(done.text().await.unwrap().contains("Your email address is verified"));
        let again = form("/verify-email", format!("token={token}")).await.unwrap();
        assert_eq!(again.status(), 400);
        assert!(again.text().await.unwrap().contains("not valid"));
        // Reset through the page: a weak choice is explained and the link still works.
        post_json(&app, "/api/auth/password/forgot", json!({"email": "alice@example.com"})).await;
        let token = token_in(&sink.message_to("alice@example.com").await, "reset-password");
        let page = app.get(&format!("/reset-password?token={token}")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("type=\"password\"") && page.contains("autocomplete=\"new-password\""));
        let weak = form("/reset-password", format!("token={token}&new_password=password")).await.unwrap();
        assert_eq!(weak.status(), 422);
        assert!(weak.text().await.unwrap().contains("role=\"alert\""));
        let ok = form("/reset-password", format!("token={token}&new_password=a+completely+different+passphrase+7")).await.unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(app.login("alice", NEW_PASSWORD).await.status(), 200);
        let css = app.get("/assets/gatehouse.css").send().await.unwrap();
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    }

    async fn unverified_addresses_can_be_required_and_resent(backend) {
        let (app, sink) = app_with_mail(backend, |c| c.require_verified_email = Some(true)).await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        let first = token_in(&sink.message_to("alice@example.com").await, "verify-email");
        assert_problem(app.login("alice", "wrong password 123").await, 401, "invalid_credentials").await;
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 403, "email_not_verified").await;
        // Resend without a session: same answer for unknown addresses.
        assert_eq!(post_json(&app, "/api/auth/email/resend", json!({"email": "alice@example.com"})).await.status(), 202);
        assert_eq!(post_json(&app, "/api/auth/email/resend", json!({"email": "nobody@example.com"})).await.status(), 202);
        let second = token_in(&sink.message_to("alice@example.com").await, "verify-email");
        // The newer link supersedes the older one.
        assert_problem(post_json(&app, "/api/auth/email/verify", json!({"token": first})).await, 401, "invalid_token").await;
        assert_eq!(post_json(&app, "/api/auth/email/verify", json!({"token": second})).await.status(), 204);
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);
    }

    async fn forgot_and_reset_password(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let t = app.signed_up("alice").await;
        sink.message_to("alice@example.com").await; // the verification mail
        let known = post_json(&app, "/api/auth/password/forgot", json!({"email": "ALICE@example.com"})).await;
        let unknown = post_json(&app, "/api/auth/password/forgot", json!({"email": "nobody@example.com"})).await;
        assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (202, 202));
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap(), "no enumeration");
        let raw = sink.message_to("alice@example.com").await;
        assert!(raw.contains("Subject: Reset your Gatehouse password"));
        let token = token_in(&raw, "reset-password");
        // A weak password is refused without spending the link.
        let r = post_json(&app, "/api/auth/password/reset", json!({"token": token, "new_password": "password"})).await;
        assert_problem(r, 422, "weak_password").await;
        let r = post_json(&app, "/api/auth/password/reset", json!({"token": token, "new_password": NEW_PASSWORD})).await;
        assert_eq!(r.status(), 204);
        // Every session ended; the old password is gone; the link is spent.
        assert_eq!(app.refresh(s(&t["refresh_token"])).await.status(), 401);
        assert_eq!(app.me(s(&t["access_token"])).await.status(), 401);
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        assert_eq!(app.login("alice", NEW_PASSWORD).await.status(), 200);
        let r = post_json(&app, "/api/auth/password/reset", json!({"token": token, "new_password": "yet another fine passphrase"})).await;
        assert_problem(r, 401, "invalid_token").await;
        let notice = sink.message_to("alice@example.com").await;
        assert!(notice.contains("Subject: Your Gatehouse password was changed"), "{notice}");
        audit_recorded(&app, AuditKind::PasswordResetRequested, Outcome::Failure).await;
        assert!(sink.nothing_for("nobody@example.com").await, "no mail to unknown addresses");
    }

    async fn reset_links_are_superseded_and_expire(backend) {
        let (app, sink) = app_with_mail(backend, |c| c.password_reset_ttl = Some("2s".into())).await;
        app.signed_up("alice").await;
        sink.message_to("alice@example.com").await;
        post_json(&app, "/api/auth/password/forgot", json!({"email": "alice@example.com"})).await;
        let first = token_in(&sink.message_to("alice@example.com").await, "reset-password");
        post_json(&app, "/api/auth/password/forgot", json!({"email": "alice@example.com"})).await;
        let second = token_in(&sink.message_to("alice@example.com").await, "reset-password");
        let r = post_json(&app, "/api/auth/password/reset", json!({"token": first, "new_password": NEW_PASSWORD})).await;
        assert_problem(r, 401, "invalid_token").await;
        app.advance(std::time::Duration::from_millis(2200));
        let r = post_json(&app, "/api/auth/password/reset", json!({"token": second, "new_password": NEW_PASSWORD})).await;
        assert_problem(r, 401, "token_expired").await;
    }

    async fn forgot_is_rate_limited_per_address(backend) {
        let (app, _sink) = app_with_mail(backend, |c| c.forgot_rate_per_email = Some("2/h".into())).await;
        for _ in 0..2 {
            assert_eq!(post_json(&app, "/api/auth/password/forgot", json!({"email": "x@example.com"})).await.status(), 202);
        }
        assert_problem(post_json(&app, "/api/auth/password/forgot", json!({"email": "X@example.com"})).await, 429, "rate_limited").await;
    }

    async fn change_password_keeps_only_the_current_session(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let a = app.signed_up("alice").await;
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        sink.message_to("alice@example.com").await;
        let change = |current: &str| {
            app.post("/api/auth/password/change").bearer_auth(s(&a["access_token"]))
                .json(&json!({"current_password": current, "new_password": NEW_PASSWORD})).send()
        };
        assert_problem(change("not my password at all").await.unwrap(), 401, "invalid_credentials").await;
        assert_eq!(change(STRONG_PASSWORD).await.unwrap().status(), 204);
        assert_eq!(app.me(s(&a["access_token"])).await.status(), 200, "current session kept");
        assert_eq!(app.refresh(s(&b["refresh_token"])).await.status(), 401, "other session ended");
        assert_eq!(app.login("alice", NEW_PASSWORD).await.status(), 200);
        assert!(sink.message_to("alice@example.com").await.contains("password was changed"));
    }

    async fn change_email_needs_confirmation_from_the_new_address(backend) {
        let (app, sink) = app_with_mail(backend, |_| {}).await;
        let t = app.signed_up("alice").await;
        app.signed_up("bob").await;
        sink.message_to("alice@example.com").await;
        let access = s(&t["access_token"]);
        let request = |email: &str, password: &str| {
            app.post("/api/auth/email/change").bearer_auth(access).json(&json!({"new_email": email, "password": password})).send()
        };
        assert_problem(request("bob@example.com", STRONG_PASSWORD).await.unwrap(), 409, "email_taken").await;
        assert_problem(request("new@example.org", "wrong password 123").await.unwrap(), 401, "invalid_credentials").await;
        assert_eq!(request("new@example.org", STRONG_PASSWORD).await.unwrap().status(), 202);
        let confirm = sink.message_to("new@example.org").await;
        let notice = sink.message_to("alice@example.com").await;
        assert!(SmtpSink::text_body(&notice).contains("n***@example.org"));
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["email"], "alice@example.com", "nothing changes before confirmation");
        let token = token_in(&confirm, "verify-email");
        assert_eq!(post_json(&app, "/api/auth/email/verify", json!({"token": token})).await.status(), 204);
        let me: Value = app.me(access).await.json().await.unwrap();
        assert_eq!(me["user"]["email"], "new@example.org");
        assert_eq!(me["user"]["email_verified"], true);
        assert_eq!(app.login("new@example.org", STRONG_PASSWORD).await.status(), 200);
    }

    async fn delete_account_and_export(backend) {
        let (app, _sink) = app_with_mail(backend, |_| {}).await;
        let t = app.signed_up("alice").await;
        let access = s(&t["access_token"]);
        let export: Value = app.get("/api/auth/me/export").bearer_auth(access).send().await.unwrap().json().await.unwrap();
        assert_eq!(export["user"]["username"], "alice");
        assert_eq!(export["sessions"].as_array().unwrap().len(), 1);
        assert!(export["audit"].as_array().unwrap().iter().any(|e| e["event"] == "register"));
        assert!(!export.to_string().contains("argon2"), "no hashes in the export");
        let delete = |password: &str| app.client.delete(app.url("/api/auth/me")).bearer_auth(access).json(&json!({"password": password})).send();
        assert_problem(delete("wrong password 123").await.unwrap(), 401, "invalid_credentials").await;
        assert_eq!(delete(STRONG_PASSWORD).await.unwrap().status(), 204);
        assert_eq!(app.me(access).await.status(), 401);
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        // The name is free again; the audit trail stays, without IP or user agent.
        assert_eq!(app.register("alice", "alice@example.com", STRONG_PASSWORD).await.status(), 201);
        let user_id: uuid::Uuid = s(&t["user"]["id"]).parse().unwrap();
        let events = app.state.admin.audit_log(&crate::helpers::operator(), gatehouse_core::audit::AuditQuery {
            user: Some(gatehouse_core::account::UserId(user_id)), limit: 100, ..Default::default()
        }).await.unwrap();
        assert!(events.iter().any(|e| e.kind.as_str() == "account_deleted"));
        assert!(events.iter().any(|e| e.kind.as_str() == "register"));
        assert!(events.iter().all(|e| e.ip.is_none() && e.user_agent.is_none()), "{events:?}");
    }

    async fn without_smtp_mails_go_to_the_outbox(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("alice", "alice@example.com", STRONG_PASSWORD).await;
        let token = crate::helpers::outbox_token(&app, "alice@example.com", "verify-email").await;
        assert_eq!(post_json(&app, "/api/auth/email/verify", json!({"token": token})).await.status(), 204);
    }
}
