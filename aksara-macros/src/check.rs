//! The checks: a [`ModelInput`] into a [`Model`], or every problem found, each pointed at
//! the tokens the user wrote.

use crate::ir::{
    ColumnKind, Field, FieldInput, Model, ModelInput, OnDeleteRule, RelKind, Relation, Role,
};
use crate::types::{Scalar, TypeShape};
use syn::{Path, Type};

/// The message for a type the derive does not know.
pub const UNSUPPORTED: &str = "unsupported field type; use a type that implements aksara::FieldType \
     (String, bool, i16, i32, i64, f32, f64, chrono::DateTime<Utc>, NaiveDateTime, NaiveDate, NaiveTime, \
     uuid::Uuid, serde_json::Value, aksara::Json<T>, Vec<u8>, ...), ForeignKey<T>, OneToOne<T>, \
     ManyToMany<T>, or an Option of one of these";

/// The message for a bare `Value`.
const AMBIGUOUS_VALUE: &str =
    "unsupported field type: a bare `Value` may be serde_json::Value or aksara::Value; \
     write `serde_json::Value` for a JSON field";

/// Checks the model. `errors` holds the problems parsing already found; they are reported
/// together with the check's own.
pub fn check(input: ModelInput, mut errors: Vec<syn::Error>) -> syn::Result<Model> {
    if let Some(span) = input.generics {
        errors.push(syn::Error::new(
            span,
            "a model cannot have generic parameters",
        ));
    }
    for (group, span) in &input.options.unique_together {
        for name in group {
            if !input.fields.iter().any(|f| &f.name == name) {
                errors.push(syn::Error::new(
                    *span,
                    format!("unique_together names unknown field `{name}`"),
                ));
            }
        }
    }
    let fields: Vec<Field> = input
        .fields
        .iter()
        .filter_map(|f| check_field(f, &mut errors))
        .collect();
    let pk = primary_key(&input, &fields, &mut errors);
    let name = (input.options.name.clone()).unwrap_or_else(|| input.ident.to_string());
    clashing_reverse_names(&input.ident.to_string(), &name, &fields, &mut errors);
    // In the order found: attributes first, then each field's checks in source order.
    let mut errors = errors.into_iter();
    if let Some(mut first) = errors.next() {
        for e in errors {
            first.combine(e);
        }
        return Err(first);
    }
    let options = input.options;
    Ok(Model {
        name: options.name.unwrap_or_else(|| input.ident.to_string()),
        ident: input.ident,
        table: options.table,
        description: options.description,
        unique_together: options
            .unique_together
            .into_iter()
            .map(|(g, _)| g)
            .collect(),
        fields,
        pk: pk.expect("no errors, so exactly one primary key"),
    })
}

/// Two relations of this model to one target whose reverse accessors would have the same name
/// on it (`posts` twice, or `post_set` for two foreign keys without `related_name`): rustc
/// would report duplicate definitions on the target; this says which fields and what to do.
/// `model` is the struct's name, `name` its name in the registry (which default accessors
/// are made from).
fn clashing_reverse_names(model: &str, name: &str, fields: &[Field], errors: &mut Vec<syn::Error>) {
    let mut seen: Vec<(String, String, &Field)> = Vec::new();
    for f in fields {
        let Some(r) = f.relation() else { continue };
        if r.related_name.as_deref() == Some("+") || r.symmetrical {
            continue;
        }
        let Type::Path(p) = &r.target else { continue };
        let Some(target) = p.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let target = if target == "Self" {
            model.to_string()
        } else {
            target
        };
        // The accessor the expansion generates, by the registry's rule.
        let accessor = match &r.related_name {
            Some(n) => n.clone(),
            None => aksara_naming::default_reverse_names(name, r.kind == RelKind::OneToOne).1,
        };
        if let Some((_, _, other)) = seen.iter().find(|(t, a, _)| *t == target && *a == accessor) {
            let advice = if r.related_name.is_some() {
                "give one of them another related_name"
            } else {
                "give one of them a related_name (or related_name = \"+\" for no reverse side)"
            };
            errors.push(syn::Error::new_spanned(
                &f.ident,
                format!(
                    "`{model}.{}` and `{model}.{}` both relate to {target}, whose reverse \
                     accessor would be called `{accessor}` for each: {advice}",
                    other.name, f.name
                ),
            ));
            continue;
        }
        seen.push((target, accessor, f));
    }
}

