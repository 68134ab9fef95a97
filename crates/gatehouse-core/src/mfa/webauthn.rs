//! Passkeys (WebAuthn): a thin wrapper over `webauthn-rs` that owns the
//! relying-party configuration and turns its typed ceremonies into JSON that
//! the HTTP layer hands to the browser and the store keeps between requests.
//!
//! Every ceremony is two requests: `start_*` returns a [`Ceremony`] whose
//! `options` go to `navigator.credentials.create()`/`get()` and whose `state`
//! must be stored server-side (single use, short-lived) until the matching
//! `finish_*`. Passkeys always require user verification.
//!
//! Counters and clones: per WebAuthn §7.2 step 21 (and webauthn-rs's docs), a
//! non-zero signature counter that is not greater than the stored one may mean
//! a cloned authenticator, and we reject the assertion ([`Error::InvalidRequest`],
//! logged as a warning). webauthn-rs checks this against the counter captured
//! in the ceremony state at start; we check it again against the passkeys the
//! caller passes to `finish_*`, which must be the current stored ones. When the
//! result changes the passkey (counter, backup state/eligibility) we apply
//! `Passkey::update_credential` and return the new JSON in
//! [`PasskeyUse::updated_passkey`]; the caller must persist it. Synced passkeys
//! usually keep the counter at 0, so `None` is the common case.

use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Webauthn, WebauthnBuilder,
    WebauthnError,
};

use crate::error::Error;

/// The relying party: verifies passkey registrations and assertions.
pub struct Passkeys {
    webauthn: Webauthn,
}

/// Options to hand to navigator.credentials.create()/get() (serialised JSON) and the
/// server-side ceremony state (serialised JSON, to store until finish).
#[derive(Clone, Debug)]
pub struct Ceremony {
    pub options: serde_json::Value,
    pub state: String,
}

/// A verified new credential, ready to store.
#[derive(Clone, Debug)]
pub struct NewPasskey {
    /// Unique across all users: refuse to store it if another account has it.
    pub credential_id: Vec<u8>,
    /// The serialised `webauthn_rs::prelude::Passkey` (public key, counter, flags).
    pub passkey: String,
    /// The authenticator says this credential may be synced (backed up) elsewhere.
    pub backup_eligible: bool,
}

/// A verified use of a stored passkey.
#[derive(Clone, Debug)]
pub struct PasskeyUse {
    pub credential_id: Vec<u8>,
    pub user_verified: bool,
    pub counter: u32,
    /// `Some(updated passkey json)` when the stored passkey must be updated
    /// (counter/backup state); store it in place of the old one.
    pub updated_passkey: Option<String>,
}

impl Passkeys {
    /// rp_id = host of the issuer (e.g. "localhost" / "id.example.com"), origin = issuer URL
    /// (`scheme://host[:port]`). Only that exact origin is accepted (no subdomains, no other port).
    pub fn new(rp_id: &str, origin: &str, rp_name: &str) -> Result<Self, Error> {
        // Browsers refuse IP addresses as relying parties; say so here rather
        // than let webauthn-rs log its own error line at every start.
        if rp_id.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok() {
            return Err(Error::internal(format!("WebAuthn relying party {rp_id:?} is an IP address")));
        }
        let origin =
            Url::parse(origin).map_err(|e| Error::internal(format!("WebAuthn origin {origin:?} is invalid: {e}")))?;
        let webauthn = WebauthnBuilder::new(rp_id, &origin)
            .and_then(|b| b.rp_name(rp_name).build())
            .map_err(|e| Error::internal(format!("WebAuthn relying party {rp_id:?} / {origin}: {e}")))?;
        Ok(Self { webauthn })
    }

    /// `user_handle` is the user's UUID; `exclude` = credential ids the user already has.
    pub fn start_registration(
        &self,
        user_handle: Uuid,
        username: &str,
        display_name: &str,
        exclude: &[Vec<u8>],
    ) -> Result<Ceremony, Error> {
        let exclude: Vec<CredentialID> = exclude.iter().map(|id| id.clone().into()).collect();
        let exclude = (!exclude.is_empty()).then_some(exclude);
        let (options, state) = self
            .webauthn
            .start_passkey_registration(user_handle, username, display_name, exclude)
            .map_err(Error::internal)?;
        let mut started = ceremony(&options, &state)?;
        prefer_discoverable(&mut started.options);
        Ok(started)
    }

