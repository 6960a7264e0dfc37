//! What MySQL / MariaDB brings to `aksara_diesel`'s pooled server connection: an abandoned
//! statement is stopped with `KILL QUERY` on a side connection (the driver's cancel token),
//! and the DDL's `DROP TABLE` runs with `FOREIGN_KEY_CHECKS = 0`, as PostgreSQL's
//! `DROP TABLE ... CASCADE` drops the constraints of a foreign key cycle.

use crate::decode::{MysqlNamedRow, MysqlRow};
use crate::query::{Bind, MysqlQuery};
use aksara_core::{DbError, NamedRows, Row};
use aksara_diesel::ServerDriver;
use async_trait::async_trait;
use diesel::QueryResult;
use diesel_async::{AsyncMysqlConnection, RunQueryDsl};
use std::future::Future;
use std::pin::Pin;

/// The MySQL / MariaDB driver (see [`ServerDriver`]).
pub(crate) struct Mysql;

#[async_trait]
impl ServerDriver for Mysql {
    type Conn = AsyncMysqlConnection;
    type Bind = Bind;
    const CAN_FLUSH: bool = false;
    const FOREIGN_KEY_CHECKS: Option<(&'static str, &'static str)> =
        Some(("SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1"));

    fn cancel_request(conn: &Self::Conn) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let token = conn.cancel_token();
        Box::pin(async move {
            let _ = token.cancel_query().await;
        })
    }

    fn map_error(e: diesel::result::Error) -> DbError {
        crate::error::map_error(e)
    }

    async fn load_rows(conn: &mut Self::Conn, query: MysqlQuery) -> QueryResult<Vec<Row>> {
        let rows: Vec<MysqlRow> = query.load(conn).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn load_named_rows(conn: &mut Self::Conn, query: MysqlQuery) -> QueryResult<NamedRows> {
        let rows: Vec<MysqlNamedRow> = query.load(conn).await?;
        let columns = rows
            .as_slice()
            .first()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        Ok(NamedRows {
            columns,
            zoned: Vec::new(),
            rows: rows.into_iter().map(|r| r.1).collect(),
        })
    }
}
