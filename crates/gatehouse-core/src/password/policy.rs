//! The policy a new password must pass (NIST SP 800-63B §5.1.1.2), and the
//! [`Password`] type that proves it did.
//!
//! The checks, in order: length in Unicode characters, a bundled list of common
//! and breached passwords (`common-passwords.txt`), then a zxcvbn strength
//! estimate that also knows the account's username and email. There are no
//! composition rules ("one digit, one symbol"): NIST advises against them.
//!
//! A refusal names its reason as a [`PasswordProblem`] (zxcvbn's
//! [`Warning`] and [`Suggestion`] kept as values), so pages can say it in the
//! person's language; its `Display` is the English of the API.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// Common and breached passwords of at least 12 characters, lowercased, one a
/// line; lines starting with `#` are comments.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// zxcvbn's running time grows quickly with input length, and the first 100
/// characters are plenty to judge a password.
const ZXCVBN_MAX_CHARS: usize = 100;

pub use zxcvbn::feedback::{Suggestion, Warning};

/// Why a new password is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum PasswordProblem {
    /// Fewer characters than the policy's minimum.
    TooShort { min: usize },
    /// More characters than the policy's (or the check's) maximum.
    TooLong { max: usize },
    /// On the bundled list of common and breached passwords.
    Common,
    /// zxcvbn's score is below the minimum; its warning and suggestions say why.
    TooEasy { warning: Option<Warning>, suggestions: Vec<Suggestion> },
}

// zxcvbn's enums have no data: equality is total.
impl Eq for PasswordProblem {}

impl fmt::Display for PasswordProblem {
    /// The reason in English, as API problem documents give it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { min } => write!(f, "the password must be at least {min} characters long"),
            Self::TooLong { max } => write!(f, "the password must be at most {max} characters long"),
            Self::Common => f.write_str("this password appears in a list of common or breached passwords"),
            Self::TooEasy { warning, suggestions } => {
                f.write_str("the password is too easy to guess")?;
                let hints: Vec<String> = warning
                    .iter()
                    .map(ToString::to_string)
                    .chain(suggestions.iter().map(ToString::to_string))
                    .collect();
                if !hints.is_empty() {
                    write!(f, ": {}", hints.join(" "))?;
                }
                Ok(())
            }
        }
    }
}

/// The rules a new password must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length in Unicode characters (default 12).
    pub min_length: usize,
    /// Maximum length in Unicode characters (default 256).
    pub max_length: usize,
    /// Minimum zxcvbn score, `0..=4` (default 3).
    pub min_score: u8,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 12, max_length: 256, min_score: 3 }
    }
}

/// A new password that passed a [`PasswordPolicy`]. Its `Debug` is redacted.
pub struct Password(SecretString);

impl Password {
    /// The password itself, for hashing. Don't log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The password as a secret, e.g. to hand to
    /// [`PasswordHasher::hash`](super::PasswordHasher::hash).
    pub fn into_secret(self) -> SecretString {
        self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl PasswordPolicy {
    /// Checks a new password. `context` holds what the password must not be
    /// built from: the account's username and email, typically.
    ///
    /// Returns [`Error::WeakPassword`] with the [`PasswordProblem`].
    pub fn check(&self, raw: &str, context: &[&str]) -> Result<Password, Error> {
        self.judge(raw, || estimate(raw, context))
    }

    /// Like [`PasswordPolicy::check`] (the same verdict for the same input),
    /// and also zxcvbn's strength score of the password, `0..=4`, for a
    /// strength meter. The score is the raw estimate: a short or listed
    /// password may score high and still be refused.
    pub fn rate(&self, raw: &str, context: &[&str]) -> (u8, Result<Password, Error>) {
        let estimate = estimate(raw, context);
        let score = u8::from(estimate.score());
        (score, self.judge(raw, || estimate))
    }

    /// The checks of [`PasswordPolicy::check`]; `estimate` is only run when
    /// length and the list let the password through.
    fn judge(&self, raw: &str, estimate: impl FnOnce() -> zxcvbn::Entropy) -> Result<Password, Error> {
        let length = raw.chars().count();
        if length < self.min_length {
            return Err(Error::WeakPassword(PasswordProblem::TooShort { min: self.min_length }));
        }
        if length > self.max_length {
            return Err(Error::WeakPassword(PasswordProblem::TooLong { max: self.max_length }));
        }

        if common_passwords().contains(raw.to_lowercase().as_str()) {
            return Err(Error::WeakPassword(PasswordProblem::Common));
        }

        let estimate = estimate();
        if u8::from(estimate.score()) < self.min_score {
            return Err(Error::WeakPassword(too_easy(&estimate)));
        }

        Ok(Password(SecretString::from(raw)))
    }
}

/// zxcvbn's estimate of `raw` (its first [`ZXCVBN_MAX_CHARS`] characters),
/// knowing the words of `context`.
fn estimate(raw: &str, context: &[&str]) -> zxcvbn::Entropy {
    let inputs = user_inputs(context);
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    zxcvbn::zxcvbn(prefix_chars(raw, ZXCVBN_MAX_CHARS), &inputs)
}

/// The bundled list, parsed once.
fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS.lines().map(str::trim_end).filter(|line| !line.is_empty() && !line.starts_with('#')).collect()
    })
}