    /// `response` is the browser's PublicKeyCredential JSON (RegisterPublicKeyCredential).
    pub fn finish_registration(&self, response: &serde_json::Value, state: &str) -> Result<NewPasskey, Error> {
        let response: RegisterPublicKeyCredential = parse_response(response)?;
        let state: PasskeyRegistration = parse_state(state)?;
        let passkey =
            self.webauthn.finish_passkey_registration(&response, &state).map_err(|e| rejected("registration", e))?;
        // `Passkey` exposes no getter for the flag without the
        // `danger-credential-internals` feature; read it from its serialised form.
        let json = serde_json::to_value(&passkey).map_err(Error::internal)?;
        let backup_eligible = json["cred"]["backup_eligible"].as_bool().unwrap_or(false);
        Ok(NewPasskey { credential_id: passkey.cred_id().to_vec(), passkey: json.to_string(), backup_eligible })
    }

    /// Second factor: allow-list of the user's stored passkeys (JSON strings as returned above).
    pub fn start_authentication(&self, passkeys: &[String]) -> Result<Ceremony, Error> {
        let passkeys = parse_passkeys(passkeys)?;
        let (options, state) = self.webauthn.start_passkey_authentication(&passkeys).map_err(Error::internal)?;
        ceremony(&options, &state)
    }

    /// Verifies an assertion against the allow-list fixed at start. `passkeys` are the
    /// user's stored passkeys (to compute the update); the credential used must be among them.
    pub fn finish_authentication(
        &self,
        response: &serde_json::Value,
        state: &str,
        passkeys: &[String],
    ) -> Result<PasskeyUse, Error> {
        let response: PublicKeyCredential = parse_response(response)?;
        let state: PasskeyAuthentication = parse_state(state)?;
        let passkeys = parse_passkeys(passkeys)?;
        let result = self
            .webauthn
            .finish_passkey_authentication(&response, &state)
            .map_err(|e| rejected("authentication", e))?;
        passkey_use(&result, passkeys)
    }

    /// Passwordless: no allow-list. The options carry `mediation: "conditional"`.
    pub fn start_discoverable(&self) -> Result<Ceremony, Error> {
        let (options, state) = self.webauthn.start_discoverable_authentication().map_err(Error::internal)?;
        ceremony(&options, &state)
    }

    /// Which user and credential a discoverable assertion claims (before verifying it).
    /// Load that user's passkeys and pass them to [`Passkeys::finish_discoverable`].
    pub fn identify(&self, response: &serde_json::Value) -> Result<(Uuid, Vec<u8>), Error> {
        let response: PublicKeyCredential = parse_response(response)?;
        let (user, credential_id) = self
            .webauthn
            .identify_discoverable_authentication(&response)
            .map_err(|e| rejected("passkey sign-in", e))?;
        Ok((user, credential_id.to_vec()))
    }

    /// Verifies a discoverable assertion. `passkeys` must be the passkeys of the user
    /// [`Passkeys::identify`] returned for this same response: the credential must be one of them.
    pub fn finish_discoverable(
        &self,
        response: &serde_json::Value,
        state: &str,
        passkeys: &[String],
    ) -> Result<PasskeyUse, Error> {
        let response: PublicKeyCredential = parse_response(response)?;
        let state: DiscoverableAuthentication = parse_state(state)?;
        let passkeys = parse_passkeys(passkeys)?;
        let keys: Vec<DiscoverableKey> = passkeys.iter().map(DiscoverableKey::from).collect();
        let result = self
            .webauthn
            .finish_discoverable_authentication(&response, state, &keys)
            .map_err(|e| rejected("passkey sign-in", e))?;
        passkey_use(&result, passkeys)
    }
}

fn ceremony(options: &impl Serialize, state: &impl Serialize) -> Result<Ceremony, Error> {
    Ok(Ceremony {
        options: serde_json::to_value(options).map_err(Error::internal)?,
        state: serde_json::to_string(state).map_err(Error::internal)?,
    })
}

fn parse_response<T: DeserializeOwned>(response: &serde_json::Value) -> Result<T, Error> {
    T::deserialize(response).map_err(|e| Error::InvalidRequest(format!("malformed WebAuthn credential response: {e}")))
}

fn parse_state<T: DeserializeOwned>(state: &str) -> Result<T, Error> {
    serde_json::from_str(state)
        .map_err(|e| Error::internal(format!("stored WebAuthn ceremony state is unreadable: {e}")))
}

