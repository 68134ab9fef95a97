//! The messages Gatehouse sends, rendered from templates (minijinja; HTML
//! auto-escaped) embedded in the binary: a plain-text and an HTML part each,
//! with the product name and links under the public base URL.

use std::time::Duration;

use minijinja::{context, Environment};

use crate::account::{Email, User};
use crate::error::Error;
use crate::mail::Mail;

macro_rules! templates {
    ($env:ident, $($name:literal),* $(,)?) => {
        $( $env.add_template($name, include_str!(concat!("../templates/mail/", $name))).map_err(Error::internal)?; )*
    };
}

/// Renders notices.
pub struct Notices {
    env: Environment<'static>,
    product: String,
    base_url: String,
}

/// "24 hours", "30 minutes".
fn human(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s >= 7200 && s % 3600 == 0 => format!("{} hours", s / 3600),
        3600 => "1 hour".to_owned(),
        s if s >= 120 && s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

/// `a***@example.com` — enough to recognise, not to harvest.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

impl Notices {
    pub fn new(product: &str, base_url: &str) -> Result<Self, Error> {
        let mut env = Environment::new();
        templates!(
            env,
            "layout.html",
            "button.html",
            "verify_email.html",
            "verify_email.txt",
            "reset_password.html",
            "reset_password.txt",
            "password_changed.html",
            "password_changed.txt",
            "confirm_new_email.html",
            "confirm_new_email.txt",
            "email_change_requested.html",
            "email_change_requested.txt",
            "invitation.html",
            "invitation.txt",
            "password_reset_required.html",
            "password_reset_required.txt",
            "second_factors_reset.html",
            "second_factors_reset.txt",
        );
        Ok(Self { env, product: product.to_owned(), base_url: base_url.trim_end_matches('/').to_owned() })
    }

    fn render(&self, to: &Email, subject: String, name: &str, ctx: minijinja::Value) -> Result<Mail, Error> {
        let ctx = context! { product => &self.product, ..ctx };
        let text =
            self.env.get_template(&format!("{name}.txt")).and_then(|t| t.render(&ctx)).map_err(Error::internal)?;
        let html =
            self.env.get_template(&format!("{name}.html")).and_then(|t| t.render(&ctx)).map_err(Error::internal)?;
        Ok(Mail { to: to.clone(), subject, text, html })
    }

    /// A link under the base URL. Marked safe for HTML: it is built from our
    /// own configuration and a base64url token, and escaping would turn `/`
    /// into `&#x2f;`.
    fn link(&self, page: &str, token: &str) -> minijinja::Value {
        let token: String = token.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
        minijinja::Value::from_safe_string(format!("{}/{page}?token={token}", self.base_url))
    }

    pub fn verify_email(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), email => user.email.as_str(),
        link => self.link("verify-email", token), valid_for => human(valid_for) };
        self.render(&user.email, format!("Verify your email address for {}", self.product), "verify_email", ctx)
    }

    pub fn reset_password(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(valid_for) };
        self.render(&user.email, format!("Reset your {} password", self.product), "reset_password", ctx)
    }

    /// An account an operator made without a password: choose one.
    pub fn invitation(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(valid_for) };
        self.render(
            &user.email,
            format!("Your {} account is ready: choose a password", self.product),
            "invitation",
            ctx,
        )
    }

    /// An administrator demands a new password.
    pub fn password_reset_required(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(valid_for) };
        let subject = format!("Choose a new password for your {} account", self.product);
        self.render(&user.email, subject, "password_reset_required", ctx)
    }

    /// An administrator removed the account's second factors.
    pub fn second_factors_reset(&self, user: &User) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str() };
        let subject = format!("The second factors of your {} account were removed", self.product);
        self.render(&user.email, subject, "second_factors_reset", ctx)
    }

    pub fn password_changed(&self, user: &User, all_sessions_ended: bool) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), all_sessions_ended => all_sessions_ended };
        self.render(&user.email, format!("Your {} password was changed", self.product), "password_changed", ctx)
    }

    pub fn confirm_new_email(
        &self,
        user: &User,
        new_email: &Email,
        token: &str,
        valid_for: Duration,
    ) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), email => new_email.as_str(),
        link => self.link("verify-email", token), valid_for => human(valid_for) };
        self.render(new_email, format!("Confirm your new email address for {}", self.product), "confirm_new_email", ctx)
    }

    pub fn email_change_requested(&self, user: &User, new_email: &Email) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), new_email => mask_email(new_email.as_str()) };
        self.render(
            &user.email,
            format!("Email change requested for your {} account", self.product),
            "email_change_requested",
            ctx,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Role, UserId, Username};

    fn user() -> User {
        let now = time::OffsetDateTime::now_utc();
        User {
            id: UserId::new(),
            username: Username::parse("alice<b>").unwrap_or_else(|_| Username::from_trusted("alice<b>".into())),
            email: Email::parse("alice@example.com").unwrap(),
            password_hash: crate::password::StoredHash::new(String::new()),
            is_active: true,
            email_verified: false,
            roles: vec![Role::user()],
            permissions: Vec::new(),
            password_reset_required: false,
            failed_logins: 0,
            locked_until: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn renders_text_and_escaped_html_with_links() {
        let n = Notices::new("Acme ID", "https://id.acme.test/").unwrap();
        let mail = n.verify_email(&user(), "tok123", Duration::from_secs(86400)).unwrap();
        assert_eq!(mail.subject, "Verify your email address for Acme ID");
        assert!(mail.text.contains("https://id.acme.test/verify-email?token=tok123"));
        assert!(mail.text.contains("24 hours"));
        assert!(mail.html.contains("href=\"https://id.acme.test/verify-email?token=tok123\""));
        assert!(mail.html.contains("alice&lt;b&gt;") && !mail.html.contains("alice<b>"), "escaped");
        let reset = n.reset_password(&user(), "r", Duration::from_secs(1800)).unwrap();
        assert!(reset.text.contains("30 minutes") && reset.text.contains("/reset-password?token=r"));
        let invited = n.invitation(&user(), "i", Duration::from_secs(86400)).unwrap();
        assert!(invited.text.contains("/reset-password?token=i") && invited.text.contains("24 hours"));
        assert!(invited.subject.contains("choose a password") && invited.html.contains("Choose your password"));
        let forced = n.password_reset_required(&user(), "f", Duration::from_secs(1800)).unwrap();
        assert!(forced.text.contains("An administrator") && forced.text.contains("/reset-password?token=f"));
        let changed = n.password_changed(&user(), true).unwrap();
        assert!(changed.text.contains("every session was signed out"));
        let new = Email::parse("new@example.org").unwrap();
        assert_eq!(n.email_change_requested(&user(), &new).unwrap().to.as_str(), "alice@example.com");
        assert!(n.email_change_requested(&user(), &new).unwrap().text.contains("n***@example.org"));
        assert_eq!(
            n.confirm_new_email(&user(), &new, "c", Duration::from_secs(86400)).unwrap().to.as_str(),
            "new@example.org"
        );
    }
}
