//! Self-service registration: parse, apply the password policy, hash, insert.

use secrecy::{ExposeSecret, SecretString};

use super::AccountLifecycle;
use crate::account::{Email, NewUser, User, UserId, Username};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::ip_key;
use crate::i18n::Locale;
use crate::lifecycle::EmailTokenKind;

/// What a person submits to register.
pub struct RegisterRequest {
    pub username: String,
    pub email: String,
    pub password: SecretString,
    /// The language the person asked in (`Accept-Language`, the page's
    /// language): their mails, the verification mail first, are in it. One
    /// the catalogs lack is stored as `None` (the default).
    pub locale: Option<Locale>,
}

impl AccountLifecycle {
    pub async fn register(&self, req: RegisterRequest, client: &ClientInfo) -> Result<User> {
        self.limits.hit("register:ip", &ip_key(client), self.config.limits.register_per_ip).await?;
        let username = Username::parse(&req.username)?;
        let email = Email::parse(&req.email)?;
        let hash = self.passwords.hash_new(&req.password, [username.as_str(), email.as_str()]).await?;
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: hash,
            email_verified: false,
            roles: self.config.default_roles.clone(),
            locale: req.locale.as_ref().and_then(|l| self.config.catalogs.supported(l)),
            created_at: self.clock.now(),
        };
        // The account, its verification link and the record: one unit.
        let unit = self.units.begin().await?;
        let user = match unit.insert_user(&new).await {
            Ok(user) => user,
            Err(e) => {
                drop(unit);
                let err = Error::from(e);
                self.audit
                    .record(AuditEvent::new(AuditKind::Register, Outcome::Failure, client).detail(err.code().as_str()))
                    .await;
                return Err(err);
            }
        };
        let link = self.links.issue_token_in(unit.as_ref(), &user, EmailTokenKind::VerifyEmail, None).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::Register, Outcome::Success, client).by_and_for(user.id),
            )
            .await?;
        unit.commit().await?;
        self.outbox.mail(self.outbox.notices.verify_email(
            &user,
            link.expose_secret(),
            self.config.email_verification_ttl,
        ));
        Ok(user)
    }
}
