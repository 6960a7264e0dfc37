//! The intermediate form of a model and the checks on it.

use crate::attrs::{field_attrs, struct_attrs, FieldAttrs, Through};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, Path, PathArguments, Type};

/// The kind of relation a field declares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    ForeignKey,
    OneToOne,
    ManyToMany,
}

/// A relation field.
pub struct RelationDef {
    pub kind: RelKind,
    /// The target model type, as written (`Author`, `crate::users::User`).
    pub target: Type,
    pub on_delete: TokenStream,
    pub related_name: Option<String>,
    pub to: Option<String>,
    pub through: Option<Through>,
    pub db_table: Option<String>,
}

/// What a field holds.
pub enum FieldKind {
    /// A plain column; `kind` is an expression of type `aksara::FieldKind`.
    Plain { kind: TokenStream, is_text: bool },
    /// The primary key.
    PrimaryKey,
    /// A relation.
    Relation(Box<RelationDef>),
    /// The store of relations loaded from the other side (`aksara::Related`); no column.
    Store,
}

/// One field of the model.
pub struct FieldDef {
    pub ident: Ident,
    pub name: String,
    /// The type without `Option`.
    pub inner: Type,
    pub nullable: bool,
    pub column: String,
    pub kind: FieldKind,
    pub attrs: FieldAttrs,
}

impl FieldDef {
    pub fn relation(&self) -> Option<&RelationDef> {
        match &self.kind {
            FieldKind::Relation(r) => Some(r),
            _ => None,
        }
    }

    /// True when the field has a column (everything but many-to-many and the store).
    pub fn is_concrete(&self) -> bool {
        !matches!(self.relation(), Some(r) if r.kind == RelKind::ManyToMany)
            && !matches!(self.kind, FieldKind::Store)
    }

    /// True when the field is in the model's metadata (everything but the store).
    pub fn is_model_field(&self) -> bool {
        !matches!(self.kind, FieldKind::Store)
    }
}

/// The whole model.
pub struct ModelDef {
    pub ident: Ident,
    pub name: String,
    pub table: Option<String>,
    pub description: Option<String>,
    pub unique_together: Vec<Vec<String>>,
    pub fields: Vec<FieldDef>,
    pub pk: usize,
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn generic_argument(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn on_delete_tokens(path: &Path) -> Option<TokenStream> {
    let name = path.segments.last()?.ident.to_string();
    Some(match name.as_str() {
        "CASCADE" | "Cascade" => quote!(::aksara::OnDelete::Cascade),
        "SET_NULL" | "SetNull" => quote!(::aksara::OnDelete::SetNull),
        "RESTRICT" | "Restrict" => quote!(::aksara::OnDelete::Restrict),
        "PROTECT" | "Protect" => quote!(::aksara::OnDelete::Protect),
        _ => return None,
    })
}

impl ModelDef {
    pub fn from_input(input: &DeriveInput) -> syn::Result<ModelDef> {
        let mut errors = Vec::new();
        let attrs = struct_attrs(&input.attrs, &mut errors);
        if !input.generics.params.is_empty() {
            errors.push(syn::Error::new_spanned(
                &input.generics,
                "a model cannot have generic parameters",
            ));
        }
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => Some(named),
                _ => None,
            },
            _ => None,
        };
        let Some(named) = named else {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(Model)] needs a struct with named fields",
            ));
        };
        let mut fields = Vec::new();
        for field in &named.named {
            let ident = field.ident.clone().expect("named field");
            let fattrs = field_attrs(&field.attrs, &mut errors);
            match field_def(ident, &field.ty, fattrs) {
                Ok(f) => fields.push(f),
                Err(e) => errors.push(e),
            }
        }
        let pk = fields
            .iter()
            .position(|f| matches!(f.kind, FieldKind::PrimaryKey));
        if pk.is_none() && errors.is_empty() {
            errors.push(syn::Error::new_spanned(
                &input.ident,
                "a model needs a primary key: a field named `id` (uuid::Uuid, i64 or i32) or one marked #[aksara(primary_key)]",
            ));
        }
        if fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::PrimaryKey))
            .count()
            > 1
        {
            errors.push(syn::Error::new_spanned(
                &input.ident,
                "a model can have only one primary key",
            ));
        }
        for group in &attrs.unique_together {
            for name in group {
                if !fields.iter().any(|f| &f.name == name) {
                    errors.push(syn::Error::new(
                        Span::call_site(),
                        format!("unique_together names unknown field `{name}`"),
                    ));
                }
            }
        }
        if let Some(mut first) = errors.pop() {
            for e in errors {
                first.combine(e);
            }
            return Err(first);
        }
        Ok(ModelDef {
            ident: input.ident.clone(),
            name: attrs.name.unwrap_or_else(|| input.ident.to_string()),
            table: attrs.table,
            description: attrs.description,
            unique_together: attrs.unique_together,
            fields,
            pk: pk.expect("checked"),
        })
    }
}

