//! The live-commerce platform's production spec (specs/production.yaml) against the demo
//! emulator: seeded as `scripts/demo` seeds it (after staging, the ticketing platform and the
//! group app, in one account), it reports exactly the seeded gaps, its live snapshot matches
//! fixtures/production.snapshot.json, and seeding it changes no verdict or snapshot of the other
//! three. The spec's `http_endpoint` is a live site, never probed here: production is observed
//! with a copy of the spec without it (tests/support/demo_production.rs `observable_spec`), and
//! the real spec evaluated on the fixture reports that endpoint's checks as errors.

use std::path::Path;

use infra_verify::snapshot::Snapshot;

use crate::support::demo::{seed_demo, seed_group, seed_ticketing};
use crate::support::demo_production::{
    observable_spec, seed_production, without_http_endpoint, HTTP_ENDPOINT, PRODUCTION_GAPS,
};
use crate::support::moto::Moto;
use crate::ticketing::{matches_its_fixture, not_passing, verify};
use crate::{cli, cli_sub, emulator_cli, json_check, rt};

const FIXTURE: &str = "fixtures/production.snapshot.json";

/// Every check of a JSON report as (id, status), sorted.
fn verdicts(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// PRODUCTION_GAPS as (id, "fail"), sorted.
fn expected_gaps() -> Vec<(String, String)> {
    let mut expected: Vec<(String, String)> = PRODUCTION_GAPS
        .iter()
        .map(|(id, _)| (id.to_string(), "fail".to_string()))
        .collect();
    expected.sort();
    expected
}

/// `infra-verify production --spec SPEC --snapshot FIXTURE --format json` (offline), exit 1
/// asserted; the JSON report.
fn offline(spec: &Path) -> serde_json::Value {
    let run = emulator_cli()
        .arg("production")
        .arg("--spec")
        .arg(spec)
        .args(["--snapshot", FIXTURE, "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("json")
}

#[test]
fn production_reports_exactly_the_seeded_gaps_and_matches_its_fixture() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await.expect("seed staging");
        seed_ticketing(&moto.endpoint)
            .await
            .expect("seed ticketing");
        seed_group(&moto.endpoint).await.expect("seed group");
    });
    let others = ["staging", "ticketing-production", "group-production"];
    let before: Vec<_> = others
        .iter()
        .map(|env| verdicts(&verify(&moto.endpoint, env)))
        .collect();
    rt().block_on(async {
        seed_production(&moto.endpoint)
            .await
            .expect("seed production")
    });

    // Observed with the spec copy that leaves the live site out.
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = observable_spec(dir.path());
    let run = cli(&moto.endpoint)
        .arg("production")
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    assert_eq!(report["environment"], "production");

    // Exactly the two seeded gaps fail; nothing is missing or an error, every other check passes.
    assert_eq!(not_passing(&report), expected_gaps());
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(
        checks.len(),
        105,
        "every check of the spec copy is reported"
    );
    assert!(checks
        .iter()
        .all(|c| !c["id"].as_str().unwrap_or("").contains(HTTP_ENDPOINT)));
    let actual = |id: &str| json_check(&report, id)["actual"].clone();
    assert_eq!(
        actual("rds_instance/dorami-production/backup_retention_period"),
        7
    );
    assert_eq!(
        actual("ecr_repository/dorami-backend/image_tag_mutability"),
        "MUTABLE"
    );
    // What moto does model of the rest, which a careless seeding could miss.
    assert_eq!(actual("rds_instance/dorami-production/multi_az"), true);
    assert_eq!(
        actual("elasticache_replication_group/dorami-production-redis/replicas_per_node_group"),
        1
    );
    assert_eq!(
        actual("ecs_service/dorami-production/dorami-backend/deployment_rollback"),
        true
    );
    assert_eq!(
        actual("lb_target_group/dorami-production-api/healthy_count"),
        2
    );
    assert_eq!(
        actual("sns_topic/dorami-production-alerts/confirmed_email_subscriptions"),
        1
    );
    // The 5xx rate is a metric math alarm (100 * 5xx / requests) over 1 %.
    assert_eq!(
        actual("metric_alarm/dorami-production-alb-5xx-rate/threshold"),
        1.0
    );
    // The service's CPU target tracking made two alarms of its own on the same metric and
    // dimensions; only the on-call one (notifying the topic) is selected.
    let cpu = "metric_alarm/namespace=AWS/ECS,metric_name=CPUUtilization,\
               dimensions(ClusterName=dorami-production,ServiceName=dorami-backend),\
               alarm_actions=arn:aws:sns:ap-northeast-2:123456789012:dorami-production-alerts/count";
    assert_eq!(json_check(&report, cpu)["status"], "pass");

    // Seeding production changed no verdict of the other three, and their snapshots are still
    // their fixtures' (so `scripts/demo --update-fixture`, which seeds all four, rewrites them
    // unchanged).
    for (env, before) in others.iter().zip(&before) {
        assert_eq!(&verdicts(&verify(&moto.endpoint, env)), before, "{env}");
        matches_its_fixture(&moto.endpoint, env);
    }

    // The live snapshot is the fixture's (up to the ids and times moto makes up), and the offline
    // run on the fixture has the same checks not passing as the live run.
    let out = dir.path().join("snap.json");
    let run = cli_sub(
        &moto.endpoint,
        &[
            "snapshot",
            "--spec",
            spec.to_str().expect("utf-8 path"),
            "-o",
            out.to_str().expect("utf-8 path"),
        ],
    )
    .output()
    .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let live = Snapshot::load(&out).expect("snapshot");
    let fixture = Snapshot::load(Path::new(FIXTURE)).expect("fixture");
    assert_eq!(live.metadata.environment, fixture.metadata.environment);
    assert_eq!(
        crate::normalised_resources(&live),
        crate::normalised_resources(&fixture),
        "the live production snapshot differs from {FIXTURE}; regenerate it with scripts/demo --update-fixture"
    );
    assert_eq!(not_passing(&offline(&spec)), not_passing(&report));
    assert_eq!(verdicts(&offline(&spec)), verdicts(&report));
}

