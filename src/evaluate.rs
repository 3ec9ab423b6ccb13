//! Evaluation: a pure function from spec × snapshot to verdicts.

use serde::Serialize;
use serde_json::Value as J;

use crate::catalog::AttrType;
use crate::snapshot::{Observation, Snapshot};
use crate::spec::{Matcher, Severity, Spec};

/// A check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// As expected.
    Pass,
    /// Observed, and not as expected.
    Fail,
    /// The resource does not exist.
    Missing,
    /// Could not be observed (access denied, throttled, timed out...). Never a pass.
    Error,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Missing => "missing",
            Status::Error => "error",
        }
    }
}

/// One verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Stable id: `kind/resource/attribute`.
    pub id: String,
    /// Resource kind.
    pub kind: String,
    /// Resource id.
    pub resource: String,
    /// Attribute (`exists` for the existence check).
    pub attribute: String,
    /// Outcome.
    pub status: Status,
    /// What the spec asks, as written.
    pub expected: J,
    /// What was observed (`null` when nothing was).
    pub actual: J,
    /// One sentence for people.
    pub message: String,
    /// Severity, when the spec sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Checklist line this check ticks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Audit control ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
}

/// Counts per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Checks run.
    pub total: usize,
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Resource missing.
    pub missing: usize,
    /// Could not verify.
    pub error: usize,
}

impl Summary {
    /// Counts the checks.
    pub fn of(checks: &[Check]) -> Summary {
        let mut s = Summary {
            total: checks.len(),
            ..Summary::default()
        };
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Missing => s.missing += 1,
                Status::Error => s.error += 1,
            }
        }
        s
    }

    /// The run's overall outcome.
    pub fn outcome(&self) -> Outcome {
        if self.fail + self.missing > 0 {
            Outcome::NotReady
        } else if self.error > 0 {
            Outcome::Unverified
        } else {
            Outcome::Ready
        }
    }
}

/// The overall outcome of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed.
    Ready,
    /// Some check failed or a resource is missing.
    NotReady,
    /// Nothing failed, but some checks could not be verified.
    Unverified,
}

/// The verdicts of one run: what every output format renders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Environment name.
    pub environment: String,
    /// Overall outcome.
    pub outcome: Outcome,
    /// Counts.
    pub summary: Summary,
    /// Where the facts came from.
    pub source: Source,
    /// Every check, in spec order.
    pub checks: Vec<Check>,
}

/// Snapshot metadata carried into reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// Account probed.
    pub account_id: Option<String>,
    /// Region probed.
    pub region: Option<String>,
    /// When the facts were observed.
    pub taken_at: String,
}

