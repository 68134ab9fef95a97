//! `/account`: a signed-in person manages their account — profile and email
//! address, password, two-step verification (authenticator app, backup codes,
//! passkeys), sessions and connected apps — and signs out (`POST /logout`).
//!
//! One page with a section per subject. Each form posts to its own route (a
//! file per flow here) that checks the session's CSRF token first, acts
//! through the same core flows as the JSON API, and answers with a redirect
//! to `/account?done=…` (a fixed notice chosen here, never text from the
//! query) or with the page again and the error under the field (4xx). A
//! change of privilege — a new password, a second factor turned on — renews
//! the browser session (new id, new cookie).
//!
//! A session that must first set up a second factor (policy) may only do
//! that here, as with the API's enrolment-only tokens.

mod apps;
mod passkeys;
mod password;
mod profile;
mod sessions;
mod totp;

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::StepUpProof;
use gatehouse_core::session::{Session, SessionKind};
use gatehouse_core::{Error, ErrorCode};
use minijinja::context;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::browser;
use super::session_row::SessionRow;
use super::signed_in::SignedIn;
use super::{render, Lang};
use crate::extract::ApiQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/email", post(profile::change_email))
        .route("/account/email/resend", post(profile::resend))
        .route("/account/password", post(password::change))
        .route("/account/totp/setup", post(totp::setup))
        .route("/account/totp/enable", post(totp::enable))
        .route("/account/totp/disable", post(totp::disable))
        .route("/account/backup-codes", post(totp::backup_codes))
        .route("/account/passkeys/rename", post(passkeys::rename))
        .route("/account/passkeys/remove", post(passkeys::remove))
        .route("/account/sessions/end", post(sessions::end))
        .route("/account/sessions/end-all", post(sessions::end_all))
        .route("/account/apps/remove", post(apps::remove))
        .route("/logout", post(sessions::logout))
}

/// What an action did, as `/account?done=…` names it.
#[derive(Clone, Copy)]
enum Done {
    VerificationSent,
    EmailChangeRequested,
    PasswordChanged,
    TotpOn,
    TotpOff,
    PasskeyAdded,
    PasskeyRenamed,
    PasskeyRemoved,
    SessionEnded,
    AppRemoved,
}

impl Done {
    const ALL: [Done; 10] = [
        Done::VerificationSent,
        Done::EmailChangeRequested,
        Done::PasswordChanged,
        Done::TotpOn,
        Done::TotpOff,
        Done::PasskeyAdded,
        Done::PasskeyRenamed,
        Done::PasskeyRemoved,
        Done::SessionEnded,
        Done::AppRemoved,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Done::VerificationSent => "verification-sent",
            Done::EmailChangeRequested => "email",
            Done::PasswordChanged => "password",
            Done::TotpOn => "totp-on",
            Done::TotpOff => "totp-off",
            Done::PasskeyAdded => "passkey-added",
            Done::PasskeyRenamed => "passkey-renamed",
            Done::PasskeyRemoved => "passkey-removed",
            Done::SessionEnded => "session-ended",
            Done::AppRemoved => "app-removed",
        }
    }

    /// Its message id.
    fn message(self) -> &'static str {
        match self {
            Done::VerificationSent => "account-done-verification-sent",
            Done::EmailChangeRequested => "account-done-email",
            Done::PasswordChanged => "account-done-password",
            Done::TotpOn => "account-done-totp-on",
            Done::TotpOff => "account-done-totp-off",
            Done::PasskeyAdded => "account-done-passkey-added",
            Done::PasskeyRenamed => "account-done-passkey-renamed",
            Done::PasskeyRemoved => "account-done-passkey-removed",
            Done::SessionEnded => "account-done-session-ended",
            Done::AppRemoved => "account-done-app-removed",
        }
    }

    /// The notice for a `done` value; anything else shows nothing.
    fn notice(lang: &Lang, raw: &str) -> Option<String> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw).map(|d| lang.t(d.message()))
    }
}

/// Back to the page with the notice of `done`.
fn done(done: Done) -> Response {
    Redirect::to(&format!("/account?done={}", done.as_str())).into_response()
}

/// Fields every form of these pages carries.
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// How the page answers: its status, a notice, and errors — for the whole
/// page, or by field (the form values to show again in `values`).
struct Feedback {
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    errors: BTreeMap<&'static str, String>,
    values: BTreeMap<&'static str, String>,
}

impl Feedback {
    fn ok(notice: Option<String>) -> Self {
        Self { status: StatusCode::OK, notice, error: None, errors: BTreeMap::new(), values: BTreeMap::new() }
    }

    /// An error at the top of the page.
    fn page(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, error: Some(message.into()), ..Self::ok(None) }
    }

    /// An error under the field `field`.
    fn field(status: StatusCode, field: &'static str, message: impl Into<String>) -> Self {
        let mut fb = Self { status, ..Self::ok(None) };
        fb.errors.insert(field, message.into());
        fb
    }

    /// Shows `value` again in the field `field`.
    fn keep(mut self, field: &'static str, value: String) -> Self {
        self.values.insert(field, value);
        self
    }
}

