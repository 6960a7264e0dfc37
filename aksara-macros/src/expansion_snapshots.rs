//! Snapshots of the derive's expansion for representative models, pretty-printed: a change to
//! the generated code shows up as a reviewable diff (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test -p aksara-macros` and `git diff`).

use crate::derive;
use syn::parse_quote;

/// The expansion of `input`, as formatted Rust.
fn expanded(input: syn::DeriveInput) -> String {
    let tokens = derive(input).expect("the model expands");
    let file: syn::File = syn::parse2(tokens).expect("the expansion is Rust items");
    prettyplease::unparse(&file)
}

#[test]
fn plain_model() {
    let expansion = expanded(parse_quote! {
        #[aksara(table = "tags", description = "A label on posts.")]
        pub struct Tag {
            pub id: i64,
            #[aksara(unique, max_length = 50)]
            pub name: String,
            #[aksara(default = true)]
            pub visible: bool,
        }
    });
    insta::assert_snapshot!(expansion);
}

#[test]
fn foreign_keys_with_on_delete() {
    let expansion = expanded(parse_quote! {
        pub struct Post {
            pub id: uuid::Uuid,
            #[aksara(max_length = 200)]
            pub title: String,
            #[aksara(on_delete = CASCADE, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[aksara(on_delete = SET_NULL)]
            pub category: Option<ForeignKey<Category>>,
        }
    });
    insta::assert_snapshot!(expansion);
}

#[test]
fn one_to_one() {
    let expansion = expanded(parse_quote! {
        pub struct Profile {
            pub id: i64,
            #[aksara(on_delete = CASCADE, related_name = "profile")]
            pub user: OneToOne<User>,
            #[aksara(text)]
            pub bio: String,
        }
    });
    insta::assert_snapshot!(expansion);
}

#[test]
fn many_to_many_through_a_model() {
    let expansion = expanded(parse_quote! {
        pub struct Group {
            pub id: i64,
            #[aksara(max_length = 100)]
            pub name: String,
            #[aksara(through = Membership, related_name = "groups")]
            pub members: ManyToMany<Person>,
        }
    });
    insta::assert_snapshot!(expansion);
}

#[test]
fn to_field() {
    let expansion = expanded(parse_quote! {
        pub struct City {
            pub id: i64,
            #[aksara(to_field = "code", related_name = "cities", on_delete = PROTECT)]
            pub country: ForeignKey<Country, String>,
        }
    });
    insta::assert_snapshot!(expansion);
}
