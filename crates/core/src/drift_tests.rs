use std::path::Path;

use serde_json::json;

use super::*;

/// The repository's root, where the fixtures and bundled specs are.
fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(name: &str) -> Snapshot {
    Snapshot::load(&root().join(format!("fixtures/drift/{name}.snapshot.json"))).expect("fixture")
}

fn staging() -> Spec {
    crate::spec::load(&root().join("specs/staging.yaml")).expect("spec")
}

fn attrs_mut<'a>(snap: &'a mut Snapshot, kind: &str, id: &str) -> &'a mut BTreeMap<String, J> {
    let r = snap
        .resources
        .iter_mut()
        .find(|r| r.kind == kind && r.id == id)
        .expect("record");
    match &mut r.observation {
        Observation::Present { attributes, .. } => attributes,
        other => panic!("{kind}/{id} is {other:?}"),
    }
}

fn drift(baseline: &Snapshot, current: &Snapshot) -> DriftReport {
    compare(&staging(), baseline, current, DriftOptions::default()).expect("compare")
}

/// The fixture pair has one change of every kind (see fixtures/drift/generate.py).
#[test]
fn every_kind_of_change_in_the_fixture_pair_is_reported_once() {
    let r = drift(&load("baseline"), &load("current"));
    assert_eq!(r.outcome, DriftOutcome::Broken);
    let verdicts: Vec<(&str, Direction, Option<Status>, Option<Status>)> = r
        .verdict_changes
        .iter()
        .map(|v| (v.check.as_str(), v.direction, v.before, v.after))
        .collect();
    use Direction::*;
    use Status::*;
    assert_eq!(
        verdicts,
        [
            (
                "rds_instance/dorami-staging/backup_retention_period",
                Broke,
                Some(Pass),
                Some(Fail)
            ),
            (
                "ecr_repository/dorami-backend/exists",
                Broke,
                Some(Pass),
                Some(Missing)
            ),
            (
                "ecr_repository/dorami-backend/scan_on_push",
                Broke,
                Some(Pass),
                Some(Missing)
            ),
            (
                "ecr_repository/dorami-backend/lifecycle_policy",
                Broke,
                Some(Pass),
                Some(Missing)
            ),
            (
                "s3_bucket/dorami-staging-db-dump/exists",
                Broke,
                Some(Pass),
                Some(Fail)
            ),
            (
                "ecr_repository/dorami-nginx-rtmp/scan_on_push",
                Recovered,
                Some(Fail),
                Some(Pass)
            ),
            (
                "lb_listener/dorami-alb:80/exists",
                Changed,
                Some(Pass),
                Some(Error)
            ),
            (
                "lb_listener/dorami-alb:80/default_action",
                Changed,
                Some(Pass),
                Some(Error)
            ),
            (
                "lb_listener/dorami-alb:80/redirect_protocol",
                Changed,
                Some(Pass),
                Some(Error)
            ),
            (
                "lb_listener/dorami-alb:80/redirect_status_code",
                Changed,
                Some(Pass),
                Some(Error)
            ),
        ]
    );
    let backups = &r.verdict_changes[0];
    assert_eq!(
        (backups.actual_before.clone(), backups.actual_after.clone()),
        (json!(7), json!(1))
    );
    assert_eq!(
        backups.item.as_deref(),
        Some("Staging RDS > Backups kept 7 days")
    );

    let attributes: Vec<(String, &J, &J, Option<Status>)> = r
        .attribute_changes
        .iter()
        .map(|a| {
            (
                format!("{}/{}/{}", a.kind, a.resource, a.attribute),
                &a.before,
                &a.after,
                a.check.as_ref().map(|c| c.status),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            (
                "ecr_repository/dorami-nginx-rtmp/scan_on_push".to_string(),
                &json!(false),
                &json!(true),
                Some(Pass)
            ),
            (
                "elasticache_cluster/dorami-staging-redis/engine_version".to_string(),
                &json!("7.0"),
                &json!("7.1"),
                None
            ),
            // Drift that a check still passes: 20 -> 30 GB with at_least 20.
            (
                "rds_instance/dorami-staging/allocated_storage".to_string(),
                &json!(20),
                &json!(30),
                Some(Pass)
            ),
            (
                "rds_instance/dorami-staging/backup_retention_period".to_string(),
                &json!(7),
                &json!(1),
                Some(Fail)
            ),
        ]
    );
    let names = |v: &[ResourceChange]| -> Vec<String> {
        v.iter()
            .map(|c| format!("{}/{}", c.kind, c.resource))
            .collect()
    };
    assert_eq!(names(&r.appeared), ["s3_bucket/dorami-staging-db-dump"]);
    assert_eq!(names(&r.disappeared), ["ecr_repository/dorami-backend"]);
    assert_eq!(names(&r.unobserved), ["lb_listener/dorami-alb:80"]);
    assert!(r.unobserved[0]
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("AccessDenied")));
    // running_count and last_changed_date change on their own; desired_count is in drift.ignore.
    assert_eq!(
        r.summary,
        DriftSummary {
            broke: 5,
            recovered: 1,
            other_verdict_changes: 4,
            attribute_changes: 4,
            appeared: 1,
            disappeared: 1,
            unobserved: 1,
            ignored: 3,
            not_compared: 0,
        }
    );
    assert_eq!((r.baseline.passed, r.current.passed), (71, 63));
}

