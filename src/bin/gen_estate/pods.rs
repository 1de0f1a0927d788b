//! `kubectl get pods -A -o json` (keys sorted, 4-space indent, like kubectl).

use std::io::Write;
use std::path::Path;

use crate::catalog::Kind;
use crate::json::{J, int, obj, s, write_pretty};
use crate::k8s::{Phase, Pod, Wl};
use crate::model::{Model, Res};
use crate::net::{Out, fmt_addr, iso};

fn labels(w: &Wl, p: &Pod) -> J {
    let mut v: Vec<(String, String)> = p.extra_labels.clone();
    if let Some((k, val)) = w.app_label() {
        v.push((k.to_string(), val.to_string()));
    }
    if w.kind == Kind::Bare {
        v.push(("run".into(), w.name.clone()));
    }
    if w.label == crate::catalog::Label::Name {
        v.push(("app.kubernetes.io/part-of".into(), w.ns.clone()));
        // The component tells apart the workloads of one application, as charts label them.
        v.push(("app.kubernetes.io/component".into(), w.name.clone()));
    }
    v.sort();
    J::Obj(v.into_iter().map(|(k, val)| (k, s(val))).collect())
}

fn owner(p: &Pod) -> Option<J> {
    if p.owner_kind.is_empty() {
        return None;
    }
    let api = if p.owner_kind == "Job" {
        "batch/v1"
    } else {
        "apps/v1"
    };
    Some(J::Arr(vec![obj(vec![
        ("apiVersion", s(api)),
        ("blockOwnerDeletion", J::Bool(true)),
        ("controller", J::Bool(true)),
        ("kind", s(p.owner_kind)),
        ("name", s(p.owner_name.clone())),
        ("uid", s(p.owner_uid.clone())),
    ])]))
}

fn container(w: &Wl) -> J {
    let mut c = vec![
        ("image", s(w.image.clone())),
        ("imagePullPolicy", s("IfNotPresent")),
        ("name", s(w.name.clone())),
    ];
    if !w.ports.is_empty() {
        let ports = w
            .ports
            .iter()
            .map(|(port, proto, name)| {
                let mut o = vec![("containerPort", int(*port))];
                if w.host_network {
                    o.push(("hostPort", int(*port)));
                }
                o.push(("name", s(*name)));
                o.push(("protocol", s(*proto)));
                obj(o)
            })
            .collect();
        c.push(("ports", J::Arr(ports)));
    }
    c.push((
        "resources",
        obj(vec![(
            "requests",
            obj(vec![("cpu", s("100m")), ("memory", s("128Mi"))]),
        )]),
    ));
    c.push(("terminationMessagePath", s("/dev/termination-log")));
    c.push(("terminationMessagePolicy", s("File")));
    obj(c)
}

fn pod_json(m: &Model, p: &Pod, rv: u64) -> J {
    let w = &m.k8s.wls[p.k];
    let mut meta = vec![("creationTimestamp", s(iso(p.created)))];
    match w.kind {
        Kind::Deployment | Kind::DaemonSet | Kind::Job | Kind::CronJob => {
            meta.push(("generateName", s(format!("{}-", p.owner_name))));
        }
        Kind::StatefulSet => meta.push(("generateName", s(format!("{}-", w.name)))),
        Kind::Bare => {}
    }
    meta.push(("labels", labels(w, p)));
    meta.push(("name", s(p.name.clone())));
    meta.push(("namespace", s(w.ns.clone())));
    if let Some(o) = owner(p) {
        meta.push(("ownerReferences", o));
    }
    meta.push(("resourceVersion", s(rv.to_string())));
    meta.push(("uid", s(p.uid.clone())));

    let job = matches!(w.kind, Kind::Job | Kind::CronJob);
    let mut spec = vec![
        ("containers", J::Arr(vec![container(w)])),
        (
            "dnsPolicy",
            s(if w.host_network {
                "ClusterFirstWithHostNet"
            } else {
                "ClusterFirst"
            }),
        ),
        ("enableServiceLinks", J::Bool(true)),
    ];
    if w.host_network {
        spec.push(("hostNetwork", J::Bool(true)));
    }
    let node = p.node.map(|n| &m.k8s.nodes[n]);
    if let Some(n) = node {
        spec.push(("nodeName", s(n.name.clone())));
    }
    spec.extend([
        ("preemptionPolicy", s("PreemptLowerPriority")),
        ("priority", int(0)),
        ("restartPolicy", s(if job { "OnFailure" } else { "Always" })),
        ("schedulerName", s("default-scheduler")),
        ("securityContext", obj(vec![])),
        ("serviceAccount", s(w.sa.clone())),
        ("serviceAccountName", s(w.sa.clone())),
        ("terminationGracePeriodSeconds", int(30)),
    ]);

    let phase = match p.phase {
        Phase::Running => "Running",
        Phase::Pending => "Pending",
        Phase::Succeeded => "Succeeded",
    };
    let mut status = Vec::new();
    if p.phase == Phase::Pending {
        status.push((
            "conditions",
            J::Arr(vec![obj(vec![
                ("lastTransitionTime", s(iso(p.created))),
                ("message", s("0/8 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 5 Insufficient cpu.")),
                ("reason", s("Unschedulable")),
                ("status", s("False")),
                ("type", s("PodScheduled")),
            ])]),
        ));
    }
    if let Some(n) = node {
        status.push(("hostIP", s(fmt_addr(n.ip))));
        status.push((
            "hostIPs",
            J::Arr(vec![obj(vec![("ip", s(fmt_addr(n.ip)))])]),
        ));
    }
    status.push(("phase", s(phase)));
    if let Some(ip) = p.ip {
        status.push(("podIP", s(fmt_addr(ip))));
        status.push(("podIPs", J::Arr(vec![obj(vec![("ip", s(fmt_addr(ip)))])])));
    }
    status.push(("qosClass", s("Burstable")));
    if p.phase != Phase::Pending {
        status.push(("startTime", s(iso(p.created + 2))));
    }
    obj(vec![
        ("apiVersion", s("v1")),
        ("kind", s("Pod")),
        ("metadata", obj(meta)),
        ("spec", obj(spec)),
        ("status", obj(status)),
    ])
}

pub fn write(dir: &Path, m: &Model) -> Res<()> {
    let mut order: Vec<usize> = (0..m.k8s.pods.len())
        .filter(|&i| m.k8s.pods[i].in_dump)
        .collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&m.k8s.pods[a], &m.k8s.pods[b]);
        (&m.k8s.wls[pa.k].ns, &pa.name).cmp(&(&m.k8s.wls[pb.k].ns, &pb.name))
    });
    let mut out = Out::create(&dir.join("k8s/pods.json"), None)?;
    out.write_all(b"{\n    \"apiVersion\": \"v1\",\n    \"items\": [")?;
    for (n, &i) in order.iter().enumerate() {
        out.write_all(if n == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        write_pretty(
            &mut out,
            &pod_json(m, &m.k8s.pods[i], 4_811_200 + 37 * i as u64),
            2,
        )?;
    }
    out.write_all(b"\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")?;
    out.finish()?;
    Ok(())
}
