//! Planned reach over classes of workloads and hubs: a class reaches every class of a zone it may
//! talk to (intra-zone or east-west allow) and every class on the `to` side of a rule whose `from`
//! side holds it. Each zone and each rule is expanded once per search, so a search costs the
//! number of classes plus rule targets, never classes squared.

use super::Blast;

/// Classes found from one start, layer by layer.
pub(super) struct ClassSearch {
    /// Classes first reached at hop 1, 2, …, each layer in order of its best path.
    pub layers: Vec<Vec<u32>>,
    /// Each class's parent class; `None` for the start (or an unreached class).
    pub parent: Vec<Option<u32>>,
}

impl Blast<'_> {
    /// The member of a class that stands for it in paths: its first by name, the start excluded.
    fn representative(&self, class: u32, start: u32) -> Option<u32> {
        self.classes.members[class as usize]
            .iter()
            .copied()
            .find(|&w| w != start)
    }

    pub(super) fn search_classes(&self, start: u32) -> ClassSearch {
        let classes = &self.classes;
        let home = classes.of[start as usize];
        let k = classes.members.len();
        let mut discovered = vec![false; k];
        let mut parent = vec![None; k];
        let mut zone_done = vec![false; self.zones.names.len()];
        let mut source_done = vec![false; self.zones.names.len()];
        let mut rule_done = vec![false; self.plan.rules.len()];
        let east_west = self.plan.defaults.east_west.allows();
        let mut layers: Vec<Vec<u32>> = Vec::new();
        let mut current: Vec<Option<u32>> = vec![None];
        loop {
            let mut next: Vec<(usize, u32, u32)> = Vec::new();
            for (position, &node) in current.iter().enumerate() {
                let class = node.unwrap_or(home) as usize;
                let zone = classes.zone[class] as usize;
                let mut discover = |c: u32| {
                    if discovered[c as usize] {
                        return;
                    }
                    if let Some(rep) = self.representative(c, start) {
                        discovered[c as usize] = true;
                        parent[c as usize] = node;
                        next.push((position, self.rank[rep as usize], c));
                    }
                };
                // Classes of one zone reach the same zones: the first one expands them.
                if !source_done[zone] {
                    source_done[zone] = true;
                    let intra = self.plan.intra_zone(self.zones.name(zone as u32)).allows();
                    for (z, done) in zone_done.iter_mut().enumerate() {
                        let open = self.open.get(z).copied().unwrap_or(false);
                        let reachable = open || if z == zone { intra } else { east_west };
                        if reachable && !*done {
                            *done = true;
                            classes.zone_classes[z].iter().for_each(|&c| discover(c));
                        }
                    }
                }
                for &r in &classes.from_rules[class] {
                    if !rule_done[r] {
                        rule_done[r] = true;
                        classes.rule_targets[r].iter().for_each(|&c| discover(c));
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            next.sort_unstable();
            let layer: Vec<u32> = next.into_iter().map(|(_, _, c)| c).collect();
            current = layer.iter().map(|&c| Some(c)).collect();
            layers.push(layer);
        }
        ClassSearch { layers, parent }
    }

    /// Workload layers and parents from a class search.
    pub(super) fn planned_layers(&self, start: u32) -> (Vec<Option<u32>>, Vec<Vec<u32>>) {
        let search = self.search_classes(start);
        let mut parent = vec![None; self.estate.workloads.len()];
        let mut layers = vec![vec![start]];
        for layer in &search.layers {
            let mut workloads = Vec::new();
            for &class in layer {
                let via = match search.parent[class as usize] {
                    None => start,
                    Some(p) => self.representative(p, start).unwrap_or(start),
                };
                for &w in self.classes.members[class as usize]
                    .iter()
                    .filter(|&&w| w != start)
                {
                    parent[w as usize] = Some(via);
                    workloads.push(w);
                }
            }
            layers.push(workloads);
        }
        (parent, layers)
    }
}
