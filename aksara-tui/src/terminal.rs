//! The terminal: raw mode and the alternate screen (ratatui's `init` / `restore`), the event
//! loop, and the panic hook.
//!
//! The loop waits for a key at most one tick, then takes the worker's answers, then draws. It
//! never waits for the database: a slow query only keeps the spinner turning. While a request
//! is out it looks for its answer every few milliseconds, so an answer is drawn as it arrives
//! rather than at the next tick.

use crate::action::Action;
use crate::app::App;
use ratatui::crossterm::event::{self, Event};
use std::io::Write;
use std::time::Duration;

/// How long the loop waits for a key before drawing again.
const TICK: Duration = Duration::from_millis(80);

/// How often the loop looks for answers while a request is out.
const ANSWER_POLL: Duration = Duration::from_millis(2);

/// Runs `app` in the terminal until it quits.
///
/// # Errors
/// When the terminal cannot be set up or written to.
pub fn run(mut app: App) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    install_panic_hook();
    let result = event_loop(&mut app, &mut terminal);
    ratatui::restore();
    result
}

fn event_loop(app: &mut App, terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    loop {
        terminal.draw(|frame| crate::render::draw(app, frame))?;
        let copies = app.take_clipboard();
        if !copies.is_empty() {
            let mut out = std::io::stdout();
            for sequence in copies {
                out.write_all(sequence.as_bytes())?;
            }
            out.flush()?;
        }
        if wait_for_key_or_answer(app)? {
            match event::read()? {
                Event::Key(key) => app.key(key),
                Event::Resize(width, height) => app.update(Action::Resize { width, height }),
                _ => {}
            }
            // Take the other keys already typed before drawing (holding j scrolls smoothly).
            while event::poll(Duration::ZERO)? {
                if let Event::Key(key) = event::read()? {
                    app.key(key);
                }
                if app.should_quit() {
                    break;
                }
            }
        } else if !app.drain() {
            app.update(Action::Tick);
        }
        app.drain();
        if app.should_quit() {
            return Ok(());
        }
    }
}

/// Waits up to one tick for a key (true) or, while a request is out, for its answer (false,
/// the answer left for [`App::drain`]).
fn wait_for_key_or_answer(app: &App) -> std::io::Result<bool> {
    if !app.busy() {
        return event::poll(TICK);
    }
    let deadline = std::time::Instant::now() + TICK;
    loop {
        if event::poll(ANSWER_POLL)? {
            return Ok(true);
        }
        if app.has_answer() || std::time::Instant::now() >= deadline {
            return Ok(false);
        }
    }
}

/// Keeps ratatui's hook (which restores the terminal) for the UI thread, but leaves the
/// terminal alone for panics on the worker's threads: those become error messages.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_worker = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with(crate::worker::THREAD_NAME));
        if !on_worker {
            previous(info);
        }
    }));
}
