//! Evaluation: a pure function from spec × snapshot to verdicts.

use serde::Serialize;
use serde_json::Value as J;

use crate::catalog::AttrType;
use crate::snapshot::{Observation, Snapshot};
use crate::spec::{Resource, Selector, Severity, Spec};

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
    /// Where in the spec the check comes from: the expectation's value, or the resource entry
    /// for `exists` and `count`. What the SARIF and GitHub formats point at.
    pub location: SpecLocation,
    /// The spec resource (index) and expectation (index; none for `exists`/`count`) it checks.
    #[serde(skip)]
    pub source: (usize, Option<usize>),
}

/// A place in a spec file: the file as it was given (or as `extends:` named it, joined to the
/// directory of the file that extends it), and the 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SpecLocation {
    /// The spec file, as given on the command line (relative paths stay relative).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl SpecLocation {
    fn of(origin: &crate::spec::Origin) -> SpecLocation {
        SpecLocation {
            file: origin.file.display().to_string(),
            line: origin.pos.line,
            column: origin.pos.column,
        }
    }
}

impl std::fmt::Display for SpecLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
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

impl Outcome {
    /// How bad it is, for the worst of several: not ready over could not verify over ready.
    fn rank(self) -> u8 {
        match self {
            Outcome::Ready => 0,
            Outcome::Unverified => 1,
            Outcome::NotReady => 2,
        }
    }

    /// The worst of several outcomes (`Ready` for none).
    pub fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
        outcomes
            .into_iter()
            .max_by_key(|o| o.rank())
            .unwrap_or(Outcome::Ready)
    }
}

/// The reports of several environments verified in one run (`infra-verify staging production`),
/// in the order given. Its JSON is `{"outcome": ..., "environments": [report, ...]}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Combined {
    /// The worst outcome of the environments.
    pub outcome: Outcome,
    /// One report per environment, in the order given.
    pub environments: Vec<Report>,
}

impl Combined {
    /// Combines reports; the outcome is the worst of theirs.
    pub fn new(environments: Vec<Report>) -> Combined {
        Combined {
            outcome: Outcome::worst(environments.iter().map(|r| r.outcome)),
            environments,
        }
    }
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
    /// API calls made to observe them, per IAM action (empty for snapshots that did not record them).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub api_calls: std::collections::BTreeMap<String, u64>,
    /// Attempts retried per IAM action (throttling, server errors, timeouts); empty when none.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub api_retries: std::collections::BTreeMap<String, u64>,
    /// `http_endpoint` connections made elsewhere than their URL's host (`--connect-to`):
    /// `host:port` requested → the address connected to; empty when none.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub connect_to: std::collections::BTreeMap<String, String>,
}

/// Evaluates every expectation of the spec against the snapshot.
pub fn evaluate(spec: &Spec, snapshot: &Snapshot) -> Report {
    // One index, not a scan per resource: a spec of thousands of resources stays linear.
    // (The first record wins, as `Snapshot::find` would have it.)
    let mut index: std::collections::HashMap<(&str, &str), &Observation> =
        std::collections::HashMap::with_capacity(snapshot.resources.len());
    for rec in &snapshot.resources {
        index
            .entry((rec.kind.as_str(), rec.id.as_str()))
            .or_insert(&rec.observation);
    }
    let find = |kind: &str, id: &str| index.get(&(kind, id)).copied();
    // One existence (or count) check and one per expectation, per resource: reserved at once
    // (a selection's matches may add more), not doubled up to it through copies of the whole.
    let mut checks = Vec::with_capacity(
        spec.resources
            .iter()
            .map(|r| 1 + r.expectations.len())
            .sum(),
    );
    for (ri, r) in spec.resources.iter().enumerate() {
        let first = checks.len();
        let record_id = r.record_id();
        let record = find(r.kind.name, &record_id);
        match &r.selector {
            None => {
                checks.push(exists_check(r, record));
                checks.extend(expectation_checks(r, &record_id, record));
            }
            Some(sel) => {
                checks.push(count_check(r, sel, record));
                if let Some(Observation::Selected { matches }) = record {
                    for id in matches {
                        let matched = find(r.kind.name, id);
                        checks.extend(expectation_checks(r, id, matched));
                    }
                }
            }
        }
        for c in &mut checks[first..] {
            c.source.0 = ri;
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
            api_calls: snapshot.metadata.api_calls.clone(),
            api_retries: snapshot.metadata.api_retries.clone(),
            connect_to: snapshot.metadata.connect_to.clone(),
        },
        checks,
    }
}

