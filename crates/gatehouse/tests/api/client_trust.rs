//! `clients:write` does not reach an administrator's token. A client that is
//! first-party (no consent), allowed the `roles` or `permissions` scopes, or
//! pointed at new redirect URIs can obtain people's tokens without their say,
//! an administrator's included; only an administrator may make one.

use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;
use crate::rbac::{holder, key_of};

const EVIL: &str = "http://127.0.0.1:9/evil";

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.client.request(method, app.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

/// A silent (`prompt=none`) authorization in `browser`; returns the redirect's parameters.
async fn silently(
    browser: &mut Browser,
    client_id: &str,
    redirect: &str,
    scope: &str,
) -> std::collections::HashMap<String, String> {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scope)
        .append_pair("state", "s")
        .append_pair("prompt", "none")
        .append_pair("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        .append_pair("code_challenge_method", "S256")
        .finish();
    let page = browser.get(&format!("/oauth2/authorize?{query}")).await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location_params()
}

on_both_backends! {
    async fn clients_write_alone_cannot_make_a_client_that_obtains_other_peoples_tokens(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let root: Value = app.signed_in_admin().await;
        let root_token = root["access_token"].as_str().unwrap().to_owned();
        let (_, integrator) = holder(&app, "integrator", &["clients:read", "clients:write"]).await;

        // Registering: first-party, or the roles/permissions scopes, is refused.
        for body in [
            json!({"name": "Evil", "redirect_uris": [EVIL], "first_party": true}),
            json!({"name": "Evil", "redirect_uris": [EVIL], "scopes": ["openid", "roles"]}),
            json!({"name": "Evil", "redirect_uris": [EVIL], "scopes": ["openid", "permissions"]}),
        ] {
            let r = call(&app, Method::POST, "/api/admin/clients", &integrator, body.clone()).await;
            let problem = assert_problem(r, 403, "forbidden").await;
            assert!(problem["detail"].as_str().unwrap().contains("only an administrator"), "{body}: {problem}");
        }
        // An ordinary client (people must consent) is the integrator's to make.
        let r = call(&app, Method::POST, "/api/admin/clients", &integrator, json!({"name": "Plain", "redirect_uris": [EVIL], "scopes": ["openid"]})).await;
        assert_eq!(r.status(), 201);
        let plain: Value = r.json().await.unwrap();
        let plain_id = plain["client_id"].as_str().unwrap().to_owned();

        // The administrator's own first-party application.
        let r = call(&app, Method::POST, "/api/admin/clients", &root_token, json!({"name": "Intranet", "redirect_uris": [REDIRECT], "first_party": true, "scopes": ["openid", "roles"]})).await;
        assert_eq!(r.status(), 201, "an administrator may");
        let intranet: Value = r.json().await.unwrap();
        let intranet_id = intranet["client_id"].as_str().unwrap().to_owned();

        // Changing: new redirect URIs, first-party, the scopes — refused; a new name is fine.
        let intranet_path = format!("/api/admin/clients/{intranet_id}");
        let plain_path = format!("/api/admin/clients/{plain_id}");
        for (path, body) in [
            (&intranet_path, json!({"redirect_uris": [REDIRECT, EVIL]})),
            (&plain_path, json!({"first_party": true})),
            (&plain_path, json!({"scopes": ["openid", "roles"]})),
            (&plain_path, json!({"scopes": ["openid", "permissions"]})),
        ] {
            let r = call(&app, Method::PATCH, path, &integrator, body.clone()).await;
            assert_problem(r, 403, "forbidden").await;
        }
        let r = call(&app, Method::PATCH, &intranet_path, &integrator, json!({"name": "Intranet 2"})).await;
        assert_eq!(r.status(), 200);
        let r = call(&app, Method::PATCH, &plain_path, &integrator, json!({"redirect_uris": []})).await;
        assert!(r.status() == 200 || r.status() == 400, "taking URIs away is no escalation: {}", r.status());

        // An administrator's API key is no administrator.
        let root_id = gatehouse_core::account::UserId(uuid::Uuid::parse_str(root["user"]["id"].as_str().unwrap()).unwrap());
        let key = key_of(&app, root_id, &["clients:write"]).await;
        let r = call(&app, Method::POST, "/api/admin/clients", &key, json!({"name": "Evil", "redirect_uris": [EVIL], "first_party": true})).await;
        assert_problem(r, 403, "forbidden").await;

        // End to end: the administrator is signed in. The integrator's client
        // gets no silent token; the first-party one answers only at its own URI.
        let issuer = app.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        browser.sign_in(login, "root", STRONG_PASSWORD).await;
        let plain_answer = silently(&mut browser, &plain_id, EVIL, "openid").await;
        assert_eq!(plain_answer.get("error").map(String::as_str), Some("consent_required"), "{plain_answer:?}");
        assert!(!plain_answer.contains_key("code"));
        let page = browser.get(&format!("/oauth2/authorize?response_type=code&client_id={intranet_id}&redirect_uri={}&scope=openid&prompt=none", url::form_urlencoded::byte_serialize(EVIL.as_bytes()).collect::<String>())).await;
        assert_ne!(page.status, 303, "no redirect to a URI the client was not given");
        let intranet_answer = silently(&mut browser, &intranet_id, REDIRECT, "openid roles").await;
        assert!(intranet_answer.contains_key("code"), "{intranet_answer:?}");

        // The administrator may repoint it (and is audited doing so).
        let r = call(&app, Method::PATCH, &intranet_path, &root_token, json!({"redirect_uris": [REDIRECT, "http://127.0.0.1:9/other"]})).await;
        assert_eq!(r.status(), 200);
    }
}
