//! Owner names derived from Kubernetes pod names, for pods that no pod list knows any more.

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

/// Candidate owner names for a pod name, most specific first: a Deployment
/// (`-<replicaset-hash>-<pod-hash>`), a StatefulSet (`-<ordinal>`), a DaemonSet or Job (`-<hash>`),
/// and a CronJob (the Job's `-<scheduled-minutes>` removed as well). `lenient` accepts any
/// lower-case alphanumeric suffix, for matching against workloads that are known to exist.
pub fn owner_candidates(pod_name: &str, lenient: bool) -> Vec<String> {
    let parts: Vec<&str> = pod_name.split('-').collect();
    let mut candidates = Vec::new();
    let n = parts.len();
    if n >= 2 {
        let last = parts[n - 1];
        if is_generated(last, 5, 5, lenient) {
            // DaemonSet or Job pod: `<owner>-<hash5>`.
            let job = parts[..n - 1].join("-");
            if n >= 3 && is_ordinal(parts[n - 2]) {
                // Job created by a CronJob: `<cronjob>-<minutes>-<hash5>`.
                candidates.push(parts[..n - 2].join("-"));
            }
            if n >= 3 && is_generated(parts[n - 2], 1, 10, lenient) {
                // Deployment pod: `<deployment>-<rs-hash>-<pod-hash>`.
                candidates.insert(0, parts[..n - 2].join("-"));
            }
            candidates.push(job);
        } else if is_ordinal(last) {
            candidates.push(parts[..n - 1].join("-"));
        }
    }
    candidates.retain(|c| !c.is_empty());
    candidates.dedup();
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
        .unwrap_or_else(|| pod_name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_pod() {
        assert_eq!(
            owner_candidates("payments-api-5c8d7f9b6-m3n4p", false)[0],
            "payments-api"
        );
        assert_eq!(likely_owner("frontend-6f7c9d8b4-q7w2x"), "frontend");
    }

    #[test]
    fn statefulset_pod() {
        assert_eq!(owner_candidates("postgres-0", false), vec!["postgres"]);
        assert_eq!(likely_owner("kafka-broker-12"), "kafka-broker");
    }

    #[test]
    fn daemonset_and_cronjob_pods() {
        assert_eq!(
            owner_candidates("node-exporter-x7k2p", false),
            vec!["node-exporter"]
        );
        assert_eq!(
            owner_candidates("report-job-28911234-x7k2p", false),
            vec!["report-job", "report-job-28911234"]
        );
        // Suffixes minted by other tools are accepted when matching known workloads.
        assert_eq!(
            owner_candidates("report-job-28911-abcde", true)[1],
            "report-job-28911"
        );
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
