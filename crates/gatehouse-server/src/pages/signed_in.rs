//! Pages that need a signed-in person (`/account`, `/admin`): the
//! [`SignedIn`] extractor finds the browser session or sends the browser to
//! `/login` and back; [`SignedIn::check_form`] is the CSRF check every
//! state-changing form of these pages passes (a synchronizer token — an HMAC
//! of the session id — plus the Origin check).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::flows::{Authenticated, BrowserSession};

use super::{browser, Lang};
use crate::state::AppState;

/// The browser session of a page request.
pub struct SignedIn {
    pub browser: BrowserSession,
    /// The CSRF token the page's forms carry (field `csrf`).
    pub csrf: String,
}

impl SignedIn {
    /// The session as the account flows see a caller.
    pub fn auth(&self, state: &AppState) -> Authenticated {
        state.auth.browser_auth(&self.browser)
    }

    /// Whether a form post is genuine: same origin and the session's CSRF token.
    pub fn check_form(&self, state: &AppState, headers: &HeaderMap, presented: &str) -> bool {
        browser::same_origin(state, headers) && state.auth.csrf_matches(&self.browser.session, presented)
    }
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        match browser::session(&state, &parts.headers).await {
            Some(browser) => {
                let csrf = state.auth.csrf_token(&browser.session);
                Ok(Self { browser, csrf })
            }
            None => Err(to_login(parts)),
        }
    }
}

/// A redirect to `/login` that comes back here afterwards (GET pages only;
/// a form post comes back to the page it was posted from).
fn to_login(parts: &Parts) -> Response {
    let back = if parts.method == axum::http::Method::GET {
        parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/account".into())
    } else {
        parts.uri.path().to_owned()
    };
    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", &back).finish();
    Redirect::to(&format!("/login?{query}")).into_response()
}

/// The answer to a form post that failed the CSRF check.
pub fn forged_in(state: &AppState, lang: &Lang) -> Response {
    super::render(
        state,
        lang,
        StatusCode::FORBIDDEN,
        "message.html",
        minijinja::context! {
            title => lang.t("account-form-expired-title"),
            message => lang.t("account-form-expired"),
            error => true,
        },
    )
}
