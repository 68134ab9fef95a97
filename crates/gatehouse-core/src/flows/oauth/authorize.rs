//! The authorization endpoint (RFC 6749 §4.1, OpenID Connect Core §3.1.2):
//! checks an authorization request, decides whether the person must sign in
//! or consent first, and issues the authorization code.
//!
//! Order matters for safety. The client and its redirect URI are checked
//! first; until both are known good, errors are shown on a page and never
//! redirected (no open redirect). After that, every problem goes back to the
//! client as `error=…&state=…` on the validated redirect URI.

use secrecy::ExposeSecret;
use time::OffsetDateTime;

use super::OAuthProvider;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{random_token, TokenDigest};
use crate::error::Result;
use crate::flows::BrowserSession;
use crate::oauth::{
    AuthorizationCode, AuthorizeErrorCode as Code, ClientKind, Consent, GrantType, OAuthClient, ScopeSet,
};
use crate::session::SessionId;

/// The scopes Gatehouse knows (a client may be allowed a subset).
pub const SUPPORTED_SCOPES: [&str; 6] = ["openid", "profile", "email", "roles", "permissions", "offline_access"];

/// The parameters of an authorization request, as received (query or form).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct AuthorizationRequest {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub response_mode: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
}

/// `prompt` values (Core §3.1.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    None,
    Login,
    Consent,
    SelectAccount,
}

/// Why a request cannot be answered by redirect: the client or its redirect
/// URI is not known good, so the person is told on a page instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// No `client_id`, or an absurd one.
    NoClient,
    UnknownClient,
    /// A `redirect_uri` the client has not registered.
    UnregisteredRedirectUri,
    /// No `redirect_uri`, and the client registered several.
    NoRedirectUri,
    /// The client could not be read (storage trouble).
    Unavailable,
}

impl Untrusted {
    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::NoClient => "The request names no client (client_id).",
            Self::UnknownClient => "The application is not registered here.",
            Self::UnregisteredRedirectUri => "The application sent a redirect URI it has not registered.",
            Self::NoRedirectUri => "The request has no redirect_uri.",
            Self::Unavailable => "Sign-in is unavailable right now; try again later.",
        }
    }
}

/// An error sent back to the client on its validated redirect URI
/// (RFC 6749 §4.1.2.1, with the issuer per RFC 9207).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: Code,
    pub description: String,
    /// The redirect URI with `error`, `error_description`, `state` and `iss`.
    pub url: String,
}

/// Why an authorization request fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizeError {
    /// Show this on a page; never redirect.
    Untrusted(Untrusted),
    /// Send the error back to the client.
    Refused(Refusal),
}

/// A request that passed every check.
#[derive(Clone, Debug)]
pub struct ValidAuthorization {
    pub client: OAuthClient,
    pub redirect_uri: String,
    pub scopes: ScopeSet,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Vec<Prompt>,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
}

/// What the endpoint does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizeDecision {
    /// The person must sign in (again) and come back.
    Login,
    /// The person must approve the client's access.
    Consent,
    /// Send the browser to this URL: the client's redirect URI with a code.
    Issued(String),
    /// Send the browser back to the client with an error.
    Refused(Refusal),
}

impl AuthorizeDecision {
    /// Where the browser goes next, when it goes back to the client.
    pub fn redirect(&self) -> Option<&str> {
        match self {
            Self::Issued(url) | Self::Refused(Refusal { url, .. }) => Some(url),
            Self::Login | Self::Consent => None,
        }
    }
}

/// `redirect_uri` with `params` appended to its query.
pub fn append_query(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{sep}{}", query.finish())
}

impl ValidAuthorization {
    /// An error response to the client, per RFC 6749 §4.1.2.1 with the
    /// issuer (RFC 9207).
    pub fn refusal(&self, issuer: &str, code: Code, description: &str) -> Refusal {
        let mut params = vec![("error", code.as_str()), ("error_description", description)];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        params.push(("iss", issuer));
        Refusal { code, description: description.to_owned(), url: append_query(&self.redirect_uri, &params) }
    }
}