/// Evaluates every expectation of the spec against the snapshot.
pub fn evaluate(spec: &Spec, snapshot: &Snapshot) -> Report {
    let mut checks = Vec::new();
    for r in &spec.resources {
        let key = r.key();
        let record = snapshot
            .find(r.kind.name, &r.id)
            .map(|rec| &rec.observation);
        let base =
            |attribute: &str, status: Status, expected: J, actual: J, message: String| Check {
                id: format!("{key}/{attribute}"),
                kind: r.kind.name.to_string(),
                resource: r.id.clone(),
                attribute: attribute.to_string(),
                status,
                expected,
                actual,
                message,
                severity: r.severity,
                item: r.item.clone(),
                controls: r.controls.clone(),
            };
        let exists_check = match record {
            None => base(
                "exists",
                Status::Error,
                J::Bool(r.exists),
                J::Null,
                "not observed: the snapshot has no record of this resource".into(),
            ),
            Some(Observation::Error { error }) => base(
                "exists",
                Status::Error,
                J::Bool(r.exists),
                J::Null,
                format!("could not observe: {error}"),
            ),
            Some(Observation::Absent) if r.exists => base(
                "exists",
                Status::Missing,
                J::Bool(true),
                J::Bool(false),
                "missing: no such resource".into(),
            ),
            Some(Observation::Absent) => base(
                "exists",
                Status::Pass,
                J::Bool(false),
                J::Bool(false),
                "does not exist, as required".into(),
            ),
            Some(Observation::Present { .. }) if r.exists => base(
                "exists",
                Status::Pass,
                J::Bool(true),
                J::Bool(true),
                "exists".into(),
            ),
            Some(Observation::Present { .. }) => base(
                "exists",
                Status::Fail,
                J::Bool(false),
                J::Bool(true),
                "exists, but must not".into(),
            ),
        };
        checks.push(exists_check);
        for e in &r.expectations {
            let name = e.attribute.name;
            let (status, actual, message) = match record {
                None => (
                    Status::Error,
                    J::Null,
                    "not observed: the snapshot has no record of this resource".to_string(),
                ),
                Some(Observation::Error { error }) => (
                    Status::Error,
                    J::Null,
                    format!("could not observe: {error}"),
                ),
                Some(Observation::Absent) => (
                    Status::Missing,
                    J::Null,
                    "missing: no such resource".to_string(),
                ),
                Some(Observation::Present { attributes, errors }) => {
                    match (errors.get(name), attributes.get(name)) {
                        (Some(err), _) => (
                            Status::Error,
                            J::Null,
                            format!("could not observe `{name}`: {err}"),
                        ),
                        (None, None) => (
                            Status::Error,
                            J::Null,
                            format!("not observed: the snapshot has no value for `{name}`"),
                        ),
                        (None, Some(actual)) => {
                            let failed: Vec<String> = e
                                .matchers
                                .iter()
                                .filter(|m| !matches(m, actual, e.attribute.ty))
                                .map(describe)
                                .collect();
                            if failed.is_empty() {
                                (
                                    Status::Pass,
                                    actual.clone(),
                                    format!("{name} is {}", show(actual)),
                                )
                            } else {
                                (
                                    Status::Fail,
                                    actual.clone(),
                                    format!(
                                        "{name}: expected {}, found {}",
                                        failed.join(" and "),
                                        show(actual)
                                    ),
                                )
                            }
                        }
                    }
                }
            };
            let mut c = base(name, status, e.expected.clone(), actual, message);
            if e.severity.is_some() {
                c.severity = e.severity;
            }
            if e.item.is_some() {
                c.item = e.item.clone();
            }
            c.controls.extend(e.controls.iter().cloned());
            checks.push(c);
        }
    }
    let summary = Summary::of(&checks);
    Report {
        environment: spec.environment.clone(),
        outcome: summary.outcome(),
        summary,
        source: Source {
            account_id: snapshot.metadata.account_id.clone(),
            region: snapshot.metadata.region.clone(),
            taken_at: snapshot.metadata.taken_at.clone(),
        },
        checks,
    }
}

/// A value as people read it: strings without quotes, everything else as JSON.
pub fn show(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "not set".into(),
        other => other.to_string(),
    }
}

/// The matcher in words, e.g. "at least 7".
pub fn describe(m: &Matcher) -> String {
    match m {
        Matcher::Equals(v) => show(v),
        Matcher::AtLeast(n) => format!("at least {}", number(*n)),
        Matcher::AtMost(n) => format!("at most {}", number(*n)),
        Matcher::OneOf(vs) => format!(
            "one of {}",
            vs.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Matcher::Matches(re) => format!("a match for /{}/", re.as_str()),
        Matcher::Contains(v) => format!("to contain {}", show(v)),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether an observed value satisfies a matcher.
pub fn matches(m: &Matcher, actual: &J, ty: AttrType) -> bool {
    match m {
        Matcher::Equals(expected) => equal(expected, actual, ty),
        Matcher::AtLeast(n) => actual.as_f64().is_some_and(|a| a >= *n),
        Matcher::AtMost(n) => actual.as_f64().is_some_and(|a| a <= *n),
        Matcher::OneOf(options) => options.iter().any(|o| equal(o, actual, ty)),
        Matcher::Matches(re) => actual.as_str().is_some_and(|s| re.is_match(s)),
        Matcher::Contains(expected) => contains(actual, expected),
    }
}

fn equal(expected: &J, actual: &J, ty: AttrType) -> bool {
    match (expected, actual) {
        (J::Number(a), J::Number(b)) if ty.is_numeric() => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

fn contains(actual: &J, expected: &J) -> bool {
    match (actual, expected) {
        (J::String(a), J::String(e)) => a.contains(e.as_str()),
        (J::Array(items), J::Array(wanted)) => {
            wanted.iter().all(|w| items.iter().any(|i| subset(w, i)))
        }
        (J::Array(items), w) => items.iter().any(|i| subset(w, i)),
        (J::Object(_), J::Object(_)) => subset(expected, actual),
        _ => false,
    }
}

/// `expected` is contained in `actual`: equal scalars, or every field of an expected object present
/// (recursively) in the actual one, or every element of an expected list matched by some element.
fn subset(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| subset(ev, av))),
        (J::Array(e), J::Array(a)) => e.iter().all(|ev| a.iter().any(|av| subset(ev, av))),
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}
