//! The app: its state, and [`App::update`], the one place it changes.
//!
//! Every change arrives as an [`Action`]: a key (through the [`KeyMap`]), an answer from the
//! worker ([`Action::Loaded`]), a resize, a tick. Screens turn actions into [`Effect`]s, which
//! the app carries out: requests go to the worker tagged with a fresh generation, remembered
//! per [`Slot`]; an answer whose generation is not the one remembered is stale and dropped, so
//! the newest request always wins. Leaving a screen forgets its requests, so an answer never
//! lands on the wrong screen.

use crate::action::Action;
use crate::catalog::Catalog;
use crate::clipboard;
use crate::jobs::{Job, Outcome};
use crate::keymap::{Focus, KeyMap};
use crate::nav::{breadcrumb, History};
use crate::screens::{
    Ctx, DiagramView, Effect, PromptEvent, PromptKind, SchemaView, Slot, SqlView, TablesView, View,
};
use crate::worker::{Loaded, Worker};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The rows one notch of the mouse wheel moves.
pub const WHEEL_ROWS: isize = 3;

/// A request the app waits for.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its generation.
    pub generation: u64,
    /// When it was sent.
    pub since: Instant,
}

/// The open prompt.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// Its label.
    pub label: String,
    /// The text typed.
    pub input: String,
}

/// A message in the message line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// True for errors.
    pub error: bool,
}

/// App settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Rows read per page.
    pub page_size: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { page_size: 200 }
    }
}

/// The explorer's state.
pub struct App {
    worker: Worker,
    catalog: Option<Arc<Catalog>>,
    history: History,
    pending: HashMap<Slot, Pending>,
    next_generation: u64,
    prompt: Option<Prompt>,
    help: bool,
    help_scroll: usize,
    message: Option<Message>,
    keymap: KeyMap,
    quit: bool,
    clipboard: Vec<String>,
    tick: usize,
    size: (u16, u16),
    settings: Settings,
    /// True with `--write`: a record's values may be edited.
    writable: bool,
    connect_error: Option<String>,
    /// The control of the running export, which Ctrl-C stops.
    export: Option<crate::export::Control>,
    /// The queries run at the SQL prompt on this database.
    sql_history: crate::sql::History,
    /// The row to open once the schema being opened is there (a foreign key into it
    /// followed): its table, column and value.
    after_switch: Option<(String, String, aksara::Value, String)>,
}

impl App {
    /// An app talking to `worker`; it starts by connecting.
    pub fn new(worker: Worker, settings: Settings) -> App {
        let mut app = App {
            worker,
            catalog: None,
            history: History::default(),
            pending: HashMap::new(),
            next_generation: 1,
            prompt: None,
            help: false,
            help_scroll: 0,
            message: None,
            keymap: KeyMap::default(),
            quit: false,
            clipboard: Vec::new(),
            tick: 0,
            size: (80, 24),
            settings,
            writable: false,
            connect_error: None,
            export: None,
            sql_history: crate::sql::History::default(),
            after_switch: None,
        };
        app.send(Slot::Main, Job::Connect);
        app
    }

    /// Lets each character of `remap` act as the key it maps to (the connections file's
    /// `[keys]`).
    pub fn remap_keys(&mut self, remap: std::collections::HashMap<char, char>) {
        self.keymap = KeyMap::with_remap(remap);
    }

    /// The characters the connections file remaps, with the key each acts as.
    pub fn remapped_keys(&self) -> Vec<(char, char)> {
        self.keymap.remapped()
    }

    /// True once `q` was pressed.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The catalog, once connected.
    pub fn catalog(&self) -> Option<&Arc<Catalog>> {
        self.catalog.as_ref()
    }

    /// The current screen.
    pub fn view(&self) -> Option<&View> {
        self.history.current()
    }

    /// The current screen, to draw.
    pub fn view_mut(&mut self) -> Option<&mut View> {
        self.history.current_mut()
    }

    /// The history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The breadcrumb of the current screen.
    pub fn breadcrumb(&self) -> Vec<String> {
        match &self.catalog {
            Some(c) => breadcrumb(self.history.path(), c),
            None => Vec::new(),
        }
    }

    /// The message line's content.
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// The open prompt.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// The first line of the help overlay shown.
    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    /// True while the help overlay shows.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// The requests waited for.
    pub fn pending(&self) -> &HashMap<Slot, Pending> {
        &self.pending
    }

    /// True while any request runs.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The connection error, when connecting failed.
    pub fn connect_error(&self) -> Option<&str> {
        self.connect_error.as_deref()
    }

    /// The animation frame counter.
    pub fn tick_count(&self) -> usize {
        self.tick
    }

