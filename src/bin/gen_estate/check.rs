//! Test-only, independent re-implementation of the importer rules: it reads a
//! generated estate back from its files (never from the generator's model) and
//! recomputes every figure of `expected.json`.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check_flows::{Flows, read_flows};

pub type R<T> = Result<T, String>;

/// The merged inventory as the importer would build it.
#[derive(Default)]
pub struct Inv {
    pub names: Vec<String>,
    pub apps: Vec<Option<String>>,
    pub addr: HashMap<IpAddr, usize>,
    pub by_name: HashMap<String, usize>,
    pub pod_owner: HashMap<(String, String), usize>,
    pub networks: BTreeSet<(String, String)>,
    pub cloud_merges: usize,
}

pub fn read_text(p: &Path) -> R<String> {
    let raw = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_string(&mut s)
            .map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(s)
    } else {
        String::from_utf8(raw).map_err(|e| e.to_string())
    }
}

/// Call `f` on every line of a (possibly gzipped) file, streaming.
pub fn for_lines(p: &Path, mut f: impl FnMut(&str) -> R<()>) -> R<()> {
    use std::io::BufRead;
    let file = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let reader: Box<dyn BufRead> = if p.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
            file,
        )))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    for line in reader.lines() {
        f(&line.map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn json(p: &Path) -> R<Value> {
    serde_json::from_str(&read_text(p)?).map_err(|e| format!("{}: {e}", p.display()))
}

pub fn ip(s: &str) -> R<IpAddr> {
    s.parse().map_err(|e| format!("bad address {s:?}: {e}"))
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

struct Entity {
    name: String,
    ips: Vec<IpAddr>,
    app: Option<String>,
}

fn tag<'a>(tags: &'a Value, key: &str) -> Option<&'a str> {
    tags.as_array()?
        .iter()
        .find(|t| t["Key"] == key)
        .and_then(|t| t["Value"].as_str())
}

impl Inv {
    fn add(&mut self, name: String, app: Option<String>) -> usize {
        self.names.push(name.clone());
        self.apps.push(app.filter(|a| !a.is_empty()));
        self.by_name
            .insert(name.to_lowercase(), self.names.len() - 1);
        self.names.len() - 1
    }

    fn claim(&mut self, a: IpAddr, w: usize) -> R<()> {
        match self.addr.insert(a, w) {
            Some(old) if old != w => Err(format!(
                "{a} claimed by {} and {}",
                self.names[old], self.names[w]
            )),
            _ => Ok(()),
        }
    }

    /// CMDB rows, then EC2 instances merged onto them by name or address.
    fn hosts(&mut self, dir: &Path) -> R<()> {
        let rows = csv_records(&read_text(&dir.join("cmdb.csv"))?);
        let header = rows.first().ok_or("empty cmdb")?;
        if header.join(",") != "name,ip,app,owner,tier,env,criticality,data class,labels" {
            return Err(format!("bad cmdb header {header:?}"));
        }
        let mut ents = Vec::new();
        for r in &rows[1..] {
            let ips = r[1]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(ip)
                .collect::<R<Vec<_>>>()?;
            ents.push(Entity {
                name: r[0].clone(),
                ips,
                app: Some(r[2].clone()),
            });
        }
        for e in ents {
            let w = self.add(e.name, e.app);
            for a in e.ips {
                self.claim(a, w)?;
            }
        }
        let doc = json(&dir.join("aws/describe-instances.json"))?;
        for res in doc["Reservations"].as_array().ok_or("no Reservations")? {
            for inst in res["Instances"].as_array().ok_or("no Instances")? {
                let name = tag(&inst["Tags"], "Name")
                    .or(inst["InstanceId"].as_str())
                    .ok_or("no id")?
                    .to_string();
                let app = tag(&inst["Tags"], "app")
                    .or(tag(&inst["Tags"], "application"))
                    .map(str::to_string);
                let mut ips = Vec::new();
                for ni in inst["NetworkInterfaces"].as_array().into_iter().flatten() {
                    for p in ni["PrivateIpAddresses"].as_array().into_iter().flatten() {
                        ips.push(ip(p["PrivateIpAddress"].as_str().ok_or("ip")?)?);
                    }
                    for p in ni["Ipv6Addresses"].as_array().into_iter().flatten() {
                        ips.push(ip(p["Ipv6Address"].as_str().ok_or("ip6")?)?);
                    }
                    for k in ["SubnetId", "VpcId"] {
                        if let Some(v) = ni[k].as_str() {
                            self.networks
                                .insert((k.trim_end_matches("Id").to_lowercase(), v.into()));
                        }
                    }
                }
                for k in ["SubnetId", "VpcId"] {
                    if let Some(v) = inst[k].as_str() {
                        self.networks
                            .insert((k.trim_end_matches("Id").to_lowercase(), v.into()));
                    }
                }
                let by_name = self.by_name.get(&name.to_lowercase()).copied();
                let by_addr = ips.iter().find_map(|a| self.addr.get(a).copied());
                if let (Some(a), Some(b)) = (by_name, by_addr) {
                    if a != b {
                        return Err(format!("instance {name} would merge two workloads"));
                    }
                }
                let w = match by_name.or(by_addr) {
                    Some(w) => {
                        self.cloud_merges += 1;
                        if app.is_some() {
                            self.apps[w] = app;
                        }
                        self.by_name.insert(name.to_lowercase(), w);
                        w
                    }
                    None => self.add(name, app),
                };
                for a in ips {
                    self.claim(a, w)?;
                }
            }
        }
        Ok(())
    }

    fn pods(&mut self, dir: &Path) -> R<()> {
        let doc = json(&dir.join("k8s/pods.json"))?;
        for pod in doc["items"].as_array().ok_or("no items")? {
            let (md, st) = (&pod["metadata"], &pod["status"]);
            let ns = md["namespace"].as_str().ok_or("ns")?.to_string();
            let name = md["name"].as_str().ok_or("name")?.to_string();
            self.networks.insert(("namespace".into(), ns.clone()));
            let owner = match md["ownerReferences"].get(0) {
                None => name.clone(),
                Some(o) => {
                    let n = o["name"].as_str().ok_or("owner")?;
                    match o["kind"].as_str() {
                        Some("ReplicaSet") => n.rsplit_once('-').map_or(n, |x| x.0).to_string(),
                        Some("Job") => match n.rsplit_once('-') {
                            Some((cj, d))
                                if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) =>
                            {
                                cj.to_string()
                            }
                            _ => n.to_string(),
                        },
                        _ => n.to_string(),
                    }
                }
            };
            let key = format!("{ns}/{owner}");
            let w = match self.by_name.get(&key.to_lowercase()) {
                Some(&w) => w,
                None => {
                    let l = &md["labels"];
                    let app = ["app.kubernetes.io/name", "app", "k8s-app"]
                        .iter()
                        .find_map(|k| l[*k].as_str())
                        .unwrap_or(&owner)
                        .to_string();
                    self.add(key, Some(app))
                }
            };
            self.pod_owner.insert((ns, name), w);
            let live = matches!(st["phase"].as_str(), Some("Running" | "Pending"));
            let host = pod["spec"]["hostNetwork"].as_bool() == Some(true);
            if let (true, false, Some(a)) = (live, host, st["podIP"].as_str()) {
                self.claim(ip(a)?, w)?;
            }
        }
        Ok(())
    }

    fn networks(&mut self, dir: &Path) -> R<()> {
        let topo = read_text(&dir.join("topology.yaml"))?;
        let mut id = String::new();
        for line in topo.lines() {
            if line.starts_with("identity_sources:") {
                break;
            }
            let l = line.trim();
            if let Some(v) = l.strip_prefix("- id: ") {
                id = v.to_string();
            } else if let Some(v) = l
                .strip_prefix("kind: ")
                .filter(|_| line.starts_with("    "))
            {
                self.networks.insert((v.to_string(), id.clone()));
            } else if let Some(v) = l.strip_prefix("namespaces: [") {
                for ns in v.trim_end_matches(']').split(',') {
                    self.networks
                        .insert(("namespace".into(), ns.trim().to_string()));
                }
            }
        }
        for (file, key, field, kind) in [
            ("aws/describe-vpcs.json", "Vpcs", "VpcId", "vpc"),
            ("aws/describe-subnets.json", "Subnets", "SubnetId", "subnet"),
        ] {
            for v in json(&dir.join(file))?[key].as_array().ok_or("list")? {
                self.networks
                    .insert((kind.into(), v[field].as_str().ok_or("id")?.into()));
            }
        }
        Ok(())
    }
}