#[test]
fn the_real_production_spec_on_the_fixture_reports_the_gaps_and_the_unobserved_endpoint() {
    // No emulator: the committed fixture, evaluated offline with specs/production.yaml itself.
    // Its http_endpoint was never observed (the fixture was taken with the spec copy), so its
    // checks are errors, never passes; everything else is as the live run reports.
    let run = emulator_cli()
        .args(["production", "--snapshot", FIXTURE, "--format", "json"])
        .output()
        .expect("run");
    // Not ready (a failure outranks an error).
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let endpoint_prefix = format!("http_endpoint/{HTTP_ENDPOINT}/");
    let (endpoint, rest): (Vec<_>, Vec<_>) = not_passing(&report)
        .into_iter()
        .partition(|(id, _)| id.starts_with(&endpoint_prefix));
    assert_eq!(rest, expected_gaps());
    let endpoint_checks: Vec<&serde_json::Value> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["id"].as_str().unwrap_or("").starts_with(&endpoint_prefix))
        .collect();
    assert_eq!(endpoint.len(), endpoint_checks.len(), "none of them passes");
    // The existence check and the spec's eight expectations.
    assert_eq!(endpoint_checks.len(), 9);
    assert_eq!(report["checks"].as_array().expect("checks").len(), 105 + 9);
    for c in endpoint_checks {
        assert_eq!(c["status"], "error", "{c}");
        assert!(
            c["message"]
                .as_str()
                .unwrap_or("")
                .contains("not observed: the snapshot has no record"),
            "{c}"
        );
    }

    // The spec copy the fixture was taken with: only the http_endpoint item (and its comment)
    // left out, every other line as it is.
    let text = std::fs::read_to_string("specs/production.yaml").expect("spec");
    let copy = without_http_endpoint(&text);
    assert!(!copy.contains("http_endpoint"));
    assert!(copy.contains("\nenvironment: production\n"));
    let removed: Vec<&str> = {
        let kept: std::collections::BTreeSet<&str> = copy.lines().collect();
        text.lines().filter(|l| !kept.contains(l)).collect()
    };
    assert!(removed.iter().any(|l| l.contains("kind: http_endpoint")));
    assert!(
        removed.len() <= 15,
        "only the endpoint's item is left out: {removed:#?}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = observable_spec(dir.path());
    let loaded = infra_verify::spec::load(&spec).expect("the copy is a valid spec");
    let real = infra_verify::spec::load(Path::new("specs/production.yaml")).expect("spec");
    assert_eq!(loaded.environment, "production");
    assert_eq!(loaded.resources.len() + 1, real.resources.len());
    assert!(loaded
        .resources
        .iter()
        .all(|r| r.kind.name != "http_endpoint"));

    // With the copy, the fixture reports exactly the seeded gaps.
    assert_eq!(not_passing(&offline(&spec)), expected_gaps());
}