    /// The OSC 52 sequences to write to the terminal (and forgets them).
    pub fn take_clipboard(&mut self) -> Vec<String> {
        std::mem::take(&mut self.clipboard)
    }

    /// The terminal's size as last told.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Rows of content a screen shows (the terminal less the title, message and hint lines
    /// and a screen's own header and footer).
    pub fn body_rows(&self) -> usize {
        self.size.1.saturating_sub(5).max(1) as usize
    }

    fn ctx<'a>(&self, catalog: &'a Catalog) -> Ctx<'a> {
        Ctx {
            catalog,
            page_size: self.settings.page_size,
            body_rows: self.body_rows(),
            loading_more: self.pending.contains_key(&Slot::More),
            writable: self.writable,
        }
    }

    fn focus(&self) -> Focus {
        if self.prompt.is_some() {
            Focus::Prompt
        } else if self.help {
            Focus::Help
        } else {
            Focus::Screen
        }
    }

    /// Handles a key press.
    pub fn key(&mut self, key: KeyEvent) {
        if let Some(action) = self.keymap.map(key, self.focus()) {
            self.update(action);
        }
    }

    /// Handles a mouse event: the wheel moves three rows (it scrolls the help while that
    /// shows); a left click on a row selects it (and the column under it, in a grid), a click
    /// on the row already selected opens it like Enter, and a click on the detail's bottom
    /// pane follows the relation it describes.
    pub fn mouse(&mut self, event: MouseEvent) {
        let action = match event.kind {
            MouseEventKind::ScrollDown => Action::MoveRows { by: WHEEL_ROWS },
            MouseEventKind::ScrollUp => Action::MoveRows { by: -WHEEL_ROWS },
            MouseEventKind::Down(MouseButton::Left) if self.prompt.is_none() && !self.help => {
                let Some((hits, cursor, column)) = self.history.current().and_then(View::hits)
                else {
                    return;
                };
                let (x, y) = (event.column, event.row);
                if hits.opens_at(x, y) {
                    return self.update(Action::Open);
                }
                let Some(row) = hits.row_at(x, y) else {
                    return;
                };
                let to_column = hits.column_at(x).filter(|c| *c != column);
                if let Some(to) = to_column {
                    self.update(Action::MoveColumns {
                        by: to as isize - column as isize,
                    });
                }
                if row == cursor {
                    if to_column.is_none() {
                        self.update(Action::Open);
                    }
                    return;
                }
                Action::MoveRows {
                    by: row as isize - cursor as isize,
                }
            }
            _ => return,
        };
        if self.prompt.is_none() {
            self.update(action);
        }
    }

    /// Takes every answer the worker has ready.
    pub fn drain(&mut self) -> bool {
        let mut any = false;
        while let Some(loaded) = self.worker.try_recv() {
            self.update(Action::Loaded(loaded));
            any = true;
        }
        any
    }

    /// Calls `wake` (on the worker's thread) after each answer the worker sends: see
    /// [`Worker::on_answer`].
    pub fn on_answer(&self, wake: impl Fn() + Send + 'static) {
        self.worker.on_answer(wake);
    }

    /// True when an answer from the worker waits to be applied.
    pub fn has_answer(&self) -> bool {
        self.worker.has_answer()
    }

    /// Waits until no request runs (or `timeout` passes), applying answers as they come.
    /// Returns false on timeout. For tests and benchmarks; the terminal loop never waits for the worker.
    pub fn settle(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.drain();
        while self.busy() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            if let Some(loaded) = self
                .worker
                .recv_timeout(left.min(Duration::from_millis(50)))
            {
                self.update(Action::Loaded(loaded));
            }
        }
        true
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Loaded(loaded) => return self.loaded(loaded),
            Action::Tick => {
                self.tick = self.tick.wrapping_add(1);
                return;
            }
            Action::Resize { width, height } => {
                self.size = (width, height);
                return;
            }
            Action::Quit => {
                self.quit = true;
                return;
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
                return;
            }
            Action::Cancel => return self.cancel(),
            _ => {}
        }
        if self.help {
            let lines = crate::screens::help::line_count(&self.keymap.remapped());
            let visible = self.body_rows();
            let last = lines.saturating_sub(visible) + 1;
            if let Some(top) = crate::screens::moved(self.help_scroll, last, &action, visible) {
                self.help_scroll = top;
            }
            return;
        }
        if !matches!(action, Action::Input { .. } | Action::Erase) {
            self.message = None;
        }
        let Some(catalog) = self.catalog.clone() else {
            if matches!(action, Action::Reload | Action::Open) && !self.busy() {
                self.connect_error = None;
                self.send(Slot::Main, Job::Connect);
            }
            return;
        };
        let ctx = self.ctx(&catalog);
        if let Some(prompt) = self.prompt.as_mut() {
            let kind = prompt.kind;
            let event = match action {
                Action::Input { ch } => {
                    prompt.input.push(ch);
                    PromptEvent::Changed(prompt.input.clone())
                }
                Action::Erase => {
                    prompt.input.pop();
                    PromptEvent::Changed(prompt.input.clone())
                }
                Action::HistoryOlder | Action::HistoryNewer if kind == PromptKind::Sql => {
                    let entry = match action {
                        Action::HistoryOlder => self.sql_history.older(),
                        _ => self.sql_history.newer(),
                    };
                    if let Some(entry) = entry {
                        prompt.input = entry.to_string();
                    }
                    return;
                }
                Action::Submit => PromptEvent::Submitted(prompt.input.clone()),
                Action::Dismiss => PromptEvent::Dismissed,
                _ => return,
            };
            if matches!(event, PromptEvent::Submitted(_) | PromptEvent::Dismissed) {
                self.prompt = None;
            }
            if kind == PromptKind::Sql {
                let effects = self.sql_prompt(event);
                return self.apply(effects, &catalog);
            }
            let effects = match self.history.current_mut() {
                Some(view) => view.prompt(kind, event, &ctx),
                None => Vec::new(),
            };
            return self.apply(effects, &catalog);
        }
        let effects = match action {
            Action::Back if self.drop_edit() => {
                vec![Effect::Info(
                    "the edit was dropped; nothing was written".into(),
                )]
            }
            Action::Back => {
                if self.history.back() {
                    self.forget();
                    self.entered(&catalog)
                } else {
                    vec![Effect::Info("this is the first screen (q quits)".into())]
                }
            }
            Action::Forward => {
                if self.history.forward() {
                    self.forget();
                    self.entered(&catalog)
                } else {
                    vec![Effect::Info("nothing ahead".into())]
                }
            }
            Action::StartSql => vec![crate::screens::sql::prompt("")],
            Action::Schema | Action::Diagram => {
                let model = self.history.current().and_then(|v| v.model(&catalog));
                match model {
                    Some(model) if matches!(action, Action::Schema) => vec![Effect::Open(
                        Box::new(View::Schema(SchemaView::new(&catalog, &model))),
                    )],
                    Some(model) => vec![Effect::Open(Box::new(View::Diagram(DiagramView::new(
                        &catalog, &model,
                    ))))],
                    None => vec![Effect::Info("no table here".into())],
                }
            }
            Action::Reload => {
                self.forget();
                match self.history.current_mut() {
                    Some(view) => view.reload(&ctx),
                    None => Vec::new(),
                }
            }
            action => match self.history.current_mut() {
                Some(view) => view.handle(&action, &ctx),
                None => Vec::new(),
            },
        };
        self.apply(effects, &catalog);
    }

    /// The SQL prompt was submitted (the query is kept in the history and its result
    /// screen opened) or closed.
    fn sql_prompt(&mut self, event: PromptEvent) -> Vec<Effect> {
        match event {
            PromptEvent::Submitted(text) if text.trim().is_empty() => {
                self.sql_history.rewind();
                vec![Effect::Info("no query to run".into())]
            }
            PromptEvent::Submitted(text) if is_key_jump(&text) => {
                self.sql_history.rewind();
                let key = text.trim().get(3..).unwrap_or_default().trim().to_string();
                let Some(catalog) = self.catalog.clone() else {
                    return Vec::new();
                };
                let ctx = self.ctx(&catalog);
                match self.history.current_mut() {
                    Some(View::Grid(grid)) => grid.jump(&key, &ctx),
                    _ => vec![Effect::Info(
                        ":key jumps to a row of a table's grid: open one first".into(),
                    )],
                }
            }
            PromptEvent::Submitted(text) if find_command(&text).is_some() => {
                self.sql_history.rewind();
                match find_command(&text).unwrap_or_default() {
                    "" => vec![Effect::Info(
                        ":find TEXT searches every table for TEXT".into(),
                    )],
                    needle => vec![Effect::Open(Box::new(View::Find(
                        crate::screens::FindView::new(needle),
                    )))],
                }
            }
            PromptEvent::Submitted(text) if schema_command(&text).is_some() => {
                self.sql_history.rewind();
                let name = schema_command(&text).unwrap_or_default();
                let open = (!name.is_empty()).then(|| name.to_string());
                vec![Effect::Load {
                    slot: Slot::Schemas,
                    job: Job::Schemas { open },
                }]
            }
            PromptEvent::Submitted(text) => {
                let mut effects = Vec::new();
                if let Err(e) = self.sql_history.push(&text) {
                    effects.push(Effect::Error(e));
                }
                effects.push(Effect::Open(Box::new(View::Sql(SqlView::new(&text)))));
                effects
            }
            PromptEvent::Dismissed | PromptEvent::Changed(_) => {
                self.sql_history.rewind();
                Vec::new()
            }
        }
    }

    /// Lets the explorer write (`--write`): `e` edits a record's value, after a confirm.
    pub fn allow_writes(&mut self) {
        self.writable = true;
    }

    /// True when the explorer may write.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// Drops the edit waiting for its confirm on the current record, if there is one.
    fn drop_edit(&mut self) -> bool {
        match self.history.current_mut() {
            Some(View::Detail(detail)) => detail.drop_edit(),
            _ => false,
        }
    }

    /// The SQL prompt's history (of the database explored).
    pub fn sql_history(&self) -> &crate::sql::History {
        &self.sql_history
    }

    /// The requests of the screen just entered.
    fn entered(&mut self, catalog: &Catalog) -> Vec<Effect> {
        let ctx = self.ctx(catalog);
        match self.history.current_mut() {
            Some(view) => view.enter(&ctx),
            None => Vec::new(),
        }
    }

    /// Forgets the screen's requests in flight (their answers will be dropped); a running
    /// export goes on.
    fn forget(&mut self) {
        self.pending.retain(|slot, _| *slot == Slot::Export);
    }

    fn send(&mut self, slot: Slot, job: Job) {
        if let Job::Export { control, .. } = &job {
            self.export = Some(control.clone());
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        self.worker.send(generation, job);
        self.pending.insert(
            slot,
            Pending {
                generation,
                since: Instant::now(),
            },
        );
    }

    fn apply(&mut self, effects: Vec<Effect>, catalog: &Catalog) {
        for effect in effects {
            match effect {
                Effect::Load {
                    slot: Slot::Export, ..
                } if self.pending.contains_key(&Slot::Export) => {
                    self.message = Some(Message {
                        text: "an export is already running (Ctrl-C stops it)".into(),
                        error: true,
                    });
                    return;
                }
                Effect::Load { slot, job } => self.send(slot, job),
                Effect::Open(view) => {
                    self.forget();
                    self.history.open(*view);
                    let more = self.entered(catalog);
                    self.apply(more, catalog);
                }
                Effect::Copy { what, text } => {
                    self.clipboard.push(clipboard::osc52(&text));
                    let shown =
                        crate::format::truncate(&text.replace('\n', "↵").replace('\t', "⇥"), 40);
                    self.message = Some(Message {
                        text: format!("copied {what}: {shown}"),
                        error: false,
                    });
                }
                Effect::FollowAcross {
                    schema,
                    table,
                    column,
                    value,
                    via,
                } => {
                    self.after_switch = Some((table, column, value, via));
                    self.send(Slot::Schemas, Job::Schemas { open: Some(schema) });
                }
                Effect::Info(text) => self.message = Some(Message { text, error: false }),
                Effect::Error(text) => self.message = Some(Message { text, error: true }),
                Effect::Prompt {
                    kind,
                    label,
                    initial,
                } => {
                    self.prompt = Some(Prompt {
                        kind,
                        label,
                        input: initial,
                    })
                }
            }
        }
    }

    /// Ctrl-C: cancels every running request. A running export is stopped, unless its file
    /// already has its name (its answer not yet seen): then it is reported as exported, so
    /// that the message always tells what is on disk.
    fn cancel(&mut self) {
        if self.pending.is_empty() {
            self.message = Some(Message {
                text: "nothing is running (q quits)".into(),
                error: false,
            });
            return;
        }
        self.worker.cancel();
        let slots: Vec<Slot> = self.pending.keys().copied().collect();
        self.pending.clear();
        if let Some(view) = self.history.current_mut() {
            for slot in slots
                .iter()
                .filter(|s| !matches!(s, Slot::Export | Slot::Schemas))
            {
                view.failed(*slot, "cancelled (r reads again)");
            }
        }
        if slots.contains(&Slot::Export) {
            let end = match self.export.take() {
                Some(control) => control.stop(),
                None => crate::export::End::Stopped,
            };
            let text = match end {
                crate::export::End::Stopped => {
                    "cancelled; the export was stopped and its file removed".to_string()
                }
                crate::export::End::Exported { rows, path } => {
                    let others = if slots.len() > 1 { "cancelled; " } else { "" };
                    format!(
                        "{others}exported {} rows to {} (the export had ended before Ctrl-C)",
                        crate::format::thousands(rows),
                        path.display()
                    )
                }
            };
            self.message = Some(Message { text, error: false });
            return;
        }
        self.message = Some(Message {
            text: "cancelled".into(),
            error: false,
        });
    }

    /// An answer of the running export: how far it got (it goes on), or its end.
    fn export_answer(&mut self, result: Result<Outcome, String>) {
        let message = match result {
            Ok(Outcome::ExportProgress { rows }) => Message {
                text: format!(
                    "exporting: {} rows written (Ctrl-C stops)",
                    crate::format::thousands(rows)
                ),
                error: false,
            },
            Ok(Outcome::Exported { rows, path }) => {
                self.pending.remove(&Slot::Export);
                self.export = None;
                Message {
                    text: format!(
                        "exported {} rows to {}",
                        crate::format::thousands(rows),
                        path.display()
                    ),
                    error: false,
                }
            }
            Ok(_) => return,
            Err(text) => {
                self.pending.remove(&Slot::Export);
                self.export = None;
                Message {
                    text: format!("export failed: {text}"),
                    error: true,
                }
            }
        };
        self.message = Some(message);
    }

    fn loaded(&mut self, loaded: Loaded) {
        let Some(slot) = self
            .pending
            .iter()
            .find(|(_, p)| p.generation == loaded.generation)
            .map(|(s, _)| *s)
        else {
            return; // stale: a newer request replaced it, or its screen was left
        };
        if slot == Slot::Export {
            return self.export_answer(loaded.result);
        }
        // A search's progress leaves it running.
        if !matches!(loaded.result, Ok(Outcome::FindProgress(_))) {
            self.pending.remove(&slot);
        }
        match loaded.result {
            Ok(Outcome::Connected(catalog)) => {
                self.connect_error = None;
                self.catalog = Some(catalog.clone());
                self.sql_history = crate::sql::History::open(&catalog.source);
                self.history = History::new(View::Tables(TablesView::new()));
                let mut effects = self.entered(&catalog);
                if let Some((table, column, value, via)) = self.after_switch.take() {
                    effects.push(follow_across(&catalog, &table, &column, value, &via));
                }
                self.apply(effects, &catalog);
            }
            Ok(Outcome::Schemas(found)) => {
                let noun = self
                    .catalog
                    .as_ref()
                    .map_or("schema", |c| crate::schemas::noun(c.dialect.name()));
                let names: Vec<String> = found
                    .names
                    .iter()
                    .map(|n| {
                        if *n == found.current {
                            format!("{n} (this one)")
                        } else {
                            n.clone()
                        }
                    })
                    .collect();
                self.message = Some(Message {
                    text: format!("{noun}s: {}; :schema NAME opens one", names.join(", ")),
                    error: false,
                });
            }
            Ok(outcome) => {
                let Some(catalog) = self.catalog.clone() else {
                    return;
                };
                let ctx = self.ctx(&catalog);
                let effects = match self.history.current_mut() {
                    Some(view) => view.loaded(slot, outcome, &ctx),
                    None => Vec::new(),
                };
                self.apply(effects, &catalog);
            }
            Err(message) => {
                self.after_switch = None;
                if self.catalog.is_none() {
                    self.connect_error = Some(message.clone());
                }
                // A `:schema` answer is the app's: the screen stays as it was.
                if let Some(view) = self.history.current_mut().filter(|_| slot != Slot::Schemas) {
                    view.failed(slot, &message);
                }
                self.message = Some(Message {
                    text: message,
                    error: true,
                });
            }
        }
    }
}

