//! Forward-auth: a reverse proxy asks, for each request to an application
//! behind it, whether the browser that sent it may reach it. The browser
//! session (the cookie the proxy passes on) says who it is; the access rules
//! ([`crate::access`]) say what the request needs.

use secrecy::SecretString;

use super::{Authenticator, BrowserSession};
use crate::access::{Decision, OriginalRequest, Visitor};
use crate::error::Result;

/// The answer for one proxied request: the decision, and the live session
/// behind it, if any (whose identity an allowed request carries on).
#[derive(Debug)]
pub struct ProxyVerdict {
    pub decision: Decision,
    pub session: Option<BrowserSession>,
}

impl Authenticator {
    /// Decides `request` for the browser session behind `cookie` (none:
    /// nobody is signed in). A session that ended — signed out, revoked,
    /// its user disabled — counts as none at the next request.
    pub async fn forward_auth(&self, cookie: Option<&SecretString>, request: &OriginalRequest) -> Result<ProxyVerdict> {
        let session = match cookie {
            Some(cookie) => self.browser_session(cookie).await?,
            None => None,
        };
        let visitor = session
            .as_ref()
            .map(|found| Visitor { user: &found.user, multi_factor: found.session.amr.is_multi_factor() });
        let decision = self.config.access.decide(request, visitor);
        Ok(ProxyVerdict { decision, session })
    }
}
