//! `/admin/roles`: the roles and the permissions each grants — list, create,
//! change the description and permissions, delete (asked first; a role
//! someone holds is taken from them). Gatehouse's own permissions are
//! checkboxes with what each allows; an application's (`posts:read`) are
//! typed. The core refuses what the person may not define or grant.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::flows::{NewRole, RoleUpdate};
use gatehouse_core::rbac::{Permission, RoleDef, CATALOG, DESCRIPTION_MAX_LEN};
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::Serialize;

use super::confirm::{self, Confirmed, Question};
use super::{actor, back, may, not_found, notice, refused, render, Admin, Can, NoticeQuery};
use crate::extract::{Client, PageForm};
use crate::pages::register::sentence;
use crate::pages::signed_in::{forged, SignedIn};
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] = &[
    ("created", "The role is created.", false),
    ("saved", "The role is saved; everyone who holds it has its new permissions now.", false),
    ("deleted", "The role is deleted.", false),
];

/// A role form as posted: repeated `permission` checkboxes, so it is read
/// as a list of pairs.
#[derive(Default, Serialize)]
struct RoleForm {
    #[serde(skip)]
    csrf: String,
    name: String,
    description: String,
    /// The catalog's permissions that are ticked.
    ticked: Vec<String>,
    /// Other permissions, separated by spaces, commas or lines.
    other: String,
}

impl RoleForm {
    fn read(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => form.csrf = value,
                "name" => form.name = value,
                "description" => form.description = value,
                "permission" => form.ticked.push(value),
                "other" => form.other = value,
                _ => {}
            }
        }
        form
    }

    fn of(role: &RoleDef) -> Self {
        let (ticked, other): (Vec<_>, Vec<_>) =
            role.permissions.iter().map(|p| p.as_str().to_owned()).partition(|p| CATALOG.iter().any(|(c, _)| c == p));
        Self {
            name: role.name.as_str().to_owned(),
            description: role.description.clone(),
            ticked,
            other: other.join(" "),
            ..Default::default()
        }
    }

    /// Each field by the core's own rules, so an error lands under its
    /// field; `name` only when it is being chosen.
    fn check(&self, name: bool) -> Result<(), RoleErrors> {
        let mut errors = RoleErrors::default();
        if name {
            errors.name = gatehouse_core::account::Role::parse(&self.name).err().map(|e| sentence(&e.to_string()));
        }
        let description = self.description.trim();
        if description.chars().count() > DESCRIPTION_MAX_LEN || description.chars().any(char::is_control) {
            errors.description =
                Some(format!("Describe the role in at most {DESCRIPTION_MAX_LEN} characters on one line."));
        }
        errors.permissions =
            self.permissions().iter().find_map(|p| Permission::parse(p).err()).map(|e| sentence(&e.to_string()));
        if errors.name.is_some() || errors.description.is_some() || errors.permissions.is_some() {
            return Err(errors);
        }
        Ok(())
    }

    /// Every permission of the form, as the core parses them.
    fn permissions(&self) -> Vec<String> {
        let other = self.other.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty());
        self.ticked.iter().map(String::as_str).chain(other).map(str::to_owned).collect()
    }
}

/// The message under the form's fields.
#[derive(Serialize, Default)]
struct RoleErrors {
    name: Option<String>,
    description: Option<String>,
    permissions: Option<String>,
}

/// A role as the tables show it.
#[derive(Serialize)]
struct RoleRow {
    name: String,
    description: String,
    permissions: Vec<String>,
    builtin: bool,
}

impl From<&RoleDef> for RoleRow {
    fn from(r: &RoleDef) -> Self {
        Self {
            name: r.name.as_str().to_owned(),
            description: r.description.clone(),
            permissions: r.permissions.iter().map(|p| p.as_str().to_owned()).collect(),
            builtin: r.builtin,
        }
    }
}

/// The catalog as checkboxes: (permission, what it allows).
fn catalog() -> Vec<(&'static str, &'static str)> {
    CATALOG.to_vec()
}

/// `GET /admin/roles`.
pub async fn list(State(state): State<AppState>, Admin(admin): Admin, Query(query): Query<NoticeQuery>) -> Response {
    let notice = notice(NOTICES, query.notice.as_deref());
    list_page(&state, &admin, StatusCode::OK, notice, &RoleForm::default(), RoleErrors::default()).await
}

async fn list_page(
    state: &AppState,
    admin: &SignedIn,
    status: StatusCode,
    notice: Option<super::Notice>,
    form: &RoleForm,
    errors: RoleErrors,
) -> Response {
    let roles = match state.admin.roles(&actor(admin)).await {
        Ok(roles) => roles.iter().map(RoleRow::from).collect::<Vec<_>>(),
        Err(e) => return refused(state, &e),
    };
    render(
        state,
        admin,
        status,
        "admin_roles.html",
        context! { title => "Roles", tab => "roles", roles, notice, form, errors, catalog => catalog() },
    )
}

