//! Argon2id password hashing and verification on a bounded pool of OS threads.
//!
//! Argon2 is slow and memory-hard by design, so it never runs on the async
//! runtime. [`PasswordHasher`] owns a fixed number of worker threads, each with
//! its own Argon2 memory buffer allocated once, fed by a bounded queue. When the
//! queue is full a request fails at once with [`Error::ServerBusy`] (a 503)
//! instead of piling up memory and latency: under a password-guessing flood the
//! server sheds load rather than falling over.
//!
//! Stored hashes in other formats (imported accounts) are verified by
//! [`legacy`](super::legacy) on the same workers and reported as needing a
//! rehash, so they are upgraded to Argon2id on the next successful login.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

use crate::error::Error;

/// Bytes of random salt in new hashes.
const SALT_LEN: usize = 16;
/// Bytes of output in new hashes (the argon2 crate's default).
const OUTPUT_LEN: usize = 32;
/// Stored Argon2 hashes asking for more memory than this (1 GiB, in KiB) never match.
const MAX_STORED_M_COST_KIB: u32 = 1 << 20;
/// Nor do those asking for more work (memory in KiB × passes) than 4 GiB·passes.
const MAX_STORED_WORK: u64 = 4 << 20;

/// Argon2id cost parameters for new hashes. The default is OWASP's
/// recommendation (19 MiB, 2 passes, 1 lane).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Number of passes.
    pub t_cost: u32,
    /// Degree of parallelism (lanes).
    pub p_cost: u32,
}

impl Default for HashParams {
    fn default() -> Self {
        Self { m_cost_kib: 19_456, t_cost: 2, p_cost: 1 }
    }
}

impl HashParams {
    fn to_argon2(self) -> Result<Params, Error> {
        Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(OUTPUT_LEN))
            .map_err(|e| Error::Internal(format!("invalid Argon2 parameters {self:?}: {e}")))
    }
}

/// The outcome of checking a password against a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verification {
    /// The password matches.
    pub ok: bool,
    /// The password matches but the stored hash is not Argon2id with the
    /// current parameters: store a fresh hash.
    pub needs_rehash: bool,
}

impl Verification {
    const FAILED: Self = Self { ok: false, needs_rehash: false };
}

/// A unit of work for the pool. Passwords stay secret (zeroized on drop).
enum Job {
    Hash { password: SecretString, reply: oneshot::Sender<Result<String, Error>> },
    Verify { password: SecretString, stored: String, reply: oneshot::Sender<Verification> },
}

/// Hashes and verifies passwords on a bounded pool of worker threads.
///
/// `Send + Sync`; share it behind an `Arc`. Dropping it stops the workers once
/// they finish their current job.
pub struct PasswordHasher {
    jobs: SyncSender<Job>,
    pending: Arc<AtomicUsize>,
    params: HashParams,
    workers: usize,
    /// A hash with the current parameters, to spend the same time on unknown users.
    dummy_hash: String,
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .field("workers", &self.workers)
            .field("queue_len", &self.queue_len())
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// Starts `workers` threads (`gatehouse-hash-N`) behind a queue of `queue`
    /// jobs. Fails with [`Error::Internal`] if the parameters are invalid or a
    /// thread cannot be started. Computes one hash on the calling thread.
    pub fn new(params: HashParams, workers: usize, queue: usize) -> Result<Self, Error> {
        let argon2_params = params.to_argon2()?;
        if workers == 0 {
            return Err(Error::Internal("the password hashing pool needs at least one worker".to_owned()));
        }

        // A stored hash that no password matches, with the current parameters:
        // verifying against it costs exactly one real verification. Random salt
        // and output, so start-up computes no hash (it would cost a hash's time
        // and memory before the first request).
        let mut salt = [0u8; SALT_LEN];
        let mut output = [0u8; OUTPUT_LEN];
        rand::rngs::OsRng.try_fill_bytes(&mut salt).map_err(Error::internal)?;
        rand::rngs::OsRng.try_fill_bytes(&mut output).map_err(Error::internal)?;
        let dummy_hash = phc(&argon2_params, &salt, &output)?;

        let (jobs, receiver) = sync_channel(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let pending = Arc::new(AtomicUsize::new(0));
        for n in 0..workers {
            let receiver = Arc::clone(&receiver);
            let pending = Arc::clone(&pending);
            let params = argon2_params.clone();
            std::thread::Builder::new()
                .name(format!("gatehouse-hash-{n}"))
                .spawn(move || work(&receiver, &pending, params))
                .map_err(|e| Error::internal(format!("cannot start a password hashing thread: {e}")))?;
        }

        Ok(Self { jobs, pending, params, workers, dummy_hash })
    }

    /// Hashes a new password into an Argon2id PHC string
    /// (`$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>`).
    pub async fn hash(&self, password: SecretString) -> Result<super::StoredHash, Error> {
        let (reply, result) = oneshot::channel();
        self.submit(Job::Hash { password, reply })?;
        result.await.map_err(|_| worker_failed())?.map(super::StoredHash::new)
    }

    /// Checks a password against a stored hash (Argon2 or a legacy format).
    /// A malformed or unknown hash does not match; it is not an error.
    pub async fn verify(&self, password: SecretString, stored: &super::StoredHash) -> Result<Verification, Error> {
        let (reply, result) = oneshot::channel();
        self.submit(Job::Verify { password, stored: stored.expose().to_owned(), reply })?;
        result.await.map_err(|_| worker_failed())
    }

    /// Spends the time of a real verification, for a login to an unknown
    /// account, so response times don't reveal which accounts exist.
    pub async fn verify_dummy(&self, password: SecretString) -> Result<(), Error> {
        self.verify(password, &super::StoredHash::new(self.dummy_hash.clone())).await.map(|_| ())
    }

    /// The parameters of new hashes.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// Jobs queued or running, approximately (for metrics).
    pub fn queue_len(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.workers
    }

    fn submit(&self, job: Job) -> Result<(), Error> {
        self.pending.fetch_add(1, Ordering::Relaxed);
        match self.jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                self.pending.fetch_sub(1, Ordering::Relaxed);
                Err(Error::ServerBusy)
            }
            Err(TrySendError::Disconnected(_)) => {
                self.pending.fetch_sub(1, Ordering::Relaxed);
                Err(worker_failed())
            }
        }
    }
}

