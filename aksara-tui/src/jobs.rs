//! What the worker does for each request: connect, read a page, count, load a record's
//! details. Every function here runs on the worker's runtime, never on the UI thread.
//!
//! On PostgreSQL and MySQL each request runs in a transaction pinned to one connection
//! ([`cancellable`]), after reading that connection's id (`pg_backend_pid()`,
//! `CONNECTION_ID()`), so that Ctrl-C can stop the query on the server from another
//! connection. PostgreSQL's transaction is `READ ONLY` as well: the explorer never writes.

use crate::catalog::{field_of_path, label_field, path_of_column, record_label, Catalog};
use crate::paging::{PageSpec, Start};
use aksara::{Condition, Db, Error, QuerySet, Record, Value, Via};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// A row count as the explorer shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Counted.
    Exact(u64),
    /// More than this many (the count stopped there).
    AtLeast(u64),
    /// The database's estimate.
    Estimate(u64),
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::format::thousands;
        match self {
            Count::Exact(n) => write!(f, "{}", thousands(*n)),
            Count::AtLeast(n) => write!(f, "{}+", thousands(*n)),
            Count::Estimate(n) => write!(f, "~{}", thousands(*n)),
        }
    }
}

/// Where the rows of a page go in the grid's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// They replace what the window holds.
    Replace,
    /// They follow the last row.
    Append,
    /// They precede the first row.
    Prepend,
}

/// A record's detail view: what to show and how to find it.
#[derive(Debug, Clone)]
pub struct DetailRequest {
    /// The model.
    pub model: String,
    /// The record, when the grid already has it.
    pub record: Option<Record>,
    /// Otherwise the conditions that select it.
    pub find: Vec<Condition>,
    /// Where relation counts stop.
    pub cap: u64,
}

/// What the worker is asked to do.
#[derive(Debug, Clone)]
pub enum Job {
    /// Open the database and read its catalog.
    Connect,
    /// List the server's schemas (PostgreSQL) or databases (MySQL) or, with a name, explore
    /// that one instead (see [`crate::schemas`]).
    Schemas {
        /// The schema to open; None lists them.
        open: Option<String>,
    },
    /// Count the rows of these models, stopping at `cap`.
    Counts {
        /// The models.
        models: Vec<String>,
        /// Where counting stops.
        cap: u64,
    },
    /// Read one page of a grid.
    Page {
        /// Which rows.
        spec: PageSpec,
        /// Where they go.
        placement: Placement,
    },
    /// Count the rows of a grid, stopping at `cap`.
    Total {
        /// The model.
        model: String,
        /// Its link and filters.
        conditions: Vec<Condition>,
        /// Where counting stops.
        cap: u64,
    },
    /// Load a record with the labels of its forward relations and the counts of the others.
    Detail(DetailRequest),
    /// Read a table's columns, indexes and DDL from the catalog (see [`crate::schema`]).
    Schema {
        /// The table.
        table: String,
    },
    /// Search every table for a text, or an integer key (`:find`, see [`crate::find`]).
    Find {
        /// The text.
        text: String,
    },
    /// Write one value of one row, in a transaction (only with `--write`, see
    /// [`crate::edit`]).
    Edit {
        /// The model.
        model: String,
        /// The conditions that select the row (its key).
        conditions: Vec<Condition>,
        /// The field to set.
        field: String,
        /// Its new value, as typed (the engine coerces and checks it).
        value: Value,
    },
    /// Run a query typed at the SQL prompt, read-only (see [`crate::sql`]).
    Sql {
        /// The query as typed.
        text: String,
    },
    /// Write every row of a grid to a file (see [`crate::export`]).
    Export {
        /// The grid's rows: its model, link, filters and order.
        spec: PageSpec,
        /// The file to create.
        path: std::path::PathBuf,
        /// Its format.
        format: crate::export::Format,
        /// Decides, with whoever may stop the export, whether it is stopped or complete.
        control: crate::export::Control,
    },
}

