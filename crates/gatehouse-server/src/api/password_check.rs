//! `POST /api/auth/password/check`: how a new password fares against the
//! policy registration enforces — for the pages' strength meter, and for any
//! client that wants to say so before submitting. Nothing is stored; the
//! password is never logged.
//!
//! `message` is English (the `detail` registration would give) unless the
//! request names a language in `Accept-Language` that Gatehouse speaks: then
//! it is in that language, as the pages say it (the meter sends the page's).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::pages::reasons::password_problem;
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct PasswordCheckBody {
    /// The candidate password (at most 256 characters).
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    /// The username it is for: a password built from it is refused.
    #[serde(default)]
    pub username: Option<String>,
    /// The email address it is for: a password built from it is refused.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordCheckResponse {
    /// Registration would accept this password for this username and email.
    pub acceptable: bool,
    /// Strength estimate, 0 (very weak) to 4 (strong); below `min_score`
    /// whenever `acceptable` is false.
    #[schema(minimum = 0, maximum = 4)]
    pub score: u8,
    /// The score registration requires.
    pub min_score: u8,
    /// The length registration requires, in characters.
    pub min_length: usize,
    /// Why the password is refused (null when acceptable): in the language
    /// of `Accept-Language` when Gatehouse speaks it, else in English.
    pub message: Option<String>,
}

/// Check a new password against the registration policy, without registering.
#[utoipa::path(post, path = "/api/auth/password/check", tag = "auth", request_body = PasswordCheckBody,
    responses(
        (status = 200, body = PasswordCheckResponse),
        (status = 422, description = "input longer than 256 characters: `weak_password`, `invalid_username` or `invalid_email`", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    ))]
pub async fn check(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordCheckBody>,
) -> ApiResult<Json<PasswordCheckResponse>> {
    let verdict =
        state.auth.check_password(&body.password, body.username.as_deref(), body.email.as_deref(), &client).await?;
    let lang = asked_language(&state, &headers);
    let message = verdict.problem.map(|problem| match &lang {
        Some(lang) => password_problem(lang, &problem),
        None => problem.to_string(),
    });
    Ok(Json(PasswordCheckResponse {
        acceptable: verdict.acceptable,
        score: verdict.score,
        min_score: verdict.min_score,
        min_length: verdict.min_length,
        message,
    }))
}

/// The language `Accept-Language` asks for, when Gatehouse speaks it (the
/// language cookie of the pages plays no part: the header says it).
fn asked_language(state: &AppState, headers: &HeaderMap) -> Option<Lang> {
    let asked = headers.get(header::ACCEPT_LANGUAGE)?;
    let catalogs = &state.config.catalogs;
    catalogs.from_accept_language(asked.to_str().ok()?)?;
    let mut only_asked = HeaderMap::new();
    only_asked.insert(header::ACCEPT_LANGUAGE, asked.clone());
    Some(Lang::of(catalogs, &only_asked))
}
