//! Connected apps on the account page: removing an app's access withdraws
//! the consent and ends the sessions that app holds for the person.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{done, failure, page, refusal, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::SignedIn;
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    client_id: String,
}

/// `POST /account/apps/remove`.
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
    let user = signed_in.browser.user.id;
    match state.oauth.revoke_consent(user, &form.client_id, &client).await {
        Ok(true) => done(Done::AppRemoved),
        Ok(false) => {
            let fb = Feedback::field(StatusCode::NOT_FOUND, "apps", lang.t("account-error-app-no-access"));
            page(&state, &lang, &signed_in, fb).await
        }
        Err(e) => {
            let (status, message) = failure(&lang, &e);
            page(&state, &lang, &signed_in, Feedback::field(status, "apps", message)).await
        }
    }
}
