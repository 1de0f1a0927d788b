//! Where things were drawn, for the mouse: the tabs and the rows of each list. Drawing records
//! them (one frame's worth, on the drawing thread); the runtime asks which is under a click.

use std::cell::RefCell;

use ratatui::layout::{Position, Rect};

use crate::tui::app::{ListId, Screen};

/// One list's rows on screen: the area of its data rows and the list position of the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsHit {
    pub rows: Rect,
    pub first: usize,
    pub len: usize,
    pub list: ListId,
}

/// The clickable places of the last frame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitMap {
    pub tabs: Vec<(Rect, Screen)>,
    pub lists: Vec<RowsHit>,
    /// The Export screen's preview (the wheel scrolls it).
    pub preview: Option<Rect>,
}

/// What is under the pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Tab(Screen),
    Row(ListId, usize),
    Preview,
}

impl HitMap {
    /// The innermost thing at a cell: the lists recorded last (overlays) win.
    pub fn at(&self, column: u16, row: u16) -> Option<Hit> {
        let point = Position::new(column, row);
        if let Some(hit) = self.lists.iter().rev().find(|h| h.rows.contains(point)) {
            let position = hit.first + usize::from(row - hit.rows.y);
            return (position < hit.len).then_some(Hit::Row(hit.list, position));
        }
        if self.preview.is_some_and(|r| r.contains(point)) {
            return Some(Hit::Preview);
        }
        self.tabs
            .iter()
            .find(|(r, _)| r.contains(point))
            .map(|(_, s)| Hit::Tab(*s))
    }
}

thread_local! {
    static HITS: RefCell<HitMap> = RefCell::new(HitMap::default());
}

/// Starts a frame.
pub fn clear() {
    HITS.with(|h| *h.borrow_mut() = HitMap::default());
}

/// An overlay covers the screen: nothing under it can be clicked.
pub fn cover() {
    HITS.with(|h| {
        let mut map = h.borrow_mut();
        map.lists.clear();
        map.preview = None;
        map.tabs.clear();
    });
}

pub fn tab(area: Rect, screen: Screen) {
    HITS.with(|h| h.borrow_mut().tabs.push((area, screen)));
}

pub fn rows(hit: RowsHit) {
    HITS.with(|h| h.borrow_mut().lists.push(hit));
}

pub fn preview(area: Rect) {
    HITS.with(|h| h.borrow_mut().preview = Some(area));
}

/// The last frame's map.
pub fn snapshot() -> HitMap {
    HITS.with(|h| h.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_recorded_list_wins_and_rows_past_the_end_miss() {
        let mut map = HitMap::default();
        map.tabs.push((Rect::new(0, 0, 10, 1), Screen::Flows));
        map.lists.push(RowsHit {
            rows: Rect::new(0, 2, 40, 10),
            first: 5,
            len: 8,
            list: ListId::Flows,
        });
        map.lists.push(RowsHit {
            rows: Rect::new(10, 4, 10, 3),
            first: 0,
            len: 3,
            list: ListId::Overlay,
        });
        assert_eq!(map.at(3, 0), Some(Hit::Tab(Screen::Flows)));
        assert_eq!(map.at(1, 3), Some(Hit::Row(ListId::Flows, 6)));
        assert_eq!(map.at(12, 5), Some(Hit::Row(ListId::Overlay, 1)));
        assert_eq!(map.at(1, 5), None, "position 8 is past the end");
        assert_eq!(map.at(50, 20), None);
    }
}
