//! Code generation.

use crate::attrs::{literal_string, Through};
use crate::model::{FieldDef, FieldKind, ModelDef, RelKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Type};

pub fn expand(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let fields_ident = format_ident!("{}Fields", ident);
    let builder_ident = format_ident!("{}Builder", ident);
    let model_impl = model_impl(model, &fields_ident);
    let fields_struct = fields_struct(model, &fields_ident);
    let builder = builder(model, &builder_ident);
    let reverse = reverse_accessors(model);
    let name = &model.name;
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
        };
    }
}

fn pk_type(model: &ModelDef) -> &Type {
    &model.fields[model.pk].inner
}

fn field_kind_expr(f: &FieldDef) -> TokenStream {
    let inner = &f.inner;
    match &f.kind {
        FieldKind::Plain { kind, .. } => kind.clone(),
        FieldKind::PrimaryKey => quote!(<#inner as ::aksara::PrimaryKey>::KIND),
        FieldKind::Relation(r) if r.kind == RelKind::ManyToMany => {
            quote!(::aksara::FieldKind::Uuid)
        }
        FieldKind::Store => quote!(::aksara::FieldKind::Bytes),
        FieldKind::Relation(r) => {
            let target = &r.target;
            quote!(<<#target as ::aksara::Model>::Pk as ::aksara::PrimaryKey>::KIND.referencing_kind())
        }
    }
}

fn opt_string(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn field_meta(f: &FieldDef) -> TokenStream {
    let name = &f.name;
    let column = &f.column;
    let kind = field_kind_expr(f);
    let nullable = f.nullable;
    let unique = f.attrs.unique;
    let primary_key = matches!(f.kind, FieldKind::PrimaryKey);
    let auto_now_add = f.attrs.auto_now_add;
    let auto_now = f.attrs.auto_now;
    let description = opt_string(&f.attrs.description);
    let default = match &f.attrs.default {
        Some(expr) => {
            let inner = &f.inner;
            match (
                literal_string(expr),
                matches!(f.kind, FieldKind::Plain { is_text: true, .. }),
            ) {
                (Some(s), true) => quote!(::core::option::Option::Some(::aksara::Value::from(#s))),
                _ => {
                    quote!(::core::option::Option::Some(::aksara::Value::from(<#inner as ::core::convert::From<_>>::from(#expr))))
                }
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let relation = match f.relation() {
        None => quote!(::core::option::Option::None),
        Some(r) => {
            let target = &r.target;
            let kind = match r.kind {
                RelKind::ForeignKey => quote!(::aksara::RelationKind::ForeignKey),
                RelKind::OneToOne => quote!(::aksara::RelationKind::OneToOne),
                RelKind::ManyToMany => quote!(::aksara::RelationKind::ManyToMany),
            };
            let target_expr = match &r.to {
                Some(name) => quote!(::aksara::Target::Name(::std::string::String::from(#name))),
                None => quote!(::aksara::Target::Type(<#target as ::aksara::Model>::meta)),
            };
            let on_delete = &r.on_delete;
            let related_name = opt_string(&r.related_name);
            let db_table = opt_string(&r.db_table);
            let through = match &r.through {
                None => quote!(::core::option::Option::None),
                Some(Through::Type(p)) => {
                    quote!(::core::option::Option::Some(::aksara::Target::Type(<#p as ::aksara::Model>::meta)))
                }
                Some(Through::Name(n)) => {
                    quote!(::core::option::Option::Some(::aksara::Target::Name(::std::string::String::from(#n))))
                }
            };
            quote! {{
                let mut relation = ::aksara::RelationMeta::new(#kind, #target_expr);
                relation.on_delete = #on_delete;
                relation.related_name = #related_name;
                relation.through = #through;
                relation.db_table = #db_table;
                relation.description = #description;
                ::core::option::Option::Some(relation)
            }}
        }
    };
    quote! {{
        let mut field = ::aksara::FieldMeta::new(#name, #kind);
        field.column = ::std::string::String::from(#column);
        field.nullable = #nullable;
        field.unique = #unique;
        field.primary_key = #primary_key;
        field.default = #default;
        field.auto_now_add = #auto_now_add;
        field.auto_now = #auto_now;
        field.description = #description;
        field.relation = #relation;
        field
    }}
}

fn model_impl(model: &ModelDef, fields_ident: &Ident) -> TokenStream {
    let ident = &model.ident;
    let name = &model.name;
    let pk_ty = pk_type(model);
    let pk_ident = &model.fields[model.pk].ident;
    let table = match &model.table {
        Some(t) => quote!(::std::string::String::from(#t)),
        None => quote!(::aksara::meta::default_table_name(#name)),
    };
    let description = opt_string(&model.description);
    let unique_together = model
        .unique_together
        .iter()
        .map(|g| quote!(::std::vec![#(::std::string::String::from(#g)),*]));
    let field_metas = model
        .fields
        .iter()
        .filter(|f| f.is_model_field())
        .map(field_meta);
    let inits = model.fields.iter().map(|f| {
        let fi = &f.ident;
        if f.is_concrete() {
            quote!(#fi: row.read(meta, fields.next().expect("a field per column"))?)
        } else {
            quote!(#fi: ::core::default::Default::default())
        }
    });
    let value_exprs: Vec<TokenStream> = model
        .fields
        .iter()
        .filter(|f| f.is_concrete())
        .map(|f| {
            let fi = &f.ident;
            match (f.relation().is_some(), f.nullable) {
                (true, false) => quote!(::aksara::Value::from(&self.#fi)),
                (true, true) => quote!(self.#fi.as_ref().map(::aksara::Value::from).unwrap_or(::aksara::Value::Null)),
                (false, _) => quote!(::aksara::Value::from(::core::clone::Clone::clone(&self.#fi))),
            }
        })
        .collect();
    let value_arms = value_exprs
        .iter()
        .enumerate()
        .map(|(i, e)| quote!(#i => #e,));
    let attach_arms = model.fields.iter().filter_map(|f| {
        let r = f.relation()?;
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
    });
    let store = model
        .fields
        .iter()
        .find(|f| matches!(f.kind, FieldKind::Store))
        .map(|f| &f.ident);
    let fallback = match store {
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
    };
    let related_store = store.map(|store| {
        quote! {
            fn related_store(&self) -> ::core::option::Option<&::aksara::Related> {
                ::core::option::Option::Some(&self.#store)
            }
        }
    });
    let clears = model.fields.iter().filter_map(|f| {
        let fi = &f.ident;
        if matches!(f.kind, FieldKind::Store) {
            return Some(quote!(self.#fi.clear();));
        }
        f.relation()?;
        Some(if f.nullable {
            quote!(if let ::core::option::Option::Some(relation) = self.#fi.as_mut() { relation.clear_cache(); })
        } else {
            quote!(self.#fi.clear_cache();)
        })
    });
    quote! {
        impl ::aksara::Model for #ident {
            type Pk = #pk_ty;
            type Fields = #fields_ident;

            fn meta() -> &'static ::aksara::ModelMeta {
                static META: ::aksara::__private::OnceLock<::aksara::ModelMeta> = ::aksara::__private::OnceLock::new();
                META.get_or_init(|| {
                    let mut meta = ::aksara::ModelMeta::new(#name, #table);
                    meta.description = #description;
                    meta.unique_together = ::std::vec![#(#unique_together),*];
                    #(meta.fields.push(#field_metas);)*
                    meta.ops = ::core::option::Option::Some(::aksara::ModelOps {
                        decode: ::aksara::dynamic::decode_shared::<#ident>,
                        list: ::aksara::dynamic::list_of::<#ident>,
                    });
                    meta
                })
            }

            fn pk(&self) -> &Self::Pk {
                &self.#pk_ident
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

        }
    }
}

fn fields_struct(model: &ModelDef, fields_ident: &Ident) -> TokenStream {
    let methods = model.fields.iter().filter(|f| f.is_model_field()).map(|f| {
        let fi = &f.ident;
        let name = &f.name;
        let inner = &f.inner;
        match f.relation() {
            None => {
                let doc = format!("The field `{name}`.");
                quote! {
                    #[doc = #doc]
                    pub fn #fi(&self) -> ::aksara::Field<#inner> {
                        ::aksara::Field::new(::std::format!("{}{}", self.prefix, #name))
                    }
                }
            }
            Some(r) => {
                let target = &r.target;
                let doc = format!("The fields of the model related through `{name}`.");
                let nested = quote! {
                    #[doc = #doc]
                    pub fn #fi(&self) -> <#target as ::aksara::Model>::Fields {
                        <<#target as ::aksara::Model>::Fields as ::aksara::FieldPath>::at(::std::format!("{}{}__", self.prefix, #name))
                    }
                };
                if r.kind == RelKind::ManyToMany {
                    nested
                } else {
                    let id_ident = format_ident!("{}_id", fi);
                    let id_doc = format!("The key stored in `{name}` (compares the relation itself, no join).");
                    quote! {
                        #nested
                        #[doc = #id_doc]
                        pub fn #id_ident(&self) -> ::aksara::Field<<#target as ::aksara::Model>::Pk> {
                            ::aksara::Field::new(::std::format!("{}{}", self.prefix, #name))
                        }
                    }
                }
            }
        }
    });
    quote! {
        impl ::aksara::FieldPath for #fields_ident {
            fn at(prefix: ::std::string::String) -> Self {
                #fields_ident { prefix }
            }
        }

        impl #fields_ident {
            #(#methods)*
        }
    }
}

fn builder(model: &ModelDef, builder_ident: &Ident) -> TokenStream {
    let ident = &model.ident;
    let mut index = 0usize;
    let mut setters = Vec::new();
    for f in &model.fields {
        if !f.is_concrete() {
            continue;
        }
        let i = index;
        index += 1;
        let fi = &f.ident;
        let name = &f.name;
        let inner = &f.inner;
        match f.relation() {
            None if f.nullable => {
                let doc =
                    format!("Sets `{name}` (a value, or an `Option` of one: `None` for NULL).");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #fi(mut self, value: impl ::aksara::NullableInput<#inner>) -> Self {
                        self.record.set_index(#i, ::aksara::NullableInput::<#inner>::into_value(value));
                        self
                    }
                });
            }
            None => {
                let doc = format!("Sets `{name}`.");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #fi(mut self, value: impl ::core::convert::Into<#inner>) -> Self {
                        self.record.set_index(#i, ::aksara::Value::from(::core::convert::Into::<#inner>::into(value)));
                        self
                    }
                });
            }
            Some(r) => {
                let target = &r.target;
                let id_ident = format_ident!("{}_id", fi);
                let doc = format!("Points `{name}` at `target`.");
                let id_doc = format!("Points `{name}` at the row whose key is `id`.");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #fi(mut self, target: &#target) -> Self {
                        self.record.set_index(#i, ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(target))));
                        self
                    }
                });
                if f.nullable {
                    setters.push(quote! {
                        #[doc = #id_doc]
                        pub fn #id_ident(mut self, id: impl ::core::convert::Into<::core::option::Option<<#target as ::aksara::Model>::Pk>>) -> Self {
                            self.record.set_index(#i, ::aksara::Value::from(::core::convert::Into::into(id)));
                            self
                        }
                    });
                } else {
                    setters.push(quote! {
                        #[doc = #id_doc]
                        pub fn #id_ident(mut self, id: <#target as ::aksara::Model>::Pk) -> Self {
                            self.record.set_index(#i, ::aksara::Value::from(id));
                            self
                        }
                    });
                }
            }
        }
    }
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

/// The `{Target}Fields` type next to a target type path (`crate::a::User` -> `crate::a::UserFields`).
fn sibling_type(target: &Type, suffix: &str) -> Option<syn::Path> {
    let Type::Path(p) = target else { return None };
    let mut path = p.path.clone();
    let last = path.segments.last_mut()?;
    last.ident = format_ident!("{}{}", last.ident, suffix);
    last.arguments = syn::PathArguments::None;
    Some(path)
}

/// The last segment of a type path (`crate::a::User` -> `User`).
fn last_segment(target: &Type) -> Option<&Ident> {
    let Type::Path(p) = target else { return None };
    p.path.segments.last().map(|s| &s.ident)
}

fn reverse_accessors(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let name = &model.name;
    let fields_ident = format_ident!("{}Fields", ident);
    let snake = aksara_core::meta::snake_case(&model.name);
    let mut out = Vec::new();
    for f in &model.fields {
        let Some(r) = f.relation() else { continue };
        let target = &r.target;
        let field_name = &f.name;
        let fi = &f.ident;
        // A string target (`to = "Name"`) gets typed reverse accessors when it names the
        // field's own type (`"self"` on a self-reference, or the type's name).
        let to_names_the_type = r.to.as_deref().is_none_or(|to| {
            to.eq_ignore_ascii_case("self") && last_segment(target).is_some_and(|t| t == ident)
                || last_segment(target).is_some_and(|t| t == to)
        });
        let hidden = r.related_name.as_deref() == Some("+") || !to_names_the_type;
        let (query_name, accessor) = match &r.related_name {
            Some(n) => (n.clone(), n.clone()),
            None if r.kind == RelKind::OneToOne => (snake.clone(), snake.clone()),
            None => (snake.clone(), format!("{snake}_set")),
        };
        if r.kind == RelKind::ManyToMany {
            let doc = format!("The manager of `{name}.{field_name}`: read, add, remove, clear and set the linked rows.");
            // The path from the target back to this model: the reverse name, or for a reverse
            // side hidden with "+" the registry's internal name for it.
            let path = if r.related_name.as_deref() == Some("+") {
                aksara_core::registry::hidden_reverse_name(name, field_name)
            } else {
                query_name.clone()
            };
            out.push(quote! {
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
            });
        }
        if hidden {
            continue;
        }
        let accessor_ident = format_ident!("{}", accessor);
        let query_ident = format_ident!("{}", query_name);
        match r.kind {
            RelKind::ForeignKey => {
                let doc = format!(
                    "The {name} rows whose `{field_name}` is this row (reverse of `{name}.{field_name}`)."
                );
                // Only a nullable link can be unlinked: its manager has `remove` and `clear`.
                let link = if f.nullable {
                    quote!(::aksara::NullableLink)
                } else {
                    quote!(::aksara::RequiredLink)
                };
                out.push(quote! {
                    impl #target {
                        #[doc = #doc]
                        pub fn #accessor_ident(&self) -> ::aksara::RelatedManager<'_, #ident, #link> {
                            let key = ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(self)));
                            ::aksara::RelatedManager::new(#field_name, key, ::aksara::Model::related_store(self), #query_name)
                        }
                    }
                });
            }
            RelKind::OneToOne => {
                let doc = format!(
                    "The {name} whose `{field_name}` is this row: from select_related / prefetch_related \
                     when loaded, else one query; `Error::DoesNotExist` when there is none. \
                     With a `related: Related` field the answer (found or absent) is remembered: \
                     later calls run no query."
                );
                out.push(quote! {
                    impl #target {
                        #[doc = #doc]
                        pub async fn #accessor_ident(&self, db: &::aksara::Db) -> ::aksara::Result<::std::sync::Arc<#ident>> {
                            let key = ::aksara::Value::from(::core::clone::Clone::clone(::aksara::Model::pk(self)));
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
                                ::core::result::Result::Ok(found) => {
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
                });
            }
            RelKind::ManyToMany => {
                let doc = format!("The manager of the reverse of `{name}.{field_name}`.");
                out.push(quote! {
                    impl #target {
                        #[doc = #doc]
                        pub fn #accessor_ident(&self) -> ::aksara::ManyToManyManager<'_, #ident> {
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
                });
            }
        }
        if let Some(target_fields) = sibling_type(target, "Fields") {
            let doc = format!(
                "The fields of the {name} rows related through `{name}.{field_name}` (reverse)."
            );
            out.push(quote! {
                impl #target_fields {
                    #[doc = #doc]
                    pub fn #query_ident(&self) -> #fields_ident {
                        <#fields_ident as ::aksara::FieldPath>::at(::std::format!("{}{}__", self.prefix, #query_name))
                    }
                }
            });
        }
    }
    quote!(#(#out)*)
}
