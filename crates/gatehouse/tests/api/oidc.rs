//! Interoperability: the Rust `openidconnect` crate — a standards-strict
//! relying party — discovers Gatehouse, runs the authorization-code flow with
//! PKCE, verifies the ID token (signature from the JWKS, issuer, audience,
//! nonce, at_hash), and uses userinfo, refresh, introspection, revocation,
//! client credentials and RP-initiated logout.

use gatehouse_core::token::SigningAlg;
use openidconnect::core::{
    CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IntrospectionUrl,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenIntrospectionResponse,
    TokenResponse,
};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

fn http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn issuer(app: &TestApp) -> String {
    app.state.config.tokens.issuer.clone()
}

/// Runs the openid-client relying party (interop/openid-client) and parses its JSON.
/// Fails loudly if Node.js or the package is missing: `.ci/run` installs them.
async fn node_rp(args: &[&str]) -> serde_json::Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop/openid-client");
    assert!(
        dir.join("node_modules/openid-client").exists(),
        "openid-client is not installed: run `npm ci --prefix interop/openid-client` (.ci/run does)"
    );
    let out = tokio::process::Command::new("node")
        .arg(dir.join("rp.mjs"))
        .args(args)
        .output()
        .await
        .expect("Node.js is required for the interop test (.ci/run installs it)");
    assert!(out.status.success(), "openid-client failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON from rp.mjs")
}

