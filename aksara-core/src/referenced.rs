//! Which field of its target a to-one relation references: the target's key, or the unique
//! field a `to_field` names (see [the relation module](crate::relation) for the rules), and
//! reading that field's value from a row.

use crate::error::{Error, Result};
use crate::meta::FieldMeta;
use crate::model::{Model, PrimaryKey};
use crate::registry::Registry;
use crate::value::{Value, ValueType};

/// The field of `T` that a to-one relation holding values of type `value_type` references:
/// `T`'s key when `value_type` is the key's; else `T`'s only unique field of that type; else,
/// when `T` has several, the one the relations of `registry` reference with it (see
/// [`Registry::referenced_field`]).
///
/// ```
/// use aksara::relation::referenced_field;
/// use aksara::{Model, ValueType};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Country {
///     pub id: i64,
///     #[aksara(unique, max_length = 2)]
///     pub code: String,
///     pub name: String,
/// }
///
/// assert_eq!(referenced_field::<Country>(ValueType::I64, None)?.name, "id");
/// assert_eq!(referenced_field::<Country>(ValueType::String, None)?.name, "code");
/// assert!(referenced_field::<Country>(ValueType::Uuid, None).is_err());
/// # Ok::<(), aksara::Error>(())
/// ```
///
/// # Errors
/// [`Error::Config`] when `T` has no unique field of that type, or several and `registry`
/// (when given) does not say which.
pub fn referenced_field<T: Model>(
    value_type: ValueType,
    registry: Option<&Registry>,
) -> Result<&'static FieldMeta> {
    let meta = T::meta();
    let pk = meta.pk()?;
    if value_type == <T::Pk as PrimaryKey>::KIND.value_type() {
        return Ok(pk);
    }
    let candidates: Vec<&'static FieldMeta> = meta
        .concrete_fields()
        .filter(|f| {
            !f.primary_key && (f.unique || is_one_to_one(f)) && f.kind.value_type() == value_type
        })
        .collect();
    match candidates.as_slice() {
        [one] => return Ok(one),
        [] => {
            return Err(Error::config(format!(
                "a relation to {} holding a {value_type:?} value references no field: {} has \
                 no unique field of that type (and its key is {:?})",
                meta.name,
                meta.name,
                pk.kind.value_type()
            )))
        }
        _ => {}
    }
    let names: Vec<&str> = candidates.iter().map(|f| f.name.as_str()).collect();
    let chosen = registry.and_then(|r| r.referenced_field(&meta.name, value_type));
    match chosen.and_then(|name| candidates.iter().find(|f| f.name == name)) {
        Some(field) => Ok(field),
        None => Err(Error::config(format!(
            "a relation to {} holding a {value_type:?} value could reference any of its unique \
             fields {}: {}",
            meta.name,
            names.join(", "),
            if registry.is_some() {
                "no relation of the registry references one of them with that type"
            } else {
                "without a registry it cannot be told which; set the value with ToOne::new \
                 (or the model's builder)"
            }
        ))),
    }
}

fn is_one_to_one(field: &FieldMeta) -> bool {
    field
        .relation
        .as_ref()
        .is_some_and(|r| r.kind == crate::meta::RelationKind::OneToOne)
}

/// The value of `target`'s field called `field` (its column's value), `Value::Null` when `T`
/// has no such field. Generated builders and reverse managers of `to_field` relations use it
/// to take the referenced value from a row.
///
/// ```
/// use aksara::relation::referenced_value;
/// use aksara::{Model, Value};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Country {
///     pub id: i64,
///     #[aksara(unique, max_length = 2)]
///     pub code: String,
/// }
///
/// let france = Country { id: 7, code: "FR".into() };
/// assert_eq!(referenced_value(&france, "code"), Value::from("FR"));
/// assert_eq!(referenced_value(&france, "nope"), Value::Null);
/// ```
pub fn referenced_value<T: Model>(target: &T, field: &str) -> Value {
    match T::meta().concrete_index(field) {
        Some(index) => target.value_at(index),
        None => Value::Null,
    }
}
