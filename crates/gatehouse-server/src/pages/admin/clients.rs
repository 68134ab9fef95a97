//! `/admin/clients`: the registered OAuth clients, registering one (its
//! secret is shown on the answer page, once) and deleting one.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::oauth::{ClientKind, NewClient, OAuthClient, RegisteredClient};
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::{back, internal, notice, when, Admin, CsrfForm, Notice, NoticeQuery};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{forged, SignedIn};
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] = &[
    ("deleted", "The client is deleted, with its codes, consents and sessions.", false),
    ("missing", "That client does not exist (any more).", true),
];
/// More redirect URIs than this is a mistake in the form, not a client.
const MAX_REDIRECT_URIS: usize = 20;

/// The registration form, as posted (and shown again after an error).
#[derive(Deserialize, Serialize, Default)]
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
}

/// The message under each field of the form that is wrong.
#[derive(Serialize, Default)]
struct FormErrors {
    name: Option<String>,
    redirect_uris: Option<String>,
    kind: Option<String>,
    scopes: Option<String>,
}

impl FormErrors {
    fn any(&self) -> bool {
        self.name.is_some() || self.redirect_uris.is_some() || self.kind.is_some() || self.scopes.is_some()
    }
}

/// A client as the table shows it (never its secret).
#[derive(Serialize)]
struct ClientRow {
    id: String,
    name: String,
    kind: &'static str,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
    first_party: bool,
    created: String,
}

impl From<&OAuthClient> for ClientRow {
    fn from(c: &OAuthClient) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind.as_str(),
            redirect_uris: c.redirect_uris.clone(),
            scopes: c.scopes.clone(),
            first_party: c.first_party,
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

/// `GET /admin/clients`.
pub async fn list(State(state): State<AppState>, Admin(admin): Admin, Query(query): Query<NoticeQuery>) -> Response {
    let form = ClientForm { kind: "confidential".into(), ..Default::default() };
    let notice = notice(NOTICES, query.notice.as_deref());
    page(&state, &admin, StatusCode::OK, Page { notice, form, ..Default::default() }).await
}

/// `POST /admin/clients`: registers a client and shows its id and secret.
pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    PageForm(form): PageForm<ClientForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged(&state);
    }
    let req = match new_client(&form) {
        Ok(req) => req,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &admin, status, Page { form, errors, ..Default::default() }).await;
        }
    };
    match state.admin.create_client(req, &super::actor(&admin), &client).await {
        Ok(registered) => {
            let form = ClientForm { kind: "confidential".into(), ..Default::default() };
            let created = Some(created_view(&registered));
            page(&state, &admin, StatusCode::OK, Page { form, created, ..Default::default() }).await
        }
        Err(e) if e.code() == ErrorCode::InvalidRequest => {
            // The fields passed the same checks one by one; what is left
            // concerns the whole request.
            let errors = FormErrors { name: Some(sentence(&e.to_string())), ..Default::default() };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&state, &admin, status, Page { form, errors, ..Default::default() }).await
        }
        Err(e) => internal(&state, &e),
    }
}

