//! Proof of presence: the password, or a current authenticator code, asked of
//! a signed-in person before a sensitive change — the step-up of MFA and API
//! key changes, a password or email change, deleting the account.
//!
//! Whoever holds a stolen access token must not find a guessing oracle here,
//! so a proof passes the gates a sign-in passes:
//! - the per-IP and per-account limits of password logins (a password) or of
//!   second factors (a code), sharing their counters with sign-ins;
//! - the account's lockout: a locked account proves nothing (429 with the time
//!   left), and every wrong proof counts towards it like a failed login;
//! - the [`FAILED_PROOFS_PER_SESSION`]th wrong proof from one session ends that
//!   session (audited), so the token's holder must sign in again — where the
//!   login's limits and the second factor stand.

use std::time::Duration;

use secrecy::SecretString;

use std::sync::Arc;

use super::{elapsed_since, ip_key, AuditSink, Limits};
use crate::account::{User, UserId};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::error::{Error, Result};
use crate::flows::AccountsConfig;
use crate::mfa::totp::TotpSecret;
use crate::password::PasswordHasher;
use crate::ratelimit::Rate;
use crate::session::SessionId;
use crate::store::{MfaStore, SessionStore, UserStore};

/// Wrong proofs a session may make before it is ended.
pub const FAILED_PROOFS_PER_SESSION: u32 = 3;

/// How long a session's wrong proofs are remembered.
const FAILED_PROOFS_WINDOW: Duration = Duration::from_secs(3600);

/// What a person presents to show it is them.
pub enum Proof {
    Password(SecretString),
    /// A current code of their authenticator app.
    Code(String),
}

impl Proof {
    fn describe(&self) -> &'static str {
        match self {
            Self::Password(_) => "wrong password",
            Self::Code(_) => "wrong code",
        }
    }
}

