//! serde for models (feature `serde`): `#[derive(Model, Serialize, Deserialize)]` works on
//! models with relations, so a service needs no hand-written DTO.
//!
//! - A [`ForeignKey`](crate::ForeignKey) / [`OneToOne`](crate::OneToOne) serialises as the
//!   loaded row when it is loaded (`select_related`, `get`), else as its key (or `to_field`
//!   value). Per field, `#[serde(serialize_with = "aksara::serde_support::key")]` always
//!   writes the key. It deserialises from a key, or from a row (then loaded, holding that
//!   row's key).
//! - A [`ManyToMany`](crate::ManyToMany) serialises as the list of loaded rows when
//!   prefetched, else as `null` (`#[serde(skip_serializing_if =
//!   "aksara::serde_support::not_loaded")]` leaves it out instead). It deserialises from a
//!   list of rows (loaded) or `null` (not loaded).
//! - [`Related`](crate::Related), the store of reverse relations, holds rows of any type and
//!   is not written: it serialises as `null`, and deserialises from anything as empty. Mark it
//!   `#[serde(skip)]` to leave it out of the JSON.
//!
//! ```
//! use aksara::{ForeignKey, Model, Related, CASCADE};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Model, Serialize, Deserialize, Debug, Clone)]
//! pub struct Author {
//!     pub id: i64,
//!     #[aksara(max_length = 50)]
//!     pub name: String,
//!     #[serde(skip)]
//!     pub related: Related,
//! }
//!
//! #[derive(Model, Serialize, Deserialize, Debug, Clone)]
//! pub struct Book {
//!     pub id: i64,
//!     #[aksara(on_delete = CASCADE)]
//!     pub author: ForeignKey<Author>,
//! }
//!
//! let ann = Author { id: 7, name: "Ann".into(), related: Related::default() };
//! let unloaded = Book { id: 1, author: ForeignKey::new(7) };
//! assert_eq!(serde_json::to_string(&unloaded).unwrap(), r#"{"id":1,"author":7}"#);
//! let loaded = Book { id: 1, author: ForeignKey::to(ann) };
//! assert_eq!(
//!     serde_json::to_string(&loaded).unwrap(),
//!     r#"{"id":1,"author":{"id":7,"name":"Ann"}}"#
//! );
//! let back: Book = serde_json::from_str(r#"{"id":1,"author":{"id":7,"name":"Ann"}}"#).unwrap();
//! assert_eq!(*back.author.id(), 7);
//! assert_eq!(back.author.loaded().map(|a| a.name.as_str()), Some("Ann"));
//! ```

use crate::model::{Model, ReferencedValue};
use crate::related_store::Related;
use crate::relation::{ManyToMany, ToOne};
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use std::sync::Arc;

impl<T, K, R> Serialize for ToOne<T, K, R>
where
    T: Model + Serialize,
    R: ReferencedValue + Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.loaded() {
            Some(row) => row.serialize(serializer),
            None => self.id().serialize(serializer),
        }
    }
}

/// Writes a to-one relation as its key (or `to_field` value), loaded or not:
/// `#[serde(serialize_with = "aksara::serde_support::key")]`.
pub fn key<T, K, R, S>(relation: &ToOne<T, K, R>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Model,
    R: ReferencedValue + Serialize,
    S: Serializer,
{
    relation.id().serialize(serializer)
}

/// [`key`] for a nullable relation: its key, or `null`:
/// `#[serde(serialize_with = "aksara::serde_support::key_or_null")]` on an
/// `Option<ForeignKey<T>>`.
pub fn key_or_null<T, K, R, S>(
    relation: &Option<ToOne<T, K, R>>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    T: Model,
    R: ReferencedValue + Serialize,
    S: Serializer,
{
    match relation {
        Some(relation) => relation.id().serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// A key, or a whole row.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum KeyOrRow<R, T> {
    Key(R),
    Row(T),
}

impl<'de, T, K, R> Deserialize<'de> for ToOne<T, K, R>
where
    T: Model + Deserialize<'de>,
    R: ReferencedValue + Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match KeyOrRow::<R, T>::deserialize(deserializer)? {
            KeyOrRow::Key(key) => ToOne::new(key),
            KeyOrRow::Row(row) => ToOne::to(row),
        })
    }
}

impl<T: Serialize> Serialize for ManyToMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.loaded() {
            Some(rows) => serializer.collect_seq(rows.iter().map(|r| r.as_ref())),
            None => serializer.serialize_none(),
        }
    }
}

/// True when nothing was prefetched into the many-to-many field:
/// `#[serde(skip_serializing_if = "aksara::serde_support::not_loaded")]`.
pub fn not_loaded<T>(field: &ManyToMany<T>) -> bool {
    field.loaded().is_none()
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ManyToMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rows: Option<Vec<T>> = Option::deserialize(deserializer)?;
        let mut field = ManyToMany::new();
        if let Some(rows) = rows {
            field.set_loaded(Arc::new(rows.into_iter().map(Arc::new).collect()));
        }
        Ok(field)
    }
}

impl Serialize for Related {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

impl<'de> Deserialize<'de> for Related {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Related::default())
    }
}
