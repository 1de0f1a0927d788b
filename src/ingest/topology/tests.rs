//! Tests of the topology importer.
use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn run(text: impl AsRef<[u8]>) -> (Result<(), InputError>, Batch) {
    let mut ctx = Context::new("topology.yaml", false);
    let mut batch = Batch::default();
    let result = parse(&mut text.as_ref(), &mut ctx, &mut batch);
    (result, batch)
}

/// The first line of the error a file with this body (after kind and version) makes.
fn error_of(body: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (result, _) = run(format!("kind: topology\nversion: 1\n{body}"));
    Ok(result.err().ok_or("expected an error")?.headline())
}

/// One network on a line: `kind id "name" [cidrs] in parent vlan N [enforcement]`.
fn summary(n: &Network) -> String {
    let cidrs: Vec<String> = n.cidrs.iter().map(IpNet::to_string).collect();
    let options: Vec<&str> = n.enforcement.iter().map(|e| e.as_str()).collect();
    let parent = n
        .parent
        .as_ref()
        .map(|p| format!(" in {p}"))
        .unwrap_or_default();
    let vlan = n.vlan_id.map(|v| format!(" vlan {v}")).unwrap_or_default();
    let declared = if n.declared { "" } else { " (referenced)" };
    format!(
        "{} {:?} [{}]{parent}{vlan} [{}]{declared}",
        n.key,
        n.name,
        cidrs.join(", "),
        options.join(", ")
    )
}

#[test]
fn reads_the_fixture() -> TestResult {
    let (result, batch) = run(include_str!(
        "../../../tests/fixtures/inventory/topology.yaml"
    ));
    result?;
    let ranges: Vec<String> = batch.internal_ranges.iter().map(IpNet::to_string).collect();
    assert_eq!(ranges, ["198.18.0.0/15", "fd00:ab::/32"]);
    let networks: Vec<String> = batch.networks.iter().map(summary).collect();
    assert_eq!(
        networks,
        [
            "site dc1 \"Frankfurt DC1\" [10.10.0.0/16] [host-firewall]",
            "vlan dc1-vlan110 \"DC1 web VLAN\" [10.10.110.0/24] in site dc1 vlan 110 [host-firewall, nac]",
            "vpc vpc-0a1b2c3d4e5f60001 \"prod-eu\" [10.0.0.0/16, 2a05:d018:abcd:4000::/56] [security-group]",
            "cluster prod-k8s \"prod-k8s\" [10.244.0.0/16] in vpc vpc-0a1b2c3d4e5f60001 [networkpolicy, cilium, mesh]",
            "namespace web \"web\" [] in cluster prod-k8s [networkpolicy, cilium, mesh]",
            "namespace payments \"payments\" [] in cluster prod-k8s [cilium]",
        ]
    );
    let (vlan, ns) = (NetworkKind::Vlan, NetworkKind::Namespace);
    let sources = vec![
        IdentitySource {
            name: "corp-ad".into(),
            kind: "active-directory".into(),
            covers: vec![NetworkRef::new(vlan, "dc1-vlan110")],
            description: Some("Windows servers join the domain".into()),
        },
        IdentitySource {
            name: "prod-k8s-service-accounts".into(),
            kind: "kubernetes-service-accounts".into(),
            covers: vec![NetworkRef::new(ns, "web"), NetworkRef::new(ns, "payments")],
            description: None,
        },
    ];
    assert_eq!(batch.identity_sources, sources);
    assert!(batch.warnings.is_empty());
    let fixture = include_bytes!("../../../tests/fixtures/inventory/topology.yaml");
    assert_eq!(
        crate::ingest::detect(fixture),
        Some(crate::ingest::Format::Topology)
    );
    Ok(())
}

#[test]
fn warns_about_a_namespace_listed_under_two_clusters() -> TestResult {
    let (result, batch) = run("kind: topology\nversion: 1\nnetworks:\n  \
        - {id: a, kind: cluster, namespaces: [mon, mon]}\n  - {id: b, kind: cluster, namespaces: [mon]}\n");
    result?;
    assert_eq!(batch.networks.len(), 3);
    let warning = "topology.yaml: namespace mon is listed under clusters a and b; kept under a";
    assert_eq!(batch.warnings, [warning]);
    Ok(())
}

