//! The result of a query typed at the SQL prompt (`:`): its rows in a grid like a table's,
//! the first [`crate::sql::ROW_CAP`] of them, with a line saying how many there were.
//!
//! Enter on a value follows it when its column names exactly one table's key, or the
//! foreign key columns of the tables point one way: `author_id` of `posts` leads to the
//! user with that key. `:` opens the prompt again; Up there brings the query back, to
//! change it.

use super::{moved, scrolled, Ctx, Effect, PromptKind, Slot, Status, View};
use crate::action::Action;
use crate::catalog::{path_of_column, Catalog};
use crate::format::{plain, thousands, truncate, width, zoned_cell};
use crate::jobs::{Job, Outcome};
use crate::sql::{SqlResult, ROW_CAP};
use crate::theme;
use aksara::{Condition, Value, Via};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// The widest a column is drawn.
const MAX_COLUMN_WIDTH: usize = 40;

/// An SQL result screen's state.
#[derive(Debug)]
pub struct SqlView {
    /// The query.
    pub text: String,
    result: Option<SqlResult>,
    status: Status,
    cursor: usize,
    scroll: usize,
    col: usize,
    col_offset: usize,
    /// Where the rows were drawn last, for the mouse.
    pub(crate) hits: super::RowHits,
}

impl SqlView {
    /// The screen of `text`, to be run when entered.
    pub fn new(text: &str) -> SqlView {
        SqlView {
            text: text.trim().to_string(),
            result: None,
            status: Status::Idle,
            cursor: 0,
            scroll: 0,
            col: 0,
            col_offset: 0,
            hits: super::RowHits::default(),
        }
    }

    /// The result, once there.
    pub fn result(&self) -> Option<&SqlResult> {
        self.result.as_ref()
    }

    /// Whether the result is there.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The row under the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The column under the cursor.
    pub fn column(&self) -> usize {
        self.col
    }

    fn rows(&self) -> &[Vec<Value>] {
        self.result.as_ref().map_or(&[], |r| r.rows.as_slice())
    }

