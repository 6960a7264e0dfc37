//! The one key table: every key binding with the action it gives, where it applies, its row
//! on the help screen and its entries in the hint line.
//!
//! The [`crate::keymap`] turns key events into actions by reading [`BINDINGS`], the help
//! screen ([`crate::screens::help`]) lists the rows of [`help_rows`], and the hint line
//! ([`crate::render`]) shows [`hints`] for the place the explorer is in.
//!
//! Control chords that terminals cannot tell from other keys are left out on purpose:
//! `Ctrl-H` is Backspace, `Ctrl-I` Tab, `Ctrl-J` and `Ctrl-M` Enter, and `Ctrl-Enter` arrives
//! as Enter or not at all depending on the terminal, so none of them does anything.

use crate::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the keyboard is talking to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The current screen.
    Screen,
    /// A text prompt (filter, find).
    Prompt,
    /// The help overlay.
    Help,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Whatever has the focus (`Ctrl-C`); such a key also drops a half-typed `gg`.
    Everywhere,
    /// Only while the keyboard talks to this.
    Only(Focus),
}

impl Scope {
    fn covers(self, focus: Focus) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Only(f) => f == focus,
        }
    }
}

/// Which of Ctrl and Alt a chord wants (Shift never matters: it is part of the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifiers {
    /// Neither Ctrl nor Alt.
    Plain,
    /// Ctrl, with or without Alt.
    Ctrl,
    /// Alt without Ctrl.
    Alt,
    /// Anything but Ctrl (Alt or not).
    NoCtrl,
    /// Any modifiers.
    Any,
}

impl Modifiers {
    fn accept(self, ctrl: bool, alt: bool) -> bool {
        match self {
            Modifiers::Plain => !ctrl && !alt,
            Modifiers::Ctrl => ctrl,
            Modifiers::Alt => alt && !ctrl,
            Modifiers::NoCtrl => !ctrl,
            Modifiers::Any => true,
        }
    }
}

/// The key of a chord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// One key.
    Code(KeyCode),
    /// The same character pressed twice in a row (`gg`).
    Twice(char),
    /// Any character (typed into a prompt).
    AnyChar,
}

/// A key with the modifiers it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    /// The key.
    pub key: Key,
    /// The modifiers.
    pub modifiers: Modifiers,
}

/// A chord and the action it gives (made from the character pressed, for typed text).
pub type Press = (Chord, fn(char) -> Action);

/// Where the explorer is, for the hint line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A query is running (its hints come before the others).
    Busy,
    /// A prompt is open.
    Prompt,
    /// The help is open.
    Help,
    /// The list of tables.
    Tables,
    /// A table's rows.
    Grid,
    /// A record's details.
    Detail,
    /// An SQL query's result.
    Sql,
    /// The rows a search across tables found.
    Find,
    /// An edit shown for its confirm.
    Edit,
    /// A value enlarged in the detail screen.
    Zoomed,
    /// A table's schema.
    Schema,
    /// A table's relations, drawn.
    Diagram,
    /// Nothing could be shown (the database did not answer).
    Nothing,
}

/// An entry of the hint line: where it shows, the keys as shown, what they do in a word.
pub type Hint = (Place, &'static str, &'static str);

/// One row of the key table.
#[derive(Debug)]
pub struct Binding {
    /// Where the keys apply.
    pub scope: Scope,
    /// The keys and what each does.
    pub presses: &'static [Press],
    /// The row on the help screen: the keys as shown and what they do; `None` for keys the
    /// help does not list (those of the prompt and of the help itself, and second spellings
    /// such as `Alt-←`).
    pub help: Option<(&'static str, &'static str)>,
    /// The entries in the hint line.
    pub hints: &'static [Hint],
    /// Where this row's hints go in the hint line: lower first, the table's order among
    /// equals.
    pub hint_rank: u8,
}

const fn chord(code: KeyCode, modifiers: Modifiers) -> Chord {
    Chord {
        key: Key::Code(code),
        modifiers,
    }
}

const fn plain(code: KeyCode) -> Chord {
    chord(code, Modifiers::Plain)
}

