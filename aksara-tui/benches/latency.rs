//! Keypress-to-screen latency of a query answer: the real event loop
//! ([`aksara_tui::terminal::event_loop`]) on a thread of its own, drawing on ratatui's
//! `TestBackend`, with keys sent into its wake channel as the input thread sends them, and a
//! real worker. Each round presses Enter on the `posts` table and stops the clock at the end
//! of the first draw that shows its first page; Esc goes back before the next round. Beside
//! it, the same page read alone the way the worker reads it (in its cancellable request, on
//! its own connection, nothing else running): the loop's cost is the difference.
//!
//! The database is the demo blog: the embedded SQLite demo (a fresh file under `target/`), and
//! the same blog seeded into PostgreSQL (schema `tui_latency`, `AKSARA_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; skipped with a message when unreachable).
//!
//! Run with `cargo bench -p aksara-tui --bench latency` (`-- ROUNDS` for another number of
//! rounds than 200).

use aksara::Registry;
use aksara_tui::jobs::{self, Outcome, Placement};
use aksara_tui::paging::Start;
use aksara_tui::screens::{Slot, View};
use aksara_tui::terminal::{event_loop, Wake, TICK};
use aksara_tui::{App, Settings, Target, Worker};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PAGE: u64 = 200;
const WAIT: Duration = Duration::from_secs(60);

/// What the loop's draws tell the bench.
enum Seen {
    /// The posts grid with its first page, drawn at this instant (once per opening).
    Shown(Instant),
    /// The table list with nothing running, drawn at this instant.
    Idle(Instant),
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn press(wakes: &Sender<Wake>, code: KeyCode) {
    wakes
        .send(Wake::Terminal(Event::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))))
        .expect("the loop is running");
}

fn on_posts_grid(app: &App) -> bool {
    app.breadcrumb().last().is_some_and(|c| c == "posts")
        && matches!(app.view(), Some(View::Grid(g)) if !g.window().is_empty())
        && !app.pending().contains_key(&Slot::Main)
}

/// The demo blog on PostgreSQL, in the schema `tui_latency`; None when unreachable.
async fn postgres_demo() -> Option<String> {
    let base = std::env::var("AKSARA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = match aksara::connect(&base, Registry::empty()).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("\n!!! SKIPPING the PostgreSQL latency figures: {e}\n");
            return None;
        }
    };
    admin
        .raw_execute("CREATE SCHEMA IF NOT EXISTS tui_latency", [])
        .await
        .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-csearch_path%3Dtui_latency");
    let registry = aksara::demo::registry();
    let db = aksara::connect(&url, registry.clone()).await.unwrap();
    let tables = aksara::ddl::existing_tables(&db).await.unwrap();
    if registry
        .models()
        .iter()
        .any(|m| !tables.contains(&m.meta.table))
    {
        aksara::ddl::create_all(&db).await.unwrap();
    }
    let users = db
        .raw("SELECT COUNT(*) FROM users", [])
        .await
        .unwrap_or_default();
    if matches!(
        users.first().and_then(|r| r.first()),
        Some(aksara::Value::I64(0))
    ) {
        aksara::demo::seed(&db).await.unwrap();
    }
    Some(url)
}

/// The median, 90th percentile and largest of `samples`, in milliseconds.
fn summary(samples: &mut [Duration]) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (ms(at(0.5)), ms(at(0.9)), ms(samples[samples.len() - 1]))
}

