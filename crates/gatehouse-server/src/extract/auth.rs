//! `Auth`: the caller's verified access token (`Authorization: Bearer …`), whose
//! session must still be active — or, without one, the browser session
//! cookie of a first-party single-page app ([`super::cookie_session`]). [`AdminActor`] also takes a personal API key
//! (`gatehouse_pat_…`), as does [`Identity`] (for `/me`); every other endpoint
//! refuses keys: they never manage an account (sessions, password, factors,
//! other keys).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use gatehouse_core::api_key::looks_like_api_key;
use gatehouse_core::flows::{ApiKeyAuth, Authenticated};
use gatehouse_core::rbac::Actor;
use gatehouse_core::Error;

use super::{cookie_session, Client};
use crate::error::ApiError;
use crate::state::AppState;

pub struct Auth(pub Authenticated);

impl Auth {
    /// The raw bearer token of a request, if it carries one.
    pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
        let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
    }
}

/// The refusal of an API key where only a signed-in session will do.
fn no_api_keys_here(token: &str) -> Result<(), Error> {
    if looks_like_api_key(token) {
        return Err(Error::Forbidden(
            "API keys work on the admin API (/api/admin/…) and GET /api/auth/me only; this needs a signed-in session"
                .into(),
        ));
    }
    Ok(())
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = Self::bearer(&parts.headers) else {
            let auth = cookie_session::authenticated(state, &parts.headers).await?;
            if auth.may_only_enroll() {
                return Err(Error::MfaEnrollmentRequired.into());
            }
            return Ok(Self(auth));
        };
        no_api_keys_here(token)?;
        let auth = state.auth.authenticate_live(token).await?;
        Ok(Self(auth))
    }
}

/// Like [`Auth`] but optional: `None` when no bearer token was sent.
pub struct MaybeAuth(pub Option<Authenticated>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Auth::bearer(&parts.headers) {
            // Optional here: a cookie that is not the app's own, or names no
            // live session, is no caller (a same-origin app using tokens may
            // log out with its refresh token while a pages cookie is around).
            None => Ok(Self(cookie_session::authenticated(state, &parts.headers).await.ok())),
            Some(token) => {
                no_api_keys_here(token)?;
                Ok(Self(Some(state.auth.authenticate_live(token).await?)))
            }
        }
    }
}

/// Like [`Auth`], but also accepts a token restricted to enrolling a second
/// factor (scope `mfa_enroll`): for the enrolment endpoints and `/me`.
pub struct EnrollAuth(pub Authenticated);

impl FromRequestParts<AppState> for EnrollAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = Auth::bearer(&parts.headers) else {
            return Ok(Self(cookie_session::authenticated(state, &parts.headers).await?));
        };
        no_api_keys_here(token)?;
        Ok(Self(state.auth.authenticate_for_enrollment(token).await?))
    }
}

/// The request's API key, authenticated (and counted against the caller's IP).
async fn api_key(parts: &mut Parts, state: &AppState, token: &str) -> Result<ApiKeyAuth, ApiError> {
    let Client(client) = Client::from_request_parts(parts, state).await?;
    Ok(state.auth.authenticate_api_key(token, &client).await?)
}

/// Who is calling the admin API, with what they may do now: a signed-in
/// user (access token; their current roles count, not the token's claims)
/// or a personal API key (its scopes the owner still holds). The permission
/// checks themselves are the flows' (`Actor::require`).
pub struct AdminActor(pub Actor);

impl FromRequestParts<AppState> for AdminActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = Auth::bearer(&parts.headers).ok_or(Error::Unauthorized)?.to_owned();
        let token = token.as_str();
        if looks_like_api_key(token) {
            return Ok(Self(api_key(parts, state, token).await?.actor));
        }
        let auth = state.auth.authenticate_live(token).await?;
        Ok(Self(state.admin.actor(&auth).await?))
    }
}

/// The bearer of `GET /api/auth/me`: a session's token (one that may only
/// enrol a second factor too) or an API key.
pub enum Identity {
    Session(Box<Authenticated>),
    ApiKey(Box<ApiKeyAuth>),
}

impl FromRequestParts<AppState> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = Auth::bearer(&parts.headers).map(str::to_owned) else {
            return Ok(Self::Session(Box::new(cookie_session::authenticated(state, &parts.headers).await?)));
        };
        let token = token.as_str();
        if looks_like_api_key(token) {
            return Ok(Self::ApiKey(Box::new(api_key(parts, state, token).await?)));
        }
        Ok(Self::Session(Box::new(state.auth.authenticate_for_enrollment(token).await?)))
    }
}
