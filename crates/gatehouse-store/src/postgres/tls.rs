//! PostgreSQL over TLS: what `database_url` asks of the connection, and what
//! a failed first connection means.
//!
//! The URL's `sslmode`, `sslrootcert`, `sslcert` and `sslkey` (or libpq's
//! `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, which the URL
//! overrides) are read here rather than left to sqlx alone, to follow libpq
//! where sqlx does not, and to check before connecting what can be checked:
//!
//! - `sslmode`: `disable`, `allow`, `prefer` (the default), `require`,
//!   `verify-ca` or `verify-full`. `require` with an `sslrootcert` verifies
//!   the chain like `verify-ca`, as libpq does. `allow` connects in clear
//!   (sqlx never retries with TLS). Over a Unix socket `sslmode` is ignored,
//!   as libpq ignores it.
//! - `sslrootcert`: a PEM file of the CAs to trust, or `system` for the
//!   system's trust store — which is also what `verify-ca` and `verify-full`
//!   trust when none is given (libpq would look for `~/.postgresql/root.crt`).
//! - `sslcert` and `sslkey`: a client certificate and its key, both or
//!   neither; the key unencrypted PKCS#8 PEM (native-tls reads no other form).
//!
//! The files are read once before connecting, so a missing one is named at
//! start-up rather than hidden in a connection error.
//!
//! [`ConnectError`] sorts sqlx's failures into what an operator can act on.
//! It names the server (`host:port`), the sslmode and the CA file — never the
//! URL, which may hold the password. A server refusing TLS, a certificate
//! failing verification, a bad `sslmode` or an unreadable file is a
//! configuration error ([`ConnectError::is_configuration`]); an unreachable
//! server or a refused login is a failure at run time.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions as _, Connection as _, PgConnection};

/// How the connection is to be protected: libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// In clear.
    Disable,
    /// In clear (libpq would try TLS if the server insisted; sqlx does not).
    Allow,
    /// TLS if the server offers it, its certificate unchecked; else in clear.
    Prefer,
    /// TLS or no connection; the certificate checked only with `sslrootcert`.
    Require,
    /// TLS with a certificate signed by a trusted CA.
    VerifyCa,
    /// TLS with a certificate signed by a trusted CA naming the host.
    VerifyFull,
}

impl SslMode {
    const ALL: [SslMode; 6] =
        [Self::Disable, Self::Allow, Self::Prefer, Self::Require, Self::VerifyCa, Self::VerifyFull];

    /// The mode as libpq spells it (lower case, as libpq insists).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The CAs a verifying connection trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCert {
    /// The system's trust store (`sslrootcert=system`, or none given).
    System,
    /// The certificates in a PEM file (`sslrootcert=PATH`).
    File(PathBuf),
}

/// Where a connection goes and how it is protected: what every
/// [`ConnectError`] names. Holds no credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `host:port`, or the Unix socket.
    pub server: String,
    /// The `sslmode` asked for.
    pub mode: SslMode,
    /// Whom a verified certificate must be signed by.
    pub root_cert: RootCert,
    /// A Unix socket: no TLS whatever the mode.
    pub unix_socket: bool,
}

impl Target {
    /// Whether the server's certificate is checked against [`Target::root_cert`]:
    /// `verify-*`, or `require` with a file (libpq's rule).
    pub fn verifies(&self) -> bool {
        !self.unix_socket
            && match self.mode {
                SslMode::VerifyCa | SslMode::VerifyFull => true,
                SslMode::Require => matches!(self.root_cert, RootCert::File(_)),
                SslMode::Disable | SslMode::Allow | SslMode::Prefer => false,
            }
    }