fn worker_failed() -> Error {
    Error::Internal("the password hashing workers have stopped".to_owned())
}

/// The PHC string of an Argon2id (v19) hash.
fn phc(params: &Params, salt: &[u8], output: &[u8]) -> Result<String, Error> {
    let salt = SaltString::encode_b64(salt).map_err(Error::internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(Error::internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(output).map_err(Error::internal)?),
    };
    Ok(phc.to_string())
}

/// A worker thread's loop: runs jobs until the [`PasswordHasher`] is dropped.
fn work(jobs: &Mutex<Receiver<Job>>, pending: &AtomicUsize, params: Params) {
    let mut worker = Worker::new(params);
    loop {
        // Only one idle worker waits in `recv` at a time; the others wait on the lock.
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else {
            return;
        };
        // A panic must not kill the worker; its buffer is only scratch memory.
        match job {
            Job::Hash { password, reply } => {
                let result = if reply.is_closed() {
                    Err(Error::internal("hash request cancelled"))
                } else {
                    let password = password.expose_secret().as_bytes();
                    catch_unwind(AssertUnwindSafe(|| worker.hash(password)))
                        .unwrap_or_else(|_| Err(Error::internal("password hashing panicked")))
                };
                pending.fetch_sub(1, Ordering::Relaxed);
                let _ = reply.send(result);
            }
            Job::Verify { password, stored, reply } => {
                let result = if reply.is_closed() {
                    Verification::FAILED
                } else {
                    let password = password.expose_secret();
                    catch_unwind(AssertUnwindSafe(|| worker.verify(password, &stored))).unwrap_or_else(|_| {
                        tracing::error!("password verification panicked");
                        Verification::FAILED
                    })
                };
                pending.fetch_sub(1, Ordering::Relaxed);
                let _ = reply.send(result);
            }
        }
    }
}

/// One worker's Argon2id context and reusable memory. The buffer is allocated
/// on the worker's first job (an idle server stays small) and then kept.
struct Worker {
    params: Params,
    argon2: Argon2<'static>,
    memory: Vec<Block>,
}

impl Worker {
    fn new(params: Params) -> Self {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        Self { params, argon2, memory: Vec::new() }
    }

    /// The reusable buffer, sized for the current parameters.
    fn memory(&mut self) -> &mut [Block] {
        let blocks = self.params.block_count();
        if self.memory.len() < blocks {
            self.memory = vec![Block::new(); blocks];
        }
        &mut self.memory
    }

    /// The same PHC string the argon2 crate's `hash_password` would produce.
    fn hash(&mut self, password: &[u8]) -> Result<String, Error> {
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.try_fill_bytes(&mut salt).map_err(Error::internal)?;
        let mut output = [0u8; OUTPUT_LEN];
        let argon2 = self.argon2.clone();
        argon2.hash_password_into_with_memory(password, &salt, &mut output, self.memory()).map_err(Error::internal)?;
        phc(&self.params, &salt, &output)
    }

    fn verify(&mut self, password: &str, stored: &str) -> Verification {
        if !stored.starts_with("$argon2") {
            return match super::legacy::verify(password, stored) {
                Some(true) => Verification { ok: true, needs_rehash: true },
                Some(false) | None => Verification::FAILED,
            };
        }
        let Some(stored) = StoredArgon2::parse(stored) else {
            return Verification::FAILED;
        };
        let ok = stored.within_limits() && self.matches(password.as_bytes(), &stored);
        Verification { ok, needs_rehash: ok && !stored.is_current(&self.params) }
    }

