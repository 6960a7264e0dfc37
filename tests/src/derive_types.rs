//! Compile-time checks of how `#[derive(Model)]` recognises field types (no database needed).
//!
//! `serde_json::Value` is a JSON field:
//!
//! ```no_run
//! #[derive(aksara::Model, Debug, Clone)]
//! pub struct Setting {
//!     pub id: i64,
//!     pub payload: serde_json::Value,
//!     pub extra: Option<serde_json::Value>,
//! }
//! ```
//!
//! A type of your own named `Value` is not taken for JSON, even one that converts to and from
//! `aksara::Value`: it is read through `aksara::FieldType`, which it does not implement, so
//! the model does not compile ("`types::Value` is not a field type").
//!
//! ```compile_fail
//! mod types {
//!     /// A user's own `Value`, convertible to and from `aksara::Value`.
//!     #[derive(Debug, Clone)]
//!     pub struct Value(pub String);
//!
//!     impl From<Value> for aksara::Value {
//!         fn from(v: Value) -> Self {
//!             aksara::Value::from(v.0)
//!         }
//!     }
//!
//!     impl aksara::FromValue for Value {
//!         fn from_value(v: aksara::Value) -> Result<Self, String> {
//!             <String as aksara::FromValue>::from_value(v).map(Value)
//!         }
//!     }
//! }
//!
//! #[derive(aksara::Model, Debug, Clone)]
//! pub struct Setting {
//!     pub id: i64,
//!     pub payload: types::Value,
//! }
//! ```
//!
//! Removing the `payload` field, or writing it as `serde_json::Value`, makes the last
//! example compile: the derive's refusal of `types::Value` is the only error in it.