/// Checks a signed-in person's proofs of identity, and counts the wrong
/// ones (a sign-in's too) towards the account's lockout.
pub struct Proofs {
    pub(crate) users: Arc<dyn UserStore>,
    pub(crate) sessions: Arc<dyn SessionStore>,
    pub(crate) mfa: Arc<dyn MfaStore>,
    pub(crate) hasher: Arc<PasswordHasher>,
    pub(crate) master: Arc<MasterKey>,
    pub(crate) limits: Limits,
    pub(crate) audit: AuditSink,
    pub(crate) config: Arc<AccountsConfig>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Proofs {
    /// Checks `proof` for `user`, presented in `session` for `purpose` (named
    /// in the audit log). `Ok(true)`: proven (a code is spent). `Ok(false)`:
    /// wrong — counted, audited, and the session ended if it was one wrong
    /// proof too many (then the answer is `invalid_token`). Errors: the
    /// limits (`rate_limited`), a locked account (`rate_limited` with the
    /// time left).
    pub async fn prove_presence(
        &self,
        user: &User,
        session: SessionId,
        proof: &Proof,
        purpose: &str,
        client: &ClientInfo,
    ) -> Result<bool> {
        let limits = &self.config.limits;
        let account = user.id.to_string();
        match proof {
            Proof::Password(_) => {
                self.limits.hit("login:ip", &ip_key(client), limits.login_per_ip).await?;
                self.limits.hit("login:account", &account, limits.login_per_account).await?;
                self.limits.hit("login:account-hour", &account, limits.login_per_account_hourly).await?;
            }
            Proof::Code(_) => {
                self.limits.hit("mfa:ip", &ip_key(client), limits.mfa_per_ip).await?;
                self.limits.hit("mfa:account", &account, limits.mfa_per_account).await?;
            }
        }
        let now = self.clock.now();
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::StepUp, Outcome::Failure, client)
                        .by_and_for(user.id)
                        .detail(format!("{purpose}: account locked")),
                )
                .await;
            return Err(Error::RateLimited { retry_after: elapsed_since(now, until).max(Duration::from_secs(1)) });
        }
        let proven = match proof {
            Proof::Password(password) => self.hasher.verify(password.clone(), &user.password_hash).await?.ok,
            Proof::Code(code) => match self.totp_step(user.id, code.trim(), true).await? {
                Some(step) => self.mfa.use_totp_step(user.id, step).await?,
                None => false,
            },
        };
        if proven {
            if user.failed_logins > 0 {
                self.users.clear_login_failures(user.id).await?;
            }
            return Ok(true);
        }
        self.audit
            .record(
                AuditEvent::new(AuditKind::StepUp, Outcome::Failure, client)
                    .by_and_for(user.id)
                    .detail(format!("{purpose}: {}", proof.describe())),
            )
            .await;
        self.count_failure(user, client).await?;
        let per_session = Rate::new(FAILED_PROOFS_PER_SESSION - 1, FAILED_PROOFS_WINDOW);
        if let Err(Error::RateLimited { .. }) =
            self.limits.hit("proof-failures:session", &session.to_string(), per_session).await
        {
            self.sessions.revoke_session(session, now).await?;
            self.audit
                .record(
                    AuditEvent::new(AuditKind::SessionRevoked, Outcome::Success, client).subject(user.id).detail(
                        format!("{FAILED_PROOFS_PER_SESSION} wrong proofs of presence; session {session} ended"),
                    ),
                )
                .await;
            return Err(Error::InvalidToken);
        }
        Ok(false)
    }

    /// Audits a wrong password (of a sign-in or a second step) and counts it.
    pub async fn on_wrong_password(&self, user: &User, client: &ClientInfo) -> Result<()> {
        self.audit
            .record(
                AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                    .subject(user.id)
                    .detail("wrong password"),
            )
            .await;
        self.count_failure(user, client).await
    }

    /// Counts a failed proof (a sign-in's or a step-up's) towards the
    /// account's lockout, and locks it once there are enough.
    pub async fn count_failure(&self, user: &User, client: &ClientInfo) -> Result<()> {
        let now = self.clock.now();
        let forget_before = now - crate::retention::LOGIN_FAILURE_MEMORY;
        let failures = self.users.record_login_failure(user.id, now, forget_before).await?;
        if let Some(delay) = self.config.lockout.delay_after(failures) {
            let until = now + delay;
            self.users.set_locked_until(user.id, Some(until)).await?;
            self.audit
                .record(
                    AuditEvent::new(AuditKind::AccountLocked, Outcome::Success, client)
                        .subject(user.id)
                        .detail(format!("{failures} consecutive failures; locked for {}s", delay.as_secs())),
                )
                .await;
        }
        Ok(())
    }

    /// The step a code matches for the user's TOTP secret (enabled, or pending
    /// when `enabled` is false).
    pub async fn totp_step(&self, user: UserId, code: &str, enabled: bool) -> Result<Option<i64>> {
        self.totp_step_in(self.mfa.as_ref(), user, code, enabled).await
    }

    /// Like [`Proofs::totp_step`], read from `mfa` (a unit of work reads
    /// through itself: an in-memory SQLite database has one connection).
    pub async fn totp_step_in(
        &self,
        mfa: &dyn MfaStore,
        user: UserId,
        code: &str,
        enabled: bool,
    ) -> Result<Option<i64>> {
        let Some(record) = mfa.totp(user).await? else { return Ok(None) };
        if record.enabled_at.is_some() != enabled {
            return Ok(None);
        }
        let secret = TotpSecret::from_bytes(self.master.open(&record.secret_sealed, &totp_context(user))?);
        let now = u64::try_from(self.clock.now().unix_timestamp()).map_err(Error::internal)?;
        secret.matching_step(code, now)
    }
}

/// The AEAD context binding a sealed TOTP secret to its user.
pub(crate) fn totp_context(user: UserId) -> Vec<u8> {
    format!("totp:{user}").into_bytes()
}