/// `POST /admin/roles`: creates a role.
pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::read(pairs);
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged(&state);
    }
    if let Err(errors) = form.check(true) {
        return list_page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, &form, errors).await;
    }
    let req = NewRole {
        name: form.name.trim().to_owned(),
        description: form.description.clone(),
        permissions: form.permissions(),
    };
    match state.admin.create_role(&actor(&admin), req, &client).await {
        Ok(role) => back(&path_of(role.name.as_str()), "created"),
        Err(e) => match errors_of(&e) {
            Some(errors) => list_page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, &form, errors).await,
            None => refused(&state, &e),
        },
    }
}

/// `GET /admin/roles/{name}`.
pub async fn show(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(name): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let notice = notice(NOTICES, query.notice.as_deref());
    role_page(&state, &admin, StatusCode::OK, &name, notice, None, RoleErrors::default()).await
}

async fn role_page(
    state: &AppState,
    admin: &SignedIn,
    status: StatusCode,
    name: &str,
    notice: Option<super::Notice>,
    form: Option<RoleForm>,
    errors: RoleErrors,
) -> Response {
    let (role, holders) = match state.admin.role(&actor(admin), name).await {
        Ok(found) => found,
        Err(e) if e.code() == ErrorCode::NotFound => return not_found(state, "There is no such role."),
        Err(e) => return refused(state, &e),
    };
    let form = form.unwrap_or_else(|| RoleForm::of(&role));
    render(
        state,
        admin,
        status,
        "admin_role.html",
        context! {
            title => format!("Role {}", role.name.as_str()),
            tab => "roles",
            role => RoleRow::from(&role),
            holders,
            notice,
            form,
            errors,
            catalog => catalog(),
        },
    )
}

/// `POST /admin/roles/{name}`: new description and permissions.
pub async fn update(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(name): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::read(pairs);
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged(&state);
    }
    if let Err(errors) = form.check(false) {
        return role_page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, &name, None, Some(form), errors).await;
    }
    let update = RoleUpdate { description: Some(form.description.clone()), permissions: Some(form.permissions()) };
    match state.admin.update_role(&actor(&admin), &name, update, &client).await {
        Ok(role) => back(&path_of(role.name.as_str()), "saved"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, "There is no such role."),
        Err(e) => match errors_of(&e) {
            Some(errors) => {
                role_page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, &name, None, Some(form), errors).await
            }
            None => refused(&state, &e),
        },
    }
}

/// `GET /admin/roles/{name}/delete`: asks first, saying who holds it.
pub async fn ask_delete(State(state): State<AppState>, Admin(admin): Admin, Path(name): Path<String>) -> Response {
    if let Some(res) = may(&state, Can::of(&admin).roles_write) {
        return res;
    }
    let (role, holders) = match state.admin.role(&actor(&admin), &name).await {
        Ok(found) => found,
        Err(e) if e.code() == ErrorCode::NotFound => return not_found(&state, "There is no such role."),
        Err(e) => return refused(&state, &e),
    };
    let path = path_of(role.name.as_str());
    let action = format!("{path}/delete");
    let consequence = match holders {
        0 => format!("The role {} is deleted. Nobody holds it.", role.name.as_str()),
        n => format!(
            "The role {} is deleted and taken from the {n} user{} who hold{} it, with its permissions.",
            role.name.as_str(),
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" }
        ),
    };
    let button = format!("Delete {}", role.name.as_str());
    let question = Question {
        title: "Delete this role?",
        consequence: &consequence,
        action: &action,
        button: &button,
        back: &path,
        tab: "roles",
    };
    confirm::page(&state, &admin, &question)
}

/// `POST /admin/roles/{name}/delete` (confirmed): deletes the role, taking
/// it from whoever holds it. Built-in and default roles stay.
pub async fn delete(
    State(state): State<AppState>,
    Client(client): Client,
    Path(name): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.admin.delete_role(&actor(&admin), &name, true, &client).await {
        Ok(_) => back("/admin/roles", "deleted"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, "There is no such role."),
        Err(e) if e.code() == ErrorCode::BuiltinRole => {
            let errors = RoleErrors { name: Some(sentence(&e.to_string())), ..Default::default() };
            role_page(&state, &admin, StatusCode::CONFLICT, &name, None, None, errors).await
        }
        Err(e) => refused(&state, &e),
    }
}

/// The refusals a person can act on, under their field. The fields were
/// checked one by one first ([`RoleForm::check`]); what the core refuses
/// besides concerns the name (taken) or the permissions (too many, the
/// admin role's).
fn errors_of(e: &gatehouse_core::Error) -> Option<RoleErrors> {
    let message = Some(sentence(&e.to_string()));
    match e.code() {
        ErrorCode::RoleExists => Some(RoleErrors { name: message, ..Default::default() }),
        ErrorCode::InvalidRequest | ErrorCode::BuiltinRole => {
            Some(RoleErrors { permissions: message, ..Default::default() })
        }
        _ => None,
    }
}

fn path_of(name: &str) -> String {
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("/admin/roles/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_form_gathers_ticked_and_typed_permissions() {
        let pairs = [
            ("csrf", "t"),
            ("name", "support"),
            ("permission", "users:read"),
            ("permission", "audit:read"),
            ("other", "tickets:read, tickets:write\nposts:read"),
        ];
        let form = RoleForm::read(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect());
        assert_eq!(form.csrf, "t");
        assert_eq!(form.permissions(), ["users:read", "audit:read", "tickets:read", "tickets:write", "posts:read"]);
    }
}
