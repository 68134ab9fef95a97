//! `/admin/upstreams`: the providers people may sign in with ("Sign in with
//! Google") — list, add (a preset or any OpenID provider; the client secret
//! is sealed and never shown again) and remove (asked first). Administrators
//! only (the core checks it): a provider decides who may sign in at all.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::flows::NewUpstream;
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::confirm::{self, Confirmed, Question};
use super::{actor, back, core_detail, may, not_found, notice, refused, render_admin, when, Admin, Can, NoticeQuery};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged_in, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] =
    &[("added", "admin-upstreams-added", false), ("removed", "admin-upstreams-removed", false)];

/// The presets of the form: (value, in words).
fn presets(lang: &Lang) -> [(&'static str, String); 3] {
    [("google", "Google".into()), ("github", "GitHub".into()), ("oidc", lang.t("admin-upstreams-preset-oidc"))]
}

/// The form that adds a provider (shown again with its error; never the secret).
#[derive(Deserialize, Serialize, Default)]
pub struct UpstreamForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    preset: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default, skip_serializing)]
    client_secret: String,
    link_by_email: Option<String>,
}

/// A provider as the table shows it (never its secret).
#[derive(Serialize)]
struct UpstreamRow {
    id: String,
    name: String,
    kind: &'static str,
    issuer: Option<String>,
    client_id: String,
    link_by_email: bool,
    created: String,
}

/// `GET /admin/upstreams`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    let form = UpstreamForm { preset: "google".into(), ..Default::default() };
    page(&state, &lang, &admin, StatusCode::OK, notice, &form, None).await
}

async fn page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    notice: Option<super::Notice>,
    form: &UpstreamForm,
    error: Option<String>,
) -> Response {
    if let Some(res) = may(state, lang, Can::of(admin).upstreams) {
        return res;
    }
    let providers = match state.auth.upstreams().await {
        Ok(list) => list
            .iter()
            .map(|p| UpstreamRow {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind.as_str(),
                issuer: p.issuer.clone(),
                client_id: p.client_id.clone(),
                link_by_email: p.link_by_email,
                created: when(p.created_at),
            })
            .collect::<Vec<_>>(),
        Err(e) => return refused(state, lang, &e),
    };
    let issuer = &state.config.tokens.issuer;
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_upstreams.html",
        context! {
            title => lang.t("admin-upstreams-title"), tab => "upstreams", providers, notice, form, error,
            presets => presets(lang), issuer,
        },
    )
}

/// `POST /admin/upstreams`: adds a provider.
pub async fn add(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(form): PageForm<UpstreamForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let req = NewUpstream {
        id: form.id.trim().to_owned(),
        preset: form.preset.clone(),
        name: optional(&form.name),
        issuer: optional(&form.issuer),
        client_id: form.client_id.trim().to_owned(),
        client_secret: SecretString::from(form.client_secret.trim().to_owned()),
        scopes: Vec::new(),
        link_by_email: form.link_by_email.is_some(),
    };
    match state.auth.add_upstream(req, &actor(&admin), &client).await {
        Ok(_) => back("/admin/upstreams", "added"),
        Err(e) if matches!(e.code(), ErrorCode::InvalidRequest | ErrorCode::Conflict) => {
            let error = Some(core_detail(&lang, "admin-upstreams-error", &e));
            page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, &form, error).await
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/upstreams/{id}/remove`: asks first.
pub async fn ask_remove(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).upstreams) {
        return res;
    }
    let provider = match state.auth.upstream(&id).await {
        Ok(p) => p,
        Err(e) if e.code() == ErrorCode::NotFound => return not_found(&state, &lang, "admin-no-such-upstream"),
        Err(e) => return refused(&state, &lang, &e),
    };
    let consequence = lang.t_with("admin-confirm-remove-upstream", [("provider", provider.name.clone().into())]);
    let button = lang.t_with("admin-confirm-remove-upstream-button", [("provider", provider.name.clone().into())]);
    let path = format!("/admin/upstreams/{}", provider.id);
    let question = Question::on("upstreams", "remove-upstream", &path, "remove", consequence);
    confirm::page(&state, &lang, &admin, question.back_to("/admin/upstreams").button(button))
}

/// `POST /admin/upstreams/{id}/remove` (confirmed).
pub async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.auth.remove_upstream(&id, &actor(&admin), &client).await {
        Ok(()) => back("/admin/upstreams", "removed"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, &lang, "admin-no-such-upstream"),
        Err(e) => refused(&state, &lang, &e),
    }
}