/// The index of the one primary key; pushes an error when there is none (unless other errors
/// explain it: a failed field may be the key) or several.
fn primary_key(
    input: &ModelInput,
    fields: &[Field],
    errors: &mut Vec<syn::Error>,
) -> Option<usize> {
    let keys: Vec<usize> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.primary_key)
        .map(|(i, _)| i)
        .collect();
    if keys.is_empty() && errors.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.ident,
            "a model needs a primary key: a field named `id` (uuid::Uuid, i64 or i32) or one marked #[aksara(primary_key)]",
        ));
    }
    if keys.len() > 1 {
        errors.push(syn::Error::new_spanned(
            &input.ident,
            "a model can have only one primary key",
        ));
    }
    // A OneToOne key takes its target's key type: its own model would be a cycle.
    for &i in &keys {
        let Some(r) = fields[i].relation() else {
            continue;
        };
        let to_self = match &r.target {
            Type::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Self" || s.ident == input.ident),
            _ => false,
        };
        if to_self || r.to.as_deref() == Some("self") {
            errors.push(error(
                &r.target,
                "a OneToOne primary key cannot point at its own model: its key would be its own key",
            ));
        }
    }
    keys.first().copied()
}

/// Checks one field; `None` (with its problems pushed) when it has any.
fn check_field(f: &FieldInput, errors: &mut Vec<syn::Error>) -> Option<Field> {
    if matches!(f.shape, TypeShape::Store) && !f.nullable {
        return Some(field(f, Role::Store, String::new()));
    }
    let before = errors.len();
    check_string_options(f, errors);
    check_auto_now(f, errors);
    let role = role(f, errors);
    if errors.len() > before {
        return None;
    }
    let role = role?;
    let column = f.options.column.clone().unwrap_or_else(|| match &role {
        Role::Relation(r) if r.kind == RelKind::ManyToMany => String::new(),
        Role::Relation(_) => format!("{}_id", f.name),
        _ => f.name.clone(),
    });
    Some(field(f, role, column))
}

fn field(f: &FieldInput, role: Role, column: String) -> Field {
    let o = &f.options;
    Field {
        primary_key: match role {
            Role::PrimaryKey => true,
            Role::Relation(_) => o.primary_key,
            _ => false,
        },
        ident: f.ident.clone(),
        name: f.name.clone(),
        inner: f.inner.clone(),
        nullable: f.nullable,
        column,
        role,
        unique: o.unique,
        default: o.default.clone(),
        auto_now_add: o.auto_now_add,
        auto_now: o.auto_now,
        description: o.description.clone(),
    }
}

fn error(ty: &Type, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new_spanned(ty, message)
}

/// `text`, `email`, `url` and `max_length` apply to strings only (`max_length`, `max_digits`
/// and `decimal_places` also to types the derive reads through `aksara::FieldType`, which
/// decide what they mean).
fn check_string_options(f: &FieldInput, errors: &mut Vec<syn::Error>) {
    let o = &f.options;
    if matches!(f.shape, TypeShape::Unknown) {
        for (set, what) in [(o.text, "text"), (o.email, "email"), (o.url, "url")] {
            if set {
                errors.push(error(
                    &f.ty,
                    format!("`{what}` applies to String fields only"),
                ));
            }
        }
        return;
    }
    for (set, what) in [
        (o.max_digits.is_some(), "max_digits"),
        (o.decimal_places.is_some(), "decimal_places"),
    ] {
        if set {
            errors.push(error(
                &f.ty,
                format!("`{what}` applies to decimal fields only (rust_decimal::Decimal)"),
            ));
        }
    }
    if matches!(f.shape, TypeShape::Scalar(Scalar::String)) {
        return;
    }
    for (set, what) in [
        (o.text, "text"),
        (o.email, "email"),
        (o.url, "url"),
        (o.max_length.is_some(), "max_length"),
    ] {
        if set {
            errors.push(error(
                &f.ty,
                format!("`{what}` applies to String fields only"),
            ));
        }
    }
}

/// `auto_now` and `auto_now_add` apply to dates and times only.
fn check_auto_now(f: &FieldInput, errors: &mut Vec<syn::Error>) {
    let dated = matches!(
        f.shape,
        TypeShape::Scalar(Scalar::DateTimeUtc | Scalar::NaiveDate)
    );
    if (f.options.auto_now || f.options.auto_now_add) && !dated {
        errors.push(error(
            &f.ty,
            "auto_now and auto_now_add apply to DateTime<Utc> and NaiveDate fields only",
        ));
    }
}

