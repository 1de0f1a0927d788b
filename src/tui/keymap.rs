//! Key bindings as data: the embedded `keymap-default.toml` maps keys to [`Action`]s per scope,
//! and the help overlay is generated from the same table.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::app::{Action, Command, Screen};

const DEFAULT_KEYMAP: &str = include_str!("keymap-default.toml");

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Global,
    Estate,
    Flows,
    Zones,
    Matrix,
    Blast,
    Rollout,
    Export,
    /// While the phase editor (a multi-line text) has the keyboard; other keys edit the text.
    Editor,
    /// While an input line (filter or prompt) has the keyboard; nothing else applies then.
    Prompt,
    /// While the scenarios list is open (before the global bindings).
    Scenarios,
    /// While the rules list is open (before the global bindings).
    Rules,
}

impl Scope {
    pub fn of(screen: Screen) -> Scope {
        match screen {
            Screen::Estate => Scope::Estate,
            Screen::Flows => Scope::Flows,
            Screen::Zones => Scope::Zones,
            Screen::Matrix => Scope::Matrix,
            Screen::Blast => Scope::Blast,
            Screen::Rollout => Scope::Rollout,
            Screen::Export => Scope::Export,
        }
    }
}

/// One key with its modifiers, as written in the keymap (`q`, `G`, `ctrl-c`, `shift-tab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyChord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

const NAMED_KEYS: [(&str, KeyCode); 13] = [
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

impl KeyChord {
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut chord = KeyChord {
            code: KeyCode::Null,
            ctrl: false,
            alt: false,
        };
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                chord.ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                chord.alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        chord.code = match lower.as_str() {
            "shift-tab" => KeyCode::BackTab,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            _ if rest.chars().count() == 1 => KeyCode::Char(rest.chars().next().unwrap_or(' ')),
            _ => NAMED_KEYS
                .iter()
                .find(|(name, _)| *name == lower)
                .map(|(_, code)| *code)
                .ok_or_else(|| format!("unknown key {text:?}"))?,
        };
        Ok(chord)
    }

    /// Whether a key event is this chord. Shift is implied by the character itself (`G`).
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        ctrl == self.ctrl && alt == self.alt && key.code == self.code
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingSpec {
    on: OneOrMany,
    run: Action,
    /// Optional in a user's rebinding (the replaced binding's description is kept).
    #[serde(default)]
    desc: String,
    #[serde(default = "global")]
    screen: Scope,
}

fn global() -> Scope {
    Scope::Global
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    keymap: Vec<BindingSpec>,
}

/// The `keymap` of a user's `config.toml` (other settings are ignored here).
#[derive(Debug, Deserialize)]
struct UserConfig {
    #[serde(default)]
    keymap: Vec<BindingSpec>,
}

/// A key binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<KeyChord>,
    pub action: Action,
    pub desc: String,
    pub scope: Scope,
}

/// A help line: the keys (`j, Down`) and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    pub keys: String,
    pub desc: String,
}

/// All bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    /// The embedded default keymap (a test keeps it valid; if it were not, only Ctrl-c quits).
    fn default() -> Self {
        Keymap::from_toml(DEFAULT_KEYMAP).unwrap_or_else(|_| Keymap {
            bindings: vec![Binding {
                keys: vec![KeyChord {
                    code: KeyCode::Char('c'),
                    ctrl: true,
                    alt: false,
                }],
                action: Action::Quit,
                desc: "Quit".into(),
                scope: Scope::Global,
            }],
        })
    }
}

impl Keymap {
    pub fn from_toml(text: &str) -> Result<Keymap, String> {
        let file: KeymapFile = toml::from_str(text).map_err(|e| format!("keymap: {e}"))?;
        Ok(Keymap {
            bindings: Keymap::parse_specs(file.keymap)?,
        })
    }

