//! The connections file's `[theme]`: its colours replace the defaults where the screen draws
//! them (its own test binary: the theme is set once per process).

mod common;

use aksara_tui::config::Config;
use common::Driver;
use ratatui::style::Color;
use std::path::Path;

#[test]
fn the_theme_of_the_file_colours_the_screen() {
    let config = Config::parse(
        "[theme]\nselected_bg = \"#102030\"\ntitle_bg = \"magenta\"\n",
        Path::new("config.toml"),
    )
    .expect("the file");
    assert!(aksara_tui::theme::set(config.theme));
    let mut d = Driver::demo("theme_colours");
    let terminal = d.terminal(100, 30);
    let buffer = terminal.backend().buffer();
    // The title bar, and the first table (the row under the cursor, on line 2).
    assert_eq!(buffer[(0, 0)].bg, Color::Magenta);
    assert_eq!(buffer[(2, 2)].bg, Color::Rgb(0x10, 0x20, 0x30));
    assert_eq!(buffer[(2, 2)].symbol(), "t");
    // The other rows keep the terminal's background; the selected text its default colour.
    assert_eq!(buffer[(2, 3)].bg, Color::Reset);
    assert_eq!(buffer[(2, 2)].fg, Color::White);
}