    /// The mode sqlx is given (see [`Target::verifies`] and the module docs).
    fn sqlx_mode(&self) -> PgSslMode {
        if self.unix_socket {
            return PgSslMode::Disable;
        }
        match self.mode {
            SslMode::Disable | SslMode::Allow => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require if self.verifies() => PgSslMode::VerifyCa,
            SslMode::Require => PgSslMode::Require,
            SslMode::VerifyCa => PgSslMode::VerifyCa,
            SslMode::VerifyFull => PgSslMode::VerifyFull,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unix_socket {
            return write!(f, "{} (Unix socket, sslmode={} ignored)", self.server, self.mode);
        }
        write!(f, "{} (sslmode={}, ", self.server, self.mode)?;
        match (&self.root_cert, self.verifies()) {
            (RootCert::File(path), true) => write!(f, "CA file {})", path.display()),
            (RootCert::System, true) => f.write_str("CA: the system's trust store)"),
            (_, false) if self.mode == SslMode::Disable || self.mode == SslMode::Allow => f.write_str("no TLS)"),
            (_, false) => f.write_str("certificate not verified)"),
        }
    }
}

/// Why no connection to PostgreSQL could be made. The messages name the
/// [`Target`], never the URL: it may hold the password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// `database_url` cannot be read as a PostgreSQL URL.
    #[error("database_url: {0}")]
    Url(String),
    /// A certificate or key file of `database_url` is missing or unusable.
    #[error("database_url: the {param} file {} {problem}", path.display())]
    File { param: &'static str, path: PathBuf, problem: String },
    /// The server answered the TLS request with "no".
    #[error(
        "PostgreSQL at {} does not accept TLS, which sslmode={} requires: turn ssl on in the server's \
         configuration, or on a trusted network use sslmode=prefer",
        .0.server,
        .0.mode
    )]
    TlsRefused(Target),
    /// The TLS handshake failed: most often the server's certificate did not
    /// pass verification.
    #[error("TLS with PostgreSQL at {target} failed: {reason}")]
    Tls { target: Target, reason: String },
    /// No answer, or not PostgreSQL's.
    #[error("cannot reach PostgreSQL at {target}: {reason}")]
    Unreachable { target: Target, reason: String },
    /// The server answered and refused: a wrong password, no such database
    /// (`settled`: only a change of configuration helps), or too many
    /// connections, a server starting up (it may pass).
    #[error("PostgreSQL at {} refused the connection: {reason}", target.server)]
    Refused { target: Target, reason: String, settled: bool },
}

impl ConnectError {
    /// Whether the configuration is at fault (exit code 2 at start-up):
    /// nothing but changing it (or the server's TLS set-up) helps.
    pub fn is_configuration(&self) -> bool {
        match self {
            Self::Url(_) | Self::File { .. } | Self::TlsRefused(_) | Self::Tls { .. } => true,
            Self::Refused { settled, .. } => *settled,
            Self::Unreachable { .. } => false,
        }
    }

    /// Sorts sqlx's failure to connect to `target`.
    pub(crate) fn from_sqlx(e: sqlx::Error, target: &Target) -> Self {
        let target = target.clone();
        match e {
            // sqlx's own words when the server answers the SSLRequest with
            // 'N' under require/verify-* (sqlx-postgres `connection/tls.rs`).
            sqlx::Error::Tls(reason) if reason.to_string() == "server does not support TLS" => Self::TlsRefused(target),
            sqlx::Error::Tls(reason) => Self::Tls { target, reason: reason.to_string() },
            sqlx::Error::Io(e) => Self::Unreachable { target, reason: e.to_string() },
            sqlx::Error::Protocol(reason) => {
                Self::Unreachable { target, reason: format!("an answer PostgreSQL would not give ({reason})") }
            }
            sqlx::Error::Database(e) => {
                // SQLSTATE class 28 (invalid authorization: a wrong password,
                // an unknown role) and 3D000 (no such database) stay until
                // the configuration changes; the rest (53300 too many
                // connections, 57P03 starting up) may pass.
                let code = e.code().unwrap_or_default();
                let settled = code.starts_with("28") || code == "3D000";
                Self::Refused { target, reason: e.message().to_owned(), settled }
            }
            sqlx::Error::Configuration(e) => Self::Url(e.to_string()),
            sqlx::Error::PoolTimedOut => Self::Unreachable { target, reason: "no connection in time".into() },
            other => Self::Unreachable { target, reason: other.to_string() },
        }
    }
}