    fn matches(&mut self, password: &[u8], stored: &StoredArgon2<'_>) -> bool {
        let mut salt = [0u8; Salt::MAX_LENGTH];
        let Ok(salt) = stored.salt.decode_b64(&mut salt) else {
            return false;
        };
        let expected = stored.hash.as_bytes();
        let mut buffer = [0u8; Output::MAX_LENGTH];
        let Some(computed) = buffer.get_mut(..expected.len()) else {
            return false;
        };
        let argon2 = Argon2::new(stored.algorithm, stored.version, stored.params.clone());
        let blocks = stored.params.block_count();
        let result = if blocks <= self.params.block_count() {
            argon2.hash_password_into_with_memory(password, salt, computed, self.memory())
        } else {
            let mut memory = vec![Block::new(); blocks];
            argon2.hash_password_into_with_memory(password, salt, computed, &mut memory)
        };
        result.is_ok() && bool::from(computed.ct_eq(expected))
    }
}

/// A stored Argon2 PHC hash, parsed.
struct StoredArgon2<'a> {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Salt<'a>,
    hash: Output,
}

impl<'a> StoredArgon2<'a> {
    fn parse(stored: &'a str) -> Option<Self> {
        let phc = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        // Like the argon2 crate, a hash without `v=` is taken as version 0x13.
        let version = match phc.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&phc).ok()?;
        Some(Self { algorithm, version, params, salt: phc.salt?, hash: phc.hash? })
    }

    fn within_limits(&self) -> bool {
        let m = self.params.m_cost();
        m <= MAX_STORED_M_COST_KIB && u64::from(m) * u64::from(self.params.t_cost()) <= MAX_STORED_WORK
    }

    fn is_current(&self, params: &Params) -> bool {
        self.algorithm == Algorithm::Argon2id
            && self.version == Version::V0x13
            && self.params.m_cost() == params.m_cost()
            && self.params.t_cost() == params.t_cost()
            && self.params.p_cost() == params.p_cost()
            && self.params.keyid().is_empty()
            && self.params.data().is_empty()
            && self.hash.len() == OUTPUT_LEN
    }
}

