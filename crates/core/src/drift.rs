//! Drift: what changed between a baseline snapshot (the last accepted state) and now, and what it
//! broke. A pure function of spec × baseline × current, like [`crate::evaluate`].
//!
//! Both snapshots are evaluated against the *current* spec, so a verdict change is a change in
//! the account, never a change in the spec. Resources only one snapshot recorded (the spec named
//! them after the baseline was taken) are not compared.

use std::collections::{BTreeMap, BTreeSet};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use serde_json::Value as J;

use crate::catalog;
use crate::evaluate::{self, Check, Report, Status};
use crate::snapshot::{Observation, ResourceRecord, Snapshot};
use crate::spec::Spec;

/// The overall result of a drift run, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftOutcome {
    /// Nothing changed (ignored attributes aside).
    NoDrift,
    /// Something changed and no check broke.
    Drift,
    /// Something that could not be observed now: whether it drifted is unknown.
    Unverified,
    /// A check that passed (or was not there) now fails or finds its resource missing.
    Broken,
}

/// One side of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// When the snapshot was taken (RFC 3339).
    pub taken_at: String,
    /// Account observed.
    pub account_id: Option<String>,
    /// Checks that passed, of how many.
    pub passed: usize,
    /// Checks run.
    pub total: usize,
}

/// Counts of each kind of change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DriftSummary {
    /// Checks that went from pass (or nothing) to fail or missing.
    pub broke: usize,
    /// Checks that went from fail, missing or error to pass.
    pub recovered: usize,
    /// Other verdict changes (e.g. pass → error, fail → missing).
    pub other_verdict_changes: usize,
    /// Attribute values that changed.
    pub attribute_changes: usize,
    /// Resources that appeared.
    pub appeared: usize,
    /// Resources that disappeared.
    pub disappeared: usize,
    /// Resources or attributes that could not be observed now.
    pub unobserved: usize,
    /// Attribute changes left out (changes on its own, or `drift.ignore`).
    pub ignored: usize,
    /// Checks not compared: their resource was added to the spec after the baseline was taken.
    pub not_compared: usize,
}

/// How a verdict changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Pass (or no check) → fail or missing.
    Broke,
    /// Fail, missing or error → pass.
    Recovered,
    /// Anything else.
    Changed,
}

/// A check whose verdict differs between the baseline and now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerdictChange {
    /// Check id (`kind/resource/attribute`).
    pub check: String,
    /// Broke, recovered or changed.
    pub direction: Direction,
    /// The verdict on the baseline; `null` when the check did not exist then (a newly selected
    /// resource).
    pub before: Option<Status>,
    /// The verdict now; `null` when the check no longer exists (a resource left a selection).
    pub after: Option<Status>,
    /// What the spec asks.
    pub expected: J,
    /// Observed on the baseline.
    pub actual_before: J,
    /// Observed now.
    pub actual_after: J,
    /// The check's message now (or on the baseline when it no longer exists).
    pub message: String,
    /// Checklist line the check ticks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

/// An attribute whose value changed, whether or not a check looks at it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeChange {
    /// Resource kind.
    pub kind: String,
    /// Resource id.
    pub resource: String,
    /// Attribute.
    pub attribute: String,
    /// Value on the baseline.
    pub before: J,
    /// Value now.
    pub after: J,
    /// The check on this attribute and its verdict now, when the spec checks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckRef>,
}

/// A check and its verdict now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckRef {
    /// Check id.
    pub id: String,
    /// Verdict now.
    pub status: Status,
}

/// A resource that appeared, disappeared, or could not be observed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceChange {
    /// Kind.
    pub kind: String,
    /// Id.
    pub resource: String,
    /// How it was found (`selection tags(Team=web)`) or why it is unobserved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The drift report: what every drift output format renders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftReport {
    /// Environment.
    pub environment: String,
    /// Overall outcome.
    pub outcome: DriftOutcome,
    /// Counts.
    pub summary: DriftSummary,
    /// The accepted state compared with.
    pub baseline: Side,
    /// Now.
    pub current: Side,
    /// Checks whose verdict changed, broken ones first.
    pub verdict_changes: Vec<VerdictChange>,
    /// Attribute values that changed, by resource.
    pub attribute_changes: Vec<AttributeChange>,
    /// Resources that exist now and did not on the baseline.
    pub appeared: Vec<ResourceChange>,
    /// Resources that existed on the baseline and do not now.
    pub disappeared: Vec<ResourceChange>,
    /// What could not be observed now (so its drift is unknown).
    pub unobserved: Vec<ResourceChange>,
    /// Patterns whose changes were left out (`drift.ignore`), besides the volatile attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Every accepted baseline kept, oldest first, then now: evaluated against the current spec.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
}

/// One point of the history: an accepted snapshot (or now) under the current spec.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// When it was taken.
    pub taken_at: String,
    /// Verdict counts.
    pub summary: evaluate::Summary,
    /// Every check that did not pass, with its verdict.
    pub not_passing: BTreeMap<String, Status>,
}

