//! Key events to [`Action`]s.
//!
//! Vim keys and arrows move; `Esc` and `Backspace` go back and never quit (only `q` does).
//! Control chords that terminals cannot tell from other keys are left unbound on purpose:
//! `Ctrl-H` is Backspace, `Ctrl-I` Tab, `Ctrl-J` and `Ctrl-M` Enter, and `Ctrl-Enter` arrives
//! as Enter or not at all depending on the terminal, so none of them does anything.

use crate::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

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

/// Turns key events into actions; remembers a pending `g` of `gg`.
#[derive(Debug, Default)]
pub struct KeyMap {
    pending_g: bool,
}

impl KeyMap {
    /// The action for `key`, if any.
    pub fn map(&mut self, key: KeyEvent, focus: Focus) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        if ctrl && key.code == KeyCode::Char('c') {
            self.pending_g = false;
            return Some(Action::Cancel);
        }
        match focus {
            Focus::Prompt => {
                return match key.code {
                    KeyCode::Enter if !ctrl && !alt => Some(Action::Submit),
                    KeyCode::Esc => Some(Action::Dismiss),
                    KeyCode::Backspace if !ctrl => Some(Action::Erase),
                    KeyCode::Char(ch) if !ctrl && !alt => Some(Action::Input { ch }),
                    _ => None,
                }
            }
            Focus::Help => {
                return match key.code {
                    KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('?') if !ctrl => {
                        Some(Action::ToggleHelp)
                    }
                    KeyCode::Char('q') if !ctrl && !alt => Some(Action::Quit),
                    _ => None,
                }
            }
            Focus::Screen => {}
        }
        let was_g = std::mem::take(&mut self.pending_g);
        if ctrl {
            return match key.code {
                KeyCode::Char('d') => Some(Action::HalfPage { down: true }),
                KeyCode::Char('u') => Some(Action::HalfPage { down: false }),
                // Ctrl-H, Ctrl-I, Ctrl-J, Ctrl-M, Ctrl-Enter and the rest: unbound.
                _ => None,
            };
        }
        if alt {
            return match key.code {
                // Esc pressed twice quickly can reach us as Alt-Esc.
                KeyCode::Left | KeyCode::Esc => Some(Action::Back),
                KeyCode::Right => Some(Action::Forward),
                _ => None,
            };
        }
        Some(match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') => Action::ToggleHelp,
            KeyCode::Esc | KeyCode::Backspace => Action::Back,
            KeyCode::Char(']') => Action::Forward,
            KeyCode::Char('r') => Action::Reload,
            KeyCode::Char('j') | KeyCode::Down => Action::MoveRows { by: 1 },
            KeyCode::Char('k') | KeyCode::Up => Action::MoveRows { by: -1 },
            KeyCode::Char('h') | KeyCode::Left => Action::MoveColumns { by: -1 },
            KeyCode::Char('l') | KeyCode::Right => Action::MoveColumns { by: 1 },
            KeyCode::PageDown => Action::FullPage { down: true },
            KeyCode::PageUp => Action::FullPage { down: false },
            KeyCode::Home => Action::Top,
            KeyCode::End | KeyCode::Char('G') => Action::Bottom,
            KeyCode::Char('g') if was_g => Action::Top,
            KeyCode::Char('g') => {
                self.pending_g = true;
                return None;
            }
            KeyCode::Enter => Action::Open,
            KeyCode::Char('/') => Action::StartFilter,
            KeyCode::Char('s') => Action::Sort,
            KeyCode::Char('y') => Action::Copy,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
