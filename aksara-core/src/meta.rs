//! Model metadata: what `#[derive(Model)]` emits and what database introspection builds.
//!
//! A [`ModelMeta`] describes one model as declared: its table, its fields and the relations it
//! defines. Relation targets are still references ([`Target`]) here; the
//! [`Registry`](crate::Registry) resolves them, adds the reverse side of every relation and the
//! junction models of many-to-many fields, and checks the whole set.

use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::model_ops::ModelOps;
/// The table naming rules, kept here under their old paths; they live in [`crate::naming`].
pub use crate::naming::{default_table_name, plural, snake_case};
use crate::row_reader::RowReader;
use crate::value::{FieldKind, Value};

/// What happens to rows that reference a deleted row.
///
/// Enforced by the database's foreign key constraints (so raw SQL deletes obey it too);
/// [`OnDelete::Protect`] is also checked by the ORM first so that its error names the relation.
/// [`OnDelete::SetDefault`] and [`OnDelete::Set`] are applied by the ORM's delete (not every
/// backend has `ON DELETE SET DEFAULT`, and none has "set to this value").
#[derive(Debug, Clone, Copy, Default)]
pub enum OnDelete {
    /// Delete the referencing rows too.
    #[default]
    Cascade,
    /// Set the referencing column to NULL (the relation must be nullable).
    SetNull,
    /// Refuse the delete while referencing rows exist (checked by the database).
    Restrict,
    /// Refuse the delete while referencing rows exist (checked by the ORM, then the database).
    Protect,
    /// Set the referencing column to the field's default (Django's `SET_DEFAULT`).
    SetDefault,
    /// Set the referencing column to the value the function returns (Django's `SET(value)`).
    Set(fn() -> Value),
    /// Do nothing in the ORM; the database's constraint decides (Django's `DO_NOTHING`).
    DoNothing,
}

/// Two rules are equal when they are the same rule; two [`OnDelete::Set`] when they call the
/// same function.
impl PartialEq for OnDelete {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (OnDelete::Set(a), OnDelete::Set(b)) => std::ptr::fn_addr_eq(*a, *b),
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl Eq for OnDelete {}

impl std::hash::Hash for OnDelete {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
    }
}

impl OnDelete {
    /// The SQL `ON DELETE` action.
    pub fn sql_action(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::Restrict | OnDelete::Protect => "RESTRICT",
            // Applied by the ORM's delete (MySQL's InnoDB has no SET DEFAULT; no database has
            // "set to this value"); the constraint refuses a raw delete that would leave a
            // dangling reference.
            OnDelete::SetDefault | OnDelete::Set(_) | OnDelete::DoNothing => "NO ACTION",
        }
    }

    /// The constant's name as the seed writes it (`CASCADE`, `SET_NULL`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET_NULL",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::Protect => "PROTECT",
            OnDelete::SetDefault => "SET_DEFAULT",
            OnDelete::Set(_) => "SET",
            OnDelete::DoNothing => "DO_NOTHING",
        }
    }
}

/// Delete the referencing rows too.
pub const CASCADE: OnDelete = OnDelete::Cascade;
/// Set the referencing column to NULL.
pub const SET_NULL: OnDelete = OnDelete::SetNull;
/// Refuse the delete while referencing rows exist (database-checked).
pub const RESTRICT: OnDelete = OnDelete::Restrict;
/// Refuse the delete while referencing rows exist (ORM-checked, naming the relation).
pub const PROTECT: OnDelete = OnDelete::Protect;
/// Set the referencing column to the field's default.
pub const SET_DEFAULT: OnDelete = OnDelete::SetDefault;
/// Leave the referencing rows alone; the database's constraint decides.
pub const DO_NOTHING: OnDelete = OnDelete::DoNothing;

/// Set the referencing column to the value `value` returns (Django's `SET(...)`); in the
/// derive, `on_delete = SET(expr)` builds it.
#[allow(non_snake_case)]
pub fn SET(value: fn() -> Value) -> OnDelete {
    OnDelete::Set(value)
}

/// The three kinds of relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationKind {
    /// Many-to-one: many rows of this model point at one row of the target.
    ForeignKey,
    /// One-to-one: a unique foreign key.
    OneToOne,
    /// Many-to-many, through a junction table.
    ManyToMany,
}

impl RelationKind {
    /// The seed's name for the kind.
    pub fn name(self) -> &'static str {
        match self {
            RelationKind::ForeignKey => "ForeignKey",
            RelationKind::OneToOne => "OneToOne",
            RelationKind::ManyToMany => "ManyToMany",
        }
    }
}

