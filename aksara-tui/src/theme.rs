//! Colours and styles, in one place.

use crate::format::Class;
use ratatui::style::{Color, Modifier, Style};

/// Column headers.
pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// The row under the cursor.
pub fn selected_row() -> Style {
    Style::new().bg(Color::DarkGray).fg(Color::White)
}

/// The cell under the cursor.
pub fn selected_cell() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Secondary text.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// The title bar.
pub fn title() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White)
}

/// The hint bar.
pub fn hints() -> Style {
    Style::new().fg(Color::Gray)
}

/// A key in the hint bar and the help.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// Errors.
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// Information.
pub fn info() -> Style {
    Style::new().fg(Color::Green)
}

/// Relations and links.
pub fn link() -> Style {
    Style::new().fg(Color::Cyan)
}

/// A value of `class`.
pub fn value(class: Class) -> Style {
    match class {
        Class::Null => Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::ITALIC),
        Class::Text => Style::new(),
        Class::Scalar => Style::new().fg(Color::Yellow),
        Class::Bytes => Style::new().fg(Color::Magenta),
        Class::Structured => Style::new().fg(Color::LightBlue),
    }
}
