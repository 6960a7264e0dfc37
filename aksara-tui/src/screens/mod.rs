//! The screens: the table list, the record grid, the record detail and an SQL query's
//! result, plus the help overlay.
//!
//! Each screen is a component in the manner of ratatui's component template: it changes only
//! in `handle` (an [`Action`] from a key) and `loaded` (an answer from the worker), returns
//! [`Effect`]s for the app to carry out (load something, open another screen, copy, say
//! something), and draws itself from its state.

pub mod detail;
pub mod diagram;
pub mod find;
pub mod grid;
pub mod help;
pub mod schema;
pub mod sql;
pub mod tables;

use crate::action::Action;
use crate::catalog::Catalog;
use crate::jobs::{Job, Outcome};
use crate::keys::Place;
use ratatui::layout::Rect;
use ratatui::Frame;

pub use detail::DetailView;
pub use diagram::DiagramView;
pub use find::FindView;
pub use grid::GridView;
pub use schema::SchemaView;
pub use sql::SqlView;
pub use tables::TablesView;

/// What the app tracks a request under: one newest request per slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The screen's content (and the connection).
    Main,
    /// The page after or before the grid's window.
    More,
    /// Row counts.
    Total,
    /// A running export (it outlives the screen that started it; Ctrl-C stops it).
    Export,
    /// Listing or opening another schema (`:schema`): its answer is the app's, not the
    /// screen's.
    Schemas,
}

/// What a screen asks the app to do.
#[derive(Debug)]
pub enum Effect {
    /// Send a request to the worker.
    Load {
        /// What it is for.
        slot: Slot,
        /// The request.
        job: Job,
    },
    /// Open another screen (a new step in the history).
    Open(Box<View>),
    /// Copy text to the clipboard.
    Copy {
        /// What was copied, for the message.
        what: String,
        /// The text.
        text: String,
    },
    /// Explore another schema, then open the row of `table` whose `column` holds `value`
    /// (a foreign key into that schema followed).
    FollowAcross {
        /// The schema (MySQL: database).
        schema: String,
        /// The table there.
        table: String,
        /// The column the key is in.
        column: String,
        /// The key.
        value: aksara::Value,
        /// The foreign key column followed, for the breadcrumb.
        via: String,
    },
    /// Say something in the message line.
    Info(String),
    /// Report a problem in the message line.
    Error(String),
    /// Open the prompt.
    Prompt {
        /// What the input is for.
        kind: PromptKind,
        /// The prompt's label.
        label: String,
        /// The text it starts with.
        initial: String,
    },
}

/// What a prompt's input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Narrow the table list (live).
    FindTable,
    /// Filter a grid column (applied on Enter).
    FilterColumn,
    /// Jump to a field of the detail view (live).
    FindField,
    /// The file a grid is exported to (applied on Enter).
    ExportPath,
    /// A query to run (`:`, on Enter; Up and Down walk the history).
    Sql,
    /// A record's value, edited (on Enter, shown as SQL before it runs).
    EditValue,
}

/// A change of the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptEvent {
    /// The text changed.
    Changed(String),
    /// Enter.
    Submitted(String),
    /// Esc.
    Dismissed,
}

/// Whether a screen's content is there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    /// Not asked for yet.
    #[default]
    Idle,
    /// Being read.
    Loading,
    /// There.
    Ready,
    /// Reading failed.
    Failed(String),
}

/// What screens need to know about the app.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The database's tables and relations.
    pub catalog: &'a Catalog,
    /// Rows per page.
    pub page_size: u64,
    /// Rows of content the screen shows at once.
    pub body_rows: usize,
    /// True while a page after or before the window is being read.
    pub loading_more: bool,
    /// True when the explorer may write (`--write`).
    pub writable: bool,
}

/// One screen of the history.
#[derive(Debug)]
pub enum View {
    /// The table list.
    Tables(TablesView),
    /// A grid of records.
    Grid(GridView),
    /// One record.
    Detail(DetailView),
    /// The result of a query of the SQL prompt.
    Sql(SqlView),
    /// The rows a search across tables found.
    Find(FindView),
    /// A table's schema.
    Schema(SchemaView),
    /// A table's relations, drawn.
    Diagram(DiagramView),
}

