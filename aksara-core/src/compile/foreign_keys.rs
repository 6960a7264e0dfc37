//! The foreign keys a write binds: for each written column that references another table, the
//! constraint it can violate and the indexes of the binds written to it, recorded in the
//! statement's [`Intent::Write`](crate::sql::Intent::Write) so a backend can name the violated
//! key without reading the SQL text.

use crate::ddl::fk_constraint_name;
use crate::meta::{FieldMeta, Target};
use crate::registry::Registry;
use crate::sql::{Intent, Sql, WrittenForeignKey};
use crate::value::{Value, ValueType};

use super::is_to_one;

/// The foreign keys among the columns of one write, collecting the binds written to each.
pub(super) struct ForeignKeyBinds<'r> {
    registry: &'r Registry,
    table: &'r str,
    /// One entry per written column: its foreign key, or `None` for a plain column.
    columns: Vec<Option<WrittenForeignKey>>,
}

impl<'r> ForeignKeyBinds<'r> {
    /// The foreign keys of `columns` of `table` (in the order the write binds them).
    pub(super) fn new<'f>(
        registry: &'r Registry,
        table: &'r str,
        columns: impl IntoIterator<Item = &'f FieldMeta>,
    ) -> Self {
        let columns = columns
            .into_iter()
            .map(|field| written_foreign_key(registry, table, field))
            .collect();
        ForeignKeyBinds {
            registry,
            table,
            columns,
        }
    }

    /// Binds `value` as the value of one more column, `field` (a column set once, as in an
    /// `UPDATE ... SET`).
    pub(super) fn bind_field(&mut self, sql: &mut Sql, field: &FieldMeta, value: Value) {
        self.columns
            .push(written_foreign_key(self.registry, self.table, field));
        self.bind(sql, self.columns.len() - 1, value, field.kind.value_type());
    }

    /// Binds `value` as the value of column number `column`, noting where it sits when the
    /// column is a foreign key.
    pub(super) fn bind(&mut self, sql: &mut Sql, column: usize, value: Value, ty: ValueType) {
        if let Some(Some(key)) = self.columns.get_mut(column) {
            key.binds.push(sql.parts.len());
        }
        sql.bind(value, Some(ty));
    }

    /// Stores the foreign keys that received a bind in `sql`'s write intent.
    pub(super) fn finish(self, sql: &mut Sql) {
        if let Intent::Write(target) = &mut sql.intent {
            target.foreign_keys.extend(
                self.columns
                    .into_iter()
                    .flatten()
                    .filter(|key| !key.binds.is_empty()),
            );
        }
    }
}

/// The foreign key of `table.field`, if the field is a to-one relation to a registered model.
fn written_foreign_key(
    registry: &Registry,
    table: &str,
    field: &FieldMeta,
) -> Option<WrittenForeignKey> {
    let relation = field.relation.as_ref()?;
    if !is_to_one(relation.kind) {
        return None;
    }
    let Target::Name(target) = &relation.target else {
        return None;
    };
    let parent = registry.model(target).ok()?;
    let parent_column = match &relation.to_column {
        Some(column) => column.clone(),
        None => parent.meta.try_pk()?.column.clone(),
    };
    Some(WrittenForeignKey {
        constraint: fk_constraint_name(table, &field.column),
        column: field.column.clone(),
        parent_table: parent.meta.table.clone(),
        parent_column,
        binds: Vec::new(),
    })
}