/// The connection options `database_url` asks for, with the [`Target`] that
/// names them in errors. Reads the environment as libpq (and sqlx) do.
pub fn options(url: &str) -> Result<(PgConnectOptions, Target), ConnectError> {
    options_with(url, |name| std::env::var(name).ok())
}

/// [`options`] with the environment given (`env` looks a variable up).
pub fn options_with(
    url: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(PgConnectOptions, Target), ConnectError> {
    // url's messages never repeat the URL.
    let mut url = ::url::Url::parse(url).map_err(|e| ConnectError::Url(format!("not a URL: {e}")))?;
    // The TLS parameters out, the rest to sqlx as given.
    let (mut mode, mut root_cert, mut client_cert, mut client_key) = (None, None, None, None);
    let mut rest = Vec::new();
    for (key, value) in url.query_pairs() {
        let slot = match &*key {
            "sslmode" | "ssl-mode" => &mut mode,
            "sslrootcert" | "ssl-root-cert" | "ssl-ca" => &mut root_cert,
            "sslcert" | "ssl-cert" => &mut client_cert,
            "sslkey" | "ssl-key" => &mut client_key,
            _ => {
                rest.push((key.into_owned(), value.into_owned()));
                continue;
            }
        };
        *slot = Some(value.into_owned());
    }
    url.set_query(None);
    if !rest.is_empty() {
        url.query_pairs_mut().extend_pairs(rest);
    }
    let options = PgConnectOptions::from_url(&url).map_err(|e| ConnectError::Url(e.to_string()))?;
    // An empty value is no value, as in libpq.
    let given = |from_url: Option<String>, var: &str| from_url.or_else(|| env(var)).filter(|v| !v.is_empty());

    let mode = match given(mode, "PGSSLMODE") {
        None => SslMode::Prefer,
        Some(mode) => SslMode::parse(&mode).ok_or_else(|| {
            ConnectError::Url(format!(
                "sslmode '{mode}' is not one of {}",
                SslMode::ALL.map(SslMode::as_str).join(", ")
            ))
        })?,
    };
    let root_cert = match given(root_cert, "PGSSLROOTCERT") {
        None => RootCert::System,
        Some(system) if system == "system" => {
            // sqlx reads PGSSLROOTCERT on its own, as a file, and it cannot be
            // taken back from the options.
            if env("PGSSLROOTCERT").is_some() {
                return Err(ConnectError::Url(
                    "sslrootcert=system does not work with PGSSLROOTCERT set: put sslrootcert=system in \
                     database_url and unset PGSSLROOTCERT"
                        .into(),
                ));
            }
            RootCert::System
        }
        Some(path) => RootCert::File(PathBuf::from(path)),
    };
    let unix_socket = options.get_socket().is_some() || options.get_host().starts_with('/');
    let server = match options.get_socket() {
        Some(dir) => format!("{}/.s.PGSQL.{}", dir.display(), options.get_port()),
        None if unix_socket => format!("{}/.s.PGSQL.{}", options.get_host(), options.get_port()),
        None if options.get_host().contains(':') => format!("[{}]:{}", options.get_host(), options.get_port()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    let target = Target { server, mode, root_cert, unix_socket };
    let mut options = options.ssl_mode(target.sqlx_mode());
    if matches!(target.sqlx_mode(), PgSslMode::Disable) {
        return Ok((options, target));
    }

    if let RootCert::File(path) = &target.root_cert {
        check_pem(path, "sslrootcert", "-----BEGIN CERTIFICATE-----", "a PEM certificate")?;
        options = options.ssl_root_cert(path);
    }
    match (given(client_cert, "PGSSLCERT"), given(client_key, "PGSSLKEY")) {
        (None, None) => {}
        (Some(cert), Some(key)) => {
            check_pem(Path::new(&cert), "sslcert", "-----BEGIN CERTIFICATE-----", "a PEM certificate")?;
            check_key(Path::new(&key))?;
            options = options.ssl_client_cert(&cert).ssl_client_key(&key);
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ConnectError::Url(
                "sslcert and sslkey go together: a client certificate needs its key, and a key its certificate".into(),
            ))
        }
    }
    Ok((options, target))
}

/// Reads a file `database_url` names, as `param`.
fn read(path: &Path, param: &'static str) -> Result<String, ConnectError> {
    std::fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).map_err(|e| ConnectError::File {
        param,
        path: path.to_path_buf(),
        problem: format!("cannot be read: {e}"),
    })
}

/// Checks that the file holds a PEM block beginning with `begin`.
fn check_pem(path: &Path, param: &'static str, begin: &str, what: &str) -> Result<(), ConnectError> {
    if read(path, param)?.contains(begin) {
        return Ok(());
    }
    Err(ConnectError::File { param, path: path.to_path_buf(), problem: format!("does not hold {what}") })
}

/// Checks that the client key is the one form native-tls reads.
fn check_key(path: &Path) -> Result<(), ConnectError> {
    let text = read(path, "sslkey")?;
    let problem = if text.contains("-----BEGIN PRIVATE KEY-----") {
        return Ok(());
    } else if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        "is encrypted: give it unencrypted (sslpassword is not supported)"
    } else if text.contains(" PRIVATE KEY-----") {
        "is not PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`"
    } else {
        "does not hold a PEM private key"
    };
    Err(ConnectError::File { param: "sslkey", path: path.to_path_buf(), problem: problem.into() })
}

