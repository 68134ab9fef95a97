//! `/admin/clients`: the registered OAuth clients, registering one (its
//! secret is shown on the answer page, once); one client's page, to change
//! it, rotate its secret (the new one shown once) or delete it — both asked
//! first.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::oauth::{ClientKind, ClientUpdate, NewClient, OAuthClient, RegisteredClient};
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::confirm::{self, Confirmed, Question};
use super::{back, core_detail, may, notice, refused, render_admin, when, Admin, Can, Notice, NoticeQuery};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged_in, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] = &[
    ("deleted", "admin-client-deleted", false),
    ("missing", "admin-client-missing", true),
    ("saved", "admin-client-saved", false),
];
/// More redirect URIs than this is a mistake in the form, not a client.
const MAX_REDIRECT_URIS: usize = 20;

/// The registration form, as posted (and shown again after an error).
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ClientForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// One per line.
    #[serde(default)]
    redirect_uris: String,
    /// `confidential` or `public`.
    #[serde(default)]
    kind: String,
    /// Separated by spaces or commas; empty for the default.
    #[serde(default)]
    scopes: String,
    first_party: Option<String>,
    /// The application's home page; empty for none.
    #[serde(default)]
    client_uri: String,
    /// Its logo; empty for none.
    #[serde(default)]
    logo_uri: String,
}

/// The message under each field of the form that is wrong.
#[derive(Serialize, Default)]
struct FormErrors {
    name: Option<String>,
    redirect_uris: Option<String>,
    kind: Option<String>,
    scopes: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
}

impl FormErrors {
    fn any(&self) -> bool {
        [&self.name, &self.redirect_uris, &self.kind, &self.scopes, &self.client_uri, &self.logo_uri]
            .iter()
            .any(|e| e.is_some())
    }
}

/// A client as the table shows it (never its secret).
#[derive(Serialize)]
struct ClientRow {
    id: String,
    name: String,
    /// The kind, in words.
    kind: String,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
    first_party: bool,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    created: String,
}

impl ClientRow {
    fn of(lang: &Lang, c: &OAuthClient) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: kind_name(lang, c.kind),
            redirect_uris: c.redirect_uris.clone(),
            scopes: c.scopes.clone(),
            first_party: c.first_party,
            client_uri: c.client_uri.clone(),
            logo_uri: c.logo_uri.clone(),
            created: when(c.created_at),
        }
    }
}

/// A client just registered: the one page that shows its secret.
#[derive(Serialize)]
struct Created {
    id: String,
    name: String,
    secret: Option<String>,
}

/// A client's kind, in words.
fn kind_name(lang: &Lang, kind: ClientKind) -> String {
    match kind {
        ClientKind::Confidential => lang.t("admin-client-kind-confidential"),
        ClientKind::Public => lang.t("admin-client-kind-public"),
    }
}

/// `GET /admin/clients`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let form = ClientForm { kind: "confidential".into(), ..Default::default() };
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    page(&state, &lang, &admin, StatusCode::OK, Page { notice, form, ..Default::default() }).await
}

