//! `/oauth2/authorize` and the `/consent` page. The request is checked on
//! every step (the consent form carries it back as hidden fields), so nothing
//! about a pending request is stored and nothing in it is trusted twice.

use axum::body::Bytes;
use axum::extract::{Query, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::flows::{
    AuthorizationRequest, AuthorizeDecision, AuthorizeError, BrowserSession, Refusal, Untrusted, ValidAuthorization,
};
use gatehouse_core::oauth::AuthorizeErrorCode;
use minijinja::context;
use serde::Deserialize;

use crate::extract::Client;
use crate::pages::{browser, render, Lang};
use crate::state::AppState;

pub async fn get_authorize(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Query(req): Query<AuthorizationRequest>,
) -> Response {
    authorize(&state, &lang, &client, &headers, req).await
}

/// OpenID Connect allows the request as a form post too (Core §3.1.2.1).
pub async fn post_authorize(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    match serde_urlencoded::from_bytes::<AuthorizationRequest>(&body) {
        Ok(req) => authorize(&state, &lang, &client, &headers, req).await,
        Err(_) => error_page(&state, &lang, &lang.t("consent-request-malformed")),
    }
}

async fn authorize(
    state: &AppState,
    lang: &Lang,
    client: &gatehouse_core::audit::ClientInfo,
    headers: &HeaderMap,
    req: AuthorizationRequest,
) -> Response {
    let valid = match state.oauth.check_authorization(&req).await {
        Ok(v) => v,
        Err(e) => return refused(state, lang, e),
    };
    let session = browser::session(state, headers).await;
    match state.oauth.decide_authorization(&valid, session.as_ref(), None, client).await {
        Ok(AuthorizeDecision::Issued(url) | AuthorizeDecision::Refused(Refusal { url, .. })) => {
            Redirect::to(&url).into_response()
        }
        Ok(AuthorizeDecision::Login) => {
            // Back to this request after sign-in; prompt=login and max_age are
            // satisfied by that sign-in (keeping them would ask again forever).
            let mut again = req.clone();
            again.max_age = None;
            again.prompt = req
                .prompt
                .as_deref()
                .map(|p| p.split(' ').filter(|v| !v.is_empty() && *v != "login").collect::<Vec<_>>().join(" "));
            let return_to = format!("/oauth2/authorize?{}", query_of(&again));
            let mut login = url::form_urlencoded::Serializer::new(String::new());
            login.append_pair("return_to", &return_to);
            if let Some(hint) = &valid.login_hint {
                login.append_pair("login_hint", hint);
            }
            // Signed in already, yet a sign-in is due (prompt=login, max_age):
            // the login page must ask rather than pass the person on.
            if session.is_some() {
                login.append_pair("prompt", "login");
            }
            Redirect::to(&format!("/login?{}", login.finish())).into_response()
        }
        Ok(AuthorizeDecision::Consent) => Redirect::to(&format!("/consent?{}", query_of(&req))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "authorization failed");
            server_error(state, &valid)
        }
    }
}

fn query_of(req: &AuthorizationRequest) -> String {
    serde_urlencoded::to_string(req).unwrap_or_default()
}

fn refused(state: &AppState, lang: &Lang, e: AuthorizeError) -> Response {
    match e {
        AuthorizeError::Untrusted(why) => error_page(state, lang, &untrusted(lang, why)),
        AuthorizeError::Refused(refusal) => Redirect::to(&refusal.url).into_response(),
    }
}

/// Back to the client with `server_error`: the flow failed on our side.
fn server_error(state: &AppState, valid: &ValidAuthorization) -> Response {
    let refusal = valid.refusal(&state.config.tokens.issuer, AuthorizeErrorCode::ServerError, "try again later");
    Redirect::to(&refusal.url).into_response()
}

/// Why a request that cannot be answered by redirect is refused.
fn untrusted(lang: &Lang, why: Untrusted) -> String {
    lang.t(match why {
        Untrusted::NoClient => "consent-no-client",
        Untrusted::UnknownClient => "consent-unknown-client",
        Untrusted::UnregisteredRedirectUri => "consent-unregistered-redirect",
        Untrusted::NoRedirectUri => "consent-no-redirect",
        Untrusted::Unavailable => "consent-unavailable",
    })
}

