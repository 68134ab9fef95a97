//! JWT access tokens (RFC 9068 profile): issued with the current key, verified
//! against the published keys with an algorithm allow-list, `typ`, `iss`, `aud`,
//! `exp` and `nbf` checks (RFC 8725).

use std::time::Duration;

use jsonwebtoken::{decode, decode_header, Header, Validation};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::keys::KeyRing;
use crate::account::{Role, UserId};
use crate::amr::Amr;
use crate::error::Error;
use crate::rbac::Permission;
use crate::session::SessionId;

/// The `typ` header of access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// Leeway for `exp`/`nbf` against clock skew between nodes.
const LEEWAY_SECONDS: u64 = 30;

/// What goes into every access token.
#[derive(Clone, Debug)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
}

/// The claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    /// The session the token belongs to; empty for client-credentials tokens,
    /// which act for a client, not a person.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sid: String,
    pub scope: String,
    pub roles: Vec<String>,
    /// What the roles grant (`resource:action`): in Gatehouse's own sessions'
    /// tokens, and in an OAuth client's when it was granted the
    /// `permissions` scope. Absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// How the user authenticated (RFC 8176), e.g. `["pwd"]` or `["pwd","otp","mfa"]`.
    #[serde(default)]
    pub amr: Amr,
    /// Authentication context class: one or several factors.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub acr: String,
    /// When the user last authenticated (unix seconds).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_time: i64,
    /// The OAuth client the token was issued to (RFC 9068 §2.2); absent for
    /// Gatehouse's own API sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl AccessClaims {
    pub fn user_id(&self) -> Result<UserId, Error> {
        Uuid::parse_str(&self.sub).map(UserId).map_err(|_| Error::InvalidToken)
    }

    pub fn session_id(&self) -> Result<SessionId, Error> {
        Uuid::parse_str(&self.sid).map(SessionId).map_err(|_| Error::InvalidToken)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// The scope that puts the `permissions` claim into an OAuth client's tokens.
pub const PERMISSIONS_SCOPE: &str = "permissions";

/// The scope of ordinary access tokens.
pub const DEFAULT_SCOPE: &str = "openid profile email";
/// The only scope of a user who must enrol a second factor before anything else.
pub const ENROLL_SCOPE: &str = "mfa_enroll";

/// Who and how, for a token about to be issued.
#[derive(Clone, Debug)]
pub struct Grant<'a> {
    pub user: UserId,
    pub session: SessionId,
    pub roles: &'a [Role],
    /// Put into the token as the `permissions` claim.
    pub permissions: &'a [Permission],
    pub amr: &'a Amr,
    pub auth_time: i64,
    pub scope: &'a str,
    /// The OAuth client the token is for, if any.
    pub client_id: Option<&'a str>,
}

/// A freshly signed access token.
#[derive(Debug)]
pub struct IssuedAccessToken {
    pub token: SecretString,
    pub expires_in: u64,
    pub claims: AccessClaims,
}

/// Signs and verifies access tokens.
pub struct AccessTokenIssuer;

impl AccessTokenIssuer {
    /// A token for `grant`, issued at `now` (Unix seconds).
    pub fn issue(
        ring: &KeyRing,
        settings: &TokenSettings,
        grant: &Grant<'_>,
        now: i64,
    ) -> Result<IssuedAccessToken, Error> {
        let claims = Self::claims(settings, grant, now);
        let token = Self::sign(ring, &claims)?;
        Ok(IssuedAccessToken { token, expires_in: settings.access_ttl.as_secs(), claims })
    }

    /// The claims a token for `grant` carries.
    fn claims(settings: &TokenSettings, grant: &Grant<'_>, now: i64) -> AccessClaims {
        let ttl = settings.access_ttl.as_secs();
        AccessClaims {
            iss: settings.issuer.clone(),
            sub: grant.user.to_string(),
            aud: settings.audience.clone(),
            exp: now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
            iat: now,
            nbf: now,
            jti: Uuid::new_v4().to_string(),
            sid: grant.session.to_string(),
            scope: grant.scope.to_owned(),
            roles: grant.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            permissions: grant.permissions.iter().map(|p| p.as_str().to_owned()).collect(),
            amr: grant.amr.clone(),
            acr: grant.amr.acr().to_owned(),
            auth_time: grant.auth_time,
            client_id: grant.client_id.map(str::to_owned),
        }
    }

