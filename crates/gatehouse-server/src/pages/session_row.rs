//! A session as the pages list it — the account's "Where you are signed in"
//! and an administrator's view of a user: its kind, the device by name
//! ([`super::device`]) with the raw user agent beside it, where and when.

use gatehouse_core::session::{Session, SessionKind};
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Serialize)]
pub(crate) struct SessionRow {
    id: String,
    kind: String,
    /// "Chrome on Linux"; the raw user agent in `agent` (a tooltip).
    device: Option<String>,
    agent: Option<String>,
    ip: Option<String>,
    created: String,
    last_active: String,
    /// The session of the browser looking at the page.
    current: bool,
}

impl SessionRow {
    /// The row of `s`: an app's session named `app` when the page knows the
    /// name (else by its client id), times written by `when`.
    pub(crate) fn of(s: &Session, app: Option<&str>, when: fn(OffsetDateTime) -> String, current: bool) -> Self {
        let kind = match &s.kind {
            SessionKind::Browser => "Browser".to_owned(),
            SessionKind::Api => "API".to_owned(),
            SessionKind::OAuth { client_id, .. } => format!("App: {}", app.unwrap_or(client_id)),
        };
        Self {
            id: s.id.to_string(),
            kind,
            device: s.user_agent.as_deref().and_then(super::device::describe),
            agent: s.user_agent.clone(),
            ip: s.ip.clone(),
            created: when(s.created_at),
            last_active: when(s.last_used_at),
            current,
        }
    }
}
