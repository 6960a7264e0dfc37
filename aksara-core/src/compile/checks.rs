//! Value checks shared by the writes and the lookups: coercion, required fields, lengths,
//! email / URL shape, the backend's range.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, RelationKind};
use crate::value::{FieldKind, Value};

/// `value` coerced to `field`'s kind, or a validation error naming model, field and value.
pub fn coerce_for(meta: &ModelMeta, field: &FieldMeta, value: Value) -> Result<Value> {
    field.kind.coerce(value).map_err(|message| {
        // A relation with a `to_field` holds that field's value: a key (or a row, which
        // converts to its key) given in its place is the likely mistake.
        let hint = match field.relation.as_ref().and_then(|r| r.to_field.as_deref()) {
            Some(to_field) => format!(
                " ({}.{} holds its target's `{to_field}`, not its key: compare it with a \
                 `{to_field}`, or with `{}__pk` for a key)",
                meta.name, field.name, field.name
            ),
            None => String::new(),
        };
        Error::validation(&meta.name, &field.name, format!("{message}{hint}"))
    })
}

/// Checks a value about to be written: NULL where required, length, email and URL shape.
pub fn check_value(meta: &ModelMeta, field: &FieldMeta, value: &Value) -> Result<()> {
    let fail = |message: String| Err(Error::validation(&meta.name, &field.name, message));
    if value.is_null() {
        if !field.nullable && !field.kind.is_auto() {
            return fail("NULL is not allowed (the field is required)".into());
        }
        return Ok(());
    }
    if let (Some(max), Value::String(s)) = (field.max_length(), value) {
        let length = s.chars().count();
        if length > max as usize {
            let shown: String = s.chars().take(40).collect();
            let ellipsis = if length > 40 { "..." } else { "" };
            return fail(format!(
                "{length} characters is longer than max_length {max} (value {shown:?}{ellipsis})"
            ));
        }
    }
    match (&field.kind, value) {
        (FieldKind::Email { .. }, Value::String(s)) if !crate::validate::is_email(s) => {
            fail(format!("{s:?} is not a valid email address"))
        }
        (FieldKind::Url { .. }, Value::String(s)) if !crate::validate::is_url(s) => {
            fail(format!("{s:?} is not a valid URL"))
        }
        _ => Ok(()),
    }
}

/// An [`Error::Validation`] naming model, field, value and the range the backend holds when
/// `dialect` cannot store `value` (or each item of a list) exactly in `field`'s column (see
/// [`Dialect::out_of_range`]).
pub fn check_range(
    dialect: &dyn Dialect,
    meta: &ModelMeta,
    field: &FieldMeta,
    value: &Value,
) -> Result<()> {
    crate::array_field::check_backend(dialect, meta, field)?;
    // An array field's elements are checked as values of the element kind.
    let kind = match &field.kind {
        FieldKind::Array(element) => element,
        kind => kind,
    };
    let refused_one = |v: &Value| {
        crate::validate::kind_out_of_range(kind, v).or_else(|| dialect.out_of_range(kind, v))
    };
    let refused = match value {
        Value::Array(items) => items.iter().find_map(refused_one),
        v => refused_one(v),
    };
    match refused {
        Some(message) => Err(Error::validation(&meta.name, &field.name, message)),
        None => Ok(()),
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// True when `kind` is a relation kind that has a column.
pub fn is_to_one(kind: RelationKind) -> bool {
    kind != RelationKind::ManyToMany
}
