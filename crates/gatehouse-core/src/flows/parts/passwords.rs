//! New passwords: the policy a chosen password must pass, then the hash that
//! is stored.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::password::{PasswordHasher, PasswordPolicy, StoredHash};

/// Checks and hashes passwords a person chooses.
#[derive(Clone)]
pub struct NewPasswords {
    hasher: Arc<PasswordHasher>,
    policy: PasswordPolicy,
}

impl NewPasswords {
    pub fn new(hasher: Arc<PasswordHasher>, policy: PasswordPolicy) -> Self {
        Self { hasher, policy }
    }

    /// Applies the password policy (off the async runtime: zxcvbn is CPU
    /// work) and hashes the accepted password. `context` is what the password
    /// must not be built from (username, email).
    pub async fn hash_new(&self, password: &SecretString, context: [&str; 2]) -> Result<StoredHash> {
        let policy = self.policy;
        let candidate = password.clone();
        let context = context.map(str::to_owned);
        let checked = tokio::task::spawn_blocking(move || {
            policy.check(candidate.expose_secret(), &[context[0].as_str(), context[1].as_str()])
        })
        .await
        .map_err(Error::internal)??;
        self.hasher.hash(checked.into_secret()).await
    }
}
