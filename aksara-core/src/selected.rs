//! Reading `select_related` rows: a model and the related rows its query joined, from one
//! row of values, in the order the plan gives.

use crate::compile::RelatedPlan;
use crate::db::Row;
use crate::dynamic::{AnyModel, Loaded};
use crate::error::{Error, Result};
use crate::model::{Model, RowReader};
use crate::registry::Registry;
use std::sync::Arc;

/// Reads one row into `M` and its select_related relations.
pub(crate) fn decode<M: Model>(
    registry: &Registry,
    row: Row,
    related: &[RelatedPlan],
) -> Result<M> {
    // A forward one-to-one loaded here also fills the reverse side of the row it loads
    // (`profile.user`'s user answers `user.profile(&db)` without a query): with a second copy
    // of this row, whose own relations are not loaded, so that no `Arc` cycle forms.
    let owner_row = related
        .iter()
        .any(|n| n.one_to_one_back.is_some())
        .then(|| row.clone());
    let mut reader = RowReader::new(row);
    let mut model = M::from_row(&mut reader)?;
    let snapshot = || -> Result<crate::dynamic::SharedAny> {
        let row = owner_row.clone().unwrap_or_default();
        Ok(Arc::new(M::from_row(&mut RowReader::new(row))?))
    };
    attach_selected(registry, &mut model, related, &mut reader, Some(&snapshot))?;
    Ok(model)
}

/// Reads the select_related relations `nodes` from the rest of a row into `target`.
pub(crate) fn attach_selected(
    registry: &Registry,
    target: &mut dyn AnyModel,
    nodes: &[RelatedPlan],
    reader: &mut RowReader,
    owner: Option<&dyn Fn() -> Result<crate::dynamic::SharedAny>>,
) -> Result<()> {
    for node in nodes {
        if reader.next_all_null(node.width) {
            reader.skip(node.total_width);
            target.attach(&node.edge.name, Loaded::One(None))?;
            continue;
        }
        let info = registry.at(node.edge.target);
        let ops = info.meta.ops.ok_or_else(|| {
            Error::config(format!(
                "{} has no Rust type to load related rows into",
                info.meta.name
            ))
        })?;
        let mut related = (ops.decode)(reader)?;
        attach_selected(
            registry,
            crate::dynamic::unique(&mut related),
            &node.children,
            reader,
            None,
        )?;
        if let Some(owner) = owner {
            if let Some(back) = &node.one_to_one_back {
                // Best effort: a model without a `related` field has nowhere to keep it.
                let _ =
                    crate::dynamic::unique(&mut related).attach(back, Loaded::One(Some(owner()?)));
            }
        }
        target.attach(
            &node.edge.name,
            Loaded::One(Some(crate::dynamic::share(related))),
        )?;
    }
    Ok(())
}