fn parse_passkeys(passkeys: &[String]) -> Result<Vec<Passkey>, Error> {
    passkeys
        .iter()
        .map(|p| serde_json::from_str(p))
        .collect::<Result<_, _>>()
        .map_err(|e| Error::internal(format!("stored passkey is unreadable: {e}")))
}

/// The serialised passkey and its `cred` object: without the `danger-credential-internals`
/// feature `Passkey` has no getters for its counter and flags.
fn internals(passkey: &Passkey) -> Result<(String, serde_json::Value), Error> {
    let json = serde_json::to_value(passkey).map_err(Error::internal)?;
    Ok((json.to_string(), json["cred"].clone()))
}

fn possible_clone(ceremony: &str) -> Error {
    tracing::warn!("passkey signature counter did not increase: possibly a cloned authenticator");
    Error::InvalidRequest(format!(
        "passkey {ceremony} rejected: the authenticator's signature counter did not increase \
         (possibly a cloned authenticator)"
    ))
}

fn rejected(ceremony: &str, e: WebauthnError) -> Error {
    match e {
        WebauthnError::CredentialPossibleCompromise => possible_clone(ceremony),
        e => Error::InvalidRequest(format!("passkey {ceremony} rejected: {e}")),
    }
}

fn passkey_use(result: &AuthenticationResult, passkeys: Vec<Passkey>) -> Result<PasskeyUse, Error> {
    let mut passkey = passkeys
        .into_iter()
        .find(|p| p.cred_id() == result.cred_id())
        .ok_or_else(|| Error::InvalidRequest("the passkey is not registered to this account".into()))?;
    let (_, cred) = internals(&passkey)?;
    let stored = cred["counter"].as_u64().unwrap_or(0);
    let counter = result.counter();
    if (counter > 0 || stored > 0) && u64::from(counter) <= stored {
        return Err(possible_clone("authentication"));
    }
    let changed = result.needs_update() && passkey.update_credential(result) == Some(true);
    let updated_passkey = if changed { Some(internals(&passkey)?.0) } else { None };
    Ok(PasskeyUse {
        credential_id: result.cred_id().to_vec(),
        user_verified: result.user_verified(),
        counter,
        updated_passkey,
    })
}

