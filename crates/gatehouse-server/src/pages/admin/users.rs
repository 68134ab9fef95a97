//! `/admin/users`: search and page through the users; one user's details
//! with the forms to disable or enable the account, unlock it after failed
//! sign-ins and set its roles, and the user's recent audit events.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::account::{Role, User, UserId};
use gatehouse_core::audit::AuditQuery;
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{actor, back, internal, not_found, notice, page_number, pager, when, Admin, CsrfForm, NoticeQuery};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged, SignedIn};
use crate::state::AppState;

const PER_PAGE: u32 = 50;
/// The longest roles field accepted.
const ROLES_MAX: usize = 1000;

/// What a user's detail page says after each action.
const NOTICES: &[(&str, &str, bool)] = &[
    ("disabled", "The account is disabled and its sessions have ended.", false),
    ("enabled", "The account is enabled.", false),
    ("unlocked", "The account is unlocked: failed sign-ins are forgotten.", false),
    ("mfa_reset", "The second factors are removed and every session has ended; the person was mailed a notice.", false),
    ("mfa_unconfirmed", "Tick the box to confirm you checked who asked, then reset again.", true),
    ("roles", "Roles saved.", false),
    ("self_disable", "You cannot disable your own account.", true),
    ("last_admin", "This is the last active administrator: give another account the admin role first.", true),
];

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    roles: String,
}

/// A user as the tables show it.
#[derive(Serialize)]
struct UserRow {
    id: String,
    username: String,
    email: String,
    verified: bool,
    roles: Vec<String>,
    active: bool,
    locked_until: Option<String>,
    failed_logins: u32,
    created: String,
    updated: String,
}

impl UserRow {
    /// The row of `u` at `now` (a lock shows while it lasts).
    fn at(u: &User, now: time::OffsetDateTime) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.as_str().to_owned(),
            email: u.email.as_str().to_owned(),
            verified: u.email_verified,
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            active: u.is_active,
            locked_until: u.locked_until.filter(|t| *t > now).map(when),
            failed_logins: u.failed_logins,
            created: when(u.created_at),
            updated: when(u.updated_at),
        }
    }
}

/// `GET /admin/users?q=&page=`.
pub async fn list(State(state): State<AppState>, Admin(admin): Admin, Query(query): Query<ListQuery>) -> Response {
    let q: String = query.q.unwrap_or_default().trim().chars().take(254).collect();
    let page = page_number(query.page.as_deref());
    let filter = gatehouse_core::store::UserFilter { search: Some(q.clone()), ..Default::default() };
    let mut users = match state.admin.list_users(&actor(&admin), &filter, PER_PAGE + 1, (page - 1) * PER_PAGE).await {
        Ok(users) => users,
        Err(e) => return internal(&state, &e),
    };
    let more = users.len() > PER_PAGE as usize;
    users.truncate(PER_PAGE as usize);
    let (previous, next) = pager("/admin/users", &[("q", &q)], page, more);
    let now = state.clock.now();
    let rows: Vec<UserRow> = users.iter().map(|u| UserRow::at(u, now)).collect();
    super::super::render(
        &state,
        StatusCode::OK,
        "admin_users.html",
        context! { title => "Users", tab => "users", q, users => rows, page, previous, next, csrf => admin.csrf },
    )
}

/// `GET /admin/users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let user = match load(&state, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let roles = user.roles.iter().map(Role::as_str).collect::<Vec<_>>().join(", ");
    let notice = notice(NOTICES, query.notice.as_deref());
    detail_page(&state, &admin, StatusCode::OK, &user, notice, &roles, None).await
}

/// `POST /admin/users/{id}/disable`: the account cannot sign in and its
/// sessions end. An admin cannot disable their own account.
pub async fn disable(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    if user.id == admin.browser.user.id {
        return back(&path_of(user.id), "self_disable");
    }
    match state.admin.set_active(&actor(&admin), user.id, false, &client).await {
        Ok(_) => back(&path_of(user.id), "disabled"),
        Err(e) if e.code() == ErrorCode::LastAdmin => back(&path_of(user.id), "last_admin"),
        Err(e) => internal(&state, &e),
    }
}

/// `POST /admin/users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.set_active(&actor(&admin), user.id, true, &client).await {
        Ok(_) => back(&path_of(user.id), "enabled"),
        Err(e) => internal(&state, &e),
    }
}

