//! The token endpoint (RFC 6749 §3.2): client authentication and the
//! `authorization_code` (with PKCE, RFC 7636), `refresh_token` and
//! `client_credentials` grants, and the ID tokens that go with them.
//!
//! A code is redeemed once. A second redemption revokes the session the first
//! one created — every access and refresh token issued from the code stops
//! working (RFC 6749 §4.1.2, RFC 9700 §4.5.3).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::OAuthProvider;
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{random_token, TokenDigest};
use crate::error::Error;
use crate::flows::parts::{first_link, ip_key};
use crate::oauth::{ClientKind, GrantType, OAuthClient, OAuthErrorCode as Code, OAuthFailure, Redemption, ScopeSet};
use crate::session::{Session, SessionId, SessionKind};
use crate::token::{at_hash, sign_id_token, AccessTokenIssuer, IdClaims};

type Result<T> = std::result::Result<T, OAuthFailure>;

/// Scopes that only make sense for a person (not for client credentials).
const USER_SCOPES: [&str; 6] = ["openid", "profile", "email", "roles", "permissions", "offline_access"];

/// How a client identified itself at the token, introspection or
/// revocation endpoint.
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    pub client_id: String,
    /// `None` for a public client.
    pub secret: Option<SecretString>,
}

/// A token request's grant (RFC 6749 §4.1.3, §6, §4.4), parsed at the HTTP
/// edge: each grant with its own fields, its secrets as secrets.
#[derive(Debug)]
pub enum TokenGrant {
    AuthorizationCode {
        code: SecretString,
        redirect_uri: Option<String>,
        code_verifier: Option<SecretString>,
    },
    /// `scope`: narrower than the grant's, or `None` for all of it.
    RefreshToken {
        refresh_token: SecretString,
        scope: Option<ScopeSet>,
    },
    /// `scope`: a subset of the client's, or `None` for all of them.
    ClientCredentials {
        scope: Option<ScopeSet>,
    },
}

/// A token request's fields, as sent.
#[derive(Default)]
pub struct TokenFields {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

impl TokenGrant {
    /// The grant a request's fields make: `unsupported_grant_type` for an
    /// unknown `grant_type`, `invalid_request` when the grant's own field is
    /// missing, `invalid_scope` for a `scope` that is not a list of scope
    /// tokens. An empty `scope` is the same as none.
    pub fn parse(fields: TokenFields) -> Result<Self> {
        let secret = |value: Option<String>| value.map(SecretString::from);
        let scope = match fields.scope.as_deref().map(str::parse::<ScopeSet>) {
            Some(Ok(set)) if set.is_empty() => None,
            Some(Ok(set)) => Some(set),
            Some(Err(malformed)) => return Err(OAuthFailure::new(Code::InvalidScope, malformed.to_string())),
            None => None,
        };
        match fields.grant_type.as_deref().unwrap_or("") {
            "authorization_code" => {
                let code = fields
                    .code
                    .filter(|c| !c.is_empty() && c.len() <= 128)
                    .ok_or_else(|| OAuthFailure::new(Code::InvalidRequest, "code is missing"))?;
                Ok(Self::AuthorizationCode {
                    code: SecretString::from(code),
                    redirect_uri: fields.redirect_uri,
                    code_verifier: secret(fields.code_verifier),
                })
            }
            "refresh_token" => Ok(Self::RefreshToken {
                refresh_token: secret(fields.refresh_token)
                    .ok_or_else(|| OAuthFailure::new(Code::InvalidRequest, "refresh_token is missing"))?,
                scope,
            }),
            "client_credentials" => Ok(Self::ClientCredentials { scope }),
            _ => Err(OAuthFailure::new(
                Code::UnsupportedGrantType,
                "supported: authorization_code, refresh_token, client_credentials",
            )),
        }
    }