/// The history entries of snapshots (oldest first), under the current spec.
pub fn history(spec: &Spec, snapshots: &[&Snapshot]) -> Vec<HistoryEntry> {
    snapshots
        .iter()
        .map(|s| {
            let r = evaluate::evaluate(spec, s);
            HistoryEntry {
                taken_at: s.metadata.taken_at.clone(),
                summary: r.summary,
                not_passing: r
                    .checks
                    .iter()
                    .filter(|c| c.status != Status::Pass)
                    .map(|c| (c.id.clone(), c.status))
                    .collect(),
            }
        })
        .collect()
}

/// Options of a comparison.
#[derive(Clone, Copy, Debug, Default)]
pub struct DriftOptions {
    /// Also report attributes that change on their own ([`catalog::VOLATILE`]).
    pub all_attributes: bool,
}

/// Why the drift could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// A `drift.ignore` pattern is not a valid glob (the spec loader checks the shape; this is
    /// the glob syntax).
    #[error("drift.ignore pattern `{pattern}`: {message}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
}

fn key(r: &ResourceRecord) -> (String, String) {
    (r.kind.clone(), r.id.clone())
}

fn side(snapshot: &Snapshot, report: &Report) -> Side {
    Side {
        taken_at: snapshot.metadata.taken_at.clone(),
        account_id: snapshot.metadata.account_id.clone(),
        passed: report.summary.pass,
        total: report.summary.total,
    }
}

fn ignore_set(patterns: &[String]) -> Result<GlobSet, DriftError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| DriftError::Pattern {
            pattern: p.clone(),
            message: e.kind().to_string(),
        })?);
    }
    b.build().map_err(|e| DriftError::Pattern {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })
}