/// An error the client must not receive by redirect: shown to the person.
fn error_page(state: &AppState, lang: &Lang, message: &str) -> Response {
    render(
        state,
        lang,
        StatusCode::BAD_REQUEST,
        "message.html",
        context! { product => &state.config.product_name, title => lang.t("consent-refused-title"),
        message, error => true },
    )
}

/// What a scope means, in words a person understands.
fn describe(lang: &Lang, scope: &str) -> String {
    match scope {
        "openid" => lang.t("consent-scope-openid"),
        "profile" => lang.t("consent-scope-profile"),
        "email" => lang.t("consent-scope-email"),
        "roles" => lang.t("consent-scope-roles"),
        "permissions" => lang.t("consent-scope-permissions"),
        "offline_access" => lang.t("consent-scope-offline-access"),
        other => lang.t_with("consent-scope-other", [("scope", other.into())]),
    }
}

/// The consent page: the client, the scopes, Allow / Deny.
pub async fn show_consent(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Query(req): Query<AuthorizationRequest>,
) -> Response {
    let valid = match state.oauth.check_authorization(&req).await {
        Ok(v) => v,
        Err(e) => return refused(&state, &lang, e),
    };
    let Some(session) = browser::session(&state, &headers).await else {
        return Redirect::to(&format!("/oauth2/authorize?{}", query_of(&req))).into_response();
    };
    consent_page(&state, &lang, &session, &valid, &req)
}

fn consent_page(
    state: &AppState,
    lang: &Lang,
    session: &BrowserSession,
    valid: &ValidAuthorization,
    req: &AuthorizationRequest,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query_of(req).as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut res = render(
        state,
        lang,
        StatusCode::OK,
        "consent.html",
        context! {
            product => &state.config.product_name,
            title => lang.t("consent-title"),
            client_name => &valid.client.name,
            client_host => crate::pages::login::redirect_host(&valid.redirect_uri),
            client_uri => &valid.client.client_uri,
            client_logo => &valid.client.logo_uri,
            username => session.user.username.as_str(),
            scopes => valid.scopes.iter().map(|s| describe(lang, s)).collect::<Vec<_>>(),
            csrf => state.auth.csrf_token(&session.session),
            params,
        },
    );
    crate::pages::allow_image(&mut res, valid.client.logo_uri.as_deref());
    res
}

#[derive(Deserialize)]
struct ConsentAnswer {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
}

/// Allow or Deny: the authorization request again, with the answer.
pub async fn submit_consent(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (req, answer) = match parse_consent(&body) {
        Some(parsed) => parsed,
        None => return error_page(&state, &lang, &lang.t("consent-form-malformed")),
    };
    let valid = match state.oauth.check_authorization(&req).await {
        Ok(v) => v,
        Err(e) => return refused(&state, &lang, e),
    };
    let Some(session) = browser::session(&state, &headers).await else {
        return Redirect::to(&format!("/oauth2/authorize?{}", query_of(&req))).into_response();
    };
    if !browser::same_origin(&state, &headers) || !state.auth.csrf_matches(&session.session, &answer.csrf) {
        return error_page(&state, &lang, &lang.t("consent-form-expired"));
    }
    let decision = match answer.decision.as_str() {
        "allow" => true,
        "deny" => false,
        _ => return consent_page(&state, &lang, &session, &valid, &req),
    };
    match state.oauth.decide_authorization(&valid, Some(&session), Some(decision), &client).await {
        Ok(AuthorizeDecision::Issued(url) | AuthorizeDecision::Refused(Refusal { url, .. })) => {
            Redirect::to(&url).into_response()
        }
        Ok(AuthorizeDecision::Login | AuthorizeDecision::Consent) => {
            Redirect::to(&format!("/oauth2/authorize?{}", query_of(&req))).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "consent failed");
            server_error(&state, &valid)
        }
    }
}

/// The consent form is the authorization request plus `csrf` and `decision`.
fn parse_consent(body: &Bytes) -> Option<(AuthorizationRequest, ConsentAnswer)> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let (answer, request): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "csrf" || k == "decision");
    let req = serde_urlencoded::from_str(&serde_urlencoded::to_string(&request).ok()?).ok()?;
    let answer = serde_urlencoded::from_str(&serde_urlencoded::to_string(&answer).ok()?).ok()?;
    Some((req, answer))
}
