//! OAuth clients: who may ask for tokens, from where (redirect URIs matched
//! exactly), with which grants and scopes. A confidential client's secret is
//! 256 random bits, shown once, stored as SHA-256 (the token endpoint stays
//! fast, DESIGN §5).

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::GrantType;
use crate::crypto::{random_token, TokenDigest};
use crate::error::Error;
use crate::token::SigningAlg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    /// Can keep a secret (a server-side application).
    Confidential,
    /// Cannot (a single-page or native app): PKCE is mandatory.
    Public,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confidential => "confidential",
            Self::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "confidential" => Some(Self::Confidential),
            "public" => Some(Self::Public),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenEndpointAuth {
    ClientSecretBasic,
    ClientSecretPost,
    None,
}

impl TokenEndpointAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

const SCOPE_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789_:.-";

/// A client as stored.
#[derive(Clone, Debug)]
pub struct OAuthClient {
    pub id: String,
    pub name: String,
    pub kind: ClientKind,
    pub secret_digest: Option<TokenDigest>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub scopes: Vec<String>,
    pub token_endpoint_auth: TokenEndpointAuth,
    /// Skips the consent page (an operator's own application).
    pub first_party: bool,
    /// How its ID tokens are signed (`id_token_signed_response_alg`): RS256
    /// unless asked otherwise, as OpenID Connect requires.
    pub id_token_alg: SigningAlg,
    /// The application's home page (`client_uri`), shown to people signing
    /// in to it.
    pub client_uri: Option<String>,
    /// Its logo (`logo_uri`), shown on the login and consent pages.
    pub logo_uri: Option<String>,
    pub created_at: OffsetDateTime,
}

impl OAuthClient {
    /// Whether the client was registered for `grant`.
    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// Checks a presented secret in constant time.
    pub fn secret_matches(&self, presented: &str) -> bool {
        self.secret_digest.as_ref().is_some_and(|d| d.matches(&TokenDigest::of(presented)))
    }
}

/// What an operator asks for.
#[derive(Clone, Debug, Default)]
pub struct NewClient {
    pub name: String,
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Empty: `authorization_code` and `refresh_token`.
    pub grant_types: Vec<String>,
    /// Empty: `openid profile email`.
    pub scopes: Vec<String>,
    pub first_party: bool,
    /// `None`: RS256.
    pub id_token_alg: Option<SigningAlg>,
    /// Its home page and logo (RFC 7591 `client_uri`, `logo_uri`): https
    /// (http only on localhost), shown on the login and consent pages.
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
}

/// A freshly registered client and its secret (shown once; `None` for public clients).
#[derive(Debug)]
pub struct RegisteredClient {
    pub client: OAuthClient,
    pub secret: Option<SecretString>,
}

/// A home page or logo address: absolute, https (http only on localhost,
/// for development), no credentials, no fragment. An empty one is none.
fn check_page_uri(uri: Option<String>, what: &str) -> Result<Option<String>, Error> {
    let Some(uri) = uri.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else { return Ok(None) };
    let bad = |why: &str| Error::InvalidRequest(format!("{what} '{uri}' {why}"));
    if uri.len() > 2000 || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("is not a valid address"));
    }
    let url = url::Url::parse(&uri).map_err(|_| bad("is not an absolute URL"))?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(bad("must not carry credentials or a fragment"));
    }
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" if url.host_str().is_some() => Ok(Some(uri)),
        "http" if loopback => Ok(Some(uri)),
        "http" => Err(bad("must use https (http only for localhost)")),
        _ => Err(bad("must be an https address")),
    }
}

/// A redirect URI must be absolute, without a fragment, and https — except
/// loopback http for development and native apps (RFC 8252 §7.3).
fn check_redirect_uri(uri: &str) -> Result<(), Error> {
    let bad = |why: &str| Error::InvalidRequest(format!("redirect URI '{uri}' {why}"));
    if uri.len() > 2000 || uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must be absolute, without spaces or a #fragment"));
    }
    let (scheme, _) = uri.split_once(':').ok_or_else(|| bad("must be an absolute URL"))?;
    // Private-use schemes of native apps (RFC 8252 §7.1), e.g. com.example.app:/cb
    if scheme.contains('.') && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')) {
        return Ok(());
    }
    let (scheme, rest) = uri.split_once("://").ok_or_else(|| bad("must be an absolute URL"))?;
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    let hostname = if host.starts_with('[') {
        host.split(']').next().unwrap_or(host).trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let loopback = matches!(hostname, "localhost" | "127.0.0.1" | "::1");
    match scheme {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(bad("must use https (http only for localhost)")),
        _ => Err(bad("has an unsupported scheme")),
    }
}

