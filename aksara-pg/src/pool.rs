//! The connection pool (deadpool, through diesel-async).

use crate::dialect::PgDialect;
use crate::executor::Postgres;
use aksara_core::{Backend, Connection, DbError, Dialect, PoolStatus};
use aksara_diesel::pool::fast_recycling;
use aksara_diesel::{DieselPool, PoolSpec, ServerConnection};
use async_trait::async_trait;
use diesel_async::AsyncPgConnection;

pub use aksara_core::PoolOptions;

/// The PostgreSQL backend: a deadpool pool of diesel-async connections.
pub struct PgBackend {
    pool: DieselPool<AsyncPgConnection>,
}

static DIALECT: PgDialect = PgDialect;

impl PgBackend {
    /// A pool for `url` (connections are opened on demand).
    pub fn new(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let pool = DieselPool::new(PoolSpec {
            target: with_application_name(url, options.application_name.as_deref()),
            config: fast_recycling(),
            options,
            max_size: options.max_connections,
            can_flush: true,
            opening: "connect",
        })?;
        Ok(PgBackend { pool })
    }
}

#[async_trait]
impl Backend for PgBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let conn = self.pool.get().await?;
        Ok(Box::new(ServerConnection::<Postgres>::new(
            conn,
            self.pool.statements(),
        )))
    }

    fn pool_status(&self) -> PoolStatus {
        self.pool.status()
    }
}

/// Bytes percent-encoded in a query value: all but the unreserved characters of RFC 3986
/// (PostgreSQL's URL parser decodes `%XX` but does not read `+` as a space).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `url` with `application_name=name` added, unless it names one already (or no name is
/// asked for, or `url` does not parse: connecting then reports why). The name is
/// percent-encoded.
fn with_application_name(url: &str, name: Option<&str>) -> String {
    let (Some(name), Ok(mut parsed)) = (name, url::Url::parse(url)) else {
        return url.to_string();
    };
    if parsed
        .query_pairs()
        .any(|(key, _)| key == "application_name")
    {
        return url.to_string();
    }
    let option = format!(
        "application_name={}",
        percent_encoding::utf8_percent_encode(name, QUERY_VALUE)
    );
    let query = match parsed.query() {
        Some(query) if !query.is_empty() => format!("{query}&{option}"),
        _ => option,
    };
    parsed.set_query(Some(&query));
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::with_application_name;

    #[test]
    fn the_application_name_is_added_unless_given() {
        assert_eq!(
            with_application_name("postgres://u@h/db", Some("aksara")),
            "postgres://u@h/db?application_name=aksara"
        );
        assert_eq!(
            with_application_name("postgres://u@h/db?sslmode=disable", Some("my app")),
            "postgres://u@h/db?sslmode=disable&application_name=my%20app"
        );
        assert_eq!(
            with_application_name("postgres://u@h/db?application_name=x", Some("aksara")),
            "postgres://u@h/db?application_name=x"
        );
        assert_eq!(
            with_application_name("postgres://u@h/db", None),
            "postgres://u@h/db"
        );
        // Another option whose name ends in it is not it.
        assert_eq!(
            with_application_name("postgres://u@h/db?fallback_application_name=x", Some("a b")),
            "postgres://u@h/db?fallback_application_name=x&application_name=a%20b"
        );
        assert_eq!(
            with_application_name("postgres://u:p%40ss@h/db", Some("é")),
            "postgres://u:p%40ss@h/db?application_name=%C3%A9"
        );
    }
}
