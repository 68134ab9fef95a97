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
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<RenameForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&form.id) else { return gone(&state, &signed_in).await };
    match state.auth.rename_passkey(&signed_in.auth(&state), id, &form.name).await {
        Ok(()) => done(Done::PasskeyRenamed),
        Err(e) => {
            let (status, message) = match e.code() {
                ErrorCode::InvalidRequest => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "A name has at most 64 printable characters.".to_owned())
                }
                ErrorCode::NotFound => return gone(&state, &signed_in).await,
                _ => failure(&e),
            };
            page(&state, &signed_in, Feedback::field(status, "passkeys", message)).await
        }
    }
}

/// `POST /account/passkeys/remove`.
pub async fn remove(
    State(state): State<AppState>,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<RemoveForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let Ok(id) = Uuid::parse_str(&form.id) else { return gone(&state, &signed_in).await };
    let auth = signed_in.auth(&state);
    match state.auth.remove_passkey(&auth, id, proof(form.passkey_password), &client).await {
        Ok(()) => done(Done::PasskeyRemoved),
        Err(e) => {
            let (status, message) = failure(&e);
            let fb = match e.code() {
                ErrorCode::ReauthenticationRequired => Feedback::field(status, "passkey_password", message),
                ErrorCode::NotFound => return gone(&state, &signed_in).await,
                _ => Feedback::field(status, "passkeys", message),
            };
            page(&state, &signed_in, fb).await
        }
    }
}

/// The passkey of the form is not (or no longer) the person's.
async fn gone(state: &AppState, signed_in: &SignedIn) -> Response {
    let fb = Feedback::field(StatusCode::NOT_FOUND, "passkeys", "That passkey no longer exists.");
    page(state, signed_in, fb).await
}
