//! Whether a presented API key is live and what it may do now: the key's
//! scopes its owner still holds, an active owner, and — when policy came to
//! demand one after the key was made — an enrolled second factor.

use std::sync::Arc;

use super::Limits;
use crate::api_key::digest_if_well_formed;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::flows::{AccountsConfig, ApiKeyAuth};
use crate::rbac::Actor;
use crate::store::{ApiKeyStore, MfaStore, UserStore};

/// Checks API keys.
pub struct ApiKeyCheck {
    pub(crate) api_keys: Arc<dyn ApiKeyStore>,
    pub(crate) users: Arc<dyn UserStore>,
    pub(crate) mfa: Arc<dyn MfaStore>,
    pub(crate) limits: Limits,
    pub(crate) config: Arc<AccountsConfig>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl ApiKeyCheck {
    /// The key's owner and powers, if `token` is a live key of an active account.
    pub async fn check(&self, token: &str, ip: Option<&str>) -> Result<ApiKeyAuth> {
        let digest = digest_if_well_formed(token).ok_or(Error::InvalidToken)?;
        let key = self.api_keys.api_key_by_digest(&digest).await?.ok_or(Error::InvalidToken)?;
        let now = self.clock.now();
        if key.revoked_at.is_some() || !key.digest.matches(&digest) {
            return Err(Error::InvalidToken);
        }
        if !key.is_live(now) {
            return Err(Error::TokenExpired);
        }
        let user = self.users.user_by_id(key.user_id).await?.ok_or(Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        // A key made before the policy reached its owner (mfa_required, or a
        // role in mfa_required_roles given later) rests until they enrol.
        if self.config.mfa_required_for(&user) && !self.mfa.second_factors(user.id).await?.has_second_factor() {
            return Err(Error::MfaEnrollmentRequired);
        }
        self.limits.hit("api_key:key", &key.id.to_string(), self.config.limits.api_key_per_key).await?;
        if key.use_due(now, ip) {
            if let Err(e) = self.api_keys.touch_api_key(key.id, now, ip).await {
                tracing::warn!(error = %e, "cannot record an API key's use");
            }
        }
        let actor = Actor::api_key(&user, key.id, &key.scopes);
        Ok(ApiKeyAuth { user, key, actor })
    }

    /// Whether `token` is a live API key, for introspection (an authenticated
    /// client asks, so no per-IP limit): its auth, or `None`.
    pub async fn live(&self, token: &str) -> Result<Option<ApiKeyAuth>> {
        match self.check(token, None).await {
            Ok(auth) => Ok(Some(auth)),
            Err(Error::InvalidToken | Error::TokenExpired | Error::AccountDisabled | Error::MfaEnrollmentRequired) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
