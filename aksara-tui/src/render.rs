//! Drawing the whole screen: the title bar with the breadcrumb and the spinner, the current
//! screen, the message or prompt line, and the hint bar that is always there.

use crate::app::App;
use crate::format::{truncate, width};
use crate::keys::{self, Place};
use crate::screens::{help, Ctx};
use crate::theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// The spinner's frames.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the app into the whole frame.
pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    if area.height < 4 || area.width < 10 {
        frame.render_widget(Paragraph::new("too small"), area);
        return;
    }
    app.update(crate::action::Action::Resize {
        width: area.width,
        height: area.height,
    });
    let title = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 3,
        ..area
    };
    let message = Rect {
        y: area.y + area.height - 2,
        height: 1,
        ..area
    };
    let hints = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    draw_title(app, frame, title);
    draw_body(app, frame, body);
    draw_message(app, frame, message);
    draw_hints(app, frame, hints);
    if app.help_open() {
        help::draw(frame, body, app.help_scroll(), &app.remapped_keys());
    }
}

fn draw_title(app: &App, frame: &mut Frame, area: Rect) {
    let right = match app.pending().values().map(|p| p.since).min() {
        Some(since) => {
            let spinner = SPINNER[app.tick_count() % SPINNER.len()];
            let secs = since.elapsed().as_secs();
            let elapsed = if secs >= 1 {
                format!(" {secs}s")
            } else {
                String::new()
            };
            format!(" {spinner} reading{elapsed} · Ctrl-C cancels ")
        }
        // What is explored, given at most a third of the line: the path matters more.
        None => match app.catalog() {
            Some(c) => format!(" {} ", truncate(&c.source, area.width as usize / 3)),
            None => String::new(),
        },
    };
    let crumbs = app.breadcrumb();
    let path = if crumbs.is_empty() {
        "connecting…".to_string()
    } else {
        crumbs.join(" > ")
    };
    let room = (area.width as usize).saturating_sub(width(&right) + 10);
    let path = if width(&path) > room {
        // Keep the end of the path: it says where one is.
        let mut cut: String = path.chars().rev().collect();
        cut = truncate(&cut, room);
        cut.chars().rev().collect()
    } else {
        path
    };
    let left = format!(" aksara ▸ {path}");
    let pad = (area.width as usize).saturating_sub(width(&left) + width(&right));
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme::title()), area);
}

fn draw_body(app: &mut App, frame: &mut Frame, area: Rect) {
    let Some(catalog) = app.catalog().cloned() else {
        let text = match app.connect_error() {
            Some(e) => vec![
                Line::styled("Could not open the database:", theme::error()),
                Line::from(e.to_string()),
                Line::from(""),
                Line::styled("r tries again · q quits", theme::dim()),
            ],
            None => vec![Line::styled("Connecting…", theme::dim())],
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    };
    let ctx = Ctx {
        catalog: &catalog,
        page_size: 0,
        body_rows: area.height as usize,
        loading_more: false,
        writable: app.writable(),
    };
    if let Some(view) = app.view_mut() {
        view.draw(frame, area, &ctx);
    }
}

fn draw_message(app: &App, frame: &mut Frame, area: Rect) {
    let line = if let Some(prompt) = app.prompt() {
        let sign = if prompt.kind == crate::screens::PromptKind::Sql {
            ':'
        } else {
            '/'
        };
        let label = format!("{sign} {}: ", prompt.label);
        let tail = "  Enter applies · Esc cancels";
        // The end of a long input shows: it is where one types.
        let room = (area.width as usize).saturating_sub(width(&label) + width(tail) + 1);
        let input = prompt.input.replace('\n', "↵");
        let input = if width(&input) > room && room > 1 {
            let reversed: String = input.chars().rev().collect();
            let cut: String = truncate(&reversed, room).chars().rev().collect();
            cut
        } else {
            input
        };
        Line::from(vec![
            Span::styled(label, theme::key()),
            Span::raw(input),
            Span::styled("▏", theme::key()),
            Span::styled(tail, theme::dim()),
        ])
    } else if let Some(message) = app.message() {
        let style = if message.error {
            theme::error()
        } else {
            theme::info()
        };
        Line::styled(truncate(&message.text, area.width as usize), style)
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let mut hints: Vec<(&str, &str)> = Vec::new();
    if app.busy() {
        hints.extend(keys::hints(Place::Busy));
    }
    let place = if app.prompt().is_some() {
        Place::Prompt
    } else if app.help_open() {
        Place::Help
    } else if let Some(view) = app.view() {
        view.hint_place()
    } else {
        Place::Nothing
    };
    hints.extend(keys::hints(place));
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in hints {
        let piece = width(key) + width(what) + 3;
        if used + piece > area.width as usize {
            break;
        }
        spans.push(Span::styled(format!(" {key}"), theme::key()));
        spans.push(Span::styled(format!(" {what} "), theme::hints()));
        used += piece;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
