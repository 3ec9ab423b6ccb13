//! The group/social app's production spec (specs/group-production.yaml) against the demo
//! emulator: seeded as `scripts/demo` seeds it (next to the staging and ticketing environments, in
//! one account), it reports exactly the seeded gaps, its live snapshot matches
//! fixtures/group-production.snapshot.json, and seeding it changes no verdict of the other two.

use crate::support::demo::{seed_demo, seed_group, seed_ticketing, GROUP_GAPS};
use crate::support::moto::Moto;
use crate::ticketing::{matches_its_fixture, not_passing, verify};
use crate::{json_check, rt};

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

#[test]
fn group_production_reports_exactly_the_seeded_gaps_and_leaves_the_others_alone() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await.expect("seed staging");
        seed_ticketing(&moto.endpoint)
            .await
            .expect("seed ticketing");
    });
    let staging_before = verdicts(&verify(&moto.endpoint, "staging"));
    let ticketing_before = verdicts(&verify(&moto.endpoint, "ticketing-production"));
    rt().block_on(async { seed_group(&moto.endpoint).await.expect("seed group") });

    // Exactly the two seeded gaps fail; nothing is missing or an error, every other check passes.
    let report = verify(&moto.endpoint, "group-production");
    let mut expected: Vec<(String, String)> = GROUP_GAPS
        .iter()
        .map(|(id, _)| (id.to_string(), "fail".to_string()))
        .collect();
    expected.sort();
    assert_eq!(not_passing(&report), expected);
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 104, "every check of the spec is reported");
    let actual = |id: &str| json_check(&report, id)["actual"].clone();
    assert_eq!(
        actual("rds_instance/moim-production/backup_retention_period"),
        7
    );
    assert_eq!(
        actual("s3_bucket/moim-production-backups/lifecycle_rules"),
        serde_json::json!([])
    );
    // What moto does model of the rest, which a careless seeding could miss.
    assert_eq!(
        actual("ecs_service/moim-production/moim-api/deployment_circuit_breaker"),
        true
    );
    assert_eq!(actual("lb_target_group/moim-api/healthy_count"), 2);
    assert_eq!(
        actual("elasticache_replication_group/moim-production-redis/replicas_per_node_group"),
        1
    );
    assert_eq!(
        actual("s3_bucket/moim-production-uploads/policy_requires_tls"),
        true
    );
    // The service's CPU target tracking policy made two alarms of its own on the same metric and
    // dimensions; only the on-call one (notifying the topic) is selected.
    let cpu = "metric_alarm/namespace=AWS/ECS,metric_name=CPUUtilization,\
               dimensions(ClusterName=moim-production,ServiceName=moim-api),\
               alarm_actions=arn:aws:sns:ap-northeast-2:123456789012:moim-alerts/count";
    assert_eq!(json_check(&report, cpu)["status"], "pass");
    assert_eq!(
        json_check(&report, "metric_alarm/moim-api-cpu-high/threshold")["actual"],
        80.0
    );

    // Seeding the group app changed none of staging's and ticketing's verdicts.
    assert_eq!(verdicts(&verify(&moto.endpoint, "staging")), staging_before);
    assert_eq!(
        verdicts(&verify(&moto.endpoint, "ticketing-production")),
        ticketing_before
    );

    // The live snapshot is the fixture's (up to the ids and times moto makes up), and the offline
    // run on the fixture gives the same verdicts as the live run.
    let offline = matches_its_fixture(&moto.endpoint, "group-production");
    assert_eq!(verdicts(&offline), verdicts(&report));
}
