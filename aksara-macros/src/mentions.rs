//! What a refused model still has to mention.
//!
//! The expansion repeats the `on_delete` constants and `through` models written as imported
//! names (`on_delete = SET_NULL`, `through = Membership`), so their imports are used. When
//! the derive refuses the model, nothing is expanded and those imports would be reported as
//! unused on top of the real error; these mentions keep them used.

use crate::ir::{ModelInput, OnDeleteRule, Through};
use proc_macro2::TokenStream;
use quote::quote;

/// One `const _` naming each bare `on_delete` constant and each `through` model of `model`.
pub fn mentions(model: &ModelInput) -> TokenStream {
    let mut names = Vec::new();
    for field in &model.fields {
        let o = &field.options;
        if let Some(attr) = &o.on_delete {
            let known = attr
                .path
                .get_ident()
                .is_some_and(|i| OnDeleteRule::from_name(&i.to_string()).is_some());
            if known && !attr.from_string {
                let path = &attr.path;
                names.push(quote!(let _ = #path;));
            }
        }
        if let Some(Through::Type(path)) = &o.through {
            names.push(
                quote!(let _: ::core::marker::PhantomData<#path> = ::core::marker::PhantomData;),
            );
        }
    }
    if names.is_empty() {
        return TokenStream::new();
    }
    quote!(const _: () = { #(#names)* };)
}
