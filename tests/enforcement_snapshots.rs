//! Snapshots of the Kubernetes and Cilium targets for the small fixture estate and plan, and
//! every YAML file of both parses.

mod readback;

use readback::{Error, documents};

const FILES: [&str; 5] = [
    "enforcement/kubernetes/README.md",
    "enforcement/kubernetes/default-deny.yaml",
    "enforcement/kubernetes/allow.yaml",
    "enforcement/cilium/README.md",
    "enforcement/cilium/policies.yaml",
];

#[test]
fn the_cluster_targets_of_the_small_estate() -> Result<(), Error> {
    let case = readback::small()?;
    for name in FILES {
        let text = case.render(name)?;
        if name.ends_with(".yaml") {
            assert!(!documents(&text)?.is_empty(), "{name} has no document");
        }
        assert_eq!(text, case.render(name)?, "{name} is not deterministic");
        insta::assert_snapshot!(name.replace('/', "__"), text);
    }
    Ok(())
}

#[test]
fn every_yaml_file_of_the_demo_parses() -> Result<(), Error> {
    let case = readback::demo()?;
    for name in FILES.iter().filter(|n| n.ends_with(".yaml")) {
        assert!(!documents(&case.render(name)?)?.is_empty(), "{name}");
    }
    Ok(())
}
