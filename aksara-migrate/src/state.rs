//! The schema as migrations see it: tables, columns, foreign keys, unique sets and indexes,
//! backend-neutral and serialisable.
//!
//! A [`SchemaState`] is built two ways: from a [`Registry`] ([`SchemaState::from_registry`],
//! what the models want) and by replaying migrations ([`crate::Migrations::state`], what the
//! migrations so far have made). The autodetector compares the two.

use aksara_core::naming::index_name;
use aksara_core::{FieldKind, FieldMeta, ModelMeta, Registry, RelationKind, Target, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// A column's kind of data (the serialisable form of [`FieldKind`]), written in migration
/// files as one string: `"big_integer"`, `"string(100)"`, `"email(254)"`, `"text"`,
/// `"other:numeric(10,2)"`, `"array(integer)"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// `VARCHAR(max_length)`.
    String {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// Text of any length.
    Text,
    /// An email address (`VARCHAR(max_length)`).
    Email {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A URL (`VARCHAR(max_length)`).
    Url {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A boolean.
    Boolean,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInteger,
    /// A double precision float.
    Float,
    /// A 16-bit integer.
    SmallInteger,
    /// A single precision float.
    Real,
    /// An exact decimal, `NUMERIC(max_digits, decimal_places)`.
    Decimal {
        /// The significant digits.
        max_digits: u32,
        /// The digits after the point.
        decimal_places: u32,
    },
    /// A timestamp with time zone.
    DateTime,
    /// A calendar date.
    Date,
    /// A timestamp without time zone.
    Timestamp,
    /// A time of day.
    Time,
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// Raw bytes.
    Bytes,
    /// A 64-bit key the database assigns.
    AutoBigInteger,
    /// A 32-bit key the database assigns.
    AutoInteger,
    /// A one-dimensional array of the inner type (PostgreSQL), written `array(inner)`.
    Array(Box<ColumnType>),
    /// A type Aksara has no kind for, written as the database names it.
    Other {
        /// The SQL type.
        sql: String,
    },
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = match self {
            ColumnType::String { max_length } => return write!(f, "string({max_length})"),
            ColumnType::Email { max_length } => return write!(f, "email({max_length})"),
            ColumnType::Url { max_length } => return write!(f, "url({max_length})"),
            ColumnType::Other { sql } => return write!(f, "other:{sql}"),
            ColumnType::Array(element) => return write!(f, "array({element})"),
            ColumnType::Decimal {
                max_digits,
                decimal_places,
            } => return write!(f, "decimal({max_digits},{decimal_places})"),
            ColumnType::SmallInteger => "small_integer",
            ColumnType::Real => "real",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Time => "time",
            ColumnType::Text => "text",
            ColumnType::Boolean => "boolean",
            ColumnType::Integer => "integer",
            ColumnType::BigInteger => "big_integer",
            ColumnType::Float => "float",
            ColumnType::DateTime => "date_time",
            ColumnType::Date => "date",
            ColumnType::Uuid => "uuid",
            ColumnType::Json => "json",
            ColumnType::Bytes => "bytes",
            ColumnType::AutoBigInteger => "auto_big_integer",
            ColumnType::AutoInteger => "auto_integer",
        };
        f.write_str(plain)
    }
}

impl std::str::FromStr for ColumnType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(sql) = s.strip_prefix("other:") {
            return Ok(ColumnType::Other { sql: sql.into() });
        }
        if let Some(element) = s.strip_prefix("array(").and_then(|r| r.strip_suffix(')')) {
            return Ok(ColumnType::Array(Box::new(element.parse()?)));
        }
        if let Some(digits) = s.strip_prefix("decimal(").and_then(|r| r.strip_suffix(')')) {
            let parsed = digits
                .split_once(',')
                .and_then(|(p, s)| Some((p.trim().parse().ok()?, s.trim().parse().ok()?)));
            let (max_digits, decimal_places) =
                parsed.ok_or_else(|| format!("bad digits in column type `{s}`"))?;
            return Ok(ColumnType::Decimal {
                max_digits,
                decimal_places,
            });
        }
        if let Some((base, rest)) = s.split_once('(') {
            let max_length: u32 = rest
                .strip_suffix(')')
                .and_then(|n| n.trim().parse().ok())
                .ok_or_else(|| format!("bad length in column type `{s}`"))?;
            return match base {
                "string" => Ok(ColumnType::String { max_length }),
                "email" => Ok(ColumnType::Email { max_length }),
                "url" => Ok(ColumnType::Url { max_length }),
                _ => Err(format!("unknown column type `{s}`")),
            };
        }
        Ok(match s {
            "text" => ColumnType::Text,
            "boolean" => ColumnType::Boolean,
            "integer" => ColumnType::Integer,
            "big_integer" => ColumnType::BigInteger,
            "float" => ColumnType::Float,
            "small_integer" => ColumnType::SmallInteger,
            "real" => ColumnType::Real,
            "timestamp" => ColumnType::Timestamp,
            "time" => ColumnType::Time,
            "date_time" => ColumnType::DateTime,
            "date" => ColumnType::Date,
            "uuid" => ColumnType::Uuid,
            "json" => ColumnType::Json,
            "bytes" => ColumnType::Bytes,
            "auto_big_integer" => ColumnType::AutoBigInteger,
            "auto_integer" => ColumnType::AutoInteger,
            _ => return Err(format!("unknown column type `{s}`")),
        })
    }
}

