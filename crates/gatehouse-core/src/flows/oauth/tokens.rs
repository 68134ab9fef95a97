//! What an OAuth client or resource server can ask about tokens: userinfo
//! (OpenID Connect Core §5.3), introspection (RFC 7662), revocation
//! (RFC 7009), and RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).
//!
//! Access tokens are JWTs, so revoking one means ending the session it
//! belongs to: its refresh token dies with it, and introspection and userinfo
//! — which check the session — refuse it at once. Resource servers that only
//! verify signatures accept it until it expires (15 minutes by default).

use serde_json::{json, Map, Value};

use super::authorize::append_query;
use super::token::{user_claims, ClientCredentials};
use super::OAuthProvider;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::TokenDigest;
use crate::error::{Error, Result};
use crate::flows::BrowserSession;
use crate::oauth::{ClientKind, OAuthClient, OAuthErrorCode as Code, OAuthFailure, ScopeSet};
use crate::session::SessionKind;
use crate::token::{read_id_token_hint, AccessClaims};

/// The claims userinfo returns.
pub type UserInfo = Map<String, Value>;

/// An introspection answer: `{"active": false}` or the token's claims.
pub type Introspection = Value;

/// What RP-initiated logout does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogoutOutcome {
    /// Signed out (or nobody was signed in): send the browser here.
    Redirect(String),
    /// Signed out; no place to return to: show a "signed out" page.
    SignedOut,
    /// The request cannot prove it comes from the person's application: ask
    /// them to confirm first (the page posts back with `confirmed`).
    Confirm { client_name: Option<String> },
}

/// The parameters of an RP-initiated logout request.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct LogoutRequest {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

impl OAuthProvider {
    /// Verifies an access token and checks that its session still lives.
    /// Client-credentials tokens (no session) are checked by signature only.
    async fn live_access_token(&self, token: &str) -> Result<AccessClaims> {
        let claims = self.tokens.verify_access(token).await?;
        if claims.sid.is_empty() {
            return Ok(claims);
        }
        let session = self.live.session(claims.session_id()?).await?.ok_or(Error::InvalidToken)?;
        let user = self.live.user(session.user_id).await?;
        let now = self.clock.now();
        if !session.is_active(now) || session.user_id.to_string() != claims.sub || !user.is_some_and(|u| u.is_active) {
            return Err(Error::InvalidToken);
        }
        Ok(claims)
    }

    /// The claims about the token's user that its scope releases.
    pub async fn userinfo(&self, token: &str) -> std::result::Result<UserInfo, OAuthFailure> {
        let invalid = || OAuthFailure::new(Code::InvalidToken, "the access token is invalid, expired or revoked");
        let claims = self.live_access_token(token).await.map_err(|e| match e {
            Error::InvalidToken | Error::TokenExpired => invalid(),
            other => OAuthFailure::Server(other),
        })?;
        if claims.sid.is_empty() {
            return Err(OAuthFailure::new(Code::InsufficientScope, "the token does not belong to a person"));
        }
        if !claims.has_scope("openid") {
            return Err(OAuthFailure::new(Code::InsufficientScope, "userinfo needs the openid scope"));
        }
        let user = self.live.user(claims.user_id()?).await.map_err(OAuthFailure::Server)?.ok_or_else(invalid)?;
        let mut info = Map::new();
        info.insert("sub".into(), json!(user.id.to_string()));
        info.extend(user_claims(&user, &ScopeSet::from_stored(&claims.scope)));
        Ok(info)
    }

    /// RFC 7662: whether a token is active, for an authenticated client.
    pub async fn introspect(
        &self,
        creds: &ClientCredentials,
        token: &str,
    ) -> std::result::Result<Introspection, OAuthFailure> {
        let caller = self.authenticate_client(creds).await?;
        if caller.kind != ClientKind::Confidential {
            return Err(OAuthFailure::new(Code::InvalidClient, "introspection needs a confidential client"));
        }
        if token.is_empty() || token.len() > 8192 {
            return Ok(json!({ "active": false }));
        }
        if crate::api_key::looks_like_api_key(token) {
            return Ok(match self.api_key_check.live(token).await? {
                None => json!({ "active": false }),
                Some(auth) => {
                    let permissions: Vec<&str> = auth.permissions().iter().map(|p| p.as_str()).collect();
                    let mut out = json!({
                        "active": true,
                        "token_type": "api_key",
                        "scope": permissions.join(" "),
                        "permissions": permissions,
                        "sub": auth.user.id.to_string(),
                        "username": auth.user.username.as_str(),
                        "iss": self.config.tokens.issuer,
                        "aud": self.config.tokens.audience,
                        "iat": auth.key.created_at.unix_timestamp(),
                        "jti": auth.key.id.to_string(),
                    });
                    if let Some(exp) = auth.key.expires_at {
                        out["exp"] = json!(exp.unix_timestamp());
                    }
                    out
                }
            });
        }
        match self.live_access_token(token).await {
            Ok(c) => {
                let mut out = json!({
                    "active": true,
                    "token_type": "Bearer",
                    "scope": c.scope,
                    "sub": c.sub,
                    "aud": c.aud,
                    "iss": c.iss,
                    "exp": c.exp,
                    "iat": c.iat,
                    "nbf": c.nbf,
                    "jti": c.jti,
                });
                if let Some(client_id) = &c.client_id {
                    out["client_id"] = json!(client_id);
                }
                if let Ok(id) = c.user_id() {
                    if let Some(user) = self.users.user_by_id(id).await? {
                        out["username"] = json!(user.username.as_str());
                    }
                }
                return Ok(out);
            }
            Err(Error::InvalidToken | Error::TokenExpired) => {}
            Err(other) => return Err(OAuthFailure::Server(other)),
        }
        // A refresh token: only its own client learns about it.
        if token.len() <= 128 {
            if let Some((record, session)) = self.sessions.refresh_by_digest(&TokenDigest::of(token)).await? {
                let now = self.clock.now();
                if let SessionKind::OAuth { client_id, scope } = &session.kind {
                    if *client_id == caller.id && record.spent_at.is_none() && session.is_active(now) {
                        return Ok(json!({
                            "active": true,
                            "token_type": "refresh_token",
                            "scope": scope.to_string(),
                            "client_id": client_id,
                            "sub": session.user_id.to_string(),
                            "iss": self.config.tokens.issuer,
                            "exp": session.idle_expires_at.min(session.absolute_expires_at).unix_timestamp(),
                            "iat": record.created_at.unix_timestamp(),
                        }));
                    }
                }
            }
        }
        Ok(json!({ "active": false }))
    }