/// The page the grid asks for when it opens, read `rounds` times the way the worker reads
/// it, on the bench's own connection.
fn query_alone(target: &Target, rounds: usize) -> Vec<Duration> {
    let rt = runtime();
    let (db, catalog) = rt
        .block_on(async {
            match target {
                Target::Demo { url } => aksara_tui::demo::open(url).await,
                Target::Url(url) => aksara_tui::worker::open_url(url).await,
            }
        })
        .expect("open the database");
    let entry = catalog
        .tables
        .iter()
        .find(|t| t.table == "posts")
        .expect("the posts table");
    let grid = aksara_tui::screens::GridView::table(entry, &catalog);
    let spec = aksara_tui::paging::PageSpec {
        start: Start::First,
        limit: PAGE,
        ..grid.export_spec(&catalog)
    };
    (0..rounds + 10)
        .map(|_| {
            let spec = spec.clone();
            let started = Instant::now();
            let id = Arc::new(Mutex::new(None));
            let outcome = rt
                .block_on(jobs::cancellable(&db, &id, |tx| async move {
                    jobs::page(&tx, spec, Placement::Replace).await
                }))
                .expect("the page");
            let elapsed = started.elapsed();
            assert!(matches!(outcome, Outcome::Page { ref rows, .. } if !rows.is_empty()));
            elapsed
        })
        .skip(10)
        .collect()
}

/// Enter on `posts` to its first page drawn, `rounds` times, through the event loop.
fn key_to_screen(target: Target, rounds: usize) -> Vec<Duration> {
    let (wakes, events) = mpsc::channel();
    let (seen_tx, seen): (Sender<Seen>, Receiver<Seen>) = mpsc::channel();
    let answers = wakes.clone();
    let looping = std::thread::spawn(move || {
        let mut app = App::new(Worker::spawn(target), Settings { page_size: PAGE });
        app.on_answer(move || {
            let _ = answers.send(Wake::Answer);
        });
        let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
        let mut shown = false;
        event_loop(
            &mut app,
            &mut terminal,
            &events,
            TICK,
            &mut std::io::sink(),
            |app, _| {
                let now = Instant::now();
                if on_posts_grid(app) {
                    if !shown {
                        shown = true;
                        let _ = seen_tx.send(Seen::Shown(now));
                    }
                } else {
                    shown = false;
                    if matches!(app.view(), Some(View::Tables(_))) && !app.busy() {
                        let _ = seen_tx.send(Seen::Idle(now));
                    }
                }
            },
        )
    });
    let idle_after = |since: Instant| loop {
        match seen.recv_timeout(WAIT).expect("the loop draws") {
            Seen::Idle(at) if at > since => return,
            _ => {}
        }
    };
    idle_after(Instant::now());
    // Narrow the table list to `posts`.
    for c in "/posts".chars() {
        press(&wakes, KeyCode::Char(c));
    }
    press(&wakes, KeyCode::Enter);
    idle_after(Instant::now());
    let mut samples = Vec::new();
    for round in 0..rounds + 10 {
        let pressed = Instant::now();
        press(&wakes, KeyCode::Enter);
        let drawn = loop {
            if let Seen::Shown(at) = seen.recv_timeout(WAIT).expect("the page is drawn") {
                break at;
            }
        };
        if round >= 10 {
            samples.push(drawn - pressed);
        }
        let back = Instant::now();
        press(&wakes, KeyCode::Esc);
        idle_after(back);
    }
    press(&wakes, KeyCode::Char('q'));
    looping.join().unwrap().expect("the loop ends");
    samples
}

fn main() {
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(200);
    let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/aksara-tui-latency-demo.db");
    let mut targets = vec![(
        "sqlite (demo)",
        Target::Demo {
            url: aksara_tui::cli::sqlite_url(&demo),
        },
    )];
    if let Some(url) = runtime().block_on(postgres_demo()) {
        targets.push(("postgresql (demo blog)", Target::Url(url)));
    }
    println!(
        "keypress to screen, Enter on posts to its first page drawn ({rounds} rounds, \
         after 10 warm-up rounds), milliseconds: median / p90 / max"
    );
    println!("| backend | the page alone | key to screen | loop's cost (medians) |");
    println!("|---|---:|---:|---:|");
    for (name, target) in targets {
        let mut alone = query_alone(&target, rounds);
        let mut through = key_to_screen(target, rounds);
        let (a50, a90, amax) = summary(&mut alone);
        let (t50, t90, tmax) = summary(&mut through);
        println!(
            "| {name} | {a50:.2} / {a90:.2} / {amax:.2} | {t50:.2} / {t90:.2} / {tmax:.2} | {:.2} |",
            t50 - a50
        );
    }
}
