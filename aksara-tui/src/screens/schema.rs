//! The schema view (`S`): one table's columns (type, NULL, default, key), indexes, relations
//! both ways and DDL, as one scrollable page. The columns, indexes and DDL are read on the
//! worker ([`crate::schema`]); the relations come from the catalog, so they show at once.

use super::{moved, Ctx, Effect, Slot, Status};
use crate::action::Action;
use crate::catalog::Catalog;
use crate::format::{truncate, width};
use crate::jobs::{Job, Outcome};
use crate::relations::{neighbours, Direction};
use crate::schema::TableSchema;
use crate::theme;
use aksara::introspect::TableKind;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A schema view's state.
#[derive(Debug)]
pub struct SchemaView {
    /// The model shown.
    pub model: String,
    /// Its table.
    pub table: String,
    data: Option<TableSchema>,
    status: Status,
    scroll: usize,
    lines: usize,
    rows: usize,
}

impl SchemaView {
    /// The schema of `model`, read when the screen is entered.
    pub fn new(catalog: &Catalog, model: &str) -> SchemaView {
        SchemaView {
            model: model.to_string(),
            table: catalog
                .info(model)
                .map(|i| i.meta.table.clone())
                .unwrap_or_else(|| model.to_string()),
            data: None,
            status: Status::Idle,
            scroll: 0,
            lines: 0,
            rows: 1,
        }
    }

    /// What was read.
    pub fn data(&self) -> Option<&TableSchema> {
        self.data.as_ref()
    }

