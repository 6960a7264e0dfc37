//! [`Record`]: a row of a model chosen by name at run time.
//!
//! The dynamic side of the engine, for callers that know models only by name (the explorer,
//! tools reading a database they did not define): `QuerySet::<Record>::of("Track")` takes the
//! same string conditions, ordering and slicing as a typed query set and compiles through the
//! same code; [`Record::related`] follows any relation, forward, reverse or many-to-many, as a
//! new query set.

use crate::error::{Error, Result};
use crate::query::Condition;
use crate::registry::{ModelInfo, Registry, Via};
use crate::value::Value;
use std::sync::Arc;

/// One row of any model: its values in the order of the model's concrete fields.
#[derive(Clone)]
pub struct Record {
    registry: Arc<Registry>,
    model: usize,
    values: Vec<Value>,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (field, value) in self.fields().zip(&self.values) {
            map.entry(&field, value);
        }
        map.finish()
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.model == other.model && self.values == other.values
    }
}

impl Record {
    /// Reads a record of `info` from `row`, each column coerced to its field's kind; a value
    /// that does not fit its kind (text that is not UTF-8, say) is kept as the backend read
    /// it, so one odd value never makes a whole page unreadable.
    pub fn from_row(registry: &Arc<Registry>, info: &ModelInfo, row: Vec<Value>) -> Result<Self> {
        let mut raw = row.into_iter();
        let mut values = Vec::with_capacity(info.meta.fields.len());
        for field in info.meta.concrete_fields() {
            let value = raw.next().unwrap_or(Value::Null);
            let fits = value.is_null() || value.value_type() == Some(field.kind.value_type());
            values.push(if fits {
                value
            } else {
                field.kind.coerce(value.clone()).unwrap_or(value)
            });
        }
        Ok(Record {
            registry: registry.clone(),
            model: info.index,
            values,
        })
    }

    /// The model's entry in the registry.
    pub fn info(&self) -> &ModelInfo {
        self.registry.at(self.model)
    }

    /// The model's name.
    pub fn model(&self) -> &str {
        &self.info().meta.name
    }

    /// The field names, in column order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.info().meta.concrete_fields().map(|f| f.name.as_str())
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of the field (or column) called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let index = self
            .info()
            .meta
            .concrete_fields()
            .position(|f| f.name == name || f.column == name)?;
        self.values.get(index)
    }

    /// The value of the primary key, if the model has a single-column one.
    pub fn key(&self) -> Option<&Value> {
        let pk = self.info().meta.try_pk()?;
        self.get(&pk.name)
    }

    fn column(&self, column: &str) -> Option<&Value> {
        let index = self
            .info()
            .meta
            .concrete_fields()
            .position(|f| f.column == column)?;
        self.values.get(index)
    }

    /// The model reached through `relation` (a forward relation, a reverse one or a
    /// many-to-many, by lookup or accessor name) and the condition on it that selects the
    /// rows related to this one; [`Record::related`] makes the query
    /// set of them.
    ///
    /// # Errors
    /// [`Error::UnknownField`] when the model has no such relation; [`Error::Config`] when the
    /// relation cannot be followed (a key column is missing).
    pub fn related_filter(&self, relation: &str) -> Result<(&ModelInfo, Condition)> {
        let info = self.info();
        let edge = info.edge(relation).ok_or_else(|| info.unknown(relation))?;
        let target = self.registry.at(edge.target);
        let field_of = |model: &ModelInfo, column: &str| {
            model
                .meta
                .concrete_fields()
                .find(|f| f.column == column)
                .map(|f| f.name.clone())
        };
        let missing = || {
            Error::config(format!(
                "{}.{relation} cannot be followed: a key column is missing",
                info.meta.name
            ))
        };
        let condition = match &edge.via {
            Via::Forward {
                column,
                target_column,
            } => {
                let value = self.column(column).cloned().ok_or_else(missing)?;
                Condition::new(field_of(target, target_column).ok_or_else(missing)?, value)
            }
            Via::Reverse {
                column,
                source_column,
            } => {
                let value = self.column(source_column).cloned().ok_or_else(missing)?;
                Condition::new(field_of(target, column).ok_or_else(missing)?, value)
            }
            Via::Junction { source_key, .. } => {
                let value = self.column(source_key).cloned().ok_or_else(missing)?;
                let back = target
                    .edges
                    .iter()
                    .find(|e| {
                        e.owner == edge.owner && e.field == edge.field && e.forward != edge.forward
                    })
                    .ok_or_else(missing)?;
                Condition::new(back.name.clone(), value)
            }
        };
        Ok((target, condition))
    }
}
