//! `inspectdb`: Rust source of `#[derive(Model)]` structs for an existing database, from
//! its catalog as [`aksara_core::introspect`] reads it.
//!
//! Each table with a single-column primary key becomes a struct named after the table in
//! CamelCase, each column a field named after it in snake_case, with
//! `#[aksara(table = "...")]` / `#[aksara(column = "...")]` where the names differ. Types
//! follow the column's kind (`VARCHAR(n)` -> `String` with `max_length = n`, `TEXT` ->
//! `String` with `text`, integers, floats, timestamps, dates, UUIDs, JSON, bytes), nullable
//! columns are `Option`s. A single-column foreign key is a `ForeignKey<T>` (a `OneToOne<T>`
//! when the column is unique or the key) with its `on_delete` and a `related_name` that no
//! other reverse relation or field of the target has. A junction table whose key is its two
//! foreign keys is a `ManyToMany<T>` on the first side, through the junction's model when
//! that can be a model. A junction keyed by its two columns alone cannot be a model (a model
//! needs a single primary key): when its columns are those of Aksara's automatic junction
//! (`playlist_id`, `track_id`) the field reads through it with `db_table = "..."` (adding
//! links would write an `id` column it lacks); otherwise the relation is written as a
//! comment.
//!
//! Columns of a type Aksara has no kind for (`NUMERIC`, `DECIMAL`, arrays, enums) are read
//! as the backend decodes them: `String` on PostgreSQL and MySQL/MariaDB (decimal text, no
//! rounding), `f64` on SQLite (where such a column stores numbers as REAL). Tables without a
//! single-column primary key are listed in a comment; query them as `Record`s.

use aksara_core::introspect::{Schema, TableKind};
use aksara_core::{FieldKind, OnDelete, RelationKind, Target};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// Rust keywords a field may not be named (without `r#`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match",
    "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static",
    "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield", "abstract", "become", "do", "final",
];

/// `AlbumId` -> `album_id`, `BillingPostalCode` -> `billing_postal_code`, `first name` ->
/// `first_name`; a keyword or a leading digit gets a `_` suffix / prefix.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            if c.is_uppercase() {
                let prev = i.checked_sub(1).map(|j| chars[j]);
                let next = chars.get(i + 1).copied();
                let boundary = match prev {
                    Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                    Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                    _ => false,
                };
                if boundary && !out.ends_with('_') {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        out = "field".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `playlist_track` -> `PlaylistTrack`, `Album` -> `Album`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Table");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

use aksara_core::naming::plural;

/// The struct name for `table`: the singular when the table has the default plural name of
/// it (`comments` -> `Comment`, `categories` -> `Category`), else the table in CamelCase.
fn struct_name(table: &str) -> String {
    let mut candidates = Vec::new();
    if let Some(stem) = table.strip_suffix("ies") {
        candidates.push(format!("{stem}y"));
    }
    if let Some(stem) = table.strip_suffix("es") {
        candidates.push(stem.to_string());
    }
    // `status`, `bonus`, `analysis`, `address` are singular words, not plurals.
    let singular_s = ["ss", "us", "is"].iter().any(|e| table.ends_with(e));
    if let Some(stem) = table.strip_suffix('s').filter(|_| !singular_s) {
        candidates.push(stem.to_string());
    }
    candidates
        .into_iter()
        .map(|c| camel_case(&c))
        .find(|c| aksara_core::naming::default_table_name(c) == table)
        .map(|c| {
            if PRELUDE.contains(&c.as_str()) {
                format!("{c}Row")
            } else {
                c
            }
        })
        .unwrap_or_else(|| {
            let c = camel_case(table);
            if PRELUDE.contains(&c.as_str()) {
                format!("{c}Row")
            } else {
                c
            }
        })
}

/// Names of the prelude and of Aksara's own types a struct may not take (the derive's code
/// uses them).
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Debug",
    "Model",
    "Value",
    "Db",
    "Registry",
    "Record",
    "ForeignKey",
    "OneToOne",
    "ManyToMany",
];

fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust type and the type attributes of a column of `kind` on backend `backend`.
fn scalar(kind: &FieldKind, backend: &str) -> (String, Vec<String>) {
    let t = |s: &str| s.to_string();
    match kind {
        FieldKind::String { max_length } => {
            (t("String"), vec![format!("max_length = {max_length}")])
        }
        FieldKind::Email { max_length } => (
            t("String"),
            vec![t("email"), format!("max_length = {max_length}")],
        ),
        FieldKind::Url { max_length } => (
            t("String"),
            vec![t("url"), format!("max_length = {max_length}")],
        ),
        FieldKind::Text => (t("String"), vec![t("text")]),
        FieldKind::Boolean => (t("bool"), vec![]),
        FieldKind::Integer | FieldKind::AutoInteger => (t("i32"), vec![]),
        FieldKind::BigInteger | FieldKind::AutoBigInteger => (t("i64"), vec![]),
        FieldKind::Float => (t("f64"), vec![]),
        FieldKind::DateTime => (t("chrono::DateTime<chrono::Utc>"), vec![]),
        FieldKind::Date => (t("chrono::NaiveDate"), vec![]),
        FieldKind::Uuid => (t("uuid::Uuid"), vec![]),
        FieldKind::Json => (t("serde_json::Value"), vec![]),
        FieldKind::Bytes => (t("Vec<u8>"), vec![]),
        FieldKind::SmallInteger => (t("i16"), vec![]),
        FieldKind::Real => (t("f32"), vec![]),
        FieldKind::Timestamp => (t("chrono::NaiveDateTime"), vec![]),
        FieldKind::Time => (t("chrono::NaiveTime"), vec![]),
        FieldKind::Decimal {
            max_digits,
            decimal_places,
        } => (
            t("rust_decimal::Decimal"),
            vec![
                format!("max_digits = {max_digits}"),
                format!("decimal_places = {decimal_places}"),
            ],
        ),
        _ if backend == "sqlite" => (t("f64"), vec![]),
        _ => (t("String"), vec![t("text")]),
    }
}

/// The Rust type of a key column of `kind` (a model's key is a UUID, an i64 or an i32), with
/// a note when it is read as a UUID from text.
fn key_type(kind: &FieldKind, backend: &str) -> Option<(&'static str, Option<&'static str>)> {
    match kind {
        FieldKind::Uuid => Some(("uuid::Uuid", None)),
        FieldKind::BigInteger | FieldKind::AutoBigInteger => Some(("i64", None)),
        FieldKind::Integer | FieldKind::AutoInteger => Some(("i32", None)),
        FieldKind::String { max_length: 36 } => Some((
            "uuid::Uuid",
            Some("A CHAR(36) key: read as a UUID, as Aksara stores UUIDs on this backend."),
        )),
        FieldKind::Text if backend == "sqlite" => Some((
            "uuid::Uuid",
            Some("A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's)."),
        )),
        _ => None,
    }
}

fn on_delete_name(o: &OnDelete) -> &'static str {
    match o {
        OnDelete::Cascade => "aksara::CASCADE",
        OnDelete::SetNull => "aksara::SET_NULL",
        _ => "aksara::RESTRICT",
    }
}

/// One generated field.
struct Field {
    comment: Option<String>,
    attrs: Vec<String>,
    name: String,
    ty: String,
}

