//! Export of a grid's rows (its link, filters and sort) to a CSV or JSON file.
//!
//! The rows are read a page of [`EXPORT_PAGE`] at a time, in the grid's order, the way the
//! grid pages (keyset on the sort and the key, or OFFSET for tables without a key), so memory
//! stays flat whatever the table's size; on PostgreSQL and MySQL every page is read in the
//! one read-only transaction of the request, so the file is one consistent snapshot. Values
//! are written in full (never the grid's cut-down cells): text as stored, timestamps in RFC
//! 3339 with their UTC offset, bytes as `\x` and hex, JSON as the document.
//!
//! The file is written beside its final name (`.name.part`) and renamed when complete, after
//! the request's transaction has ended ([`write()`], then [`Written::finish`]), so a failed
//! export leaves nothing behind, and an existing file is never replaced.
//!
//! Stopping and completing exclude each other: each export has a [`Control`], shared by the
//! app and the worker, and whichever comes first decides. [`Control::stop`] removes the part
//! file and from then on the export can neither create nor rename it; once the file has its
//! name, `stop` does nothing and says so ([`End::Exported`]). So what the app says after a
//! Ctrl-C is what is on disk: "stopped" leaves neither the file nor its part file, and
//! "exported" leaves the file complete, whenever the Ctrl-C lands.
//!
//! - **CSV**: a header of the field names, then one record per row (RFC 4180: CRLF line
//!   ends, fields quoted where needed). SQL NULL is a bare empty field; the empty string is
//!   `""`, so the two stay apart.
//! - **JSON**: one array of objects, field name to value, one object per line; NULL is
//!   `null`, numbers are numbers (a non-finite float is its text), JSON columns are embedded.

use crate::jobs::{page, Outcome, Placement};
use crate::paging::{PageSpec, Start};
use aksara::{Db, Record, Value};
use serde_json::Value as Json;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Rows read per query while exporting.
pub const EXPORT_PAGE: u64 = 2_000;

/// The file formats an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// The format a file name asks for by its extension (`.csv`, `.json`, any case).
    ///
    /// ```
    /// use aksara_tui::export::Format;
    /// assert_eq!(Format::of_path("tracks.CSV".as_ref()), Some(Format::Csv));
    /// assert_eq!(Format::of_path("tracks.json".as_ref()), Some(Format::Json));
    /// assert_eq!(Format::of_path("tracks.txt".as_ref()), None);
    /// ```
    pub fn of_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Why an export file cannot be written where asked, before anything is read.
pub fn refuse(path: &Path) -> Option<String> {
    if Format::of_path(path).is_none() {
        return Some(format!(
            "{}: name the file .csv or .json (the extension chooses the format)",
            path.display()
        ));
    }
    if path.exists() {
        return Some(format!(
            "{} exists: choose another name (an export never replaces a file)",
            path.display()
        ));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Some(format!(
            "{}: the folder {} does not exist",
            path.display(),
            dir.display()
        )),
        _ => None,
    }
}

/// How an export ended, as [`Control::stop`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Stopped before its file had its name: neither the file nor its part file is left.
    Stopped,
    /// Complete: the file has its name and every row.
    Exported {
        /// Rows written.
        rows: u64,
        /// The file written.
        path: PathBuf,
    },
}

#[derive(Debug, Default)]
struct State {
    /// The part file the export made and that is still there.
    part: Option<PathBuf>,
    /// How it ended, once decided.
    end: Option<End>,
}

/// The decision of how one export ends, shared by whoever runs it and whoever may stop it
/// (a clone is the same export). See the [module docs](self).
#[derive(Debug, Clone, Default)]
pub struct Control(Arc<Mutex<State>>);

/// The error of an export that was stopped.
const STOPPED: &str = "the export was stopped";

