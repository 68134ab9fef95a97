//! Verification of password hashes imported from other systems, so their users
//! can log in once and have the hash upgraded to Argon2id.
//!
//! Recognised formats: bcrypt (`$2a$`, `$2b$`, `$2y$`, `$2x$`), PBKDF2 in PHC
//! form (`$pbkdf2-sha256$`, `$pbkdf2-sha512$`), Django's
//! `pbkdf2_sha256$<iterations>$<salt>$<base64>` and scrypt in PHC form
//! (`$scrypt$ln=..,r=..,p=..$`). Hashes whose cost parameters would take
//! unreasonably long (or use unreasonable memory) are recognised but never
//! match, so an imported row cannot stall a hashing worker.
//!
//! `$2x$` hashes are verified like `$2b$`: the crypt_blowfish sign-extension bug
//! they mark is not emulated.

use base64::Engine as _;
use password_hash::{PasswordHash, PasswordVerifier};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The highest bcrypt cost accepted: 2^16 rounds, a few seconds per check.
const MAX_BCRYPT_COST: u32 = 16;
/// The most PBKDF2 iterations accepted (PHC and Django forms).
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The highest scrypt `ln` (log2 of N) accepted.
const MAX_SCRYPT_LOG_N: u8 = 20;
/// The most memory an scrypt hash may ask for (128·r·N bytes): 1 GiB.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// The highest scrypt parallelism accepted; each lane repeats the work.
const MAX_SCRYPT_P: u32 = 16;
/// The longest derived key accepted in Django's format.
const MAX_DJANGO_HASH_LEN: usize = 64;

/// A stored legacy hash, parsed.
enum Legacy<'a> {
    Bcrypt { cost: u32 },
    Pbkdf2(PasswordHash<'a>, pbkdf2::Params),
    Django { iterations: u32, salt: &'a str, hash: Vec<u8> },
    Scrypt(PasswordHash<'a>, scrypt::Params),
}

impl Legacy<'_> {
    /// Whether checking a password against this hash takes reasonable time and memory.
    fn within_limits(&self) -> bool {
        match self {
            Self::Bcrypt { cost } => *cost <= MAX_BCRYPT_COST,
            Self::Pbkdf2(_, params) => params.rounds <= MAX_PBKDF2_ITERATIONS,
            Self::Django { iterations, .. } => *iterations <= MAX_PBKDF2_ITERATIONS,
            Self::Scrypt(_, params) => {
                let log_n = params.log_n();
                // 128·r·N bytes; cannot overflow once log_n is bounded.
                let memory = (u64::from(params.r()) * 128) << log_n.min(MAX_SCRYPT_LOG_N);
                log_n <= MAX_SCRYPT_LOG_N && memory <= MAX_SCRYPT_MEMORY && params.p() <= MAX_SCRYPT_P
            }
        }
    }

    /// Whether `password` matches. Only call when [`Self::within_limits`].
    fn matches(&self, password: &str, stored: &str) -> bool {
        let password = password.as_bytes();
        match self {
            // `verify` truncates at 72 bytes like every other bcrypt.
            Self::Bcrypt { .. } => bcrypt::verify(password, stored).unwrap_or(false),
            Self::Pbkdf2(hash, _) => pbkdf2::Pbkdf2.verify_password(password, hash).is_ok(),
            Self::Scrypt(hash, _) => scrypt::Scrypt.verify_password(password, hash).is_ok(),
            Self::Django { iterations, salt, hash } => {
                let mut buffer = [0u8; MAX_DJANGO_HASH_LEN];
                let Some(computed) = buffer.get_mut(..hash.len()) else {
                    return false;
                };
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt.as_bytes(), *iterations, computed);
                computed.ct_eq(hash).into()
            }
        }
    }
}

/// Checks `password` against a legacy `stored` hash.
///
/// `None` means the format is not one of the recognised legacy formats (Argon2
/// is handled by the hasher itself); `Some(false)` covers a wrong password, a
/// malformed hash of a recognised format, and cost parameters over the limits.
pub(crate) fn verify(password: &str, stored: &str) -> Option<bool> {
    let Some(legacy) = parse(stored) else {
        return looks_legacy(stored).then_some(false);
    };
    Some(legacy.within_limits() && legacy.matches(password, stored))
}

/// Whether `stored` is a hash Gatehouse can verify: an Argon2 PHC string or one
/// of the legacy formats, well formed and with cost parameters within limits.
/// Use it to validate hashes before importing them.
pub fn is_supported_hash(stored: &str) -> bool {
    super::hasher::is_supported_argon2(stored) || parse(stored).is_some_and(|legacy| legacy.within_limits())
}

/// The bcrypt version prefixes.
const BCRYPT_PREFIXES: [&str; 4] = ["$2a$", "$2b$", "$2y$", "$2x$"];

