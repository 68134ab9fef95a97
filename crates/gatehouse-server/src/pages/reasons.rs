//! Why the core refused what a person typed, in the page's language: a new
//! password the policy refuses ([`password_problem`], from the structured
//! [`PasswordProblem`]), an email address or username that does not parse
//! ([`input_problem`]). The English of the API stays the core's `Display`.

use gatehouse_core::account::{EmailProblem, Username, UsernameProblem};
use gatehouse_core::password::{PasswordProblem, Suggestion, Warning};
use gatehouse_core::Error;

use super::Lang;

/// Why the policy refuses a new password, as a sentence (or a few).
pub(crate) fn password_problem(lang: &Lang, problem: &PasswordProblem) -> String {
    match problem {
        PasswordProblem::TooShort { min } => lang.t_with("password-too-short", [("min", (*min).into())]),
        PasswordProblem::TooLong { max } => lang.t_with("password-too-long", [("max", (*max).into())]),
        PasswordProblem::Common => lang.t("password-common"),
        PasswordProblem::TooEasy { warning, suggestions } => {
            let hints: Vec<String> = warning
                .iter()
                .map(|w| lang.t(warning_id(*w)))
                .chain(suggestions.iter().map(|s| lang.t(suggestion_id(*s))))
                .collect();
            if hints.is_empty() {
                lang.t("password-too-easy")
            } else {
                lang.t_with("password-too-easy-hints", [("hints", hints.join(" ").into())])
            }
        }
    }
}

/// The message of one of zxcvbn's warnings.
fn warning_id(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => "password-warning-straight-rows",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "password-warning-short-keyboard-patterns",
        Warning::RepeatsLikeAaaAreEasyToGuess => "password-warning-repeats",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "password-warning-repeated-groups",
        Warning::ThisIsATop10Password => "password-warning-top-10",
        Warning::ThisIsATop100Password => "password-warning-top-100",
        Warning::ThisIsACommonPassword => "password-warning-common",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "password-warning-similar-to-common",
        Warning::SequencesLikeAbcAreEasyToGuess => "password-warning-sequences",
        Warning::RecentYearsAreEasyToGuess => "password-warning-recent-years",
        Warning::AWordByItselfIsEasyToGuess => "password-warning-single-word",
        Warning::DatesAreOftenEasyToGuess => "password-warning-dates",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "password-warning-names-alone",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "password-warning-common-names",
    }
}

/// The message of one of zxcvbn's suggestions.
fn suggestion_id(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "password-suggestion-few-words",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => "password-suggestion-no-symbols-needed",
        Suggestion::AddAnotherWordOrTwo => "password-suggestion-another-word",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "password-suggestion-capitalization",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => "password-suggestion-all-uppercase",
        Suggestion::ReversedWordsArentMuchHarderToGuess => "password-suggestion-reversed-words",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => "password-suggestion-substitutions",
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => "password-suggestion-longer-keyboard-pattern",
        Suggestion::AvoidRepeatedWordsAndCharacters => "password-suggestion-avoid-repeats",
        Suggestion::AvoidSequences => "password-suggestion-avoid-sequences",
        Suggestion::AvoidRecentYears => "password-suggestion-avoid-recent-years",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "password-suggestion-avoid-your-years",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "password-suggestion-avoid-your-dates",
    }
}

/// Why an email address, username or new password was refused, for the
/// message under its field: the policy's reason for a password, the
/// address's or the username's (`EmailProblem`, `UsernameProblem`).
pub(crate) fn input_problem(lang: &Lang, e: &Error) -> String {
    match e {
        Error::WeakPassword(problem) => password_problem(lang, problem),
        Error::InvalidEmail(problem) => email_problem(lang, *problem),
        Error::InvalidUsername(problem) => username_problem(lang, *problem),
        other => sentence(&other.to_string()),
    }
}

fn email_problem(lang: &Lang, problem: EmailProblem) -> String {
    match problem {
        EmailProblem::Empty => lang.t("register-email-empty"),
        EmailProblem::TooLong => lang.t("register-email-too-long"),
        EmailProblem::NoAt => lang.t("register-email-no-at"),
        EmailProblem::LocalLength => lang.t("register-email-local-length"),
        EmailProblem::LocalCharacters => lang.t("register-email-local-characters"),
        EmailProblem::Domain => lang.t("register-email-domain"),
        EmailProblem::TooLongToCheck { max } => lang.t_with("register-email-too-long-to-check", [("max", max.into())]),
    }
}