    /// This keymap with the user's rebindings from `config.toml`'s `keymap` list: a user
    /// binding replaces the bindings of the same action on the same screen, and comes first.
    pub fn with_user_config(&self, config_text: &str) -> Result<Keymap, String> {
        let config: UserConfig =
            toml::from_str(config_text).map_err(|e| format!("config.toml: {e}"))?;
        let user = Keymap::parse_specs(config.keymap).map_err(|e| format!("config.toml: {e}"))?;
        let mut bindings = Vec::with_capacity(self.bindings.len() + user.len());
        for mut binding in user {
            if binding.desc.is_empty() {
                binding.desc = (self.bindings.iter())
                    .find(|b| b.scope == binding.scope && b.action == binding.action)
                    .map_or_else(|| format!("{:?}", binding.action), |b| b.desc.clone());
            }
            bindings.push(binding);
        }
        let replaced = |b: &Binding| {
            bindings
                .iter()
                .any(|u| u.scope == b.scope && u.action == b.action)
        };
        let kept: Vec<Binding> = self
            .bindings
            .iter()
            .filter(|b| !replaced(b))
            .cloned()
            .collect();
        bindings.extend(kept);
        Ok(Keymap { bindings })
    }

    fn parse_specs(specs: Vec<BindingSpec>) -> Result<Vec<Binding>, String> {
        specs
            .into_iter()
            .map(|spec| {
                let names = match spec.on {
                    OneOrMany::One(name) => vec![name],
                    OneOrMany::Many(names) => names,
                };
                let keys = names
                    .iter()
                    .map(|n| KeyChord::parse(n))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Binding {
                    keys,
                    action: spec.run,
                    desc: spec.desc,
                    scope: spec.screen,
                })
            })
            .collect::<Result<Vec<_>, String>>()
    }

    /// Every action a key runs, for the `:` palette: global and per-screen bindings (not the
    /// editor's or the input line's), keys joined, one entry per action and screen.
    pub fn commands(&self) -> Vec<Command> {
        let mut out: Vec<Command> = Vec::new();
        for binding in &self.bindings {
            let screen = match binding.scope {
                Scope::Editor | Scope::Prompt | Scope::Scenarios | Scope::Rules => continue,
                Scope::Global => None,
                scope => Screen::ALL.into_iter().find(|s| Scope::of(*s) == scope),
            };
            let keys = binding
                .keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match out
                .iter_mut()
                .find(|c| c.screen == screen && c.action == binding.action)
            {
                Some(existing) => existing.keys = format!("{}, {keys}", existing.keys),
                None => out.push(Command {
                    desc: binding.desc.clone(),
                    keys,
                    action: binding.action.clone(),
                    screen,
                }),
            }
        }
        out
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action of a key: while typing, only prompt bindings apply; otherwise the screen's
    /// bindings come before the global ones.
    pub fn action_for(&self, screen: Screen, typing: bool, key: &KeyEvent) -> Option<Action> {
        let scopes: &[Scope] = if typing {
            &[Scope::Prompt]
        } else {
            &[Scope::of(screen), Scope::Global]
        };
        self.action_in(scopes, key)
    }

    /// The action of a key in the first of `scopes` that binds it.
    pub fn action_in(&self, scopes: &[Scope], key: &KeyEvent) -> Option<Action> {
        scopes.iter().find_map(|scope| {
            self.bindings
                .iter()
                .find(|b| b.scope == *scope && b.keys.iter().any(|k| k.matches(key)))
                .map(|b| b.action.clone())
        })
    }

    /// The action of a key while the phase editor is open (only editor bindings apply; any
    /// other key edits the text).
    pub fn editor_action(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.scope == Scope::Editor && b.keys.iter().any(|k| k.matches(key)))
            .map(|b| b.action.clone())
    }

    /// The editor's keys for its frame: `Ctrl-s applies · Esc cancels`.
    pub fn editor_hint(&self) -> String {
        self.bindings
            .iter()
            .filter(|b| b.scope == Scope::Editor)
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(ToString::to_string).collect();
                format!("{} {}", keys.join("/"), b.desc.to_lowercase())
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Help lines for a screen: its own bindings, then the global ones.
    pub fn help(&self, screen: Screen) -> Vec<HelpEntry> {
        [Scope::of(screen), Scope::Global]
            .iter()
            .flat_map(|scope| self.bindings.iter().filter(move |b| b.scope == *scope))
            .map(|b| HelpEntry {
                keys: b
                    .keys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                desc: b.desc.clone(),
            })
            .collect()
    }
}