/// A record and what its detail view shows about its relations.
#[derive(Debug, Clone)]
pub struct DetailData {
    /// The record.
    pub record: Record,
    /// The label of each forward relation's target, by relation (field) name.
    pub labels: HashMap<String, String>,
    /// The label of each composite foreign key's target, by constraint name.
    pub composite_labels: HashMap<String, String>,
    /// The row count of each reverse and many-to-many relation, by edge name.
    pub counts: HashMap<String, Result<Count, String>>,
}

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Connected; the catalog.
    Connected(Arc<Catalog>),
    /// The server's schemas.
    Schemas(crate::schemas::Schemas),
    /// Row counts by model.
    Counts(Vec<(String, Result<Count, String>)>),
    /// A page of rows.
    Page {
        /// Where they go.
        placement: Placement,
        /// The rows, in the grid's order.
        rows: Vec<Record>,
        /// Fewer rows than asked: the page reached the end (or the start, for a page read
        /// backwards).
        exhausted: bool,
        /// The position of the first row in the result, when known.
        first_index: Option<u64>,
        /// The labels of the rows its foreign keys point at (a grid's pages; none for an
        /// export's).
        labels: crate::labels::PageLabels,
    },
    /// A grid's row count.
    Total(Count),
    /// A record's details.
    Detail(Box<DetailData>),
    /// A table's columns, indexes and DDL.
    Schema(Box<crate::schema::TableSchema>),
    /// The result of a query of the SQL prompt.
    Sql(Box<crate::sql::SqlResult>),
    /// What a search across tables found.
    Found(Box<crate::find::Found>),
    /// A search is under way: the rows of the table just searched and the counts so far
    /// (sent after each table; the request goes on).
    FindProgress(Box<crate::find::Found>),
    /// An edit was written; the row as read back.
    Edited(Box<Record>),
    /// An export is under way: rows written so far (sent after each page; the request goes
    /// on).
    ExportProgress {
        /// Rows written.
        rows: u64,
    },
    /// An export is complete: the file has its name and every row.
    Exported {
        /// Rows written.
        rows: u64,
        /// The file written.
        path: std::path::PathBuf,
    },
}

/// The answer to one request.
#[derive(Debug)]
pub struct Loaded {
    /// The generation the request was sent with.
    pub generation: u64,
    /// What it produced, or the error message.
    pub result: Result<Outcome, String>,
}

/// The id of the server connection a request runs on, once known (for server-side cancel).
pub type BackendId = Arc<Mutex<Option<i64>>>;

