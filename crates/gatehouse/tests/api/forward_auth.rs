//! Forward-auth at the HTTP level: what a reverse proxy is told about each
//! request — Traefik/Caddy (`/api/forward-auth`, `X-Forwarded-*`) and nginx
//! (`/api/auth-request`, `X-Original-URL`) — by the access rules, for no
//! session, a session, a session without a second factor and a session that
//! ended; every refusal, and the way back after sign-in (no open redirect).

use gatehouse::config::RawAccessRule;
use reqwest::Response;

use crate::browser::{spawn_provider, spawn_provider_at, Browser};
use crate::helpers::{assert_problem, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;

/// An `[[access_rules]]` table.
pub(crate) fn rule(hosts: &[&str], paths: &[&str], policy: &str, roles: &[&str]) -> RawAccessRule {
    let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    RawAccessRule {
        hosts: list(hosts),
        paths: list(paths),
        policy: policy.into(),
        roles: list(roles),
        ..Default::default()
    }
}

pub(crate) async fn protected(backend: crate::helpers::Backend) -> TestApp {
    spawn_provider(backend, |c| {
        c.trusted_proxies = Some(vec!["127.0.0.1/32".into(), "::1/128".into()]);
        c.access_default_policy = Some("deny".into());
        c.access_rules = Some(vec![
            rule(&["app.example.com"], &["/public"], "bypass", &[]),
            rule(&["app.example.com"], &["/admin"], "one_factor", &["admin"]),
            rule(&["secure.example.com"], &[], "two_factor", &[]),
            rule(&["*.example.com"], &[], "one_factor", &[]),
        ]);
    })
    .await
}

/// What Traefik asks for `method url`, as a browser navigation (`html`) or not.
pub(crate) async fn forward(app: &TestApp, url: &str, session: Option<&str>, html: bool) -> Response {
    forward_with(app, url, session.map(|s| ("__Host-gatehouse", s)), html).await
}

/// [`forward`] with the session cookie of this name.
async fn forward_with(app: &TestApp, url: &str, cookie: Option<(&str, &str)>, html: bool) -> Response {
    let url = url::Url::parse(url).unwrap();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut req = app
        .get("/api/forward-auth")
        .header("x-forwarded-method", "GET")
        .header("x-forwarded-proto", url.scheme())
        .header("x-forwarded-host", url.host_str().unwrap())
        .header("x-forwarded-uri", target)
        .header("accept", if html { "text/html,application/xhtml+xml" } else { "application/json" });
    if let Some((name, value)) = cookie {
        req = req.header("cookie", format!("{name}={value}"));
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .execute(req.build().unwrap())
        .await
        .unwrap()
}

/// What nginx asks for `url`.
async fn auth_request(app: &TestApp, url: &str, session: Option<&str>) -> Response {
    let mut req = app.get("/api/auth-request").header("x-original-url", url).header("x-original-method", "GET");
    if let Some(cookie) = session {
        req = req.header("cookie", format!("__Host-gatehouse={cookie}"));
    }
    req.send().await.unwrap()
}

fn header(r: &Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_owned())
}

/// Signs `name` in through the pages; returns the browser and its session cookie.
pub(crate) async fn signed_in(app: &TestApp, name: &str) -> (Browser, String) {
    let mut browser = Browser::new(&app.state.config.tokens.issuer);
    let login = browser.get("/login").await;
    let page = browser.sign_in(login, name, STRONG_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = browser.cookies.get("__Host-gatehouse").expect("a session cookie").clone();
    (browser, cookie)
}

on_both_backends! {
    async fn the_proxy_is_told_who_may_pass_by_the_rules(backend) {
        let app = protected(backend).await;
        app.signed_up("alice").await;
        let issuer = app.state.config.tokens.issuer.clone();

        // No session: a navigation goes to sign in, then back; other requests get 401.
        let r = forward(&app, "https://app.example.com/reports?year=2026", None, true).await;
        assert_eq!(r.status(), 302);
        let login = format!("{issuer}/login?return_to=https%3A%2F%2Fapp.example.com%2Freports%3Fyear%3D2026");
        assert_eq!(header(&r, "location").as_deref(), Some(login.as_str()));
        assert_eq!(header(&r, "cache-control").as_deref(), Some("no-store"));
        let r = forward(&app, "https://app.example.com/reports", None, false).await;
        assert_eq!(header(&r, "x-gatehouse-login").as_deref(), Some(format!("{issuer}/login?return_to=https%3A%2F%2Fapp.example.com%2Freports").as_str()));
        assert_problem(r, 401, "unauthorized").await;
        // bypass lets anyone through, naming no one; deny (the default here) no one.
        let r = forward(&app, "https://app.example.com/public/site.css", None, true).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "x-gatehouse-user").as_deref(), Some(""), "present and empty: no one");
        assert_problem(forward(&app, "https://elsewhere.test/", None, true).await, 403, "forbidden").await;

        // Signed in: the identity goes to the application.
        let (mut browser, cookie) = signed_in(&app, "alice").await;
        let r = forward(&app, "https://wiki.example.com/", Some(&cookie), true).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "x-gatehouse-user").as_deref(), Some("alice"));
        assert_eq!(header(&r, "x-gatehouse-email").as_deref(), Some("alice@example.com"));
        assert_eq!(header(&r, "x-gatehouse-roles").as_deref(), Some("user"));
        let alice = app.state.admin.find_user("alice").await.unwrap();
        assert_eq!(header(&r, "x-gatehouse-user-id"), Some(alice.id.to_string()));
        // A rule that needs a role, however the path is spelled.
        for path in ["/admin", "/admin/users", "/%61dmin", "/public/../admin"] {
            let r = forward(&app, &format!("https://app.example.com{path}"), Some(&cookie), true).await;
            assert_problem(r, 403, "forbidden").await;
        }
        // two_factor: a password-only session is sent to add a second factor.
        let r = forward(&app, "https://secure.example.com/", Some(&cookie), true).await;
        assert_eq!((r.status().as_u16(), header(&r, "location")), (302, Some(format!("{issuer}/account"))));
        assert_problem(forward(&app, "https://secure.example.com/", Some(&cookie), false).await, 401, "unauthorized").await;

        // nginx: the same decisions in 2xx/401/403, the way to sign in in a header.
        let r = auth_request(&app, "https://wiki.example.com/page", None).await;
        assert_eq!(header(&r, "x-gatehouse-login").as_deref(), Some(format!("{issuer}/login?return_to=https%3A%2F%2Fwiki.example.com%2Fpage").as_str()));
        assert_problem(r, 401, "unauthorized").await;
        let r = auth_request(&app, "https://wiki.example.com/page", Some(&cookie)).await;
        assert_eq!((r.status().as_u16(), header(&r, "x-gatehouse-user")), (200, Some("alice".into())));
        assert_problem(auth_request(&app, "https://app.example.com/admin", Some(&cookie)).await, 403, "forbidden").await;

        // Signing out at Gatehouse ends access through the proxy at the next request.
        let account = browser.get("/account").await;
        let csrf = account.field("csrf").expect("the account page's csrf field");
        browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(forward(&app, "https://wiki.example.com/", Some(&cookie), true).await.status(), 302);
        assert_eq!(auth_request(&app, "https://wiki.example.com/", Some(&cookie)).await.status(), 401);
    }

    async fn after_sign_in_the_browser_goes_back_only_to_hosts_the_rules_name(backend) {
        let app = protected(backend).await;
        app.signed_up("alice").await;
        let mut browser = Browser::new(&app.state.config.tokens.issuer);
        let login = browser.get("/login?return_to=https%3A%2F%2Fwiki.example.com%2Fpage%3Fa%3D1").await;
        let page = browser.sign_in(login, "alice", STRONG_PASSWORD).await;
        assert_eq!(page.location.as_deref(), Some("https://wiki.example.com/page?a=1"));
        // Once signed in, the login page sends on at once.
        let page = browser.get("/login?return_to=https%3A%2F%2Fapp.example.com%2F").await;
        assert_eq!(page.location.as_deref(), Some("https://app.example.com/"));
        for evil in ["https%3A%2F%2Fevil.test%2F", "https%3A%2F%2Fexample.com.evil.test%2F", "%2F%2Fevil.test%2F"] {
            let page = browser.get(&format!("/login?return_to={evil}")).await;
            assert!(page.location.as_deref().is_some_and(|l| l.ends_with("/account")), "{evil}: {:?}", page.location);
        }
    }

    async fn only_trusted_proxies_are_answered_and_malformed_requests_refused(backend) {
        let open = TestApp::spawn(backend).await;
        let r = open.get("/api/forward-auth").header("x-forwarded-proto", "https").header("x-forwarded-host", "a.example.com").header("x-forwarded-uri", "/").send().await.unwrap();
        let body = assert_problem(r, 403, "forbidden").await;
        assert!(body["detail"].as_str().unwrap().contains("trusted_proxies"), "{body}");
        assert_problem(open.get("/api/auth-request").header("x-original-url", "https://a.example.com/").send().await.unwrap(), 403, "forbidden").await;

        let app = protected(backend).await;
        let ask = |proto: &'static str, host: &'static str, uri: &'static str| {
            app.get("/api/forward-auth").header("x-forwarded-proto", proto).header("x-forwarded-host", host).header("x-forwarded-uri", uri).send()
        };
        assert_problem(ask("gopher", "a.example.com", "/").await.unwrap(), 400, "invalid_request").await;
        assert_problem(ask("https", "a example.com", "/").await.unwrap(), 400, "invalid_request").await;
        assert_problem(ask("https", "a.example.com", "relative").await.unwrap(), 400, "invalid_request").await;
        assert_problem(ask("https", "a.example.com", "/a%5c..").await.unwrap(), 400, "invalid_request").await;
        assert_problem(app.get("/api/forward-auth").send().await.unwrap(), 400, "invalid_request").await;
        assert_problem(app.get("/api/auth-request").send().await.unwrap(), 400, "invalid_request").await;
        assert_problem(app.get("/api/auth-request").header("x-original-url", "javascript:alert(1)").send().await.unwrap(), 400, "invalid_request").await;
        // A made-up session is no session.
        let r = auth_request(&app, "https://wiki.example.com/", Some("made-up")).await;
        assert_problem(r, 401, "unauthorized").await;
    }

    async fn a_shared_cookie_signs_in_the_sibling_hosts(backend) {
        let app = spawn_provider_at(backend, "id.gatehouse.localhost", |c| {
            c.trusted_proxies = Some(vec!["127.0.0.1/32".into(), "::1/128".into()]);
            c.cookie_domain = Some("gatehouse.localhost".into());
            c.access_rules = Some(vec![rule(&["*.gatehouse.localhost"], &[], "one_factor", &[])]);
        })
        .await;
        app.signed_up("alice").await;
        let addr: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
        let mut browser = Browser::resolving(&app.state.config.tokens.issuer, "id.gatehouse.localhost", addr);
        let login = browser.get("/login").await;
        let page = browser.sign_in(login, "alice", STRONG_PASSWORD).await;
        let set = page.set_cookies.iter().find(|c| c.starts_with("__Secure-gatehouse=")).expect("the shared cookie");
        assert!(set.contains("Domain=gatehouse.localhost") && set.contains("Secure") && set.contains("HttpOnly"), "{set}");
        assert!(!page.set_cookies.iter().any(|c| c.starts_with("__Host-gatehouse=")), "no host-only session cookie");
        let cookie = browser.cookies.get("__Secure-gatehouse").unwrap().clone();

        let r = forward_with(&app, "https://wiki.gatehouse.localhost/", Some(("__Secure-gatehouse", &cookie)), true).await;
        assert_eq!((r.status().as_u16(), header(&r, "x-gatehouse-user")), (200, Some("alice".into())));
        let r = forward_with(&app, "https://wiki.gatehouse.localhost/", Some(("__Host-gatehouse", &cookie)), true).await;
        assert_eq!(r.status(), 302, "only the shared cookie's name is read");

        // Signing out clears the shared cookie, Domain and all.
        let account = browser.get("/account").await;
        let csrf = account.field("csrf").expect("csrf");
        let out = browser.post("/logout", &[("csrf", &csrf)]).await;
        let cleared = out.set_cookies.iter().find(|c| c.starts_with("__Secure-gatehouse=")).expect("cleared");
        assert!(cleared.contains("Max-Age=0") && cleared.contains("Domain=gatehouse.localhost"), "{cleared}");
    }
}
