//! Zone × zone matrix: observed edges per (client zone, server zone) with what the plan does to
//! them, computed with the plan on a worker; and the matrix screen's behaviour.

use crate::analysis::ResolvedEstate;
use crate::analysis::simulate::{RuleSides, Simulation, Verdict};
use crate::analysis::zones::ZoneMap;
use crate::model::plan::{Peer, Plan};

use super::effect::Effect;
use super::state::App;

/// What the plan does to one zone pair's traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatrixCell {
    /// Observed edges with accepted traffic (the ones the simulation evaluates).
    pub evaluated: u64,
    pub allowed: u64,
    pub denied: u64,
    /// Edges only ever rejected.
    pub blocked: u64,
    /// An enabled rule names this zone pair (`{zone: a}` → `{zone: b}`).
    pub ruled: bool,
}

/// How a cell is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStatus {
    NoTraffic,
    AllAllowed,
    SomeDenied,
    /// Rules allow the pair but nothing was observed.
    AllowedWithoutTraffic,
}

impl MatrixCell {
    pub fn status(&self) -> CellStatus {
        match (self.evaluated, self.denied) {
            (0, _) if self.ruled => CellStatus::AllowedWithoutTraffic,
            (0, _) => CellStatus::NoTraffic,
            (_, 0) => CellStatus::AllAllowed,
            _ => CellStatus::SomeDenied,
        }
    }
}

/// Rows are client zones, columns server zones, both in [`ZoneMap::names`] order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneMatrix {
    pub size: usize,
    pub cells: Vec<MatrixCell>,
    /// Service edge indices per cell.
    pub edges: Vec<Vec<u32>>,
}

impl ZoneMatrix {
    pub fn compute(
        estate: &ResolvedEstate,
        zones: &ZoneMap,
        plan: &Plan,
        simulation: &Simulation,
    ) -> ZoneMatrix {
        let size = zones.names.len();
        let mut matrix = ZoneMatrix {
            size,
            cells: vec![MatrixCell::default(); size * size],
            edges: vec![Vec::new(); size * size],
        };
        for (i, edge) in estate.service_edges.iter().enumerate() {
            let at =
                zones.zone_of(edge.client) as usize * size + zones.zone_of(edge.server) as usize;
            let (Some(cell), Some(list)) = (matrix.cells.get_mut(at), matrix.edges.get_mut(at))
            else {
                continue;
            };
            list.push(i as u32);
            match simulation.verdicts.get(i) {
                Some(Verdict::AlreadyBlocked) => cell.blocked += 1,
                _ if edge.stats.accepted == 0 => cell.blocked += 1,
                Some(Verdict::Denied) => {
                    (cell.evaluated, cell.denied) = (cell.evaluated + 1, cell.denied + 1)
                }
                Some(_) => (cell.evaluated, cell.allowed) = (cell.evaluated + 1, cell.allowed + 1),
                None => cell.evaluated += 1,
            }
        }
        for rule in plan.rules.iter().filter(|r| r.enabled) {
            if let (Peer::Zone(a), Peer::Zone(b)) = (&rule.from, &rule.to)
                && let (Some(a), Some(b)) = (zones.index(a), zones.index(b))
                && let Some(cell) = matrix.cells.get_mut(a as usize * size + b as usize)
            {
                cell.ruled = true;
            }
        }
        matrix
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<&MatrixCell> {
        (row < self.size && col < self.size)
            .then(|| self.cells.get(row * self.size + col))
            .flatten()
    }

    pub fn cell_edges(&self, row: usize, col: usize) -> &[u32] {
        (row < self.size && col < self.size)
            .then(|| self.edges.get(row * self.size + col))
            .flatten()
            .map_or(&[], Vec::as_slice)
    }
}

impl App {
    /// Moves the matrix cursor, staying inside the grid.
    pub(super) fn move_cell(&mut self, rows: isize, cols: isize) -> Vec<Effect> {
        let size = self.loaded.as_ref().map_or(0, |l| l.plan.matrix.size);
        let view = &mut self.matrix_view;
        let clamp = |at: usize, by: isize| at.saturating_add_signed(by).min(size.saturating_sub(1));
        view.row = clamp(view.row, rows);
        view.col = clamp(view.col, cols);
        Vec::new()
    }

    /// Lists the flows of the cell under the cursor with the rules allowing each.
    pub(super) fn open_cell(&mut self) -> Vec<Effect> {
        let Some(loaded) = self.loaded.clone() else {
            return Vec::new();
        };
        let view = &mut self.matrix_view;
        let edges = loaded.plan.matrix.cell_edges(view.row, view.col).to_vec();
        let plan = loaded.plan.plan.clone().unwrap_or_default();
        let mut sides = RuleSides::new(&plan, &loaded.estate, &loaded.plan.zones);
        let matching: Vec<Vec<usize>> = edges
            .iter()
            .map(|&i| {
                (loaded.estate.service_edges.get(i as usize))
                    .map(|edge| sides.matching_rules(edge))
                    .unwrap_or_default()
            })
            .collect();
        view.rules = matching
            .iter()
            .map(|rules| {
                let names: Vec<String> = rules.iter().map(|&r| plan.rule_name(r)).collect();
                names.join(", ")
            })
            .collect();
        view.rule_ids = matching
            .iter()
            .map(|rules| rules.first().copied())
            .collect();
        let reset = !view.flows.detail_open;
        view.flows.set_visible(
            edges.into_iter().map(|i| i as usize).collect(),
            reset,
            self.viewport.matrix_rows,
        );
        view.flows.detail_open = true;
        Vec::new()
    }

    /// Proposes a rule for the selected denied flow of the open cell, and saves the plan.
    pub(super) fn propose_rule(&mut self) -> Vec<Effect> {
        let Some(loaded) = self.loaded.clone() else {
            return Vec::new();
        };
        let view = &self.matrix_view;
        let Some(index) = view
            .flows
            .selected_item()
            .filter(|_| view.flows.detail_open)
        else {
            self.info("open a cell (Enter) and pick a denied flow first");
            return Vec::new();
        };
        let Some(mut plan) = self.current_plan().cloned() else {
            self.error("no plan yet — blastwall plan apply FILE");
            return Vec::new();
        };
        if loaded.plan.simulation.verdicts.get(index) != Some(&Verdict::Denied) {
            self.info("only a denied flow needs a rule");
            return Vec::new();
        }
        let Some(edge) = loaded.estate.service_edges.get(index) else {
            return Vec::new();
        };
        let name = plan.propose_rule(&loaded.estate, edge);
        self.save_plan(plan, format!("proposed rule {name}"))
    }
}
