//! `#[derive(Model)]` for Aksara.
//!
//! The derive works in four steps, one module each: `attrs` parses the `#[aksara(...)]`
//! attributes, `model` turns the struct into an intermediate form and checks it (collecting
//! every error, each pointed at the tokens the user wrote), and `expand` generates the code:
//! the `Model` implementation (metadata, row decoding, relation loading), the typed field paths
//! (`PostFields`), the builder (`PostBuilder`), instance methods, and the reverse accessors on
//! the related models (`author.posts()`, `user.profile(&db)`).

#![warn(missing_docs)]

extern crate proc_macro;

mod attrs;
mod expand;
mod model;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `aksara::Model`. See the `aksara` crate documentation for the attributes.
#[proc_macro_derive(Model, attributes(aksara))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

/// The derive as a plain function, for tests.
fn derive(input: DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let model = model::ModelDef::from_input(&input)?;
    Ok(expand::expand(&model))
}

#[cfg(test)]
mod tests {
    use super::derive;
    use syn::parse_quote;

    fn error_of(input: syn::DeriveInput) -> String {
        match derive(input) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.into_compile_error().to_string(),
        }
    }

    #[test]
    fn a_valid_model_expands() {
        let out = derive(parse_quote! {
            struct Post {
                id: uuid::Uuid,
                #[aksara(max_length = 200)]
                title: String,
                #[aksara(on_delete = CASCADE, related_name = "posts")]
                author: ForeignKey<Author>,
                tags: ManyToMany<Tag>,
            }
        })
        .expect("expands")
        .to_string();
        assert!(out.contains("impl :: aksara :: Model for Post"));
        assert!(out.contains("pub struct PostFields"));
        assert!(out.contains("pub struct PostBuilder"));
        assert!(out.contains("fn posts"), "the reverse accessor on Author");
        assert!(out.contains("fn tags"), "the many-to-many manager");
    }

    #[test]
    fn every_problem_is_reported_at_its_token() {
        let message = error_of(parse_quote! {
            struct Bad {
                id: uuid::Uuid,
                #[aksara(on_delete = SET_NULL)]
                category: ForeignKey<Category>,
                #[aksara(max_length = 3)]
                count: i32,
                #[aksara(colour = "red")]
                name: String,
                tags: Option<ManyToMany<Tag>>,
                when: std::time::Instant,
            }
        });
        assert!(
            message.contains("SET_NULL needs a nullable relation"),
            "{message}"
        );
        assert!(
            message.contains("`max_length` applies to String fields only"),
            "{message}"
        );
        assert!(message.contains("unknown field attribute"), "{message}");
        assert!(message.contains("cannot be an Option"), "{message}");
        assert!(message.contains("unsupported field type"), "{message}");
    }

    #[test]
    fn a_model_needs_a_key_and_named_fields() {
        assert!(error_of(parse_quote! { struct NoKey { name: String } })
            .contains("needs a primary key"));
        assert!(error_of(parse_quote! { struct Tuple(i64); }).contains("named fields"));
        assert!(error_of(
            parse_quote! { struct Two { id: i64, #[aksara(primary_key)] other: i64 } }
        )
        .contains("only one primary key"));
    }
}
