//! The worker: a thread with its own tokio runtime that runs every query, so the screen never
//! waits for the database.
//!
//! The app sends requests tagged with a generation number; each runs as its own task and
//! answers with [`Loaded`] `{ generation, result }`. The app remembers only the newest
//! generation it wants for each purpose and drops every other answer, so a slow, stale answer
//! can never overwrite a newer one, and nothing needs polling.
//!
//! Ctrl-C sends [`Worker::cancel`]: each running request's query is cancelled on the server
//! (`pg_cancel_backend` / `KILL QUERY`, from another connection, with the id the request
//! read on its own connection first, see [`crate::jobs::cancellable`]), and its task is
//! aborted. An export is stopped through its own [`crate::export::Control`] first, by the
//! app, so that it is either stopped or complete, never both. A request that fails because
//! the connection was lost drops the pool; the next request connects again.

use crate::catalog::Catalog;
pub use crate::jobs::Loaded;
use crate::jobs::{self, BackendId, Job, Outcome};
pub use crate::location::Target;
use aksara::{Db, Error, Registry};
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::AbortHandle;

/// The name of the worker's threads; the panic hook keeps the terminal as it is for panics
/// there (they become error messages instead).
pub const THREAD_NAME: &str = "aksara-worker";

/// A message to the worker.
#[derive(Debug)]
pub enum Command {
    /// Run a job.
    Run {
        /// The request's generation.
        generation: u64,
        /// The job.
        job: Job,
    },
    /// Cancel every running job.
    Cancel,
    /// Stop the worker.
    Shutdown,
}

/// What the worker calls after sending each answer, to wake whoever waits for it (the
/// terminal's event loop), set by [`Worker::on_answer`].
type Waker = Arc<Mutex<Option<Box<dyn Fn() + Send>>>>;

/// The worker's side of the answer channel: sends an answer, then wakes the app.
#[derive(Clone)]
struct Answers {
    results: mpsc::Sender<Loaded>,
    wake: Waker,
}

impl Answers {
    fn send(&self, loaded: Loaded) {
        if self.results.send(loaded).is_ok() {
            if let Some(wake) = self.wake.lock().expect("waker").as_ref() {
                wake();
            }
        }
    }
}

/// The app's handle on the worker.
pub struct Worker {
    commands: UnboundedSender<Command>,
    results: mpsc::Receiver<Loaded>,
    wake: Waker,
    /// An answer taken by [`Worker::has_answer`] and not yet handed out.
    early: std::cell::RefCell<Option<Loaded>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The other end of a [`Worker::detached`] worker, for tests that answer requests by hand.
pub struct Probe {
    /// The commands the app sent.
    pub commands: UnboundedReceiver<Command>,
    /// Sends answers to the app.
    pub results: mpsc::Sender<Loaded>,
}

impl Probe {
    /// The commands sent so far.
    pub fn sent(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        while let Ok(c) = self.commands.try_recv() {
            out.push(c);
        }
        out
    }
}

impl Worker {
    /// Starts a worker thread exploring `target`.
    pub fn spawn(target: Target) -> Worker {
        let (commands, command_rx) = unbounded_channel();
        let (result_tx, results) = mpsc::channel();
        let wake: Waker = Arc::new(Mutex::new(None));
        let answers = Answers {
            results: result_tx,
            wake: wake.clone(),
        };
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || run(target, command_rx, answers))
            .expect("start the worker thread");
        Worker {
            commands,
            results,
            wake,
            early: std::cell::RefCell::new(None),
            thread: Some(thread),
        }
    }

    /// A worker with no thread: requests go to the [`Probe`], answers come from it.
    pub fn detached() -> (Worker, Probe) {
        let (commands, command_rx) = unbounded_channel();
        let (result_tx, results) = mpsc::channel();
        (
            Worker {
                commands,
                results,
                wake: Arc::new(Mutex::new(None)),
                early: std::cell::RefCell::new(None),
                thread: None,
            },
            Probe {
                commands: command_rx,
                results: result_tx,
            },
        )
    }

