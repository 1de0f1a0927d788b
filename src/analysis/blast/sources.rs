//! Planned reach from many starts at once: one breadth-first search over classes and hubs seeded
//! with the classes of every start. Zone sources, zone targets and rule hubs are each expanded at
//! most once, so the search costs zones squared plus classes plus rule targets, whatever the
//! number of starts.

use super::Blast;

impl Blast<'_> {
    /// Which workloads (by index) the starts hold or may reach in planned mode, in one step or
    /// more: `true` for every start and every workload some start reaches.
    pub fn planned_reach_from(&self, starts: &[u32]) -> Vec<bool> {
        let classes = &self.classes;
        let zone_count = self.zones.names.len();
        let mut class_seen = vec![false; classes.members.len()];
        let mut source_done = vec![false; zone_count];
        let mut target_done = vec![false; zone_count];
        let mut rule_done = vec![false; self.plan.rules.len()];
        let east_west = self.plan.defaults.east_west.allows();
        let mut queue: Vec<u32> = Vec::new();
        let mut out = vec![false; self.estate.workloads.len()];
        for &start in starts {
            if let Some(slot) = out.get_mut(start as usize) {
                *slot = true;
            }
            if let Some(&class) = classes.of.get(start as usize)
                && !class_seen[class as usize]
            {
                class_seen[class as usize] = true;
                queue.push(class);
            }
        }
        // Classes reached in one step or more; a start's own class counts only once reached.
        let mut reached = vec![false; classes.members.len()];
        while let Some(class) = queue.pop() {
            let mut discover = |c: u32, queue: &mut Vec<u32>| {
                reached[c as usize] = true;
                if !class_seen[c as usize] {
                    class_seen[c as usize] = true;
                    queue.push(c);
                }
            };
            let zone = classes.zone[class as usize] as usize;
            if !source_done[zone] {
                source_done[zone] = true;
                let intra = self.plan.intra_zone(self.zones.name(zone as u32)).allows();
                for (to, done) in target_done.iter_mut().enumerate() {
                    let open = self.open.get(to).copied().unwrap_or(false);
                    if !*done && (open || if to == zone { intra } else { east_west }) {
                        *done = true;
                        for &c in &classes.zone_classes[to] {
                            discover(c, &mut queue);
                        }
                    }
                }
            }
            for &r in &classes.from_rules[class as usize] {
                if !rule_done[r] {
                    rule_done[r] = true;
                    for &c in &classes.rule_targets[r] {
                        discover(c, &mut queue);
                    }
                }
            }
        }
        for (class, members) in classes.members.iter().enumerate() {
            if reached[class] {
                members.iter().for_each(|&w| out[w as usize] = true);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::resolve::resolve_estate;
    use crate::analysis::testkit::{TestResult, estate};
    use crate::analysis::zones::assign_zones;
    use crate::ingest::plan::parse_plan;

    const PLANS: [&str; 4] = [
        "zones:
  - {name: data, intra_zone: deny, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}, {namespace: web}]}
rules:
  - {from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
",
        "zones:
  - {name: data, members: [{labels: {tier: data}}]}
  - {name: web, intra_zone: deny, members: [{labels: {tier: web}}]}
rules:
  - {from: {workload: db-01}, to: {workload: dns-01}, ports: [udp/53]}
",
        "defaults: {east_west: allow, intra_zone: deny}
zones:
  - {name: data, members: [{labels: {tier: data}}]}
",
        "zones: []
rules: []
",
    ];

    /// From every set of starts (each single workload, each pair, all), the multi-source reach
    /// is the union of the single-start reaches, plus the starts.
    #[test]
    fn reach_from_many_starts_is_the_union_of_single_reaches() -> TestResult {
        let estate = resolve_estate(&estate());
        let n = estate.workloads.len() as u32;
        for text in PLANS {
            let plan = parse_plan(&format!("version: 1\n{text}"), "plan.yaml")?;
            let zones = assign_zones(&plan, &estate);
            let blast = Blast::new(&plan, &estate, &zones);
            let single: Vec<Vec<bool>> = (0..n)
                .map(|start| {
                    let (_, layers) = blast.planned_layers(start);
                    let mut mask = vec![false; n as usize];
                    layers
                        .iter()
                        .flatten()
                        .for_each(|&w| mask[w as usize] = true);
                    mask
                })
                .collect();
            let mut sets: Vec<Vec<u32>> = (0..n).map(|w| vec![w]).collect();
            sets.extend((0..n).flat_map(|a| (a + 1..n).map(move |b| vec![a, b])));
            sets.push((0..n).collect());
            sets.push(Vec::new());
            for starts in sets {
                let expected: Vec<bool> = (0..n as usize)
                    .map(|w| starts.iter().any(|&s| single[s as usize][w]))
                    .collect();
                assert_eq!(
                    blast.planned_reach_from(&starts),
                    expected,
                    "{starts:?}\n{text}"
                );
            }
        }
        Ok(())
    }
}
