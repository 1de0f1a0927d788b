//! The figures of a small hand-checked estate (see fixtures/estate-small/expected.json for the
//! counts; the comments below say where each comes from), merging, resolution, re-imports and
//! all-or-nothing imports.

use std::path::{Path, PathBuf};

use blastwall::analysis::{BlindSpot, Figures, ResolvedEstate};
use blastwall::ops::{self, FileStatus, ImportOptions, ImportProgress};
use blastwall::store::Workspace;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/estate-small")
        .join(path)
}

fn import(
    workspace: &mut Workspace,
    paths: &[&str],
    options: ImportOptions,
) -> Result<ops::ImportReport, ops::ImportError> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| fixture(p)).collect();
    ops::import_paths(workspace, &paths, options, &ImportProgress::default())
}

fn expected() -> Result<Figures, Box<dyn std::error::Error>> {
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json"))?)?;
    let get = |key: &str| value[key].as_u64().unwrap_or(u64::MAX);
    Ok(Figures {
        workloads: get("workloads"),
        applications: get("applications"),
        networks: get("networks"),
        flow_records: get("flow_records"),
        flow_records_skipped: get("flow_records_skipped"),
        edges: get("edges"),
        workload_edges: get("workload_edges"),
        unresolved_addresses: get("unresolved_addresses"),
    })
}

fn workload_names(estate: &ResolvedEstate) -> Vec<&str> {
    estate.workloads.iter().map(|w| w.name.as_str()).collect()
}

#[test]
fn figures_match_the_hand_count() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(
        &mut workspace,
        &["inventory", "flows"],
        ImportOptions::default(),
    )?;
    let estate = ops::load_resolved(&workspace)?;
    // 4 CMDB rows + 3 instances, two pairs merged (pay-db-01 by name, api-01/old-host by
    // address) = 5; 3 Kubernetes owners; 1 observed-only pod owner from Hubble.
    assert_eq!(
        workload_names(&estate),
        [
            "api-01",
            "app-01",
            "db-01",
            "i-0aaaaaaaaaaaaaaa3",
            "kube-system/coredns",
            "pay-db-01",
            "payments/payments-api",
            "web/frontend",
            "batch/report-job",
        ]
    );
    assert_eq!(Figures::of(&estate), expected()?);
    Ok(())
}

#[test]
fn figures_do_not_depend_on_import_order() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(&mut workspace, &["flows"], ImportOptions::default())?;
    let before = ops::stats(&workspace)?;
    assert_eq!(
        before.workloads, 4,
        "before the inventory, pods become observed-only owners"
    );
    import(&mut workspace, &["inventory"], ImportOptions::default())?;
    assert_eq!(ops::stats(&workspace)?, expected()?);
    Ok(())
}

#[test]
fn merging_reports_conflicts_and_the_later_import_wins() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(
        &mut workspace,
        &["inventory/cmdb.csv"],
        ImportOptions::default(),
    )?;
    let report = import(
        &mut workspace,
        &["inventory/describe-instances.json"],
        ImportOptions::default(),
    )?;
    let conflicts: Vec<(String, String, String, String)> = report
        .conflicts
        .iter()
        .map(|c| {
            (
                c.workload.clone(),
                c.attribute.clone(),
                c.replaced.clone(),
                c.kept.clone(),
            )
        })
        .collect();
    assert!(
        conflicts.contains(&(
            "pay-db-01".into(),
            "owner".into(),
            "team-pay".into(),
            "team-payments".into()
        )),
        "{conflicts:?}"
    );
    assert!(
        conflicts.contains(&(
            "api-01".into(),
            "app".into(),
            "legacy".into(),
            "orders".into()
        )),
        "{conflicts:?}"
    );
    let estate = ops::load_resolved(&workspace)?;
    let api = estate
        .workloads
        .iter()
        .find(|w| w.name == "api-01")
        .ok_or("api-01")?;
    assert_eq!(api.app(), "orders");
    assert_eq!(api.labels.get("env").map(String::as_str), Some("prod"));
    Ok(())
}

