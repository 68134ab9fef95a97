//! `/admin`: the administration console — users (search, create or invite,
//! edit, disable/enable, unlock, force a password reset, reset second
//! factors, roles, sessions, API keys, delete), roles and their permissions,
//! OAuth clients (register, edit, rotate the secret, delete), upstream
//! providers, signing keys and the audit log. They call the same core flows
//! as the JSON admin API, with the signed-in person as the actor, so the
//! core checks every permission and the audit log names who acted.
//!
//! Every handler takes the [`Admin`] extractor: a signed-in session (else the
//! browser goes to `/login`) whose user holds at least one of Gatehouse's
//! permissions (else a 403 page) and that is not limited to enrolling a
//! second factor. A delegated administrator sees the tabs, buttons and forms
//! their permissions allow ([`Can`]); a post they may not make is refused by
//! the core (a 403 page). Every form post also passes
//! [`SignedIn::check_form`] before it acts, then redirects back (303) with a
//! notice chosen by a fixed key — never text taken from the query.
//! Destructive actions (delete, rotate, end every session) ask first on a
//! confirmation page. The pages that show a form's errors, or a secret shown
//! once, answer the post directly instead.

mod audit;
mod clients;
mod confirm;
mod keys;
mod roles;
mod upstreams;
mod user;
mod user_access;
mod user_sessions;
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
use super::Lang;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/{id}", get(user::show).post(user::edit))
        .route("/admin/users/{id}/roles", post(user::roles))
        .route("/admin/users/{id}/disable", post(user_access::disable))
        .route("/admin/users/{id}/enable", post(user_access::enable))
        .route("/admin/users/{id}/unlock", post(user_access::unlock))
        .route("/admin/users/{id}/mfa-reset", post(user_access::reset_mfa))
        .route(
            "/admin/users/{id}/password-reset",
            get(user_access::ask_password_reset).post(user_access::password_reset),
        )
        .route("/admin/users/{id}/delete", get(user_access::ask_delete).post(user_access::delete))
        .route("/admin/users/{id}/sessions/end", post(user_sessions::end_one))
        .route("/admin/users/{id}/sessions/end-all", get(user_sessions::ask_end_all).post(user_sessions::end_all))
        .route("/admin/users/{id}/api-keys/revoke", post(user_sessions::revoke_key))
        .route("/admin/roles", get(roles::list).post(roles::create))
        .route("/admin/roles/{name}", get(roles::show).post(roles::update))
        .route("/admin/roles/{name}/delete", get(roles::ask_delete).post(roles::delete))
        .route("/admin/clients", get(clients::list).post(clients::create))
        .route("/admin/clients/{id}", get(clients::show).post(clients::update))
        .route("/admin/clients/{id}/secret", get(clients::ask_rotate).post(clients::rotate))
        .route("/admin/clients/{id}/delete", get(clients::ask_delete).post(clients::delete))
        .route("/admin/upstreams", get(upstreams::list).post(upstreams::add))
        .route("/admin/upstreams/{id}/remove", get(upstreams::ask_remove).post(upstreams::remove))
        .route("/admin/keys", get(keys::list))
        .route("/admin/keys/rotate", get(keys::ask_rotate).post(keys::rotate))
        .route("/admin/audit", get(audit::list))
}

/// A signed-in person holding at least one of Gatehouse's permissions
/// (the `admin` role holds them all) whose session is not limited to
/// enrolling a second factor (when policy demands one). Taking this
/// extractor is the entry check; each action's permission is the core's.
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        if !Can::of(&signed_in).anything() {
            return Err(not_admin(state, &lang));
        }
        // Like the admin API, which refuses tokens that may only enrol.
        if signed_in.auth(state).may_only_enroll() {
            return Err(enrol_first(state, &lang));
        }
        Ok(Self(signed_in))
    }
}

