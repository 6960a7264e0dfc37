//! An application's migration binary, as `src/bin/migrate.rs` would be: it hands its models
//! to `aksara_cli::main` and gets every subcommand. This one holds two releases of the
//! seed's blog so that the README's walk-through can be replayed: release 1 is
//! `aksara::demo`, release 2 (`BLOG_RELEASE=2`) adds `User.nickname` and a `Comment` model.
//!
//! ```text
//! export DATABASE_URL=sqlite://blog.db
//! cargo run -p aksara-cli --example blog_migrate -- makemigrations initial
//! BLOG_RELEASE=2 cargo run -p aksara-cli --example blog_migrate -- makemigrations nickname_and_comments
//! ```

use std::process::ExitCode;

mod release2;

fn main() -> ExitCode {
    let registry = match std::env::var("BLOG_RELEASE").as_deref() {
        Ok("2") => release2::registry(),
        _ => aksara::demo::registry(),
    };
    aksara_cli::main(registry)
}
