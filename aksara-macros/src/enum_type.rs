//! `#[derive(Enum)]`: `aksara::FieldType` for a fieldless enum, stored as the text of its
//! variants' names (or `#[aksara(rename = "...")]`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, LitStr};

/// The `FieldType` implementation of `input`, or an error pointed at what is not a fieldless
/// enum.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    const HINT: &str =
        "`#[derive(aksara::Enum)]` stores a fieldless enum as the text of its variant names";
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("{HINT}; this is not an enum"),
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            format!("{HINT}; it cannot have generic parameters"),
        ));
    }
    if data.variants.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("{HINT}; this one has no variants"),
        ));
    }
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut idents = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new_spanned(
                &variant.fields,
                format!("{HINT}; the variant `{}` has fields", variant.ident),
            ));
        }
        let name = match renamed(&variant.attrs) {
            Ok(Some(name)) => name,
            Ok(None) => variant.ident.unraw().to_string(),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if names.contains(&name) {
            errors.push(syn::Error::new_spanned(
                &variant.ident,
                format!("two variants are stored as {name:?}; rename one"),
            ));
        }
        idents.push(variant.ident.clone());
        names.push(name);
    }
    if let Some(mut first) = errors.pop() {
        for e in errors {
            first.combine(e);
        }
        return Err(first);
    }
    let ident = &input.ident;
    let enum_name = ident.unraw().to_string();
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(1) as u32;
    let expected = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(quote! {
        const _: () = {
            impl ::aksara::FieldType for #ident {
                fn kind(options: &::aksara::TypeOptions) -> ::aksara::FieldKind {
                    ::aksara::FieldKind::String {
                        max_length: options.max_length.unwrap_or(#longest),
                    }
                }

                fn to_value(&self) -> ::aksara::Value {
                    ::aksara::Value::String(::std::string::String::from(match self {
                        #(#ident::#idents => #names,)*
                    }))
                }

                fn try_from_value(value: ::aksara::Value) -> ::core::result::Result<Self, ::std::string::String> {
                    match value {
                        ::aksara::Value::String(text) => match text.as_str() {
                            #(#names => ::core::result::Result::Ok(#ident::#idents),)*
                            other => ::core::result::Result::Err(::std::format!(
                                "{:?} is not a value of the enum {} (expected one of {})",
                                other, #enum_name, #expected
                            )),
                        },
                        other => ::core::result::Result::Err(::std::format!(
                            "expected the text of a {}, got {:?}", #enum_name, other
                        )),
                    }
                }
            }
        };
    })
}

/// The name of `#[aksara(rename = "...")]` on a variant, if given.
fn renamed(attrs: &[syn::Attribute]) -> syn::Result<Option<String>> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("aksara")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: LitStr = meta.value()?.parse()?;
                name = Some(value.value());
                Ok(())
            } else {
                Err(meta.error("enum variants take one attribute: `rename = \"...\"`"))
            }
        })?;
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::derive;

    fn expand(input: &str) -> Result<String, String> {
        let input = syn::parse_str(input).expect("valid Rust");
        derive(&input)
            .map(|t| t.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn variants_are_stored_by_name_or_rename() {
        let code =
            expand("enum Mood { Happy, #[aksara(rename = \"so-so\")] Meh }").expect("derived");
        assert!(code.contains("\"Happy\""), "{code}");
        assert!(code.contains("\"so-so\""), "{code}");
        assert!(!code.contains("\"Meh\""), "{code}");
    }

    #[test]
    fn only_fieldless_enums() {
        assert!(expand("struct A { b: i32 }")
            .unwrap_err()
            .contains("not an enum"));
        assert!(expand("enum A { B(i32) }")
            .unwrap_err()
            .contains("has fields"));
        assert!(expand("enum A {}").unwrap_err().contains("no variants"));
        assert!(expand("enum A { B, #[aksara(rename = \"B\")] C }")
            .unwrap_err()
            .contains("two variants"));
        assert!(expand("enum A { #[aksara(name = \"x\")] B }")
            .unwrap_err()
            .contains("rename"));
    }
}