/// The signed-in person as the flows' actor: their permissions as they are
/// now (an admin passes every check but the ones that protect the last
/// administrator and oneself).
fn actor(admin: &SignedIn) -> gatehouse_core::rbac::Actor {
    gatehouse_core::rbac::Actor::signed_in(&admin.browser.user)
}

/// What the signed-in person may do here: the pages show a tab, button or
/// form only when its permission is held. Showing is a courtesy; the core
/// checks each action again.
#[derive(serde::Serialize, Clone, Copy)]
pub struct Can {
    users_read: bool,
    users_write: bool,
    users_delete: bool,
    roles_read: bool,
    roles_write: bool,
    roles_assign: bool,
    clients_read: bool,
    clients_write: bool,
    keys_read: bool,
    keys_rotate: bool,
    audit_read: bool,
    /// Upstream providers: administrators only (the catalog has no
    /// permission for them; they decide who may sign in at all).
    upstreams: bool,
}

impl Can {
    pub fn of(signed_in: &SignedIn) -> Self {
        use gatehouse_core::rbac as p;
        let actor = actor(signed_in);
        let holds = |permission: &str| actor.holds(permission);
        Self {
            users_read: holds(p::USERS_READ),
            users_write: holds(p::USERS_WRITE),
            users_delete: holds(p::USERS_DELETE),
            roles_read: holds(p::ROLES_READ),
            roles_write: holds(p::ROLES_WRITE),
            roles_assign: holds(p::ROLES_ASSIGN),
            clients_read: holds(p::CLIENTS_READ),
            clients_write: holds(p::CLIENTS_WRITE),
            keys_read: holds(p::KEYS_READ),
            keys_rotate: holds(p::KEYS_ROTATE),
            audit_read: holds(p::AUDIT_READ),
            upstreams: actor.is_superuser(),
        }
    }

    /// Any part of the console at all.
    pub fn anything(self) -> bool {
        self.users_read
            || self.users_write
            || self.users_delete
            || self.roles_read
            || self.roles_write
            || self.roles_assign
            || self.clients_read
            || self.clients_write
            || self.keys_read
            || self.keys_rotate
            || self.audit_read
            || self.upstreams
    }

    /// The first tab this person may open: the console's start page.
    fn start(self) -> &'static str {
        [
            (self.users_read, "/admin/users"),
            (self.roles_read, "/admin/roles"),
            (self.clients_read, "/admin/clients"),
            (self.upstreams, "/admin/upstreams"),
            (self.keys_read, "/admin/keys"),
            (self.audit_read, "/admin/audit"),
        ]
        .iter()
        .find(|(may, _)| *may)
        .map_or("/account", |(_, path)| *path)
    }
}

/// Renders an admin page in `lang`: `can` and the form token are always in
/// the context.
fn render_admin(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    name: &str,
    ctx: minijinja::Value,
) -> Response {
    let ctx = minijinja::context! { can => Can::of(admin), csrf => &admin.csrf, ..ctx };
    super::render(state, lang, status, name, ctx)
}

/// The 403 page of an action the person's permissions do not allow.
fn forbidden(state: &AppState, lang: &Lang) -> Response {
    message(state, lang, StatusCode::FORBIDDEN, "admin-not-allowed-title", &lang.t("admin-forbidden"))
}

/// A confirmation page is shown only to whoever may then act: the 403 page
/// when `allowed` is false.
fn may(state: &AppState, lang: &Lang, allowed: bool) -> Option<Response> {
    (!allowed).then(|| forbidden(state, lang))
}

/// A failed action: the core's refusal of a permission is a 403 page, a
/// vanished target a 404, anything else logged and a 500.
fn refused(state: &AppState, lang: &Lang, e: &gatehouse_core::Error) -> Response {
    match e.code() {
        gatehouse_core::ErrorCode::Forbidden => forbidden(state, lang),
        gatehouse_core::ErrorCode::NotFound => not_found(state, lang, "admin-gone"),
        _ => internal(state, lang, e),
    }
}

