//! Opening a database by URL, whichever backend it names.

use aksara_core::{ClusterOptions, Db, Error, PoolOptions, Registry, Result};
use std::sync::Arc;

/// The backends Aksara has: the one list of them. A URL names one by its scheme
/// ([`BackendKind::of`]); the workspace's tests and benchmarks run on each of [`BackendKind::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// `postgres://` or `postgresql://` (feature `postgres`).
    Postgres,
    /// `mysql://` or `mariadb://` (feature `mysql`).
    Mysql,
    /// `sqlite://...`, `sqlite:...` or `sqlite::memory:` (feature `sqlite`, the default).
    Sqlite,
}

impl BackendKind {
    /// Every backend.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Postgres,
        BackendKind::Mysql,
        BackendKind::Sqlite,
    ];

    /// The backend's name, as its dialect gives it (`postgresql`, `mysql`, `sqlite`; see
    /// [`crate::Dialect::name`]).
    ///
    /// ```
    /// assert_eq!(aksara::BackendKind::Postgres.name(), "postgresql");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Postgres => "postgresql",
            BackendKind::Mysql => "mysql",
            BackendKind::Sqlite => "sqlite",
        }
    }

    /// The environment variable that names the server to run the workspace's tests and
    /// benchmarks on (`AKSARA_PG_URL`, `AKSARA_MYSQL_URL`); `None` for SQLite, which needs
    /// no server.
    pub fn server_url_variable(self) -> Option<&'static str> {
        match self {
            BackendKind::Postgres => Some("AKSARA_PG_URL"),
            BackendKind::Mysql => Some("AKSARA_MYSQL_URL"),
            BackendKind::Sqlite => None,
        }
    }

    /// The server URL used when [`BackendKind::server_url_variable`] is not set: a local
    /// server's `test` database; `None` for SQLite.
    pub fn default_server_url(self) -> Option<&'static str> {
        match self {
            BackendKind::Postgres => Some("postgres://postgres@127.0.0.1:5432/test"),
            BackendKind::Mysql => Some("mysql://root@127.0.0.1:3306/test"),
            BackendKind::Sqlite => None,
        }
    }

    /// The server URL the workspace's tests and benchmarks use: the value of
    /// [`BackendKind::server_url_variable`], else [`BackendKind::default_server_url`];
    /// `None` for SQLite.
    ///
    /// ```
    /// use aksara::BackendKind;
    /// assert!(BackendKind::Sqlite.server_url().is_none());
    /// assert!(BackendKind::Mysql.server_url().is_some());
    /// ```
    pub fn server_url(self) -> Option<String> {
        let default = self.default_server_url()?;
        let variable = self.server_url_variable()?;
        Some(std::env::var(variable).unwrap_or_else(|_| default.to_string()))
    }

    /// The backend `url` names, or a [`Error::Config`] for a scheme Aksara does not know.
    ///
    /// ```
    /// use aksara::BackendKind;
    /// assert_eq!(BackendKind::of("sqlite::memory:").unwrap(), BackendKind::Sqlite);
    /// assert_eq!(BackendKind::of("mariadb://root@localhost/test").unwrap(), BackendKind::Mysql);
    /// assert!(BackendKind::of("oracle://x").is_err());
    /// ```
    pub fn of(url: &str) -> Result<BackendKind> {
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        match scheme.as_str() {
            "postgres" | "postgresql" => Ok(BackendKind::Postgres),
            "mysql" | "mariadb" => Ok(BackendKind::Mysql),
            "sqlite" => Ok(BackendKind::Sqlite),
            _ => Err(Error::config(format!(
                "cannot tell the database from the URL `{}`: use postgres://, postgresql://, \
                 mysql://, mariadb://, sqlite://path/to/file.db or sqlite::memory:",
                redact_url(url)
            ))),
        }
    }

    /// The Cargo feature of `aksara` that enables the backend.
    pub fn feature(self) -> &'static str {
        match self {
            BackendKind::Postgres => "postgres",
            BackendKind::Mysql => "mysql",
            BackendKind::Sqlite => "sqlite",
        }
    }

    /// True when this build has the backend.
    pub fn is_enabled(self) -> bool {
        match self {
            BackendKind::Postgres => cfg!(feature = "postgres"),
            BackendKind::Mysql => cfg!(feature = "mysql"),
            BackendKind::Sqlite => cfg!(feature = "sqlite"),
        }
    }
}

/// The query options that carry a password (`?password=...`), compared without case.
const PASSWORD_OPTIONS: [&str; 5] = ["password", "pass", "passwd", "pwd", "sslpassword"];