impl View {
    /// Reacts to a key's action.
    pub fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        match self {
            View::Tables(v) => v.handle(action, ctx),
            View::Grid(v) => v.handle(action, ctx),
            View::Detail(v) => v.handle(action, ctx),
            View::Sql(v) => v.handle(action, ctx),
            View::Find(v) => v.handle(action, ctx),
            View::Schema(v) => v.handle(action, ctx),
            View::Diagram(v) => v.handle(action, ctx),
        }
    }

    /// The screen became the current one: the requests it needs.
    pub fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self {
            View::Tables(v) => v.enter(ctx),
            View::Grid(v) => v.enter(ctx),
            View::Detail(v) => v.enter(ctx),
            View::Sql(v) => v.enter(ctx),
            View::Find(v) => v.enter(ctx),
            View::Schema(v) => v.enter(ctx),
            View::Diagram(_) => Vec::new(),
        }
    }

    /// Reads everything again.
    pub fn reload(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self {
            View::Tables(v) => v.reload(ctx),
            View::Grid(v) => v.reload(ctx),
            View::Detail(v) => v.reload(ctx),
            View::Sql(v) => v.reload(ctx),
            View::Find(v) => v.reload(ctx),
            View::Schema(v) => v.reload(ctx),
            View::Diagram(_) => Vec::new(),
        }
    }

    /// An answer for this screen arrived.
    pub fn loaded(&mut self, slot: Slot, outcome: Outcome, ctx: &Ctx) -> Vec<Effect> {
        match self {
            View::Tables(v) => v.loaded(outcome),
            View::Grid(v) => v.loaded(slot, outcome, ctx),
            View::Detail(v) => v.loaded(outcome, ctx),
            View::Sql(v) => {
                v.loaded(outcome);
                Vec::new()
            }
            View::Find(v) => {
                v.loaded(outcome);
                Vec::new()
            }
            View::Schema(v) => {
                v.loaded(outcome);
                Vec::new()
            }
            View::Diagram(_) => Vec::new(),
        }
    }

    /// A request of this screen failed (or was cancelled).
    pub fn failed(&mut self, slot: Slot, message: &str) {
        match self {
            View::Tables(_) => {}
            View::Grid(v) => v.failed(slot, message),
            View::Detail(v) => v.failed(message),
            View::Sql(v) => v.failed(message),
            View::Find(v) => v.failed(message),
            View::Schema(v) => v.failed(message),
            View::Diagram(_) => {}
        }
    }

    /// The prompt changed.
    pub fn prompt(&mut self, kind: PromptKind, event: PromptEvent, ctx: &Ctx) -> Vec<Effect> {
        match self {
            View::Tables(v) => v.prompt(kind, event, ctx),
            View::Grid(v) => v.prompt(kind, event, ctx),
            View::Detail(v) => v.prompt(kind, event, ctx),
            View::Sql(_) | View::Find(_) | View::Schema(_) | View::Diagram(_) => Vec::new(),
        }
    }

    /// Draws the screen into `area`.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        match self {
            View::Tables(v) => v.draw(frame, area, ctx),
            View::Grid(v) => v.draw(frame, area, ctx),
            View::Detail(v) => v.draw(frame, area, ctx),
            View::Sql(v) => v.draw(frame, area, ctx),
            View::Find(v) => v.draw(frame, area, ctx),
            View::Schema(v) => v.draw(frame, area, ctx),
            View::Diagram(v) => v.draw(frame, area, ctx),
        }
    }

    /// Where the screen last drew its rows and cursor (row, column), for the mouse; None for
    /// the screens a click does nothing on.
    pub fn hits(&self) -> Option<(&RowHits, usize, usize)> {
        match self {
            View::Tables(v) => Some((&v.hits, v.cursor(), 0)),
            View::Grid(v) => Some((&v.hits, v.cursor(), v.column())),
            View::Detail(v) => Some((&v.hits, v.cursor(), 0)),
            View::Sql(v) => Some((&v.hits, v.cursor(), v.column())),
            View::Find(v) => Some((&v.hits, v.cursor(), 0)),
            View::Schema(_) | View::Diagram(_) => None,
        }
    }

    /// Where the screen is, for the hint bar's keys ([`crate::keys::hints`]).
    pub fn hint_place(&self) -> Place {
        match self {
            View::Tables(_) => Place::Tables,
            View::Grid(_) => Place::Grid,
            View::Detail(detail) if detail.edit().is_some() => Place::Edit,
            View::Detail(detail) if detail.is_zoomed() => Place::Zoomed,
            View::Detail(_) => Place::Detail,
            View::Sql(_) => Place::Sql,
            View::Find(_) => Place::Find,
            View::Schema(_) => Place::Schema,
            View::Diagram(_) => Place::Diagram,
        }
    }

    /// The model the screen is about (the table list: the one under the cursor), for `S`
    /// and `D`.
    pub fn model(&self, catalog: &Catalog) -> Option<String> {
        match self {
            View::Tables(v) => v.selected(catalog).map(|t| t.model.clone()),
            View::Grid(v) => Some(v.model.clone()),
            View::Detail(v) => Some(v.model.clone()),
            View::Sql(_) | View::Find(_) => None,
            View::Schema(v) => Some(v.model.clone()),
            View::Diagram(v) => Some(v.model.clone()),
        }
    }
}

