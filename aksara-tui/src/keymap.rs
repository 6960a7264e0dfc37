//! Key events to [`Action`]s, by the key table ([`crate::keys`]).
//!
//! Vim keys and arrows move; `Esc` and `Backspace` go back and never quit (only `q` does).
//! Control chords that terminals cannot tell from other keys are left unbound on purpose
//! (see [`crate::keys`]).

use crate::action::Action;
pub use crate::keys::Focus;
use crate::keys::{lookup, Lookup};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use std::collections::HashMap;

/// Turns key events into actions; remembers a pending `g` of `gg`.
#[derive(Debug, Default)]
pub struct KeyMap {
    pending: Option<char>,
    /// Characters that act, on the screens, as other keys (the connections file's `[keys]`).
    remap: HashMap<char, char>,
}

impl KeyMap {
    /// A key map where each character of `remap` acts, on the screens (not in a prompt), as
    /// the key it maps to.
    pub fn with_remap(remap: HashMap<char, char>) -> KeyMap {
        KeyMap {
            pending: None,
            remap,
        }
    }

    /// The characters remapped, with the key each acts as, in character order.
    pub fn remapped(&self) -> Vec<(char, char)> {
        let mut pairs: Vec<(char, char)> = self.remap.iter().map(|(a, b)| (*a, *b)).collect();
        pairs.sort();
        pairs
    }

    /// The action for `key`, if any.
    pub fn map(&mut self, mut key: KeyEvent, focus: Focus) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if let (Focus::Screen | Focus::Help, KeyCode::Char(c)) = (focus, key.code) {
            if let Some(to) = self.remap.get(&c) {
                key.code = KeyCode::Char(*to);
            }
        }
        // Any key the screen sees ends a half-typed `gg`.
        let pending = if focus == Focus::Screen {
            self.pending.take()
        } else {
            self.pending
        };
        match lookup(key.into(), focus, pending) {
            Lookup::Action { action, everywhere } => {
                if everywhere {
                    self.pending = None;
                }
                Some(action)
            }
            Lookup::FirstOfTwice(c) => {
                self.pending = Some(c);
                None
            }
            Lookup::Nothing => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::CONTROL)
    }

    #[test]
    fn gg_needs_two_presses() {
        let mut map = KeyMap::default();
        assert!(map.map(key(KeyCode::Char('g')), Focus::Screen).is_none());
        assert!(matches!(
            map.map(key(KeyCode::Char('g')), Focus::Screen),
            Some(Action::Top)
        ));
        assert!(map.map(key(KeyCode::Char('g')), Focus::Screen).is_none());
        assert!(matches!(
            map.map(key(KeyCode::Char('j')), Focus::Screen),
            Some(Action::MoveRows { by: 1 })
        ));
        // The pending g was dropped by the j.
        assert!(map.map(key(KeyCode::Char('g')), Focus::Screen).is_none());
    }

    #[test]
    fn escape_and_backspace_go_back_and_never_quit() {
        let mut map = KeyMap::default();
        assert!(matches!(
            map.map(key(KeyCode::Esc), Focus::Screen),
            Some(Action::Back)
        ));
        assert!(matches!(
            map.map(key(KeyCode::Backspace), Focus::Screen),
            Some(Action::Back)
        ));
        assert!(matches!(
            map.map(key(KeyCode::Esc), Focus::Prompt),
            Some(Action::Dismiss)
        ));
        assert!(matches!(
            map.map(key(KeyCode::Esc), Focus::Help),
            Some(Action::ToggleHelp)
        ));
        assert!(matches!(
            map.map(key(KeyCode::Char('q')), Focus::Screen),
            Some(Action::Quit)
        ));
        // In a prompt, q is a letter.
        assert!(matches!(
            map.map(key(KeyCode::Char('q')), Focus::Prompt),
            Some(Action::Input { ch: 'q' })
        ));
    }

    #[test]
    fn ambiguous_control_chords_are_unbound() {
        let mut map = KeyMap::default();
        for code in [
            KeyCode::Enter,
            KeyCode::Char('h'),
            KeyCode::Char('m'),
            KeyCode::Char('i'),
            KeyCode::Char('j'),
        ] {
            assert!(map.map(ctrl(code), Focus::Screen).is_none(), "{code:?}");
        }
        assert!(map.map(key(KeyCode::Tab), Focus::Screen).is_none());
        assert!(map.map(ctrl(KeyCode::Enter), Focus::Prompt).is_none());
        assert!(matches!(
            map.map(ctrl(KeyCode::Char('d')), Focus::Screen),
            Some(Action::HalfPage { down: true })
        ));
        assert!(matches!(
            map.map(ctrl(KeyCode::Char('c')), Focus::Prompt),
            Some(Action::Cancel)
        ));
    }

    #[test]
    fn remapped_characters_act_as_their_keys_on_screens_only() {
        let mut map = KeyMap::with_remap([('x', 'q'), ('Z', 'G')].into_iter().collect());
        assert!(matches!(
            map.map(key(KeyCode::Char('x')), Focus::Screen),
            Some(Action::Quit)
        ));
        assert!(matches!(
            map.map(key(KeyCode::Char('Z')), Focus::Screen),
            Some(Action::Bottom)
        ));
        // In a prompt, x is a letter; the keys not remapped keep their actions.
        assert!(matches!(
            map.map(key(KeyCode::Char('x')), Focus::Prompt),
            Some(Action::Input { ch: 'x' })
        ));
        assert!(matches!(
            map.map(key(KeyCode::Char('q')), Focus::Screen),
            Some(Action::Quit)
        ));
    }
}
