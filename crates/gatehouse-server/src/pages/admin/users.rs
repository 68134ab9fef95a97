//! `/admin/users`: search and page through the users, and create one — with
//! a password, or invited (a mail with a link to choose one). One user's
//! page is [`super::user`]; what can be done to the account is
//! [`super::user_access`], their sessions and API keys
//! [`super::user_sessions`].

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::account::{Role, User, UserId};
use gatehouse_core::flows::NewUserRequest;
use gatehouse_core::i18n::Locale;
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{actor, core_error, internal, not_found, notice, page_number, pager, refused, render_admin, when, Admin};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged_in, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

const PER_PAGE: u32 = 50;
/// The longest roles field accepted.
const ROLES_MAX: usize = 1000;

/// What the list says after an action that leaves a user's page.
const NOTICES: &[(&str, &str, bool)] = &[("deleted", "admin-users-deleted", false)];

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
    notice: Option<String>,
}

/// The form that creates a user (shown again with its errors).
#[derive(Deserialize, Serialize, Default)]
pub struct NewUserForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    /// Empty: an invitation.
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default)]
    roles: String,
    verified: Option<String>,
    /// The language of the account's mails (its tag); empty: the default.
    #[serde(default)]
    locale: String,
}

/// The message under each wrong field of the form.
#[derive(Serialize, Default)]
struct NewUserErrors {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    roles: Option<String>,
}

/// A user as the tables show it.
#[derive(Serialize)]
pub(super) struct UserRow {
    id: String,
    username: String,
    email: String,
    verified: bool,
    roles: Vec<String>,
    active: bool,
    locked_until: Option<String>,
    failed_logins: u32,
    reset_required: bool,
    created: String,
    updated: String,
}

impl UserRow {
    /// The row of `u` at `now` (a lock shows while it lasts).
    pub(super) fn at(u: &User, now: time::OffsetDateTime) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.as_str().to_owned(),
            email: u.email.as_str().to_owned(),
            verified: u.email_verified,
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            active: u.is_active,
            locked_until: u.locked_until.filter(|t| *t > now).map(when),
            failed_logins: u.failed_logins,
            reset_required: u.password_reset_required,
            created: when(u.created_at),
            updated: when(u.updated_at),
        }
    }
}

/// `GET /admin/users?q=&page=`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Response {
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    let (form, errors) = (NewUserForm::default(), NewUserErrors::default());
    list_page(&state, &lang, &admin, StatusCode::OK, &query, notice, &form, errors).await
}

#[allow(clippy::too_many_arguments)]
async fn list_page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    query: &ListQuery,
    notice: Option<super::Notice>,
    form: &NewUserForm,
    errors: NewUserErrors,
) -> Response {
    let q: String = query.q.as_deref().unwrap_or_default().trim().chars().take(254).collect();
    let page = page_number(query.page.as_deref());
    let filter = gatehouse_core::store::UserFilter { search: Some(q.clone()), ..Default::default() };
    let mut users = match state.admin.list_users(&actor(admin), &filter, PER_PAGE + 1, (page - 1) * PER_PAGE).await {
        Ok(users) => users,
        Err(e) => return refused(state, lang, &e),
    };
    let more = users.len() > PER_PAGE as usize;
    users.truncate(PER_PAGE as usize);
    let (previous, next) = pager("/admin/users", &[("q", &q)], page, more);
    let now = state.clock.now();
    let rows: Vec<UserRow> = users.iter().map(|u| UserRow::at(u, now)).collect();
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_users.html",
        context! { title => lang.t("admin-users-title"), tab => "users", q, users => rows, page, previous, next, notice, form, errors },
    )
}

