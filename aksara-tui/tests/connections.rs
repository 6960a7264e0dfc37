//! How the explorer connects: its PostgreSQL connections name themselves `aksara-tui` in
//! `pg_stat_activity`, unless the URL gives an `application_name` of its own.

mod common;

use common::{pg_url, Backend, TestDb};

const OWN_NAME: &str = "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()";

async fn application_name(url: &str) -> String {
    let (db, _catalog) = aksara_tui::worker::open_url(url).await.expect("open");
    let rows = db
        .raw(OWN_NAME, [])
        .await
        .expect("read the connection's name");
    match rows.first().and_then(|r| r.first()) {
        Some(aksara::Value::String(name)) => name.clone(),
        other => panic!("no application_name: {other:?}"),
    }
}

#[test]
fn postgres_connections_name_themselves_aksara_tui() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(Backend::Postgres, "application_name")) else {
        return;
    };
    let admin = t.admin.as_ref().expect("an admin handle");
    rt.block_on(admin.raw_execute(
        "CREATE TABLE tui_application_name.note (id int PRIMARY KEY)",
        [],
    ))
    .expect("a table");
    // The test database's URL without the name the harness gives it.
    let base = pg_url();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-csearch_path%3Dtui_application_name");
    assert_eq!(rt.block_on(application_name(&url)), "aksara-tui");
    // A name the user gave is kept.
    assert_eq!(
        rt.block_on(application_name(&t.url)),
        "tui_application_name"
    );
}
