//! Password login.
//!
//! Unknown user, wrong password and locked account all answer the same
//! `invalid_credentials` after the same amount of hashing work (a dummy hash
//! stands in for a missing user). A disabled account, or one whose password an
//! administrator wants replaced, is reported only after the correct password. Imported or outdated hashes are upgraded on success.

use secrecy::{ExposeSecret, SecretString};

use super::{ip_key, Accounts, SignIn, TokenPair};
use crate::account::{LoginName, User};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::mfa::amr;

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

impl Accounts {
    pub async fn login(&self, req: LoginRequest, client: &ClientInfo) -> Result<LoginOutcome> {
        let limits = &self.config.limits;
        self.limit("login:ip", &ip_key(client), limits.login_per_ip).await?;
        let user = self.store.user_by_login(req.login.as_str()).await?;

        // Per-account limits apply to unknown names too, so a 429 says nothing
        // about whether the account exists.
        let account_key = match &user {
            Some(u) => u.id.to_string(),
            None => format!("name:{}", req.login.as_str().to_lowercase()),
        };
        self.limit("login:account", &account_key, limits.login_per_account).await?;
        self.limit("login:account-hour", &account_key, limits.login_per_account_hourly).await?;

        let Some(user) = user else {
            self.hasher.verify_dummy(req.password).await?;
            self.audit(AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client).detail("unknown user")).await;
            return Err(Error::InvalidCredentials);
        };

        let now = self.now();
        if user.locked_until.is_some_and(|until| until > now) {
            self.hasher.verify_dummy(req.password).await?;
            self.audit(
                AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                    .subject(user.id)
                    .detail("account locked"),
            )
            .await;
            return Err(Error::InvalidCredentials);
        }

        let verification = self.hasher.verify(req.password.clone(), &user.password_hash).await?;
        if !verification.ok {
            self.on_wrong_password(&user, client).await?;
            return Err(Error::InvalidCredentials);
        }

        if !user.is_active {
            self.audit(
                AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                    .subject(user.id)
                    .detail("account disabled"),
            )
            .await;
            return Err(Error::AccountDisabled);
        }
        if user.password_reset_required {
            self.audit(
                AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                    .subject(user.id)
                    .detail("a new password is required"),
            )
            .await;
            return Err(Error::PasswordResetRequired);
        }
        if self.config.require_verified_email && !user.email_verified {
            self.audit(
                AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                    .subject(user.id)
                    .detail("email not verified"),
            )
            .await;
            return Err(Error::EmailNotVerified);
        }
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.store.clear_login_failures(user.id).await?;
        }
        if verification.needs_rehash {
            self.upgrade_hash(&user, req.password, client).await;
        }
        let status = self.mfa_status(user.id).await?;
        if status.has_second_factor() {
            let (mfa_token, expires_in) = self.challenge(&user, amr::PASSWORD, client).await?;
            return Ok(LoginOutcome::MfaRequired { mfa_token, methods: status.methods(), expires_in });
        }
        let pair = self.open_session(&user, vec![amr::PASSWORD.to_owned()], client, req.via).await?;
        self.audit(AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, client).by_and_for(user.id)).await;
        Ok(LoginOutcome::Tokens(Box::new(user), pair))
    }

    pub(super) async fn on_wrong_password(&self, user: &User, client: &ClientInfo) -> Result<()> {
        self.audit(
            AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client).subject(user.id).detail("wrong password"),
        )
        .await;
        self.count_failure(user, client).await
    }

    /// Counts a failed proof (a sign-in's or a step-up's) towards the
    /// account's lockout, and locks it once there are enough.
    pub(super) async fn count_failure(&self, user: &User, client: &ClientInfo) -> Result<()> {
        let failures = self.store.record_login_failure(user.id).await?;
        if let Some(delay) = self.config.lockout.delay_after(failures) {
            let until = self.now() + delay;
            self.store.set_locked_until(user.id, Some(until)).await?;
            self.audit(
                AuditEvent::new(AuditKind::AccountLocked, Outcome::Success, client)
                    .subject(user.id)
                    .detail(format!("{failures} consecutive failures; locked for {}s", delay.as_secs())),
            )
            .await;
        }
        Ok(())
    }

    /// Re-hashes a correct password with the current parameters. Best effort:
    /// a busy pool or a storage error only postpones the upgrade.
    async fn upgrade_hash(&self, user: &User, password: SecretString, client: &ClientInfo) {
        if password.expose_secret().is_empty() {
            return;
        }
        let result = async {
            let hash = self.hasher.hash(password).await?;
            self.store.set_password_hash(user.id, &hash, self.now()).await?;
            Ok::<_, Error>(())
        }
        .await;
        match result {
            Ok(()) => {
                self.audit(AuditEvent::new(AuditKind::PasswordRehashed, Outcome::Success, client).by_and_for(user.id))
                    .await
            }
            Err(e) => tracing::warn!(user = %user.id, error = %e, "password rehash postponed"),
        }
    }
}