fn username_problem(lang: &Lang, problem: UsernameProblem) -> String {
    match problem {
        UsernameProblem::Length => lang
            .t_with("register-username-length", [("min", Username::MIN_LEN.into()), ("max", Username::MAX_LEN.into())]),
        UsernameProblem::Characters => lang.t("register-username-characters"),
        UsernameProblem::Start => lang.t("register-username-start"),
        UsernameProblem::TooLongToCheck { max } => {
            lang.t_with("register-username-too-long-to-check", [("max", max.into())])
        }
    }
}

/// A core message ("the email address must contain '@'") as a sentence.
pub(crate) fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use gatehouse_core::account::Email;
    use gatehouse_core::password::PasswordPolicy;

    use super::*;
    use crate::pages::lang::tests::lang;

    fn refusal(raw: &str) -> PasswordProblem {
        match PasswordPolicy::default().check(raw, &[]) {
            Err(Error::WeakPassword(problem)) => problem,
            other => unreachable!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn a_short_password_names_the_minimum_in_german() {
        let problem = refusal("kurz");
        assert_eq!(password_problem(&lang("de"), &problem), "Das Passwort muss mindestens 12 Zeichen lang sein.");
        assert_eq!(password_problem(&lang("es"), &problem), "La contraseña debe tener al menos 12 caracteres.");
    }

    #[test]
    fn english_reads_as_the_api_reason_as_a_sentence() {
        let en = lang("en");
        for problem in [
            PasswordProblem::TooShort { min: 12 },
            PasswordProblem::TooLong { max: 256 },
            PasswordProblem::Common,
            refusal("zzzzzzzzzzzzzzzz"),
            refusal("password12345678"),
            PasswordProblem::TooEasy { warning: None, suggestions: Vec::new() },
        ] {
            assert_eq!(password_problem(&en, &problem), sentence(&problem.to_string()), "{problem:?}");
        }
    }

    #[test]
    fn every_warning_and_suggestion_is_translated_and_english_matches_zxcvbn() {
        use Suggestion as S;
        use Warning as W;
        let warnings = [
            W::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            W::ThisIsATop10Password,
            W::ThisIsATop100Password,
            W::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess,
            W::CommonNamesAndSurnamesAreEasyToGuess,
        ];
        let suggestions = [
            S::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters,
            S::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            S::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch,
            S::UseALongerKeyboardPatternWithMoreTurns,
            S::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences,
            S::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou,
        ];
        let (en, de, es) = (lang("en"), lang("de"), lang("es"));
        let mut seen = std::collections::HashSet::new();
        let texts = warnings
            .iter()
            .map(|w| (warning_id(*w), w.to_string()))
            .chain(suggestions.iter().map(|s| (suggestion_id(*s), s.to_string())));
        for (id, english) in texts {
            assert!(seen.insert(id), "{id} used twice");
            assert_eq!(en.t(id), english, "{id}");
            for other in [&de, &es] {
                let text = other.t(id);
                assert!(!text.is_empty() && text != english && text != id, "{id} in {}: {text}", other.tag());
            }
        }
        let problem = PasswordProblem::TooEasy {
            warning: Some(W::RepeatsLikeAaaAreEasyToGuess),
            suggestions: vec![S::AddAnotherWordOrTwo],
        };
        assert_eq!(
            password_problem(&de, &problem),
            "Das Passwort ist zu leicht zu erraten: Wiederholungen wie „aaa“ sind leicht zu erraten. \
             Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind besser."
        );
    }

    #[test]
    fn every_address_and_username_reason_is_known() {
        let (en, de) = (lang("en"), lang("de"));
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!("a@{}.com", "b".repeat(260));
        for raw in ["", &long, "alice.example.com", &long_local, "a b@example.com", "alice@example"] {
            let e = Email::parse(raw).expect_err(raw);
            assert_eq!(input_problem(&en, &e), sentence(&e.to_string()), "{raw}");
            assert!(input_problem(&de, &e).starts_with("Die E-Mail-Adresse"), "{raw}: {}", input_problem(&de, &e));
        }
        for raw in ["ab", "al ice", "-alice"] {
            let e = Username::parse(raw).expect_err(raw);
            assert_eq!(input_problem(&en, &e), sentence(&e.to_string()), "{raw}");
            assert!(input_problem(&de, &e).starts_with("Ein Benutzername"), "{raw}: {}", input_problem(&de, &e));
        }
        let too_long = [
            Error::InvalidEmail(EmailProblem::TooLongToCheck { max: 1000 }),
            Error::InvalidUsername(UsernameProblem::TooLongToCheck { max: 1000 }),
        ];
        for e in too_long {
            assert_eq!(input_problem(&en, &e), sentence(&e.to_string()));
            assert!(input_problem(&de, &e).contains("1000"), "{}", input_problem(&de, &e));
        }
    }

    #[test]
    fn core_messages_read_as_sentences() {
        assert_eq!(sentence("the password is too short"), "The password is too short.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(sentence(""), "");
    }
}