impl Control {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the export, unless its file already has its name. When stopped, its part file
    /// is removed now (where the system cannot remove a file still open, the export removes
    /// it when it lets go), and the file will never get its name.
    pub fn stop(&self) -> End {
        let mut state = self.state();
        if let Some(end) = &state.end {
            return end.clone();
        }
        if let Some(part) = state.part.take() {
            match std::fs::remove_file(&part) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => state.part = Some(part),
                _ => {}
            }
        }
        state.end = Some(End::Stopped);
        End::Stopped
    }

    /// True once [`Control::stop`] has stopped the export.
    pub fn stopped(&self) -> bool {
        self.state().end == Some(End::Stopped)
    }
}

/// The temporary file an export writes before it is complete: removed when dropped unless it
/// got its final name (or [`Control::stop`] removed it).
struct PartFile {
    path: PathBuf,
    control: Control,
}

impl PartFile {
    /// Creates the part file beside `target`, unless the export was stopped.
    fn create(target: &Path, control: &Control) -> Result<(PartFile, File), String> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        let path = target.with_file_name(format!(".{name}.part"));
        let mut state = control.state();
        if state.end.is_some() {
            return Err(STOPPED.into());
        }
        let file = File::create_new(&path).map_err(|e| io_error(&path, e))?;
        state.part = Some(path.clone());
        drop(state);
        let part = PartFile {
            path,
            control: control.clone(),
        };
        Ok((part, file))
    }

    /// Renames the part file to `target` and records the export as complete, in one step
    /// that [`Control::stop`] cannot come between; refused once the export was stopped.
    fn publish(&self, target: &Path, rows: u64) -> Result<u64, String> {
        let mut state = self.control.state();
        if state.end.is_some() {
            return Err(STOPPED.into());
        }
        if target.exists() {
            return Err(format!(
                "{} appeared while exporting: the export was not written over it",
                target.display()
            ));
        }
        std::fs::rename(&self.path, target).map_err(|e| io_error(target, e))?;
        state.part = None;
        state.end = Some(End::Exported {
            rows,
            path: target.to_path_buf(),
        });
        Ok(rows)
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        let mut state = self.control.state();
        if state.part.as_ref() == Some(&self.path) {
            let _ = std::fs::remove_file(&self.path);
            state.part = None;
        }
    }
}

/// An export whose part file is complete and does not have its name yet ([`write()`]).
pub struct Written {
    part: PartFile,
    target: PathBuf,
    rows: u64,
}

impl Written {
    /// Rows written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Gives the file its name (the part file is removed instead when this fails or the
    /// export was stopped) and returns the number of rows written. Call it once the request's
    /// transaction has ended, so that nothing can fail after the rename; outside tests
    /// nothing waits between the rename and the return (see [`hold`]).
    ///
    /// # Errors
    /// The export was stopped, the file appeared meanwhile, or the rename failed.
    pub async fn finish(self) -> Result<u64, String> {
        hold::here(&self.target, hold::Point::Complete).await;
        let rows = self.part.publish(&self.target, self.rows)?;
        hold::here(&self.target, hold::Point::Named).await;
        Ok(rows)
    }
}

/// Where rows go, in one format.
enum Sink {
    Csv(BufWriter<File>),
    Json { out: BufWriter<File>, first: bool },
}

/// Writes one CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or
/// leading or trailing space, or when it is an empty text (so that only NULL is a bare empty
/// field). Written here rather than with a CSV crate because none lets a writer choose
/// quoting per field, which telling NULL from `''` needs.
fn csv_field(out: &mut impl Write, value: &Value) -> std::io::Result<()> {
    if value.is_null() {
        return Ok(());
    }
    let text = csv_text(value);
    let quote = text.is_empty()
        || text.contains([',', '"', '\n', '\r'])
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if quote {
        out.write_all(b"\"")?;
        out.write_all(text.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(text.as_bytes())
    }
}

fn csv_record<'a>(
    out: &mut impl Write,
    values: impl Iterator<Item = &'a Value>,
) -> std::io::Result<()> {
    for (i, value) in values.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        csv_field(out, value)?;
    }
    out.write_all(b"\r\n")
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> String {
    format!("cannot write {}: {e}", path.display())
}

