//! Retention: what the janitor deletes, and why each kind may go.
//!
//! Nothing a person or a client can still use is deleted:
//! - a **session** once it has ended — revoked, or past its idle or absolute
//!   deadline — with its **refresh tokens**. A live session keeps its spent
//!   tokens (reuse detection needs them); its absolute lifetime bounds them.
//! - **email links**, **MFA challenges** and **WebAuthn ceremonies** past their
//!   expiry (used or not: a used one expired too);
//! - **authorization codes** a day past their expiry (a replay within that day
//!   still revokes what the code issued);
//! - **audit records** older than `audit_retention`, when it is set;
//! - the failed sign-ins of **login names no account has**, a day after the
//!   last one (a failure older than that counts for nothing any more).

use time::OffsetDateTime;

/// How long an expired authorization code is kept, so that a late replay is
/// still recognised as one.
pub const CODE_REPLAY_MEMORY: time::Duration = time::Duration::days(1);

/// How long a failed sign-in counts towards a lockout: a failure after a day
/// without one counts as the first (accounts and unknown names alike).
pub const LOGIN_FAILURE_MEMORY: time::Duration = time::Duration::days(1);

/// What to delete: everything expired at `now`, and audit records before
/// `audit_before` (none when `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurgeRequest {
    pub now: OffsetDateTime,
    pub audit_before: Option<OffsetDateTime>,
}

/// Rows deleted by one purge, per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub refresh_tokens: u64,
    pub email_tokens: u64,
    pub authorization_codes: u64,
    pub mfa_challenges: u64,
    pub webauthn_ceremonies: u64,
    pub audit_records: u64,
    /// Failure counts of login names no account has.
    pub login_names: u64,
}

impl Purged {
    /// Each kind with its count, in a fixed order (the metric's `kind` label,
    /// the CLI's lines).
    pub fn kinds(&self) -> [(&'static str, u64); 8] {
        [
            ("sessions", self.sessions),
            ("refresh_tokens", self.refresh_tokens),
            ("email_tokens", self.email_tokens),
            ("authorization_codes", self.authorization_codes),
            ("mfa_challenges", self.mfa_challenges),
            ("webauthn_ceremonies", self.webauthn_ceremonies),
            ("audit_records", self.audit_records),
            ("login_names", self.login_names),
        ]
    }

    pub fn total(&self) -> u64 {
        self.kinds().iter().map(|(_, n)| n).sum()
    }
}