fn field_def(ident: Ident, ty: &Type, attrs: FieldAttrs) -> syn::Result<FieldDef> {
    let name = ident.to_string().trim_start_matches("r#").to_string();
    let mut nullable = false;
    let mut inner = ty.clone();
    if let Some(seg) = last_segment(ty) {
        if seg.ident == "Option" {
            nullable = true;
            inner = generic_argument(seg)
                .cloned()
                .ok_or_else(|| syn::Error::new_spanned(ty, "Option needs a type"))?;
        }
    }
    let seg = last_segment(&inner).ok_or_else(|| syn::Error::new_spanned(ty, unsupported()))?;
    let type_name = seg.ident.to_string();
    if type_name == "Related" && !nullable {
        let column = String::new();
        return Ok(FieldDef {
            ident,
            name,
            inner,
            nullable,
            column,
            kind: FieldKind::Store,
            attrs,
        });
    }
    let is_pk = attrs.primary_key
        || (name == "id"
            && !matches!(type_name.as_str(), "ForeignKey" | "OneToOne" | "ManyToMany"));
    let string_only = |flag: bool, what: &str| -> syn::Result<()> {
        if flag && type_name != "String" {
            return Err(syn::Error::new_spanned(
                ty,
                format!("`{what}` applies to String fields only"),
            ));
        }
        Ok(())
    };
    string_only(attrs.text, "text")?;
    string_only(attrs.email, "email")?;
    string_only(attrs.url, "url")?;
    string_only(attrs.max_length.is_some(), "max_length")?;
    if (attrs.auto_now || attrs.auto_now_add)
        && !matches!(type_name.as_str(), "DateTime" | "NaiveDate")
    {
        return Err(syn::Error::new_spanned(
            ty,
            "auto_now and auto_now_add apply to DateTime<Utc> and NaiveDate fields only",
        ));
    }
    let relation_only =
        attrs.on_delete.is_some() || attrs.related_name.is_some() || attrs.to.is_some();
    let kind = if is_pk {
        if nullable {
            return Err(syn::Error::new_spanned(
                ty,
                "the primary key cannot be an Option",
            ));
        }
        FieldKind::PrimaryKey
    } else {
        match type_name.as_str() {
            "ForeignKey" | "OneToOne" | "ManyToMany" => {
                let kind = match type_name.as_str() {
                    "ForeignKey" => RelKind::ForeignKey,
                    "OneToOne" => RelKind::OneToOne,
                    _ => RelKind::ManyToMany,
                };
                let target = generic_argument(seg).cloned().ok_or_else(|| {
                    syn::Error::new_spanned(
                        ty,
                        format!("{type_name} needs the target model: {type_name}<Model>"),
                    )
                })?;
                if kind == RelKind::ManyToMany && nullable {
                    return Err(syn::Error::new_spanned(
                        ty,
                        "a ManyToMany field cannot be an Option (it has no column)",
                    ));
                }
                if kind == RelKind::ManyToMany && attrs.on_delete.is_some() {
                    return Err(syn::Error::new_spanned(ty, "on_delete does not apply to ManyToMany: junction rows are always deleted with either side"));
                }
                if kind != RelKind::ManyToMany
                    && (attrs.through.is_some() || attrs.db_table.is_some())
                {
                    return Err(syn::Error::new_spanned(
                        ty,
                        "through and db_table apply to ManyToMany fields only",
                    ));
                }
                let on_delete = match &attrs.on_delete {
                    None => quote!(::aksara::OnDelete::Cascade),
                    Some((path, span)) => {
                        on_delete_tokens(path).ok_or_else(|| {
                            syn::Error::new(
                                *span,
                                "on_delete must be CASCADE, SET_NULL, RESTRICT or PROTECT",
                            )
                        })?;
                        // The constant as the user wrote it (imported, or a path), so that its
                        // import is used and checked.
                        if path.segments.len() == 1 && !attrs.on_delete_was_string {
                            quote!(#path)
                        } else {
                            on_delete_tokens(path).expect("checked")
                        }
                    }
                };
                if attrs.on_delete.as_ref().is_some_and(|(p, _)| {
                    p.segments
                        .last()
                        .is_some_and(|s| s.ident == "SET_NULL" || s.ident == "SetNull")
                }) && !nullable
                {
                    return Err(syn::Error::new(
                        attrs.on_delete.as_ref().expect("checked").1,
                        format!("on_delete = SET_NULL needs a nullable relation: declare the field as Option<{type_name}<...>>"),
                    ));
                }
                FieldKind::Relation(Box::new(RelationDef {
                    kind,
                    target,
                    on_delete,
                    related_name: attrs.related_name.clone(),
                    to: attrs.to.as_ref().map(|s| s.value()),
                    through: attrs.through.as_ref().map(|t| match t {
                        Through::Type(p) => Through::Type(p.clone()),
                        Through::Name(n) => Through::Name(n.clone()),
                    }),
                    db_table: attrs.db_table.clone(),
                }))
            }
            _ if relation_only => {
                return Err(syn::Error::new_spanned(
                    ty,
                    "on_delete, related_name and to apply to relation fields only",
                ));
            }
            "String" => {
                let max = attrs.max_length;
                let kind = if attrs.text {
                    quote!(::aksara::FieldKind::Text)
                } else if attrs.email {
                    let m = max.unwrap_or(254);
                    quote!(::aksara::FieldKind::Email { max_length: #m })
                } else if attrs.url {
                    let m = max.unwrap_or(2048);
                    quote!(::aksara::FieldKind::Url { max_length: #m })
                } else {
                    let m = max.unwrap_or(255);
                    quote!(::aksara::FieldKind::String { max_length: #m })
                };
                FieldKind::Plain {
                    kind,
                    is_text: true,
                }
            }
            "bool" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Boolean),
                is_text: false,
            },
            "i32" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Integer),
                is_text: false,
            },
            "i64" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::BigInteger),
                is_text: false,
            },
            "f64" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Float),
                is_text: false,
            },
            "DateTime" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::DateTime),
                is_text: false,
            },
            "NaiveDate" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Date),
                is_text: false,
            },
            "Uuid" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Uuid),
                is_text: false,
            },
            "Value" | "JsonValue" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Json),
                is_text: false,
            },
            "Vec" => FieldKind::Plain {
                kind: quote!(::aksara::FieldKind::Bytes),
                is_text: false,
            },
            _ => return Err(syn::Error::new_spanned(ty, unsupported())),
        }
    };
    let column = attrs.column.clone().unwrap_or_else(|| match &kind {
        FieldKind::Relation(r) if r.kind != RelKind::ManyToMany => format!("{name}_id"),
        FieldKind::Relation(_) => String::new(),
        _ => name.clone(),
    });
    let _ = ty.span();
    Ok(FieldDef {
        ident,
        name,
        inner,
        nullable,
        column,
        kind,
        attrs,
    })
}

fn unsupported() -> &'static str {
    "unsupported field type; use String, bool, i32, i64, f64, chrono::DateTime<Utc>, chrono::NaiveDate, uuid::Uuid, \
     serde_json::Value, Vec<u8>, ForeignKey<T>, OneToOne<T>, ManyToMany<T>, or an Option of one of these"
}