#[rustfmt::skip]
#[test]
fn yaml_errors_name_line_and_path() -> TestResult {
    let cases = [
        ("networks:\n  - id: a\n    kind: vlan\n    colour: red\n",
         "topology.yaml:6: field networks[0]: expected {E}, found unknown field `colour`, expected one of `id`, `name`, `kind`, `vlan_id`, `cidrs`, `parent`, `enforcement`, `namespaces`"),
        ("networks:\n  - id: a\n    kind: vnet\n",
         "topology.yaml:5: field networks[0].kind: expected {E}, found unknown variant `vnet`, expected one of `site`, `vlan`, `vpc`, `subnet`, `cluster`, `namespace`"),
        ("networks:\n  - {id: a, kind: vlan, vlan_id: 70000}\n",
         "topology.yaml:4: field networks[0].vlan_id: expected {E}, found invalid value: integer `70000`, expected u16"),
        ("networks:\n  - id: a\n  kind: vlan\n",
         "topology.yaml:5: expected {E}, found did not find expected '-' indicator, while parsing a block collection"),
        ("colour: red\n",
         "topology.yaml:3: expected {E}, found unknown field `colour`, expected one of `kind`, `version`, `internal_ranges`, `networks`, `identity_sources`"),
    ];
    for (body, message) in cases {
        assert_eq!(error_of(body)?, message.replace("{E}", EXPECTED));
    }
    Ok(())
}

#[rustfmt::skip]
#[test]
fn validation_errors_name_line_and_field() -> TestResult {
    let cases = [
        ("networks:\n  - id: a\n    kind: vlan\n    cidrs: [10.10.0.0/33]\n",
         "topology.yaml:6: field cidrs: expected a CIDR such as 10.10.0.0/16, found \"10.10.0.0/33\" in network a"),
        ("networks:\n  - id: a\n    kind: vlan\n    cidrs:\n      - 10.10.1.0/16\n",
         "topology.yaml:7: field cidrs: expected a CIDR such as 10.10.0.0/16, found \"10.10.1.0/16\" in network a, which has host bits set (did you mean 10.10.0.0/16?)"),
        ("internal_ranges: [10.0.0.1]\n",
         "topology.yaml:3: field internal_ranges: expected a CIDR such as 10.10.0.0/16, found \"10.0.0.1\""),
        ("networks:\n  - id: a\n    kind: vlan\n    enforcement: [nac, firewall]\n",
         "topology.yaml:6: field enforcement: expected one of security-group, networkpolicy, cilium, mesh (or service-mesh), host-firewall, nac, found \"firewall\" in network a"),
        ("networks:\n  - id: a\n    kind: vlan\n  - id: a\n    kind: subnet\n",
         "topology.yaml:6: field id: expected a unique network id, found \"a\" declared twice"),
        ("networks:\n  - id: a\n    kind: vlan\n    parent: dc9\n",
         "topology.yaml:6: field parent: expected the id of a network declared in this file, found \"dc9\""),
        ("networks:\n  - {id: a, kind: vlan}\nidentity_sources:\n  - name: ad\n    kind: ad\n    covers:\n      - a\n      - b\n",
         "topology.yaml:10: field covers: expected the id of a network declared in this file, found \"b\""),
        ("networks:\n  - {id: a, kind: vlan, namespaces: [web]}\n",
         "topology.yaml:4: field namespaces: expected namespaces only on a network of kind cluster, found namespaces on vlan \"a\""),
        ("networks:\n  - {id: a, kind: site, parent: b}\n  - {id: b, kind: site, parent: a}\n",
         "topology.yaml:4: field parent: expected a parent chain without loops, found a → b → a"),
    ];
    for (body, message) in cases {
        assert_eq!(error_of(body)?, message);
    }
    Ok(())
}

#[rustfmt::skip]
#[test]
fn refuses_other_kinds_and_versions() -> TestResult {
    let cases = [
        ("apiVersion: apps/v1\nkind: Deployment\n", "topology.yaml:2: field kind: expected kind: topology, found \"Deployment\""),
        ("version: 1\n", "topology.yaml:1: field kind: expected kind: topology, found no kind"),
        ("kind: topology\nversion: 2\n", "topology.yaml:2: field version: expected version: 1, found 2"),
        ("kind: topology\nversion: \"1\"\n", "topology.yaml:2: field version: expected version: 1, found \"1\""),
        ("kind: topology\n", "topology.yaml:1: field version: expected version: 1, found no version"),
        ("- kind: topology\n", "topology.yaml:1: expected a Blastwall topology file (see docs/formats.md), found a YAML document that is not a mapping"),
    ];
    for (text, message) in cases {
        let (result, _) = run(text);
        assert_eq!(result.err().ok_or("expected an error")?.to_string(), message);
    }
    let (result, _) = run(b"kind: topology\nversion: 1\n\xff");
    let error = result.err().ok_or("expected an error")?.to_string();
    assert_eq!(error, "topology.yaml: expected UTF-8 text, found invalid UTF-8");
    Ok(())
}

#[test]
fn finds_values_under_their_key() {
    let text = "a:\n  id: web\n  covers: [web-2, web]\n  # covers: x\n  parent:\n    - x\n";
    assert_eq!(line_of(text, "id", "web", 1), Some(2));
    assert_eq!(line_of(text, "covers", "web", 1), Some(3));
    assert_eq!(line_of(text, "parent", "x", 1), Some(6));
    assert_eq!(line_of(text, "covers", "x", 1), None);
    let message = "bad at line 3 column 7, while x at line 1 column 1";
    assert_eq!(strip_positions(message), "bad, while x");
}