/// The first `max` characters of `s` (all of it if shorter).
fn prefix_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// The words zxcvbn should treat as known to an attacker: each context value,
/// an email's local part, those with separators removed, and their
/// alphanumeric pieces (so `alice.smith@example.com` also yields
/// `alice.smith`, `alicesmith`, `alice`, `smith` and `example`). Earlier
/// entries count as more guessable, so whole values come first.
fn user_inputs(context: &[&str]) -> Vec<String> {
    let values: Vec<String> = context.iter().map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty()).collect();
    let mut inputs: Vec<String> = Vec::new();
    let mut add = |input: &str| {
        if input.chars().count() >= 3 && !inputs.iter().any(|known| known == input) {
            inputs.push(input.to_owned());
        }
    };
    for value in &values {
        add(value);
        let local = value.split_once('@').map_or(value.as_str(), |(local, _)| local);
        add(local);
        add(&local.chars().filter(|c| c.is_alphanumeric()).collect::<String>());
    }
    for value in &values {
        value.split(|c: char| !c.is_alphanumeric()).for_each(&mut add);
    }
    inputs
}

/// "Too easy to guess", with zxcvbn's warning and suggestions.
fn too_easy(estimate: &zxcvbn::Entropy) -> PasswordProblem {
    match estimate.feedback() {
        Some(feedback) => {
            PasswordProblem::TooEasy { warning: feedback.warning(), suggestions: feedback.suggestions().to_vec() }
        }
        None => PasswordProblem::TooEasy { warning: None, suggestions: Vec::new() },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn reason(result: Result<Password, Error>) -> String {
        match result {
            Err(Error::WeakPassword(problem)) => problem.to_string(),
            Err(other) => unreachable!("unexpected error {other:?}"),
            Ok(_) => unreachable!("password was accepted"),
        }
    }

    #[test]
    fn rejects_short_passwords() {
        let reason = reason(PasswordPolicy::default().check("Xq7#mL2!pz", &[]));
        assert_eq!(reason, "the password must be at least 12 characters long");
    }

    #[test]
    fn rejects_long_passwords() {
        let raw = "correct horse battery staple ".repeat(10);
        let reason = reason(PasswordPolicy::default().check(&raw, &[]));
        assert_eq!(reason, "the password must be at most 256 characters long");
    }

    #[test]
    fn length_is_counted_in_characters() {
        let policy = PasswordPolicy { min_score: 0, ..PasswordPolicy::default() };
        // 12 characters, 23 bytes in UTF-8.
        let raw = "пароль-тайна";
        assert_eq!((raw.chars().count(), raw.len()), (12, 23));
        assert!(policy.check(raw, &[]).is_ok());
        // 11 characters are too few even though they are 21 bytes.
        assert!(policy.check("пароль-тайн", &[]).is_err());
    }

    #[test]
    fn rejects_listed_passwords_case_insensitively() {
        assert!(common_passwords().len() > 1000);
        assert!(common_passwords().contains("qwerty123456"));
        let reason = reason(PasswordPolicy::default().check("QWERTY123456", &[]));
        assert_eq!(reason, "this password appears in a list of common or breached passwords");
    }

    #[test]
    fn the_list_has_no_comments_or_short_entries() {
        assert!(common_passwords().iter().all(|p| !p.starts_with('#') && p.chars().count() >= 12));
    }

    #[test]
    fn rejects_easily_guessed_passwords() {
        for raw in ["zzzzzzzzzzzzzzzz", "password12345678", "MyPassword1234567"] {
            assert!(!common_passwords().contains(raw.to_lowercase().as_str()));
            let reason = reason(PasswordPolicy::default().check(raw, &[]));
            assert!(reason.starts_with("the password is too easy to guess"), "{raw}: {reason}");
        }
    }

    #[test]
    fn rejects_passwords_built_from_the_username_or_email() {
        let raw = "AliceWonderland1";
        assert!(PasswordPolicy::default().check(raw, &[]).is_ok());
        let with_username = PasswordPolicy::default().check(raw, &["alicewonderland"]);
        assert!(reason(with_username).starts_with("the password is too easy to guess"));
        let with_email = PasswordPolicy::default().check(raw, &["bob", "alice.wonderland@example.com"]);
        assert!(reason(with_email).starts_with("the password is too easy to guess"));
    }

    #[test]
    fn user_inputs_include_email_parts() {
        assert_eq!(
            user_inputs(&["Bob", " alice.smith@example.com ", ""]),
            ["bob", "alice.smith@example.com", "alice.smith", "alicesmith", "alice", "smith", "example", "com"]
        );
    }

    #[test]
    fn accepts_a_strong_passphrase() {
        let password = PasswordPolicy::default()
            .check("correct horse battery staple 42", &["alice", "alice@example.com"])
            .unwrap();
        assert_eq!(password.expose(), "correct horse battery staple 42");
        assert_eq!(format!("{password:?}"), "Password([REDACTED])");
        assert_eq!(password.into_secret().expose_secret(), "correct horse battery staple 42");
    }

    #[test]
    fn very_long_passwords_are_checked_quickly() {
        let raw = "aB3$".repeat(64);
        let start = std::time::Instant::now();
        let _ = PasswordPolicy::default().check(&raw, &[]);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn rate_gives_the_verdict_of_check_and_a_score() {
        let policy = PasswordPolicy::default();
        for (raw, context) in [
            ("correct horse battery staple 42", &["alice", "alice@example.com"][..]),
            ("AliceWonderland1", &["alicewonderland"][..]),
            ("QWERTY123456", &[][..]),
            ("Xq7#mL2!pz", &[][..]),
            ("", &[][..]),
        ] {
            let (score, verdict) = policy.rate(raw, context);
            assert!(score <= 4);
            let expected = policy.check(raw, context);
            assert_eq!(verdict.is_ok(), expected.is_ok(), "{raw}");
            if let (Err(got), Err(want)) = (verdict, expected) {
                assert_eq!(got.to_string(), want.to_string());
            }
        }
        assert!(policy.rate("correct horse battery staple 42", &[]).0 >= 3);
        assert_eq!(policy.rate("", &[]).0, 0);
    }

    #[test]
    fn problems_are_structured_and_read_as_before() {
        let policy = PasswordPolicy::default();
        let problem = |raw: &str| match policy.check(raw, &[]) {
            Err(Error::WeakPassword(p)) => p,
            other => unreachable!("{raw}: {other:?}"),
        };
        assert_eq!(problem("short"), PasswordProblem::TooShort { min: 12 });
        assert_eq!(problem("QWERTY123456"), PasswordProblem::Common);
        let PasswordProblem::TooEasy { warning, suggestions } = problem("zzzzzzzzzzzzzzzz") else {
            unreachable!("too easy")
        };
        assert_eq!(warning, Some(Warning::RepeatsLikeAaaAreEasyToGuess));
        assert!(suggestions.contains(&Suggestion::AvoidRepeatedWordsAndCharacters), "{suggestions:?}");
        let easy = PasswordProblem::TooEasy {
            warning: Some(Warning::RepeatsLikeAaaAreEasyToGuess),
            suggestions: vec![Suggestion::AddAnotherWordOrTwo],
        };
        assert_eq!(
            easy.to_string(),
            "the password is too easy to guess: Repeats like \"aaa\" are easy to guess. \
             Add another word or two. Uncommon words are better."
        );
        let bare = PasswordProblem::TooEasy { warning: None, suggestions: Vec::new() };
        assert_eq!(bare.to_string(), "the password is too easy to guess");
    }

    #[test]
    fn prefix_chars_counts_characters() {
        assert_eq!(prefix_chars("héllo", 2), "hé");
        assert_eq!(prefix_chars("hi", 5), "hi");
    }
}