/// `url` without its password, for messages and titles: the password of the user info and
/// the value of a `password` query option become `***`. The URL is parsed by the `url`
/// crate (the WHATWG rules the drivers follow), so percent-encoded and `@`-holding passwords
/// are found whole. A text that does not parse as a URL but could hold credentials is shown
/// as its scheme alone.
///
/// ```
/// use aksara::redact_url;
/// assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
/// assert_eq!(redact_url("postgres://u@h/db?password=secret"), "postgres://u@h/db?password=***");
/// assert_eq!(redact_url("mysql://u:p%40ss@h/db"), "mysql://u:***@h/db");
/// assert_eq!(redact_url("sqlite://blog.db"), "sqlite://blog.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        let credentials = url.contains('@') || url.to_ascii_lowercase().contains("pass");
        return match url.split_once("://") {
            Some((scheme, _)) if credentials => format!("{scheme}://***"),
            _ if credentials => "***".to_string(),
            _ => url.to_string(),
        };
    };
    let hides = |key: &str| PASSWORD_OPTIONS.iter().any(|p| key.eq_ignore_ascii_case(p));
    let in_query = parsed.query_pairs().any(|(key, _)| hides(&key));
    if parsed.password().is_none() && !in_query {
        // Nothing to hide: the URL as written, not the parser's normalised form.
        return url.to_string();
    }
    if parsed.password().is_some() {
        // Fails only for URLs that cannot have user info (`sqlite::memory:`), which have none.
        let _ = parsed.set_password(Some("***"));
    }
    if in_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if hides(&key) {
                    "***".into()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Opens a pool on the database `url` names, with the models of `registry`, and checks that
/// it answers. The backend is chosen by the URL's scheme: `postgres://` / `postgresql://`,
/// `mysql://` / `mariadb://`, `sqlite://path/to/file.db` / `sqlite::memory:`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let registry = aksara::demo::registry();
/// let db = aksara::connect("sqlite::memory:", registry).await?;
/// aksara::ddl::create_all(&db).await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::Config`] for a scheme Aksara does not know or whose backend's feature is off in
/// this build; [`Error::Pool`] when the database cannot be reached.
pub async fn connect(url: &str, registry: Arc<Registry>) -> Result<Db> {
    connect_with(url, registry, PoolOptions::default()).await
}

/// [`connect`] with pool settings (size, timeouts).
///
/// # Errors
/// As [`connect`].
pub async fn connect_with(url: &str, registry: Arc<Registry>, options: PoolOptions) -> Result<Db> {
    let kind = BackendKind::of(url)?;
    if !kind.is_enabled() {
        return Err(Error::config(format!(
            "`{}` is a {kind:?} URL, but this build of aksara has no {kind:?} backend: enable \
             the `{}` feature of the `aksara` crate",
            redact_url(url),
            kind.feature()
        )));
    }
    match kind {
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => aksara_pg::connect_with(url, registry, options).await,
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => aksara_mysql::connect_with(url, registry, options).await,
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => aksara_sqlite::connect_with(url, registry, options).await,
        #[allow(unreachable_patterns)]
        _ => {
            drop((registry, options));
            unreachable!("checked by is_enabled")
        }
    }
}

/// One handle over a primary and its read replicas (see [`Db::cluster`]): reads outside a
/// transaction go to the replicas in turn, writes, DDL, raw SQL ([`Db::raw_read`] aside) and
/// every transaction to the primary; on PostgreSQL a read after the handle's own write waits
/// until the replica has replayed it, or reads from the primary. A replica that cannot be
/// reached now is left out (with a WARN event, target `aksara::cluster`); with none left,
/// every statement goes to the primary.
///
/// ```no_run
/// # async fn demo() -> aksara::Result<()> {
/// let db = aksara::connect_cluster(
///     "postgres://app@primary/app",
///     &["postgres://app@replica1/app", "postgres://app@replica2/app"],
///     aksara::demo::registry(),
/// )
/// .await?;
/// let token = db.session_token(); // carry it to the next request, then `db.with_token(t)`
/// # Ok(()) }
/// ```
///
/// # Errors
/// Those of [`connect`] for the primary.
pub async fn connect_cluster(
    primary_url: &str,
    replica_urls: &[&str],
    registry: Arc<Registry>,
) -> Result<Db> {
    connect_cluster_with(
        primary_url,
        replica_urls,
        registry,
        PoolOptions::default(),
        ClusterOptions::default(),
    )
    .await
}

/// [`connect_cluster`] with pool settings (for each server's pool) and routing settings.
///
/// # Errors
/// As [`connect_cluster`].
pub async fn connect_cluster_with(
    primary_url: &str,
    replica_urls: &[&str],
    registry: Arc<Registry>,
    options: PoolOptions,
    cluster: ClusterOptions,
) -> Result<Db> {
    let primary = connect_with(primary_url, registry.clone(), options.clone()).await?;
    let mut replicas = Vec::with_capacity(replica_urls.len());
    for url in replica_urls {
        if BackendKind::of(url)? != BackendKind::of(primary_url)? {
            return Err(Error::config(format!(
                "the replica `{}` is not on the primary's backend (`{}`)",
                redact_url(url),
                redact_url(primary_url)
            )));
        }
        match connect_with(url, registry.clone(), options.clone()).await {
            Ok(db) => replicas.push(db),
            Err(e) => tracing::warn!(
                target: "aksara::cluster",
                replica = %redact_url(url),
                error = %e,
                "replica left out: it cannot be reached; its reads go to the other servers"
            ),
        }
    }
    Ok(Db::cluster(primary, replicas, cluster))
}

/// The variable [`connect_env`] reads the database URL from.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// [`connect`] to the database the environment variable `DATABASE_URL` names (as sqlx,
/// Diesel and most deployment tools use it).
///
/// ```no_run
/// # async fn demo() -> aksara::Result<()> {
/// let db = aksara::connect_env(aksara::demo::registry()).await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::Config`] when `DATABASE_URL` is not set (or not UTF-8), and those of
/// [`connect`].
pub async fn connect_env(registry: Arc<Registry>) -> Result<Db> {
    connect_env_with(registry, PoolOptions::default()).await
}

/// [`connect_env`] with pool settings.
///
/// # Errors
/// As [`connect_env`].
pub async fn connect_env_with(registry: Arc<Registry>, options: PoolOptions) -> Result<Db> {
    let url = std::env::var(DATABASE_URL).map_err(|e| {
        Error::config(format!(
            "{DATABASE_URL} {}: set it to the database's URL (postgres://user@host/db, \
             mysql://user@host/db, sqlite://path.db)",
            match e {
                std::env::VarError::NotPresent => "is not set",
                std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
            }
        ))
    })?;
    connect_with(&url, registry, options).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_backends() {
        for (url, kind) in [
            ("postgres://u@h/db", BackendKind::Postgres),
            ("postgresql://u@h/db", BackendKind::Postgres),
            ("mysql://root@127.0.0.1:3306/test", BackendKind::Mysql),
            ("MariaDB://root@h/test", BackendKind::Mysql),
            ("sqlite://blog.db", BackendKind::Sqlite),
            ("sqlite::memory:", BackendKind::Sqlite),
        ] {
            assert_eq!(BackendKind::of(url).unwrap(), kind, "{url}");
        }
        assert!(matches!(
            BackendKind::of("redis://h"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact_url("mysql://root:secret@h:3306/test"),
            "mysql://root:***@h:3306/test"
        );
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(redact_url("sqlite://blog.db"), "sqlite://blog.db");
        assert_eq!(
            redact_url("postgres://u@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        // Without a password the URL is shown as written.
        assert_eq!(
            redact_url("POSTGRES://u@h/a/../db?options=-c%20x"),
            "POSTGRES://u@h/a/../db?options=-c%20x"
        );
    }

    #[test]
    fn a_password_in_the_query_is_hidden() {
        let redacted = redact_url("postgres://u@h/db?sslmode=disable&password=secret");
        assert_eq!(redacted, "postgres://u@h/db?sslmode=disable&password=***");
        let redacted = redact_url("postgres://h/db?PASSWORD=secret&user=u");
        assert!(!redacted.contains("secret"), "{redacted}");
        assert!(redacted.contains("user=u"), "{redacted}");
        // Both places at once.
        let redacted = redact_url("postgres://u:one@h/db?password=two");
        assert_eq!(redacted, "postgres://u:***@h/db?password=***");
    }

    #[test]
    fn percent_encoded_and_at_holding_passwords_are_hidden_whole() {
        assert_eq!(redact_url("mysql://u:p%40ss@h/db"), "mysql://u:***@h/db");
        // An `@` left unencoded in the password: the last `@` ends the user info.
        let redacted = redact_url("mysql://u:p@ss@h/db");
        assert!(!redacted.contains("ss@"), "{redacted}");
        assert!(redacted.ends_with("@h/db"), "{redacted}");
        // A `/` or `?` in an encoded password does not cut it short.
        let redacted = redact_url("postgres://u:a%2Fb%3Fc@h/db");
        assert_eq!(redacted, "postgres://u:***@h/db");
    }

    #[test]
    fn an_unparsable_url_with_credentials_shows_only_its_scheme() {
        // An invalid port: not a URL, but the password must not leak either.
        assert_eq!(
            redact_url("postgres://u:secret@h:99999/db"),
            "postgres://***"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[cfg(not(feature = "mysql"))]
    #[test]
    fn a_disabled_backend_is_a_config_error() {
        let registry = Registry::empty();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = runtime
            .block_on(connect("mysql://root@127.0.0.1/test", registry))
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m[0].contains("`mysql` feature")),
            "{e}"
        );
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn connects_to_sqlite_in_memory() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let db = connect("sqlite::memory:", Registry::empty()).await.unwrap();
            assert_eq!(db.dialect().name(), "sqlite");
        });
    }
}