/// Opens the row of `table` (in the schema just opened) whose `column` holds `value`,
/// reached through the foreign key column `via`.
fn follow_across(
    catalog: &Catalog,
    table: &str,
    column: &str,
    value: aksara::Value,
    via: &str,
) -> Effect {
    let Some(entry) = catalog.tables.iter().find(|t| t.table == table) else {
        return Effect::Error(format!("no table {table} in this schema"));
    };
    let Some(info) = catalog.info(&entry.model) else {
        return Effect::Error(format!("no table {table} in this schema"));
    };
    let path = crate::catalog::path_of_column(info, column);
    let view = crate::screens::DetailView::follow(
        catalog,
        &entry.model,
        vec![aksara::Condition::new(path, value)],
        via,
    );
    Effect::Open(Box::new(View::Detail(view)))
}

/// The name of `:schema NAME` (empty for a bare `:schema`), None for anything else (no SQL
/// statement starts with the word `schema`).
fn schema_command(text: &str) -> Option<&str> {
    let text = text.trim();
    let word = text.get(..6)?;
    let rest = text.get(6..)?;
    (word.eq_ignore_ascii_case("schema")
        && (rest.is_empty() || rest.starts_with(char::is_whitespace)))
    .then(|| rest.trim())
}

/// The text of `:find TEXT` (empty for a bare `:find`), None for other input (no SQL
/// statement starts with the word `find`). The text is kept as typed, spaces inside it too.
fn find_command(text: &str) -> Option<&str> {
    let trimmed = text.trim_start();
    let word = trimmed.get(..4)?;
    let rest = trimmed.get(4..)?;
    (word.eq_ignore_ascii_case("find") && (rest.is_empty() || rest.starts_with(' '))).then(|| {
        rest.strip_prefix(' ')
            .unwrap_or(rest)
            .trim_end_matches(['\n', '\r'])
    })
}

