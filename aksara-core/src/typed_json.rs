//! [`Json<T>`]: a JSON column read and written as a Rust type of your own.

use crate::field_type::{unexpected, FieldType, TypeOptions};
use crate::value::{FieldKind, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON column holding a `T` (any `Serialize + DeserializeOwned` type): written as the JSON
/// serde makes of it, read back through serde. A document that does not deserialise into `T`
/// is a decode error naming the model, the field and serde's reason.
///
/// ```
/// use aksara::{FieldKind, Json, Model, Value};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// struct Address {
///     street: String,
///     city: String,
/// }
///
/// #[derive(aksara::Model, Debug, Clone)]
/// struct Customer {
///     id: i64,
///     address: Json<Address>,
///     previous: Option<Json<Vec<Address>>>,
/// }
///
/// let home = Json(Address { street: "Jalan Merdeka 1".into(), city: "Bandung".into() });
/// assert_eq!(
///     Value::from(home.clone()),
///     Value::Json(serde_json::json!({"street": "Jalan Merdeka 1", "city": "Bandung"})),
/// );
/// assert_eq!(Customer::meta().field("address").unwrap().kind, FieldKind::Json);
/// // `Json` derefs to the value inside.
/// assert_eq!(home.city, "Bandung");
/// ```
///
/// # Panics
///
/// Converting to a [`Value`] panics when `T`'s `Serialize` fails, which serde_json does only
/// for shapes JSON cannot write (a map whose keys are not strings): a property of the type,
/// found by the first test that stores one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

impl<T> FieldType for Json<T>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Json
    }

    fn to_value(&self) -> Value {
        match serde_json::to_value(&self.0) {
            Ok(doc) => Value::Json(doc),
            Err(e) => panic!(
                "a {} cannot be written as JSON: {e}",
                std::any::type_name::<T>()
            ),
        }
    }

    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Json(doc) => serde_json::from_value(doc).map(Json).map_err(|e| {
                format!(
                    "the JSON document is not a {}: {e}",
                    std::any::type_name::<T>()
                )
            }),
            other => Err(unexpected("JSON", &other)),
        }
    }
}