/// Whether `stored` is a well-formed Argon2 PHC hash within the cost limits.
pub(super) fn is_supported_argon2(stored: &str) -> bool {
    StoredArgon2::parse(stored).is_some_and(|h| h.within_limits())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::password::StoredHash;
    use argon2::PasswordHasher as _;
    use argon2::PasswordVerifier as _;
    use std::time::{Duration, Instant};

    const FAST: HashParams = HashParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 };

    const MATCH: Verification = Verification { ok: true, needs_rehash: false };
    const UPGRADE: Verification = Verification { ok: true, needs_rehash: true };

    fn secret(s: &str) -> SecretString {
        SecretString::from(s)
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let hasher = PasswordHasher::new(FAST, 2, 8).unwrap();
        let stored = hasher.hash(secret("correct horse battery")).await.unwrap();
        assert!(stored.expose().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{stored:?}");
        assert!(is_supported_argon2(stored.expose()));

        let good = hasher.verify(secret("correct horse battery"), &stored).await.unwrap();
        assert_eq!(good, MATCH);
        let bad = hasher.verify(secret("correct horse battery!"), &stored).await.unwrap();
        assert_eq!(bad, Verification::FAILED);
        assert_eq!(hasher.queue_len(), 0);
        assert_eq!((hasher.workers(), hasher.params()), (2, FAST));
    }

    #[tokio::test]
    async fn output_is_what_the_argon2_crate_produces() {
        let hasher = PasswordHasher::new(FAST, 1, 1).unwrap();
        let ours = hasher.hash(secret("hunter2")).await.unwrap();
        let parsed = PasswordHash::new(ours.expose()).unwrap();
        Argon2::default().verify_password(b"hunter2", &parsed).unwrap();
        assert!(Argon2::default().verify_password(b"hunter3", &parsed).is_err());

        // Byte for byte: the crate's own hash with the same salt.
        let params = FAST.to_argon2().unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"hunter2", parsed.salt.unwrap())
            .unwrap()
            .to_string();
        assert_eq!(ours.expose(), theirs);
    }

    #[tokio::test]
    async fn verifies_hashes_from_the_argon2_crate() {
        let hasher = PasswordHasher::new(FAST, 1, 4).unwrap();
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let params = Params::new(1024, 1, 1, None).unwrap();
        let current = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password(b"hunter2", &salt)
            .unwrap()
            .to_string();
        let v = hasher.verify(secret("hunter2"), &StoredHash::from(current)).await.unwrap();
        assert_eq!(v, MATCH);

        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d] {
            let stored = Argon2::new(algorithm, Version::V0x13, params.clone())
                .hash_password(b"hunter2", &salt)
                .unwrap()
                .to_string();
            let v = hasher.verify(secret("hunter2"), &StoredHash::from(stored)).await.unwrap();
            assert_eq!(v, UPGRADE);
        }
    }

    #[tokio::test]
    async fn needs_rehash_when_params_differ() {
        let small = PasswordHasher::new(FAST, 1, 4).unwrap();
        let big_params = HashParams { m_cost_kib: 2048, t_cost: 2, ..FAST };
        let big = PasswordHasher::new(big_params, 1, 4).unwrap();

        let from_small = small.hash(secret("pw")).await.unwrap();
        let v = big.verify(secret("pw"), &from_small).await.unwrap();
        assert_eq!(v, UPGRADE);

        // More memory than the worker's buffer: a temporary allocation.
        let from_big = big.hash(secret("pw")).await.unwrap();
        let v = small.verify(secret("pw"), &from_big).await.unwrap();
        assert_eq!(v, UPGRADE);
        let v = small.verify(secret("nope"), &from_big).await.unwrap();
        assert_eq!(v, Verification::FAILED);
    }

    #[tokio::test]
    async fn legacy_hashes_verify_and_need_rehash() {
        let hasher = PasswordHasher::new(FAST, 1, 4).unwrap();
        let stored = bcrypt::hash("hunter2", 4).unwrap();
        let v = hasher.verify(secret("hunter2"), &StoredHash::from(stored.clone())).await.unwrap();
        assert_eq!(v, UPGRADE);
        let v = hasher.verify(secret("hunter3"), &StoredHash::from(stored)).await.unwrap();
        assert_eq!(v, Verification::FAILED);
    }

    #[tokio::test]
    async fn garbage_never_matches() {
        let hasher = PasswordHasher::new(FAST, 1, 16).unwrap();
        let huge = "$argon2id$v=19$m=4194304,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$\
                    vYq0eyq4lkxcpMxE9iuYf0fRNhG2p3dx8lo6fxdHMgw";
        let garbage = [
            "",
            "garbage",
            "$argon2id$",
            "$argon2id$v=19$m=abc,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$argon2id$v=99$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ",
            "$argon2x$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            huge,
            "$2b$04$tooshort",
            "$scrypt$ln=1",
            "pbkdf2_sha256$$$",
        ];
        let start = Instant::now();
        for stored in garbage {
            let v = hasher.verify(secret("pw"), &StoredHash::from(stored.to_owned())).await.unwrap();
            assert_eq!(v, Verification::FAILED, "{stored}");
        }
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(!is_supported_argon2(huge));
    }

    #[tokio::test]
    async fn verify_dummy_runs() {
        let hasher = PasswordHasher::new(FAST, 1, 1).unwrap();
        hasher.verify_dummy(secret("anything")).await.unwrap();
        assert_eq!(hasher.queue_len(), 0);
        // The dummy is a well-formed hash with the current parameters (so a
        // verification against it costs a real one) that nothing matches.
        let v =
            hasher.verify(secret("anything"), &super::super::StoredHash::new(hasher.dummy_hash.clone())).await.unwrap();
        assert!(!v.ok && !v.needs_rehash);
        assert!(hasher.dummy_hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{}", hasher.dummy_hash);
    }

    #[test]
    fn rejects_invalid_configuration() {
        let tiny = HashParams { m_cost_kib: 1, ..FAST };
        assert!(matches!(PasswordHasher::new(tiny, 1, 1), Err(Error::Internal(_))));
        assert!(matches!(PasswordHasher::new(FAST, 0, 1), Err(Error::Internal(_))));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_full_queue_answers_busy_at_once() {
        let params = HashParams { m_cost_kib: 32 * 1024, t_cost: 3, p_cost: 1 };
        let hasher = Arc::new(PasswordHasher::new(params, 1, 1).unwrap());
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let hasher = Arc::clone(&hasher);
            tasks.spawn(async move {
                let start = Instant::now();
                let result = hasher.hash(secret(&format!("password {i}"))).await;
                (result, start.elapsed())
            });
        }
        let (mut busy, mut done) = (0, 0);
        while let Some(joined) = tasks.join_next().await {
            match joined.unwrap() {
                (Err(Error::ServerBusy), elapsed) => {
                    busy += 1;
                    assert!(elapsed < Duration::from_millis(250), "busy took {elapsed:?}");
                }
                (Ok(_), _) => done += 1,
                (Err(e), _) => unreachable!("unexpected error {e:?}"),
            }
        }
        assert!(busy >= 1 && done >= 1, "busy {busy}, done {done}");
        assert_eq!(hasher.queue_len(), 0);
    }
}
