//! The record detail: every field of one row, its forward relations with the label of the row
//! they point at, its reverse and many-to-many relations with their (capped) counts, and a pane
//! showing the selected value in full (JSON pretty-printed, bytes as a hex dump) or the
//! selected relation's description.

mod editing;

pub use editing::READ_ONLY;

use super::{
    match_rank, moved, scrolled, Ctx, Effect, PromptEvent, PromptKind, Slot, Status, View,
};
use crate::action::Action;
use crate::catalog::{composite_reverse_name, edge_kind, key_values, record_label, Catalog};
use crate::format::{full, plain, truncate, wrap, zoned_cell};
use crate::jobs::{
    composite_conditions, composite_references, composite_reverse_conditions, Count, DetailData,
    DetailRequest, Job, Outcome,
};
use crate::theme;
use aksara::{Condition, Edge, FieldMeta, ModelInfo, Record, Via};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// Where relation counts stop.
pub const RELATION_CAP: u64 = 1_000;

/// How a detail view was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// A row of a grid was opened.
    FromGrid,
    /// A relation was followed to this one record.
    Follow {
        /// The relation's name.
        relation: String,
    },
}

/// One line of the detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailRow {
    /// A field (by its position among the model's columns).
    Field(usize),
    /// A reverse or many-to-many relation (by edge name).
    Relation(String),
    /// A foreign key over several columns (by constraint name).
    Composite(String),
    /// The rows of another table whose foreign key over several columns points at this row
    /// (by that table's model and the constraint's name).
    CompositeReverse {
        /// The referencing model.
        model: String,
        /// The constraint.
        constraint: String,
    },
}

/// A detail view's state.
#[derive(Debug)]
pub struct DetailView {
    /// Where the rows were drawn last, for the mouse.
    pub(crate) hits: super::RowHits,
    /// The model of the record.
    pub model: String,
    /// Its table.
    pub table: String,
    /// How it was reached.
    pub arrival: Arrival,
    record: Option<Record>,
    find: Vec<Condition>,
    key: Vec<String>,
    /// The columns whose date-times carry a time zone.
    zoned: Vec<String>,
    data: Option<DetailData>,
    rows: Vec<DetailRow>,
    cursor: usize,
    scroll: usize,
    saved_cursor: usize,
    zoomed: bool,
    /// The value pane's first line shown, and its size at the last draw: lines in all, lines
    /// visible (movement keys scroll the pane while the value is enlarged).
    pane_scroll: usize,
    pane_lines: usize,
    pane_rows: usize,
    status: Status,
    /// An edit waiting for its confirm, being written or refused (`--write`).
    edit: Option<crate::edit::PendingEdit>,
}

impl DetailView {
    /// The detail of a row the grid already holds.
    pub fn from_grid(catalog: &Catalog, model: &str, record: Record) -> DetailView {
        let mut view = DetailView::new(catalog, model, Arrival::FromGrid, Vec::new());
        view.record = Some(record);
        view
    }

    /// True while the selected value is enlarged (the movement keys scroll it).
    pub fn is_zoomed(&self) -> bool {
        self.zoomed
    }

    /// The record of `model` that `find` selects, reached through `relation`.
    pub fn follow(
        catalog: &Catalog,
        model: &str,
        find: Vec<Condition>,
        relation: &str,
    ) -> DetailView {
        DetailView::new(
            catalog,
            model,
            Arrival::Follow {
                relation: relation.to_string(),
            },
            find,
        )
    }

