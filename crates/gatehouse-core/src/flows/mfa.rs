//! The second step of a login and the checks shared by MFA management.
//!
//! A password login of a user with a second factor ends in a challenge: an
//! opaque `mfa_token` (5 minutes, at most 5 wrong codes, single use, bound to
//! the user and to the first factor) that grants nothing but the right to
//! present a TOTP code or a backup code to [`Accounts::verify_mfa`].

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::{ip_key, Accounts, SignIn, TokenPair};
use crate::account::{User, UserId};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{random_token, TokenDigest};
use crate::error::{Error, Result};
use crate::flows::presence::Proof;
use crate::flows::Authenticated;
use crate::mfa::totp::TotpSecret;
use crate::mfa::{amr, MfaChallenge};
use crate::store::{Capabilities, StoreTx};

/// Lifetime of an `mfa_token`.
pub const MFA_TOKEN_TTL: Duration = Duration::from_secs(5 * 60);
/// Wrong codes allowed per `mfa_token`.
pub const MFA_TOKEN_MAX_FAILURES: u32 = 5;

/// Which second factors a user has.
#[derive(Clone, Debug, Default)]
pub struct MfaStatus {
    pub totp: bool,
    pub passkeys: u32,
    pub backup_codes_remaining: u32,
}

impl MfaStatus {
    /// A factor that can be used on its own (backup codes are a fallback only).
    pub fn has_second_factor(&self) -> bool {
        self.totp || self.passkeys > 0
    }

    pub fn methods(&self) -> Vec<String> {
        let mut methods = Vec::new();
        if self.totp {
            methods.push("totp".to_owned());
        }
        if self.passkeys > 0 {
            methods.push("webauthn".to_owned());
        }
        if self.backup_codes_remaining > 0 {
            methods.push("backup_code".to_owned());
        }
        methods
    }
}

/// A fresh proof of identity for a sensitive change, when the session's last
/// authentication is older than the step-up window.
#[derive(Default)]
pub struct StepUpProof {
    pub password: Option<SecretString>,
    pub code: Option<String>,
}

/// The full amr of a session that passed a password and a one-time code.
fn two_factor_amr() -> Vec<String> {
    after_second_factor(&[amr::PASSWORD.to_owned()], amr::OTP)
}

/// The amr of a login that passed `first` (a challenge's methods: `pwd`, or
/// `fed` after an upstream sign-in) and then `second` (`otp`, `hwk`).
pub(super) fn after_second_factor(first: &[String], second: &str) -> Vec<String> {
    let mut amr = first.to_vec();
    amr.push(second.to_owned());
    amr.push(amr::MFA.to_owned());
    amr
}

/// The user's second factors as `store` (the store, or a unit of work) sees them.
pub(super) async fn mfa_status_in<S: Capabilities + ?Sized>(store: &S, user: UserId) -> Result<MfaStatus> {
    let totp = store.totp(user).await?.is_some_and(|t| t.enabled_at.is_some());
    let passkeys = u32::try_from(store.webauthn_credentials(user).await?.len()).unwrap_or(u32::MAX);
    let backup_codes_remaining = store.backup_codes_remaining(user).await?;
    Ok(MfaStatus { totp, passkeys, backup_codes_remaining })
}

impl Accounts {
    pub async fn mfa_status(&self, user: UserId) -> Result<MfaStatus> {
        mfa_status_in(self.store.as_ref(), user).await
    }