impl NewClient {
    /// Validates the request and mints the client id and (for confidential
    /// clients) the secret.
    pub fn register(mut self, now: OffsetDateTime) -> Result<RegisteredClient, Error> {
        let grant_types = self.check()?;
        let id = format!("gh_{}", &random_token().expose_secret()[..22]);
        let (kind, secret, auth) = if self.public {
            (ClientKind::Public, None, TokenEndpointAuth::None)
        } else {
            (ClientKind::Confidential, Some(random_token()), TokenEndpointAuth::ClientSecretBasic)
        };
        let client = OAuthClient {
            id,
            name: self.name,
            kind,
            secret_digest: secret.as_ref().map(|s| TokenDigest::of(s.expose_secret())),
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            grant_types,
            scopes: self.scopes,
            token_endpoint_auth: auth,
            first_party: self.first_party,
            id_token_alg: self.id_token_alg.unwrap_or(SigningAlg::Rs256),
            client_uri: self.client_uri,
            logo_uri: self.logo_uri,
            created_at: now,
        };
        Ok(RegisteredClient { client, secret })
    }

    /// Validates every field and fills in the defaults (shared by
    /// registration and [`ClientUpdate::apply`]); returns the grants.
    fn check(&mut self) -> Result<Vec<GrantType>, Error> {
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() || self.name.chars().count() > 100 {
            return Err(Error::InvalidRequest("a client needs a name of 1 to 100 characters".into()));
        }
        for uri in self.redirect_uris.iter().chain(&self.post_logout_redirect_uris) {
            check_redirect_uri(uri)?;
        }
        if self.grant_types.is_empty() {
            self.grant_types = vec!["authorization_code".to_owned(), "refresh_token".to_owned()];
        }
        let mut grants = Vec::new();
        for name in &self.grant_types {
            let grant: GrantType = name.parse().map_err(|e| Error::InvalidRequest(format!("'{name}': {e}")))?;
            if !grants.contains(&grant) {
                grants.push(grant);
            }
        }
        if grants.contains(&GrantType::AuthorizationCode) && self.redirect_uris.is_empty() {
            return Err(Error::InvalidRequest("the authorization_code grant needs at least one redirect URI".into()));
        }
        if self.public && grants.contains(&GrantType::ClientCredentials) {
            return Err(Error::InvalidRequest("a public client cannot use client_credentials".into()));
        }
        if self.scopes.is_empty() {
            self.scopes = vec!["openid".to_owned(), "profile".to_owned(), "email".to_owned()];
        }
        if let Some(s) =
            self.scopes.iter().find(|s| s.is_empty() || s.len() > 64 || !s.chars().all(|c| SCOPE_CHARS.contains(c)))
        {
            return Err(Error::InvalidRequest(format!("'{s}' is not a valid scope name")));
        }
        self.client_uri = check_page_uri(self.client_uri.take(), "client_uri")?;
        self.logo_uri = check_page_uri(self.logo_uri.take(), "logo_uri")?;
        Ok(grants)
    }
}

/// A change to a registered client: every `Some` field replaces the stored
/// one. The id, the kind (public or confidential) and the secret stay (see
/// [`OAuthClient::with_new_secret`]).
#[derive(Clone, Debug, Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub scopes: Option<Vec<String>>,
    pub first_party: Option<bool>,
    pub id_token_alg: Option<SigningAlg>,
    /// `Some("")` removes it.
    pub client_uri: Option<String>,
    /// `Some("")` removes it.
    pub logo_uri: Option<String>,
}

impl ClientUpdate {
    /// The client as it would be after the change, validated like a new one.
    pub fn apply(self, client: &OAuthClient) -> Result<OAuthClient, Error> {
        let mut wanted = NewClient {
            name: self.name.unwrap_or_else(|| client.name.clone()),
            public: client.kind == ClientKind::Public,
            redirect_uris: self.redirect_uris.unwrap_or_else(|| client.redirect_uris.clone()),
            post_logout_redirect_uris: self
                .post_logout_redirect_uris
                .unwrap_or_else(|| client.post_logout_redirect_uris.clone()),
            grant_types: self
                .grant_types
                .unwrap_or_else(|| client.grant_types.iter().map(|g| g.as_str().to_owned()).collect()),
            scopes: self.scopes.unwrap_or_else(|| client.scopes.clone()),
            first_party: self.first_party.unwrap_or(client.first_party),
            id_token_alg: Some(self.id_token_alg.unwrap_or(client.id_token_alg)),
            client_uri: self.client_uri.or_else(|| client.client_uri.clone()),
            logo_uri: self.logo_uri.or_else(|| client.logo_uri.clone()),
        };
        let grant_types = wanted.check()?;
        Ok(OAuthClient {
            name: wanted.name,
            redirect_uris: wanted.redirect_uris,
            post_logout_redirect_uris: wanted.post_logout_redirect_uris,
            grant_types,
            scopes: wanted.scopes,
            first_party: wanted.first_party,
            id_token_alg: wanted.id_token_alg.unwrap_or(client.id_token_alg),
            client_uri: wanted.client_uri,
            logo_uri: wanted.logo_uri,
            ..client.clone()
        })
    }
}

