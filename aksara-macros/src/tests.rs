//! Tests of the derive as a function: what it expands and the errors it reports.

use crate::derive;
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
}

#[test]
fn a_model_needs_a_key_and_named_fields() {
    assert!(
        error_of(parse_quote! { struct NoKey { name: String } }).contains("needs a primary key")
    );
    assert!(error_of(parse_quote! { struct Tuple(i64); }).contains("named fields"));
    assert!(
        error_of(parse_quote! { struct Two { id: i64, #[aksara(primary_key)] other: i64 } })
            .contains("only one primary key")
    );
}

/// The expansion of a one-field model `Thing { id: i64, value: #ty }`.
fn expansion_with(ty: proc_macro2::TokenStream) -> String {
    derive(parse_quote! {
        struct Thing {
            id: i64,
            value: #ty,
        }
    })
    .unwrap_or_else(|e| panic!("{ty}: {e}"))
    .to_string()
}

#[test]
fn a_user_type_named_value_is_not_json() {
    for ty in [
        quote::quote!(types::Value),
        quote::quote!(Option<crate::types::Value>),
    ] {
        let out = expansion_with(ty.clone());
        assert!(
            out.contains(":: aksara :: FieldType > :: kind"),
            "{ty}: {out}"
        );
        assert!(!out.contains("FieldKind :: Json"), "{ty}: {out}");
    }
}

#[test]
fn a_bare_value_is_refused_with_a_hint() {
    let message = error_of(parse_quote! {
        struct Setting {
            id: i64,
            payload: Value,
        }
    });
    assert!(message.contains("unsupported field type"), "{message}");
    assert!(message.contains("write `serde_json::Value`"), "{message}");
}

#[test]
fn serde_json_value_is_json() {
    let out = derive(parse_quote! {
        struct Setting {
            id: i64,
            payload: serde_json::Value,
            extra: Option<::serde_json::Value>,
        }
    })
    .expect("expands")
    .to_string();
    assert_eq!(
        out.matches(":: aksara :: FieldKind :: Json").count(),
        2,
        "{out}"
    );
}

/// A type the derive does not recognise is read through `aksara::FieldType` (the compiler
/// then says whether it implements it), with the attributes that apply to it.
#[test]
fn other_types_are_read_through_the_field_type_trait() {
    for ty in [
        quote::quote!(my::Uuid),
        quote::quote!(other::DateTime<Utc>),
        quote::quote!(Vec<String>),
        quote::quote!(my::ForeignKey<User>),
        quote::quote!(i16),
        quote::quote!(rust_decimal::Decimal),
    ] {
        let out = expansion_with(ty.clone());
        assert!(
            out.contains(":: aksara :: FieldType > :: kind"),
            "{ty}: {out}"
        );
    }
    let out = derive(parse_quote! {
        struct Price {
            id: i64,
            #[aksara(max_digits = 12, decimal_places = 3)]
            amount: Decimal,
        }
    })
    .expect("expands")
    .to_string();
    assert!(
        out.contains("max_digits : :: core :: option :: Option :: Some (12u32)"),
        "{out}"
    );
    assert!(
        out.contains("decimal_places : :: core :: option :: Option :: Some (3u32)"),
        "{out}"
    );
    let message = error_of(parse_quote! {
        struct Price {
            id: i64,
            #[aksara(decimal_places = 3)]
            amount: i64,
            #[aksara(email)]
            code: Decimal,
        }
    });
    assert!(
        message.contains("`decimal_places` applies to decimal fields only"),
        "{message}"
    );
    assert!(
        message.contains("`email` applies to String fields only"),
        "{message}"
    );
}

#[test]
fn every_problem_of_one_field_is_reported() {
    let message = error_of(parse_quote! {
        struct Bad {
            id: i64,
            #[aksara(max_length = 3, auto_now, related_name = "x")]
            count: i32,
        }
    });
    assert!(message.contains("`max_length` applies"), "{message}");
    assert!(
        message.contains("auto_now and auto_now_add apply"),
        "{message}"
    );
    assert!(
        message.contains("apply to relation fields only"),
        "{message}"
    );
}

#[test]
fn a_one_to_one_key_takes_the_target_key() {
    let out = derive(parse_quote! {
        struct Restaurant {
            #[aksara(primary_key, on_delete = CASCADE, related_name = "restaurant")]
            place: OneToOne<Place>,
            serves_pizza: bool,
        }
    })
    .expect("expands")
    .to_string();
    assert!(
        out.contains("type Pk = < Place as :: aksara :: Model > :: Pk"),
        "{out}"
    );
    assert!(out.contains("self . place . id ()"), "{out}");
    assert!(out.contains("field . primary_key = true"), "{out}");
    assert!(out.contains("fn place_id"), "the builder's setter by key");
    assert!(
        out.contains("fn restaurant"),
        "the reverse accessor on Place"
    );
}

#[test]
fn only_a_required_one_to_one_can_be_the_key() {
    let cases = [
        (
            parse_quote! { struct A { #[aksara(primary_key)] owner: ForeignKey<User> } },
            "a ForeignKey cannot be the primary key",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key)] tags: ManyToMany<Tag> } },
            "a ManyToMany cannot be the primary key",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key)] user: Option<OneToOne<User>> } },
            "the primary key cannot be an Option",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key, to_field = "code")] user: OneToOne<User> } },
            "to_field does not apply to a primary-key OneToOne",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key, default = 1)] user: OneToOne<User> } },
            "default and unique do not apply",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key, on_delete = SET_DEFAULT)] user: OneToOne<User> } },
            "would change a primary key",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key, on_delete = SET_NULL)] user: OneToOne<User> } },
            "SET_NULL needs a nullable relation",
        ),
        (
            parse_quote! { struct A { id: i64, #[aksara(primary_key)] user: OneToOne<User> } },
            "only one primary key",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key)] parent: OneToOne<A> } },
            "cannot point at its own model",
        ),
        (
            parse_quote! { struct A { #[aksara(primary_key)] parent: OneToOne<Self> } },
            "cannot point at its own model",
        ),
    ];
    for (input, expected) in cases {
        let message = error_of(input);
        assert!(message.contains(expected), "{expected}: {message}");
    }
}

