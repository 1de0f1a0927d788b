//! Planned reach of every class at once: the class graph (classes, zone hubs, rule hubs) is
//! condensed into strongly connected components (petgraph's Kosaraju, iterative), and each component's reach
//! is the union of its successors' as a bit set over classes, built sinks first. A component's
//! bit set is dropped once every component that needs it has read it.
//!
//! Nodes: classes; per zone a source (what a class of the zone may open) and a target (every
//! class of the zone); per rule a hub (its `to` classes). A class leads to its zone's source and
//! to the rules whose `from` holds it; a zone source leads to the targets of the zones it may
//! reach (intra-zone or east-west allow, or a zone left open); a target or rule hub leads to its
//! classes.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Blast;

/// Per class: members and crown jewels in the classes it reaches (in one step or more), and
/// whether it reaches itself.
pub(super) struct ClassReach {
    pub workloads: u64,
    pub jewels: u64,
    pub itself: bool,
}

impl Blast<'_> {
    pub(super) fn class_reach(&self) -> Vec<ClassReach> {
        let classes = &self.classes;
        let k = classes.members.len();
        let z = self.zones.names.len();
        let r = self.plan.rules.len();
        let source = |zone: usize| k + zone;
        let target = |zone: usize| k + z + zone;
        let rule = |index: usize| k + 2 * z + index;
        let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(k + 2 * z + r, 0);
        for _ in 0..k + 2 * z + r {
            graph.add_node(());
        }
        let edge = |graph: &mut DiGraph<(), ()>, a: usize, b: usize| {
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        };
        for class in 0..k {
            edge(&mut graph, class, source(classes.zone[class] as usize));
            for &rule_index in &classes.from_rules[class] {
                edge(&mut graph, class, rule(rule_index));
            }
        }
        let east_west = self.plan.defaults.east_west.allows();
        for from in 0..z {
            let intra = self.plan.intra_zone(self.zones.name(from as u32)).allows();
            for to in 0..z {
                let open = self.open.get(to).copied().unwrap_or(false);
                if open || if from == to { intra } else { east_west } {
                    edge(&mut graph, source(from), target(to));
                }
            }
            for &class in &classes.zone_classes[from] {
                edge(&mut graph, target(from), class as usize);
            }
        }
        for (rule_index, targets) in classes.rule_targets.iter().enumerate() {
            for &class in targets {
                edge(&mut graph, rule(rule_index), class as usize);
            }
        }
        self.reach_by_component(&graph, k)
    }

    fn reach_by_component(&self, graph: &DiGraph<(), ()>, k: usize) -> Vec<ClassReach> {
        let components = kosaraju_scc(graph);
        let mut component_of = vec![0usize; graph.node_count()];
        for (c, nodes) in components.iter().enumerate() {
            for node in nodes {
                component_of[node.index()] = c;
            }
        }
        // How many components still need each component's bit set.
        let mut readers = vec![0usize; components.len()];
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
        let mut last_seen = vec![usize::MAX; components.len()];
        for (c, nodes) in components.iter().enumerate() {
            for node in nodes {
                for next in graph.neighbors(*node) {
                    let d = component_of[next.index()];
                    if d != c && last_seen[d] != c {
                        last_seen[d] = c;
                        successors[c].push(d);
                        readers[d] += 1;
                    }
                }
            }
        }
        let words = k.div_ceil(64).max(1);
        let mut sets: Vec<Option<Vec<u64>>> = vec![None; components.len()];
        let mut out: Vec<ClassReach> = (0..k)
            .map(|_| ClassReach {
                workloads: 0,
                jewels: 0,
                itself: false,
            })
            .collect();
        let jewels: Vec<u64> = (0..k)
            .map(|c| {
                let members = &self.classes.members[c];
                members.iter().filter(|&&w| self.is_crown_jewel(w)).count() as u64
            })
            .collect();
        // Kosaraju gives components sinks first: every successor is done before its readers.
        for (c, nodes) in components.iter().enumerate() {
            let mut reach = vec![0u64; words];
            for &d in &successors[c] {
                if let Some(set) = &sets[d] {
                    reach.iter_mut().zip(set).for_each(|(a, b)| *a |= b);
                }
                for node in &components[d] {
                    set_class(&mut reach, node.index(), k);
                }
                readers[d] -= 1;
                if readers[d] == 0 {
                    sets[d] = None;
                }
            }
            let cyclic = nodes.len() > 1
                || graph
                    .neighbors(nodes[0])
                    .any(|next| next.index() == nodes[0].index());
            let mut with_own = reach.clone();
            if cyclic {
                for node in nodes {
                    set_class(&mut with_own, node.index(), k);
                }
            }
            let (mut workloads, mut jewel_count) = (0u64, 0u64);
            for (w, &word) in with_own.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let class = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    workloads += self.classes.members[class].len() as u64;
                    jewel_count += jewels[class];
                }
            }
            for node in nodes.iter().filter(|n| n.index() < k) {
                out[node.index()] = ClassReach {
                    workloads,
                    jewels: jewel_count,
                    itself: cyclic,
                };
            }
            if readers[c] > 0 {
                sets[c] = Some(with_own);
            }
        }
        out
    }
}

fn set_class(set: &mut [u64], node: usize, k: usize) {
    if node < k {
        set[node / 64] |= 1 << (node % 64);
    }
}
