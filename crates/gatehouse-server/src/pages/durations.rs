//! Durations as a person reads them on the pages: how long a link stays
//! valid ("30 minutes", exact) and how long to wait ("2 minutes", rounded up).

use std::time::Duration;

fn plural(n: u64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A configured span, in its largest whole unit: "30 minutes", "2 hours".
pub fn span(d: Duration) -> String {
    match d.as_secs() {
        s if s >= 3600 && s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s >= 60 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

/// A wait, rounded up so that trying again after it works: "a few seconds",
/// "42 seconds", "2 minutes", "2 hours".
pub fn wait(d: Duration) -> String {
    match d.as_secs() {
        0..=10 => "a few seconds".into(),
        s @ 11..=59 => plural(s, "second"),
        s @ 60..=5399 => plural(s.div_ceil(60), "minute"),
        s => plural(s.div_ceil(3600), "hour"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{span, wait};

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(Duration::from_secs(1800)), "30 minutes");
        assert_eq!(span(Duration::from_secs(7200)), "2 hours");
        assert_eq!(span(Duration::from_secs(60)), "1 minute");
        assert_eq!(span(Duration::from_secs(2)), "2 seconds");
    }

    #[test]
    fn waits_round_up() {
        let say = |secs| wait(Duration::from_secs(secs));
        assert_eq!(say(3), "a few seconds");
        assert_eq!(say(42), "42 seconds");
        assert_eq!(say(60), "1 minute");
        assert_eq!(say(61), "2 minutes");
        assert_eq!(say(900), "15 minutes");
        assert_eq!(say(5400), "2 hours");
    }
}