/// `POST /admin/users/{id}/unlock`: forgets the failed sign-ins and the lock.
pub async fn unlock(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.unlock(&actor(&admin), user.id, &client).await {
        Ok(_) => back(&path_of(user.id), "unlocked"),
        Err(e) => internal(&state, &e),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    /// The box "I have checked who is asking" (a destructive action).
    #[serde(default)]
    confirmed: Option<String>,
}

/// `POST /admin/users/{id}/mfa-reset`: removes the second factors (a lost
/// device) once the administrator ticked that they checked who is asking.
pub async fn reset_mfa(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    let user = match checked(&state, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    if form.confirmed.as_deref() != Some("yes") {
        return back(&path_of(user.id), "mfa_unconfirmed");
    }
    match state.admin.reset_second_factors(&actor(&admin), user.id, &client).await {
        Ok(_) => back(&path_of(user.id), "mfa_reset"),
        Err(e) => internal(&state, &e),
    }
}

/// `POST /admin/users/{id}/roles`: replaces the roles with the listed ones
/// (comma or space separated). A bad name shows the form again with the
/// error; an admin cannot take the admin role from themselves.
pub async fn roles(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<RolesForm>,
) -> Response {
    let user = match checked(&state, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let refused = |error: String| {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        detail_page(&state, &admin, status, &user, None, &form.roles, Some(error))
    };
    let roles = match parse_roles(&form.roles) {
        Ok(roles) => roles,
        Err(error) => return refused(error).await,
    };
    let is_self = user.id == admin.browser.user.id;
    if is_self && !roles.iter().any(|r| r.as_str() == Role::ADMIN) {
        return refused("You cannot remove your own admin role; ask another administrator.".into()).await;
    }
    match state.admin.set_roles(&actor(&admin), user.id, roles, &client).await {
        Ok(_) => back(&path_of(user.id), "roles"),
        // The refusals a person can act on are shown by the field.
        Err(e) if e.code() != ErrorCode::Internal => refused(e.to_string()).await,
        Err(e) => internal(&state, &e),
    }
}

/// The roles of the form: names separated by commas or spaces, each a valid
/// role name, duplicates dropped. The error is the message for the field.
fn parse_roles(raw: &str) -> Result<Vec<Role>, String> {
    if raw.len() > ROLES_MAX {
        return Err(format!("List at most {ROLES_MAX} characters of roles."));
    }
    let mut roles: Vec<Role> = Vec::new();
    for name in raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let role = Role::parse(name).map_err(|_| {
            format!("“{name}” is not a valid role name: use lower-case letters, digits, “_”, “:” and “-”.")
        })?;
        if !roles.iter().any(|r| r.as_str() == role.as_str()) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// The user of a path id, or the page to answer instead (404 for an id that
/// is not a user's).
/// A form post about user `id`: the CSRF check first, then the user.
async fn checked(
    state: &AppState,
    headers: &HeaderMap,
    admin: &SignedIn,
    csrf: &str,
    id: &str,
) -> Result<User, Response> {
    if !admin.check_form(state, headers, csrf) {
        return Err(forged(state));
    }
    load(state, id).await
}

async fn load(state: &AppState, id: &str) -> Result<User, Response> {
    let missing = || not_found(state, "There is no such user.");
    let Ok(id) = uuid::Uuid::parse_str(id) else {
        return Err(missing());
    };
    match state.admin.find_user(&id.to_string()).await {
        // find_user also matches names; only the id counts here.
        Ok(user) if user.id == UserId(id) => Ok(user),
        Ok(_) => Err(missing()),
        Err(e) if e.code() == ErrorCode::NotFound => Err(missing()),
        Err(e) => Err(internal(state, &e)),
    }
}

fn path_of(id: UserId) -> String {
    format!("/admin/users/{id}")
}

/// A user's page: details, the forms, the last 20 audit events.
async fn detail_page(
    state: &AppState,
    admin: &SignedIn,
    status: StatusCode,
    user: &User,
    notice: Option<super::Notice>,
    roles: &str,
    roles_error: Option<String>,
) -> Response {
    let query = AuditQuery { user: Some(user.id), limit: 20, ..Default::default() };
    let events = match state.admin.audit_log(&actor(admin), query).await {
        Ok(events) => super::audit::rows(state, &events).await,
        Err(e) => return internal(state, &e),
    };
    super::super::render(
        state,
        status,
        "admin_user.html",
        context! {
            title => format!("User {}", user.username.as_str()),
            tab => "users",
            user => UserRow::at(user, state.clock.now()),
            is_self => user.id == admin.browser.user.id,
            roles,
            roles_error,
            notice,
            events,
            csrf => &admin.csrf,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_split_on_commas_and_spaces_and_deduplicated() {
        let roles = parse_roles(" admin, user  support:read,admin\n").unwrap();
        let names: Vec<&str> = roles.iter().map(Role::as_str).collect();
        assert_eq!(names, ["admin", "user", "support:read"]);
        assert!(parse_roles("").unwrap().is_empty());
    }

    #[test]
    fn bad_role_names_are_named_in_the_error() {
        let error = parse_roles("user, Admin").unwrap_err();
        assert!(error.contains("“Admin”"), "{error}");
        assert!(parse_roles(&"a".repeat(ROLES_MAX + 1)).is_err());
    }
}
