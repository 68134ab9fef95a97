//! The confirmation step of a destructive action: a GET shows what will
//! happen and a button that posts the action to the same path with
//! `confirmed=yes`; a post without it (a stray or scripted form) is sent to
//! that page instead of acting ([`Confirmed`]).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::{render_admin, Admin};
use crate::extract::PageForm;
use crate::pages::signed_in::{forged_in, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

/// The form of a destructive action.
#[derive(Deserialize)]
struct ConfirmedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirmed: String,
}

/// A destructive post that may act: from someone who may use the console,
/// with the session's CSRF token, confirmed on its confirmation page. A
/// post without `confirmed=yes` is sent to that page — the GET of its own
/// path — and changes nothing. The permission is the core's to check.
pub struct Confirmed(pub SignedIn);

impl FromRequest<AppState> for Confirmed {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Admin(admin) = Admin::from_request_parts(&mut parts, state).await?;
        let Ok(lang) = Lang::from_request_parts(&mut parts, state).await;
        let page = parts.uri.path().to_owned();
        let headers = parts.headers.clone();
        let PageForm(form) = PageForm::<ConfirmedForm>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !admin.check_form(state, &headers, &form.csrf) {
            return Err(forged_in(state, &lang));
        }
        if form.confirmed != "yes" {
            return Err(Redirect::to(&page).into_response());
        }
        Ok(Self(admin))
    }
}

/// What a confirmation page asks, in the page's language.
pub struct Question<'a> {
    pub title: &'a str,
    /// What will happen, in a sentence or two.
    pub consequence: &'a str,
    /// Where the confirmed form posts (also the page's own path).
    pub action: &'a str,
    /// The button's words ("Delete alice").
    pub button: &'a str,
    /// Where "Cancel" leads.
    pub back: &'a str,
    pub tab: &'a str,
}

/// The confirmation page of `question`.
pub fn page(state: &AppState, lang: &Lang, admin: &SignedIn, question: &Question<'_>) -> Response {
    render_admin(
        state,
        lang,
        admin,
        StatusCode::OK,
        "admin_confirm.html",
        context! {
            title => question.title,
            tab => question.tab,
            consequence => question.consequence,
            action => question.action,
            button => question.button,
            back => question.back,
        },
    )
}
