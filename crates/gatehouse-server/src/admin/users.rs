//! `/api/admin/users`: list and search (`users:read`), create, change,
//! disable/enable, unlock, demand a new password (`users:write`), delete
//! (`users:delete`); a user's sessions and API keys. The flows decide every
//! permission and object-level check; these handlers only translate.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::account::{Role, User, UserId};
use gatehouse_core::flows::{NewUserRequest, UserUpdate};
use gatehouse_core::session::SessionId;
use gatehouse_core::store::UserFilter;
use gatehouse_core::Error;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::dto::{rfc3339, SessionList, SessionView, UserView};
use crate::api::keys::ApiKeyList;
use crate::error::{ApiResult, Problem};
use crate::extract::{AdminActor, ApiJson, ApiQuery, Client};
use crate::state::AppState;

/// A user as an administrator sees it.
#[derive(Serialize, ToSchema)]
pub struct AdminUserView {
    #[serde(flatten)]
    user: UserView,
    failed_logins: u32,
    /// RFC 3339; present while password sign-in is locked after failures.
    locked_until: Option<String>,
    /// An administrator demanded a new password; password sign-in is refused until it is reset.
    password_reset_required: bool,
    /// The language of the account's mails; absent: the default language.
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
}

impl AdminUserView {
    /// The view of `u` at `now` (a lock shows while it lasts).
    fn at(u: &User, now: time::OffsetDateTime) -> Self {
        Self {
            user: u.into(),
            failed_logins: u.failed_logins,
            locked_until: u.locked_until.filter(|t| *t > now).map(rfc3339),
            password_reset_required: u.password_reset_required,
            locale: u.locale.as_ref().map(|l| l.tag()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    users: Vec<AdminUserView>,
    limit: u32,
    offset: u32,
    /// The `offset` of the next page; absent on the last page.
    next_offset: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserParams {
    /// A part of the username or email.
    search: Option<String>,
    /// Only holders of this role.
    role: Option<String>,
    /// `true`: only active accounts; `false`: only disabled ones.
    active: Option<bool>,
    /// Page size, 1–500 (default 50).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295_u64)]
    limit: Option<u32>,
    /// How many to skip (the `next_offset` of the page before).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295_u64)]
    offset: Option<u32>,
}

/// What creating a user takes.
#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    username: String,
    email: String,
    /// Leave out to invite: the account gets no usable password and a mail
    /// with a link to choose one.
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<SecretString>,
    /// Default: the configured default roles. Giving roles needs `roles:assign`.
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    email_verified: bool,
    /// The language of the account's mails, the invitation first (`de`,
    /// `es`, …; one Gatehouse has a catalog for). Default: the server's
    /// `default_language`.
    locale: Option<String>,
}

/// A change to a user: every field given replaces the stored one.
#[derive(Deserialize, ToSchema)]
pub struct UserUpdateBody {
    username: Option<String>,
    /// A new address is unverified unless `email_verified` is also sent.
    email: Option<String>,
    email_verified: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct RolesBody {
    /// The roles the user should hold (replacing the current ones).
    roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EndedSessions {
    ended: u64,
}

/// A user id from a URL: anything that is not one is simply not found.
/// A user as an administrator sees it, now.
fn view(state: &AppState, user: &User) -> Json<AdminUserView> {
    Json(AdminUserView::at(user, state.clock.now()))
}

pub(super) fn user_id(raw: &str) -> Result<UserId, Error> {
    uuid::Uuid::parse_str(raw).map(UserId).map_err(|_| Error::NotFound("no such user".into()))
}

/// A language the catalogs have, asked for by its tag (`de-AT` gets `de`).
fn language(state: &AppState, tag: &str) -> Result<gatehouse_core::i18n::Locale, Error> {
    let locale = gatehouse_core::i18n::Locale::parse(tag)
        .ok_or_else(|| Error::InvalidRequest(format!("locale: '{tag}' is not a language tag")))?;
    state
        .config
        .catalogs
        .supported(&locale)
        .ok_or_else(|| Error::InvalidRequest(format!("locale: there are no messages in '{tag}'")))
}

fn parse_roles(raw: &[String]) -> Result<Vec<Role>, Error> {
    raw.iter().map(|r| Role::parse(r)).collect()
}

/// Users, oldest first, filtered and paginated.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", params(UserParams),
    responses((status = 200, body = UserPage), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    ApiQuery(params): ApiQuery<UserParams>,
) -> ApiResult<Json<UserPage>> {
    let role = params.role.as_deref().map(Role::parse).transpose()?;
    let filter = UserFilter { search: params.search, role, active: params.active };
    let limit = params.limit.unwrap_or(50).clamp(1, 500);
    let offset = params.offset.unwrap_or(0);
    let mut users = state.admin.list_users(&actor, &filter, limit + 1, offset).await?;
    let next_offset = (users.len() > limit as usize).then(|| offset.saturating_add(limit));
    users.truncate(limit as usize);
    Ok(Json(UserPage {
        users: users.iter().map(|u| AdminUserView::at(u, state.clock.now())).collect(),
        limit,
        offset,
        next_offset,
    }))
}

/// Create a user, with a password or as an invitation.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", request_body = NewUserBody,
    responses((status = 201, body = AdminUserView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    ApiJson(body): ApiJson<NewUserBody>,
) -> ApiResult<(StatusCode, Json<AdminUserView>)> {
    let req = NewUserRequest {
        username: body.username,
        email: body.email,
        password: body.password,
        roles: parse_roles(&body.roles)?,
        email_verified: body.email_verified,
        locale: body.locale.as_deref().map(|tag| language(&state, tag)).transpose()?,
    };
    let user = state.admin.create_user(req, &actor, &info).await?;
    Ok((StatusCode::CREATED, view(&state, &user)))
}

/// One user, with their second factors.
#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdminUserView>> {
    let user = state.admin.user(&actor, user_id(&id)?).await?;
    let mut view = AdminUserView::at(&user, state.clock.now());
    view.user.mfa = (&state.auth.mfa_status(user.id).await?).into();
    Ok(Json(view))
}

/// Change a user's username, email or whether the email is verified.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin", request_body = UserUpdateBody,
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserUpdateBody>,
) -> ApiResult<Json<AdminUserView>> {
    let update = UserUpdate { username: body.username, email: body.email, email_verified: body.email_verified };
    let user = state.admin.update_user(&actor, user_id(&id)?, update, &info).await?;
    Ok(view(&state, &user))
}

/// Delete a user and everything that is theirs.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path, description = "user id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.admin.delete_user_as_admin(&actor, user_id(&id)?, &info).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account: it cannot sign in, its sessions end, its API keys stop working.
#[utoipa::path(post, path = "/api/admin/users/{id}/disable", tag = "admin", params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdminUserView>> {
    Ok(view(&state, &state.admin.set_active(&actor, user_id(&id)?, false, &info).await?))
}

/// Enable a disabled account.
#[utoipa::path(post, path = "/api/admin/users/{id}/enable", tag = "admin", params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn enable(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdminUserView>> {
    Ok(view(&state, &state.admin.set_active(&actor, user_id(&id)?, true, &info).await?))
}

/// Forget failed sign-ins and lift the lock.
#[utoipa::path(post, path = "/api/admin/users/{id}/unlock", tag = "admin", params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn unlock(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdminUserView>> {
    Ok(view(&state, &state.admin.unlock(&actor, user_id(&id)?, &info).await?))
}

/// Demand a new password: password sign-in is refused until it is reset,
/// every session ends, every API key is revoked, a reset link is mailed.
#[utoipa::path(post, path = "/api/admin/users/{id}/password-reset", tag = "admin",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn password_reset(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdminUserView>> {
    Ok(view(&state, &state.admin.require_password_reset(&actor, user_id(&id)?, &info).await?))
}