pub fn load(dir: &Path) -> R<Inv> {
    let mut inv = Inv::default();
    inv.hosts(dir)?;
    inv.pods(dir)?;
    inv.networks(dir)?;
    Ok(inv)
}

fn temp(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gen-estate-test-{}-{tag}", std::process::id()))
}

fn run(tag: &str, workloads: usize, records: u64) -> R<(PathBuf, Value, Inv, Flows)> {
    let dir = temp(tag);
    let args = crate::Args::new(dir.clone(), 42, workloads, records);
    crate::generate(&args).map_err(|e| e.to_string())?;
    let expected = json(&dir.join("expected.json"))?;
    let mut inv = load(&dir)?;
    let flows = read_flows(&dir, &mut inv)?;
    Ok((dir, expected, inv, flows))
}

fn compare(expected: &Value, inv: &Inv, f: &Flows) -> R<()> {
    let apps: BTreeSet<&str> = inv.apps.iter().flatten().map(String::as_str).collect();
    let got = [
        ("workloads", inv.names.len()),
        ("applications", apps.len()),
        ("networks", inv.networks.len()),
        ("flow_records", f.records as usize),
        ("flow_records_skipped", f.skipped as usize),
        ("edges", f.edges.len()),
        ("workload_edges", f.wl_edges.len()),
        ("unresolved_addresses", f.unresolved.len()),
    ];
    eprintln!("re-import: {got:?}");
    let mut bad = Vec::new();
    for (k, v) in got {
        if expected[k].as_u64() != Some(v as u64) {
            bad.push(format!(
                "{k}: expected.json {} vs re-import {v}",
                expected[k]
            ));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("; "))
    }
}