impl OAuthProvider {
    /// Checks an authorization request.
    pub async fn check_authorization(
        &self,
        req: &AuthorizationRequest,
    ) -> std::result::Result<ValidAuthorization, AuthorizeError> {
        let client_id = req.client_id.as_deref().filter(|c| !c.is_empty() && c.len() <= 128);
        let Some(client_id) = client_id else {
            return Err(AuthorizeError::Untrusted(Untrusted::NoClient));
        };
        let client = match self.clients.client(client_id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Err(AuthorizeError::Untrusted(Untrusted::UnknownClient)),
            Err(e) => {
                tracing::error!(error = %e, "cannot read a client");
                return Err(AuthorizeError::Untrusted(Untrusted::Unavailable));
            }
        };
        let redirect_uri = match req.redirect_uri.as_deref() {
            Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_owned(),
            Some(_) => return Err(AuthorizeError::Untrusted(Untrusted::UnregisteredRedirectUri)),
            None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
            None => return Err(AuthorizeError::Untrusted(Untrusted::NoRedirectUri)),
        };
        let mut valid = ValidAuthorization {
            client,
            redirect_uri,
            scopes: ScopeSet::new(),
            state: req.state.clone().filter(|s| !s.is_empty()),
            nonce: req.nonce.clone().filter(|s| !s.is_empty()),
            code_challenge: None,
            prompt: Vec::new(),
            max_age: None,
            login_hint: req.login_hint.clone().filter(|s| !s.is_empty() && s.len() <= 256),
        };
        let issuer = self.config.tokens.issuer.as_str();
        let fail = |valid: &ValidAuthorization, code: Code, description: &str| {
            AuthorizeError::Refused(valid.refusal(issuer, code, description))
        };

        if valid.state.as_ref().is_some_and(|s| s.len() > 2048) {
            valid.state = None;
            return Err(fail(&valid, Code::InvalidRequest, "state is longer than 2048 characters"));
        }
        if req.request.is_some() {
            return Err(fail(&valid, Code::RequestNotSupported, "request objects are not supported"));
        }
        if req.request_uri.is_some() {
            return Err(fail(&valid, Code::RequestUriNotSupported, "request_uri is not supported"));
        }
        match req.response_type.as_deref() {
            Some("code") => {}
            None => return Err(fail(&valid, Code::InvalidRequest, "response_type is missing")),
            Some(_) => return Err(fail(&valid, Code::UnsupportedResponseType, "only response_type=code is supported")),
        }
        if req.response_mode.as_deref().is_some_and(|m| m != "query") {
            return Err(fail(&valid, Code::InvalidRequest, "only response_mode=query is supported"));
        }
        if !valid.client.allows(GrantType::AuthorizationCode) {
            return Err(fail(&valid, Code::UnauthorizedClient, "this client may not use the authorization code grant"));
        }

        let scopes = match req.scope.as_deref().unwrap_or("openid").parse::<ScopeSet>() {
            Ok(scopes) => scopes,
            Err(malformed) => return Err(fail(&valid, Code::InvalidScope, &malformed.to_string())),
        };
        if scopes.is_empty() {
            return Err(fail(&valid, Code::InvalidScope, "no scope requested"));
        }
        if let Some(bad) = scopes.first_not_in(|s| valid.client.scopes.iter().any(|allowed| allowed == s)) {
            let description = format!("scope '{bad}' is not allowed for this client");
            return Err(fail(&valid, Code::InvalidScope, &description));
        }
        valid.scopes = scopes;
        if valid.nonce.as_ref().is_some_and(|n| n.len() > 512) {
            return Err(fail(&valid, Code::InvalidRequest, "nonce is longer than 512 characters"));
        }

        match (req.code_challenge.as_deref(), req.code_challenge_method.as_deref()) {
            (Some(challenge), Some("S256")) if crate::oauth::is_pkce_value(challenge) => {
                valid.code_challenge = Some(challenge.to_owned());
            }
            (Some(_), Some("S256")) => {
                return Err(fail(&valid, Code::InvalidRequest, "code_challenge must be 43 to 128 URL-safe characters"))
            }
            (Some(_), _) => return Err(fail(&valid, Code::InvalidRequest, "code_challenge_method must be S256")),
            (None, _) if valid.client.kind == ClientKind::Public || self.config.oauth.pkce_required => {
                return Err(fail(
                    &valid,
                    Code::InvalidRequest,
                    "PKCE is required: send code_challenge with method S256",
                ))
            }
            (None, _) => {}
        }

        for p in req.prompt.as_deref().unwrap_or("").split(' ').filter(|p| !p.is_empty()) {
            let prompt = match p {
                "none" => Prompt::None,
                "login" => Prompt::Login,
                "consent" => Prompt::Consent,
                "select_account" => Prompt::SelectAccount,
                _ => return Err(fail(&valid, Code::InvalidRequest, "unknown prompt value")),
            };
            valid.prompt.push(prompt);
        }
        if valid.prompt.contains(&Prompt::None) && valid.prompt.len() > 1 {
            return Err(fail(&valid, Code::InvalidRequest, "prompt=none cannot be combined with other values"));
        }
        if let Some(max_age) = req.max_age.as_deref() {
            match max_age.parse::<i64>() {
                Ok(n) if n >= 0 => valid.max_age = Some(n),
                _ => {
                    return Err(fail(&valid, Code::InvalidRequest, "max_age must be a non-negative number of seconds"))
                }
            }
        }
        Ok(valid)
    }

