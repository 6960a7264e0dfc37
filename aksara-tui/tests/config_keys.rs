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
