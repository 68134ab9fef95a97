//! Same-run baselines: what one core of this machine does without any HTTP,
//! measured just before the scenarios so the comparison shares the machine's
//! state (clock, other load).
//!
//! - Ed25519 signature checks per second on one thread (ring, the library
//!   Gatehouse's JWT verification uses), over a real access token's signing
//!   input;
//! - whole access-token verifications per second on one thread, through the
//!   server's own code (`AccessTokenIssuer::verify`: header, key lookup,
//!   signature, claims);
//! - one Argon2id hash with the contract's parameters (19 MiB, t=2, p=1).

use std::time::{Duration, Instant};

use anyhow::Context;
use gatehouse_core::crypto::MasterKey;
use gatehouse_core::token::{AccessTokenIssuer, KeyRing, SigningAlg, SigningKey, TokenSettings};
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use secrecy::ExposeSecret;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Baselines {
    pub cores: usize,
    pub ed25519_verify_per_s: f64,
    pub jwt_verify_per_s: f64,
    pub argon2id_hash_ms: f64,
    /// Hashes per second with one hashing thread per core, all at once: what
    /// the machine's cores really give together (SMT siblings share a core).
    pub argon2id_all_cores_per_s: f64,
}

/// Repeats `f` for about `span`; returns calls per second.
fn rate(span: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < span {
        for _ in 0..64 {
            f();
        }
        n += 64;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

pub fn measure(span: Duration) -> anyhow::Result<Baselines> {
    let master = MasterKey::generate();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let stored = SigningKey::generate(SigningAlg::EdDsa, &master, time::OffsetDateTime::now_utc())?;
    let ring = KeyRing::open(&[stored], &master, SigningAlg::EdDsa)?;
    let settings = TokenSettings {
        issuer: "http://127.0.0.1".into(),
        audience: "gatehouse".into(),
        access_ttl: Duration::from_secs(900),
    };
    let token = AccessTokenIssuer::issue_for_client(&ring, &settings, "bench-client", "read:bench", now)?.token;
    let token = token.expose_secret().to_owned();
    let jwt_verify_per_s = rate(span, || {
        let ok = AccessTokenIssuer::verify(&ring, &settings, &token, now).is_ok();
        std::hint::black_box(ok);
    });

    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| anyhow::anyhow!("Ed25519 key generation failed"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| anyhow::anyhow!("Ed25519 key parse failed"))?;
    let input = token.rsplit_once('.').map(|(i, _)| i).context("a JWT has three parts")?.as_bytes().to_vec();
    let sig = pair.sign(&input);
    let public = UnparsedPublicKey::new(&ED25519, pair.public_key().as_ref().to_vec());
    let ed25519_verify_per_s = rate(span, || {
        let ok = public.verify(&input, sig.as_ref()).is_ok();
        std::hint::black_box(ok);
    });

    let params = argon2::Params::new(19_456, 2, 1, Some(32)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    // As the server's hashing workers do: one reused buffer, no page faults per hash.
    let mut out = [0u8; 32];
    let mut memory = vec![argon2::Block::new(); 19_456];
    let mut hash = || {
        argon.hash_password_into_with_memory(
            b"correct horse battery staple 42",
            b"sixteen byte salt",
            &mut out,
            &mut memory,
        )
    };
    hash().map_err(|e| anyhow::anyhow!("{e}"))?;
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        hash().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let argon2id_hash_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let start = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let argon = argon.clone();
            std::thread::spawn(move || {
                let mut out = [0u8; 32];
                let mut memory = vec![argon2::Block::new(); 19_456];
                for _ in 0..rounds {
                    let _ = argon.hash_password_into_with_memory(
                        b"correct horse battery staple 42",
                        b"sixteen byte salt",
                        &mut out,
                        &mut memory,
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| anyhow::anyhow!("a hashing thread panicked"))?;
    }
    let argon2id_all_cores_per_s = f64::from(rounds) * cores as f64 / start.elapsed().as_secs_f64();

    Ok(Baselines { cores, argon2id_all_cores_per_s, ed25519_verify_per_s, jwt_verify_per_s, argon2id_hash_ms })
}
