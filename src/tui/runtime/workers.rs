//! Background jobs. Each opens its own workspace connection, owns its inputs and reports back
//! through the channel; none touches the app.

use crate::tui::ui::format::count;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread;

use crate::analysis::ResolvedEstate;
use crate::model::plan::Plan;
use crate::ops::{self, FileStatus, ImportOptions, ImportProgress, ImportReport};
use crate::store::Workspace;
use crate::tui::app::JobProgress;
use crate::tui::app::finder::FINDER_LIMIT;
use crate::tui::app::history::{HISTORY_LIMIT, Step};
use crate::tui::app::scenarios::ScenarioOp;
use crate::tui::app::{
    AppEvent, BlastReport, ExportWritten, LoadedEstate, PlanAnalysis, find_index,
};

use super::events::Msg;
use super::jobs;
use crate::analysis::scenario::plan_metrics;

/// Starts jobs against one workspace file.
pub struct Workers {
    workspace: PathBuf,
    tx: Sender<Msg>,
}

impl Workers {
    pub fn new(workspace: PathBuf, tx: Sender<Msg>) -> Workers {
        Workers { workspace, tx }
    }

    /// Loads and resolves the estate (narrowed to `window`) and builds its lookups
    /// (`EstateLoadJob`).
    pub fn load(&self, generation: u64, progress: Arc<JobProgress>, window: Window) {
        let path = self.workspace.clone();
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-load".into())
            .spawn(move || {
                let result = load_estate(&path, &progress, &window);
                let _ = tx.send(Msg::Worker(AppEvent::EstateLoaded { generation, result }));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the loading job ({e})"));
            let _ = self
                .tx
                .send(Msg::Worker(AppEvent::EstateLoaded { generation, result }));
        }
    }

    /// Computes one workload's reach in every mode (`ReachJob`) from the loaded estate and plan.
    pub fn reach(&self, generation: u64, workload: u32, loaded: Arc<LoadedEstate>) {
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-reach".into())
            .spawn(move || {
                let report = BlastReport::compute(&loaded.estate, &loaded.plan, workload);
                let result = Ok(Box::new(report));
                let _ = tx.send(Msg::Worker(AppEvent::ReachComputed { generation, result }));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the reach job ({e})"));
            let _ = self
                .tx
                .send(Msg::Worker(AppEvent::ReachComputed { generation, result }));
        }
    }

    /// Stores an edited plan and recomputes zones, simulation and ranking (`PlanSaveJob`).
    /// `summary` is what the history records for the edit.
    pub fn save_plan(
        &self,
        generation: u64,
        plan: Plan,
        source: Option<String>,
        estate: Arc<ResolvedEstate>,
        summary: String,
        progress: Arc<JobProgress>,
    ) {
        let path = self.workspace.clone();
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-plan".into())
            .spawn(move || {
                let result = save_plan(&path, plan, source, &estate, summary, &progress);
                let _ = tx.send(Msg::Worker(AppEvent::PlanSaved { generation, result }));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the plan job ({e})"));
            let _ = self
                .tx
                .send(Msg::Worker(AppEvent::PlanSaved { generation, result }));
        }
    }

    /// Writes the plan to its source file (`w` on Zones).
    pub fn write_plan(&self, plan: Plan, path: PathBuf) {
        let tx = self.tx.clone();
        let path = expand_home(&path);
        let spawned = thread::Builder::new()
            .name("blastwall-write".into())
            .spawn(move || {
                let result = ops::plan::write_plan_file(&plan, &path)
                    .map(|()| path.display().to_string())
                    .map_err(|e| one_line(&e.to_string()));
                let _ = tx.send(Msg::Worker(AppEvent::PlanWritten(result)));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the write job ({e})"));
            let _ = self.tx.send(Msg::Worker(AppEvent::PlanWritten(result)));
        }
    }

    /// Renders one export file of `plan` for the preview (`ExportPreviewJob`).
    pub fn preview_export(
        &self,
        generation: u64,
        name: String,
        plan: Plan,
        estate: Arc<ResolvedEstate>,
    ) {
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-preview".into())
            .spawn(move || {
                let result = preview_export(&estate, plan, &name);
                let _ = tx.send(Msg::Worker(AppEvent::ExportPreviewed {
                    generation,
                    result,
                }));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the preview job ({e})"));
            let _ = self.tx.send(Msg::Worker(AppEvent::ExportPreviewed {
                generation,
                result,
            }));
        }
    }

    /// Renders the named export files of `plan` and writes them into `out` (`ExportJob`).
    pub fn write_export(
        &self,
        out: PathBuf,
        names: Vec<String>,
        plan: Plan,
        estate: Arc<ResolvedEstate>,
        progress: Arc<JobProgress>,
    ) {
        let tx = self.tx.clone();
        let out = expand_home(&out);
        let spawned = thread::Builder::new()
            .name("blastwall-export".into())
            .spawn(move || {
                let result = write_export(&estate, plan, &out, &names, &progress);
                let _ = tx.send(Msg::Worker(AppEvent::ExportWritten(result)));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the export job ({e})"));
            let _ = self.tx.send(Msg::Worker(AppEvent::ExportWritten(result)));
        }
    }

    /// Searches the finder's items (`FindJob`): the estate's, and the zones and rules of `plan`.
    pub fn find(
        &self,
        generation: u64,
        query: String,
        plan: Option<Plan>,
        loaded: Arc<LoadedEstate>,
    ) {
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-find".into())
            .spawn(move || {
                let plan_items = plan
                    .as_ref()
                    .map(find_index::plan_items)
                    .unwrap_or_default();
                let (hits, total) =
                    find_index::search(&query, &loaded.find_items, &plan_items, FINDER_LIMIT);
                let _ = tx.send(Msg::Worker(AppEvent::Found {
                    generation,
                    hits,
                    total,
                }));
            });
        if spawned.is_err() {
            let _ = self.tx.send(Msg::Worker(AppEvent::Found {
                generation,
                hits: Vec::new(),
                total: 0,
            }));
        }
    }

    /// Runs a scenario operation (`ScenarioJob`).
    pub fn scenario(&self, op: ScenarioOp) {
        let path = self.workspace.clone();
        self.spawn("blastwall-scenario", move || {
            AppEvent::ScenarioDone(jobs::scenario_op(&path, op))
        });
    }

    /// Drafts a plan from the flows and stores it as a new scenario (`SuggestJob`).
    pub fn suggest(&self, estate: Arc<ResolvedEstate>, progress: Arc<JobProgress>) {
        let path = self.workspace.clone();
        self.spawn("blastwall-suggest", move || {
            AppEvent::ScenarioDone(jobs::suggest(&path, &estate, &progress))
        });
    }

    /// Lists the scenarios (`ScenarioListJob`).
    pub fn list_scenarios(&self) {
        let path = self.workspace.clone();
        self.spawn("blastwall-scenarios", move || {
            let result = Workspace::open(&path)
                .and_then(|w| ops::scenario::list(&w))
                .map_err(|e| one_line(&e.to_string()));
            AppEvent::Scenarios(result)
        });
    }

    /// Compares two scenarios (`CompareJob`), through the same window as the screens.
    pub fn compare(&self, a: String, b: String, window: Window) {
        let path = self.workspace.clone();
        self.spawn("blastwall-compare", move || {
            let result = (|| {
                let mut workspace = Workspace::open(&path).map_err(|e| one_line(&e.to_string()))?;
                ops::window::narrow(&mut workspace, window.0.as_deref(), window.1.as_deref())
                    .map_err(|e| one_line(&e.to_string()))?;
                ops::scenario::diff(&workspace, &a, Some(&b))
                    .map(Box::new)
                    .map_err(|e| one_line(&e.to_string()))
            })();
            AppEvent::Compared(result)
        });
    }

    /// Undo or redo, then recompute (`StepJob`).
    pub fn step(
        &self,
        generation: u64,
        which: Step,
        estate: Arc<ResolvedEstate>,
        progress: Arc<JobProgress>,
    ) {
        let path = self.workspace.clone();
        self.spawn("blastwall-undo", move || AppEvent::Stepped {
            generation,
            step: which,
            result: jobs::step(&path, which, &estate, &progress),
        });
    }

    /// Reads the audit trail (`HistoryJob`).
    pub fn history(&self) {
        let path = self.workspace.clone();
        self.spawn("blastwall-history", move || {
            let result = Workspace::open(&path)
                .and_then(|w| ops::history::history(&w, Some(HISTORY_LIMIT)))
                .map_err(|e| one_line(&e.to_string()));
            AppEvent::History(result)
        });
    }

    /// Runs `job` on a thread of its own and sends its report; a thread that cannot start is
    /// reported in the status line.
    fn spawn(&self, name: &str, job: impl FnOnce() -> AppEvent + Send + 'static) {
        let tx = self.tx.clone();
        let spawned = thread::Builder::new().name(name.into()).spawn(move || {
            let _ = tx.send(Msg::Worker(job()));
        });
        if let Err(e) = spawned {
            let _ = self.tx.send(Msg::Worker(AppEvent::ScenarioDone(Err(format!(
                "cannot start a job ({e})"
            )))));
        }
    }

    /// Imports files (`ImportJob`), reporting progress through `progress`.
    pub fn import(&self, paths: Vec<PathBuf>, progress: Arc<ImportProgress>) {
        let path = self.workspace.clone();
        let tx = self.tx.clone();
        let spawned = thread::Builder::new()
            .name("blastwall-import".into())
            .spawn(move || {
                let paths: Vec<PathBuf> = paths.iter().map(|p| expand_home(p)).collect();
                let result = import(&path, &paths, &progress);
                let _ = tx.send(Msg::Worker(AppEvent::ImportFinished(result)));
            });
        if let Err(e) = spawned {
            let result = Err(format!("cannot start the import job ({e})"));
            let _ = self.tx.send(Msg::Worker(AppEvent::ImportFinished(result)));
        }
    }
}

pub(super) const CANCELLED: &str = "cancelled";

/// The time window as typed: since, until.
pub type Window = (Option<String>, Option<String>);

fn load_estate(
    path: &Path,
    progress: &JobProgress,
    window: &Window,
) -> Result<Box<LoadedEstate>, String> {
    progress.stage("reading the workspace");
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let narrowed = ops::window::narrow(&mut workspace, window.0.as_deref(), window.1.as_deref())
        .map_err(|e| one_line(&e.to_string()))?;
    let estate = ops::load_resolved(&workspace).map_err(|e| one_line(&e.to_string()))?;
    let scenario = workspace
        .active_scenario()
        .map_err(|e| one_line(&e.to_string()))?;
    let stored = workspace
        .load_plan()
        .map_err(|e| one_line(&e.to_string()))?;
    let (plan, source) = stored.map_or((None, None), |(plan, source)| (Some(plan), source));
    let analysis = PlanAnalysis::compute_with(&estate, plan, source, progress).ok_or(CANCELLED)?;
    if !progress.stage("indexing for the finder") {
        return Err(CANCELLED.into());
    }
    let baseline = if scenario == ops::scenario::BASELINE {
        None
    } else {
        let stored = workspace
            .load_plan_of(ops::scenario::BASELINE)
            .map_err(|e| one_line(&e.to_string()))?;
        stored.map(|(plan, _)| plan_metrics(&plan, &estate))
    };
    let mut loaded = LoadedEstate::with_plan(Arc::new(estate), analysis);
    loaded.scenario = scenario;
    loaded.baseline = baseline;
    loaded.window_note = narrowed.map(|(window, report)| ops::window::note(&window, &report));
    Ok(Box::new(loaded))
}

fn save_plan(
    path: &Path,
    plan: Plan,
    source: Option<String>,
    estate: &ResolvedEstate,
    summary: String,
    progress: &JobProgress,
) -> Result<Box<PlanAnalysis>, String> {
    progress.stage("saving the plan");
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let change = ops::history::change("edit", summary);
    workspace
        .save_plan(&plan, source.as_deref(), &change)
        .map_err(|e| one_line(&e.to_string()))?;
    let analysis =
        PlanAnalysis::compute_with(estate, Some(plan), source, progress).ok_or(CANCELLED)?;
    Ok(Box::new(analysis))
}

/// The estate seen through `plan`, as the export use case takes it.
fn export_view(estate: &ResolvedEstate, plan: Plan) -> ops::plan_view::PlanView {
    let zones = crate::analysis::zones::assign_zones(&plan, estate);
    ops::plan_view::PlanView {
        estate: estate.clone(),
        plan: Some(plan),
        zones,
    }
}

/// One export file of `plan` rendered to text (the preview job's work).
pub fn preview_export(estate: &ResolvedEstate, plan: Plan, name: &str) -> Result<String, String> {
    let view = export_view(estate, plan);
    ops::export::preview(&view, name).map_err(|e| one_line(&e.to_string()))
}

/// The named export files of `plan` rendered and written into `out` (the export job's work).
pub fn write_export(
    estate: &ResolvedEstate,
    plan: Plan,
    out: &Path,
    names: &[String],
    progress: &JobProgress,
) -> Result<ExportWritten, String> {
    if names.is_empty() {
        return Err("no file chosen".into());
    }
    let view = export_view(estate, plan);
    let mut rendered = Vec::new();
    for name in names {
        if !progress.stage(&format!("rendering {name}")) {
            return Err("export cancelled; nothing was written".into());
        }
        let files = ops::export::render_view(&view, &[name.as_str()])
            .map_err(|e| one_line(&e.to_string()))?;
        rendered.extend(files);
    }
    if !progress.stage("writing the files") {
        return Err("export cancelled; nothing was written".into());
    }
    let report = ops::export::write_files(out, &rendered).map_err(|e| one_line(&e.to_string()))?;
    Ok(ExportWritten {
        out: report.out.display().to_string(),
        files: report
            .files
            .iter()
            .map(|f| (f.name.clone(), f.bytes))
            .collect(),
    })
}

fn import(path: &Path, paths: &[PathBuf], progress: &ImportProgress) -> Result<String, String> {
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let report = ops::import_paths(&mut workspace, paths, ImportOptions::default(), progress)
        .map_err(|e| one_line(&e.to_string()))?;
    Ok(summary(&report))
}

/// A one-line account of an import for the status line.
pub fn summary(report: &ImportReport) -> String {
    let done =
        |f: &&ops::FileOutcome| matches!(f.status, FileStatus::Imported | FileStatus::Reimported);
    let imported: Vec<&ops::FileOutcome> = report.files.iter().filter(done).collect();
    let already = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::AlreadyImported)
        .count();
    let unrecognised = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Unrecognised)
        .count();
    let workloads: u64 = imported.iter().map(|f| f.workloads).sum();
    let records: u64 = imported.iter().map(|f| f.flow_records).sum();
    let files = if imported.len() == 1 { "file" } else { "files" };
    let mut text = format!(
        "imported {} {files}: {} workload records, {} flow records",
        imported.len(),
        count(workloads),
        count(records)
    );
    if already > 0 {
        text.push_str(&format!("; {already} already imported"));
    }
    if unrecognised > 0 {
        text.push_str(&format!("; {unrecognised} not recognised"));
    }
    if !report.conflicts.is_empty() {
        text.push_str(&format!(
            "; {} attribute conflicts settled",
            report.conflicts.len()
        ));
    }
    text
}

/// A multi-line error (message, then hints) on one line.
pub(super) fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `~/x` means the home directory's `x`, as in a shell.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}