/// One connection with `options`, alone: its failure is the real one,
/// where a pool would give up with "timed out". Logs whether the connection
/// is encrypted, and closes it.
pub(crate) async fn first_connection(
    options: &PgConnectOptions,
    target: &Target,
    timeout: Duration,
) -> Result<(), FirstAttempt> {
    let mut conn = match tokio::time::timeout(timeout, PgConnection::connect_with(options)).await {
        Ok(Ok(conn)) => conn,
        Ok(Err(sqlx::Error::Io(e))) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(FirstAttempt::Refused(e.to_string()))
        }
        Ok(Err(e)) => return Err(FirstAttempt::Failed(ConnectError::from_sqlx(e, target))),
        Err(_) => {
            return Err(FirstAttempt::Failed(ConnectError::Unreachable {
                target: target.clone(),
                reason: format!("no answer within {} s", timeout.as_secs()),
            }))
        }
    };
    let tls: Result<Option<(bool, Option<String>)>, _> =
        sqlx::query_as("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_optional(&mut conn)
            .await;
    match tls {
        Ok(Some((true, version))) => tracing::info!(
            server = %target.server,
            sslmode = %target.mode,
            tls = version.as_deref().unwrap_or("?"),
            "connected to PostgreSQL over TLS"
        ),
        Ok(_) => tracing::info!(server = %target.server, sslmode = %target.mode, "connected to PostgreSQL in clear"),
        Err(e) => tracing::debug!(error = %e, "cannot tell whether the PostgreSQL connection is encrypted"),
    }
    if let Err(e) = conn.close().await {
        tracing::debug!(error = %e, "closing the first PostgreSQL connection");
    }
    Ok(())
}

/// How the first connection failed.
#[derive(Debug)]
pub(crate) enum FirstAttempt {
    /// The server refused the TCP connection: it may be starting, so the pool
    /// keeps trying a while (the reason, for when it gives up).
    Refused(String),
    /// Anything else: final.
    Failed(ConnectError),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    /// A directory of its own under the system's temporary one, removed on drop.
    struct Files(PathBuf);

    impl Files {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("gh-tls-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn put(&self, name: &str, text: &str) -> String {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        }
    }

    impl Drop for Files {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn target(url: &str) -> Target {
        options_with(url, no_env).unwrap().1
    }

