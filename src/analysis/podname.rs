//! Owner names derived from Kubernetes pod names, for pods that no pod list knows any more.

use crate::model::WorkloadKind;

/// The alphabet Kubernetes uses for generated name suffixes (`rand.String`, `SafeEncodeString`).
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Whether `part` looks like a generated suffix. Leniently any lower-case alphanumeric run (other
/// tools mint names too); strictly the Kubernetes alphabet, or a run that holds a digit.
fn is_generated(part: &str, min: usize, max: usize, lenient: bool) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (min..=max).contains(&part.len())
        && if lenient {
            part.bytes().all(alnum)
        } else {
            part.bytes().all(|b| SUFFIX_ALPHABET.contains(&b))
                || (part.bytes().all(alnum) && part.bytes().any(|b| b.is_ascii_digit()))
        }
}

fn is_ordinal(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

/// An owner a pod name implies: the owner's name and the kinds of controller that name pods so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub kinds: &'static [WorkloadKind],
}

const DEPLOYMENT: &[WorkloadKind] = &[WorkloadKind::Deployment];
const STATEFULSET: &[WorkloadKind] = &[WorkloadKind::StatefulSet];
const DAEMONSET_OR_JOB: &[WorkloadKind] = &[WorkloadKind::DaemonSet, WorkloadKind::Job];
const CRONJOB: &[WorkloadKind] = &[WorkloadKind::CronJob];

/// The owners a pod name implies, most specific first: a Deployment
/// (`-<replicaset-hash>-<pod-hash>`), a CronJob (`-<scheduled-minutes>-<hash>`), a DaemonSet or Job
/// (`-<hash>`), a StatefulSet (`-<ordinal>`). `lenient` accepts any lower-case alphanumeric
/// suffix, for matching against workloads that are known to exist.
pub fn owner_candidates(pod_name: &str, lenient: bool) -> Vec<Candidate> {
    let parts: Vec<&str> = pod_name.split('-').collect();
    let n = parts.len();
    let mut candidates = Vec::new();
    let mut add = |upto: usize, kinds: &'static [WorkloadKind]| {
        let name = parts[..upto].join("-");
        if !name.is_empty() {
            candidates.push(Candidate { name, kinds });
        }
    };
    if n >= 2 && is_generated(parts[n - 1], 5, 5, lenient) {
        if n >= 3 && is_generated(parts[n - 2], 1, 10, lenient) {
            add(n - 2, DEPLOYMENT);
        }
        if n >= 3 && is_ordinal(parts[n - 2]) {
            add(n - 2, CRONJOB);
        }
        add(n - 1, DAEMONSET_OR_JOB);
    } else if n >= 2 && is_ordinal(parts[n - 1]) {
        add(n - 1, STATEFULSET);
    }
    candidates
}

/// The owner name to give a pod that resolves to nothing: the most specific candidate, else the
/// pod's own name. Two generated-looking segments (`-<hash>-<hash5>`) are taken leniently, as a
/// Deployment's pod; a single one only when it is strictly Kubernetes-like.
pub fn likely_owner(pod_name: &str) -> String {
    let parts: Vec<&str> = pod_name.split('-').collect();
    let n = parts.len();
    let deployment_like =
        n >= 3 && is_generated(parts[n - 1], 5, 5, true) && is_generated(parts[n - 2], 1, 10, true);
    owner_candidates(pod_name, deployment_like)
        .into_iter()
        .next()
        .map_or_else(|| pod_name.to_string(), |c| c.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pod: &str, lenient: bool) -> Vec<String> {
        owner_candidates(pod, lenient)
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn deployment_pod() {
        let candidates = owner_candidates("payments-api-5c8d7f9b6-m3n4p", false);
        assert_eq!(
            candidates[0],
            Candidate {
                name: "payments-api".into(),
                kinds: DEPLOYMENT
            }
        );
        assert_eq!(likely_owner("frontend-6f7c9d8b4-q7w2x"), "frontend");
    }

    #[test]
    fn statefulset_pod() {
        assert_eq!(
            owner_candidates("postgres-0", false),
            [Candidate {
                name: "postgres".into(),
                kinds: STATEFULSET
            }]
        );
        assert_eq!(likely_owner("kafka-broker-12"), "kafka-broker");
    }

    #[test]
    fn daemonset_and_cronjob_pods() {
        assert_eq!(names("node-exporter-x7k2p", false), ["node-exporter"]);
        // Leniently "exporter" could be a hash, but only a Deployment named "node" would match it.
        let lenient = owner_candidates("node-exporter-x7k2p", true);
        assert_eq!(
            lenient[0],
            Candidate {
                name: "node".into(),
                kinds: DEPLOYMENT
            }
        );
        assert_eq!(
            lenient[1],
            Candidate {
                name: "node-exporter".into(),
                kinds: DAEMONSET_OR_JOB
            }
        );
        let cron = owner_candidates("report-job-28911234-x7k2p", false);
        assert!(cron.contains(&Candidate {
            name: "report-job".into(),
            kinds: CRONJOB
        }));
        assert!(cron.contains(&Candidate {
            name: "report-job-28911234".into(),
            kinds: DAEMONSET_OR_JOB
        }));
        // Suffixes minted by other tools are accepted when matching known workloads.
        assert!(names("report-job-28911-abcde", true).contains(&"report-job-28911".to_string()));
    }

    #[test]
    fn names_without_generated_suffix_have_no_candidates() {
        assert!(owner_candidates("debug", false).is_empty());
        // "proxy" has vowels and no digit, so strictly it is not a generated suffix.
        assert!(owner_candidates("nginx-proxy", false).is_empty());
        assert_eq!(likely_owner("nginx-proxy"), "nginx-proxy");
        assert_eq!(likely_owner("debug-shell"), "debug-shell");
        // Other tools' suffixes, but clearly a Deployment's pod.
        assert_eq!(likely_owner("report-job-28911-abcde"), "report-job");
    }
}