/// Asks for a discoverable credential where the authenticator can make one,
/// so the passkey also signs in without a username (passwordless).
/// webauthn-rs asks `residentKey: "discouraged"`, which security keys and
/// Chromium honour with a credential a passwordless sign-in cannot find;
/// verification does not depend on the choice, and an authenticator that
/// cannot keep one still makes a usable second factor.
fn prefer_discoverable(options: &mut serde_json::Value) {
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection").and_then(|v| v.as_object_mut()) {
        selection.insert("residentKey".into(), serde_json::Value::from("preferred"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::{json, Value};
    use webauthn_authenticator_rs::prelude::{
        CreationChallengeResponse, RequestChallengeResponse, WebauthnAuthenticator,
    };
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;

    const ORIGIN: &str = "http://localhost:8080";
    type Authenticator = WebauthnAuthenticator<SoftPasskey>;

    fn rp() -> Passkeys {
        Passkeys::new("localhost", ORIGIN, "Gatehouse").unwrap()
    }

    /// `true`: claim user verification (SoftPasskey has no real UV; passkeys require it).
    fn authenticator() -> Authenticator {
        WebauthnAuthenticator::new(SoftPasskey::new(true))
    }

    /// What a browser does with `Ceremony::options`: create() / get().
    fn create(auth: &mut Authenticator, origin: &str, options: Value) -> Value {
        let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
        let credential = auth.do_registration(Url::parse(origin).unwrap(), options).unwrap();
        serde_json::to_value(credential).unwrap()
    }

    fn get(auth: &mut Authenticator, options: Value) -> Value {
        let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
        let assertion = auth.do_authentication(Url::parse(ORIGIN).unwrap(), options).unwrap();
        serde_json::to_value(assertion).unwrap()
    }

    fn register(rp: &Passkeys, auth: &mut Authenticator, user: Uuid) -> NewPasskey {
        let c = rp.start_registration(user, "alice", "Alice", &[]).unwrap();
        let response = create(auth, ORIGIN, c.options);
        rp.finish_registration(&response, &c.state).unwrap()
    }

    #[test]
    fn register_then_second_factor_updates_counter_and_detects_regression() {
        let (rp, mut auth) = (rp(), authenticator());
        let new = register(&rp, &mut auth, Uuid::new_v4());
        let stored = vec![new.passkey.clone()];

        let first = rp.start_authentication(&stored).unwrap();
        let first_response = get(&mut auth, first.options);
        let second = rp.start_authentication(&stored).unwrap();
        let second_response = get(&mut auth, second.options);

        let used = rp.finish_authentication(&second_response, &second.state, &stored).unwrap();
        assert_eq!(used.credential_id, new.credential_id);
        assert!(used.user_verified);
        assert_eq!(used.counter, 2);
        let updated = used.updated_passkey.expect("counter went up: store the passkey");

        // The older assertion (counter 1) now looks like a clone: rejected.
        let err = rp.finish_authentication(&first_response, &first.state, &[updated]).unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("counter")), "{err:?}");
    }

    #[test]
    fn an_ip_address_is_no_relying_party() {
        for (rp_id, origin) in [("127.0.0.1", "http://127.0.0.1:8080"), ("[::1]", "http://[::1]:8080")] {
            let err = Passkeys::new(rp_id, origin, "Gatehouse").err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("IP address"), "{rp_id}: {err}");
        }
        assert!(Passkeys::new("localhost", "http://localhost:8080", "Gatehouse").is_ok());
    }

    #[test]
    fn wrong_origin_is_rejected() {
        let (rp, mut auth) = (rp(), authenticator());
        let c = rp.start_registration(Uuid::new_v4(), "alice", "Alice", &[]).unwrap();
        // Same rp id, other port: the client accepts it, the server must not.
        let response = create(&mut auth, "http://localhost:9999", c.options);
        let err = rp.finish_registration(&response, &c.state).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    #[test]
    fn response_replayed_against_new_ceremony_is_rejected() {
        let (rp, mut auth) = (rp(), authenticator());
        let stored = vec![register(&rp, &mut auth, Uuid::new_v4()).passkey];
        let c = rp.start_authentication(&stored).unwrap();
        let response = get(&mut auth, c.options);
        rp.finish_authentication(&response, &c.state, &stored).unwrap();

        let fresh = rp.start_authentication(&stored).unwrap();
        let err = rp.finish_authentication(&response, &fresh.state, &stored).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    #[test]
    fn credential_outside_allow_list_is_rejected() {
        let rp = rp();
        let (mut auth_a, mut auth_b) = (authenticator(), authenticator());
        let user = Uuid::new_v4();
        let a = register(&rp, &mut auth_a, user);
        let b = register(&rp, &mut auth_b, user);

        let c = rp.start_authentication(std::slice::from_ref(&a.passkey)).unwrap();
        // A client that ignores the allow-list and answers with key B.
        let mut options = c.options;
        options["publicKey"]["allowCredentials"] =
            json!([{ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(&b.credential_id) }]);
        let response = get(&mut auth_b, options);
        let err = rp.finish_authentication(&response, &c.state, &[a.passkey, b.passkey]).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    /// SoftPasskey (like SoftToken) refuses `requireResidentKey`, only signs with a
    /// credential named in `allowCredentials` and never returns a `userHandle`. We
    /// emulate the discoverable part as a browser would see it: the authenticator
    /// finds its own credential for the rp id, and returns the user handle stored at
    /// registration. Neither field is covered by the signature, so the server-side
    /// verification is the real one.
    #[test]
    fn passwordless_with_discoverable_credential() {
        let (rp, mut auth) = (rp(), authenticator());
        let user = Uuid::new_v4();
        let new = register(&rp, &mut auth, user);

        let c = rp.start_discoverable().unwrap();
        assert_eq!(c.options["mediation"], "conditional");
        assert_eq!(c.options["publicKey"]["allowCredentials"], json!([]));
        let mut options = c.options;
        options["publicKey"]["allowCredentials"] =
            json!([{ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(&new.credential_id) }]);
        let mut response = get(&mut auth, options);
        response["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(user.as_bytes()));

        let (claimed, credential_id) = rp.identify(&response).unwrap();
        assert_eq!((claimed, &credential_id), (user, &new.credential_id));
        let used = rp.finish_discoverable(&response, &c.state, std::slice::from_ref(&new.passkey)).unwrap();
        assert_eq!(used.credential_id, new.credential_id);
        assert!(used.updated_passkey.is_some());

        // Another user's passkeys do not verify this assertion.
        let other = register(&rp, &mut authenticator(), Uuid::new_v4()).passkey;
        let err = rp.finish_discoverable(&response, &c.state, &[other]).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
}
