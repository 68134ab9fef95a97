//! What an administrator can do to an account: disable and enable it,
//! unlock it after failed sign-ins, reset its second factors (a lost
//! device, after checking who asks), demand a new password (a suspected
//! compromise) and delete it. Each posts from the user's page and comes
//! back there with a notice; demanding a new password and deleting ask first
//! ([`super::confirm`]).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use gatehouse_core::ErrorCode;
use serde::Deserialize;

use super::confirm::{self, Confirmed, Question};
use super::users::{checked, load, path_of};
use super::{actor, back, may, refused, Admin, Can, CsrfForm};
use crate::extract::{Client, PageForm};
use crate::pages::Lang;
use crate::state::AppState;

/// `POST /admin/users/{id}/disable`: the account cannot sign in and its
/// sessions end. An admin cannot disable their own account.
pub async fn disable(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    if user.id == admin.browser.user.id {
        return back(&path_of(user.id), "self_disable");
    }
    match state.admin.set_active(&actor(&admin), user.id, false, &client).await {
        Ok(_) => back(&path_of(user.id), "disabled"),
        Err(e) if e.code() == ErrorCode::LastAdmin => back(&path_of(user.id), "last_admin"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /admin/users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.set_active(&actor(&admin), user.id, true, &client).await {
        Ok(_) => back(&path_of(user.id), "enabled"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /admin/users/{id}/unlock`: forgets the failed sign-ins and the lock.
pub async fn unlock(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.unlock(&actor(&admin), user.id, &client).await {
        Ok(_) => back(&path_of(user.id), "unlocked"),
        Err(e) => refused(&state, &lang, &e),
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
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    if form.confirmed.as_deref() != Some("yes") {
        return back(&path_of(user.id), "mfa_unconfirmed");
    }
    match state.admin.reset_second_factors(&actor(&admin), user.id, &client).await {
        Ok(_) => back(&path_of(user.id), "mfa_reset"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/users/{id}/password-reset`: asks first.
pub async fn ask_password_reset(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).users_write) {
        return res;
    }
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let consequence = lang.t_with(
        "admin-confirm-password-reset",
        [("username", user.username.as_str().to_owned().into()), ("email", user.email.as_str().to_owned().into())],
    );
    let question = Question::on("users", "password-reset", &path_of(user.id), "password-reset", consequence);
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/users/{id}/password-reset` (confirmed): password sign-in is
/// refused until a new password is set; sessions and API keys end.
pub async fn password_reset(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.require_password_reset(&actor(&admin), user.id, &client).await {
        Ok(_) => back(&path_of(user.id), "reset_required"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/users/{id}/delete`: asks first.
pub async fn ask_delete(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).users_delete) {
        return res;
    }
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let username = || user.username.as_str().to_owned().into();
    let consequence = lang.t_with(
        "admin-confirm-delete-user",
        [("username", username()), ("email", user.email.as_str().to_owned().into())],
    );
    let button = lang.t_with("admin-delete-named", [("name", username())]);
    let question = Question::on("users", "delete-user", &path_of(user.id), "delete", consequence).button(button);
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/users/{id}/delete` (confirmed). Not one's own account, nor
/// the last administrator.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.delete_user_as_admin(&actor(&admin), user.id, &client).await {
        Ok(()) => back("/admin/users", "deleted"),
        Err(e) if e.code() == ErrorCode::SelfAction => back(&path_of(user.id), "self_delete"),
        Err(e) if e.code() == ErrorCode::LastAdmin => back(&path_of(user.id), "last_admin"),
        Err(e) => refused(&state, &lang, &e),
    }
}