/// `POST /admin/clients`: registers a client and shows its id and secret.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(form): PageForm<ClientForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    let req = match new_client(&lang, &form) {
        Ok(req) => req,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &lang, &admin, status, Page { form, errors: *errors, ..Default::default() }).await;
        }
    };
    match state.admin.create_client(req, &super::actor(&admin), &client).await {
        Ok(registered) => {
            let form = ClientForm { kind: "confidential".into(), ..Default::default() };
            let created = Some(created_view(&registered));
            page(&state, &lang, &admin, StatusCode::OK, Page { form, created, ..Default::default() }).await
        }
        Err(e) if e.code() == ErrorCode::InvalidRequest => {
            // The fields passed the same checks one by one; what is left
            // concerns the whole request.
            let errors =
                FormErrors { name: Some(core_detail(&lang, "admin-client-error-request", &e)), ..Default::default() };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&state, &lang, &admin, status, Page { form, errors, ..Default::default() }).await
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/clients/{id}`: the client, and the form to change it.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    client_page(&state, &lang, &admin, StatusCode::OK, &id, ClientPage { notice, ..Default::default() }).await
}

/// `POST /admin/clients/{id}`: a new name, redirect URIs, scopes, first
/// party or not. Its kind and secret stay.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<ClientForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged_in(&state, &lang);
    }
    let again = |form: ClientForm, errors: FormErrors| {
        let p = ClientPage { form: Some(form), errors, ..Default::default() };
        client_page(&state, &lang, &admin, StatusCode::UNPROCESSABLE_ENTITY, &id, p)
    };
    // The same checks as a registration, one field at a time; the kind is
    // the client's own and is not changed here.
    let checked = ClientForm { kind: ClientKind::Confidential.as_str().into(), ..form.clone() };
    let req = match new_client(&lang, &checked) {
        Ok(req) => req,
        Err(errors) => return again(form, *errors).await,
    };
    let update = ClientUpdate {
        name: Some(req.name),
        redirect_uris: Some(req.redirect_uris),
        scopes: Some(req.scopes),
        first_party: Some(req.first_party),
        // The form always shows both: an empty field removes one.
        client_uri: Some(req.client_uri.unwrap_or_default()),
        logo_uri: Some(req.logo_uri.unwrap_or_default()),
        ..Default::default()
    };
    match state.admin.update_client(&super::actor(&admin), &id, update, &client).await {
        Ok(updated) => back(&path_of(&updated.id), "saved"),
        Err(e) if e.code() == ErrorCode::NotFound => back("/admin/clients", "missing"),
        Err(e) if e.code() == ErrorCode::InvalidRequest => {
            let error = core_detail(&lang, "admin-client-error-request", &e);
            again(form, FormErrors { name: Some(error), ..Default::default() }).await
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/clients/{id}/secret`: asks first.
pub async fn ask_rotate(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).clients_write) {
        return res;
    }
    let c = match state.admin.client(&super::actor(&admin), &id).await {
        Ok(c) => c,
        Err(e) if e.code() == ErrorCode::NotFound => return back("/admin/clients", "missing"),
        Err(e) => return refused(&state, &lang, &e),
    };
    let consequence = lang.t_with("admin-confirm-rotate-secret", [("client", c.name.clone().into())]);
    let question = Question::on("clients", "rotate-secret", &path_of(&c.id), "secret", consequence);
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/clients/{id}/secret` (confirmed): the new secret, shown once.
pub async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.admin.rotate_client_secret(&super::actor(&admin), &id, &client).await {
        Ok((rotated, secret)) => {
            let p = ClientPage { secret: Some(secret.expose_secret().to_owned()), ..Default::default() };
            client_page(&state, &lang, &admin, StatusCode::OK, &rotated.id, p).await
        }
        Err(e) if e.code() == ErrorCode::NotFound => back("/admin/clients", "missing"),
        Err(e) if e.code() == ErrorCode::InvalidRequest => {
            let errors =
                FormErrors { name: Some(core_detail(&lang, "admin-client-error-request", &e)), ..Default::default() };
            let p = ClientPage { errors, ..Default::default() };
            client_page(&state, &lang, &admin, StatusCode::CONFLICT, &id, p).await
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/clients/{id}/delete`: asks first.
pub async fn ask_delete(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).clients_write) {
        return res;
    }
    let c = match state.admin.client(&super::actor(&admin), &id).await {
        Ok(c) => c,
        Err(e) if e.code() == ErrorCode::NotFound => return back("/admin/clients", "missing"),
        Err(e) => return refused(&state, &lang, &e),
    };
    let consequence =
        lang.t_with("admin-confirm-delete-client", [("client", c.name.clone().into()), ("id", c.id.clone().into())]);
    let button = lang.t_with("admin-delete-named", [("name", c.name.clone().into())]);
    let question = Question::on("clients", "delete-client", &path_of(&c.id), "delete", consequence).button(button);
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/clients/{id}/delete` (confirmed).
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.admin.delete_client(&id, &super::actor(&admin), &client).await {
        Ok(()) => back("/admin/clients", "deleted"),
        Err(e) if e.code() == ErrorCode::NotFound => back("/admin/clients", "missing"),
        Err(e) => refused(&state, &lang, &e),
    }
}

fn path_of(id: &str) -> String {
    let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("/admin/clients/{id}")
}

/// What a client's page shows besides the client.
#[derive(Default)]
struct ClientPage {
    notice: Option<Notice>,
    /// The form as posted (after an error); else the client's values.
    form: Option<ClientForm>,
    errors: FormErrors,
    /// A secret just rotated: shown this once.
    secret: Option<String>,
}

async fn client_page(
    state: &AppState,
    lang: &Lang,
    admin: &SignedIn,
    status: StatusCode,
    id: &str,
    p: ClientPage,
) -> Response {
    let c = match state.admin.client(&super::actor(admin), id).await {
        Ok(c) => c,
        Err(e) if e.code() == ErrorCode::NotFound => return back("/admin/clients", "missing"),
        Err(e) => return refused(state, lang, &e),
    };
    let form = p.form.unwrap_or_else(|| ClientForm {
        name: c.name.clone(),
        redirect_uris: c.redirect_uris.join("\n"),
        kind: c.kind.as_str().into(),
        scopes: c.scopes.join(" "),
        first_party: c.first_party.then(|| "1".into()),
        client_uri: c.client_uri.clone().unwrap_or_default(),
        logo_uri: c.logo_uri.clone().unwrap_or_default(),
        ..Default::default()
    });
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_client.html",
        context! {
            title => lang.t_with("admin-client-title", [("client", c.name.clone().into())]),
            tab => "clients",
            client => ClientRow::of(lang, &c),
            public => c.kind == ClientKind::Public,
            notice => p.notice,
            form,
            errors => p.errors,
            secret => p.secret,
        },
    )
}

fn created_view(registered: &RegisteredClient) -> Created {
    Created {
        id: registered.client.id.clone(),
        name: registered.client.name.clone(),
        secret: registered.secret.as_ref().map(|s| s.expose_secret().to_owned()),
    }
}

/// The request of the form, or the message under each wrong field. Each
/// field is checked by the core's own rules ([`NewClient::register`]) on a
/// request that holds only that field, so an error lands under its field.
fn new_client(lang: &Lang, form: &ClientForm) -> Result<NewClient, Box<FormErrors>> {
    let mut errors = FormErrors::default();
    let public = match ClientKind::parse(&form.kind) {
        Some(kind) => kind == ClientKind::Public,
        None => {
            errors.kind = Some(lang.t("admin-client-error-kind"));
            false
        }
    };
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.name = Some(lang.t("admin-client-error-name"));
    }
    let redirect_uris: Vec<String> =
        form.redirect_uris.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    errors.redirect_uris = if redirect_uris.is_empty() {
        Some(lang.t("admin-client-error-no-redirect-uri"))
    } else if redirect_uris.len() > MAX_REDIRECT_URIS {
        Some(lang.t_with("admin-client-error-too-many-redirect-uris", [("max", MAX_REDIRECT_URIS.into())]))
    } else {
        let say =
            |uri: &String| core_says(lang, "admin-client-error-redirect-uri", probe(vec![uri.clone()], Vec::new()));
        redirect_uris.iter().find_map(say)
    };
    let scopes: Vec<String> = form
        .scopes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let probed = probe(vec!["https://probe.example/cb".into()], scopes.clone());
    errors.scopes = core_says(lang, "admin-client-error-scopes", probed);
    let page_uri = |uri: &str| Some(uri.trim().to_owned()).filter(|u| !u.is_empty());
    let (client_uri, logo_uri) = (page_uri(&form.client_uri), page_uri(&form.logo_uri));
    let probed =
        NewClient { client_uri: client_uri.clone(), ..probe(vec!["https://probe.example/cb".into()], Vec::new()) };
    errors.client_uri = core_says(lang, "admin-client-error-page-uri", probed);
    let probed = NewClient { logo_uri: logo_uri.clone(), ..probe(vec!["https://probe.example/cb".into()], Vec::new()) };
    errors.logo_uri = core_says(lang, "admin-client-error-page-uri", probed);
    if errors.any() {
        return Err(Box::new(errors));
    }
    let first_party = form.first_party.is_some();
    Ok(NewClient { name, public, redirect_uris, scopes, first_party, client_uri, logo_uri, ..Default::default() })
}

/// A request that is valid but for the redirect URIs and scopes given.
fn probe(redirect_uris: Vec<String>, scopes: Vec<String>) -> NewClient {
    NewClient { name: "probe".into(), redirect_uris, scopes, ..Default::default() }
}

/// What the core finds wrong with a request, as message `id` for the page
/// (the core's words as its `$detail`).
fn core_says(lang: &Lang, id: &str, req: NewClient) -> Option<String> {
    // A probe: only the checks matter, not when it would have been made.
    match req.register(time::OffsetDateTime::UNIX_EPOCH) {
        Ok(_) => None,
        Err(e) if e.code() == ErrorCode::InvalidRequest => Some(core_detail(lang, id, &e)),
        Err(e) => {
            tracing::error!(error = %e, "cannot check a client registration");
            Some(lang.t("admin-client-error-unchecked"))
        }
    }
}

/// What the clients page shows besides the list.
#[derive(Default)]
struct Page {
    notice: Option<Notice>,
    form: ClientForm,
    errors: FormErrors,
    created: Option<Created>,
}

async fn page(state: &AppState, lang: &Lang, admin: &SignedIn, status: StatusCode, p: Page) -> Response {
    let clients = match state.admin.list_clients(&super::actor(admin)).await {
        Ok(clients) => clients,
        Err(e) => return refused(state, lang, &e),
    };
    let rows: Vec<ClientRow> = clients.iter().map(|c| ClientRow::of(lang, c)).collect();
    // (value, in words)
    let kinds: Vec<(&str, String)> =
        [ClientKind::Confidential, ClientKind::Public].into_iter().map(|k| (k.as_str(), kind_name(lang, k))).collect();
    render_admin(
        state,
        lang,
        admin,
        status,
        "admin_clients.html",
        context! {
            title => lang.t("admin-clients-title"),
            tab => "clients",
            clients => rows,
            kinds,
            notice => p.notice,
            form => p.form,
            errors => p.errors,
            created => p.created,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::lang::tests::lang;

    fn form(name: &str, uris: &str, kind: &str, scopes: &str) -> ClientForm {
        ClientForm {
            name: name.into(),
            redirect_uris: uris.into(),
            kind: kind.into(),
            scopes: scopes.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_is_a_request() {
        let f = form(" Shop ", "https://shop.example/cb\r\n\r\nhttp://localhost:3000/cb\n", "public", "openid, email");
        let req = new_client(&lang("en"), &f).unwrap_or_else(|_| panic!("valid"));
        assert_eq!(req.name, "Shop");
        assert!(req.public && !req.first_party);
        assert_eq!(req.redirect_uris, ["https://shop.example/cb", "http://localhost:3000/cb"]);
        assert_eq!(req.scopes, ["openid", "email"]);
    }

    #[test]
    fn errors_land_under_their_fields() {
        let Err(e) = new_client(&lang("en"), &form("", "http://shop.example/cb", "other", "bad/scope")) else {
            panic!("invalid");
        };
        assert!(e.name.is_some() && e.kind.is_some());
        assert!(e.redirect_uris.unwrap().contains("https"));
        assert!(e.scopes.unwrap().contains("bad/scope"));
        let Err(e) = new_client(&lang("en"), &form("Shop", "  \n", "confidential", "")) else { panic!("invalid") };
        assert_eq!(e.redirect_uris.as_deref(), Some("Add at least one redirect URI."));
        assert!(e.name.is_none() && e.scopes.is_none() && e.kind.is_none());
        let Err(e) = new_client(&lang("de"), &form("", "http://shop.example/cb", "other", "bad/scope")) else {
            panic!("invalid");
        };
        assert_eq!(e.kind.as_deref(), Some("Wählen Sie „vertraulich“ oder „öffentlich“."));
        assert!(e.redirect_uris.unwrap().contains("https"));
    }
}
