//! `aksara-tui [URL]`: the Aksara explorer.

use aksara_tui::cli::{Args, Start, Target};
use aksara_tui::{App, Settings, Worker};
use clap::Parser;
use std::io::IsTerminal;
use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let start = match args.start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aksara-tui: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut keys = std::collections::HashMap::new();
    // The colours and keys of the connections file's `[theme]` and `[keys]`; a file that cannot be read was
    // reported above when it was needed, and is not otherwise (a URL opens without it).
    if let Some(path) = args
        .config
        .clone()
        .or_else(aksara_tui::config::default_path)
    {
        if let Ok(config) = aksara_tui::config::Config::load(&path) {
            aksara_tui::theme::set(config.theme);
            keys = config.keys;
        }
    }
    let settings = Settings {
        page_size: args.page_size,
    };
    let result = match start {
        Start::Open(target) => {
            if let Some(table) = &args.export {
                return export(&target, table, args.output.clone());
            }
            let mut app = App::new(Worker::spawn(target), settings);
            app.remap_keys(keys);
            if args.write {
                app.allow_writes();
            }
            aksara_tui::terminal::run(app)
        }
        Start::Pick(_) if args.export.is_some() => {
            eprintln!("aksara-tui: --export needs a database: give a URL or a connection's name");
            return std::process::ExitCode::FAILURE;
        }
        Start::Pick(picker) => aksara_tui::terminal::run_picker(picker, move |target| {
            let mut app = App::new(Worker::spawn(target), settings);
            app.remap_keys(keys);
            if args.write {
                app.allow_writes();
            }
            app
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aksara-tui: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `--export TABLE [--output FILE]`: writes the table and says how many rows, on stderr.
fn export(target: &Target, table: &str, output: Option<PathBuf>) -> std::process::ExitCode {
    let url = match target {
        Target::Url(url) | Target::Demo { url } => url.clone(),
    };
    if let Target::Demo { .. } = target {
        if let Err(e) = tokio_runtime().and_then(|rt| {
            rt.block_on(aksara_tui::demo::open(&url))
                .map(drop)
                .map_err(|e| e.to_string())
        }) {
            eprintln!("aksara-tui: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    let path = output.unwrap_or_else(|| PathBuf::from(format!("{table}.csv")));
    let interactive = std::io::stderr().is_terminal();
    let progress = move |rows: u64| {
        if interactive {
            eprint!("\r{rows} rows written");
        }
    };
    let result = tokio_runtime().and_then(|rt| {
        rt.block_on(aksara_tui::export::export_table(
            &url, table, &path, &progress,
        ))
    });
    if interactive {
        eprint!("\r");
    }
    match result {
        Ok(rows) => {
            eprintln!("exported {rows} rows to {}", path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aksara-tui: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn tokio_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}