impl Serialize for ColumnType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ColumnType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl From<&FieldKind> for ColumnType {
    fn from(kind: &FieldKind) -> Self {
        match kind {
            FieldKind::String { max_length } => ColumnType::String {
                max_length: *max_length,
            },
            FieldKind::Text => ColumnType::Text,
            FieldKind::Email { max_length } => ColumnType::Email {
                max_length: *max_length,
            },
            FieldKind::Url { max_length } => ColumnType::Url {
                max_length: *max_length,
            },
            FieldKind::Boolean => ColumnType::Boolean,
            FieldKind::Integer => ColumnType::Integer,
            FieldKind::BigInteger => ColumnType::BigInteger,
            FieldKind::Float => ColumnType::Float,
            FieldKind::SmallInteger => ColumnType::SmallInteger,
            FieldKind::Real => ColumnType::Real,
            FieldKind::Decimal {
                max_digits,
                decimal_places,
            } => ColumnType::Decimal {
                max_digits: *max_digits,
                decimal_places: *decimal_places,
            },
            FieldKind::Timestamp => ColumnType::Timestamp,
            FieldKind::Time => ColumnType::Time,
            FieldKind::DateTime => ColumnType::DateTime,
            FieldKind::Date => ColumnType::Date,
            FieldKind::Uuid => ColumnType::Uuid,
            FieldKind::Json => ColumnType::Json,
            FieldKind::Bytes => ColumnType::Bytes,
            FieldKind::AutoBigInteger => ColumnType::AutoBigInteger,
            FieldKind::AutoInteger => ColumnType::AutoInteger,
            FieldKind::Other(sql) => ColumnType::Other { sql: sql.clone() },
            FieldKind::Array(element) => ColumnType::Array(Box::new(element.as_ref().into())),
            // A kind added later: written as the type its name says, read back as `Other`.
            other => ColumnType::Other {
                sql: other.describe().to_string(),
            },
        }
    }
}

