//! Stopping a statement that runs on the blocking pool, from the async side.
//!
//! diesel keeps the `sqlite3 *` of a connection to itself, and `sqlite3_interrupt` needs it.
//! So every connection this process opens gets, through an SQLite auto-extension registered
//! once, a function `aksara_connection_handle()` that returns its own handle (as an integer;
//! `SQLITE_DIRECTONLY`, so no trigger or view can call it). The pool reads it once per
//! connection and keeps it beside the connection.

use libsqlite3_sys as ffi;
use std::os::raw::{c_char, c_int};
use std::sync::Once;

/// The SQL function that returns the connection's handle.
pub(crate) const HANDLE_FUNCTION: &str = "aksara_connection_handle";

/// Registers the auto-extension (once per process; every connection opened afterwards has
/// the function).
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `register` has the signature SQLite expects of an extension entry point.
        unsafe {
            ffi::sqlite3_auto_extension(Some(register));
        }
    });
}

/// Entry point run by SQLite for every new connection: defines the handle function.
unsafe extern "C" fn register(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: `db` is the connection being opened, valid for this call; the name is a
    // NUL-terminated static string; no user data or destructor is passed.
    unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            c"aksara_connection_handle".as_ptr(),
            0,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DIRECTONLY,
            std::ptr::null_mut(),
            Some(handle),
            None,
            None,
            None,
        )
    }
}

/// The function's body: the calling connection's handle.
unsafe extern "C" fn handle(
    context: *mut ffi::sqlite3_context,
    _argc: c_int,
    _argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: `context` is the live function call's context.
    unsafe {
        let db = ffi::sqlite3_context_db_handle(context);
        ffi::sqlite3_result_int64(context, db as usize as i64);
    }
}

/// The handle of one open connection, to interrupt its running statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interrupter(usize);

impl Interrupter {
    /// The handle as the function returned it.
    pub(crate) fn from_handle(handle: i64) -> Option<Self> {
        (handle != 0).then_some(Interrupter(handle as usize))
    }

    /// Makes the statement running on the connection stop with `SQLITE_INTERRUPT`.
    ///
    /// Only to be called while the connection is open: the caller holds the pooled
    /// connection this handle was read from, which keeps it open.
    pub(crate) fn interrupt(self) {
        // SAFETY: the handle is a live connection's (see above); `sqlite3_interrupt` may be
        // called from any thread while a statement runs on another.
        unsafe { ffi::sqlite3_interrupt(self.0 as *mut ffi::sqlite3) }
    }
}
