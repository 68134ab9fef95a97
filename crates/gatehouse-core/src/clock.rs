//! Time is a parameter. The flows read "now" from the [`Clock`] they were
//! built with — never from the wall — so every expiry, idle and absolute
//! deadline, lockout, grace window and code lifetime is decided against one
//! injected time. Production runs on [`SystemClock`]; tests run the real
//! server on a [`ShiftedClock`] and move it forward instead of sleeping.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

/// Where "now" comes from.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current UTC time, whole microseconds (what both databases keep).
    fn now(&self) -> OffsetDateTime;

    /// [`Clock::now`] as Unix seconds.
    fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        micros(OffsetDateTime::now_utc())
    }
}

/// The system's clock moved forward by an offset that only grows: a test
/// advances it past a deadline instead of waiting for the deadline. It
/// keeps running in between, so everything a test does not move (a browser,
/// another program checking a token's `iat`) still agrees with it.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_micros: AtomicI64,
}

impl ShiftedClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(by, Ordering::SeqCst);
    }

    /// How far ahead of the system's clock this one is.
    pub fn offset(&self) -> Duration {
        Duration::from_micros(u64::try_from(self.offset_micros.load(Ordering::SeqCst)).unwrap_or(0))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        let offset = time::Duration::microseconds(self.offset_micros.load(Ordering::SeqCst));
        micros(OffsetDateTime::now_utc().saturating_add(offset))
    }
}

/// `t` cut to whole microseconds, so it survives a round trip through either
/// database unchanged.
fn micros(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_microsecond(t.microsecond()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_moves_only_forward_and_keeps_running() {
        let clock = ShiftedClock::new();
        let before = SystemClock.now();
        clock.advance(Duration::from_secs(3600));
        let moved = clock.now();
        assert!(moved - before >= time::Duration::seconds(3600));
        assert!(moved - before < time::Duration::seconds(3660));
        assert_eq!(clock.offset(), Duration::from_secs(3600));
        assert_eq!(moved.nanosecond() % 1000, 0, "whole microseconds");
    }
}
