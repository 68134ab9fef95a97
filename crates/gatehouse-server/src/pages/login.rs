//! `/login` and `/mfa`: sign in to Gatehouse in a browser (password, then a
//! second factor when the account has one), then back to where the person came from
//! — usually `/oauth2/authorize`. A successful sign-in always starts a new
//! session (new id, new cookie): a session id planted before login is worth
//! nothing (no fixation). The form carries a double-submit CSRF token.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::account::LoginName;
use gatehouse_core::flows::{AuthorizationRequest, LoginOutcome, LoginRequest, SignIn, TokenPair};
use gatehouse_core::{Error, ErrorCode};
use minijinja::context;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::browser::{self, CSRF_COOKIE};
use super::{render, Lang};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    return_to: Option<String>,
    login_hint: Option<String>,
    /// `login`: sign in again although signed in (an OAuth client's
    /// `prompt=login` or `max_age`).
    prompt: Option<String>,
    /// What just happened (`logged-out`): one of a fixed set of notices,
    /// never text from the address.
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    remember: Option<String>,
    #[serde(default)]
    csrf: String,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct MfaForm {
    #[serde(default)]
    mfa_token: String,
    #[serde(default)]
    code: String,
    remember: Option<String>,
    #[serde(default)]
    csrf: String,
    return_to: Option<String>,
    /// What the page offered (see [`Offer`]), offered again after a wrong code.
    #[serde(default)]
    offer: String,
}

/// The login form, with a fresh CSRF cookie. Someone already signed in goes
/// on to `return_to` (or the account page) unless a sign-in is asked for again.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LoginQuery>,
) -> Response {
    if q.prompt.as_deref() != Some("login") && browser::session(&state, &headers).await.is_some() {
        let target = browser::safe_return_to(&state, q.return_to.as_deref()).unwrap_or_else(|| "/account".to_owned());
        return Redirect::to(&target).into_response();
    }
    let notice = match q.done.as_deref() {
        Some("logged-out") => Some(lang.t("login-logged-out")),
        _ => None,
    };
    let login = q.login_hint.as_deref().unwrap_or("");
    form_page(&state, &lang, StatusCode::OK, q.return_to.as_deref(), login, None, notice.as_deref()).await
}

/// `/`: the account page for someone signed in, the sign-in page otherwise.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    match browser::session(&state, &headers).await {
        Some(_) => Redirect::to("/account"),
        None => Redirect::to("/login"),
    }
}

