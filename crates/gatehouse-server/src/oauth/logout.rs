//! `/oauth2/logout`: RP-initiated logout. With a valid `id_token_hint` for
//! the signed-in person the session ends at once; otherwise the person
//! confirms on a page first (a link on another site cannot sign them out).
//! `post_logout_redirect_uri` must be registered for the client.

use axum::extract::{Query, RawForm, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::flows::{LogoutOutcome, LogoutRequest};
use minijinja::context;

use crate::extract::Client;
use crate::pages::browser;
use crate::pages::{render, Lang};
use crate::state::AppState;

pub async fn get_logout(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Query(req): Query<LogoutRequest>,
) -> Response {
    logout(&state, &lang, &client, &headers, &req, false).await
}

pub async fn post_logout(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let req = LogoutRequest {
        id_token_hint: field("id_token_hint"),
        client_id: field("client_id"),
        post_logout_redirect_uri: field("post_logout_redirect_uri"),
        state: field("state"),
    };
    // The confirmation form proves itself with the session's CSRF token.
    let confirmed = match (field("confirmed"), browser::session(&state, &headers).await) {
        (Some(_), Some(session)) => {
            browser::same_origin(&state, &headers)
                && state.auth.csrf_matches(&session.session, field("csrf").as_deref().unwrap_or(""))
        }
        _ => false,
    };
    logout(&state, &lang, &client, &headers, &req, confirmed).await
}

async fn logout(
    state: &AppState,
    lang: &Lang,
    client: &gatehouse_core::audit::ClientInfo,
    headers: &HeaderMap,
    req: &LogoutRequest,
    confirmed: bool,
) -> Response {
    let product = &state.config.product_name;
    let session = browser::session(state, headers).await;
    let outcome = match state.oauth.rp_logout(req, session.as_ref(), confirmed, client).await {
        Ok(o) => o,
        Err(e) => {
            // Only a refusal of the request is explained (the reason, for
            // the application's developers, stays in English); anything else
            // is logged, and the page says no more than that it failed.
            let (status, message, detail) = match e.code() {
                gatehouse_core::ErrorCode::InvalidRequest => {
                    (StatusCode::BAD_REQUEST, lang.t("logout-refused"), Some(e.to_string()))
                }
                _ => {
                    tracing::error!(error = %e, "RP-initiated logout failed");
                    (StatusCode::SERVICE_UNAVAILABLE, lang.t("logout-failed"), None)
                }
            };
            return render(
                state,
                lang,
                status,
                "message.html",
                context! { product, title => lang.t("logout-refused-title"), message, detail, error => true },
            );
        }
    };
    let mut res = match outcome {
        LogoutOutcome::Confirm { client_name } => {
            let csrf = session.as_ref().map(|s| state.auth.csrf_token(&s.session)).unwrap_or_default();
            let params: Vec<(&str, &str)> = [
                ("id_token_hint", req.id_token_hint.as_deref()),
                ("client_id", req.client_id.as_deref()),
                ("post_logout_redirect_uri", req.post_logout_redirect_uri.as_deref()),
                ("state", req.state.as_deref()),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
            return render(
                state,
                lang,
                StatusCode::OK,
                "logout_confirm.html",
                context! { product, title => lang.t("logout-title"), client_name, csrf, params },
            );
        }
        LogoutOutcome::Redirect(url) => Redirect::to(&url).into_response(),
        LogoutOutcome::SignedOut => render(
            state,
            lang,
            StatusCode::OK,
            "message.html",
            context! { product, title => lang.t("logout-done-title"), message => lang.t("logout-done") },
        ),
    };
    res.headers_mut().append(header::SET_COOKIE, browser::clear_session_cookie(state));
    res
}
