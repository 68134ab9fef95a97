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

/// What a confirmation page asks. Its title is the message
/// `admin-confirm-{key}-title`, its button `admin-confirm-{key}-button`
/// unless [`Question::button`] names it.
pub struct Question {
    key: &'static str,
    tab: &'static str,
    /// What will happen, in a sentence or two.
    consequence: String,
    /// Where the confirmed form posts (also the page's own path).
    action: String,
    /// Where "Cancel" leads.
    back: String,
    button: Option<String>,
}

impl Question {
    /// Before `verb` on what the page at `path` shows: the form posts to
    /// `{path}/{verb}`, "Cancel" leads back to `path`.
    pub fn on(tab: &'static str, key: &'static str, path: &str, verb: &str, consequence: String) -> Self {
        Self { key, tab, consequence, action: format!("{path}/{verb}"), back: path.to_owned(), button: None }
    }

    /// "Cancel" leads to `back` instead.
    pub fn back_to(self, back: &str) -> Self {
        Self { back: back.to_owned(), ..self }
    }

    /// The button's own words ("Delete alice").
    pub fn button(self, button: String) -> Self {
        Self { button: Some(button), ..self }
    }
}

/// The confirmation page of `question`.
pub fn page(state: &AppState, lang: &Lang, admin: &SignedIn, question: Question) -> Response {
    let button = question.button.unwrap_or_else(|| lang.t(&format!("admin-confirm-{}-button", question.key)));
    render_admin(
        state,
        lang,
        admin,
        StatusCode::OK,
        "admin_confirm.html",
        context! {
            title => lang.t(&format!("admin-confirm-{}-title", question.key)),
            tab => question.tab,
            consequence => question.consequence,
            action => question.action,
            button,
            back => question.back,
        },
    )
}