#[test]
fn symmetrical_is_refused_with_through_or_related_name() {
    let message = error_of(parse_quote! {
        struct Person {
            id: i64,
            #[aksara(symmetrical, through = Friendship)]
            friends: ManyToMany<Person>,
            #[aksara(symmetrical, related_name = "befriended_by")]
            pals: ManyToMany<Person>,
        }
    });
    assert!(
        message.contains("symmetrical cannot be combined with a through model"),
        "{message}"
    );
    assert!(
        message.contains("a symmetrical relation is its own reverse"),
        "{message}"
    );
}

#[test]
fn a_symmetrical_relation_gets_no_reverse_accessor() {
    let out = derive(parse_quote! {
        struct Person {
            id: i64,
            #[aksara(symmetrical)]
            friends: ManyToMany<Person>,
        }
    })
    .expect("expands")
    .to_string();
    assert!(out.contains("fn friends"), "the forward manager");
    assert!(!out.contains("fn person_set"), "no reverse accessor: {out}");
    assert!(out.contains("\"+Person.friends\""), "the hidden path");
}

#[test]
fn a_to_field_relation_holds_its_written_value_type() {
    let out = derive(parse_quote! {
        struct City {
            id: i64,
            #[aksara(to_field = "code", related_name = "cities")]
            country: ForeignKey<Country, String>,
        }
    })
    .expect("expands")
    .to_string();
    let compact: String = out.split_whitespace().collect();
    assert!(
        compact.contains("<Stringas::aksara::ReferencedValue>::REFERENCING_KIND"),
        "the column's kind comes from the value type: {out}"
    );
    assert!(
        compact.contains("referenced_value(target,\"code\")"),
        "the builder takes the code from the target"
    );
    assert!(
        compact.contains("referenced_value(self,\"code\")"),
        "the reverse manager's key is the code"
    );
    assert!(
        compact.contains("fncountry_id(&self)->::aksara::Field<String>"),
        "the typed path holds the code"
    );
}

