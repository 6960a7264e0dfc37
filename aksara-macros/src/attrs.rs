//! Parsing of `#[aksara(...)]` attributes.

use syn::{Attribute, Expr, Lit, LitStr, Path};

/// Attributes on the struct.
#[derive(Default)]
pub struct StructAttrs {
    pub table: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub unique_together: Vec<Vec<String>>,
}

/// Attributes on a field.
#[derive(Default)]
pub struct FieldAttrs {
    pub primary_key: bool,
    pub max_length: Option<u32>,
    pub text: bool,
    pub email: bool,
    pub url: bool,
    pub unique: bool,
    pub default: Option<Expr>,
    pub auto_now_add: bool,
    pub auto_now: bool,
    pub column: Option<String>,
    pub description: Option<String>,
    pub on_delete: Option<(Path, proc_macro2::Span)>,
    pub on_delete_was_string: bool,
    pub related_name: Option<String>,
    pub to: Option<LitStr>,
    pub through: Option<Through>,
    pub db_table: Option<String>,
}

/// The through model of a many-to-many field.
pub enum Through {
    Type(Path),
    Name(String),
}

fn string(value: syn::parse::ParseStream) -> syn::Result<String> {
    let s: LitStr = value.parse()?;
    Ok(s.value())
}

pub fn struct_attrs(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("aksara")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                out.table = Some(string(meta.value()?)?);
            } else if meta.path.is_ident("name") {
                out.name = Some(string(meta.value()?)?);
            } else if meta.path.is_ident("description") {
                out.description = Some(string(meta.value()?)?);
            } else if meta.path.is_ident("unique_together") {
                let names = string(meta.value()?)?;
                out.unique_together.push(names.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
            } else {
                return Err(meta.error(
                    "unknown model attribute; expected one of: table, name, description, unique_together",
                ));
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

pub fn field_attrs(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("aksara")) {
        let result = attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("primary_key") {
                out.primary_key = true;
            } else if p.is_ident("max_length") {
                let lit: syn::LitInt = meta.value()?.parse()?;
                out.max_length = Some(lit.base10_parse()?);
            } else if p.is_ident("text") {
                out.text = true;
            } else if p.is_ident("email") {
                out.email = true;
            } else if p.is_ident("url") {
                out.url = true;
            } else if p.is_ident("unique") {
                out.unique = true;
            } else if p.is_ident("default") {
                out.default = Some(meta.value()?.parse()?);
            } else if p.is_ident("auto_now_add") {
                out.auto_now_add = true;
            } else if p.is_ident("auto_now") {
                out.auto_now = true;
            } else if p.is_ident("column") {
                out.column = Some(string(meta.value()?)?);
            } else if p.is_ident("description") {
                out.description = Some(string(meta.value()?)?);
            } else if p.is_ident("on_delete") {
                let value = meta.value()?;
                let span = value.span();
                let path: Path = if value.peek(LitStr) {
                    out.on_delete_was_string = true;
                    let s: LitStr = value.parse()?;
                    syn::parse_str(&s.value())?
                } else {
                    value.parse()?
                };
                out.on_delete = Some((path, span));
            } else if p.is_ident("related_name") {
                out.related_name = Some(string(meta.value()?)?);
            } else if p.is_ident("to") {
                out.to = Some(meta.value()?.parse()?);
            } else if p.is_ident("through") {
                let value = meta.value()?;
                out.through = Some(if value.peek(LitStr) {
                    Through::Name(string(value)?)
                } else {
                    Through::Type(value.parse()?)
                });
            } else if p.is_ident("db_table") {
                out.db_table = Some(string(meta.value()?)?);
            } else {
                return Err(meta.error(
                    "unknown field attribute; expected one of: primary_key, max_length, text, email, url, unique, default, \
                     auto_now_add, auto_now, column, description, on_delete, related_name, to, through, db_table",
                ));
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

/// The text of a string literal expression, if it is one.
pub fn literal_string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}
