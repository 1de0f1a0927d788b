//! Semantic styles. Screens ask for a role (`theme.denied`), never for a colour; the colours
//! come from a bundled theme in `themes/` (`dark` by default), which a user theme may overlay.
//! Choosing a theme by name is pure here; reading the files is the runtime's (`runtime::config`).

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The bundled themes, by name; the first is the default.
const BUNDLED: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "colour-blind",
        include_str!("../../themes/colour-blind.toml"),
    ),
];

/// The name of the default theme; `default` is an alias of it.
pub const DEFAULT_NAME: &str = "dark";

/// Every role a theme file may (and a bundled theme must) define.
pub const ROLES: [&str; 19] = [
    "title",
    "text",
    "muted",
    "selected",
    "border",
    "accent",
    "allowed",
    "denied",
    "warning",
    "danger",
    "status",
    "gauge",
    "zone_low",
    "zone_medium",
    "zone_high",
    "zone_critical",
    "lint_high",
    "lint_medium",
    "lint_low",
];

/// The style of every role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub title: Style,
    pub text: Style,
    pub muted: Style,
    pub selected: Style,
    pub border: Style,
    pub accent: Style,
    pub allowed: Style,
    pub denied: Style,
    pub warning: Style,
    pub danger: Style,
    pub status: Style,
    pub gauge: Style,
    pub zone_low: Style,
    pub zone_medium: Style,
    pub zone_high: Style,
    pub zone_critical: Style,
    pub lint_high: Style,
    pub lint_medium: Style,
    pub lint_low: Style,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
}

const PLAIN: Theme = Theme {
    title: Style::new(),
    text: Style::new(),
    muted: Style::new(),
    selected: Style::new(),
    border: Style::new(),
    accent: Style::new(),
    allowed: Style::new(),
    denied: Style::new(),
    warning: Style::new(),
    danger: Style::new(),
    status: Style::new(),
    gauge: Style::new(),
    zone_low: Style::new(),
    zone_medium: Style::new(),
    zone_high: Style::new(),
    zone_critical: Style::new(),
    lint_high: Style::new(),
    lint_medium: Style::new(),
    lint_low: Style::new(),
};

impl Default for Theme {
    /// The embedded dark theme (a test keeps it valid; if it were not, plain styles).
    fn default() -> Self {
        Theme::bundled(DEFAULT_NAME).unwrap_or(PLAIN)
    }
}

impl Theme {
    /// Styles without colour: what tests that ignore colour may use.
    pub const PLAIN: Theme = PLAIN;

    /// The default theme overlaid with a theme file.
    pub fn from_toml(text: &str) -> Result<Theme, String> {
        Theme::overlay(&Theme::default(), text)
    }

    /// A user theme over the default; a bad file gives the default and a message to show.
    pub fn load_user(text: &str) -> (Theme, Option<String>) {
        match Theme::from_toml(text) {
            Ok(theme) => (theme, None),
            Err(message) => (
                Theme::default(),
                Some(format!("{message}; using the default theme")),
            ),
        }
    }

    /// The names of the bundled themes, the default first.
    pub fn bundled_names() -> impl Iterator<Item = &'static str> {
        BUNDLED.iter().map(|(name, _)| *name)
    }

    /// The source of a bundled theme (`default` is `dark`).
    pub fn bundled_source(name: &str) -> Option<&'static str> {
        let name = if name == "default" {
            DEFAULT_NAME
        } else {
            name
        };
        BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    }

    /// A bundled theme by name (`default` is `dark`); `None` if there is none of that name.
    pub fn bundled(name: &str) -> Option<Theme> {
        Theme::overlay(&PLAIN, Theme::bundled_source(name)?).ok()
    }

    /// The theme called `name`: a user theme file's text (`user`, read from
    /// `<config dir>/themes/NAME.toml` when there is one) overlays the bundled theme of that name,
    /// or the dark theme; else the bundled theme. An unknown name or a bad file gives the dark
    /// theme and a message naming the themes there are (`user_names`: the user's theme files).
    pub fn named(name: &str, user: Option<&str>, user_names: &[String]) -> (Theme, Option<String>) {
        let base = Theme::bundled(name);
        match (user, base) {
            (Some(text), base) => match Theme::overlay(&base.unwrap_or_default(), text) {
                Ok(theme) => (theme, None),
                Err(message) => (
                    Theme::default(),
                    Some(format!("{message} (in {name}.toml); using the dark theme")),
                ),
            },
            (None, Some(theme)) => (theme, None),
            (None, None) => {
                let mut names: Vec<String> = Theme::bundled_names().map(String::from).collect();
                for user_name in user_names {
                    if !names.contains(user_name) {
                        names.push(user_name.clone());
                    }
                }
                let message = format!(
                    "unknown theme {name:?}; using dark (themes: {})",
                    names.join(", ")
                );
                (Theme::default(), Some(message))
            }
        }
    }

    /// The same theme without any colour (`NO_COLOR`): bold stays, and a role that was marked
    /// by its background (selection, status line, gauge, critical zone) becomes reverse video.
    pub fn without_colour(&self) -> Theme {
        let mut theme = *self;
        for role in ROLES {
            if let Some(style) = theme.role_mut(role) {
                *style = strip_colour(*style);
            }
        }
        theme
    }

    fn overlay(base: &Theme, text: &str) -> Result<Theme, String> {
        let roles: BTreeMap<String, RoleSpec> =
            toml::from_str(text).map_err(|e| format!("theme: {e}"))?;
        let mut theme = *base;
        for (name, spec) in roles {
            let slot = theme
                .role_mut(&name)
                .ok_or_else(|| format!("theme: unknown role {name:?}"))?;
            *slot = spec.to_style(&name)?;
        }
        Ok(theme)
    }

    fn role_mut(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "title" => &mut self.title,
            "text" => &mut self.text,
            "muted" => &mut self.muted,
            "selected" => &mut self.selected,
            "border" => &mut self.border,
            "accent" => &mut self.accent,
            "allowed" => &mut self.allowed,
            "denied" => &mut self.denied,
            "warning" => &mut self.warning,
            "danger" => &mut self.danger,
            "status" => &mut self.status,
            "gauge" => &mut self.gauge,
            "zone_low" => &mut self.zone_low,
            "zone_medium" => &mut self.zone_medium,
            "zone_high" => &mut self.zone_high,
            "zone_critical" => &mut self.zone_critical,
            "lint_high" => &mut self.lint_high,
            "lint_medium" => &mut self.lint_medium,
            "lint_low" => &mut self.lint_low,
            _ => return None,
        })
    }
}

fn strip_colour(style: Style) -> Style {
    let had_background = style.bg.is_some_and(|bg| bg != Color::Reset);
    let mut plain = Style::new()
        .add_modifier(style.add_modifier)
        .remove_modifier(style.sub_modifier);
    if had_background {
        plain = plain.add_modifier(Modifier::REVERSED);
    }
    plain
}

impl RoleSpec {
    fn to_style(&self, role: &str) -> Result<Style, String> {
        let colour = |text: &Option<String>| -> Result<Option<Color>, String> {
            text.as_deref()
                .map(|t| {
                    Color::from_str(t).map_err(|_| format!("theme: {role}: unknown colour {t:?}"))
                })
                .transpose()
        };
        let mut style = Style::new();
        if let Some(fg) = colour(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = colour(&self.bg)? {
            style = style.bg(bg);
        }
        if self.bold == Some(true) {
            style = style.add_modifier(Modifier::BOLD);
        }
        Ok(style)
    }
}