    pub(crate) fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self.status {
            Status::Idle => self.reload(ctx),
            _ => Vec::new(),
        }
    }

    pub(crate) fn reload(&mut self, _ctx: &Ctx) -> Vec<Effect> {
        self.status = Status::Loading;
        vec![Effect::Load {
            slot: Slot::Main,
            job: Job::Sql {
                text: self.text.clone(),
            },
        }]
    }

    pub(crate) fn loaded(&mut self, outcome: Outcome) {
        if let Outcome::Sql(result) = outcome {
            self.result = Some(*result);
            self.status = Status::Ready;
            self.cursor = 0;
            self.scroll = 0;
            self.col = 0;
            self.col_offset = 0;
        }
    }

    pub(crate) fn failed(&mut self, message: &str) {
        self.status = Status::Failed(message.to_string());
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        let len = self.rows().len();
        if let Some(c) = moved(self.cursor, len, action, ctx.body_rows) {
            self.cursor = c;
            return Vec::new();
        }
        let columns = self.result.as_ref().map_or(0, |r| r.columns.len());
        match action {
            Action::MoveColumns { by } => {
                self.col = self
                    .col
                    .saturating_add_signed(*by)
                    .min(columns.saturating_sub(1));
                Vec::new()
            }
            Action::CopyRow { json } => match self.result.as_ref() {
                Some(result) => match result.rows.get(self.cursor) {
                    Some(row) => vec![crate::clipboard::row_effect(&result.columns, row, *json)],
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
            Action::Copy => match self.value() {
                Some((name, value)) => vec![Effect::Copy {
                    what: name.to_string(),
                    text: plain(value),
                }],
                None => Vec::new(),
            },
            Action::Open => self.follow(ctx.catalog),
            Action::StartFilter => vec![Effect::Info(
                "a query's result cannot be filtered: change the query (:)".into(),
            )],
            Action::Sort | Action::Export => vec![Effect::Info(
                "sort and export work on tables; write ORDER BY in the query (:)".into(),
            )],
            _ => Vec::new(),
        }
    }

    /// The name and value under the cursor.
    fn value(&self) -> Option<(&str, &Value)> {
        let result = self.result.as_ref()?;
        let name = result.columns.get(self.col)?;
        let value = result.rows.get(self.cursor)?.get(self.col)?;
        Some((name.as_str(), value))
    }

    /// Enter on a value: the row of the one table its column points at.
    fn follow(&self, catalog: &Catalog) -> Vec<Effect> {
        let Some((name, value)) = self.value() else {
            return Vec::new();
        };
        if value.is_null() {
            return vec![Effect::Info("NULL points at nothing".into())];
        }
        let targets = column_targets(catalog, name);
        match targets.as_slice() {
            [(model, column)] => {
                let Some(info) = catalog.info(model) else {
                    return Vec::new();
                };
                let condition = Condition::new(path_of_column(info, column), value.clone());
                let view = super::DetailView::follow(catalog, model, vec![condition], name);
                vec![Effect::Open(Box::new(View::Detail(view)))]
            }
            [] => vec![Effect::Info(format!(
                "`{name}` is no table's key or foreign key: nothing to follow"
            ))],
            several => vec![Effect::Info(format!(
                "`{name}` could point at {}: nothing followed",
                several
                    .iter()
                    .map(|(m, _)| catalog.table(m).map_or(m.as_str(), |t| t.table.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))],
        }
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, _ctx: &Ctx) {
        if area.height < 4 || area.width < 4 {
            return;
        }
        let query_area = Rect { height: 1, ..area };
        let footer_area = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        let table_area = Rect {
            y: area.y + 1,
            height: area.height - 2,
            ..area
        };
        let query = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(": ", theme::key()),
                Span::raw(truncate(&query, area.width.saturating_sub(2) as usize)),
            ])),
            query_area,
        );
        let body_rows = table_area.height.saturating_sub(1) as usize;
        let len = self.rows().len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.scroll = scrolled(self.scroll, self.cursor, body_rows).min(len.saturating_sub(1));
        let Some(result) = self.result.as_ref() else {
            let text = match &self.status {
                Status::Failed(message) => {
                    Line::styled(format!("The query failed: {message}"), theme::error())
                }
                _ => Line::styled("Running…", theme::dim()),
            };
            frame.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
                table_area,
            );
            return;
        };
        let visible: Vec<(usize, &Vec<Value>)> = result
            .rows
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(body_rows)
            .collect();
        let cells: Vec<Vec<crate::format::Cell>> = visible
            .iter()
            .map(|(_, r)| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| zoned_cell(v, None, result.zoned.get(i) == Some(&true)))
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = (0..result.columns.len())
            .map(|i| {
                cells
                    .iter()
                    .filter_map(|row| row.get(i).map(|c| width(&c.text)))
                    .chain(std::iter::once(width(&result.columns[i])))
                    .max()
                    .unwrap_or(4)
                    .clamp(3, MAX_COLUMN_WIDTH)
            })
            .collect();
        let available = area.width as usize;
        self.col = self.col.min(result.columns.len().saturating_sub(1));
        self.col_offset = self.col_offset.min(self.col);
        let fits = |from: usize, to: usize| {
            widths[from..=to].iter().map(|w| w + 1).sum::<usize>() <= available + 1
        };
        while self.col_offset < self.col && !fits(self.col_offset, self.col) {
            self.col_offset += 1;
        }
        let mut shown = Vec::new();
        let mut used = 0;
        for (i, &full) in widths.iter().enumerate().skip(self.col_offset) {
            if used >= available {
                break;
            }
            let w = full.min(available - used);
            if w < full && w < 10 && !shown.is_empty() {
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
            Cell::from(Span::styled(
                truncate(&result.columns[i], w),
                theme::header(),
            ))
        }));
        let rows: Vec<Row> = visible
            .iter()
            .zip(&cells)
            .map(|((index, _), row_cells)| {
                let selected = *index == self.cursor;
                let row = Row::new(shown.iter().map(|&(i, w)| match row_cells.get(i) {
                    Some(c) => {
                        let mut style = theme::value(c.class);
                        if selected && i == self.col {
                            style = style.patch(theme::selected_cell());
                        }
                        Cell::from(Span::styled(truncate(&c.text, w), style))
                    }
                    None => Cell::from(""),
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
        if result.rows.is_empty() {
            let message_area = Rect {
                y: table_area.y + u16::from(!result.columns.is_empty()),
                height: 1,
                ..table_area
            };
            frame.render_widget(
                Paragraph::new(Line::styled("No rows.", theme::dim())),
                message_area,
            );
        }
        frame.render_widget(
            Paragraph::new(Line::styled(self.position(), theme::dim())),
            footer_area,
        );
    }

    /// The footer: the row under the cursor and how many there are.
    pub fn position(&self) -> String {
        let Some(result) = &self.result else {
            return String::new();
        };
        let count = if result.capped() {
            format!(
                "the first {} rows of {} (the SQL prompt keeps {})",
                thousands(result.rows.len() as u64),
                thousands(result.returned as u64),
                thousands(ROW_CAP as u64)
            )
        } else {
            format!("{} rows", thousands(result.returned as u64))
        };
        if result.rows.is_empty() {
            return count;
        }
        let column = result
            .columns
            .get(self.col)
            .map(|c| format!(" · column {}/{} {c}", self.col + 1, result.columns.len()))
            .unwrap_or_default();
        format!(
            "row {} of {count}{column} · read only",
            thousands(self.cursor as u64 + 1)
        )
    }
}

/// The tables (model, key column) a result column named `name` points at: tables whose one
/// key column has that name, and the targets of foreign key columns of that name; each once.
pub fn column_targets(catalog: &Catalog, name: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut add = |model: &str, column: &str| {
        let item = (model.to_string(), column.to_string());
        if !found.contains(&item) {
            found.push(item);
        }
    };
    for info in catalog.registry.models() {
        if let Some(pk) = info.meta.try_pk() {
            let single = catalog
                .table(&info.meta.name)
                .is_none_or(|t| t.key.len() <= 1);
            if single && pk.column == name {
                add(&info.meta.name, &pk.column);
            }
        }
        for edge in &info.edges {
            if let Via::Forward {
                column,
                target_column,
            } = &edge.via
            {
                if column == name {
                    add(&catalog.registry.at(edge.target).meta.name, target_column);
                }
            }
        }
    }
    found
}

/// The prompt the SQL key opens.
pub fn prompt(initial: &str) -> Effect {
    Effect::Prompt {
        kind: PromptKind::Sql,
        label: "SQL (read only; ↑↓ history)".into(),
        initial: initial.to_string(),
    }
}
