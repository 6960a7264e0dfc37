//! The row builder (`PostBuilder`).

use crate::ir::{Field, Model, Relation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

/// The builder's setters, `set` and `create`.
pub fn builder(model: &Model, builder_ident: &Ident) -> TokenStream {
    let ident = &model.ident;
    let setters = model
        .fields
        .iter()
        .filter(|f| f.is_concrete())
        .enumerate()
        .map(|(index, f)| match f.relation() {
            None => column_setter(f, index),
            Some(r) => relation_setters(f, r, index),
        });
    quote! {
        impl #builder_ident {
            #(#setters)*

            /// Sets a field by name (its column name is accepted too).
            pub fn set(mut self, name: &str, value: impl ::core::convert::Into<::aksara::Value>) -> ::aksara::Result<Self> {
                self.record = self.record.set(name, value)?;
                ::core::result::Result::Ok(self)
            }

            /// Inserts the row and returns it.
            pub async fn create(self, db: &::aksara::Db) -> ::aksara::Result<#ident> {
                <#ident as ::aksara::Model>::objects().create(db, self).await
            }
        }

        impl ::core::convert::From<#builder_ident> for ::aksara::NewRecord<#ident> {
            fn from(builder: #builder_ident) -> Self {
                builder.record
            }
        }
    }
}

/// The setter of a plain column (or the key), `index` being its place among the columns.
fn column_setter(f: &Field, index: usize) -> TokenStream {
    let fi = &f.ident;
    let name = &f.name;
    let inner = &f.inner;
    if f.nullable {
        let doc = format!("Sets `{name}` (a value, or an `Option` of one: `None` for NULL).");
        quote! {
            #[doc = #doc]
            pub fn #fi(mut self, value: impl ::aksara::NullableInput<#inner>) -> Self {
                self.record.set_index(#index, ::aksara::NullableInput::<#inner>::into_value(value));
                self
            }
        }
    } else {
        let doc = format!("Sets `{name}`.");
        quote! {
            #[doc = #doc]
            pub fn #fi(mut self, value: impl ::core::convert::Into<#inner>) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(::core::convert::Into::<#inner>::into(value)));
                self
            }
        }
    }
}

/// The setters of a to-one relation: by target row and by key (`author_id`).
fn relation_setters(f: &Field, r: &Relation, index: usize) -> TokenStream {
    let fi = &f.ident;
    let name = &f.name;
    let target = &r.target;
    let id_ident = format_ident!("{}_id", fi);
    let doc = format!("Points `{name}` at `target`.");
    let id_doc = format!("Points `{name}` at the row whose key is `id`.");
    let by_key = if f.nullable {
        quote! {
            #[doc = #id_doc]
            pub fn #id_ident(mut self, id: impl ::core::convert::Into<::core::option::Option<<#target as ::aksara::Model>::Pk>>) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(::core::convert::Into::into(id)));
                self
            }
        }
    } else {
        quote! {
            #[doc = #id_doc]
            pub fn #id_ident(mut self, id: <#target as ::aksara::Model>::Pk) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(id));
                self
            }
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #fi(mut self, target: &#target) -> Self {
            self.record.set_index(#index, ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(target))));
            self
        }
        #by_key
    }
}
