//! The `?` overlay: every key binding.

use crate::theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The key bindings, as (keys, what they do); the README lists the same.
pub const BINDINGS: &[(&str, &str)] = &[
    ("j k ↓ ↑", "move down / up"),
    ("h l ← →", "move to the previous / next column"),
    ("gg G Home End", "first / last row"),
    ("Ctrl-d Ctrl-u", "half a screen down / up"),
    ("PgDn PgUp", "a screen down / up"),
    (
        "Enter",
        "open a table, row, relation; enlarge a value (j/k scroll)",
    ),
    ("Backspace Esc", "back (never quits)"),
    ("] Alt-→", "forward again"),
    ("/", "filter the column, find a table or a field"),
    ("s", "sort by the column: ascending, descending, off"),
    ("y", "copy the value (OSC 52)"),
    ("r", "read the screen again"),
    ("Ctrl-C", "cancel the running query"),
    ("?", "this help"),
    ("q", "quit"),
];

/// The filter syntax, for the help.
pub const FILTERS: &[(&str, &str)] = &[
    ("word", "text contains it (any case); other columns: equals"),
    ("=x !=x", "equals / differs"),
    (">x >=x <x <=x", "compares"),
    ("^x $x ~x", "text starts with / ends with / contains"),
    ("null !null", "is NULL / is not NULL"),
    ("(empty)", "removes the column's filter"),
];

/// Draws the overlay centred in `area`.
pub fn draw(frame: &mut Frame, area: Rect) {
    let key_width = BINDINGS
        .iter()
        .chain(FILTERS)
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(8);
    let mut lines: Vec<Line> = Vec::new();
    let entry = |(keys, what): &(&str, &str)| {
        Line::from(vec![
            Span::styled(format!(" {keys:<key_width$}  "), theme::key()),
            Span::raw(what.to_string()),
        ])
    };
    lines.extend(BINDINGS.iter().map(entry));
    lines.push(Line::from(""));
    lines.push(Line::styled(" Filters (after /):", theme::dim()));
    lines.extend(FILTERS.iter().map(entry));
    let width = (lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 3).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" keys — ? or Esc closes "),
        ),
        rect,
    );
}