/// Prefixes of the other legacy formats.
const OTHER_PREFIXES: [&str; 4] = ["$pbkdf2-sha256$", "$pbkdf2-sha512$", "$scrypt$", "pbkdf2_sha256$"];

/// Whether `stored` claims one of the legacy formats, parseable or not.
fn looks_legacy(stored: &str) -> bool {
    BCRYPT_PREFIXES.iter().chain(&OTHER_PREFIXES).any(|prefix| stored.starts_with(prefix))
}

fn parse(stored: &str) -> Option<Legacy<'_>> {
    if stored.starts_with("$2") {
        parse_bcrypt(stored)
    } else if stored.starts_with("pbkdf2_sha256$") {
        parse_django(stored)
    } else if stored.starts_with('$') {
        parse_phc(stored)
    } else {
        None
    }
}

/// `$2b$<2-digit cost>$<22 salt chars><31 hash chars>`.
fn parse_bcrypt(stored: &str) -> Option<Legacy<'_>> {
    let rest = BCRYPT_PREFIXES.iter().find_map(|prefix| stored.strip_prefix(prefix))?;
    let (cost, salt_and_hash) = rest.split_once('$')?;
    let valid = cost.len() == 2
        && cost.bytes().all(|b| b.is_ascii_digit())
        && salt_and_hash.len() == 53
        && salt_and_hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/');
    if !valid {
        return None;
    }
    let cost: u32 = cost.parse().ok()?;
    (4..=31).contains(&cost).then_some(Legacy::Bcrypt { cost })
}

/// `pbkdf2_sha256$<iterations>$<salt>$<standard base64 of the derived key>`.
fn parse_django(stored: &str) -> Option<Legacy<'_>> {
    let mut parts = stored.split('$');
    let (Some("pbkdf2_sha256"), Some(iterations), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let iterations: u32 = iterations.parse().ok().filter(|&i| i > 0)?;
    let hash = base64::engine::general_purpose::STANDARD.decode(hash).ok()?;
    let valid = !salt.is_empty() && !hash.is_empty() && hash.len() <= MAX_DJANGO_HASH_LEN;
    valid.then_some(Legacy::Django { iterations, salt, hash })
}