impl ColumnType {
    /// The [`FieldKind`] this type stands for.
    pub fn kind(&self) -> FieldKind {
        match self {
            ColumnType::String { max_length } => FieldKind::String {
                max_length: *max_length,
            },
            ColumnType::Text => FieldKind::Text,
            ColumnType::Email { max_length } => FieldKind::Email {
                max_length: *max_length,
            },
            ColumnType::Url { max_length } => FieldKind::Url {
                max_length: *max_length,
            },
            ColumnType::Boolean => FieldKind::Boolean,
            ColumnType::Integer => FieldKind::Integer,
            ColumnType::BigInteger => FieldKind::BigInteger,
            ColumnType::Float => FieldKind::Float,
            ColumnType::SmallInteger => FieldKind::SmallInteger,
            ColumnType::Real => FieldKind::Real,
            ColumnType::Decimal {
                max_digits,
                decimal_places,
            } => FieldKind::Decimal {
                max_digits: *max_digits,
                decimal_places: *decimal_places,
            },
            ColumnType::Timestamp => FieldKind::Timestamp,
            ColumnType::Time => FieldKind::Time,
            ColumnType::DateTime => FieldKind::DateTime,
            ColumnType::Date => FieldKind::Date,
            ColumnType::Uuid => FieldKind::Uuid,
            ColumnType::Json => FieldKind::Json,
            ColumnType::Bytes => FieldKind::Bytes,
            ColumnType::AutoBigInteger => FieldKind::AutoBigInteger,
            ColumnType::AutoInteger => FieldKind::AutoInteger,
            ColumnType::Other { sql } => FieldKind::Other(sql.clone()),
            ColumnType::Array(element) => FieldKind::Array(Box::new(element.kind())),
        }
    }
}

/// The column a foreign key references, and what deleting the referenced row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The referenced table.
    pub table: String,
    /// The referenced column (its key, or a unique column).
    pub column: String,
    /// The SQL `ON DELETE` action (`CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`).
    pub on_delete: String,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDef {
    /// The column's name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// NULL allowed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// The primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// A UNIQUE constraint on this column alone (unique fields and one-to-one relations).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// The column's DEFAULT (a JSON boolean, number or string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// The foreign key on this column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Reference>,
}

impl ColumnDef {
    /// A NOT NULL column of `kind` with nothing else set.
    pub fn new(name: impl Into<String>, kind: ColumnType) -> Self {
        ColumnDef {
            name: name.into(),
            kind,
            nullable: false,
            primary_key: false,
            unique: false,
            default: None,
            references: None,
        }
    }

    /// The column without its foreign key.
    pub fn without_reference(&self) -> ColumnDef {
        ColumnDef {
            references: None,
            ..self.clone()
        }
    }
}

/// An index (not unique) over some columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDef {
    /// The index's name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDef {
    /// The table's name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Column groups unique together (`unique_together`, and the two columns of a junction).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_together: Vec<Vec<String>>,
    /// Indexes (the foreign key columns no unique constraint starts with).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDef>,
}

impl TableDef {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column called `name`, mutably.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// The tables this one's foreign keys reference (itself excluded).
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter_map(|c| c.references.as_ref())
            .map(|r| r.table.as_str())
            .filter(move |t| *t != self.name)
    }
}

/// A whole schema: tables by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaState {
    /// The tables, by name.
    pub tables: BTreeMap<String, TableDef>,
}

/// The column DEFAULT of a field, when the DDL writes one (booleans, integers, finite
/// floats and text; the ORM supplies the others on create).
pub(crate) fn default_json(value: &Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::I32(v) => (*v).into(),
        Value::I64(v) => (*v).into(),
        Value::F64(v) if v.is_finite() => serde_json::Number::from_f64(*v)?.into(),
        Value::String(s) => serde_json::Value::String(s.clone()),
        _ => return None,
    })
}

fn column_of(registry: &Registry, meta: &ModelMeta, field: &FieldMeta) -> ColumnDef {
    let mut column = ColumnDef::new(field.column.clone(), ColumnType::from(&field.kind));
    column.nullable = field.nullable && !field.primary_key;
    column.primary_key = field.primary_key;
    let one_to_one = matches!(&field.relation, Some(r) if r.kind == RelationKind::OneToOne);
    column.unique = !field.primary_key && (field.unique || one_to_one);
    column.default = field.default.as_ref().and_then(default_json);
    if let Some(rel) = &field.relation {
        let target = match &rel.target {
            Target::Name(n) => registry.model(n).ok(),
            Target::Type(t) => registry.model(&t().name).ok(),
        };
        if let Some(target) = target {
            let referenced = rel
                .to_column
                .clone()
                .or_else(|| target.meta.try_pk().map(|pk| pk.column.clone()))
                .unwrap_or_default();
            column.references = Some(Reference {
                table: target.meta.table.clone(),
                column: referenced,
                on_delete: rel.on_delete.sql_action().to_string(),
            });
        }
    }
    let _ = meta;
    column
}