/// What a reset of a user's second factors removed.
#[derive(Serialize, ToSchema)]
pub struct FactorsResetView {
    /// Whether a TOTP secret (enabled or pending) was removed.
    totp_removed: bool,
    passkeys_removed: u32,
    sessions_ended: u64,
}

/// Reset a user's second factors (a lost phone and lost backup codes): TOTP,
/// backup codes and passkeys are removed, every session ends, the person is
/// mailed a notice. They sign in with the password alone next and enrol
/// again where policy requires it. Needs `users:write`.
#[utoipa::path(delete, path = "/api/admin/users/{id}/mfa", tag = "admin",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = FactorsResetView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn reset_mfa(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<FactorsResetView>> {
    let reset = state.admin.reset_second_factors(&actor, user_id(&id)?, &info).await?;
    Ok(Json(FactorsResetView {
        totp_removed: reset.totp,
        passkeys_removed: reset.passkeys,
        sessions_ended: reset.sessions,
    }))
}

/// A user's active sessions, newest first.
#[utoipa::path(get, path = "/api/admin/users/{id}/sessions", tag = "admin",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = SessionList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn sessions(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionList>> {
    let sessions = state.admin.user_sessions(&actor, user_id(&id)?).await?;
    Ok(Json(SessionList { sessions: sessions.iter().map(|s| SessionView::new(s, false)).collect() }))
}