async fn form_page(
    state: &AppState,
    lang: &Lang,
    status: StatusCode,
    return_to: Option<&str>,
    login: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Response {
    let return_to = browser::safe_return_to(state, return_to);
    let upstreams: Vec<(String, String)> = match state.auth.upstreams().await {
        Ok(list) => list
            .into_iter()
            .map(|p| {
                let mut href = format!("/login/upstream/{}", p.id);
                if let Some(target) = &return_to {
                    href.push_str(&append_return_to(target));
                }
                (href, p.name)
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "cannot list upstream providers");
            Vec::new()
        }
    };
    let client = asking_client(state, return_to.as_deref()).await;
    let logo = client.as_ref().and_then(|c| c.get_attr("logo").ok()).and_then(|l| l.as_str().map(str::to_owned));
    let (csrf, csrf_cookie) = browser::new_signed_out_csrf();
    let mut res = render(
        state,
        lang,
        status,
        "login.html",
        context! {
            title => lang.t("login-title"),
            client,
            notice,
            csrf => csrf.expose_secret(),
            sign_up => sign_up_link(return_to.as_deref()),
            passkeys => state.auth.passkeys_enabled(),
            return_to,
            login,
            error,
            upstreams,
        },
    );
    res.headers_mut().append(header::SET_COOKIE, csrf_cookie);
    super::allow_image(&mut res, logo.as_deref());
    res
}

/// The application an OAuth sign-in is for, named only when its request is
/// valid (a known client and one of its registered redirect URIs): "Log in
/// to continue to Acme Notes (notes.example.com)".
async fn asking_client(state: &AppState, return_to: Option<&str>) -> Option<minijinja::Value> {
    let query = return_to?.strip_prefix("/oauth2/authorize?")?;
    let req: AuthorizationRequest = serde_urlencoded::from_str(query).ok()?;
    let valid = state.oauth.check_authorization(&req).await.ok()?;
    Some(context! {
        name => valid.client.name,
        host => redirect_host(&valid.redirect_uri),
        logo => valid.client.logo_uri,
    })
}

/// Where an application sends people back to, as a person reads it: the
/// host of its redirect URI (none for a custom scheme of a native app).
pub(crate) fn redirect_host(redirect_uri: &str) -> Option<String> {
    let url = url::Url::parse(redirect_uri).ok()?;
    matches!(url.scheme(), "https" | "http").then(|| url.host_str().map(str::to_owned)).flatten()
}

/// The "Sign up" link, keeping where the person was going.
fn sign_up_link(return_to: Option<&str>) -> String {
    match return_to {
        Some(target) => format!("/register{}", append_return_to(target)),
        None => "/register".into(),
    }
}

fn append_return_to(target: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", target).finish();
    format!("?{query}")
}

pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let return_to = browser::safe_return_to(&state, form.return_to.as_deref());
    if !browser::signed_out_csrf_ok(&state, &headers, &form.csrf) {
        let msg = super::origin::refusal_message(&state, &lang, &headers);
        return form_page(&state, &lang, StatusCode::FORBIDDEN, return_to.as_deref(), &form.login, Some(&msg), None)
            .await;
    }
    let remember = form.remember.is_some();
    let attempt = match LoginName::parse(&form.login) {
        Ok(login) => {
            let req = LoginRequest { login, password: form.password.into(), via: SignIn::Browser { remember } };
            state.auth.login(req, &client).await
        }
        Err(e) => Err(e),
    };
    // What was typed is shown again, but never more than a name can be.
    let typed: String = form.login.chars().take(LoginName::MAX_CHARS).collect();
    match attempt {
        Ok(LoginOutcome::Tokens(_, pair)) => signed_in(&state, &headers, &client, pair, remember, return_to).await,
        Ok(LoginOutcome::MfaRequired { mfa_token, methods, .. }) => {
            mfa_page(&state, &lang, &mfa_token, return_to, remember, &methods)
        }
        Err(e) => {
            let message = message_for(&lang, &e);
            form_page(&state, &lang, status_for(&e), return_to.as_deref(), &typed, Some(&message), None).await
        }
    }
}

pub async fn submit_mfa(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<MfaForm>,
) -> Response {
    let return_to = browser::safe_return_to(&state, form.return_to.as_deref());
    if !browser::signed_out_csrf_ok(&state, &headers, &form.csrf) {
        let msg = super::origin::refusal_message(&state, &lang, &headers);
        return form_page(&state, &lang, StatusCode::FORBIDDEN, return_to.as_deref(), "", Some(&msg), None).await;
    }
    let remember = form.remember.is_some();
    let code = form.code.trim().to_owned();
    match state.auth.verify_mfa(form.mfa_token.clone().into(), &code, &client, SignIn::Browser { remember }).await {
        Ok((_, pair)) => signed_in(&state, &headers, &client, pair, remember, return_to).await,
        Err(e) if e.code() == ErrorCode::InvalidMfaCode => render(
            &state,
            &lang,
            StatusCode::UNAUTHORIZED,
            "mfa.html",
            context! {
                title => lang.t("mfa-title"),
                mfa_token => form.mfa_token,
                csrf => form.csrf,
                return_to,
                remember,
                error => lang.t("mfa-wrong-code"),
                ..Offer::parse(&form.offer, &state).context()
            },
        ),
        Err(e) => {
            let message = message_for(&lang, &e);
            form_page(&state, &lang, status_for(&e), return_to.as_deref(), "", Some(&message), None).await
        }
    }
}

