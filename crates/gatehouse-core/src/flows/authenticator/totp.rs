//! Managing a user's authenticator app (TOTP) and backup codes: set up,
//! confirm with a code, disable, regenerate codes. Disabling and regenerating
//! need a recent authentication (step-up).

use secrecy::SecretString;

use super::mfa::StepUpProof;
use super::Authenticator;
use crate::amr::{Amr, AuthMethod};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::presence::totp_context;
use crate::flows::parts::{load_user, Authenticated};
use crate::mfa::backup;
use crate::mfa::totp::{qr_codes, TotpSecret};
use crate::mfa::TotpRecord;
use crate::store::StoreTx;

/// What a person needs to add Gatehouse to an authenticator app.
#[derive(Debug)]
pub struct TotpEnrollment {
    /// Base32, for typing in by hand.
    pub secret: SecretString,
    pub otpauth_uri: SecretString,
    pub qr_svg: String,
    /// `data:image/png;base64,…`
    pub qr_png: String,
}

impl Authenticator {
    /// Starts (or restarts) setting up an authenticator app. Nothing changes
    /// for logins until [`Authenticator::enable_totp`] confirms a code.
    pub async fn setup_totp(&self, auth: &Authenticated, client: &ClientInfo) -> Result<TotpEnrollment> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let secret = TotpSecret::generate();
        let sealed = self.master.seal(secret.as_bytes(), &totp_context(user.id))?;
        if !self.mfa.put_pending_totp(user.id, &sealed, self.clock.now()).await? {
            return Err(Error::MfaAlreadyEnabled);
        }
        let issuer = &self.config.product_name;
        let otpauth_uri = secret.otpauth_uri(issuer, user.email.as_str())?;
        let (qr_svg, qr_png) = {
            use secrecy::ExposeSecret;
            qr_codes(otpauth_uri.expose_secret())?
        };
        self.audit.record(AuditEvent::new(AuditKind::TotpSetup, Outcome::Success, client).by_and_for(user.id)).await;
        Ok(TotpEnrollment { secret: secret.base32(issuer, user.email.as_str())?, otpauth_uri, qr_svg, qr_png })
    }

    /// Confirms the app with a current code and turns TOTP on. Returns the
    /// backup codes (shown once) when this is the user's first second factor.
    /// The session counts as two-factor from now on, so a user who had to
    /// enrol gets full tokens at the next refresh.
    pub async fn enable_totp(
        &self,
        auth: &Authenticated,
        code: &str,
        client: &ClientInfo,
    ) -> Result<Vec<SecretString>> {
        let user_id = auth.user_id();
        match self.mfa.totp(user_id).await? {
            Some(TotpRecord { enabled_at: Some(_), .. }) => return Err(Error::MfaAlreadyEnabled),
            None => return Err(Error::MfaNotEnabled),
            Some(_) => {}
        }
        let Some(step) = self.proofs.totp_step(user_id, code, false).await? else {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::TotpEnabled, Outcome::Failure, client)
                        .by_and_for(user_id)
                        .detail("wrong code"),
                )
                .await;
            return Err(Error::InvalidMfaCode);
        };
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        if !unit.enable_totp(user_id, step, now).await? {
            return Err(Error::MfaAlreadyEnabled);
        }
        let codes = if unit.backup_codes_remaining(user_id).await? == 0 {
            self.new_backup_codes(unit.as_ref(), auth).await?
        } else {
            Vec::new()
        };
        let amr = Amr::one(AuthMethod::Password).with_second_factor(AuthMethod::Otp);
        unit.reauthenticated(auth.session_id(), &amr, now).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::TotpEnabled, Outcome::Success, client).by_and_for(user_id),
            )
            .await?;
        unit.commit().await?;
        Ok(codes)
    }

    /// Turns TOTP off; the backup codes go too when no other factor remains.
    pub async fn disable_totp(&self, auth: &Authenticated, proof: StepUpProof, client: &ClientInfo) -> Result<()> {
        if !self.mfa.second_factors(auth.user_id()).await?.totp {
            return Err(Error::MfaNotEnabled);
        }
        self.require_recent_auth(auth, proof, client).await?;
        let unit = self.units.begin().await?;
        unit.delete_totp(auth.user_id()).await?;
        if !unit.second_factors(auth.user_id()).await?.has_second_factor() {
            unit.delete_backup_codes(auth.user_id()).await?;
        }
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::TotpDisabled, Outcome::Success, client).by_and_for(auth.user_id()),
            )
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// Replaces the backup codes; the old ones stop working.
    pub async fn regenerate_backup_codes(
        &self,
        auth: &Authenticated,
        proof: StepUpProof,
        client: &ClientInfo,
    ) -> Result<Vec<SecretString>> {
        if !self.mfa.second_factors(auth.user_id()).await?.has_second_factor() {
            return Err(Error::MfaNotEnabled);
        }
        self.require_recent_auth(auth, proof, client).await?;
        let unit = self.units.begin().await?;
        let codes = self.new_backup_codes(unit.as_ref(), auth).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::BackupCodesRegenerated, Outcome::Success, client).by_and_for(auth.user_id()),
            )
            .await?;
        unit.commit().await?;
        Ok(codes)
    }

    pub(super) async fn new_backup_codes(&self, unit: &dyn StoreTx, auth: &Authenticated) -> Result<Vec<SecretString>> {
        let codes = backup::generate();
        let digests = codes
            .iter()
            .map(|c| {
                use secrecy::ExposeSecret;
                self.backup_key
                    .digest(c.expose_secret())
                    .ok_or_else(|| Error::internal("generated an invalid backup code"))
            })
            .collect::<Result<Vec<_>>>()?;
        unit.replace_backup_codes(auth.user_id(), &digests, self.clock.now()).await?;
        Ok(codes)
    }
}
