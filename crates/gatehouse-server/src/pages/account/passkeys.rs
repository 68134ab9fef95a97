//! Passkeys on the account page: renaming and removing one (removing needs a
//! recent sign-in or the current password). Adding one is a WebAuthn
//! ceremony that `passkey.js` drives against its own endpoints.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::ErrorCode;
use serde::Deserialize;
use uuid::Uuid;

use super::{done, failure, page, proof, refusal, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::SignedIn;
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    passkey_password: String,
}

/// `POST /account/passkeys/rename`.
pub async fn rename(
    State(state): State<AppState>,
    lang: Lang,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<RenameForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&form.id) else { return gone(&state, &lang, &signed_in).await };
    match state.auth.rename_passkey(&signed_in.auth(&state), id, &form.name).await {
        Ok(()) => done(Done::PasskeyRenamed),
        Err(e) => {
            let (status, message) = match e.code() {
                ErrorCode::InvalidRequest => (StatusCode::UNPROCESSABLE_ENTITY, lang.t("account-error-passkey-name")),
                ErrorCode::NotFound => return gone(&state, &lang, &signed_in).await,
                _ => failure(&lang, &e),
            };
            page(&state, &lang, &signed_in, Feedback::field(status, "passkeys", message)).await
        }
    }
}

/// `POST /account/passkeys/remove`.
pub async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<RemoveForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&form.id) else { return gone(&state, &lang, &signed_in).await };
    let auth = signed_in.auth(&state);
    match state.auth.remove_passkey(&auth, id, proof(form.passkey_password), &client).await {
        Ok(()) => done(Done::PasskeyRemoved),
        Err(e) => {
            let (status, message) = failure(&lang, &e);
            let fb = match e.code() {
                ErrorCode::ReauthenticationRequired => Feedback::field(status, "passkey_password", message),
                ErrorCode::NotFound => return gone(&state, &lang, &signed_in).await,
                _ => Feedback::field(status, "passkeys", message),
            };
            page(&state, &lang, &signed_in, fb).await
        }
    }
}

/// The passkey of the form is not (or no longer) the person's.
async fn gone(state: &AppState, lang: &Lang, signed_in: &SignedIn) -> Response {
    let fb = Feedback::field(StatusCode::NOT_FOUND, "passkeys", lang.t("account-error-passkey-gone"));
    page(state, lang, signed_in, fb).await
}
