//! `#[derive(Model)]` for Aksara.
//!
//! The derive runs in three passes over a plain-data intermediate form (`ir`):
//!
//! 1. **parse** (`parse`, `attrs`, `types`): the struct and its `#[aksara(...)]` attributes
//!    into an `ir::ModelInput`: each field's name, type, options and what its type was
//!    recognised as.
//! 2. **check** (`check`): the input into a checked `ir::Model`, or every problem at once
//!    (combined into one `syn::Error`), each pointed at the tokens the user wrote.
//! 3. **expand** (`expand`): the checked model into code: the `Model` implementation
//!    (metadata, row decoding, relation loading), the typed field paths (`PostFields`), the
//!    builder (`PostBuilder`), instance methods, and the reverse accessors on the related
//!    models (`author.posts()`, `user.profile(&db)`).

#![warn(missing_docs)]

extern crate proc_macro;

mod attrs;
mod check;
mod enum_type;
mod expand;
mod ir;
mod mentions;
mod migrations;
mod parse;
mod row;
mod types;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `aksara::Model`: the model's metadata, row decoding, typed field paths
/// (`Post::fields()`), a builder (`Post::build()`), `save` / `delete` / `refresh`, and the
/// relation accessors on both sides. Its attributes are listed below; the example on the `aksara`
/// facade's page of this derive uses each of them.
///
/// # Field types
///
/// A column field's type implements `aksara::FieldType`, which gives its column kind (and so
/// its SQL type on each backend) and converts its values. A derive sees how a type is
/// written, not what it resolves to, so a few types are recognised by their path, for the
/// attributes only they take (`text`, `email`, `url` on text, `auto_now` on dates) and for
/// relations; every other type is read through `aksara::FieldType`, and one that does not
/// implement it is a compile error saying so, at the field's type.
///
/// | type | column kind | attributes | recognised spellings |
/// |---|---|---|---|
/// | `String` | `String { max_length }` (255), `Text`, `Email`, `Url` | `max_length`, `text`, `email`, `url` | `String`, `std::string::String`, `alloc::string::String` |
/// | `bool`, `i32`, `i64`, `f64` | `Boolean`, `Integer`, `BigInteger`, `Float` | | also `std::primitive::i64`, `core::primitive::i64` |
/// | `i16`, `f32` | `SmallInteger`, `Real` | | through the trait |
/// | `rust_decimal::Decimal` (feature `rust_decimal`) | `Decimal { max_digits, decimal_places }` (28, 10) | `max_digits`, `decimal_places` | through the trait |
/// | `chrono::DateTime<chrono::Utc>` | `DateTime` | `auto_now`, `auto_now_add` | `DateTime<Utc>`, `chrono::DateTime<chrono::Utc>` (any mix) |
/// | `chrono::NaiveDate` | `Date` | `auto_now`, `auto_now_add` | `NaiveDate`, `chrono::NaiveDate` |
/// | `chrono::NaiveDateTime`, `chrono::NaiveTime` | `Timestamp`, `Time` | | through the trait |
/// | `time::Date`, `Time`, `PrimitiveDateTime`, `OffsetDateTime` (feature `time`) | `Date`, `Time`, `Timestamp`, `DateTime` | | through the trait |
/// | `uuid::Uuid` | `Uuid` | | `Uuid`, `uuid::Uuid` |
/// | `serde_json::Value` | `Json` | | `serde_json::Value` only |
/// | `aksara::Json<T>` (`T: Serialize + DeserializeOwned`) | `Json` | | through the trait |
/// | `Vec<u8>` | `Bytes` | | `Vec<u8>`, `std::vec::Vec<u8>`, `alloc::vec::Vec<u8>` |
/// | `Vec<T>`, `T: aksara::ArrayElement` (`i16`, `i32`, `i64`, `f32`, `f64`, `bool`, `String`, `Uuid`, `NaiveDate`) | `Array(element)`, PostgreSQL only | | through the trait |
/// | a `#[derive(aksara::Enum)]` enum | `String { max_length }` (its longest name) | `max_length` | through the trait |
/// | any type implementing `aksara::FieldType` | what its `kind` says | `max_length`, `max_digits`, `decimal_places` are passed to `kind` | through the trait |
/// | relations, store | | | `ForeignKey<T>`, `OneToOne<T>`, `ManyToMany<T>`, `Related`, bare or by a path through `aksara` / `aksara_core` (`aksara::fields::ForeignKey<T>`, `aksara::Related`); a to-one relation with `to_field` also names the type of the value it holds, `ForeignKey<T, String>` |
///
/// and `Option<T>` (or `std::option::Option<T>`, `core::option::Option<T>`) of one of them
/// for a nullable column. A bare name is taken to be the usual import (`use uuid::Uuid;`,
/// `use chrono::{DateTime, Utc};`, `use aksara::ForeignKey;`). A path to any other module
/// is not: a user type `types::Value`, `my::Uuid` or `other::DateTime<Utc>` is read through
/// `aksara::FieldType` rather than being taken for the built-in one.
///
/// The one ambiguous bare name is `Value` (and the alias `JsonValue`): it may be
/// `serde_json::Value` or `aksara::Value` (which the prelude exports), so a bare `Value` is
/// refused with a hint; write `serde_json::Value` for a JSON field.
///
/// A type of your own named `Value` is not taken for JSON: it is a field type only if it
/// implements `aksara::FieldType`. The `compile_fail` example showing this lives in the
/// `aksara-tests` crate (`derive_types` module), and the message in
/// `derive-ui/tests/ui/model/user_type_named_value.stderr`, since the expansion needs the
/// `aksara` facade; the `aksara::FieldType` documentation has a compiled example of a type of
/// your own.
///
/// The primary key (`id`, or the field marked `primary_key`) may be any type implementing
/// `aksara::PrimaryKey`: its kind comes from that implementation, not from its spelling.
///
/// A required `OneToOne<T>` marked `primary_key` is the key too (Django's
/// `OneToOneField(primary_key=True)`): the model's `Pk` is `T`'s, `pk()` returns the
/// relation's id, and its one column (`{field}_id`) is both the PRIMARY KEY and the reference
/// to `T`. The key is never generated: the builder must be given the target or its key. A
/// `ForeignKey` or `ManyToMany` key, an `Option`, `to_field`, `default`, `unique`,
/// `SET_DEFAULT` / `SET(..)` and a key pointing at the model itself are refused.
///
/// # Attributes
///
/// On the struct, `#[aksara(...)]`:
///
/// | attribute | meaning |
/// |---|---|
/// | `table = "posts"` | the table (default: the lower-case plural of the name) |
/// | `name = "Post"` | the model's name in the registry, lookups and messages |
/// | `description = "..."` | a sentence for people and LLMs, in the exported descriptions |
/// | `unique_together = "a, b"` | a UNIQUE constraint over several fields (repeatable) |
///
/// On a field, `#[aksara(...)]`:
///
/// | attribute | fields | meaning |
/// |---|---|---|
/// | `primary_key` | a key type, or a required `OneToOne` | the primary key (default: the field `id`) |
/// | `max_length = 100` | `String` | `VARCHAR(100)`; longer values are refused before any SQL |
/// | `text` | `String` | unbounded text (`TEXT`) |
/// | `email`, `url` | `String` | validated on write |
/// | `unique` | any column | a UNIQUE constraint |
/// | `default = ...` | any column | the value when none is given (also the column's DEFAULT) |
/// | `auto_now_add`, `auto_now` | `DateTime<Utc>` | set on create / on every save |
/// | `column = "..."` | any column | the column name (default: the field name, `{field}_id` for a relation) |
/// | `description = "..."` | any | a sentence for the exported descriptions |
/// | `on_delete = CASCADE` | `ForeignKey`, `OneToOne` | `CASCADE`, `SET_NULL`, `SET_DEFAULT`, `SET(value)`, `RESTRICT`, `PROTECT`, `DO_NOTHING` |
/// | `related_name = "posts"` | relations | the reverse accessor's name on the target (`"+"`: none) |
/// | `to = "Name"` | relations | the target by name (`"self"` for the model itself) |
/// | `to_field = "code"` | `ForeignKey`, `OneToOne` | reference another unique field than the key (below) |
/// | `through = Model` | `ManyToMany` | a junction model of your own, with extra fields |
/// | `through_fields = ("a", "b")` | `ManyToMany` | which keys of the through model point at each side |
/// | `symmetrical` | a self `ManyToMany` | links go both ways |
/// | `db_table = "..."` | `ManyToMany` | the automatic junction's table |
///
/// A misspelt attribute is refused with the closest name (`relatd_name`: "did you mean
/// `related_name`?"); two relations to one target whose reverse accessors would share a name
/// are refused at the second field, saying which `related_name` to add. Every message the
/// derive gives, as the compiler shows it, is in the `aksara-derive-ui` crate's compile-fail
/// suite (`derive-ui/tests/ui/`). The compiled examples are on this derive's page in the
/// `aksara` facade, on `aksara::Model` and in the README's tour.
///
/// # `to_field`
///
/// `#[aksara(to_field = "code")] country: ForeignKey<Country, String>` references `Country`'s
/// unique `code` instead of its key: the column holds the code, the builder's
/// `country(&france)` stores `france.code` (and `country_id("FR")` takes it directly), the
/// reverse manager `france.cities()` selects by it, and `City::fields().country_id()` is a
/// `Field<String>`. The derive does not see `Country`'s fields, so the registry checks the
/// name: an unknown or non-unique `to_field`, or one whose type is not the second argument,
/// is refused when the registry is built. The compiled examples are on `aksara::ForeignKey`
/// and `aksara::Registry::referenced_field` (the expansion needs the `aksara` facade).
#[proc_macro_derive(Model, attributes(aksara))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand_model(input) {
        Ok(tokens) => tokens.into(),
        Err(refused) => refused.into_tokens().into(),
    }
}