    /// Opens a challenge for a user who passed the first factor (`first`:
    /// `pwd`, or `fed` for an upstream sign-in).
    pub(super) async fn challenge(&self, user: &User, first: &str, client: &ClientInfo) -> Result<(SecretString, u64)> {
        let token = random_token();
        let now = self.now();
        let challenge = MfaChallenge {
            id: Uuid::now_v7(),
            user_id: user.id,
            digest: TokenDigest::of(token.expose_secret()),
            amr: vec![first.to_owned()],
            created_at: now,
            expires_at: now + MFA_TOKEN_TTL,
            failed_attempts: 0,
            used_at: None,
        };
        self.store.create_mfa_challenge(&challenge).await?;
        self.audit(AuditEvent::new(AuditKind::MfaChallenged, Outcome::Success, client).by_and_for(user.id)).await;
        Ok((token, MFA_TOKEN_TTL.as_secs()))
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
        self.limit("mfa:ip", &ip_key(client), limits.mfa_per_ip).await?;
        let now = self.now();
        let challenge = self.live_challenge(&mfa_token).await?;
        self.limit("mfa:account", &challenge.user_id.to_string(), limits.mfa_per_account).await?;
        let user = self.load_user(challenge.user_id).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active || user.locked_until.is_some_and(|until| until > now) {
            return Err(Error::InvalidToken);
        }

        // The spent code, the spent challenge, the new session and their
        // records: one unit.
        let unit = self.begin().await?;
        let method = match self.check_second_factor(unit.as_ref(), &user, code).await? {
            Some(method) => method,
            None => {
                drop(unit);
                self.store.fail_mfa_challenge(challenge.id).await?;
                self.on_wrong_password(&user, client).await?;
                self.audit(
                    AuditEvent::new(AuditKind::MfaFailed, Outcome::Failure, client)
                        .subject(user.id)
                        .detail("wrong code"),
                )
                .await;
                return Err(Error::InvalidMfaCode);
            }
        };
        let pair = self.complete_second_step(unit, &challenge, &user, (amr::OTP, method), client, via).await?;
        Ok((user, pair))
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
        factor: (&str, &str),
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<TokenPair> {
        let (factor_amr, method) = factor;
        if !unit.consume_mfa_challenge(challenge.id, self.now()).await? {
            return Err(Error::InvalidToken);
        }
        if user.failed_logins > 0 {
            unit.clear_login_failures(user.id).await?;
        }
        let amr = after_second_factor(&challenge.amr, factor_amr);
        let pair = self.open_session_in(unit.as_ref(), user, amr, client, via).await?;
        self.audit_in(
            unit.as_ref(),
            AuditEvent::new(AuditKind::MfaVerified, Outcome::Success, client).by_and_for(user.id).detail(method),
        )
        .await?;
        self.audit_in(
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
            let Some(step) = self.totp_step_in(unit, user.id, code, true).await? else { return Ok(None) };
            return Ok(unit.use_totp_step(user.id, step).await?.then_some("totp"));
        }
        let Some(digest) = self.backup_key.digest(code) else { return Ok(None) };
        if unit.use_backup_code(user.id, &digest, self.now()).await? {
            self.audit_in(
                unit,
                AuditEvent::new(AuditKind::BackupCodeUsed, Outcome::Success, &ClientInfo::default())
                    .by_and_for(user.id),
            )
            .await?;
            return Ok(Some("backup_code"));
        }
        Ok(None)
    }

    /// The step a code matches for the user's TOTP secret (enabled, or pending
    /// when `enabled` is false).
    pub(super) async fn totp_step(&self, user: UserId, code: &str, enabled: bool) -> Result<Option<i64>> {
        self.totp_step_in(self.store.as_ref(), user, code, enabled).await
    }

    /// Like [`Accounts::totp_step`], read from `store` (a unit of work reads
    /// through itself: an in-memory SQLite database has one connection).
    async fn totp_step_in<S: Capabilities + ?Sized>(
        &self,
        store: &S,
        user: UserId,
        code: &str,
        enabled: bool,
    ) -> Result<Option<i64>> {
        let Some(record) = store.totp(user).await? else { return Ok(None) };
        if record.enabled_at.is_some() != enabled {
            return Ok(None);
        }
        let secret = TotpSecret::from_bytes(self.master.open(&record.secret_sealed, &totp_context(user))?);
        let now = u64::try_from(self.now().unix_timestamp()).map_err(Error::internal)?;
        secret.matching_step(code, now)
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
        let now = self.now();
        let session = self.store.session(auth.session_id()).await?.ok_or(Error::InvalidToken)?;
        if super::elapsed_since(session.auth_time, now) <= self.config.step_up_window
            && proof.password.is_none()
            && proof.code.is_none()
        {
            return Ok(());
        }
        let user = self.load_user(auth.user_id()).await?;
        let (proof, amr) = match (proof.password, proof.code) {
            (Some(password), _) => (Proof::Password(password), session.amr.clone()),
            (None, Some(code)) => (Proof::Code(code), two_factor_amr()),
            (None, None) => return Err(Error::ReauthenticationRequired),
        };
        if !self.prove_presence(&user, session.id, &proof, "step-up", client).await? {
            return Err(Error::ReauthenticationRequired);
        }
        self.store.reauthenticated(session.id, &amr, now).await?;
        self.audit(AuditEvent::new(AuditKind::StepUp, Outcome::Success, client).by_and_for(user.id)).await;
        Ok(())
    }
}

impl Accounts {
    /// Re-keys backup codes stored before codes were keyed (plain SHA-256),
    /// in place: the HMAC is taken over the stored digest. Runs at start,
    /// before any code is checked; each row once, whichever node gets it.
    pub(super) async fn rekey_backup_codes(&self) -> Result<()> {
        let mut rekeyed = 0u64;
        loop {
            let batch = self.store.unkeyed_backup_codes(500).await?;
            if batch.is_empty() {
                break;
            }
            for (id, plain) in batch {
                if self.store.rekey_backup_code(id, &plain, &self.backup_key.rekey(&plain)).await? {
                    rekeyed += 1;
                }
            }
        }
        if rekeyed > 0 {
            tracing::info!(rekeyed, "backup codes stored as plain digests are now keyed");
        }
        Ok(())
    }
}

/// The AEAD context binding a sealed TOTP secret to its user.
pub(super) fn totp_context(user: UserId) -> Vec<u8> {
    format!("totp:{user}").into_bytes()
}
