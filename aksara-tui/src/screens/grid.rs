//! The record grid: a table's rows (or the rows a relation leads to), paged with keyset
//! pagination through a bounded [`Window`], filtered and sorted by column.

use super::{moved, scrolled, Ctx, Effect, PromptEvent, PromptKind, Slot, Status, View};
use crate::action::Action;
use crate::catalog::{key_values, path_of_column, Catalog, TableEntry};
use crate::filter::{self, ColumnFilter};
use crate::format::{plain, truncate, width, zoned_cell};
use crate::jobs::{Count, Job, Outcome, Placement};
use crate::paging::{OrderTerm, PageSpec, Start, Window};
use crate::theme;
use aksara::{Condition, FieldKind, Record, Value};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;
use std::collections::HashMap;

/// Where grid totals stop counting.
pub const TOTAL_CAP: u64 = 10_000;
/// Pages a grid keeps loaded at most.
pub const WINDOW_PAGES: u64 = 5;
/// The widest a column is drawn.
const MAX_COLUMN_WIDTH: usize = 40;

/// The characters `<` and `>` take from or add to a column.
pub const RESIZE_STEP: isize = 4;

/// The widest a column can be made (the cells' text is cut at 200 characters).
const WIDEST_COLUMN: isize = 200;

/// The most foreign key labels a grid keeps (about the five pages of its window, for a few
/// foreign key columns).
const MAX_LABELS: usize = 10_000;

/// One column of the grid.
#[derive(Debug, Clone)]
pub struct GridColumn {
    /// Its lookup path.
    pub path: String,
    /// Its name in the database.
    pub header: String,
    /// Its kind.
    pub kind: FieldKind,
    /// True for a foreign key column.
    pub link: bool,
    /// True when the column may hold NULLs.
    pub nullable: bool,
    /// True when its date-times carry a time zone (shown with their offset).
    pub zoned: bool,
}

/// How the grid was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// From the table list: every row of the table.
    Table,
    /// Through a relation of a record: the rows linked to it.
    Relation {
        /// The relation's name.
        name: String,
        /// The label of the record it starts from.
        parent: String,
    },
}

/// A grid's state: what it shows, where the cursor is, what is loaded.
#[derive(Debug)]
pub struct GridView {
    /// Where the rows were drawn last, for the mouse.
    pub(crate) hits: super::RowHits,
    /// The model whose rows are shown.
    pub model: String,
    /// Its table.
    pub table: String,
    /// How the grid was reached.
    pub origin: Origin,
    base: Vec<Condition>,
    filters: Vec<ColumnFilter>,
    sort: Option<OrderTerm>,
    /// The columns shown (some may be hidden, `-`).
    columns: Vec<GridColumn>,
    /// Every column of the table, hidden or not.
    all_columns: Vec<GridColumn>,
    key: Vec<String>,
    estimate: Option<u64>,
    window: Window,
    cursor: usize,
    scroll: usize,
    col: usize,
    col_offset: usize,
    total: Option<Count>,
    status: Status,
    main_start: Start,
    more_error: Option<String>,
    /// The key typed at `:key`, while the row is being read.
    jump: Option<String>,
    /// True when the window was placed by a jump: the position of its rows is not known.
    jumped: bool,
    /// The labels of the rows the foreign keys of the loaded rows point at, by column.
    labels: crate::labels::PageLabels,
    /// The characters added to (or taken from) the fitted width of columns, by path.
    resized: HashMap<String, isize>,
}

impl GridView {
    /// Every row of the table `entry`.
    pub fn table(entry: &TableEntry, catalog: &Catalog) -> GridView {
        let mut grid = GridView::new(catalog, &entry.model, Origin::Table, Vec::new());
        grid.estimate = entry.estimated_rows;
        grid
    }