/// Writes the models of `schema` (read from a `backend` database: `postgres`, `mysql` or
/// `sqlite`, as [`aksara_core::Dialect::name`] says) as Rust source.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::Registry::empty()).await?;
/// db.batch_execute(
///     "CREATE TABLE Artist (ArtistId INTEGER PRIMARY KEY, Name NVARCHAR(120));
///      CREATE TABLE Album (AlbumId INTEGER PRIMARY KEY, Title NVARCHAR(160) NOT NULL,
///        ArtistId INTEGER NOT NULL REFERENCES Artist (ArtistId));",
/// )
/// .await?;
/// let schema = aksara::introspect::introspect(&db).await?;
/// let source = aksara_migrate::inspectdb::models_source(&schema, "sqlite");
/// assert!(source.contains("pub artist: aksara::ForeignKey<Artist>,"));
/// assert!(source.contains(r#"#[aksara(column = "ArtistId", on_delete = aksara::RESTRICT, related_name = "albums")]"#));
/// # Ok(()) }
/// ```
pub fn models_source(schema: &Schema, backend: &str) -> String {
    let registry = &schema.registry;
    // Which tables can be models, and their struct names.
    let mut struct_names: BTreeMap<String, String> = BTreeMap::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut used_names = BTreeSet::new();
    for info in &schema.tables {
        let Ok(model) = registry.model(&info.model) else {
            continue;
        };
        let Some(pk) = model.meta.try_pk().filter(|_| info.kind != TableKind::View) else {
            skipped.push((info.model.clone(), String::new()));
            continue;
        };
        if pk.relation.is_none() && key_type(&pk.kind, backend).is_none() {
            skipped.push((
                info.model.clone(),
                format!(
                    " (its key {} is {:?}; a model's key is a UUID, an i64 or an i32)",
                    pk.column, pk.kind
                ),
            ));
            continue;
        }
        let mut name = struct_name(&model.meta.table);
        while !used_names.insert(name.clone()) {
            name.push('_');
        }
        struct_names.insert(info.model.clone(), name);
    }
    // Rust field names per model, and the reverse names each target already has.
    let mut rust_names: HashMap<(String, String), String> = HashMap::new();
    let mut taken: HashMap<String, BTreeSet<String>> = HashMap::new();
    for model_name in struct_names.keys() {
        let meta = &registry.model(model_name).expect("listed").meta;
        let names = taken.entry(model_name.clone()).or_default();
        for f in meta.concrete_fields() {
            // A relation is named as the introspection named it (`AlbumId` -> `album`).
            let base = if f.relation.is_some() {
                snake_case(&f.name)
            } else {
                snake_case(&f.column)
            };
            let mut name = base;
            while names.contains(&name) {
                name.push('_');
            }
            names.insert(name.clone());
            rust_names.insert((model_name.clone(), f.name.clone()), name);
        }
    }
    // Count foreign keys per (table, target) to name reverse relations.
    let mut per_pair: HashMap<(String, String), usize> = HashMap::new();
    for model_name in struct_names.keys() {
        let meta = &registry.model(model_name).expect("listed").meta;
        for f in meta.concrete_fields() {
            if let Some(r) = &f.relation {
                if let Target::Name(t) = &r.target {
                    *per_pair.entry((model_name.clone(), t.clone())).or_default() += 1;
                }
            }
        }
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Models of a {backend} database, written by `aksara inspectdb`: review them (types,\n\
         //! `on_delete`, reverse names) before relying on them."
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "#![allow(missing_docs)]");
    let mut junction_notes = Vec::new();
    for (model_name, struct_name) in &struct_names {
        let meta = &registry.model(model_name).expect("listed").meta;
        let mut fields = Vec::new();
        for f in meta.concrete_fields() {
            let rust = rust_names[&(model_name.clone(), f.name.clone())].clone();
            let mut attrs = Vec::new();
            if f.primary_key {
                attrs.push("primary_key".to_string());
            }
            // A unique column (a one-to-one's is unique by its kind).
            let one_to_one = f
                .relation
                .as_ref()
                .is_some_and(|r| r.kind == RelationKind::OneToOne);
            if f.unique && !f.primary_key && !one_to_one {
                attrs.push("unique".to_string());
            }
            let ty;
            let mut comment = None;
            match &f.relation {
                Some(r) => {
                    let Target::Name(target) = &r.target else {
                        continue;
                    };
                    let Some(target_struct) = struct_names.get(target) else {
                        // The target cannot be a model: keep the plain column.
                        let (t, a) = scalar(&f.kind, backend);
                        attrs.extend(a);
                        comment = Some(format!("References {target}, which has no model."));
                        if rust != f.column {
                            attrs.push(format!("column = {}", quote(&f.column)));
                        }
                        fields.push(Field {
                            comment,
                            attrs,
                            name: rust,
                            ty: if f.nullable {
                                format!("Option<{t}>")
                            } else {
                                t
                            },
                        });
                        continue;
                    };
                    let kind = if r.kind == RelationKind::OneToOne {
                        "OneToOne"
                    } else {
                        "ForeignKey"
                    };
                    attrs.push(format!("column = {}", quote(&f.column)));
                    if let Some(to) = &r.to_column {
                        let target_meta = &registry.model(target).expect("target").meta;
                        if let Some(tf) = target_meta.concrete_fields().find(|tf| &tf.column == to)
                        {
                            attrs.push(format!(
                                "to_field = {}",
                                quote(&rust_names[&(target.clone(), tf.name.clone())])
                            ));
                        }
                    }
                    attrs.push(format!("on_delete = {}", on_delete_name(&r.on_delete)));
                    let base = if per_pair[&(model_name.clone(), target.clone())] > 1
                        || target == model_name
                    {
                        format!("{}_by_{rust}", plural(&snake_case(struct_name)))
                    } else {
                        plural(&snake_case(struct_name))
                    };
                    let names = taken.entry(target.clone()).or_default();
                    let mut related = base;
                    while names.contains(&related) {
                        related.push_str("_set");
                    }
                    names.insert(related.clone());
                    attrs.push(format!("related_name = {}", quote(&related)));
                    let t = format!("aksara::{kind}<{target_struct}>");
                    ty = if f.nullable && !f.primary_key {
                        format!("Option<{t}>")
                    } else {
                        t
                    };
                }
                None if f.primary_key => {
                    let (t, note) = key_type(&f.kind, backend).expect("checked above");
                    comment = note.map(str::to_string);
                    if rust != f.column {
                        attrs.push(format!("column = {}", quote(&f.column)));
                    }
                    ty = t.to_string();
                }
                None => {
                    let (t, a) = scalar(&f.kind, backend);
                    attrs.extend(a);
                    if let FieldKind::Other(name) = &f.kind {
                        comment = Some(format!(
                            "The column is {name}; read as the backend decodes it."
                        ));
                    }
                    if rust != f.column {
                        attrs.push(format!("column = {}", quote(&f.column)));
                    }
                    ty = if f.nullable && !f.primary_key {
                        format!("Option<{t}>")
                    } else {
                        t
                    };
                }
            }
            fields.push(Field {
                comment,
                attrs,
                name: rust,
                ty,
            });
        }
        // Many-to-many relations the introspection found (through a junction table).
        for f in &meta.fields {
            let Some(r) = &f.relation else { continue };
            if r.kind != RelationKind::ManyToMany {
                continue;
            }
            let (Target::Name(target), Some(Target::Name(through))) = (&r.target, &r.through)
            else {
                continue;
            };
            let note = format!(
                "{struct_name} <-> {} (many-to-many) through the table {}",
                struct_names
                    .get(target)
                    .cloned()
                    .unwrap_or_else(|| target.clone()),
                registry
                    .model(through)
                    .map(|m| m.meta.table.clone())
                    .unwrap_or_else(|_| through.clone())
            );
            // The junction's columns to this model and to the target.
            let junction = registry.model(through).ok().map(|m| &m.meta);
            let column_to = |side: &str| {
                junction.and_then(|j| {
                    j.concrete_fields()
                        .find(|f| {
                            matches!(&f.relation, Some(r) if matches!(&r.target, Target::Name(t) if t == side))
                        })
                        .map(|f| f.column.clone())
                })
            };
            let mut push = |target_struct: &str, attrs: Vec<String>, comment: String| {
                let names = taken.entry(model_name.clone()).or_default();
                let mut name = plural(&snake_case(target_struct));
                while names.contains(&name) {
                    name.push('_');
                }
                names.insert(name.clone());
                let back_names = taken.entry(target.clone()).or_default();
                let mut back = plural(&snake_case(struct_name));
                while back_names.contains(&back) {
                    back.push_str("_set");
                }
                back_names.insert(back.clone());
                let mut attrs = attrs;
                attrs.push(format!("related_name = {}", quote(&back)));
                fields.push(Field {
                    comment: Some(comment),
                    attrs,
                    name,
                    ty: format!("aksara::ManyToMany<{target_struct}>"),
                });
            };
            match (struct_names.get(target), struct_names.get(through)) {
                (Some(target_struct), Some(through_struct)) => {
                    push(
                        target_struct,
                        vec![format!("through = {through_struct}")],
                        note,
                    );
                }
                // A junction keyed by its two columns cannot be a model, but when its columns
                // are the ones Aksara's automatic junction has (`playlist_id`, `track_id`)
                // the relation reads through it by its table name.
                (Some(target_struct), None)
                    if target != model_name && {
                        let (source_field, target_field) =
                            aksara_core::naming::junction_field_names(struct_name, target_struct);
                        column_to(model_name) == Some(format!("{source_field}_id"))
                            && column_to(target) == Some(format!("{target_field}_id"))
                    } =>
                {
                    let table = junction.map(|j| j.table.clone()).unwrap_or_default();
                    push(
                        target_struct,
                        vec![format!("db_table = {}", quote(&table))],
                        format!(
                            "{note}. For reading: the table has no `id` column, which adding links through this field would write."
                        ),
                    );
                    junction_notes.push(format!(
                        "{note}: read by {struct_name}'s ManyToMany field above"
                    ));
                }
                _ => junction_notes.push(note),
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "#[derive(aksara::Model, Debug, Clone)]");
        if aksara_core::naming::default_table_name(struct_name) != meta.table {
            let _ = writeln!(out, "#[aksara(table = {})]", quote(&meta.table));
        }
        let _ = writeln!(out, "pub struct {struct_name} {{");
        for f in fields {
            if let Some(c) = f.comment {
                let _ = writeln!(out, "    /// {c}");
            }
            if !f.attrs.is_empty() {
                let _ = writeln!(out, "    #[aksara({})]", f.attrs.join(", "));
            }
            let _ = writeln!(out, "    pub {}: {},", f.name, f.ty);
        }
        let _ = writeln!(out, "}}");
    }
    if !skipped.is_empty() || !junction_notes.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "// Not written as models (a model needs a single-column primary key); read them as\n\
             // `aksara::Record`s: `QuerySet::<Record>::of(\"table\")`."
        );
        for (t, why) in &skipped {
            let table = registry
                .model(t)
                .map(|m| m.meta.table.clone())
                .unwrap_or_else(|_| t.clone());
            let _ = writeln!(out, "// - table {table}{why}");
        }
        for n in &junction_notes {
            let _ = writeln!(out, "// - {n}");
        }
    }
    let mut registry_fn = String::new();
    let _ = writeln!(registry_fn);
    let _ = writeln!(registry_fn, "/// A registry of every model above.");
    let _ = writeln!(
        registry_fn,
        "pub fn registry() -> std::sync::Arc<aksara::Registry> {{"
    );
    let _ = writeln!(registry_fn, "    aksara::Registry::builder()");
    for s in struct_names.values() {
        let _ = writeln!(registry_fn, "        .model::<{s}>()");
    }
    let _ = writeln!(registry_fn, "        .build()");
    let _ = writeln!(
        registry_fn,
        "        .expect(\"the inspected models are valid\")"
    );
    let _ = writeln!(registry_fn, "}}");
    out.push_str(&registry_fn);
    out
}

