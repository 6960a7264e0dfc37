//! The rows a search across tables found (`:find TEXT`, see [`crate::find`]): one line a row,
//! `table · column · key · excerpt`, with a line saying how many tables were searched. Enter
//! opens the row's detail.

use super::{moved, scrolled, Ctx, Effect, Slot, Status, View};
use crate::action::Action;
use crate::find::{Found, HITS_PER_TABLE};
use crate::format::{thousands, truncate, width};
use crate::jobs::{Job, Outcome};
use crate::theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A search screen's state.
#[derive(Debug)]
pub struct FindView {
    /// The text searched for.
    pub text: String,
    found: Option<Found>,
    status: Status,
    cursor: usize,
    scroll: usize,
    rows: usize,
    /// Where the rows were drawn last, for the mouse.
    pub(crate) hits: super::RowHits,
}

impl FindView {
    /// The search for `text`, run when the screen is entered.
    pub fn new(text: &str) -> FindView {
        FindView {
            text: text.trim().to_string(),
            found: None,
            status: Status::Idle,
            cursor: 0,
            scroll: 0,
            rows: 1,
            hits: super::RowHits::default(),
        }
    }

    /// What was found, once there.
    pub fn found(&self) -> Option<&Found> {
        self.found.as_ref()
    }

    /// Whether the search is done.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The row under the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.found.as_ref().map_or(0, |f| f.hits.len())
    }

    pub(crate) fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        match self.status {
            Status::Idle => self.reload(ctx),
            _ => Vec::new(),
        }
    }

    pub(crate) fn reload(&mut self, _ctx: &Ctx) -> Vec<Effect> {
        self.status = Status::Loading;
        self.found = None;
        vec![Effect::Load {
            slot: Slot::Main,
            job: Job::Find {
                text: self.text.clone(),
            },
        }]
    }

    pub(crate) fn loaded(&mut self, outcome: Outcome) {
        if let Outcome::FindProgress(part) = outcome {
            let found = self.found.get_or_insert_with(Found::default);
            found.hits.extend(part.hits);
            found.text = part.text;
            found.searched = part.searched;
            found.looked_at = part.looked_at;
            found.tables = part.tables;
            return;
        }
        if let Outcome::Found(found) = outcome {
            self.found = Some(*found);
            self.status = Status::Ready;
            self.cursor = self.cursor.min(self.len().saturating_sub(1));
        }
    }

    pub(crate) fn failed(&mut self, message: &str) {
        self.status = Status::Failed(message.to_string());
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        if let Some(cursor) = moved(self.cursor, self.len(), action, self.rows) {
            self.cursor = cursor;
            return Vec::new();
        }
        match action {
            Action::Open => match self.found.as_ref().and_then(|f| f.hits.get(self.cursor)) {
                Some(hit) => vec![Effect::Open(Box::new(View::Detail(
                    super::DetailView::from_grid(ctx.catalog, &hit.model, hit.record.clone()),
                )))],
                None => vec![Effect::Info("no row to open".into())],
            },
            Action::Copy => match self.found.as_ref().and_then(|f| f.hits.get(self.cursor)) {
                Some(hit) => vec![Effect::Copy {
                    what: format!("the excerpt of {}.{}", hit.table, hit.column),
                    text: hit.excerpt.clone(),
                }],
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The summary line: what was searched and how many rows were found.
    pub fn summary(&self) -> String {
        match (&self.found, &self.status) {
            (_, Status::Failed(m)) => format!("Search for \"{}\" failed: {m}", self.text),
            (Some(f), Status::Loading) => format!(
                "Searching every table for \"{}\"… {} of {} tables, {} rows so far (Ctrl-C stops)",
                self.text,
                f.looked_at,
                f.tables,
                thousands(f.hits.len() as u64)
            ),
            (Some(f), _) => {
                let mut line = format!(
                    "{} with \"{}\" in {} searched",
                    counted(f.hits.len() as u64, "row"),
                    f.text,
                    counted(f.searched as u64, "table")
                );
                if !f.capped.is_empty() {
                    line.push_str(&format!(
                        " · first {HITS_PER_TABLE} of each table shown ({} may have more)",
                        f.capped.join(", ")
                    ));
                }
                line
            }
            (None, _) => format!("Searching every table for \"{}\"…", self.text),
        }
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, _ctx: &Ctx) {
        if area.height < 2 {
            return;
        }
        let style = match self.status {
            Status::Failed(_) => theme::error(),
            _ => theme::dim(),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(self.summary(), style)),
            Rect { height: 1, ..area },
        );
        let body = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        self.rows = body.height as usize;
        let Some(found) = &self.found else {
            return;
        };
        if found.hits.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled("  no row holds it", theme::dim())),
                body,
            );
            return;
        }
        self.scroll = scrolled(self.scroll, self.cursor, self.rows);
        let column_w = |get: &dyn Fn(&crate::find::Hit) -> &str, most: usize| {
            found
                .hits
                .iter()
                .map(|h| width(get(h)))
                .max()
                .unwrap_or(1)
                .min(most)
        };
        let table_w = column_w(&|h| &h.table, 24);
        let col_w = column_w(&|h| &h.column, 24);
        let key_w = column_w(&|h| &h.key, 36);
        let lines: Vec<Line> = found
            .hits
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(self.rows)
            .map(|(i, hit)| {
                let mut line = Line::from(vec![
                    Span::styled(super::schema::pad(&hit.table, table_w), theme::key()),
                    Span::styled(" · ", theme::dim()),
                    Span::raw(super::schema::pad(&hit.column, col_w)),
                    Span::styled(" · ", theme::dim()),
                    Span::raw(super::schema::pad(&hit.key, key_w)),
                    Span::styled(" · ", theme::dim()),
                    Span::raw(truncate(&hit.excerpt, area.width as usize)),
                ]);
                if i == self.cursor {
                    line = line.style(theme::selected_row());
                }
                line
            })
            .collect();
        self.hits = super::RowHits {
            area: body,
            first: self.scroll,
            columns: Vec::new(),
            opens: None,
        };
        frame.render_widget(Paragraph::new(lines), body);
    }
}

/// `n` and the noun, plural unless `n` is 1: `1 row`, `2 tables`.
fn counted(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", thousands(n))
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(counted(0, "row"), "0 rows");
        assert_eq!(counted(1, "table"), "1 table");
        assert_eq!(counted(2, "table"), "2 tables");
        assert_eq!(counted(12_345, "row"), "12,345 rows");
    }
}
