//! The language of a page: the person's pick (the `__Host-gatehouse-lang`
//! cookie, set by the picker at the foot of every page through
//! `/language`), else the browser's `Accept-Language`, else the default
//! language. [`Lang`] is the extractor every page handler takes; `render`
//! puts its tag in `<html lang>` and the `t` function of the templates
//! speaks it.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::i18n::{Catalogs, FluentArgs, FluentValue, Locale};
use serde::Deserialize;

use super::browser;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The cookie that keeps a person's pick.
pub const LANG_COOKIE: &str = "__Host-gatehouse-lang";
/// A pick is kept for a year.
const KEEP_PICK_SECS: u64 = 365 * 24 * 3600;

/// The language of this request, and the way to its messages.
#[derive(Clone)]
pub struct Lang {
    locale: Locale,
    catalogs: Arc<Catalogs>,
    /// Where this page is (path and query of a GET), for the picker to
    /// come back to.
    here: String,
}

impl Lang {
    /// The language of a request with these headers.
    pub fn of(catalogs: &Arc<Catalogs>, headers: &HeaderMap) -> Self {
        let picked = browser::cookie(headers, LANG_COOKIE)
            .and_then(|tag| Locale::parse(&tag))
            .and_then(|l| catalogs.supported(&l));
        let asked = || {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| catalogs.from_accept_language(v))
        };
        let locale = picked.or_else(asked).unwrap_or_else(|| catalogs.default_locale().clone());
        Self { locale, catalogs: catalogs.clone(), here: "/".into() }
    }

    pub fn locale(&self) -> &Locale {
        &self.locale
    }

    /// The tag, for `<html lang>`.
    pub fn tag(&self) -> String {
        self.locale.tag()
    }

    pub fn here(&self) -> &str {
        &self.here
    }

    /// Message `id`.
    pub fn t(&self, id: &str) -> String {
        self.catalogs.text(&self.locale, id, None)
    }

    /// Message `id` with its arguments.
    pub fn t_with<'a>(&self, id: &str, args: impl IntoIterator<Item = (&'a str, FluentValue<'a>)>) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(name, value);
        }
        self.catalogs.text(&self.locale, id, Some(&fluent))
    }

    /// The languages of the picker: (tag, name in itself).
    pub fn choices(&self) -> Vec<(String, String)> {
        self.catalogs.languages().iter().map(|l| (l.locale.tag(), l.name.clone())).collect()
    }
}

impl FromRequestParts<AppState> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut lang = Self::of(&state.config.catalogs, &parts.headers);
        // A form's result is shown at its address; the picker comes back
        // to the form (GET), never re-sends it.
        lang.here = match (parts.method == axum::http::Method::GET, parts.uri.path_and_query()) {
            (true, Some(pq)) => pq.as_str().to_owned(),
            _ => parts.uri.path().to_owned(),
        };
        Ok(lang)
    }
}

#[derive(Deserialize)]
pub struct Pick {
    #[serde(default)]
    lang: String,
    /// The page to go back to.
    back: Option<String>,
}

/// `GET /language?lang=de&back=/login`: keeps the pick in a cookie,
/// remembers it on a signed-in account (its mails follow), and goes back.
/// An unknown language is ignored; `back` must be one of our pages.
pub async fn pick(State(state): State<AppState>, headers: HeaderMap, ApiQuery(q): ApiQuery<Pick>) -> Response {
    let back = browser::safe_return_to(&state, q.back.as_deref())
        .filter(|t| t.starts_with('/'))
        .unwrap_or_else(|| "/".to_owned());
    let Some(locale) = Locale::parse(&q.lang).and_then(|l| state.config.catalogs.supported(&l)) else {
        return Redirect::to(&back).into_response();
    };
    if let Some(signed_in) = browser::session(&state, &headers).await {
        if let Err(e) = state.lifecycle.set_locale(signed_in.user.id, Some(locale.clone())).await {
            tracing::warn!(error = %e, "cannot keep the account's language");
        }
    }
    let mut res = Redirect::to(&back).into_response();
    res.headers_mut().append(header::SET_COOKIE, browser::set_cookie(LANG_COOKIE, &locale.tag(), Some(KEEP_PICK_SECS)));
    res
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A page language for unit tests: `tag` as if picked.
    pub(crate) fn lang(tag: &str) -> Lang {
        let catalogs = Arc::new(Catalogs::embedded().expect("embedded catalogs"));
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, tag.parse().expect("a header value"));
        Lang::of(&catalogs, &headers)
    }

    #[test]
    fn a_pick_beats_the_browser_and_the_browser_beats_the_default() {
        let catalogs = Arc::new(Catalogs::embedded().unwrap());
        let mut headers = HeaderMap::new();
        assert_eq!(Lang::of(&catalogs, &headers).tag(), "en");
        headers.insert(header::ACCEPT_LANGUAGE, "fr, es-MX;q=0.8".parse().unwrap());
        assert_eq!(Lang::of(&catalogs, &headers).tag(), "es");
        headers.insert(header::COOKIE, format!("{LANG_COOKIE}=de").parse().unwrap());
        assert_eq!(Lang::of(&catalogs, &headers).tag(), "de");
        // A pick the catalogs lack (or garbage) is no pick.
        headers.insert(header::COOKIE, format!("{LANG_COOKIE}=<x>").parse().unwrap());
        assert_eq!(Lang::of(&catalogs, &headers).tag(), "es");
        assert_eq!(lang("de").t("language-name"), "Deutsch");
    }
}
