//! Recognition of field types by their structure.
//!
//! A derive sees tokens, not resolved types, so a type is recognised by the path it is
//! written with. Each recognised type has the spellings listed in the crate documentation
//! (a known full path, or the bare name the usual import gives); anything else, a user's
//! `types::Value` or `my::Uuid` included, is [`TypeShape::Unknown`] and read through
//! `aksara::FieldType`.

use crate::ir::RelKind;
use syn::{GenericArgument, Path, PathArguments, Type};

/// A plain column type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTimeUtc,
    /// `chrono::NaiveDate`.
    NaiveDate,
    /// `uuid::Uuid`.
    Uuid,
    /// `serde_json::Value`.
    Json,
    /// `Vec<u8>`.
    Bytes,
}

/// What a field's type (without `Option`) was recognised as.
#[derive(Clone, Debug)]
pub enum TypeShape {
    /// A plain column type.
    Scalar(Scalar),
    /// `ForeignKey<T>`, `OneToOne<T>` or `ManyToMany<T>`, or a to-one relation with the type
    /// of the value it holds (`ForeignKey<T, String>`); `target` is `None` when the argument
    /// is missing or there are too many.
    Relation {
        /// The relation's kind.
        kind: RelKind,
        /// The target model type.
        target: Option<Box<Type>>,
        /// The second argument (`String` in `ForeignKey<Country, String>`), when written.
        value: Option<Box<Type>>,
    },
    /// `aksara::Related`.
    Store,
    /// A bare `Value` or `JsonValue`: it could be `serde_json::Value` or `aksara::Value`
    /// (in the prelude), so it is refused with a hint to write the path.
    AmbiguousValue,
    /// Anything else.
    Unknown,
}

/// Spellings of the standard library's `String`, `Vec` and `Option`.
const STRING: &[&[&str]] = &[
    &["String"],
    &["std", "string", "String"],
    &["alloc", "string", "String"],
];
const VEC: &[&[&str]] = &[&["Vec"], &["std", "vec", "Vec"], &["alloc", "vec", "Vec"]];
const OPTION: &[&[&str]] = &[
    &["Option"],
    &["std", "option", "Option"],
    &["core", "option", "Option"],
];
const UUID: &[&[&str]] = &[&["Uuid"], &["uuid", "Uuid"]];
const DATE_TIME: &[&[&str]] = &[&["DateTime"], &["chrono", "DateTime"]];
const UTC: &[&[&str]] = &[&["Utc"], &["chrono", "Utc"]];
const NAIVE_DATE: &[&[&str]] = &[&["NaiveDate"], &["chrono", "NaiveDate"]];
const JSON: &[&[&str]] = &[&["serde_json", "Value"]];
const AMBIGUOUS_VALUE: &[&[&str]] = &[&["Value"], &["JsonValue"]];

/// The path of a type written as a plain path (no `<T as Trait>::` qualification).
fn type_path(ty: &Type) -> Option<&Path> {
    match ty {
        Type::Path(p) if p.qself.is_none() => Some(&p.path),
        Type::Group(g) => type_path(&g.elem),
        Type::Paren(p) => type_path(&p.elem),
        _ => None,
    }
}

/// True when `path` is spelled as one of `spellings` (a leading `::` allowed). Only the last
/// segment may carry generic arguments.
fn path_is(path: &Path, spellings: &[&[&str]]) -> bool {
    let segments: Vec<_> = path.segments.iter().collect();
    let Some((_, init)) = segments.split_last() else {
        return false;
    };
    if init
        .iter()
        .any(|s| !matches!(s.arguments, PathArguments::None))
    {
        return false;
    }
    spellings.iter().any(|spelling| {
        spelling.len() == segments.len()
            && segments
                .iter()
                .zip(spelling.iter())
                .all(|(s, w)| s.ident == w)
    })
}

/// True when `path` names one of Aksara's own types: the bare name, or any path through the
/// `aksara` or `aksara_core` crate ending in it (`aksara::ForeignKey`,
/// `aksara::fields::ForeignKey`, `aksara::prelude::ForeignKey`).
fn is_aksara_type(path: &Path, name: &str) -> bool {
    let segments: Vec<_> = path.segments.iter().collect();
    let Some((last, init)) = segments.split_last() else {
        return false;
    };
    if last.ident != name
        || init
            .iter()
            .any(|s| !matches!(s.arguments, PathArguments::None))
    {
        return false;
    }
    match init.first() {
        None => path.leading_colon.is_none(),
        Some(first) => first.ident == "aksara" || first.ident == "aksara_core",
    }
}

