//! The user's configuration: `config.toml` and `themes/*.toml` in the platform config
//! directory. Reading is here; what the files mean is in `theme` (pure). Nothing here fails:
//! a missing file is the default, a bad one the default and a message for the status line.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::tui::keymap::Keymap;
use crate::tui::theme::{DEFAULT_NAME, Theme};

/// The platform config directory for Blastwall (`~/.config/blastwall` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blastwall").map(|dirs| dirs.config_dir().to_path_buf())
}

/// The `theme` of a `config.toml` (other settings are left to their readers).
pub fn configured_theme(text: &str) -> Result<Option<String>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| format!("config.toml: {e}"))?;
    match table.get("theme") {
        None => Ok(None),
        Some(toml::Value::String(name)) => Ok(Some(name.clone())),
        Some(_) => Err("config.toml: theme must be a string such as \"light\"".into()),
    }
}

/// The theme's name: `--theme`, else `theme` in `config.toml`, else dark.
pub fn choose_theme_name<'a>(flag: Option<&'a str>, configured: Option<&'a str>) -> &'a str {
    flag.or(configured).unwrap_or(DEFAULT_NAME)
}

/// `NO_COLOR` set to anything but the empty string (<https://no-color.org>).
pub fn no_color(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The theme to draw with, and a message for the status line if something was wrong.
/// `dir` is the config directory; `flag` the `--theme` option; `no_color` strips the colours.
pub fn load_theme(
    dir: Option<&Path>,
    flag: Option<&str>,
    no_color: bool,
) -> (Theme, Option<String>) {
    let mut messages = Vec::new();
    let configured = dir
        .and_then(|d| read_optional(&d.join("config.toml"), &mut messages))
        .and_then(|text| match configured_theme(&text) {
            Ok(name) => name,
            Err(message) => {
                messages.push(message);
                None
            }
        });
    let name = choose_theme_name(flag, configured.as_deref());
    let themes = dir.map(|d| d.join("themes"));
    let user = themes
        .as_deref()
        .filter(|_| is_plain_name(name))
        .and_then(|t| read_optional(&t.join(format!("{name}.toml")), &mut messages));
    let user_names = themes.as_deref().map(user_theme_names).unwrap_or_default();
    let (theme, message) = Theme::named(name, user.as_deref(), &user_names);
    messages.extend(message);
    let theme = if no_color {
        theme.without_colour()
    } else {
        theme
    };
    let message = (!messages.is_empty()).then(|| messages.join("; "));
    (theme, message)
}

/// The keymap: the default one with the rebindings of `config.toml` (its `keymap` list), and
/// a message for the status line if the file could not be used (then the default keymap).
pub fn load_keymap(dir: Option<&Path>) -> (Keymap, Option<String>) {
    let mut messages = Vec::new();
    let keymap = Keymap::default();
    let Some(text) = dir.and_then(|d| read_optional(&d.join("config.toml"), &mut messages)) else {
        return (keymap, messages.pop());
    };
    match keymap.with_user_config(&text) {
        Ok(rebound) => (rebound, None),
        Err(message) => (keymap, Some(format!("{message} (the default keys apply)"))),
    }
}

/// A theme name that is a file name and nothing more (no path separators, no `..`).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A file's text; nothing if it does not exist; nothing and a message if it cannot be read.
fn read_optional(path: &Path, messages: &mut Vec<String>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            messages.push(format!("{}: {e}", path.display()));
            None
        }
    }
}

/// The names of the user's theme files (`NAME.toml`), sorted.
fn user_theme_names(themes: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(themes) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .filter_map(|path| path.file_stem()?.to_str().map(String::from))
        .collect();
    names.sort();
    names
}