on_both_backends! {
    async fn a_certified_node_relying_party_completes_the_flow(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let registered = register_client(&app, web_app(false)).await;
        let issuer = issuer(&app);
        let secret = registered.secret.clone().unwrap();
        let start = node_rp(&["start", &issuer, &registered.id, &secret, REDIRECT]).await;
        let mut browser = Browser::new(&issuer);
        let done = browser.authorize(start["url"].as_str().unwrap(), "alice").await;
        assert_eq!(done.status, 303, "{}", done.body);
        let callback = done.location.clone().unwrap();
        let field = |name: &str| start[name].as_str().unwrap().to_owned();
        let (verifier, state, nonce) = (field("verifier"), field("state"), field("nonce"));
        let result =
            node_rp(&["finish", &issuer, &registered.id, &secret, &callback, &verifier, &state, &nonce]).await;
        assert_eq!(result["email"], "alice@example.com", "{result}");
        assert_eq!(result["userinfo_email"], "alice@example.com");
        assert_eq!(result["introspection_active"], true);
        assert_eq!(result["refreshed_id_token"], true);
        assert_eq!(result["active_after_revocation"], false);
        // The library's logout URL works with the browser's session.
        let page = browser.get(result["logout_url"].as_str().unwrap()).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some(format!("{AFTER_LOGOUT}?state=bye").as_str()));
    }

    async fn code_flow_with_pkce_userinfo_refresh_introspection_revocation_and_logout(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let registered = register_client(&app, web_app(false)).await;
        let http = http();
        let issuer = issuer(&app);

        let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.clone()).unwrap(), &http)
            .await
            .expect("discovery document accepted by the library");
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(registered.id.clone()),
            Some(ClientSecret::new(registered.secret.clone().unwrap())),
        )
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap())
        .set_introspection_url(IntrospectionUrl::new(format!("{issuer}/oauth2/introspect")).unwrap());

        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (auth_url, state, nonce) = client
            .authorize_url(AuthenticationFlow::<CoreResponseType>::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("offline_access".into()))
            .set_pkce_challenge(challenge)
            .url();

        let mut browser = Browser::new(&issuer);
        let done = browser.authorize(auth_url.as_str(), "alice").await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.as_deref().unwrap().starts_with(REDIRECT));
        let params = done.location_params();
        assert_eq!(params["state"], *state.secret());
        assert_eq!(params["iss"], issuer, "RFC 9207 issuer in the response");

        let tokens = client
            .exchange_code(AuthorizationCode::new(params["code"].clone()))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .expect("code exchange");
        let id_token = tokens.id_token().expect("an ID token for the openid scope");
        let id_verifier = client.id_token_verifier();
        let claims = id_token.claims(&id_verifier, &nonce).expect("ID token verifies: signature, iss, aud, exp, nonce");
        assert_eq!(*id_token.signing_alg().unwrap(), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, "RS256 by default");
        let expected_hash = claims.access_token_hash().expect("at_hash");
        let actual_hash = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&id_verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(&actual_hash, expected_hash);
        assert_eq!(claims.email().unwrap().as_str(), "alice@example.com");
        assert_eq!(claims.preferred_username().unwrap().as_str(), "alice");
        assert!(claims.auth_time().is_some());
        assert!(id_token.claims(&id_verifier, &Nonce::new("another".into())).is_err(), "nonce mismatch is caught");

        // userinfo, with the subject bound to the ID token's.
        let info: CoreUserInfoClaims = client
            .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
            .unwrap()
            .request_async(&http)
            .await
            .expect("userinfo");
        assert_eq!(info.email().unwrap().as_str(), "alice@example.com");

        // Introspection of the access token.
        let intro = client.introspect(tokens.access_token()).request_async(&http).await.unwrap();
        assert!(intro.active());
        assert_eq!(intro.client_id().unwrap().as_str(), registered.id);
        let scopes: Vec<String> = intro.scopes().unwrap().iter().map(|s| s.to_string()).collect();
        assert!(scopes.contains(&"email".to_owned()) && scopes.contains(&"offline_access".to_owned()));

        // Refresh with rotation; reuse of a spent token ends the grant.
        let r1 = tokens.refresh_token().expect("offline_access gives a refresh token").clone();
        let second = client.exchange_refresh_token(&r1).unwrap().request_async(&http).await.expect("refresh");
        let r2 = second.refresh_token().unwrap().clone();
        assert_ne!(r1.secret(), r2.secret(), "rotated");
        second.id_token().unwrap().claims(&id_verifier, |_: Option<&Nonce>| Ok(())).expect("refreshed ID token verifies");
        let third = client.exchange_refresh_token(&r2).unwrap().request_async(&http).await.expect("refresh again");
        assert!(client.exchange_refresh_token(&r1).unwrap().request_async(&http).await.is_err(), "reuse refused");
        let intro = client.introspect(third.access_token()).request_async(&http).await.unwrap();
        assert!(!intro.active(), "reuse revoked the whole grant");

        // A new grant (consent remembered: no consent page), then revocation.
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (auth_url, _, nonce) = client
            .authorize_url(AuthenticationFlow::<CoreResponseType>::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("offline_access".into()))
            .set_pkce_challenge(challenge)
            .url();
        let done = browser.authorize(auth_url.as_str(), "alice").await;
        assert_eq!(done.status, 303, "signed in already, consent remembered: straight back");
        let tokens = client
            .exchange_code(AuthorizationCode::new(done.location_params()["code"].clone()))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .unwrap();
        let id_token = tokens.id_token().unwrap().clone();
        id_token.claims(&id_verifier, &nonce).unwrap();
        let refresh = tokens.refresh_token().unwrap().clone();
        // (The library refuses to revoke over plain http, so this request is made by hand.)
        let revoked = app
            .client
            .post(format!("{issuer}/oauth2/revoke"))
            .basic_auth(&registered.id, registered.secret.as_deref())
            .form(&[("token", refresh.secret().as_str()), ("token_type_hint", "refresh_token")])
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 200);
        assert!(!client.introspect(tokens.access_token()).request_async(&http).await.unwrap().active());
        assert!(client.exchange_refresh_token(&refresh).unwrap().request_async(&http).await.is_err());

        // RP-initiated logout with the ID token as hint: straight back, signed out.
        let logout = format!(
            "/oauth2/logout?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
            id_token,
            url::form_urlencoded::byte_serialize(AFTER_LOGOUT.as_bytes()).collect::<String>()
        );
        let page = browser.get(&logout).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some(format!("{AFTER_LOGOUT}?state=bye").as_str()));

        // The browser session is gone: prompt=none answers login_required.
        let (challenge, _) = PkceCodeChallenge::new_random_sha256();
        let (auth_url, state, _) = client
            .authorize_url(AuthenticationFlow::<CoreResponseType>::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_prompt(openidconnect::core::CoreAuthPrompt::None)
            .set_pkce_challenge(challenge)
            .url();
        let page = browser.get(auth_url.as_str()).await;
        assert_eq!(page.status, 303);
        let params = page.location_params();
        assert_eq!(params["error"], "login_required");
        assert_eq!(params["state"], *state.secret());
    }

    async fn client_credentials_through_the_library(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let registered = register_client(
            &app,
            gatehouse_core::oauth::NewClient {
                name: "Reports job".into(),
                grant_types: vec!["client_credentials".into()],
                scopes: vec!["reports:read".into(), "reports:write".into()],
                ..Default::default()
            },
        )
        .await;
        let http = http();
        let issuer = issuer(&app);
        let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.clone()).unwrap(), &http).await.unwrap();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(registered.id.clone()),
            Some(ClientSecret::new(registered.secret.clone().unwrap())),
        )
        .set_introspection_url(IntrospectionUrl::new(format!("{issuer}/oauth2/introspect")).unwrap());
        let tokens = client
            .exchange_client_credentials()
            .unwrap()
            .add_scope(Scope::new("reports:read".into()))
            .request_async(&http)
            .await
            .expect("client credentials");
        let (header, claims) = jwt_parts(tokens.access_token().secret());
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(claims["sub"], registered.id);
        assert_eq!(claims["client_id"], registered.id);
        assert_eq!(claims["scope"], "reports:read");
        assert!(claims.get("sid").is_none() && tokens.refresh_token().is_none());
        assert!(client.introspect(tokens.access_token()).request_async(&http).await.unwrap().active());
        // A scope the client was not given is refused.
        let err = client
            .exchange_client_credentials()
            .unwrap()
            .add_scope(Scope::new("admin".into()))
            .request_async(&http)
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("invalid_scope"), "{err:?}");
    }

    async fn id_tokens_in_es256_and_eddsa_when_the_client_asks(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let http = http();
        let issuer = issuer(&app);
        let mut browser = Browser::new(&issuer);
        for (alg, jws) in [(SigningAlg::Es256, CoreJwsSigningAlgorithm::EcdsaP256Sha256), (SigningAlg::EdDsa, CoreJwsSigningAlgorithm::EdDsa)] {
            let mut req = web_app(true);
            req.id_token_alg = Some(alg);
            let registered = register_client(&app, req).await;
            let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.clone()).unwrap(), &http).await.unwrap();
            let client = CoreClient::from_provider_metadata(
                metadata,
                ClientId::new(registered.id.clone()),
                Some(ClientSecret::new(registered.secret.clone().unwrap())),
            )
            .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            let (auth_url, _, nonce) = client
                .authorize_url(AuthenticationFlow::<CoreResponseType>::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
                .set_pkce_challenge(challenge)
                .url();
            let done = browser.authorize(auth_url.as_str(), "alice").await;
            assert_eq!(done.status, 303, "first-party: no consent page");
            let tokens = client
                .exchange_code(AuthorizationCode::new(done.location_params()["code"].clone()))
                .unwrap()
                .set_pkce_verifier(verifier)
                .request_async(&http)
                .await
                .unwrap();
            let id_token = tokens.id_token().unwrap();
            let verifier = client.id_token_verifier().set_allowed_algs(vec![jws.clone()]);
            let claims = id_token.claims(&verifier, &nonce).expect("verifies with the client's algorithm");
            let hash = AccessTokenHash::from_token(tokens.access_token(), &jws, id_token.signing_key(&verifier).unwrap()).unwrap();
            assert_eq!(claims.access_token_hash(), Some(&hash));
        }
    }
}
