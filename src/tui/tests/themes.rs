//! The bundled themes, choosing one (`--theme`, `config.toml`, user files), and `NO_COLOR`.

use std::collections::BTreeMap;
use std::ffi::OsStr;

use ratatui::style::{Color, Modifier, Style};

use super::TestResult;
use crate::tui::runtime::config::{choose_theme_name, configured_theme, load_theme, no_color};
use crate::tui::theme::{DEFAULT_NAME, ROLES, Theme};

fn styles(theme: &Theme) -> [Style; 19] {
    [
        theme.title,
        theme.text,
        theme.muted,
        theme.selected,
        theme.border,
        theme.accent,
        theme.allowed,
        theme.denied,
        theme.warning,
        theme.danger,
        theme.status,
        theme.gauge,
        theme.zone_low,
        theme.zone_medium,
        theme.zone_high,
        theme.zone_critical,
        theme.lint_high,
        theme.lint_medium,
        theme.lint_low,
    ]
}

#[test]
fn every_bundled_theme_parses_and_defines_every_role() -> TestResult {
    let names: Vec<&str> = Theme::bundled_names().collect();
    assert_eq!(names, ["dark", "light", "high-contrast", "colour-blind"]);
    for name in names {
        let source = Theme::bundled_source(name).ok_or(format!("{name} is bundled"))?;
        let roles: BTreeMap<String, toml::Value> = toml::from_str(source)?;
        let defined: Vec<&str> = roles.keys().map(String::as_str).collect();
        let mut expected = ROLES.to_vec();
        expected.sort_unstable();
        assert_eq!(defined, expected, "{name} defines exactly every role");
        let theme = Theme::bundled(name).ok_or(format!("{name} parses"))?;
        assert_eq!(
            Theme::from_toml(source)?,
            theme,
            "{name} is valid as a user file"
        );
        assert_ne!(
            theme.allowed, theme.denied,
            "{name}: allowed and denied differ"
        );
        assert_ne!(theme.allowed.fg, theme.denied.fg, "{name}: in colour too");
        assert_ne!(theme.selected, theme.text, "{name}: the selection shows");
    }
    Ok(())
}

#[test]
fn default_is_dark_and_the_themes_differ() {
    let dark = Theme::bundled("dark");
    assert_eq!(dark, Some(Theme::default()));
    assert_eq!(Theme::bundled("default"), dark);
    assert_eq!(DEFAULT_NAME, "dark");
    let light = Theme::bundled("light");
    assert!(light.is_some() && light != dark);
    assert_eq!(Theme::bundled("ultraviolet"), None);
}

#[test]
fn colour_blind_theme_never_pairs_red_with_green() -> TestResult {
    let theme = Theme::bundled("colour-blind").ok_or("bundled")?;
    let red_or_green = [Color::Red, Color::LightRed, Color::Green, Color::LightGreen];
    for style in [theme.allowed, theme.denied, theme.zone_low, theme.zone_high] {
        assert!(style.fg.is_some_and(|fg| !red_or_green.contains(&fg)));
    }
    Ok(())
}

#[test]
fn high_contrast_theme_has_no_dim_greys_and_is_bold() -> TestResult {
    let theme = Theme::bundled("high-contrast").ok_or("bundled")?;
    let greys = [Color::DarkGray, Color::Gray];
    for style in styles(&theme) {
        assert!(!style.fg.is_some_and(|fg| greys.contains(&fg)));
        assert!(!style.add_modifier.contains(Modifier::DIM));
    }
    assert!(theme.text.add_modifier.contains(Modifier::BOLD));
    assert!(theme.selected.bg.is_some() && theme.status.bg.is_some());
    Ok(())
}

#[test]
fn theme_name_comes_from_the_flag_then_the_config_then_dark() {
    assert_eq!(
        choose_theme_name(Some("light"), Some("high-contrast")),
        "light"
    );
    assert_eq!(
        choose_theme_name(None, Some("high-contrast")),
        "high-contrast"
    );
    assert_eq!(choose_theme_name(None, None), "dark");
    assert_eq!(
        configured_theme("theme = \"light\""),
        Ok(Some("light".into()))
    );
    assert_eq!(configured_theme("[keys]\nquit = \"q\""), Ok(None));
    assert!(configured_theme("theme = 3").is_err());
    assert!(configured_theme("theme = ").is_err());
}

#[test]
fn unknown_theme_is_dark_with_a_message_naming_the_themes() {
    let (theme, message) = Theme::named("solarized", None, &["mine".into()]);
    assert_eq!(theme, Theme::default());
    let message = message.unwrap_or_default();
    assert!(message.contains("unknown theme \"solarized\""), "{message}");
    for name in ["dark", "light", "high-contrast", "colour-blind", "mine"] {
        assert!(message.contains(name), "{message} names {name}");
    }
    let (theme, message) = Theme::named("default", None, &[]);
    assert_eq!((theme, message), (Theme::default(), None));
}

