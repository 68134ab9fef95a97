//! Time source. Flows take `now` from here so that tests and the code agree on
//! one definition of "now" (UTC, second precision is enough for tokens).

use time::OffsetDateTime;

/// The current UTC time, truncated to microseconds so that it survives a round
/// trip through either database unchanged.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.microsecond();
    now.replace_microsecond(micros).unwrap_or(now)
}