const fn ch(c: char) -> Chord {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Chord {
    chord(KeyCode::Char(c), Modifiers::Ctrl)
}

const fn alt(code: KeyCode) -> Chord {
    chord(code, Modifiers::Alt)
}

const fn no_ctrl(code: KeyCode) -> Chord {
    chord(code, Modifiers::NoCtrl)
}

const SCREEN: Scope = Scope::Only(Focus::Screen);
const PROMPT: Scope = Scope::Only(Focus::Prompt);
const HELP: Scope = Scope::Only(Focus::Help);

/// Every key binding, in the order of the help screen.
pub const BINDINGS: &[Binding] = &[
    Binding {
        scope: SCREEN,
        presses: &[
            (ch('j'), |_| Action::MoveRows { by: 1 }),
            (ch('k'), |_| Action::MoveRows { by: -1 }),
            (plain(KeyCode::Down), |_| Action::MoveRows { by: 1 }),
            (plain(KeyCode::Up), |_| Action::MoveRows { by: -1 }),
        ],
        help: Some(("j k ↓ ↑", "move down / up")),
        hints: &[
            (Place::Tables, "↑↓", "move"),
            (Place::Grid, "↑↓←→", "move"),
            (Place::Sql, "↑↓←→", "move"),
            (Place::Find, "↑↓", "move"),
            (Place::Detail, "↑↓", "move"),
            (Place::Zoomed, "↑↓ PgUp PgDn", "scroll"),
            (Place::Schema, "↑↓ PgUp PgDn", "scroll"),
            (Place::Diagram, "↑↓", "pick"),
        ],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ch('h'), |_| Action::MoveColumns { by: -1 }),
            (ch('l'), |_| Action::MoveColumns { by: 1 }),
            (plain(KeyCode::Left), |_| Action::MoveColumns { by: -1 }),
            (plain(KeyCode::Right), |_| Action::MoveColumns { by: 1 }),
        ],
        help: Some(("h l ← →", "move to the previous / next column")),
        hints: &[],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (
                Chord {
                    key: Key::Twice('g'),
                    modifiers: Modifiers::Plain,
                },
                |_| Action::Top,
            ),
            (ch('G'), |_| Action::Bottom),
            (plain(KeyCode::Home), |_| Action::Top),
            (plain(KeyCode::End), |_| Action::Bottom),
        ],
        help: Some(("gg G Home End", "first / last row")),
        hints: &[],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ctrl('d'), |_| Action::HalfPage { down: true }),
            (ctrl('u'), |_| Action::HalfPage { down: false }),
        ],
        help: Some(("Ctrl-d Ctrl-u", "half a screen down / up")),
        hints: &[],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (plain(KeyCode::PageDown), |_| Action::FullPage {
                down: true,
            }),
            (plain(KeyCode::PageUp), |_| Action::FullPage { down: false }),
        ],
        help: Some(("PgDn PgUp", "a screen down / up")),
        hints: &[],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[(plain(KeyCode::Enter), |_| Action::Open)],
        help: Some((
            "Enter",
            "open a table, row, relation; enlarge a value (j/k scroll)",
        )),
        hints: &[
            (Place::Tables, "Enter", "open"),
            (Place::Grid, "Enter", "row"),
            (Place::Sql, "Enter", "follow"),
            (Place::Find, "Enter", "open row"),
            (Place::Edit, "Enter", "write it"),
            (Place::Detail, "Enter", "follow"),
            (Place::Zoomed, "Enter", "shrink"),
            (Place::Diagram, "Enter", "go there"),
        ],
        hint_rank: 1,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (plain(KeyCode::Backspace), |_| Action::Back),
            (plain(KeyCode::Esc), |_| Action::Back),
        ],
        help: Some(("Backspace Esc", "back (never quits)")),
        hints: &[
            (Place::Grid, "Esc", "back"),
            (Place::Sql, "Esc", "back"),
            (Place::Find, "Esc", "back"),
            (Place::Edit, "Esc", "drop it"),
            (Place::Detail, "Esc", "back"),
            (Place::Zoomed, "Esc", "back"),
            (Place::Schema, "Esc", "back"),
            (Place::Diagram, "Esc", "back"),
        ],
        hint_rank: 5,
    },
    Binding {
        scope: SCREEN,
        // Esc pressed twice quickly can reach us as Alt-Esc.
        presses: &[
            (alt(KeyCode::Left), |_| Action::Back),
            (alt(KeyCode::Esc), |_| Action::Back),
        ],
        help: None,
        hints: &[],
        hint_rank: 5,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ch(']'), |_| Action::Forward),
            (alt(KeyCode::Right), |_| Action::Forward),
        ],
        help: Some(("] Alt-→", "forward again")),
        hints: &[
            (Place::Grid, "]", "forward"),
            (Place::Detail, "]", "forward"),
        ],
        hint_rank: 6,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('/'), |_| Action::StartFilter)],
        help: Some(("/", "filter the column, find a table or a field")),
        hints: &[
            (Place::Tables, "/", "find"),
            (Place::Grid, "/", "filter"),
            (Place::Detail, "/", "find field"),
        ],
        hint_rank: 2,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch(':'), |_| Action::StartSql)],
        help: Some((
            ":",
            "run SQL, read only (↑ ↓ recall); :key 42 jumps to a row",
        )),
        hints: &[
            (Place::Tables, ":", "SQL"),
            (Place::Sql, ":", "new query"),
            (Place::Find, ":", "new search"),
        ],
        hint_rank: 7,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('s'), |_| Action::Sort)],
        help: Some(("s", "sort by the column: ascending, descending, off")),
        hints: &[(Place::Grid, "s", "sort")],
        hint_rank: 3,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('S'), |_| Action::Schema)],
        help: Some(("S", "the table's schema: columns, indexes, relations, DDL")),
        // Not in the table list's and grid's hint lines, which are full: in the help.
        hints: &[(Place::Diagram, "S", "schema")],
        hint_rank: 6,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('D'), |_| Action::Diagram)],
        help: Some(("D", "draw the table's relations, one hop away")),
        hints: &[(Place::Schema, "D", "relations")],
        hint_rank: 6,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ch('-'), |_| Action::HideColumn),
            (ch('+'), |_| Action::ShowColumns),
        ],
        help: Some(("- +", "hide the column / show every column again")),
        hints: &[],
        hint_rank: 6,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ch('<'), |_| Action::ResizeColumn {
                by: -crate::screens::grid::RESIZE_STEP,
            }),
            (ch('>'), |_| Action::ResizeColumn {
                by: crate::screens::grid::RESIZE_STEP,
            }),
        ],
        help: Some(("< >", "narrow / widen the column")),
        hints: &[],
        hint_rank: 6,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('y'), |_| Action::Copy)],
        help: Some(("y", "copy the value (OSC 52)")),
        hints: &[
            (Place::Grid, "y", "copy"),
            (Place::Sql, "y", "copy"),
            (Place::Detail, "y", "copy"),
            (Place::Zoomed, "y", "copy"),
            (Place::Schema, "y", "copy DDL"),
        ],
        hint_rank: 4,
    },
    Binding {
        scope: SCREEN,
        presses: &[
            (ch('Y'), |_| Action::CopyRow { json: false }),
            (ch('J'), |_| Action::CopyRow { json: true }),
        ],
        help: Some(("Y J", "copy the row as tab-separated values / as JSON")),
        hints: &[],
        hint_rank: 4,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('e'), |_| Action::Edit)],
        help: Some((
            "e",
            "edit the value (--write): shows the UPDATE, Enter runs it",
        )),
        hints: &[],
        hint_rank: 8,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('E'), |_| Action::Export)],
        help: Some((
            "E",
            "export the rows, filtered and sorted, to .csv or .json",
        )),
        hints: &[(Place::Grid, "E", "export")],
        hint_rank: 8,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('r'), |_| Action::Reload)],
        help: Some(("r", "read the screen again")),
        hints: &[
            (Place::Tables, "r", "reload"),
            (Place::Nothing, "r", "retry"),
        ],
        hint_rank: 7,
    },
    Binding {
        scope: Scope::Everywhere,
        presses: &[(ctrl('c'), |_| Action::Cancel)],
        help: Some(("Ctrl-C", "cancel the running query")),
        hints: &[(Place::Busy, "Ctrl-C", "cancel")],
        hint_rank: 0,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('?'), |_| Action::ToggleHelp)],
        help: Some(("?", "this help")),
        hints: &[
            (Place::Tables, "?", "help"),
            (Place::Grid, "?", "help"),
            (Place::Sql, "?", "help"),
            (Place::Find, "?", "help"),
            (Place::Edit, "?", "help"),
            (Place::Detail, "?", "help"),
            (Place::Zoomed, "?", "help"),
            (Place::Schema, "?", "help"),
            (Place::Diagram, "?", "help"),
        ],
        hint_rank: 8,
    },
    Binding {
        scope: SCREEN,
        presses: &[(ch('q'), |_| Action::Quit)],
        help: Some(("q", "quit")),
        hints: &[
            (Place::Tables, "q", "quit"),
            (Place::Grid, "q", "quit"),
            (Place::Sql, "q", "quit"),
            (Place::Find, "q", "quit"),
            (Place::Edit, "q", "quit"),
            (Place::Detail, "q", "quit"),
            (Place::Zoomed, "q", "quit"),
            (Place::Schema, "q", "quit"),
            (Place::Diagram, "q", "quit"),
            (Place::Nothing, "q", "quit"),
        ],
        hint_rank: 9,
    },
    Binding {
        scope: PROMPT,
        presses: &[
            (plain(KeyCode::Enter), |_| Action::Submit),
            (chord(KeyCode::Esc, Modifiers::Any), |_| Action::Dismiss),
            (no_ctrl(KeyCode::Backspace), |_| Action::Erase),
            (plain(KeyCode::Up), |_| Action::HistoryOlder),
            (plain(KeyCode::Down), |_| Action::HistoryNewer),
            (
                Chord {
                    key: Key::AnyChar,
                    modifiers: Modifiers::Plain,
                },
                |ch| Action::Input { ch },
            ),
        ],
        help: None,
        hints: &[
            (Place::Prompt, "Enter", "apply"),
            (Place::Prompt, "Esc", "cancel"),
        ],
        hint_rank: 0,
    },
    Binding {
        scope: HELP,
        presses: &[
            (no_ctrl(KeyCode::Esc), |_| Action::ToggleHelp),
            (no_ctrl(KeyCode::Backspace), |_| Action::ToggleHelp),
            (no_ctrl(KeyCode::Char('?')), |_| Action::ToggleHelp),
        ],
        help: None,
        hints: &[(Place::Help, "? Esc", "close help")],
        hint_rank: 8,
    },
    Binding {
        scope: HELP,
        presses: &[
            (ch('j'), |_| Action::MoveRows { by: 1 }),
            (ch('k'), |_| Action::MoveRows { by: -1 }),
            (plain(KeyCode::Down), |_| Action::MoveRows { by: 1 }),
            (plain(KeyCode::Up), |_| Action::MoveRows { by: -1 }),
            (plain(KeyCode::PageDown), |_| Action::FullPage {
                down: true,
            }),
            (plain(KeyCode::PageUp), |_| Action::FullPage { down: false }),
        ],
        help: None,
        hints: &[(Place::Help, "↑↓", "scroll")],
        hint_rank: 0,
    },
    Binding {
        scope: HELP,
        presses: &[(ch('q'), |_| Action::Quit)],
        help: None,
        hints: &[(Place::Help, "q", "quit")],
        hint_rank: 9,
    },
];