/// What the field is: the key (marked, or named `id` and not a relation), a relation, or a
/// column of a known type.
fn role(f: &FieldInput, errors: &mut Vec<syn::Error>) -> Option<Role> {
    let is_relation = matches!(f.shape, TypeShape::Relation { .. });
    if f.options.primary_key && is_relation {
        return relation_key(f, errors);
    }
    if f.options.primary_key || (f.name == "id" && !is_relation) {
        if f.nullable {
            errors.push(error(&f.ty, "the primary key cannot be an Option"));
        }
        return Some(Role::PrimaryKey);
    }
    if let TypeShape::Relation {
        kind,
        target,
        value,
    } = &f.shape
    {
        return relation(f, *kind, target.as_deref(), value.as_deref(), errors)
            .map(|r| Role::Relation(Box::new(r)));
    }
    let o = &f.options;
    if o.on_delete.is_some() || o.related_name.is_some() || o.to.is_some() {
        errors.push(error(
            &f.ty,
            "on_delete, related_name and to apply to relation fields only",
        ));
    }
    match &f.shape {
        TypeShape::Scalar(scalar) => Some(Role::Column(column_kind(*scalar, f))),
        TypeShape::AmbiguousValue => {
            errors.push(error(&f.ty, AMBIGUOUS_VALUE));
            None
        }
        TypeShape::Unknown => Some(Role::Column(ColumnKind::ByTrait {
            max_length: o.max_length,
            max_digits: o.max_digits,
            decimal_places: o.decimal_places,
        })),
        _ => {
            errors.push(error(&f.ty, UNSUPPORTED));
            None
        }
    }
}

/// A relation marked `primary_key`: only a required `OneToOne` can be the key (Django's
/// `OneToOneField(primary_key=True)`): the row's key is the key of the row it extends.
fn relation_key(f: &FieldInput, errors: &mut Vec<syn::Error>) -> Option<Role> {
    let TypeShape::Relation {
        kind,
        target,
        value,
    } = &f.shape
    else {
        return None;
    };
    let before = errors.len();
    if *kind != RelKind::OneToOne {
        errors.push(error(
            &f.ty,
            format!(
                "a {} cannot be the primary key; only a OneToOne can (the row's key is then the key of the row it points at)",
                kind.type_name()
            ),
        ));
    }
    if f.nullable {
        errors.push(error(&f.ty, "the primary key cannot be an Option"));
    }
    let o = &f.options;
    if o.to_field.is_some() {
        errors.push(error(
            &f.ty,
            "to_field does not apply to a primary-key OneToOne: it references the target's primary key",
        ));
    }
    if o.default.is_some() || o.unique {
        errors.push(error(
            &f.ty,
            "default and unique do not apply to a primary-key OneToOne (the key is always given, and unique)",
        ));
    }
    if let Some(value) = value {
        errors.push(error(
            value,
            "a primary-key OneToOne holds the target's key: drop the second type argument",
        ));
    }
    let relation = relation(f, *kind, target.as_deref(), None, errors);
    if let Some(r) = &relation {
        if matches!(r.on_delete, OnDeleteRule::SetDefault | OnDeleteRule::Set) {
            errors.push(error(
                &f.ty,
                "on_delete = SET_DEFAULT or SET(value) would change a primary key; use CASCADE, RESTRICT, PROTECT or DO_NOTHING",
            ));
        }
    }
    if errors.len() > before {
        return None;
    }
    relation.map(|r| Role::Relation(Box::new(r)))
}

fn column_kind(scalar: Scalar, f: &FieldInput) -> ColumnKind {
    let o = &f.options;
    match scalar {
        Scalar::String if o.text => ColumnKind::Text,
        Scalar::String if o.email => ColumnKind::Email {
            max_length: o.max_length.unwrap_or(254),
        },
        Scalar::String if o.url => ColumnKind::Url {
            max_length: o.max_length.unwrap_or(2048),
        },
        Scalar::String => ColumnKind::String {
            max_length: o.max_length.unwrap_or(255),
        },
        Scalar::Bool => ColumnKind::Boolean,
        Scalar::I32 => ColumnKind::Integer,
        Scalar::I64 => ColumnKind::BigInteger,
        Scalar::F64 => ColumnKind::Float,
        Scalar::DateTimeUtc => ColumnKind::DateTime,
        Scalar::NaiveDate => ColumnKind::Date,
        Scalar::Uuid => ColumnKind::Uuid,
        Scalar::Json => ColumnKind::Json,
        Scalar::Bytes => ColumnKind::Bytes,
    }
}

