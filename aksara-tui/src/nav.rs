//! The history of screens (back and forward) and the breadcrumb drawn from it.
//!
//! Every step keeps its own screen state (filter, sort, cursor, scroll, loaded rows), so
//! going back shows the screen exactly as it was left. Opening a screen drops the steps ahead,
//! as a browser does. The history keeps at most [`MAX_STEPS`] steps; each grid holds a bounded
//! window of rows, so memory stays bounded however long one explores.

use crate::catalog::Catalog;
use crate::screens::detail::Arrival;
use crate::screens::grid::Origin;
use crate::screens::View;

/// The most steps kept.
pub const MAX_STEPS: usize = 64;

/// Screens visited, and the current one.
#[derive(Debug, Default)]
pub struct History {
    steps: Vec<View>,
    position: usize,
}

impl History {
    /// A history starting at `view`.
    pub fn new(view: View) -> Self {
        History {
            steps: vec![view],
            position: 0,
        }
    }

    /// True before the first screen.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The current screen.
    pub fn current(&self) -> Option<&View> {
        self.steps.get(self.position)
    }

    /// The current screen, to change.
    pub fn current_mut(&mut self) -> Option<&mut View> {
        self.steps.get_mut(self.position)
    }

    /// The screens up to the current one.
    pub fn path(&self) -> &[View] {
        if self.steps.is_empty() {
            &[]
        } else {
            &self.steps[..=self.position]
        }
    }

    /// Opens `view` after the current screen, dropping the screens ahead.
    pub fn open(&mut self, view: View) {
        if !self.steps.is_empty() {
            self.steps.truncate(self.position + 1);
        }
        self.steps.push(view);
        if self.steps.len() > MAX_STEPS {
            // Keep the table list, drop the oldest step after it.
            self.steps.remove(1);
        }
        self.position = self.steps.len() - 1;
    }

    /// Goes back one step; false at the first screen.
    pub fn back(&mut self) -> bool {
        if self.position == 0 {
            return false;
        }
        self.position -= 1;
        true
    }

    /// Goes forward one step; false at the last screen.
    pub fn forward(&mut self) -> bool {
        if self.position + 1 >= self.steps.len() {
            return false;
        }
        self.position += 1;
        true
    }

    /// How many steps lie ahead.
    pub fn ahead(&self) -> usize {
        self.steps.len().saturating_sub(self.position + 1)
    }
}

/// The breadcrumb of the path to the current screen:
/// `users: Jane > posts > "Getting Started" > tags`.
pub fn breadcrumb(path: &[View], catalog: &Catalog) -> Vec<String> {
    let mut crumbs: Vec<String> = Vec::new();
    // True when the last crumb is a table opened from the table list.
    let mut last_is_table = false;
    for view in path {
        match view {
            View::Tables(_) => {
                if path.len() == 1 {
                    crumbs.push("tables".into());
                }
                last_is_table = false;
            }
            View::Grid(grid) => {
                crumbs.push(match &grid.origin {
                    Origin::Table => grid.table.clone(),
                    Origin::Relation { name, .. } => name.clone(),
                });
                last_is_table = grid.origin == Origin::Table;
            }
            View::Detail(detail) => {
                let label = detail.label(catalog).unwrap_or_else(|| "…".into());
                match &detail.arrival {
                    Arrival::FromGrid if last_is_table => {
                        let table = crumbs.pop().unwrap_or_default();
                        crumbs.push(format!("{table}: {label}"));
                    }
                    Arrival::FromGrid => crumbs.push(format!("\"{label}\"")),
                    Arrival::Follow { relation } => crumbs.push(format!("{relation}: {label}")),
                }
                last_is_table = false;
            }
            View::Sql(_) => {
                crumbs.push("SQL".into());
                last_is_table = false;
            }
            View::Find(v) => {
                crumbs.push(format!("find \"{}\"", v.text));
                last_is_table = false;
            }
            View::Schema(v) => {
                crumbs.push(format!("schema of {}", v.table));
                last_is_table = false;
            }
            View::Diagram(v) => {
                crumbs.push(format!("relations of {}", v.table));
                last_is_table = false;
            }
        }
    }
    crumbs
}
