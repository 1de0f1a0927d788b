//! Louvain community detection: groups of nodes that talk more among themselves than the rest of
//! the graph would lead one to expect (modularity, resolution 1). Deterministic: nodes are visited
//! in index order, a node moves only for a strictly better gain, and equal gains go to the lowest
//! community.

/// An undirected weighted graph; self-loop weight kept apart.
struct Graph {
    /// Neighbours of each node (never itself), weights summed.
    adjacency: Vec<Vec<(u32, f64)>>,
    /// Weight of each node's edges to itself (each undirected edge once).
    own: Vec<f64>,
}

impl Graph {
    fn new(nodes: usize, edges: impl IntoIterator<Item = (u32, u32, f64)>) -> Graph {
        let mut adjacency: Vec<Vec<(u32, f64)>> = vec![Vec::new(); nodes];
        let mut own = vec![0.0; nodes];
        for (a, b, w) in edges {
            if a == b {
                own[a as usize] += w;
            } else {
                adjacency[a as usize].push((b, w));
                adjacency[b as usize].push((a, w));
            }
        }
        for list in &mut adjacency {
            list.sort_by_key(|&(n, _)| n);
            let mut merged: Vec<(u32, f64)> = Vec::with_capacity(list.len());
            for &(n, w) in list.iter() {
                match merged.last_mut() {
                    Some((last, total)) if *last == n => *total += w,
                    _ => merged.push((n, w)),
                }
            }
            *list = merged;
        }
        Graph { adjacency, own }
    }

    fn len(&self) -> usize {
        self.own.len()
    }

    /// Weighted degree: edges to others once, self-loops twice.
    fn degree(&self, node: usize) -> f64 {
        self.adjacency[node].iter().map(|(_, w)| w).sum::<f64>() + 2.0 * self.own[node]
    }

    /// One node per community, edges between communities summed.
    fn aggregate(&self, community: &[u32], count: usize) -> Graph {
        let mut edges = Vec::new();
        for (node, list) in self.adjacency.iter().enumerate() {
            let c = community[node];
            edges.push((c, c, self.own[node]));
            for &(other, w) in list.iter().filter(|(other, _)| *other as usize > node) {
                edges.push((c, community[other as usize], w));
            }
        }
        Graph::new(count, edges)
    }
}

/// The community of every node (numbered 0.. in order of their lowest node).
pub fn louvain(nodes: usize, edges: &[(u32, u32, f64)]) -> Vec<u32> {
    let mut graph = Graph::new(nodes, edges.iter().copied());
    let mut membership: Vec<u32> = (0..nodes as u32).collect();
    while let Some((local, count)) = one_level(&graph) {
        for m in &mut membership {
            *m = local[*m as usize];
        }
        graph = graph.aggregate(&local, count);
    }
    renumber(&mut membership);
    membership
}

/// Moves nodes between communities until no move improves modularity; `None` when none moved.
fn one_level(graph: &Graph) -> Option<(Vec<u32>, usize)> {
    let n = graph.len();
    let degree: Vec<f64> = (0..n).map(|i| graph.degree(i)).collect();
    let total: f64 = degree.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut community: Vec<u32> = (0..n as u32).collect();
    let mut community_degree = degree.clone();
    let mut to_community = vec![0.0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut moved_any = false;
    for _pass in 0..64 {
        let mut moved = false;
        for node in 0..n {
            let home = community[node];
            for &(other, w) in &graph.adjacency[node] {
                let c = community[other as usize];
                if to_community[c as usize] == 0.0 {
                    touched.push(c);
                }
                to_community[c as usize] += w;
            }
            community_degree[home as usize] -= degree[node];
            let gain = |c: u32| {
                to_community[c as usize] - community_degree[c as usize] * degree[node] / total
            };
            // Staying wins ties; among movers, the lowest community (visited first) does.
            let epsilon = 1e-12 * total;
            let mut best = (home, gain(home));
            touched.sort_unstable();
            for &c in &touched {
                let g = gain(c);
                if g > best.1 + epsilon {
                    best = (c, g);
                }
            }
            community_degree[best.0 as usize] += degree[node];
            if best.0 != home {
                community[node] = best.0;
                moved = true;
            }
            for c in touched.drain(..) {
                to_community[c as usize] = 0.0;
            }
        }
        if !moved {
            break;
        }
        moved_any = true;
    }
    if !moved_any {
        return None;
    }
    let count = renumber(&mut community);
    Some((community, count))
}

/// Renumbers communities 0.. in order of first appearance; returns how many there are.
fn renumber(community: &mut [u32]) -> usize {
    let mut map: Vec<u32> = vec![u32::MAX; community.len()];
    let mut next = 0;
    for c in community.iter_mut() {
        let slot = &mut map[*c as usize];
        if *slot == u32::MAX {
            *slot = next;
            next += 1;
        }
        *c = *slot;
    }
    next as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clique(nodes: &[u32], weight: f64) -> Vec<(u32, u32, f64)> {
        let mut edges = Vec::new();
        for (i, &a) in nodes.iter().enumerate() {
            for &b in &nodes[i + 1..] {
                edges.push((a, b, weight));
            }
        }
        edges
    }

    #[test]
    fn two_cliques_joined_by_one_light_edge_are_two_communities() {
        let mut edges = clique(&[0, 1, 2, 3], 10.0);
        edges.extend(clique(&[4, 5, 6, 7], 10.0));
        edges.push((3, 4, 1.0));
        let c = louvain(8, &edges);
        assert_eq!(c, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn heavy_weights_decide_between_interleaved_groups() {
        // 0-2-4 heavy, 1-3-5 heavy, light edges between neighbours by index.
        let mut edges = vec![(0, 2, 50.0), (2, 4, 50.0), (1, 3, 50.0), (3, 5, 50.0)];
        edges.extend([
            (0, 1, 1.0),
            (1, 2, 1.0),
            (2, 3, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
        ]);
        let c = louvain(6, &edges);
        assert_eq!(c[0], c[2]);
        assert_eq!(c[2], c[4]);
        assert_eq!(c[1], c[3]);
        assert_eq!(c[3], c[5]);
        assert_ne!(c[0], c[1]);
    }

    #[test]
    fn isolated_nodes_stay_alone_and_no_edges_means_singletons() {
        assert_eq!(louvain(3, &[]), vec![0, 1, 2]);
        let c = louvain(4, &[(0, 1, 5.0)]);
        assert_eq!(c, vec![0, 0, 1, 2]);
    }

    #[test]
    fn is_deterministic_and_independent_of_edge_order() {
        let mut edges = clique(&[0, 1, 2], 3.0);
        edges.extend(clique(&[3, 4, 5], 3.0));
        edges.extend([(2, 3, 0.5), (5, 0, 0.5)]);
        let first = louvain(6, &edges);
        edges.reverse();
        assert_eq!(louvain(6, &edges), first);
        assert_eq!(first, vec![0, 0, 0, 1, 1, 1]);
    }
}