/// PBKDF2 and scrypt in PHC string format.
fn parse_phc(stored: &str) -> Option<Legacy<'_>> {
    let hash = PasswordHash::new(stored).ok()?;
    if hash.salt.is_none() || hash.hash.is_none() {
        return None;
    }
    match hash.algorithm.as_str() {
        "pbkdf2-sha256" | "pbkdf2-sha512" => {
            let params = pbkdf2::Params::try_from(&hash).ok()?;
            (params.rounds > 0).then_some(Legacy::Pbkdf2(hash, params))
        }
        "scrypt" => {
            let params = scrypt::Params::try_from(&hash).ok()?;
            Some(Legacy::Scrypt(hash, params))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use password_hash::{PasswordHasher, SaltString};

    const PASSWORD: &str = "correct horse battery staple";

    fn salt() -> SaltString {
        SaltString::encode_b64(b"0123456789abcdef").unwrap()
    }

    #[test]
    fn bcrypt_generated_by_the_crate() {
        let stored = bcrypt::hash(PASSWORD, 4).unwrap();
        assert_eq!(verify(PASSWORD, &stored), Some(true));
        assert_eq!(verify("wrong password", &stored), Some(false));
        assert!(is_supported_hash(&stored));

        let parts = bcrypt::hash_with_result(PASSWORD, 4).unwrap();
        for version in [bcrypt::Version::TwoA, bcrypt::Version::TwoY, bcrypt::Version::TwoX] {
            let stored = parts.format_for_version(version);
            assert_eq!(verify(PASSWORD, &stored), Some(true), "{stored}");
        }
    }

    #[test]
    fn bcrypt_known_hashes() {
        // Generated by Python's bcrypt (from the bcrypt crate's own tests).
        let python = "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie";
        assert_eq!(verify("correctbatteryhorsestapler", python), Some(true));
        assert_eq!(verify("correctbatteryhorsestaple", python), Some(false));
        // Openwall crypt_blowfish test vector.
        let openwall = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        assert_eq!(verify("U*U", openwall), Some(true));
    }

    #[test]
    fn bcrypt_refuses_absurd_costs_and_malformed_hashes() {
        let stored = bcrypt::hash(PASSWORD, 4).unwrap();
        let expensive = stored.replacen("$04$", "$31$", 1);
        assert_eq!(verify(PASSWORD, &expensive), Some(false));
        assert!(!is_supported_hash(&expensive));
        assert_eq!(verify(PASSWORD, &stored[..50]), Some(false));
        assert!(!is_supported_hash(&stored[..50]));
    }

    #[test]
    fn pbkdf2_phc_generated_by_the_crate() {
        for algorithm in [pbkdf2::Algorithm::Pbkdf2Sha256, pbkdf2::Algorithm::Pbkdf2Sha512] {
            let params = pbkdf2::Params { rounds: 1000, output_length: 32 };
            let stored = pbkdf2::Pbkdf2
                .hash_password_customized(PASSWORD.as_bytes(), Some(algorithm.ident()), None, params, &salt())
                .unwrap()
                .to_string();
            assert_eq!(verify(PASSWORD, &stored), Some(true), "{stored}");
            assert_eq!(verify("wrong password", &stored), Some(false));
            assert!(is_supported_hash(&stored));
        }
    }

    #[test]
    fn pbkdf2_phc_known_hashes() {
        // Computed with Python's hashlib.pbkdf2_hmac.
        let sha256 = "$pbkdf2-sha256$i=1000,l=32$Z2F0ZWhvdXNlLXNhbHQxNg$\
                      H3sDg6l0GTUbzbimPvZEdtQvtRqM2bfiaOTAHHLRl4c";
        let sha512 = "$pbkdf2-sha512$i=1000,l=64$Z2F0ZWhvdXNlLXNhbHQxNg$0y45R/PhOM0Ydn8QXTYXohb2\
                      PCUhtQO26KHITKnTlabXO+rVRgrYoGt/MUhDmTnMuYcFckuJrrfyvlcHiq1Hgg";
        assert_eq!(verify(PASSWORD, sha256), Some(true));
        assert_eq!(verify(PASSWORD, sha512), Some(true));
        assert_eq!(verify("wrong password", sha512), Some(false));
    }

    #[test]
    fn pbkdf2_refuses_absurd_iterations() {
        let stored = "$pbkdf2-sha256$i=20000000,l=32$Z2F0ZWhvdXNlLXNhbHQxNg$\
                      H3sDg6l0GTUbzbimPvZEdtQvtRqM2bfiaOTAHHLRl4c";
        let start = std::time::Instant::now();
        assert_eq!(verify(PASSWORD, stored), Some(false));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert!(!is_supported_hash(stored));
    }

    #[test]
    fn django_pbkdf2_sha256() {
        // Django's PBKDF2PasswordHasher.encode(PASSWORD, "seasaltSEASALT12", 1000).
        let stored = "pbkdf2_sha256$1000$seasaltSEASALT12$49yd1wJbIP0J3Uo73qUFEhPNt4VHxZc6DKw8dFoeVMk=";
        assert_eq!(verify(PASSWORD, stored), Some(true));
        assert_eq!(verify("wrong password", stored), Some(false));
        assert!(is_supported_hash(stored));

        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"hunter2hunter2", b"s4lt", 1, &mut key);
        let b64 = base64::engine::general_purpose::STANDARD.encode(key);
        let generated = format!("pbkdf2_sha256$1$s4lt${b64}");
        assert_eq!(verify("hunter2hunter2", &generated), Some(true));

        let expensive = stored.replacen("$1000$", "$99999999$", 1);
        assert_eq!(verify(PASSWORD, &expensive), Some(false));
        assert_eq!(verify(PASSWORD, "pbkdf2_sha256$1000$salt$not base64!"), Some(false));
        assert_eq!(verify(PASSWORD, "pbkdf2_sha256$0$salt$AAAA"), Some(false));
    }

    #[test]
    fn scrypt_phc() {
        let params = scrypt::Params::new(10, 8, 1, 32).unwrap();
        let stored = scrypt::Scrypt
            .hash_password_customized(PASSWORD.as_bytes(), None, None, params, &salt())
            .unwrap()
            .to_string();
        assert_eq!(verify(PASSWORD, &stored), Some(true), "{stored}");
        assert_eq!(verify("wrong password", &stored), Some(false));
        assert!(is_supported_hash(&stored));

        // Computed with Python's hashlib.scrypt.
        let python = "$scrypt$ln=10,r=8,p=1$Z2F0ZWhvdXNlLXNhbHQxNg$\
                      UBoYNaTYmytUvoUPndZHv02StkvkFn8z7n2o2VdO7S8";
        assert_eq!(verify(PASSWORD, python), Some(true));

        let expensive = python.replacen("ln=10", "ln=30", 1);
        assert_eq!(verify(PASSWORD, &expensive), Some(false));
        assert!(!is_supported_hash(&expensive));
        let wide = python.replacen("r=8", "r=1000000", 1);
        assert_eq!(verify(PASSWORD, &wide), Some(false));
    }

    #[test]
    fn unknown_formats_are_not_recognised() {
        for stored in ["", "plaintext", "$md5$abc", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"] {
            assert_eq!(verify(PASSWORD, stored), None, "{stored}");
        }
        assert!(!is_supported_hash("plaintext"));
        assert!(!is_supported_hash("$1$saltsalt$hash"));
    }
}
