//! The many-to-many managers on the declaring model, and the reverse accessors and field
//! paths generated on the related models (`author.posts()`, `user.profile(&db)`).

use crate::ir::{Field, Model, RelKind, Relation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Type};

/// One relation seen from its target: the names it is reached by.
struct Reverse<'a> {
    model: &'a Model,
    field: &'a Field,
    relation: &'a Relation,
    /// The name used in query paths from the target (`posts`, `post`).
    query_name: String,
    /// The accessor method's name on the target (`posts`, `post_set`, `profile`).
    accessor: String,
}

/// Every relation's generated code, on both sides.
pub fn reverse_accessors(model: &Model) -> TokenStream {
    let mut out = Vec::new();
    for field in &model.fields {
        let Some(relation) = field.relation() else {
            continue;
        };
        // The registry names the reverse side by the same rule.
        let (query_name, accessor) = match &relation.related_name {
            Some(n) => (n.clone(), n.clone()),
            None => aksara_naming::default_reverse_names(
                &model.name,
                relation.kind == RelKind::OneToOne,
            ),
        };
        let reverse = Reverse {
            model,
            field,
            relation,
            query_name,
            accessor,
        };
        if relation.kind == RelKind::ManyToMany {
            out.push(forward_many_to_many(&reverse));
        }
        if reverse.is_hidden() {
            continue;
        }
        if relation.kind == RelKind::OneToOne {
            out.push(forward_one_to_one(&reverse));
        }
        out.push(match relation.kind {
            RelKind::ForeignKey => reverse_foreign_key(&reverse),
            RelKind::OneToOne => reverse_one_to_one(&reverse),
            RelKind::ManyToMany => reverse_many_to_many(&reverse),
        });
        out.extend(reverse_field_path(&reverse));
    }
    quote!(#(#out)*)
}

/// The last segment of a type path (`crate::a::User` -> `User`).
fn last_segment(target: &Type) -> Option<&Ident> {
    let Type::Path(p) = target else { return None };
    p.path.segments.last().map(|s| &s.ident)
}

impl Reverse<'_> {
    /// True when the target gets no reverse accessor: `related_name = "+"`, a symmetrical
    /// relation (its own reverse, as in Django: `b.friends()` already lists `a`), or a string target
    /// (`to = "Name"`) that does not name the field's own type (`"self"` on a self-reference,
    /// or the type's name).
    fn is_hidden(&self) -> bool {
        let r = self.relation;
        let ident = &self.model.ident;
        let target = last_segment(&r.target);
        let to_names_the_type = r.to.as_deref().is_none_or(|to| {
            to.eq_ignore_ascii_case("self") && target.is_some_and(|t| t == ident)
                || target.is_some_and(|t| t == to)
        });
        r.related_name.as_deref() == Some("+") || r.symmetrical || !to_names_the_type
    }
}

/// `post.tags()`: the manager of a many-to-many field on the declaring model.
fn forward_many_to_many(rev: &Reverse) -> TokenStream {
    let ident = &rev.model.ident;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let fi = &rev.field.ident;
    let target = &rev.relation.target;
    let doc = format!(
        "The manager of `{name}.{field_name}`: read, add, remove, clear and set the linked rows."
    );
    // The path from the target back to this model: the reverse name, or for a reverse side
    // hidden with "+" (or a symmetrical relation, which has none) the registry's internal
    // name for it.
    let path = if rev.relation.related_name.as_deref() == Some("+") || rev.relation.symmetrical {
        aksara_naming::hidden_reverse_name(name, field_name)
    } else {
        rev.query_name.clone()
    };
    quote! {
        impl #ident {
            #[doc = #doc]
            pub fn #fi(&self) -> ::aksara::ManyToManyManager<'_, #target> {
                let spec = ::aksara::ManyToManySpec {
                    owner_model: <#ident as ::aksara::Model>::meta().name.as_str(),
                    declaring_model: <#ident as ::aksara::Model>::meta().name.as_str(),
                    field: #field_name,
                    forward: true,
                    path: #path,
                };
                let key = ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(self)));
                ::aksara::ManyToManyManager::forward(spec, key, &self.#fi)
            }
        }
    }
}

