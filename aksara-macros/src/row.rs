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
    let names: Vec<String> = idents.iter().map(|i| i.unraw().to_string()).collect();
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

#[cfg(test)]
mod tests {
    use super::derive;

    fn error(input: &str) -> String {
        let input = syn::parse_str(input).expect("valid Rust");
        derive(&input).expect_err("refused").to_string()
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
