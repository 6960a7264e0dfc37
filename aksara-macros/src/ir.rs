//! The derive's intermediate form: plain data describing a model.
//!
//! Two stages live here. [`ModelInput`] is the model as the user wrote it (the struct, its
//! attributes and what each field's type was recognised as), produced by `parse`.
//! [`Model`] is the checked model, produced by `check`: every field has its role settled (key,
//! column, relation or store) and every option is known to apply. Nothing here holds generated
//! code; besides spans, only the types and expressions the expansion must repeat are kept as
//! `syn` trees.

use crate::types::TypeShape;
use proc_macro2::Span;
use syn::{Expr, Ident, Path, Type};

/// The kind of relation a field declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelKind {
    /// `ForeignKey<T>` (or `ForeignKey<T, R>`).
    ForeignKey,
    /// `OneToOne<T>` (or `OneToOne<T, R>`).
    OneToOne,
    /// `ManyToMany<T>`.
    ManyToMany,
}

impl RelKind {
    /// The type's name, for messages.
    pub fn type_name(self) -> &'static str {
        match self {
            RelKind::ForeignKey => "ForeignKey",
            RelKind::OneToOne => "OneToOne",
            RelKind::ManyToMany => "ManyToMany",
        }
    }
}

/// What happens to a row when the row it references is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDeleteRule {
    /// Delete the row too.
    Cascade,
    /// Set the reference to NULL.
    SetNull,
    /// Refuse the delete (checked by the database).
    Restrict,
    /// Refuse the delete (checked before it runs).
    Protect,
    /// Reset the reference to the field's default.
    SetDefault,
    /// Set the reference to a value (`SET(expr)`; the expression is in [`Relation::set_value`]).
    Set,
    /// Leave the row alone; the database's constraint decides.
    DoNothing,
}

impl OnDeleteRule {
    /// The rule a constant names (`CASCADE`, `Cascade`, ...), if any.
    pub fn from_name(name: &str) -> Option<OnDeleteRule> {
        Some(match name {
            "CASCADE" | "Cascade" => OnDeleteRule::Cascade,
            "SET_NULL" | "SetNull" => OnDeleteRule::SetNull,
            "RESTRICT" | "Restrict" => OnDeleteRule::Restrict,
            "PROTECT" | "Protect" => OnDeleteRule::Protect,
            "SET_DEFAULT" | "SetDefault" => OnDeleteRule::SetDefault,
            "SET" | "Set" => OnDeleteRule::Set,
            "DO_NOTHING" | "DoNothing" => OnDeleteRule::DoNothing,
            _ => return None,
        })
    }
}

/// The through model of a many-to-many field.
#[derive(Clone, Debug)]
pub enum Through {
    /// A model type (`through = Membership`).
    Type(Path),
    /// A model name (`through = "Membership"`).
    Name(String),
}

/// `on_delete = ...` as written.
#[derive(Clone, Debug)]
pub struct OnDeleteAttr {
    /// The constant's path (a string value is parsed into one).
    pub path: Path,
    /// Where the value was written.
    pub span: Span,
    /// True when it was written as a string (`on_delete = "CASCADE"`).
    pub from_string: bool,
    /// The argument of `SET(expr)`.
    pub set_value: Option<Expr>,
}

/// `#[aksara(...)]` on the struct.
#[derive(Clone, Debug, Default)]
pub struct StructOptions {
    /// `table = "..."`.
    pub table: Option<String>,
    /// `name = "..."`.
    pub name: Option<String>,
    /// `description = "..."`.
    pub description: Option<String>,
    /// Each `unique_together = "a, b"`, with where it was written.
    pub unique_together: Vec<(Vec<String>, Span)>,
}

/// `#[aksara(...)]` on a field.
#[derive(Clone, Debug, Default)]
pub struct FieldOptions {
    /// `primary_key`.
    pub primary_key: bool,
    /// `max_length = N`.
    pub max_length: Option<u32>,
    /// `max_digits = N` (decimals).
    pub max_digits: Option<u32>,
    /// `decimal_places = N` (decimals).
    pub decimal_places: Option<u32>,
    /// `text`.
    pub text: bool,
    /// `email`.
    pub email: bool,
    /// `url`.
    pub url: bool,
    /// `unique`.
    pub unique: bool,
    /// `default = expr`.
    pub default: Option<Expr>,
    /// `auto_now_add`.
    pub auto_now_add: bool,
    /// `auto_now`.
    pub auto_now: bool,
    /// `column = "..."`.
    pub column: Option<String>,
    /// `description = "..."`.
    pub description: Option<String>,
    /// `on_delete = ...`.
    pub on_delete: Option<OnDeleteAttr>,
    /// `related_name = "..."`.
    pub related_name: Option<String>,
    /// `to = "..."`.
    pub to: Option<String>,
    /// `through = ...`.
    pub through: Option<Through>,
    /// `db_table = "..."`.
    pub db_table: Option<String>,
    /// `to_field = "..."`.
    pub to_field: Option<String>,
    /// `symmetrical` (or `symmetrical = true`).
    pub symmetrical: bool,
    /// `through_fields = ("source", "target")`.
    pub through_fields: Option<(String, String)>,
}

/// The struct as written.
pub struct ModelInput {
    /// The struct's name.
    pub ident: Ident,
    /// Where the struct has generic parameters, if it has any (a model cannot).
    pub generics: Option<Span>,
    /// The struct's attributes.
    pub options: StructOptions,
    /// The fields, in order.
    pub fields: Vec<FieldInput>,
}

