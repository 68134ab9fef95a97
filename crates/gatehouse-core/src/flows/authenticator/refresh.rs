//! The JSON API's refresh: a refresh token of an API session for a new
//! token pair (rotation, reuse detection and the grace window:
//! [`crate::flows::parts::RefreshTokens`]).

use secrecy::SecretString;

use super::Authenticator;
use crate::account::User;
use crate::audit::ClientInfo;
use crate::error::Result;
use crate::flows::parts::ip_key;
use crate::flows::TokenPair;
use crate::session::SessionKind;

impl Authenticator {
    /// The JSON API's refresh: only tokens of API sessions.
    pub async fn refresh(&self, token: SecretString, client: &ClientInfo) -> Result<(User, TokenPair)> {
        self.limits.hit("refresh:ip", &ip_key(client), self.config.limits.refresh_per_ip).await?;
        let (user, session, successor) =
            self.refresh_tokens.rotate(&token, client, |s| s.kind == SessionKind::Api).await?;
        let pair = self.tokens.token_pair(&user, &session, successor)?;
        Ok((user, pair))
    }
}