    /// RFC 7009: revokes a refresh or access token the client holds, by
    /// ending the session it belongs to. Unknown tokens and other clients'
    /// tokens change nothing; the answer is the same.
    pub async fn revoke_token(
        &self,
        creds: &ClientCredentials,
        token: &str,
        info: &ClientInfo,
    ) -> std::result::Result<(), OAuthFailure> {
        let caller = self.authenticate_client(creds).await?;
        if token.is_empty() || token.len() > 8192 {
            return Ok(());
        }
        let now = self.clock.now();
        let mut target = None;
        if token.len() <= 128 {
            if let Some((_, session)) = self.sessions.refresh_by_digest(&TokenDigest::of(token)).await? {
                if session.kind.client_id() == Some(caller.id.as_str()) {
                    target = Some(session);
                }
            }
        }
        if target.is_none() {
            if let Ok(claims) = self.tokens.verify_access(token).await {
                if claims.client_id.as_deref() == Some(caller.id.as_str()) && !claims.sid.is_empty() {
                    target = self.sessions.session(claims.session_id()?).await?;
                }
            }
        }
        if let Some(session) = target {
            if self.sessions.revoke_session(session.id, now).await? {
                self.audit
                    .record(
                        AuditEvent::new(AuditKind::OAuthTokenRevoked, Outcome::Success, info)
                            .subject(session.user_id)
                            .detail(format!("client {}; session {} ended", caller.id, session.id)),
                    )
                    .await;
            }
        }
        Ok(())
    }

    /// RP-initiated logout. Errors here are shown on a page, never redirected.
    pub async fn rp_logout(
        &self,
        req: &LogoutRequest,
        browser: Option<&BrowserSession>,
        confirmed: bool,
        info: &ClientInfo,
    ) -> Result<LogoutOutcome> {
        let hint = match req.id_token_hint.as_deref().filter(|h| !h.is_empty()) {
            Some(h) => Some(
                read_id_token_hint(&self.tokens.key_ring(), &self.config.tokens.issuer, h)
                    .map_err(|_| Error::InvalidRequest("id_token_hint is not an ID token issued here".into()))?,
            ),
            None => None,
        };
        let client_id = match (&hint, req.client_id.as_deref().filter(|c| !c.is_empty())) {
            (Some(h), Some(c)) if h.aud != c => {
                return Err(Error::InvalidRequest("client_id does not match the id_token_hint".into()))
            }
            (Some(h), _) => Some(h.aud.clone()),
            (None, c) => c.map(str::to_owned),
        };
        let client: Option<OAuthClient> = match &client_id {
            Some(id) => Some(
                self.clients
                    .client(id)
                    .await?
                    .ok_or_else(|| Error::InvalidRequest("the application is not registered here".into()))?,
            ),
            None => None,
        };
        let back_to = match (req.post_logout_redirect_uri.as_deref(), &client) {
            (None, _) => None,
            (Some(uri), Some(c)) if c.post_logout_redirect_uris.iter().any(|u| u == uri) => {
                let mut params = Vec::new();
                if let Some(state) = req.state.as_deref().filter(|s| !s.is_empty() && s.len() <= 2048) {
                    params.push(("state", state));
                }
                Some(append_query(uri, &params))
            }
            (Some(_), _) => {
                return Err(Error::InvalidRequest(
                    "post_logout_redirect_uri is not registered for this application".into(),
                ))
            }
        };
        if let Some(browser) = browser {
            let hinted_self = hint.as_ref().is_some_and(|h| h.sub == browser.user.id.to_string());
            if !hinted_self && !confirmed {
                return Ok(LogoutOutcome::Confirm { client_name: client.as_ref().map(|c| c.name.clone()) });
            }
            let now = self.clock.now();
            if self.sessions.revoke_session(browser.session.id, now).await? {
                self.audit
                    .record(AuditEvent::new(AuditKind::Logout, Outcome::Success, info).by_and_for(browser.user.id))
                    .await;
            }
            if let Some(c) = &client {
                self.sessions.revoke_client_sessions(browser.user.id, &c.id, now).await?;
            }
        }
        Ok(match back_to {
            Some(url) => LogoutOutcome::Redirect(url),
            None => LogoutOutcome::SignedOut,
        })
    }
}
