//! Every screen of the explorer on the embedded demo, drawn on ratatui's `TestBackend` at two
//! terminal sizes and compared with insta snapshots (UUIDs and date-times masked, since the
//! demo makes new ones on each run). Also walks the demo by keys and checks the breadcrumb.

mod common;

use common::{redact, Driver};

/// The two sizes each screen is drawn at.
const SIZES: [(u16, u16); 2] = [(100, 30), (64, 18)];

fn snapshot(driver: &mut Driver, name: &str) {
    for (width, height) in SIZES {
        let terminal = driver.terminal(width, height);
        let text = redact(&terminal.backend().to_string());
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
    }
}

#[test]
fn demo_screens() {
    let mut d = Driver::demo("demo_screens");

    // The table list, with exact counts (SQLite keeps no estimates) and model descriptions.
    assert_eq!(d.crumbs(), "tables");
    snapshot(&mut d, "tables");

    // The help overlay over it.
    d.keys("?");
    assert!(d.app.help_open());
    snapshot(&mut d, "help");
    // Taller than the screen: it scrolls to its last lines.
    assert!(!d.screen(100, 30).contains("removes the column's filter"));
    d.keys("<PgDn>");
    let screen = d.screen(100, 30);
    assert!(screen.contains("removes the column's filter"), "{screen}");
    assert!(screen.contains("j k scroll"), "{screen}");
    d.keys("<Esc>");
    assert!(!d.app.help_open());

    // The posts grid, sorted by title.
    d.keys("/posts<Enter><Enter>");
    assert_eq!(d.crumbs(), "posts");
    d.keys("ls");
    snapshot(&mut d, "posts_grid");

    // The filter prompt on the title column, then the filtered grid.
    d.keys("/rust");
    snapshot(&mut d, "filter_prompt");
    d.keys("<Enter>");
    let screen = d.screen(100, 30);
    assert!(screen.contains("Async Rust in Practice"), "{screen}");
    assert!(!screen.contains("Getting Started"), "{screen}");
    assert!(screen.contains("row 1 of 1"), "{screen}");
    d.keys("/<BS><BS><BS><BS><Enter>");

    // A post's detail: every field, the author's and category's labels beside their ids,
    // the tags counted.
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "posts: Async Rust in Practice");
    snapshot(&mut d, "post_detail");
    let screen = d.screen(100, 30);
    assert!(screen.contains("Jane"), "the author's label: {screen}");
    assert!(screen.contains("Rust"), "the category's label: {screen}");
    assert!(screen.contains("2 rows"), "two tags: {screen}");

    // Its tags (many-to-many).
    d.keys("/tags<Enter><Enter>");
    assert_eq!(d.crumbs(), "posts: Async Rust in Practice > tags");
    snapshot(&mut d, "post_tags");
}

#[test]
fn demo_walk_keeps_each_steps_state() {
    let mut d = Driver::demo("demo_walk");
    d.keys("/users<Enter><Enter>");
    // Sort by name (the third column): Jane, Lin, Omar.
    d.keys("lls");
    let screen = d.screen(100, 30);
    let jane = screen.find("Jane").expect("Jane");
    let omar = screen.find("Omar").expect("Omar");
    assert!(jane < omar, "{screen}");
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "users: Jane");
    // The user's reverse relations, with their descriptions in the pane.
    d.keys("/posts<Enter>");
    snapshot(&mut d, "user_detail");
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("3 rows"),
        "Jane wrote three posts: {screen}"
    );
    assert!(screen.contains("profile"), "{screen}");
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "users: Jane > posts");
    d.keys("ls<Enter>");
    assert_eq!(
        d.crumbs(),
        "users: Jane > posts > \"Async Rust in Practice\""
    );
    d.keys("/tags<Enter><Enter>");
    assert_eq!(
        d.crumbs(),
        "users: Jane > posts > \"Async Rust in Practice\" > tags"
    );
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("Advanced") && screen.contains("Async"),
        "{screen}"
    );

    // Back three steps: the posts grid keeps its sort and cursor.
    d.keys("<BS><BS>");
    assert_eq!(d.crumbs(), "users: Jane > posts");
    let screen = d.screen(100, 30);
    assert!(screen.contains("title ▲"), "the sort is kept: {screen}");
    // Forward again, twice: back at the tags.
    d.keys("]]");
    assert_eq!(
        d.crumbs(),
        "users: Jane > posts > \"Async Rust in Practice\" > tags"
    );
    // Esc never quits, even at the first screen.
    d.keys("<Esc><Esc><Esc><Esc><Esc><Esc><Esc>");
    assert_eq!(d.crumbs(), "tables");
    assert!(!d.app.should_quit());
    d.keys("q");
    assert!(d.app.should_quit());
}