/// Where a screen last drew its rows, for the mouse: a click on a row selects it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowHits {
    /// The rows' lines on the screen (one row a line, from the top).
    pub area: Rect,
    /// The index of the row on the first line.
    pub first: usize,
    /// The columns drawn: their first screen column, width and index (the grids'), left to
    /// right.
    pub columns: Vec<(u16, u16, usize)>,
    /// Where a click opens what is selected (the detail's bottom pane), if anywhere.
    pub opens: Option<Rect>,
}

/// The columns of a grid as drawn from `x`: first screen column, width and index, one
/// space between them.
pub(crate) fn column_spans(x: u16, shown: &[(usize, usize)]) -> Vec<(u16, u16, usize)> {
    let mut from = x;
    shown
        .iter()
        .map(|&(i, w)| {
            let span = (from, w as u16, i);
            from = from.saturating_add(w as u16 + 1);
            span
        })
        .collect()
}

fn inside(area: Rect, x: u16, y: u16) -> bool {
    x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height
}

impl RowHits {
    /// The index of the row drawn at (`x`, `y`), if one is there.
    pub fn row_at(&self, x: u16, y: u16) -> Option<usize> {
        inside(self.area, x, y).then(|| self.first + usize::from(y - self.area.y))
    }

    /// The index of the column drawn at screen column `x`, if one is there.
    pub fn column_at(&self, x: u16) -> Option<usize> {
        self.columns
            .iter()
            .find(|(from, width, _)| x >= *from && x < from + width)
            .map(|(_, _, i)| *i)
    }

    /// True when (`x`, `y`) is where a click opens what is selected.
    pub fn opens_at(&self, x: u16, y: u16) -> bool {
        self.opens.is_some_and(|area| inside(area, x, y))
    }
}

/// Moves `cursor` within `len` rows for the movement actions; `None` for other actions.
pub fn moved(cursor: usize, len: usize, action: &Action, body_rows: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    let half = (body_rows / 2).max(1);
    let full = body_rows.max(1);
    Some(match action {
        Action::MoveRows { by } => cursor.saturating_add_signed(*by).min(last),
        Action::HalfPage { down: true } => (cursor + half).min(last),
        Action::HalfPage { down: false } => cursor.saturating_sub(half),
        Action::FullPage { down: true } => (cursor + full).min(last),
        Action::FullPage { down: false } => cursor.saturating_sub(full),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

/// The first visible row so that `cursor` shows in `rows` lines, starting from `scroll`.
pub fn scrolled(scroll: usize, cursor: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    if cursor < scroll {
        cursor
    } else if cursor >= scroll + rows {
        cursor + 1 - rows
    } else {
        scroll
    }
}

/// How well `name` matches the typed `query` (lower is better), or None: exact, prefix, word
/// start, anywhere; ignoring case and `_`.
pub fn match_rank(name: &str, query: &str) -> Option<u8> {
    let fold = |s: &str| s.to_lowercase().replace('_', "");
    let (n, q) = (fold(name), fold(query));
    if q.is_empty() {
        return Some(3);
    }
    if n == q {
        Some(0)
    } else if n.starts_with(&q) {
        Some(1)
    } else if name
        .to_lowercase()
        .contains(&format!("_{}", query.to_lowercase()))
    {
        Some(2)
    } else if n.contains(&q) {
        Some(3)
    } else {
        None
    }
}