    fn error(url: &str) -> ConnectError {
        match options_with(url, no_env) {
            Ok(_) => panic!("{url} is accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn prefer_is_the_default_as_in_libpq() {
        let (options, target) = options_with("postgres://gh:hunter2@db.internal:6432/gatehouse", no_env).unwrap();
        assert_eq!(target.mode, SslMode::Prefer);
        assert!(matches!(options.get_ssl_mode(), PgSslMode::Prefer));
        assert_eq!(target.server, "db.internal:6432");
        assert_eq!(target.to_string(), "db.internal:6432 (sslmode=prefer, certificate not verified)");
    }

    #[test]
    fn each_libpq_mode_reaches_sqlx() {
        let files = Files::new();
        let ca = files.put("ca.pem", CERT);
        for (mode, want) in [
            ("disable", PgSslMode::Disable),
            ("allow", PgSslMode::Disable),
            ("prefer", PgSslMode::Prefer),
            ("require", PgSslMode::Require),
            ("verify-ca", PgSslMode::VerifyCa),
            ("verify-full", PgSslMode::VerifyFull),
        ] {
            let (options, target) = options_with(&format!("postgres://db/gh?sslmode={mode}"), no_env).unwrap();
            assert_eq!(target.mode.as_str(), mode);
            assert_eq!(format!("{:?}", options.get_ssl_mode()), format!("{want:?}"), "{mode}");
            let with_ca = options_with(&format!("postgres://db/gh?sslmode={mode}&sslrootcert={ca}"), no_env);
            assert!(with_ca.is_ok(), "{mode} with a CA file");
        }
    }

    #[test]
    fn require_with_a_root_certificate_verifies_the_chain_as_libpq_does() {
        let files = Files::new();
        let ca = files.put("ca.pem", CERT);
        let (options, target) =
            options_with(&format!("postgres://db/gh?sslmode=require&sslrootcert={ca}"), no_env).unwrap();
        assert!(matches!(options.get_ssl_mode(), PgSslMode::VerifyCa));
        assert!(target.verifies());
        assert_eq!(target.to_string(), format!("db:5432 (sslmode=require, CA file {ca})"));
    }

    #[test]
    fn verifying_without_a_root_certificate_trusts_the_system_store() {
        let none_given = target("postgres://db/gh?sslmode=verify-full");
        assert_eq!(none_given.root_cert, RootCert::System);
        assert_eq!(none_given.to_string(), "db:5432 (sslmode=verify-full, CA: the system's trust store)");
        assert_eq!(target("postgres://db/gh?sslmode=verify-ca&sslrootcert=system").root_cert, RootCert::System);
    }

    #[test]
    fn system_roots_cannot_override_the_environments_file() {
        let env = |name: &str| (name == "PGSSLROOTCERT").then(|| "/etc/ca.pem".to_owned());
        let err = options_with("postgres://db/gh?sslmode=verify-full&sslrootcert=system", env).err().unwrap();
        assert!(err.is_configuration() && err.to_string().contains("unset PGSSLROOTCERT"), "{err}");
    }

    #[test]
    fn the_environment_fills_in_what_the_url_leaves_out() {
        let files = Files::new();
        let ca = files.put("ca.pem", CERT);
        let env = |name: &str| match name {
            "PGSSLMODE" => Some("verify-ca".to_owned()),
            "PGSSLROOTCERT" => Some(ca.clone()),
            _ => None,
        };
        let (_, target) = options_with("postgres://db/gh", env).unwrap();
        assert_eq!((target.mode, target.root_cert), (SslMode::VerifyCa, RootCert::File(ca.clone().into())));
        let (_, target) = options_with("postgres://db/gh?sslmode=disable", env).unwrap();
        assert_eq!(target.mode, SslMode::Disable, "the URL wins");
    }

    #[test]
    fn an_unknown_mode_is_refused_naming_the_known_ones() {
        for url in ["postgres://gh:hunter2@db/gh?sslmode=required", "postgres://gh:hunter2@db/gh?sslmode=REQUIRE"] {
            let err = error(url);
            assert!(err.is_configuration());
            let message = err.to_string();
            assert!(message.contains("disable, allow, prefer, require, verify-ca, verify-full"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn a_missing_root_certificate_is_named_before_connecting() {
        let err = error("postgres://gh:hunter2@db/gh?sslmode=verify-full&sslrootcert=/nonexistent/gh-ca.pem");
        assert!(err.is_configuration());
        let message = err.to_string();
        assert!(message.contains("sslrootcert file /nonexistent/gh-ca.pem cannot be read"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn a_root_certificate_file_must_hold_a_certificate() {
        let files = Files::new();
        let key = files.put("key.pem", "-----BEGIN PRIVATE KEY-----\nMC4\n-----END PRIVATE KEY-----\n");
        let err = error(&format!("postgres://db/gh?sslmode=verify-ca&sslrootcert={key}"));
        assert!(err.to_string().contains("does not hold a PEM certificate"), "{err}");
    }

    #[test]
    fn a_client_certificate_needs_its_key_in_pkcs8() {
        let files = Files::new();
        let cert = files.put("client.pem", CERT);
        let pkcs8 = files.put("client.key", "-----BEGIN PRIVATE KEY-----\nMC4\n-----END PRIVATE KEY-----\n");
        let rsa = files.put("rsa.key", "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n");
        let sealed = files
            .put("sealed.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assert!(
            options_with(&format!("postgres://db/gh?sslmode=require&sslcert={cert}&sslkey={pkcs8}"), no_env).is_ok()
        );
        let alone = error(&format!("postgres://db/gh?sslmode=require&sslcert={cert}"));
        assert!(alone.to_string().contains("sslcert and sslkey go together"), "{alone}");
        let err = error(&format!("postgres://db/gh?sslmode=require&sslcert={cert}&sslkey={rsa}"));
        assert!(err.to_string().contains("is not PKCS#8") && err.to_string().contains("openssl pkcs8"), "{err}");
        let err = error(&format!("postgres://db/gh?sslmode=require&sslcert={cert}&sslkey={sealed}"));
        assert!(err.to_string().contains("is encrypted"), "{err}");
    }

    #[test]
    fn without_tls_the_certificate_files_are_not_read() {
        let target = target("postgres://db/gh?sslmode=disable&sslrootcert=/nonexistent/ca.pem");
        assert_eq!(target.to_string(), "db:5432 (sslmode=disable, no TLS)");
    }

    #[test]
    fn a_unix_socket_ignores_sslmode_as_libpq_does() {
        let (options, target) =
            options_with("postgres://gh@%2Fvar%2Frun%2Fpostgresql/gh?sslmode=verify-full", no_env).unwrap();
        assert!(target.unix_socket && !target.verifies());
        assert!(matches!(options.get_ssl_mode(), PgSslMode::Disable));
        assert_eq!(target.server, "/var/run/postgresql/.s.PGSQL.5432");
    }

    #[test]
    fn other_parameters_still_reach_sqlx() {
        let (options, target) =
            options_with("postgres://db/gh?sslmode=require&application_name=gh-node-1&port=6543", no_env).unwrap();
        assert_eq!(options.get_application_name(), Some("gh-node-1"));
        assert_eq!(target.server, "db:6543");
    }

    #[test]
    fn errors_name_the_server_and_mode_never_the_password() {
        let (_, target) = options_with("postgres://gh:hunter2@db.internal/gh?sslmode=require", no_env).unwrap();
        let refused = ConnectError::from_sqlx(sqlx::Error::Tls("server does not support TLS".into()), &target);
        assert!(matches!(refused, ConnectError::TlsRefused(_)) && refused.is_configuration());
        let message = refused.to_string();
        assert!(message.contains("db.internal:5432") && message.contains("sslmode=require"), "{message}");
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out");
        let unreachable = ConnectError::from_sqlx(sqlx::Error::Io(io), &target);
        assert!(!unreachable.is_configuration());
        for e in [refused, unreachable] {
            assert!(!format!("{e} {e:?}").contains("hunter2"), "{e:?}");
        }
    }
}
