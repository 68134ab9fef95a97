//! WebAuthn passkeys and security keys: registering several named credentials,
//! using one as the second factor after a password, or signing in without a
//! password with a discoverable credential.
//!
//! A ceremony's server-side state is stored between start and finish (any
//! node may serve the finish) and is taken exactly once.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::mfa::StepUpProof;
use super::Authenticator;
use crate::account::{User, UserId};
use crate::amr::{Amr, AuthMethod};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::TokenDigest;
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated, TokenPair};
use crate::flows::SignIn;
use crate::mfa::webauthn::PasskeyUse;
use crate::mfa::{CeremonyKind, WebauthnCeremony, WebauthnCredential};

/// How long a browser has between start and finish.
pub const CEREMONY_TTL: Duration = Duration::from_secs(5 * 60);
const MAX_NAME: usize = 64;
const MAX_CREDENTIALS: usize = 20;

/// Options for `navigator.credentials.create()`/`get()` and the id to finish with.
#[derive(Debug)]
pub struct CeremonyStart {
    pub ceremony_id: Uuid,
    pub options: serde_json::Value,
}

fn credential_name(raw: Option<&str>) -> Result<String> {
    let name = raw.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("Passkey");
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Error::InvalidRequest(format!("a credential name has at most {MAX_NAME} printable characters")));
    }
    Ok(name.to_owned())
}

impl Authenticator {
    /// Passkeys work here (the server runs on a domain name).
    pub fn passkeys_enabled(&self) -> bool {
        self.passkeys.is_some()
    }

    fn passkeys(&self) -> Result<&crate::mfa::webauthn::Passkeys> {
        self.passkeys.as_ref().ok_or_else(|| {
            Error::InvalidRequest(
                "passkeys need the server to run on a domain name (set issuer or webauthn_rp_id/webauthn_origin)"
                    .into(),
            )
        })
    }

    async fn store_ceremony(
        &self,
        kind: CeremonyKind,
        user: Option<UserId>,
        mfa_challenge: Option<Uuid>,
        state: String,
    ) -> Result<Uuid> {
        let now = self.clock.now();
        let ceremony = WebauthnCeremony {
            id: Uuid::now_v7(),
            kind,
            user_id: user,
            mfa_challenge,
            state,
            created_at: now,
            expires_at: now + CEREMONY_TTL,
        };
        self.webauthn.create_webauthn_ceremony(&ceremony).await?;
        Ok(ceremony.id)
    }

    async fn take_ceremony(&self, id: Uuid, kind: CeremonyKind) -> Result<WebauthnCeremony> {
        self.webauthn
            .take_webauthn_ceremony(id, self.clock.now())
            .await?
            .filter(|c| c.kind == kind)
            .ok_or_else(|| Error::InvalidRequest("unknown or expired ceremony_id: start again".into()))
    }