#[test]
fn demo_follows_forward_and_one_to_one_relations() {
    let mut d = Driver::demo("demo_follow");
    // A profile's user (one-to-one, forward), then the user's profile (reverse one-to-one).
    d.keys("/user_profiles<Enter><Enter><Enter>");
    d.keys("/user<Enter><Enter>");
    let crumbs = d.crumbs();
    assert!(
        crumbs.starts_with("user_profiles: ") && crumbs.contains(" > user: "),
        "{crumbs}"
    );
    // The bottom pane says what Enter does on a reverse one-to-one: it opens one row.
    d.keys("/profile<Enter>");
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("Enter opens the user_profiles row that points at this one."),
        "{screen}"
    );
    assert!(!screen.contains("rows linked to this one"), "{screen}");
    d.keys("<Enter>");
    assert!(d.crumbs().contains(" > profile: "), "{}", d.crumbs());
    // A category's parent (self-reference), and its children.
    d.keys("<Esc><Esc><Esc><Esc><Esc>");
    assert_eq!(d.crumbs(), "tables");
    d.keys("/categories<Enter><Enter>ls");
    // Sorted by name: Life, Python, Rust, Technology, Web. Open Web, follow its parent.
    d.keys("G<Enter>");
    assert_eq!(d.crumbs(), "categories: Web");
    d.keys("/parent<Enter><Enter>");
    assert_eq!(d.crumbs(), "categories: Web > parent: Python");
    d.keys("/parent<Enter><Enter>");
    assert_eq!(
        d.crumbs(),
        "categories: Web > parent: Python > parent: Technology"
    );
    d.keys("/children<Enter><Enter>");
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("Python") && screen.contains("Rust"),
        "{screen}"
    );
    assert!(screen.contains("row 1 of 2"), "{screen}");
    // A NULL forward key points nowhere.
    d.keys("<BS>/parent<Enter><Enter>");
    let message = d.app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(message.contains("NULL"), "{message}");
}

#[test]
fn copying_writes_an_osc52_sequence() {
    let mut d = Driver::demo("demo_copy");
    d.keys("/tags<Enter><Enter>lls");
    d.keys("hy");
    let copies = d.app.take_clipboard();
    assert_eq!(copies.len(), 1);
    // "Advanced" is the first tag by slug; name column copied.
    assert_eq!(copies[0], aksara_tui::clipboard::osc52("Advanced"));
    assert!(d.app.message().unwrap().text.contains("copied name"));
}

/// Prints the screens pasted into the README (`cargo test -p aksara-tui --test demo_screens
/// -- --ignored --nocapture readme_capture`).
#[test]
#[ignore = "prints the README's capture"]
fn readme_capture() {
    let mut d = Driver::demo("readme_capture");
    d.keys("/users<Enter><Enter>lls<Enter>/posts<Enter>");
    println!("{}", d.screen(100, 30));
    d.keys("<Enter>ls");
    println!("{}", d.screen(100, 30));
    d.keys("<Enter>/tags<Enter>");
    println!("{}", d.screen(100, 30));
}