/// A failed flow as the person sees it. Unexpected failures are logged and
/// get a generic message.
fn failure(lang: &Lang, e: &Error) -> (StatusCode, String) {
    let (status, id) = match e.code() {
        ErrorCode::RateLimited => return (StatusCode::TOO_MANY_REQUESTS, super::too_many(lang, e)),
        ErrorCode::ServerBusy => (StatusCode::SERVICE_UNAVAILABLE, "server-busy"),
        ErrorCode::InvalidCredentials => (StatusCode::UNAUTHORIZED, "account-error-wrong-password"),
        ErrorCode::ReauthenticationRequired => (StatusCode::UNAUTHORIZED, "account-error-confirm-password"),
        // The policy's reason ("add another word…"), in the page's language.
        ErrorCode::WeakPassword => return (StatusCode::UNPROCESSABLE_ENTITY, super::reasons::input_problem(lang, e)),
        ErrorCode::InvalidEmail => (StatusCode::UNPROCESSABLE_ENTITY, "account-error-invalid-email"),
        ErrorCode::EmailTaken => (StatusCode::CONFLICT, "account-error-email-taken"),
        ErrorCode::InvalidMfaCode => (StatusCode::UNAUTHORIZED, "account-error-wrong-code"),
        // The session ended: one wrong proof of presence too many.
        ErrorCode::InvalidToken => (StatusCode::UNAUTHORIZED, "account-error-logged-out"),
        ErrorCode::MfaAlreadyEnabled => (StatusCode::CONFLICT, "account-error-totp-already-on"),
        ErrorCode::MfaNotEnabled => (StatusCode::CONFLICT, "account-error-two-step-off"),
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, "account-error-gone"),
        ErrorCode::AccountDisabled => (StatusCode::FORBIDDEN, "account-error-disabled"),
        _ => {
            tracing::error!(error = %e, "an account page action failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "account-error-internal")
        }
    };
    (status, lang.t(id))
}

/// The proof of a form's optional "Current password" field.
fn proof(password: String) -> StepUpProof {
    StepUpProof { password: (!password.is_empty()).then(|| password.into()), code: None }
}

/// The session may only set up a second factor (policy demands one).
fn enrol_only(state: &AppState, signed_in: &SignedIn) -> bool {
    signed_in.auth(state).may_only_enroll()
}

/// The preface of every form but enrolment: the answer when the post is not
/// genuine (CSRF, Origin) or the session may only enrol; `None` to go on.
fn refusal(state: &AppState, lang: &Lang, signed_in: &SignedIn, headers: &HeaderMap, csrf: &str) -> Option<Response> {
    if !signed_in.check_form(state, headers, csrf) {
        return Some(super::signed_in::forged_in(state, lang));
    }
    enrol_only(state, signed_in).then(|| enrol_first(state, lang))
}

/// The answer to anything else an enrolment-only session tries.
fn enrol_first(state: &AppState, lang: &Lang) -> Response {
    render(
        state,
        lang,
        StatusCode::FORBIDDEN,
        "message.html",
        context! {
            title => lang.t("account-enrol-first-title"),
            message => lang.t("account-enrol-first"),
            error => true,
            link => "/account",
            link_text => lang.t("account-back"),
        },
    )
}

/// A generic error page for a failure that is logged, not shown.
fn internal(state: &AppState, lang: &Lang) -> Response {
    render(
        state,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        "message.html",
        context! {
            title => lang.t("account-internal-title"),
            message => lang.t("account-internal"),
            error => true,
            link => "/account",
            link_text => lang.t("account-back"),
        },
    )
}

/// After a change of privilege: a new browser session replaces this one and
/// its `Set-Cookie` is returned. If that fails, this session ends too (the
/// change stands; the person signs in again) and `None` is returned.
async fn renew(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: &SignedIn,
    client: &ClientInfo,
) -> Option<HeaderValue> {
    // Read again: the flow may just have changed how and when it was authenticated.
    let current = browser::session(state, headers).await.unwrap_or_else(|| signed_in.browser.clone());
    match state.auth.renew_browser_session(&current, client).await {
        Ok(value) => Some(browser::renewed_session_cookie(state, &current.session, value.expose_secret())),
        Err(e) => {
            tracing::error!(error = %e, "cannot renew a browser session; ending it");
            if let Err(e) = state.auth.end_browser_session(&current, client).await {
                tracing::error!(error = %e, "cannot end a browser session");
            }
            None
        }
    }
}

/// Sets the renewed session's cookie on `res`, or clears the cookie when the
/// session could not be renewed (and was ended).
fn with_session_cookie(state: &AppState, mut res: Response, cookie: Option<HeaderValue>) -> Response {
    let value = cookie.unwrap_or_else(|| browser::clear_session_cookie(state));
    res.headers_mut().append(header::SET_COOKIE, value);
    res
}

/// The browser is signed out: no cookie, off to the login page.
fn signed_out(state: &AppState) -> Response {
    with_session_cookie(state, Redirect::to("/login?done=logged-out").into_response(), None)
}

