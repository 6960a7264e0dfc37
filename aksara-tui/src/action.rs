//! The one message type of the explorer.
//!
//! Key presses are turned into [`Action`]s by the [`crate::keymap`]; the worker's answers
//! arrive as [`Action::Loaded`]; the screen's size as [`Action::Resize`]. The app changes only
//! in [`crate::app::App::update`], one action at a time, and is drawn afterwards.

use crate::jobs::Loaded;

/// Something that changes the explorer's state.
#[derive(Debug)]
pub enum Action {
    /// Leave the explorer (`q`).
    Quit,
    /// Show or hide the key bindings (`?`).
    ToggleHelp,
    /// Stop the running query (`Ctrl-C`).
    Cancel,
    /// The previous screen (`Backspace`, `Esc`).
    Back,
    /// The next screen, after going back (`]`, `Alt-→`).
    Forward,
    /// Read the current screen again (`r`).
    Reload,
    /// Move the cursor by rows (`j`/`k`, arrows).
    MoveRows {
        /// Rows to move, negative upwards.
        by: isize,
    },
    /// Move the column cursor (`h`/`l`, arrows).
    MoveColumns {
        /// Columns to move, negative leftwards.
        by: isize,
    },
    /// Half a screen down or up (`Ctrl-d` / `Ctrl-u`).
    HalfPage {
        /// Down when true.
        down: bool,
    },
    /// A screen down or up (`PageDown` / `PageUp`).
    FullPage {
        /// Down when true.
        down: bool,
    },
    /// The first row (`gg`, `Home`).
    Top,
    /// The last row (`G`, `End`).
    Bottom,
    /// Open what is under the cursor (`Enter`).
    Open,
    /// Start typing a filter (`/`).
    StartFilter,
    /// Open the SQL prompt (`:`).
    StartSql,
    /// The previous query of the SQL history (`↑` in the SQL prompt).
    HistoryOlder,
    /// The next query of the SQL history (`↓` in the SQL prompt).
    HistoryNewer,
    /// Show the table's schema: columns, indexes, relations, DDL (`S`).
    Schema,
    /// Draw the table's relations one hop away (`D`).
    Diagram,
    /// Hide the grid's current column (`-`).
    HideColumn,
    /// Show every column of the grid again (`+`).
    ShowColumns,
    /// Make the grid's current column wider or narrower (`>` / `<`).
    ResizeColumn {
        /// Characters to add, negative to take away.
        by: isize,
    },
    /// Cycle the sort of the current column (`s`).
    Sort,
    /// Copy the value under the cursor (`y`).
    Copy,
    /// Copy the row under the cursor, as tab-separated values (`Y`) or a JSON object (`J`).
    CopyRow {
        /// JSON rather than TSV.
        json: bool,
    },
    /// Export the grid's rows to a file (`E`).
    Export,
    /// Edit the record's current value (`e`, only with `--write`).
    Edit,
    /// A character typed into the prompt.
    Input {
        /// The character.
        ch: char,
    },
    /// Delete the last character of the prompt.
    Erase,
    /// Accept the prompt (`Enter`).
    Submit,
    /// Close the prompt without applying it (`Esc`).
    Dismiss,
    /// The terminal's size changed.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// Time passed (animates the spinner).
    Tick,
    /// The worker finished a request.
    Loaded(Loaded),
}
