//! `/register`: create an account in a browser. The same core flow as
//! `POST /api/auth/register` (same policy, limits and error codes), with the
//! errors shown under their fields and the typed email and username kept
//! (never the password). When the operator publishes terms or a privacy
//! policy, agreeing to them is required — by the browser (the button waits
//! for the checkbox) and by the server. Afterwards the person is signed in
//! with a browser session and sent on to `return_to`; when addresses must be
//! verified first, they are asked to follow the link in their mail instead.
//!
//! The form runs before there is a session, so it carries the double-submit
//! CSRF token of `/login` (`browser::signed_out_csrf_ok`).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gatehouse_core::account::{Email, LoginName, Username};
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::{LoginOutcome, LoginRequest, RegisterRequest, SignIn};
use gatehouse_core::{Error, ErrorCode};
use minijinja::context;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::browser::{self, CSRF_COOKIE};
use super::reasons::input_problem;
use super::{render, Lang};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/register", get(show).post(submit))
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
    terms: Option<String>,
    #[serde(default)]
    csrf: String,
    return_to: Option<String>,
}

/// What the form shows again after a refused post.
#[derive(Default, Serialize)]
struct Errors {
    /// About the whole form (expired, too many attempts).
    form: Option<String>,
    email: Option<String>,
    username: Option<String>,
    password: Option<String>,
    confirm: Option<String>,
    terms: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        [&self.form, &self.email, &self.username, &self.password, &self.confirm, &self.terms]
            .iter()
            .any(|e| e.is_some())
    }
}

/// The typed values the form keeps (never the password).
#[derive(Default)]
struct Typed<'a> {
    email: &'a str,
    username: &'a str,
    terms: bool,
}

/// `/login`, keeping where the person was going.
pub(super) fn sign_in_link(return_to: Option<&str>) -> String {
    match return_to {
        Some(target) => {
            let start = "/login?";
            let mut q = url::form_urlencoded::Serializer::for_suffix(start.to_owned(), start.len());
            q.append_pair("return_to", target);
            q.finish()
        }
        None => "/login".into(),
    }
}

async fn show(State(state): State<AppState>, lang: Lang, ApiQuery(q): ApiQuery<RegisterQuery>) -> Response {
    let return_to = browser::safe_return_to(&state, q.return_to.as_deref());
    form_page(&state, &lang, StatusCode::OK, return_to.as_deref(), &Typed::default(), &Errors::default())
}

fn form_page(
    state: &AppState,
    lang: &Lang,
    status: StatusCode,
    return_to: Option<&str>,
    typed: &Typed,
    errors: &Errors,
) -> Response {
    let (csrf, cookie) = browser::new_signed_out_csrf();
    let policy = state.config.password_policy;
    let mut res = render(
        state,
        lang,
        status,
        "register.html",
        context! {
            title => lang.t("register-title"),
            csrf => csrf.expose_secret(),
            return_to,
            email => typed.email,
            username => typed.username,
            terms => typed.terms,
            legal => state.legal.required(),
            terms_url => &state.legal.terms_url,
            privacy_url => &state.legal.privacy_url,
            min_length => policy.min_length,
            username_max => Username::MAX_LEN,
            sign_in => sign_in_link(return_to),
            errors,
        },
    );
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<RegisterForm>,
) -> Response {
    let return_to = browser::safe_return_to(&state, form.return_to.as_deref());
    let typed = Typed { email: form.email.trim(), username: form.username.trim(), terms: form.terms.is_some() };
    if !browser::signed_out_csrf_ok(&state, &headers, &form.csrf) {
        let errors =
            Errors { form: Some(super::origin::refusal_message(&state, &lang, &headers)), ..Errors::default() };
        return form_page(&state, &lang, StatusCode::FORBIDDEN, return_to.as_deref(), &typed, &errors);
    }
    let errors = check_form(&state, &lang, &form, &client).await;
    if errors.any() {
        return form_page(&state, &lang, StatusCode::UNPROCESSABLE_ENTITY, return_to.as_deref(), &typed, &errors);
    }
    let password = SecretString::from(form.password);
    let req = RegisterRequest {
        username: form.username.clone(),
        email: form.email.clone(),
        password: password.clone(),
        // The page's language: the account's mails follow it.
        locale: Some(lang.locale().clone()),
    };
    match state.lifecycle.register(req, &client).await {
        Ok(user) if state.config.require_verified_email => {
            check_your_email(&state, &lang, user.email.as_str(), return_to.as_deref())
        }
        Ok(user) => sign_in(&state, &lang, &headers, &client, user.username.as_str(), password, return_to).await,
        Err(e) => {
            let (status, errors) = refused(&lang, &e);
            form_page(&state, &lang, status, return_to.as_deref(), &typed, &errors)
        }
    }
}

