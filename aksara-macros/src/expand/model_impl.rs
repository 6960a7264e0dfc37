//! The `Model` and `AnyModel` implementations: metadata, row decoding, values, relation
//! loading.

use super::meta::model_meta;
use crate::ir::{Field, Model, RelKind, Relation};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// `impl Model` and `impl AnyModel` for the struct.
pub fn model_impl(model: &Model, fields_ident: &Ident) -> TokenStream {
    let ident = &model.ident;
    let pk = model.pk_field();
    let pk_ident = &pk.ident;
    // A OneToOne key is the target's key: `Pk` is the target's, `pk()` the relation's id.
    let (pk_ty, pk_ref) = match pk.relation() {
        Some(r) => {
            let target = &r.target;
            (
                quote!(<#target as ::aksara::Model>::Pk),
                quote!(self.#pk_ident.id()),
            )
        }
        None => {
            let ty = &pk.inner;
            (quote!(#ty), quote!(&self.#pk_ident))
        }
    };
    let meta = model_meta(model);
    let inits = model.fields.iter().map(|f| row_init(model, f));
    let value_exprs: Vec<TokenStream> = model
        .fields
        .iter()
        .filter(|f| f.is_concrete())
        .map(value_expr)
        .collect();
    let value_arms = value_exprs
        .iter()
        .enumerate()
        .map(|(i, e)| quote!(#i => #e,));
    let store = model.fields.iter().find(|f| f.is_store()).map(|f| &f.ident);
    let attach_arms = model.fields.iter().filter_map(|f| attach_arm(model, f));
    let take_arms: Vec<TokenStream> = model.fields.iter().filter_map(take_arm).collect();
    let take_loaded = (!take_arms.is_empty()).then(|| {
        quote! {
            fn take_loaded(&mut self, name: &str) -> ::core::option::Option<::core::option::Option<::std::sync::Arc<dyn ::aksara::AnyModel>>> {
                match name {
                    #(#take_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    });
    let fallback = attach_fallback(model, store);
    let related_store = store.map(|store| {
        quote! {
            fn related_store(&self) -> ::core::option::Option<&::aksara::Related> {
                ::core::option::Option::Some(&self.#store)
            }
        }
    });
    let clears = model.fields.iter().filter_map(clear_cache);
    quote! {
        impl ::aksara::Model for #ident {
            type Pk = #pk_ty;
            type Fields = #fields_ident;

            fn meta() -> &'static ::aksara::ModelMeta {
                static META: ::aksara::__private::OnceLock<::aksara::ModelMeta> = ::aksara::__private::OnceLock::new();
                META.get_or_init(|| { #meta })
            }

            fn pk(&self) -> &Self::Pk {
                #pk_ref
            }

            fn from_row(row: &mut ::aksara::RowReader) -> ::aksara::Result<Self> {
                let meta = <Self as ::aksara::Model>::meta();
                let mut fields = meta.concrete_fields();
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }

            fn to_values(&self) -> ::std::vec::Vec<::aksara::Value> {
                ::std::vec![#(#value_exprs),*]
            }

            #related_store

            fn clear_relation_caches(&mut self) {
                #(#clears)*
            }
        }

        impl ::aksara::AnyModel for #ident {
            fn value_at(&self, index: usize) -> ::aksara::Value {
                match index {
                    #(#value_arms)*
                    _ => ::aksara::Value::Null,
                }
            }

            fn attach(&mut self, name: &str, loaded: ::aksara::Loaded) -> ::aksara::Result<()> {
                match (name, loaded) {
                    #(#attach_arms)*
                    #fallback
                }
            }

            #take_loaded

        }
    }
}

/// The field's initialiser in `from_row`: read from the row, or empty when it has no column.
/// A to-one relation learns which field it is, for strict mode's messages.
fn row_init(model: &Model, f: &Field) -> TokenStream {
    let fi = &f.ident;
    let read = quote!(row.read(meta, fields.next().expect("a field per column"))?);
    if f.relation().is_some() && f.is_concrete() {
        let (name, fname) = (&model.name, &f.name);
        quote!(#fi: ::aksara::__private::ReadInto::read_into(
            #read,
            &::aksara::__private::FieldOrigin { model: #name, field: #fname },
        ))
    } else if f.is_concrete() {
        quote!(#fi: #read)
    } else {
        quote!(#fi: ::core::default::Default::default())
    }
}

/// The value of a field with a column.
fn value_expr(f: &Field) -> TokenStream {
    let fi = &f.ident;
    match (f.relation().is_some(), f.nullable) {
        (true, false) => quote!(::aksara::Value::from(&self.#fi)),
        (true, true) => {
            quote!(self.#fi.as_ref().map(::aksara::Value::from).unwrap_or(::aksara::Value::Null))
        }
        (false, _) => quote!(::aksara::Value::from(::core::clone::Clone::clone(&self.#fi))),
    }
}

/// The `attach` arm that puts loaded rows into a relation field.
fn attach_arm(model: &Model, f: &Field) -> Option<TokenStream> {
    let r: &Relation = f.relation()?;
    let name = &model.name;
    let fi = &f.ident;
    let fname = &f.name;
    let target = &r.target;
    Some(match (r.kind, f.nullable) {
        (RelKind::ManyToMany, _) => quote! {
            (#fname, ::aksara::Loaded::Many(list)) => {
                let list = list
                    .downcast::<::std::vec::Vec<::std::sync::Arc<#target>>>()
                    .map_err(|_| ::aksara::dynamic::attach_mismatch(#name, #fname))?;
                self.#fi.set_loaded(list);
                ::core::result::Result::Ok(())
            }
        },
        (_, false) => quote! {
            (#fname, ::aksara::Loaded::One(one)) => {
                if let ::core::option::Option::Some(one) = one {
                    let one = one
                        .downcast::<#target>()
                        .map_err(|_| ::aksara::dynamic::attach_mismatch(#name, #fname))?;
                    self.#fi.set_loaded_shared(one);
                }
                ::core::result::Result::Ok(())
            }
        },
        (_, true) => quote! {
            (#fname, ::aksara::Loaded::One(one)) => {
                if let (::core::option::Option::Some(one), ::core::option::Option::Some(relation)) = (one, self.#fi.as_mut()) {
                    let one = one
                        .downcast::<#target>()
                        .map_err(|_| ::aksara::dynamic::attach_mismatch(#name, #fname))?;
                    relation.set_loaded_shared(one);
                }
                ::core::result::Result::Ok(())
            }
        },
    })
}

/// The `take_loaded` arm of a forward to-one relation field.
fn take_arm(f: &Field) -> Option<TokenStream> {
    let r: &Relation = f.relation()?;
    if r.kind == RelKind::ManyToMany {
        return None;
    }
    let fi = &f.ident;
    let fname = &f.name;
    let as_any = quote!(|row| -> ::std::sync::Arc<dyn ::aksara::AnyModel> { row });
    Some(if f.nullable {
        quote! {
            #fname => match self.#fi.as_mut() {
                ::core::option::Option::None => ::core::option::Option::Some(::core::option::Option::None),
                ::core::option::Option::Some(relation) => relation.take_loaded().map(#as_any).map(::core::option::Option::Some),
            },
        }
    } else {
        quote! {
            #fname => self.#fi.take_loaded().map(#as_any).map(::core::option::Option::Some),
        }
    })
}

/// The last `attach` arm: rows loaded from the other side go to the store, or are an error
/// when the model has none.
fn attach_fallback(model: &Model, store: Option<&Ident>) -> TokenStream {
    let name = &model.name;
    match store {
        Some(store) => quote! {
            (name, loaded) => {
                self.#store.insert(name, loaded);
                ::core::result::Result::Ok(())
            }
        },
        None => quote! {
            (name, _) => ::core::result::Result::Err(::aksara::Error::config(::std::format!(
                "{}.{} was loaded from the other side of the relation, but {} has no field to keep it in: \
                 add a field of type aksara::Related to {}",
                #name, name, #name, #name
            ))),
        },
    }
}

/// Forgetting what a relation field (or the store) has loaded.
fn clear_cache(f: &Field) -> Option<TokenStream> {
    let fi = &f.ident;
    if f.is_store() {
        return Some(quote!(self.#fi.clear();));
    }
    f.relation()?;
    Some(if f.nullable {
        quote!(if let ::core::option::Option::Some(relation) = self.#fi.as_mut() { relation.clear_cache(); })
    } else {
        quote!(self.#fi.clear_cache();)
    })
}
