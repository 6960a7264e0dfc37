//! What can go wrong while making, reading or applying migrations.

/// A migration error.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// A migration applied to the database has changed since: its checksum in the history
    /// table differs from the checksum of its content now.
    #[error(
        "migration {name} was applied with checksum {recorded}, but its content now hashes to \
         {current}: an applied migration must not change (write a new migration instead)"
    )]
    ChecksumMismatch {
        /// The migration.
        name: String,
        /// The checksum recorded when it was applied.
        recorded: String,
        /// The checksum of its content now.
        current: String,
    },
    /// A migration file whose `checksum` field does not match its content (edited by hand).
    #[error(
        "migration {name}: the file says checksum {stored} but its content hashes to \
         {computed}; it was edited after it was written (if that is intended, rewrite it with \
         Migration::write_to_dir, which recomputes the checksum)"
    )]
    FileChecksum {
        /// The migration.
        name: String,
        /// The checksum written in the file.
        stored: String,
        /// The checksum of the content.
        computed: String,
    },
    /// Back-migration would need to undo an operation that cannot be undone.
    #[error(
        "cannot migrate back past {name}: its operation #{index} ({operation}) is irreversible \
         (give a RunSql a `reverse` to make it reversible)"
    )]
    Irreversible {
        /// The migration.
        name: String,
        /// The operation's position in it (0-based).
        index: usize,
        /// The operation, described.
        operation: String,
    },
    /// A migration failed; it is not recorded as applied.
    #[error("migration {name} failed at operation #{index} ({operation}){partial}: {source}",
        partial = if *.partially_applied { " after some of its statements had run (MariaDB/MySQL commit DDL implicitly, so those stay applied)" } else { "; it was rolled back" })]
    Failed {
        /// The migration.
        name: String,
        /// The failing operation's position (0-based).
        index: usize,
        /// The failing operation, described.
        operation: String,
        /// True when statements before the failing one stay applied (MySQL/MariaDB).
        partially_applied: bool,
        /// The database's error.
        #[source]
        source: Box<aksara_core::Error>,
    },
    /// The migration set or a migration is inconsistent (an unknown dependency, a cycle, an
    /// operation that does not fit the schema, an unknown target, a bad file).
    #[error("{0}")]
    Invalid(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The database failed outside a migration (history table, lock).
    #[error(transparent)]
    Db(Box<aksara_core::Error>),
}

impl From<aksara_core::Error> for MigrateError {
    fn from(e: aksara_core::Error) -> Self {
        MigrateError::Db(Box::new(e))
    }
}

/// A result with a [`MigrateError`].
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;
