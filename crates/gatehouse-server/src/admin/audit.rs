//! `GET /api/admin/audit`: the audit log, filtered and paginated (`audit:read`).

use axum::extract::State;
use axum::Json;
use gatehouse_core::account::UserId;
use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, Outcome};
use gatehouse_core::Error;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{AdminActor, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Events where this user id is the actor or the subject.
    user: Option<Uuid>,
    /// Event kind, e.g. `login_failed`.
    event: Option<String>,
    /// `success` or `failure`.
    outcome: Option<String>,
    /// RFC 3339 lower bound (inclusive).
    since: Option<String>,
    /// RFC 3339 upper bound (exclusive).
    until: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295_u64)]
    limit: Option<u32>,
    /// How many to skip (the `next_offset` of the page before).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295_u64)]
    offset: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    id: Uuid,
    at: String,
    event: &'static str,
    outcome: &'static str,
    actor: Option<Uuid>,
    subject: Option<Uuid>,
    ip: Option<String>,
    user_agent: Option<String>,
    detail: Option<String>,
}

impl From<&AuditEvent> for AuditView {
    fn from(e: &AuditEvent) -> Self {
        Self {
            id: e.id,
            at: rfc3339(e.at),
            event: e.kind.as_str(),
            outcome: e.outcome.as_str(),
            actor: e.actor.map(|u| u.0),
            subject: e.subject.map(|u| u.0),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            detail: e.detail.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    events: Vec<AuditView>,
    limit: u32,
    offset: u32,
}

fn parse_time(name: &str, value: Option<String>) -> Result<Option<OffsetDateTime>, Error> {
    value
        .map(|v| {
            OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| {
                Error::InvalidRequest(format!("'{name}' must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z"))
            })
        })
        .transpose()
}

/// Read the audit log (newest first).
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    let kind = params
        .event
        .map(|e| AuditKind::parse(&e).ok_or_else(|| Error::InvalidRequest(format!("unknown event '{e}'"))))
        .transpose()?;
    let outcome = params
        .outcome
        .map(|o| {
            Outcome::parse(&o).ok_or_else(|| Error::InvalidRequest("outcome must be 'success' or 'failure'".into()))
        })
        .transpose()?;
    let query = AuditQuery {
        user: params.user.map(UserId),
        kind,
        outcome,
        since: parse_time("since", params.since)?,
        until: parse_time("until", params.until)?,
        limit: params.limit.unwrap_or(50).clamp(1, 500),
        offset: params.offset.unwrap_or(0),
    };
    let events = state.admin.audit_log(&actor, query.clone()).await?;
    Ok(Json(AuditPage {
        events: events.iter().map(AuditView::from).collect(),
        limit: query.limit,
        offset: query.offset,
    }))
}
