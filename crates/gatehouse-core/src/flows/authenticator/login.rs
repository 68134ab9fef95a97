//! Password login.
//!
//! Unknown user, wrong password and locked account all answer the same
//! `invalid_credentials` after the same amount of hashing work (a dummy hash
//! stands in for a missing user). A disabled account, or one whose password an
//! administrator wants replaced, is reported only after the correct password.
//! Imported or outdated hashes are upgraded on success. A user with a second
//! factor gets a challenge instead of tokens (the second step: `mfa.rs`).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Authenticator;
use crate::account::{LoginName, User};
use crate::amr::{Amr, AuthMethod};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{random_token, TokenDigest};
use crate::error::{Error, Result};
use crate::flows::parts::{ip_key, TokenPair};
use crate::flows::SignIn;
use crate::mfa::MfaChallenge;

/// Lifetime of an `mfa_token`.
pub const MFA_TOKEN_TTL: Duration = Duration::from_secs(5 * 60);

/// How a password login ends.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in. When policy demands a second factor the user has not set up,
    /// the pair's scope is `mfa_enroll` and only enrolment is possible.
    Tokens(Box<User>, TokenPair),
    /// The password was right; now a second factor (`POST /api/auth/mfa/verify`).
    MfaRequired { mfa_token: SecretString, methods: Vec<String>, expires_in: u64 },
}

/// What a person submits to sign in.
pub struct LoginRequest {
    /// Username or email.
    pub login: LoginName,
    pub password: SecretString,
    pub via: SignIn,
}

impl Authenticator {
    /// A sign-in with a name no account has: refused as a wrong password
    /// would be, and counted and locked as an account's failures are (by the
    /// name's digest), so that neither the answer, its timing nor a lockout
    /// tells whether an account exists.
    async fn unknown_name(&self, req: &LoginRequest, now: OffsetDateTime, client: &ClientInfo) -> Result<LoginOutcome> {
        let name = req.login.digest();
        self.hasher.verify_dummy(req.password.clone()).await?;
        let locked = self.users.name_locked_until(&name).await?.filter(|until| *until > now);
        self.audit
            .record(AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client).detail(if locked.is_some() {
                "unknown user, locked"
            } else {
                "unknown user"
            }))
            .await;
        if let Some(until) = locked {
            return Err(locked_for(until - now));
        }
        let forget_before = now - crate::retention::LOGIN_FAILURE_MEMORY;
        let failures = self.users.record_name_failure(&name, now, forget_before).await?;
        if let Some(delay) = self.config.lockout.delay_after(failures) {
            self.users.set_name_locked_until(&name, now + delay).await?;
        }
        Err(Error::InvalidCredentials)
    }

    pub async fn login(&self, req: LoginRequest, client: &ClientInfo) -> Result<LoginOutcome> {
        let limits = &self.config.limits;
        self.limits.hit("login:ip", &ip_key(client), limits.login_per_ip).await?;
        let user = self.users.user_by_login(req.login.as_str()).await?;

        // Per-account limits apply to unknown names too, so a 429 says nothing
        // about whether the account exists.
        let account_key = match &user {
            Some(u) => u.id.to_string(),
            None => format!("name:{}", req.login.as_str().to_lowercase()),
        };
        self.limits.hit("login:account", &account_key, limits.login_per_account).await?;
        self.limits.hit("login:account-hour", &account_key, limits.login_per_account_hourly).await?;

        let now = self.clock.now();
        let Some(user) = user else {
            return self.unknown_name(&req, now, client).await;
        };

        // Locked: the same answer whatever the password — how long to wait —
        // and no password is checked, so a lock is no oracle for guesses.
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            self.hasher.verify_dummy(req.password).await?;
            self.audit
                .record(
                    AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                        .subject(user.id)
                        .detail("account locked"),
                )
                .await;
            return Err(locked_for(until - now));
        }

        let verification = self.hasher.verify(req.password.clone(), &user.password_hash).await?;
        if !verification.ok {
            self.proofs.on_wrong_password(&user, client).await?;
            return Err(Error::InvalidCredentials);
        }

        if !user.is_active {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                        .subject(user.id)
                        .detail("account disabled"),
                )
                .await;
            return Err(Error::AccountDisabled);
        }
        if user.password_reset_required {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                        .subject(user.id)
                        .detail("a new password is required"),
                )
                .await;
            return Err(Error::PasswordResetRequired);
        }
        if self.config.require_verified_email && !user.email_verified {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                        .subject(user.id)
                        .detail("email not verified"),
                )
                .await;
            return Err(Error::EmailNotVerified);
        }
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.users.clear_login_failures(user.id).await?;
        }
        if verification.needs_rehash {
            self.upgrade_hash(&user, req.password, client).await;
        }
        let status = self.mfa.second_factors(user.id).await?;
        if status.has_second_factor() {
            let (mfa_token, expires_in) = self.challenge(&user, AuthMethod::Password, client).await?;
            return Ok(LoginOutcome::MfaRequired { mfa_token, methods: status.methods(), expires_in });
        }
        let pair = self.tokens.open_session(&user, Amr::one(AuthMethod::Password), client, req.via).await?;
        self.audit
            .record(AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, client).by_and_for(user.id))
            .await;
        Ok(LoginOutcome::Tokens(Box::new(user), pair))
    }

    /// Opens a challenge for a user who passed the first factor (`first`:
    /// `pwd`, or `fed` for an upstream sign-in).
    pub(super) async fn challenge(
        &self,
        user: &User,
        first: AuthMethod,
        client: &ClientInfo,
    ) -> Result<(SecretString, u64)> {
        let token = random_token();
        let now = self.clock.now();
        let challenge = MfaChallenge {
            id: Uuid::now_v7(),
            user_id: user.id,
            digest: TokenDigest::of(token.expose_secret()),
            amr: Amr::one(first),
            created_at: now,
            expires_at: now + MFA_TOKEN_TTL,
            failed_attempts: 0,
            used_at: None,
        };
        self.mfa.create_mfa_challenge(&challenge).await?;
        self.audit
            .record(AuditEvent::new(AuditKind::MfaChallenged, Outcome::Success, client).by_and_for(user.id))
            .await;
        Ok((token, MFA_TOKEN_TTL.as_secs()))
    }

    /// Re-hashes a correct password with the current parameters. Best effort:
    /// a busy pool or a storage error only postpones the upgrade.
    async fn upgrade_hash(&self, user: &User, password: SecretString, client: &ClientInfo) {
        if password.expose_secret().is_empty() {
            return;
        }
        let result = async {
            let hash = self.hasher.hash(password).await?;
            self.users.set_password_hash(user.id, &hash, self.clock.now()).await?;
            Ok::<_, Error>(())
        }
        .await;
        match result {
            Ok(()) => {
                self.audit
                    .record(AuditEvent::new(AuditKind::PasswordRehashed, Outcome::Success, client).by_and_for(user.id))
                    .await
            }
            Err(e) => tracing::warn!(user = %user.id, error = %e, "password rehash postponed"),
        }
    }
}

/// The answer to a sign-in while its account (or name) is locked: a rate
/// limit that says how long, as a 429 with `Retry-After`.
fn locked_for(left: time::Duration) -> Error {
    // Rounded up: trying again after the wait works.
    let whole = left.whole_seconds() + i64::from(left.subsec_nanoseconds() > 0);
    let secs = u64::try_from(whole).unwrap_or(0).max(1);
    Error::RateLimited { retry_after: Duration::from_secs(secs) }
}
