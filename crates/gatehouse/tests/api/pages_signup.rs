//! The sign-up and password-recovery pages at the HTTP level: `/register`
//! (CSRF, terms, errors under the fields, signed in afterwards or asked to
//! verify the address), `/forgot-password` (the same answer for every
//! address), the restyled `/reset-password` and `/verify-email`, and the
//! strength check `POST /api/auth/password/check` behind the meter.

use secrecy::SecretString;
use serde_json::{json, Value};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;
use crate::smtp_sink::SmtpSink;
use gatehouse_core::audit::{AuditKind, Outcome};

const SESSION: &str = "__Host-gatehouse";
const CSRF: &str = "__Host-gatehouse-csrf";
const TERMS: &str = "https://example.com/terms";
const PRIVACY: &str = "https://example.com/privacy";

fn issuer(app: &TestApp) -> String {
    app.state.config.tokens.issuer.clone()
}

/// The value a response set for cookie `name` (None if it set none or cleared it).
fn set_cookie(page: &Page, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    page.set_cookies
        .iter()
        .filter_map(|c| c.split(';').next()?.strip_prefix(&prefix).map(str::to_owned))
        .find(|v| !v.is_empty())
}

/// Whether the cookie value is a live browser session, and whose.
async fn session_user(app: &TestApp, cookie: &str) -> Option<String> {
    let found = app.state.auth.browser_session(&SecretString::from(cookie.to_owned())).await.unwrap();
    found.map(|s| s.user.username.as_str().to_owned())
}

/// Field `name` of the page's own form: the language picker at the foot of
/// the page has a `return_to` of its own.
fn form_field(page: &Page, name: &str) -> Option<String> {
    let end = page.body.find("<form class=\"languages\"").unwrap_or(page.body.len());
    Page { body: page.body[..end].to_owned(), status: page.status, location: None, set_cookies: Vec::new() }.field(name)
}

