//! Connection URLs that may carry a password (the database's, Redis's): they
//! show themselves — in `Debug`, in `Display`, in `config check` — with the
//! user info and the query (where `password=` may sit) left out.

/// A connection URL that may hold a secret (see the module docs).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn new(url: String) -> Self {
        Self(url)
    }

    /// The URL itself, to connect with.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.0.as_str();
        let (base, query) = match url.split_once('?') {
            Some((base, _)) => (base, "?(redacted)"),
            None => (url, ""),
        };
        match (base.find("://"), base.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                write!(f, "{}://***@{}{query}", &base[..scheme], &base[at + 1..])
            }
            _ => write!(f, "{base}{query}"),
        }
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url = SecretUrl::new("postgres://gh:hunter2@db.internal:5432/gatehouse?sslmode=require".into());
        assert_eq!(url.to_string(), "postgres://***@db.internal:5432/gatehouse?(redacted)");
        assert!(!format!("{url:?}").contains("hunter2"));
        let query = SecretUrl::new("postgres://db/gatehouse?user=gh&password=hunter2".into());
        assert!(!format!("{query} {query:?}").contains("hunter2"));
        let redis = SecretUrl::new("unix:///run/redis.sock?pass=hunter2".into());
        assert_eq!(redis.to_string(), "unix:///run/redis.sock?(redacted)");
        assert_eq!(SecretUrl::new("sqlite://gatehouse.db".into()).to_string(), "sqlite://gatehouse.db");
        assert_eq!(url.expose(), "postgres://gh:hunter2@db.internal:5432/gatehouse?sslmode=require");
    }
}
