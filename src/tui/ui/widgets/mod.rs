//! Pieces the screens share: windowed tables, the help overlay, the input line, the status line.

pub mod block_editor;
pub mod finder;
pub mod help;
pub mod line_editor;
pub mod overlay;
pub mod prompt;
pub mod status;
pub mod table;
pub mod workshop;

pub use block_editor::BlockEditor;
pub use line_editor::LineEditor;
