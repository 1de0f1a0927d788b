//! `validation/probes.sh`: a POSIX sh script running the probes that start at the current host
//! with plain `nc -z -w 2 ADDRESS PORT`, printing PASS or FAIL per probe and exiting non-zero
//! when any probe fails. Every value from the data is single-quoted ([`shell_quote`]), so no
//! name can run anything.

use std::fmt::Write as _;

use super::probes::Probe;
use crate::export::deliverables::Context;

/// `value` as one sh word that stands for exactly itself: single-quoted, with each `'` written
/// `'\''`. NUL, which no shell string can hold, is dropped.
pub fn shell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

const PRELUDE: &str = r#"
usage() {
  echo 'usage: sh probes.sh [--as NAME] [--all]'
  echo '  runs the probes whose "from" workload is this host (its host name, or NAME),'
  echo '  or every probe with --all; prints PASS or FAIL per probe; exit 1 if any fails,'
  echo '  2 if no probe ran.'
}

as=''
all=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --as)
      if [ "$#" -lt 2 ]; then echo 'probes.sh: --as needs a workload name' >&2; exit 2; fi
      as=$2
      shift 2
      ;;
    --all) all=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "probes.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$as" ]; then
  as=$(hostname 2>/dev/null || uname -n)
fi
if ! command -v nc >/dev/null 2>&1; then
  echo 'probes.sh: nc (netcat) not found' >&2
  exit 2
fi

lower() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

me=$(lower "$as")
ran=0
passed=0
failed=0

# Whether a probe's "from" workload is this host: the same name (any case), this host's short
# name, or, for a Kubernetes workload NAMESPACE/OWNER, one of its pods (OWNER-...).
is_me() {
  if [ "$all" -eq 1 ]; then return 0; fi
  from=$(lower "$1")
  if [ "$from" = "$me" ] || [ "$from" = "${me%%.*}" ]; then return 0; fi
  case "$from" in
    */*)
      owner=${from##*/}
      case "$me" in "$owner"-*) return 0 ;; esac
      ;;
  esac
  return 1
}

# probe NAME FROM TO ADDRESS PORT EXPECT REASON
probe() {
  is_me "$2" || return 0
  ran=$((ran + 1))
  if nc -z -w 2 "$4" "$5" >/dev/null 2>&1; then
    result=connect
  else
    result=refuse
  fi
  if [ "$result" = "$6" ]; then
    status=PASS
    passed=$((passed + 1))
  else
    status=FAIL
    failed=$((failed + 1))
  fi
  printf '%s %s: %s -> %s at %s tcp/%s: expected %s, got %s\n' \
    "$status" "$1" "$2" "$3" "$4" "$5" "$6" "$result"
  if [ "$status" = FAIL ]; then
    printf '     plan: %s\n' "$7"
  fi
}

"#;

const SUMMARY: &str = r#"
printf '%s probes run as %s: %s passed, %s failed\n' "$ran" "$as" "$passed" "$failed"
if [ "$ran" -eq 0 ]; then
  echo 'probes.sh: no probe starts at this host; pass --as NAME or --all' >&2
  exit 2
fi
if [ "$failed" -gt 0 ]; then
  exit 1
fi
exit 0
"#;

/// `validation/probes.sh`.
pub fn script(ctx: &Context, probes: &[Probe]) -> String {
    let mut out = String::from("#!/bin/sh\n");
    out.push_str("# Synthetic probes written by blastwall export: run after enforcing a phase.\n");
    let _ = writeln!(
        out,
        "# estate_digest: {}\n# plan_digest: {}\n# Usage: sh probes.sh [--as NAME] [--all]\nset -u",
        ctx.digests.estate, ctx.digests.plan
    );
    out.push_str(PRELUDE);
    for probe in probes {
        let words = [
            probe.name.clone(),
            probe.from.clone(),
            probe.to.clone(),
            probe.address.to_string(),
            probe.port.to_string(),
            probe.expect.as_str().to_string(),
            probe.reason.clone(),
        ];
        let quoted: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
        let _ = writeln!(out, "probe {}", quoted.join(" "));
    }
    out.push_str(SUMMARY);
    out
}
