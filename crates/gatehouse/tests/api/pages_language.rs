//! The pages' language: the browser's `Accept-Language`, the picker at the
//! foot of every page (`/language`, a cookie that beats the header), the
//! default language, and an operator's own catalogs in `theme_dir/locales`.

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

const LANG_COOKIE: &str = "__Host-gatehouse-lang";

/// The `<html lang>` of a page.
fn html_lang(body: &str) -> &str {
    let start = body.find("<html lang=\"").expect("an html element") + "<html lang=\"".len();
    &body[start..start + body[start..].find('"').expect("a closed attribute")]
}

on_both_backends! {
    async fn the_browser_asks_and_a_pick_beats_it(backend) {
        let app = TestApp::spawn(backend).await;
        let mut browser = Browser::new(&app.address);

        let page = browser.get("/login").await;
        assert_eq!(html_lang(&page.body), "en");
        assert!(page.body.contains("<h1>Log In</h1>"), "{}", page.body);

        browser.accept_language = Some("de-AT,de;q=0.9,en;q=0.5".into());
        let page = browser.get("/login?login_hint=alice").await;
        assert_eq!(html_lang(&page.body), "de");
        assert!(page.body.contains("<h1>Anmelden</h1>") && page.body.contains("Passwort vergessen?"), "{}", page.body);
        // The picker names every language in itself, the current one chosen,
        // and comes back to this very page.
        assert!(page.body.contains("action=\"/language\""), "{}", page.body);
        assert!(page.body.contains("<option value=\"de\" lang=\"de\" selected>Deutsch</option>"), "{}", page.body);
        assert!(page.body.contains("<option value=\"es\" lang=\"es\">Español</option>"), "{}", page.body);
        assert_eq!(page.field("back").as_deref(), Some("/login?login_hint=alice"));

        let picked = browser.get("/language?lang=es&back=%2Flogin%3Flogin_hint%3Dalice").await;
        assert_eq!(picked.status, 303);
        assert_eq!(picked.location.as_deref(), Some(format!("{}/login?login_hint=alice", app.address).as_str()));
        let cookie = picked.set_cookies.iter().find(|c| c.starts_with(LANG_COOKIE)).expect("the pick is kept");
        assert!(cookie.contains("Max-Age=31536000") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        // The header still says German; the pick says Spanish, and wins.
        let page = browser.get("/login").await;
        assert_eq!(html_lang(&page.body), "es");
        assert!(page.body.contains("<h1>Iniciar sesión</h1>"), "{}", page.body);
        assert!(page.body.contains("¿Olvidó su contraseña?"), "{}", page.body);
        // Errors speak it too.
        let csrf = page.field("csrf").unwrap();
        let failed = browser.post("/login", &[("login", "nobody"), ("password", "wrong password"), ("csrf", &csrf)]).await;
        assert_eq!(failed.status, 401);
        assert!(failed.body.contains("Nombre de usuario o contraseña incorrectos."), "{}", failed.body);
    }

    async fn the_picker_goes_back_only_to_our_pages_and_knows_its_languages(backend) {
        let app = TestApp::spawn(backend).await;
        let mut browser = Browser::new(&app.address);
        let root = format!("{}/", app.address);
        for target in ["https://evil.example/login", "//evil.example/login", "/\\evil.example", "javascript:alert(1)"] {
            let url = format!("/language?lang=de&back={}", urlencoding(target));
            let picked = browser.get(&url).await;
            assert_eq!(picked.status, 303, "{target}");
            assert_eq!(picked.location.as_deref(), Some(root.as_str()), "{target} is not ours");
        }
        // A language the catalogs lack, or no tag at all, changes nothing.
        browser.cookies.clear();
        for lang in ["xx", "<script>", "", "und"] {
            let picked = browser.get(&format!("/language?lang={}&back=/login", urlencoding(lang))).await;
            assert_eq!(picked.status, 303, "{lang}");
            assert!(picked.set_cookies.iter().all(|c| !c.starts_with(LANG_COOKIE)), "{lang}: {:?}", picked.set_cookies);
        }
        // A query no picker sends is a problem, not a plain-text error.
        let res = app.get("/language?lang=de&lang=es").send().await.unwrap();
        assert_problem(res, 400, "invalid_request").await;
        // A cookie naming a language the catalogs lack is no pick.
        browser.cookies.insert(LANG_COOKIE.into(), "fr".into());
        assert_eq!(html_lang(&browser.get("/login").await.body), "en");
    }
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An operator adds French and rewords an English message through
/// `theme_dir/locales`, and sets German as the default.
#[tokio::test]
async fn an_operator_adds_a_language_and_changes_a_message() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme.path().join("locales/fr")).unwrap();
    std::fs::create_dir_all(theme.path().join("locales/en")).unwrap();
    std::fs::write(theme.path().join("locales/fr/pages.ftl"), "language-name = Français\nlogin-title = Connexion\n")
        .unwrap();
    std::fs::write(theme.path().join("locales/en/ours.ftl"), "login-submit = Enter Example Corp\n").unwrap();
    let dir = theme.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.theme_dir = Some(dir)).await;
    let mut browser = Browser::new(&app.address);

    let page = browser.get("/login").await;
    assert!(page.body.contains(">Enter Example Corp</button>"), "{}", page.body);
    assert!(page.body.contains("<option value=\"fr\" lang=\"fr\">Français</option>"), "{}", page.body);

    browser.accept_language = Some("fr-CA".into());
    let page = browser.get("/login").await;
    assert_eq!(html_lang(&page.body), "fr");
    assert!(page.body.contains("<h1>Connexion</h1>"), "{}", page.body);
    // What French lacks is said in the default language.
    assert!(page.body.contains("Forgot Your Password?"), "{}", page.body);

    // German as the default: a browser asking for nothing Gatehouse has gets it.
    let dir = theme.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.theme_dir = Some(dir);
        c.default_language = Some("de".into());
    })
    .await;
    let mut browser = Browser::new(&app.address);
    browser.accept_language = Some("ja".into());
    let page = browser.get("/login").await;
    assert_eq!(html_lang(&page.body), "de");
    assert!(page.body.contains("<h1>Anmelden</h1>"), "{}", page.body);

    // A default without a catalog, or a catalog that does not parse, stops
    // the start with a clear message.
    let mut config = base_config(&app.dir, format!("sqlite://{}/x.db", app.dir.display()));
    config.default_language = Some("ja".into());
    let Err(err) = gatehouse::config::Settings::from_raw(config) else { panic!("no catalog for ja, yet it started") };
    assert!(err.to_string().contains("default language ja"), "{err}");
    std::fs::write(theme.path().join("locales/fr/broken.ftl"), "login-title = { $\n").unwrap();
    let mut config = base_config(&app.dir, format!("sqlite://{}/y.db", app.dir.display()));
    config.theme_dir = Some(theme.path().to_path_buf());
    let Err(err) = gatehouse::config::Settings::from_raw(config) else { panic!("a broken catalog was taken") };
    assert!(err.to_string().contains("fr/broken.ftl"), "{err}");
}

on_both_backends! {
    async fn a_signed_in_pick_becomes_the_accounts_language_for_its_mails(backend) {
        let sink = crate::smtp_sink::SmtpSink::start().await;
        let port = sink.port;
        let app = spawn_provider(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none"))).await;
        app.signed_up("alice").await;
        sink.message_to("alice@example.com").await; // the verification mail, in English
        let mut browser = Browser::new(&app.state.config.tokens.issuer);
        let login = browser.get("/login").await;
        let signed_in = browser.sign_in(login, "alice", STRONG_PASSWORD).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        let picked = browser.get("/language?lang=de&back=/account").await;
        assert_eq!(picked.status, 303);
        // Asked for from anywhere (the API, no language asked), the mail
        // speaks the account's language.
        let res = app.post("/api/auth/password/forgot").json(&serde_json::json!({"email": "alice@example.com"})).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let mail = sink.message_to("alice@example.com").await;
        assert!(mail.contains("Content-Language: de") || mail.contains("Passwort"), "{mail}");
        let text = crate::smtp_sink::SmtpSink::text_body(&mail);
        assert!(text.contains("zurückzusetzen") && text.contains("/reset-password?token="), "{text}");
    }
}
