//! Browser sessions at the HTTP level: lifetimes (idle, absolute, "Remember
//! me"), one session table with the API, the headers every page carries, and
//! the operator's theme directory.

use std::time::Duration;

use gatehouse_core::oauth::NewClient;

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

/// Signs Alice in on the login page; `remember` ticks "Remember me".
async fn sign_in(app: &TestApp, remember: bool) -> (Browser, Page) {
    let issuer = app.state.config.tokens.issuer.clone();
    let mut browser = Browser::new(&issuer);
    let page = browser.get("/login").await;
    let csrf = page.field("csrf").expect("csrf field");
    let mut form = vec![("login", "alice"), ("password", STRONG_PASSWORD), ("csrf", csrf.as_str())];
    if remember {
        form.push(("remember", "1"));
    }
    let done = browser.post("/login", &form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    (browser, done)
}

async fn session_alive(app: &TestApp, browser: &Browser) -> bool {
    let cookie = browser.cookies["__Host-gatehouse"].clone();
    app.state.auth.browser_session(&cookie.into()).await.unwrap().is_some()
}

on_both_backends! {
    async fn remember_me_makes_the_cookie_persistent_for_the_remembered_lifetime(backend) {
        let app = spawn_provider(backend, |c| c.browser_session_remember = Some("7d".into())).await;
        app.signed_up("alice").await;
        let (browser, done) = sign_in(&app, true).await;
        let set = done.set_cookies.iter().find(|c| c.starts_with("__Host-gatehouse=")).unwrap();
        assert!(set.contains(&format!("Max-Age={}", 7 * 24 * 3600)), "{set}");
        let cookie = browser.cookies["__Host-gatehouse"].clone();
        let found = app.state.auth.browser_session(&cookie.into()).await.unwrap().unwrap();
        let lifetime = found.session.absolute_expires_at - found.session.created_at;
        assert_eq!(lifetime.whole_days(), 7);
        // Without it: a cookie that ends with the browser, and the 12 h lifetime.
        let (browser, done) = sign_in(&app, false).await;
        let set = done.set_cookies.iter().find(|c| c.starts_with("__Host-gatehouse=")).unwrap();
        assert!(!set.contains("Max-Age"), "{set}");
        let cookie = browser.cookies["__Host-gatehouse"].clone();
        let found = app.state.auth.browser_session(&cookie.into()).await.unwrap().unwrap();
        assert_eq!((found.session.absolute_expires_at - found.session.created_at).whole_hours(), 12);
    }

    async fn an_idle_session_ends_and_activity_keeps_it_alive_until_the_absolute_deadline(backend) {
        // The defaults: 30 minutes idle, 12 hours absolute.
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let minute = Duration::from_secs(60);
        // Idle: nothing for longer than the idle lifetime ends the session.
        let (mut idle, _) = sign_in(&app, false).await;
        app.advance(minute * 29);
        assert!(session_alive(&app, &idle).await, "alive within the idle lifetime");
        app.advance(minute * 31);
        assert!(!session_alive(&app, &idle).await, "idle session ended");
        let page = idle.get("/account").await;
        assert_eq!(page.status, 303, "back to the login page");
        assert!(page.location.unwrap().contains("/login?return_to=%2Faccount"));
        // Activity pushes the idle deadline (a use at least half an idle
        // lifetime after the last one does), but never past the absolute one.
        let (active, _) = sign_in(&app, false).await;
        for _ in 0..35 {
            app.advance(minute * 20);
            assert!(session_alive(&app, &active).await, "activity keeps the session");
        }
        // 11 h 40 min in; 40 more pass the 12-hour deadline.
        app.advance(minute * 40);
        assert!(!session_alive(&app, &active).await, "the absolute lifetime ends it whatever happens");
    }

    async fn browser_and_api_sessions_are_one_list(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let (_browser, _) = sign_in(&app, false).await;
        let tokens: serde_json::Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let access = tokens["access_token"].as_str().unwrap();
        let list: serde_json::Value =
            app.get("/api/auth/sessions").bearer_auth(access).send().await.unwrap().json().await.unwrap();
        let kinds: Vec<&str> = list["sessions"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"browser") && kinds.contains(&"api"), "{list}");
        // The browser cookie is no API refresh token.
        let res = app.refresh(&_browser.cookies["__Host-gatehouse"]).await;
        assert_eq!(res.status(), 401);
    }

    async fn every_page_has_a_strict_csp_and_cannot_be_framed(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let (mut browser, _) = sign_in(&app, false).await;
        for path in ["/login", "/register", "/forgot-password", "/reset-password?token=x", "/verify-email?token=x", "/account"] {
            let res = app.client.get(app.url(path)).header("cookie", format!("__Host-gatehouse={}", browser.cookies["__Host-gatehouse"])).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
            assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(!csp.contains("unsafe"), "{path}: {csp}");
            assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
            assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
            let html = res.text().await.unwrap();
            assert!(!html.contains("<script>") && !html.contains(" style=") && !html.contains(" onclick="), "{path}: inline code");
        }
        let css = browser.get("/assets/gatehouse.css").await;
        assert_eq!(css.status, 200);
        let js = app.get("/assets/password.js").send().await.unwrap();
        assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");
        // The font every page uses is ours to serve (font-src 'self').
        let font = app.get("/assets/inter-latin-wght-normal.woff2").send().await.unwrap();
        assert_eq!(font.headers()["content-type"], "font/woff2");
        assert_eq!(&font.bytes().await.unwrap()[..4], b"wOF2");
        assert_eq!(app.get("/assets/master.key").send().await.unwrap().status(), 404);
        assert_eq!(app.get("/assets/..%2Fmaster.key").send().await.unwrap().status(), 404);
    }
}

