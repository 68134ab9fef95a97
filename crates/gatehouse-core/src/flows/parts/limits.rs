//! Rate limits as the services ask for them: a scope (`login:ip`), a subject
//! (the address, the account) and a rate.

use std::sync::Arc;

use crate::error::Result;
use crate::ratelimit::{Rate, RateLimiter};

/// Counts hits against the limiter (in-process, or shared in Redis).
#[derive(Clone)]
pub struct Limits {
    limiter: Arc<dyn RateLimiter>,
}

impl Limits {
    pub fn new(limiter: Arc<dyn RateLimiter>) -> Self {
        Self { limiter }
    }

    /// Counts one hit of `subject` in `scope`; `rate_limited` beyond `rate`.
    pub async fn hit(&self, scope: &str, subject: &str, rate: Rate) -> Result<()> {
        self.limiter.hit(&format!("{scope}:{subject}"), rate).await
    }
}