impl OAuthClient {
    /// The client with a fresh secret (returned, to be shown once); the old
    /// one stops working. Public clients have none to rotate.
    pub fn with_new_secret(&self) -> Result<(OAuthClient, SecretString), Error> {
        if self.kind == ClientKind::Public {
            return Err(Error::InvalidRequest("a public client has no secret to rotate".into()));
        }
        let secret = random_token();
        let client = OAuthClient { secret_digest: Some(TokenDigest::of(secret.expose_secret())), ..self.clone() };
        Ok((client, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(uris: &[&str]) -> NewClient {
        NewClient {
            name: "App".into(),
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn confidential_clients_get_a_secret_that_verifies() {
        let r = web(&["https://app.example.com/callback"]).register(OffsetDateTime::now_utc()).unwrap();
        assert!(r.client.id.starts_with("gh_") && r.client.id.len() == 25);
        let secret = r.secret.unwrap();
        assert!(r.client.secret_matches(secret.expose_secret()));
        assert!(!r.client.secret_matches("wrong"));
        assert_eq!(r.client.grant_types, [GrantType::AuthorizationCode, GrantType::RefreshToken]);
        assert_eq!(r.client.token_endpoint_auth, TokenEndpointAuth::ClientSecretBasic);
    }

    #[test]
    fn public_clients_have_no_secret_and_no_client_credentials() {
        let mut c = web(&["http://127.0.0.1:7777/cb", "com.example.app:/oauth"]);
        c.public = true;
        let r = c.clone().register(OffsetDateTime::now_utc()).unwrap();
        assert!(r.secret.is_none() && r.client.secret_digest.is_none());
        assert!(!r.client.secret_matches(""));
        c.grant_types = vec!["client_credentials".into()];
        assert!(c.register(OffsetDateTime::now_utc()).is_err());
    }

    #[test]
    fn redirect_uris_are_checked() {
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#frag",
            "/relative",
            "javascript:alert(1)",
            "https:///nohost",
            "ftp://x/y",
        ] {
            assert!(web(&[bad]).register(OffsetDateTime::now_utc()).is_err(), "{bad}");
        }
        assert!(web(&[]).register(OffsetDateTime::now_utc()).is_err(), "code grant needs a redirect URI");
        let mut m2m = web(&[]);
        m2m.grant_types = vec!["client_credentials".into()];
        assert!(m2m.register(OffsetDateTime::now_utc()).is_ok());
        let mut odd = web(&["https://a.example/cb"]);
        odd.scopes = vec!["bad scope".into()];
        assert!(odd.register(OffsetDateTime::now_utc()).is_err());
    }

    #[test]
    fn updates_are_checked_like_registrations_and_keep_the_identity() {
        let r = web(&["https://app.example.com/cb"]).register(OffsetDateTime::now_utc()).unwrap();
        let update = ClientUpdate {
            name: Some("  Shop ".into()),
            scopes: Some(vec!["openid".into(), "posts:read".into()]),
            ..Default::default()
        };
        let changed = update.apply(&r.client).unwrap();
        assert_eq!((changed.name.as_str(), changed.id.as_str()), ("Shop", r.client.id.as_str()));
        assert_eq!(changed.scopes, ["openid", "posts:read"]);
        assert_eq!(changed.redirect_uris, r.client.redirect_uris);
        assert_eq!(changed.secret_digest, r.client.secret_digest);
        let bad = ClientUpdate { redirect_uris: Some(vec!["http://evil.example/cb".into()]), ..Default::default() };
        assert!(bad.apply(&r.client).is_err());
        let none = ClientUpdate { redirect_uris: Some(vec![]), ..Default::default() };
        assert!(none.apply(&r.client).is_err(), "the code grant still needs a redirect URI");

        let (rotated, secret) = r.client.with_new_secret().unwrap();
        assert!(rotated.secret_matches(secret.expose_secret()));
        assert!(!rotated.secret_matches(r.secret.unwrap().expose_secret()), "the old secret stops working");
    }

    #[test]
    fn a_home_page_and_logo_must_be_https_and_an_empty_one_is_none() {
        let mut new = web(&["https://app.example.com/cb"]);
        new.client_uri = Some(" https://app.example.com/ ".into());
        new.logo_uri = Some("http://localhost:3000/logo.png".into());
        let client = new.register(OffsetDateTime::now_utc()).unwrap().client;
        assert_eq!(client.client_uri.as_deref(), Some("https://app.example.com/"));
        assert_eq!(client.logo_uri.as_deref(), Some("http://localhost:3000/logo.png"));
        for bad in [
            "http://app.example.com/",
            "javascript:alert(1)",
            "data:image/png;base64,AA",
            "https://u:p@app.example.com/",
            "/logo.png",
            "https://app.example.com/#x",
            "https://app .example.com/",
        ] {
            let mut new = web(&["https://app.example.com/cb"]);
            new.logo_uri = Some(bad.into());
            let err = new.register(OffsetDateTime::now_utc()).unwrap_err();
            assert!(err.to_string().contains("logo_uri"), "{bad}: {err}");
        }
        // An update replaces, an empty one removes, none keeps.
        let kept = ClientUpdate { name: Some("New".into()), ..Default::default() }.apply(&client).unwrap();
        assert_eq!(kept.logo_uri, client.logo_uri);
        let removed = ClientUpdate { logo_uri: Some(String::new()), ..Default::default() }.apply(&client).unwrap();
        assert_eq!(removed.logo_uri, None);
        assert_eq!(removed.client_uri.as_deref(), Some("https://app.example.com/"));
    }
}