    /// Decides what happens to a valid request. `consent` is the person's
    /// answer on the consent page, when they gave one.
    pub async fn decide_authorization(
        &self,
        valid: &ValidAuthorization,
        browser: Option<&BrowserSession>,
        consent: Option<bool>,
        client: &ClientInfo,
    ) -> Result<AuthorizeDecision> {
        let issuer = self.config.tokens.issuer.as_str();
        let redirect =
            |code: Code, description: &str| Ok(AuthorizeDecision::Refused(valid.refusal(issuer, code, description)));
        let interactive = !valid.prompt.contains(&Prompt::None);
        let now = self.clock.now();

        let fresh_enough = |b: &BrowserSession| match valid.max_age {
            Some(max_age) => now - b.session.auth_time <= time::Duration::seconds(max_age),
            None => true,
        };
        let browser = match browser {
            Some(b) if fresh_enough(b) && !valid.prompt.contains(&Prompt::Login) => b,
            _ if interactive => return Ok(AuthorizeDecision::Login),
            _ => return redirect(Code::LoginRequired, "the person is not signed in"),
        };
        if self.config.must_enroll(&browser.user, &browser.session.amr) {
            return redirect(Code::AccessDenied, "the account must set up a second factor first");
        }
        if self.config.require_verified_email && !browser.user.email_verified {
            return redirect(Code::AccessDenied, "the account's email address is not verified");
        }

        if !valid.client.first_party {
            match consent {
                Some(false) => {
                    self.audit
                        .record(
                            AuditEvent::new(AuditKind::ConsentGranted, Outcome::Failure, client)
                                .by_and_for(browser.user.id)
                                .detail(format!("denied {} ({})", valid.client.id, valid.scopes)),
                        )
                        .await;
                    return redirect(Code::AccessDenied, "the person declined");
                }
                Some(true) => self.remember_consent(valid, browser, client).await?,
                None => {
                    let remembered = self.grants.consent(browser.user.id, &valid.client.id).await?;
                    let covered = remembered.is_some_and(|c| valid.scopes.is_subset(&c.scope));
                    if !covered || valid.prompt.contains(&Prompt::Consent) {
                        return if interactive {
                            Ok(AuthorizeDecision::Consent)
                        } else {
                            redirect(Code::ConsentRequired, "the person has not approved this application")
                        };
                    }
                }
            }
        }
        let code = self.issue_code(valid, browser, now).await?;
        self.audit
            .record(
                AuditEvent::new(AuditKind::AuthorizationCodeIssued, Outcome::Success, client)
                    .by_and_for(browser.user.id)
                    .detail(format!("client {} ({})", valid.client.id, valid.scopes)),
            )
            .await;
        let mut params = vec![("code", code.as_str())];
        if let Some(state) = &valid.state {
            params.push(("state", state));
        }
        params.push(("iss", issuer));
        Ok(AuthorizeDecision::Issued(append_query(&valid.redirect_uri, &params)))
    }

