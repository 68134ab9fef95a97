//! Durations as a person reads them on the pages, in the page's language:
//! how long a link stays valid ("30 minutes", exact) and how long to wait
//! ("2 minutes", rounded up). The words are the `duration-*` messages.

use std::time::Duration;

use super::Lang;

fn count(lang: &Lang, id: &str, n: u64) -> String {
    lang.t_with(id, [("count", n.into())])
}

/// A configured span, in its largest whole unit: "30 minutes", "2 hours".
pub fn span(lang: &Lang, d: Duration) -> String {
    match d.as_secs() {
        s if s >= 3600 && s % 3600 == 0 => count(lang, "duration-hours", s / 3600),
        s if s >= 60 => count(lang, "duration-minutes", s / 60),
        s => count(lang, "duration-seconds", s),
    }
}

/// A wait, rounded up so that trying again after it works: "a few seconds",
/// "42 seconds", "2 minutes", "2 hours".
pub fn wait(lang: &Lang, d: Duration) -> String {
    match d.as_secs() {
        0..=10 => lang.t("duration-few-seconds"),
        s @ 11..=59 => count(lang, "duration-seconds", s),
        s @ 60..=5399 => count(lang, "duration-minutes", s.div_ceil(60)),
        s => count(lang, "duration-hours", s.div_ceil(3600)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{span, wait};
    use crate::pages::lang::tests::lang;

    #[test]
    fn spans_read_naturally() {
        let en = lang("en");
        assert_eq!(span(&en, Duration::from_secs(1800)), "30 minutes");
        assert_eq!(span(&en, Duration::from_secs(7200)), "2 hours");
        assert_eq!(span(&en, Duration::from_secs(60)), "1 minute");
        assert_eq!(span(&en, Duration::from_secs(2)), "2 seconds");
        assert_eq!(span(&lang("de"), Duration::from_secs(1800)), "30 Minuten");
        assert_eq!(span(&lang("es"), Duration::from_secs(3600)), "1 hora");
    }

    #[test]
    fn waits_round_up() {
        let en = lang("en");
        let say = |secs| wait(&en, Duration::from_secs(secs));
        assert_eq!(say(3), "a few seconds");
        assert_eq!(say(42), "42 seconds");
        assert_eq!(say(60), "1 minute");
        assert_eq!(say(61), "2 minutes");
        assert_eq!(say(900), "15 minutes");
        assert_eq!(say(5400), "2 hours");
        assert_eq!(wait(&lang("de"), Duration::from_secs(61)), "2 Minuten");
    }
}
