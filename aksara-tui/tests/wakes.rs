//! The event loop wakes on the worker's answer: it draws an answer as soon as it arrives,
//! without waiting for a key or for the spinner's tick.

mod common;

use aksara_tui::terminal::{event_loop, Wake};
use aksara_tui::{App, Settings, Target, Worker};
use common::{buffer_text, parse_keys, scratch_file};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::sync::mpsc;
use std::time::Duration;

/// Long enough that a loop waiting for its tick would never draw the answer during the test.
const NO_TICK: Duration = Duration::from_secs(3600);

#[test]
fn the_worker_wakes_the_loop_with_its_answer_already_there() {
    let url = aksara_tui::cli::sqlite_url(&scratch_file("wakes_worker"));
    let worker = Worker::spawn(Target::Demo { url });
    let (tx, rx) = mpsc::channel();
    worker.on_answer(move || {
        let _ = tx.send(());
    });
    worker.send(1, aksara_tui::jobs::Job::Connect);
    rx.recv_timeout(Duration::from_secs(60))
        .expect("woken after connecting");
    let answer = worker
        .try_recv()
        .expect("the answer is there when the loop wakes");
    assert_eq!(answer.generation, 1);
    assert!(answer.result.is_ok(), "{:?}", answer.result.err());
}

#[test]
fn an_answer_is_drawn_without_a_key_or_a_tick() {
    let url = aksara_tui::cli::sqlite_url(&scratch_file("wakes_loop"));
    let (wakes, events) = mpsc::channel();
    let (screens, seen) = mpsc::channel::<String>();
    let keys = wakes.clone();
    let looping = std::thread::spawn(move || {
        let mut app = App::new(
            Worker::spawn(Target::Demo { url }),
            Settings { page_size: 50 },
        );
        let answers = wakes.clone();
        app.on_answer(move || {
            let _ = answers.send(Wake::Answer);
        });
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        event_loop(
            &mut app,
            &mut terminal,
            &events,
            NO_TICK,
            &mut std::io::sink(),
            |app, terminal| {
                let _ = screens.send(format!(
                    "{}\n{}",
                    app.tick_count(),
                    buffer_text(terminal.backend().buffer())
                ));
            },
        )
    });
    // Drawn once per wake: wait for a screen that shows `what`.
    let wait_for = |what: &str| -> String {
        loop {
            let screen = seen
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no screen with {what:?} drawn"));
            if screen.contains(what) {
                return screen;
            }
        }
    };
    // Connecting, then the tables, drawn when the catalog arrives: nothing was pressed.
    wait_for("users");
    // A key that asks for rows: the page is drawn when it comes.
    for key in parse_keys("/posts<Enter><Enter>") {
        keys.send(Wake::Terminal(Event::Key(key))).unwrap();
    }
    let screen = wait_for("Async Rust in Practice");
    assert!(screen.starts_with("0\n"), "no tick was needed:\n{screen}");
    for key in parse_keys("q") {
        keys.send(Wake::Terminal(Event::Key(key))).unwrap();
    }
    looping.join().unwrap().expect("the loop ends on q");
}
