//! What the services need to know from configuration: lifetimes, limits,
//! lockout, the password and second-factor policies, the OAuth provider's
//! policy. `gatehouse`'s config loader fills [`AccountsConfig`].

use std::time::Duration;

use crate::account::{Role, User};
use crate::password::PasswordPolicy;
use crate::ratelimit::Rate;
use crate::token::{SigningAlg, TokenSettings};

/// Lockout after consecutive failed logins: from `threshold` failures on, the
/// account's password login is refused for `base_delay * 2^(failures - threshold)`,
/// at most `max_delay`.
#[derive(Clone, Debug)]
pub struct LockoutPolicy {
    pub threshold: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { threshold: 5, base_delay: Duration::from_secs(5), max_delay: Duration::from_secs(15 * 60) }
    }
}

impl LockoutPolicy {
    /// How long to lock after `failures` consecutive failures (None: no lock).
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.threshold)?;
        let factor = 2u32.checked_pow(over.min(30)).unwrap_or(u32::MAX);
        Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// Rate limits of the account endpoints.
#[derive(Clone, Debug)]
pub struct RateLimits {
    pub login_per_ip: Rate,
    /// Burst limit per account (or per unknown login name).
    pub login_per_account: Rate,
    /// Hard hourly budget per account: with it no more than this many password
    /// attempts per hour are possible, whatever the lockout state.
    pub login_per_account_hourly: Rate,
    pub register_per_ip: Rate,
    pub refresh_per_ip: Rate,
    /// Second-factor attempts per IP and per account.
    pub mfa_per_ip: Rate,
    pub mfa_per_account: Rate,
    /// Password-reset requests per IP and per email address.
    pub forgot_per_ip: Rate,
    pub forgot_per_email: Rate,
    /// Verification mails re-sent per account.
    pub resend_per_account: Rate,
    /// Requests carrying an API key, per IP (checked before the key is looked up).
    pub api_key_per_ip: Rate,
    /// Requests with one API key.
    pub api_key_per_key: Rate,
    /// API keys made (or rotated) per account.
    pub api_key_creation: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_ip: Rate::per_minute(30),
            login_per_account: Rate::per_minute(10),
            login_per_account_hourly: Rate::per_hour(100),
            register_per_ip: Rate::per_hour(20),
            refresh_per_ip: Rate::per_minute(120),
            mfa_per_ip: Rate::per_minute(30),
            mfa_per_account: Rate::per_minute(10),
            forgot_per_ip: Rate::per_hour(20),
            forgot_per_email: Rate::per_hour(5),
            resend_per_account: Rate::per_hour(5),
            api_key_per_ip: Rate::per_minute(1200),
            api_key_per_key: Rate::per_minute(600),
            api_key_creation: Rate::per_hour(20),
        }
    }
}

/// Everything the flows need to know from configuration.
#[derive(Clone, Debug)]
pub struct AccountsConfig {
    pub tokens: TokenSettings,
    pub signing_alg: SigningAlg,
    /// Signing keys change on their own (`signing_key_rotation`); `None`:
    /// only by hand.
    pub key_schedule: Option<crate::flows::parts::keys::KeySchedule>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// A spent refresh token presented again by the same client within this
    /// window gets the same successor instead of ending the session.
    pub refresh_grace: Duration,
    pub lockout: LockoutPolicy,
    pub limits: RateLimits,
    pub password_policy: PasswordPolicy,
    /// Roles a self-registered user gets.
    pub default_roles: Vec<Role>,
    /// Shown as the issuer in authenticator apps.
    pub product_name: String,
    /// Sensitive MFA changes need an authentication at most this old.
    pub step_up_window: Duration,
    /// Every user must have a second factor.
    pub mfa_required: bool,
    /// Users with any of these roles must have a second factor.
    pub mfa_required_roles: Vec<Role>,
    pub webauthn: WebauthnSettings,
    /// Password login is refused (`email_not_verified`) until the address is verified.
    pub require_verified_email: bool,
    pub email_verification_ttl: Duration,
    pub password_reset_ttl: Duration,
    pub browser: BrowserSessionConfig,
    pub oauth: OAuthConfig,
    /// Forward-auth: who may reach which application behind a reverse proxy.
    pub access: crate::access::AccessRules,
    /// Sessions (and users) kept in memory for the checks of every request
    /// (see [`crate::flows::parts::LiveSessions`]).
    pub session_cache_size: usize,
    /// The messages of the pages and mails, in every language.
    pub catalogs: std::sync::Arc<crate::i18n::Catalogs>,
}

impl AccountsConfig {
    /// Policy demands a second factor of this user.
    pub fn mfa_required_for(&self, user: &User) -> bool {
        self.mfa_required || user.roles.iter().any(|r| self.mfa_required_roles.contains(r))
    }

    /// The user must enrol a second factor before getting full tokens: policy
    /// demands one and this session was not authenticated with one.
    pub fn must_enroll(&self, user: &User, amr: &crate::amr::Amr) -> bool {
        self.mfa_required_for(user) && !amr.is_multi_factor()
    }
}

/// The WebAuthn relying party: by default the issuer's host and origin.
#[derive(Clone, Debug)]
pub struct WebauthnSettings {
    pub rp_id: String,
    pub origin: String,
}

/// Where a person is signing in: the JSON API (token pair) or Gatehouse's own
/// pages in a browser (a session cookie).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignIn {
    Api,
    Browser { remember: bool },
}

/// Lifetimes of browser sessions (the sign-in pages' cookie).
#[derive(Clone, Debug)]
pub struct BrowserSessionConfig {
    /// Ends the session after this long without a request.
    pub idle: Duration,
    /// Ends it whatever happens.
    pub absolute: Duration,
    /// The absolute lifetime with "Remember me".
    pub remembered: Duration,
    /// The session cookie is shared with this domain's subdomains (the
    /// applications behind forward-auth); `None`: Gatehouse's host only.
    pub cookie_domain: Option<String>,
}

/// The OAuth 2.0 / OpenID Connect provider's policy.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// How long an authorization code can be redeemed (60 s).
    pub code_ttl: Duration,
    /// PKCE (S256) for confidential clients too, not only public ones (RFC 9700 §2.1.1).
    pub pkce_required: bool,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self { code_ttl: Duration::from_secs(60), pkce_required: true }
    }
}

impl Default for BrowserSessionConfig {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            remembered: Duration::from_secs(30 * 86400),
            cookie_domain: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_backs_off_exponentially_and_caps() {
        let p = LockoutPolicy::default();
        assert_eq!(p.delay_after(4), None);
        assert_eq!(p.delay_after(5), Some(Duration::from_secs(5)));
        assert_eq!(p.delay_after(6), Some(Duration::from_secs(10)));
        assert_eq!(p.delay_after(8), Some(Duration::from_secs(40)));
        assert_eq!(p.delay_after(40), Some(Duration::from_secs(900)));
        assert_eq!(p.delay_after(u32::MAX), Some(Duration::from_secs(900)));
    }
}