/// Opens `/register` (with this query) and posts the form with `fields`
/// (the CSRF token and return_to of the page added).
async fn register_via_page(browser: &mut Browser, query: &str, fields: &[(&str, &str)]) -> Page {
    let page = browser.get(&format!("/register{query}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.field("csrf").expect("csrf field");
    let return_to = form_field(&page, "return_to").unwrap_or_default();
    let mut form = vec![("csrf", csrf.as_str()), ("return_to", return_to.as_str())];
    form.extend_from_slice(fields);
    browser.post("/register", &form).await
}

/// Opens `/forgot-password` and asks for a link for `email`.
async fn forgot_via_page(browser: &mut Browser, email: &str) -> Page {
    let page = browser.get("/forgot-password").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("action=\"/forgot-password\"") && page.body.contains("name=\"email\""));
    assert!(page.body.contains("Back to Login"));
    let csrf = page.field("csrf").expect("csrf field");
    browser.post("/forgot-password", &[("email", email), ("csrf", &csrf)]).await
}

fn alice_form(password: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![("email", "alice@example.com"), ("username", "alice"), ("password", password), ("confirm_password", password)]
}

async fn check(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/api/auth/password/check").json(&body).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_page_renders_with_a_csrf_cookie_and_no_terms_by_default() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    let mut browser = Browser::new(&issuer(&app));
    let page = browser.get("/register").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<title>Sign Up"), "{}", page.body);
    let cookie = set_cookie(&page, CSRF).expect("a CSRF cookie");
    assert_eq!(page.field("csrf").as_deref(), Some(cookie.as_str()), "double-submit token");
    for needed in [
        "action=\"/register\"",
        "name=\"email\"",
        "name=\"username\"",
        "autocomplete=\"new-password\"",
        "data-meter=\"password-strength\"",
        "data-confirm=\"password\"",
        "name=\"confirm_password\"",
        "/assets/password.js",
    ] {
        assert!(page.body.contains(needed), "{needed} in {}", page.body);
    }
    assert!(!page.body.contains("name=\"terms\"") && !page.body.contains("data-requires"));
    assert!(page.body.contains("href=\"&#x2f;login\""), "the sign-in link");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_page_asks_for_the_terms_when_configured() {
    let app = spawn_provider(Backend::Sqlite, |c| {
        c.terms_url = Some(TERMS.into());
        c.privacy_url = Some(PRIVACY.into());
    })
    .await;
    let mut browser = Browser::new(&issuer(&app));
    let page = browser.get("/register").await;
    assert_eq!(page.status, 200);
    let body = page.body.replace("&#x2f;", "/");
    assert!(body.contains("name=\"terms\"") && body.contains("data-requires=\"terms\""), "{body}");
    for url in [TERMS, PRIVACY] {
        assert!(body.contains(&format!("href=\"{url}\" target=\"_blank\" rel=\"noopener\"")), "{url} in {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_page_keeps_only_a_safe_return_to() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    let mut browser = Browser::new(&issuer(&app));
    let page = browser.get("/register?return_to=%2Foauth2%2Fauthorize%3Fclient_id%3Dx").await;
    assert_eq!(form_field(&page, "return_to").as_deref(), Some("/oauth2/authorize?client_id=x"));
    assert!(page.body.contains("login?return_to=%2Foauth2%2Fauthorize%3Fclient_id%3Dx"), "sign-in link keeps it");
    let page = browser.get("/register?return_to=%2F%2Fevil.example%2F").await;
    assert_eq!(form_field(&page, "return_to"), None);
}

on_both_backends! {
    async fn registering_through_the_page_signs_in_and_goes_on(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let mut browser = Browser::new(&issuer(&app));
        let done = register_via_page(&mut browser, "?return_to=%2Faccount%3Ftab%3D1", &alice_form(STRONG_PASSWORD)).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some(format!("{}/account?tab=1", issuer(&app)).as_str()));
        let cookie = set_cookie(&done, SESSION).expect("a session cookie");
        assert_eq!(session_user(&app, &cookie).await.as_deref(), Some("alice"));
        assert!(done.set_cookies.iter().any(|c| c.starts_with(&format!("{CSRF}=;"))), "the CSRF cookie is cleared");
        // The account is real: the API signs in with it.
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);

        // Without return_to: the account page.
        let mut other = Browser::new(&issuer(&app));
        let form = [("email", "bob@example.com"), ("username", "bob"), ("password", STRONG_PASSWORD), ("confirm_password", STRONG_PASSWORD)];
        let done = register_via_page(&mut other, "", &form).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.as_deref().is_some_and(|l| l.ends_with("/account")), "{:?}", done.location);
        let cookie = set_cookie(&done, SESSION).expect("a session cookie");
        assert_eq!(session_user(&app, &cookie).await.as_deref(), Some("bob"));
    }

    async fn registering_without_the_csrf_cookie_or_from_another_site_is_refused(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let base = issuer(&app);
        let fields = alice_form(STRONG_PASSWORD);
        // No CSRF cookie at all (a fresh browser that never saw the form).
        let mut browser = Browser::new(&base);
        let mut form = fields.clone();
        form.push(("csrf", "made-up"));
        let refused = browser.post("/register", &form).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(refused.body.contains("The form expired"));
        assert!(refused.body.contains("value=\"alice@example.com\""), "typed email kept");
        // A wrong token with a real cookie.
        let page = browser.get("/register").await;
        assert!(page.field("csrf").is_some());
        assert_eq!(browser.post("/register", &form).await.status, 403);
        // The right token, posted from another site.
        let page = browser.get("/register").await;
        let csrf = page.field("csrf").unwrap();
        let cookie = browser.cookies[CSRF].clone();
        let mut form = fields.clone();
        form.push(("csrf", &csrf));
        let cross = app
            .client
            .post(format!("{base}/register"))
            .header("origin", "https://evil.example")
            .header("cookie", format!("{CSRF}={cookie}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), 403);
        // Nothing was created.
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        // The same form from our own origin works.
        let own = app
            .client
            .post(format!("{base}/register"))
            .header("origin", base.as_str())
            .header("cookie", format!("{CSRF}={cookie}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200, "{}", own.text().await.unwrap());
    }

    async fn registering_without_agreeing_to_the_terms_is_refused(backend) {
        let app = spawn_provider(backend, |c| c.terms_url = Some(TERMS.into())).await;
        let mut browser = Browser::new(&issuer(&app));
        let refused = register_via_page(&mut browser, "", &alice_form(STRONG_PASSWORD)).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("id=\"terms-error\" class=\"error\" role=\"alert\">Agree to the terms"), "{}", refused.body);
        assert!(!refused.body.contains(PRIVACY.replace('/', "&#x2f;").as_str()), "only the configured link");
        assert!(set_cookie(&refused, SESSION).is_none());
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        let mut form = alice_form(STRONG_PASSWORD);
        form.push(("terms", "1"));
        let done = register_via_page(&mut browser, "", &form).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(set_cookie(&done, SESSION).is_some());
    }

    async fn refused_registrations_explain_under_the_field_and_keep_what_was_typed(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let mut browser = Browser::new(&issuer(&app));
        let field_error = |page: &Page, field: &str, text: &str| {
            let marker = format!("id=\"{field}-error\" class=\"error\" role=\"alert\">{text}");
            assert!(page.body.contains(&marker), "{marker} in {}", page.body);
            assert!(page.body.contains(&format!("aria-describedby=\"{field}-error\"")) || page.body.contains(&format!("{field}-error\"")));
        };
        let keeps = |page: &Page, email: &str| {
            assert!(page.body.contains(&format!("value=\"{email}\"")), "typed email kept: {}", page.body);
            assert!(!page.body.contains(STRONG_PASSWORD) && !page.body.contains("Password1234"), "never the password");
        };

        let taken = [("email", "bob@example.com"), ("username", "alice"), ("password", STRONG_PASSWORD), ("confirm_password", STRONG_PASSWORD)];
        let page = register_via_page(&mut browser, "", &taken).await;
        assert_eq!(page.status, 409);
        field_error(&page, "username", "This username is taken");
        keeps(&page, "bob@example.com");

        let taken = [("email", "alice@example.com"), ("username", "bob"), ("password", STRONG_PASSWORD), ("confirm_password", STRONG_PASSWORD)];
        let page = register_via_page(&mut browser, "", &taken).await;
        assert_eq!(page.status, 409);
        field_error(&page, "email", "An account with this email address already exists");
        keeps(&page, "alice@example.com");

        let weak = [("email", "bob@example.com"), ("username", "bob"), ("password", "Password1234"), ("confirm_password", "Password1234")];
        let page = register_via_page(&mut browser, "", &weak).await;
        assert_eq!(page.status, 422);
        field_error(&page, "password", "");
        keeps(&page, "bob@example.com");

        let mismatch = [("email", "bob@example.com"), ("username", "bob"), ("password", STRONG_PASSWORD), ("confirm_password", "something else entirely")];
        let page = register_via_page(&mut browser, "", &mismatch).await;
        assert_eq!(page.status, 422);
        field_error(&page, "confirm_password", "Passwords do not match");
        keeps(&page, "bob@example.com");

        let invalid = [("email", "bob.example.com"), ("username", "-bob"), ("password", STRONG_PASSWORD), ("confirm_password", STRONG_PASSWORD)];
        let page = register_via_page(&mut browser, "", &invalid).await;
        assert_eq!(page.status, 422);
        field_error(&page, "email", "The email address must contain");
        field_error(&page, "username", "A username must start with a letter or digit");
        keeps(&page, "bob.example.com");

        // One round: a weak password is named beside the other fields' errors,
        // not in a second round after they are fixed.
        let all_wrong = [("email", "bob.example.com"), ("username", "-bob"), ("password", "Password1234"), ("confirm_password", "Password1234")];
        let page = register_via_page(&mut browser, "", &all_wrong).await;
        assert_eq!(page.status, 422);
        field_error(&page, "email", "The email address must contain");
        field_error(&page, "username", "A username must start with a letter or digit");
        field_error(&page, "password", "");
        keeps(&page, "bob.example.com");

        // None of these created an account or a session.
        assert_problem(app.login("bob", STRONG_PASSWORD).await, 401, "invalid_credentials").await;
        assert!(!browser.cookies.contains_key(SESSION));
    }

    async fn with_verification_required_the_page_asks_to_check_the_mail(backend) {
        let app = spawn_provider(backend, |c| c.require_verified_email = Some(true)).await;
        let mut browser = Browser::new(&issuer(&app));
        let done = register_via_page(&mut browser, "?return_to=%2Faccount", &alice_form(STRONG_PASSWORD)).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Check your email") && done.body.contains("alice@example.com"), "{}", done.body);
        assert!(done.body.contains("login?return_to=%2Faccount"), "sign in afterwards, going on");
        assert!(set_cookie(&done, SESSION).is_none(), "no session before verification");
        assert!(!browser.cookies.contains_key(SESSION));
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 403, "email_not_verified").await;
    }

    async fn forgot_password_answers_the_same_for_every_address_and_mails_only_accounts(backend) {
        let sink = SmtpSink::start().await;
        let port = sink.port;
        let app = spawn_provider(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none"))).await;
        app.signed_up("alice").await;
        sink.message_to("alice@example.com").await; // the verification mail
        let mut browser = Browser::new(&issuer(&app));
        let known = forgot_via_page(&mut browser, "ALICE@example.com").await;
        let unknown = forgot_via_page(&mut browser, "nobody@example.com").await;
        assert_eq!((known.status, unknown.status), (200, 200));
        assert_eq!(known.body, unknown.body, "no enumeration");
        assert!(known.body.contains("Check your email") && known.body.contains("href=\"/login\""), "{}", known.body);
        let mail = sink.message_to("alice@example.com").await;
        assert!(SmtpSink::text_body(&mail).contains("/reset-password?token="), "{mail}");
        audit_recorded(&app, AuditKind::PasswordResetRequested, Outcome::Failure).await;
        assert!(sink.nothing_for("nobody@example.com").await, "no mail to unknown addresses");

        // Without the CSRF cookie: refused, nothing sent.
        let mut fresh = Browser::new(&issuer(&app));
        let refused = fresh.post("/forgot-password", &[("email", "alice@example.com"), ("csrf", "x")]).await;
        assert_eq!(refused.status, 403);
        assert!(sink.nothing_for("alice@example.com").await);
    }

    async fn forgot_password_says_so_when_rate_limited(backend) {
        let app = spawn_provider(backend, |c| c.forgot_rate_per_email = Some("1/h".into())).await;
        let mut browser = Browser::new(&issuer(&app));
        for expected in [200, 429] {
            let page = browser.get("/forgot-password").await;
            let csrf = page.field("csrf").unwrap();
            let answer = browser.post("/forgot-password", &[("email", "x@example.com"), ("csrf", &csrf)]).await;
            assert_eq!(answer.status, expected, "{}", answer.body);
            if expected == 429 {
                assert!(answer.body.contains("Too many attempts. Try again in "), "{}", answer.body);
            }
        }
    }

    async fn reset_and_verify_pages_check_the_confirmation_and_lead_on(backend) {
        let sink = SmtpSink::start().await;
        let port = sink.port;
        let app = spawn_provider(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none"))).await;
        app.signed_up("alice").await;
        let verify = token_in(&sink.message_to("alice@example.com").await, "verify-email");
        let mut browser = Browser::new(&issuer(&app));
        let done = browser.post("/verify-email", &[("token", &verify)]).await;
        assert_eq!(done.status, 200);
        assert!(done.body.contains("href=\"/account\"") && done.body.contains("Continue"), "{}", done.body);

        app.post("/api/auth/password/forgot").json(&json!({"email": "alice@example.com"})).send().await.unwrap();
        let token = token_in(&sink.message_to("alice@example.com").await, "reset-password");
        let page = browser.get(&format!("/reset-password?token={token}")).await;
        for needed in ["name=\"new_password\"", "data-meter=\"new_password-strength\"", "data-confirm=\"new_password\"", "data-reveal=\"new_password\""] {
            assert!(page.body.contains(needed), "{needed} in {}", page.body);
        }
        let new = "a completely different passphrase 7";
        let mismatch = browser.post("/reset-password", &[("token", &token), ("new_password", new), ("confirm_password", "not the same")]).await;
        assert_eq!(mismatch.status, 422);
        assert!(mismatch.body.contains("role=\"alert\">Passwords do not match"), "{}", mismatch.body);
        assert_eq!(mismatch.field("token").as_deref(), Some(token.as_str()), "the link is kept");
        let done = browser.post("/reset-password", &[("token", &token), ("new_password", new), ("confirm_password", new)]).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("href=\"/login\"") && done.body.contains(">Log In<"), "{}", done.body);
        assert_eq!(app.login("alice", new).await.status(), 200);
    }

    async fn the_strength_check_gives_the_registration_verdict(backend) {
        let app = TestApp::spawn(backend).await;
        let weak: Value = check(&app, json!({"password": "password"})).await.json().await.unwrap();
        assert_eq!(weak["acceptable"], false, "{weak}");
        assert!(weak["message"].as_str().unwrap().contains("at least 12 characters"), "{weak}");
        assert!(weak["score"].as_u64().unwrap() < 3);
        let strong = check(&app, json!({"password": STRONG_PASSWORD, "username": "alice", "email": "alice@example.com"})).await;
        assert_eq!(strong.status(), 200);
        let strong: Value = strong.json().await.unwrap();
        assert_eq!(strong["acceptable"], true, "{strong}");
        assert_eq!(strong["message"], Value::Null);
        assert!(strong["score"].as_u64().unwrap() >= 3);
        assert_eq!((strong["min_score"].as_u64(), strong["min_length"].as_u64()), (Some(3), Some(12)));

        // A password equal to the username: fine on its own, refused for that
        // account — by the check and by registration alike.
        let name = "AliceWonderland1";
        let alone: Value = check(&app, json!({"password": name})).await.json().await.unwrap();
        assert_eq!(alone["acceptable"], true, "{alone}");
        let body = json!({"password": name, "username": name, "email": "aw@example.com"});
        let refused: Value = check(&app, body).await.json().await.unwrap();
        assert_eq!(refused["acceptable"], false, "{refused}");
        assert!(refused["score"].as_u64().unwrap() < 3);
        let registered = app.register(name, "aw@example.com", name).await;
        let problem = assert_problem(registered, 422, "weak_password").await;
        assert_eq!(problem["detail"], refused["message"], "the same reason");
        assert_eq!(app.register("otheruser", "other@example.com", name).await.status(), 201, "and the same acceptance");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_strength_check_refuses_long_input_and_is_rate_limited() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_problem(check(&app, json!({"password": "x".repeat(257)})).await, 422, "weak_password").await;
    assert_eq!(check(&app, json!({"password": "x".repeat(256)})).await.status(), 200);
    assert_problem(check(&app, json!({"password": "x", "username": "u".repeat(257)})).await, 422, "invalid_username")
        .await;
    assert_problem(check(&app, json!({"password": "x", "email": "e".repeat(257)})).await, 422, "invalid_email").await;
    assert_problem(check(&app, json!({"username": "alice"})).await, 422, "invalid_body").await;
    // 120 a minute per IP; the four above that reached the handler count.
    for _ in 0..116 {
        assert_eq!(check(&app, json!({"password": "x"})).await.status(), 200);
    }
    let limited = check(&app, json!({"password": "x"})).await;
    assert!(limited.headers().get("retry-after").is_some());
    assert_problem(limited, 429, "rate_limited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_strength_check_is_in_the_openapi_document() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc: Value = app.get("/api/openapi.json").send().await.unwrap().json().await.unwrap();
    let op = &doc["paths"]["/api/auth/password/check"]["post"];
    assert!(op.is_object(), "{}", doc["paths"]);
    for status in ["200", "422", "429"] {
        assert!(op["responses"][status].is_object(), "{status} documented");
    }
    let schema = &doc["components"]["schemas"]["PasswordCheckResponse"]["properties"];
    for field in ["acceptable", "score", "min_score", "min_length", "message"] {
        assert!(schema[field].is_object(), "{field} in {schema}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_forgot_password_pages_speak_the_browsers_language() {
    let app = spawn_provider(Backend::Sqlite, |c| c.terms_url = Some(TERMS.into())).await;
    let get = |tag: Option<&'static str>, path: &'static str| {
        let mut browser = Browser::new(&issuer(&app));
        browser.accept_language = tag.map(String::from);
        async move { browser.get(path).await }
    };
    let has = |page: &Page, texts: &[&str]| {
        for text in texts {
            assert!(page.body.contains(text), "{text} in {}", page.body);
        }
    };

    let page = get(Some("de"), "/register").await;
    has(
        &page,
        &[
            "<html lang=\"de\">",
            "<title>Registrieren",
            ">E-Mail-Adresse</label>",
            ">Benutzername</label>",
            "Mindestens 12 Zeichen.",
            ">Passwort bestätigen</label>",
            "aria-label=\"Passwort anzeigen\"",
            "data-label-hide=\"Passwort verbergen\"",
            "data-weak=\"Schwach: {reason}\"",
            "data-mismatch=\"Die Passwörter stimmen nicht überein\"",
            "Ich akzeptiere die <a",
            ">Nutzungsbedingungen</a>",
            ">Registrieren</button>",
            "Sie haben bereits ein Konto?",
        ],
    );
    assert!(!page.body.contains("Show password") && !page.body.contains("Sign Up"), "{}", page.body);
    let page = get(Some("es-MX, en;q=0.5"), "/register").await;
    has(
        &page,
        &[
            "<html lang=\"es\">",
            "<title>Regístrese",
            ">Correo electrónico</label>",
            "aria-label=\"Mostrar contraseña\"",
            "data-strong=\"Segura\"",
            "Acepto <a",
            ">Registrarse</button>",
            "¿Ya tiene una cuenta?",
        ],
    );
    let page = get(None, "/register").await;
    has(
        &page,
        &[
            "<html lang=\"en\">",
            "<title>Sign Up",
            "At least 12 characters. A few unrelated words make a good one.",
            "aria-label=\"Show password\"",
            "data-weak=\"Weak: {reason}\"",
            "I agree to the <a",
            ">Terms</a>",
            "Already have an account?",
        ],
    );

    let page = get(Some("de"), "/forgot-password").await;
    has(
        &page,
        &[
            "<html lang=\"de\">",
            "<title>Passwort vergessen?",
            "Geben Sie die E-Mail-Adresse Ihres Kontos ein",
            ">Link zum Zurücksetzen senden</button>",
            ">Zurück zur Anmeldung</a>",
        ],
    );
    let page = get(Some("es"), "/forgot-password").await;
    has(&page, &["<html lang=\"es\">", "<title>¿Olvidó su contraseña?", ">Enviar enlace de restablecimiento</button>"]);
    let page = get(None, "/forgot-password").await;
    has(&page, &["<html lang=\"en\">", "<title>Forgot Your Password?", ">Send Reset Link</button>"]);

    // The answer, in German too: how long the link works.
    let mut browser = Browser::new(&issuer(&app));
    browser.accept_language = Some("de".into());
    let sent = forgot_via_page_in(&mut browser, "nobody@example.com").await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    has(&sent, &["<title>Prüfen Sie Ihre E-Mails", "innerhalb von 30 Minuten"]);
}

/// Like [`forgot_via_page`], in whatever language the browser asks for.
async fn forgot_via_page_in(browser: &mut Browser, email: &str) -> Page {
    let page = browser.get("/forgot-password").await;
    let csrf = page.field("csrf").expect("csrf field");
    browser.post("/forgot-password", &[("email", email), ("csrf", &csrf)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_strength_check_speaks_the_language_it_is_asked_in() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let asked = |tag: &str| {
        app.post("/api/auth/password/check").header("accept-language", tag).json(&json!({"password": "kurz"})).send()
    };
    let de: Value = asked("de").await.unwrap().json().await.unwrap();
    assert_eq!(de["message"], "Das Passwort muss mindestens 12 Zeichen lang sein.", "{de}");
    assert_eq!((de["acceptable"].as_bool(), de["min_length"].as_u64()), (Some(false), Some(12)), "the same shape");
    let es: Value = asked("es-ES").await.unwrap().json().await.unwrap();
    assert_eq!(es["message"], "La contraseña debe tener al menos 12 caracteres.", "{es}");
    // A language Gatehouse does not speak, or none: the API's English.
    let fr: Value = asked("fr").await.unwrap().json().await.unwrap();
    assert_eq!(fr["message"], "the password must be at least 12 characters long", "{fr}");
    let none: Value = check(&app, json!({"password": "kurz"})).await.json().await.unwrap();
    assert_eq!(none["message"], "the password must be at least 12 characters long", "{none}");
    let easy = app
        .post("/api/auth/password/check")
        .header("accept-language", "de")
        .json(&json!({"password": "zzzzzzzzzzzzzzzz"}));
    let easy: Value = easy.send().await.unwrap().json().await.unwrap();
    assert!(easy["message"].as_str().unwrap().starts_with("Das Passwort ist zu leicht zu erraten: "), "{easy}");
}

on_both_backends! {
    async fn a_german_sign_up_explains_every_field_in_german_in_one_round(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let mut browser = Browser::new(&issuer(&app));
        browser.accept_language = Some("de-DE,de;q=0.9,en;q=0.8".into());
        let field_error = |page: &Page, field: &str, text: &str| {
            let marker = format!("id=\"{field}-error\" class=\"error\" role=\"alert\">{text}");
            assert!(page.body.contains(&marker), "{marker} in {}", page.body);
        };
        // Everything wrong at once: every field says why, the password too.
        let all_wrong = [("email", "bob.example.com"), ("username", "-bob"), ("password", "kurz"), ("confirm_password", "kurz")];
        let page = register_via_page(&mut browser, "", &all_wrong).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains("<html lang=\"de\">"));
        field_error(&page, "email", "Die E-Mail-Adresse muss ein „@“ enthalten.");
        field_error(&page, "username", "Ein Benutzername muss mit einem Buchstaben oder einer Ziffer beginnen.");
        field_error(&page, "password", "Das Passwort muss mindestens 12 Zeichen lang sein.");
        // Only the password wrong: the core's refusal, in German as well.
        let weak = [("email", "bob@example.com"), ("username", "bob"), ("password", "Password1234"), ("confirm_password", "Password1234")];
        let page = register_via_page(&mut browser, "", &weak).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body.contains("id=\"password-error\" class=\"error\" role=\"alert\">Das Passwort")
                || page.body.contains("id=\"password-error\" class=\"error\" role=\"alert\">Dieses Passwort"),
            "{}",
            page.body
        );
        let mismatch = [("email", "bob@example.com"), ("username", "bob"), ("password", STRONG_PASSWORD), ("confirm_password", "anders")];
        let page = register_via_page(&mut browser, "", &mismatch).await;
        field_error(&page, "confirm_password", "Die Passwörter stimmen nicht überein.");
        app.signed_up("alice").await;
        let taken = [("email", "bob@example.com"), ("username", "alice"), ("password", STRONG_PASSWORD), ("confirm_password", STRONG_PASSWORD)];
        let page = register_via_page(&mut browser, "", &taken).await;
        assert_eq!(page.status, 409);
        field_error(&page, "username", "Dieser Benutzername ist vergeben.");
    }

    async fn the_consent_and_logout_pages_speak_the_browsers_language(backend) {
        let (app, mut browser) = crate::oauth::signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(false)).await;
        let url = crate::oauth::authorize_url(&client.id, &[]);
        for (tag, texts) in [
            (Some("de"), &["<html lang=\"de\">", "<title>Zugriff erlauben?", "bittet um Zugriff auf Ihr Konto <strong>alice</strong>:", "Ihre E-Mail-Adresse sehen", ">Erlauben</button>", ">Ablehnen</button>"][..]),
            (Some("es"), &["<html lang=\"es\">", "<title>¿Permitir el acceso?", "quiere acceder a su cuenta <strong>alice</strong>:", "Ver su dirección de correo", ">Permitir</button>", ">Denegar</button>"][..]),
            (None, &["<html lang=\"en\">", "<title>Allow access?", "wants to access your account <strong>alice</strong>:", "See your email address", ">Allow</button>"][..]),
        ] {
            browser.accept_language = tag.map(String::from);
            let page = browser.get(&url).await;
            let page = browser.follow(page).await;
            assert_eq!(page.status, 200, "{}", page.body);
            for text in texts {
                assert!(page.body.contains(text), "{tag:?}: {text} in {}", page.body);
            }
        }
        browser.accept_language = Some("de".into());
        let page = browser.get("/oauth2/logout").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("<title>Abmelden?") && page.body.contains(">Abmelden</button>"), "{}", page.body);
        let refused = browser.get("/oauth2/logout?client_id=nope").await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains("Die Abmeldeanfrage der Anwendung ist ungültig."), "{}", refused.body);
    }
}

/// The token of the first link to `page` in a mail's text part.
fn token_in(raw: &str, page: &str) -> String {
    let text = SmtpSink::text_body(raw);
    let marker = format!("/{page}?token=");
    let start = text.find(&marker).unwrap_or_else(|| panic!("no {page} link in: {text}")) + marker.len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}