    /// Which grant this is.
    pub fn grant_type(&self) -> GrantType {
        match self {
            Self::AuthorizationCode { .. } => GrantType::AuthorizationCode,
            Self::RefreshToken { .. } => GrantType::RefreshToken,
            Self::ClientCredentials { .. } => GrantType::ClientCredentials,
        }
    }
}

/// A successful token response (RFC 6749 §5.1 + OpenID Connect `id_token`).
#[derive(Debug)]
pub struct OAuthTokenResponse {
    pub access_token: SecretString,
    pub expires_in: u64,
    pub scope: ScopeSet,
    pub refresh_token: Option<SecretString>,
    pub id_token: Option<String>,
}

fn invalid_grant(description: &str) -> OAuthFailure {
    OAuthFailure::new(Code::InvalidGrant, description)
}

/// `scope` asked for at the token endpoint, checked against what may be had:
/// `None` asks for all of it.
fn narrow(requested: Option<&ScopeSet>, allowed: &ScopeSet) -> Result<ScopeSet> {
    let Some(requested) = requested else {
        return Ok(allowed.clone());
    };
    if let Some(bad) = requested.first_not_in(|s| allowed.contains(s)) {
        return Err(OAuthFailure::new(Code::InvalidScope, format!("scope '{bad}' is not available here")));
    }
    Ok(requested.clone())
}

impl OAuthProvider {
    /// Identifies the client: a confidential client must present its secret
    /// (HTTP Basic or form); a public client presents only its id.
    pub async fn authenticate_client(&self, creds: &ClientCredentials) -> Result<OAuthClient> {
        let unknown = || OAuthFailure::new(Code::InvalidClient, "client authentication failed");
        if creds.client_id.is_empty() || creds.client_id.len() > 128 {
            return Err(unknown());
        }
        let client = match self.client_cache.get(&creds.client_id) {
            Some(c) => c,
            None => {
                let c = self.clients.client(&creds.client_id).await?.ok_or_else(unknown)?;
                self.client_cache.put(&c);
                c
            }
        };
        match (client.kind, &creds.secret) {
            (ClientKind::Confidential, Some(secret)) if client.secret_matches(secret.expose_secret()) => Ok(client),
            (ClientKind::Public, None) => Ok(client),
            _ => Err(unknown()),
        }
    }

    /// Answers a token request. `grant` is the request as parsed at the HTTP
    /// edge; a refusal of it is reported only once the client has
    /// authenticated (a client that fails to learns nothing else).
    pub async fn oauth_token(
        &self,
        creds: &ClientCredentials,
        grant: Result<TokenGrant>,
        client_info: &ClientInfo,
    ) -> Result<OAuthTokenResponse> {
        self.limits.hit("token:ip", &ip_key(client_info), self.config.limits.refresh_per_ip).await?;
        let client = self.authenticate_client(creds).await?;
        let grant = grant?;
        let grant_type = grant.grant_type();
        if !client.allows(grant_type) {
            return Err(OAuthFailure::new(
                Code::UnauthorizedClient,
                format!("this client may not use the {grant_type} grant"),
            ));
        }
        match &grant {
            TokenGrant::AuthorizationCode { code, redirect_uri, code_verifier } => {
                self.redeem_code(&client, code, redirect_uri.as_deref(), code_verifier.as_ref(), client_info).await
            }
            TokenGrant::RefreshToken { refresh_token, scope } => {
                self.refresh_grant(&client, refresh_token, scope.as_ref(), client_info).await
            }
            TokenGrant::ClientCredentials { scope } => self.client_credentials_grant(&client, scope.as_ref()),
        }
    }

