//! Colours and styles, in one place; the colours the connections file's `[theme]` names
//! (see [`crate::config`]) replace the defaults.

use crate::format::Class;
use ratatui::style::{Color, Modifier, Style};
use std::sync::OnceLock;

/// The colours a `[theme]` table may set; None keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Theme {
    /// The background of the row under the cursor (default dark grey).
    pub selected_bg: Option<Color>,
    /// The text of the row under the cursor (default white).
    pub selected_fg: Option<Color>,
    /// The background of the title bar (default blue).
    pub title_bg: Option<Color>,
    /// The text of the title bar (default white).
    pub title_fg: Option<Color>,
    /// Keys in the hint bar and the help (default cyan).
    pub key: Option<Color>,
    /// Relations and links (default cyan).
    pub link: Option<Color>,
    /// Secondary text and NULL (default dark grey).
    pub dim: Option<Color>,
    /// Errors (default red).
    pub error: Option<Color>,
    /// Information (default green).
    pub info: Option<Color>,
}

/// The names of a theme's colours, as the `[theme]` table writes them.
pub const COLOUR_NAMES: &[&str] = &[
    "selected_bg",
    "selected_fg",
    "title_bg",
    "title_fg",
    "key",
    "link",
    "dim",
    "error",
    "info",
];

impl Theme {
    /// The colour called `name` (one of [`COLOUR_NAMES`]), to set.
    pub fn colour_mut(&mut self, name: &str) -> Option<&mut Option<Color>> {
        Some(match name {
            "selected_bg" => &mut self.selected_bg,
            "selected_fg" => &mut self.selected_fg,
            "title_bg" => &mut self.title_bg,
            "title_fg" => &mut self.title_fg,
            "key" => &mut self.key,
            "link" => &mut self.link,
            "dim" => &mut self.dim,
            "error" => &mut self.error,
            "info" => &mut self.info,
            _ => return None,
        })
    }
}

static THEME: OnceLock<Theme> = OnceLock::new();

/// Uses `theme`'s colours from now on (once, at start; false when one was set already).
pub fn set(theme: Theme) -> bool {
    THEME.set(theme).is_ok()
}

fn current() -> Theme {
    THEME.get().copied().unwrap_or_default()
}

/// Column headers.
pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// The row under the cursor.
pub fn selected_row() -> Style {
    Style::new()
        .bg(current().selected_bg.unwrap_or(Color::DarkGray))
        .fg(current().selected_fg.unwrap_or(Color::White))
}

/// The cell under the cursor.
pub fn selected_cell() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Secondary text.
pub fn dim() -> Style {
    Style::new().fg(current().dim.unwrap_or(Color::DarkGray))
}

/// The title bar.
pub fn title() -> Style {
    Style::new()
        .bg(current().title_bg.unwrap_or(Color::Blue))
        .fg(current().title_fg.unwrap_or(Color::White))
}

/// The hint bar.
pub fn hints() -> Style {
    Style::new().fg(Color::Gray)
}

/// A key in the hint bar and the help.
pub fn key() -> Style {
    Style::new()
        .fg(current().key.unwrap_or(Color::Cyan))
        .add_modifier(Modifier::BOLD)
}

/// Errors.
pub fn error() -> Style {
    Style::new()
        .fg(current().error.unwrap_or(Color::Red))
        .add_modifier(Modifier::BOLD)
}

/// Information.
pub fn info() -> Style {
    Style::new().fg(current().info.unwrap_or(Color::Green))
}

/// Relations and links.
pub fn link() -> Style {
    Style::new().fg(current().link.unwrap_or(Color::Cyan))
}

/// A value of `class`.
pub fn value(class: Class) -> Style {
    match class {
        Class::Null => Style::new()
            .fg(current().dim.unwrap_or(Color::DarkGray))
            .add_modifier(Modifier::ITALIC),
        Class::Text => Style::new(),
        Class::Scalar => Style::new().fg(Color::Yellow),
        Class::Bytes => Style::new().fg(Color::Magenta),
        Class::Structured => Style::new().fg(Color::LightBlue),
    }
}