/// `GET /account`.
async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed_in: SignedIn,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> Response {
    let notice = q.done.as_deref().and_then(|raw| Done::notice(&lang, raw));
    page(&state, &lang, &signed_in, Feedback::ok(notice)).await
}

/// The account page with `fb`.
async fn page(state: &AppState, lang: &Lang, signed_in: &SignedIn, fb: Feedback) -> Response {
    match view(state, lang, signed_in).await {
        Ok(ctx) => render(
            state,
            lang,
            fb.status,
            "account.html",
            context! { notice => fb.notice, error => fb.error, errors => fb.errors, values => fb.values, ..ctx },
        ),
        Err(e) => {
            tracing::error!(error = %e, "cannot show the account page");
            internal(state, lang)
        }
    }
}

#[derive(Serialize)]
struct PasskeyRow {
    id: String,
    name: String,
    created: String,
    last_used: Option<String>,
}

#[derive(Serialize)]
struct AppRow {
    client_id: String,
    name: String,
    scopes: Vec<String>,
    granted: String,
}

/// Everything the page shows.
async fn view(state: &AppState, lang: &Lang, signed_in: &SignedIn) -> Result<minijinja::Value, Error> {
    let auth_service = &state.auth;
    let auth = signed_in.auth(state);
    let user = &signed_in.browser.user;
    let mfa = auth_service.mfa_status(auth.user_id()).await?;
    let passkeys: Vec<PasskeyRow> = auth_service
        .list_passkeys(&auth)
        .await?
        .into_iter()
        .map(|p| PasskeyRow {
            id: p.id.to_string(),
            name: p.name,
            created: when(p.created_at),
            last_used: p.last_used_at.map(when),
        })
        .collect();
    let consents = state.oauth.consents(auth.user_id()).await?;
    let names: HashMap<String, String> =
        consents.iter().filter_map(|(c, client)| Some((c.client_id.clone(), client.as_ref()?.name.clone()))).collect();
    let sessions: Vec<SessionRow> = auth_service
        .my_sessions(&auth)
        .await?
        .iter()
        .map(|s| session_row(lang, s, s.id == signed_in.browser.session.id, &names))
        .collect();
    let apps: Vec<AppRow> = consents
        .into_iter()
        .map(|(c, client)| AppRow {
            name: client.map(|cl| cl.name).unwrap_or_else(|| c.client_id.clone()),
            scopes: c.scope.iter().map(str::to_owned).collect(),
            granted: when(c.granted_at),
            client_id: c.client_id,
        })
        .collect();
    let api_keys = auth_service.my_api_keys(&auth).await?.iter().filter(|k| k.revoked_at.is_none()).count();
    let step_up_window = time::Duration::try_from(state.config.step_up_window).unwrap_or(time::Duration::ZERO);
    Ok(context! {
        title => lang.t("account-title"),
        csrf => &signed_in.csrf,
        admin => super::admin::Can::of(signed_in).anything(),
        enrol_only => enrol_only(state, signed_in),
        username => user.username.as_str(),
        email => user.email.as_str(),
        email_verified => user.email_verified,
        member_since => when(user.created_at),
        min_length => state.config.password_policy.min_length,
        totp => mfa.totp,
        second_factor => mfa.has_second_factor(),
        backup_codes => mfa.backup_codes_remaining,
        api_keys,
        step_up => state.clock.now() - signed_in.browser.session.auth_time > step_up_window,
        passkeys_enabled => auth_service.passkeys_enabled(),
        passkeys,
        sessions,
        apps,
    })
}

fn session_row(lang: &Lang, s: &Session, current: bool, names: &HashMap<String, String>) -> SessionRow {
    let app = match &s.kind {
        SessionKind::OAuth { client_id, .. } => names.get(client_id).map(String::as_str),
        _ => None,
    };
    SessionRow::of_in(lang, s, app, when, current)
}

/// A moment as the pages show it: `2026-11-23 20:41 UTC`.
fn when(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::lang::tests::lang;

    #[test]
    fn moments_are_shown_in_utc_to_the_minute() {
        let t = time::macros::datetime!(2026-11-23 21:41:07 +01:00);
        assert_eq!(when(t), "2026-11-23 20:41 UTC");
    }

    #[test]
    fn only_known_notices_are_shown() {
        let en = lang("en");
        for d in Done::ALL {
            let notice = Done::notice(&en, d.as_str()).unwrap();
            assert!(!notice.starts_with("account-"), "{notice}: a message of the catalog");
        }
        assert_eq!(
            Done::notice(&en, "password").as_deref(),
            Some("Your password was changed. Every other session was logged out.")
        );
        assert_eq!(Done::notice(&lang("de"), "passkey-added").as_deref(), Some("Passkey hinzugefügt."));
        assert_eq!(Done::notice(&en, "<script>alert(1)</script>"), None);
        assert_eq!(Done::notice(&en, ""), None);
    }

    #[test]
    fn failures_speak_the_page_language() {
        let e = Error::InvalidCredentials;
        assert_eq!(failure(&lang("en"), &e), (StatusCode::UNAUTHORIZED, "That password is not right.".to_owned()));
        assert_eq!(failure(&lang("es"), &e).1, "Esa contraseña no es correcta.");
    }
}