fn relation(
    f: &FieldInput,
    kind: RelKind,
    target: Option<&Type>,
    value: Option<&Type>,
    errors: &mut Vec<syn::Error>,
) -> Option<Relation> {
    let o = &f.options;
    let type_name = kind.type_name();
    if target.is_none() {
        let message = if kind == RelKind::ManyToMany {
            format!("{type_name} needs the target model: {type_name}<Model>")
        } else {
            format!(
                "{type_name} needs the target model, and may name the type of the value it \
                 holds: {type_name}<Model> or {type_name}<Model, Type>"
            )
        };
        errors.push(error(&f.ty, message));
    }
    if let (RelKind::ManyToMany, Some(value)) = (kind, value) {
        errors.push(error(
            value,
            "ManyToMany takes one type argument, the target model: ManyToMany<Model>",
        ));
    }
    if kind == RelKind::ManyToMany && f.nullable {
        errors.push(error(
            &f.ty,
            "a ManyToMany field cannot be an Option (it has no column)",
        ));
    }
    if kind == RelKind::ManyToMany && o.on_delete.is_some() {
        errors.push(error(
            &f.ty,
            "on_delete does not apply to ManyToMany: junction rows are always deleted with either side",
        ));
    }
    if kind != RelKind::ManyToMany
        && (o.through.is_some()
            || o.db_table.is_some()
            || o.symmetrical
            || o.through_fields.is_some())
    {
        errors.push(error(
            &f.ty,
            "through, through_fields, symmetrical and db_table apply to ManyToMany fields only",
        ));
    }
    if kind == RelKind::ManyToMany && o.to_field.is_some() {
        errors.push(error(
            &f.ty,
            "to_field applies to ForeignKey and OneToOne fields only",
        ));
    }
    if o.through_fields.is_some() && o.through.is_none() {
        errors.push(error(
            &f.ty,
            "through_fields needs a through model: through = Model",
        ));
    }
    if o.symmetrical && o.through.is_some() {
        errors.push(error(
            &f.ty,
            "symmetrical cannot be combined with a through model (its rows would have to be made in both directions): drop one of them",
        ));
    }
    if o.symmetrical && o.related_name.as_deref().is_some_and(|n| n != "+") {
        errors.push(error(
            &f.ty,
            "a symmetrical relation is its own reverse, so related_name names nothing: drop it",
        ));
    }
    let (on_delete, on_delete_written) = on_delete(f, type_name, errors)?;
    Some(Relation {
        kind,
        target: target?.clone(),
        value: value.cloned(),
        on_delete,
        on_delete_written,
        related_name: o.related_name.clone(),
        to: o.to.clone(),
        through: o.through.clone(),
        db_table: o.db_table.clone(),
        set_value: o.on_delete.as_ref().and_then(|a| a.set_value.clone()),
        to_field: o.to_field.clone(),
        symmetrical: o.symmetrical,
        through_fields: o.through_fields.clone(),
    })
}

/// The `on_delete` rule (CASCADE when absent), and the constant as written when the expansion
/// should repeat it (a bare, imported name: so that its import is used and checked).
fn on_delete(
    f: &FieldInput,
    type_name: &str,
    errors: &mut Vec<syn::Error>,
) -> Option<(OnDeleteRule, Option<Path>)> {
    let Some(attr) = &f.options.on_delete else {
        return Some((OnDeleteRule::Cascade, None));
    };
    let named = attr.path.segments.last().map(|s| s.ident.to_string());
    let Some(rule) = named.as_deref().and_then(OnDeleteRule::from_name) else {
        errors.push(syn::Error::new(
            attr.span,
            "on_delete must be CASCADE, SET_NULL, SET_DEFAULT, SET(value), RESTRICT, PROTECT or DO_NOTHING",
        ));
        return None;
    };
    if (rule == OnDeleteRule::Set) != attr.set_value.is_some() {
        errors.push(syn::Error::new(
            attr.span,
            "SET takes the value to store: on_delete = SET(value)",
        ));
        return None;
    }
    if rule == OnDeleteRule::SetNull && !f.nullable {
        errors.push(syn::Error::new(
            attr.span,
            format!("on_delete = SET_NULL needs a nullable relation: declare the field as Option<{type_name}<...>>"),
        ));
    }
    let written = (attr.path.segments.len() == 1 && !attr.from_string).then(|| attr.path.clone());
    Some((rule, written))
}