/// A check of resource `r` (as `resource_id`: a matched id for a selection), before its outcome.
fn check(
    r: &Resource,
    resource_id: &str,
    attribute: &str,
    status: Status,
    expected: J,
    actual: J,
    message: String,
) -> Check {
    Check {
        id: format!("{}/{resource_id}/{attribute}", r.kind.name),
        kind: r.kind.name.to_string(),
        resource: resource_id.to_string(),
        attribute: attribute.to_string(),
        status,
        expected,
        actual,
        message,
        severity: r.severity,
        item: r.item.clone(),
        controls: r.controls.clone(),
        location: SpecLocation::of(&r.origin),
        source: (0, None),
    }
}

const NO_RECORD: &str = "not observed: the snapshot has no record of this resource";

/// `kind/id/exists`.
fn exists_check(r: &Resource, record: Option<&Observation>) -> Check {
    let c = |status, expected: bool, actual: J, message: String| {
        check(
            r,
            &r.record_id(),
            "exists",
            status,
            J::Bool(expected),
            actual,
            message,
        )
    };
    match record {
        None => c(Status::Error, r.exists, J::Null, NO_RECORD.into()),
        Some(Observation::Error { error }) => c(
            Status::Error,
            r.exists,
            J::Null,
            format!("could not observe: {error}"),
        ),
        Some(Observation::Absent) if r.exists => c(
            Status::Missing,
            true,
            J::Bool(false),
            "missing: no such resource".into(),
        ),
        Some(Observation::Absent) => c(
            Status::Pass,
            false,
            J::Bool(false),
            "does not exist, as required".into(),
        ),
        Some(Observation::Present { .. }) if r.exists => {
            c(Status::Pass, true, J::Bool(true), "exists".into())
        }
        Some(Observation::Present { .. }) => c(
            Status::Fail,
            false,
            J::Bool(true),
            "exists, but must not".into(),
        ),
        Some(Observation::Selected { .. }) => c(
            Status::Error,
            r.exists,
            J::Null,
            "the snapshot records a selection, not a resource".into(),
        ),
    }
}

/// `kind/tags(...)/count`: how many resources a selection matched.
fn count_check(r: &Resource, sel: &Selector, record: Option<&Observation>) -> Check {
    let c = |status, actual: J, message: String| {
        check(
            r,
            &r.record_id(),
            "count",
            status,
            sel.count_expected.clone(),
            actual,
            message,
        )
    };
    match record {
        Some(Observation::Selected { matches }) => {
            let n = J::from(matches.len());
            let failed: Vec<String> = sel
                .count
                .iter()
                .filter(|m| !self::matches(m, &n, AttrType::Integer))
                .map(describe)
                .collect();
            let listed = if matches.is_empty() {
                "none".to_string()
            } else {
                brief(&J::String(matches.join(", ")))
            };
            if failed.is_empty() {
                c(
                    Status::Pass,
                    n,
                    format!("{} selected: {listed}", matches.len()),
                )
            } else {
                c(
                    Status::Fail,
                    n,
                    format!(
                        "expected {} selected, found {}: {listed}",
                        failed.join(" and "),
                        matches.len()
                    ),
                )
            }
        }
        Some(Observation::Error { error }) => c(
            Status::Error,
            J::Null,
            format!("could not observe: {error}"),
        ),
        None => c(Status::Error, J::Null, NO_RECORD.into()),
        Some(_) => c(
            Status::Error,
            J::Null,
            "the snapshot records a single resource, not a selection".into(),
        ),
    }
}