/// A field as written.
pub struct FieldInput {
    /// The field's identifier.
    pub ident: Ident,
    /// Its name (without `r#`).
    pub name: String,
    /// The type as written, `Option` included (errors point at it).
    pub ty: Type,
    /// True when the type is an `Option<...>`.
    pub nullable: bool,
    /// The type without `Option`.
    pub inner: Type,
    /// What the type without `Option` was recognised as.
    pub shape: TypeShape,
    /// Its attributes.
    pub options: FieldOptions,
}

/// The kind of a plain column, with its options applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// `String`, bounded.
    String { max_length: u32 },
    /// `String` with `text`.
    Text,
    /// `String` with `email`.
    Email { max_length: u32 },
    /// `String` with `url`.
    Url { max_length: u32 },
    /// `bool`.
    Boolean,
    /// `i32`.
    Integer,
    /// `i64`.
    BigInteger,
    /// `f64`.
    Float,
    /// `DateTime<Utc>`.
    DateTime,
    /// `NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// `serde_json::Value`.
    Json,
    /// `Vec<u8>`.
    Bytes,
    /// Any other type: its kind comes from its `aksara::FieldType` implementation, given the
    /// attributes that apply to it.
    ByTrait {
        /// `max_length = N`.
        max_length: Option<u32>,
        /// `max_digits = N`.
        max_digits: Option<u32>,
        /// `decimal_places = N`.
        decimal_places: Option<u32>,
    },
}

impl ColumnKind {
    /// True for the string kinds (a string literal default is taken as is).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ColumnKind::String { .. }
                | ColumnKind::Text
                | ColumnKind::Email { .. }
                | ColumnKind::Url { .. }
        )
    }
}

/// A relation field, checked.
pub struct Relation {
    /// Its kind.
    pub kind: RelKind,
    /// The target model type, as written (`Author`, `crate::users::User`).
    pub target: Type,
    /// The type of the value a to-one relation holds, when written (`String` in
    /// `ForeignKey<Country, String>`); the target's key type otherwise.
    pub value: Option<Type>,
    /// What deleting the target does.
    pub on_delete: OnDeleteRule,
    /// The constant as the user wrote it when it is a bare name (imported), so the expansion
    /// uses the import; `None` to spell the rule out.
    pub on_delete_written: Option<Path>,
    /// `related_name`.
    pub related_name: Option<String>,
    /// `to`: the target named by a string.
    pub to: Option<String>,
    /// `through`.
    pub through: Option<Through>,
    /// `db_table`.
    pub db_table: Option<String>,
    /// The value of `on_delete = SET(expr)`.
    pub set_value: Option<Expr>,
    /// `to_field`.
    pub to_field: Option<String>,
    /// `symmetrical`.
    pub symmetrical: bool,
    /// `through_fields`.
    pub through_fields: Option<(String, String)>,
}

impl Relation {
    /// The type of the value the relation holds: the one written, or the target's key type.
    pub fn value_type(&self) -> proc_macro2::TokenStream {
        let target = &self.target;
        match &self.value {
            Some(value) => quote::quote!(#value),
            None => quote::quote!(<#target as ::aksara::Model>::Pk),
        }
    }
}

/// What a checked field is.
pub enum Role {
    /// The primary key (its kind comes from the type's `PrimaryKey` implementation).
    PrimaryKey,
    /// A plain column.
    Column(ColumnKind),
    /// A relation.
    Relation(Box<Relation>),
    /// The store of relations loaded from the other side (`aksara::Related`); no column.
    Store,
}

/// A checked field.
pub struct Field {
    /// The field's identifier.
    pub ident: Ident,
    /// Its name (without `r#`).
    pub name: String,
    /// The type without `Option`.
    pub inner: Type,
    /// True when the field is an `Option`.
    pub nullable: bool,
    /// Its column ("" for fields without one).
    pub column: String,
    /// What it is.
    pub role: Role,
    /// True for the primary key: a [`Role::PrimaryKey`] field, or a `OneToOne` marked
    /// `primary_key` (the key is then the target's key).
    pub primary_key: bool,
    /// `unique`.
    pub unique: bool,
    /// `default = expr`.
    pub default: Option<Expr>,
    /// `auto_now_add`.
    pub auto_now_add: bool,
    /// `auto_now`.
    pub auto_now: bool,
    /// `description`.
    pub description: Option<String>,
}

impl Field {
    /// The relation, when the field is one.
    pub fn relation(&self) -> Option<&Relation> {
        match &self.role {
            Role::Relation(r) => Some(r),
            _ => None,
        }
    }

    /// True for the store of loaded relations.
    pub fn is_store(&self) -> bool {
        matches!(self.role, Role::Store)
    }

    /// True when the field has a column (everything but many-to-many and the store).
    pub fn is_concrete(&self) -> bool {
        !matches!(self.relation(), Some(r) if r.kind == RelKind::ManyToMany) && !self.is_store()
    }

    /// True when the field is in the model's metadata (everything but the store).
    pub fn is_model_field(&self) -> bool {
        !self.is_store()
    }
}

/// A checked model.
pub struct Model {
    /// The struct's name.
    pub ident: Ident,
    /// The model's name (`name = ...`, else the struct's).
    pub name: String,
    /// `table = ...`.
    pub table: Option<String>,
    /// `description = ...`.
    pub description: Option<String>,
    /// The `unique_together` groups.
    pub unique_together: Vec<Vec<String>>,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// The index of the primary key in `fields`.
    pub pk: usize,
}

impl Model {
    /// The primary key field.
    pub fn pk_field(&self) -> &Field {
        &self.fields[self.pk]
    }
}
