//! TOTP (RFC 6238) with the parameters every authenticator app supports:
//! SHA-1, 6 digits, 30-second steps. A code is accepted for the current step
//! and one step either side; the matched step is returned so the caller can
//! refuse it ever after (replay protection).

use base64::Engine as _;
use image::Luma;
use qrcode::render::svg;
use qrcode::QrCode;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

use crate::error::Error;

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
/// Steps accepted either side of the current one.
pub const SKEW_STEPS: i64 = 1;
/// 160-bit secrets, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

/// A TOTP secret (raw bytes). Its `Debug` is redacted.
pub struct TotpSecret(SecretBox<Vec<u8>>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(SecretBox::new(Box::new(bytes)))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.expose_secret()
    }

    fn totp(&self, issuer: &str, account: &str) -> Result<TOTP, Error> {
        // ':' separates issuer and account in the otpauth label.
        let issuer = issuer.replace(':', " ");
        TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, self.as_bytes().to_vec(), Some(issuer), account.to_owned())
            .map_err(Error::internal)
    }

    /// Base32 (RFC 4648, no padding) — what a person types into an app.
    pub fn base32(&self, issuer: &str, account: &str) -> Result<SecretString, Error> {
        Ok(SecretString::from(self.totp(issuer, account)?.get_secret_base32()))
    }

    /// The `otpauth://totp/Issuer:account?secret=…&issuer=…` URI.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Result<SecretString, Error> {
        Ok(SecretString::from(self.totp(issuer, account)?.get_url()))
    }

    /// The code for a unix time.
    pub fn code_at(&self, unix_time: u64) -> Result<String, Error> {
        Ok(self.totp("x", "x")?.generate(unix_time))
    }

    /// The step of `code` if it is valid within ±1 step of `unix_time`.
    pub fn matching_step(&self, code: &str, unix_time: u64) -> Result<Option<i64>, Error> {
        let code = code.trim();
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let totp = self.totp("x", "x")?;
        let now_step = i64::try_from(unix_time / STEP_SECONDS).map_err(Error::internal)?;
        let mut found = None;
        for step in (now_step - SKEW_STEPS)..=(now_step + SKEW_STEPS) {
            let Ok(t) = u64::try_from(step) else { continue };
            let expected = totp.generate(t * STEP_SECONDS);
            // Check every candidate, in constant time, whatever matched first.
            if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        Ok(found)
    }
}

/// A QR code of `data` as an SVG document and as a PNG `data:` URI.
pub fn qr_codes(data: &str) -> Result<(String, String), Error> {
    let code = QrCode::new(data.as_bytes()).map_err(Error::internal)?;
    let svg = code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    let image = code.render::<Luma<u8>>().min_dimensions(200, 200).build();
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).map_err(Error::internal)?;
    let png = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png.into_inner()));
    Ok((svg, png))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 (the last 6 of the 8 published digits).
    #[test]
    fn rfc_6238_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        for (time, code) in [
            (59u64, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
            (20000000000, "353130"),
        ] {
            assert_eq!(secret.code_at(time).unwrap(), code, "t={time}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_not_two() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000u64;
        let step = (now / 30) as i64;
        for (offset, expected) in
            [(-60i64, None), (-30, Some(step - 1)), (0, Some(step)), (30, Some(step + 1)), (60, None)]
        {
            let code = secret.code_at((now as i64 + offset) as u64).unwrap();
            let matched = secret.matching_step(&code, now).unwrap();
            // A code from two steps away may collide by chance with a nearer one; ignore that case.
            if expected.is_none() && matched.is_some() {
                let near: Vec<String> =
                    (-1..=1).map(|d| secret.code_at((now as i64 + d * 30) as u64).unwrap()).collect();
                assert!(near.contains(&code));
                continue;
            }
            assert_eq!(matched, expected, "offset {offset}");
        }
        assert_eq!(secret.matching_step("12345", now).unwrap(), None);
        assert_eq!(secret.matching_step("abcdef", now).unwrap(), None);
    }

    #[test]
    fn otpauth_uri_and_qr() {
        let secret = TotpSecret::generate();
        let uri = secret.otpauth_uri("Acme: Login", "alice@example.com").unwrap();
        let uri = uri.expose_secret();
        assert!(uri.starts_with("otpauth://totp/Acme%20%20Login:alice%40example.com?secret="), "{uri}");
        assert!(uri.contains("issuer=Acme%20%20Login"));
        let (svg, png) = qr_codes(uri).unwrap();
        assert!(svg.contains("<svg"));
        assert!(png.starts_with("data:image/png;base64,iVBOR"));
        assert!(!format!("{secret:?}").contains(&secret.base32("a", "b").unwrap().expose_secret().to_string()));
    }
}
