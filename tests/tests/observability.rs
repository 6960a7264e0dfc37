//! What a `Db` tells about its work, read by a subscriber of this test's own: a span per
//! statement (`db.system`, `db.statement` without values, rows, elapsed) and per transaction
//! (its outcome), a WARN for a slow statement, an error on a failed one, and the counters of
//! `db.stats()`, on every backend.

use aksara::{q, Model, Registry};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Model, Debug, Clone)]
#[aksara(table = "obs_notes")]
pub struct Note {
    pub id: i64,
    #[aksara(max_length = 40)]
    pub body: String,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Note>()
        .build()
        .expect("valid models")
}

/// A span or event as the subscriber saw it: its name, target and fields.
#[derive(Debug, Clone, Default)]
struct Seen {
    name: String,
    target: String,
    level: String,
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

/// Keeps every span (with fields recorded later) and event of the `aksara` targets.
#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<Seen>>>,
    events: Arc<Mutex<Vec<Seen>>>,
    next: Arc<AtomicU64>,
}

impl Collector {
    fn spans(&self, name: &str) -> Vec<Seen> {
        let spans = self.spans.lock().unwrap();
        spans.iter().filter(|s| s.name == name).cloned().collect()
    }
    fn events(&self, name: &str) -> Vec<Seen> {
        let events = self.events.lock().unwrap();
        events.iter().filter(|e| e.name == name).cloned().collect()
    }
}

impl Subscriber for Collector {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("aksara")
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        let mut spans = self.spans.lock().unwrap();
        spans.push(Seen {
            name: span.metadata().name().to_string(),
            target: span.metadata().target().to_string(),
            level: span.metadata().level().to_string(),
            fields: fields.0,
        });
        self.next.fetch_add(1, Ordering::Relaxed);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let mut spans = self.spans.lock().unwrap();
        if let Some(seen) = spans.get_mut(span.into_u64() as usize - 1) {
            seen.fields.extend(fields.0);
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let name = fields.0.get("message").cloned().unwrap_or_default();
        self.events.lock().unwrap().push(Seen {
            name,
            target: event.metadata().target().to_string(),
            level: event.metadata().level().to_string(),
            fields: fields.0,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn system(t: &TestDb) -> &'static str {
    match t.backend() {
        Backend::Postgres => "postgresql",
        Backend::Mysql => "mysql",
        Backend::Sqlite => "sqlite",
    }
}

async fn statements_have_spans_without_values(t: TestDb) {
    let collector = Collector::default();
    let _guard = tracing::subscriber::set_default(collector.clone());
    let db = t.db(registry()).await;
    for body in ["a", "b", "c"] {
        Note::build().body(body).create(&db).await.unwrap();
    }
    let before = db.stats();
    let found = Note::objects()
        .filter(q!(body__startswith = "secret-value"))
        .all(&db)
        .await
        .unwrap();
    assert!(found.is_empty());
    let all = Note::objects().all(&db).await.unwrap();
    assert_eq!(all.len(), 3);
    let after = db.stats();
    assert_eq!(after.statements - before.statements, 2);
    assert_eq!(after.rows - before.rows, 3);
    assert!(after.busy > before.busy);
    let spans = collector.spans("aksara.statement");
    let select = spans
        .iter()
        .rev()
        .find(|s| {
            s.fields
                .get("db.statement")
                .is_some_and(|q| q.contains("LIKE"))
        })
        .expect("the filtered SELECT has a span");
    assert_eq!(select.target, "aksara::sql");
    assert_eq!(select.fields["db.system"], system(&t));
    assert!(
        !select.fields["db.statement"].contains("secret-value"),
        "{select:?}"
    );
    assert_eq!(select.fields["rows"], "0");
    assert!(select.fields.contains_key("elapsed_ms"), "{select:?}");
    let last = spans.last().expect("spans");
    assert_eq!(last.fields["rows"], "3");
    let events = collector.events("statement");
    assert!(events
        .iter()
        .any(|e| e.fields.get("rows").map(String::as_str) == Some("3")));
    // A failed statement: its error in the span and the event, and counted.
    let failed = db.raw("SELECT * FROM no_such_table", []).await;
    assert!(failed.is_err());
    assert_eq!(db.stats().failed - after.failed, 1);
    let spans = collector.spans("aksara.statement");
    let last = spans.last().expect("spans");
    assert!(
        !last
            .fields
            .get("error")
            .cloned()
            .unwrap_or_default()
            .is_empty(),
        "{last:?}"
    );
}

async fn slow_statements_warn(t: TestDb) {
    let collector = Collector::default();
    let _guard = tracing::subscriber::set_default(collector.clone());
    let db = t.db(registry()).await;
    assert_eq!(db.slow_statement_threshold(), Some(Duration::from_secs(1)));
    let before = db.stats();
    db.raw("SELECT 1", []).await.unwrap();
    assert!(
        collector.events("slow statement").is_empty(),
        "SELECT 1 is not slow"
    );
    db.set_slow_statement_threshold(Some(Duration::from_nanos(1)));
    db.raw("SELECT 2", []).await.unwrap();
    let slow = collector.events("slow statement");
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert_eq!(slow[0].target, "aksara::slow");
    assert_eq!(slow[0].level, "WARN");
    assert!(slow[0].fields["statement"].contains("SELECT 2"), "{slow:?}");
    assert_eq!(db.stats().slow - before.slow, 1);
    db.set_slow_statement_threshold(None);
    db.raw("SELECT 3", []).await.unwrap();
    assert_eq!(
        collector.events("slow statement").len(),
        1,
        "off: no more warnings"
    );
}

async fn transactions_have_spans(t: TestDb) {
    let collector = Collector::default();
    let _guard = tracing::subscriber::set_default(collector.clone());
    let db = t.db(registry()).await;
    let before = db.stats();
    db.transaction(|tx| async move { Note::build().body("x").create(&tx).await })
        .await
        .unwrap();
    let failed: aksara::Result<()> = db
        .transaction(|_| async move { Err(aksara::Error::config("stop")) })
        .await;
    assert!(failed.is_err());
    let after = db.stats();
    assert_eq!(after.committed - before.committed, 1);
    assert_eq!(after.rolled_back - before.rolled_back, 1);
    let spans = collector.spans("aksara.transaction");
    let outcomes: Vec<&str> = spans
        .iter()
        .map(|s| s.fields.get("outcome").map_or("", String::as_str))
        .collect();
    assert!(outcomes.ends_with(&["commit", "rollback"]), "{outcomes:?}");
    assert_eq!(spans[spans.len() - 1].fields["db.system"], system(&t));
}

backend_tests!(
    statements_have_spans_without_values,
    slow_statements_warn,
    transactions_have_spans,
);