    fn new(catalog: &Catalog, model: &str, arrival: Arrival, find: Vec<Condition>) -> DetailView {
        let info = catalog.info(model);
        let mut rows: Vec<DetailRow> = info
            .map(|i| {
                (0..i.meta.concrete_fields().count())
                    .map(DetailRow::Field)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(info) = info {
            rows.extend(
                info.edges
                    .iter()
                    .filter(|e| !matches!(e.via, Via::Forward { .. }))
                    .map(|e| DetailRow::Relation(e.name.clone())),
            );
        }
        let entry = catalog.table(model);
        if let Some(entry) = entry {
            rows.extend(
                entry
                    .composite_foreign_keys
                    .iter()
                    .map(|fk| DetailRow::Composite(fk.name.clone())),
            );
        }
        rows.extend(composite_references(catalog, model).map(|(other, fk)| {
            DetailRow::CompositeReverse {
                model: other.model.clone(),
                constraint: fk.name.clone(),
            }
        }));
        DetailView {
            hits: super::RowHits::default(),
            model: model.to_string(),
            table: info
                .map(|i| i.meta.table.clone())
                .unwrap_or_else(|| model.to_string()),
            arrival,
            record: None,
            find,
            key: entry.map(|e| e.key.clone()).unwrap_or_default(),
            zoned: entry.map(|e| e.zoned.clone()).unwrap_or_default(),
            data: None,
            rows,
            cursor: 0,
            scroll: 0,
            saved_cursor: 0,
            zoomed: false,
            pane_scroll: 0,
            pane_lines: 0,
            pane_rows: 0,
            status: Status::Idle,
            edit: None,
        }
    }

    fn is_zoned(&self, column: &str) -> bool {
        self.zoned.iter().any(|c| c == column)
    }

    /// The record, once read.
    pub fn record(&self) -> Option<&Record> {
        self.data
            .as_ref()
            .map(|d| &d.record)
            .or(self.record.as_ref())
    }

    /// What the detail knows about the record's relations, once read.
    pub fn data(&self) -> Option<&DetailData> {
        self.data.as_ref()
    }

    /// Whether the record is there.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The lines of the view.
    pub fn rows(&self) -> &[DetailRow] {
        &self.rows
    }

    /// The line under the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The record's short name.
    pub fn label(&self, catalog: &Catalog) -> Option<String> {
        let info = catalog.info(&self.model)?;
        self.record().map(|r| record_label(info, r))
    }

    pub(crate) fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self.status {
            Status::Idle | Status::Loading => self.reload(ctx),
            _ => Vec::new(),
        }
    }

    pub(crate) fn reload(&mut self, _ctx: &Ctx) -> Vec<Effect> {
        // Read the record again by its key when it has one; the grid's copy otherwise.
        let record = self.record().cloned();
        let (record, find) = match (
            &record,
            record.as_ref().and_then(|r| key_values(&self.key, r)),
        ) {
            (Some(_), Some(values)) if self.status != Status::Idle => (
                None,
                self.key
                    .iter()
                    .zip(values)
                    .map(|(k, v)| Condition::new(k.clone(), v))
                    .collect(),
            ),
            (Some(_), _) => (record, Vec::new()),
            (None, _) => (None, self.find.clone()),
        };
        self.status = Status::Loading;
        vec![Effect::Load {
            slot: Slot::Main,
            job: Job::Detail(DetailRequest {
                model: self.model.clone(),
                record,
                find,
                cap: RELATION_CAP,
            }),
        }]
    }

    pub(crate) fn loaded(&mut self, outcome: Outcome, ctx: &Ctx) -> Vec<Effect> {
        if matches!(outcome, Outcome::Edited(_)) {
            return self.edit_loaded(outcome, ctx);
        }
        if let Outcome::Detail(data) = outcome {
            self.record = Some(data.record.clone());
            self.data = Some(*data);
            self.status = Status::Ready;
        }
        Vec::new()
    }

    pub(crate) fn failed(&mut self, message: &str) {
        if self.edit_failed(message) {
            return;
        }
        self.status = Status::Failed(message.to_string());
    }

    fn field<'a>(&self, info: &'a ModelInfo, index: usize) -> Option<&'a FieldMeta> {
        info.meta.concrete_fields().nth(index)
    }

    fn forward_edge<'a>(info: &'a ModelInfo, field: &FieldMeta) -> Option<&'a Edge> {
        info.edges
            .iter()
            .find(|e| e.forward && e.field == field.name && matches!(e.via, Via::Forward { .. }))
    }

    fn row_name(&self, info: &ModelInfo, row: &DetailRow) -> String {
        match row {
            DetailRow::Field(i) => self
                .field(info, *i)
                .map(|f| f.column.clone())
                .unwrap_or_default(),
            DetailRow::Relation(name) | DetailRow::Composite(name) => name.clone(),
            DetailRow::CompositeReverse { model, constraint } => {
                composite_reverse_name(model, constraint)
            }
        }
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        if self.editing() {
            return self.edit_key(action);
        }
        if matches!(action, Action::Edit) {
            return self.start_edit(ctx);
        }
        if self.zoomed {
            // An enlarged value scrolls with the movement keys.
            let last_start = self.pane_lines.saturating_sub(self.pane_rows);
            if let Some(s) = moved(self.pane_scroll, last_start + 1, action, self.pane_rows) {
                self.pane_scroll = s;
                return Vec::new();
            }
        }
        if let Some(c) = moved(self.cursor, self.rows.len(), action, ctx.body_rows) {
            self.cursor = c;
            self.pane_scroll = 0;
            return Vec::new();
        }
        let Some(info) = ctx.catalog.info(&self.model) else {
            return Vec::new();
        };
        match action {
            Action::Open => self.open(info, ctx),
            Action::StartFilter => {
                self.saved_cursor = self.cursor;
                vec![Effect::Prompt {
                    kind: PromptKind::FindField,
                    label: "find field".into(),
                    initial: String::new(),
                }]
            }
            Action::CopyRow { json } => match self.record() {
                Some(record) => {
                    let fields: Vec<_> = info.meta.concrete_fields().collect();
                    let names: Vec<String> = fields.iter().map(|f| f.column.clone()).collect();
                    let values: Vec<aksara::Value> = fields
                        .iter()
                        .map(|f| record.get(&f.name).cloned().unwrap_or(aksara::Value::Null))
                        .collect();
                    vec![crate::clipboard::row_effect(&names, &values, *json)]
                }
                None => vec![Effect::Info("the record is not read yet".into())],
            },
            Action::Copy => match (self.rows.get(self.cursor), self.record()) {
                (Some(DetailRow::Field(i)), Some(record)) => {
                    let Some(field) = self.field(info, *i) else {
                        return Vec::new();
                    };
                    vec![Effect::Copy {
                        what: field.column.clone(),
                        text: record.get(&field.name).map(plain).unwrap_or_default(),
                    }]
                }
                (Some(row), _) => vec![Effect::Copy {
                    what: "relation name".into(),
                    text: self.row_name(info, row),
                }],
                _ => Vec::new(),
            },
            Action::Sort => vec![Effect::Info("fields are shown in column order".into())],
            _ => Vec::new(),
        }
    }

    fn open(&mut self, info: &ModelInfo, ctx: &Ctx) -> Vec<Effect> {
        let Some(record) = self.record() else {
            return vec![Effect::Info("the record is not read yet".into())];
        };
        let label = record_label(info, record);
        let registry = &ctx.catalog.registry;
        match self.rows.get(self.cursor) {
            Some(DetailRow::Field(i)) => {
                let Some(field) = self.field(info, *i) else {
                    return Vec::new();
                };
                let value = record.get(&field.name).filter(|v| !v.is_null());
                let across = ctx.catalog.foreign_link(&self.table, &field.column);
                if let (None, Some(link), Some(value)) =
                    (Self::forward_edge(info, field), across, value)
                {
                    return vec![Effect::FollowAcross {
                        schema: link.schema.clone(),
                        table: link.target.clone(),
                        column: link.target_column.clone(),
                        value: value.clone(),
                        via: field.column.clone(),
                    }];
                }
                let Some(edge) = Self::forward_edge(info, field) else {
                    // A plain field: Enter gives its value most of the screen, and back.
                    self.zoomed = !self.zoomed;
                    self.pane_scroll = 0;
                    return Vec::new();
                };
                if record.get(&field.name).is_none_or(|v| v.is_null()) {
                    return vec![Effect::Info(format!(
                        "{} is NULL: it points at no row",
                        field.column
                    ))];
                }
                match record.related(&edge.name) {
                    Ok(qs) => {
                        let target = registry.at(edge.target);
                        let view = DetailView::follow(
                            ctx.catalog,
                            &target.meta.name,
                            qs.query().conditions.clone(),
                            &edge.name,
                        );
                        vec![Effect::Open(Box::new(View::Detail(view)))]
                    }
                    Err(e) => vec![Effect::Error(e.to_string())],
                }
            }
            Some(DetailRow::Relation(name)) => {
                let Some(edge) = info.edge(name) else {
                    return Vec::new();
                };
                let target = registry.at(edge.target);
                match record.related(&edge.name) {
                    Ok(qs) => {
                        let conditions = qs.query().conditions.clone();
                        let view = if edge.is_many() {
                            View::Grid(super::GridView::related(
                                ctx.catalog,
                                &target.meta.name,
                                conditions,
                                &edge.name,
                                &label,
                            ))
                        } else {
                            View::Detail(DetailView::follow(
                                ctx.catalog,
                                &target.meta.name,
                                conditions,
                                &edge.name,
                            ))
                        };
                        vec![Effect::Open(Box::new(view))]
                    }
                    Err(e) => vec![Effect::Error(e.to_string())],
                }
            }
            Some(DetailRow::Composite(name)) => {
                let fk = ctx
                    .catalog
                    .table(&self.model)
                    .and_then(|t| t.composite_foreign_keys.iter().find(|fk| &fk.name == name));
                let Some(fk) = fk else { return Vec::new() };
                match composite_conditions(registry, info, fk, record) {
                    Some(conditions) => {
                        let view = DetailView::follow(ctx.catalog, &fk.target, conditions, name);
                        vec![Effect::Open(Box::new(View::Detail(view)))]
                    }
                    None => vec![Effect::Info(format!(
                        "{name} has a NULL column: it points at no row"
                    ))],
                }
            }
            Some(DetailRow::CompositeReverse { model, constraint }) => {
                let Some((other, fk)) = composite_references(ctx.catalog, &self.model)
                    .find(|(t, fk)| &t.model == model && &fk.name == constraint)
                else {
                    return Vec::new();
                };
                match composite_reverse_conditions(registry, info, &other.model, fk, record) {
                    Some(conditions) => {
                        let name = composite_reverse_name(model, constraint);
                        let view =
                            super::GridView::related(ctx.catalog, model, conditions, &name, &label);
                        vec![Effect::Open(Box::new(View::Grid(view)))]
                    }
                    None => vec![Effect::Info(
                        "this row's referenced columns hold NULL: no row points at it".into(),
                    )],
                }
            }
            None => Vec::new(),
        }
    }

    pub(crate) fn prompt(
        &mut self,
        kind: PromptKind,
        event: PromptEvent,
        ctx: &Ctx,
    ) -> Vec<Effect> {
        if kind == PromptKind::EditValue {
            return match event {
                PromptEvent::Submitted(text) => self.edit_typed(&text, ctx),
                _ => Vec::new(),
            };
        }
        let Some(info) = ctx.catalog.info(&self.model) else {
            return Vec::new();
        };
        match event {
            PromptEvent::Changed(text) | PromptEvent::Submitted(text) => {
                let best = self
                    .rows
                    .iter()
                    .enumerate()
                    .filter_map(|(i, row)| {
                        let mut ranks = vec![match_rank(&self.row_name(info, row), &text)];
                        if let DetailRow::Field(f) = row {
                            if let Some(field) = self.field(info, *f) {
                                ranks.push(match_rank(&field.name, &text));
                            }
                        }
                        ranks.into_iter().flatten().min().map(|r| (r, i))
                    })
                    .min();
                match best {
                    Some((_, i)) => self.cursor = i,
                    None => return vec![Effect::Info(format!("no field matches “{text}”"))],
                }
            }
            PromptEvent::Dismissed => self.cursor = self.saved_cursor,
        }
        Vec::new()
    }

    fn count_text(&self, edge: &str) -> String {
        match self.data.as_ref().and_then(|d| d.counts.get(edge)) {
            Some(Ok(Count::Exact(1))) => "1 row".into(),
            Some(Ok(c)) => format!("{c} rows"),
            Some(Err(e)) => format!("error: {e}"),
            None => "…".into(),
        }
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let Some(info) = ctx.catalog.info(&self.model) else {
            return;
        };
        if area.height < 3 {
            return;
        }
        if self.editing() {
            return self.draw_edit(frame, area, ctx);
        }
        let title = Rect { height: 1, ..area };
        let label = self.label(ctx.catalog).unwrap_or_else(|| "…".into());
        let key = self
            .record()
            .and_then(|r| key_values(&self.key, r))
            .map(|v| v.iter().map(plain).collect::<Vec<_>>().join(", "));
        let mut heading = vec![
            Span::styled(self.table.clone(), theme::header()),
            Span::raw(" "),
            Span::raw(label),
        ];
        if let Some(key) = key {
            heading.push(Span::styled(format!("  (key {key})"), theme::dim()));
        }
        frame.render_widget(Paragraph::new(Line::from(heading)), title);
        let body = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        let Some(record) = self.record().cloned() else {
            let text = match &self.status {
                Status::Failed(m) => {
                    Line::styled(format!("Could not read the record: {m}"), theme::error())
                }
                _ => Line::styled("Reading…", theme::dim()),
            };
            frame.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                body,
            );
            return;
        };
        let pane_height = if self.zoomed && body.height >= 8 {
            body.height - 3
        } else if body.height >= 12 {
            (body.height / 3).clamp(4, 12)
        } else {
            0
        };
        let list = Rect {
            height: body.height - pane_height,
            ..body
        };
        let list_rows = list.height as usize;
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        self.scroll = scrolled(self.scroll, self.cursor, list_rows);

        let names: Vec<String> = self.rows.iter().map(|r| self.row_name(info, r)).collect();
        let name_width = names
            .iter()
            .map(|n| crate::format::width(n))
            .max()
            .unwrap_or(4)
            .clamp(4, 28);
        let kinds: Vec<String> = self
            .rows
            .iter()
            .map(|r| self.kind_text(ctx.catalog, info, r))
            .collect();
        let kind_width = kinds
            .iter()
            .map(|k| crate::format::width(k))
            .max()
            .unwrap_or(4)
            .clamp(4, 24);
        let value_width = (list.width as usize).saturating_sub(name_width + kind_width + 2);
        let rows: Vec<Row> = self
            .rows
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(list_rows)
            .map(|(i, row)| {
                let value = self.value_line(info, row, &record, value_width);
                let name_style = match row {
                    DetailRow::Field(_) => {
                        theme::header().remove_modifier(ratatui::style::Modifier::UNDERLINED)
                    }
                    _ => theme::link(),
                };
                let r = Row::new(vec![
                    Cell::from(Span::styled(truncate(&names[i], name_width), name_style)),
                    Cell::from(Span::styled(truncate(&kinds[i], kind_width), theme::dim())),
                    Cell::from(value),
                ]);
                if i == self.cursor {
                    r.style(theme::selected_row())
                } else {
                    r
                }
            })
            .collect();
        let widths = [
            Constraint::Length(name_width as u16),
            Constraint::Length(kind_width as u16),
            Constraint::Fill(1),
        ];
        frame.render_widget(Table::new(rows, widths).column_spacing(1), list);
        self.hits = super::RowHits {
            area: Rect {
                height: (self.rows.len().saturating_sub(self.scroll) as u16).min(list.height),
                ..list
            },
            first: self.scroll,
            columns: Vec::new(),
            opens: None,
        };
        if pane_height > 0 {
            let pane = Rect {
                y: list.y + list.height,
                height: pane_height,
                ..body
            };
            // A click on the pane of a relation follows it.
            let follows = match self.rows.get(self.cursor) {
                Some(DetailRow::Field(i)) => {
                    self.field(info, *i).is_some_and(|f| f.relation.is_some())
                }
                Some(_) => true,
                None => false,
            };
            if follows {
                self.hits.opens = Some(pane);
            }
            let (lines, rows) = self.draw_pane(frame, pane, ctx.catalog, info, &record);
            self.pane_lines = lines;
            self.pane_rows = rows;
        }
    }

    fn kind_text(&self, catalog: &Catalog, info: &ModelInfo, row: &DetailRow) -> String {
        match row {
            DetailRow::Field(i) => {
                let Some(field) = self.field(info, *i) else {
                    return String::new();
                };
                if let Some(link) = catalog.foreign_link(&self.table, &field.column) {
                    return format!("→ {}.{}", link.schema, link.target);
                }
                if let Some(edge) = Self::forward_edge(info, field) {
                    let table = &catalog.registry.at(edge.target).meta.table;
                    // A one-to-one that is the key: the row extends the one it points at.
                    return if field.primary_key {
                        format!("→ {table}, key")
                    } else {
                        format!("→ {table}")
                    };
                }
                let mut text = match &field.kind {
                    aksara::FieldKind::Other(name) => name.clone(),
                    kind => kind.describe().to_string(),
                };
                if field.primary_key {
                    text.push_str(", key");
                }
                text
            }
            DetailRow::Relation(name) => match info.edge(name) {
                Some(edge) => format!(
                    "{} {}",
                    match edge.via {
                        Via::Junction { .. } => "⇄",
                        _ => "←",
                    },
                    catalog.registry.at(edge.target).meta.table
                ),
                None => String::new(),
            },
            DetailRow::Composite(name) => catalog
                .table(&self.model)
                .and_then(|t| t.composite_foreign_keys.iter().find(|fk| &fk.name == name))
                .map(|fk| format!("→ {} (composite)", fk.target))
                .unwrap_or_default(),
            DetailRow::CompositeReverse { model, .. } => {
                let table = catalog
                    .table(model)
                    .map_or(model.as_str(), |t| t.table.as_str());
                format!("← {table} (composite)")
            }
        }
    }

    fn value_line(
        &self,
        info: &ModelInfo,
        row: &DetailRow,
        record: &Record,
        width: usize,
    ) -> Line<'static> {
        match row {
            DetailRow::Field(i) => {
                let Some(field) = self.field(info, *i) else {
                    return Line::default();
                };
                let value = record
                    .get(&field.name)
                    .cloned()
                    .unwrap_or(aksara::Value::Null);
                let c = zoned_cell(&value, Some(&field.kind), self.is_zoned(&field.column));
                let label = self.data.as_ref().and_then(|d| d.labels.get(&field.name));
                // Beside a label, the raw id gives up room first (down to half the width).
                let raw_width = match label {
                    Some(label) => crate::format::width(&c.text).min(
                        width
                            .saturating_sub(crate::format::width(label) + 2)
                            .max(width / 2),
                    ),
                    None => width,
                };
                let raw = truncate(&c.text, raw_width);
                let used = crate::format::width(&raw) + 2;
                let mut spans = vec![Span::styled(raw, theme::value(c.class))];
                if let Some(label) = label.filter(|_| used < width) {
                    spans.push(Span::styled(
                        format!("  {}", truncate(label, width - used)),
                        theme::link(),
                    ));
                }
                Line::from(spans)
            }
            DetailRow::Relation(name) => {
                Line::styled(truncate(&self.count_text(name), width), theme::link())
            }
            DetailRow::CompositeReverse { model, constraint } => Line::styled(
                truncate(
                    &self.count_text(&composite_reverse_name(model, constraint)),
                    width,
                ),
                theme::link(),
            ),
            DetailRow::Composite(name) => {
                let label = self
                    .data
                    .as_ref()
                    .and_then(|d| d.composite_labels.get(name))
                    .cloned()
                    .unwrap_or_else(|| "…".into());
                Line::styled(truncate(&label, width), theme::link())
            }
        }
    }

    /// Draws the value pane from its scroll position; returns how many lines the value has
    /// and how many are visible.
    fn draw_pane(
        &self,
        frame: &mut Frame,
        area: Rect,
        catalog: &Catalog,
        info: &ModelInfo,
        record: &Record,
    ) -> (usize, usize) {
        let inner_width = area.width.saturating_sub(2) as usize;
        let (title, lines): (String, Vec<String>) = match self.rows.get(self.cursor) {
            Some(DetailRow::Field(i)) => {
                let Some(field) = self.field(info, *i) else {
                    return (0, 0);
                };
                let value = record
                    .get(&field.name)
                    .cloned()
                    .unwrap_or(aksara::Value::Null);
                let mut lines = full(&value, Some(&field.kind), self.is_zoned(&field.column));
                if let Some(edge) = Self::forward_edge(info, field) {
                    lines.push(String::new());
                    lines.push(edge.description.clone());
                    lines.push("Enter opens the row it points at.".into());
                }
                (field.column.clone(), lines)
            }
            Some(DetailRow::Relation(name)) => {
                let Some(edge) = info.edge(name) else {
                    return (0, 0);
                };
                let target = &catalog.registry.at(edge.target).meta.table;
                let what_enter_does = if edge.is_many() {
                    format!(
                        "Enter lists the {} {target} rows linked to this one.",
                        self.count_text(name)
                            .trim_end_matches(" rows")
                            .trim_end_matches(" row")
                    )
                } else {
                    format!("Enter opens the {target} row that points at this one.")
                };
                (
                    format!("{name} ({})", edge_kind(edge)),
                    vec![edge.description.clone(), what_enter_does],
                )
            }
            Some(DetailRow::Composite(name)) => {
                let fk = catalog
                    .table(&self.model)
                    .and_then(|t| t.composite_foreign_keys.iter().find(|fk| &fk.name == name));
                let Some(fk) = fk else {
                    return (0, 0);
                };
                (
                    name.clone(),
                    vec![format!(
                        "({}) references {} ({}). Enter opens the row it points at.",
                        fk.columns.join(", "),
                        fk.target,
                        fk.target_columns.join(", ")
                    )],
                )
            }
            Some(DetailRow::CompositeReverse { model, constraint }) => {
                let Some((other, fk)) = composite_references(catalog, &self.model)
                    .find(|(t, fk)| &t.model == model && &fk.name == constraint)
                else {
                    return (0, 0);
                };
                let name = composite_reverse_name(model, constraint);
                (
                    name.clone(),
                    vec![format!(
                        "The {} rows whose ({}) are this row's ({}). Enter lists the {}.",
                        other.table,
                        fk.columns.join(", "),
                        fk.target_columns.join(", "),
                        self.count_text(&name)
                    )],
                )
            }
            None => return (0, 0),
        };
        let all: Vec<String> = lines.iter().flat_map(|l| wrap(l, inner_width)).collect();
        let rows = area.height.saturating_sub(1) as usize;
        let start = self.pane_scroll.min(all.len().saturating_sub(rows));
        let wrapped: Vec<Line> = all
            .iter()
            .skip(start)
            .take(rows)
            .cloned()
            .map(Line::from)
            .collect();
        let title = if all.len() > rows {
            let end = (start + rows).min(all.len());
            let hint = if self.zoomed {
                "j/k PgUp/PgDn scroll"
            } else {
                "Enter enlarges"
            };
            format!(
                " {title}  lines {}-{end} of {}, {hint} ",
                start + 1,
                all.len()
            )
        } else {
            format!(" {title} ")
        };
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(title, theme::dim()));
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        frame.render_widget(Paragraph::new(wrapped).block(block), inner);
        (all.len(), rows)
    }
}
