//! `/admin/audit`: the audit log, newest first, filtered by user (name,
//! email or id), event kind, outcome and a time range (`datetime-local`
//! inputs, read as UTC), 100 events a page.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::account::UserId;
use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, Outcome};
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::{internal, page_number, pager, render_admin, when, Admin};
use crate::extract::ApiQuery;
use crate::pages::Lang;
use crate::state::AppState;

const PER_PAGE: u32 = 100;

#[derive(Deserialize, Default)]
pub struct AuditFilters {
    #[serde(default)]
    user: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<String>,
}

/// The message under each filter that could not be used.
#[derive(Serialize, Default)]
struct FilterErrors {
    user: Option<String>,
    kind: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl FilterErrors {
    fn any(&self) -> bool {
        self.user.is_some() || self.kind.is_some() || self.outcome.is_some() || self.from.is_some() || self.to.is_some()
    }
}

/// Someone an event names: a link to the user, with the username when the
/// account still exists.
#[derive(Serialize)]
struct Person {
    id: String,
    name: Option<String>,
}

/// One event as the tables show it.
#[derive(Serialize)]
pub(super) struct EventRow {
    at: String,
    event: &'static str,
    outcome: &'static str,
    actor: Option<Person>,
    subject: Option<Person>,
    ip: Option<String>,
    agent: Option<String>,
    agent_full: Option<String>,
    detail: Option<String>,
}

/// `GET /admin/audit?user=&kind=&outcome=&from=&to=&page=`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(filters): ApiQuery<AuditFilters>,
) -> Response {
    let page = page_number(filters.page.as_deref());
    let (query, errors) = match query_of(&state, &lang, &filters, page).await {
        Ok(parsed) => parsed,
        Err(e) => return internal(&state, &lang, &e),
    };
    let (events, more) = if errors.any() {
        (Vec::new(), false)
    } else {
        match state.admin.audit_log(&super::actor(&admin), query).await {
            Ok(mut events) => {
                let more = events.len() > PER_PAGE as usize;
                events.truncate(PER_PAGE as usize);
                (rows(&state, &lang, &events).await, more)
            }
            Err(e) => return internal(&state, &lang, &e),
        }
    };
    let kept = [
        ("user", filters.user.trim()),
        ("kind", filters.kind.as_str()),
        ("outcome", filters.outcome.as_str()),
        ("from", filters.from.as_str()),
        ("to", filters.to.as_str()),
    ];
    let (previous, next) = pager("/admin/audit", &kept, page, more);
    let status = if errors.any() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let kinds: Vec<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
    render_admin(
        &state,
        &lang,
        &admin,
        status,
        "admin_audit.html",
        context! {
            title => lang.t("admin-audit-title"),
            tab => "audit",
            kinds,
            filters => context! {
                user => filters.user.trim(), kind => filters.kind, outcome => filters.outcome,
                from => filters.from, to => filters.to,
            },
            errors,
            events,
            page,
            previous,
            next,
        },
    )
}

/// The core query of the filters, and the filters it could not use.
/// `Err` only for a failure of the store while resolving the user.
async fn query_of(
    state: &AppState,
    lang: &Lang,
    f: &AuditFilters,
    page: u32,
) -> Result<(AuditQuery, FilterErrors), gatehouse_core::Error> {
    let mut errors = FilterErrors::default();
    let mut query = AuditQuery { limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE, ..Default::default() };
    let user = f.user.trim();
    if !user.is_empty() {
        match resolve_user(state, user).await? {
            Some(id) => query.user = Some(id),
            None => errors.user = Some(lang.t("admin-audit-error-user")),
        }
    }
    if !f.kind.is_empty() {
        query.kind = AuditKind::parse(&f.kind);
        errors.kind = query.kind.is_none().then(|| lang.t("admin-audit-error-kind"));
    }
    if !f.outcome.is_empty() {
        query.outcome = Outcome::parse(&f.outcome);
        errors.outcome = query.outcome.is_none().then(|| lang.t("admin-audit-error-outcome"));
    }
    let bad_time = || lang.t("admin-audit-error-time");
    if !f.from.is_empty() {
        query.since = parse_local(&f.from).map(|(t, _)| t);
        errors.from = query.since.is_none().then(bad_time);
    }
    if !f.to.is_empty() {
        // "To 12:00" includes the whole of that minute.
        query.until = parse_local(&f.to).map(|(t, step)| t + step);
        errors.to = query.until.is_none().then(bad_time);
    }
    if let (Some(since), Some(until)) = (query.since, query.until) {
        if until <= since {
            errors.to = Some(lang.t("admin-audit-error-range"));
        }
    }
    Ok((query, errors))
}

