//! `/admin/roles`: the roles and the permissions each grants — list, create,
//! change the description and permissions, delete (asked first; a role
//! someone holds is taken from them). Gatehouse's own permissions are
//! checkboxes with what each allows; an application's (`posts:read`) are
//! typed. The core refuses what the person may not define or grant.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::flows::{NewRole, RoleUpdate};
use gatehouse_core::rbac::{Permission, RoleDef, CATALOG, DESCRIPTION_MAX_LEN};
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::Serialize;

use super::confirm::{self, Confirmed, Question};
use super::{
    actor, back, core_detail, core_error, may, not_found, notice, refused, render_admin, Admin, Can, NoticeQuery,
};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged_in, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] = &[
    ("created", "admin-role-created", false),
    ("saved", "admin-role-saved", false),
    ("deleted", "admin-role-deleted", false),
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
    fn check(&self, lang: &Lang, name: bool) -> Result<(), RoleErrors> {
        let mut errors = RoleErrors::default();
        if name {
            let parsed = gatehouse_core::account::Role::parse(&self.name);
            errors.name = parsed.err().map(|e| core_detail(lang, "admin-role-error-name", &e));
        }
        let description = self.description.trim();
        if description.chars().count() > DESCRIPTION_MAX_LEN || description.chars().any(char::is_control) {
            errors.description =
                Some(lang.t_with("admin-role-description-too-long", [("max", DESCRIPTION_MAX_LEN.into())]));
        }
        let bad = self.permissions().iter().find_map(|p| Permission::parse(p).err());
        errors.permissions = bad.map(|e| core_detail(lang, "admin-role-error-permissions", &e));
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

/// The catalog as checkboxes: (permission, what it allows). The core
/// describes its permissions in English; the pages say it in the page's
/// language, from `admin-permission-<name with ':' as '-'>`.
fn catalog(lang: &Lang) -> Vec<(&'static str, String)> {
    CATALOG.iter().map(|(p, _)| (*p, lang.t(&permission_message(p)))).collect()
}

/// The message that says what Gatehouse permission `p` allows.
fn permission_message(p: &str) -> String {
    format!("admin-permission-{}", p.replace(':', "-"))
}

/// `GET /admin/roles`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    list_page(&state, &lang, &admin, StatusCode::OK, notice, &RoleForm::default(), RoleErrors::default()).await
}

async fn list_page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    notice: Option<super::Notice>,
    form: &RoleForm,
    errors: RoleErrors,
) -> Response {
    let roles = match state.admin.roles(&actor(admin)).await {
        Ok(roles) => roles.iter().map(RoleRow::from).collect::<Vec<_>>(),
        Err(e) => return refused(state, lang, &e),
    };
    let title = lang.t("admin-roles-title");
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_roles.html",
        context! { title, tab => "roles", roles, notice, form, errors, catalog => catalog(lang) },
    )
}

/// `POST /admin/roles`: creates a role.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::read(pairs);
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    if let Err(errors) = form.check(&lang, true) {
        return list_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, &form, errors).await;
    }
    let req = NewRole {
        name: form.name.trim().to_owned(),
        description: form.description.clone(),
        permissions: form.permissions(),
    };
    match state.admin.create_role(&actor(&admin), req, &client).await {
        Ok(role) => back(&path_of(role.name.as_str()), "created"),
        Err(e) => match errors_of(&lang, &e) {
            Some(errors) => {
                list_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, &form, errors).await
            }
            None => refused(&state, &lang, &e),
        },
    }
}

/// `GET /admin/roles/{name}`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(name): Path<String>,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    role_page(&state, &lang, &admin, StatusCode::OK, &name, notice, None, RoleErrors::default()).await
}

#[allow(clippy::too_many_arguments)]
async fn role_page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    name: &str,
    notice: Option<super::Notice>,
    form: Option<RoleForm>,
    errors: RoleErrors,
) -> Response {
    let (role, holders) = match state.admin.role(&actor(admin), name).await {
        Ok(found) => found,
        Err(e) if e.code() == ErrorCode::NotFound => return not_found(state, lang, "admin-no-such-role"),
        Err(e) => return refused(state, lang, &e),
    };
    let form = form.unwrap_or_else(|| RoleForm::of(&role));
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_role.html",
        context! {
            title => lang.t_with("admin-role-title", [("role", role.name.as_str().to_owned().into())]),
            tab => "roles",
            role => RoleRow::from(&role),
            holders,
            notice,
            form,
            errors,
            catalog => catalog(lang),
        },
    )
}

