//! The second step of a login and the checks shared by MFA management.
//!
//! A password login of a user with a second factor ends in a challenge: an
//! opaque `mfa_token` (5 minutes, at most 5 wrong codes, single use, bound to
//! the user and to the first factor) that grants nothing but the right to
//! present a TOTP code or a backup code to [`Authenticator::verify_mfa`].

use secrecy::SecretString;

use super::Authenticator;
use crate::account::{User, UserId};
use crate::amr::{Amr, AuthMethod};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{ip_key, load_user, MfaStatus, Proof, TokenPair};
use crate::flows::{Authenticated, SignIn};
use crate::store::StoreTx;

/// Wrong codes allowed per `mfa_token`.
pub const MFA_TOKEN_MAX_FAILURES: u32 = 5;

/// A fresh proof of identity for a sensitive change, when the session's last
/// authentication is older than the step-up window.
#[derive(Default)]
pub struct StepUpProof {
    pub password: Option<SecretString>,
    pub code: Option<String>,
}

/// The full amr of a session that passed a password and a one-time code.
fn two_factor_amr() -> Amr {
    Amr::one(AuthMethod::Password).with_second_factor(AuthMethod::Otp)
}

impl Authenticator {
    /// Which second factors the user has.
    pub async fn mfa_status(&self, user: UserId) -> Result<MfaStatus> {
        self.live.factors(user).await
    }

    /// Completes a login with a TOTP code or a backup code.
    pub async fn verify_mfa(
        &self,
        mfa_token: SecretString,
        code: &str,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<(User, TokenPair)> {
        let limits = &self.config.limits;
        self.limits.hit("mfa:ip", &ip_key(client), limits.mfa_per_ip).await?;
        let now = self.clock.now();
        let challenge = self.live_challenge(&mfa_token).await?;
        self.limits.hit("mfa:account", &challenge.user_id.to_string(), limits.mfa_per_account).await?;
        let user = load_user(self.users.as_ref(), challenge.user_id).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active || user.locked_until.is_some_and(|until| until > now) {
            return Err(Error::InvalidToken);
        }

        // The spent code, the spent challenge, the new session and their
        // records: one unit.
        let unit = self.units.begin().await?;
        let method = match self.check_second_factor(unit.as_ref(), &user, code).await? {
            Some(method) => method,
            None => {
                drop(unit);
                self.failed_second_step(&challenge, &user, "wrong code", client).await?;
                return Err(Error::InvalidMfaCode);
            }
        };
        let pair = self.complete_second_step(unit, &challenge, &user, (AuthMethod::Otp, method), client, via).await?;
        Ok((user, pair))
    }

    /// A second step that failed (`what`: a wrong code, a refused passkey):
    /// the challenge counts it, the account's lockout counts it, the audit
    /// log says so.
    pub(super) async fn failed_second_step(
        &self,
        challenge: &crate::mfa::MfaChallenge,
        user: &User,
        what: &str,
        client: &ClientInfo,
    ) -> Result<()> {
        self.mfa.fail_mfa_challenge(challenge.id).await?;
        self.proofs.on_wrong_password(user, client).await?;
        self.audit
            .record(AuditEvent::new(AuditKind::MfaFailed, Outcome::Failure, client).subject(user.id).detail(what))
            .await;
        Ok(())
    }

    /// The end of a second step proven in `unit` (by `factor`: its `amr` and
    /// the method the audit names): the challenge is spent, failures are
    /// forgotten, the session opens and both records are written — in the
    /// one unit, which commits here.
    pub(super) async fn complete_second_step(
        &self,
        unit: Box<dyn StoreTx>,
        challenge: &crate::mfa::MfaChallenge,
        user: &User,
        factor: (AuthMethod, &str),
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<TokenPair> {
        let (factor_amr, method) = factor;
        if !unit.consume_mfa_challenge(challenge.id, self.clock.now()).await? {
            return Err(Error::InvalidToken);
        }
        if user.failed_logins > 0 {
            unit.clear_login_failures(user.id).await?;
        }
        let amr = challenge.amr.with_second_factor(factor_amr);
        let pair = self.tokens.open_session_in(unit.as_ref(), user, amr, client, via).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::MfaVerified, Outcome::Success, client).by_and_for(user.id).detail(method),
            )
            .await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, client).by_and_for(user.id),
            )
            .await?;
        unit.commit().await?;
        Ok(pair)
    }

    /// Checks a TOTP code (6 digits) or a backup code, spending it in `unit`
    /// on success. Returns the method used, or `None` for a wrong or
    /// replayed code.
    async fn check_second_factor(&self, unit: &dyn StoreTx, user: &User, code: &str) -> Result<Option<&'static str>> {
        let code = code.trim();
        if code.len() == crate::mfa::totp::DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
            let Some(step) = self.proofs.totp_step_in(unit, user.id, code, true).await? else { return Ok(None) };
            return Ok(unit.use_totp_step(user.id, step).await?.then_some("totp"));
        }
        let Some(digest) = self.backup_key.digest(code) else { return Ok(None) };
        if unit.use_backup_code(user.id, &digest, self.clock.now()).await? {
            self.audit
                .record_in(
                    unit,
                    AuditEvent::new(AuditKind::BackupCodeUsed, Outcome::Success, &ClientInfo::default())
                        .by_and_for(user.id),
                )
                .await?;
            return Ok(Some("backup_code"));
        }
        Ok(None)
    }

    /// Sensitive MFA changes need a recent authentication: within the step-up
    /// window, or proven now with the password or a current TOTP code (a
    /// proof of presence, with a sign-in's limits: see `presence`).
    pub(super) async fn require_recent_auth(
        &self,
        auth: &Authenticated,
        proof: StepUpProof,
        client: &ClientInfo,
    ) -> Result<()> {
        let now = self.clock.now();
        let session = self.sessions.session(auth.session_id()).await?.ok_or(Error::InvalidToken)?;
        if crate::flows::parts::elapsed_since(session.auth_time, now) <= self.config.step_up_window
            && proof.password.is_none()
            && proof.code.is_none()
        {
            return Ok(());
        }
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let (proof, amr) = match (proof.password, proof.code) {
            (Some(password), _) => (Proof::Password(password), session.amr.clone()),
            (None, Some(code)) => (Proof::Code(code), two_factor_amr()),
            (None, None) => return Err(Error::ReauthenticationRequired),
        };
        if !self.proofs.prove_presence(&user, session.id, &proof, "step-up", client).await? {
            return Err(Error::ReauthenticationRequired);
        }
        self.sessions.reauthenticated(session.id, &amr, now).await?;
        self.audit.record(AuditEvent::new(AuditKind::StepUp, Outcome::Success, client).by_and_for(user.id)).await;
        Ok(())
    }
}