#[tokio::test]
async fn a_theme_directory_overrides_templates_and_assets() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::write(theme.path().join("gatehouse.css"), "body{background:#123456}").unwrap();
    let login = include_str!("../../../gatehouse-server/templates/pages/login.html")
        .replace("{% block body %}", "{% block body %}<p class=\"tagline\">Welcome to Example Corp</p>");
    std::fs::write(theme.path().join("login.html"), login).unwrap();
    std::fs::write(theme.path().join("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let dir = theme.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.theme_dir = Some(dir)).await;
    let page = app.get("/login").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Welcome to Example Corp"), "{page}");
    // The operator's logo beside the product name, served as an image.
    assert!(page.contains("<img src=\"&#x2f;assets&#x2f;logo.svg\" alt=\"\">"), "{page}");
    let logo = app.get("/assets/logo.svg").send().await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        logo.headers()["content-security-policy"],
        "default-src 'none'; sandbox",
        "opened alone, it runs nothing"
    );
    assert!(page.contains("name=\"csrf\""), "the rest of the page is the embedded one");
    let css = app.get("/assets/gatehouse.css").send().await.unwrap().text().await.unwrap();
    assert_eq!(css, "body{background:#123456}");
    // A broken template stops the server at start-up, naming the file.
    std::fs::write(theme.path().join("consent.html"), "{% if %}").unwrap();
    let mut config = base_config(&app.dir, format!("sqlite://{}/broken.db", app.dir.display()));
    config.theme_dir = Some(theme.path().to_path_buf());
    let settings = gatehouse::config::Settings::from_raw(config).unwrap();
    let err = gatehouse::startup::Application::build(settings).await.err().expect("a broken theme is refused");
    assert!(format!("{err:#}").contains("consent.html"), "{err:#}");
}

/// `/` and `/login` lead a person on: to sign in, or — signed in — to the
/// account (or where they were going), unless a sign-in is asked for again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_root_and_the_login_page_lead_a_person_on() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    app.signed_up("alice").await;
    let issuer = app.state.config.tokens.issuer.clone();
    let mut visitor = Browser::new(&issuer);
    let root = visitor.get("/").await;
    assert_eq!((root.status, root.location.as_deref()), (303, Some(format!("{issuer}/login").as_str())));

    let (mut browser, done) = sign_in(&app, false).await;
    assert_eq!(done.location.as_deref(), Some(format!("{issuer}/account").as_str()), "no return_to: the account");
    for (path, to) in [
        ("/", "/account"),
        ("/login", "/account"),
        ("/login?return_to=%2Faccount%3Ftab%3Dsessions", "/account?tab=sessions"),
        ("/login?return_to=%2F%2Fevil.example%2F", "/account"),
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location.as_deref(), Some(format!("{issuer}{to}").as_str()), "{path}");
    }
    let again = browser.get("/login?prompt=login&return_to=%2Faccount").await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("action=\"/login\""));
}