    /// A token for an OAuth client acting on its own behalf (client
    /// credentials grant): `sub` is the client id, no session, no roles.
    pub fn issue_for_client(
        ring: &KeyRing,
        settings: &TokenSettings,
        client_id: &str,
        scope: &str,
        now: i64,
    ) -> Result<IssuedAccessToken, Error> {
        let ttl = settings.access_ttl.as_secs();
        let claims = AccessClaims {
            iss: settings.issuer.clone(),
            sub: client_id.to_owned(),
            aud: settings.audience.clone(),
            exp: now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
            iat: now,
            nbf: now,
            jti: Uuid::new_v4().to_string(),
            sid: String::new(),
            scope: scope.to_owned(),
            roles: Vec::new(),
            permissions: Vec::new(),
            amr: Amr::none(),
            acr: String::new(),
            auth_time: 0,
            client_id: Some(client_id.to_owned()),
        };
        let token = Self::sign(ring, &claims)?;
        Ok(IssuedAccessToken { token, expires_in: ttl, claims })
    }

    /// Signs `claims` with the current key as an `at+jwt`.
    pub fn sign(ring: &KeyRing, claims: &AccessClaims) -> Result<SecretString, Error> {
        let key = ring.current();
        let mut header = Header::new(key.alg.jwt_algorithm());
        header.typ = Some(ACCESS_TOKEN_TYP.into());
        header.kid = Some(key.kid.clone());
        let token = key.sign_jwt(&header, claims)?;
        Ok(SecretString::from(token))
    }

    /// Whether `token`'s header names a key id that `ring` does not hold (so
    /// re-reading the keys might help; a token without a `kid` never is).
    pub fn names_unknown_key(ring: &KeyRing, token: &str) -> bool {
        decode_header(token).ok().and_then(|h| h.kid).is_some_and(|kid| ring.find(&kid).is_none())
    }

    /// Verifies signature (by `kid`, with that key's algorithm only), `typ`,
    /// `iss`, `aud`, and `exp` and `nbf` against `now` (Unix seconds: the
    /// flows' clock, not the system's).
    pub fn verify(ring: &KeyRing, settings: &TokenSettings, token: &str, now: i64) -> Result<AccessClaims, Error> {
        let header = decode_header(token).map_err(|_| Error::InvalidToken)?;
        if header.typ.as_deref().map(str::to_ascii_lowercase).as_deref() != Some(ACCESS_TOKEN_TYP) {
            return Err(Error::InvalidToken);
        }
        let kid = header.kid.as_deref().ok_or(Error::InvalidToken)?;
        let key = ring.find(kid).ok_or(Error::InvalidToken)?;
        let alg = key.alg.jwt_algorithm();
        // The allow-list is exactly the key's own algorithm: never `none`, never
        // HMAC keyed with a public key.
        if header.alg != alg {
            return Err(Error::InvalidToken);
        }
        let mut validation = Validation::new(alg);
        // Time is checked below, against the injected clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        let claims =
            decode::<AccessClaims>(token, key.decoding(), &validation).map_err(|_| Error::InvalidToken)?.claims;
        Self::check_times(&claims, now)?;
        Ok(claims)
    }

