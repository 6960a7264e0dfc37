//! The struct, as written, into [`ModelInput`].

use crate::attrs::{field_options, struct_options};
use crate::ir::{FieldInput, ModelInput};
use crate::types::{option_inner, recognise, TypeShape};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

/// Parses the struct and its attributes. Malformed attributes are pushed to `errors` (the rest
/// of the model is still parsed, so the check can report its problems too); a struct without
/// named fields is an error on its own.
pub fn parse(input: &DeriveInput, errors: &mut Vec<syn::Error>) -> syn::Result<ModelInput> {
    let options = struct_options(&input.attrs, errors);
    let generics = (!input.generics.params.is_empty()).then(|| input.generics.span());
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            _ => return Err(not_named(input)),
        },
        _ => return Err(not_named(input)),
    };
    let fields = named
        .named
        .iter()
        .map(|field| parse_field(field, errors))
        .collect();
    Ok(ModelInput {
        ident: input.ident.clone(),
        generics,
        options,
        fields,
    })
}

fn not_named(input: &DeriveInput) -> syn::Error {
    syn::Error::new_spanned(
        &input.ident,
        "#[derive(Model)] needs a struct with named fields",
    )
}

fn parse_field(field: &syn::Field, errors: &mut Vec<syn::Error>) -> FieldInput {
    let ident = field.ident.clone().expect("named field");
    let name = ident.to_string().trim_start_matches("r#").to_string();
    let options = field_options(&field.attrs, errors);
    let (nullable, inner) = match option_inner(&field.ty) {
        Some(inner) => (true, inner.cloned()),
        None => (false, Some(field.ty.clone())),
    };
    let (inner, shape) = match inner {
        Some(inner) => {
            let shape = recognise(&inner);
            (inner, shape)
        }
        // `Option` without a type argument.
        None => (field.ty.clone(), TypeShape::Unknown),
    };
    FieldInput {
        ident,
        name,
        ty: field.ty.clone(),
        nullable,
        inner,
        shape,
        options,
    }
}