#[test]
fn small_estate_matches_independent_import() -> R<()> {
    let (dir, expected, inv, flows) = run("small", 60, 8_000)?;
    compare(&expected, &inv, &flows)?;
    std::fs::remove_dir_all(dir).map_err(|e| e.to_string())
}

#[test]
fn default_estate_matches_independent_import() -> R<()> {
    let (dir, expected, inv, flows) = run("default", 330, 110_000)?;
    compare(&expected, &inv, &flows)?;
    assert_eq!(inv.cloud_merges, 15, "CMDB rows merged into EC2 instances");
    assert!(
        flows.churned_with_wl > 0 && flows.churned_without_wl > 0,
        "churned pods both ways"
    );
    assert_eq!(flows.non_flow, 10, "non-flow Hubble lines");
    assert_eq!(
        flows.observed.len(),
        1,
        "observed-only workloads: {:?}",
        flows.observed
    );
    std::fs::remove_dir_all(dir).map_err(|e| e.to_string())
}

/// Re-import an estate generated elsewhere (e.g. a benchmark size):
/// `GEN_ESTATE_CHECK_DIR=/tmp/x cargo test --release -- --ignored`.
#[test]
#[ignore]
fn existing_estate_matches_independent_import() -> R<()> {
    let Some(dir) = std::env::var_os("GEN_ESTATE_CHECK_DIR") else {
        return Ok(());
    };
    let dir = PathBuf::from(dir);
    let expected = json(&dir.join("expected.json"))?;
    let mut inv = load(&dir)?;
    let flows = read_flows(&dir, &mut inv)?;
    compare(&expected, &inv, &flows)
}

#[test]
fn output_is_deterministic() -> R<()> {
    let mut sums = Vec::new();
    for tag in ["det-a", "det-b"] {
        let dir = temp(tag);
        let args = crate::Args::new(dir.clone(), 7, 40, 3_000);
        crate::generate(&args).map_err(|e| e.to_string())?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).map_err(|e| e.to_string())? {
                let p = e.map_err(|e| e.to_string())?.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p
                        .strip_prefix(&dir)
                        .map_err(|e| e.to_string())?
                        .display()
                        .to_string();
                    files.push((rel, std::fs::read(&p).map_err(|e| e.to_string())?));
                }
            }
        }
        files.sort();
        sums.push(files);
        std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    }
    assert!(
        sums[0] == sums[1],
        "two runs with the same arguments differ"
    );
    Ok(())
}
