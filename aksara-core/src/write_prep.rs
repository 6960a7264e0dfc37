//! Preparing values for a write: defaults for unset fields, generated keys, coercion and the
//! checks a value passes before any SQL runs.

use crate::compile::{check_value, coerce_for};
use crate::error::Result;
use crate::meta::FieldMeta;
use crate::model::{Model, PrimaryKey};
use crate::registry::{ModelInfo, Registry};
use crate::value::{FieldKind, Value};
use chrono::{SubsecRound, Utc};

/// The registry's entry for `M`.
pub(crate) fn model_info<M: Model>(registry: &Registry) -> Result<&ModelInfo> {
    registry.model(&M::meta().name)
}

/// The value for `field` in a row being created when none was given.
pub(crate) fn default_value(field: &FieldMeta, generated_pk: Option<Value>) -> Option<Value> {
    if field.primary_key {
        return generated_pk;
    }
    if field.auto_now_add || field.auto_now {
        let now = Utc::now().trunc_subsecs(6);
        return Some(match field.kind {
            FieldKind::Date => Value::Date(now.date_naive()),
            _ => Value::DateTime(now),
        });
    }
    if let Some(default) = &field.default {
        return Some(default.clone());
    }
    field.nullable.then_some(Value::Null)
}

/// The generated key for a new row of `M`, if keys are made on the client. A key that is a
/// relation (a primary-key `OneToOne`) is never generated: it is the key of the row it
/// extends, and must be given.
pub(crate) fn generated_pk<M: Model>() -> Option<Value> {
    if M::meta().try_pk().is_some_and(|pk| pk.relation.is_some()) {
        return None;
    }
    M::Pk::generate().map(Into::into)
}

/// Checks and coerces the values of a row about to be written.
pub(crate) fn checked(info: &ModelInfo, field: &FieldMeta, value: Value) -> Result<Value> {
    let value = coerce_for(&info.meta, field, value)?;
    check_value(&info.meta, field, &value)?;
    Ok(value)
}
