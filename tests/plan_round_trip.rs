//! The canonical plan YAML re-applies to the same plan: `parse_plan(plan_to_yaml(p)) == p` for
//! generated plans with hostile text (quotes, colons, `#`, `yes`, `null`, numbers, dates,
//! non-ASCII, control characters, newlines in notes).

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use blastwall::export::plan_yaml::plan_to_yaml;
use blastwall::ingest::plan::parse_plan;
use blastwall::model::Enforcement;
use blastwall::model::plan::{
    Defaults, Evidence, PSEUDO_ZONES, Peer, Plan, Policy, PortSpec, Rule, RuleStatus, Selector,
    Sensitivity, Zone,
};
use blastwall::model::rollout::{Check, Criterion, Guardrail, Phase, PhaseMode, Tick};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "a",
    "Zone",
    "web-01",
    "é",
    "日本",
    "🙂",
    " ",
    ":",
    ": ",
    "#",
    " #",
    "'",
    "\"",
    "\\",
    "yes",
    "No",
    "ON",
    "y",
    "null",
    "~",
    "1.0",
    "42",
    "-7",
    "0x1F",
    "0o17",
    "1_000",
    "12:30",
    "2024-03-01",
    "*",
    "&a",
    "!t",
    "- ",
    "-",
    "?",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "|",
    ">",
    "\t",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\u{7f}",
    "\u{1}",
    "\u{a0}",
    "\u{e000}",
    "true",
    "=",
    "<<",
    "---",
    "...",
    ".inf",
    "/",
    "rule-1",
];

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..4).prop_map(|v| v.concat())
}

fn name() -> impl Strategy<Value = String> {
    hostile().prop_filter("a name is not blank", |s| !s.trim().is_empty())
}

/// Free text: may be empty, span lines, end in line breaks.
fn note() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        2 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("  indented".to_string()),
        1 => Just("line two".to_string()),
    ];
    prop::collection::vec(piece, 0..7).prop_map(|v| v.concat())
}

fn cidr() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        (any::<u32>(), 0u8..=32).prop_map(|(a, p)| {
            Ipv4Net::new(Ipv4Addr::from(a), p).map_or(IpNet::default(), |n| IpNet::V4(n.trunc()))
        }),
        (any::<u128>(), 0u8..=128).prop_map(|(a, p)| {
            Ipv6Net::new(Ipv6Addr::from(a), p).map_or(IpNet::default(), |n| IpNet::V6(n.trunc()))
        }),
    ]
}

fn selector() -> impl Strategy<Value = Selector> {
    let part = || name().prop_filter("no slash", |s| !s.contains('/'));
    prop_oneof![
        prop::collection::btree_map(hostile(), note(), 1..3).prop_map(Selector::Labels),
        name().prop_map(Selector::Workload),
        name().prop_map(Selector::App),
        name().prop_map(Selector::Namespace),
        (part(), part()).prop_map(|(a, b)| Selector::ServiceAccount(format!("{a}/{b}"))),
        name().prop_map(Selector::Identity),
        cidr().prop_map(Selector::Cidr),
        name().prop_map(Selector::Network),
    ]
}

