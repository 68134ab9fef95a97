//! [`Catalogs`]: the Fluent messages of every language, embedded, with the
//! operator's files (`theme_dir/locales/<language>/*.ftl`) on top.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_langneg::{negotiate_languages, NegotiationStrategy};
use unic_langid::LanguageIdentifier;

use super::Locale;

macro_rules! embedded {
    ($($lang:literal),*) => {
        &[$(
            ($lang, "common", include_str!(concat!("../../locales/", $lang, "/common.ftl"))),
            ($lang, "sign_in", include_str!(concat!("../../locales/", $lang, "/sign_in.ftl"))),
            ($lang, "account", include_str!(concat!("../../locales/", $lang, "/account.ftl"))),
            ($lang, "admin", include_str!(concat!("../../locales/", $lang, "/admin.ftl"))),
            ($lang, "mail", include_str!(concat!("../../locales/", $lang, "/mail.ftl"))),
        )*]
    };
}

/// The embedded catalogs: (language, area, source).
const EMBEDDED: &[(&str, &str, &str)] = embedded!("en", "de", "es");

type Bundle = FluentBundle<FluentResource>;

/// A language people may choose, named in itself ("Deutsch").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Language {
    pub locale: Locale,
    pub name: String,
}

/// The messages of every language.
pub struct Catalogs {
    bundles: HashMap<String, Bundle>,
    /// In a stable order: the default first, then by tag.
    languages: Vec<Language>,
    available: Vec<LanguageIdentifier>,
    default: Locale,
}

impl fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tags: Vec<String> = self.languages.iter().map(|l| l.locale.tag()).collect();
        f.debug_struct("Catalogs").field("languages", &tags).field("default", &self.default.tag()).finish()
    }
}

impl Catalogs {
    /// The embedded catalogs, English by default.
    pub fn embedded() -> Result<Self, String> {
        Self::load(None, &Locale::english())
    }

    /// The embedded catalogs with the operator's `dir/locales/<language>/*.ftl`
    /// on top: a message there replaces the embedded one of the same id, and
    /// a new language directory adds a language (its missing messages fall
    /// back to `default`). A file that does not parse stops the start with
    /// its name and line.
    pub fn load(dir: Option<&Path>, default: &Locale) -> Result<Self, String> {
        let mut sources: Vec<(String, String, String)> = EMBEDDED
            .iter()
            .map(|(lang, area, src)| ((*lang).into(), format!("{lang}/{area}.ftl"), (*src).into()))
            .collect();
        let embedded_count = sources.len();
        if let Some(dir) = dir {
            sources.extend(operator_files(&dir.join("locales"))?);
        }
        let mut bundles: HashMap<String, Bundle> = HashMap::new();
        for (i, (lang, name, src)) in sources.into_iter().enumerate() {
            let locale = Locale::parse(&lang).ok_or_else(|| format!("locales/{lang}: not a language tag"))?;
            let resource = FluentResource::try_new(src).map_err(|(_, errors)| {
                let first = errors.first().map(|e| format!("{e:?}")).unwrap_or_default();
                format!("locales/{name}: cannot parse: {first}")
            })?;
            let bundle = bundles.entry(locale.tag()).or_insert_with(|| {
                let mut b = Bundle::new_concurrent(vec![locale.id().clone()]);
                // No bidi isolation marks around values: they would land
                // in mail subjects and form values as invisible characters.
                b.set_use_isolating(false);
                b
            });
            if i < embedded_count {
                bundle.add_resource(resource).map_err(|e| format!("locales/{name}: {e:?}"))?;
            } else {
                bundle.add_resource_overriding(resource);
            }
        }
        if !bundles.contains_key(&default.tag()) {
            return Err(format!("default language {default}: there is no catalog for it"));
        }
        let mut languages: Vec<Language> = bundles
            .keys()
            .filter_map(|tag| Locale::parse(tag))
            .map(|locale| Language { name: String::new(), locale })
            .collect();
        languages.sort_by_key(|l| (l.locale != *default, l.locale.tag()));
        let mut catalogs = Self {
            available: languages.iter().map(|l| l.locale.id().clone()).collect(),
            bundles,
            languages,
            default: default.clone(),
        };
        for i in 0..catalogs.languages.len() {
            let name = catalogs.text(&catalogs.languages[i].locale, "language-name", None);
            catalogs.languages[i].name = name;
        }
        Ok(catalogs)
    }