impl Sink {
    fn open(file: File, format: Format, fields: &[String]) -> std::io::Result<Sink> {
        let out = BufWriter::with_capacity(1 << 16, file);
        Ok(match format {
            Format::Csv => {
                let mut out = out;
                let header: Vec<Value> = fields.iter().map(|f| Value::from(f.as_str())).collect();
                csv_record(&mut out, header.iter())?;
                Sink::Csv(out)
            }
            Format::Json => {
                let mut out = out;
                out.write_all(b"[")?;
                Sink::Json { out, first: true }
            }
        })
    }

    fn row(&mut self, fields: &[String], record: &Record) -> std::io::Result<()> {
        match self {
            Sink::Csv(out) => {
                let values = fields.iter().map(|f| record.get(f).unwrap_or(&Value::Null));
                csv_record(out, values)?;
            }
            Sink::Json { out, first } => {
                let object: serde_json::Map<String, Json> = fields
                    .iter()
                    .map(|f| (f.clone(), json_value(record.get(f).unwrap_or(&Value::Null))))
                    .collect();
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                serde_json::to_writer(&mut *out, &object)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> std::io::Result<File> {
        let out = match self {
            Sink::Csv(out) => out,
            Sink::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out
            }
        };
        out.into_inner().map_err(|e| e.into_error())
    }
}

/// A value's text in a CSV field (NULL is the bare empty field; see the module docs).
fn csv_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => text(other),
    }
}

/// A value's full text, for CSV and for JSON values that are not numbers or booleans.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::DateTime(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        Value::Bytes(b) => {
            let mut hex = String::with_capacity(2 + 2 * b.len());
            hex.push_str("\\x");
            for byte in b {
                hex.push_str(&format!("{byte:02x}"));
            }
            hex
        }
        Value::Json(j) => j.to_string(),
        Value::Array(items) => json_value(&Value::Array(items.clone())).to_string(),
        other => other.to_string(),
    }
}

/// A value as JSON (see the module docs).
pub(crate) fn json_value(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::I32(n) => Json::from(*n),
        Value::I64(n) => Json::from(*n),
        Value::F64(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(f.to_string())),
        Value::Json(j) => j.clone(),
        Value::Array(items) => Json::Array(items.iter().map(json_value).collect()),
        other => Json::String(text(other)),
    }
}

/// The names of the fields a grid of `model` shows, in order (every column of the table).
fn field_names(db: &Db, model: &str) -> Result<Vec<String>, String> {
    let info = db.registry().model(model).map_err(|e| e.to_string())?;
    Ok(info
        .meta
        .fields
        .iter()
        .filter(|f| f.is_concrete())
        .map(|f| f.name.clone())
        .collect())
}

/// The values of `record` that the next keyset page starts after.
fn order_values(spec: &PageSpec, record: &Record) -> Vec<Value> {
    spec.order
        .iter()
        .map(|t| record.get(&t.path).cloned().unwrap_or(Value::Null))
        .collect()
}