/// For a loopback issuer (`http://localhost:PORT`) the other loopback names
/// are the same server: pages there go to the issuer's address, and a form
/// posted from there passes the Origin check; any other origin is refused
/// with the address to use and the setting that names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_names_are_one_origin_and_a_foreign_one_is_told_where_to_go() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    app.signed_up("alice").await;
    let issuer = app.state.config.tokens.issuer.clone();
    assert!(issuer.starts_with("http://localhost:"), "{issuer}");
    let port = issuer.rsplit(':').next().unwrap();
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for alias in [format!("http://127.0.0.1:{port}"), format!("http://[::1]:{port}")] {
        let res = match no_redirects.get(format!("{alias}/login?return_to=%2Faccount")).send().await {
            Ok(res) => res,
            Err(_) if alias.contains("[::1]") => continue, // no IPv6 loopback on this machine
            Err(e) => panic!("{alias}: {e}"),
        };
        assert_eq!(res.status(), 307, "{alias}");
        assert_eq!(res.headers()["location"], format!("{issuer}/login?return_to=%2Faccount").as_str());
    }
    // The API is not redirected: curl at 127.0.0.1 works as before.
    let api = no_redirects.get(format!("http://127.0.0.1:{port}/healthz")).send().await.unwrap();
    assert_eq!(api.status(), 200);

    let post_from = |origin: &'static str| {
        let issuer = issuer.clone();
        async move {
            let mut browser = Browser::new(&issuer);
            let page = browser.get("/login").await;
            let csrf = page.field("csrf").unwrap();
            let origin = origin.replace("PORT", issuer.rsplit(':').next().unwrap());
            let res = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(format!("{issuer}/login"))
                .header("origin", origin)
                .header("cookie", format!("__Host-gatehouse-csrf={csrf}"))
                .form(&[("login", "alice"), ("password", STRONG_PASSWORD), ("csrf", &csrf)])
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    assert_eq!(post_from("http://127.0.0.1:PORT").await.0, 303, "a loopback alias is this server");
    assert_eq!(post_from("http://localhost:PORT").await.0, 303);
    let (status, body) = post_from("http://localhost:1").await;
    assert_eq!(status, 403, "another port is another site");
    let (status, body2) = post_from("https://evil.example").await;
    assert_eq!(status, 403);
    for body in [body, body2] {
        assert!(body.contains(&format!("this server&#x27;s address is {}", issuer.replace('/', "&#x2f;"))), "{body}");
        assert!(body.contains("GATEHOUSE_ISSUER"), "{body}");
    }
}

/// An OAuth sign-in names the application and where the code goes — only
/// for a request the client could have made (a known client, one of its
/// redirect URIs); anything else gets the plain login page.
#[tokio::test]
async fn the_login_page_names_the_app_only_for_a_valid_request() {
    let app = spawn_provider(Backend::Sqlite, |_| {}).await;
    let client = register_client(&app, web_app(false)).await;
    let mut visitor = Browser::new(&app.state.config.tokens.issuer);
    let login_for = |redirect_uri: &str, client_id: &str| {
        let authorize = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "openid")
            .append_pair("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
            .append_pair("code_challenge_method", "S256")
            .finish();
        let return_to = format!("/oauth2/authorize?{authorize}");
        let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", &return_to).finish();
        format!("/login?{query}")
    };
    let page = visitor.get(&login_for(REDIRECT, &client.id)).await;
    assert!(page.body.contains("Log in to continue to <strong>Example App</strong> (127.0.0.1)"), "{}", page.body);
    for (redirect_uri, client_id) in [("https://evil.example/cb", client.id.as_str()), (REDIRECT, "no-such-client")] {
        let page = visitor.get(&login_for(redirect_uri, client_id)).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("continue to"), "{redirect_uri} {client_id}: {}", page.body);
    }
    // Without a registered logo the page's policy loads images from us only.
    let res = app.client.get(app.url(&login_for(REDIRECT, &client.id))).send().await.unwrap();
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("img-src 'self' data:;"));

    // With a logo and a home page: the logo is shown, and its origin alone
    // joins img-src; the consent page links the home page.
    let notes = NewClient {
        name: "Acme Notes".into(),
        redirect_uris: vec![REDIRECT.into()],
        client_uri: Some("https://notes.example.com/".into()),
        logo_uri: Some("https://cdn.example.com/brand/notes.svg".into()),
        ..Default::default()
    };
    let notes = register_client(&app, notes).await;
    let res = app.client.get(app.url(&login_for(REDIRECT, &notes.id))).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("img-src 'self' data: https://cdn.example.com;"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "nothing else widens: {csp}");
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<img class=\"app-logo\" src=\"https:&#x2f;&#x2f;cdn.example.com&#x2f;brand&#x2f;notes.svg\""),
        "{body}"
    );
    assert!(body.contains("Log in to continue to <strong>Acme Notes</strong> (127.0.0.1)"), "{body}");
    app.signed_up("alice").await;
    let login = visitor.get(&login_for(REDIRECT, &notes.id)).await;
    let consent = visitor.sign_in(login, "alice", STRONG_PASSWORD).await;
    let consent = visitor.follow(consent).await;
    assert!(consent.body.contains("action=\"/consent\""), "{}", consent.body);
    assert!(consent.body.contains("href=\"https:&#x2f;&#x2f;notes.example.com&#x2f;\" target=\"_blank\" rel=\"noopener noreferrer\"><strong>Acme Notes</strong></a>"), "{}", consent.body);
    assert!(consent.body.contains("class=\"app-logo\""), "{}", consent.body);
}
