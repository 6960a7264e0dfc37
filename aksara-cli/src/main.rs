//! The standalone `aksara` binary: the subcommands that need no models (`migrate`,
//! `showmigrations`, `sqlmigrate`, `check` against the migrations, `inspectdb`). For
//! `makemigrations`, an application calls [`aksara_cli::main`] from a binary of its own.

fn main() -> std::process::ExitCode {
    aksara_cli::main_without_models()
}
