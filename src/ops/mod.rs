//! Use cases shared by the CLI and the TUI. Blocking functions; the TUI runs them on a worker.

pub mod check;
pub mod demo;
pub mod estate;
pub mod export;
pub mod history;
pub mod import;
pub mod imports;
pub mod lint;
pub mod plan;
pub mod plan_view;
pub mod rollout;
pub mod scenario;
pub mod suggest;
pub mod window;
pub mod workspace;

pub use estate::{load_resolved, stats};
pub use import::{
    FileOutcome, FileStatus, ImportError, ImportOptions, ImportProgress, ImportReport, import_paths,
};
pub use workspace::{WorkspaceChoice, choose_workspace};