#[test]
fn volatile_attributes_are_reported_when_asked_and_ignore_patterns_always_apply() {
    let r = compare(
        &staging(),
        &load("baseline"),
        &load("current"),
        DriftOptions {
            all_attributes: true,
        },
    )
    .expect("compare");
    let changed: Vec<String> = r
        .attribute_changes
        .iter()
        .map(|a| format!("{}/{}", a.kind, a.attribute))
        .collect();
    assert!(
        changed.contains(&"ecs_service/running_count".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"secret/last_changed_date".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"ecs_service/desired_count".to_string()),
        "{changed:?}"
    );
    assert_eq!(r.summary.ignored, 1);
}

#[test]
fn no_change_is_no_drift_and_a_benign_change_is_drift_that_broke_nothing() {
    let base = load("baseline");
    let r = drift(&base, &base);
    assert_eq!(r.outcome, DriftOutcome::NoDrift);
    assert!(r.verdict_changes.is_empty() && r.attribute_changes.is_empty());
    assert!(r.appeared.is_empty() && r.disappeared.is_empty() && r.unobserved.is_empty());

    // Only what changes on its own: still no drift.
    let mut quiet = base.clone();
    attrs_mut(&mut quiet, "ecs_service", "dorami-staging/dorami-backend")
        .insert("running_count".into(), json!(3));
    assert_eq!(drift(&base, &quiet).outcome, DriftOutcome::NoDrift);
    assert_eq!(drift(&base, &quiet).summary.ignored, 1);

    // Backups 7 -> 14 with at_least 7: drift, nothing broke. 14.0 equals 14.
    let mut benign = base.clone();
    attrs_mut(&mut benign, "rds_instance", "dorami-staging")
        .insert("backup_retention_period".into(), json!(14));
    let r = drift(&base, &benign);
    assert_eq!(r.outcome, DriftOutcome::Drift);
    assert!(r.verdict_changes.is_empty());
    assert_eq!(r.attribute_changes.len(), 1);
    let mut same = base.clone();
    attrs_mut(&mut same, "rds_instance", "dorami-staging")
        .insert("backup_retention_period".into(), json!(7.0));
    assert_eq!(drift(&base, &same).outcome, DriftOutcome::NoDrift);
}

