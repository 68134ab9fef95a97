//! A user agent as a person reads it: "Chrome on Linux", "Safari on iPhone",
//! "curl". The account's sessions and the audit log show this, with the raw
//! string kept in a tooltip. It names, it never decides: nothing checks a
//! session or an event by what this says.

use super::Lang;

/// Browsers, in the order they are told apart: several claim to be the ones
/// after them ("Edg/… Chrome/… Safari/…").
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Vivaldi/", "Vivaldi"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
];

/// Systems, in the same spirit: Android says "Linux" too.
const SYSTEMS: &[(&str, &str)] = &[
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
];

/// A short name for `agent` in `lang`: browser and system when both are
/// known ("Chrome on Linux"; the names themselves stay as they are), else
/// the program's own name (its first product token, e.g. "curl"), else nothing.
pub fn describe_in(lang: &Lang, agent: &str) -> Option<String> {
    Some(match name(agent)? {
        Name::Both(browser, system) => {
            lang.t_with("account-device", [("browser", browser.into()), ("system", system.into())])
        }
        Name::System(system) => lang.t_with("account-device-unknown-browser", [("system", system.into())]),
        Name::Program(program) => program,
    })
}

/// What is known of a user agent.
enum Name {
    /// A browser on a system.
    Both(&'static str, &'static str),
    /// A system, its browser unknown.
    System(&'static str),
    /// A browser alone, or a program ("curl").
    Program(String),
}

fn name(agent: &str) -> Option<Name> {
    let browser = BROWSERS.iter().find(|(token, _)| agent.contains(token)).map(|(_, name)| *name);
    let system = SYSTEMS.iter().find(|(token, _)| agent.contains(token)).map(|(_, name)| *name);
    match (browser, system) {
        (Some(browser), Some(system)) => Some(Name::Both(browser, system)),
        (Some(browser), None) => Some(Name::Program(browser.to_owned())),
        (None, Some(system)) => Some(Name::System(system)),
        (None, None) => {
            let product = agent.split(['/', ' ']).next().unwrap_or("").trim();
            let readable = !product.is_empty()
                && product.len() <= 40
                && product.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            readable.then(|| Name::Program(product.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::describe_in;
    use crate::pages::lang::tests::lang;

    fn describe(agent: &str) -> Option<String> {
        describe_in(&lang("en"), agent)
    }

    #[test]
    fn browsers_and_systems_are_named() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on macOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
                "Samsung Internet on Android",
            ),
            ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS"),
            ("curl/8.5.0", "curl"),
            ("python-requests/2.32.3", "python-requests"),
        ];
        for (agent, named) in cases {
            assert_eq!(describe(agent).as_deref(), Some(named), "{agent}");
        }
    }

    #[test]
    fn the_words_between_the_names_are_the_page_language() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(describe_in(&lang("de"), chrome).as_deref(), Some("Chrome auf Linux"));
        assert_eq!(describe_in(&lang("es"), chrome).as_deref(), Some("Chrome en Linux"));
        let unknown = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko-ish";
        assert_eq!(describe(unknown).as_deref(), Some("A browser on Windows"));
        assert_eq!(describe_in(&lang("de"), unknown).as_deref(), Some("Ein Browser auf Windows"));
    }

    #[test]
    fn nothing_readable_is_no_name() {
        assert_eq!(describe(""), None);
        assert_eq!(describe("<script>"), None);
        assert_eq!(describe(&"x".repeat(300)), None);
    }
}
