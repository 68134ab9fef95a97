//! `Auth`: the caller's verified access token (`Authorization: Bearer …`), whose
//! session must still be active.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use gatehouse_core::flows::Authenticated;
use gatehouse_core::Error;

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

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = Self::bearer(&parts.headers).ok_or(Error::Unauthorized)?;
        let auth = state.accounts.authenticate_live(token).await?;
        Ok(Self(auth))
    }
}

/// Like [`Auth`] but optional: `None` when no bearer token was sent.
pub struct MaybeAuth(pub Option<Authenticated>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Auth::bearer(&parts.headers) {
            None => Ok(Self(None)),
            Some(token) => Ok(Self(Some(state.accounts.authenticate_live(token).await?))),
        }
    }
}

/// Like [`Auth`], but also accepts a token restricted to enrolling a second
/// factor (scope `mfa_enroll`): for the enrolment endpoints and `/me`.
pub struct EnrollAuth(pub Authenticated);

impl FromRequestParts<AppState> for EnrollAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = Auth::bearer(&parts.headers).ok_or(Error::Unauthorized)?;
        Ok(Self(state.accounts.authenticate_for_enrollment(token).await?))
    }
}
