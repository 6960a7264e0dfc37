//! `aksara-tui [URL]`: the Aksara explorer.

use aksara_tui::cli::Args;
use aksara_tui::{App, Settings, Worker};
use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let target = match args.target() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("aksara-tui: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let app = App::new(
        Worker::spawn(target),
        Settings {
            page_size: args.page_size,
        },
    );
    match aksara_tui::terminal::run(app) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aksara-tui: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