/// One check per expectation of `r`, on the resource `resource_id` as recorded.
fn expectation_checks(r: &Resource, resource_id: &str, record: Option<&Observation>) -> Vec<Check> {
    r.expectations
        .iter()
        .enumerate()
        .map(|(ei, e)| {
            let name = e.attribute.name;
            let (status, actual, message) = match record {
                None => (Status::Error, J::Null, NO_RECORD.to_string()),
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
                Some(Observation::Selected { .. }) => (
                    Status::Error,
                    J::Null,
                    "the snapshot records a selection, not a resource".to_string(),
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
                                    format!("{name} is {}", brief(actual)),
                                )
                            } else {
                                let message = format!(
                                    "{name}: expected {}, found {}",
                                    failed.join(" and "),
                                    brief(actual)
                                );
                                (Status::Fail, actual.clone(), message)
                            }
                        }
                    }
                }
            };
            let mut c = check(
                r,
                resource_id,
                name,
                status,
                e.expected.clone(),
                actual,
                message,
            );
            if e.severity.is_some() {
                c.severity = e.severity;
            }
            if e.item.is_some() {
                c.item = e.item.clone();
            }
            c.controls.extend(e.controls.iter().cloned());
            c.location = SpecLocation::of(&e.origin);
            c.source.1 = Some(ei);
            c
        })
        .collect()
}

