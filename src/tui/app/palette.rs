//! The `:` command palette: every action of the keymap with its keys, fuzzy-searchable; Enter
//! runs it (on its own screen when it belongs to one). The entries come from the keymap the
//! runtime loaded, so the palette, the help overlay and the bindings never disagree.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::state::{App, Screen};

/// One command: what it does, its keys, the action, and the screen it belongs to (none:
/// everywhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub desc: String,
    pub keys: String,
    pub action: Action,
    pub screen: Option<Screen>,
}

impl Command {
    /// The text the palette matches and shows: `Zones: New zone`.
    pub fn label(&self) -> String {
        match self.screen {
            Some(screen) => format!("{}: {}", screen.title(), self.desc),
            None => self.desc.clone(),
        }
    }
}

/// The palette overlay; `list.visible` indexes [`App::commands`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaletteView {
    pub open: bool,
    pub query: String,
    pub list: ListView,
}

/// The commands matching `query`, best first; with no query, those of `screen` first, then
/// the global ones, then the other screens' (keymap order within each).
pub fn rank_commands(commands: &[Command], query: &str, screen: Screen) -> Vec<usize> {
    let query = query.trim();
    let group = |c: &Command| match c.screen {
        Some(s) if s == screen => 0,
        None => 1,
        Some(_) => 2,
    };
    if query.is_empty() {
        let mut order: Vec<usize> = (0..commands.len()).collect();
        order.sort_by_key(|&i| (group(&commands[i]), i));
        return order;
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut scored: Vec<(i64, u8, usize)> = commands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let score = matcher.fuzzy_match(&format!("{} {}", c.label(), c.keys), query)?;
            Some((score, group(c), i))
        })
        .collect();
    scored.sort_by_key(|&(score, group, i)| (std::cmp::Reverse(score), group, i));
    scored.into_iter().map(|(_, _, i)| i).collect()
}

impl App {
    /// The commands the palette offers (from the keymap; the runtime sets them at start).
    pub fn set_commands(&mut self, commands: Vec<Command>) {
        self.commands = commands;
    }

    pub(super) fn open_palette(&mut self) -> Vec<Effect> {
        self.palette = PaletteView {
            open: true,
            ..PaletteView::default()
        };
        self.input_session += 1;
        self.rank_palette();
        Vec::new()
    }

    fn rank_palette(&mut self) {
        let visible = rank_commands(&self.commands, &self.palette.query, self.screen);
        self.palette
            .list
            .set_visible(visible, true, self.viewport.overlay_rows);
    }

    /// The palette's own actions while it is open.
    pub(super) fn palette_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.palette.open {
            return None;
        }
        if self
            .palette
            .list
            .navigate(action, self.viewport.overlay_rows)
        {
            return Some(Vec::new());
        }
        match action {
            Action::Quit => return None,
            Action::Cancel => self.palette.open = false,
            Action::SetInput(text) => {
                self.palette.query = text.clone();
                self.rank_palette();
            }
            Action::Submit | Action::Pick | Action::ToggleDetail => {
                return Some(self.run_command());
            }
            _ => {}
        }
        Some(Vec::new())
    }

    fn run_command(&mut self) -> Vec<Effect> {
        let Some(command) = (self.palette.list.selected_item()).and_then(|i| self.commands.get(i))
        else {
            self.info("no command matches");
            return Vec::new();
        };
        let command = command.clone();
        self.palette.open = false;
        if let Some(screen) = command.screen
            && screen != self.screen
        {
            self.update(Action::GotoScreen(screen.number()));
        }
        self.update(command.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(desc: &str, screen: Option<Screen>) -> Command {
        Command {
            desc: desc.into(),
            keys: "x".into(),
            action: Action::Reload,
            screen,
        }
    }

    #[test]
    fn ranks_the_screen_first_then_global_then_others() {
        let commands = vec![
            command("Quit", None),
            command("New zone", Some(Screen::Zones)),
            command("Tick", Some(Screen::Rollout)),
        ];
        assert_eq!(rank_commands(&commands, "", Screen::Zones), vec![1, 0, 2]);
        assert_eq!(rank_commands(&commands, "", Screen::Estate), vec![0, 1, 2]);
        assert_eq!(rank_commands(&commands, "zone", Screen::Estate), vec![1]);
        assert!(rank_commands(&commands, "qqqq", Screen::Estate).is_empty());
    }
}
