//! Replays the README's "A second release, step by step" on SQLite: every `$ command` of its
//! console blocks is run (through the library, with the models the command names), and its
//! output must be the README's, durations aside. So the walk-through cannot drift from what
//! the commands print.

#[path = "../examples/blog_migrate/release2.rs"]
#[allow(dead_code)]
mod release2;

use aksara_cli::{Cli, Outcome};
use clap::Parser;

/// Durations (`13 ms`, `12.5 s`) -> `N ms`, `N s`.
fn without_durations(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let next: String = chars[i..].iter().take(3).collect();
            if next == " ms" || next == " s." || next == " s)" {
                out.push('N');
            } else {
                out.extend(&chars[start..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The section's console blocks as (command, expected output) pairs.
fn steps(readme: &str) -> Vec<(String, String)> {
    let start = readme
        .find("### A second release, step by step")
        .expect("the README has the walk-through");
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n### ").map_or(section.len(), |i| i + 4)];
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut in_console = false;
    for line in section.lines() {
        if line == "```console" {
            in_console = true;
        } else if line == "```" {
            in_console = false;
        } else if in_console {
            if let Some(command) = line.strip_prefix("$ ") {
                steps.push((command.to_string(), String::new()));
            } else if let Some((_, out)) = steps.last_mut() {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    steps
}

#[tokio::test]
async fn the_readme_walkthrough_prints_what_it_says() {
    let readme = include_str!("../../README.md");
    let dir = std::env::temp_dir().join(format!("aksara-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("blog.db").display());
    let migrations = dir.join("migrations");
    let steps = steps(readme);
    assert!(steps.len() >= 10, "{steps:?}");
    let mut ran = 0;
    for (command, expected) in &steps {
        if command.starts_with("export ") || command.starts_with("alias ") {
            continue;
        }
        let (models, rest) = if let Some(rest) = command.strip_prefix("BLOG_RELEASE=2 migrate ") {
            (Some(release2::registry()), rest)
        } else if let Some(rest) = command.strip_prefix("migrate ") {
            (Some(aksara::demo::registry()), rest)
        } else if let Some(rest) = command.strip_prefix("aksara ") {
            (None, rest)
        } else {
            panic!("the README runs `{command}`, which this test does not know");
        };
        let mut argv = vec!["aksara".to_string(), "--database-url".into(), url.clone()];
        argv.extend(["--migrations".into(), migrations.display().to_string()]);
        argv.extend(rest.split_whitespace().map(str::to_string));
        let mut out = Vec::new();
        let outcome = Cli::parse_from(argv).run(models, &mut out).await;
        assert!(
            matches!(outcome, Ok(Outcome::Success | Outcome::Found)),
            "`{command}` failed: {outcome:?}"
        );
        // The README writes paths relative to the project.
        let out = String::from_utf8(out)
            .unwrap()
            .replace(&format!("{}/", migrations.display()), "migrations/");
        assert_eq!(
            without_durations(&out),
            without_durations(expected),
            "`{command}` printed something else than the README says"
        );
        ran += 1;
    }
    assert!(ran >= 10);
    // The file's end as the README shows it.
    let shown = readme
        .split("Review the file before committing it; here is its end:\n\n```json\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the README shows the file's end");
    let file = std::fs::read_to_string(migrations.join("0002_nickname_and_comments.json")).unwrap();
    assert!(file.trim_end().ends_with(shown.trim_end()), "{file}");
    std::fs::remove_dir_all(&dir).ok();
}