/// The model a relation points at, as written in the definition.
#[derive(Clone)]
pub enum Target {
    /// A Rust type: its metadata, fetched lazily so that models may refer to each other.
    Type(fn() -> &'static ModelMeta),
    /// A model name (`"Post"`), or `"self"` for the defining model.
    Name(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Type(meta) => write!(f, "Target::Type({})", meta().name),
            Target::Name(name) => write!(f, "Target::Name({name:?})"),
        }
    }
}

impl Target {
    /// The target's model name (`"self"` resolved against `defining_model`).
    pub fn model_name(&self, defining_model: &str) -> String {
        match self {
            Target::Type(meta) => meta().name.clone(),
            Target::Name(name) if name == "self" => defining_model.to_string(),
            Target::Name(name) => name.clone(),
        }
    }
}

/// A relation as declared on a field.
#[derive(Debug, Clone)]
pub struct RelationMeta {
    /// ForeignKey, OneToOne or ManyToMany.
    pub kind: RelationKind,
    /// The model pointed at.
    pub target: Target,
    /// What deleting the target does (to-one relations; many-to-many junction rows always
    /// cascade).
    pub on_delete: OnDelete,
    /// The name of the reverse accessor on the target (default `{model}_set`, or `{model}` for
    /// one-to-one), also used as the reverse name in filters when given.
    pub related_name: Option<String>,
    /// For many-to-many: the model used as junction instead of the automatic one.
    pub through: Option<Target>,
    /// For many-to-many: the junction table's name (default `{table prefix}_{field}`).
    pub db_table: Option<String>,
    /// A sentence for people and LLMs; generated when not given.
    pub description: Option<String>,
    /// The target's column the foreign key references, when not its primary key (Django's
    /// `to_field`; set by database introspection, or by the registry from `to_field`).
    pub to_column: Option<String>,
    /// The target's field the foreign key references, when not its primary key
    /// (`#[aksara(to_field = "code")]`); the registry resolves it to [`RelationMeta::to_column`].
    pub to_field: Option<String>,
    /// For a many-to-many field to its own model: the relation is symmetrical (adding `b` to
    /// `a` adds `a` to `b`), `#[aksara(symmetrical)]`.
    pub symmetrical: bool,
    /// For a many-to-many field with a through model holding several foreign keys to the same
    /// model: the through model's fields pointing at the source and at the target
    /// (`through_fields = ("source", "target")`).
    pub through_fields: Option<(String, String)>,
}

impl RelationMeta {
    /// A relation of `kind` to `target` with the defaults of the seed.
    pub fn new(kind: RelationKind, target: Target) -> Self {
        RelationMeta {
            kind,
            target,
            on_delete: OnDelete::Cascade,
            related_name: None,
            through: None,
            db_table: None,
            description: None,
            to_column: None,
            to_field: None,
            symmetrical: false,
            through_fields: None,
        }
    }
}

/// One field of a model.
#[derive(Debug, Clone)]
pub struct FieldMeta {
    /// The field's name in Rust and in lookups (`author`).
    pub name: String,
    /// The column (`author_id` for a foreign key); empty for many-to-many fields, which have
    /// no column.
    pub column: String,
    /// The kind of data (for a foreign key: the kind of the key it references).
    pub kind: FieldKind,
    /// NULL allowed.
    pub nullable: bool,
    /// UNIQUE.
    pub unique: bool,
    /// The primary key. A one-to-one relation can be the key (`#[aksara(primary_key)]` on a
    /// `OneToOne`, or a catalog table whose key is a foreign key): the field then has both
    /// this flag and its [`FieldMeta::relation`], and its one column is the key and the
    /// reference.
    pub primary_key: bool,
    /// Value used when none is given on create (also the column's DEFAULT).
    pub default: Option<Value>,
    /// Set to the current time on create.
    pub auto_now_add: bool,
    /// Set to the current time on every save.
    pub auto_now: bool,
    /// A sentence for people and LLMs.
    pub description: Option<String>,
    /// The relation this field defines, if any.
    pub relation: Option<RelationMeta>,
}

impl FieldMeta {
    /// A plain field named `name` of `kind`, stored in a column of the same name.
    pub fn new(name: impl Into<String>, kind: FieldKind) -> Self {
        let name = name.into();
        FieldMeta {
            column: name.clone(),
            name,
            kind,
            nullable: false,
            unique: false,
            primary_key: false,
            default: None,
            auto_now_add: false,
            auto_now: false,
            description: None,
            relation: None,
        }
    }

    /// True when the field has a column (everything but many-to-many).
    pub fn is_concrete(&self) -> bool {
        !matches!(
            self.relation,
            Some(RelationMeta {
                kind: RelationKind::ManyToMany,
                ..
            })
        )
    }

