//! The mouse: a click selects a table, a row and its cell, a click on the selected one opens
//! it, the wheel scrolls, a click on the detail's bottom pane follows the relation it
//! describes (on the demo, drawn on ratatui's `TestBackend`); and in a real terminal (tmux)
//! the explorer asks for mouse reports, acts on a click, and turns the reports off on
//! quitting.

mod common;

use aksara_tui::screens::View;
use common::{redact, Driver};
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn click(d: &mut Driver, column: u16, row: u16) {
    d.app.mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
    assert!(d.app.settle(common::STEP));
    // Drawn again, as the terminal does after each event: the next click reads this layout.
    d.screen(100, 30);
}

fn wheel(d: &mut Driver, down: bool) {
    d.app.mouse(MouseEvent {
        kind: if down {
            MouseEventKind::ScrollDown
        } else {
            MouseEventKind::ScrollUp
        },
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    });
    assert!(d.app.settle(common::STEP));
    d.screen(100, 30);
}

fn selected_table(d: &Driver) -> String {
    match d.app.view() {
        Some(View::Tables(v)) => v
            .selected(d.app.catalog().unwrap())
            .map(|t| t.table.clone())
            .unwrap_or_default(),
        other => panic!("not the table list: {other:?}"),
    }
}

#[test]
fn clicks_select_and_open_and_the_wheel_scrolls() {
    let mut d = Driver::demo("mouse_clicks");
    d.screen(100, 30);
    // The table list: its header on line 1, `posts` the third table (line 4).
    click(&mut d, 3, 4);
    assert_eq!(selected_table(&d), "posts");
    // Below the last table: nothing changes.
    click(&mut d, 3, 25);
    assert_eq!(selected_table(&d), "posts");
    assert_eq!(d.crumbs(), "tables");
    // A click on the selected table opens it.
    click(&mut d, 3, 4);
    assert_eq!(d.crumbs(), "posts");
    // In title order (the keys' order is the order of creation).
    d.keys("lsh");
    // The wheel: three rows a notch, and back.
    wheel(&mut d, true);
    let grid = |d: &Driver| match d.app.view() {
        Some(View::Grid(g)) => (g.cursor(), g.column()),
        other => panic!("not a grid: {other:?}"),
    };
    assert_eq!(grid(&d), (3, 0));
    wheel(&mut d, false);
    assert_eq!(grid(&d), (0, 0));
    // A cell: the second row's title (the key column takes 36 columns and a space).
    click(&mut d, 40, 3);
    assert_eq!(grid(&d), (1, 1));
    insta::assert_snapshot!(
        "clicked_cell_100x30",
        redact(&d.terminal(100, 30).backend().to_string())
    );
    // Clicking it again opens the row.
    click(&mut d, 40, 3);
    assert_eq!(d.crumbs(), "posts: Borrow Checker Field Notes");
    // The detail: `tags` (the many-to-many relation) is its eighth row, on line 9.
    click(&mut d, 2, 9);
    let s = d.screen(100, 30);
    assert!(s.contains("tags (many-to-many)"), "{s}");
    insta::assert_snapshot!(
        "clicked_relation_100x30",
        redact(&d.terminal(100, 30).backend().to_string())
    );
    // A click on the pane that describes it follows it.
    click(&mut d, 10, 22);
    assert_eq!(d.crumbs(), "posts: Borrow Checker Field Notes > tags");
    assert!(matches!(d.app.view(), Some(View::Grid(_))));
}

#[test]
fn the_wheel_scrolls_the_help_and_clicks_leave_the_prompt_alone() {
    let mut d = Driver::demo("mouse_help");
    d.keys("?");
    wheel(&mut d, true);
    assert_eq!(d.app.help_scroll(), 3);
    d.keys("?");
    d.keys("/po");
    click(&mut d, 3, 2);
    assert_eq!(d.app.prompt().expect("the prompt stays").input, "po");
    assert_eq!(d.crumbs(), "tables");
}

/// `tmux display` of a format in the session's pane.
fn pane_flag(session: &str, format: &str) -> String {
    let out = std::process::Command::new("tmux")
        .args(["display-message", "-p", "-t", session, format])
        .output()
        .expect("tmux display-message");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_real_terminal_reports_the_mouse_until_the_explorer_quits() {
    let data = std::env::temp_dir().join(format!("aksara-tui-mouse-{}", std::process::id()));
    let demo = data.join("demo.db");
    let env = [
        ("XDG_DATA_HOME", data.display().to_string()),
        (
            "AKSARA_CONFIG",
            data.join("none.toml").display().to_string(),
        ),
    ];
    // The shell stays after the explorer ends, so the terminal's state can be read.
    let command = format!(
        "sh -c \"{} --demo-db '{}'; echo ENDED; sleep 60\"",
        env!("CARGO_BIN_EXE_aksara-tui"),
        demo.display()
    );
    let Some(tmux) = common::tmux::Tmux::start("aksara-mouse", &command, &env) else {
        return;
    };
    let session = format!("aksara-mouse-{}", std::process::id());
    tmux.wait_for("6 of 6 tables");
    assert_eq!(pane_flag(&session, "#{mouse_any_flag}"), "1");
    assert_eq!(pane_flag(&session, "#{alternate_on}"), "1");
    // A left click (SGR reports, 1-based) on `posts`, twice: selected, then opened.
    for _ in 0..2 {
        tmux.keys(&["-l", "\x1b[<0;4;5M\x1b[<0;4;5m"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let screen = tmux.wait_for("aksara ▸ posts");
    assert!(screen.contains("Async Rust in Practice"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("ENDED");
    assert_eq!(pane_flag(&session, "#{mouse_any_flag}"), "0");
    assert_eq!(pane_flag(&session, "#{alternate_on}"), "0");
    drop(tmux);
    let _ = std::fs::remove_dir_all(&data);
}
