//! `/admin`: the administrator's pages — users (search, disable/enable,
//! unlock, roles), OAuth clients (register, delete) and the audit log. They
//! call the same core flows as the JSON admin API, with the signed-in admin
//! as the actor, so the audit log names them.
//!
//! Every handler takes the [`Admin`] extractor: a signed-in session (else the
//! browser goes to `/login`) whose user holds the `admin` role (else a 403
//! page) and that is not limited to enrolling a second factor. Every form
//! post also passes [`SignedIn::check_form`] before it acts, then redirects
//! back (303) with a notice chosen by a fixed key — never text taken from
//! the query. The pages that show a form's errors, or a new client's
//! secret, answer the post directly instead.

mod audit;
mod clients;
mod users;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use time::macros::format_description;
use time::OffsetDateTime;

use super::signed_in::SignedIn;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::show))
        .route("/admin/users/{id}/disable", post(users::disable))
        .route("/admin/users/{id}/enable", post(users::enable))
        .route("/admin/users/{id}/unlock", post(users::unlock))
        .route("/admin/users/{id}/mfa-reset", post(users::reset_mfa))
        .route("/admin/users/{id}/roles", post(users::roles))
        .route("/admin/clients", get(clients::list).post(clients::create))
        .route("/admin/clients/{id}/delete", post(clients::delete))
        .route("/admin/audit", get(audit::list))
}

/// A signed-in person with the `admin` role whose session is not limited to
/// enrolling a second factor (when policy demands one). Taking this
/// extractor is the role check: the handler never runs for anyone else.
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if !signed_in.is_admin() {
            return Err(not_admin(state));
        }
        // Like the admin API, which refuses tokens that may only enrol.
        if signed_in.auth(state).may_only_enroll() {
            return Err(enrol_first(state));
        }
        Ok(Self(signed_in))
    }
}

/// The signed-in administrator as the flows' actor (an admin: every check passes
/// but the ones that protect the last administrator and oneself).
fn actor(admin: &SignedIn) -> gatehouse_core::rbac::Actor {
    gatehouse_core::rbac::Actor::signed_in(&admin.browser.user)
}

/// The form every post of these pages carries at least.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `?notice=key` after a redirect: the key selects a fixed message.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// A message above a page's content.
#[derive(serde::Serialize)]
struct Notice {
    message: &'static str,
    error: bool,
}

/// The notice of `key` in a page's table of (key, message, is error).
fn notice(table: &[(&str, &'static str, bool)], key: Option<&str>) -> Option<Notice> {
    let key = key?;
    table.iter().find(|(k, _, _)| *k == key).map(|(_, message, error)| Notice { message, error: *error })
}

/// `GET /admin`: the users list is the start page.
async fn index(Admin(_): Admin) -> Redirect {
    Redirect::to("/admin/users")
}

fn not_admin(state: &AppState) -> Response {
    message(state, StatusCode::FORBIDDEN, "Not allowed", "You need the admin role to use the administration pages.")
}

fn enrol_first(state: &AppState) -> Response {
    message(
        state,
        StatusCode::FORBIDDEN,
        "Set up two-step verification first",
        "Your account needs two-step verification before you can use the administration pages.",
    )
}

fn not_found(state: &AppState, what: &'static str) -> Response {
    message(state, StatusCode::NOT_FOUND, "Not found", what)
}

/// An unexpected failure: logged, and a generic page.
fn internal(state: &AppState, e: &gatehouse_core::Error) -> Response {
    tracing::error!(error = %e, "an admin page failed");
    message(state, StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Something went wrong. Try again later.")
}

fn message(state: &AppState, status: StatusCode, title: &str, text: &str) -> Response {
    super::render(
        state,
        status,
        "message.html",
        minijinja::context! { title, message => text, error => true, link => "/account", link_text => "Your account" },
    )
}

/// A redirect back to `path` with a fixed notice.
fn back(path: &str, notice: &str) -> Response {
    Redirect::to(&format!("{path}?notice={notice}")).into_response()
}

/// A time as the tables show it (always UTC).
fn when(t: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// Pages are numbered from 1; anything else is page 1, and there is a far end.
fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1).min(100_000)
}

/// The links to the previous and next pages of a list: `path?filters&page=n`.
fn pager(path: &str, filters: &[(&str, &str)], page: u32, more: bool) -> (Option<String>, Option<String>) {
    let href = |n: u32| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in filters.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        q.append_pair("page", &n.to_string());
        format!("{path}?{}", q.finish())
    };
    let previous = (page > 1).then(|| href(page - 1));
    let next = more.then(|| href(page + 1));
    (previous, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_lenient() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("abc")), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("4294967295")), 100_000);
    }

    #[test]
    fn pager_keeps_the_filters() {
        let (prev, next) = pager("/admin/users", &[("q", "a b&c"), ("x", "")], 2, true);
        assert_eq!(prev.as_deref(), Some("/admin/users?q=a+b%26c&page=1"));
        assert_eq!(next.as_deref(), Some("/admin/users?q=a+b%26c&page=3"));
        assert_eq!(pager("/admin/users", &[], 1, false), (None, None));
    }

    #[test]
    fn notices_come_from_the_table_only() {
        let table = [("saved", "Saved.", false)];
        assert_eq!(notice(&table, Some("saved")).map(|n| n.message), Some("Saved."));
        assert!(notice(&table, Some("<script>")).is_none());
        assert!(notice(&table, None).is_none());
    }
}
