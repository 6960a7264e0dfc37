//! The relation diagram (`D`): the current table in the middle, the tables its foreign keys
//! point at on the left, the tables pointing at it (and its many-to-many partners) on the
//! right, each in a box joined to it by a line carrying the relation's name. Drawn from the
//! catalog's relation graph, one hop away; `j` `k` pick a neighbour, Enter draws that one's.

use super::{moved, Ctx, Effect, View};
use crate::action::Action;
use crate::catalog::Catalog;
use crate::format::width;
use crate::relations::{neighbours, Direction, Neighbour};
use crate::theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::schema::pad;

/// Lines per neighbour: a box of three.
const SLOT: usize = 3;

/// A diagram's state.
#[derive(Debug)]
pub struct DiagramView {
    /// The model in the middle.
    pub model: String,
    /// Its table.
    pub table: String,
    cursor: usize,
    scroll: usize,
}

impl DiagramView {
    /// The diagram around `model`.
    pub fn new(catalog: &Catalog, model: &str) -> DiagramView {
        DiagramView {
            model: model.to_string(),
            table: catalog
                .info(model)
                .map(|i| i.meta.table.clone())
                .unwrap_or_else(|| model.to_string()),
            cursor: 0,
            scroll: 0,
        }
    }

    /// The neighbours, left ones first, then right ones (the cursor's order).
    fn sides(&self, catalog: &Catalog) -> (Vec<Neighbour>, Vec<Neighbour>) {
        neighbours(catalog, &self.model)
            .into_iter()
            .partition(|n| n.direction == Direction::Out)
    }

    /// The neighbour under the cursor.
    pub fn selected(&self, catalog: &Catalog) -> Option<Neighbour> {
        let (left, right) = self.sides(catalog);
        left.into_iter().chain(right).nth(self.cursor)
    }

    pub(crate) fn handle(&mut self, action: &Action, ctx: &Ctx) -> Vec<Effect> {
        let (left, right) = self.sides(ctx.catalog);
        let count = left.len() + right.len();
        if let Some(c) = moved(self.cursor, count, action, ctx.body_rows / SLOT) {
            self.cursor = c;
            return Vec::new();
        }
        match action {
            Action::Open => match self.selected(ctx.catalog) {
                Some(n) => vec![Effect::Open(Box::new(View::Diagram(DiagramView::new(
                    ctx.catalog,
                    &n.model,
                ))))],
                None => vec![Effect::Info(format!("{} has no relations", self.table))],
            },
            Action::Copy => vec![Effect::Copy {
                what: "the diagram".into(),
                text: self
                    .lines(ctx.catalog, 200)
                    .iter()
                    .map(|l| {
                        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                        text.trim_end().to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            }],
            _ => Vec::new(),
        }
    }

    /// The diagram's lines for a width of `area_width` columns.
    pub fn lines(&self, catalog: &Catalog, area_width: usize) -> Vec<Line<'static>> {
        let (left, right) = self.sides(catalog);
        let key: Vec<String> = catalog
            .table(&self.model)
            .map(|t| t.key.clone())
            .unwrap_or_default();
        let columns = catalog
            .info(&self.model)
            .map(|i| i.meta.concrete_fields().count())
            .unwrap_or(0);
        let mut inside = vec![self.table.clone()];
        if !key.is_empty() {
            inside.push(format!("key {}", key.join(", ")));
        }
        inside.push(format!("{columns} columns"));

        let label = |n: &Neighbour| match n.direction {
            Direction::Many => format!("{} (via {})", n.name, n.columns.trim_start_matches("via ")),
            _ => n.name.clone(),
        };
        let box_w = |ns: &[Neighbour]| {
            ns.iter()
                .map(|n| width(&n.table))
                .max()
                .map(|w| w.clamp(4, 28) + 4)
                .unwrap_or(0)
        };
        let line_w = |ns: &[Neighbour]| {
            ns.iter()
                .map(|n| width(&label(n)))
                .max()
                .map(|w| w.clamp(3, 30) + 6)
                .unwrap_or(0)
        };
        let (mut lbox, mut lline) = (box_w(&left), line_w(&left));
        let (mut rbox, mut rline) = (box_w(&right), line_w(&right));
        let centre = inside
            .iter()
            .map(|s| width(s))
            .max()
            .unwrap_or(4)
            .clamp(4, 32)
            + 4;
        // Narrow screens: shorten the lines first, then the boxes.
        while lbox + lline + centre + rline + rbox > area_width {
            if lline > 9 || rline > 9 {
                lline = lline.saturating_sub(1).max(9.min(lline));
                rline = rline.saturating_sub(1).max(9.min(rline));
            } else if lbox > 8 || rbox > 8 {
                lbox = lbox.saturating_sub(1).max(8.min(lbox));
                rbox = rbox.saturating_sub(1).max(8.min(rbox));
            } else {
                break;
            }
        }
        let slots = left.len().max(right.len()).max(1);
        let height = (slots * SLOT).max(inside.len() + 2);
        let mut lines = Vec::new();
        for y in 0..height {
            let slot = y / SLOT;
            let row = y % SLOT;
            let mut spans: Vec<Span<'static>> = Vec::new();
            let left_n = left.get(slot).filter(|_| y < slots * SLOT);
            let right_n = right.get(slot).filter(|_| y < slots * SLOT);
            let selected_left = left_n.is_some() && self.cursor == slot;
            let selected_right = right_n.is_some() && self.cursor == left.len() + slot;
            // The left box and its line.
            if lbox > 0 {
                spans.push(boxed(
                    left_n.map(|n| n.table.as_str()),
                    row,
                    lbox,
                    selected_left,
                ));
                spans.push(match left_n {
                    Some(n) if row == 1 => {
                        Span::styled(connector(&label(n), lline, "◀", ""), theme::link())
                    }
                    _ => Span::raw(" ".repeat(lline)),
                });
            }
            // The table itself.
            let attached_left = left_n.is_some() && row == 1;
            let attached_right = right_n.is_some() && row == 1;
            spans.push(Span::styled(
                centre_line(&inside, y, height, centre, attached_left, attached_right),
                theme::key(),
            ));
            if rbox > 0 {
                spans.push(match right_n {
                    Some(n) if row == 1 => Span::styled(
                        match n.direction {
                            Direction::Many => connector(&label(n), rline, "◀", "▶"),
                            _ => connector(&label(n), rline, "◀", ""),
                        },
                        theme::link(),
                    ),
                    _ => Span::raw(" ".repeat(rline)),
                });
                spans.push(boxed(
                    right_n.map(|n| n.table.as_str()),
                    row,
                    rbox,
                    selected_right,
                ));
            }
            lines.push(Line::from(spans));
        }
        lines
    }

    pub(crate) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        if area.height < 2 {
            return;
        }
        let (left, right) = self.sides(ctx.catalog);
        let count = left.len() + right.len();
        self.cursor = self.cursor.min(count.saturating_sub(1));
        let body = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(2),
            ..area
        };
        let heading = Line::from(vec![
            Span::styled("points at", theme::dim()),
            Span::raw(" · "),
            Span::styled(self.table.clone(), theme::header()),
            Span::raw(" · "),
            Span::styled("pointed at by, many-to-many", theme::dim()),
        ]);
        frame.render_widget(Paragraph::new(heading), Rect { height: 1, ..area });
        let lines = self.lines(ctx.catalog, area.width as usize);
        // Keep the selected neighbour's box in sight.
        let slot = if self.cursor < left.len() {
            self.cursor
        } else {
            self.cursor - left.len()
        };
        let rows = body.height as usize;
        self.scroll = super::scrolled(self.scroll / SLOT, slot, (rows / SLOT).max(1)) * SLOT;
        self.scroll = self.scroll.min(lines.len().saturating_sub(rows));
        frame.render_widget(
            Paragraph::new(
                lines
                    .into_iter()
                    .skip(self.scroll)
                    .take(rows)
                    .collect::<Vec<_>>(),
            ),
            body,
        );
        let about = match self.selected(ctx.catalog) {
            Some(n) => {
                let mut text = format!("{}: {} ({}", n.name, n.columns, n.kind);
                if let Some(a) = n.on_delete {
                    text.push_str(&format!(", on delete {a}"));
                }
                text.push(')');
                text
            }
            None => format!("{} has no relations", self.table),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                crate::format::truncate(&about, area.width as usize),
                theme::dim(),
            )),
            Rect {
                y: area.y + area.height - 1,
                height: 1,
                ..area
            },
        );
    }
}

