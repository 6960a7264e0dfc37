//! A table's neighbourhood: the relations one hop away, both ways, as the schema view lists
//! them and the relation diagram draws them. Read from the catalog (the engine's relation
//! graph and the composite foreign keys), never from the database.

use crate::catalog::Catalog;
use aksara::Via;

/// Which way a relation goes, seen from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// This table's foreign key points at the other.
    Out,
    /// The other table's foreign key points at this one.
    In,
    /// Many-to-many, through a junction table.
    Many,
}

/// One relation of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// Which way.
    pub direction: Direction,
    /// The relation's name (the lookup name, or the constraint of a composite key).
    pub name: String,
    /// The other table.
    pub table: String,
    /// The other table's model.
    pub model: String,
    /// The columns: `author_id → users.id`, `comments.post_id → id`, `via post_tags`.
    pub columns: String,
    /// What deleting the referenced row does (`CASCADE`), for foreign keys.
    pub on_delete: Option<&'static str>,
    /// The kind in words: foreign key, one-to-one, reverse, many-to-many, composite.
    pub kind: &'static str,
}

/// The relations of `model`: its foreign keys first, then the keys pointing at it, then its
/// many-to-many relations, each in the catalog's order.
pub fn neighbours(catalog: &Catalog, model: &str) -> Vec<Neighbour> {
    let Some(info) = catalog.info(model) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut incoming = Vec::new();
    let mut many = Vec::new();
    for edge in &info.edges {
        let target = catalog.registry.at(edge.target);
        let table = target.meta.table.clone();
        let base = |direction, columns: String| Neighbour {
            direction,
            name: edge.name.clone(),
            table: table.clone(),
            model: target.meta.name.clone(),
            columns,
            on_delete: (direction != Direction::Many).then(|| edge.on_delete.sql_action()),
            kind: crate::catalog::edge_kind(edge),
        };
        match &edge.via {
            Via::Forward {
                column,
                target_column,
            } => out.push(base(
                Direction::Out,
                format!("{column} → {table}.{target_column}"),
            )),
            Via::Reverse {
                column,
                source_column,
            } => incoming.push(base(
                Direction::In,
                format!("{table}.{column} → {source_column}"),
            )),
            Via::Junction { table: via, .. } => {
                many.push(base(Direction::Many, format!("via {via}")))
            }
        }
    }
    if let Some(entry) = catalog.table(model) {
        for fk in &entry.composite_foreign_keys {
            let table = catalog
                .info(&fk.target)
                .map(|i| i.meta.table.clone())
                .unwrap_or_else(|| fk.target.clone());
            out.push(Neighbour {
                direction: Direction::Out,
                name: fk.name.clone(),
                columns: format!(
                    "({}) → {table}({})",
                    fk.columns.join(", "),
                    fk.target_columns.join(", ")
                ),
                table,
                model: fk.target.clone(),
                on_delete: None,
                kind: "composite foreign key",
            });
        }
    }
    for (other, fk) in crate::jobs::composite_references(catalog, model) {
        incoming.push(Neighbour {
            direction: Direction::In,
            name: fk.name.clone(),
            table: other.table.clone(),
            model: other.model.clone(),
            columns: format!(
                "{}({}) → ({})",
                other.table,
                fk.columns.join(", "),
                fk.target_columns.join(", ")
            ),
            on_delete: None,
            kind: "composite, reverse",
        });
    }
    out.extend(incoming);
    out.extend(many);
    out
}