#[test]
fn a_second_type_argument_is_refused_where_it_means_nothing() {
    let message = error_of(parse_quote! {
        struct A { id: i64, tags: ManyToMany<Tag, String> }
    });
    assert!(
        message.contains("ManyToMany takes one type argument"),
        "{message}"
    );
    let message = error_of(parse_quote! {
        struct A { #[aksara(primary_key)] place: OneToOne<Place, String> }
    });
    assert!(
        message.contains("a primary-key OneToOne holds the target's key"),
        "{message}"
    );
}

#[test]
fn clashing_reverse_names_are_reported_at_the_field() {
    let same_name = error_of(syn::parse_quote! {
        struct Post {
            id: i64,
            #[aksara(related_name = "posts")]
            author: ForeignKey<Author>,
            #[aksara(related_name = "posts")]
            editor: ForeignKey<Author>,
        }
    });
    assert!(
        same_name.contains("`Post.author` and `Post.editor` both relate to Author"),
        "{same_name}"
    );
    assert!(same_name.contains("`posts`"), "{same_name}");
    let defaults = error_of(syn::parse_quote! {
        struct Post {
            id: i64,
            author: ForeignKey<Author>,
            editor: Option<ForeignKey<Author>>,
        }
    });
    assert!(defaults.contains("`post_set`"), "{defaults}");
    assert!(
        defaults.contains("give one of them a related_name"),
        "{defaults}"
    );
    // Different names, or one hidden with "+": fine.
    let ok = |input: syn::DeriveInput| crate::derive(input).is_ok();
    assert!(ok(syn::parse_quote! {
        struct Post {
            id: i64,
            #[aksara(related_name = "posts")]
            author: ForeignKey<Author>,
            #[aksara(related_name = "edited")]
            editor: ForeignKey<Author>,
        }
    }));
    assert!(ok(syn::parse_quote! {
        struct Post {
            id: i64,
            author: ForeignKey<Author>,
            #[aksara(related_name = "+")]
            editor: ForeignKey<Author>,
        }
    }));
}

#[test]
fn an_unknown_attribute_gets_the_closest_name() {
    let field = error_of(parse_quote! {
        struct Post {
            id: i64,
            #[aksara(relatd_name = "posts")]
            author: ForeignKey<Author>,
        }
    });
    assert!(
        field.contains("unknown field attribute `relatd_name`; did you mean `related_name`?"),
        "{field}"
    );
    let model = error_of(parse_quote! {
        #[aksara(tabel = "posts")]
        struct Post { id: i64 }
    });
    assert!(model.contains("did you mean `table`?"), "{model}");
    let far = error_of(parse_quote! {
        struct Post {
            #[aksara(zzzzzz)]
            id: i64,
        }
    });
    assert!(!far.contains("did you mean"), "{far}");
}

#[test]
fn a_refused_model_still_uses_its_imports() {
    let refused = crate::expand_model(parse_quote! {
        struct Post {
            id: i64,
            #[aksara(on_delete = SET_NULL)]
            author: ForeignKey<Author>,
            #[aksara(on_delete = CASCADE, through = Tagging)]
            tags: ManyToMany<Tag>,
            #[aksara(on_delete = "PROTECT")]
            editor: ForeignKey<Author>,
        }
    })
    .expect_err("refused")
    .into_tokens()
    .to_string();
    assert!(refused.contains("compile_error"), "{refused}");
    assert!(refused.contains("let _ = SET_NULL ;"), "{refused}");
    assert!(refused.contains("let _ = CASCADE ;"), "{refused}");
    assert!(
        refused.contains(":: core :: marker :: PhantomData < Tagging >"),
        "{refused}"
    );
    // A string names no import.
    assert!(!refused.contains("let _ = PROTECT"), "{refused}");
}

#[test]
fn errors_come_in_the_order_written() {
    let message = error_of(parse_quote! {
        struct Bad {
            id: i64,
            #[aksara(email, url)]
            count: i32,
            tags: Option<ManyToMany<Tag>>,
        }
    });
    let email = message.find("`email` applies").expect("email");
    let url = message.find("`url` applies").expect("url");
    let tags = message.find("cannot be an Option").expect("tags");
    assert!(email < url && url < tags, "{message}");
}
