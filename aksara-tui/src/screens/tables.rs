//! The table list: every table and view, with its row count (the database's estimate where it
//! keeps one, else a count that stops at 10,000) and its relations.

use super::{match_rank, moved, scrolled, Ctx, Effect, PromptEvent, PromptKind, Slot, View};
use crate::action::Action;
use crate::catalog::{Catalog, TableEntry};
use crate::format::truncate;
use crate::jobs::{Count, Job, Outcome};
use crate::theme;
use aksara::introspect::TableKind;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;
use std::collections::HashMap;

/// Where table counts stop.
pub const COUNT_CAP: u64 = 10_000;

/// The table list's state.
#[derive(Debug, Default)]
pub struct TablesView {
    filter: String,
    saved_filter: String,
    cursor: usize,
    scroll: usize,
    counts: HashMap<String, Result<Count, String>>,
    asked: bool,
    /// Where the rows were drawn last, for the mouse.
    pub(crate) hits: super::RowHits,
}

impl TablesView {
    /// A fresh list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cursor's row among the tables shown.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text the list is narrowed by.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The tables shown, best match first.
    pub fn visible<'c>(&self, catalog: &'c Catalog) -> Vec<&'c TableEntry> {
        let mut ranked: Vec<(u8, usize, &TableEntry)> = catalog
            .tables
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let rank = match_rank(&t.table, &self.filter)
                    .or_else(|| match_rank(&t.model, &self.filter))?;
                Some((if self.filter.is_empty() { 0 } else { rank }, i, t))
            })
            .collect();
        ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
        ranked.into_iter().map(|(_, _, t)| t).collect()
    }

    /// The table under the cursor.
    pub fn selected<'c>(&self, catalog: &'c Catalog) -> Option<&'c TableEntry> {
        self.visible(catalog).get(self.cursor).copied()
    }

    /// The row count shown for `entry`.
    pub fn count(&self, entry: &TableEntry) -> Option<Result<Count, String>> {
        if let Some(n) = entry.estimated_rows {
            return Some(Ok(Count::Estimate(n)));
        }
        self.counts.get(&entry.model).cloned()
    }

    pub(crate) fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if self.asked {
            return Vec::new();
        }
        self.reload(ctx)
    }

    pub(crate) fn reload(&mut self, ctx: &Ctx) -> Vec<Effect> {
        self.asked = true;
        let models: Vec<String> = ctx
            .catalog
            .tables
            .iter()
            // Views are not counted: reading one may cost anything.
            .filter(|t| t.estimated_rows.is_none() && t.kind != TableKind::View)
            .map(|t| t.model.clone())
            .collect();
        if models.is_empty() {
            return Vec::new();
        }
        vec![Effect::Load {
            slot: Slot::Total,
            job: Job::Counts {
                models,
                cap: COUNT_CAP,
            },
        }]
    }

    pub(crate) fn loaded(&mut self, outcome: Outcome) -> Vec<Effect> {
        if let Outcome::Counts(counts) = outcome {
            self.counts.extend(counts);
        }
        Vec::new()
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        let len = self.visible(ctx.catalog).len();
        if let Some(c) = moved(self.cursor, len, action, ctx.body_rows) {
            self.cursor = c;
            return Vec::new();
        }
        match action {
            Action::Open => match self.selected(ctx.catalog) {
                Some(entry) => vec![Effect::Open(Box::new(View::Grid(super::GridView::table(
                    entry,
                    ctx.catalog,
                ))))],
                None => vec![Effect::Info("no table matches".into())],
            },
            Action::StartFilter => {
                self.saved_filter = self.filter.clone();
                vec![Effect::Prompt {
                    kind: PromptKind::FindTable,
                    label: "find table".into(),
                    initial: String::new(),
                }]
            }
            Action::Copy => match self.selected(ctx.catalog) {
                Some(entry) => vec![Effect::Copy {
                    what: "table name".into(),
                    text: entry.table.clone(),
                }],
                None => Vec::new(),
            },
            Action::Sort => vec![Effect::Info("tables are listed by name".into())],
            Action::MoveColumns { .. } => Vec::new(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn prompt(
        &mut self,
        _kind: PromptKind,
        event: PromptEvent,
        _ctx: &Ctx,
    ) -> Vec<Effect> {
        match event {
            PromptEvent::Changed(text) | PromptEvent::Submitted(text) => {
                self.filter = text;
                self.cursor = 0;
            }
            PromptEvent::Dismissed => {
                self.filter = std::mem::take(&mut self.saved_filter);
                self.cursor = 0;
            }
        }
        Vec::new()
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let visible = self.visible(ctx.catalog);
        if area.height < 2 {
            return;
        }
        let rows_shown = area.height.saturating_sub(2) as usize;
        self.cursor = self.cursor.min(visible.len().saturating_sub(1));
        self.scroll = scrolled(self.scroll, self.cursor, rows_shown);
        let header =
            Row::new(["table", "kind", "rows", "relations", "about"]).style(theme::header());
        let name_width = visible
            .iter()
            .map(|t| crate::format::width(&t.table))
            .max()
            .unwrap_or(5)
            .clamp(5, 32) as u16;
        let rows: Vec<Row> = visible
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(rows_shown)
            .map(|(i, t)| {
                let info = ctx.catalog.info(&t.model);
                let relations = info.map(|m| m.edges.len()).unwrap_or(0);
                let kind = match (t.kind, t.junction) {
                    (TableKind::View, _) => "view",
                    (TableKind::Partitioned, _) => "partitioned",
                    (_, true) => "junction",
                    _ if t.key.is_empty() => "no key",
                    _ => "table",
                };
                let count = match self.count(t) {
                    Some(Ok(c)) => c.to_string(),
                    Some(Err(_)) => "?".into(),
                    None if t.kind == TableKind::View => "–".into(),
                    None => "…".into(),
                };
                let about = t.description.clone().unwrap_or_else(|| {
                    let targets: Vec<String> = info
                        .map(|m| {
                            let mut names: Vec<String> = m
                                .edges
                                .iter()
                                .map(|e| ctx.catalog.registry.at(e.target).meta.table.clone())
                                .collect();
                            names.dedup();
                            names
                        })
                        .unwrap_or_default();
                    if targets.is_empty() {
                        String::new()
                    } else {
                        format!("→ {}", targets.join(", "))
                    }
                });
                let row = Row::new(vec![
                    Cell::from(truncate(&t.table, name_width as usize)),
                    Cell::from(kind).style(theme::dim()),
                    Cell::from(Line::from(count).right_aligned()),
                    Cell::from(Line::from(relations.to_string()).right_aligned()),
                    Cell::from(Span::styled(about, theme::dim())),
                ]);
                if i == self.cursor {
                    row.style(theme::selected_row())
                } else {
                    row
                }
            })
            .collect();
        let widths = [
            Constraint::Length(name_width),
            Constraint::Length(11),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Fill(1),
        ];
        let table_area = Rect {
            height: area.height - 1,
            ..area
        };
        self.hits = super::RowHits {
            area: Rect {
                y: area.y + 1,
                height: (visible.len().saturating_sub(self.scroll)).min(rows_shown) as u16,
                ..area
            },
            first: self.scroll,
            columns: Vec::new(),
            opens: None,
        };
        frame.render_widget(
            Table::new(rows, widths).header(header).column_spacing(2),
            table_area,
        );
        let footer = if visible.is_empty() {
            format!("no table matches “{}”", self.filter)
        } else {
            let mut text = format!("{} of {} tables", visible.len(), ctx.catalog.tables.len());
            if !self.filter.is_empty() {
                text.push_str(&format!(" matching “{}”", self.filter));
            }
            text
        };
        let footer_area = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        frame.render_widget(
            Paragraph::new(Span::styled(footer, theme::dim())),
            footer_area,
        );
    }
}