/// One of a neighbour's three box lines (`row` 0, 1, 2), `w` wide; blank without one.
fn boxed(table: Option<&str>, row: usize, w: usize, selected: bool) -> Span<'static> {
    let Some(table) = table else {
        return Span::raw(" ".repeat(w));
    };
    let inner = w.saturating_sub(2);
    let text = match row {
        0 => format!("┌{}┐", "─".repeat(inner)),
        1 => format!("│ {} │", pad(table, inner.saturating_sub(2))),
        _ => format!("└{}┘", "─".repeat(inner)),
    };
    let style = if selected {
        theme::selected_row()
    } else {
        Style::new()
    };
    Span::styled(text, style)
}

/// A line `w` wide joining two boxes, with `label` on it and the arrow heads given.
fn connector(label: &str, w: usize, head_left: &str, head_right: &str) -> String {
    let room = w.saturating_sub(4 + width(head_left) + width(head_right));
    let label = crate::format::truncate(label, room);
    let dashes = w.saturating_sub(width(&label) + 2 + width(head_left) + width(head_right));
    let before = dashes / 2;
    format!(
        "{head_left}{} {label} {}{head_right}",
        "─".repeat(before),
        "─".repeat(dashes - before)
    )
}

/// Line `y` of the middle box, `w` wide and `height` lines high.
fn centre_line(
    inside: &[String],
    y: usize,
    height: usize,
    w: usize,
    left: bool,
    right: bool,
) -> String {
    let inner = w.saturating_sub(2);
    if y == 0 {
        return format!("┌{}┐", "─".repeat(inner));
    }
    if y + 1 == height {
        return format!("└{}┘", "─".repeat(inner));
    }
    let text = inside.get(y - 1).map(String::as_str).unwrap_or("");
    format!(
        "{}{}{}",
        if left { "┤" } else { "│" },
        format_args!(" {} ", pad(text, inner.saturating_sub(2))),
        if right { "├" } else { "│" }
    )
}
