//! Browser sessions: a person signed in to Gatehouse's own pages (login,
//! consent, logout). The session is an ordinary session row of kind
//! `browser`; the cookie holds the first — and only — token of its chain, so
//! only its SHA-256 digest is stored. Sign-in happens through the usual
//! [`Authenticator::login`] / [`Authenticator::verify_mfa`] with `SignIn::Browser`.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::Authenticator;
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{hmac_token, random_token, TokenDigest};
use crate::error::Result;
use crate::flows::parts::{first_link, Authenticated};
use crate::session::{Session, SessionId};

/// A live browser session and its user.
#[derive(Clone, Debug)]
pub struct BrowserSession {
    /// As checked: without its address and user agent (see
    /// [`crate::flows::parts::LiveSessions`]).
    pub session: Arc<Session>,
    pub user: Arc<User>,
}

impl Authenticator {
    /// The live session behind a cookie value, if any: the session must be a
    /// browser session, unrevoked, inside both lifetimes, and its user
    /// active. Each use pushes the idle deadline.
    pub async fn browser_session(&self, cookie: &SecretString) -> Result<Option<BrowserSession>> {
        let value = cookie.expose_secret();
        if value.is_empty() || value.len() > 128 {
            return Ok(None);
        }
        let Some(session) = self.live.browser(&TokenDigest::of(value)).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        if !session.is_active(now) {
            return Ok(None);
        }
        let Some(user) = self.live.user(session.user_id).await? else {
            return Ok(None);
        };
        if !user.is_active {
            return Ok(None);
        }
        // Pushing the deadline on every request would write on every page view.
        if session.touch_due(now, self.config.browser.idle) {
            let idle = (now + self.config.browser.idle).min(session.absolute_expires_at);
            self.live.touch(session.id, now, idle);
        }
        Ok(Some(BrowserSession { session, user }))
    }

    /// The CSRF token of a browser session's forms: an HMAC of the session id
    /// under a key derived from the master key (synchronizer token, nothing stored).
    pub fn csrf_token(&self, session: &Session) -> String {
        let key = self.master.derive("gatehouse/csrf/v1");
        hmac_token(&key, &session.id.to_string()).expose_secret().to_owned()
    }

    /// Whether `presented` is the CSRF token of `session` (constant time).
    pub fn csrf_matches(&self, session: &Session, presented: &str) -> bool {
        TokenDigest::of(&self.csrf_token(session)).matches(&TokenDigest::of(presented))
    }

    /// Ends a browser session (sign out on the pages).
    pub async fn end_browser_session(&self, session: &BrowserSession, client: &ClientInfo) -> Result<()> {
        if self.sessions.revoke_session(session.session.id, self.clock.now()).await? {
            self.audit
                .record(AuditEvent::new(AuditKind::Logout, Outcome::Success, client).by_and_for(session.user.id))
                .await;
        }
        Ok(())
    }

    /// The browser session as the account flows see a caller.
    pub fn browser_auth(&self, browser: &BrowserSession) -> Authenticated {
        let (user, session) = (&browser.user, &browser.session);
        Authenticated::verified(user.id, session.id, self.config.must_enroll(user, &session.amr))
    }

    /// Replaces a browser session with a new one (new id, new cookie value)
    /// after a change of privilege — a password change, a second factor
    /// enrolled — so a session id seen before the change is worth nothing.
    /// The new session keeps the old one's sign-in facts (when, how) and its
    /// absolute deadline.
    pub async fn renew_browser_session(&self, browser: &BrowserSession, client: &ClientInfo) -> Result<SecretString> {
        let now = self.clock.now();
        let old = &browser.session;
        let session = Session {
            id: SessionId::new(),
            last_used_at: now,
            idle_expires_at: (now + self.config.browser.idle).min(old.absolute_expires_at),
            revoked_at: None,
            ip: client.ip.clone(),
            user_agent: client.user_agent.as_ref().map(|ua| ua.chars().take(512).collect()),
            ..Session::clone(old)
        };
        let cookie = random_token();
        let unit = self.units.begin().await?;
        unit.create_session(&session, &first_link(&session, &cookie)).await?;
        unit.revoke_session(old.id, now).await?;
        unit.commit().await?;
        Ok(cookie)
    }
}
