//! The registry: every model of an application, resolved and checked.
//!
//! Building a [`Registry`] resolves each relation's target (by type, by name or `"self"`),
//! creates the junction model of every automatic many-to-many field, adds the reverse side of
//! every relation to its target, and checks the whole set: unknown targets, `SET_NULL` on a
//! required relation, reverse names that clash with each other or with a field. Every problem
//! is reported at once in one [`Error::Config`].
//!
//! Queries walk the registry's [`Edge`]s: one per relation direction, named as lookups name
//! them (`author` forward, `posts` or `post` in reverse, `tags` through a junction).
//!
//! The registry is the one way to a model's info: [`Registry::model`] by name,
//! [`Registry::by_table`] by table, [`Registry::relation_by_constraint`] from a database error.
//! Building lives in `build`, the junction models in `junction`, the JSON/Markdown/Mermaid
//! export in `export`.

mod build;
mod export;
mod junction;

/// Naming rules and suggestions, kept here under their old paths.
pub use crate::naming::{hidden_reverse_name, junction_model_name};
pub use crate::suggest::closest;
pub use build::RegistryBuilder;

use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, OnDelete, RelationKind};
use crate::value::ValueType;
use std::collections::HashMap;
use std::sync::Arc;

/// How an edge reaches its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// This model's `column` references the target's `target_column` (forward foreign key or
    /// one-to-one).
    Forward {
        /// The referencing column on this model's table.
        column: String,
        /// The referenced column (the target's key).
        target_column: String,
    },
    /// The target's `column` references this model's `source_column` (reverse side).
    Reverse {
        /// The referencing column on the target's table.
        column: String,
        /// The referenced column on this model (its key).
        source_column: String,
    },
    /// Through a junction table.
    Junction {
        /// The junction model's index in the registry.
        junction: usize,
        /// The junction table.
        table: String,
        /// The junction column referencing this model.
        source_column: String,
        /// The junction column referencing the target.
        target_column: String,
        /// This model's key column.
        source_key: String,
        /// The target's key column.
        target_key: String,
    },
}

/// One direction of one relation, as seen from the model it starts at.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The name used in lookups from this model (`author`, `posts`, `tags`, `post`).
    pub name: String,
    /// The accessor name on instances (differs from `name` only for default reverse names:
    /// `post_set` versus `post`).
    pub accessor: String,
    /// The index of the model reached.
    pub target: usize,
    /// How the target is reached.
    pub via: Via,
    /// The kind of the relation declared.
    pub kind: RelationKind,
    /// True when this edge goes from the declaring model to its target.
    pub forward: bool,
    /// The model that declares the relation.
    pub owner: String,
    /// The declaring field.
    pub field: String,
    /// What deleting the referenced row does.
    pub on_delete: OnDelete,
    /// True when the foreign key may be NULL.
    pub nullable: bool,
    /// The relation's description (given or generated).
    pub description: String,
}

impl Edge {
    /// True when following the edge can reach several rows (reverse foreign key, many-to-many).
    pub fn is_many(&self) -> bool {
        match self.via {
            Via::Forward { .. } => false,
            Via::Reverse { .. } => self.kind != RelationKind::OneToOne,
            Via::Junction { .. } => true,
        }
    }
}

/// A model in a built registry.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    /// Its position in the registry.
    pub index: usize,
    /// Its metadata, relation targets resolved to names and junction models added.
    pub meta: ModelMeta,
    /// The relations reachable from it, forward and reverse.
    pub edges: Vec<Edge>,
    /// The reverse sides of many-to-many relations declared with `related_name = "+"`: not
    /// relations of this model, but what the declaring side's manager reads through, under
    /// [`hidden_reverse_name`].
    hidden: Vec<Edge>,
}

impl ModelInfo {
    /// The model's name.
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// The edge named `name` (lookup name or accessor, or the [`hidden_reverse_name`] of a
    /// many-to-many relation without a reverse side).
    pub fn edge(&self, name: &str) -> Option<&Edge> {
        self.edges
            .iter()
            .find(|e| e.name == name)
            .or_else(|| self.edges.iter().find(|e| e.accessor == name))
            .or_else(|| self.hidden.iter().find(|e| e.name == name))
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.meta.field(name)
    }