/// The second step of a sign-in (password or upstream), with a fresh
/// double-submit CSRF cookie for its form.
pub(crate) fn mfa_page(
    state: &AppState,
    lang: &Lang,
    mfa_token: &secrecy::SecretString,
    return_to: Option<String>,
    remember: bool,
    methods: &[String],
) -> Response {
    let (csrf, csrf_cookie) = browser::new_signed_out_csrf();
    let offer = Offer::of(methods.iter().map(String::as_str), state);
    let mut res = render(
        state,
        lang,
        StatusCode::OK,
        "mfa.html",
        context! {
            title => lang.t("mfa-title"),
            mfa_token => mfa_token.expose_secret(),
            csrf => csrf.expose_secret(),
            return_to,
            remember,
            ..offer.context()
        },
    );
    res.headers_mut().append(header::SET_COOKIE, csrf_cookie);
    res
}

/// What the second step offers: the app's code, a backup code, a passkey.
/// It only shapes the page; the code or passkey is checked against the
/// account either way.
#[derive(Clone, Copy)]
struct Offer {
    totp: bool,
    backup: bool,
    passkey: bool,
}

impl Offer {
    /// From the account's methods (`totp`, `backup_code`, `webauthn`).
    fn of<'a>(methods: impl Iterator<Item = &'a str> + Clone, state: &AppState) -> Self {
        let has = |m: &str| methods.clone().any(|x| x == m);
        Self {
            totp: has("totp"),
            backup: has("backup_code"),
            passkey: has("webauthn") && state.auth.passkeys_enabled(),
        }
    }

    /// From the form's `offer` field (as [`Offer::field`] wrote it); a form
    /// without one is offered codes.
    fn parse(field: &str, state: &AppState) -> Self {
        if field.trim().is_empty() {
            return Self { totp: true, backup: true, passkey: false };
        }
        let methods = field.split(' ').map(|m| match m {
            "passkey" => "webauthn",
            "backup" => "backup_code",
            other => other,
        });
        Self::of(methods, state)
    }

    fn field(self) -> String {
        [(self.totp, "totp"), (self.backup, "backup"), (self.passkey, "passkey")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn context(self) -> minijinja::Value {
        context! {
            totp => self.totp,
            backup => self.backup,
            passkey => self.passkey,
            // The code field: for the app's codes and backup codes, and
            // whenever there is no passkey to ask for.
            code_form => self.totp || self.backup || !self.passkey,
            offer => self.field(),
        }
    }
}

/// `GET /mfa` without a sign-in in progress: start at the beginning.
pub async fn mfa_without_challenge() -> Redirect {
    Redirect::to("/login")
}

/// Sets the new session cookie (ending any session the browser had) and
/// goes on to `return_to`, or to the account page.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    client: &gatehouse_core::audit::ClientInfo,
    pair: TokenPair,
    remember: bool,
    return_to: Option<String>,
) -> Response {
    if let Some(old) = browser::session(state, headers).await {
        if let Err(e) = state.auth.end_browser_session(&old, client).await {
            tracing::warn!(error = %e, "cannot end the previous browser session");
        }
    }
    let max_age = remember.then(|| state.config.browser.remembered.as_secs());
    let cookie = browser::session_cookie(state, pair.refresh_token.expose_secret(), max_age);
    let mut res = Redirect::to(return_to.as_deref().unwrap_or("/account")).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut().append(header::SET_COOKIE, browser::clear_cookie(CSRF_COOKIE));
    res
}

fn status_for(e: &Error) -> StatusCode {
    match e.code() {
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::AccountDisabled | ErrorCode::EmailNotVerified => StatusCode::FORBIDDEN,
        _ => StatusCode::UNAUTHORIZED,
    }
}

/// What the person reads; never says whether an account exists.
fn message_for(lang: &Lang, e: &Error) -> String {
    match e.code() {
        ErrorCode::RateLimited => super::too_many(lang, e),
        ErrorCode::ServerBusy => lang.t("server-busy"),
        ErrorCode::AccountDisabled => lang.t("login-account-disabled"),
        ErrorCode::EmailNotVerified => lang.t("login-email-not-verified"),
        ErrorCode::InvalidToken | ErrorCode::TokenExpired => lang.t("login-too-slow"),
        _ => lang.t("login-wrong-credentials"),
    }
}
