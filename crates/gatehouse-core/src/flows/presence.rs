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

use super::{ip_key, Accounts};
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::ratelimit::Rate;
use crate::session::SessionId;

/// Wrong proofs a session may make before it is ended.
pub const FAILED_PROOFS_PER_SESSION: u32 = 3;

/// How long a session's wrong proofs are remembered.
const FAILED_PROOFS_WINDOW: Duration = Duration::from_secs(3600);

/// What a person presents to show it is them.
pub(super) enum Proof {
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

impl Accounts {
    /// Checks `proof` for `user`, presented in `session` for `purpose` (named
    /// in the audit log). `Ok(true)`: proven (a code is spent). `Ok(false)`:
    /// wrong — counted, audited, and the session ended if it was one wrong
    /// proof too many (then the answer is `invalid_token`). Errors: the
    /// limits (`rate_limited`), a locked account (`rate_limited` with the
    /// time left).
    pub(super) async fn prove_presence(
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
                self.limit("login:ip", &ip_key(client), limits.login_per_ip).await?;
                self.limit("login:account", &account, limits.login_per_account).await?;
                self.limit("login:account-hour", &account, limits.login_per_account_hourly).await?;
            }
            Proof::Code(_) => {
                self.limit("mfa:ip", &ip_key(client), limits.mfa_per_ip).await?;
                self.limit("mfa:account", &account, limits.mfa_per_account).await?;
            }
        }
        let now = self.now();
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            self.audit(
                AuditEvent::new(AuditKind::StepUp, Outcome::Failure, client)
                    .by_and_for(user.id)
                    .detail(format!("{purpose}: account locked")),
            )
            .await;
            return Err(Error::RateLimited {
                retry_after: super::elapsed_since(now, until).max(Duration::from_secs(1)),
            });
        }
        let proven = match proof {
            Proof::Password(password) => self.hasher.verify(password.clone(), &user.password_hash).await?.ok,
            Proof::Code(code) => match self.totp_step(user.id, code.trim(), true).await? {
                Some(step) => self.store.use_totp_step(user.id, step).await?,
                None => false,
            },
        };
        if proven {
            if user.failed_logins > 0 {
                self.store.clear_login_failures(user.id).await?;
            }
            return Ok(true);
        }
        self.audit(
            AuditEvent::new(AuditKind::StepUp, Outcome::Failure, client)
                .by_and_for(user.id)
                .detail(format!("{purpose}: {}", proof.describe())),
        )
        .await;
        self.count_failure(user, client).await?;
        let per_session = Rate::new(FAILED_PROOFS_PER_SESSION - 1, FAILED_PROOFS_WINDOW);
        if let Err(Error::RateLimited { .. }) =
            self.limit("proof-failures:session", &session.to_string(), per_session).await
        {
            self.store.revoke_session(session, now).await?;
            self.audit(
                AuditEvent::new(AuditKind::SessionRevoked, Outcome::Success, client)
                    .subject(user.id)
                    .detail(format!("{FAILED_PROOFS_PER_SESSION} wrong proofs of presence; session {session} ended")),
            )
            .await;
            return Err(Error::InvalidToken);
        }
        Ok(false)
    }
}