    /// Whether `claims` are valid at `now` (Unix seconds): not expired, not
    /// before their time — with the clock skew allowed. The rest of
    /// [`AccessTokenIssuer::verify`]'s checks do not depend on the time.
    pub fn check_times(claims: &AccessClaims, now: i64) -> Result<(), Error> {
        let leeway = i64::try_from(LEEWAY_SECONDS).unwrap_or(0);
        if claims.exp.saturating_add(leeway) < now {
            return Err(Error::TokenExpired);
        }
        if claims.nbf.saturating_sub(leeway) > now {
            return Err(Error::InvalidToken);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amr::AuthMethod;
    use crate::crypto::MasterKey;

    static NO_METHODS: Amr = Amr::NONE;
    use crate::token::{SigningAlg, SigningKey};

    fn ring(alg: SigningAlg) -> KeyRing {
        let master = MasterKey::generate();
        let stored = SigningKey::generate(alg, &master, time::OffsetDateTime::UNIX_EPOCH).unwrap();
        KeyRing::open(&[stored], &master, alg).unwrap()
    }

    /// Tokens are issued and checked at this moment, whatever the wall says.
    const NOW: i64 = 1_900_000_000;

    fn settings() -> TokenSettings {
        TokenSettings { issuer: "http://issuer".into(), audience: "aud".into(), access_ttl: Duration::from_secs(60) }
    }

    #[test]
    fn round_trip_for_every_algorithm() {
        for alg in [SigningAlg::EdDsa, SigningAlg::Es256, SigningAlg::Rs256] {
            let ring = ring(alg);
            let roles = [Role::user()];
            let amr = Amr::one(AuthMethod::Password);
            let grant = Grant {
                user: UserId::new(),
                session: SessionId::new(),
                roles: &roles,
                permissions: &[],
                amr: &amr,
                auth_time: 0,
                scope: DEFAULT_SCOPE,
                client_id: None,
            };
            let issued = AccessTokenIssuer::issue(&ring, &settings(), &grant, NOW).unwrap();
            use secrecy::ExposeSecret;
            let claims = AccessTokenIssuer::verify(&ring, &settings(), issued.token.expose_secret(), NOW).unwrap();
            assert_eq!(claims, issued.claims);
        }
    }

    /// A grant with nothing but a user and a session.
    fn bare_grant() -> Grant<'static> {
        Grant {
            user: UserId::new(),
            session: SessionId::new(),
            roles: &[],
            permissions: &[],
            amr: &NO_METHODS,
            auth_time: 0,
            scope: DEFAULT_SCOPE,
            client_id: None,
        }
    }

    #[test]
    fn wrong_issuer_audience_or_key_is_rejected() {
        use secrecy::ExposeSecret;
        let ring_a = ring(SigningAlg::EdDsa);
        let grant = bare_grant();
        let issued = AccessTokenIssuer::issue(&ring_a, &settings(), &grant, NOW).unwrap();
        let token = issued.token.expose_secret();
        let mut s = settings();
        s.issuer = "http://other".into();
        assert!(matches!(AccessTokenIssuer::verify(&ring_a, &s, token, NOW), Err(Error::InvalidToken)));
        let mut s = settings();
        s.audience = "other".into();
        assert!(matches!(AccessTokenIssuer::verify(&ring_a, &s, token, NOW), Err(Error::InvalidToken)));
        let ring_b = ring(SigningAlg::EdDsa);
        assert!(matches!(AccessTokenIssuer::verify(&ring_b, &settings(), token, NOW), Err(Error::InvalidToken)));
    }

    #[test]
    fn expiry_and_not_before_are_checked_against_the_given_time() {
        use secrecy::ExposeSecret;
        let ring = ring(SigningAlg::EdDsa);
        let grant = bare_grant();
        let token = AccessTokenIssuer::issue(&ring, &settings(), &grant, NOW).unwrap().token;
        let token = token.expose_secret();
        let leeway = LEEWAY_SECONDS as i64;
        assert!(AccessTokenIssuer::verify(&ring, &settings(), token, NOW + 60 + leeway).is_ok());
        assert!(matches!(
            AccessTokenIssuer::verify(&ring, &settings(), token, NOW + 61 + leeway),
            Err(Error::TokenExpired)
        ));
        assert!(AccessTokenIssuer::verify(&ring, &settings(), token, NOW - leeway).is_ok());
        assert!(matches!(
            AccessTokenIssuer::verify(&ring, &settings(), token, NOW - leeway - 1),
            Err(Error::InvalidToken)
        ));
    }
}
