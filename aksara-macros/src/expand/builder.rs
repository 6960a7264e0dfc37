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

/// The setters of a to-one relation: by target row and by the referenced value (`author_id`:
/// the target's key, or the value of the field its `to_field` names).
fn relation_setters(f: &Field, r: &Relation, index: usize) -> TokenStream {
    let fi = &f.ident;
    let name = &f.name;
    let target = &r.target;
    let value = r.value_type();
    let id_ident = format_ident!("{}_id", fi);
    let (doc, id_doc) = match &r.to_field {
        Some(to_field) => (
            format!("Points `{name}` at `target` (stores its `{to_field}`)."),
            format!("Points `{name}` at the row whose `{to_field}` is `id`."),
        ),
        None => (
            format!("Points `{name}` at `target`."),
            format!("Points `{name}` at the row whose key is `id`."),
        ),
    };
    let from_target = match &r.to_field {
        Some(to_field) => quote!(::aksara::relation::referenced_value(target, #to_field)),
        None => {
            quote!(::aksara::Value::from(::core::clone::Clone::clone(
                ::aksara::Model::pk(target)
            )))
        }
    };
    let by_key = if f.nullable {
        quote! {
            #[doc = #id_doc]
            pub fn #id_ident(mut self, id: impl ::core::convert::Into<::core::option::Option<#value>>) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(::core::convert::Into::into(id)));
                self
            }
        }
    } else if r.value.is_some() {
        // A written value type (a `to_field`'s): what converts to it (`"FR"` for a `String`).
        quote! {
            #[doc = #id_doc]
            pub fn #id_ident(mut self, id: impl ::core::convert::Into<#value>) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(::core::convert::Into::<#value>::into(id)));
                self
            }
        }
    } else {
        quote! {
            #[doc = #id_doc]
            pub fn #id_ident(mut self, id: #value) -> Self {
                self.record.set_index(#index, ::aksara::Value::from(id));
                self
            }
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #fi(mut self, target: &#target) -> Self {
            self.record.set_index(#index, #from_target);
            self
        }
        #by_key
    }
}
