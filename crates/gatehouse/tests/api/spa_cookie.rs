//! A first-party single-page app without tokens in JavaScript: sign-in
//! through the JSON API with `"session": "cookie"` puts the session into the
//! HttpOnly cookie, and `/api/auth/*` then takes the cookie alone — with
//! `X-Gatehouse-CSRF: 1` and from Gatehouse's own origin, or not at all.
//! Bearer tokens keep working beside it. Once in real Chromium.

use reqwest::Response;
use serde_json::{json, Value};

use crate::browser::spawn_provider;
use crate::helpers::{assert_problem, TestApp, STRONG_PASSWORD};
use crate::mfa::{code, enroll, fresh_step};
use crate::on_both_backends;

const CSRF: (&str, &str) = ("x-gatehouse-csrf", "1");

async fn cookie_login(app: &TestApp, name: &str, csrf: bool) -> Response {
    let mut req =
        app.post("/api/auth/login").json(&json!({"username": name, "password": STRONG_PASSWORD, "session": "cookie"}));
    if csrf {
        req = req.header(CSRF.0, CSRF.1);
    }
    req.send().await.unwrap()
}

/// The session cookie's value from an answer's `Set-Cookie`.
fn session_cookie(r: &Response) -> String {
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-gatehouse="))
        .expect("a session cookie");
    assert!(set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Lax"), "{set}");
    set.split(';').next().unwrap().trim_start_matches("__Host-gatehouse=").to_owned()
}

async fn me(app: &TestApp, cookie: &str, csrf: bool, origin: Option<&str>) -> Response {
    let mut req = app.get("/api/auth/me").header("cookie", format!("__Host-gatehouse={cookie}"));
    if csrf {
        req = req.header(CSRF.0, CSRF.1);
    }
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    req.send().await.unwrap()
}

on_both_backends! {
    async fn a_single_page_app_signs_in_and_calls_the_api_with_the_cookie_alone(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let tokens = app.signed_up("alice").await;
        let issuer = app.state.config.tokens.issuer.clone();

        // The sign-in itself must be the app's own (a login CSRF would sign the victim in as someone else).
        assert_problem(cookie_login(&app, "alice", false).await, 403, "forbidden").await;
        let r = cookie_login(&app, "alice", true).await;
        assert_eq!(r.status(), 200);
        let cookie = session_cookie(&r);
        let body: Value = r.json().await.unwrap();
        assert_eq!((body["session"].as_str(), body["user"]["username"].as_str()), (Some("cookie"), Some("alice")));
        assert!(body.get("access_token").is_none() && body.get("refresh_token").is_none(), "no token: {body}");

        let r = me(&app, &cookie, true, Some(&issuer)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["user"]["username"], "alice");
        assert_problem(me(&app, &cookie, false, None).await, 403, "forbidden").await;
        assert_problem(me(&app, &cookie, true, Some("https://evil.example")).await, 403, "forbidden").await;
        assert_problem(me(&app, "made-up", true, None).await, 401, "unauthorized").await;
        // The account API takes it; the admin API does not (tokens and API keys only).
        let r = app.get("/api/auth/sessions").header("cookie", format!("__Host-gatehouse={cookie}")).header(CSRF.0, CSRF.1).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = app.get("/api/admin/users").header("cookie", format!("__Host-gatehouse={cookie}")).header(CSRF.0, CSRF.1).send().await.unwrap();
        assert_problem(r, 401, "unauthorized").await;
        // Bearer tokens work as before.
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 200);

        // A logout with the cookie but not the header signs no one out (a
        // cross-site form cannot end the session).
        let r = app.post("/api/auth/logout").header("cookie", format!("__Host-gatehouse={cookie}")).send().await.unwrap();
        assert_problem(r, 401, "unauthorized").await;
        assert_eq!(me(&app, &cookie, true, None).await.status(), 200, "still signed in");
        // An app using tokens on the same origin logs out with its refresh
        // token while the cookie is around: its session ends, the cookie stays.
        let r = app.post("/api/auth/logout").header("cookie", format!("__Host-gatehouse={cookie}"))
            .json(&json!({"refresh_token": tokens["refresh_token"]})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(r.headers().get("set-cookie").is_none(), "the cookie's session is another one");
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 401, "the token's session ended");
        assert_eq!(me(&app, &cookie, true, None).await.status(), 200);

        // Signing out with the cookie ends its session and drops the cookie.
        let r = app.post("/api/auth/logout").header("cookie", format!("__Host-gatehouse={cookie}")).header(CSRF.0, CSRF.1).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let cleared = r.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(cleared.starts_with("__Host-gatehouse=;") && cleared.contains("Max-Age=0"), "{cleared}");
        assert_problem(me(&app, &cookie, true, None).await, 401, "unauthorized").await;
    }

    async fn a_second_factor_finishes_a_cookie_sign_in(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        fresh_step(&app).await;
        let tokens = app.signed_up("bob").await;
        let (secret, _) = enroll(&app, tokens["access_token"].as_str().unwrap()).await;
        let first: Value = cookie_login(&app, "bob", true).await.json().await.unwrap();
        assert_eq!(first["mfa_required"], true, "{first}");
        let mfa_token = first["mfa_token"].as_str().unwrap();
        let verify = |csrf: bool| {
            let mut req = app.post("/api/auth/mfa/verify").json(&json!({"mfa_token": mfa_token, "code": code(&app, &secret, 0), "session": "cookie"}));
            if csrf {
                req = req.header(CSRF.0, CSRF.1);
            }
            req.send()
        };
        assert_problem(verify(false).await.unwrap(), 403, "forbidden").await;
        let r = verify(true).await.unwrap();
        assert_eq!(r.status(), 200);
        let cookie = session_cookie(&r);
        let body: Value = r.json().await.unwrap();
        assert!(body["user"]["username"] == "bob" && body.get("access_token").is_none(), "{body}");
        assert_eq!(me(&app, &cookie, true, None).await.status(), 200);
        // The same session serves the pages.
        let r = app.get("/account").header("cookie", format!("__Host-gatehouse={cookie}")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_single_page_app_in_chromium_keeps_no_token_in_reach_of_scripts() {
    let app = spawn_provider(crate::helpers::Backend::Sqlite, |_| {}).await;
    app.signed_up("alice").await;
    let issuer = app.state.config.tokens.issuer.clone();
    let result = crate::e2e::chromium("spa.mjs", &[&issuer, "alice", STRONG_PASSWORD]).await;
    assert_eq!(result["signIn"]["status"], 200, "{result}");
    assert_eq!(result["signIn"]["body"]["session"], "cookie");
    assert!(result["signIn"]["body"].get("access_token").is_none(), "{result}");
    assert_eq!(result["cookie"], json!({"httpOnly": true, "secure": true, "sameSite": "Lax"}));
    assert_eq!((result["me"].as_u64(), result["user"].as_str()), (Some(200), Some("alice")), "{result}");
    assert_eq!(result["withoutHeader"], 403);
    assert!(!result["scriptSees"].as_str().unwrap().contains("gatehouse"), "{result}");
    assert_eq!((result["logout"].as_u64(), result["afterLogout"].as_u64()), (Some(204), Some(401)));
    assert_eq!(result["cookieAfterLogout"], false);
}
