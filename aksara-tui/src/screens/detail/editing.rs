//! The record view's edits (`e`, only with `--write`, see [`crate::edit`]): the prompt, the
//! confirm screen showing the `UPDATE` with its binds, and the answer.

use super::{DetailRow, DetailView};
use crate::action::Action;
use crate::edit::{initial_input, parse_input, shown_bind, EditState, PendingEdit};
use crate::jobs::Outcome;
use crate::screens::{Ctx, Effect, PromptKind, Slot};
use crate::theme;
use aksara::{Condition, Value};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// What `e` says without `--write`.
pub const READ_ONLY: &str =
    "the explorer is read-only: start it with --write to edit values (each edit is confirmed)";

impl DetailView {
    /// The edit waiting for its confirm or being written, if any.
    pub fn edit(&self) -> Option<&PendingEdit> {
        self.edit.as_ref()
    }

    /// Drops the edit shown (Esc); true when there was one.
    pub(crate) fn drop_edit(&mut self) -> bool {
        match &self.edit {
            Some(e) if e.state != EditState::Writing => {
                self.edit = None;
                true
            }
            _ => false,
        }
    }

    /// True while an edit is shown: it takes the keys.
    pub(crate) fn editing(&self) -> bool {
        self.edit.is_some()
    }

    /// `e`: the prompt for the current field's new value.
    pub(crate) fn start_edit(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if !ctx.writable {
            return vec![Effect::Info(READ_ONLY.into())];
        }
        let Some(info) = ctx.catalog.info(&self.model) else {
            return Vec::new();
        };
        let (Some(DetailRow::Field(i)), Some(record)) = (self.rows.get(self.cursor), self.record())
        else {
            return vec![Effect::Info("e edits a field's value: move to one".into())];
        };
        let Some(field) = self.field(info, *i) else {
            return Vec::new();
        };
        if self.key.is_empty() {
            return vec![Effect::Info(format!(
                "{} has no key, so a row cannot be told apart to edit it",
                self.table
            ))];
        }
        let value = record.get(&field.name).cloned().unwrap_or(Value::Null);
        vec![Effect::Prompt {
            kind: PromptKind::EditValue,
            label: format!("{} (\\N for NULL)", field.column),
            initial: initial_input(&value),
        }]
    }

    /// The prompt was submitted: the edit is shown for its confirm.
    pub(crate) fn edit_typed(&mut self, text: &str, ctx: &Ctx) -> Vec<Effect> {
        let Some(info) = ctx.catalog.info(&self.model) else {
            return Vec::new();
        };
        let (Some(DetailRow::Field(i)), Some(record)) = (self.rows.get(self.cursor), self.record())
        else {
            return Vec::new();
        };
        let Some(field) = self.field(info, *i) else {
            return Vec::new();
        };
        let Some(values) = crate::catalog::key_values(&self.key, record) else {
            return vec![Effect::Error("the row's key is not known".into())];
        };
        let key_columns = self.key.iter().map(|path| {
            crate::catalog::field_of_path(info, path)
                .map(|f| f.column.clone())
                .unwrap_or_else(|| path.clone())
        });
        self.edit = Some(PendingEdit {
            model: self.model.clone(),
            table: self.table.clone(),
            field: field.name.clone(),
            column: field.column.clone(),
            old: record.get(&field.name).cloned().unwrap_or(Value::Null),
            new: parse_input(text),
            key: key_columns.zip(values.iter().cloned()).collect(),
            conditions: self
                .key
                .iter()
                .zip(values)
                .map(|(k, v)| Condition::new(k.clone(), v))
                .collect(),
            state: EditState::Confirm,
        });
        Vec::new()
    }

    /// A key while an edit is shown: Enter writes it; the others wait (Esc is the app's).
    pub(crate) fn edit_key(&mut self, action: &Action) -> Vec<Effect> {
        let Some(edit) = self.edit.as_mut() else {
            return Vec::new();
        };
        match (action, &edit.state) {
            (Action::Open, EditState::Confirm | EditState::Failed(_)) => {
                edit.state = EditState::Writing;
                vec![Effect::Load {
                    slot: Slot::Main,
                    job: edit.job(),
                }]
            }
            (_, EditState::Writing) => vec![Effect::Info("writing…".into())],
            _ => vec![Effect::Info("Enter writes the change, Esc drops it".into())],
        }
    }

    /// The edit's answer: the row as read back, shown at once.
    pub(crate) fn edit_loaded(&mut self, outcome: Outcome, ctx: &Ctx) -> Vec<Effect> {
        let Outcome::Edited(record) = outcome else {
            return Vec::new();
        };
        let said = match self.edit.take() {
            Some(e) => format!(
                "{}.{} of the row is now {} (1 row changed)",
                e.table,
                e.column,
                shown_bind(&e.new)
            ),
            None => "written".into(),
        };
        self.record = Some(*record);
        self.data = None;
        let mut effects = self.reload(ctx);
        effects.push(Effect::Info(said));
        effects
    }

    /// The edit failed: it is shown with the error, and nothing was written.
    pub(crate) fn edit_failed(&mut self, message: &str) -> bool {
        match self.edit.as_mut() {
            Some(e) if e.state == EditState::Writing => {
                e.state = EditState::Failed(message.to_string());
                true
            }
            _ => false,
        }
    }

    /// Draws the confirm screen.
    pub(crate) fn draw_edit(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let Some(edit) = &self.edit else {
            return;
        };
        let dialect = ctx.catalog.dialect;
        let mut lines = vec![
            Line::styled(
                format!("Edit {} · {}", edit.table, edit.column),
                theme::header(),
            ),
            Line::default(),
            Line::from(vec![
                Span::styled("  now  ", theme::dim()),
                Span::raw(shown_bind(&edit.old)),
            ]),
            Line::from(vec![
                Span::styled("  new  ", theme::dim()),
                Span::raw(shown_bind(&edit.new)),
            ]),
            Line::default(),
            Line::styled("The statement, in one transaction:", theme::dim()),
            Line::styled(format!("  {}", edit.sql(dialect)), theme::key()),
        ];
        for (n, bind) in edit.binds().iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {}. {} ", n + 1, dialect.placeholder(n + 1)),
                    theme::dim(),
                ),
                Span::raw(format!("= {bind}")),
            ]));
        }
        lines.push(Line::default());
        lines.push(match &edit.state {
            EditState::Confirm => Line::styled(
                "Enter writes it · Esc drops it (nothing is written until Enter)",
                theme::info(),
            ),
            EditState::Writing => Line::styled("Writing…", theme::dim()),
            EditState::Failed(m) => Line::styled(
                format!("Refused, nothing was written: {m} (Enter tries again, Esc drops it)"),
                theme::error(),
            ),
        });
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}
