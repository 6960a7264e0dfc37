//! The terminal: raw mode and the alternate screen (ratatui's `init` / `restore`), the event
//! loop, and the panic hook.
//!
//! The loop sleeps on one channel of [`Wake`]s: terminal events, forwarded by an input
//! thread, and a wake-up the worker sends right after each answer ([`App::on_answer`]). So an
//! answer is drawn as soon as it arrives, and a key as soon as it is pressed, with no polling;
//! when nothing comes for one tick the spinner turns. The loop never waits for the database:
//! a slow query only keeps the spinner turning.

use crate::action::Action;
use crate::app::App;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use ratatui::Terminal;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the loop sleeps with nothing happening before it turns the spinner and draws
/// again.
pub const TICK: Duration = Duration::from_millis(80);

/// How often the input thread looks whether the loop has ended (between terminal events).
const INPUT_POLL: Duration = Duration::from_millis(50);

/// What wakes the event loop.
#[derive(Debug)]
pub enum Wake {
    /// A terminal event: a key, a resize.
    Terminal(Event),
    /// The worker sent an answer (it waits in the app's channel).
    Answer,
}

/// Runs `app` in the terminal until it quits.
///
/// # Errors
/// When the terminal cannot be set up or written to.
pub fn run(mut app: App) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    install_panic_hook();
    if let Err(e) = capture_mouse(true) {
        ratatui::restore();
        return Err(e);
    }
    let (wakes, events) = mpsc::channel();
    let answers = wakes.clone();
    app.on_answer(move || {
        let _ = answers.send(Wake::Answer);
    });
    let input = Input::start(wakes);
    let result = event_loop(
        &mut app,
        &mut terminal,
        &events,
        TICK,
        &mut std::io::stdout(),
        |_, _| {},
    );
    input.stop();
    let _ = capture_mouse(false);
    ratatui::restore();
    result
}

/// Shows `picker` until a database is chosen, then runs the app `make_app` gives for it in
/// the same terminal, until it quits; quitting the picker ends at once.
///
/// # Errors
/// When the terminal cannot be set up or written to.
pub fn run_picker(
    mut picker: crate::picker::Picker,
    make_app: impl FnOnce(crate::location::Target) -> App,
) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    install_panic_hook();
    if let Err(e) = capture_mouse(true) {
        ratatui::restore();
        return Err(e);
    }
    let (wakes, events) = mpsc::channel();
    let input = Input::start(wakes.clone());
    let chosen = loop {
        if let Err(e) = terminal.draw(|frame| picker.draw(frame)) {
            break Err(std::io::Error::other(e.to_string()));
        }
        match events.recv() {
            Ok(Wake::Terminal(Event::Key(key))) => match picker.key(key) {
                crate::picker::Picked::Stay => {}
                crate::picker::Picked::Open(target) => break Ok(Some(target)),
                crate::picker::Picked::Quit => break Ok(None),
            },
            Ok(_) => {}
            Err(_) => break Err(std::io::Error::other("the terminal's events ended")),
        }
    };
    let result = match chosen {
        Ok(Some(target)) => {
            let mut app = make_app(target);
            let answers = wakes.clone();
            app.on_answer(move || {
                let _ = answers.send(Wake::Answer);
            });
            event_loop(
                &mut app,
                &mut terminal,
                &events,
                TICK,
                &mut std::io::stdout(),
                |_, _| {},
            )
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    input.stop();
    let _ = capture_mouse(false);
    ratatui::restore();
    result
}

/// The thread that reads terminal events and forwards them to the loop.
struct Input {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Input {
    fn start(wakes: Sender<Wake>) -> Input {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("aksara-input".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    match event::poll(INPUT_POLL) {
                        Ok(true) => match event::read() {
                            Ok(e) => {
                                if wakes.send(Wake::Terminal(e)).is_err() {
                                    return;
                                }
                            }
                            Err(_) => return,
                        },
                        Ok(false) => {}
                        Err(_) => return,
                    }
                }
            })
            .expect("start the input thread");
        Input { stop, thread }
    }

    /// Ends the thread (within [`INPUT_POLL`]) before the terminal is restored.
    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// The event loop on any backend: draws, then sleeps on `wakes` (until the next `tick`,
/// [`TICK`] in the terminal), applies what woke it and whatever else is already there (keys typed meanwhile, answers),
/// and draws again, until the app quits. OSC 52 clipboard sequences go to `osc` after each
/// draw; `drawn` is called after each draw (benchmarks watch the screen through it).
///
/// # Errors
/// When the terminal or `osc` cannot be written to, or `wakes` has no sender left.
pub fn event_loop<B: Backend>(
    app: &mut App,
    terminal: &mut Terminal<B>,
    wakes: &Receiver<Wake>,
    tick: Duration,
    osc: &mut dyn Write,
    mut drawn: impl FnMut(&App, &Terminal<B>),
) -> std::io::Result<()> {
    let mut last_tick = Instant::now();
    loop {
        terminal
            .draw(|frame| crate::render::draw(app, frame))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        drawn(app, terminal);
        let copies = app.take_clipboard();
        if !copies.is_empty() {
            for sequence in copies {
                osc.write_all(sequence.as_bytes())?;
            }
            osc.flush()?;
        }
        match wakes.recv_timeout(tick.saturating_sub(last_tick.elapsed())) {
            Ok(wake) => apply(app, wake),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(std::io::Error::other("the terminal's events ended"))
            }
        }
        // The spinner turns once a tick, however many keys and answers came meanwhile.
        if last_tick.elapsed() >= tick {
            app.update(Action::Tick);
            last_tick = Instant::now();
        }
        // Take the other keys already typed and answers already there before drawing
        // (holding j scrolls smoothly).
        while !app.should_quit() {
            match wakes.try_recv() {
                Ok(wake) => apply(app, wake),
                Err(_) => break,
            }
        }
        app.drain();
        if app.should_quit() {
            return Ok(());
        }
    }
}

fn apply(app: &mut App, wake: Wake) {
    match wake {
        Wake::Terminal(Event::Key(key)) => app.key(key),
        Wake::Terminal(Event::Mouse(mouse)) => app.mouse(mouse),
        Wake::Terminal(Event::Resize(width, height)) => {
            app.update(Action::Resize { width, height })
        }
        Wake::Terminal(_) => {}
        Wake::Answer => {
            app.drain();
        }
    }
}

/// Asks the terminal to report the mouse (clicks, the wheel) or to stop: on entering the
/// screen, and before it is restored on quitting and on a panic.
fn capture_mouse(on: bool) -> std::io::Result<()> {
    use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
    let mut out = std::io::stdout();
    if on {
        ratatui::crossterm::execute!(out, EnableMouseCapture)
    } else {
        ratatui::crossterm::execute!(out, DisableMouseCapture)
    }
}

/// Keeps ratatui's hook (which restores the terminal) for the UI thread, after turning the
/// mouse reports off, but leaves the terminal alone for panics on the worker's threads:
/// those become error messages.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_worker = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with(crate::worker::THREAD_NAME));
        if !on_worker {
            let _ = capture_mouse(false);
            previous(info);
        }
    }));
}