#[test]
fn resolution_by_identity_address_and_blind_spots() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(
        &mut workspace,
        &["inventory", "flows"],
        ImportOptions::default(),
    )?;
    let estate = ops::load_resolved(&workspace)?;
    let label = |e| estate.endpoint_label(e);
    let pairs: Vec<(String, String, u16)> = estate
        .service_edges
        .iter()
        .map(|e| (label(e.client), label(e.server), e.port))
        .collect();
    assert!(pairs.contains(&("web/frontend".into(), "payments/payments-api".into(), 8443)));
    assert!(pairs.contains(&("api-01".into(), "pay-db-01".into(), 5432)));
    assert!(pairs.contains(&(
        "batch/report-job".into(),
        "payments/payments-api".into(),
        8443
    )));
    // The pod's IPv6 address resolves through the pod list, not as a blind spot.
    assert!(pairs.contains(&("web/frontend".into(), "2001:db8:ff::10".into(), 0)));
    let observed = estate
        .workloads
        .iter()
        .find(|w| w.observed_only)
        .ok_or("observed-only workload")?;
    assert_eq!(observed.app(), "report-job");
    let class = |address: &str| {
        estate
            .blind_spots
            .iter()
            .find(|b| b.address.to_string() == address)
            .map(|b| b.class)
    };
    assert_eq!(class("10.1.0.2"), Some(BlindSpot::Unmanaged));
    assert_eq!(class("198.51.100.9"), Some(BlindSpot::Internet));
    let dns = estate
        .blind_spots
        .iter()
        .find(|b| b.address.to_string() == "10.1.9.40")
        .ok_or("10.1.9.40")?;
    assert_eq!(
        dns.network.as_ref().map(|n| n.id.as_str()),
        Some("dc1-data")
    );
    Ok(())
}

#[test]
fn reimporting_the_same_content_does_nothing_unless_forced() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(
        &mut workspace,
        &["inventory", "flows"],
        ImportOptions::default(),
    )?;
    let report = import(
        &mut workspace,
        &["flows/conn.log"],
        ImportOptions::default(),
    )?;
    assert_eq!(report.files[0].status, FileStatus::AlreadyImported);
    let forced = import(
        &mut workspace,
        &["flows/conn.log"],
        ImportOptions {
            force: true,
            ..ImportOptions::default()
        },
    )?;
    assert_eq!(forced.files[0].status, FileStatus::Reimported);
    assert_eq!(
        ops::stats(&workspace)?,
        expected()?,
        "a forced re-import replaces, never doubles"
    );
    Ok(())
}

#[test]
fn a_bad_file_stops_the_import_and_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let bad = dir.path().join("broken.csv");
    std::fs::write(
        &bad,
        "name,ip,app\nweb-1,10.0.0.1,shop\nweb-2,10.0.0.300,shop\n",
    )?;
    let mut workspace = Workspace::in_memory()?;
    import(&mut workspace, &["inventory"], ImportOptions::default())?;
    let before = (ops::stats(&workspace)?, workspace.imports()?.len());
    let paths = vec![fixture("flows"), bad.clone()];
    let error = ops::import_paths(
        &mut workspace,
        &paths,
        ImportOptions::default(),
        &ImportProgress::default(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.contains("broken.csv:3: field ip: expected"),
        "{error}"
    );
    assert_eq!(
        (ops::stats(&workspace)?, workspace.imports()?.len()),
        before
    );
    // With --skip-bad the good row and the flows go in, and the bad row is listed.
    let report = ops::import_paths(
        &mut workspace,
        &paths,
        ImportOptions {
            skip_bad: true,
            ..ImportOptions::default()
        },
        &ImportProgress::default(),
    )?;
    let csv = report
        .files
        .iter()
        .find(|f| f.path.ends_with("broken.csv"))
        .ok_or("broken.csv outcome")?;
    assert_eq!(csv.workloads, 1);
    assert_eq!(csv.skipped.len(), 1);
    Ok(())
}

#[test]
fn workspace_files_reopen_with_the_same_figures() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("w.blastwall");
    {
        let mut workspace = Workspace::open(&path)?;
        import(
            &mut workspace,
            &["inventory", "flows"],
            ImportOptions::default(),
        )?;
    }
    let workspace = Workspace::open(&path)?;
    assert_eq!(
        workspace.schema_version()?,
        blastwall::store::SCHEMA_VERSION
    );
    assert_eq!(ops::stats(&workspace)?, expected()?);
    Ok(())
}

#[test]
fn workloads_know_the_networks_their_addresses_fall_in() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    import(&mut workspace, &["inventory"], ImportOptions::default())?;
    let estate = ops::load_resolved(&workspace)?;
    let networks = |name: &str| -> Vec<String> {
        estate
            .workloads
            .iter()
            .find(|w| w.name == name)
            .map(|w| w.networks.iter().map(|n| n.to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(networks("app-01"), ["vlan dc1-app"]);
    assert_eq!(
        networks("web/frontend"),
        ["cluster prod-k8s", "namespace web"]
    );
    assert_eq!(
        networks("pay-db-01"),
        [
            "vpc vpc-0f1e2d3c4b5a69788",
            "subnet subnet-0123abcd4567ef890"
        ]
    );
    Ok(())
}
