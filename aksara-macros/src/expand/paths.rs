//! The typed field paths (`PostFields`).

use crate::ir::{Field, Model, RelKind, Relation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

/// `impl FieldPath for PostFields` and a method per field.
pub fn fields_struct(model: &Model, fields_ident: &Ident) -> TokenStream {
    let methods = model
        .fields
        .iter()
        .filter(|f| f.is_model_field())
        .map(|f| match f.relation() {
            None => column_path(f),
            Some(r) => relation_paths(f, r),
        });
    quote! {
        impl ::aksara::FieldPath for #fields_ident {
            fn at(prefix: ::std::string::String) -> Self {
                #fields_ident { prefix }
            }

            fn prefix(&self) -> &str {
                &self.prefix
            }
        }

        impl #fields_ident {
            #(#methods)*
        }
    }
}

fn column_path(f: &Field) -> TokenStream {
    let fi = &f.ident;
    let name = &f.name;
    let inner = &f.inner;
    let doc = format!("The field `{name}`.");
    quote! {
        #[doc = #doc]
        pub fn #fi(&self) -> ::aksara::Field<#inner> {
            ::aksara::Field::new(::std::format!("{}{}", self.prefix, #name))
        }
    }
}

/// The related model's fields, and for a to-one relation the stored key (`author_id`).
fn relation_paths(f: &Field, r: &Relation) -> TokenStream {
    let fi = &f.ident;
    let name = &f.name;
    let target = &r.target;
    let doc = format!("The fields of the model related through `{name}`.");
    let nested = quote! {
        #[doc = #doc]
        pub fn #fi(&self) -> <#target as ::aksara::Model>::Fields {
            <<#target as ::aksara::Model>::Fields as ::aksara::FieldPath>::at(::std::format!("{}{}__", self.prefix, #name))
        }
    };
    if r.kind == RelKind::ManyToMany {
        return nested;
    }
    let id_ident = format_ident!("{}_id", fi);
    let id_doc = match &r.to_field {
        Some(to_field) => {
            format!("The `{to_field}` stored in `{name}` (compares the relation itself, no join).")
        }
        None => format!("The key stored in `{name}` (compares the relation itself, no join)."),
    };
    let value = r.value_type();
    quote! {
        #nested
        #[doc = #id_doc]
        pub fn #id_ident(&self) -> ::aksara::Field<#value> {
            ::aksara::Field::new(::std::format!("{}{}", self.prefix, #name))
        }
    }
}
