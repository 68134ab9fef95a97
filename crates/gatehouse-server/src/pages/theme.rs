//! The look of the pages: templates (minijinja, HTML auto-escaped) and static
//! assets (stylesheet, the few scripts), embedded in the binary. An operator
//! can override any of them by placing a file of the same name in the theme
//! directory (`theme_dir`): `login.html`, `gatehouse.css`, … Overrides are
//! read and every template is compiled at start-up, so a broken theme stops
//! the server with a clear message instead of failing a sign-in later.
//!
//! The theme directory may also hold the operator's logo (`logo.svg`,
//! `logo.png` or `logo.webp`, the first found): the pages show it beside the
//! product name, and the OAuth pages show the asking application's own.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use gatehouse_core::i18n::Catalogs;
use minijinja::Environment;

/// The embedded templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/pages/layout.html")),
    ("macros.html", include_str!("../../templates/pages/macros.html")),
    ("message.html", include_str!("../../templates/pages/message.html")),
    ("login.html", include_str!("../../templates/pages/login.html")),
    ("mfa.html", include_str!("../../templates/pages/mfa.html")),
    ("register.html", include_str!("../../templates/pages/register.html")),
    ("forgot_password.html", include_str!("../../templates/pages/forgot_password.html")),
    ("reset_password.html", include_str!("../../templates/pages/reset_password.html")),
    ("verify_email.html", include_str!("../../templates/pages/verify_email.html")),
    ("consent.html", include_str!("../../templates/pages/consent.html")),
    ("logout_confirm.html", include_str!("../../templates/pages/logout_confirm.html")),
    ("account.html", include_str!("../../templates/pages/account.html")),
    ("account_totp.html", include_str!("../../templates/pages/account_totp.html")),
    ("account_codes.html", include_str!("../../templates/pages/account_codes.html")),
    ("admin_layout.html", include_str!("../../templates/pages/admin_layout.html")),
    ("admin_users.html", include_str!("../../templates/pages/admin_users.html")),
    ("admin_user.html", include_str!("../../templates/pages/admin_user.html")),
    ("admin_clients.html", include_str!("../../templates/pages/admin_clients.html")),
    ("admin_client.html", include_str!("../../templates/pages/admin_client.html")),
    ("admin_roles.html", include_str!("../../templates/pages/admin_roles.html")),
    ("admin_role.html", include_str!("../../templates/pages/admin_role.html")),
    ("admin_upstreams.html", include_str!("../../templates/pages/admin_upstreams.html")),
    ("admin_keys.html", include_str!("../../templates/pages/admin_keys.html")),
    ("admin_confirm.html", include_str!("../../templates/pages/admin_confirm.html")),
    ("admin_audit.html", include_str!("../../templates/pages/admin_audit.html")),
];

/// The embedded assets, by name: (bytes, content type).
const ASSETS: &[(&str, &[u8], &str)] = &[
    ("gatehouse.css", include_bytes!("../../assets/gatehouse.css"), "text/css; charset=utf-8"),
    ("forms.js", include_bytes!("../../assets/forms.js"), "text/javascript; charset=utf-8"),
    ("password.js", include_bytes!("../../assets/password.js"), "text/javascript; charset=utf-8"),
    ("passkey.js", include_bytes!("../../assets/passkey.js"), "text/javascript; charset=utf-8"),
    ("backup_codes.js", include_bytes!("../../assets/backup_codes.js"), "text/javascript; charset=utf-8"),
    // Inter (SIL Open Font License 1.1, the licence beside it), the Latin
    // subset of the variable font: one file for every weight.
    ("inter-latin-wght-normal.woff2", include_bytes!("../../assets/inter-latin-wght-normal.woff2"), "font/woff2"),
    ("Inter-LICENSE.txt", include_bytes!("../../assets/Inter-LICENSE.txt"), "text/plain; charset=utf-8"),
];

/// The logo files an operator may place in the theme directory, in the
/// order they are looked for.
const LOGOS: &[(&str, &str)] = &[("logo.svg", "image/svg+xml"), ("logo.png", "image/png"), ("logo.webp", "image/webp")];

