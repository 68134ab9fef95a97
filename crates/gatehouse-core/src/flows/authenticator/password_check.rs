//! How a new password fares against the policy before it is submitted: the
//! strength meter of the sign-up and reset pages asks while the person types.
//! The verdict is the one registration gives for the same input — the same
//! [`PasswordPolicy`](crate::password::PasswordPolicy), with the username and
//! email as context — and the check is limited per IP like the other
//! anonymous endpoints. Nothing is stored, audited or logged.

use secrecy::{ExposeSecret, SecretString};

use super::Authenticator;
use crate::account::{Email, EmailProblem, Username, UsernameProblem};
use crate::audit::ClientInfo;
use crate::error::{Error, Result};
use crate::flows::parts::ip_key;
use crate::password::PasswordProblem;
use crate::ratelimit::Rate;

/// Checks per IP: generous, a meter asks once per pause in typing.
const CHECK_PER_IP: Rate = Rate::per_minute(120);

/// The longest input accepted, in characters (the policy's own maximum, when
/// configured higher, wins for the password).
pub const MAX_INPUT_CHARS: usize = 256;

/// What the policy says of a candidate password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordCheck {
    /// Registration would accept it.
    pub acceptable: bool,
    /// zxcvbn's score, `0..=4`; below `min_score` whenever the password is
    /// refused, so a meter never shows a refused password as strong enough.
    pub score: u8,
    pub min_score: u8,
    pub min_length: usize,
    /// Why it is refused (its `Display` is the English of the API).
    pub problem: Option<PasswordProblem>,
}

impl Authenticator {
    /// Judges `password` as registration would for this username and email.
    /// Too long an input is refused (`weak_password`, `invalid_username`,
    /// `invalid_email`) before any work; `rate_limited` past the per-IP limit.
    pub async fn check_password(
        &self,
        password: &SecretString,
        username: Option<&str>,
        email: Option<&str>,
        client: &ClientInfo,
    ) -> Result<PasswordCheck> {
        self.limits.hit("password_check:ip", &ip_key(client), CHECK_PER_IP).await?;
        let policy = self.config.password_policy;
        let max_password = policy.max_length.max(MAX_INPUT_CHARS);
        if password.expose_secret().chars().count() > max_password {
            return Err(Error::WeakPassword(PasswordProblem::TooLong { max: max_password }));
        }
        let context = [context_username(username)?, context_email(email)?];
        let candidate = password.clone();
        let (score, verdict) = tokio::task::spawn_blocking(move || {
            policy.rate(candidate.expose_secret(), &[context[0].as_str(), context[1].as_str()])
        })
        .await
        .map_err(Error::internal)?;
        let problem = match verdict {
            Ok(_) => None,
            Err(Error::WeakPassword(problem)) => Some(problem),
            Err(other) => return Err(other),
        };
        let acceptable = problem.is_none();
        let score = if acceptable { score } else { score.min(policy.min_score.saturating_sub(1)) };
        Ok(PasswordCheck { acceptable, score, min_score: policy.min_score, min_length: policy.min_length, problem })
    }
}

/// The username as registration would use it (parsed when valid; a name that
/// does not parse still counts as something the password must not be).
fn context_username(raw: Option<&str>) -> Result<String> {
    let raw = raw.unwrap_or("");
    if raw.chars().count() > MAX_INPUT_CHARS {
        return Err(Error::InvalidUsername(UsernameProblem::TooLongToCheck { max: MAX_INPUT_CHARS }));
    }
    Ok(Username::parse(raw).map_or_else(|_| raw.trim().to_owned(), |u| u.as_str().to_owned()))
}

/// The email address as registration would use it (see [`context_username`]).
fn context_email(raw: Option<&str>) -> Result<String> {
    let raw = raw.unwrap_or("");
    if raw.chars().count() > MAX_INPUT_CHARS {
        return Err(Error::InvalidEmail(EmailProblem::TooLongToCheck { max: MAX_INPUT_CHARS }));
    }
    Ok(Email::parse(raw).map_or_else(|_| raw.trim().to_owned(), |e| e.as_str().to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn context_is_the_parsed_value_or_the_trimmed_input() {
        assert_eq!(context_username(Some(" alice ")).unwrap(), "alice");
        assert_eq!(context_username(Some("-x")).unwrap(), "-x");
        assert_eq!(context_username(None).unwrap(), "");
        assert_eq!(context_email(Some("Alice@EXAMPLE.com")).unwrap(), "Alice@example.com");
        assert!(context_email(Some(&"a".repeat(257))).is_err());
        assert!(context_username(Some(&"a".repeat(257))).is_err());
    }
}
