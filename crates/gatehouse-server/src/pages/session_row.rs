//! A session as the pages list it — the account's "Where you are signed in"
//! and an administrator's view of a user: its kind, the device by name
//! ([`super::device`]) with the raw user agent beside it, where and when.

use gatehouse_core::session::{Session, SessionKind};
use serde::Serialize;
use time::OffsetDateTime;

use super::Lang;

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
    /// The row of `s` in `lang`: an app's session named `app` when the page
    /// knows the name (else by its client id), times written by `when`.
    pub(crate) fn of_in(
        lang: &Lang,
        s: &Session,
        app: Option<&str>,
        when: fn(OffsetDateTime) -> String,
        current: bool,
    ) -> Self {
        let kind = match &s.kind {
            SessionKind::Browser => lang.t("account-session-kind-browser"),
            SessionKind::Api => lang.t("account-session-kind-api"),
            SessionKind::OAuth { client_id, .. } => {
                lang.t_with("account-session-kind-app", [("app", app.unwrap_or(client_id).to_owned().into())])
            }
        };
        let device = s.user_agent.as_deref().and_then(|agent| super::device::describe_in(lang, agent));
        Self::with(s, kind, device, when, current)
    }

    fn with(
        s: &Session,
        kind: String,
        device: Option<String>,
        when: fn(OffsetDateTime) -> String,
        current: bool,
    ) -> Self {
        Self {
            id: s.id.to_string(),
            kind,
            device,
            agent: s.user_agent.clone(),
            ip: s.ip.clone(),
            created: when(s.created_at),
            last_active: when(s.last_used_at),
            current,
        }
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_core::account::UserId;
    use gatehouse_core::session::SessionId;
    use uuid::Uuid;

    use super::*;
    use crate::pages::lang::tests::lang;

    fn session(kind: SessionKind) -> Session {
        let t = time::macros::datetime!(2026-11-23 20:41 UTC);
        Session {
            id: SessionId(Uuid::nil()),
            user_id: UserId(Uuid::nil()),
            created_at: t,
            last_used_at: t,
            idle_expires_at: t,
            absolute_expires_at: t,
            revoked_at: None,
            ip: None,
            user_agent: Some(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
                    .into(),
            ),
            amr: gatehouse_core::amr::Amr::default(),
            auth_time: t,
            kind,
        }
    }

    fn when(_: OffsetDateTime) -> String {
        "then".into()
    }

    #[test]
    fn a_row_speaks_the_page_language() {
        let row = SessionRow::of_in(&lang("de"), &session(SessionKind::Browser), None, when, true);
        assert_eq!(row.device.as_deref(), Some("Chrome auf Linux"));
        assert_eq!(row.kind, "Browser");
        let en = SessionRow::of_in(&lang("en"), &session(SessionKind::Browser), None, when, true);
        assert_eq!(en.device.as_deref(), Some("Chrome on Linux"));
        let app = SessionKind::OAuth { client_id: "notes".into(), scope: "openid".parse().unwrap() };
        let row = SessionRow::of_in(&lang("es"), &session(app.clone()), Some("Acme Notes"), when, false);
        assert_eq!(row.kind, "Aplicación: Acme Notes");
        assert_eq!(row.device.as_deref(), Some("Chrome en Linux"));
        let en = SessionRow::of_in(&lang("en"), &session(app), Some("Acme Notes"), when, false);
        assert_eq!(en.kind, "App: Acme Notes");
    }
}
