//! SQLite's table rebuild, for the changes its `ALTER TABLE` cannot make (the procedure of
//! SQLite's documentation, "Making Other Kinds Of Table Schema Changes"): create the new
//! table under a temporary name, copy the rows, drop the old table, rename the new one,
//! create its indexes. The runner turns foreign key enforcement off around the migration's
//! transaction (so the drop neither cascades nor fails) and runs `PRAGMA foreign_key_check`
//! before committing.

use crate::ddl::{create_index, create_table, literal};
use crate::operation::Operation;
use crate::state::TableDef;
use aksara_core::{Dialect, Sql};

/// The temporary name a rebuilt table is created under.
pub(crate) fn temporary_name(table: &str) -> String {
    format!("__aksara_new_{table}")
}

/// The statements that turn `before` into `after` by rebuilding the table; `op` says which
/// value fills a new or newly NOT NULL column.
pub(crate) fn rebuild(
    d: &dyn Dialect,
    before: &TableDef,
    after: &TableDef,
    op: &Operation,
) -> Vec<Sql> {
    let temp = temporary_name(&after.name);
    let mut out = create_table(d, after, &temp, false);
    let mut copy = Sql::ddl();
    copy.push("INSERT INTO ").ident(&temp).push(" (");
    let mut select = Sql::ddl();
    let mut first = true;
    for c in &after.columns {
        if !first {
            copy.push(", ");
            select.push(", ");
        }
        first = false;
        copy.ident(&c.name);
        let old = before.column(&c.name);
        let fill = match op {
            Operation::AddColumn { column, fill, .. } if column.name == c.name => fill.as_ref(),
            Operation::AlterColumn { to, fill, .. } if to.name == c.name => fill.as_ref(),
            _ => None,
        };
        match (old, fill.or(c.default.as_ref())) {
            (Some(_), Some(value)) if fill.is_some() && !c.nullable => {
                select
                    .push("COALESCE(")
                    .ident(&c.name)
                    .push(", ")
                    .push(&literal(d, value, &c.kind))
                    .push(")");
            }
            (Some(_), _) => {
                select.ident(&c.name);
            }
            (None, Some(value)) => {
                select.push(&literal(d, value, &c.kind));
            }
            (None, None) => {
                select.push("NULL");
            }
        }
    }
    copy.push(") SELECT ");
    copy.parts.extend(select.parts);
    copy.push(" FROM ").ident(&before.name);
    out.push(copy);
    let mut drop = Sql::ddl();
    drop.push("DROP TABLE ").ident(&before.name);
    out.push(drop);
    let mut rename = Sql::ddl();
    rename
        .push("ALTER TABLE ")
        .ident(&temp)
        .push(" RENAME TO ")
        .ident(&after.name);
    out.push(rename);
    for index in &after.indexes {
        out.push(create_index(&after.name, &index.name, &index.columns));
    }
    out
}
