//! The model's own columns a SELECT reads: all of them, or those `only` / `defer` leave
//! (the primary key always).

use super::Compiler;
use crate::error::{Error, Result};
use crate::query::FieldSelection;
use crate::registry::ModelInfo;
use crate::sql::Sql;

/// The positions, among the model's concrete fields, of those `selection` reads, in column
/// order; `None` when it reads every field.
///
/// # Errors
/// [`Error::UnknownField`] for a name that is no field of the model, [`Error::Config`] for a
/// path (`author__name`), a to-many relation, or a deferred primary key.
pub fn selected_fields(
    model: &ModelInfo,
    selection: &FieldSelection,
) -> Result<Option<Vec<usize>>> {
    if selection.is_all() {
        return Ok(None);
    }
    let meta = &model.meta;
    let position = |name: &str, call: &str| -> Result<usize> {
        if name.contains("__") {
            return Err(Error::config(format!(
                "{call}([\"{name}\"]) on {}: name fields of {} itself; the columns of related \
                 rows are not read here",
                meta.name, meta.name
            )));
        }
        let pk_alias = name == "pk" && meta.field("pk").is_none();
        meta.concrete_fields()
            .position(|f| f.name == name || f.column == name || (pk_alias && f.primary_key))
            .ok_or_else(|| match model.edge(name) {
                Some(edge) if edge.is_many() => Error::config(format!(
                    "{call}([\"{name}\"]) on {}: `{name}` is a to-many relation, not a column \
                     of {}; load it with prefetch_related",
                    meta.name, meta.name
                )),
                _ => model.unknown(name),
            })
    };
    let count = meta.concrete_fields().count();
    let mut read = match &selection.only {
        Some(names) => {
            let mut read = vec![false; count];
            for name in names {
                read[position(name, "only")?] = true;
            }
            read
        }
        None => vec![true; count],
    };
    for name in &selection.defer {
        let at = position(name, "defer")?;
        if meta
            .concrete_fields()
            .nth(at)
            .is_some_and(|f| f.primary_key)
        {
            return Err(Error::config(format!(
                "defer([\"{name}\"]) on {}: the primary key is always read",
                meta.name
            )));
        }
        read[at] = false;
    }
    for (i, f) in meta.concrete_fields().enumerate() {
        if f.primary_key {
            read[i] = true;
        }
    }
    Ok(Some(
        read.iter()
            .enumerate()
            .filter_map(|(i, r)| r.then_some(i))
            .collect(),
    ))
}

impl Compiler<'_> {
    /// The model's columns at `positions` (all of them for `None`), as [`Compiler::columns`]
    /// writes them; returns the column names written.
    pub(super) fn some_columns<'m>(
        &self,
        sql: &mut Sql,
        alias: &str,
        model: &'m ModelInfo,
        positions: Option<&[usize]>,
    ) -> Vec<&'m str> {
        let Some(positions) = positions else {
            self.columns(sql, alias, &model.meta);
            return model
                .meta
                .concrete_fields()
                .map(|f| f.column.as_str())
                .collect();
        };
        let fields: Vec<_> = model.meta.concrete_fields().collect();
        let mut written = Vec::with_capacity(positions.len());
        for &i in positions {
            let column = fields[i].column.as_str();
            if !sql.is_empty() {
                sql.push(", ");
            }
            sql.column(alias, column);
            if let Some(label) = self.next_label.get() {
                sql.push(" AS ").ident(&format!("c{label}"));
                self.next_label.set(Some(label + 1));
            }
            written.push(column);
        }
        written
    }
}
