//! Validation of the rollout part of a plan: phases with their exit criteria, and guardrails.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

use super::check::Checker;
use super::locate::{Seg, join, line_of};
use super::selector::{self, describe};
use crate::ingest::error::{InputError, shown};
use crate::model::network::Enforcement;
use crate::model::plan::Zone;
use crate::model::rollout::{Check, Criterion, Guardrail, Phase, PhaseMode, Tick};
use Seg::{Index, Key};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhase {
    name: String,
    zones: Option<Vec<String>>,
    enforcement: Option<Vec<String>>,
    mode: Option<String>,
    target_date: Option<String>,
    owner: Option<String>,
    description: Option<String>,
    exit_criteria: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGuardrail {
    name: Option<String>,
    from: Value,
    to: Value,
    ports: Option<Vec<String>>,
    note: Option<String>,
}

const ENFORCEMENT_LIST: &str = "security-group, networkpolicy, cilium, mesh, host-firewall or nac";
const CHECK_LIST: &str =
    "no_denied_flows, rules_owned, no_blind_spots, observation_days or max_planned_blast";

impl Checker<'_> {
    pub(super) fn phases(
        &self,
        raw: &[RawPhase],
        known: &HashSet<&str>,
        zones: &[Zone],
    ) -> Result<Vec<Phase>, InputError> {
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut phases = Vec::with_capacity(raw.len());
        for (index, phase) in raw.iter().enumerate() {
            let at = [Key("phases"), Index(index)];
            self.unique_name(&phase.name, &join(&at, &[Key("name")]), &mut first, "phase")?;
            let mode = match phase.mode.as_deref() {
                None => PhaseMode::default(),
                Some(text) => PhaseMode::parse(text).ok_or_else(|| {
                    let error = self.fail(
                        &join(&at, &[Key("mode")]),
                        "observe or enforce",
                        shown(text.as_bytes()),
                    );
                    error.hint("observe logs only (audit mode); enforce applies default-deny")
                })?,
            };
            if let Some(date) = &phase.target_date {
                self.date(date, &join(&at, &[Key("target_date")]))?;
            }
            let criteria = phase.exit_criteria.as_deref().unwrap_or_default();
            let criteria = criteria.iter().enumerate().map(|(n, value)| {
                self.criterion(value, &join(&at, &[Key("exit_criteria"), Index(n)]))
            });
            phases.push(Phase {
                name: phase.name.clone(),
                zones: self.phase_zones(phase.zones.as_deref(), &at, known, zones)?,
                enforcement: self.enforcement(phase.enforcement.as_deref(), &at)?,
                mode,
                target_date: phase.target_date.clone(),
                owner: phase.owner.clone(),
                description: phase.description.clone(),
                exit_criteria: criteria.collect::<Result<_, _>>()?,
            });
        }
        Ok(phases)
    }

    pub(super) fn guardrails(
        &self,
        raw: &[RawGuardrail],
        known: &HashSet<&str>,
        zones: &[Zone],
    ) -> Result<Vec<Guardrail>, InputError> {
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut guardrails = Vec::with_capacity(raw.len());
        for (index, guardrail) in raw.iter().enumerate() {
            let at = [Key("guardrails"), Index(index)];
            if let Some(name) = &guardrail.name {
                let name_at = join(&at, &[Key("name")]);
                self.unique_name(name, &name_at, &mut first, "guardrail")?;
            }
            let side =
                |key, value| selector::peer(self, value, &join(&at, &[Key(key)]), known, zones);
            let ports = match guardrail.ports.as_deref() {
                None => Vec::new(),
                Some(ports) => self.ports(Some(ports), &at)?,
            };
            guardrails.push(Guardrail {
                name: guardrail.name.clone(),
                from: side("from", &guardrail.from)?,
                to: side("to", &guardrail.to)?,
                ports,
                note: guardrail.note.clone(),
            });
        }
        Ok(guardrails)
    }

    /// A name that is not empty and not used before in its list.
    fn unique_name<'r>(
        &self,
        name: &'r str,
        at: &[Seg],
        first: &mut HashMap<&'r str, usize>,
        what: &str,
    ) -> Result<(), InputError> {
        if name.trim().is_empty() {
            return Err(self.fail(at, format!("a {what} name"), "an empty name"));
        }
        let index = match at {
            [_, Index(index), ..] => *index,
            _ => 0,
        };
        if let Some(&earlier) = first.get(name) {
            let list = if what == "phase" {
                "phases"
            } else {
                "guardrails"
            };
            let line = line_of(self.text, &[Key(list), Index(earlier), Key("name")]);
            let on = line
                .map(|l| format!(" (first on line {l})"))
                .unwrap_or_default();
            let found = format!("{} used twice{on}", shown(name.as_bytes()));
            return Err(self
                .fail(at, format!("a unique {what} name"), found)
                .hint(format!("rename one of the {list}")));
        }
        first.insert(name, index);
        Ok(())
    }

    fn phase_zones(
        &self,
        names: Option<&[String]>,
        at: &[Seg],
        known: &HashSet<&str>,
        zones: &[Zone],
    ) -> Result<Vec<String>, InputError> {
        let names = names.unwrap_or_default();
        let mut seen = HashSet::new();
        for (n, name) in names.iter().enumerate() {
            let at = join(at, &[Key("zones"), Index(n)]);
            if !known.contains(name.as_str()) {
                let declared: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
                let expected = "a zone declared under zones, or internet, unmanaged or unassigned";
                let found = format!("unknown zone {}", shown(name.as_bytes()));
                let hint = format!(
                    "phases name the zones they enforce (declared: {})",
                    if declared.is_empty() {
                        "none".to_string()
                    } else {
                        declared.join(", ")
                    }
                );
                return Err(self.fail(&at, expected, found).hint(hint));
            }
            if !seen.insert(name.as_str()) {
                let found = format!("{} listed twice", shown(name.as_bytes()));
                return Err(self.fail(&at, "each zone once per phase", found));
            }
        }
        Ok(names.to_vec())
    }

    fn enforcement(
        &self,
        names: Option<&[String]>,
        at: &[Seg],
    ) -> Result<Vec<Enforcement>, InputError> {
        let mut out: Vec<Enforcement> = Vec::new();
        for (n, name) in names.unwrap_or_default().iter().enumerate() {
            let at = join(at, &[Key("enforcement"), Index(n)]);
            let Some(control) = Enforcement::parse(name) else {
                let error = self.fail(&at, ENFORCEMENT_LIST, shown(name.as_bytes()));
                return Err(error.hint(
                    "leave enforcement out and Blastwall proposes controls from the zones' workloads",
                ));
            };
            if !out.contains(&control) {
                out.push(control);
            }
        }
        Ok(out)
    }

    fn date(&self, text: &str, at: &[Seg]) -> Result<(), InputError> {
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if well_formed && text.parse::<jiff::civil::Date>().is_ok() {
            return Ok(());
        }
        Err(self
            .fail(at, "a date as YYYY-MM-DD", shown(text.as_bytes()))
            .hint("for example target_date: 2027-02-01"))
    }

    fn criterion(&self, value: &Value, at: &[Seg]) -> Result<Criterion, InputError> {
        const HINT: &str = "a criterion is a statement a person ticks (text), or a check such as \
                            {check: no_denied_flows} or {check: observation_days, min: 14}";
        match value {
            Value::String(text) if !text.trim().is_empty() => Ok(Criterion::Checkbox {
                text: text.clone(),
                ticked: None,
            }),
            Value::Mapping(map) if map.contains_key("check") => self.check(map, at),
            Value::Mapping(map) if map.contains_key("checkbox") => self.checkbox(map, at),
            Value::Mapping(_) => {
                let error = self.fail(at, "a mapping with check or checkbox", "neither");
                Err(error.hint(HINT))
            }
            _ => {
                let found = match value {
                    Value::String(_) => "an empty statement".to_string(),
                    other => describe(other),
                };
                Err(self
                    .fail(at, "a statement (text) or {check: NAME}", found)
                    .hint(HINT))
            }
        }
    }

    fn check(&self, map: &Mapping, at: &[Seg]) -> Result<Criterion, InputError> {
        let name_at = join(at, &[Key("check")]);
        let name = match map.get("check") {
            Some(Value::String(name)) => name.as_str(),
            Some(other) => return Err(self.fail(&name_at, CHECK_LIST, describe(other))),
            None => "",
        };
        let parameter = match name {
            "observation_days" => Some("min"),
            "max_planned_blast" => Some("max"),
            "no_denied_flows" | "rules_owned" | "no_blind_spots" => None,
            _ => {
                return Err(self
                    .fail(&name_at, CHECK_LIST, shown(name.as_bytes()))
                    .hint("docs/rollout.md describes each check"));
            }
        };
        for (key, _) in map {
            let key = key.as_str().unwrap_or("");
            if key != "check" && Some(key) != parameter {
                let expected = match parameter {
                    Some(p) => format!("check and {p}"),
                    None => format!("only check (the check {name} takes no parameter)"),
                };
                let found = format!("unknown key {}", shown(key.as_bytes()));
                return Err(self.fail(&join(at, &[Key(key)]), expected, found));
            }
        }
        let Some(parameter) = parameter else {
            return Ok(Criterion::Check(match name {
                "no_denied_flows" => Check::NoDeniedFlows,
                "rules_owned" => Check::RulesOwned,
                _ => Check::NoBlindSpots,
            }));
        };
        let number_at = join(at, &[Key(parameter)]);
        let number = match map.get(parameter) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(_) => None,
            None => {
                let error = self.fail(at, format!("the key {parameter}"), "none");
                return Err(error.hint(format!("write {{check: {name}, {parameter}: N}}")));
            }
        };
        let found = || map.get(parameter).map(describe).unwrap_or_default();
        Ok(Criterion::Check(match (name, number) {
            ("observation_days", Some(min)) if (1..=3650).contains(&min) => {
                Check::ObservationDays { min: min as u32 }
            }
            ("observation_days", _) => {
                return Err(self.fail(&number_at, "a whole number of days, 1 to 3650", found()));
            }
            (_, Some(max)) => Check::MaxPlannedBlast { max },
            _ => {
                return Err(self.fail(
                    &number_at,
                    "a whole number of workloads, 0 or more",
                    found(),
                ));
            }
        }))
    }

    fn checkbox(&self, map: &Mapping, at: &[Seg]) -> Result<Criterion, InputError> {
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for (key, value) in map {
            let name = key.as_str().unwrap_or("");
            let field_at = join(at, &[Key(name)]);
            if !matches!(name, "checkbox" | "ticked_by" | "ticked_at") {
                let found = format!("unknown key {}", shown(name.as_bytes()));
                return Err(self.fail(&field_at, "checkbox, ticked_by and ticked_at", found));
            }
            match value {
                Value::String(text) if !text.trim().is_empty() => {
                    fields.insert(name, text.as_str());
                }
                other => return Err(self.fail(&field_at, "text", describe(other))),
            }
        }
        let text = fields.get("checkbox").copied().unwrap_or_default();
        let ticked = match (fields.get("ticked_by"), fields.get("ticked_at")) {
            (Some(by), Some(at)) => Some(Tick {
                by: (*by).to_string(),
                at: (*at).to_string(),
            }),
            (None, None) => None,
            _ => {
                let error = self.fail(at, "both ticked_by and ticked_at", "only one of them");
                return Err(error.hint("a ticked checkbox records who ticked it and when"));
            }
        };
        Ok(Criterion::Checkbox {
            text: text.to_string(),
            ticked,
        })
    }
}
