//! Parsing of `#[aksara(...)]` attributes into plain options.

use crate::ir::{FieldOptions, OnDeleteAttr, StructOptions, Through};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Path};

fn string(value: syn::parse::ParseStream) -> syn::Result<String> {
    let s: LitStr = value.parse()?;
    Ok(s.value())
}

/// Runs `each` on every item of every `#[aksara(...)]` attribute, collecting the errors.
fn for_each_item(
    attrs: &[Attribute],
    errors: &mut Vec<syn::Error>,
    mut each: impl FnMut(ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("aksara")) {
        if let Err(e) = attr.parse_nested_meta(&mut each) {
            errors.push(e);
        }
    }
}

/// The attributes on the struct.
pub fn struct_options(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> StructOptions {
    let mut out = StructOptions::default();
    for_each_item(attrs, errors, |meta| {
        if meta.path.is_ident("table") {
            out.table = Some(string(meta.value()?)?);
        } else if meta.path.is_ident("name") {
            out.name = Some(string(meta.value()?)?);
        } else if meta.path.is_ident("description") {
            out.description = Some(string(meta.value()?)?);
        } else if meta.path.is_ident("unique_together") {
            let value: LitStr = meta.value()?.parse()?;
            let names = value
                .value()
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            out.unique_together.push((names, value.span()));
        } else {
            return Err(meta.error(unknown(
                "model attribute",
                &meta.path,
                &["table", "name", "description", "unique_together"],
            )));
        }
        Ok(())
    });
    out
}

/// The attributes on a field.
pub fn field_options(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> FieldOptions {
    let mut out = FieldOptions::default();
    for_each_item(attrs, errors, |meta| field_item(&mut out, meta));
    out
}

/// One item of a field attribute: a flag first, else a `key = value`.
fn field_item(out: &mut FieldOptions, meta: ParseNestedMeta) -> syn::Result<()> {
    let flag = if meta.path.is_ident("primary_key") {
        &mut out.primary_key
    } else if meta.path.is_ident("text") {
        &mut out.text
    } else if meta.path.is_ident("email") {
        &mut out.email
    } else if meta.path.is_ident("url") {
        &mut out.url
    } else if meta.path.is_ident("unique") {
        &mut out.unique
    } else if meta.path.is_ident("auto_now_add") {
        &mut out.auto_now_add
    } else if meta.path.is_ident("auto_now") {
        &mut out.auto_now
    } else if meta.path.is_ident("symmetrical") && !meta.input.peek(syn::Token![=]) {
        &mut out.symmetrical
    } else {
        return field_value(out, meta);
    };
    *flag = true;
    Ok(())
}

/// A `key = value` item of a field attribute.
fn field_value(out: &mut FieldOptions, meta: ParseNestedMeta) -> syn::Result<()> {
    let p = &meta.path;
    if p.is_ident("max_length") {
        let lit: syn::LitInt = meta.value()?.parse()?;
        out.max_length = Some(lit.base10_parse()?);
    } else if p.is_ident("max_digits") {
        let lit: syn::LitInt = meta.value()?.parse()?;
        out.max_digits = Some(lit.base10_parse()?);
    } else if p.is_ident("decimal_places") {
        let lit: syn::LitInt = meta.value()?.parse()?;
        out.decimal_places = Some(lit.base10_parse()?);
    } else if p.is_ident("default") {
        out.default = Some(meta.value()?.parse()?);
    } else if p.is_ident("column") {
        out.column = Some(string(meta.value()?)?);
    } else if p.is_ident("description") {
        out.description = Some(string(meta.value()?)?);
    } else if p.is_ident("on_delete") {
        out.on_delete = Some(on_delete(meta)?);
    } else if p.is_ident("related_name") {
        out.related_name = Some(string(meta.value()?)?);
    } else if p.is_ident("to") {
        out.to = Some(string(meta.value()?)?);
    } else if p.is_ident("through") {
        let value = meta.value()?;
        out.through = Some(if value.peek(LitStr) {
            Through::Name(string(value)?)
        } else {
            Through::Type(value.parse()?)
        });
    } else if p.is_ident("db_table") {
        out.db_table = Some(string(meta.value()?)?);
    } else if p.is_ident("to_field") {
        out.to_field = Some(string(meta.value()?)?);
    } else if p.is_ident("symmetrical") {
        let value: syn::LitBool = meta.value()?.parse()?;
        out.symmetrical = value.value;
    } else if p.is_ident("through_fields") {
        out.through_fields = Some(through_fields(meta)?);
    } else {
        return Err(meta.error(unknown(
            "field attribute",
            p,
            &[
                "primary_key",
                "max_length",
                "max_digits",
                "decimal_places",
                "text",
                "email",
                "url",
                "unique",
                "default",
                "auto_now_add",
                "auto_now",
                "column",
                "description",
                "on_delete",
                "related_name",
                "to",
                "to_field",
                "through",
                "through_fields",
                "symmetrical",
                "db_table",
            ],
        )));
    }
    Ok(())
}

/// `through_fields = ("source", "target")`.
fn through_fields(meta: ParseNestedMeta) -> syn::Result<(String, String)> {
    let value = meta.value()?;
    let content;
    syn::parenthesized!(content in value);
    let names = content.parse_terminated(<LitStr as syn::parse::Parse>::parse, syn::Token![,])?;
    let names: Vec<String> = names.iter().map(LitStr::value).collect();
    match names.as_slice() {
        [source, target] => Ok((source.clone(), target.clone())),
        _ => Err(meta.error(
            "through_fields takes two field names of the through model: (\"source\", \"target\")",
        )),
    }
}

/// `on_delete = CASCADE`, `on_delete = aksara::CASCADE`, `on_delete = "CASCADE"` or
/// `on_delete = SET(expr)`.
fn on_delete(meta: ParseNestedMeta) -> syn::Result<OnDeleteAttr> {
    let value = meta.value()?;
    let span = value.span();
    let from_string = value.peek(LitStr);
    if from_string {
        let s: LitStr = value.parse()?;
        return Ok(OnDeleteAttr {
            path: syn::parse_str(&s.value())?,
            span,
            from_string,
            set_value: None,
        });
    }
    let path: Path = value.parse()?;
    let set_value = if value.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in value);
        Some(content.parse::<syn::Expr>()?)
    } else {
        None
    };
    Ok(OnDeleteAttr {
        path,
        span,
        from_string,
        set_value,
    })
}

/// "unknown field attribute `relatd_name`; did you mean `related_name`? (expected one of: ...)".
fn unknown(what: &str, path: &syn::Path, known: &[&str]) -> String {
    let written = path
        .get_ident()
        .map_or_else(|| quote::quote!(#path).to_string(), |i| i.to_string());
    let closest = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&written, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    let hint = closest.map_or_else(String::new, |(_, k)| format!("; did you mean `{k}`?"));
    format!(
        "unknown {what} `{written}`{hint} (expected one of: {})",
        known.join(", ")
    )
}