/// Writes every row of `spec` (its start and limit are ignored: all rows, from the first) to
/// the part file of `path` in `format`, calling `progress` with the number of rows written
/// after each page; [`Written::finish`] then gives the file its name. Stops, removing the
/// part file, when `control` is stopped.
///
/// # Errors
/// The message of a query or file error, or the export was stopped; the part file is then
/// removed.
pub async fn write(
    db: &Db,
    spec: PageSpec,
    path: &Path,
    format: Format,
    control: &Control,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<Written, String> {
    if let Some(problem) = refuse(path) {
        return Err(problem);
    }
    let fields = field_names(db, &spec.model)?;
    let (part, file) = PartFile::create(path, control)?;
    let mut sink = Sink::open(file, format, &fields).map_err(|e| io_error(&part.path, e))?;
    let mut written = 0u64;
    let mut start = Start::First;
    loop {
        let mut request = spec.clone();
        request.start = start;
        request.limit = EXPORT_PAGE;
        let outcome = page(db, request, Placement::Replace)
            .await
            .map_err(|e| e.to_string())?;
        if control.stopped() {
            return Err(STOPPED.into());
        }
        let Outcome::Page {
            rows, exhausted, ..
        } = outcome
        else {
            return Err("internal error (please report): an export page was not a page".into());
        };
        for record in &rows {
            sink.row(&fields, record)
                .map_err(|e| io_error(&part.path, e))?;
        }
        written += rows.len() as u64;
        progress(written);
        let Some(last) = rows.last() else { break };
        if exhausted {
            break;
        }
        start = if spec.keyset {
            Start::After(order_values(&spec, last))
        } else {
            Start::Offset(written)
        };
    }
    let file = sink.finish().map_err(|e| io_error(&part.path, e))?;
    file.sync_all().map_err(|e| io_error(&part.path, e))?;
    drop(file);
    Ok(Written {
        part,
        target: path.to_path_buf(),
        rows: written,
    })
}

/// Exports every row of `table` in the database at `url` to `path` (the command line's
/// `--export TABLE --output FILE`), in key order, as the grid would; `progress` is told the
/// rows written after each page. Returns the number of rows written.
///
/// ```no_run
/// # async fn demo() -> Result<(), String> {
/// let rows = aksara_tui::export::export_table(
///     "postgres://postgres@127.0.0.1/test",
///     "tracks",
///     "tracks.csv".as_ref(),
///     &|_| {},
/// )
/// .await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// The database cannot be opened, it has no such table, or the export fails (the file is
/// then not created).
pub async fn export_table(
    url: &str,
    table: &str,
    path: &Path,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, String> {
    if let Some(problem) = refuse(path) {
        return Err(problem);
    }
    let format = Format::of_path(path).ok_or("unknown format")?;
    let (db, catalog) = crate::worker::open_url(url)
        .await
        .map_err(|e| e.to_string())?;
    let entry = catalog
        .tables
        .iter()
        .find(|t| t.table == table || t.model == table)
        .ok_or_else(|| {
            let known: Vec<&str> = catalog.tables.iter().map(|t| t.table.as_str()).collect();
            format!("no table {table} here (tables: {})", known.join(", "))
        })?;
    let spec = crate::screens::GridView::table(entry, &catalog).export_spec(&catalog);
    let session: crate::jobs::BackendId = Default::default();
    let failure = std::sync::Mutex::new(None::<String>);
    let failure = &failure;
    let control = Control::default();
    let control = &control;
    let written = crate::jobs::cancellable(&db, &session, |tx| async move {
        write(&tx, spec, path, format, control, progress)
            .await
            .map_err(|message| {
                *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
                aksara::Error::Config(vec![message])
            })
    })
    .await
    .map_err(|e| {
        failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_else(|| e.to_string())
    })?;
    // The transaction has ended: only now does the file get its name.
    written.finish().await
}

#[doc(hidden)]
pub mod hold {
    //! A seam for tests: holds the export of one file at one point of its end, so that a test
    //! can press Ctrl-C exactly there. Exports of other files (every export outside tests)
    //! pass the points without waiting.

    use std::path::{Path, PathBuf};
    use std::sync::{mpsc, Mutex};
    use std::time::Duration;
    use tokio::sync::oneshot;

    /// Where an export is held.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Point {
        /// The part file is complete, the request's transaction has ended, and the file does
        /// not have its name yet.
        Complete,
        /// The file has its final name; the export has not answered yet.
        Named,
    }

    type Entry = (PathBuf, Point, mpsc::Sender<()>, oneshot::Receiver<()>);

    static HOLDS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

    /// The export of `path` held at `point`, once (until released or dropped).
    pub struct Held {
        reached: mpsc::Receiver<()>,
        release: Option<oneshot::Sender<()>>,
    }

    /// Holds the next export of `path` when it reaches `point`.
    pub fn at(path: &Path, point: Point) -> Held {
        let (reached_tx, reached) = mpsc::channel();
        let (release, release_rx) = oneshot::channel();
        HOLDS.lock().unwrap_or_else(|p| p.into_inner()).push((
            path.to_path_buf(),
            point,
            reached_tx,
            release_rx,
        ));
        Held {
            reached,
            release: Some(release),
        }
    }

    impl Held {
        /// Waits at most `timeout` for the export to reach the point; true when it has.
        pub fn reached(&self, timeout: Duration) -> bool {
            self.reached.recv_timeout(timeout).is_ok()
        }

        /// Lets the export go on.
        pub fn release(mut self) {
            if let Some(release) = self.release.take() {
                let _ = release.send(());
            }
        }
    }

    /// Waits here while a test holds the export of `path` at `point`.
    pub(crate) async fn here(path: &Path, point: Point) {
        let entry = {
            let mut holds = HOLDS.lock().unwrap_or_else(|p| p.into_inner());
            holds
                .iter()
                .position(|(p, at, _, _)| p == path && *at == point)
                .map(|i| holds.swap_remove(i))
        };
        if let Some((_, _, reached, release)) = entry {
            let _ = reached.send(());
            let _ = release.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it_and_tells_null_from_empty() {
        let mut out = Vec::new();
        let values = [
            Value::Null,
            Value::from(""),
            Value::from("plain"),
            Value::from("a,b"),
            Value::from("say \"hi\""),
            Value::from("two\nlines"),
            Value::from(" padded"),
            Value::I64(-7),
        ];
        csv_record(&mut out, values.iter()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            ",\"\",plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",-7\r\n"
        );
    }

    #[test]
    fn values_are_written_in_full() {
        assert_eq!(csv_text(&Value::Null), "");
        assert_eq!(csv_text(&Value::String(String::new())), "");
        assert_eq!(text(&Value::Bytes(vec![0, 0xff, 0x10])), "\\x00ff10");
        let long = "x".repeat(10_000);
        assert_eq!(csv_text(&Value::String(long.clone())), long);
        assert_eq!(
            json_value(&Value::F64(f64::NAN)),
            Json::String("NaN".into())
        );
        assert_eq!(json_value(&Value::I64(i64::MIN)), Json::from(i64::MIN));
        let at = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:59.123456Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(text(&Value::DateTime(at)), "2024-02-29T23:59:59.123456Z");
    }

    #[test]
    fn stopping_and_completing_exclude_each_other() {
        let dir = std::env::temp_dir().join(format!("aksara-export-end-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("rows.csv");
        let part_path = dir.join(".rows.csv.part");

        // Stopped first: the part file goes at once, and the rename is refused.
        let control = Control::default();
        let (part, _file) = PartFile::create(&target, &control).unwrap();
        assert!(part_path.exists());
        assert_eq!(control.stop(), End::Stopped);
        assert!(!part_path.exists(), "stop removes the part file");
        assert_eq!(part.publish(&target, 3), Err(STOPPED.to_string()));
        assert!(!target.exists());
        // A new export of the same name meanwhile keeps its part file when the stopped one
        // lets go of its own.
        let (again, _file) = PartFile::create(&target, &Control::default()).unwrap();
        drop(part);
        assert!(part_path.exists(), "the newer export's part file stays");
        drop(again);
        assert!(!part_path.exists());
        // Nothing is created once stopped.
        assert_eq!(
            PartFile::create(&target, &control).err().as_deref(),
            Some(STOPPED)
        );

        // Named first: stopping does nothing and says the export is complete.
        let control = Control::default();
        let (part, _file) = PartFile::create(&target, &control).unwrap();
        assert_eq!(part.publish(&target, 3), Ok(3));
        drop(part);
        let exported = End::Exported {
            rows: 3,
            path: target.clone(),
        };
        assert_eq!(control.stop(), exported);
        assert_eq!(control.stop(), exported);
        assert!(!control.stopped());
        assert!(target.exists() && !part_path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_unknown_formats_existing_files_and_missing_folders() {
        assert!(refuse("out.txt".as_ref())
            .unwrap()
            .contains(".csv or .json"));
        let existing =
            std::env::temp_dir().join(format!("aksara-export-{}.csv", std::process::id()));
        std::fs::write(&existing, "keep me").unwrap();
        assert!(refuse(&existing).unwrap().contains("never replaces"));
        std::fs::remove_file(&existing).unwrap();
        assert!(refuse("/no/such/folder/out.csv".as_ref())
            .unwrap()
            .contains("does not exist"));
        assert_eq!(refuse("fresh-name.csv".as_ref()), None);
    }
}
