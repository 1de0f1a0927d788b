//! Observed reach of every workload at once. The observed graph is condensed into strongly
//! connected components (petgraph's Kosaraju: iterative, so a long chain cannot overflow the
//! stack; components come sinks first). A component reaches the workloads of every component
//! downstream of it, kept as a bit set over workloads and built from its successors' sets. A
//! successor already in the set is skipped: everything it reaches is in the set already, and
//! successors are visited nearest first, so most of the graph's transitive edges cost nothing. A
//! set is dropped once every component that needs it has read it.
//!
//! Every member of a component reaches the same workloads: the component's downstream set, plus
//! the other members of the component (each reaches the others around a cycle).

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Blast;

/// Per workload: (reachable workloads, crown jewels among them), the workload excluded.
pub(super) type Counts = Vec<(u64, u64)>;

fn set(bits: &mut [u64], node: usize) {
    bits[node / 64] |= 1 << (node % 64);
}

fn has(bits: &[u64], node: usize) -> bool {
    bits[node / 64] & (1 << (node % 64)) != 0
}

/// The observed graph condensed: components sinks first, and each workload's component.
struct Condensed {
    components: Vec<Vec<NodeIndex<u32>>>,
    component_of: Vec<u32>,
}

/// How many of a set's workloads there are, and how many of them are crown jewels.
fn tally(bits: &[u64], jewels: &[u64]) -> (u64, u64) {
    let ones = |words: &mut dyn Iterator<Item = u64>| {
        words.map(|w| u64::from(w.count_ones())).sum::<u64>()
    };
    (
        ones(&mut bits.iter().copied()),
        ones(&mut bits.iter().zip(jewels).map(|(a, b)| a & b)),
    )
}

impl Blast<'_> {
    fn condense(&self) -> Condensed {
        let n = self.observed.len();
        let mut graph: DiGraph<(), (), u32> = DiGraph::with_capacity(n, 0);
        for _ in 0..n {
            graph.add_node(());
        }
        for (from, targets) in self.observed.iter().enumerate() {
            for &to in targets {
                graph.add_edge(NodeIndex::new(from), NodeIndex::new(to as usize), ());
            }
        }
        let components = kosaraju_scc(&graph);
        let mut component_of = vec![0u32; n];
        for (c, nodes) in components.iter().enumerate() {
            for node in nodes {
                component_of[node.index()] = c as u32;
            }
        }
        Condensed {
            components,
            component_of,
        }
    }

    /// Observed reach counts of every workload, by workload index.
    pub(super) fn observed_counts(&self) -> Counts {
        let n = self.observed.len();
        let Condensed {
            components,
            component_of,
        } = self.condense();
        let successors = self.successors(&components, &component_of);
        let mut readers = vec![0u32; components.len()];
        for &d in successors.iter().flatten() {
            readers[d as usize] += 1;
        }
        let words = n.div_ceil(64).max(1);
        let mut jewel_bits = vec![0u64; words];
        (0..n)
            .filter(|&w| self.is_crown_jewel(w as u32))
            .for_each(|w| set(&mut jewel_bits, w));
        let mut sets: Vec<Option<Vec<u64>>> = vec![None; components.len()];
        let mut counts: Counts = vec![(0, 0); n];
        for (c, nodes) in components.iter().enumerate() {
            let mut reach: Option<Vec<u64>> = None;
            for &d in &successors[c] {
                let d = d as usize;
                let bits = reach.get_or_insert_with(|| vec![0u64; words]);
                if !has(bits, components[d][0].index()) {
                    if let Some(theirs) = &sets[d] {
                        bits.iter_mut().zip(theirs).for_each(|(a, b)| *a |= b);
                    }
                    components[d]
                        .iter()
                        .for_each(|node| set(bits, node.index()));
                }
                readers[d] -= 1;
                if readers[d] == 0 {
                    sets[d] = None;
                }
            }
            let (workloads, jewels) = reach.as_deref().map_or((0, 0), |b| tally(b, &jewel_bits));
            let is_jewel = |node: &NodeIndex<u32>| self.is_crown_jewel(node.index() as u32);
            let own_jewels = nodes.iter().filter(|node| is_jewel(node)).count() as u64;
            for node in nodes {
                let others = nodes.len() as u64 - 1;
                counts[node.index()] = (
                    workloads + others,
                    jewels + own_jewels - u64::from(is_jewel(node)),
                );
            }
            if readers[c] > 0 {
                sets[c] = reach;
            }
        }
        counts
    }

    /// Each component's successor components, nearest first (highest index: components come
    /// sinks first, so a component is listed after everything it reaches).
    fn successors(
        &self,
        components: &[Vec<NodeIndex<u32>>],
        component_of: &[u32],
    ) -> Vec<Vec<u32>> {
        let mut last_seen = vec![u32::MAX; components.len()];
        components
            .iter()
            .enumerate()
            .map(|(c, nodes)| {
                let mut next = Vec::new();
                for node in nodes {
                    for &to in &self.observed[node.index()] {
                        let d = component_of[to as usize];
                        if d as usize != c && last_seen[d as usize] != c as u32 {
                            last_seen[d as usize] = c as u32;
                            next.push(d);
                        }
                    }
                }
                next.sort_unstable_by(|a, b| b.cmp(a));
                next
            })
            .collect()
    }
}
