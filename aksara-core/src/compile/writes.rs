//! UPDATE and DELETE: of the rows a query selects, and of one row by its key.

use super::checks::{check_range, check_value, coerce_for};
use super::foreign_keys::ForeignKeyBinds;
use super::Compiler;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta};
use crate::query::{Assignment, Expr, Query};
use crate::registry::ModelInfo;
use crate::sql::{Sql, WriteTarget};
use crate::value::Value;

impl Compiler<'_> {
    /// `WHERE pk IN (keys)`, wrapped in a derived table where the dialect needs it for UPDATE
    /// and DELETE.
    pub(super) fn where_keys_in(
        &mut self,
        sql: &mut Sql,
        model: &ModelInfo,
        query: &Query,
    ) -> Result<()> {
        if query == &Query::default() {
            return Ok(());
        }
        let keys = self.keys(model, query)?;
        let pk = &model.meta.pk()?.column;
        sql.push(" WHERE ").ident(pk).push(" IN (");
        if self.dialect.self_subquery_needs_derived_table() {
            sql.push("SELECT ")
                .ident(pk)
                .push(" FROM (")
                .append(keys)
                .push(") AS ")
                .ident("selected");
        } else {
            sql.append(keys);
        }
        sql.push(")");
        Ok(())
    }

    /// `DELETE` of the rows the query selects.
    pub fn delete(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        let mut sql = Sql::delete(&model.meta.table);
        sql.push("DELETE FROM ").ident(&model.meta.table);
        self.where_keys_in(&mut sql, model, query)?;
        Ok(sql)
    }

    /// `UPDATE` of the rows the query selects.
    pub fn update(
        &mut self,
        model: &ModelInfo,
        query: &Query,
        assignments: &[Assignment],
    ) -> Result<Sql> {
        if assignments.is_empty() {
            return Err(Error::config(format!(
                "update() on {} needs at least one field to set",
                model.meta.name
            )));
        }
        let mut sql = Sql::write(WriteTarget::new(&model.meta.table));
        let mut keys = ForeignKeyBinds::new(self.registry, &model.meta.table, []);
        sql.push("UPDATE ").ident(&model.meta.table).push(" SET ");
        for (i, a) in assignments.iter().enumerate() {
            let field = model
                .meta
                .concrete_fields()
                .find(|f| f.name == a.field || f.column == a.field)
                .ok_or_else(|| model.unknown(&a.field))?;
            if field.primary_key {
                return Err(Error::validation(
                    &model.meta.name,
                    &field.name,
                    "the primary key cannot be updated in bulk",
                ));
            }
            if i > 0 {
                sql.push(", ");
            }
            let value = match &a.value {
                Expr::Value(value) => value.clone(),
                expr => {
                    // Computed by the database from the row's own columns.
                    let computed = self.row_expr(&model.meta, expr)?;
                    sql.ident(&field.column).push(" = ").append(computed);
                    continue;
                }
            };
            let value = coerce_for(&model.meta, field, value)?;
            check_value(&model.meta, field, &value)?;
            check_range(self.dialect, &model.meta, field, &value)?;
            sql.ident(&field.column).push(" = ");
            keys.bind_field(&mut sql, field, value);
        }
        keys.finish(&mut sql);
        self.where_keys_in(&mut sql, model, query)?;
        Ok(sql)
    }

    /// `UPDATE table SET col = value, ... WHERE pk = key` for one instance.
    pub fn update_by_pk(
        &self,
        meta: &ModelMeta,
        values: &[(&FieldMeta, Value)],
        key: Value,
    ) -> Result<Sql> {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        let mut keys = ForeignKeyBinds::new(self.registry, &meta.table, []);
        sql.push("UPDATE ").ident(&meta.table).push(" SET ");
        for (i, (field, value)) in values.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&field.column).push(" = ");
            keys.bind_field(&mut sql, field, value.clone());
        }
        keys.finish(&mut sql);
        let pk = meta.pk()?;
        sql.push(" WHERE ")
            .ident(&pk.column)
            .push(" = ")
            .bind(key, Some(pk.kind.value_type()));
        Ok(sql)
    }

    /// `DELETE FROM table WHERE pk = key`.
    pub fn delete_by_pk(&self, meta: &ModelMeta, key: Value) -> Result<Sql> {
        let pk = meta.pk()?;
        let mut sql = Sql::delete(&meta.table);
        sql.push("DELETE FROM ")
            .ident(&meta.table)
            .push(" WHERE ")
            .ident(&pk.column)
            .push(" = ");
        sql.bind(key, Some(pk.kind.value_type()));
        Ok(sql)
    }

    /// `UPDATE table SET column = value WHERE pk IN (keys)`: what `on_delete = SET(..)` and
    /// `SET_DEFAULT` do to the referencing rows.
    pub fn update_keys(
        &self,
        meta: &ModelMeta,
        field: &FieldMeta,
        value: Value,
        keys: Vec<Value>,
    ) -> Result<Sql> {
        let value = coerce_for(meta, field, value)?;
        check_value(meta, field, &value)?;
        check_range(self.dialect, meta, field, &value)?;
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        let mut binds = ForeignKeyBinds::new(self.registry, &meta.table, []);
        sql.push("UPDATE ")
            .ident(&meta.table)
            .push(" SET ")
            .ident(&field.column)
            .push(" = ");
        binds.bind_field(&mut sql, field, value);
        binds.finish(&mut sql);
        sql.push(" WHERE ");
        self.in_list_as(&mut sql, None, meta.pk()?, keys);
        Ok(sql)
    }

    /// `DELETE FROM table WHERE pk IN (keys)`.
    pub fn delete_keys(&self, meta: &ModelMeta, keys: Vec<Value>) -> Result<Sql> {
        let mut sql = Sql::delete(&meta.table);
        sql.push("DELETE FROM ").ident(&meta.table).push(" WHERE ");
        self.in_list_as(&mut sql, None, meta.pk()?, keys);
        Ok(sql)
    }
}
