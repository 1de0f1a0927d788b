//! Semantic styles. Screens ask for a role (`theme.denied`), never for a colour; the colours
//! come from `themes/default.toml`, which a user theme may overlay.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const DEFAULT_THEME: &str = include_str!("../../themes/default.toml");

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
    /// The embedded default theme (a test keeps it valid; if it were not, plain styles).
    fn default() -> Self {
        Theme::overlay(&PLAIN, DEFAULT_THEME).unwrap_or(PLAIN)
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