#[test]
fn user_theme_files_overlay_dark_or_their_bundled_namesake() -> TestResult {
    let orange = "denied = { fg = \"#ff8800\" }";
    let (mine, message) = Theme::named("mine", Some(orange), &[]);
    assert_eq!(message, None);
    assert_eq!(mine.denied.fg, Some(Color::Rgb(0xff, 0x88, 0)));
    assert_eq!(mine.allowed, Theme::default().allowed);
    let light = Theme::bundled("light").ok_or("bundled")?;
    let (tweaked, _) = Theme::named("light", Some(orange), &[]);
    assert_eq!(tweaked.allowed, light.allowed);
    assert_eq!(tweaked.denied.fg, Some(Color::Rgb(0xff, 0x88, 0)));
    let (bad, message) = Theme::named("mine", Some("sparkle = {}"), &[]);
    assert_eq!(bad, Theme::default());
    assert!(message.is_some_and(|m| m.contains("sparkle") && m.contains("mine.toml")));
    Ok(())
}

#[test]
fn load_theme_reads_config_and_user_themes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let light = Theme::bundled("light").ok_or("bundled")?;
    let contrast = Theme::bundled("high-contrast").ok_or("bundled")?;
    assert_eq!(load_theme(None, None, false), (Theme::default(), None));
    assert_eq!(
        load_theme(Some(dir.path()), None, false),
        (Theme::default(), None)
    );
    std::fs::write(dir.path().join("config.toml"), "theme = \"light\"\n")?;
    assert_eq!(load_theme(Some(dir.path()), None, false), (light, None));
    let flagged = load_theme(Some(dir.path()), Some("high-contrast"), false);
    assert_eq!(flagged, (contrast, None), "the flag wins over the config");
    std::fs::create_dir(dir.path().join("themes"))?;
    std::fs::write(
        dir.path().join("themes").join("workshop.toml"),
        "selected = { fg = \"black\", bg = \"magenta\" }",
    )?;
    let (workshop, message) = load_theme(Some(dir.path()), Some("workshop"), false);
    assert_eq!(message, None);
    assert_eq!(workshop.selected.bg, Some(Color::Magenta));
    assert_eq!(workshop.denied, Theme::default().denied);
    let (theme, message) = load_theme(Some(dir.path()), Some("../config"), false);
    assert_eq!(theme, Theme::default());
    let message = message.unwrap_or_default();
    assert!(
        message.contains("unknown theme") && message.contains("workshop"),
        "{message}"
    );
    std::fs::write(dir.path().join("config.toml"), "theme = [")?;
    let (theme, message) = load_theme(Some(dir.path()), None, false);
    assert_eq!(theme, Theme::default());
    assert!(message.is_some_and(|m| m.starts_with("config.toml")));
    Ok(())
}

#[test]
fn no_color_strips_every_colour_but_keeps_the_selection_visible() -> TestResult {
    assert!(no_color(Some(OsStr::new("1"))));
    assert!(!no_color(Some(OsStr::new(""))));
    assert!(!no_color(None));
    for name in Theme::bundled_names() {
        let plain = Theme::bundled(name).ok_or("bundled")?.without_colour();
        for style in styles(&plain) {
            assert_eq!((style.fg, style.bg), (None, None), "{name}: no colour");
        }
        let selected = plain.selected.add_modifier;
        assert!(
            selected.contains(Modifier::REVERSED),
            "{name}: selection shows"
        );
        assert!(plain.status.add_modifier.contains(Modifier::REVERSED));
        assert!(
            plain.title.add_modifier.contains(Modifier::BOLD),
            "{name}: bold stays"
        );
    }
    let (theme, _) = load_theme(None, Some("light"), true);
    assert_eq!(theme.allowed.fg, None);
    Ok(())
}

/// Draws the fixture app with the plan (matrix screen) in `theme`; returns the text and the buffer.
fn draw(theme: &Theme) -> Result<(String, ratatui::buffer::Buffer), Box<dyn std::error::Error>> {
    use crate::tui::app::Action;
    use crate::tui::keymap::Keymap;
    use crate::tui::ui::{self, Chrome};
    let mut app = super::app_with_plan(100, 30);
    app.update(Action::GotoScreen(4));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30))?;
    let keymap = Keymap::default();
    let chrome = Chrome {
        theme,
        keymap: &keymap,
        editor: None,
        block_editor: None,
    };
    terminal.draw(|frame| ui::draw(frame, &app, &chrome))?;
    let backend = terminal.backend();
    Ok((format!("{backend}"), backend.buffer().clone()))
}

#[test]
fn every_theme_draws_the_same_text_and_no_color_draws_no_colour() -> TestResult {
    let (text, _) = draw(&Theme::default())?;
    for name in Theme::bundled_names() {
        let theme = Theme::bundled(name).ok_or("bundled")?;
        assert_eq!(draw(&theme)?.0, text, "{name}: only the colours change");
        let (plain_text, buffer) = draw(&theme.without_colour())?;
        assert_eq!(plain_text, text);
        for cell in buffer.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{name}");
        }
        let reversed = buffer.content().iter();
        assert!(
            reversed
                .filter(|c| c.modifier.contains(Modifier::REVERSED))
                .count()
                > 0,
            "{name}: the selection and the status line are in reverse video"
        );
    }
    Ok(())
}