pub use crate::spec::matchers::{brief, describe, matches, show, show_expected, BRIEF_CHARS};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Matcher;
    use serde_json::json;

    fn m(ty: AttrType, matcher: Matcher, actual: J) -> bool {
        matches(&matcher, &actual, ty)
    }

    #[test]
    fn object_lists_compare_their_numbers_by_value() {
        let actual = json!([{"metric": "cpu", "target_value": 60.0}]);
        let eq = |e: J| m(AttrType::ObjectList, Matcher::Equals(e), actual.clone());
        assert!(eq(json!([{"metric": "cpu", "target_value": 60}])));
        assert!(!eq(json!([{"metric": "cpu", "target_value": 61}])));
        assert!(!eq(json!([{"metric": "cpu"}])));
        assert!(!eq(
            json!([{"metric": "cpu", "target_value": 60}, {"metric": "x"}])
        ));
        assert!(!eq(json!([{"metric": "cpu", "target_value": "60"}])));
    }

    #[test]
    fn equals_compares_numbers_by_value_and_everything_else_exactly() {
        assert!(m(AttrType::Integer, Matcher::Equals(json!(20)), json!(20)));
        assert!(m(AttrType::Number, Matcher::Equals(json!(2)), json!(2.0)));
        assert!(!m(AttrType::Integer, Matcher::Equals(json!(20)), json!(21)));
        assert!(m(
            AttrType::String,
            Matcher::Equals(json!("gp3")),
            json!("gp3")
        ));
        assert!(!m(
            AttrType::String,
            Matcher::Equals(json!("gp3")),
            json!("GP3")
        ));
        assert!(
            !m(AttrType::Bool, Matcher::Equals(json!(false)), J::Null),
            "not set is not false"
        );
        assert!(m(AttrType::String, Matcher::Equals(J::Null), J::Null));
        assert!(m(
            AttrType::StringList,
            Matcher::Equals(json!(["a", "b"])),
            json!(["a", "b"])
        ));
        assert!(!m(
            AttrType::StringList,
            Matcher::Equals(json!(["a", "b"])),
            json!(["b", "a"])
        ));
        assert!(!m(
            AttrType::StringMap,
            Matcher::Equals(json!({"a": "1"})),
            json!({"a": "1", "b": "2"})
        ));
    }

    #[test]
    fn bounds_are_inclusive_and_fail_on_non_numbers() {
        assert!(m(AttrType::Integer, Matcher::AtLeast(7.0), json!(7)));
        assert!(!m(AttrType::Integer, Matcher::AtLeast(7.0), json!(1)));
        assert!(m(AttrType::Integer, Matcher::AtMost(7.0), json!(7)));
        assert!(!m(AttrType::Integer, Matcher::AtMost(7.0), json!(8)));
        assert!(m(AttrType::Number, Matcher::AtLeast(0.5), json!(0.5)));
        assert!(!m(AttrType::Integer, Matcher::AtLeast(0.0), J::Null));
    }

    #[test]
    fn one_of_and_matches() {
        let one_of = Matcher::OneOf(vec![json!("AES256"), json!("aws:kms")]);
        assert!(m(AttrType::String, one_of.clone(), json!("aws:kms")));
        assert!(!m(AttrType::String, one_of, J::Null));
        let re = Matcher::Matches(regex::Regex::new("^16\\.").expect("regex"));
        assert!(m(AttrType::String, re.clone(), json!("16.4")));
        assert!(!m(AttrType::String, re.clone(), json!("15.16.")));
        assert!(!m(AttrType::String, re, J::Null));
    }

    #[test]
    fn subset_of_allows_only_the_listed_elements() {
        let allowed = Matcher::SubsetOf(vec![json!("80"), json!("443")]);
        let t = AttrType::StringList;
        assert!(m(t, allowed.clone(), json!(["443", "80"])));
        assert!(m(t, allowed.clone(), json!(["443"])));
        assert!(m(t, allowed.clone(), json!([])));
        assert!(!m(t, allowed.clone(), json!(["443", "22"])));
        assert!(!m(t, allowed.clone(), json!(["0-65535"])));
        // Not observed is not a subset.
        assert!(!m(t, allowed.clone(), J::Null));
        assert_eq!(describe(&allowed), "nothing but 80, 443");
        assert_eq!(
            show_expected(&json!({"subset_of": ["80", "443"]})),
            "nothing but 80, 443"
        );
    }

    #[test]
    fn contains_on_lists_strings_maps_and_objects() {
        let c = |v: J| Matcher::Contains(v);
        assert!(m(
            AttrType::StringList,
            c(json!("FARGATE")),
            json!(["FARGATE", "FARGATE_SPOT"])
        ));
        assert!(!m(
            AttrType::StringList,
            c(json!("EC2")),
            json!(["FARGATE"])
        ));
        assert!(m(
            AttrType::StringList,
            c(json!(["a", "b"])),
            json!(["b", "c", "a"])
        ));
        assert!(!m(
            AttrType::StringList,
            c(json!(["a", "d"])),
            json!(["b", "c", "a"])
        ));
        assert!(m(
            AttrType::String,
            c(json!("health")),
            json!("/api/health")
        ));
        assert!(m(
            AttrType::StringMap,
            c(json!({"Env": "staging"})),
            json!({"Env": "staging", "Team": "x"})
        ));
        assert!(!m(
            AttrType::StringMap,
            c(json!({"Env": "staging"})),
            json!({"Env": "production"})
        ));
        let rules = json!([{"id": "a", "status": "Enabled", "transitions": [{"days": 30, "storage_class": "GLACIER"}]}]);
        assert!(m(
            AttrType::ObjectList,
            c(json!({"transitions": [{"storage_class": "GLACIER", "days": 30}]})),
            rules.clone()
        ));
        assert!(!m(
            AttrType::ObjectList,
            c(json!({"transitions": [{"days": 90}]})),
            rules
        ));
        assert!(!m(AttrType::StringList, c(json!("a")), J::Null));
    }

    #[test]
    fn long_values_are_cut_in_messages_only() {
        let long = json!("x".repeat(300));
        assert_eq!(brief(&long).chars().count(), BRIEF_CHARS);
        assert!(brief(&long).ends_with('…'));
        assert_eq!(brief(&json!("short")), "short");
    }

    #[test]
    fn describe_and_show_expected_read_naturally() {
        assert_eq!(describe(&Matcher::AtLeast(7.0)), "at least 7");
        assert_eq!(describe(&Matcher::AtMost(0.5)), "at most 0.5");
        assert_eq!(
            show_expected(&json!({"at_least": 7, "at_most": 35})),
            "at least 7 and at most 35"
        );
        assert_eq!(
            show_expected(&json!({"one_of": ["AES256", "aws:kms"]})),
            "one of AES256, aws:kms"
        );
        assert_eq!(show_expected(&json!("gp3")), "gp3");
        assert_eq!(show_expected(&json!({"Env": "x"})), "{\"Env\":\"x\"}");
    }

    fn spec_and_snapshot(records: &str) -> (Spec, Snapshot) {
        let spec = crate::spec::from_str(
            std::path::Path::new("t.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: b\n    expect: { versioning: Enabled }\n  - kind: s3_bucket\n    id: never\n    exists: false\n",
        )
        .expect("spec");
        let snap = Snapshot::from_json(
            "t",
            &format!(
                r#"{{"snapshot_version": 1, "metadata": {{"tool": "infra-verify", "tool_version": "0", "taken_at": "t",
                "environment": "t", "account_id": null, "region": null, "caller_arn": null}}, "resources": [{records}]}}"#
            ),
        )
        .expect("snapshot");
        (spec, snap)
    }

    fn statuses(records: &str) -> Vec<Status> {
        let (spec, snap) = spec_and_snapshot(records);
        evaluate(&spec, &snap)
            .checks
            .iter()
            .map(|c| c.status)
            .collect()
    }

    #[test]
    fn every_check_points_at_its_place_in_the_spec() {
        // The expectation's value for an attribute check; the resource entry for `exists`.
        let (spec, snap) = spec_and_snapshot("");
        let at: Vec<(String, String)> = evaluate(&spec, &snap)
            .checks
            .iter()
            .map(|c| (c.id.clone(), c.location.to_string()))
            .collect();
        assert_eq!(
            at,
            [
                ("s3_bucket/b/exists".to_string(), "t.yaml:4:5".to_string()),
                (
                    "s3_bucket/b/versioning".to_string(),
                    "t.yaml:6:27".to_string()
                ),
                (
                    "s3_bucket/never/exists".to_string(),
                    "t.yaml:7:5".to_string()
                ),
            ]
        );
        // A block-style matcher points at its mapping; a selection's count at the entry.
        let spec = crate::spec::from_str(
            std::path::Path::new("specs/x.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    select: { tags: { Env: s } }\n  - kind: rds_instance\n    id: db\n    expect:\n      backup_retention_period:\n        at_least: 7\n",
        )
        .expect("spec");
        let report = evaluate(&spec, &snap);
        let at: Vec<String> = report
            .checks
            .iter()
            .map(|c| c.location.to_string())
            .collect();
        assert_eq!(
            at,
            ["specs/x.yaml:4:5", "specs/x.yaml:6:5", "specs/x.yaml:10:9"]
        );
        assert_eq!(
            serde_json::to_value(&report.checks[2].location).expect("json"),
            serde_json::json!({"file": "specs/x.yaml", "line": 10, "column": 9})
        );
    }

    #[test]
    fn existence_verdicts() {
        use Status::*;
        let present = r#"{"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Enabled"}}"#;
        let never_absent = r#"{"kind": "s3_bucket", "id": "never", "status": "absent"}"#;
        let never_present =
            r#"{"kind": "s3_bucket", "id": "never", "status": "present", "attributes": {}}"#;
        assert_eq!(
            statuses(&format!("{present}, {never_absent}")),
            [Pass, Pass, Pass]
        );
        assert_eq!(
            statuses(&format!("{present}, {never_present}")),
            [Pass, Pass, Fail]
        );
        let absent = r#"{"kind": "s3_bucket", "id": "b", "status": "absent"}"#;
        assert_eq!(
            statuses(&format!("{absent}, {never_absent}")),
            [Missing, Missing, Pass]
        );
        let error = r#"{"kind": "s3_bucket", "id": "b", "status": "error", "error": "throttled"}"#;
        let never_error =
            r#"{"kind": "s3_bucket", "id": "never", "status": "error", "error": "denied"}"#;
        assert_eq!(
            statuses(&format!("{error}, {never_error}")),
            [Error, Error, Error],
            "an unobserved resource is never a pass"
        );
        // Not in the snapshot at all: error, not pass.
        assert_eq!(statuses(""), [Error, Error, Error]);
        // Attribute-level error and attribute not recorded.
        let attr_error = r#"{"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {}, "errors": {"versioning": "AccessDenied"}}"#;
        assert_eq!(
            statuses(&format!("{attr_error}, {never_absent}")),
            [Pass, Error, Pass]
        );
        let attr_absent =
            r#"{"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {}}"#;
        assert_eq!(
            statuses(&format!("{attr_absent}, {never_absent}")),
            [Pass, Error, Pass]
        );
    }

    #[test]
    fn a_selection_checks_its_count_and_every_match() {
        let spec = crate::spec::from_str(
            std::path::Path::new("t.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    select: { tags: { Env: s } }\n    count: { at_least: 3 }\n    expect: { versioning: Enabled }\n",
        )
        .expect("spec");
        let snap = Snapshot::from_json(
            "t",
            r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0", "taken_at": "t",
                "environment": "t", "account_id": null, "region": null, "caller_arn": null},
              "resources": [
                {"kind": "s3_bucket", "id": "tags(Env=s)", "status": "selected", "matches": ["a", "b"]},
                {"kind": "s3_bucket", "id": "a", "status": "present", "attributes": {"versioning": "Enabled"}},
                {"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Suspended"}}
              ]}"#,
        )
        .expect("snapshot");
        let report = evaluate(&spec, &snap);
        let got: Vec<(&str, Status)> = report
            .checks
            .iter()
            .map(|c| (c.id.as_str(), c.status))
            .collect();
        assert_eq!(
            got,
            [
                ("s3_bucket/tags(Env=s)/count", Status::Fail),
                ("s3_bucket/a/versioning", Status::Pass),
                ("s3_bucket/b/versioning", Status::Fail),
            ]
        );
        assert_eq!(
            report.checks[0].message,
            "expected at least 3 selected, found 2: a, b"
        );
        assert_eq!(report.checks[2].resource, "b");
        // A selection that could not be observed is an error, with nothing else claimed.
        let snap = Snapshot::from_json(
            "t",
            r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0", "taken_at": "t",
                "environment": "t", "account_id": null, "region": null, "caller_arn": null},
              "resources": [{"kind": "s3_bucket", "id": "tags(Env=s)", "status": "error", "error": "denied"}]}"#,
        )
        .expect("snapshot");
        let statuses: Vec<Status> = evaluate(&spec, &snap)
            .checks
            .iter()
            .map(|c| c.status)
            .collect();
        assert_eq!(statuses, [Status::Error]);
    }

    #[test]
    fn outcome_precedence() {
        let s = |fail, missing, error| {
            Summary {
                total: 9,
                pass: 0,
                fail,
                missing,
                error,
            }
            .outcome()
        };
        assert_eq!(s(0, 0, 0), Outcome::Ready);
        assert_eq!(s(1, 0, 1), Outcome::NotReady);
        assert_eq!(s(0, 1, 0), Outcome::NotReady);
        assert_eq!(s(0, 0, 1), Outcome::Unverified);
        use Outcome::*;
        assert_eq!(Outcome::worst([Ready, Unverified, Ready]), Unverified);
        assert_eq!(Outcome::worst([Unverified, NotReady, Ready]), NotReady);
        assert_eq!(Outcome::worst([NotReady, Unverified]), NotReady);
        assert_eq!(Outcome::worst([Ready, Ready]), Ready);
        assert_eq!(Outcome::worst([]), Ready);
    }
}