#[cfg(test)]
mod tests {
    use super::{camel_case, snake_case, struct_name};

    #[test]
    fn rust_names_of_database_names() {
        assert_eq!(snake_case("AlbumId"), "album_id");
        assert_eq!(snake_case("BillingPostalCode"), "billing_postal_code");
        assert_eq!(snake_case("HTMLBody"), "html_body");
        assert_eq!(snake_case("first name"), "first_name");
        assert_eq!(snake_case("type"), "type_");
        assert_eq!(snake_case("2fa"), "_2fa");
        assert_eq!(snake_case("ümlaut"), "ümlaut");
        assert_eq!(camel_case("playlist_track"), "PlaylistTrack");
        assert_eq!(camel_case("Album"), "Album");
        assert_eq!(camel_case("select"), "Select");
        assert_eq!(camel_case("9lives"), "Table9lives");
        assert_eq!(struct_name("comments"), "Comment");
        assert_eq!(struct_name("categories"), "Category");
        assert_eq!(struct_name("people_x"), "PeopleX");
        assert_eq!(struct_name("status"), "Status");
        assert_eq!(struct_name("addresses"), "Address");
        assert_eq!(struct_name("boxes"), "BoxRow");
        assert_eq!(struct_name("result"), "ResultRow");
        assert_eq!(struct_name("records"), "RecordRow");
    }
}
