//! The master key beyond sealing one value: the keys the server keeps
//! sealed under it, and moving every stored secret to a new master key
//! (`gatehouse keys rotate-master`).
//!
//! Each sealed value is bound to what it belongs to (its context), so a
//! ciphertext cannot be moved to another row; [`context`] is that binding,
//! the one place the re-seal and the flows agree on.
//!
//! Keys derived from the master key change with it — the CSRF key (a form
//! open during the change is refused once) and the refresh successors' key
//! (successors are derived anew) — except the backup codes' key: people
//! keep their printed codes, so that key is kept, sealed, in the store and
//! re-sealed with the rest.

use secrecy::SecretBox;
use time::OffsetDateTime;

use crate::crypto::MasterKey;
use crate::error::{Error, Result};
use crate::store::{KeyStore, Resealed, SealedOwner, Store};

/// The name (and sealing context) of the kept backup codes' key; also the
/// label it was derived with before it was kept.
pub const BACKUP_CODE_KEY: &str = "gatehouse/backup-codes/v1";

/// The context a value of `owner` is sealed with.
pub fn context(owner: &SealedOwner) -> Vec<u8> {
    match owner {
        SealedOwner::SigningKey(kid) => kid.as_bytes().to_vec(),
        SealedOwner::Totp(user) => super::presence::totp_context(*user),
        SealedOwner::Upstream(provider) => provider.as_bytes().to_vec(),
        SealedOwner::Kept(name) => name.as_bytes().to_vec(),
    }
}

/// The key the server keeps as `name`: opened from the store or, on a
/// database that has none yet, derived from the master key (as before keys
/// were kept, so what was stored under it still verifies) and stored
/// sealed. Several nodes starting at once agree on one.
pub(crate) async fn kept_key(
    keys: &dyn KeyStore,
    master: &MasterKey,
    name: &str,
    now: OffsetDateTime,
) -> Result<SecretBox<[u8; 32]>> {
    let owner = SealedOwner::Kept(name.to_owned());
    let sealed = match keys.kept_secret(name).await? {
        Some(sealed) => sealed,
        None => {
            use secrecy::ExposeSecret as _;
            let derived = master.derive(name);
            let sealed = master.seal(derived.expose_secret(), &context(&owner))?;
            keys.keep_secret(name, &sealed, now).await?
        }
    };
    let plain = master.open(&sealed, &context(&owner))?;
    let key: [u8; 32] =
        plain.try_into().map_err(|_| Error::internal(format!("the kept key {name} is not 32 bytes long")))?;
    Ok(SecretBox::new(Box::new(key)))
}

/// Re-seals every stored secret — signing keys, TOTP secrets, upstream
/// client secrets, kept keys — from `old` to `new`, in one transaction:
/// when one value does not open under `old`, nothing changes. Afterwards
/// only `new` opens them.
pub async fn rotate_master(store: &dyn Store, old: &MasterKey, new: &MasterKey) -> Result<Resealed> {
    let reseal = |owner: &SealedOwner, sealed: &[u8]| -> Result<Vec<u8>> {
        let context = context(owner);
        let plain = old.open(sealed, &context).map_err(|_| {
            Error::InvalidRequest(format!(
                "the current master key does not open the stored secret of {}: is it the key this database was \
                 written with?",
                describe(owner)
            ))
        })?;
        new.seal(&plain, &context)
    };
    store.reseal_all(&reseal).await
}

/// What a sealed value is, for a message (no secret in it).
fn describe(owner: &SealedOwner) -> String {
    match owner {
        SealedOwner::SigningKey(kid) => format!("signing key {kid}"),
        SealedOwner::Totp(user) => format!("the TOTP secret of user {user}"),
        SealedOwner::Upstream(provider) => format!("upstream provider {provider}"),
        SealedOwner::Kept(name) => format!("the kept key {name}"),
    }
}
