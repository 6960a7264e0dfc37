//! `#[derive(Row)]`: `aksara::FromRow` for a struct with named fields, read by position
//! (field order is column order), each field through `aksara::ColumnValue`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields};

/// The `FromRow` implementation of `input`, or an error pointed at what is not a struct with
/// named fields.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    const HINT: &str = "`#[derive(Row)]` reads the columns of a row into the fields of a struct \
                        with named fields, in order";
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => &named.named,
            Fields::Unnamed(unnamed) => {
                return Err(syn::Error::new_spanned(
                    unnamed,
                    format!("{HINT}; a tuple struct has none: name its fields"),
                ))
            }
            Fields::Unit => {
                return Err(syn::Error::new_spanned(
                    &input.ident,
                    format!("{HINT}; a unit struct has none"),
                ))
            }
        },
        Data::Enum(data) => {
            return Err(syn::Error::new_spanned(
                data.enum_token,
                format!("{HINT}; an enum is not one"),
            ))
        }
        Data::Union(data) => {
            return Err(syn::Error::new_spanned(
                data.union_token,
                format!("{HINT}; a union is not one"),
            ))
        }
    };
    let ident = &input.ident;
    let name = ident.unraw().to_string();
    let idents: Vec<_> = fields
        .iter()
        .map(|f| f.ident.as_ref().expect("named fields have names"))
        .collect();
    let names = fields
        .iter()
        .zip(&idents)
        .map(|(f, i)| Ok(renamed(f)?.unwrap_or_else(|| i.unraw().to_string())))
        .collect::<syn::Result<Vec<String>>>()?;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::aksara::FromRow for #ident #type_generics #where_clause {
            const NAME: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#names),*];

            fn from_row(row: ::aksara::Row) -> ::aksara::Result<Self> {
                #[allow(unused_mut, unused_variables)]
                let mut columns = ::aksara::typed_row::Columns::new::<Self>(row)?;
                ::core::result::Result::Ok(#ident {
                    #(#idents: columns.read()?,)*
                })
            }
        }
    })
}

/// The name of `#[aksara(name = "author__name")]` on a field, if given: the value or
/// annotation it reads in `values_as` (where a path holds `__`, which a Rust field name
/// should not).
fn renamed(field: &syn::Field) -> syn::Result<Option<String>> {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("aksara")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
                Ok(())
            } else {
                Err(meta.error("`#[derive(Row)]` fields take one attribute: `name = \"...\"`"))
            }
        })?;
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::derive;

    fn error(input: &str) -> String {
        let input = syn::parse_str(input).expect("valid Rust");
        derive(&input).expect_err("refused").to_string()
    }

    #[test]
    fn a_field_may_be_renamed() {
        let input = syn::parse_str(
            "struct A { #[aksara(name = \"author__name\")] author: String, n: i64 }",
        )
        .expect("valid Rust");
        let code = derive(&input).expect("derived").to_string();
        assert!(code.contains("\"author__name\" , \"n\""), "{code}");
        assert!(error("struct A { #[aksara(column = \"x\")] a: i64 }").contains("name ="));
    }

    #[test]
    fn only_structs_with_named_fields() {
        assert!(error("struct A(String, i64);").contains("tuple struct"));
        assert!(error("struct A;").contains("unit struct"));
        assert!(error("enum A { B }").contains("enum"));
        assert!(error("union A { b: u8 }").contains("union"));
    }

    #[test]
    fn fields_in_order_raw_names_unraw() {
        let input = syn::parse_str("struct TagCount { slug: String, r#type: i64 }").unwrap();
        let out = derive(&input).unwrap().to_string();
        assert!(out.contains("\"TagCount\""), "{out}");
        assert!(out.contains("& [\"slug\" , \"type\"]"), "{out}");
        assert!(
            out.find("slug : columns").unwrap() < out.find("r#type : columns").unwrap(),
            "{out}"
        );
    }
}