    async fn redeem_code(
        &self,
        client: &OAuthClient,
        code: &SecretString,
        redirect_uri: Option<&str>,
        verifier: Option<&SecretString>,
        info: &ClientInfo,
    ) -> Result<OAuthTokenResponse> {
        let code = code.expose_secret();
        let now = self.clock.now();
        // The redemption, the session it opens and the audit record are one
        // unit of work: a failure part-way leaves the code unspent. A code
        // spent by a request that then fails a check stays spent.
        let unit = self.units.begin().await?;
        let code = match unit.redeem_authorization_code(&TokenDigest::of(code), &client.id, now).await? {
            Redemption::Unknown => return Err(invalid_grant("unknown authorization code")),
            // Left for its own client to redeem.
            Redemption::OtherClient => {
                return Err(invalid_grant("the authorization code was issued to another client"))
            }
            Redemption::Replayed(code) => {
                if code.client_id == client.id {
                    let revoked = unit.revoke_session(code.grant_session, now).await?;
                    tracing::warn!(client = %client.id, user = %code.user_id, revoked, "authorization code replayed; its tokens are revoked");
                    self.audit
                        .record_in(
                            unit.as_ref(),
                            AuditEvent::new(AuditKind::AuthorizationCodeReplayed, Outcome::Failure, info)
                                .subject(code.user_id)
                                .detail(format!("client {}; session {} ended", client.id, code.grant_session)),
                        )
                        .await?;
                    unit.commit().await?;
                }
                return Err(invalid_grant("the authorization code has already been used"));
            }
            Redemption::Won(code) => code,
        };
        let user = match self.check_redemption(client, redirect_uri, verifier, &code, now) {
            Ok(()) => unit.user_by_id(code.user_id).await?,
            Err(refused) => {
                unit.commit().await?;
                return Err(refused);
            }
        };
        let user = match user {
            Some(user) if user.is_active => user,
            Some(_) | None => {
                unit.commit().await?;
                return Err(invalid_grant(if user.is_some() {
                    "the account is disabled"
                } else {
                    "the user no longer exists"
                }));
            }
        };

        let session = Session {
            id: code.grant_session,
            user_id: user.id,
            created_at: now,
            last_used_at: now,
            idle_expires_at: now + self.config.session_idle,
            absolute_expires_at: now + self.config.session_absolute,
            revoked_at: None,
            ip: info.ip.clone(),
            user_agent: info.user_agent.as_ref().map(|ua| ua.chars().take(512).collect()),
            amr: code.amr.clone(),
            auth_time: code.auth_time,
            kind: SessionKind::OAuth { client_id: client.id.clone(), scope: code.scope.clone() },
        };
        let refresh = random_token();
        unit.create_session(&session, &first_link(&session, &refresh)).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::OAuthTokensIssued, Outcome::Success, info)
                    .by_and_for(user.id)
                    .detail(format!("client {} ({})", client.id, code.scope)),
            )
            .await?;
        unit.commit().await?;
        let mut response = self.user_tokens(client, &user, &session, &code.scope, refresh).await?;
        if code.scope.contains("openid") {
            // The first ID token carries the nonce and the browser session.
            let access = response.access_token.expose_secret().to_owned();
            response.id_token = Some(
                self.id_token(
                    client,
                    &user,
                    &session,
                    &code.scope,
                    code.nonce.clone(),
                    Some(code.browser_session),
                    &access,
                )
                .await?,
            );
        }
        Ok(response)
    }

    /// What a redeemed code must match: its client, its lifetime, the
    /// redirect URI it was issued for and its PKCE challenge.
    fn check_redemption(
        &self,
        client: &OAuthClient,
        redirect_uri: Option<&str>,
        verifier: Option<&SecretString>,
        code: &crate::oauth::AuthorizationCode,
        now: time::OffsetDateTime,
    ) -> Result<()> {
        if code.client_id != client.id {
            return Err(invalid_grant("the authorization code was issued to another client"));
        }
        if now >= code.expires_at {
            return Err(invalid_grant("the authorization code has expired"));
        }
        match redirect_uri {
            Some(uri) if uri == code.redirect_uri => {}
            None if client.redirect_uris.len() == 1 => {}
            _ => return Err(invalid_grant("redirect_uri does not match the authorization request")),
        }
        match (&code.code_challenge, verifier.map(ExposeSecret::expose_secret)) {
            (Some(challenge), Some(verifier)) => {
                let ok_form = crate::oauth::is_pkce_value(verifier);
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if !ok_form || !TokenDigest::of(&computed).matches(&TokenDigest::of(challenge)) {
                    return Err(invalid_grant("the PKCE code_verifier does not match the code_challenge"));
                }
            }
            (Some(_), None) => return Err(invalid_grant("the PKCE code_verifier is missing")),
            (None, Some(_)) => {
                return Err(invalid_grant("a code_verifier was sent but the request had no code_challenge"))
            }
            (None, None) => {}
        }
        Ok(())
    }

    async fn refresh_grant(
        &self,
        client: &OAuthClient,
        token: &SecretString,
        scope: Option<&ScopeSet>,
        info: &ClientInfo,
    ) -> Result<OAuthTokenResponse> {
        let belongs = |s: &Session| s.kind.client_id() == Some(client.id.as_str());
        let (user, session, successor) =
            self.refresh_tokens.rotate(token, info, belongs).await.map_err(|e| match e {
                Error::InvalidToken | Error::TokenExpired | Error::TokenReused | Error::AccountDisabled => {
                    invalid_grant(match e {
                        Error::TokenReused => "the refresh token was already used; the grant is revoked",
                        Error::TokenExpired => "the refresh token has expired",
                        Error::AccountDisabled => "the account is disabled",
                        _ => "unknown or revoked refresh token",
                    })
                }
                other => OAuthFailure::Server(other),
            })?;
        let granted = match &session.kind {
            SessionKind::OAuth { scope, .. } => scope.clone(),
            _ => return Err(invalid_grant("unknown or revoked refresh token")),
        };
        let scopes = narrow(scope, &granted)?;
        let mut response = self.user_tokens(client, &user, &session, &scopes, successor).await?;
        if scopes.contains("openid") {
            let access = response.access_token.expose_secret().to_owned();
            response.id_token =
                Some(self.id_token(client, &user, &session, &response.scope, None, None, &access).await?);
        }
        Ok(response)
    }

    fn client_credentials_grant(&self, client: &OAuthClient, scope: Option<&ScopeSet>) -> Result<OAuthTokenResponse> {
        if client.kind != ClientKind::Confidential {
            return Err(OAuthFailure::new(Code::UnauthorizedClient, "client credentials need a confidential client"));
        }
        let allowed =
            ScopeSet::from_names(client.scopes.iter().map(String::as_str).filter(|s| !USER_SCOPES.contains(s)));
        let scope = narrow(scope, &allowed)?;
        let access = AccessTokenIssuer::issue_for_client(
            &self.tokens.key_ring(),
            &self.config.tokens,
            &client.id,
            &scope.to_string(),
            self.clock.unix(),
        )?;
        Ok(OAuthTokenResponse {
            access_token: access.token,
            expires_in: access.expires_in,
            scope,
            refresh_token: None,
            id_token: None,
        })
    }

    /// The access token (and refresh token when `offline_access` was granted)
    /// of an OAuth session.
    async fn user_tokens(
        &self,
        client: &OAuthClient,
        user: &User,
        session: &Session,
        scope: &ScopeSet,
        refresh: SecretString,
    ) -> Result<OAuthTokenResponse> {
        let access = self.tokens.access_token(user, session, &scope.to_string(), Some(&client.id))?;
        // Whether the grant (not this request's possibly narrower scope) allows refresh.
        let granted_offline = match &session.kind {
            SessionKind::OAuth { scope, .. } => scope.contains("offline_access"),
            _ => false,
        };
        let offline = granted_offline && client.allows(GrantType::RefreshToken);
        Ok(OAuthTokenResponse {
            access_token: access.token,
            expires_in: access.expires_in,
            scope: scope.clone(),
            refresh_token: offline.then_some(refresh),
            id_token: None,
        })
    }

    /// An ID token for `user`, with the claims `scope` releases.
    #[allow(clippy::too_many_arguments)]
    async fn id_token(
        &self,
        client: &OAuthClient,
        user: &User,
        session: &Session,
        scope: &ScopeSet,
        nonce: Option<String>,
        browser_session: Option<SessionId>,
        access_token: &str,
    ) -> Result<String> {
        let now = self.clock.now().unix_timestamp();
        let ttl = i64::try_from(self.config.tokens.access_ttl.as_secs()).unwrap_or(900);
        let claims = IdClaims {
            iss: self.config.tokens.issuer.clone(),
            sub: user.id.to_string(),
            aud: client.id.clone(),
            azp: client.id.clone(),
            exp: now.saturating_add(ttl),
            iat: now,
            auth_time: session.auth_time.unix_timestamp(),
            nonce,
            acr: session.amr.acr().to_owned(),
            amr: session.amr.clone(),
            at_hash: Some(at_hash(client.id_token_alg, access_token)),
            sid: browser_session.map(|s| s.to_string()),
            extra: user_claims(user, scope),
        };
        let ring = self.tokens.ring_with(client.id_token_alg).await?;
        Ok(sign_id_token(&ring, client.id_token_alg, &claims)?)
    }
}

