//! Code generation from a checked [`Model`].
//!
//! One module per generated part: `meta` (the model's metadata), `model_impl` (the `Model`
//! and `AnyModel` implementations), `paths` (the typed field paths), `builder` (the row
//! builder) and `reverse` (the many-to-many managers and the accessors on related models).

mod builder;
mod meta;
mod model_impl;
mod paths;
mod reverse;

use crate::ir::Model;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The whole expansion.
pub fn expand(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let fields_ident = format_ident!("{}Fields", ident);
    let builder_ident = format_ident!("{}Builder", ident);
    let model_impl = model_impl::model_impl(model, &fields_ident);
    let fields_struct = paths::fields_struct(model, &fields_ident);
    let builder = builder::builder(model, &builder_ident);
    let reverse = reverse::reverse_accessors(model);
    let inherent = inherent_methods(model, &fields_ident, &builder_ident);
    let doc_fields =
        format!("Typed field paths of [`{ident}`], for conditions, ordering and updates.");
    let doc_builder = format!("Builds a new [`{ident}`] row; finish with `.create(&db)`.");
    quote! {
        #[doc = #doc_fields]
        #[derive(Clone, Debug)]
        pub struct #fields_ident {
            prefix: ::std::string::String,
        }

        #[doc = #doc_builder]
        #[derive(Clone, Debug)]
        pub struct #builder_ident {
            record: ::aksara::NewRecord<#ident>,
        }

        const _: () = {
            #model_impl
            #fields_struct
            #builder
            #reverse

            impl ::core::convert::From<&#ident> for ::aksara::Value {
                fn from(instance: &#ident) -> Self {
                    ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(instance)))
                }
            }

            #inherent
        };
    }
}

/// `Post::fields()`, `Post::build()`, `save`, `delete`, `refresh`.
fn inherent_methods(
    model: &Model,
    fields_ident: &syn::Ident,
    builder_ident: &syn::Ident,
) -> TokenStream {
    let ident = &model.ident;
    let name = &model.name;
    quote! {
        impl #ident {
            /// Typed field paths of this model.
            pub fn fields() -> #fields_ident {
                <#fields_ident as ::aksara::FieldPath>::at(::std::string::String::new())
            }

            /// Starts building a new row; finish with `.create(&db)`.
            pub fn build() -> #builder_ident {
                #builder_ident { record: ::aksara::NewRecord::new() }
            }

            /// Writes every field to the row (inserting it if it does not exist).
            pub async fn save(&mut self, db: &::aksara::Db) -> ::aksara::Result<()> {
                ::aksara::instance::save(db, self).await
            }

            /// Deletes the row and applies each relation's `on_delete` to the rows that
            /// reference it. Returns every row deleted, cascaded ones included, per model.
            pub async fn delete(&self, db: &::aksara::Db) -> ::aksara::Result<::aksara::Deleted> {
                ::aksara::instance::delete_instance(db, self).await
            }

            /// Reloads the row from the database (loaded relations are forgotten).
            pub async fn refresh(&mut self, db: &::aksara::Db) -> ::aksara::Result<()> {
                ::aksara::instance::refresh(db, self).await
            }

            #[doc(hidden)]
            pub const __AKSARA_MODEL_NAME: &'static str = #name;
        }
    }
}