    /// The languages people may choose, the default first.
    pub fn languages(&self) -> &[Language] {
        &self.languages
    }

    pub fn default_locale(&self) -> &Locale {
        &self.default
    }

    /// The best language for what a person asked for, most wanted first
    /// (`de-AT` gets `de`); the default when none is had.
    pub fn negotiate<'a>(&self, wanted: impl IntoIterator<Item = &'a Locale>) -> Locale {
        let wanted: Vec<LanguageIdentifier> = wanted.into_iter().map(|l| l.id().clone()).collect();
        self.best(&wanted).unwrap_or_else(|| self.default.clone())
    }

    /// The best language for an `Accept-Language` header, if it names one
    /// the catalogs have.
    pub fn from_accept_language(&self, header: &str) -> Option<Locale> {
        self.best(&fluent_langneg::accepted_languages::parse(header)[..])
    }

    /// A language the catalogs have, as it was asked for (`de-DE` gets
    /// `de`); `None` for one they lack.
    pub fn supported(&self, locale: &Locale) -> Option<Locale> {
        self.best(std::slice::from_ref(locale.id()))
    }

    fn best(&self, wanted: &[LanguageIdentifier]) -> Option<Locale> {
        negotiate_languages(wanted, &self.available, None, NegotiationStrategy::Filtering)
            .first()
            .map(|id| Locale::from_id((*id).clone()))
    }

    /// Message `id` in `locale`, with `args` in its placeables; from the
    /// default language when the catalog lacks it, and the id itself when
    /// no catalog has it (a test keeps every id in every embedded catalog).
    pub fn text(&self, locale: &Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.text_in(&locale.tag(), id, args)
    }

    /// Like [`Catalogs::text`], for a language given by its tag.
    pub fn text_in(&self, tag: &str, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let found = self
            .bundles
            .get(tag)
            .and_then(|b| b.get_message(id).map(|m| (b, m)))
            .or_else(|| self.bundles.get(&self.default.tag()).and_then(|b| b.get_message(id).map(|m| (b, m))))
            .or_else(|| self.bundles.get("en").and_then(|b| b.get_message(id).map(|m| (b, m))));
        let Some((bundle, message)) = found else { return id.to_owned() };
        let Some(pattern) = message.value() else { return id.to_owned() };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(message = id, language = tag, "a message is missing an argument");
        }
        text.into_owned()
    }

    /// The ids of the messages of the embedded catalog of `tag` (the tests
    /// compare them across languages).
    pub fn embedded_ids(tag: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for (_, _, src) in EMBEDDED.iter().filter(|(lang, _, _)| *lang == tag) {
            if let Ok(resource) = FluentResource::try_new((*src).to_owned()) {
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.push(m.id.name.to_owned());
                    }
                }
            }
        }
        ids.sort();
        ids
    }
}

