//! The `select_related` plan: the to-one relations a SELECT joins, resolved once against the
//! registry. The SQL writer adds their columns in the plan's order and the row reader reads
//! them back in the same order, so the two cannot disagree.

use super::{Compiler, JoinEnd, Scope};
use crate::error::{Error, Result};
use crate::meta::RelationKind;
use crate::query::RelatedNode;
use crate::registry::{Edge, ModelInfo, Registry};
use crate::sql::Sql;

/// A `SELECT` and the plan of the related rows its columns carry after the model's own.
#[derive(Debug, Clone)]
pub struct SelectStatement {
    /// The statement.
    pub sql: Sql,
    /// The `select_related` relations, in the order their columns follow the model's.
    pub related: Vec<RelatedPlan>,
    /// The positions among the model's concrete fields of the columns read, in order, when
    /// `only` / `defer` chose them (`None`: every field).
    pub fields: Option<Vec<usize>>,
    /// The annotations read after the model's (and its relations') columns.
    pub annotations: Vec<super::ComputedColumn>,
}

/// One `select_related` relation, resolved: the edge it follows and how many columns of the
/// row it and its nested relations read.
#[derive(Debug, Clone)]
pub struct RelatedPlan {
    /// The relation as the query names it (join paths are built from these names).
    pub name: String,
    /// The relation's edge from the model it hangs off.
    pub edge: Edge,
    /// The number of columns of the related model.
    pub width: usize,
    /// The number of columns of the related model and of all its nested relations.
    pub total_width: usize,
    /// For a forward one-to-one, the name of its reverse side on the related model, which the
    /// loaded row can answer without a query (`None` when that side is itself selected below
    /// this relation).
    pub one_to_one_back: Option<String>,
    /// The relations loaded from the related row.
    pub children: Vec<RelatedPlan>,
}

/// Resolves the `select_related` forest `nodes` of `model` against the registry.
pub fn plan_related(
    registry: &Registry,
    model: &ModelInfo,
    nodes: &[RelatedNode],
) -> Result<Vec<RelatedPlan>> {
    let mut plans = Vec::with_capacity(nodes.len());
    for node in nodes {
        let edge = model
            .edge(&node.name)
            .ok_or_else(|| model.unknown(&node.name))?;
        let target = registry.at(edge.target);
        let children = plan_related(registry, target, &node.children)?;
        let width = target.meta.concrete_fields().count();
        let total_width = width + children.iter().map(|c| c.total_width).sum::<usize>();
        let one_to_one_back = target
            .edges
            .iter()
            .find(|e| {
                !e.forward
                    && e.kind == RelationKind::OneToOne
                    && e.owner == model.meta.name
                    && e.field == edge.name
            })
            .map(|e| e.name.clone())
            .filter(|back| !children.iter().any(|c| c.edge.name == *back));
        plans.push(RelatedPlan {
            name: node.name.clone(),
            edge: edge.clone(),
            width,
            total_width,
            one_to_one_back,
            children,
        });
    }
    Ok(plans)
}

impl Compiler<'_> {
    /// Joins the planned relations of the model at `model` (reached by the join `from`, under
    /// the path `prefix`) and adds their columns, depth first.
    pub(super) fn related_columns(
        &mut self,
        scope: &mut Scope,
        columns: &mut Sql,
        plans: &[RelatedPlan],
        prefix: &str,
        model: usize,
        from: &JoinEnd,
    ) -> Result<()> {
        for plan in plans {
            let path = if prefix.is_empty() {
                plan.name.clone()
            } else {
                format!("{prefix}__{}", plan.name)
            };
            if plan.edge.is_many() {
                let owner = &self.registry.at(model).meta.name;
                return Err(Error::config(format!(
                    "select_related follows to-one relations only; `{}` on {owner} is to-many: use prefetch_related(\"{path}\")",
                    plan.name,
                )));
            }
            let joined = self.join(scope, &path, from, &plan.edge);
            let target = self.registry.at(plan.edge.target);
            self.columns(columns, &joined.alias, &target.meta);
            self.related_columns(
                scope,
                columns,
                &plan.children,
                &path,
                plan.edge.target,
                &joined,
            )?;
        }
        Ok(())
    }
}