/// End every session of a user.
#[utoipa::path(delete, path = "/api/admin/users/{id}/sessions", tag = "admin",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = EndedSessions), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn end_sessions(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<EndedSessions>> {
    let ended = state.admin.end_user_sessions(&actor, user_id(&id)?, None, &info).await?;
    Ok(Json(EndedSessions { ended }))
}

/// End one session of a user.
#[utoipa::path(delete, path = "/api/admin/users/{id}/sessions/{session_id}", tag = "admin",
    params(("id" = String, Path, description = "user id"), ("session_id" = String, Path, description = "session id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn end_session(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let session = uuid::Uuid::parse_str(&session).map_err(|_| Error::NotFound("no such session".into()))?;
    state.admin.end_user_sessions(&actor, user_id(&id)?, Some(SessionId(session)), &info).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace a user's roles (`roles:assign`).
#[utoipa::path(put, path = "/api/admin/users/{id}/roles", tag = "admin", request_body = RolesBody,
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_roles(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RolesBody>,
) -> ApiResult<Json<AdminUserView>> {
    let roles = parse_roles(&body.roles)?;
    Ok(view(&state, &state.admin.set_roles(&actor, user_id(&id)?, roles, &info).await?))
}

/// Give a user one role (`roles:assign`); 201 when it is new, 200 when they had it.
#[utoipa::path(post, path = "/api/admin/users/{id}/roles/{role}", tag = "admin",
    params(("id" = String, Path, description = "user id"), ("role" = String, Path, description = "role name")),
    responses((status = 201, body = AdminUserView), (status = 200, body = AdminUserView), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn grant_role(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path((id, role)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<AdminUserView>)> {
    let role = Role::parse(&role)?;
    let (user, added) = state.admin.grant_role(&actor, user_id(&id)?, &role, &info).await?;
    let status = if added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, view(&state, &user)))
}

/// Take one role from a user (`roles:assign`).
#[utoipa::path(delete, path = "/api/admin/users/{id}/roles/{role}", tag = "admin",
    params(("id" = String, Path, description = "user id"), ("role" = String, Path, description = "role name")),
    responses((status = 200, body = AdminUserView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke_role(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path((id, role)): Path<(String, String)>,
) -> ApiResult<Json<AdminUserView>> {
    let role = Role::parse(&role).map_err(|_| Error::NotFound("no such role".into()))?;
    Ok(view(&state, &state.admin.revoke_role(&actor, user_id(&id)?, &role, &info).await?))
}

/// A user's API keys, revoked ones too, newest first (never a secret).
#[utoipa::path(get, path = "/api/admin/users/{id}/api-keys", tag = "admin",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = ApiKeyList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn api_keys(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiKeyList>> {
    let keys = state.admin.user_api_keys(&actor, user_id(&id)?).await?;
    Ok(Json(ApiKeyList::of(&keys, state.clock.now())))
}

/// Revoke one of a user's API keys.
#[utoipa::path(delete, path = "/api/admin/users/{id}/api-keys/{key_id}", tag = "admin",
    params(("id" = String, Path, description = "user id"), ("key_id" = String, Path, description = "API key id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let key = uuid::Uuid::parse_str(&key).map_err(|_| Error::NotFound("no such API key".into()))?;
    state.admin.revoke_user_api_key(&actor, user_id(&id)?, key, &info).await?;
    Ok(StatusCode::NO_CONTENT)
}