#[test]
fn what_cannot_be_observed_now_is_unverified_never_no_drift() {
    let base = load("baseline");
    let mut now = base.clone();
    let r = now
        .resources
        .iter_mut()
        .find(|r| r.kind == "secret")
        .expect("secret");
    r.observation = Observation::Error {
        error: "secretsmanager:ListSecrets: ThrottlingException: Rate exceeded".into(),
    };
    let report = drift(&base, &now);
    assert_eq!(report.outcome, DriftOutcome::Unverified);
    assert_eq!(report.unobserved.len(), 1);
    // One attribute not observed is as unverified as a whole resource.
    let mut partly = base.clone();
    let rds = partly
        .resources
        .iter_mut()
        .find(|r| r.kind == "rds_instance")
        .expect("rds");
    if let Observation::Present { attributes, errors } = &mut rds.observation {
        attributes.remove("backup_retention_period");
        errors.insert("backup_retention_period".into(), "timed out".into());
    }
    let report = drift(&base, &partly);
    assert_eq!(report.outcome, DriftOutcome::Unverified);
    assert_eq!(
        report.unobserved[0].detail.as_deref(),
        Some("backup_retention_period: timed out")
    );
}

#[test]
fn selections_report_resources_that_joined_or_left_and_new_failures_as_broken() {
    let spec = crate::spec::from_str(
        Path::new("t.yaml"),
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instance\n    select: { tags: { Team: web } }\n    expect: { multi_az: true }\n",
    )
    .expect("spec");
    let snap = |matches: &[(&str, bool)]| Snapshot {
        snapshot_version: crate::snapshot::SNAPSHOT_VERSION,
        metadata: load("baseline").metadata,
        resources: std::iter::once(ResourceRecord {
            kind: "rds_instance".into(),
            id: "tags(Team=web)".into(),
            observation: Observation::Selected {
                matches: matches.iter().map(|(id, _)| id.to_string()).collect(),
            },
        })
        .chain(matches.iter().map(|(id, multi_az)| ResourceRecord {
            kind: "rds_instance".into(),
            id: id.to_string(),
            observation: Observation::Present {
                attributes: BTreeMap::from([
                    ("multi_az".to_string(), json!(multi_az)),
                    ("tags".to_string(), json!({"Team": "web"})),
                ]),
                errors: BTreeMap::new(),
            },
        }))
        .collect(),
    };
    let r = compare(
        &spec,
        &snap(&[("web-a", true), ("web-b", false)]),
        &snap(&[("web-a", true), ("web-c", false)]),
        DriftOptions::default(),
    )
    .expect("compare");
    assert_eq!(r.outcome, DriftOutcome::Broken);
    let v: Vec<(&str, Direction, Option<Status>, Option<Status>)> = r
        .verdict_changes
        .iter()
        .map(|v| (v.check.as_str(), v.direction, v.before, v.after))
        .collect();
    assert_eq!(
        v,
        [
            (
                "rds_instance/web-c/multi_az",
                Direction::Broke,
                None,
                Some(Status::Fail)
            ),
            (
                "rds_instance/web-b/multi_az",
                Direction::Changed,
                Some(Status::Fail),
                None
            ),
        ]
    );
    assert_eq!(r.appeared[0].resource, "web-c");
    assert_eq!(
        r.appeared[0].detail.as_deref(),
        Some("selection tags(Team=web)")
    );
    assert_eq!(r.disappeared[0].resource, "web-b");
}

#[test]
fn resources_only_one_snapshot_recorded_are_not_compared() {
    // The spec named a resource after the baseline was taken: not "appeared".
    let mut base = load("baseline");
    base.resources.retain(|r| r.kind != "secret");
    let r = drift(&base, &load("baseline"));
    assert!(r.appeared.is_empty() && r.attribute_changes.is_empty());
    assert!(r.verdict_changes.is_empty(), "{:?}", r.verdict_changes);
    assert_eq!(r.outcome, DriftOutcome::NoDrift);
    assert_eq!(r.summary.not_compared, 3);
}