/// What can be told before the core flow, all in one round: the shape of the
/// email and username, the confirmation, the terms — and, when any of those
/// is wrong, the password policy too, so a person never fixes one field only
/// to hear about the next.
async fn check_form(state: &AppState, lang: &Lang, form: &RegisterForm, client: &ClientInfo) -> Errors {
    let mut errors = Errors::default();
    if let Err(e) = Email::parse(&form.email) {
        errors.email = Some(input_problem(lang, &e));
    }
    if let Err(e) = Username::parse(&form.username) {
        errors.username = Some(input_problem(lang, &e));
    }
    if form.password.is_empty() {
        errors.password = Some(lang.t("password-choose"));
    } else if form.confirm_password != form.password {
        errors.confirm = Some(lang.t("password-mismatch"));
    }
    if state.legal.required() && form.terms.is_none() {
        errors.terms = Some(lang.t("register-agree-required"));
    }
    if errors.any() && errors.password.is_none() && !form.password.is_empty() {
        // The same policy the registration runs (and the strength meter asks).
        // Rate-limited like the meter; over the limit, the password is judged
        // in the next round instead.
        let username = Some(form.username.trim()).filter(|u| !u.is_empty());
        let email = Some(form.email.trim()).filter(|e| !e.is_empty());
        let password = SecretString::from(form.password.clone());
        if let Ok(verdict) = state.auth.check_password(&password, username, email, client).await {
            if !verdict.acceptable {
                errors.password = verdict.problem.map(|p| super::reasons::password_problem(lang, &p));
            }
        }
    }
    errors
}

/// A refused registration: the status and the message under the field.
fn refused(lang: &Lang, e: &Error) -> (StatusCode, Errors) {
    let mut errors = Errors::default();
    let status = match e.code() {
        ErrorCode::InvalidEmail => {
            errors.email = Some(input_problem(lang, e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::InvalidUsername => {
            errors.username = Some(input_problem(lang, e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::WeakPassword => {
            errors.password = Some(input_problem(lang, e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::EmailTaken => {
            errors.email = Some(lang.t("register-email-taken"));
            StatusCode::CONFLICT
        }
        ErrorCode::UsernameTaken => {
            errors.username = Some(lang.t("register-username-taken"));
            StatusCode::CONFLICT
        }
        ErrorCode::RateLimited => {
            errors.form = Some(super::too_many(lang, e));
            StatusCode::TOO_MANY_REQUESTS
        }
        ErrorCode::ServerBusy => {
            errors.form = Some(lang.t("server-busy"));
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => {
            tracing::error!(error = %e, "registration through the page failed");
            errors.form = Some(lang.t("sign-in-internal-error"));
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    (status, errors)
}

/// The account exists but cannot be used before its address is verified.
fn check_your_email(state: &AppState, lang: &Lang, email: &str, return_to: Option<&str>) -> Response {
    let mut res = render(
        state,
        lang,
        StatusCode::OK,
        "message.html",
        context! {
            title => lang.t("register-check-email-title"),
            message => lang.t_with("register-check-email", [("email", email.into())]),
            detail => lang.t("register-check-email-detail"),
            link => sign_in_link(return_to),
            link_text => lang.t("sign-in-log-in"),
        },
    );
    res.headers_mut().append(header::SET_COOKIE, browser::clear_cookie(CSRF_COOKIE));
    res
}

/// Signs the new account in with a browser session, as `/login` would.
async fn sign_in(
    state: &AppState,
    lang: &Lang,
    headers: &HeaderMap,
    client: &gatehouse_core::audit::ClientInfo,
    username: &str,
    password: SecretString,
    return_to: Option<String>,
) -> Response {
    let Ok(login) = LoginName::parse(username) else {
        return axum::response::Redirect::to("/login").into_response();
    };
    let req = LoginRequest { login, password, via: SignIn::Browser { remember: false } };
    match state.auth.login(req, client).await {
        Ok(LoginOutcome::Tokens(_, pair)) => {
            super::login::signed_in(state, headers, client, pair, false, return_to).await
        }
        Ok(LoginOutcome::MfaRequired { mfa_token, methods, .. }) => {
            super::login::mfa_page(state, lang, &mfa_token, return_to, false, &methods)
        }
        Err(e) => {
            // The account exists; only the automatic sign-in failed (a rate limit, …).
            tracing::warn!(error = %e, "cannot sign in a new account");
            render(
                state,
                lang,
                StatusCode::OK,
                "message.html",
                context! {
                    title => lang.t("register-created-title"),
                    message => lang.t("register-created"),
                    detail => lang.t("register-created-detail"),
                    link => sign_in_link(return_to.as_deref()),
                    link_text => lang.t("sign-in-log-in"),
                },
            )
            .into_response()
        }
    }
}

/// A core message as a sentence (kept here for the pages that call it so).
pub(super) use super::reasons::sentence;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_link_keeps_the_destination() {
        assert_eq!(sign_in_link(None), "/login");
        assert_eq!(
            sign_in_link(Some("/oauth2/authorize?a=1&b=2")),
            "/login?return_to=%2Foauth2%2Fauthorize%3Fa%3D1%26b%3D2"
        );
    }
}
