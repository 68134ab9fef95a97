//! A minimal browser for the OAuth tests: keeps cookies (ignoring the
//! `Secure` attribute, as browsers do for localhost), never follows redirects
//! by itself, and reads the hidden CSRF field of a page.

use std::collections::HashMap;

use gatehouse::config::RawConfig;
use gatehouse_core::oauth::NewClient;
use secrecy::ExposeSecret;

use crate::helpers::{Backend, TestApp, STRONG_PASSWORD};

pub struct Browser {
    http: reqwest::Client,
    /// The origin of the first server; its cookies are `cookies`.
    base: String,
    pub cookies: HashMap<String, String>,
    /// Cookies of other origins (an upstream provider), by origin.
    other_cookies: HashMap<String, HashMap<String, String>>,
    /// The origin of the last request: relative links resolve against it.
    current: String,
    /// Sent as `Accept-Language` with every request when set
    /// (`browser.accept_language = Some("de".into())`).
    pub accept_language: Option<String>,
}

fn origin_of(url: &str) -> String {
    let u = url::Url::parse(url).expect("absolute URL");
    format!("{}://{}", u.scheme(), u.authority())
}

/// What a request answered.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub set_cookies: Vec<String>,
}

impl Page {
    /// The value of `<input ... name="{name}" value="…">`.
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].replace("&amp;", "&").replace("&#x2f;", "/").replace("&quot;", "\""))
    }

    /// The query parameters of the redirect target.
    pub fn location_params(&self) -> HashMap<String, String> {
        let location = self.location.as_deref().expect("a redirect");
        let url = url::Url::parse(location).expect("absolute redirect");
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self::with_client(base, reqwest::Client::builder())
    }

    /// A browser that finds `host` at `addr` (a name no resolver knows,
    /// such as `id.gatehouse.localhost`).
    pub fn resolving(base: &str, host: &str, addr: std::net::SocketAddr) -> Self {
        Self::with_client(base, reqwest::Client::builder().resolve(host, addr))
    }

    fn with_client(base: &str, builder: reqwest::ClientBuilder) -> Self {
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("gatehouse-tests-browser/1")
            .build()
            .expect("client");
        let base = base.trim_end_matches('/').to_owned();
        Self {
            http,
            current: base.clone(),
            base,
            cookies: HashMap::new(),
            other_cookies: HashMap::new(),
            accept_language: None,
        }
    }

    /// A relative URL resolves against the origin of the last request.
    fn absolute(&self, url: &str) -> String {
        if url.starts_with('/') {
            format!("{}{url}", self.current)
        } else {
            url.to_owned()
        }
    }

    fn jar(&mut self, origin: &str) -> &mut HashMap<String, String> {
        if origin == self.base {
            &mut self.cookies
        } else {
            self.other_cookies.entry(origin.to_owned()).or_default()
        }
    }

    async fn send(&mut self, url: String, req: reqwest::RequestBuilder) -> Page {
        let origin = origin_of(&url);
        self.current = origin.clone();
        let jar = self.jar(&origin);
        let header = jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = if header.is_empty() { req } else { req.header("cookie", header) };
        let req = match &self.accept_language {
            Some(tags) => req.header("accept-language", tags),
            None => req,
        };
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|v| self.absolute(v.to_str().unwrap()));
        let set_cookies: Vec<String> =
            res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let jar = self.jar(&origin);
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = res.text().await.unwrap_or_default();
        Page { status, location, body, set_cookies }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let url = self.absolute(url);
        let req = self.http.get(&url);
        self.send(url, req).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let url = self.absolute(url);
        let req = self.http.post(&url).form(form);
        self.send(url, req).await
    }

    /// Follows redirects between the test servers until a page, or a redirect
    /// to the (not running) client application.
    pub async fn follow(&mut self, mut page: Page) -> Page {
        for _ in 0..10 {
            match &page.location {
                Some(next) if !next.starts_with("http://127.0.0.1:9/") && (300..400).contains(&page.status) => {
                    let next = next.clone();
                    page = self.get(&next).await;
                }
                _ => return page,
            }
        }
        panic!("redirect loop");
    }

    /// Signs in on the login page it was sent to; returns the page after the login redirect.
    pub async fn sign_in(&mut self, login_page: Page, login: &str, password: &str) -> Page {
        assert_eq!(login_page.status, 200, "a login page: {}", login_page.body);
        let csrf = login_page.field("csrf").expect("csrf field");
        let return_to = login_page.field("return_to").unwrap_or_default();
        self.post("/login", &[("login", login), ("password", password), ("csrf", &csrf), ("return_to", &return_to)])
            .await
    }

    /// From an authorization URL to the client's redirect: signs in if asked,
    /// approves the consent page if shown. Returns the final redirect.
    pub async fn authorize(&mut self, auth_url: &str, login: &str) -> Page {
        let mut page = self.get(auth_url).await;
        page = self.follow(page).await;
        if page.body.contains("action=\"/login\"") {
            page = self.sign_in(page, login, STRONG_PASSWORD).await;
            page = self.follow(page).await;
        }
        if page.body.contains("action=\"/consent\"") {
            page = self.consent(page, "allow").await;
        }
        page
    }

    /// Answers the consent page.
    pub async fn consent(&mut self, page: Page, decision: &str) -> Page {
        let marker = "<input type=\"hidden\" name=\"";
        let mut form: Vec<(String, String)> = Vec::new();
        let mut rest = page.body.as_str();
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let name = rest[..rest.find('"').unwrap()].to_owned();
            let v = rest.find("value=\"").unwrap() + 7;
            let value = rest[v..v + rest[v..].find('"').unwrap()].to_owned();
            let value =
                value.replace("&#x2f;", "/").replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'");
            form.push((name, value));
        }
        form.push(("decision".into(), decision.into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post("/consent", &pairs).await
    }
}

/// A Gatehouse whose issuer is `http://localhost:{port}`, so a relying party
/// can reach every URL in its discovery document.
pub async fn spawn_provider(backend: Backend, tweak: impl FnOnce(&mut RawConfig)) -> TestApp {
    spawn_provider_at(backend, "localhost", tweak).await
}

/// Like [`spawn_provider`], with the issuer `http://{host}:{port}`. The port
/// is bound before the settings name it, so no other process can take it.
pub async fn spawn_provider_at(backend: Backend, host: &str, tweak: impl FnOnce(&mut RawConfig)) -> TestApp {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("bound").port();
    TestApp::spawn_on(backend, Some(listener), |c| {
        c.bind = Some(format!("127.0.0.1:{port}"));
        c.issuer = Some(format!("http://{host}:{port}"));
        c.webauthn_origin = None;
        tweak(c);
    })
    .await
}

/// A registered client: its id and (for confidential clients) secret.
pub struct TestClient {
    pub id: String,
    pub secret: Option<String>,
}

pub async fn register_client(app: &TestApp, req: NewClient) -> TestClient {
    let info = gatehouse_core::audit::ClientInfo::default();
    let r = app.state.admin.create_client(req, &crate::helpers::operator(), &info).await.expect("client registers");
    TestClient { id: r.client.id, secret: r.secret.map(|s| s.expose_secret().to_owned()) }
}

pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const AFTER_LOGOUT: &str = "http://127.0.0.1:9/signed-out";

/// A confidential web app allowed every scope and grant a person can use.
pub fn web_app(first_party: bool) -> NewClient {
    NewClient {
        name: "Example App".into(),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec![AFTER_LOGOUT.into()],
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        scopes: ["openid", "profile", "email", "roles", "offline_access"].map(String::from).to_vec(),
        first_party,
        ..Default::default()
    }
}
