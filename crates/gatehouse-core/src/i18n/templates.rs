//! The `t` function of the templates: `{{ t("login-title") }}`,
//! `{{ t("login-for-app", app=client.name) }}`. It reads the language from
//! the template's `lang` variable (the default language without one), and
//! its text is escaped like any other value. `t_strong` is the same with
//! every argument set in `<strong>` (escaped, like the rest): "Log in to
//! continue to **Acme Notes**", wherever the language puts the name.

use std::sync::Arc;

use fluent_bundle::{FluentArgs, FluentValue};
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, State};

use super::Catalogs;

/// Adds `t` to `env`.
pub fn install(env: &mut Environment<'static>, catalogs: Arc<Catalogs>) {
    let plain = catalogs.clone();
    env.add_function("t", move |state: &State, id: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
        let mut args = FluentArgs::new();
        for name in kwargs.args() {
            let value: Value = kwargs.get(name)?;
            args.set(name.to_owned(), fluent_value(&value));
        }
        Ok(plain.text_in(&language(state, &plain), id, Some(&args)))
    });
    env.add_function("t_strong", move |state: &State, id: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        // Each argument becomes a marker no message holds (private-use
        // characters); the text is escaped, then each marker becomes its
        // value, escaped, in <strong>.
        // `strong="app host"` names the arguments to set in <strong>; all without it.
        let strong: Option<String> = kwargs.get("strong")?;
        let emphasised = |name: &str| strong.as_deref().is_none_or(|list| list.split(' ').any(|n| n == name));
        let mut args = FluentArgs::new();
        let mut values = Vec::new();
        for name in kwargs.args().filter(|n| *n != "strong") {
            let value: Value = kwargs.get(name)?;
            if emphasised(name) {
                args.set(name.to_owned(), FluentValue::from(format!("\u{E000}{}\u{E001}", values.len())));
                values.push(escape(&value.to_string()));
            } else {
                args.set(name.to_owned(), FluentValue::from(format!("\u{E002}{name}\u{E003}")));
                values.push(String::new());
            }
        }
        let mut html = escape(&catalogs.text_in(&language(state, &catalogs), id, Some(&args)));
        for (i, value) in values.iter().enumerate() {
            html = html.replace(&format!("\u{E000}{i}\u{E001}"), &format!("<strong>{value}</strong>"));
        }
        for name in kwargs.args().filter(|n| *n != "strong" && !emphasised(n)) {
            let value: Value = kwargs.get(name)?;
            html = html.replace(&format!("\u{E002}{name}\u{E003}"), &escape(&value.to_string()));
        }
        Ok(Value::from_safe_string(html))
    });
}

/// The template's language: its `lang` variable, else the default.
fn language(state: &State, catalogs: &Catalogs) -> String {
    let lang = state.lookup("lang").and_then(|v| v.as_str().map(str::to_owned));
    lang.unwrap_or_else(|| catalogs.default_locale().tag())
}

/// HTML-escapes text (as minijinja's auto-escape does).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            c => out.push(c),
        }
    }
    out
}

/// A template value as a Fluent argument: numbers stay numbers (plurals
/// depend on them), the rest becomes text.
fn fluent_value(value: &Value) -> FluentValue<'static> {
    match value.kind() {
        ValueKind::Number => match i64::try_from(value.clone()) {
            Ok(n) => FluentValue::from(n),
            Err(_) => FluentValue::from(value.to_string()),
        },
        ValueKind::Undefined | ValueKind::None => FluentValue::from(""),
        _ => FluentValue::from(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_speaks_the_pages_language_and_escapes() {
        let mut env = Environment::new();
        install(&mut env, Arc::new(Catalogs::embedded().unwrap()));
        env.add_template("p", r#"{{ t("language-name") }} {{ t("duration-minutes", count=n) }}"#).unwrap();
        let t = env.get_template("p").unwrap();
        assert_eq!(t.render(minijinja::context! { lang => "de", n => 1 }).unwrap(), "Deutsch 1 Minute");
        assert_eq!(t.render(minijinja::context! { n => 3 }).unwrap(), "English 3 minutes");
        env.add_template("q", r#"{{ t("language-name") }}"#).unwrap();
    }

    #[test]
    fn t_strong_sets_the_arguments_in_strong_and_escapes_everything() {
        let mut env = Environment::new();
        install(&mut env, Arc::new(Catalogs::embedded().unwrap()));
        env.add_template("p", r#"{{ t_strong("login-for-app", app=name) }}"#).unwrap();
        let t = env.get_template("p").unwrap();
        let html = t.render(minijinja::context! { lang => "de", name => "<b>Acme</b> & Co" }).unwrap();
        assert_eq!(
            html,
            "Melden Sie sich an, um mit <strong>&lt;b&gt;Acme&lt;&#x2f;b&gt; &amp; Co</strong> fortzufahren."
        );
        env.add_template("q", r#"{{ t_strong("login-for-app-at", app=name, host=host, strong="app") }}"#).unwrap();
        let html =
            env.get_template("q").unwrap().render(minijinja::context! { name => "Notes", host => "n<x>.example" });
        assert_eq!(html.unwrap(), "Log in to continue to <strong>Notes</strong> (n&lt;x&gt;.example).");
    }
}
