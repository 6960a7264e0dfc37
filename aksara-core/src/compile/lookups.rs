//! The lookup switch: `alias.field <lookup> value` for every [`Lookup`], and `IN` lists as
//! the dialect binds them.

use super::checks::{check_range, coerce_for, escape_like};
use super::Compiler;
use crate::dialect::{Dialect, ListBinding};
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta};
use crate::query::Lookup;
use crate::sql::Sql;
use crate::value::{FieldKind, Value};

/// Binds kept free for the rest of a statement beside a long `in` list.
pub const BINDS_FOR_THE_REST: usize = 1_000;

impl Compiler<'_> {
    /// The SQL of `alias.field <lookup> value`.
    pub(super) fn leaf(
        &self,
        meta: &ModelMeta,
        alias: &str,
        field: &FieldMeta,
        lookup: Lookup,
        value: Value,
    ) -> Result<Sql> {
        // A value the backend cannot hold is refused, not compared after the database
        // changed it (or failed with an untyped error).
        if lookup != Lookup::IsNull {
            if let Ok(coerced) = field.kind.coerce(value.clone()) {
                check_range(self.dialect, meta, field, &coerced)?;
            }
        }
        let mut sql = Sql::new();
        let ty = Some(field.kind.value_type());
        let is_array = matches!(field.kind, FieldKind::Array(_));
        if is_array && matches!(lookup, Lookup::Contains | Lookup::Overlap) {
            let value = coerce_for(meta, field, value)?;
            if !matches!(value, Value::Array(_)) {
                return Err(Error::validation(
                    &meta.name,
                    &field.name,
                    format!("`{}` takes an array, got {value}", lookup.name()),
                ));
            }
            let op = if lookup == Lookup::Contains {
                " @> "
            } else {
                " && "
            };
            sql.column(alias, &field.column).push(op);
            self.bind_for(&mut sql, field, value);
            return Ok(sql);
        }
        if is_array && matches!(lookup, Lookup::In | Lookup::Range) {
            return Err(Error::validation(
                &meta.name,
                &field.name,
                format!(
                    "the lookup `{}` does not apply to array fields (use exact, `contains` \
                     or `overlap`)",
                    lookup.name()
                ),
            ));
        }
        if lookup == Lookup::Overlap {
            return Err(Error::validation(
                &meta.name,
                &field.name,
                format!(
                    "the lookup `overlap` applies to array fields only; `{}` is {} field",
                    field.name,
                    crate::naming::with_article(field.kind.describe())
                ),
            ));
        }
        if lookup.is_text_only() && !field.kind.is_text() {
            return Err(Error::validation(
                &meta.name,
                &field.name,
                format!(
                    "the lookup `{}` applies to text fields only; `{}` is {} field",
                    lookup.name(),
                    field.name,
                    crate::naming::with_article(field.kind.describe())
                ),
            ));
        }
        match lookup {
            Lookup::Exact | Lookup::Gt | Lookup::Gte | Lookup::Lt | Lookup::Lte => {
                let value = coerce_for(meta, field, value)?;
                if value.is_null() {
                    if lookup != Lookup::Exact {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`{}` cannot compare with NULL", lookup.name()),
                        ));
                    }
                    sql.column(alias, &field.column).push(" IS NULL");
                } else {
                    let op = match lookup {
                        Lookup::Gt => " > ",
                        Lookup::Gte => " >= ",
                        Lookup::Lt => " < ",
                        Lookup::Lte => " <= ",
                        _ => " = ",
                    };
                    sql.column(alias, &field.column).push(op);
                    self.bind_for(&mut sql, field, value);
                }
            }
            Lookup::IExact => {
                let value = coerce_for(meta, field, value)?;
                sql.push("LOWER(")
                    .column(alias, &field.column)
                    .push(") = LOWER(")
                    .bind(value, ty)
                    .push(")");
            }
            Lookup::Contains
            | Lookup::IContains
            | Lookup::StartsWith
            | Lookup::IStartsWith
            | Lookup::EndsWith
            | Lookup::IEndsWith => {
                let Value::String(text) = coerce_for(meta, field, value)? else {
                    return Err(Error::validation(
                        &meta.name,
                        &field.name,
                        format!("`{}` needs a text value", lookup.name()),
                    ));
                };
                let escaped = escape_like(&text);
                let pattern = match lookup {
                    Lookup::Contains | Lookup::IContains => format!("%{escaped}%"),
                    Lookup::StartsWith | Lookup::IStartsWith => format!("{escaped}%"),
                    _ => format!("%{escaped}"),
                };
                let insensitive = matches!(
                    lookup,
                    Lookup::IContains | Lookup::IStartsWith | Lookup::IEndsWith
                );
                match (insensitive, self.dialect.ilike_operator()) {
                    (false, _) => {
                        sql.column(alias, &field.column)
                            .push(" LIKE ")
                            .bind(Value::String(pattern), ty);
                    }
                    (true, Some(op)) => {
                        sql.column(alias, &field.column)
                            .push(" ")
                            .push(op)
                            .push(" ")
                            .bind(Value::String(pattern), ty);
                    }
                    (true, None) => {
                        sql.push("LOWER(")
                            .column(alias, &field.column)
                            .push(") LIKE LOWER(");
                        sql.bind(Value::String(pattern), ty).push(")");
                    }
                }
                sql.push(self.dialect.like_escape());
            }
            Lookup::IsNull => {
                let is_null = match value {
                    Value::Bool(b) => b,
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`isnull` takes true or false, got {other}"),
                        ))
                    }
                };
                sql.column(alias, &field.column).push(if is_null {
                    " IS NULL"
                } else {
                    " IS NOT NULL"
                });
            }
            Lookup::Overlap => unreachable!("array lookups are compiled above"),
            Lookup::Range => {
                let items = match coerce_for(meta, field, value)? {
                    Value::Array(items)
                        if items.len() == 2 && !items.iter().any(Value::is_null) =>
                    {
                        items
                    }
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`range` takes two values, got {other}"),
                        ))
                    }
                };
                let mut items = items.into_iter();
                let (low, high) = (items.next().expect("two"), items.next().expect("two"));
                sql.column(alias, &field.column).push(" BETWEEN ");
                self.bind_for(&mut sql, field, low);
                sql.push(" AND ");
                self.bind_for(&mut sql, field, high);
            }
            Lookup::In => {
                let items = match coerce_for(meta, field, value)? {
                    Value::Array(items) => items
                        .into_iter()
                        .filter(|v| !v.is_null())
                        .collect::<Vec<_>>(),
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`in` takes a list of values, got {other}"),
                        ))
                    }
                };
                let limit = in_list_limit(self.dialect);
                if items.len() > limit {
                    return Err(Error::validation(
                        &meta.name,
                        &field.name,
                        format!(
                            "an `in` list of {} values is more than one {} statement can carry \
                             ({limit}); split the list, or filter through a relation or a subquery",
                            items.len(),
                            self.dialect.name()
                        ),
                    ));
                }
                self.in_list(&mut sql, alias, field, items);
            }
        }
        Ok(sql)
    }

    /// Binds `value` to be compared with `field` (see [`bind_cast`]).
    pub(super) fn bind_for(&self, sql: &mut Sql, field: &FieldMeta, value: Value) {
        let cast = self.dialect.parameter_cast(&field.kind);
        bind_cast(sql, value, Some(field.kind.value_type()), cast);
    }

    /// `col IN (...)` as the dialect binds lists; an empty list matches nothing.
    pub fn in_list(&self, sql: &mut Sql, alias: &str, field: &FieldMeta, items: Vec<Value>) {
        self.in_list_as(sql, Some(alias), field, items);
    }

    /// [`Compiler::in_list`], the column qualified by `alias` or (`None`) left bare.
    pub(super) fn in_list_as(
        &self,
        sql: &mut Sql,
        alias: Option<&str>,
        field: &FieldMeta,
        items: Vec<Value>,
    ) {
        let column = |sql: &mut Sql| match alias {
            Some(alias) => {
                sql.column(alias, &field.column);
            }
            None => {
                sql.ident(&field.column);
            }
        };
        if items.is_empty() {
            sql.push("1 = 0");
            return;
        }
        let ty = Some(field.kind.value_type());
        match self.dialect.list_binding() {
            ListBinding::Array => {
                column(sql);
                sql.push(" = ANY(");
                self.bind_for(sql, field, Value::Array(items));
                sql.push(")");
            }
            ListBinding::Padded(sizes) => {
                let cast = self.dialect.parameter_cast(&field.kind);
                let largest = *sizes.last().expect("at least one size");
                let chunks: Vec<&[Value]> = items.chunks(largest).collect();
                if chunks.len() > 1 {
                    sql.push("(");
                }
                for (c, chunk) in chunks.iter().enumerate() {
                    if c > 0 {
                        sql.push(" OR ");
                    }
                    let size = sizes
                        .iter()
                        .copied()
                        .find(|&s| s >= chunk.len())
                        .unwrap_or(largest);
                    column(sql);
                    sql.push(" IN (");
                    for i in 0..size {
                        if i > 0 {
                            sql.push(", ");
                        }
                        let item = chunk
                            .get(i)
                            .unwrap_or_else(|| chunk.last().expect("non-empty chunk"));
                        bind_cast(sql, item.clone(), ty, cast);
                    }
                    sql.push(")");
                }
                if chunks.len() > 1 {
                    sql.push(")");
                }
            }
        }
    }
}

/// The longest `in` list one statement takes: any length where the dialect binds one array,
/// else the bind limit less room for the padding and the rest of the statement.
pub fn in_list_limit(dialect: &dyn Dialect) -> usize {
    match dialect.list_binding() {
        ListBinding::Array => usize::MAX,
        ListBinding::Padded(sizes) => dialect
            .max_binds()
            .saturating_sub(sizes.last().copied().unwrap_or(1) + BINDS_FOR_THE_REST)
            .max(1),
    }
}

/// Binds `value`, cast to `cast` (the column's own type, from
/// [`Dialect::parameter_cast`]) when there is one; an array of values to an array of it.
pub(super) fn bind_cast(
    sql: &mut Sql,
    value: Value,
    ty: Option<crate::value::ValueType>,
    cast: Option<&str>,
) {
    let Some(cast) = cast else {
        sql.bind(value, ty);
        return;
    };
    let array = matches!(value, Value::Array(_));
    sql.push("CAST(").bind(value, ty).push(" AS ").push(cast);
    sql.push(if array { "[])" } else { ")" });
}