    /// Whether it is there.
    pub fn status(&self) -> &Status {
        &self.status
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
            job: Job::Schema {
                table: self.table.clone(),
            },
        }]
    }

    pub(crate) fn loaded(&mut self, outcome: Outcome) {
        if let Outcome::Schema(schema) = outcome {
            self.data = Some(*schema);
            self.status = Status::Ready;
        }
    }

    pub(crate) fn failed(&mut self, message: &str) {
        self.status = Status::Failed(message.to_string());
    }

    pub(crate) fn handle(&mut self, action: &Action, _ctx: &Ctx) -> Vec<Effect> {
        let last = self.lines.saturating_sub(self.rows) + 1;
        if let Some(top) = moved(self.scroll, last, action, self.rows) {
            self.scroll = top;
            return Vec::new();
        }
        match action {
            Action::Copy => match &self.data {
                Some(d) if !d.ddl.is_empty() => vec![Effect::Copy {
                    what: format!("the DDL of {}", self.table),
                    text: d.ddl.clone(),
                }],
                _ => vec![Effect::Info("no DDL to copy yet".into())],
            },
            Action::Open => vec![Effect::Info("D draws the relations; Esc goes back".into())],
            _ => Vec::new(),
        }
    }

    /// The page's lines.
    pub fn lines(&self, catalog: &Catalog, area_width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let entry = catalog.table(&self.model);
        let kind = match entry.map(|e| e.kind) {
            Some(TableKind::View) => "view",
            Some(TableKind::Partitioned) => "partitioned table",
            _ => "table",
        };
        let heading = |text: &str| Line::styled(text.to_string(), theme::header());
        let mut title = vec![
            Span::styled(self.table.clone(), theme::key()),
            Span::raw(format!(" · {kind}")),
        ];
        if let Some(d) = entry.and_then(|e| e.description.clone()) {
            title.push(Span::styled(format!(" · {d}"), theme::dim()));
        }
        lines.push(Line::from(title));
        let data = match (&self.data, &self.status) {
            (Some(d), _) => Some(d),
            (None, Status::Failed(m)) => {
                lines.push(Line::styled(
                    format!("Could not read the schema: {m}"),
                    theme::error(),
                ));
                None
            }
            (None, _) => {
                lines.push(Line::styled("Reading the catalog…", theme::dim()));
                None
            }
        };
        let relations = neighbours(catalog, &self.model);
        let fk_columns: Vec<String> = catalog
            .info(&self.model)
            .map(|i| {
                i.meta
                    .concrete_fields()
                    .filter(|f| f.relation.is_some())
                    .map(|f| f.column.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(d) = data {
            let key: Vec<&str> = d
                .indexes
                .iter()
                .find(|i| i.primary)
                .map(|i| i.columns.split(", ").collect())
                .unwrap_or_default();
            lines.push(Line::default());
            lines.push(heading(&format!("Columns ({})", d.columns.len())));
            let name_w = d
                .columns
                .iter()
                .map(|c| width(&c.name))
                .max()
                .unwrap_or(6)
                .clamp(6, 32);
            let type_w = d
                .columns
                .iter()
                .map(|c| width(&c.type_name))
                .max()
                .unwrap_or(4)
                .clamp(4, 32);
            lines.push(Line::styled(
                format!(
                    "  {:name_w$}  {:type_w$}  {:4}  {:3}  default",
                    "column", "type", "null", "key"
                ),
                theme::dim(),
            ));
            for c in &d.columns {
                let mut marks = Vec::new();
                if key.contains(&c.name.as_str()) {
                    marks.push("PK");
                }
                if fk_columns.contains(&c.name) {
                    marks.push("FK");
                }
                lines.push(Line::from(vec![
                    Span::raw(format!("  {}  ", pad(&c.name, name_w))),
                    Span::styled(
                        pad(&c.type_name, type_w),
                        theme::value(crate::format::Class::Scalar),
                    ),
                    Span::raw(format!(
                        "  {:4}  {:3}  ",
                        if c.nullable { "yes" } else { "no" },
                        marks.join(",")
                    )),
                    match &c.default {
                        Some(d) => Span::raw(d.clone()),
                        None => Span::styled("–", theme::dim()),
                    },
                ]));
            }
            lines.push(Line::default());
            lines.push(heading(&format!("Indexes ({})", d.indexes.len())));
            if d.indexes.is_empty() {
                lines.push(Line::styled("  none", theme::dim()));
            }
            let index_w = d
                .indexes
                .iter()
                .map(|i| width(&i.name))
                .max()
                .unwrap_or(4)
                .clamp(4, 40);
            for i in &d.indexes {
                let what = match (i.primary, i.unique) {
                    (true, _) => "primary key",
                    (false, true) => "unique",
                    _ => "",
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {}  ", pad(&i.name, index_w))),
                    Span::styled(format!("{what:11}  "), theme::dim()),
                    Span::raw(i.columns.clone()),
                ]));
            }
        }
        lines.push(Line::default());
        lines.push(heading(&format!("Relations ({})", relations.len())));
        if relations.is_empty() {
            lines.push(Line::styled("  none", theme::dim()));
        }
        let rel_w = relations
            .iter()
            .map(|r| width(&r.name))
            .max()
            .unwrap_or(4)
            .clamp(4, 32);
        let cols_w = relations
            .iter()
            .map(|r| width(&r.columns))
            .max()
            .unwrap_or(4)
            .clamp(4, 48);
        for r in &relations {
            let arrow = match r.direction {
                Direction::Out => "→",
                Direction::In => "←",
                Direction::Many => "⇄",
            };
            let mut about = r.kind.to_string();
            if let Some(action) = r.on_delete {
                about.push_str(&format!(", on delete {action}"));
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {arrow} "), theme::link()),
                Span::raw(format!("{}  ", pad(&r.name, rel_w))),
                Span::raw(format!("{}  ", pad(&r.columns, cols_w))),
                Span::styled(about, theme::dim()),
            ]));
        }
        if let Some(d) = data {
            lines.push(Line::default());
            lines.push(heading("DDL"));
            if d.ddl.is_empty() {
                lines.push(Line::styled("  the database keeps none", theme::dim()));
            }
            for line in d.ddl.lines() {
                for piece in crate::format::wrap(line, area_width.saturating_sub(2).max(10)) {
                    lines.push(Line::raw(format!("  {piece}")));
                }
            }
        }
        lines
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        if area.height < 2 {
            return;
        }
        let lines = self.lines(ctx.catalog, area.width as usize);
        let body = Rect {
            height: area.height - 1,
            ..area
        };
        self.rows = body.height as usize;
        self.lines = lines.len();
        self.scroll = self.scroll.min(self.lines.saturating_sub(self.rows));
        let shown: Vec<Line> = lines
            .into_iter()
            .skip(self.scroll)
            .take(self.rows)
            .collect();
        frame.render_widget(Paragraph::new(shown), body);
        let footer = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        let end = (self.scroll + self.rows).min(self.lines);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "lines {}–{end} of {} · schema of {}",
                    (self.scroll + 1).min(end),
                    self.lines,
                    self.table
                ),
                theme::dim(),
            )),
            footer,
        );
    }
}

/// `text` cut or padded to `w` columns.
pub(crate) fn pad(text: &str, w: usize) -> String {
    let cut = truncate(text, w);
    let fill = w.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
}
