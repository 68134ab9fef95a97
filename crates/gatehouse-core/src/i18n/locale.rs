//! [`Locale`]: a language tag (BCP 47: `de`, `es`, `pt-BR`), parsed once.

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

/// A language, as its tag. Whether Gatehouse has a catalog for it is the
/// business of [`super::Catalogs::negotiate`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Locale(LanguageIdentifier);

impl Locale {
    /// English: the language every message exists in.
    pub fn english() -> Self {
        Self(unic_langid::langid!("en"))
    }

    /// Parses a tag; `None` for anything that is not one.
    pub fn parse(tag: &str) -> Option<Self> {
        if tag.is_empty() || tag.len() > 35 {
            return None;
        }
        LanguageIdentifier::from_str(tag).ok().filter(|id| id.language.as_str() != "und").map(Self)
    }

    pub(crate) fn id(&self) -> &LanguageIdentifier {
        &self.0
    }

    pub(crate) fn from_id(id: LanguageIdentifier) -> Self {
        Self(id)
    }

    /// The tag, as `<html lang>` and a cookie want it.
    pub fn tag(&self) -> String {
        self.0.to_string()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::Locale;

    #[test]
    fn tags_parse_and_garbage_does_not() {
        assert_eq!(Locale::parse("de").unwrap().tag(), "de");
        assert_eq!(Locale::parse("pt-br").unwrap().tag(), "pt-BR");
        for bad in ["", "und", "not a tag", "x", "<script>", &"a".repeat(40)] {
            assert!(Locale::parse(bad).is_none(), "{bad}");
        }
    }
}