/// The claims about `user` that `scope` releases (Core §5.4), shared by ID
/// tokens and userinfo.
pub(super) fn user_claims(user: &User, scope: &ScopeSet) -> Map<String, Value> {
    let mut claims = Map::new();
    if scope.contains("profile") {
        claims.insert("preferred_username".into(), json!(user.username.as_str()));
        claims.insert("name".into(), json!(user.username.as_str()));
        claims.insert("updated_at".into(), json!(user.updated_at.unix_timestamp()));
    }
    if scope.contains("email") {
        claims.insert("email".into(), json!(user.email.as_str()));
        claims.insert("email_verified".into(), json!(user.email_verified));
    }
    if scope.contains("roles") {
        claims.insert("roles".into(), json!(user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
    }
    if scope.contains(crate::token::PERMISSIONS_SCOPE) {
        claims.insert("permissions".into(), json!(user.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>()));
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_parsed_and_never_show_their_secrets() {
        let fields = |grant: &str| TokenFields {
            grant_type: Some(grant.into()),
            code: Some("code-secret-1234".into()),
            redirect_uri: Some("https://app.example/cb".into()),
            code_verifier: Some("verifier-secret-5678".into()),
            refresh_token: Some("refresh-secret-9012".into()),
            scope: Some("openid".into()),
        };
        for grant in ["authorization_code", "refresh_token", "client_credentials"] {
            let parsed = TokenGrant::parse(fields(grant)).unwrap();
            assert_eq!(parsed.grant_type().as_str(), grant);
            let shown = format!("{parsed:?}");
            assert!(!shown.contains("secret-"), "{shown}");
        }
        let missing = TokenGrant::parse(TokenFields { code: None, ..fields("authorization_code") });
        assert!(matches!(missing, Err(OAuthFailure::Protocol { code: Code::InvalidRequest, .. })));
        let unknown = TokenGrant::parse(fields("password"));
        assert!(matches!(unknown, Err(OAuthFailure::Protocol { code: Code::UnsupportedGrantType, .. })));
    }

    #[test]
    fn scope_narrowing() {
        let set = |s: &str| s.parse::<ScopeSet>().unwrap();
        let allowed = set("openid email");
        assert_eq!(narrow(None, &allowed).unwrap(), allowed);
        assert_eq!(narrow(Some(&set("email")), &allowed).unwrap(), set("email"));
        assert!(narrow(Some(&set("email admin")), &allowed).is_err());
    }

    #[test]
    fn a_malformed_scope_is_refused_at_parsing_and_an_empty_one_is_none() {
        let fields = |scope: &str| TokenFields {
            grant_type: Some("client_credentials".into()),
            scope: Some(scope.into()),
            ..TokenFields::default()
        };
        let bad = TokenGrant::parse(fields("read \\write"));
        assert!(matches!(bad, Err(OAuthFailure::Protocol { code: Code::InvalidScope, .. })), "{bad:?}");
        assert!(matches!(TokenGrant::parse(fields("  ")), Ok(TokenGrant::ClientCredentials { scope: None })));
    }
}