/// `profile.user(&db)`: the row a one-to-one field points at, which then answers its reverse
/// side (`user.profile(&db)`) with no query.
fn forward_one_to_one(rev: &Reverse) -> TokenStream {
    let ident = &rev.model.ident;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let fi = &rev.field.ident;
    let target = &rev.relation.target;
    let accessor = &rev.accessor;
    let doc = format!(
        "The row `{name}.{field_name}` points at: cached, or loaded with one query and cached \
         (as `self.{field_name}.get(db)`). A row loaded here answers `.{accessor}(&db)` with \
         no query, when it has a `related: Related` field."
    );
    if rev.field.nullable {
        quote! {
            impl #ident {
                #[doc = #doc]
                pub async fn #fi<'a>(&'a self, db: &::aksara::Db) -> ::aksara::Result<::core::option::Option<&'a #target>> {
                    match &self.#fi {
                        ::core::option::Option::Some(relation) => {
                            ::aksara::forward_one_to_one::load(self, #field_name, relation, db).await.map(::core::option::Option::Some)
                        }
                        ::core::option::Option::None => ::core::result::Result::Ok(::core::option::Option::None),
                    }
                }
            }
        }
    } else {
        quote! {
            impl #ident {
                #[doc = #doc]
                pub async fn #fi<'a>(&'a self, db: &::aksara::Db) -> ::aksara::Result<&'a #target> {
                    ::aksara::forward_one_to_one::load(self, #field_name, &self.#fi, db).await
                }
            }
        }
    }
}