/// `POST /admin/clients/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    if !admin.check_form(&state, &headers, &form.csrf) {
        return forged(&state);
    }
    match state.admin.delete_client(&id, &super::actor(&admin), &client).await {
        Ok(()) => back("/admin/clients", "deleted"),
        Err(e) if e.code() == ErrorCode::NotFound => back("/admin/clients", "missing"),
        Err(e) => internal(&state, &e),
    }
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
fn new_client(form: &ClientForm) -> Result<NewClient, FormErrors> {
    let mut errors = FormErrors::default();
    let public = match ClientKind::parse(&form.kind) {
        Some(kind) => kind == ClientKind::Public,
        None => {
            errors.kind = Some("Choose confidential or public.".into());
            false
        }
    };
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.name = Some("Give the client a name of 1 to 100 characters.".into());
    }
    let redirect_uris: Vec<String> =
        form.redirect_uris.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    errors.redirect_uris = if redirect_uris.is_empty() {
        Some("Add at least one redirect URI.".into())
    } else if redirect_uris.len() > MAX_REDIRECT_URIS {
        Some(format!("List at most {MAX_REDIRECT_URIS} redirect URIs."))
    } else {
        redirect_uris.iter().find_map(|uri| core_says(probe(vec![uri.clone()], Vec::new())))
    };
    let scopes: Vec<String> = form
        .scopes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    errors.scopes = core_says(probe(vec!["https://probe.example/cb".into()], scopes.clone()));
    if errors.any() {
        return Err(errors);
    }
    Ok(NewClient { name, public, redirect_uris, scopes, first_party: form.first_party.is_some(), ..Default::default() })
}

/// A request that is valid but for the redirect URIs and scopes given.
fn probe(redirect_uris: Vec<String>, scopes: Vec<String>) -> NewClient {
    NewClient { name: "probe".into(), redirect_uris, scopes, ..Default::default() }
}

/// What the core finds wrong with a request, as a sentence for the page.
fn core_says(req: NewClient) -> Option<String> {
    // A probe: only the checks matter, not when it would have been made.
    match req.register(time::OffsetDateTime::UNIX_EPOCH) {
        Ok(_) => None,
        Err(e) if e.code() == ErrorCode::InvalidRequest => Some(sentence(&e.to_string())),
        Err(e) => {
            tracing::error!(error = %e, "cannot check a client registration");
            Some("This value cannot be checked now. Try again later.".into())
        }
    }
}

/// A core message as a sentence: capital first letter, final full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// What the clients page shows besides the list.
#[derive(Default)]
struct Page {
    notice: Option<Notice>,
    form: ClientForm,
    errors: FormErrors,
    created: Option<Created>,
}

async fn page(state: &AppState, admin: &SignedIn, status: StatusCode, p: Page) -> Response {
    let clients = match state.admin.list_clients(&super::actor(admin)).await {
        Ok(clients) => clients,
        Err(e) => return internal(state, &e),
    };
    let rows: Vec<ClientRow> = clients.iter().map(ClientRow::from).collect();
    let kinds = [ClientKind::Confidential.as_str(), ClientKind::Public.as_str()];
    super::super::render(
        state,
        status,
        "admin_clients.html",
        context! {
            title => "OAuth clients",
            tab => "clients",
            clients => rows,
            kinds,
            notice => p.notice,
            form => p.form,
            errors => p.errors,
            created => p.created,
            csrf => &admin.csrf,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let req = new_client(&f).unwrap_or_else(|_| panic!("valid"));
        assert_eq!(req.name, "Shop");
        assert!(req.public && !req.first_party);
        assert_eq!(req.redirect_uris, ["https://shop.example/cb", "http://localhost:3000/cb"]);
        assert_eq!(req.scopes, ["openid", "email"]);
    }

    #[test]
    fn errors_land_under_their_fields() {
        let Err(e) = new_client(&form("", "http://shop.example/cb", "other", "bad/scope")) else {
            panic!("invalid");
        };
        assert!(e.name.is_some() && e.kind.is_some());
        assert!(e.redirect_uris.unwrap().contains("https"));
        assert!(e.scopes.unwrap().contains("bad/scope"));
        let Err(e) = new_client(&form("Shop", "  \n", "confidential", "")) else { panic!("invalid") };
        assert_eq!(e.redirect_uris.as_deref(), Some("Add at least one redirect URI."));
        assert!(e.name.is_none() && e.scopes.is_none() && e.kind.is_none());
    }

    #[test]
    fn core_messages_read_as_sentences() {
        assert_eq!(sentence("redirect URI 'x' has no host"), "Redirect URI 'x' has no host.");
        assert_eq!(sentence("Done."), "Done.");
    }
}
