//! The [`Model`] trait that `#[derive(Model)]` implements, and the pieces it uses: primary key
//! types, the row reader and the record of a row about to be created.

use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::manager::Manager;
use crate::meta::ModelMeta;
/// The row reader, kept here under its old path; it lives in [`crate::row_reader`].
pub use crate::row_reader::RowReader;
use crate::value::{FieldKind, Value};
use std::fmt::Debug;
use std::marker::PhantomData;

/// A type a to-one relation can hold: the value of the field it references on its target,
/// which is the target's primary key (every [`PrimaryKey`] type) or the unique field a
/// `to_field` names (`String`, `i64`, `i32`, `uuid::Uuid`, `chrono::NaiveDate`,
/// `chrono::DateTime<Utc>`): `ForeignKey<Country, String>` holds a country's `code`.
///
/// ```
/// use aksara::{FieldKind, ReferencedValue};
/// assert_eq!(<String as ReferencedValue>::REFERENCING_KIND, FieldKind::Text);
/// assert_eq!(<i64 as ReferencedValue>::REFERENCING_KIND, FieldKind::BigInteger);
/// ```
pub trait ReferencedValue:
    Clone + Send + Sync + Debug + PartialEq + Into<Value> + FromValue + 'static
{
    /// The kind of a column holding such a value, until the registry gives it the kind of the
    /// field it references (a `VARCHAR(2)` code, say).
    const REFERENCING_KIND: FieldKind;
}

macro_rules! referenced_values {
    ($($t:ty => $kind:expr),* $(,)?) => {$(
        impl ReferencedValue for $t {
            const REFERENCING_KIND: FieldKind = $kind;
        }
    )*};
}

referenced_values! {
    uuid::Uuid => FieldKind::Uuid,
    i64 => FieldKind::BigInteger,
    i32 => FieldKind::Integer,
    String => FieldKind::Text,
    chrono::NaiveDate => FieldKind::Date,
    chrono::DateTime<chrono::Utc> => FieldKind::DateTime,
}

/// A type usable as a primary key: `uuid::Uuid` (generated client-side, time-ordered v7, the
/// default), `i64` or `i32` (assigned by the database).
pub trait PrimaryKey: ReferencedValue {
    /// The kind of the key's column.
    const KIND: FieldKind;
    /// A new key made on the client, or `None` when the database assigns it.
    fn generate() -> Option<Self>;
}

impl PrimaryKey for uuid::Uuid {
    const KIND: FieldKind = FieldKind::Uuid;
    fn generate() -> Option<Self> {
        Some(uuid::Uuid::now_v7())
    }
}

impl PrimaryKey for i64 {
    const KIND: FieldKind = FieldKind::AutoBigInteger;
    fn generate() -> Option<Self> {
        None
    }
}

impl PrimaryKey for i32 {
    const KIND: FieldKind = FieldKind::AutoInteger;
    fn generate() -> Option<Self> {
        None
    }
}

/// A database model. Implemented by `#[derive(Model)]`, whose documentation lists the
/// attributes; the derive also gives the model `Post::objects()` (its queries),
/// `Post::build()` (a new row), `Post::fields()` (typed paths) and `save`, `delete`,
/// `refresh`.
///
/// ```
/// use aksara::{q, ForeignKey, Model, CASCADE};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Author {
///     pub id: i64,
///     #[aksara(max_length = 100)]
///     pub name: String,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Book {
///     pub id: i64,
///     #[aksara(max_length = 200)]
///     pub title: String,
///     #[aksara(on_delete = CASCADE, related_name = "books")]
///     pub author: ForeignKey<Author>,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let registry = aksara::Registry::builder().model::<Book>().build()?;
/// let db = aksara::connect("sqlite::memory:", registry).await?;
/// aksara::ddl::create_all(&db).await?;
///
/// let ann = Author::build().name("Ann").create(&db).await?;
/// let mut book = Book::build().title("Rust").author(&ann).create(&db).await?;
/// book.title = "Rust, second edition".into();
/// book.save(&db).await?;
///
/// let found = Book::objects()
///     .filter(Book::fields().author().name().eq("Ann"))
///     .all(&db)
///     .await?;
/// assert_eq!(found[0].title, "Rust, second edition");
/// assert_eq!(ann.books().count(&db).await?, 1);
/// assert_eq!(Author::meta().table, "authors");
///
/// ann.delete(&db).await?; // CASCADE: the book goes too
/// assert_eq!(Book::objects().filter(q!(title__contains = "Rust")).count(&db).await?, 0);
/// # Ok(()) }
/// ```
pub trait Model: crate::model_ops::AnyModel + Sized + Send + Sync + 'static {
    /// The primary key's type.
    type Pk: PrimaryKey;

    /// The typed field paths of the model (`PostFields`).
    type Fields: crate::fields::FieldPath;

    /// The model's metadata, built once.
    fn meta() -> &'static ModelMeta;

    /// The primary key of this instance.
    fn pk(&self) -> &Self::Pk;

    /// Reads an instance from the next columns of a row, in the order of
    /// [`ModelMeta::concrete_fields`].
    fn from_row(row: &mut RowReader) -> Result<Self>;

    /// The values of the columns, in the order of [`ModelMeta::concrete_fields`].
    fn to_values(&self) -> Vec<Value>;

    /// The store of relations loaded from the other side (a field of type
    /// [`Related`](crate::related_store::Related)), if the model has one.
    fn related_store(&self) -> Option<&crate::related_store::Related> {
        None
    }

    /// Forgets every relation loaded into this instance.
    fn clear_relation_caches(&mut self) {}

    /// The manager: the entry point of queries on this model.
    fn objects() -> Manager<Self> {
        Manager::new()
    }
}

/// The values of a row about to be created, as set through a model's builder
/// (`Post::build().title("...")`) or by name.
#[derive(Debug, Clone)]
pub struct NewRecord<M> {
    values: Vec<Option<Value>>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for NewRecord<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> NewRecord<M> {
    /// An empty record: every field unset.
    pub fn new() -> Self {
        NewRecord {
            values: vec![None; M::meta().concrete_fields().count()],
            _model: PhantomData,
        }
    }

    /// Sets the field called `name` (its column name is accepted too, e.g. `author_id`).
    ///
    /// # Errors
    /// [`Error::UnknownField`] when the model has no such field.
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Result<Self> {
        let meta = M::meta();
        let index = meta
            .concrete_fields()
            .position(|f| f.name == name || f.column == name)
            .ok_or_else(|| Error::UnknownField {
                model: meta.name.clone(),
                name: name.to_string(),
                candidates: crate::suggest::closest(
                    name,
                    meta.concrete_fields().map(|f| f.name.clone()),
                ),
            })?;
        self.values[index] = Some(value.into());
        Ok(self)
    }

    /// Sets the field at `index` among the concrete fields (used by generated builders).
    pub fn set_index(&mut self, index: usize, value: Value) {
        self.values[index] = Some(value);
    }

    /// The values set, by concrete field position.
    pub fn into_values(self) -> Vec<Option<Value>> {
        self.values
    }
}
