//! The model's metadata: `ModelMeta` with a `FieldMeta` per field.

use crate::ir::{ColumnKind, Field, Model, OnDeleteRule, RelKind, Relation, Role, Through};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Lit};

/// The body of `Model::meta()`'s initialiser.
pub fn model_meta(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let name = &model.name;
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
    quote! {
        let mut meta = ::aksara::ModelMeta::new(#name, #table);
        meta.description = #description;
        meta.unique_together = ::std::vec![#(#unique_together),*];
        #(meta.fields.push(#field_metas);)*
        meta.ops = ::core::option::Option::Some(::aksara::ModelOps {
            decode: ::aksara::dynamic::decode_shared::<#ident>,
            list: ::aksara::dynamic::list_of::<#ident>,
        });
        meta
    }
}

/// `Some(String::from(s))` or `None`.
pub fn opt_string(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn column_kind(kind: ColumnKind, inner: &syn::Type) -> TokenStream {
    match kind {
        ColumnKind::String { max_length } => {
            quote!(::aksara::FieldKind::String { max_length: #max_length })
        }
        ColumnKind::Text => quote!(::aksara::FieldKind::Text),
        ColumnKind::Email { max_length } => {
            quote!(::aksara::FieldKind::Email { max_length: #max_length })
        }
        ColumnKind::Url { max_length } => {
            quote!(::aksara::FieldKind::Url { max_length: #max_length })
        }
        ColumnKind::Boolean => quote!(::aksara::FieldKind::Boolean),
        ColumnKind::Integer => quote!(::aksara::FieldKind::Integer),
        ColumnKind::BigInteger => quote!(::aksara::FieldKind::BigInteger),
        ColumnKind::Float => quote!(::aksara::FieldKind::Float),
        ColumnKind::DateTime => quote!(::aksara::FieldKind::DateTime),
        ColumnKind::Date => quote!(::aksara::FieldKind::Date),
        ColumnKind::Uuid => quote!(::aksara::FieldKind::Uuid),
        ColumnKind::Json => quote!(::aksara::FieldKind::Json),
        ColumnKind::Bytes => quote!(::aksara::FieldKind::Bytes),
        ColumnKind::ByTrait {
            max_length,
            max_digits,
            decimal_places,
        } => {
            let option = |v: Option<u32>| match v {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            let (max_length, max_digits, decimal_places) = (
                option(max_length),
                option(max_digits),
                option(decimal_places),
            );
            // Spanned at the type, so that a type without the trait is reported there.
            quote_spanned! {inner.span()=>
                <#inner as ::aksara::FieldType>::kind(&::aksara::TypeOptions {
                    max_length: #max_length,
                    max_digits: #max_digits,
                    decimal_places: #decimal_places,
                })
            }
        }
    }
}

/// An expression of type `aksara::FieldKind` for the field.
fn field_kind(f: &Field) -> TokenStream {
    let inner = &f.inner;
    match &f.role {
        Role::Column(kind) => column_kind(*kind, inner),
        Role::PrimaryKey => quote!(<#inner as ::aksara::PrimaryKey>::KIND),
        Role::Relation(r) if r.kind == RelKind::ManyToMany => quote!(::aksara::FieldKind::Uuid),
        Role::Store => quote!(::aksara::FieldKind::Bytes),
        Role::Relation(r) => match &r.value {
            // The registry gives the column the kind of the field it references.
            Some(value) => quote!(<#value as ::aksara::ReferencedValue>::REFERENCING_KIND),
            None => {
                let target = &r.target;
                quote!(<<#target as ::aksara::Model>::Pk as ::aksara::PrimaryKey>::KIND.referencing_kind())
            }
        },
    }
}

/// The field's default value: a string literal as is on a string field, anything else
/// converted through the field's type.
fn default_value(f: &Field) -> TokenStream {
    let Some(expr) = &f.default else {
        return quote!(::core::option::Option::None);
    };
    if let Some(r) = f.relation() {
        // A relation's default is the referenced value of the row it points at (its key, or
        // its `to_field`).
        let value = r.value_type();
        return quote!(::core::option::Option::Some(::aksara::Value::from(
            <#value as ::core::convert::From<_>>::from(#expr)
        )));
    }
    let inner = &f.inner;
    let is_text = matches!(f.role, Role::Column(kind) if kind.is_text());
    match literal_string(expr) {
        Some(s) if is_text => quote!(::core::option::Option::Some(::aksara::Value::from(#s))),
        _ => {
            quote!(::core::option::Option::Some(::aksara::Value::from(<#inner as ::core::convert::From<_>>::from(#expr))))
        }
    }
}

/// The text of a string literal expression, if it is one.
fn literal_string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn field_meta(f: &Field) -> TokenStream {
    let name = &f.name;
    let column = &f.column;
    let kind = field_kind(f);
    let nullable = f.nullable;
    let unique = f.unique;
    let primary_key = f.primary_key;
    let auto_now_add = f.auto_now_add;
    let auto_now = f.auto_now;
    let description = opt_string(&f.description);
    let default = default_value(f);
    let relation = match f.relation() {
        None => quote!(::core::option::Option::None),
        Some(r) => relation_meta(r, &description),
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

/// The `on_delete` constant: as the user wrote it when it is an imported name (so that its
/// import is used and checked), else spelled out.
fn on_delete(r: &Relation) -> TokenStream {
    if let Some(path) = &r.on_delete_written {
        return match &r.set_value {
            Some(value) => quote!(#path(|| ::aksara::Value::from(#value))),
            None => quote!(#path),
        };
    }
    match r.on_delete {
        OnDeleteRule::Cascade => quote!(::aksara::OnDelete::Cascade),
        OnDeleteRule::SetNull => quote!(::aksara::OnDelete::SetNull),
        OnDeleteRule::Restrict => quote!(::aksara::OnDelete::Restrict),
        OnDeleteRule::Protect => quote!(::aksara::OnDelete::Protect),
        OnDeleteRule::SetDefault => quote!(::aksara::OnDelete::SetDefault),
        OnDeleteRule::DoNothing => quote!(::aksara::OnDelete::DoNothing),
        OnDeleteRule::Set => {
            let value = &r.set_value;
            quote!(::aksara::OnDelete::Set(|| ::aksara::Value::from(#value)))
        }
    }
}

fn relation_meta(r: &Relation, description: &TokenStream) -> TokenStream {
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
    let on_delete = on_delete(r);
    let related_name = opt_string(&r.related_name);
    let db_table = opt_string(&r.db_table);
    let to_field = opt_string(&r.to_field);
    let symmetrical = r.symmetrical;
    let through_fields = match &r.through_fields {
        None => quote!(::core::option::Option::None),
        Some((source, target)) => quote!(::core::option::Option::Some((
            ::std::string::String::from(#source),
            ::std::string::String::from(#target),
        ))),
    };
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
        relation.to_field = #to_field;
        relation.symmetrical = #symmetrical;
        relation.through_fields = #through_fields;
        relation.description = #description;
        ::core::option::Option::Some(relation)
    }}
}
