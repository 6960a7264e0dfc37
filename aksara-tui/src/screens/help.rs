//! The `?` overlay: every key binding (the rows of the key table, [`crate::keys`]) and the
//! commands of the SQL prompt, the mouse and the filter syntax; the README lists the same.

use crate::keys;
use crate::theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The filter syntax, for the help.
pub const FILTERS: &[(&str, &str)] = &[
    ("word", "text contains it (any case); other columns: equals"),
    ("=x !=x", "equals / differs"),
    (">x >=x <x <=x", "compares"),
    ("^x $x ~x", "text starts with / ends with / contains"),
    ("null !null", "is NULL / is not NULL"),
    ("(empty)", "removes the column's filter"),
];

/// The commands typed at the SQL prompt instead of a query, for the help.
pub const COMMANDS: &[(&str, &str)] = &[
    (":key 42", "place the grid on the row with that key"),
    (":find TEXT", "search every table for a text or a key"),
    (":schema NAME", "explore another schema (MySQL: database)"),
    (":schema", "list the schemas, this one marked"),
];

/// What the mouse does, for the help.
pub const MOUSE: &[(&str, &str)] = &[
    (
        "click",
        "select a table, a row, a cell; on the selected one: open",
    ),
    (
        "click pane",
        "in a record: follow the relation its bottom pane describes",
    ),
    ("wheel", "three rows down / up"),
];

/// The lines the overlay holds with the `remapped` keys of the connections file (it
/// scrolls when the screen is shorter).
pub fn line_count(remapped: &[(char, char)]) -> usize {
    let own = if remapped.is_empty() {
        0
    } else {
        2 + remapped.len()
    };
    keys::help_rows().count() + 2 + COMMANDS.len() + 2 + MOUSE.len() + 2 + FILTERS.len() + own
}

/// Draws the overlay centred in `area`, from its line `scroll` on (clamped so that the
/// last line shows at the bottom at most), the `remapped` keys of the connections file last.
pub fn draw(frame: &mut Frame, area: Rect, scroll: usize, remapped: &[(char, char)]) {
    let key_width = keys::help_rows()
        .chain(COMMANDS.iter().copied())
        .chain(MOUSE.iter().copied())
        .chain(FILTERS.iter().copied())
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(8);
    let mut lines: Vec<Line> = Vec::new();
    let entry = |(keys, what): (&str, &str)| {
        Line::from(vec![
            Span::styled(format!(" {keys:<key_width$}  "), theme::key()),
            Span::raw(what.to_string()),
        ])
    };
    lines.extend(keys::help_rows().map(entry));
    lines.push(Line::from(""));
    lines.push(Line::styled(" At the SQL prompt (after :):", theme::dim()));
    lines.extend(COMMANDS.iter().copied().map(entry));
    lines.push(Line::from(""));
    lines.push(Line::styled(" Mouse:", theme::dim()));
    lines.extend(MOUSE.iter().copied().map(entry));
    lines.push(Line::from(""));
    lines.push(Line::styled(" Filters (after /):", theme::dim()));
    lines.extend(FILTERS.iter().copied().map(entry));
    if !remapped.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(" Keys of the connections file:", theme::dim()));
        for (from, to) in remapped {
            lines.push(entry((&from.to_string(), &format!("acts as {to}"))));
        }
    }
    let width = (lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 3).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let visible = height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(visible));
    let more = lines.len() > visible;
    let lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(if more {
            " keys — j k scroll · ? or Esc closes "
        } else {
            " keys — ? or Esc closes "
        })),
        rect,
    );
}