/// Templates and assets, with the operator's overrides applied.
pub struct Theme {
    env: Environment<'static>,
    /// Shared bytes: serving one clones a reference, not the file.
    assets: HashMap<&'static str, (Bytes, &'static str)>,
    logo: Option<&'static str>,
}

impl Theme {
    /// The embedded theme.
    pub fn embedded(catalogs: Arc<Catalogs>) -> Result<Self, String> {
        Self::load(None, catalogs)
    }

    /// The embedded theme with the files of `dir` (when given) in place of
    /// the embedded ones of the same name. Unknown files in `dir` are ignored.
    /// The templates speak the `catalogs` (see [`gatehouse_core::i18n`]).
    pub fn load(dir: Option<&Path>, catalogs: Arc<Catalogs>) -> Result<Self, String> {
        let read = |name: &str| -> Result<Option<Vec<u8>>, String> {
            let Some(dir) = dir else { return Ok(None) };
            let path = dir.join(name);
            match std::fs::read(&path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("cannot read theme file {}: {e}", path.display())),
            }
        };
        let mut templates = HashMap::new();
        for (name, source) in TEMPLATES {
            let text = match read(name)? {
                Some(bytes) => String::from_utf8(bytes).map_err(|_| format!("theme file {name} is not UTF-8"))?,
                None => (*source).to_owned(),
            };
            templates.insert(*name, text);
        }
        let mut assets = HashMap::new();
        for (name, body, kind) in ASSETS {
            let bytes = read(name)?.map_or_else(|| Bytes::from_static(body), Bytes::from);
            assets.insert(*name, (bytes, *kind));
        }
        let mut logo = None;
        for (name, kind) in LOGOS {
            if let Some(bytes) = read(name)? {
                assets.insert(*name, (Bytes::from(bytes), *kind));
                logo = Some(*name);
                break;
            }
        }
        let mut env = Environment::new();
        env.set_loader(move |name| Ok(templates.get(name).cloned()));
        gatehouse_core::i18n::templates::install(&mut env, catalogs);
        for (name, _) in TEMPLATES {
            env.get_template(name).map_err(|e| format!("template {name}: {e:#}"))?;
        }
        Ok(Self { env, assets, logo })
    }

    /// Renders template `name`.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// An asset's bytes and content type.
    pub fn asset(&self, name: &str) -> Option<(Bytes, &'static str)> {
        self.assets.get(name).map(|(body, kind)| (body.clone(), *kind))
    }

    /// Where the operator's logo is served, when the theme has one.
    pub fn logo(&self) -> Option<String> {
        self.logo.map(|name| format!("/assets/{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs() -> Arc<Catalogs> {
        Arc::new(Catalogs::embedded().unwrap())
    }

    #[test]
    fn every_embedded_template_compiles() {
        let theme = Theme::embedded(catalogs()).unwrap();
        assert!(theme.asset("gatehouse.css").is_some());
        assert!(theme.asset("../master.key").is_none());
    }

    #[test]
    fn a_theme_file_replaces_the_embedded_one_and_a_broken_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("gatehouse-theme-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("message.html"), "<p>custom {{ message }}</p>").unwrap();
        std::fs::write(dir.join("gatehouse.css"), "body{color:red}").unwrap();
        let theme = Theme::load(Some(&dir), catalogs()).unwrap();
        let html = theme.render("message.html", minijinja::context! { message => "<hi>" }).unwrap();
        assert_eq!(html, "<p>custom &lt;hi&gt;</p>");
        assert_eq!(theme.asset("gatehouse.css").unwrap().0, &b"body{color:red}"[..]);
        assert_eq!(theme.logo(), None);
        std::fs::write(dir.join("logo.png"), b"\x89PNG").unwrap();
        let theme = Theme::load(Some(&dir), catalogs()).unwrap();
        assert_eq!(theme.logo().as_deref(), Some("/assets/logo.png"));
        assert_eq!(theme.asset("logo.png").unwrap(), (Bytes::from_static(b"\x89PNG"), "image/png"));
        std::fs::write(dir.join("login.html"), "{% if %}").unwrap();
        let err = Theme::load(Some(&dir), catalogs()).err().unwrap();
        assert!(err.contains("login.html"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
