//! A pooled PostgreSQL connection running compiled statements.

use crate::decode::PgRow;
use crate::error::map_error;
use crate::query::PgQuery;
use aksara_core::{Connection, DbError, Row, Sql};
use async_trait::async_trait;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};

/// A connection checked out of the pool; back to the pool when dropped (discarded if it is
/// inside an unfinished transaction).
pub struct PgConnection(pub(crate) Object<AsyncPgConnection>);

#[async_trait]
impl Connection for PgConnection {
    fn discard(&mut self) {
        // A transaction manager in error makes the pool's recycle check drop the connection.
        AnsiTransactionManager::transaction_manager_status_mut(&mut *self.0).set_in_error();
    }

    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        let rows: Vec<PgRow> = PgQuery::new(sql)
            .load(&mut *self.0)
            .await
            .map_err(map_error)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        PgQuery::new(sql)
            .execute(&mut *self.0)
            .await
            .map_err(map_error)
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        AnsiTransactionManager::begin_transaction(&mut *self.0)
            .await
            .map_err(map_error)
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        AnsiTransactionManager::commit_transaction(&mut *self.0)
            .await
            .map_err(map_error)
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        diesel_async::SimpleAsyncConnection::batch_execute(&mut *self.0, script)
            .await
            .map_err(map_error)
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        AnsiTransactionManager::rollback_transaction(&mut *self.0)
            .await
            .map_err(map_error)
    }
}