/// The value of the target row (`self`) that the relation's rows hold: its key, or the field
/// its `to_field` names.
fn referenced_key(rev: &Reverse) -> TokenStream {
    match &rev.relation.to_field {
        Some(to_field) => quote!(::aksara::relation::referenced_value(self, #to_field)),
        None => {
            quote!(::aksara::Value::from(::core::clone::Clone::clone(
                ::aksara::Model::pk(self)
            )))
        }
    }
}

/// `author.posts()`: the rows whose foreign key is this row.
fn reverse_foreign_key(rev: &Reverse) -> TokenStream {
    let ident = &rev.model.ident;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let target = &rev.relation.target;
    let accessor = format_ident!("{}", rev.accessor);
    let query_name = &rev.query_name;
    let doc = format!(
        "The {name} rows whose `{field_name}` is this row (reverse of `{name}.{field_name}`)."
    );
    // Only a nullable link can be unlinked: its manager has `remove` and `clear`.
    let link = if rev.field.nullable {
        quote!(::aksara::NullableLink)
    } else {
        quote!(::aksara::RequiredLink)
    };
    let key = referenced_key(rev);
    quote! {
        impl #target {
            #[doc = #doc]
            pub fn #accessor(&self) -> ::aksara::RelatedManager<'_, #ident, #link> {
                let key = #key;
                ::aksara::RelatedManager::new(#field_name, key, ::aksara::Model::related_store(self), #query_name)
            }
        }
    }
}

/// `user.profile(&db)`: the one row whose one-to-one field is this row.
fn reverse_one_to_one(rev: &Reverse) -> TokenStream {
    let ident = &rev.model.ident;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let target = &rev.relation.target;
    let accessor = format_ident!("{}", rev.accessor);
    let query_name = &rev.query_name;
    let fi = &rev.field.ident;
    let set_back = if rev.field.nullable {
        quote!(if let ::core::option::Option::Some(relation) = found.#fi.as_mut() { relation.set_loaded(me); })
    } else {
        quote!(found.#fi.set_loaded(me);)
    };
    let doc = format!(
        "The {name} whose `{field_name}` is this row: from select_related / prefetch_related \
         when loaded, else one query; `Error::DoesNotExist` when there is none. \
         With a `related: Related` field the answer (found or absent) is remembered: \
         later calls run no query. The row found has this row loaded as its `{field_name}`."
    );
    let key = referenced_key(rev);
    quote! {
        impl #target {
            #[doc = #doc]
            pub async fn #accessor(&self, db: &::aksara::Db) -> ::aksara::Result<::std::sync::Arc<#ident>> {
                let key = #key;
                let absent = || ::aksara::Error::DoesNotExist {
                    model: ::std::string::String::from(#name),
                    lookup: ::std::format!("{} = {}", #field_name, key),
                };
                if let ::core::option::Option::Some(store) = ::aksara::Model::related_store(self) {
                    if let ::core::option::Option::Some(cached) = store.one_shared::<#ident>(#query_name) {
                        return cached.ok_or_else(absent);
                    }
                }
                if db.is_strict() {
                    return ::core::result::Result::Err(::aksara::Error::LazyLoad {
                        model: ::std::string::String::from(<Self as ::aksara::Model>::meta().name.as_str()),
                        relation: ::std::string::String::from(#query_name),
                    });
                }
                let found = <#ident as ::aksara::Model>::objects()
                    .get(db, ::aksara::Condition::new(#field_name, ::core::clone::Clone::clone(&key)))
                    .await;
                let store = ::aksara::Model::related_store(self);
                match found {
                    ::core::result::Result::Ok(mut found) => {
                        // The row found points back here: it gets a copy of this row (without
                        // its loaded relations, so that no reference cycle forms).
                        let me = <#target as ::aksara::Model>::from_row(&mut ::aksara::RowReader::new(::aksara::Model::to_values(self)))?;
                        #set_back
                        let found = ::std::sync::Arc::new(found);
                        if let ::core::option::Option::Some(store) = store {
                            store.remember_one(#query_name, ::core::option::Option::Some(::core::clone::Clone::clone(&found) as ::aksara::dynamic::SharedAny));
                        }
                        ::core::result::Result::Ok(found)
                    }
                    ::core::result::Result::Err(::aksara::Error::DoesNotExist { .. }) => {
                        if let ::core::option::Option::Some(store) = store {
                            store.remember_one(#query_name, ::core::option::Option::None);
                        }
                        ::core::result::Result::Err(absent())
                    }
                    ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                }
            }
        }
    }
}

/// `tag.posts()`: the manager of the reverse side of a many-to-many field.
fn reverse_many_to_many(rev: &Reverse) -> TokenStream {
    let ident = &rev.model.ident;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let target = &rev.relation.target;
    let accessor = format_ident!("{}", rev.accessor);
    let query_name = &rev.query_name;
    let doc = format!("The manager of the reverse of `{name}.{field_name}`.");
    quote! {
        impl #target {
            #[doc = #doc]
            pub fn #accessor(&self) -> ::aksara::ManyToManyManager<'_, #ident> {
                let spec = ::aksara::ManyToManySpec {
                    owner_model: <Self as ::aksara::Model>::meta().name.as_str(),
                    declaring_model: <#ident as ::aksara::Model>::meta().name.as_str(),
                    field: #field_name,
                    forward: false,
                    path: #field_name,
                };
                let key = ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(self)));
                ::aksara::ManyToManyManager::reverse(spec, key, ::aksara::Model::related_store(self), #query_name)
            }
        }
    }
}

/// The `{Target}Fields` type next to a target type path (`crate::a::User` ->
/// `crate::a::UserFields`).
fn sibling_fields_type(target: &Type) -> Option<syn::Path> {
    let Type::Path(p) = target else { return None };
    let mut path = p.path.clone();
    let last = path.segments.last_mut()?;
    last.ident = format_ident!("{}Fields", last.ident);
    last.arguments = syn::PathArguments::None;
    Some(path)
}

/// `Author::fields().posts()`: the reverse path in the target's field paths.
fn reverse_field_path(rev: &Reverse) -> Option<TokenStream> {
    let target_fields = sibling_fields_type(&rev.relation.target)?;
    let name = &rev.model.name;
    let field_name = &rev.field.name;
    let fields_ident = format_ident!("{}Fields", rev.model.ident);
    let query_ident = format_ident!("{}", rev.query_name);
    let query_name = &rev.query_name;
    let doc =
        format!("The fields of the {name} rows related through `{name}.{field_name}` (reverse).");
    Some(quote! {
        impl #target_fields {
            #[doc = #doc]
            pub fn #query_ident(&self) -> #fields_ident {
                <#fields_ident as ::aksara::FieldPath>::at(::std::format!("{}{}__", self.prefix, #query_name))
            }
        }
    })
}
