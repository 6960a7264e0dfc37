//! A pooled MySQL / MariaDB connection running compiled statements.

use crate::decode::MysqlRow;
use crate::error::map_error;
use crate::query::MysqlQuery;
use aksara_core::{Connection, DbError, Row, Sql};
use async_trait::async_trait;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{
    AnsiTransactionManager, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection,
    TransactionManager,
};

/// A connection checked out of the pool; back to the pool when dropped (discarded if it is
/// inside an unfinished transaction).
pub struct MysqlConnection(pub(crate) Object<AsyncMysqlConnection>);

impl MysqlConnection {
    /// Drops a table of the schema even when foreign keys of a cycle point at it: the checks
    /// are switched off on this connection for the one statement, as PostgreSQL's
    /// `DROP TABLE ... CASCADE` drops such constraints. They are switched on again whatever
    /// happened.
    async fn drop_table(&mut self, query: MysqlQuery) -> Result<usize, DbError> {
        self.0
            .batch_execute("SET FOREIGN_KEY_CHECKS = 0")
            .await
            .map_err(map_error)?;
        let dropped = query.execute(&mut *self.0).await.map_err(map_error);
        let restored = self
            .0
            .batch_execute("SET FOREIGN_KEY_CHECKS = 1")
            .await
            .map_err(map_error);
        let n = dropped?;
        restored?;
        Ok(n)
    }
}

#[async_trait]
impl Connection for MysqlConnection {
    fn discard(&mut self) {
        // A transaction manager in error makes the pool's recycle check drop the connection.
        AnsiTransactionManager::transaction_manager_status_mut(&mut *self.0).set_in_error();
    }

    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        let rows: Vec<MysqlRow> = MysqlQuery::new(sql)
            .load(&mut *self.0)
            .await
            .map_err(map_error)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        let query = MysqlQuery::new(sql);
        if query.dropped_table().is_some() {
            return self.drop_table(query).await;
        }
        query.execute(&mut *self.0).await.map_err(map_error)
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        SimpleAsyncConnection::batch_execute(&mut *self.0, script)
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

    async fn rollback(&mut self) -> Result<(), DbError> {
        AnsiTransactionManager::rollback_transaction(&mut *self.0)
            .await
            .map_err(map_error)
    }
}
