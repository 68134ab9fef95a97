//! Sessions on the account page: signing out one of the person's other
//! sessions, every session ("Sign out everywhere", this one included), and
//! signing this browser out (`POST /logout`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::session::SessionId;
use gatehouse_core::ErrorCode;
use serde::Deserialize;
use uuid::Uuid;

use super::{done, failure, internal, page, refusal, signed_out, CsrfForm, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{self, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    session: String,
}

/// `POST /account/sessions/end`: one session of the person's (this one
/// signs the browser out).
pub async fn end(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<EndForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&form.session).map(SessionId) else { return gone(&state, &lang, &signed_in).await };
    if id == signed_in.browser.session.id {
        return end_this(&state, &lang, &signed_in, &client).await;
    }
    match state.auth.end_my_session(&signed_in.auth(&state), id, &client).await {
        Ok(()) => done(Done::SessionEnded),
        Err(e) if e.code() == ErrorCode::NotFound => gone(&state, &lang, &signed_in).await,
        Err(e) => {
            let (status, message) = failure(&lang, &e);
            page(&state, &lang, &signed_in, Feedback::field(status, "sessions", message)).await
        }
    }
}

/// The "Sign out everywhere" form.
#[derive(serde::Deserialize)]
pub struct EndAllForm {
    #[serde(default)]
    csrf: String,
    /// The "also revoke my API keys" box.
    revoke_api_keys: Option<String>,
}

/// `POST /account/sessions/end-all`: every session of the person, this one
/// too, and their API keys unless they untick the box.
pub async fn end_all(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<EndAllForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let revoke = form.revoke_api_keys.is_some();
    match state.auth.logout_all(&signed_in.auth(&state), revoke, &client).await {
        Ok(_) => signed_out(&state),
        Err(e) => {
            tracing::error!(error = %e, "cannot end every session");
            internal(&state, &lang)
        }
    }
}

/// `POST /logout`: ends this browser's session. Without one there is
/// nothing to end: off to the login page.
pub async fn logout(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: Result<SignedIn, Response>,
    headers: HeaderMap,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let Ok(signed_in) = signed_in else { return signed_out(&state) };
    if !signed_in.check_form(&state, &headers, &form.csrf) {
        return signed_in::forged_in(&state, &lang);
    }
    end_this(&state, &lang, &signed_in, &client).await
}

/// Ends this browser's session server-side, then clears its cookie.
async fn end_this(
    state: &AppState,
    lang: &Lang,
    signed_in: &SignedIn,
    client: &gatehouse_core::audit::ClientInfo,
) -> Response {
    match state.auth.end_browser_session(&signed_in.browser, client).await {
        Ok(()) => signed_out(state),
        Err(e) => {
            tracing::error!(error = %e, "cannot end a browser session");
            internal(state, lang)
        }
    }
}

async fn gone(state: &AppState, lang: &Lang, signed_in: &SignedIn) -> Response {
    let fb = Feedback::field(StatusCode::NOT_FOUND, "sessions", lang.t("account-error-session-gone"));
    page(state, lang, signed_in, fb).await
}