    async fn remember_consent(
        &self,
        valid: &ValidAuthorization,
        browser: &BrowserSession,
        client: &ClientInfo,
    ) -> Result<()> {
        let scope = match self.grants.consent(browser.user.id, &valid.client.id).await? {
            Some(old) => valid.scopes.union(&old.scope),
            None => valid.scopes.clone(),
        };
        let consent = Consent {
            user_id: browser.user.id,
            client_id: valid.client.id.clone(),
            scope,
            granted_at: self.clock.now(),
        };
        self.grants.put_consent(&consent).await?;
        self.audit
            .record(
                AuditEvent::new(AuditKind::ConsentGranted, Outcome::Success, client)
                    .by_and_for(browser.user.id)
                    .detail(format!("{} ({})", valid.client.id, consent.scope)),
            )
            .await;
        Ok(())
    }

    async fn issue_code(
        &self,
        valid: &ValidAuthorization,
        browser: &BrowserSession,
        now: OffsetDateTime,
    ) -> Result<String> {
        let code = random_token();
        let record = AuthorizationCode {
            digest: TokenDigest::of(code.expose_secret()),
            client_id: valid.client.id.clone(),
            user_id: browser.user.id,
            browser_session: browser.session.id,
            grant_session: SessionId::new(),
            redirect_uri: valid.redirect_uri.clone(),
            scope: valid.scopes.clone(),
            nonce: valid.nonce.clone(),
            code_challenge: valid.code_challenge.clone(),
            auth_time: browser.session.auth_time,
            amr: browser.session.amr.clone(),
            created_at: now,
            expires_at: now + self.config.oauth.code_ttl,
            redeemed_at: None,
        };
        self.grants.insert_authorization_code(&record).await?;
        Ok(code.expose_secret().to_owned())
    }

    /// The user's remembered consents (connected applications), with client names.
    pub async fn consents(&self, user: crate::account::UserId) -> Result<Vec<(Consent, Option<OAuthClient>)>> {
        let mut out = Vec::new();
        for consent in self.grants.consents(user).await? {
            let client = self.clients.client(&consent.client_id).await?;
            out.push((consent, client));
        }
        Ok(out)
    }

    /// Withdraws consent for a client and ends the sessions it holds for the
    /// user (its refresh tokens stop working). Returns whether there was one.
    pub async fn revoke_consent(
        &self,
        user: crate::account::UserId,
        client_id: &str,
        client: &ClientInfo,
    ) -> Result<bool> {
        let unit = self.units.begin().await?;
        let existed = unit.delete_consent(user, client_id).await?;
        let ended = unit.revoke_client_sessions(user, client_id, self.clock.now()).await?;
        if existed || ended > 0 {
            self.audit
                .record_in(
                    unit.as_ref(),
                    AuditEvent::new(AuditKind::ConsentRevoked, Outcome::Success, client)
                        .by_and_for(user)
                        .detail(format!("{client_id}: {ended} sessions ended")),
                )
                .await?;
        }
        unit.commit().await?;
        Ok(existed || ended > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_appended_and_encoded() {
        assert_eq!(
            append_query("https://a.example/cb", &[("code", "x y"), ("state", "s&t")]),
            "https://a.example/cb?code=x+y&state=s%26t"
        );
        assert_eq!(append_query("https://a.example/cb?app=1", &[("code", "c")]), "https://a.example/cb?app=1&code=c");
    }
}
