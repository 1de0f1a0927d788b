//! The keymap and the theme: embedded defaults parse, overlays and bad files.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::TestResult;
use crate::tui::app::{Action, Screen};
use crate::tui::keymap::{Keymap, Scope};

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn default_keymap_parses_and_binds_the_keys() {
    let keymap = Keymap::default();
    let none = KeyModifiers::NONE;
    let on =
        |screen, typing, code, modifiers| keymap.action_for(screen, typing, &key(code, modifiers));
    assert_eq!(
        on(Screen::Estate, false, KeyCode::Char('q'), none),
        Some(Action::Quit)
    );
    assert_eq!(
        on(
            Screen::Estate,
            false,
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        ),
        Some(Action::Quit)
    );
    assert_eq!(
        on(Screen::Estate, false, KeyCode::Char('2'), none),
        Some(Action::GotoScreen(2))
    );
    assert_eq!(
        on(
            Screen::Estate,
            false,
            KeyCode::Char('G'),
            KeyModifiers::SHIFT
        ),
        Some(Action::Bottom)
    );
    assert_eq!(
        on(Screen::Estate, false, KeyCode::BackTab, KeyModifiers::SHIFT),
        Some(Action::PrevPane)
    );
    assert_eq!(
        on(Screen::Estate, false, KeyCode::Char(']'), none),
        Some(Action::NextScreen)
    );
    assert_eq!(
        on(Screen::Flows, false, KeyCode::Down, none),
        Some(Action::MoveDown)
    );
    assert_eq!(
        on(Screen::Flows, false, KeyCode::Char('o'), none),
        Some(Action::CycleOutcomeFilter)
    );
    assert_eq!(on(Screen::Estate, false, KeyCode::Char('o'), none), None);
    // While typing, letters are text; only the prompt keys apply.
    assert_eq!(on(Screen::Estate, true, KeyCode::Char('q'), none), None);
    assert_eq!(
        on(Screen::Estate, true, KeyCode::Enter, none),
        Some(Action::Submit)
    );
    assert_eq!(
        on(Screen::Estate, true, KeyCode::Esc, none),
        Some(Action::Cancel)
    );
    assert_eq!(
        on(Screen::Estate, false, KeyCode::Enter, none),
        Some(Action::ToggleDetail)
    );
}

#[test]
fn help_is_generated_per_screen() {
    let keymap = Keymap::default();
    let estate: Vec<String> = keymap
        .help(Screen::Estate)
        .into_iter()
        .map(|e| format!("{} {}", e.keys, e.desc))
        .collect();
    let flows = keymap.help(Screen::Flows);
    assert!(estate.contains(&"q, Ctrl-c Quit".to_string()));
    assert!(estate.contains(&"j, Down Move down".to_string()));
    assert!(!estate.iter().any(|e| e.starts_with("o ")));
    assert_eq!(
        flows.first().map(|e| e.keys.as_str()),
        Some("o"),
        "screen keys come first"
    );
    assert_eq!(flows.len(), estate.len() + 1);
    assert!(keymap.bindings().iter().any(|b| b.scope == Scope::Prompt));
}

#[test]
fn bad_keymaps_are_errors() {
    assert!(
        Keymap::from_toml("keymap = [{ on = \"q\", run = \"explode\", desc = \"x\" }]").is_err()
    );
    assert!(
        Keymap::from_toml("keymap = [{ on = \"hyper-q\", run = \"quit\", desc = \"x\" }]").is_err()
    );
    let keymap =
        Keymap::from_toml("keymap = [{ on = \"x\", run = { goto_screen = 2 }, desc = \"x\" }]");
    assert!(
        keymap.is_ok_and(|k| k.bindings()[0].action == Action::GotoScreen(2)
            && k.bindings()[0].scope == Scope::Global)
    );
}

#[test]
fn theme_defaults_and_overlays() -> TestResult {
    use crate::tui::theme::Theme;
    use ratatui::style::{Color, Modifier};
    let theme = Theme::default();
    assert_ne!(theme, Theme::PLAIN, "the embedded theme parses");
    assert_eq!(theme.denied.fg, Some(Color::Red));
    let custom = Theme::from_toml("denied = { fg = \"#ff8800\", bold = true }")?;
    assert_eq!(custom.denied.fg, Some(Color::Rgb(0xff, 0x88, 0)));
    assert!(custom.denied.add_modifier.contains(Modifier::BOLD));
    assert_eq!(
        custom.allowed, theme.allowed,
        "other roles keep the defaults"
    );
    assert!(Theme::from_toml("denied = { fg = \"ultraviolet\" }").is_err());
    assert!(Theme::from_toml("sparkle = { fg = \"red\" }").is_err());
    let (fallback, message) = Theme::load_user("not toml at all [");
    assert_eq!(fallback, theme);
    assert!(message.is_some_and(|m| m.contains("default theme")));
    Ok(())
}

#[test]
fn config_rebinds_keys_and_the_palette_lists_them() -> TestResult {
    let config = r#"
theme = "light"
keymap = [
    { on = "x", run = "quit", screen = "global" },
    { on = "ctrl-f", run = "open_finder" },
]
"#;
    let keymap = Keymap::default().with_user_config(config)?;
    let none = KeyModifiers::NONE;
    let on = |code, modifiers| keymap.action_for(Screen::Estate, false, &key(code, modifiers));
    assert_eq!(on(KeyCode::Char('x'), none), Some(Action::Quit));
    assert_eq!(on(KeyCode::Char('q'), none), None, "q no longer quits");
    assert_eq!(
        on(KeyCode::Char('f'), KeyModifiers::CONTROL),
        Some(Action::OpenFinder)
    );
    let commands = keymap.commands();
    let quit = (commands.iter())
        .find(|c| c.action == Action::Quit)
        .ok_or("quit is a command")?;
    assert_eq!((quit.keys.as_str(), quit.desc.as_str()), ("x", "Quit"));
    assert!(
        commands.iter().all(|c| !matches!(c.action, Action::Submit)),
        "the input line's keys are not commands"
    );
    let bad = Keymap::default().with_user_config("keymap = [{ on = \"x\", run = \"fly\" }]");
    assert!(bad.is_err());
    Ok(())
}