    /// Sends a request.
    pub fn send(&self, generation: u64, job: Job) {
        let _ = self.commands.send(Command::Run { generation, job });
    }

    /// Calls `wake` on the worker's thread after each answer it sends (replacing the one set
    /// before), so that a loop blocked on something else can take the answer at once. The
    /// answer is already in the channel when `wake` runs. A detached worker never calls it.
    pub fn on_answer(&self, wake: impl Fn() + Send + 'static) {
        *self.wake.lock().expect("waker") = Some(Box::new(wake));
    }

    /// Cancels every running request.
    pub fn cancel(&self) {
        let _ = self.commands.send(Command::Cancel);
    }

    /// An answer, if one is ready.
    pub fn try_recv(&self) -> Option<Loaded> {
        self.early
            .borrow_mut()
            .take()
            .or_else(|| self.results.try_recv().ok())
    }

    /// True when an answer is ready (it stays for [`Worker::try_recv`]).
    pub fn has_answer(&self) -> bool {
        let mut early = self.early.borrow_mut();
        if early.is_none() {
            *early = self.results.try_recv().ok();
        }
        early.is_some()
    }

    /// An answer, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Loaded> {
        self.early
            .borrow_mut()
            .take()
            .or_else(|| self.results.recv_timeout(timeout).ok())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The worker's state, shared by its tasks.
struct Shared {
    /// What is explored; `:schema NAME` replaces it.
    target: Mutex<Target>,
    db: tokio::sync::Mutex<Option<Db>>,
    /// The SQL prompt's own connection (a pool of one), held by one query at a time.
    sql_db: tokio::sync::Mutex<Option<Db>>,
    catalog: Mutex<Option<Arc<Catalog>>>,
    running: Mutex<HashMap<u64, Running>>,
}

impl Shared {
    /// The URL explored.
    fn url(&self) -> String {
        match &*self.target.lock().expect("target") {
            Target::Demo { url } | Target::Url(url) => url.clone(),
        }
    }
}

struct Running {
    abort: AbortHandle,
    backend: BackendId,
}

fn run(target: Target, mut commands: UnboundedReceiver<Command>, results: Answers) {
    // One thread: on two cores a current-thread runtime answered faster than a multi-thread
    // one in the engine's trials, and the UI thread needs the other core.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name(THREAD_NAME)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            results.send(Loaded {
                generation: 0,
                result: Err(format!("cannot start the worker: {e}")),
            });
            return;
        }
    };
    let shared = Arc::new(Shared {
        target: Mutex::new(target),
        db: tokio::sync::Mutex::new(None),
        sql_db: tokio::sync::Mutex::new(None),
        catalog: Mutex::new(None),
        running: Mutex::new(HashMap::new()),
    });
    runtime.block_on(async {
        while let Some(command) = commands.recv().await {
            match command {
                Command::Run { generation, job } => {
                    start(&shared, generation, job, results.clone())
                }
                Command::Cancel => {
                    // The requests running now, and only those: a request sent after the
                    // Ctrl-C (the next table opened at once) must not be cancelled with them,
                    // which it would be if the set were read later, on the cancelling task.
                    let running = running_now(&shared);
                    let shared = shared.clone();
                    tokio::spawn(async move { cancel(&shared, running).await });
                }
                Command::Shutdown => break,
            }
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
}

fn start(shared: &Arc<Shared>, generation: u64, job: Job, results: Answers) {
    let backend: BackendId = Arc::new(Mutex::new(None));
    let progress = Progress {
        results: results.clone(),
        generation,
    };
    let inner = tokio::spawn(execute(shared.clone(), job, backend.clone(), progress));
    shared.running.lock().expect("running").insert(
        generation,
        Running {
            abort: inner.abort_handle(),
            backend,
        },
    );
    let shared = shared.clone();
    tokio::spawn(async move {
        let result = match inner.await {
            Ok(result) => result,
            Err(e) if e.is_cancelled() => {
                shared.running.lock().expect("running").remove(&generation);
                return;
            }
            Err(e) => Err(format!(
                "internal error (please report): {}",
                panic_text(e.into_panic())
            )),
        };
        shared.running.lock().expect("running").remove(&generation);
        results.send(Loaded { generation, result });
    });
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The requests running now: their generation, server session id and abort handle.
fn running_now(shared: &Shared) -> Vec<(u64, BackendId, AbortHandle)> {
    shared
        .running
        .lock()
        .expect("running")
        .iter()
        .map(|(g, r)| (*g, r.backend.clone(), r.abort.clone()))
        .collect()
}

/// Cancels the `running` requests: on the server where it has a session id, then by
/// aborting their tasks.
async fn cancel(shared: &Arc<Shared>, running: Vec<(u64, BackendId, AbortHandle)>) {
    let db = shared.db.lock().await.clone();
    let mut cancelled_on_server = Vec::new();
    for (generation, backend, abort) in &running {
        let id = *backend.lock().expect("backend id");
        match (id, &db) {
            (Some(id), Some(db)) => {
                let done =
                    tokio::time::timeout(Duration::from_secs(3), jobs::cancel_on_server(db, id))
                        .await;
                if matches!(done, Ok(Ok(()))) {
                    cancelled_on_server.push((*generation, abort.clone()));
                } else {
                    abort.abort();
                }
            }
            _ => abort.abort(),
        }
    }
    // A query cancelled on the server ends by itself and its connection goes back to the pool
    // cleanly; abort whatever is still running after a grace period.
    if !cancelled_on_server.is_empty() {
        tokio::time::sleep(Duration::from_secs(2)).await;
        for (_, abort) in cancelled_on_server {
            abort.abort();
        }
    }
}

/// True for errors after which the pool should be opened again.
fn connection_lost(e: &Error) -> bool {
    matches!(e, Error::Pool(_) | Error::Connection(_))
}

async fn database(shared: &Shared) -> aksara::Result<Db> {
    let mut slot = shared.db.lock().await;
    if let Some(db) = slot.as_ref() {
        return Ok(db.clone());
    }
    let catalog = shared.catalog.lock().expect("catalog").clone();
    let Some(catalog) = catalog else {
        return Err(Error::Connection("not connected yet".into()));
    };
    let url = shared.url();
    let db = aksara::connect(&crate::location::connection_url(&url), Registry::empty())
        .await?
        .with_registry(catalog.registry.clone());
    *slot = Some(db.clone());
    Ok(db)
}

/// Where a long request reports how far it got, before its answer: answers of its own
/// generation that leave the request running ([`Outcome::ExportProgress`]).
#[derive(Clone)]
struct Progress {
    results: Answers,
    generation: u64,
}

impl Progress {
    fn report(&self, outcome: Outcome) {
        self.results.send(Loaded {
            generation: self.generation,
            result: Ok(outcome),
        });
    }
}

async fn execute(
    shared: Arc<Shared>,
    job: Job,
    backend: BackendId,
    progress: Progress,
) -> Result<Outcome, String> {
    if let Job::Export {
        spec,
        path,
        format,
        control,
    } = job
    {
        // Export errors are already messages (query or file), and they say which.
        let db = database(&shared).await.map_err(|e| e.to_string())?;
        return export(&db, &backend, spec, path, format, control, progress).await;
    }
    let outcome = match job {
        Job::Connect => connect(&shared).await,
        Job::Schemas { open } => schemas(&shared, open).await,
        Job::Sql { text } => sql(&shared, &text, &backend).await,
        job => match database(&shared).await {
            Ok(db) => {
                let catalog = shared.catalog.lock().expect("catalog").clone();
                run_job(&db, catalog, job, &backend, &progress).await
            }
            Err(e) => Err(e),
        },
    };
    let url = shared.url();
    outcome.map_err(|e| {
        let text = crate::location::mask_passwords(&e.to_string(), &url);
        if connection_lost(&e) {
            if let Ok(mut slot) = shared.db.try_lock() {
                *slot = None;
            }
            format!("{text} (the next action connects again)")
        } else {
            text
        }
    })
}

async fn run_job(
    db: &Db,
    catalog: Option<Arc<Catalog>>,
    job: Job,
    backend: &BackendId,
    progress: &Progress,
) -> aksara::Result<Outcome> {
    match job {
        Job::Connect | Job::Schemas { .. } => unreachable!("handled by execute"),
        Job::Counts { models, cap } => {
            jobs::cancellable(db, backend, |tx| async move {
                Ok(Outcome::Counts(jobs::counts(&tx, &models, cap).await))
            })
            .await
        }
        Job::Page { spec, placement } => {
            jobs::cancellable(db, backend, |tx| async move {
                let model = spec.model.clone();
                let mut outcome = jobs::page(&tx, spec, placement).await?;
                if let Outcome::Page { rows, labels, .. } = &mut outcome {
                    *labels = crate::labels::page_labels(&tx, &model, rows).await;
                }
                Ok(outcome)
            })
            .await
        }
        Job::Total {
            model,
            conditions,
            cap,
        } => {
            jobs::cancellable(db, backend, |tx| async move {
                jobs::total(&tx, &model, &conditions, cap)
                    .await
                    .map(Outcome::Total)
            })
            .await
        }
        Job::Schema { table } => {
            jobs::cancellable(db, backend, |tx| async move {
                crate::schema::read(&tx, &table)
                    .await
                    .map(|s| Outcome::Schema(Box::new(s)))
            })
            .await
        }
        Job::Export { .. } => unreachable!("handled by execute"),
        // A write is not cancellable on the server: it is one short statement on one row,
        // and the cancellable transactions are read-only where the backend allows it.
        Job::Edit {
            model,
            conditions,
            field,
            value,
        } => crate::edit::apply(db, &model, conditions, &field, value)
            .await
            .map(|r| Outcome::Edited(Box::new(r))),
        Job::Find { text } => {
            let Some(catalog) = catalog else {
                return Err(Error::Connection("not connected yet".into()));
            };
            let progress = progress.clone();
            jobs::cancellable(db, backend, |tx| async move {
                let report = move |found| progress.report(Outcome::FindProgress(Box::new(found)));
                crate::find::search(&tx, &catalog, &text, report)
                    .await
                    .map(|f| Outcome::Found(Box::new(f)))
            })
            .await
        }
        Job::Sql { .. } => unreachable!("handled by execute"),
        Job::Detail(request) => {
            jobs::cancellable(db, backend, |tx| async move {
                jobs::detail(&tx, catalog.as_deref(), request)
                    .await
                    .map(|d| Outcome::Detail(Box::new(d)))
            })
            .await
        }
    }
}

/// Writes a grid to a file, in the one (read-only where the backend says how) transaction of
/// a cancellable request, reporting the rows written after each page; the file gets its name
/// after the transaction has ended, unless `control` was stopped first (then it is removed).
/// Nothing waits between the rename and the answer, and if the request is aborted there all
/// the same, `control` still tells the app the export is complete.
async fn export(
    db: &Db,
    backend: &BackendId,
    spec: crate::paging::PageSpec,
    path: std::path::PathBuf,
    format: crate::export::Format,
    control: crate::export::Control,
    progress: Progress,
) -> Result<Outcome, String> {
    let failure = Arc::new(Mutex::new(None::<String>));
    let seen = failure.clone();
    let target = path.clone();
    let written = jobs::cancellable(db, backend, |tx| async move {
        let report = move |rows| progress.report(Outcome::ExportProgress { rows });
        match crate::export::write(&tx, spec, &target, format, &control, &report).await {
            Ok(written) => Ok(written),
            Err(message) => {
                *seen.lock().expect("export failure") = Some(message.clone());
                Err(Error::Config(vec![message]))
            }
        }
    })
    .await;
    let written = written.map_err(|e| {
        failure
            .lock()
            .expect("export failure")
            .take()
            .unwrap_or_else(|| e.to_string())
    })?;
    let rows = written.finish().await?;
    Ok(Outcome::Exported { rows, path })
}

/// Runs a query of the SQL prompt on the SQL connection, opened on first use (one
/// connection, so that the read-only setting made for the query is the one it runs on; the
/// lock keeps it to one query at a time). A lost connection is opened again next time.
async fn sql(shared: &Shared, text: &str, backend: &BackendId) -> aksara::Result<Outcome> {
    let mut slot = shared.sql_db.lock().await;
    let db = match slot.as_ref() {
        Some(db) => db.clone(),
        None => {
            let url = shared.url();
            let options = aksara::PoolOptions {
                max_connections: 1,
                ..aksara::PoolOptions::default()
            };
            let db = aksara::connect_with(
                &crate::location::connection_url(&url),
                Registry::empty(),
                options,
            )
            .await?;
            *slot = Some(db.clone());
            db
        }
    };
    let result = crate::sql::run(&db, backend, text).await;
    if result.as_ref().is_err_and(connection_lost) {
        *slot = None;
    }
    result.map(|r| Outcome::Sql(Box::new(r)))
}

async fn connect(shared: &Shared) -> aksara::Result<Outcome> {
    let target = shared.target.lock().expect("target").clone();
    let (db, catalog) = match &target {
        Target::Demo { url } => crate::demo::open(url).await?,
        Target::Url(url) => open_url(url).await?,
    };
    let catalog = Arc::new(catalog);
    *shared.catalog.lock().expect("catalog") = Some(catalog.clone());
    *shared.db.lock().await = Some(db);
    Ok(Outcome::Connected(catalog))
}

/// `:schema`: lists the server's schemas or, with a name among them, connects to that one
/// instead: the new catalog replaces the old, and the next requests use the new connection.
async fn schemas(shared: &Shared, open: Option<String>) -> aksara::Result<Outcome> {
    let db = database(shared).await?;
    let found = crate::schemas::list(&db).await?;
    let Some(name) = open else {
        return Ok(Outcome::Schemas(found));
    };
    if !found.names.contains(&name) {
        let noun = crate::schemas::noun(db.dialect().name());
        return Err(Error::config(format!(
            "no {noun} called {name} here (:schema lists them: {})",
            found.names.join(", ")
        )));
    }
    let url = crate::schemas::url_for(&shared.url(), &name);
    let (db, mut catalog) = open_url(&url).await?;
    // The name first: the title bar cuts a long URL at its end.
    let noun = crate::schemas::noun(db.dialect().name());
    catalog.source = format!("{noun} {name} on {}", catalog.source);
    let catalog = Arc::new(catalog);
    *shared.target.lock().expect("target") = Target::Url(url);
    *shared.catalog.lock().expect("catalog") = Some(catalog.clone());
    *shared.db.lock().await = Some(db);
    *shared.sql_db.lock().await = None;
    Ok(Outcome::Connected(catalog))
}

/// Opens `url` and reads its catalog. PostgreSQL connections name themselves `aksara-tui`
/// unless the URL names an `application_name` ([`crate::location::connection_url`]).
pub async fn open_url(url: &str) -> aksara::Result<(Db, Catalog)> {
    crate::location::check_sqlite_file(url)?;
    let raw = aksara::connect(&crate::location::connection_url(url), Registry::empty()).await?;
    let schema = aksara::introspect::introspect(&raw).await.map_err(|e| match e {
        Error::Config(problems) if problems.iter().any(|p| p.contains("cannot list")) => Error::Config(vec![format!(
            "{}; the explorer reads relations from the database catalog, which the engine cannot read on {} yet",
            problems.join("; "),
            raw.dialect().name()
        )]),
        other => other,
    })?;
    let db = raw.with_registry(schema.registry.clone());
    let mut catalog = Catalog::from_schema(&schema, raw.dialect(), crate::location::shown(url));
    // An extra: without it the other schemas' keys show as plain columns.
    catalog.foreign_links = crate::schemas::foreign_links(&db).await.unwrap_or_default();
    Ok((db, catalog))
}