fn port() -> impl Strategy<Value = PortSpec> {
    let whole = |protocol| PortSpec::Range {
        protocol,
        first: 0,
        last: u16::MAX,
    };
    prop_oneof![
        Just(PortSpec::Any),
        Just(whole(1)),
        Just(whole(58)),
        (
            prop::sample::select(&[6u8, 17, 132][..]),
            any::<u16>(),
            any::<u16>()
        )
            .prop_map(|(protocol, a, b)| PortSpec::Range {
                protocol,
                first: a.min(b),
                last: a.max(b),
            }),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![Just(Policy::Allow), Just(Policy::Deny)]
}

fn zone() -> impl Strategy<Value = Zone> {
    let sensitivity = prop::sample::select(
        &[
            Sensitivity::Low,
            Sensitivity::Medium,
            Sensitivity::High,
            Sensitivity::Critical,
        ][..],
    );
    let text = (
        prop::option::of(note()),
        prop::option::of(note()),
        prop::collection::vec(selector(), 0..4),
    );
    (name(), sensitivity, prop::option::of(policy()), text).prop_map(
        |(name, sensitivity, intra_zone, (description, note, members))| Zone {
            name,
            sensitivity,
            intra_zone,
            description,
            note,
            members,
        },
    )
}

/// A rule side before zone names are known: a zone is an index into the plan's zones, or past
/// them a pseudo-zone.
type RawSide = (u8, Option<usize>, Selector);

fn side() -> impl Strategy<Value = RawSide> {
    (0u8..3, prop::option::of(0usize..8), selector())
}

fn evidence() -> impl Strategy<Value = Evidence> {
    let count = || prop::option::of(any::<u64>());
    let seen = || prop::option::of(hostile());
    let sources = prop::collection::vec(hostile(), 0..3);
    (count(), count(), seen(), seen(), sources).prop_map(
        |(edges, records, first_seen, last_seen, sources)| Evidence {
            edges,
            records,
            first_seen,
            last_seen,
            sources,
        },
    )
}

type RawRule = (
    (
        Option<String>,
        (u8, Option<usize>, Selector),
        (u8, Option<usize>, Selector),
    ),
    Vec<PortSpec>,
    (Option<String>, Option<String>, bool, bool),
    (Option<String>, Option<Evidence>, bool),
);

fn rule() -> impl Strategy<Value = RawRule> {
    (
        (prop::option::of(name()), side(), side()),
        prop::collection::vec(port(), 1..4),
        (
            prop::option::of(note()),
            prop::option::of(hostile()),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            prop::option::of(note()),
            prop::option::of(evidence()),
            any::<bool>(),
        ),
    )
}

fn criterion() -> impl Strategy<Value = Criterion> {
    prop_oneof![
        (name(), prop::option::of((name(), name()))).prop_map(|(text, tick)| {
            Criterion::Checkbox {
                text,
                ticked: tick.map(|(by, at)| Tick { by, at }),
            }
        }),
        Just(Criterion::Check(Check::NoDeniedFlows)),
        Just(Criterion::Check(Check::RulesOwned)),
        Just(Criterion::Check(Check::NoBlindSpots)),
        (1u32..=3650).prop_map(|min| Criterion::Check(Check::ObservationDays { min })),
        any::<u64>().prop_map(|max| Criterion::Check(Check::MaxPlannedBlast { max })),
    ]
}

/// A phase before zone names are known: its zones are indices into the plan's zones, past them
/// pseudo-zones.
type RawPhase = (
    String,
    Vec<usize>,
    Vec<Enforcement>,
    PhaseMode,
    Texts,
    Vec<Criterion>,
);
type Texts = (Option<&'static str>, Option<String>, Option<String>);

fn phase() -> impl Strategy<Value = RawPhase> {
    let dates = prop::option::of(prop::sample::select(
        &["2027-02-01", "2024-02-29", "1999-12-31"][..],
    ));
    (
        name(),
        prop::collection::vec(0usize..8, 0..3),
        prop::collection::vec(prop::sample::select(&Enforcement::ALL[..]), 0..3),
        prop_oneof![Just(PhaseMode::Observe), Just(PhaseMode::Enforce)],
        (dates, prop::option::of(note()), prop::option::of(note())),
        prop::collection::vec(criterion(), 0..4),
    )
}

fn guardrail() -> impl Strategy<
    Value = (
        Option<String>,
        RawSide,
        RawSide,
        Vec<PortSpec>,
        Option<String>,
    ),
> {
    (
        prop::option::of(name()),
        side(),
        side(),
        prop::collection::vec(port(), 0..3),
        prop::option::of(note()),
    )
}

/// Makes names valid: unique, zone names not pseudo-zones, rule names not `rule-N`.
fn distinct(name: String, taken: &mut BTreeSet<String>, reserved: impl Fn(&str) -> bool) -> String {
    let mut name = name;
    while reserved(&name) || taken.contains(&name) {
        name.insert(0, 'x');
    }
    taken.insert(name.clone());
    name
}

fn peer((kind, zone, selector): (u8, Option<usize>, Selector), zones: &[Zone]) -> Peer {
    match (kind, zone) {
        (0, _) => Peer::Any,
        (1, Some(n)) => match zones.get(n) {
            Some(zone) => Peer::Zone(zone.name.clone()),
            None => Peer::Zone(PSEUDO_ZONES[n % 3].to_string()),
        },
        _ => Peer::Selector(selector),
    }
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        (policy(), policy()),
        prop::collection::vec(zone(), 0..4),
        prop::collection::vec(rule(), 0..4),
        (
            prop::collection::vec(phase(), 0..3),
            prop::collection::vec(guardrail(), 0..3),
        ),
    )
        .prop_map(
            |((east_west, intra_zone), mut zones, raw_rules, (raw_phases, raw_guardrails))| {
                let mut taken = BTreeSet::new();
                let pseudo = |n: &str| {
                    PSEUDO_ZONES
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(n.trim()))
                };
                for zone in &mut zones {
                    zone.name = distinct(std::mem::take(&mut zone.name), &mut taken, pseudo);
                }
                let mut taken = BTreeSet::new();
                let rules = raw_rules.into_iter().map(|(head, ports, text, tail)| {
                    let (name, from, to) = head;
                    let (justification, owner, proposed, enabled) = text;
                    let (note, evidence, baseline) = tail;
                    Rule {
                        name: name.map(|n| distinct(n, &mut taken, |n| n.starts_with("rule-"))),
                        from: peer(from, &zones),
                        to: peer(to, &zones),
                        ports,
                        justification,
                        owner,
                        status: if proposed {
                            RuleStatus::Proposed
                        } else {
                            RuleStatus::Approved
                        },
                        enabled,
                        baseline,
                        note,
                        evidence,
                    }
                });
                let rules = rules.collect();
                let mut taken = BTreeSet::new();
                let phases = raw_phases
                    .into_iter()
                    .map(
                        |(name, zone_picks, enforcement, mode, texts, exit_criteria)| {
                            let mut names: Vec<String> = Vec::new();
                            for n in zone_picks {
                                let name = zones
                                    .get(n)
                                    .map_or(PSEUDO_ZONES[n % 3], |z| z.name.as_str());
                                if !names.iter().any(|x| x == name) {
                                    names.push(name.to_string());
                                }
                            }
                            let mut controls: Vec<Enforcement> = Vec::new();
                            for control in enforcement {
                                if !controls.contains(&control) {
                                    controls.push(control);
                                }
                            }
                            let (target_date, owner, description) = texts;
                            Phase {
                                name: distinct(name, &mut taken, |_| false),
                                zones: names,
                                enforcement: controls,
                                mode,
                                target_date: target_date.map(str::to_string),
                                owner,
                                description,
                                exit_criteria,
                            }
                        },
                    )
                    .collect();
                let mut taken = BTreeSet::new();
                let guardrails = raw_guardrails
                    .into_iter()
                    .map(|(name, from, to, ports, note)| Guardrail {
                        name: name.map(|n| distinct(n, &mut taken, |_| false)),
                        from: peer(from, &zones),
                        to: peer(to, &zones),
                        ports,
                        note,
                    })
                    .collect();
                Plan {
                    defaults: Defaults {
                        east_west,
                        intra_zone,
                    },
                    rules,
                    zones,
                    phases,
                    guardrails,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn canonical_yaml_re_applies_to_the_same_plan(plan in plan()) {
        let text = plan_to_yaml(&plan);
        let parsed = parse_plan(&text, "canonical.yaml");
        prop_assert_eq!(parsed.as_ref().map_err(ToString::to_string), Ok(&plan), "{}", text);
        prop_assert_eq!(plan_to_yaml(&plan.clone()), text);
    }
}

/// The example in docs/plan-format.md is a valid plan, and so is its canonical form.
#[test]
fn the_documented_example_applies() -> Result<(), Box<dyn std::error::Error>> {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/plan-format.md"),
    )?;
    let (_, rest) = docs.split_once("```yaml\n").ok_or("a yaml example")?;
    let (example, _) = rest.split_once("```").ok_or("the end of the example")?;
    let plan = parse_plan(example, "docs/plan-format.md")?;
    assert_eq!((plan.zones.len(), plan.rules.len()), (2, 1));
    assert_eq!(parse_plan(&plan_to_yaml(&plan), "canonical.yaml")?, plan);
    Ok(())
}
