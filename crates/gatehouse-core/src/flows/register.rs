//! Self-service registration: parse, apply the password policy, hash, insert.

use secrecy::{ExposeSecret, SecretString};

use super::{ip_key, Accounts};
use crate::account::{Email, NewUser, User, UserId, Username};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::lifecycle::EmailTokenKind;

/// What a person submits to register.
pub struct RegisterRequest {
    pub username: String,
    pub email: String,
    pub password: SecretString,
}

impl Accounts {
    pub async fn register(&self, req: RegisterRequest, client: &ClientInfo) -> Result<User> {
        self.limit("register:ip", &ip_key(client), self.config.limits.register_per_ip).await?;
        let username = Username::parse(&req.username)?;
        let email = Email::parse(&req.email)?;
        let hash = self.hash_new_password(&req.password, [username.as_str(), email.as_str()]).await?;
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: hash,
            email_verified: false,
            roles: self.config.default_roles.clone(),
            created_at: self.now(),
        };
        // The account, its verification link and the record: one unit.
        let unit = self.begin().await?;
        let user = match unit.insert_user(&new).await {
            Ok(user) => user,
            Err(e) => {
                drop(unit);
                let err = Error::from(e);
                self.audit(AuditEvent::new(AuditKind::Register, Outcome::Failure, client).detail(err.code().as_str()))
                    .await;
                return Err(err);
            }
        };
        let link = self.issue_token_in(unit.as_ref(), &user, EmailTokenKind::VerifyEmail, None).await?;
        self.audit_in(
            unit.as_ref(),
            AuditEvent::new(AuditKind::Register, Outcome::Success, client).by_and_for(user.id),
        )
        .await?;
        unit.commit().await?;
        self.mail(self.notices.verify_email(&user, link.expose_secret(), self.config.email_verification_ttl));
        Ok(user)
    }
}
