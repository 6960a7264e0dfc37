//! The connections file and its picker: the picker drawn (snapshots at two sizes, passwords
//! never on screen), and the real binary under tmux, from the picker to a table of the
//! connection chosen.

mod common;

use aksara_tui::config::Config;
use aksara_tui::picker::{Choice, Picked, Picker};
use aksara_tui::Target;
use common::tmux::Tmux;
use common::{buffer_text, scratch_file};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
[connections.shop]
url = "postgres://app@db.example.com/shop"
password = "hunter2"
description = "the shop, production replica"

[connections.warehouse]
url = "mysql://report:also-secret@10.0.0.7:3306/warehouse"

[connections.local]
url = "chinook.db"
description = "Chinook on this machine"
"#;

fn picker() -> Picker {
    let config = Config::parse(CONFIG, Path::new("/home/me/.config/aksara/config.toml"))
        .expect("a valid file");
    let mut choices: Vec<Choice> = config.connections.iter().map(Choice::connection).collect();
    choices.push(Choice::demo(Target::Demo {
        url: "sqlite:///home/me/.local/share/aksara/demo.db".into(),
    }));
    Picker::new(choices, config.file_name())
}

fn draw(picker: &Picker, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| picker.draw(f)).unwrap();
    terminal
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn the_picker_lists_the_connections_and_the_demo_without_passwords() {
    let mut picker = picker();
    for (width, height) in [(100, 12), (64, 10)] {
        let terminal = draw(&picker, width, height);
        let text = buffer_text(terminal.backend().buffer());
        assert!(
            !text.contains("hunter2") && !text.contains("also-secret"),
            "{text}"
        );
        insta::assert_snapshot!(format!("picker_{width}x{height}"), terminal.backend());
    }
    // Down to the warehouse, Enter opens it; the demo is the last entry.
    assert_eq!(picker.key(key(KeyCode::Char('j'))), Picked::Stay);
    assert_eq!(picker.key(key(KeyCode::Down)), Picked::Stay);
    assert_eq!(
        picker.key(key(KeyCode::Enter)),
        Picked::Open(Target::Url(
            "mysql://report:also-secret@10.0.0.7:3306/warehouse".into()
        ))
    );
    picker.key(key(KeyCode::End));
    assert!(matches!(
        picker.key(key(KeyCode::Enter)),
        Picked::Open(Target::Demo { .. })
    ));
    assert_eq!(picker.key(key(KeyCode::Char('q'))), Picked::Quit);
}

#[test]
fn the_binary_opens_the_connection_picked_in_a_real_terminal() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db_file = scratch_file("picker_shop");
    rt.block_on(async {
        let url = aksara_tui::cli::sqlite_url(&db_file);
        let db = aksara::connect(&url, aksara::Registry::empty())
            .await
            .expect("create the file");
        db.raw_execute(
            "CREATE TABLE parcels (id INTEGER PRIMARY KEY, label TEXT NOT NULL)",
            [],
        )
        .await
        .expect("a table");
    });
    let dir = db_file
        .parent()
        .unwrap()
        .join(format!("picker-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[connections.shop]\nurl = {:?}\ndescription = \"parcels\"\n\n\
             [connections.remote]\nurl = \"postgres://app:hunter2@127.0.0.1:1/none\"\n",
            db_file.display().to_string()
        ),
    )
    .unwrap();
    let env = [
        ("AKSARA_CONFIG", config.display().to_string()),
        ("XDG_DATA_HOME", dir.join("data").display().to_string()),
        ("DATABASE_URL", String::new()),
        ("TERM", "xterm-256color".to_string()),
    ];
    let Some(tmux) = Tmux::start("aksara-picker", env!("CARGO_BIN_EXE_aksara-tui"), &env) else {
        return;
    };
    let screen = tmux.wait_for("aksara ▸ connections");
    assert!(screen.contains("remote") && screen.contains("shop") && screen.contains("demo"));
    assert!(
        screen.contains("postgres://app:***@127.0.0.1:1/none"),
        "{screen}"
    );
    assert!(!screen.contains("hunter2"), "{screen}");
    // remote, shop, demo: down once and open the shop.
    tmux.keys(&["j", "Enter"]);
    let screen = tmux.wait_for("1 of 1 tables");
    assert!(screen.contains("parcels"), "{screen}");
    assert!(!screen.contains("connections"), "{screen}");
    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tmux.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!tmux.alive(), "q did not quit:\n{}", tmux.screen());
    let _ = std::fs::remove_dir_all(&dir);
}