/// `POST /admin/users`: creates a user. With a password the account is
/// ready; without one the person is mailed a link to choose it (an
/// invitation, valid as long as an email verification link).
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(form): PageForm<NewUserForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    let blank = ListQuery::default();
    let again = |errors: NewUserErrors| {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        list_page(&state, &lang, &admin, status, &blank, None, &form, errors)
    };
    let roles = match parse_roles(&lang, &form.roles) {
        Ok(roles) => roles,
        Err(error) => return again(NewUserErrors { roles: Some(error), ..Default::default() }).await,
    };
    let password = Some(form.password.clone()).filter(|p| !p.is_empty()).map(SecretString::from);
    let req = NewUserRequest {
        username: form.username.trim().to_owned(),
        email: form.email.trim().to_owned(),
        password,
        roles,
        email_verified: form.verified.is_some(),
        // The form offers only the catalogs' languages; anything else is the default.
        locale: Locale::parse(&form.locale).and_then(|l| state.config.catalogs.supported(&l)),
    };
    match state.admin.create_user(req, &actor(&admin), &client).await {
        Ok(user) => super::back(&path_of(user.id), "created"),
        Err(e) => {
            let message = Some(core_error(&lang, &e));
            let errors = match e.code() {
                ErrorCode::InvalidUsername | ErrorCode::UsernameTaken => {
                    NewUserErrors { username: message, ..Default::default() }
                }
                ErrorCode::InvalidEmail | ErrorCode::EmailTaken => {
                    NewUserErrors { email: message, ..Default::default() }
                }
                ErrorCode::WeakPassword => NewUserErrors { password: message, ..Default::default() },
                ErrorCode::InvalidRequest | ErrorCode::UnknownRole | ErrorCode::NotFound => {
                    NewUserErrors { roles: message, ..Default::default() }
                }
                ErrorCode::Forbidden => return refused(&state, &lang, &e),
                _ => return internal(&state, &lang, &e),
            };
            again(errors).await
        }
    }
}

/// The roles of a form: names separated by commas or spaces, each a valid
/// role name, duplicates dropped. The error is the message for the field.
pub(super) fn parse_roles(lang: &Lang, raw: &str) -> Result<Vec<Role>, String> {
    if raw.len() > ROLES_MAX {
        return Err(lang.t_with("admin-roles-field-too-long", [("max", ROLES_MAX.into())]));
    }
    let mut roles: Vec<Role> = Vec::new();
    for name in raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let role = Role::parse(name)
            .map_err(|_| lang.t_with("admin-roles-field-invalid", [("name", name.to_owned().into())]))?;
        if !roles.iter().any(|r| r.as_str() == role.as_str()) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// A form post about user `id`: the CSRF check first, then the user.
pub(super) async fn checked(
    state: &AppState,
    lang: &Lang,
    headers: &HeaderMap,
    admin: &SignedIn,
    csrf: &str,
    id: &str,
) -> Result<User, Response> {
    if !admin.check_form(state, headers, csrf) {
        return Err(forged_in(state, lang));
    }
    load(state, lang, admin, id).await
}

/// The user of a path id, or the page to answer instead (404 for an id that
/// is not a user's, 403 without `users:read`).
pub(super) async fn load(state: &AppState, lang: &Lang, admin: &SignedIn, id: &str) -> Result<User, Response> {
    let missing = || not_found(state, lang, "admin-no-such-user");
    let Ok(id) = uuid::Uuid::parse_str(id) else {
        return Err(missing());
    };
    match state.admin.user(&actor(admin), UserId(id)).await {
        Ok(user) => Ok(user),
        Err(e) if e.code() == ErrorCode::NotFound => Err(missing()),
        Err(e) => Err(refused(state, lang, &e)),
    }
}

pub(super) fn path_of(id: UserId) -> String {
    format!("/admin/users/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::lang::tests::lang;

    #[test]
    fn roles_are_split_on_commas_and_spaces_and_deduplicated() {
        let roles = parse_roles(&lang("en"), " admin, user  support:read,admin\n").unwrap();
        let names: Vec<&str> = roles.iter().map(Role::as_str).collect();
        assert_eq!(names, ["admin", "user", "support:read"]);
        assert!(parse_roles(&lang("en"), "").unwrap().is_empty());
    }

    #[test]
    fn bad_role_names_are_named_in_the_error() {
        let error = parse_roles(&lang("en"), "user, Admin").unwrap_err();
        assert!(error.contains("“Admin”") && error.contains("is not a valid role name"), "{error}");
        let error = parse_roles(&lang("es"), "user, Admin").unwrap_err();
        assert!(error.contains("«Admin»") && error.contains("no es un nombre de rol válido"), "{error}");
        assert!(parse_roles(&lang("en"), &"a".repeat(ROLES_MAX + 1)).is_err());
    }
}