/// The type arguments of the path's last segment.
fn type_arguments(path: &Path) -> Vec<&Type> {
    match path.segments.last().map(|s| &s.arguments) {
        Some(PathArguments::AngleBracketed(args)) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// True when the path's last segment has no generic arguments.
fn no_arguments(path: &Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| matches!(s.arguments, PathArguments::None))
}

/// The single type argument of the path, when it has exactly one.
fn only_argument(path: &Path) -> Option<&Type> {
    match type_arguments(path).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// When `ty` is an `Option<...>`: `Some(inner)`, with `inner` `None` if the argument is
/// missing. `None` when it is not an `Option`.
pub fn option_inner(ty: &Type) -> Option<Option<&Type>> {
    let path = type_path(ty)?;
    path_is(path, OPTION).then(|| only_argument(path))
}

/// True when `ty` is spelled as one of `spellings`, without generic arguments.
fn plain_type_is(ty: &Type, spellings: &[&[&str]]) -> bool {
    type_path(ty).is_some_and(|p| path_is(p, spellings) && no_arguments(p))
}

/// The primitive a bare path names (`bool`, `i32`, `i64`, `f64`), also as
/// `std::primitive::i64` / `core::primitive::i64`.
fn primitive(path: &Path) -> Option<Scalar> {
    let name = path.segments.last()?.ident.to_string();
    let scalar = match name.as_str() {
        "bool" => Scalar::Bool,
        "i32" => Scalar::I32,
        "i64" => Scalar::I64,
        "f64" => Scalar::F64,
        _ => return None,
    };
    let bare: &[&str] = &[name.as_str()];
    let std_path: &[&str] = &["std", "primitive", name.as_str()];
    let core_path: &[&str] = &["core", "primitive", name.as_str()];
    (path_is(path, &[bare, std_path, core_path]) && no_arguments(path)).then_some(scalar)
}

/// The plain column type `path` names, if any.
fn scalar(path: &Path) -> Option<Scalar> {
    if let Some(p) = primitive(path) {
        return Some(p);
    }
    let bare = no_arguments(path);
    if bare && path_is(path, STRING) {
        Some(Scalar::String)
    } else if bare && path_is(path, UUID) {
        Some(Scalar::Uuid)
    } else if bare && path_is(path, NAIVE_DATE) {
        Some(Scalar::NaiveDate)
    } else if bare && path_is(path, JSON) {
        Some(Scalar::Json)
    } else if path_is(path, DATE_TIME) && only_argument(path).is_some_and(|a| plain_type_is(a, UTC))
    {
        Some(Scalar::DateTimeUtc)
    } else if path_is(path, VEC)
        && only_argument(path).is_some_and(|a| plain_type_is(a, &[&["u8"]]))
    {
        Some(Scalar::Bytes)
    } else {
        None
    }
}

/// The relation kind `path` names, if any.
fn relation_kind(path: &Path) -> Option<RelKind> {
    [RelKind::ForeignKey, RelKind::OneToOne, RelKind::ManyToMany]
        .into_iter()
        .find(|kind| is_aksara_type(path, kind.type_name()))
}

/// Recognises a field's type (without `Option`).
pub fn recognise(ty: &Type) -> TypeShape {
    let Some(path) = type_path(ty) else {
        return TypeShape::Unknown;
    };
    if let Some(scalar) = scalar(path) {
        return TypeShape::Scalar(scalar);
    }
    if let Some(kind) = relation_kind(path) {
        let (target, value) = match type_arguments(path).as_slice() {
            [target] => (Some(*target), None),
            [target, value] => (Some(*target), Some(*value)),
            _ => (None, None),
        };
        return TypeShape::Relation {
            kind,
            target: target.cloned().map(Box::new),
            value: value.cloned().map(Box::new),
        };
    }
    if is_aksara_type(path, "Related") && no_arguments(path) {
        return TypeShape::Store;
    }
    if path_is(path, AMBIGUOUS_VALUE) && no_arguments(path) {
        return TypeShape::AmbiguousValue;
    }
    TypeShape::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn shape(ty: Type) -> String {
        format!("{:?}", recognise(&ty))
    }

    #[test]
    fn documented_spellings_are_recognised() {
        assert_eq!(shape(parse_quote!(String)), "Scalar(String)");
        assert_eq!(shape(parse_quote!(std::string::String)), "Scalar(String)");
        assert_eq!(shape(parse_quote!(i64)), "Scalar(I64)");
        assert_eq!(shape(parse_quote!(Uuid)), "Scalar(Uuid)");
        assert_eq!(shape(parse_quote!(::uuid::Uuid)), "Scalar(Uuid)");
        assert_eq!(shape(parse_quote!(DateTime<Utc>)), "Scalar(DateTimeUtc)");
        assert_eq!(
            shape(parse_quote!(chrono::DateTime<chrono::Utc>)),
            "Scalar(DateTimeUtc)"
        );
        assert_eq!(shape(parse_quote!(chrono::NaiveDate)), "Scalar(NaiveDate)");
        assert_eq!(shape(parse_quote!(serde_json::Value)), "Scalar(Json)");
        assert_eq!(shape(parse_quote!(Vec<u8>)), "Scalar(Bytes)");
        assert_eq!(shape(parse_quote!(aksara::Related)), "Store");
        assert!(shape(parse_quote!(aksara::fields::ForeignKey<User>)).starts_with("Relation"));
        assert!(shape(parse_quote!(ManyToMany<Tag>)).starts_with("Relation"));
        let with_value = shape(parse_quote!(ForeignKey<Country, String>));
        assert!(with_value.contains("value: Some"), "{with_value}");
        assert!(shape(parse_quote!(ForeignKey<User>)).contains("value: None"));
    }

    #[test]
    fn look_alikes_from_other_paths_are_not() {
        assert_eq!(shape(parse_quote!(types::Value)), "Unknown");
        assert_eq!(shape(parse_quote!(crate::types::Value)), "Unknown");
        assert_eq!(shape(parse_quote!(aksara::Value)), "Unknown");
        assert_eq!(shape(parse_quote!(Value)), "AmbiguousValue");
        assert_eq!(shape(parse_quote!(my::Uuid)), "Unknown");
        assert_eq!(shape(parse_quote!(other::DateTime<Utc>)), "Unknown");
        assert_eq!(shape(parse_quote!(DateTime<FixedOffset>)), "Unknown");
        assert_eq!(shape(parse_quote!(Vec<String>)), "Unknown");
        assert_eq!(shape(parse_quote!(my::ForeignKey<User>)), "Unknown");
        assert_eq!(shape(parse_quote!(my::Related)), "Unknown");
        assert_eq!(shape(parse_quote!(std::time::Instant)), "Unknown");
        assert!(option_inner(&parse_quote!(my::Option<i64>)).is_none());
        assert!(option_inner(&parse_quote!(std::option::Option<i64>)).is_some());
    }
}
