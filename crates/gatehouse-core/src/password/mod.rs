//! Passwords: the NIST SP 800-63B policy a new password must pass, and hashing
//! (Argon2id on a bounded worker pool; imported legacy hashes verified and
//! upgraded on login).

mod hasher;
mod legacy;
mod policy;
mod stored;

pub use hasher::{HashParams, PasswordHasher, Verification};
pub use legacy::is_supported_hash;
pub use policy::{Password, PasswordPolicy, PasswordProblem, Suggestion, Warning};
pub use stored::StoredHash;