/// True for `:key VALUE` (no SQL statement starts with the word `key`).
fn is_key_jump(text: &str) -> bool {
    let text = text.trim();
    match (text.get(..3), text.get(3..)) {
        (Some(word), Some(rest)) => {
            word.eq_ignore_ascii_case("key")
                && rest.starts_with(char::is_whitespace)
                && !rest.trim().is_empty()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::Count;
    use crate::worker::{Command, Probe};
    use aksara::{Record, Value};
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;
    use ratatui::Terminal;

    fn demo_catalog() -> Arc<Catalog> {
        Arc::new(Catalog::from_registry(
            aksara::demo::registry(),
            &aksara::sqlite::SqliteDialect,
            "test".into(),
        ))
    }

    fn user(catalog: &Catalog, n: u128, name: &str) -> Record {
        let info = catalog.info("User").unwrap();
        Record::from_row(
            &catalog.registry,
            info,
            vec![
                Value::Uuid(uuid_of(n)),
                Value::from(format!("{}@example.com", name.to_lowercase())),
                Value::from(name),
            ],
        )
        .unwrap()
    }

    fn uuid_of(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    /// The generations of the requests sent since the last call, with a short name of each.
    fn requests(probe: &mut Probe) -> Vec<(u64, &'static str)> {
        probe
            .sent()
            .into_iter()
            .filter_map(|c| match c {
                Command::Run { generation, job } => Some((
                    generation,
                    match job {
                        Job::Connect => "connect",
                        Job::Schemas { .. } => "schemas",
                        Job::Counts { .. } => "counts",
                        Job::Page { .. } => "page",
                        Job::Total { .. } => "total",
                        Job::Detail(_) => "detail",
                        Job::Sql { .. } => "sql",
                        Job::Find { .. } => "find",
                        Job::Edit { .. } => "edit",
                        Job::Export { .. } => "export",
                        Job::Schema { .. } => "schema",
                    },
                )),
                _ => None,
            })
            .collect()
    }

    fn page(generation: u64, rows: Vec<Record>) -> Action {
        Action::Loaded(Loaded {
            generation,
            result: Ok(Outcome::Page {
                placement: crate::jobs::Placement::Replace,
                exhausted: true,
                rows,
                first_index: Some(0),
                labels: Default::default(),
            }),
        })
    }

    #[test]
    fn a_search_reports_progress_and_its_answer_still_arrives() {
        let (worker, mut probe) = Worker::detached();
        let mut app = App::new(worker, Settings { page_size: 50 });
        let catalog = demo_catalog();
        app.update(Action::Loaded(Loaded {
            generation: 1,
            result: Ok(Outcome::Connected(catalog.clone())),
        }));
        requests(&mut probe);
        app.update(Action::StartSql);
        for ch in "find jane".chars() {
            app.update(Action::Input { ch });
        }
        app.update(Action::Submit);
        assert_eq!(requests(&mut probe), vec![(3, "find")]);
        let counts = |looked_at| crate::find::Found {
            text: "jane".into(),
            looked_at,
            tables: 6,
            ..Default::default()
        };
        app.update(Action::Loaded(Loaded {
            generation: 3,
            result: Ok(Outcome::FindProgress(Box::new(counts(2)))),
        }));
        let find = |app: &App| match app.view() {
            Some(View::Find(v)) => v.summary(),
            other => panic!("not the search: {other:?}"),
        };
        assert!(find(&app).contains("2 of 6 tables"), "{}", find(&app));
        assert!(app.busy(), "the search goes on");
        app.update(Action::Loaded(Loaded {
            generation: 3,
            result: Ok(Outcome::Found(Box::new(counts(6)))),
        }));
        assert!(
            find(&app).starts_with("0 rows with \"jane\""),
            "{}",
            find(&app)
        );
        assert!(!app.busy());
    }

    /// An app connected to the demo's catalog, its users grid open.
    fn users_grid() -> (App, Probe, Arc<Catalog>) {
        let (worker, mut probe) = Worker::detached();
        let mut app = App::new(worker, Settings { page_size: 50 });
        assert_eq!(requests(&mut probe), vec![(1, "connect")]);
        let catalog = demo_catalog();
        app.update(Action::Loaded(Loaded {
            generation: 1,
            result: Ok(Outcome::Connected(catalog.clone())),
        }));
        assert_eq!(requests(&mut probe), vec![(2, "counts")]);
        app.update(Action::StartFilter);
        for ch in "users".chars() {
            app.update(Action::Input { ch });
        }
        app.update(Action::Submit);
        app.update(Action::Open);
        assert_eq!(app.breadcrumb(), vec!["users"]);
        assert_eq!(requests(&mut probe), vec![(3, "page"), (4, "total")]);
        (app, probe, catalog)
    }

    fn grid(app: &App) -> &crate::screens::GridView {
        match app.view() {
            Some(View::Grid(g)) => g,
            other => panic!("not a grid: {other:?}"),
        }
    }

    #[test]
    fn the_newest_request_wins_and_stale_answers_are_dropped() {
        let (mut app, mut probe, catalog) = users_grid();
        // Sorting asks for the rows again before the first answer came.
        app.update(Action::MoveColumns { by: 2 });
        app.update(Action::Sort);
        assert_eq!(requests(&mut probe), vec![(5, "page"), (6, "total")]);
        // The answer to the first request arrives late: dropped.
        app.update(page(3, vec![user(&catalog, 1, "Stale")]));
        assert!(grid(&app).window().is_empty());
        // The newest one is shown.
        app.update(page(
            5,
            vec![user(&catalog, 2, "Ann"), user(&catalog, 3, "Bob")],
        ));
        assert_eq!(grid(&app).window().len(), 2);
        assert_eq!(grid(&app).total(), Some(Count::Exact(2)));
        assert!(app.pending().contains_key(&Slot::Total));
        // A total for a screen that was left is dropped too.
        app.update(Action::Back);
        app.update(Action::Loaded(Loaded {
            generation: 6,
            result: Ok(Outcome::Total(Count::Exact(99))),
        }));
        assert!(!app.busy());
        app.update(Action::Forward);
        assert_eq!(grid(&app).total(), Some(Count::Exact(2)));
        // Going forward again keeps the loaded rows: no new request.
        assert!(requests(&mut probe).is_empty());
    }

    fn partial_page(generation: u64, rows: Vec<Record>) -> Action {
        Action::Loaded(Loaded {
            generation,
            result: Ok(Outcome::Page {
                placement: crate::jobs::Placement::Replace,
                exhausted: false,
                rows,
                first_index: None,
                labels: Default::default(),
            }),
        })
    }

    /// The generation of the one grid-replacing request sent since the last call (a read of
    /// the next page may go with it).
    fn jump(probe: &mut Probe) -> u64 {
        let jumps: Vec<u64> = probe
            .sent()
            .into_iter()
            .filter_map(|c| match c {
                Command::Run {
                    generation,
                    job:
                        Job::Page {
                            placement: crate::jobs::Placement::Replace,
                            ..
                        },
                } => Some(generation),
                _ => None,
            })
            .collect();
        assert_eq!(jumps.len(), 1, "one jump request: {jumps:?}");
        jumps[0]
    }

    #[test]
    fn the_newest_of_quick_home_and_end_keys_wins() {
        let (mut app, mut probe, catalog) = users_grid();
        let first = || vec![user(&catalog, 1, "Ann"), user(&catalog, 2, "Bob")];
        let last = || vec![user(&catalog, 98, "Yan"), user(&catalog, 99, "Zoe")];
        let shown = |app: &App| {
            grid(app)
                .window()
                .rows()
                .iter()
                .map(|r| r.key().cloned())
                .collect::<Vec<_>>()
        };
        app.update(partial_page(3, first()));
        let first_keys = shown(&app);
        probe.sent();
        app.update(Action::Bottom);
        let g = jump(&mut probe);
        app.update(partial_page(g, last()));
        let last_keys = shown(&app);
        assert_ne!(first_keys, last_keys);

        // At the end: Home, End, Home, End, Home before any answer arrives.
        let mut sent = Vec::new();
        for key in [
            Action::Top,
            Action::Bottom,
            Action::Top,
            Action::Bottom,
            Action::Top,
        ] {
            app.update(key);
            sent.push(jump(&mut probe));
        }
        // Answers arrive in any order; only the last key's counts.
        for &g in [sent[1], sent[0], sent[3], sent[2]].iter() {
            app.update(partial_page(g, last()));
            assert_eq!(shown(&app), last_keys, "generation {g} is stale");
        }
        app.update(partial_page(sent[4], first()));
        assert_eq!(shown(&app), first_keys, "Home was the last key");
        assert_eq!(grid(&app).cursor(), 0);

        // Home then End while the first answer is still out: End is honoured.
        probe.sent();
        app.update(Action::Bottom);
        jump(&mut probe);
        app.update(Action::Top);
        jump(&mut probe);
        app.update(Action::Bottom);
        let g = jump(&mut probe);
        app.update(partial_page(g, last()));
        assert_eq!(shown(&app), last_keys, "End was the last key");
    }

    #[test]
    fn an_answer_is_seen_as_soon_as_it_arrives() {
        let (mut app, probe, catalog) = users_grid();
        assert!(!app.has_answer());
        probe
            .results
            .send(Loaded {
                generation: 3,
                result: Ok(Outcome::Page {
                    placement: crate::jobs::Placement::Replace,
                    exhausted: true,
                    rows: vec![user(&catalog, 1, "Ann")],
                    first_index: Some(0),
                    labels: Default::default(),
                }),
            })
            .unwrap();
        // Looking does not take it away from the next drain, which applies it.
        assert!(app.has_answer());
        assert!(app.has_answer());
        assert!(app.drain());
        assert!(!app.has_answer());
        assert!(!app.drain());
        assert_eq!(grid(&app).window().len(), 1);
    }

    #[test]
    fn ctrl_c_cancels_the_worker_and_forgets_the_requests() {
        let (mut app, mut probe, catalog) = users_grid();
        assert!(app.busy());
        app.update(Action::Cancel);
        assert!(!app.busy());
        assert!(probe.sent().iter().any(|c| matches!(c, Command::Cancel)));
        assert_eq!(app.message().unwrap().text, "cancelled");
        app.update(page(3, vec![user(&catalog, 1, "Late")]));
        assert!(
            grid(&app).window().is_empty(),
            "a cancelled answer is dropped"
        );
        // r reads again.
        app.update(Action::Reload);
        assert_eq!(requests(&mut probe), vec![(5, "page"), (6, "total")]);
        // With nothing running, Ctrl-C says so and does not quit.
        app.update(page(5, vec![]));
        app.update(Action::Loaded(Loaded {
            generation: 6,
            result: Ok(Outcome::Total(Count::Exact(0))),
        }));
        app.update(Action::Cancel);
        assert!(app.message().unwrap().text.contains("nothing is running"));
        assert!(!app.should_quit());
    }

    #[test]
    fn errors_show_and_keep_the_app_alive() {
        let (mut app, _probe, _catalog) = users_grid();
        app.update(Action::Loaded(Loaded {
            generation: 3,
            result: Err("database connection error: gone (the next action connects again)".into()),
        }));
        let message = app.message().unwrap();
        assert!(message.error && message.text.contains("gone"));
        assert!(matches!(
            grid(&app).status(),
            crate::screens::Status::Failed(_)
        ));
    }

    #[test]
    fn the_selected_row_is_highlighted_in_the_buffer() {
        let (mut app, _probe, catalog) = users_grid();
        app.update(page(
            3,
            vec![user(&catalog, 1, "Ann"), user(&catalog, 2, "Bob")],
        ));
        app.update(Action::MoveRows { by: 1 });
        let mut terminal = Terminal::new(TestBackend::new(80, 12)).unwrap();
        terminal.draw(|f| crate::render::draw(&mut app, f)).unwrap();
        let buffer = terminal.backend().buffer();
        // Row 0: title bar; 1: header; 2: Ann; 3: Bob (selected).
        let line = |y: u16| -> String {
            (0..80)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        };
        assert!(line(0).starts_with(" aksara ▸ users"));
        assert!(line(2).contains("Ann") && line(3).contains("Bob"));
        assert_eq!(buffer[(0, 3)].bg, Color::DarkGray);
        assert_eq!(buffer[(0, 2)].bg, Color::Reset);
        // The title bar is coloured, the hint bar is on the last line.
        assert_eq!(buffer[(0, 0)].bg, Color::Blue);
        assert!(line(11).contains("Enter row"));
    }

    #[test]
    fn the_window_stays_bounded_while_paging() {
        let catalog = demo_catalog();
        let mut window = crate::paging::Window::new(4);
        let rows = |from: u128| {
            (from..from + 2)
                .map(|n| user(&catalog, n, "U"))
                .collect::<Vec<_>>()
        };
        window.replace(rows(0), true, false, Some(0));
        assert_eq!(window.append(rows(2), false), 0);
        assert_eq!(window.append(rows(4), false), 2);
        assert_eq!(window.len(), 4);
        assert!(!window.at_start);
        assert_eq!(window.first_index, Some(2));
        assert_eq!(window.prepend(rows(0), true), 2);
        assert_eq!(window.len(), 4);
        assert!(window.at_start && !window.at_end);
        assert_eq!(window.first_index, Some(0));
        assert_eq!(window.get(0).unwrap().key(), Some(&Value::Uuid(uuid_of(0))));
    }
}