/// Derives `aksara::FieldType` for a fieldless enum: a field of the enum's type is a text
/// column (`VARCHAR(n)`, `n` the longest stored name unless the field gives `max_length`)
/// holding the variant's name, or the name given by `#[aksara(rename = "...")]` on the
/// variant. Reading back text that is no variant's is a decode error naming the model, the
/// field, the enum and the text. Filters take the enum itself. The example is on
/// `aksara::Enum` (it needs the facade).
#[proc_macro_derive(Enum, attributes(aksara))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enum_type::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `aksara::FromRow` for a struct with named fields: a row's columns are read into
/// its fields by position (field order is column order), each converted by its type's
/// `aksara::ColumnValue` implementation, so that text is a `String`, and `0` / `1` a `bool`,
/// on every backend. For `db.raw_as::<T>(sql, binds)`. (The expansion needs the `aksara`
/// facade, so the compiled examples are on `aksara::Db::raw_as` and in `aksara::typed_row`.)
///
/// For example `#[derive(aksara::Row)] struct TagCount { slug: String, n: i64 }` read with
/// `db.raw_as::<TagCount>("SELECT slug, COUNT(*) ...", [])`, as the compiled example on
/// `aksara::Db::raw_as` does.
///
/// A row with another number of columns is an `aksara::Error::ColumnCount`; a column that
/// does not convert (NULL into a field that is no `Option`, an integer out of range) an
/// `aksara::Error::Decode` naming the struct, the field and the value. Enums, unions, tuple
/// structs and unit structs are refused at compile time. `#[aksara(name = "author__name")]`
/// on a field gives the name it is read by in `values_as` (a path, which holds `__`).
#[proc_macro_derive(Row, attributes(aksara))]
pub fn derive_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    row::derive(&input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

/// A model the derive refused: every error, and the names it must still mention (see
/// `mentions`).
struct Refused {
    error: syn::Error,
    mentions: proc_macro2::TokenStream,
}

impl Refused {
    /// The compile errors, followed by the mentions.
    fn into_tokens(self) -> proc_macro2::TokenStream {
        let mut tokens = self.error.into_compile_error();
        tokens.extend(self.mentions);
        tokens
    }
}

/// The derive as a plain function: parse, check, expand.
fn expand_model(input: DeriveInput) -> Result<proc_macro2::TokenStream, Refused> {
    let mut errors = Vec::new();
    let parsed = parse::parse(&input, &mut errors).map_err(|error| Refused {
        error,
        mentions: proc_macro2::TokenStream::new(),
    })?;
    let mentions = mentions::mentions(&parsed);
    let model = check::check(parsed, errors).map_err(|error| Refused { error, mentions })?;
    Ok(expand::expand(&model))
}

/// The derive for tests: the expansion, or the errors alone.
#[cfg(test)]
fn derive(input: DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    expand_model(input).map_err(|refused| refused.error)
}

#[cfg(test)]
mod expansion_snapshots;
#[cfg(test)]
mod tests;

/// Embeds the migration files of a folder (relative to the crate's `Cargo.toml`) at compile
/// time: `aksara::migrations!("migrations")` evaluates to
/// `Result<aksara::migrate::Migrations, aksara::migrate::MigrateError>` over every `*.json`
/// file there, in file name order. Each file is included with `include_str!`, so editing
/// one rebuilds the crate; a file added to the folder is seen at the next build of the
/// crate (a `build.rs` with `cargo:rerun-if-changed=migrations` makes that automatic).
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    let dir = parse_macro_input!(input as syn::LitStr);
    migrations::expand(&dir)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