impl SchemaState {
    /// An empty schema.
    pub fn new() -> Self {
        SchemaState::default()
    }

    /// The schema the models of `registry` need, as `aksara::ddl::create_all` creates it:
    /// junction tables included, one-to-one columns unique, an index on every foreign key
    /// column that no unique constraint starts with.
    ///
    /// ```
    /// use aksara_migrate::SchemaState;
    ///
    /// let state = SchemaState::from_registry(&aksara::demo::registry());
    /// let posts = &state.tables["posts"];
    /// assert!(posts.column("author_id").unwrap().references.is_some());
    /// assert!(state.tables.contains_key("post_tags")); // the junction of Post.tags
    /// ```
    pub fn from_registry(registry: &Registry) -> SchemaState {
        let mut tables = BTreeMap::new();
        for model in registry.models() {
            let meta = &model.meta;
            let columns: Vec<ColumnDef> = meta
                .concrete_fields()
                .map(|f| column_of(registry, meta, f))
                .collect();
            let unique_together: Vec<Vec<String>> = meta
                .unique_together
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|name| {
                            meta.field(name)
                                .map_or_else(|| name.clone(), |f| f.column.clone())
                        })
                        .collect()
                })
                .collect();
            let mut table = TableDef {
                name: meta.table.clone(),
                columns,
                unique_together,
                indexes: Vec::new(),
            };
            table.indexes = implied_indexes(&table);
            tables.insert(table.name.clone(), table);
        }
        SchemaState { tables }
    }
}

/// The indexes the DDL gives a table: one per foreign key column that is not the key and
/// that no unique constraint starts with.
pub fn implied_indexes(table: &TableDef) -> Vec<IndexDef> {
    let mut covered: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| c.unique)
        .map(|c| c.name.as_str())
        .collect();
    covered.extend(
        table
            .unique_together
            .iter()
            .filter_map(|g| g.first().map(String::as_str)),
    );
    table
        .columns
        .iter()
        .filter(|c| c.references.is_some() && !c.primary_key && !covered.contains(&c.name.as_str()))
        .map(|c| IndexDef {
            name: index_name(&table.name, &c.name),
            columns: vec![c.name.clone()],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_read_back_as_written() {
        for t in [
            ColumnType::String { max_length: 100 },
            ColumnType::Email { max_length: 254 },
            ColumnType::Url { max_length: 2048 },
            ColumnType::Other {
                sql: "numeric(10,2)".into(),
            },
            ColumnType::Text,
            ColumnType::BigInteger,
            ColumnType::AutoBigInteger,
            ColumnType::DateTime,
            ColumnType::Uuid,
            ColumnType::SmallInteger,
            ColumnType::Real,
            ColumnType::Decimal {
                max_digits: 28,
                decimal_places: 10,
            },
            ColumnType::Timestamp,
            ColumnType::Time,
        ] {
            assert_eq!(ColumnType::from(&t.kind()), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(
                serde_json::from_str::<ColumnType>(&json).unwrap(),
                t,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&ColumnType::String { max_length: 5 }).unwrap(),
            "\"string(5)\""
        );
        assert!("string(x)".parse::<ColumnType>().is_err());
        assert!("varchar".parse::<ColumnType>().is_err());
        assert_eq!(
            "decimal(10,2)".parse::<ColumnType>(),
            Ok(ColumnType::Decimal {
                max_digits: 10,
                decimal_places: 2
            })
        );
        assert!("decimal(10)".parse::<ColumnType>().is_err());
    }
}