/// The operator's `.ftl` files: (language, name, source), in name order.
fn operator_files(root: &Path) -> Result<Vec<(String, String, String)>, String> {
    let langs = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", root.display())),
    };
    let mut files = Vec::new();
    for lang in langs {
        let lang = lang.map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        if !lang.path().is_dir() {
            continue;
        }
        let tag = lang.file_name().to_string_lossy().into_owned();
        let entries =
            std::fs::read_dir(lang.path()).map_err(|e| format!("cannot read {}: {e}", lang.path().display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("cannot read {}: {e}", lang.path().display()))?.path();
            if path.extension().is_some_and(|x| x == "ftl") {
                let src = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let name = format!("{tag}/{}", path.file_name().unwrap_or_default().to_string_lossy());
                files.push((tag.clone(), name, src));
            }
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de() -> Locale {
        Locale::parse("de").unwrap()
    }

    #[test]
    fn every_embedded_catalog_has_every_english_message_and_no_other() {
        let english = Catalogs::embedded_ids("en");
        assert!(english.len() > 50, "{}", english.len());
        for tag in ["de", "es"] {
            let ids = Catalogs::embedded_ids(tag);
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{tag}: missing {missing:?}, extra {extra:?}");
        }
        // Every embedded file parses, with no id twice in one language.
        Catalogs::embedded().unwrap();
    }

    #[test]
    fn a_header_or_a_pick_chooses_and_anything_else_gets_the_default() {
        let c = Catalogs::embedded().unwrap();
        assert_eq!(c.from_accept_language("de-AT,de;q=0.9,en;q=0.5").unwrap().tag(), "de");
        assert_eq!(c.from_accept_language("fr-FR, es;q=0.4").unwrap().tag(), "es");
        assert_eq!(c.from_accept_language("fr, ja"), None);
        assert_eq!(c.from_accept_language(""), None);
        assert_eq!(c.negotiate([&Locale::parse("fr").unwrap()]).tag(), "en");
        assert_eq!(c.supported(&Locale::parse("es-MX").unwrap()).unwrap().tag(), "es");
        let names: Vec<_> = c.languages().iter().map(|l| (l.locale.tag(), l.name.as_str())).collect();
        assert_eq!(names, [("en".into(), "English"), ("de".into(), "Deutsch"), ("es".into(), "Español")]);
    }

    #[test]
    fn a_message_is_in_the_language_asked_with_its_arguments() {
        let c = Catalogs::embedded().unwrap();
        assert_eq!(c.text(&de(), "language-name", None), "Deutsch");
        let mut args = FluentArgs::new();
        args.set("count", 1);
        assert_eq!(c.text(&Locale::english(), "duration-minutes", Some(&args)), "1 minute");
        args.set("count", 5);
        assert_eq!(c.text(&de(), "duration-minutes", Some(&args)), "5 Minuten");
        assert_eq!(c.text(&de(), "no-such-message", None), "no-such-message");
    }

    #[test]
    fn an_operator_changes_a_message_adds_a_language_and_a_broken_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("gatehouse-locales-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("locales/de")).unwrap();
        std::fs::create_dir_all(dir.join("locales/fr")).unwrap();
        std::fs::write(dir.join("locales/de/mine.ftl"), "language-name = Deutsch (Firma)\n").unwrap();
        std::fs::write(dir.join("locales/fr/common.ftl"), "language-name = Français\n").unwrap();
        let c = Catalogs::load(Some(&dir), &Locale::english()).unwrap();
        assert_eq!(c.text(&de(), "language-name", None), "Deutsch (Firma)");
        let fr = Locale::parse("fr").unwrap();
        assert_eq!(c.from_accept_language("fr-CA").unwrap(), fr);
        assert_eq!(c.text(&fr, "language-name", None), "Français");
        // What French lacks comes from the default language.
        let mut args = FluentArgs::new();
        args.set("count", 2);
        assert_eq!(c.text(&fr, "duration-minutes", Some(&args)), "2 minutes");
        let c = Catalogs::load(Some(&dir), &de()).unwrap();
        assert_eq!(c.languages()[0].locale, de());
        assert_eq!(c.text(&fr, "duration-minutes", Some(&args)), "2 Minuten");
        std::fs::write(dir.join("locales/fr/broken.ftl"), "this is = = not fluent {\n").unwrap();
        let err = Catalogs::load(Some(&dir), &Locale::english()).unwrap_err();
        assert!(err.contains("fr/broken.ftl"), "{err}");
        assert!(Catalogs::load(None, &Locale::parse("ja").unwrap()).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
