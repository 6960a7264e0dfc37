//! The connections file's `[keys]` and `[theme]` in the real binary (tmux): a character
//! remapped to `q` quits the explorer, and the file's theme does not stop the demo opening.

mod common;

#[test]
fn a_remapped_key_of_the_file_quits() {
    let data = std::env::temp_dir().join(format!("aksara-tui-keys-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let config = data.join("config.toml");
    std::fs::write(
        &config,
        "[keys]\nx = \"q\"\n\n[theme]\nselected_bg = \"#203040\"\n",
    )
    .unwrap();
    let env = [
        ("XDG_DATA_HOME", data.display().to_string()),
        ("AKSARA_CONFIG", config.display().to_string()),
    ];
    let command = format!(
        "sh -c \"{} --demo-db '{}'; echo ENDED; sleep 60\"",
        env!("CARGO_BIN_EXE_aksara-tui"),
        data.join("demo.db").display()
    );
    let Some(tmux) = common::tmux::Tmux::start("aksara-keys", &command, &env) else {
        return;
    };
    tmux.wait_for("6 of 6 tables");
    // `q` in the find prompt is a letter, and so is `x`: the prompt shows it.
    tmux.keys(&["/", "x"]);
    tmux.wait_for("find table: x");
    tmux.keys(&["Escape"]);
    tmux.keys(&["x"]);
    let screen = tmux.wait_for("ENDED");
    assert!(!screen.contains("6 of 6 tables"), "{screen}");
    drop(tmux);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn the_help_lists_the_remapped_keys() {
    let mut d = common::Driver::demo("keys_help");
    d.app
        .remap_keys([('x', 'q'), ('Z', 'G')].into_iter().collect());
    d.keys("?<PgDn><PgDn><PgDn>");
    let screen = d.screen(100, 30);
    assert!(screen.contains("Keys of the connections file:"), "{screen}");
    let line = |key: &str, to: &str| {
        screen
            .lines()
            .any(|l| l.contains(&format!("│ {key:<13}  acts as {to}")))
    };
    assert!(line("Z", "G") && line("x", "q"), "{screen}");
    // With the help closed, x acts as q: it quits.
    d.keys("<Esc>x");
    assert!(d.app.should_quit());
}
