//! What a query reads besides its rows' conditions and order: the row lock of
//! `select_for_update`, `DISTINCT`, and the columns of `only` / `defer`.

/// What a locking read does when a row it would lock is locked by another transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockWait {
    /// Waits until the other transaction ends (plain `FOR UPDATE`).
    #[default]
    Wait,
    /// Fails at once with [`Error::LockNotAvailable`](crate::Error::LockNotAvailable)
    /// (`FOR UPDATE NOWAIT`).
    NoWait,
    /// Leaves the locked rows out of the result (`FOR UPDATE SKIP LOCKED`).
    SkipLocked,
}

/// The row lock of a `select_for_update` query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowLock {
    /// What happens when a row is locked by another transaction.
    pub wait: LockWait,
    /// The tables whose rows are locked, by the name the query uses: `"self"` for the model
    /// queried, a to-one relation path (`"author"`, `"author__profile"`) for a joined table.
    /// Empty: every table of the `FROM` clause.
    pub of: Vec<String>,
}

/// Whether a query's rows are made distinct.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Distinct {
    /// Every row (the default).
    #[default]
    All,
    /// `SELECT DISTINCT`: identical rows once.
    Rows,
    /// `SELECT DISTINCT ON (fields)` (PostgreSQL): the first row of each group of rows equal
    /// on these field paths.
    On(Vec<String>),
}

/// Which of the model's own fields a query reads (`only` / `defer`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelection {
    /// The fields read, when `only` named them (`None`: every field).
    pub only: Option<Vec<String>>,
    /// Fields left out of those (`defer`).
    pub defer: Vec<String>,
}

impl FieldSelection {
    /// True when every field is read.
    pub fn is_all(&self) -> bool {
        self.only.is_none() && self.defer.is_empty()
    }
}
