//! The authorization endpoint's refusals, by type: until the client and its
//! redirect URI are known good nothing is redirected; after that each
//! problem goes back to the client with its RFC 6749 code, `state` and `iss`.

use super::Harness;
use crate::flows::{AuthorizationRequest, AuthorizeError, Untrusted};
use crate::oauth::{AuthorizeErrorCode as Code, NewClient};
use crate::rbac::Actor;

async fn app(h: &Harness) -> String {
    let new = NewClient {
        name: "Notes".into(),
        public: true,
        redirect_uris: vec!["https://notes.example/cb".into()],
        ..NewClient::default()
    };
    h.services.admin.create_client(new, &Actor::command_line(), &super::client()).await.unwrap().client.id
}

fn request(client_id: &str) -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: Some(client_id.into()),
        response_type: Some("code".into()),
        scope: Some("openid profile".into()),
        state: Some("s1".into()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        code_challenge_method: Some("S256".into()),
        ..AuthorizationRequest::default()
    }
}

#[tokio::test]
async fn an_untrusted_client_or_redirect_uri_is_never_redirected_to() {
    let h = Harness::new().await;
    let id = app(&h).await;
    let oauth = &h.services.oauth;
    let untrusted = |r: Result<_, AuthorizeError>| match r {
        Err(AuthorizeError::Untrusted(why)) => why,
        other => panic!("expected a page, got {other:?}"),
    };
    assert_eq!(untrusted(oauth.check_authorization(&AuthorizationRequest::default()).await), Untrusted::NoClient);
    assert_eq!(untrusted(oauth.check_authorization(&request("gh_nobody")).await), Untrusted::UnknownClient);
    let elsewhere = AuthorizationRequest { redirect_uri: Some("https://evil.example/cb".into()), ..request(&id) };
    assert_eq!(untrusted(oauth.check_authorization(&elsewhere).await), Untrusted::UnregisteredRedirectUri);
    let valid = oauth.check_authorization(&request(&id)).await.unwrap();
    assert_eq!(valid.scopes.to_string(), "openid profile");
}

#[tokio::test]
async fn other_problems_go_back_to_the_client_with_their_code() {
    let h = Harness::new().await;
    let id = app(&h).await;
    let cases = [
        (AuthorizationRequest { scope: Some("openid admin".into()), ..request(&id) }, Code::InvalidScope),
        (AuthorizationRequest { scope: Some("openid a\\b".into()), ..request(&id) }, Code::InvalidScope),
        (AuthorizationRequest { scope: Some("  ".into()), ..request(&id) }, Code::InvalidScope),
        (AuthorizationRequest { response_type: Some("token".into()), ..request(&id) }, Code::UnsupportedResponseType),
        (AuthorizationRequest { code_challenge: None, ..request(&id) }, Code::InvalidRequest),
        (AuthorizationRequest { request: Some("eyJ".into()), ..request(&id) }, Code::RequestNotSupported),
        (AuthorizationRequest { prompt: Some("none login".into()), ..request(&id) }, Code::InvalidRequest),
    ];
    for (req, code) in cases {
        match h.services.oauth.check_authorization(&req).await {
            Err(AuthorizeError::Refused(refusal)) => {
                assert_eq!(refusal.code, code, "{req:?}");
                assert!(refusal.url.starts_with("https://notes.example/cb?error="), "{}", refusal.url);
                assert!(refusal.url.contains("&state=s1&iss="), "{}", refusal.url);
            }
            other => panic!("{req:?}: expected a refusal, got {other:?}"),
        }
    }
}