/// What a person reads under a field for a refusal of the core: a message
/// of the catalog by the error's code. Where the core explains the refusal
/// in its own words (a username's rules, a redirect URI's), the message
/// gets them as `$detail` (the English catalog shows them; another language
/// may describe the rule itself).
fn core_error(lang: &Lang, e: &gatehouse_core::Error) -> String {
    use gatehouse_core::Error as E;
    match e {
        E::UsernameTaken => lang.t("admin-error-username-taken"),
        E::EmailTaken => lang.t("admin-error-email-taken"),
        E::UnknownRole(role) => lang.t_with("admin-error-unknown-role", [("role", role.as_str().into())]),
        E::RoleExists(role) => lang.t_with("admin-error-role-exists", [("role", role.as_str().into())]),
        E::InvalidUsername(_) | E::InvalidEmail(_) | E::WeakPassword(_) => {
            crate::pages::reasons::input_problem(lang, e)
        }
        E::BuiltinRole(_) => core_detail(lang, "admin-error-builtin-role", e),
        _ => core_detail(lang, "admin-error-invalid", e),
    }
}

/// Message `id` about a refusal of the core, with the core's own words as
/// `$detail` (a sentence).
fn core_detail(lang: &Lang, id: &str, e: &gatehouse_core::Error) -> String {
    lang.t_with(id, [("detail", crate::pages::register::sentence(&e.to_string()).into())])
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
    message: String,
    error: bool,
}

/// The notice of `key` in a page's table of (key, message id, is error).
fn notice(lang: &Lang, table: &[(&str, &str, bool)], key: Option<&str>) -> Option<Notice> {
    let key = key?;
    table.iter().find(|(k, _, _)| *k == key).map(|(_, id, error)| Notice { message: lang.t(id), error: *error })
}

/// `GET /admin`: the first tab the person may open.
async fn index(Admin(admin): Admin) -> Redirect {
    Redirect::to(Can::of(&admin).start())
}

fn not_admin(state: &AppState, lang: &Lang) -> Response {
    message(state, lang, StatusCode::FORBIDDEN, "admin-not-allowed-title", &lang.t("admin-not-admin"))
}

fn enrol_first(state: &AppState, lang: &Lang) -> Response {
    message(state, lang, StatusCode::FORBIDDEN, "admin-enrol-first-title", &lang.t("admin-enrol-first"))
}

/// The 404 page, saying what is missing (message `what`).
fn not_found(state: &AppState, lang: &Lang, what: &str) -> Response {
    message(state, lang, StatusCode::NOT_FOUND, "admin-not-found-title", &lang.t(what))
}

/// An unexpected failure: logged, and a generic page.
fn internal(state: &AppState, lang: &Lang, e: &gatehouse_core::Error) -> Response {
    tracing::error!(error = %e, "an admin page failed");
    let text = lang.t("admin-internal");
    message(state, lang, StatusCode::INTERNAL_SERVER_ERROR, "admin-internal-title", &text)
}

/// A page that says `text` under the title of message `title`.
fn message(state: &AppState, lang: &Lang, status: StatusCode, title: &str, text: &str) -> Response {
    super::render(
        state,
        lang,
        status,
        "message.html",
        minijinja::context! {
            title => lang.t(title),
            message => text,
            error => true,
            link => "/account",
            link_text => lang.t("admin-your-account"),
        },
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
        let table = [("saved", "admin-user-roles-saved", false)];
        let en = crate::pages::lang::tests::lang("en");
        let saved = notice(&en, &table, Some("saved")).map(|n| n.message);
        assert_eq!(saved.as_deref(), Some("Roles saved."));
        let de = crate::pages::lang::tests::lang("de");
        assert_eq!(notice(&de, &table, Some("saved")).map(|n| n.message).as_deref(), Some("Rollen gespeichert."));
        assert!(notice(&en, &table, Some("<script>")).is_none());
        assert!(notice(&en, &table, None).is_none());
    }
}