/// The rows of the help screen: the keys as shown and what they do.
pub fn help_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    BINDINGS.iter().filter_map(|b| b.help)
}

/// The hint line's entries for `place`, as (keys, word), in hint order.
pub fn hints(place: Place) -> Vec<(&'static str, &'static str)> {
    let mut found: Vec<(u8, &'static str, &'static str)> = BINDINGS
        .iter()
        .flat_map(|b| {
            b.hints
                .iter()
                .filter(move |(p, _, _)| *p == place)
                .map(move |(_, keys, word)| (b.hint_rank, *keys, *word))
        })
        .collect();
    found.sort_by_key(|(rank, _, _)| *rank);
    found
        .into_iter()
        .map(|(_, keys, word)| (keys, word))
        .collect()
}

/// What a key event is, as the table matches it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pressed {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl From<KeyEvent> for Pressed {
    fn from(key: KeyEvent) -> Self {
        Pressed {
            code: key.code,
            ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
            alt: key.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

/// What the table says of one key event.
pub(crate) enum Lookup {
    /// The key gives this action; `everywhere` when its binding applies in every focus.
    Action {
        /// The action.
        action: Action,
        /// True for a binding of [`Scope::Everywhere`].
        everywhere: bool,
    },
    /// The key is the first of a doubled key (`g` of `gg`).
    FirstOfTwice(char),
    /// The key does nothing here.
    Nothing,
}

/// Looks `key` up among the bindings for `focus`; `pending` is the character pressed just
/// before when it was the first of a doubled key.
/// True when the character `c`, pressed alone, does something on the screens (alone or as
/// the first of a doubled key such as `gg`).
pub fn screen_key(c: char) -> bool {
    let key = Pressed {
        code: KeyCode::Char(c),
        ctrl: false,
        alt: false,
    };
    !matches!(lookup(key, Focus::Screen, None), Lookup::Nothing)
}

pub(crate) fn lookup(key: Pressed, focus: Focus, pending: Option<char>) -> Lookup {
    let mut first_of_twice = None;
    for binding in BINDINGS.iter().filter(|b| b.scope.covers(focus)) {
        for (chord, make) in binding.presses {
            if !chord.modifiers.accept(key.ctrl, key.alt) {
                continue;
            }
            let typed = match key.code {
                KeyCode::Char(c) => Some(c),
                _ => None,
            };
            let hit = match chord.key {
                Key::Code(code) => code == key.code,
                Key::Twice(c) if typed == Some(c) => {
                    if pending == Some(c) {
                        true
                    } else {
                        first_of_twice = Some(c);
                        false
                    }
                }
                Key::Twice(_) => false,
                Key::AnyChar => typed.is_some(),
            };
            if hit {
                return Lookup::Action {
                    action: make(typed.unwrap_or('\0')),
                    everywhere: binding.scope == Scope::Everywhere,
                };
            }
        }
    }
    match first_of_twice {
        Some(c) => Lookup::FirstOfTwice(c),
        None => Lookup::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::KeyMap;

    /// Every key a terminal can send that the explorer might bind, with every modifier mix.
    fn probes() -> Vec<KeyEvent> {
        let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
        codes.extend([
            KeyCode::Esc,
            KeyCode::Backspace,
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Delete,
            KeyCode::Insert,
        ]);
        codes.extend((1..=12).map(KeyCode::F));
        let modifiers = [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        ];
        codes
            .iter()
            .flat_map(|&code| modifiers.map(|m| KeyEvent::new(code, m)))
            .collect()
    }

    /// The key presses a key as the help writes it stands for (`gg` is two).
    fn presses_of(shown: &str) -> Vec<KeyEvent> {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        if let Some(rest) = shown.strip_prefix("Ctrl-") {
            let c = rest.chars().next().expect("a key after Ctrl-");
            return vec![KeyEvent::new(
                KeyCode::Char(c.to_ascii_lowercase()),
                KeyModifiers::CONTROL,
            )];
        }
        if let Some(rest) = shown.strip_prefix("Alt-") {
            let mut press = presses_of(rest);
            press[0].modifiers |= KeyModifiers::ALT;
            return press;
        }
        let code = match shown {
            "↓" => KeyCode::Down,
            "↑" => KeyCode::Up,
            "←" => KeyCode::Left,
            "→" => KeyCode::Right,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PgDn" => KeyCode::PageDown,
            "PgUp" => KeyCode::PageUp,
            "Enter" => KeyCode::Enter,
            "Backspace" => KeyCode::Backspace,
            "Esc" => KeyCode::Esc,
            "gg" => return vec![key(KeyCode::Char('g')), key(KeyCode::Char('g'))],
            one if one.chars().count() == 1 => KeyCode::Char(one.chars().next().unwrap()),
            other => panic!("the help shows a key the test cannot press: {other}"),
        };
        vec![key(code)]
    }

    /// The actions of `binding`'s keys, as their debug text.
    fn actions_of(binding: &Binding) -> Vec<String> {
        binding
            .presses
            .iter()
            .map(|(_, make)| format!("{:?}", make('x')))
            .collect()
    }

    fn helped_actions() -> Vec<String> {
        BINDINGS
            .iter()
            .filter(|b| b.help.is_some())
            .flat_map(actions_of)
            .collect()
    }

    #[test]
    fn every_action_of_the_screen_keys_is_in_the_help() {
        let helped = helped_actions();
        let mut seen = 0;
        for probe in probes() {
            let mut map = KeyMap::default();
            let mut action = map.map(probe, Focus::Screen);
            if action.is_none() {
                // A first press of a doubled key: the second gives the action.
                action = map.map(probe, Focus::Screen);
            }
            if let Some(action) = action {
                seen += 1;
                let action = format!("{action:?}");
                assert!(
                    helped.contains(&action),
                    "{probe:?} gives {action}, which the help does not list"
                );
            }
        }
        assert!(seen > 20, "only {seen} keys do anything");
    }

    #[test]
    fn every_key_in_the_help_does_what_its_row_says() {
        for binding in BINDINGS {
            let Some((shown, what)) = binding.help else {
                continue;
            };
            let row = actions_of(binding);
            for key in shown.split_whitespace() {
                let mut map = KeyMap::default();
                let mut action = None;
                for press in presses_of(key) {
                    action = map.map(press, Focus::Screen);
                }
                let action = action.map(|a| format!("{a:?}"));
                assert!(
                    action.as_ref().is_some_and(|a| row.contains(a)),
                    "the help says `{key}` does “{what}”, but the keymap gives {action:?}"
                );
            }
        }
    }

    #[test]
    fn hints_follow_the_table() {
        assert_eq!(hints(Place::Busy), [("Ctrl-C", "cancel")]);
        assert_eq!(
            hints(Place::Prompt),
            [("Enter", "apply"), ("Esc", "cancel")]
        );
        assert_eq!(
            hints(Place::Help),
            [("↑↓", "scroll"), ("? Esc", "close help"), ("q", "quit")]
        );
        assert_eq!(hints(Place::Nothing), [("r", "retry"), ("q", "quit")]);
        assert_eq!(
            hints(Place::Grid),
            [
                ("↑↓←→", "move"),
                ("Enter", "row"),
                ("/", "filter"),
                ("s", "sort"),
                ("y", "copy"),
                ("Esc", "back"),
                ("]", "forward"),
                ("E", "export"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Sql),
            [
                ("↑↓←→", "move"),
                ("Enter", "follow"),
                ("y", "copy"),
                ("Esc", "back"),
                (":", "new query"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Tables),
            [
                ("↑↓", "move"),
                ("Enter", "open"),
                ("/", "find"),
                (":", "SQL"),
                ("r", "reload"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Zoomed),
            [
                ("↑↓ PgUp PgDn", "scroll"),
                ("Enter", "shrink"),
                ("y", "copy"),
                ("Esc", "back"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Schema),
            [
                ("↑↓ PgUp PgDn", "scroll"),
                ("y", "copy DDL"),
                ("Esc", "back"),
                ("D", "relations"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Diagram),
            [
                ("↑↓", "pick"),
                ("Enter", "go there"),
                ("Esc", "back"),
                ("S", "schema"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Place::Detail),
            [
                ("↑↓", "move"),
                ("Enter", "follow"),
                ("/", "find field"),
                ("y", "copy"),
                ("Esc", "back"),
                ("]", "forward"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
    }
}