fn first_int(rows: &[Vec<Value>]) -> Option<i64> {
    match rows.first()?.first()? {
        Value::I32(v) => Some(i64::from(*v)),
        Value::I64(v) => Some(*v),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Runs `f` so that it can be cancelled on the server: where the backend has a session id
/// (PostgreSQL, MySQL) inside a transaction whose session id is stored in `id` first (made
/// read-only where the backend says how, PostgreSQL); elsewhere directly (SQLite, where the
/// query can only be abandoned). The id is forgotten once the transaction has ended, so a
/// Ctrl-C after it (while an export renames its file) never cancels what the connection
/// runs next for another request.
pub async fn cancellable<T, F, Fut>(db: &Db, id: &BackendId, f: F) -> aksara::Result<T>
where
    F: FnOnce(Db) -> Fut + Send,
    Fut: Future<Output = aksara::Result<T>> + Send,
    T: Send,
{
    let dialect = db.dialect();
    let Some(id_query) = dialect.session_id_query() else {
        return f(db.clone()).await;
    };
    let setup = dialect.read_only_transaction();
    let session = id.clone();
    let result = db
        .transaction(|tx| async move {
            if let Some(setup) = setup {
                tx.raw_execute(setup, []).await?;
            }
            let rows = tx.raw(id_query, []).await?;
            *session.lock().expect("backend id") = first_int(&rows);
            f(tx).await
        })
        .await;
    *id.lock().expect("backend id") = None;
    result
}

/// Like [`cancellable`], in a transaction that is read-only on every backend that has one
/// to run it in: the engine's `TxOptions::read_only` (PostgreSQL `SET TRANSACTION READ
/// ONLY` after `BEGIN`, MySQL `SET TRANSACTION READ ONLY` before it). SQLite runs `f`
/// directly, as [`cancellable`] does: its caller makes the connection read-only.
pub async fn cancellable_read_only<T, F, Fut>(db: &Db, id: &BackendId, f: F) -> aksara::Result<T>
where
    F: FnOnce(Db) -> Fut + Send,
    Fut: Future<Output = aksara::Result<T>> + Send,
    T: Send,
{
    let Some(id_query) = db.dialect().session_id_query() else {
        return f(db.clone()).await;
    };
    let session = id.clone();
    let result = db
        .transaction_with(aksara::TxOptions::new().read_only(), |tx| async move {
            let rows = tx.raw(id_query, []).await?;
            *session.lock().expect("backend id") = first_int(&rows);
            f(tx).await
        })
        .await;
    *id.lock().expect("backend id") = None;
    result
}

/// Stops the query running on the server connection `id` (from another connection).
pub async fn cancel_on_server(db: &Db, id: i64) -> aksara::Result<()> {
    match db.dialect().cancel_session(id) {
        Some(cancel) if cancel.returns_rows => db.raw(&cancel.sql, cancel.params).await.map(drop),
        Some(cancel) => db.raw_execute(&cancel.sql, cancel.params).await.map(drop),
        None => Ok(()),
    }
}

/// Runs `f` in a savepoint when inside a transaction, so that its failure does not abort the
/// queries after it (PostgreSQL aborts the whole transaction on an error otherwise).
pub(crate) async fn isolated<T, F, Fut>(db: &Db, f: F) -> aksara::Result<T>
where
    F: FnOnce(Db) -> Fut + Send,
    Fut: Future<Output = aksara::Result<T>> + Send,
    T: Send,
{
    if db.in_transaction() {
        db.transaction(f).await
    } else {
        f(db.clone()).await
    }
}

/// Counts the rows of `qs`, stopping at `cap` (a count over a limited query, so a huge table
/// costs no more than `cap` rows).
pub async fn capped_count(
    db: &Db,
    qs: &QuerySet<Record>,
    model: &str,
    cap: u64,
) -> aksara::Result<Count> {
    let has_pk = db
        .registry()
        .model(model)
        .map(|m| m.meta.try_pk().is_some())
        .unwrap_or(false);
    let n = if has_pk {
        qs.limit(cap + 1).count(db).await?
    } else {
        // The engine's limited count selects the primary key; without one, read the rows.
        qs.limit(cap + 1).all(db).await?.len() as u64
    };
    Ok(if n > cap {
        Count::AtLeast(cap)
    } else {
        Count::Exact(n)
    })
}

/// The value bound for a keyset comparison on `path`: where the server compares a column the
/// engine reads as text only with numbers (PostgreSQL's `numeric`), it travels as a float.
fn keyset_value(db: &Db, model: &str, path: &str, value: Value) -> Value {
    let dialect = db.dialect();
    let numeric = db
        .registry()
        .model(model)
        .ok()
        .and_then(|info| field_of_path(info, path))
        .is_some_and(|f| dialect.compares_as_float(&f.kind));
    match (&value, numeric) {
        (Value::String(s), true) => s.parse::<f64>().map(Value::F64).unwrap_or(value),
        _ => value,
    }
}

/// Reads one page.
pub async fn page(db: &Db, mut spec: PageSpec, placement: Placement) -> aksara::Result<Outcome> {
    let mut first_index = match spec.start {
        Start::First => Some(0),
        Start::Offset(n) => Some(n),
        _ => None,
    };
    if !spec.keyset && spec.start == Start::Last {
        let mut qs = QuerySet::<Record>::of(spec.model.clone());
        for c in &spec.conditions {
            qs = qs.filter(c.clone());
        }
        let total = qs.count(db).await?;
        let offset = total.saturating_sub(spec.limit);
        spec.start = Start::Offset(offset);
        first_index = Some(offset);
    }
    if let Start::After(values) | Start::Before(values) = &mut spec.start {
        for (value, term) in values.iter_mut().zip(&spec.order) {
            *value = keyset_value(
                db,
                &spec.model,
                &term.path,
                std::mem::replace(value, Value::Null),
            );
        }
    }
    let (qs, reversed) = spec.queryset();
    let mut rows = qs.all(db).await?;
    if reversed {
        rows.reverse();
    }
    Ok(Outcome::Page {
        placement,
        exhausted: (rows.len() as u64) < spec.limit,
        rows,
        first_index,
        labels: Default::default(),
    })
}

/// Counts a grid's rows.
pub async fn total(
    db: &Db,
    model: &str,
    conditions: &[Condition],
    cap: u64,
) -> aksara::Result<Count> {
    let mut qs = QuerySet::<Record>::of(model.to_string());
    for c in conditions {
        qs = qs.filter(c.clone());
    }
    capped_count(db, &qs, model, cap).await
}

/// Counts the rows of each model (capped).
pub async fn counts(db: &Db, models: &[String], cap: u64) -> Vec<(String, Result<Count, String>)> {
    let mut out = Vec::new();
    for model in models {
        let qs = QuerySet::<Record>::of(model.clone());
        let model_name = model.clone();
        let n = isolated(db, |tx| async move {
            capped_count(&tx, &qs, &model_name, cap).await
        })
        .await;
        out.push((model.clone(), n.map_err(|e| e.to_string())));
    }
    out
}

/// Loads a record's details.
pub async fn detail(
    db: &Db,
    catalog: Option<&Catalog>,
    request: DetailRequest,
) -> aksara::Result<DetailData> {
    let registry = db.registry().clone();
    let info = registry.model(&request.model)?;
    let record = match request.record {
        Some(r) => r,
        None => {
            let mut qs = QuerySet::<Record>::of(request.model.clone());
            for c in &request.find {
                qs = qs.filter(c.clone());
            }
            qs.limit(1)
                .all(db)
                .await?
                .pop()
                .ok_or_else(|| Error::DoesNotExist {
                    model: request.model.clone(),
                    lookup: describe(&request.find),
                })?
        }
    };

    // Labels of forward relations: one query per target model and key column.
    let mut wanted: HashMap<(usize, String), Vec<(String, Value)>> = HashMap::new();
    for edge in &info.edges {
        let Via::Forward {
            column,
            target_column,
        } = &edge.via
        else {
            continue;
        };
        let target = registry.at(edge.target);
        if label_field(target).is_none() {
            continue;
        }
        let Some(value) = record.get(column).filter(|v| !v.is_null()).cloned() else {
            continue;
        };
        wanted
            .entry((edge.target, path_of_column(target, target_column)))
            .or_default()
            .push((edge.name.clone(), value));
    }
    let mut labels = HashMap::new();
    for ((target, path), links) in wanted {
        let target = registry.at(target);
        let values: Vec<Value> = links.iter().map(|(_, v)| v.clone()).collect();
        let qs = QuerySet::<Record>::of(target.meta.name.clone())
            .filter(Condition::new(format!("{path}__in"), Value::Array(values)))
            .limit(links.len() as u64);
        let rows = isolated(db, |tx| async move { qs.all(&tx).await }).await;
        for row in rows.unwrap_or_default() {
            let key = row.get(&path).map(crate::format::plain);
            for (edge, value) in &links {
                if key.as_deref() == Some(crate::format::plain(value).as_str()) {
                    labels.insert(edge.clone(), record_label(target, &row));
                }
            }
        }
    }

    // Composite foreign keys, which the engine does not follow: find the target by its columns.
    let mut composite_labels = HashMap::new();
    if let Some(entry) = catalog.and_then(|c| c.table(&request.model)) {
        for fk in &entry.composite_foreign_keys {
            let Some(conditions) = composite_conditions(&registry, info, fk, &record) else {
                continue;
            };
            let Ok(target) = registry.model(&fk.target) else {
                continue;
            };
            let mut qs = QuerySet::<Record>::of(target.meta.name.clone());
            for c in conditions {
                qs = qs.filter(c);
            }
            let rows = isolated(db, |tx| async move { qs.limit(1).all(&tx).await }).await;
            if let Some(row) = rows.ok().and_then(|mut r| r.pop()) {
                composite_labels.insert(fk.name.clone(), record_label(target, &row));
            }
        }
    }

    // Counts of reverse and many-to-many relations, capped.
    let mut counts = HashMap::new();
    for edge in info
        .edges
        .iter()
        .filter(|e| !matches!(e.via, Via::Forward { .. }))
    {
        let target_name = registry.at(edge.target).meta.name.clone();
        let n = match record.related(&edge.name) {
            Ok(qs) => isolated(db, |tx| async move {
                capped_count(&tx, &qs, &target_name, request.cap).await
            })
            .await
            .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        counts.insert(edge.name.clone(), n);
    }
    // Counts of the rows whose composite foreign keys point at this one, capped.
    if let Some(catalog) = catalog {
        for (other, fk) in composite_references(catalog, &request.model) {
            let name = crate::catalog::composite_reverse_name(&other.model, &fk.name);
            let n = match composite_reverse_conditions(&registry, info, &other.model, fk, &record) {
                Some(conditions) => {
                    let mut qs = QuerySet::<Record>::of(other.model.clone());
                    for c in conditions {
                        qs = qs.filter(c);
                    }
                    let model = other.model.clone();
                    isolated(db, |tx| async move {
                        capped_count(&tx, &qs, &model, request.cap).await
                    })
                    .await
                    .map_err(|e| e.to_string())
                }
                None => Ok(Count::Exact(0)),
            };
            counts.insert(name, n);
        }
    }
    Ok(DetailData {
        record,
        labels,
        composite_labels,
        counts,
    })
}

/// The conditions selecting the target of the composite foreign key `fk` of `record` (None
/// when one of its columns is NULL).
pub fn composite_conditions(
    registry: &aksara::Registry,
    info: &aksara::ModelInfo,
    fk: &aksara::introspect::CompositeForeignKey,
    record: &Record,
) -> Option<Vec<Condition>> {
    let target = registry.model(&fk.target).ok()?;
    let mut conditions = Vec::new();
    for (column, target_column) in fk.columns.iter().zip(&fk.target_columns) {
        let value = record.get(&path_of_column(info, column))?.clone();
        if value.is_null() {
            return None;
        }
        conditions.push(Condition::new(path_of_column(target, target_column), value));
    }
    Some(conditions)
}

/// The composite foreign keys of other tables that point at `model`, with their tables.
pub fn composite_references<'a>(
    catalog: &'a crate::catalog::Catalog,
    model: &'a str,
) -> impl Iterator<
    Item = (
        &'a crate::catalog::TableEntry,
        &'a aksara::introspect::CompositeForeignKey,
    ),
> {
    catalog.tables.iter().flat_map(move |t| {
        t.composite_foreign_keys
            .iter()
            .filter(move |fk| fk.target == model)
            .map(move |fk| (t, fk))
    })
}

/// The conditions selecting the rows of `referencing` whose composite foreign key `fk` points
/// at `record` (of the model `info`); None when one of the referenced columns is NULL.
pub fn composite_reverse_conditions(
    registry: &aksara::Registry,
    info: &aksara::ModelInfo,
    referencing: &str,
    fk: &aksara::introspect::CompositeForeignKey,
    record: &Record,
) -> Option<Vec<Condition>> {
    let other = registry.model(referencing).ok()?;
    let mut conditions = Vec::new();
    for (column, target_column) in fk.columns.iter().zip(&fk.target_columns) {
        let value = record.get(&path_of_column(info, target_column))?.clone();
        if value.is_null() {
            return None;
        }
        conditions.push(Condition::new(path_of_column(other, column), value));
    }
    Some(conditions)
}

/// A short description of conditions for messages.
pub fn describe(conditions: &[Condition]) -> String {
    conditions
        .iter()
        .map(|c| match c {
            Condition::Lookup { path, value } => format!("{path} = {value}"),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
