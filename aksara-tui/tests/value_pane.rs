//! The value pane: a value longer than the pane is shown a screenful at a time, and while it
//! is enlarged (Enter) the movement keys scroll it.

mod common;

use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

/// A note whose text runs to 60 numbered lines.
fn script() -> String {
    let text: Vec<String> = (1..=60).map(|i| format!("line {i:02}")).collect();
    format!(
        "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
         INSERT INTO note (id, body) VALUES (1, '{}');",
        text.join("\n")
    )
}

/// The lines of the value pane (below its title), one string.
fn pane(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let title = lines
        .iter()
        .position(|l| l.trim_start().starts_with("body "))
        .unwrap_or_else(|| panic!("no value pane:\n{screen}"));
    lines[title + 1..].join("\n")
}

#[test]
fn an_enlarged_value_scrolls() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(Backend::Sqlite, "value_pane")) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(&script())).expect("the note");
    drop(db);
    let mut d = Driver::new(Target::Url(t.url.clone()));
    // The note's detail, the cursor on its body.
    d.keys("/note<Enter><Enter><Enter>j");
    let s = d.screen(80, 30);
    assert!(
        s.contains("lines 1-"),
        "the pane says how much it shows:\n{s}"
    );
    assert!(s.contains("Enter enlarges"), "{s}");
    assert!(
        pane(&s).contains("line 01") && !pane(&s).contains("line 60"),
        "{s}"
    );

    // Enlarged, it scrolls: down a line, a page, to the end, back to the top.
    d.keys("<Enter>");
    let s = d.screen(80, 30);
    assert!(s.contains("j/k PgUp/PgDn scroll"), "{s}");
    // The hint line says what the keys do now: Enter shrinks the value, nothing is followed.
    let hints = s.lines().last().unwrap_or_default();
    assert!(
        hints.contains("Enter shrink") && !hints.contains("follow"),
        "{hints}"
    );
    d.keys("j");
    let s = d.screen(80, 30);
    assert!(
        s.contains("lines 2-") && !pane(&s).contains("line 01"),
        "{s}"
    );
    d.keys("G");
    let s = d.screen(80, 30);
    assert!(pane(&s).contains("line 60") && s.contains("of 60"), "{s}");
    d.keys("gg");
    let s = d.screen(80, 30);
    assert!(
        pane(&s).contains("line 01") && s.contains("lines 1-"),
        "{s}"
    );
    d.keys("<PgDn>");
    let s = d.screen(80, 30);
    assert!(!pane(&s).contains("line 01"), "a page down:\n{s}");

    // Back to the field list: the keys move the cursor again, and the pane starts at the top.
    d.keys("<Enter>k");
    let s = d.screen(80, 30);
    assert!(!s.contains("body  lines"), "the cursor is on id:\n{s}");
    d.keys("j");
    let s = d.screen(80, 30);
    assert!(
        pane(&s).contains("line 01") && s.contains("Enter enlarges"),
        "{s}"
    );
}
