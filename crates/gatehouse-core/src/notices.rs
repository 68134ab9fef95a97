//! The messages Gatehouse sends, rendered from templates (minijinja; HTML
//! auto-escaped) embedded in the binary: a plain-text and an HTML part each,
//! with the product name and links under the public base URL. Every word
//! comes from the `mail-*` messages of the catalogs (`locales/*/mail.ftl`),
//! in the language of the person the mail is about ([`User::locale`]; the
//! default language without one, or for one the catalogs no longer have).

use std::sync::Arc;
use std::time::Duration;

use minijinja::{context, Environment};

use crate::account::{Email, User};
use crate::error::Error;
use crate::i18n::{Catalogs, FluentArgs, Locale};
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
    catalogs: Arc<Catalogs>,
}

/// "24 hours", "30 Minuten": a whole number of the largest unit that fits
/// exactly, in `locale` (the `duration-*` messages of `common.ftl`).
fn human(catalogs: &Catalogs, locale: &Locale, d: Duration) -> String {
    let secs = d.as_secs();
    let (id, count) = match secs {
        s if s >= 3600 && s % 3600 == 0 => ("duration-hours", s / 3600),
        s if s >= 60 && s % 60 == 0 => ("duration-minutes", s / 60),
        s => ("duration-seconds", s),
    };
    let mut args = FluentArgs::new();
    args.set("count", count);
    catalogs.text(locale, id, Some(&args))
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
    pub fn new(product: &str, base_url: &str, catalogs: Arc<Catalogs>) -> Result<Self, Error> {
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
        crate::i18n::templates::install(&mut env, catalogs.clone());
        Ok(Self { env, product: product.to_owned(), base_url: base_url.trim_end_matches('/').to_owned(), catalogs })
    }

    /// The language of `user`'s mails: theirs if the catalogs have it, else
    /// the default.
    fn locale(&self, user: &User) -> Locale {
        user.locale
            .as_ref()
            .and_then(|l| self.catalogs.supported(l))
            .unwrap_or_else(|| self.catalogs.default_locale().clone())
    }

    /// The mail `name` (`<name>.txt`, `<name>.html`, subject
    /// `mail-<name>-subject`) to `to`, in `locale`.
    fn render(&self, to: &Email, locale: &Locale, name: &str, ctx: minijinja::Value) -> Result<Mail, Error> {
        let mut args = FluentArgs::new();
        args.set("product", self.product.as_str());
        let subject = self.catalogs.text(locale, &format!("mail-{}-subject", name.replace('_', "-")), Some(&args));
        let ctx = context! { product => &self.product, lang => locale.tag(), ..ctx };
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
        let locale = self.locale(user);
        let ctx = context! { username => user.username.as_str(), email => user.email.as_str(),
        link => self.link("verify-email", token), valid_for => human(&self.catalogs, &locale, valid_for) };
        self.render(&user.email, &locale, "verify_email", ctx)
    }

    pub fn reset_password(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let locale = self.locale(user);
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(&self.catalogs, &locale, valid_for) };
        self.render(&user.email, &locale, "reset_password", ctx)
    }

    /// An account an operator made without a password: choose one.
    pub fn invitation(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let locale = self.locale(user);
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(&self.catalogs, &locale, valid_for) };
        self.render(&user.email, &locale, "invitation", ctx)
    }

    /// An administrator demands a new password.
    pub fn password_reset_required(&self, user: &User, token: &str, valid_for: Duration) -> Result<Mail, Error> {
        let locale = self.locale(user);
        let ctx = context! { username => user.username.as_str(), link => self.link("reset-password", token),
        valid_for => human(&self.catalogs, &locale, valid_for) };
        self.render(&user.email, &locale, "password_reset_required", ctx)
    }

    /// An administrator removed the account's second factors.
    pub fn second_factors_reset(&self, user: &User) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str() };
        self.render(&user.email, &self.locale(user), "second_factors_reset", ctx)
    }

    pub fn password_changed(&self, user: &User, all_sessions_ended: bool) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), all_sessions_ended => all_sessions_ended };
        self.render(&user.email, &self.locale(user), "password_changed", ctx)
    }

    /// To the new address, in the user's language (the address is new, the
    /// person is not).
    pub fn confirm_new_email(
        &self,
        user: &User,
        new_email: &Email,
        token: &str,
        valid_for: Duration,
    ) -> Result<Mail, Error> {
        let locale = self.locale(user);
        let ctx = context! { username => user.username.as_str(), email => new_email.as_str(),
        link => self.link("verify-email", token), valid_for => human(&self.catalogs, &locale, valid_for) };
        self.render(new_email, &locale, "confirm_new_email", ctx)
    }

    pub fn email_change_requested(&self, user: &User, new_email: &Email) -> Result<Mail, Error> {
        let ctx = context! { username => user.username.as_str(), new_email => mask_email(new_email.as_str()) };
        self.render(&user.email, &self.locale(user), "email_change_requested", ctx)
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
            locale: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn notices() -> Notices {
        Notices::new("Acme ID", "https://id.acme.test/", Arc::new(Catalogs::embedded().unwrap())).unwrap()
    }

    fn user_in(tag: &str) -> User {
        User { locale: Locale::parse(tag), ..user() }
    }

    #[test]
    fn renders_text_and_escaped_html_with_links() {
        let n = notices();
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

    #[test]
    fn a_german_user_gets_a_german_mail() {
        let n = notices();
        let mail = n.reset_password(&user_in("de"), "r", Duration::from_secs(1800)).unwrap();
        assert_eq!(mail.subject, "Setzen Sie Ihr Passwort für Acme ID zurück");
        assert!(mail.html.starts_with("<!doctype html>\n<html lang=\"de\">"), "{}", mail.html);
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("30 Minuten") && !part.contains("30 minutes"), "{part}");
            assert!(part.contains("Jemand hat angefordert, das Passwort Ihres Kontos bei Acme ID zurückzusetzen."));
            assert!(!part.contains("Hello") && !part.contains("Someone asked"), "no English: {part}");
        }
        assert!(
            mail.text.contains("Hallo alice<b>,") && mail.text.contains("https://id.acme.test/reset-password?token=r")
        );
        assert!(mail.html.contains("Hallo alice&lt;b&gt;,") && !mail.html.contains("alice<b>"), "escaped");
        assert!(mail.html.contains("href=\"https://id.acme.test/reset-password?token=r\""));
        assert!(mail.html.contains("Neues Passwort wählen") && mail.html.contains("Ihr Passwort bleibt unverändert"));
        // Every mail of a Spanish user is Spanish, from subject to footer.
        let es = user_in("es-MX");
        let invited = n.invitation(&es, "i", Duration::from_secs(86400)).unwrap();
        assert_eq!(invited.subject, "Su cuenta de Acme ID está lista: elija una contraseña");
        assert!(invited.html.contains("<html lang=\"es\">") && invited.text.contains("24 horas"), "{}", invited.text);
        let changed = n.password_changed(&es, false).unwrap();
        assert!(changed.text.contains("se cerraron sus otras sesiones"), "{}", changed.text);
        // The confirmation to a new address is in the person's language too.
        let new = Email::parse("new@example.org").unwrap();
        let confirm = n.confirm_new_email(&user_in("de"), &new, "c", Duration::from_secs(3600)).unwrap();
        assert!(confirm.subject.starts_with("Bestätigen Sie") && confirm.text.contains("1 Stunde"), "{}", confirm.text);
    }

    #[test]
    fn a_language_the_catalogs_lack_gets_the_default() {
        let n = notices();
        for user in [user_in("fr"), user()] {
            let mail = n.verify_email(&user, "v", Duration::from_secs(90)).unwrap();
            assert_eq!(mail.subject, "Verify your email address for Acme ID");
            assert!(mail.html.contains("<html lang=\"en\">") && mail.text.contains("90 seconds"), "{}", mail.text);
        }
        let de = Catalogs::load(None, &Locale::parse("de").unwrap()).unwrap();
        let n = Notices::new("Acme ID", "https://id.acme.test", Arc::new(de)).unwrap();
        let mail = n.password_changed(&user_in("fr"), true).unwrap();
        assert_eq!(mail.subject, "Ihr Passwort für Acme ID wurde geändert");
        assert!(mail.html.contains("<html lang=\"de\">"));
    }

    #[test]
    fn every_mail_has_every_message_in_every_language() {
        let n = notices();
        let new = Email::parse("new@example.org").unwrap();
        let d = Duration::from_secs(60);
        for tag in ["en", "de", "es"] {
            let u = user_in(tag);
            let mails = [
                n.verify_email(&u, "t", d).unwrap(),
                n.reset_password(&u, "t", d).unwrap(),
                n.invitation(&u, "t", d).unwrap(),
                n.password_reset_required(&u, "t", d).unwrap(),
                n.second_factors_reset(&u).unwrap(),
                n.password_changed(&u, true).unwrap(),
                n.password_changed(&u, false).unwrap(),
                n.confirm_new_email(&u, &new, "t", d).unwrap(),
                n.email_change_requested(&u, &new).unwrap(),
            ];
            for mail in mails {
                for part in [&mail.subject, &mail.text, &mail.html] {
                    // A missing message shows as its id; a missing argument as `{$name}`.
                    assert!(!part.contains("mail-") && !part.contains("{$"), "{tag}: {part}");
                }
                assert!(mail.html.contains(&format!("<html lang=\"{tag}\">")));
            }
        }
    }
}