    /// Every name a lookup may use on this model, for suggestions.
    pub fn lookup_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.meta.fields.iter().map(|f| f.name.clone()).collect();
        for f in self
            .meta
            .fields
            .iter()
            .filter(|f| f.relation.is_some() && f.is_concrete())
        {
            names.push(f.column.clone());
        }
        names.extend(
            self.edges
                .iter()
                .filter(|e| !e.forward)
                .map(|e| e.name.clone()),
        );
        names.sort();
        names.dedup();
        names
    }

    /// An [`Error::UnknownField`] for `name` on this model, with the closest names.
    pub fn unknown(&self, name: &str) -> Error {
        Error::UnknownField {
            model: self.meta.name.clone(),
            name: name.to_string(),
            candidates: closest(name, self.lookup_names()),
        }
    }
}

/// All models of an application, resolved and checked. Cheap to share: [`RegistryBuilder::build`]
/// returns an `Arc`.
#[derive(Debug)]
pub struct Registry {
    models: Vec<ModelInfo>,
    by_name: HashMap<String, usize>,
    /// (target model, value type) -> the field the `to_field` relations of derived models
    /// reference on that target with values of that type.
    referenced: HashMap<(String, ValueType), String>,
}

impl Registry {
    /// Starts a registry.
    ///
    /// ```
    /// use aksara::demo::{Post, UserProfile};
    ///
    /// let registry = aksara::Registry::builder().model::<Post>().model::<UserProfile>().build()?;
    /// assert!(registry.model("Tag").is_ok()); // reached through Post.tags
    /// # Ok::<(), aksara::Error>(())
    /// ```
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// An empty registry (for raw SQL only).
    pub fn empty() -> Arc<Registry> {
        Arc::new(Registry {
            models: Vec::new(),
            by_name: HashMap::new(),
            referenced: HashMap::new(),
        })
    }

    /// Every model, junction models included, in registration order.
    pub fn models(&self) -> &[ModelInfo] {
        &self.models
    }

    /// The model at `index`.
    pub fn at(&self, index: usize) -> &ModelInfo {
        &self.models[index]
    }

    /// The model called `name`, or a [`Error::Config`] naming the closest ones.
    pub fn model(&self, name: &str) -> Result<&ModelInfo> {
        self.by_name.get(name).map(|&i| &self.models[i]).ok_or_else(|| {
            let near = closest(name, self.models.iter().map(|m| m.meta.name.clone()));
            let hint = if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) };
            Error::config(format!(
                "model `{name}` is not in the registry (add it with Registry::builder().model::<{name}>()){hint}"
            ))
        })
    }

    /// The model stored in `table`.
    pub fn by_table(&self, table: &str) -> Option<&ModelInfo> {
        self.models.iter().find(|m| m.meta.table == table)
    }

    /// The model whose table name is `table`, and the relation whose foreign key constraint is
    /// named `constraint` (as [`crate::ddl`] names them), for naming the relation in errors.
    pub fn relation_by_constraint(&self, constraint: &str) -> Option<(&ModelInfo, &FieldMeta)> {
        self.models.iter().find_map(|m| {
            m.meta
                .concrete_fields()
                .find(|f| {
                    f.relation.is_some()
                        && crate::naming::fk_constraint_name(&m.meta.table, &f.column) == constraint
                })
                .map(|f| (m, f))
        })
    }

    /// The field of the model `target` that the `to_field` relations of derived models
    /// holding values of `value_type` reference (`"code"` for `ForeignKey<Country, String>`
    /// with `to_field = "code"`), if any. The registry refuses two such relations naming
    /// different fields, so this is the field a `ToOne` holding such a value loads by (see
    /// [`crate::relation::referenced_field`]).
    ///
    /// ```
    /// use aksara::{ForeignKey, Model, Registry, ValueType};
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Country {
    ///     pub id: i64,
    ///     #[aksara(unique, max_length = 2)]
    ///     pub code: String,
    ///     #[aksara(unique)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct City {
    ///     pub id: i64,
    ///     #[aksara(to_field = "name", related_name = "+")]
    ///     pub country: ForeignKey<Country, String>,
    /// }
    ///
    /// let registry = Registry::builder().model::<City>().build()?;
    /// assert_eq!(registry.referenced_field("Country", ValueType::String), Some("name"));
    /// assert_eq!(registry.referenced_field("Country", ValueType::I64), None);
    /// # Ok::<(), aksara::Error>(())
    /// ```
    pub fn referenced_field(&self, target: &str, value_type: ValueType) -> Option<&str> {
        self.referenced
            .get(&(target.to_string(), value_type))
            .map(String::as_str)
    }

    /// The registered model that declares the relation `owner.field`.
    pub fn relation(&self, owner: &str, field: &str) -> Option<(&ModelInfo, &FieldMeta)> {
        let m = self.model(owner).ok()?;
        m.meta.field(field).map(|f| (m, f))
    }
}
