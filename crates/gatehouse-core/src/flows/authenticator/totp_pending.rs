//! What the account pages need beyond the flows the JSON API uses: showing an
//! authenticator-app setup that is in progress again — after a wrong
//! confirmation code — with the same secret the person may already have
//! scanned, instead of starting over with a new one.

use secrecy::ExposeSecret;

use super::Authenticator;
use crate::error::Result;
use crate::flows::parts::presence::totp_context;
use crate::flows::parts::{load_user, Authenticated};
use crate::flows::TotpEnrollment;
use crate::mfa::totp::{qr_codes, TotpSecret};

impl Authenticator {
    /// The authenticator-app setup started by [`Authenticator::setup_totp`] and not
    /// yet confirmed, if any (`None` when there is none or the app is on).
    pub async fn pending_totp(&self, auth: &Authenticated) -> Result<Option<TotpEnrollment>> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let Some(record) = self.mfa.totp(user.id).await? else { return Ok(None) };
        if record.enabled_at.is_some() {
            return Ok(None);
        }
        let secret = TotpSecret::from_bytes(self.master.open(&record.secret_sealed, &totp_context(user.id))?);
        let issuer = &self.config.product_name;
        let otpauth_uri = secret.otpauth_uri(issuer, user.email.as_str())?;
        let (qr_svg, qr_png) = qr_codes(otpauth_uri.expose_secret())?;
        Ok(Some(TotpEnrollment { secret: secret.base32(issuer, user.email.as_str())?, otpauth_uri, qr_svg, qr_png }))
    }
}
