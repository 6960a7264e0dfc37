//! The picker: the first screen when the connections file names connections and no database
//! was given. It lists them (URLs without their passwords) and the embedded demo; Enter opens
//! one, `q` quits. It runs before the app exists, since the app starts by connecting.

use crate::config::Connection;
use crate::format::truncate;
use crate::location::Target;
use crate::theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// One entry of the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Its name.
    pub name: String,
    /// Where it leads, as shown (never with a password).
    pub shown: String,
    /// What the file says of it.
    pub description: String,
    /// What opens.
    pub target: Target,
}

impl Choice {
    /// The entry of a named connection.
    pub fn connection(c: &Connection) -> Choice {
        Choice {
            name: c.name.clone(),
            shown: c.shown_url(),
            description: c.description.clone().unwrap_or_default(),
            target: Target::Url(c.url.clone()),
        }
    }

    /// The entry of the embedded demo.
    pub fn demo(target: Target) -> Choice {
        Choice {
            name: "demo".into(),
            shown: "embedded demo (SQLite)".into(),
            description: "the seed's blog, created on first use".into(),
            target,
        }
    }
}

/// What a key did in the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Nothing decided yet.
    Stay,
    /// Open this.
    Open(Target),
    /// Leave.
    Quit,
}

/// The picker's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    choices: Vec<Choice>,
    cursor: usize,
    file: String,
}

impl Picker {
    /// A picker over `choices`, read from the file called `file`.
    pub fn new(choices: Vec<Choice>, file: String) -> Picker {
        Picker {
            choices,
            cursor: 0,
            file,
        }
    }

    /// The entries.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// The entry under the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Reacts to a key: `j` `k` and the arrows move, `g` `Home` and `G` `End` go to the
    /// first and last, Enter opens, `q` and `Ctrl-C` quit.
    pub fn key(&mut self, key: KeyEvent) -> Picked {
        if key.kind == KeyEventKind::Release {
            return Picked::Stay;
        }
        let last = self.choices.len().saturating_sub(1);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => return Picked::Quit,
            _ if ctrl => {}
            KeyCode::Char('j') | KeyCode::Down => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.cursor = last,
            KeyCode::Enter => {
                if let Some(choice) = self.choices.get(self.cursor) {
                    return Picked::Open(choice.target.clone());
                }
            }
            KeyCode::Char('q') => return Picked::Quit,
            _ => {}
        }
        Picked::Stay
    }

    /// Draws the picker over the whole frame, in the app's layout (title, list, hints).
    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.height < 4 || area.width < 10 {
            frame.render_widget(Paragraph::new("too small"), area);
            return;
        }
        let title = Rect { height: 1, ..area };
        let body = Rect {
            y: area.y + 1,
            height: area.height - 3,
            ..area
        };
        let hints = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        let left = " aksara ▸ connections";
        let right = format!(" {} ", truncate(&self.file, area.width as usize / 2));
        let pad = (area.width as usize)
            .saturating_sub(crate::format::width(left) + crate::format::width(&right));
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(left),
                Span::raw(" ".repeat(pad)),
                Span::raw(right),
            ]))
            .style(theme::title()),
            title,
        );
        let name_width = self
            .choices
            .iter()
            .map(|c| crate::format::width(&c.name))
            .max()
            .unwrap_or(10)
            .clamp(10, 24);
        let url_width = self
            .choices
            .iter()
            .map(|c| crate::format::width(&c.shown))
            .max()
            .unwrap_or(8)
            .clamp(8, (area.width as usize / 2).max(8));
        let rows: Vec<Row> = self
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let row = Row::new(vec![
                    Cell::from(truncate(&c.name, name_width)),
                    Cell::from(truncate(&c.shown, url_width)),
                    Cell::from(Span::styled(c.description.clone(), theme::dim())),
                ]);
                if i == self.cursor {
                    row.style(theme::selected_row())
                } else {
                    row
                }
            })
            .collect();
        let list = Rect {
            height: body.height.saturating_sub(1),
            ..body
        };
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(name_width as u16),
                    Constraint::Length(url_width as u16),
                    Constraint::Fill(1),
                ],
            )
            .header(Row::new(["connection", "database", "about"]).style(theme::header()))
            .column_spacing(2),
            list,
        );
        let footer = Rect {
            y: body.y + body.height.saturating_sub(1),
            height: 1,
            ..body
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{} connections", self.choices.len()),
                theme::dim(),
            )),
            footer,
        );
        let mut spans = Vec::new();
        for (key, what) in [("↑↓", "move"), ("Enter", "open"), ("q", "quit")] {
            spans.push(Span::styled(format!(" {key}"), theme::key()));
            spans.push(Span::styled(format!(" {what} "), theme::hints()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), hints);
    }
}
