//! Validation of the raw plan into the model: names, enumerations, references and ports. Every
//! error carries the line of the node it is about.

use std::collections::{HashMap, HashSet};

use super::locate::{Seg, field, join, line_of};
use super::{PORT_FORMS, RawDefaults, RawEvidence, RawPlan, RawRule, RawZone, parse_port};
use super::{selector, with_line};
use crate::ingest::error::{InputError, shown};
use crate::model::plan::{
    Defaults, Evidence, PSEUDO_ZONES, Plan, Policy, PortSpec, Rule, RuleStatus, Sensitivity, Zone,
};
use Seg::{Index, Key};

/// Validates against the text the raw plan was read from (for lines).
pub(super) struct Checker<'t> {
    pub text: &'t str,
}

impl Checker<'_> {
    /// An error about the node at `at`, at its line.
    pub fn fail(
        &self,
        at: &[Seg],
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> InputError {
        let error = InputError::new(expected, found).field(field(at));
        with_line(error, line_of(self.text, at))
    }

    pub fn plan(&self, raw: RawPlan) -> Result<Plan, InputError> {
        let defaults = self.defaults(raw.defaults.as_ref())?;
        let zones = self.zones(raw.zones.as_deref().unwrap_or_default())?;
        let rules = self.rules(raw.rules.as_deref().unwrap_or_default(), &zones)?;
        let known = known_zones(&zones);
        let phases = raw.phases.as_deref().unwrap_or_default();
        let phases = self.phases(phases, &known, &zones)?;
        let guardrails = raw.guardrails.as_deref().unwrap_or_default();
        let guardrails = self.guardrails(guardrails, &known, &zones)?;
        Ok(Plan {
            defaults,
            zones,
            rules,
            phases,
            guardrails,
        })
    }

    fn defaults(&self, raw: Option<&RawDefaults>) -> Result<Defaults, InputError> {
        let base = Defaults::default();
        let Some(raw) = raw else {
            return Ok(base);
        };
        let policy = |text: &Option<String>, key, default| match text {
            Some(text) => self.policy(text, &[Key("defaults"), Key(key)]),
            None => Ok(default),
        };
        Ok(Defaults {
            east_west: policy(&raw.east_west, "east_west", base.east_west)?,
            intra_zone: policy(&raw.intra_zone, "intra_zone", base.intra_zone)?,
        })
    }

    fn policy(&self, text: &str, at: &[Seg]) -> Result<Policy, InputError> {
        match text {
            "allow" => Ok(Policy::Allow),
            "deny" => Ok(Policy::Deny),
            _ => Err(self.fail(at, "allow or deny", shown(text.as_bytes()))),
        }
    }

    fn zones(&self, raw: &[RawZone]) -> Result<Vec<Zone>, InputError> {
        let mut first = HashMap::new();
        let mut zones = Vec::with_capacity(raw.len());
        for (index, zone) in raw.iter().enumerate() {
            let at = [Key("zones"), Index(index)];
            self.zone_name(&zone.name, index, &mut first)?;
            let sensitivity = match zone.sensitivity.as_deref() {
                None => Sensitivity::default(),
                Some(text) => self.sensitivity(text, &join(&at, &[Key("sensitivity")]))?,
            };
            let intra_zone = zone.intra_zone.as_deref().map(|text| {
                let at = join(&at, &[Key("intra_zone")]);
                self.policy(text, &at)
            });
            let members = zone.members.as_deref().unwrap_or_default().iter();
            let members = members.enumerate().map(|(n, member)| {
                selector::member(self, member, &join(&at, &[Key("members"), Index(n)]))
            });
            zones.push(Zone {
                name: zone.name.clone(),
                sensitivity,
                intra_zone: intra_zone.transpose()?,
                description: zone.description.clone(),
                note: zone.note.clone(),
                members: members.collect::<Result<_, _>>()?,
            });
        }
        Ok(zones)
    }

    fn zone_name<'r>(
        &self,
        name: &'r str,
        index: usize,
        first: &mut HashMap<&'r str, usize>,
    ) -> Result<(), InputError> {
        let at = [Key("zones"), Index(index), Key("name")];
        if name.trim().is_empty() {
            return Err(self.fail(&at, "a zone name", "an empty name"));
        }
        let reserved = PSEUDO_ZONES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(name.trim()));
        if let Some(pseudo) = reserved {
            let found = format!("{}, the name of a pseudo-zone", shown(name.as_bytes()));
            let expected = "a zone name other than internet, unmanaged and unassigned";
            return Err(self.fail(&at, expected, found).hint(format!(
                "{pseudo} is in every plan without being declared (internet: unresolved public \
                 addresses; unmanaged: unresolved private ones; unassigned: workloads no zone \
                 claims) and rules may name it as {{zone: {pseudo}}}; give this zone another name"
            )));
        }
        if let Some(&earlier) = first.get(name) {
            let line = line_of(self.text, &[Key("zones"), Index(earlier), Key("name")]);
            let on = line
                .map(|l| format!(" (first on line {l})"))
                .unwrap_or_default();
            let found = format!("{} declared twice{on}", shown(name.as_bytes()));
            return Err(self
                .fail(&at, "a unique zone name", found)
                .hint("rename one of the zones, or merge their members into one"));
        }
        first.insert(name, index);
        Ok(())
    }

    fn sensitivity(&self, text: &str, at: &[Seg]) -> Result<Sensitivity, InputError> {
        match text {
            "low" => Ok(Sensitivity::Low),
            "medium" => Ok(Sensitivity::Medium),
            "high" => Ok(Sensitivity::High),
            "critical" => Ok(Sensitivity::Critical),
            _ => Err(self.fail(at, "low, medium, high or critical", shown(text.as_bytes()))),
        }
    }

    fn rules(&self, raw: &[RawRule], zones: &[Zone]) -> Result<Vec<Rule>, InputError> {
        let known = known_zones(zones);
        let mut first = HashMap::new();
        let mut rules = Vec::with_capacity(raw.len());
        for (index, rule) in raw.iter().enumerate() {
            if let Some(name) = &rule.name {
                self.rule_name(raw, name, index, &mut first)?;
            }
            rules.push(self.rule(rule, index, &known, zones)?);
        }
        Ok(rules)
    }

    /// Named rules: not empty, unique, and not the implicit `rule-N` of another, unnamed rule.
    fn rule_name<'r>(
        &self,
        raw: &[RawRule],
        name: &'r str,
        index: usize,
        first: &mut HashMap<&'r str, usize>,
    ) -> Result<(), InputError> {
        let at = [Key("rules"), Index(index), Key("name")];
        let found = shown(name.as_bytes());
        if name.trim().is_empty() {
            let error = self.fail(&at, "a rule name", "an empty name");
            return Err(error.hint("leave the name out and the rule is called rule-N"));
        }
        if let Some(&earlier) = first.get(name) {
            let line = line_of(self.text, &[Key("rules"), Index(earlier), Key("name")]);
            let on = line
                .map(|l| format!(" (first on line {l})"))
                .unwrap_or_default();
            let error = self.fail(&at, "a unique rule name", format!("{found} used twice{on}"));
            return Err(error.hint("rename one of the rules"));
        }
        let implicit = name
            .strip_prefix("rule-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| format!("rule-{n}") == name && n != index + 1)
            .filter(|&n| raw.get(n.wrapping_sub(1)).is_some_and(|r| r.name.is_none()));
        if let Some(n) = implicit {
            let expected = "a rule name unlike the implicit name of an unnamed rule";
            let found = format!("{found}, the name unnamed rule {n} goes by");
            return Err(self
                .fail(&at, expected, found)
                .hint(format!("give rule {n} a name, or this rule another one")));
        }
        first.insert(name, index);
        Ok(())
    }

    fn rule(
        &self,
        rule: &RawRule,
        index: usize,
        known: &HashSet<&str>,
        zones: &[Zone],
    ) -> Result<Rule, InputError> {
        let at = [Key("rules"), Index(index)];
        let side = |key, value| selector::peer(self, value, &join(&at, &[Key(key)]), known, zones);
        let from = side("from", &rule.from)?;
        let to = side("to", &rule.to)?;
        let ports = self.ports(rule.ports.as_deref(), &at)?;
        let status = match rule.status.as_deref() {
            None | Some("approved") => RuleStatus::Approved,
            Some("proposed") => RuleStatus::Proposed,
            Some(other) => {
                let at = join(&at, &[Key("status")]);
                let error = self.fail(&at, "approved or proposed", shown(other.as_bytes()));
                return Err(error.hint(
                    "both count in the simulation; to keep a rule out of it, write enabled: false",
                ));
            }
        };
        Ok(Rule {
            name: rule.name.clone(),
            from,
            to,
            ports,
            justification: rule.justification.clone(),
            owner: rule.owner.clone(),
            status,
            enabled: rule.enabled.unwrap_or(true),
            baseline: rule.baseline.unwrap_or(false),
            note: rule.note.clone(),
            evidence: rule.evidence.as_ref().map(evidence),
        })
    }

    pub(super) fn ports(
        &self,
        ports: Option<&[String]>,
        at: &[Seg],
    ) -> Result<Vec<PortSpec>, InputError> {
        let hint = "list what the rule allows, such as ports: [tcp/443]; ports: [any] allows all";
        let Some(ports) = ports else {
            return Err(self.fail(at, "the required key ports", "none").hint(hint));
        };
        let at = join(at, &[Key("ports")]);
        if ports.is_empty() {
            return Err(self
                .fail(&at, "at least one port", "an empty list")
                .hint(hint));
        }
        let expected = format!("a port: {PORT_FORMS}");
        let parse = |(n, text): (usize, &String)| {
            parse_port(text).map_err(|found| {
                let error = self.fail(&join(&at, &[Index(n)]), expected.as_str(), found);
                error.hint(port_hint(text))
            })
        };
        ports.iter().enumerate().map(parse).collect()
    }
}

/// Declared zones and pseudo-zones: what a rule side or a phase may name.
fn known_zones(zones: &[Zone]) -> HashSet<&str> {
    zones
        .iter()
        .map(|z| z.name.as_str())
        .chain(PSEUDO_ZONES)
        .collect()
}

fn evidence(raw: &RawEvidence) -> Evidence {
    Evidence {
        edges: raw.edges,
        records: raw.records,
        first_seen: raw.first_seen.clone(),
        last_seen: raw.last_seen.clone(),
        sources: raw.sources.clone().unwrap_or_default(),
    }
}

fn port_hint(text: &str) -> String {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return format!("a port needs its protocol: tcp/{text} or udp/{text}");
    }
    if text.to_ascii_lowercase().starts_with("icmp") {
        return "icmp and icmpv6 take no port or type: write icmp or icmpv6".into();
    }
    "ports are 0-65535, ranges low-high, such as tcp/443, udp/53, tcp/8000-8100".into()
}