    /// The maximum length of text fields.
    pub fn max_length(&self) -> Option<u32> {
        match self.kind {
            FieldKind::String { max_length }
            | FieldKind::Email { max_length }
            | FieldKind::Url { max_length } => Some(max_length),
            _ => None,
        }
    }
}

/// One model as declared.
#[derive(Debug, Clone)]
pub struct ModelMeta {
    /// The model's name (`Post`).
    pub name: String,
    /// Its table (`posts`).
    pub table: String,
    /// Its fields in declaration order, the primary key among them.
    pub fields: Vec<FieldMeta>,
    /// A sentence for people and LLMs.
    pub description: Option<String>,
    /// Groups of fields that are unique together (`unique_together`).
    pub unique_together: Vec<Vec<String>>,
    /// True for junction models created for many-to-many fields.
    pub auto_created: bool,
    /// Type-erased functions of the model's Rust type (none for junction models and models
    /// read from a database catalog).
    pub ops: Option<ModelOps>,
    /// True for models read from a database catalog: they may lack a single-column primary
    /// key (then they can be read and filtered, not written or followed into).
    pub introspected: bool,
}

impl ModelMeta {
    /// A model named `name` stored in `table`, with no fields yet.
    pub fn new(name: impl Into<String>, table: impl Into<String>) -> Self {
        ModelMeta {
            name: name.into(),
            table: table.into(),
            fields: Vec::new(),
            description: None,
            unique_together: Vec::new(),
            auto_created: false,
            ops: None,
            introspected: false,
        }
    }

    /// The primary key field, or [`Error::Config`] naming the model when it has no
    /// single-column primary key (a keyless table read by introspection, say).
    pub fn pk(&self) -> Result<&FieldMeta> {
        self.try_pk().ok_or_else(|| {
            Error::config(format!(
                "model {} (table {}) has no single-column primary key",
                self.name, self.table
            ))
        })
    }

    /// The primary key field, if the model has a single-column one (possibly a one-to-one
    /// relation: see [`FieldMeta::primary_key`]).
    pub fn try_pk(&self) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The fields that have a column, in order; rows are read and written in this order.
    pub fn concrete_fields(&self) -> impl Iterator<Item = &FieldMeta> {
        self.fields.iter().filter(|f| f.is_concrete())
    }

    /// The position of `name` among [`ModelMeta::concrete_fields`].
    pub fn concrete_index(&self, name: &str) -> Option<usize> {
        self.concrete_fields().position(|f| f.name == name)
    }
}

/// Reading a field, defined here beside [`FieldMeta`] so that the row reader needs no metadata.
impl RowReader {
    /// The next column, coerced to `field`'s kind and converted to `T`.
    pub fn read<T: FromValue>(&mut self, model: &ModelMeta, field: &FieldMeta) -> Result<T> {
        self.read_as(&field.kind, &model.name, &field.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyless_model_has_no_pk_and_says_which_model() {
        let mut meta = ModelMeta::new("Log", "logs");
        meta.fields.push(FieldMeta::new("message", FieldKind::Text));
        meta.introspected = true;
        assert!(meta.try_pk().is_none());
        match meta.pk() {
            Err(Error::Config(messages)) => {
                assert_eq!(messages.len(), 1);
                assert!(messages[0].contains("Log"), "{messages:?}");
                assert!(messages[0].contains("logs"), "{messages:?}");
            }
            other => panic!("expected Error::Config, got {other:?}"),
        }
    }

    #[test]
    fn a_one_to_one_key_is_the_pk_and_keeps_its_relation() {
        let mut meta = ModelMeta::new("Restaurant", "restaurants");
        let mut place = FieldMeta::new("place", FieldKind::BigInteger);
        place.column = "place_id".into();
        place.primary_key = true;
        place.relation = Some(RelationMeta::new(
            RelationKind::OneToOne,
            Target::Name("Place".into()),
        ));
        meta.fields.push(place);
        meta.fields
            .push(FieldMeta::new("serves_pizza", FieldKind::Boolean));
        let pk = meta.pk().unwrap();
        assert_eq!(pk.column, "place_id");
        assert!(pk.relation.is_some());
        assert_eq!(meta.concrete_index("place"), Some(0));
    }

    #[test]
    fn a_keyed_model_has_its_pk() {
        let mut meta = ModelMeta::new("Post", "posts");
        let mut id = FieldMeta::new("id", FieldKind::AutoBigInteger);
        id.primary_key = true;
        meta.fields.push(id);
        assert_eq!(meta.pk().map(|f| f.name.as_str()).ok(), Some("id"));
    }
}
