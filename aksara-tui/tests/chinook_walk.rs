//! Walking Chinook by its relations, by keys, through the real app, on PostgreSQL, MariaDB
//! and SQLite: Track to its Album to its Artist and back; an Artist's Albums (reverse); a
//! Playlist's Tracks through PlaylistTrack (many-to-many) and back; an Employee's manager
//! (ReportsTo, a self-reference). The breadcrumb and the rows shown are asserted after each
//! step.
//!
//! The PostgreSQL script names things in snake_case (`track`, `album_id`), the MySQL and
//! SQLite ones in CamelCase (`Track`, `AlbumId`), so names are compared ignoring case and `_`.

mod common;

use aksara_tui::Target;
use common::{load_chinook, loud, Backend, Driver, TestDb};

/// Lower case without underscores: `reports_to` and `ReportsTo` compare equal.
fn norm(s: &str) -> String {
    s.to_lowercase().replace('_', "")
}

fn back_to_tables(d: &mut Driver) {
    for _ in 0..30 {
        if d.crumbs() == "tables" {
            return;
        }
        d.keys("<BS>");
    }
    panic!("never got back to the table list: {}", d.crumbs());
}

fn assert_crumbs(d: &Driver, expected: &str) {
    assert_eq!(norm(&d.crumbs()), norm(expected), "breadcrumb");
}

fn assert_shows(d: &mut Driver, needles: &[&str]) {
    let screen = d.screen(120, 40);
    for needle in needles {
        assert!(
            screen.contains(needle),
            "expected {needle:?} on screen:\n{screen}"
        );
    }
}

fn chinook_walk(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let test = format!("chinook_walk_{}", backend.name());
    let Some(t) = runtime.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    runtime.block_on(load_chinook(&t));
    let mut d = Driver::new(Target::Url(t.url.clone()));
    if let Some(e) = d.app.connect_error() {
        if e.contains("cannot list") {
            loud(&format!(
                "SKIPPING {test}: the engine cannot read the {} catalog yet: {e}",
                backend.name()
            ));
            return;
        }
        panic!("could not open Chinook on {}: {e}", backend.name());
    }
    assert_crumbs(&d, "tables");
    assert_shows(&mut d, &["11 of 11 tables"]);

    // Track -> Album -> Artist, and back twice.
    d.keys("/track<Enter><Enter>");
    assert_crumbs(&d, "track");
    assert_shows(
        &mut d,
        &[
            "For Those About To Rock (We Salute You)",
            "Balls to the Wall",
            "row 1 of",
        ],
    );
    d.keys("<Enter>");
    assert_crumbs(&d, "track: For Those About To Rock (We Salute You)");
    // Forward relations show their target's label beside the raw id.
    assert_shows(
        &mut d,
        &[
            "For Those About To Rock We Salute You",
            "MPEG audio file",
            "Rock",
        ],
    );
    d.keys("/album<Enter><Enter>");
    assert_crumbs(
        &d,
        "track: For Those About To Rock (We Salute You) > album: For Those About To Rock We Salute You",
    );
    assert_shows(&mut d, &["AC/DC", "10 rows"]);
    d.keys("/artist<Enter><Enter>");
    assert_crumbs(
        &d,
        "track: For Those About To Rock (We Salute You) > album: For Those About To Rock We Salute You > artist: AC/DC",
    );
    assert_shows(&mut d, &["AC/DC", "2 rows"]);
    d.keys("<BS><BS>");
    assert_crumbs(&d, "track: For Those About To Rock (We Salute You)");
    assert_shows(&mut d, &["Angus Young, Malcolm Young, Brian Johnson"]);

    // Forward again to the Artist, and list its Albums (reverse relation).
    d.keys("]]");
    assert!(
        norm(&d.crumbs()).ends_with("artist: ac/dc"),
        "{}",
        d.crumbs()
    );
    d.keys("/album<Enter><Enter>");
    assert!(
        norm(&d.crumbs()).ends_with("artist: ac/dc > album"),
        "{}",
        d.crumbs()
    );
    assert_shows(
        &mut d,
        &[
            "For Those About To Rock We Salute You",
            "Let There Be Rock",
            "row 1 of 2",
        ],
    );
    d.keys("j<Enter>");
    assert!(
        norm(&d.crumbs()).ends_with("artist: ac/dc > album > \"let there be rock\""),
        "{}",
        d.crumbs()
    );
    assert_shows(&mut d, &["8 rows"]);

    // Playlist -> its Tracks through PlaylistTrack, and back.
    back_to_tables(&mut d);
    d.keys("/playlist<Enter><Enter>");
    assert_crumbs(&d, "playlist");
    d.keys("l/grunge<Enter>");
    assert_shows(&mut d, &["Grunge", "row 1 of 1"]);
    d.keys("<Enter>");
    assert_crumbs(&d, "playlist: Grunge");
    assert_shows(&mut d, &["15 rows"]);
    d.keys("/track<Enter><Enter>");
    assert_crumbs(&d, "playlist: Grunge > track");
    assert_shows(
        &mut d,
        &["Man In The Box", "Smells Like Teen Spirit", "row 1 of 15"],
    );
    d.keys("<BS>");
    assert_crumbs(&d, "playlist: Grunge");
    assert_shows(&mut d, &["15 rows"]);

    // Employee -> the Employee it reports to (self-reference).
    back_to_tables(&mut d);
    d.keys("/employee<Enter><Enter>");
    assert_crumbs(&d, "employee");
    assert_shows(&mut d, &["Adams", "Edwards", "Peacock"]);
    d.keys("j<Enter>");
    assert_crumbs(&d, "employee: Edwards");
    assert_shows(&mut d, &["Sales Manager", "Adams"]);
    d.keys("/reports<Enter><Enter>");
    assert_crumbs(&d, "employee: Edwards > reports_to: Adams");
    assert_shows(&mut d, &["General Manager"]);
    d.keys("<BS>");
    assert_crumbs(&d, "employee: Edwards");
}

#[test]
fn chinook_walk_postgres() {
    chinook_walk(Backend::Postgres);
}

#[test]
fn chinook_walk_mysql() {
    chinook_walk(Backend::Mysql);
}

#[test]
fn chinook_walk_sqlite() {
    chinook_walk(Backend::Sqlite);
}
