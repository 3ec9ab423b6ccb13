//! The ticketing platform's production spec (specs/ticketing-production.yaml) against the demo
//! emulator: seeded as `scripts/demo` seeds it (next to the staging environment, in one account),
//! it reports exactly the seeded gaps plus what moto cannot model, and the live snapshot matches
//! fixtures/ticketing-production.snapshot.json.

use std::path::Path;

use infra_verify::snapshot::Snapshot;

use crate::support::demo::{seed_demo, seed_ticketing, TICKETING_GAPS};
use crate::support::moto::Moto;
use crate::{cli, cli_sub, rt};

/// The ids of the checks that do not pass, with their statuses, from a JSON report (also used by
/// the group app's test).
pub(crate) fn not_passing(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] != "pass")
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

/// Runs `infra-verify ENV --format json` against the emulator, asserts exit code 1 (not ready, as
/// seeded), and returns the JSON report.
pub(crate) fn verify(endpoint: &str, env: &str) -> serde_json::Value {
    let run = cli(endpoint)
        .args([env, "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{env}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("json")
}

#[test]
fn ticketing_production_reports_exactly_the_seeded_gaps_and_moto_limits() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await.expect("seed staging");
        seed_ticketing(&moto.endpoint)
            .await
            .expect("seed ticketing");
    });

    // Exactly the three seeded gaps and root MFA (moto's limit) fail; nothing is missing or an
    // error, every other check passes.
    let report = verify(&moto.endpoint, "ticketing-production");
    let mut expected: Vec<(String, String)> = TICKETING_GAPS
        .iter()
        .map(|(id, _)| (id.to_string(), "fail".to_string()))
        .collect();
    expected.sort();
    assert_eq!(not_passing(&report), expected);
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 116, "every check of the spec is reported");
    let actual = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["actual"].clone())
            .unwrap_or_else(|| panic!("no check {id}"))
    };
    assert_eq!(
        actual("waf_web_acl/CLOUDFRONT/tickets-edge/rate_limit"),
        2000
    );
    assert_eq!(actual("vpc/tickets-production/flow_logs_enabled"), false);
    assert_eq!(actual("account/current/root_mfa_enabled"), false);
    // What moto does model of the rest, which a careless seeding could miss.
    assert_eq!(
        actual("secret/tickets/production/app/rotation_enabled"),
        true
    );
    assert_eq!(
        actual("acm_certificate/www.tickets.example/status"),
        "ISSUED"
    );
    assert_eq!(
        actual("s3_bucket/tags(Project=tickets)/count"),
        serde_json::json!(4)
    );

    // The staging environment in the same account is untouched: still its own four gaps.
    let staging = verify(&moto.endpoint, "staging");
    let staging_ids: Vec<String> = not_passing(&staging)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        staging_ids,
        [
            "ecr_repository/dorami-nginx-rtmp/scan_on_push",
            "rds_instance/dorami-staging/backup_retention_period",
            "s3_bucket/dorami-staging-hls/versioning",
            "s3_bucket/dorami-staging-uploads/public_access_blocked",
        ]
    );

    // The live snapshot is the fixture's (up to the ids and times moto makes up), and the offline
    // run on the fixture gives the same verdicts as the live run.
    let offline = matches_its_fixture(&moto.endpoint, "ticketing-production");
    assert_eq!(not_passing(&offline), expected);
}

/// Snapshots ENV live and asserts it equals `fixtures/ENV.snapshot.json` (up to the ids and times
/// moto makes up); returns the JSON report of an offline run on the fixture (exit 1 asserted).
pub(crate) fn matches_its_fixture(endpoint: &str, env: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("snap.json");
    let run = cli_sub(
        endpoint,
        &["snapshot", env, "-o", out.to_str().expect("utf-8 path")],
    )
    .output()
    .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fixture_path = format!("fixtures/{env}.snapshot.json");
    let live = Snapshot::load(&out).expect("snapshot");
    let fixture = Snapshot::load(Path::new(&fixture_path)).expect("fixture");
    assert_eq!(
        crate::normalised_resources(&live),
        crate::normalised_resources(&fixture),
        "the live {env} snapshot differs from {fixture_path}; regenerate it with scripts/demo --update-fixture"
    );
    let offline = crate::emulator_cli()
        .args([env, "--snapshot", &fixture_path, "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(offline.status.code(), Some(1));
    serde_json::from_slice(&offline.stdout).expect("json")
}