/// Equal as drift sees it: numbers by value, everything else exactly.
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Compares the baseline with the current snapshot under the current spec.
pub fn compare(
    spec: &Spec,
    baseline: &Snapshot,
    current: &Snapshot,
    options: DriftOptions,
) -> Result<DriftReport, DriftError> {
    let ignore = ignore_set(&spec.drift.ignore)?;
    let before = evaluate::evaluate(spec, baseline);
    let after = evaluate::evaluate(spec, current);
    let mut summary = DriftSummary::default();

    // Verdict changes, matched by check id.
    let before_checks: BTreeMap<&str, &Check> =
        before.checks.iter().map(|c| (c.id.as_str(), c)).collect();
    let after_ids: BTreeSet<&str> = after.checks.iter().map(|c| c.id.as_str()).collect();
    // A check of a spec resource the baseline has no record of (added to the spec since) is not
    // compared: its verdict did not change in the account.
    let recorded: BTreeSet<(&str, &str)> = baseline
        .resources
        .iter()
        .map(|r| (r.kind.as_str(), r.id.as_str()))
        .collect();
    let in_baseline = |c: &Check| {
        spec.resources
            .get(c.source.0)
            .is_some_and(|r| recorded.contains(&(r.kind.name, r.record_id().as_ref())))
    };
    let mut verdict_changes = Vec::new();
    for c in &after.checks {
        if !in_baseline(c) {
            summary.not_compared += 1;
            continue;
        }
        let b = before_checks.get(c.id.as_str());
        let before_status = b.map(|b| b.status);
        if before_status == Some(c.status) || (b.is_none() && c.status == Status::Pass) {
            continue;
        }
        let direction = match (before_status, c.status) {
            (None | Some(Status::Pass), Status::Fail | Status::Missing) => Direction::Broke,
            (Some(_), Status::Pass) => Direction::Recovered,
            _ => Direction::Changed,
        };
        verdict_changes.push(VerdictChange {
            check: c.id.clone(),
            direction,
            before: before_status,
            after: Some(c.status),
            expected: c.expected.clone(),
            actual_before: b.map_or(J::Null, |b| b.actual.clone()),
            actual_after: c.actual.clone(),
            message: c.message.clone(),
            item: c.item.clone(),
        });
    }
    for b in before
        .checks
        .iter()
        .filter(|b| !after_ids.contains(b.id.as_str()))
    {
        // A check that no longer exists: its resource left a selection. Only worth saying when
        // it was not passing (then the failure went away with the resource).
        if b.status != Status::Pass {
            verdict_changes.push(VerdictChange {
                check: b.id.clone(),
                direction: Direction::Changed,
                before: Some(b.status),
                after: None,
                expected: b.expected.clone(),
                actual_before: b.actual.clone(),
                actual_after: J::Null,
                message: b.message.clone(),
                item: b.item.clone(),
            });
        }
    }
    // Broken first, then recovered, then the rest; spec order within each.
    verdict_changes.sort_by_key(|v| match v.direction {
        Direction::Broke => 0,
        Direction::Recovered => 1,
        Direction::Changed => 2,
    });
    for v in &verdict_changes {
        match v.direction {
            Direction::Broke => summary.broke += 1,
            Direction::Recovered => summary.recovered += 1,
            Direction::Changed => summary.other_verdict_changes += 1,
        }
    }

    // Resources and attributes, matched by kind and id.
    let old: BTreeMap<(String, String), &ResourceRecord> =
        baseline.resources.iter().map(|r| (key(r), r)).collect();
    let checks_now: BTreeMap<(&str, &str, &str), &Check> = after
        .checks
        .iter()
        .map(|c| {
            (
                (c.kind.as_str(), c.resource.as_str(), c.attribute.as_str()),
                c,
            )
        })
        .collect();
    let mut attribute_changes = Vec::new();
    let mut appeared = BTreeSet::new();
    let mut disappeared = BTreeSet::new();
    let mut unobserved = BTreeSet::new();
    let change = |kind: &str, id: &str, detail: Option<String>| ResourceChange {
        kind: kind.to_string(),
        resource: id.to_string(),
        detail,
    };
    for now in &current.resources {
        let Some(was) = old.get(&key(now)) else {
            continue;
        };
        match (&was.observation, &now.observation) {
            (_, Observation::Error { error }) => {
                unobserved.insert(change(&now.kind, &now.id, Some(error.clone())));
            }
            (Observation::Absent, Observation::Present { .. }) => {
                appeared.insert(change(&now.kind, &now.id, None));
            }
            (Observation::Present { .. }, Observation::Absent) => {
                disappeared.insert(change(&now.kind, &now.id, None));
            }
            (Observation::Selected { matches: a }, Observation::Selected { matches: b }) => {
                let label = format!("selection {}", now.id);
                for id in b.iter().filter(|id| !a.contains(id)) {
                    appeared.insert(change(&now.kind, id, Some(label.clone())));
                }
                for id in a.iter().filter(|id| !b.contains(id)) {
                    disappeared.insert(change(&now.kind, id, Some(label.clone())));
                }
            }
            (
                Observation::Present { attributes: a, .. },
                Observation::Present {
                    attributes: b,
                    errors: eb,
                },
            ) => {
                for (name, error) in eb {
                    unobserved.insert(change(&now.kind, &now.id, Some(format!("{name}: {error}"))));
                }
                for (name, after_value) in b {
                    // Only attributes observed in both runs are compared.
                    let Some(before_value) = a.get(name) else {
                        continue;
                    };
                    if same(before_value, after_value) {
                        continue;
                    }
                    let path = format!("{}/{}/{}", now.kind, now.id, name);
                    if (!options.all_attributes && catalog::is_volatile(&now.kind, name))
                        || ignore.is_match(&path)
                    {
                        summary.ignored += 1;
                        continue;
                    }
                    attribute_changes.push(AttributeChange {
                        kind: now.kind.clone(),
                        resource: now.id.clone(),
                        attribute: name.clone(),
                        before: before_value.clone(),
                        after: after_value.clone(),
                        check: checks_now
                            .get(&(now.kind.as_str(), now.id.as_str(), name.as_str()))
                            .map(|c| CheckRef {
                                id: c.id.clone(),
                                status: c.status,
                            }),
                    });
                }
            }
            _ => {}
        }
    }
    // A resource both in a selection's change and recorded on its own is said once.
    let appeared: Vec<ResourceChange> = dedup(appeared);
    let disappeared: Vec<ResourceChange> = dedup(disappeared);
    let unobserved: Vec<ResourceChange> = unobserved.into_iter().collect();
    summary.attribute_changes = attribute_changes.len();
    summary.appeared = appeared.len();
    summary.disappeared = disappeared.len();
    summary.unobserved = unobserved.len();

    let drifted = !verdict_changes.is_empty()
        || !attribute_changes.is_empty()
        || !appeared.is_empty()
        || !disappeared.is_empty();
    let outcome = if summary.broke > 0 {
        DriftOutcome::Broken
    } else if !unobserved.is_empty() || after.summary.error > 0 {
        DriftOutcome::Unverified
    } else if drifted {
        DriftOutcome::Drift
    } else {
        DriftOutcome::NoDrift
    };
    Ok(DriftReport {
        environment: spec.environment.clone(),
        outcome,
        summary,
        baseline: side(baseline, &before),
        current: side(current, &after),
        verdict_changes,
        attribute_changes,
        appeared,
        disappeared,
        unobserved,
        ignore: spec.drift.ignore.clone(),
        history: Vec::new(),
    })
}

/// One entry per resource: a selection's detail wins over a bare record of the same resource.
fn dedup(set: BTreeSet<ResourceChange>) -> Vec<ResourceChange> {
    let mut out: Vec<ResourceChange> = Vec::new();
    for c in set {
        match out
            .iter_mut()
            .find(|o| o.kind == c.kind && o.resource == c.resource)
        {
            Some(o) => {
                if o.detail.is_none() {
                    o.detail = c.detail;
                }
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
