//! A scrollable, filterable list: the rows it shows, the selection and the scroll offset.

/// The state of one list screen. `visible` holds indices into the estate's own vectors, in
/// display order; `selected` and `offset` are positions in `visible`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListView {
    pub filter: String,
    pub filter_focused: bool,
    pub visible: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub detail_open: bool,
}

impl ListView {
    /// The estate index of the selected row.
    pub fn selected_item(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// Selects the row at `target` (clamped) and scrolls it into a window of `page` rows.
    pub fn select(&mut self, target: usize, page: usize) {
        if self.visible.is_empty() {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = target.min(self.visible.len() - 1);
        self.scroll_into_view(page);
    }

    /// Moves the selection by `delta` rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, page);
    }

    /// Replaces the rows; `reset` starts again at the top (a new filter), otherwise the
    /// selection stays where it was, as far as the new rows allow (new data).
    pub fn set_visible(&mut self, visible: Vec<usize>, reset: bool, page: usize) {
        self.visible = visible;
        if reset {
            self.offset = 0;
            self.select(0, page);
        } else {
            self.select(self.selected, page);
        }
    }

    /// Applies a movement (arrows, pages, first/last row, the wheel, a click on a row) with a
    /// window of `page` rows; `false` for any other action, which is left to the caller.
    pub fn navigate(&mut self, action: &super::Action, page: usize) -> bool {
        use super::Action;
        let jump = page.max(1) as isize;
        match action {
            Action::MoveUp => self.move_by(-1, page),
            Action::MoveDown => self.move_by(1, page),
            Action::PageUp => self.move_by(-jump, page),
            Action::PageDown => self.move_by(jump, page),
            Action::Wheel(lines) => self.move_by(*lines, page),
            Action::Top => self.select(0, page),
            Action::Bottom => self.select(usize::MAX, page),
            Action::ClickRow { position, .. } => self.select(*position, page),
            _ => return false,
        }
        true
    }

    fn scroll_into_view(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(self.visible.len().saturating_sub(page));
    }
}

/// The first row to draw for a window of `height` rows: the stored offset, moved as little as
/// needed to keep the selection visible.
pub fn window_start(selected: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

/// A text view's first line after a movement (arrows, pages, first/last, the wheel), kept so
/// that a window of `page` lines out of `lines` stays full; `None` for any other action.
pub fn scrolled(action: &super::Action, offset: usize, page: usize, lines: usize) -> Option<usize> {
    use super::Action;
    let page = page.max(1);
    let last = lines.saturating_sub(page);
    let to = match action {
        Action::MoveDown => offset + 1,
        Action::MoveUp => offset.saturating_sub(1),
        Action::Wheel(n) => offset.saturating_add_signed(*n),
        Action::PageDown => offset + page,
        Action::PageUp => offset.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    };
    Some(to.min(last))
}