/// `POST /admin/roles/{name}`: new description and permissions.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(name): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::read(pairs);
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    if let Err(errors) = form.check(&lang, false) {
        return role_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, &name, None, Some(form), errors)
            .await;
    }
    let update = RoleUpdate { description: Some(form.description.clone()), permissions: Some(form.permissions()) };
    match state.admin.update_role(&actor(&admin), &name, update, &client).await {
        Ok(role) => back(&path_of(role.name.as_str()), "saved"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, &lang, "admin-no-such-role"),
        Err(e) => match errors_of(&lang, &e) {
            Some(errors) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                role_page(&state, &lang, &admin, status, &name, None, Some(form), errors).await
            }
            None => refused(&state, &lang, &e),
        },
    }
}

/// `GET /admin/roles/{name}/delete`: asks first, saying who holds it.
pub async fn ask_delete(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(name): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).roles_write) {
        return res;
    }
    let (role, holders) = match state.admin.role(&actor(&admin), &name).await {
        Ok(found) => found,
        Err(e) if e.code() == ErrorCode::NotFound => return not_found(&state, &lang, "admin-no-such-role"),
        Err(e) => return refused(&state, &lang, &e),
    };
    let role_name = || role.name.as_str().to_owned().into();
    let consequence = lang.t_with("admin-confirm-delete-role", [("role", role_name()), ("count", holders.into())]);
    let button = lang.t_with("admin-delete-named", [("name", role_name())]);
    let question = Question::on("roles", "delete-role", &path_of(role.name.as_str()), "delete", consequence);
    confirm::page(&state, &lang, &admin, question.button(button))
}

/// `POST /admin/roles/{name}/delete` (confirmed): deletes the role, taking
/// it from whoever holds it. Built-in and default roles stay.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(name): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.admin.delete_role(&actor(&admin), &name, true, &client).await {
        Ok(_) => back("/admin/roles", "deleted"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, &lang, "admin-no-such-role"),
        Err(e) if e.code() == ErrorCode::BuiltinRole => {
            let errors = RoleErrors { name: Some(core_error(&lang, &e)), ..Default::default() };
            role_page(&state, &lang, &admin, StatusCode::CONFLICT, &name, None, None, errors).await
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// The refusals a person can act on, under their field. The fields were
/// checked one by one first ([`RoleForm::check`]); what the core refuses
/// besides concerns the name (taken) or the permissions (too many, the
/// admin role's).
fn errors_of(lang: &Lang, e: &gatehouse_core::Error) -> Option<RoleErrors> {
    match e.code() {
        ErrorCode::RoleExists => Some(RoleErrors { name: Some(core_error(lang, e)), ..Default::default() }),
        ErrorCode::InvalidRequest | ErrorCode::BuiltinRole => {
            let message = Some(core_detail(lang, "admin-role-error-permissions", e));
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

    #[test]
    fn every_gatehouse_permission_is_described_in_every_language() {
        for tag in ["en", "de", "es"] {
            let lang = crate::pages::lang::tests::lang(tag);
            for (p, about) in catalog(&lang) {
                assert_ne!(about, permission_message(p), "{tag}: {p} has no message");
            }
        }
        // The English messages say what the core says.
        let en = catalog(&crate::pages::lang::tests::lang("en"));
        for ((p, about), (core_p, core_about)) in en.iter().zip(CATALOG.iter()) {
            assert_eq!((*p, about.as_str()), (*core_p, *core_about));
        }
        let de = catalog(&crate::pages::lang::tests::lang("de"));
        assert_eq!(
            de[0],
            ("users:read", "Benutzer, ihre Sitzungen und API-Schlüssel auflisten und ansehen".to_owned())
        );
    }
}
