//! `/admin/users/{id}`: one user — details, the edit form (username, email,
//! whether it is verified), roles, what can be done to the account
//! ([`super::user_access`]), their sessions and API keys
//! ([`super::user_sessions`]) and their recent audit events. Each part shows
//! only when the person's permissions allow it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::account::{Role, User};
use gatehouse_core::audit::AuditQuery;
use gatehouse_core::flows::UserUpdate;
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::users::{checked, load, parse_roles, path_of, UserRow};
use super::{actor, back, core_error, internal, notice, refused, render_admin, when, Admin, Can, NoticeQuery};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::pages::session_row::SessionRow;
use crate::pages::signed_in::SignedIn;
use crate::pages::Lang;
use crate::state::AppState;

/// What a user's page says after each action: (key, message id, is error).
const NOTICES: &[(&str, &str, bool)] = &[
    ("created", "admin-user-created", false),
    ("saved", "admin-user-saved", false),
    ("disabled", "admin-user-disabled", false),
    ("enabled", "admin-user-enabled", false),
    ("unlocked", "admin-user-unlocked", false),
    ("mfa_reset", "admin-user-mfa-reset", false),
    ("mfa_unconfirmed", "admin-user-mfa-unconfirmed", true),
    ("reset_required", "admin-user-reset-required", false),
    ("roles", "admin-user-roles-saved", false),
    ("session_ended", "admin-user-session-ended", false),
    ("sessions_ended", "admin-user-sessions-ended", false),
    ("key_revoked", "admin-user-key-revoked", false),
    ("self_disable", "admin-user-self-disable", true),
    ("self_delete", "admin-user-self-delete", true),
    ("last_admin", "admin-user-last-admin", true),
];

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    verified: Option<String>,
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    roles: String,
}

/// The edit form as shown (again, with its errors).
#[derive(Serialize, Default)]
struct Edit {
    username: String,
    email: String,
    verified: bool,
    username_error: Option<String>,
    email_error: Option<String>,
}

impl Edit {
    fn of(user: &User) -> Self {
        Self {
            username: user.username.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            verified: user.email_verified,
            ..Default::default()
        }
    }
}

/// An API key as the user's page lists it (never its secret).
#[derive(Serialize)]
struct KeyRow {
    id: String,
    name: String,
    scopes: Vec<String>,
    created: String,
    expires: Option<String>,
    last_used: Option<String>,
}

/// `GET /admin/users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let roles = user.roles.iter().map(Role::as_str).collect::<Vec<_>>().join(", ");
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    let parts = Parts { notice, roles, edit: Edit::of(&user), ..Default::default() };
    detail_page(&state, &lang, &admin, StatusCode::OK, &user, parts).await
}

/// `POST /admin/users/{id}`: changes the username, the email address and
/// whether it is verified. A new address is unverified unless the box says
/// otherwise.
pub async fn edit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<EditForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let username = form.username.trim();
    let email = form.email.trim();
    let update = UserUpdate {
        username: (username != user.username.as_str()).then(|| username.to_owned()),
        email: (!email.eq_ignore_ascii_case(user.email.as_str())).then(|| email.to_owned()),
        email_verified: Some(form.verified.is_some()),
    };
    match state.admin.update_user(&actor(&admin), user.id, update, &client).await {
        Ok(_) => back(&path_of(user.id), "saved"),
        Err(e) => {
            let message = Some(core_error(&lang, &e));
            let mut edit = Edit {
                username: username.to_owned(),
                email: email.to_owned(),
                verified: form.verified.is_some(),
                ..Default::default()
            };
            match e.code() {
                ErrorCode::InvalidUsername | ErrorCode::UsernameTaken => edit.username_error = message,
                ErrorCode::InvalidEmail | ErrorCode::EmailTaken => edit.email_error = message,
                _ => return refused(&state, &lang, &e),
            }
            let roles = user.roles.iter().map(Role::as_str).collect::<Vec<_>>().join(", ");
            let parts = Parts { roles, edit, ..Default::default() };
            detail_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, &user, parts).await
        }
    }
}

/// `POST /admin/users/{id}/roles`: replaces the roles with the listed ones
/// (comma or space separated). A bad name shows the form again with the
/// error; an admin cannot take the admin role from themselves.
pub async fn roles(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<RolesForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let refused_with = |error: String| {
        let parts =
            Parts { roles: form.roles.clone(), roles_error: Some(error), edit: Edit::of(&user), ..Default::default() };
        detail_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, &user, parts)
    };
    let roles = match parse_roles(&lang, &form.roles) {
        Ok(roles) => roles,
        Err(error) => return refused_with(error).await,
    };
    let is_self = user.id == admin.browser.user.id;
    if is_self && user.has_role(Role::ADMIN) && !roles.iter().any(|r| r.as_str() == Role::ADMIN) {
        return refused_with(lang.t("admin-user-own-admin-role")).await;
    }
    match state.admin.set_roles(&actor(&admin), user.id, roles, &client).await {
        Ok(_) => back(&path_of(user.id), "roles"),
        Err(e) if e.code() == ErrorCode::Forbidden => refused(&state, &lang, &e),
        // The refusals a person can act on are shown by the field.
        Err(e) if e.code() != ErrorCode::Internal => refused_with(core_error(&lang, &e)).await,
        Err(e) => internal(&state, &lang, &e),
    }
}

/// What a user's page shows besides the user.
#[derive(Default)]
struct Parts {
    notice: Option<super::Notice>,
    roles: String,
    roles_error: Option<String>,
    edit: Edit,
}

/// A user's page: details, the forms this person may use, sessions, API
/// keys, the last 20 audit events.
async fn detail_page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    user: &User,
    parts: Parts,
) -> Response {
    let can = Can::of(admin);
    let who = actor(admin);
    let events = if can.audit_read {
        let query = AuditQuery { user: Some(user.id), limit: 20, ..Default::default() };
        match state.admin.audit_log(&who, query).await {
            Ok(events) => super::audit::rows(state, lang, &events).await,
            Err(e) => return refused(state, lang, &e),
        }
    } else {
        Vec::new()
    };
    let sessions = match state.admin.user_sessions(&who, user.id).await {
        Ok(sessions) => sessions.iter().map(|s| SessionRow::of_in(lang, s, None, when, false)).collect::<Vec<_>>(),
        Err(e) => return refused(state, lang, &e),
    };
    let now = state.clock.now();
    let keys = match state.admin.user_api_keys(&who, user.id).await {
        Ok(keys) => keys
            .iter()
            .filter(|k| k.revoked_at.is_none() && k.expires_at.is_none_or(|t| t > now))
            .map(|k| KeyRow {
                id: k.id.to_string(),
                name: k.name.clone(),
                scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                created: when(k.created_at),
                expires: k.expires_at.map(when),
                last_used: k.last_used_at.map(when),
            })
            .collect::<Vec<_>>(),
        Err(e) => return refused(state, lang, &e),
    };
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_user.html",
        context! {
            title => lang.t_with("admin-user-title", [("username", user.username.as_str().to_owned().into())]),
            tab => "users",
            user => UserRow::at(user, now),
            is_self => user.id == admin.browser.user.id,
            edit => parts.edit,
            roles => parts.roles,
            roles_error => parts.roles_error,
            notice => parts.notice,
            sessions,
            keys,
            events,
        },
    )
}
