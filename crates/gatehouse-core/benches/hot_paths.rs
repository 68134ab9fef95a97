//! Micro-benchmarks of the hot paths, with criterion: issuing and verifying
//! an access token (EdDSA, ES256), the refresh token's digest, and a password
//! verification with the contract's Argon2id parameters.
//!
//! `cargo bench -p gatehouse-core`; the whole-server figures are `bench/run`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use gatehouse_core::crypto::{random_token, MasterKey, TokenDigest};
use gatehouse_core::password::{HashParams, PasswordHasher};
use gatehouse_core::token::{AccessTokenIssuer, KeyRing, SigningAlg, SigningKey, TokenSettings};
use secrecy::{ExposeSecret, SecretString};

fn settings() -> TokenSettings {
    TokenSettings {
        issuer: "https://id.example.com".into(),
        audience: "api".into(),
        access_ttl: Duration::from_secs(900),
    }
}

fn ring(alg: SigningAlg) -> KeyRing {
    let master = MasterKey::generate();
    let stored = SigningKey::generate(alg, &master, time::OffsetDateTime::now_utc()).unwrap();
    KeyRing::open(&[stored], &master, alg).unwrap()
}

fn tokens(c: &mut Criterion) {
    for (name, alg) in [("EdDSA", SigningAlg::EdDsa), ("ES256", SigningAlg::Es256)] {
        let ring = ring(alg);
        let s = settings();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        c.bench_function(&format!("access token sign {name}"), |b| {
            b.iter(|| AccessTokenIssuer::issue_for_client(&ring, &s, "reports-job", "read:reports", now).unwrap())
        });
        let token = AccessTokenIssuer::issue_for_client(&ring, &s, "reports-job", "read:reports", now).unwrap().token;
        let token = token.expose_secret().to_owned();
        c.bench_function(&format!("access token verify {name}"), |b| {
            b.iter(|| AccessTokenIssuer::verify(&ring, &s, &token, now).unwrap())
        });
    }
}

fn refresh_tokens(c: &mut Criterion) {
    let token = random_token();
    c.bench_function("refresh token digest (SHA-256)", |b| b.iter(|| TokenDigest::of(token.expose_secret())));
    c.bench_function("refresh token generation (256 random bits)", |b| b.iter(random_token));
}

fn passwords(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let hasher = PasswordHasher::new(HashParams::default(), 1, 4).unwrap();
    let password = || SecretString::from("correct horse battery staple 42".to_owned());
    let stored = runtime.block_on(hasher.hash(password())).unwrap();
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("verify Argon2id m=19456 t=2 p=1", |b| {
        b.iter_batched(password, |p| runtime.block_on(hasher.verify(p, &stored)).unwrap(), BatchSize::SmallInput)
    });
    group.finish();
}

criterion_group!(benches, tokens, refresh_tokens, passwords);
criterion_main!(benches);