    /// The rows of `model` that `base` selects, reached through the relation `name` of the
    /// record labelled `parent`.
    pub fn related(
        catalog: &Catalog,
        model: &str,
        base: Vec<Condition>,
        name: &str,
        parent: &str,
    ) -> GridView {
        GridView::new(
            catalog,
            model,
            Origin::Relation {
                name: name.to_string(),
                parent: parent.to_string(),
            },
            base,
        )
    }

    fn new(catalog: &Catalog, model: &str, origin: Origin, base: Vec<Condition>) -> GridView {
        let info = catalog.info(model);
        let columns: Vec<GridColumn> = info
            .map(|info| {
                info.meta
                    .concrete_fields()
                    .map(|f| GridColumn {
                        path: path_of_column(info, &f.column),
                        header: f.column.clone(),
                        kind: f.kind.clone(),
                        link: f.relation.is_some(),
                        nullable: f.nullable,
                        zoned: catalog.zoned(model, &f.column),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let key = catalog
            .table(model)
            .map(|t| t.key.clone())
            .unwrap_or_else(|| {
                info.and_then(|i| i.meta.try_pk())
                    .map(|pk| vec![pk.name.clone()])
                    .unwrap_or_default()
            });
        GridView {
            hits: super::RowHits::default(),
            model: model.to_string(),
            table: info
                .map(|i| i.meta.table.clone())
                .unwrap_or_else(|| model.to_string()),
            origin,
            base,
            filters: Vec::new(),
            sort: None,
            all_columns: columns.clone(),
            columns,
            key,
            estimate: None,
            window: Window::new(1),
            cursor: 0,
            scroll: 0,
            col: 0,
            col_offset: 0,
            total: None,
            status: Status::Idle,
            main_start: Start::First,
            more_error: None,
            jump: None,
            jumped: false,
            labels: Default::default(),
            resized: HashMap::new(),
        }
    }

    /// The columns.
    pub fn columns(&self) -> &[GridColumn] {
        &self.columns
    }

    /// The loaded rows.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// The cursor's row in the window.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&Record> {
        self.window.get(self.cursor)
    }

    /// The column under the cursor.
    pub fn column(&self) -> usize {
        self.col
    }

    /// The row count shown.
    pub fn total(&self) -> Option<Count> {
        self.total
    }

    /// Whether the rows are there.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The user's filters.
    pub fn filters(&self) -> &[ColumnFilter] {
        &self.filters
    }

    /// The user's sort.
    pub fn sort(&self) -> Option<&OrderTerm> {
        self.sort.as_ref()
    }

    /// True when pages are read by keyset (false: OFFSET, for tables without a key or sorts the
    /// engine cannot compare).
    pub fn keyset(&self, catalog: &Catalog) -> bool {
        let kind_of = |path: &str| {
            self.all_columns
                .iter()
                .find(|c| c.path == path)
                .map(|c| &c.kind)
        };
        !self.key.is_empty()
            && self
                .key
                .iter()
                .chain(self.sort.as_ref().map(|s| &s.path))
                .all(|p| kind_of(p).is_some_and(|k| catalog.dialect.keyset_comparable(k)))
    }

    fn order(&self) -> Vec<OrderTerm> {
        let descending = self.sort.as_ref().is_some_and(|s| s.descending);
        let mut terms: Vec<OrderTerm> = self.sort.iter().cloned().collect();
        for k in &self.key {
            if self.sort.as_ref().is_none_or(|s| &s.path != k) {
                terms.push(OrderTerm {
                    path: k.clone(),
                    descending,
                    nullable: false,
                });
            }
        }
        terms
    }

    /// Which rows an export of this grid writes: its link, filters and sort, from the first
    /// row, a page of [`crate::export::EXPORT_PAGE`] at a time.
    pub fn export_spec(&self, catalog: &Catalog) -> PageSpec {
        PageSpec {
            model: self.model.clone(),
            conditions: self.conditions(),
            order: self.order(),
            keyset: self.keyset(catalog),
            nulls_high: catalog.nulls_high(),
            start: Start::First,
            limit: crate::export::EXPORT_PAGE,
        }
    }

    fn conditions(&self) -> Vec<Condition> {
        self.base
            .iter()
            .cloned()
            .chain(self.filters.iter().map(|f| f.condition.clone()))
            .collect()
    }

    fn spec(&self, start: Start, limit: u64, ctx: &Ctx) -> PageSpec {
        PageSpec {
            start,
            limit,
            ..self.export_spec(ctx.catalog)
        }
    }

    fn order_values(&self, record: &Record) -> Vec<Value> {
        self.order()
            .iter()
            .map(|t| record.get(&t.path).cloned().unwrap_or(Value::Null))
            .collect()
    }

    fn load(&mut self, start: Start, ctx: &Ctx) -> Effect {
        self.status = Status::Loading;
        self.jump = None;
        self.main_start = start.clone();
        self.more_error = None;
        Effect::Load {
            slot: Slot::Main,
            job: Job::Page {
                spec: self.spec(start, ctx.page_size, ctx),
                placement: Placement::Replace,
            },
        }
    }

    /// Places the window on the row whose key is `text` (a composite key: its values in key
    /// order, separated by spaces or commas), among the rows the grid shows; the rows before
    /// and after it are read as the cursor moves, as anywhere else.
    pub fn jump(&mut self, text: &str, ctx: &Ctx) -> Vec<Effect> {
        if self.key.is_empty() {
            return vec![Effect::Error(format!(
                "{} has no key to jump by",
                self.table
            ))];
        }
        if !self.keyset(ctx.catalog) {
            return vec![Effect::Error(format!(
                "{} is paged by OFFSET here (its sort or key type), so it cannot jump to a key",
                self.table
            ))];
        }
        let parts: Vec<&str> = if self.key.len() == 1 {
            vec![text.trim()]
        } else {
            text.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .collect()
        };
        if parts.len() != self.key.len() || parts.iter().any(|p| p.is_empty()) {
            return vec![Effect::Error(format!(
                "the key of {} is {}: give {} value{}",
                self.table,
                self.key.join(", "),
                self.key.len(),
                if self.key.len() == 1 { "" } else { "s" }
            ))];
        }
        let mut conditions = Vec::new();
        for (path, part) in self.key.iter().zip(&parts) {
            let Some(column) = self.all_columns.iter().find(|c| &c.path == path) else {
                return vec![Effect::Error(format!("no key column {path}"))];
            };
            match filter::parse(path, &column.kind, &format!("={part}"), ctx.catalog.dialect) {
                Ok(Some(condition)) => conditions.push(condition),
                Ok(None) => {}
                Err(message) => return vec![Effect::Error(message)],
            }
        }
        let mut spec = self.spec(Start::First, 1, ctx);
        spec.conditions.extend(conditions);
        self.status = Status::Loading;
        // Neither the first rows nor the last: Home and End while the row is read go there.
        self.main_start = Start::After(Vec::new());
        self.more_error = None;
        self.jump = Some(parts.join(" "));
        vec![Effect::Load {
            slot: Slot::Main,
            job: Job::Page {
                spec,
                placement: Placement::Replace,
            },
        }]
    }

    pub(crate) fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self.status {
            Status::Idle | Status::Loading => self.reload(ctx),
            _ => Vec::new(),
        }
    }

    pub(crate) fn reload(&mut self, ctx: &Ctx) -> Vec<Effect> {
        self.window = Window::new((ctx.page_size * WINDOW_PAGES) as usize);
        let mut effects = vec![self.load(Start::First, ctx)];
        self.total = None;
        match (self.estimate, self.filters.is_empty(), &self.origin) {
            (Some(n), true, Origin::Table) => self.total = Some(Count::Estimate(n)),
            _ => effects.push(Effect::Load {
                slot: Slot::Total,
                job: Job::Total {
                    model: self.model.clone(),
                    conditions: self.conditions(),
                    cap: TOTAL_CAP,
                },
            }),
        }
        effects
    }

    /// Reads the page after or before the window when the cursor nears its edge.
    fn more(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if ctx.loading_more || self.status != Status::Ready || self.more_error.is_some() {
            return Vec::new();
        }
        let len = self.window.len();
        let near = (ctx.page_size as usize / 2).max(ctx.body_rows);
        let keyset = self.keyset(ctx.catalog);
        let (start, placement, limit) = if !self.window.at_end && self.cursor + near >= len {
            let start = if keyset {
                match self.window.get(len.saturating_sub(1)) {
                    Some(last) => Start::After(self.order_values(last)),
                    None => return Vec::new(),
                }
            } else {
                match self.window.first_index {
                    Some(first) => Start::Offset(first + len as u64),
                    None => return Vec::new(),
                }
            };
            (start, Placement::Append, ctx.page_size)
        } else if !self.window.at_start && self.cursor < near {
            if keyset {
                match self.window.get(0) {
                    Some(first) => (
                        Start::Before(self.order_values(first)),
                        Placement::Prepend,
                        ctx.page_size,
                    ),
                    None => return Vec::new(),
                }
            } else {
                match self.window.first_index {
                    Some(first) if first > 0 => {
                        let limit = ctx.page_size.min(first);
                        (Start::Offset(first - limit), Placement::Prepend, limit)
                    }
                    _ => return Vec::new(),
                }
            }
        } else {
            return Vec::new();
        };
        vec![Effect::Load {
            slot: Slot::More,
            job: Job::Page {
                spec: self.spec(start, limit, ctx),
                placement,
            },
        }]
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        if let Some(c) = moved(self.cursor, self.window.len(), action, ctx.body_rows) {
            // While a jump is on its way the window is the old one: decide against the rows
            // asked for, so that the newest of several quick Home / End keys wins.
            let loading = self.status == Status::Loading;
            match action {
                Action::Top
                    if (loading && self.main_start != Start::First)
                        || (!loading && !self.window.at_start) =>
                {
                    self.cursor = 0;
                    self.scroll = 0;
                    return vec![self.load(Start::First, ctx)];
                }
                Action::Bottom
                    if (loading && self.main_start != Start::Last)
                        || (self.status == Status::Ready && !self.window.at_end) =>
                {
                    return vec![self.load(Start::Last, ctx)];
                }
                _ => {}
            }
            self.cursor = c;
            return self.more(ctx);
        }
        match action {
            Action::HideColumn => {
                if self.columns.len() <= 1 {
                    return vec![Effect::Info("the last column stays".into())];
                }
                let column = self.columns.remove(self.col);
                self.col = self.col.min(self.columns.len() - 1);
                vec![Effect::Info(format!(
                    "{} hidden (+ shows every column)",
                    column.header
                ))]
            }
            Action::ResizeColumn { by } => {
                let Some(column) = self.columns.get(self.col) else {
                    return Vec::new();
                };
                let change = self.resized.entry(column.path.clone()).or_insert(0);
                *change = (*change + by).clamp(-WIDEST_COLUMN, WIDEST_COLUMN);
                Vec::new()
            }
            Action::ShowColumns => {
                let hidden = self.all_columns.len() - self.columns.len();
                let current = self.columns.get(self.col).map(|c| c.path.clone());
                self.columns = self.all_columns.clone();
                self.col = current
                    .and_then(|p| self.columns.iter().position(|c| c.path == p))
                    .unwrap_or(0);
                vec![Effect::Info(match hidden {
                    0 => "no column is hidden".to_string(),
                    1 => "1 column shown again".to_string(),
                    n => format!("{n} columns shown again"),
                })]
            }
            Action::MoveColumns { by } => {
                self.col = self
                    .col
                    .saturating_add_signed(*by)
                    .min(self.columns.len().saturating_sub(1));
                Vec::new()
            }
            Action::Open => match self.selected() {
                Some(record) => {
                    let detail =
                        super::DetailView::from_grid(ctx.catalog, &self.model, record.clone());
                    vec![Effect::Open(Box::new(View::Detail(detail)))]
                }
                None => vec![Effect::Info("no row here".into())],
            },
            Action::StartFilter => match self.columns.get(self.col) {
                Some(column) => {
                    let initial = self
                        .filters
                        .iter()
                        .find(|f| f.path == column.path)
                        .map(|f| f.input.clone())
                        .unwrap_or_default();
                    vec![Effect::Prompt {
                        kind: PromptKind::FilterColumn,
                        label: format!(
                            "filter {} ({})",
                            column.header,
                            filter::prompt_hint(&column.kind, ctx.catalog.dialect)
                        ),
                        initial,
                    }]
                }
                None => Vec::new(),
            },
            Action::Sort => {
                let Some(column) = self.columns.get(self.col).cloned() else {
                    return Vec::new();
                };
                self.sort = match &self.sort {
                    Some(s) if s.path == column.path && !s.descending => Some(OrderTerm {
                        descending: true,
                        ..s.clone()
                    }),
                    Some(s) if s.path == column.path => None,
                    _ => Some(OrderTerm {
                        path: column.path.clone(),
                        descending: false,
                        nullable: column.nullable,
                    }),
                };
                self.cursor = 0;
                self.scroll = 0;
                let mut effects = self.reload(ctx);
                if self.sort.is_some() && !self.keyset(ctx.catalog) && !self.key.is_empty() {
                    effects.push(Effect::Info(format!(
                        "{} cannot be compared on the server; paging this sort with OFFSET",
                        column.header
                    )));
                }
                effects
            }
            Action::Export => {
                let table = ctx
                    .catalog
                    .info(&self.model)
                    .map(|info| info.meta.table.clone())
                    .unwrap_or_else(|| self.model.clone());
                vec![Effect::Prompt {
                    kind: PromptKind::ExportPath,
                    label: "export the rows, with the filters and sort, to (.csv or .json)".into(),
                    initial: format!("{}.csv", file_stem(&table)),
                }]
            }
            Action::CopyRow { json } => match self.selected() {
                Some(record) => {
                    let names: Vec<String> =
                        self.columns.iter().map(|c| c.header.clone()).collect();
                    let values: Vec<Value> = self
                        .columns
                        .iter()
                        .map(|c| record.get(&c.path).cloned().unwrap_or(Value::Null))
                        .collect();
                    vec![crate::clipboard::row_effect(&names, &values, *json)]
                }
                None => Vec::new(),
            },
            Action::Copy => match (self.selected(), self.columns.get(self.col)) {
                (Some(record), Some(column)) => vec![Effect::Copy {
                    what: column.header.clone(),
                    text: record.get(&column.path).map(plain).unwrap_or_default(),
                }],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    pub(crate) fn prompt(
        &mut self,
        kind: PromptKind,
        event: PromptEvent,
        ctx: &Ctx,
    ) -> Vec<Effect> {
        let PromptEvent::Submitted(input) = event else {
            return Vec::new();
        };
        if kind == PromptKind::ExportPath {
            return self.export(input.trim(), ctx);
        }
        let Some(column) = self.columns.get(self.col).cloned() else {
            return Vec::new();
        };
        match filter::parse(&column.path, &column.kind, &input, ctx.catalog.dialect) {
            Err(message) => vec![Effect::Error(message)],
            Ok(condition) => {
                self.filters.retain(|f| f.path != column.path);
                if let Some(condition) = condition {
                    self.filters.push(ColumnFilter {
                        path: column.path.clone(),
                        column: column.header.clone(),
                        shown: filter::describe(&column.header, &column.kind, &input),
                        input: input.trim().to_string(),
                        condition,
                    });
                }
                self.cursor = 0;
                self.scroll = 0;
                self.reload(ctx)
            }
        }
    }

    /// Starts exporting every row of the grid (its link, filters and sort) to `path`.
    fn export(&self, path: &str, ctx: &Ctx) -> Vec<Effect> {
        if path.is_empty() {
            return vec![Effect::Info("nothing exported (no file named)".into())];
        }
        let path = std::path::PathBuf::from(path);
        if let Some(problem) = crate::export::refuse(&path) {
            return vec![Effect::Error(problem)];
        }
        let Some(format) = crate::export::Format::of_path(&path) else {
            return Vec::new();
        };
        vec![
            Effect::Load {
                slot: Slot::Export,
                job: Job::Export {
                    spec: self.export_spec(ctx.catalog),
                    path: path.clone(),
                    format,
                    control: Default::default(),
                },
            },
            Effect::Info(format!("exporting to {} (Ctrl-C stops)", path.display())),
        ]
    }

    pub(crate) fn loaded(&mut self, slot: Slot, outcome: Outcome, ctx: &Ctx) -> Vec<Effect> {
        match outcome {
            Outcome::Page {
                placement,
                rows,
                exhausted,
                first_index,
                labels,
            } => {
                self.keep_labels(labels);
                match placement {
                    Placement::Replace if self.jump.is_some() => {
                        let key = self.jump.take().unwrap_or_default();
                        self.status = Status::Ready;
                        if rows.is_empty() {
                            return vec![Effect::Error(format!(
                                "no row of {} has the key {key} (among the rows shown here)",
                                self.table
                            ))];
                        }
                        self.window.replace(rows, false, false, None);
                        self.cursor = 0;
                        self.scroll = 0;
                        self.jumped = true;
                    }
                    Placement::Replace => {
                        self.jumped = false;
                        let len = rows.len();
                        match self.main_start {
                            Start::Last => {
                                let first = first_index.or(match self.total {
                                    Some(Count::Exact(n)) => Some(n.saturating_sub(len as u64)),
                                    _ => None,
                                });
                                self.window.replace(rows, exhausted, true, first);
                                self.cursor = len.saturating_sub(1);
                            }
                            Start::Offset(n) => {
                                self.window.replace(rows, n == 0, exhausted, Some(n));
                            }
                            _ => {
                                self.window.replace(rows, true, exhausted, Some(0));
                                self.cursor = self.cursor.min(len.saturating_sub(1));
                            }
                        }
                        self.status = Status::Ready;
                    }
                    Placement::Append => {
                        let dropped = self.window.append(rows, exhausted);
                        self.cursor = self.cursor.saturating_sub(dropped);
                        self.scroll = self.scroll.saturating_sub(dropped);
                    }
                    Placement::Prepend => {
                        let added = self.window.prepend(rows, exhausted);
                        self.cursor += added;
                        self.scroll += added;
                    }
                }
                if self.window.at_start && self.window.at_end {
                    self.total = Some(Count::Exact(self.window.len() as u64));
                }
                // Keep reading when the cursor already sits at the edge (a jump, a fast scroll).
                let _ = slot;
                self.more(ctx)
            }
            Outcome::Total(count) => {
                if !(self.window.at_start && self.window.at_end && self.status == Status::Ready) {
                    self.total = Some(count);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub(crate) fn failed(&mut self, slot: Slot, message: &str) {
        match slot {
            Slot::Main => self.status = Status::Failed(message.to_string()),
            Slot::More => self.more_error = Some(message.to_string()),
            Slot::Total | Slot::Export | Slot::Schemas => {}
        }
    }

    /// The position line: `row 3 of ~3,503`.
    pub fn position(&self) -> String {
        if self.window.is_empty() {
            return match self.status {
                Status::Ready => "no rows".into(),
                _ => String::new(),
            };
        }
        let total = self.total.map(|t| format!(" of {t}")).unwrap_or_default();
        match self.window.first_index {
            Some(first) => format!(
                "row {}{total}",
                crate::format::thousands(first + self.cursor as u64 + 1)
            ),
            None if self.jumped => format!("row ?{total}"),
            None => format!("row ?{total} (near the end)"),
        }
    }

    /// Keeps the labels of a page that arrived; the oldest are forgotten when they pass
    /// [`MAX_LABELS`], so that scrolling a huge table keeps memory flat.
    fn keep_labels(&mut self, labels: crate::labels::PageLabels) {
        let kept: usize = self.labels.values().map(HashMap::len).sum();
        if kept > MAX_LABELS {
            self.labels.clear();
        }
        for (column, found) in labels {
            self.labels.entry(column).or_default().extend(found);
        }
    }

    /// The label shown beside the foreign key `value` of `column`, when it was read.
    pub fn label(&self, column: &str, value: &Value) -> Option<&str> {
        if value.is_null() {
            return None;
        }
        self.labels
            .get(column)
            .and_then(|l| l.get(&crate::format::plain(value)))
            .map(String::as_str)
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, _ctx: &Ctx) {
        if area.height < 3 || area.width < 4 {
            return;
        }
        let body_rows = (area.height - 2) as usize;
        self.cursor = self.cursor.min(self.window.len().saturating_sub(1));
        self.scroll =
            scrolled(self.scroll, self.cursor, body_rows).min(self.window.len().saturating_sub(1));
        let footer_area = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        let table_area = Rect {
            height: area.height - 1,
            ..area
        };
        // Cells of the visible rows, and column widths fitted to them (to the headers alone
        // when there are no rows).
        let visible: Vec<(usize, &Record)> = self
            .window
            .rows()
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(body_rows)
            .collect();
        let headers: Vec<String> = self.columns.iter().map(|c| self.header_text(c)).collect();
        let cells: Vec<Vec<crate::format::Cell>> = visible
            .iter()
            .map(|(_, r)| {
                self.columns
                    .iter()
                    .map(|c| {
                        let value = r.get(&c.path).unwrap_or(&Value::Null);
                        let mut cell = zoned_cell(value, Some(&c.kind), c.zoned);
                        if let Some(label) = self.label(&c.path, value) {
                            cell.text = format!("{}  {label}", cell.text);
                        }
                        cell
                    })
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|row| width(&row[i].text))
                    .chain(std::iter::once(width(&headers[i])))
                    .max()
                    .unwrap_or(4)
                    .clamp(3, MAX_COLUMN_WIDTH)
            })
            .zip(&self.columns)
            .map(|(fitted, c)| match self.resized.get(&c.path) {
                Some(change) => (fitted as isize + change).clamp(3, WIDEST_COLUMN) as usize,
                None => fitted,
            })
            .collect();
        let available = area.width as usize;
        self.col = self.col.min(self.columns.len().saturating_sub(1));
        let frozen = self.frozen_columns(&widths, available);
        self.col_offset = if self.col < frozen {
            frozen
        } else {
            self.col_offset.clamp(frozen, self.col)
        };
        let frozen_width: usize = widths[..frozen].iter().map(|w| w + 1).sum();
        let fits = |from: usize, to: usize| {
            frozen_width + widths[from..=to].iter().map(|w| w + 1).sum::<usize>() <= available + 1
        };
        while self.col_offset < self.col && !fits(self.col_offset, self.col) {
            self.col_offset += 1;
        }
        // The frozen key columns first, then the others from the scroll offset.
        let mut shown = Vec::new();
        let mut used = 0;
        let order = (0..frozen).chain(self.col_offset..self.columns.len());
        for i in order {
            if used >= available {
                break;
            }
            let w = widths[i].min(available - used);
            // A column cut to a sliver says nothing; leave the room empty instead.
            if w < widths[i] && w < 10 && !shown.is_empty() {
                break;
            }
            shown.push((i, w));
            used += w + 1;
        }
        self.hits = super::RowHits {
            area: Rect {
                y: table_area.y + 1,
                height: visible.len() as u16,
                ..table_area
            },
            first: self.scroll,
            columns: super::column_spans(table_area.x, &shown),
            opens: None,
        };
        let header = Row::new(shown.iter().map(|&(i, w)| {
            let style = if self.columns[i].link {
                theme::header().patch(theme::link())
            } else {
                theme::header()
            };
            Cell::from(Span::styled(truncate(&headers[i], w), style))
        }));
        let rows: Vec<Row> = visible
            .iter()
            .zip(&cells)
            .map(|((index, _), row_cells)| {
                let selected = *index == self.cursor;
                let row = Row::new(shown.iter().map(|&(i, w)| {
                    let c = &row_cells[i];
                    let mut style = theme::value(c.class);
                    if selected && i == self.col {
                        style = style.patch(theme::selected_cell());
                    }
                    Cell::from(Span::styled(truncate(&c.text, w), style))
                }));
                if selected {
                    row.style(theme::selected_row())
                } else {
                    row
                }
            })
            .collect();
        let constraints: Vec<Constraint> = shown
            .iter()
            .map(|&(_, w)| Constraint::Length(w as u16))
            .collect();
        frame.render_widget(
            Table::new(rows, constraints)
                .header(header)
                .column_spacing(1),
            table_area,
        );
        if self.window.is_empty() {
            // Below the header (which, like a full grid's, never wraps), why there are no rows.
            let text = match &self.status {
                Status::Failed(message) => Line::styled(
                    format!("Could not read the rows: {message}"),
                    theme::error(),
                ),
                Status::Ready => Line::styled("No rows.", theme::dim()),
                _ => Line::styled("Reading…", theme::dim()),
            };
            let message_area = Rect {
                y: table_area.y + 1,
                height: table_area.height - 1,
                ..table_area
            };
            frame.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                message_area,
            );
        }
        frame.render_widget(Paragraph::new(self.footer()), footer_area);
    }

    /// How many columns stay at the left while the others scroll: the key columns that lead
    /// the table, when they take at most half the width (none otherwise).
    fn frozen_columns(&self, widths: &[usize], available: usize) -> usize {
        let leading = self
            .columns
            .iter()
            .take_while(|c| self.key.contains(&c.path))
            .count();
        let width: usize = widths[..leading].iter().map(|w| w + 1).sum();
        if width <= available / 2 {
            leading
        } else {
            0
        }
    }

    fn header_text(&self, column: &GridColumn) -> String {
        let mut text = column.header.clone();
        if let Some(sort) = self.sort.as_ref().filter(|s| s.path == column.path) {
            text.push_str(if sort.descending { " ▼" } else { " ▲" });
        }
        if self.filters.iter().any(|f| f.path == column.path) {
            text.push_str(" ≈");
        }
        text
    }

    fn footer(&self) -> Line<'static> {
        let mut parts = vec![Span::raw(self.position())];
        if let Some(sort) = &self.sort {
            let column = self
                .all_columns
                .iter()
                .find(|c| c.path == sort.path)
                .map_or(sort.path.as_str(), |c| c.header.as_str());
            parts.push(Span::styled(
                format!(
                    " · sort {column} {}",
                    if sort.descending { "▼" } else { "▲" }
                ),
                theme::dim(),
            ));
        }
        for f in &self.filters {
            parts.push(Span::styled(format!(" · {}", f.shown), theme::dim()));
        }
        if let Some(column) = self.columns.get(self.col) {
            parts.push(Span::styled(
                format!(
                    " · column {}/{} {}",
                    self.col + 1,
                    self.columns.len(),
                    column.header
                ),
                theme::dim(),
            ));
        }
        let hidden = self.all_columns.len() - self.columns.len();
        if hidden > 0 {
            parts.push(Span::styled(format!(" · {hidden} hidden"), theme::dim()));
        }
        if let Some(e) = &self.more_error {
            parts.push(Span::styled(format!(" · {e}"), theme::error()));
        }
        Line::from(parts)
    }

    /// The key of the row under the cursor, if the table has one.
    pub fn selected_key(&self) -> Option<Vec<Value>> {
        self.selected().and_then(|r| key_values(&self.key, r))
    }
}

/// A table name as a file name: path separators and other awkward characters become `_`.
fn file_stem(table: &str) -> String {
    let stem: String = table
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "export".into(),
        s => s.to_string(),
    }
}
