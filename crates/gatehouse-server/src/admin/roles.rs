//! `/api/admin/roles` and `/api/admin/permissions`: roles as named sets of
//! permissions — list and read (`roles:read`), create, change, delete
//! (`roles:write`) — and the catalog of Gatehouse's own permissions.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::flows::{NewRole, RoleUpdate};
use gatehouse_core::rbac::{RoleDef, CATALOG, ROLES_READ};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{AdminActor, ApiJson, ApiQuery, Client};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct RoleView {
    name: String,
    description: String,
    /// `resource:action`, sorted.
    permissions: Vec<String>,
    /// `admin` and `user`: cannot be deleted.
    builtin: bool,
    /// How many users hold it (in the answer for one role).
    #[serde(skip_serializing_if = "Option::is_none")]
    holders: Option<u64>,
    created_at: String,
    updated_at: String,
}

impl From<&RoleDef> for RoleView {
    fn from(r: &RoleDef) -> Self {
        Self {
            name: r.name.to_string(),
            description: r.description.clone(),
            permissions: r.permissions.iter().map(|p| p.to_string()).collect(),
            builtin: r.builtin,
            holders: None,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoleList {
    roles: Vec<RoleView>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewRoleBody {
    /// Lower-case letters, digits, `_`, `:`, `-`; 1–64 characters.
    name: String,
    #[serde(default)]
    description: String,
    /// `resource:action` strings; you must hold each one yourself.
    #[serde(default)]
    permissions: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct RoleUpdateBody {
    description: Option<String>,
    /// Replaces the whole list.
    permissions: Option<Vec<String>>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Delete even when users hold the role (it is taken from them).
    force: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct PermissionView {
    name: &'static str,
    description: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct PermissionCatalog {
    /// Gatehouse's own permissions; applications name theirs freely (`posts:read`).
    permissions: Vec<PermissionView>,
}

/// Every role, by name.
#[utoipa::path(get, path = "/api/admin/roles", tag = "admin",
    responses((status = 200, body = RoleList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, AdminActor(actor): AdminActor) -> ApiResult<Json<RoleList>> {
    let roles = state.admin.roles(&actor).await?;
    Ok(Json(RoleList { roles: roles.iter().map(RoleView::from).collect() }))
}

/// Create a role.
#[utoipa::path(post, path = "/api/admin/roles", tag = "admin", request_body = NewRoleBody,
    responses((status = 201, body = RoleView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    ApiJson(body): ApiJson<NewRoleBody>,
) -> ApiResult<(StatusCode, Json<RoleView>)> {
    let req = NewRole { name: body.name, description: body.description, permissions: body.permissions };
    let role = state.admin.create_role(&actor, req, &info).await?;
    Ok((StatusCode::CREATED, Json(RoleView::from(&role))))
}

/// One role and how many users hold it.
#[utoipa::path(get, path = "/api/admin/roles/{name}", tag = "admin", params(("name" = String, Path, description = "role name")),
    responses((status = 200, body = RoleView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(name): Path<String>,
) -> ApiResult<Json<RoleView>> {
    let (role, holders) = state.admin.role(&actor, &name).await?;
    let mut view = RoleView::from(&role);
    view.holders = Some(holders);
    Ok(Json(view))
}

/// Change a role's description or permissions; it counts for every holder at
/// their next permission check and token.
#[utoipa::path(patch, path = "/api/admin/roles/{name}", tag = "admin", request_body = RoleUpdateBody,
    params(("name" = String, Path, description = "role name")),
    responses((status = 200, body = RoleView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<RoleUpdateBody>,
) -> ApiResult<Json<RoleView>> {
    let update = RoleUpdate { description: body.description, permissions: body.permissions };
    let role = state.admin.update_role(&actor, &name, update, &info).await?;
    Ok(Json(RoleView::from(&role)))
}

/// Delete a role. A role someone holds needs `?force=true`.
#[utoipa::path(delete, path = "/api/admin/roles/{name}", tag = "admin",
    params(("name" = String, Path, description = "role name"), DeleteParams),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(name): Path<String>,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> ApiResult<StatusCode> {
    state.admin.delete_role(&actor, &name, params.force.unwrap_or(false), &info).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The catalog of Gatehouse's own permissions.
#[utoipa::path(get, path = "/api/admin/permissions", tag = "admin",
    responses((status = 200, body = PermissionCatalog), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn permissions(AdminActor(actor): AdminActor) -> ApiResult<Json<PermissionCatalog>> {
    actor.require(ROLES_READ)?;
    let permissions = CATALOG.iter().map(|(name, description)| PermissionView { name, description }).collect();
    Ok(Json(PermissionCatalog { permissions }))
}