/// The id of the user a filter names. An id that is no longer a user's
/// (a deleted account) still filters: its events stay in the log.
async fn resolve_user(state: &AppState, key: &str) -> Result<Option<UserId>, gatehouse_core::Error> {
    match state.admin.find_user(key).await {
        Ok(user) => Ok(Some(user.id)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(uuid::Uuid::parse_str(key).ok().map(UserId)),
        Err(e) => Err(e),
    }
}

/// A `datetime-local` value read as UTC, with its precision (a minute, or a
/// second when it has seconds).
fn parse_local(raw: &str) -> Option<(OffsetDateTime, Duration)> {
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let raw = raw.trim();
    PrimitiveDateTime::parse(raw, &minutes)
        .map(|t| (t.assume_utc(), Duration::MINUTE))
        .or_else(|_| PrimitiveDateTime::parse(raw, &seconds).map(|t| (t.assume_utc(), Duration::SECOND)))
        .ok()
}

/// Events as table rows, with the usernames of the people they name.
pub(super) async fn rows(state: &AppState, lang: &Lang, events: &[AuditEvent]) -> Vec<EventRow> {
    let names = usernames(state, events).await;
    let person = |id: Option<UserId>| id.map(|id| Person { id: id.to_string(), name: names.get(&id).cloned() });
    events
        .iter()
        .map(|e| {
            let agent_full = e.user_agent.clone();
            let agent = agent_full.as_deref().and_then(|a| crate::pages::device::describe_in(lang, a));
            EventRow {
                at: when(e.at),
                event: e.kind.as_str(),
                outcome: e.outcome.as_str(),
                actor: person(e.actor),
                subject: person(e.subject),
                ip: e.ip.clone(),
                agent,
                agent_full,
                detail: e.detail.clone(),
            }
        })
        .collect()
}

/// The usernames of the accounts the events name (those that still exist).
async fn usernames(state: &AppState, events: &[AuditEvent]) -> HashMap<UserId, String> {
    // Collected first: an iterator with closures must not live across an await.
    let mut ids: Vec<UserId> = events.iter().flat_map(|e| [e.actor, e.subject]).flatten().collect();
    ids.sort();
    ids.dedup();
    let mut names = HashMap::new();
    for id in ids {
        match state.admin.find_user(&id.to_string()).await {
            Ok(user) if user.id == id => {
                names.insert(id, user.username.as_str().to_owned());
            }
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) => tracing::warn!(error = %e, "cannot name a user of the audit log"),
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_values_are_utc_with_their_precision() {
        let (t, step) = parse_local("2026-01-31T12:05").unwrap();
        assert_eq!(t, time::macros::datetime!(2026-01-31 12:05 UTC));
        assert_eq!(step, Duration::MINUTE);
        let (t, step) = parse_local("2026-01-31T12:05:07").unwrap();
        assert_eq!(t, time::macros::datetime!(2026-01-31 12:05:07 UTC));
        assert_eq!(step, Duration::SECOND);
        for bad in ["", "yesterday", "2026-01-31", "2026-13-01T00:00", "2026-01-31T12:05Z"] {
            assert!(parse_local(bad).is_none(), "{bad}");
        }
    }
}