    /// Starts registering a new credential for the signed-in user.
    pub async fn start_passkey_registration(&self, auth: &Authenticated) -> Result<CeremonyStart> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let existing = self.webauthn.webauthn_credentials(user.id).await?;
        if existing.len() >= MAX_CREDENTIALS {
            return Err(Error::InvalidRequest(format!("at most {MAX_CREDENTIALS} credentials per account")));
        }
        let exclude: Vec<Vec<u8>> = existing.into_iter().map(|c| c.credential_id).collect();
        let ceremony =
            self.passkeys()?.start_registration(user.id.0, user.username.as_str(), user.email.as_str(), &exclude)?;
        let ceremony_id = self.store_ceremony(CeremonyKind::Register, Some(user.id), None, ceremony.state).await?;
        Ok(CeremonyStart { ceremony_id, options: ceremony.options })
    }

    /// Finishes a registration. Returns the credential and, when it is the
    /// user's first second factor, fresh backup codes (shown once).
    pub async fn finish_passkey_registration(
        &self,
        auth: &Authenticated,
        ceremony_id: Uuid,
        name: Option<&str>,
        response: &serde_json::Value,
        client: &ClientInfo,
    ) -> Result<(WebauthnCredential, Vec<SecretString>)> {
        let name = credential_name(name)?;
        let ceremony = self.take_ceremony(ceremony_id, CeremonyKind::Register).await?;
        if ceremony.user_id != Some(auth.user_id()) {
            return Err(Error::InvalidRequest("unknown or expired ceremony_id: start again".into()));
        }
        let new = self.passkeys()?.finish_registration(response, &ceremony.state)?;
        let had_factor = self.mfa.second_factors(auth.user_id()).await?.has_second_factor();
        let now = self.clock.now();
        let credential = WebauthnCredential {
            id: Uuid::now_v7(),
            user_id: auth.user_id(),
            credential_id: new.credential_id,
            name,
            passkey: new.passkey,
            created_at: now,
            last_used_at: None,
        };
        let unit = self.units.begin().await?;
        match unit.add_webauthn_credential(&credential).await {
            Ok(()) => {}
            Err(crate::store::StoreError::Conflict(_)) => {
                return Err(Error::InvalidRequest("this credential is already registered".into()))
            }
            Err(e) => return Err(e.into()),
        }
        let codes = if !had_factor && unit.backup_codes_remaining(auth.user_id()).await? == 0 {
            self.new_backup_codes(unit.as_ref(), auth).await?
        } else {
            Vec::new()
        };
        let amr = Amr::one(AuthMethod::Password).with_second_factor(AuthMethod::HardwareKey);
        unit.reauthenticated(auth.session_id(), &amr, now).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::PasskeyRegistered, Outcome::Success, client)
                    .by_and_for(auth.user_id())
                    .detail(format!("credential {}", credential.id)),
            )
            .await?;
        unit.commit().await?;
        Ok((credential, codes))
    }

    pub async fn list_passkeys(&self, auth: &Authenticated) -> Result<Vec<WebauthnCredential>> {
        Ok(self.webauthn.webauthn_credentials(auth.user_id()).await?)
    }

    pub async fn rename_passkey(&self, auth: &Authenticated, id: Uuid, name: &str) -> Result<()> {
        let name = credential_name(Some(name))?;
        if !self.webauthn.rename_webauthn_credential(auth.user_id(), id, &name).await? {
            return Err(Error::NotFound("no such credential".into()));
        }
        Ok(())
    }

    /// Removes a credential (step-up required).
    pub async fn remove_passkey(
        &self,
        auth: &Authenticated,
        id: Uuid,
        proof: StepUpProof,
        client: &ClientInfo,
    ) -> Result<()> {
        if !self.webauthn.webauthn_credentials(auth.user_id()).await?.iter().any(|c| c.id == id) {
            return Err(Error::NotFound("no such credential".into()));
        }
        self.require_recent_auth(auth, proof, client).await?;
        let unit = self.units.begin().await?;
        if !unit.delete_webauthn_credential(auth.user_id(), id).await? {
            return Err(Error::NotFound("no such credential".into()));
        }
        if !unit.second_factors(auth.user_id()).await?.has_second_factor() {
            unit.delete_backup_codes(auth.user_id()).await?;
        }
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::PasskeyRemoved, Outcome::Success, client)
                    .by_and_for(auth.user_id())
                    .detail(format!("credential {id}")),
            )
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// Starts a sign-in with a passkey: as the second factor when `mfa_token`
    /// is given, otherwise passwordless.
    pub async fn start_passkey_login(&self, mfa_token: Option<SecretString>) -> Result<CeremonyStart> {
        match mfa_token {
            Some(token) => {
                let challenge = self.live_challenge(&token).await?;
                let passkeys: Vec<String> = self
                    .webauthn
                    .webauthn_credentials(challenge.user_id)
                    .await?
                    .into_iter()
                    .map(|c| c.passkey)
                    .collect();
                if passkeys.is_empty() {
                    return Err(Error::InvalidRequest("this account has no passkey".into()));
                }
                let ceremony = self.passkeys()?.start_authentication(&passkeys)?;
                let id = self
                    .store_ceremony(
                        CeremonyKind::SecondFactor,
                        Some(challenge.user_id),
                        Some(challenge.id),
                        ceremony.state,
                    )
                    .await?;
                Ok(CeremonyStart { ceremony_id: id, options: ceremony.options })
            }
            None => {
                let ceremony = self.passkeys()?.start_discoverable()?;
                let id = self.store_ceremony(CeremonyKind::Passwordless, None, None, ceremony.state).await?;
                Ok(CeremonyStart { ceremony_id: id, options: ceremony.options })
            }
        }
    }

    /// Finishes a passkey sign-in and opens a session: for the API, or a
    /// browser session for the pages (`via`).
    pub async fn finish_passkey_login(
        &self,
        ceremony_id: Uuid,
        mfa_token: Option<SecretString>,
        response: &serde_json::Value,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<(User, TokenPair)> {
        self.limits.hit("mfa:ip", &crate::flows::parts::ip_key(client), self.config.limits.mfa_per_ip).await?;
        match mfa_token {
            Some(token) => self.finish_second_factor(ceremony_id, token, response, client, via).await,
            None => self.finish_passwordless(ceremony_id, response, client, via).await,
        }
    }

    async fn finish_second_factor(
        &self,
        ceremony_id: Uuid,
        token: SecretString,
        response: &serde_json::Value,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<(User, TokenPair)> {
        let challenge = self.live_challenge(&token).await?;
        let ceremony = self.take_ceremony(ceremony_id, CeremonyKind::SecondFactor).await?;
        if ceremony.mfa_challenge != Some(challenge.id) {
            return Err(Error::InvalidToken);
        }
        let user = load_user(self.users.as_ref(), challenge.user_id).await.map_err(|_| Error::InvalidToken)?;
        self.limits.hit("mfa:account", &user.id.to_string(), self.config.limits.mfa_per_account).await?;
        let credentials = self.webauthn.webauthn_credentials(user.id).await?;
        let passkeys: Vec<String> = credentials.iter().map(|c| c.passkey.clone()).collect();
        let used = match self.passkeys()?.finish_authentication(response, &ceremony.state, &passkeys) {
            Ok(used) => used,
            Err(e) => {
                self.failed_second_step(&challenge, &user, "webauthn", client).await?;
                return Err(e);
            }
        };
        self.record_passkey_use(&credentials, &used).await?;
        let unit = self.units.begin().await?;
        let factor = (AuthMethod::HardwareKey, "webauthn");
        let pair = self.complete_second_step(unit, &challenge, &user, factor, client, via).await?;
        Ok((user, pair))
    }

    async fn finish_passwordless(
        &self,
        ceremony_id: Uuid,
        response: &serde_json::Value,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<(User, TokenPair)> {
        let ceremony = self.take_ceremony(ceremony_id, CeremonyKind::Passwordless).await?;
        let passkeys = self.passkeys()?;
        let (user_handle, credential_id) = passkeys.identify(response)?;
        let credential = self
            .webauthn
            .webauthn_credential_by_credential_id(&credential_id)
            .await?
            .filter(|c| c.user_id.0 == user_handle)
            .ok_or(Error::InvalidCredentials)?;
        let user = load_user(self.users.as_ref(), credential.user_id).await.map_err(|_| Error::InvalidCredentials)?;
        self.limits.hit("login:account", &user.id.to_string(), self.config.limits.login_per_account).await?;
        let now = self.clock.now();
        if user.locked_until.is_some_and(|until| until > now) {
            return Err(Error::InvalidCredentials);
        }
        let used =
            match passkeys.finish_discoverable(response, &ceremony.state, std::slice::from_ref(&credential.passkey)) {
                Ok(used) if used.user_verified => used,
                Ok(_) | Err(_) => {
                    self.proofs.on_wrong_password(&user, client).await?;
                    return Err(Error::InvalidCredentials);
                }
            };
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        if self.config.require_verified_email && !user.email_verified {
            return Err(Error::EmailNotVerified);
        }
        self.record_passkey_use(std::slice::from_ref(&credential), &used).await?;
        let amr = Amr::passkey();
        let pair = self.tokens.open_session(&user, amr, client, via).await?;
        self.audit
            .record(
                AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, client)
                    .by_and_for(user.id)
                    .detail("passkey"),
            )
            .await;
        Ok((user, pair))
    }

    /// Persists what webauthn-rs says must change (counter, backup state) and
    /// the time of use.
    async fn record_passkey_use(&self, credentials: &[WebauthnCredential], used: &PasskeyUse) -> Result<()> {
        let Some(credential) = credentials.iter().find(|c| c.credential_id == used.credential_id) else {
            return Err(Error::internal("webauthn-rs accepted a credential we did not offer"));
        };
        let passkey = used.updated_passkey.as_deref().unwrap_or(&credential.passkey);
        self.webauthn.update_webauthn_credential(credential.id, passkey, self.clock.now()).await?;
        Ok(())
    }

    /// The unexpired, unused challenge of an `mfa_token`.
    pub(super) async fn live_challenge(&self, token: &SecretString) -> Result<crate::mfa::MfaChallenge> {
        let presented = token.expose_secret();
        if presented.is_empty() || presented.len() > 128 {
            return Err(Error::InvalidToken);
        }
        let now = self.clock.now();
        self.mfa
            .mfa_challenge(&TokenDigest::of(presented))
            .await?
            .filter(|c| {
                c.used_at.is_none() && c.expires_at > now && c.failed_attempts < super::mfa::MFA_TOKEN_MAX_FAILURES
            })
            .ok_or(Error::InvalidToken)
    }
}
