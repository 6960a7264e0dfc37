//! What PostgreSQL brings to `aksara_diesel`'s pooled server connection: an abandoned
//! statement is stopped with a cancel request (the protocol's, sent on a connection of its
//! own with the `NoTls` connector diesel-async connects with), and prepared statements can be
//! closed, so a full statement cache is flushed.

use crate::decode::{PgNamedRow, PgRow};
use crate::query::{Bind, PgQuery};
use aksara_core::{DbError, NamedRows, Row};
use aksara_diesel::ServerDriver;
use async_trait::async_trait;
use diesel::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::future::Future;
use std::pin::Pin;

/// The PostgreSQL driver (see [`ServerDriver`]).
pub(crate) struct Postgres;

#[async_trait]
impl ServerDriver for Postgres {
    type Conn = AsyncPgConnection;
    type Bind = Bind;
    const CAN_FLUSH: bool = true;

    fn cancel_request(conn: &Self::Conn) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let token = conn.cancel_token();
        Box::pin(async move {
            let _ = token.cancel_query(tokio_postgres::NoTls).await;
        })
    }

    fn map_error(e: diesel::result::Error) -> DbError {
        crate::error::map_error(e)
    }

    async fn load_rows(conn: &mut Self::Conn, query: PgQuery) -> QueryResult<Vec<Row>> {
        let rows: Vec<PgRow> = query.load(conn).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn load_named_rows(conn: &mut Self::Conn, query: PgQuery) -> QueryResult<NamedRows> {
        let rows: Vec<PgNamedRow> = query.load(conn).await?;
        let columns = rows
            .as_slice()
            .first()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let mut zoned = vec![false; columns.len()];
        for row in &rows {
            for (z, is) in zoned.iter_mut().zip(&row.2) {
                *z |= *is;
            }
        }
        Ok(NamedRows {
            columns,
            zoned,
            rows: rows.into_iter().map(|r| r.1).collect(),
        })
    }
}
