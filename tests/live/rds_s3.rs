//! RDS instances and S3 buckets, and the cross-cutting guarantees (IAM policy, call counts,
//! errors as verdicts, account guard, assume-role).

use std::collections::BTreeMap;
use std::path::Path;

use infra_verify::evaluate::{evaluate, Status};
use infra_verify::snapshot::{Observation, Snapshot};
use infra_verify::{plan, probe};

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed::{Bucket, Db, Seeder};
use crate::{cli, cli_sub, connection, json_check, rt, run_json, spec_text};

#[test]
fn staging_snapshot_matches_the_fixture_and_reports_the_seeded_gaps() {
    let moto = Moto::start();
    rt().block_on(crate::support::demo::seed_demo(&moto.endpoint))
        .expect("seed");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("snap.json");

    let status = cli_sub(
        &moto.endpoint,
        &[
            "snapshot",
            "staging",
            "-o",
            out.to_str().expect("utf-8 path"),
        ],
    )
    .output()
    .expect("run");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );

    // moto makes up ids (security groups, target group and certificate ARNs, CloudFront domains)
    // and timestamps: compare the snapshots with those replaced by placeholders.
    let live = Snapshot::load(&out).expect("snapshot");
    let fixture = Snapshot::load(Path::new("fixtures/staging.snapshot.json")).expect("fixture");
    assert_eq!(
        crate::normalised_resources(&live),
        crate::normalised_resources(&fixture),
        "the live staging snapshot differs from fixtures/staging.snapshot.json; regenerate it with scripts/demo --update-fixture"
    );
    assert_eq!(live.metadata.account_id.as_deref(), Some("123456789012"));
    assert_eq!(live.metadata.region.as_deref(), Some("ap-northeast-2"));
    assert_eq!(
        live.metadata.endpoint.as_deref(),
        Some(moto.endpoint.as_str())
    );

    // Ticking a copy of the launch checklist against the emulator gives what the offline run on
    // the fixture gives: exactly the passing items ticked, the gaps not, no other byte changed.
    let checklist = "fixtures/checklists/live-commerce.md";
    let live_copy = dir.path().join("live.md");
    let offline_copy = dir.path().join("offline.md");
    std::fs::copy(checklist, &live_copy).expect("copy");
    std::fs::copy(checklist, &offline_copy).expect("copy");
    let run = cli_sub(
        &moto.endpoint,
        &["tick", "staging", live_copy.to_str().expect("utf-8")],
    )
    .output()
    .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = crate::emulator_cli()
        .args([
            "tick",
            "staging",
            offline_copy.to_str().expect("utf-8"),
            "--snapshot",
            "fixtures/staging.snapshot.json",
        ])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dates = regex::Regex::new(r"verified \d{4}-\d\d-\d\d").expect("re");
    let read = |p: &std::path::Path| {
        dates
            .replace_all(
                &std::fs::read_to_string(p).expect("read"),
                "verified <date>",
            )
            .into_owned()
    };
    let (live_ticked, offline_ticked) = (read(&live_copy), read(&offline_copy));
    assert_eq!(live_ticked, offline_ticked);
    // 14, not 16: "ECR scan on push" and "Fargate capacity provider" are linked by production's
    // spec too, and a staging run alone leaves them.
    assert_eq!(
        live_ticked.matches("<!-- infra-verify: verified").count(),
        14
    );
    assert!(live_ticked.contains("- [ ] ECR repository for nginx-rtmp, scan on push\n"));

    // The verify run, as JSON: exactly the four seeded gaps fail.
    let run = cli(&moto.endpoint)
        .args(["staging", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let failed: Vec<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] != "pass")
        .map(|c| c["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        failed,
        [
            "rds_instance/dorami-staging/backup_retention_period",
            "ecr_repository/dorami-nginx-rtmp/scan_on_push",
            "s3_bucket/dorami-staging-hls/versioning",
            "s3_bucket/dorami-staging-uploads/public_access_blocked",
        ]
    );
}

const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: rds_instance
    id: db-a
    expect:
      status: available
      engine: postgres
      engine_version: "16.4"
      instance_class: db.t3.micro
      allocated_storage: 20
      storage_type: gp3
      multi_az: false
      backup_retention_period: 7
      storage_encrypted: true
      deletion_protection: true
      publicly_accessible: false
      auto_minor_version_upgrade: true
      tags: { Environment: test }
  - kind: s3_bucket
    id: bucket-a
    expect:
      region: ap-northeast-2
      versioning: Enabled
      sse_algorithm: AES256
      bucket_key_enabled: false
      block_public_acls: true
      ignore_public_acls: true
      block_public_policy: true
      restrict_public_buckets: true
      public_access_blocked: true
      website_enabled: true
      website_index_document: index.html
      lifecycle_rules: { contains: { id: expire-segments, status: Enabled, expiration_days: 3 } }
      policy_requires_tls: true
      tags: { Environment: test }
  - kind: s3_bucket
    id: bucket-bare
    expect:
      versioning: Disabled
      public_access_blocked: false
      website_enabled: false
      website_index_document: null
      lifecycle_rules: []
      policy_requires_tls: false
      tags: {}
"#;

async fn seed_every_attribute(endpoint: &str) {
    let s = Seeder::new(endpoint);
    s.db(&Db {
        id: "db-a",
        class: "db.t3.micro",
        storage_gb: 20,
        backup_days: 7,
        multi_az: false,
        encrypted: true,
        deletion_protection: true,
        environment: "test",
    })
    .await
    .expect("db");
    s.bucket(&Bucket {
        name: "bucket-a",
        versioning: true,
        website: true,
        sse: true,
        block_public: true,
        expire_days: Some(3),
        environment: Some("test"),
        tls_policy: true,
        region: None,
    })
    .await
    .expect("bucket");
    s.bucket(&Bucket {
        name: "bucket-bare",
        ..Bucket::default()
    })
    .await
    .expect("bucket");
}

#[test]
fn every_probed_attribute_is_read_from_the_emulator() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed_every_attribute(&moto.endpoint));
    let spec = spec_text(EVERY_ATTRIBUTE);
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let report = evaluate(&spec, &snap);
    let not_passing: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:#?}");
    assert_eq!(report.summary.total, 3 + 13 + 14 + 7);
}

#[test]
fn every_call_made_is_in_the_iam_policy_of_the_spec() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed_every_attribute(&moto.endpoint));
    let spec = spec_text(EVERY_ATTRIBUTE);
    let conn = connection(&moto.endpoint);
    rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let allowed = plan::plan(&spec).actions;
    let calls = conn.recorder.calls();
    assert!(!calls.is_empty());
    for call in calls.keys() {
        let (service, op) = call.split_once(':').expect("service:operation");
        let action = plan::action_for(service, op).unwrap_or_else(|| {
            panic!("the probes called {call}, which is not in plan::OPERATIONS")
        });
        assert!(
            allowed.contains(action),
            "{call} ({action}) is not in the spec's IAM policy {allowed:?}"
        );
    }
    // And the policy asks for nothing the run did not use.
    let used: std::collections::BTreeSet<&str> = calls
        .keys()
        .filter_map(|c| c.split_once(':').and_then(|(s, o)| plan::action_for(s, o)))
        .collect();
    assert_eq!(used, allowed);
}

/// 200 DB instances, 200 buckets and 200 target groups seeded, a spec naming 50 of each (plus one
/// absent bucket) checking backups, Multi-AZ, versioning and health check paths: the lists page
/// once each, and the only per-resource calls are GetBucketVersioning for the 50 named buckets
/// that exist (no website, lifecycle, target health or target group attribute calls).
#[test]
fn one_list_per_operation_and_only_the_calls_the_spec_asks_for() {
    use futures::stream::{self, StreamExt};
    const SEEDED: i32 = 200;
    const NAMED: i32 = 50;
    let moto = Moto::start();
    let rt = rt();
    let s = Seeder::new(&moto.endpoint);
    rt.block_on(async {
        let dbs: Vec<String> = (0..SEEDED).map(|i| format!("db-{i:03}")).collect();
        stream::iter(dbs.iter().enumerate())
            .for_each_concurrent(16, |(i, id)| {
                let s = &s;
                async move {
                    s.db(&Db {
                        id,
                        class: "db.t3.micro",
                        storage_gb: 20,
                        backup_days: i as i32 % 10,
                        multi_az: false,
                        encrypted: true,
                        deletion_protection: false,
                        environment: "test",
                    })
                    .await
                    .expect("db");
                }
            })
            .await;
        let edge = crate::support::seed_edge::EdgeSeeder::new(&moto.endpoint);
        let vpc = edge.default_subnets().expect("subnets")[0].vpc_id.clone();
        let groups: Vec<String> = (0..SEEDED).map(|i| format!("tg-{i:03}")).collect();
        stream::iter(groups.iter().enumerate())
            .for_each_concurrent(16, |(i, name)| {
                let (edge, vpc) = (&edge, &vpc);
                async move {
                    let path = if i % 5 == 0 { "/" } else { "/api/health" };
                    edge.target_group(
                        vpc,
                        &crate::support::seed_edge::TargetGroupSpec {
                            name,
                            port: 3001,
                            target_type: aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Ip,
                            health_check: Some(crate::support::seed_edge::HealthCheck {
                                path,
                                matcher: "200",
                                interval: 30,
                                healthy: 5,
                                unhealthy: 2,
                            }),
                            stickiness: false,
                            targets: &[],
                        },
                    )
                    .await
                    .expect("target group");
                }
            })
            .await;
        let buckets: Vec<String> = (0..SEEDED).map(|i| format!("bucket-{i:03}")).collect();
        stream::iter(buckets.iter().enumerate())
            .for_each_concurrent(16, |(i, name)| {
                let s = &s;
                async move {
                    s.bucket(&Bucket {
                        name,
                        versioning: i % 2 == 0,
                        ..Bucket::default()
                    })
                    .await
                    .expect("bucket");
                }
            })
            .await;
    });
    let mut text = String::from("version: 1\nenvironment: test\nresources:\n");
    for i in 0..NAMED {
        text.push_str(&format!(
            "  - kind: rds_instance\n    id: db-{i:03}\n    expect: {{ backup_retention_period: {{ at_least: 2 }}, multi_az: false }}\n"
        ));
        text.push_str(&format!(
            "  - kind: s3_bucket\n    id: bucket-{i:03}\n    expect: {{ versioning: Enabled }}\n"
        ));
        text.push_str(&format!(
            "  - kind: lb_target_group\n    id: tg-{i:03}\n    expect: {{ health_check_path: /api/health }}\n"
        ));
    }
    text.push_str(
        "  - kind: s3_bucket\n    id: bucket-absent\n    expect: { versioning: Enabled }\n",
    );
    let spec = spec_text(&text);
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    // DescribeDBInstances returns at most 100 records a page: 200 instances are two pages.
    let calls = conn.recorder.calls();
    eprintln!(
        "API calls for {SEEDED} instances, buckets and target groups, {NAMED} of each named: {calls:?}"
    );
    assert_eq!(
        calls,
        BTreeMap::from([
            ("ElasticLoadBalancingv2:DescribeTargetGroups".to_string(), 1),
            ("RDS:DescribeDBInstances".to_string(), 2),
            ("S3:GetBucketVersioning".to_string(), NAMED as u64),
            ("S3:ListBuckets".to_string(), 1),
            ("STS:GetCallerIdentity".to_string(), 1),
        ])
    );
    assert_eq!(
        snap.metadata.api_calls.get("s3:GetBucketVersioning"),
        Some(&(NAMED as u64))
    );
    let report = evaluate(&spec, &snap);
    let count = |st: Status| report.checks.iter().filter(|c| c.status == st).count();
    // Instances with backups of 0 or 1 day (i % 10 < 2) fail; odd buckets have versioning off;
    // every fifth target group checks `/`; bucket-absent is missing (existence and versioning).
    assert_eq!(
        count(Status::Fail),
        (NAMED / 10 * 2 + NAMED / 2 + NAMED / 5) as usize
    );
    assert_eq!(count(Status::Missing), 2);
    assert_eq!(count(Status::Error), 0);
}

#[test]
fn missing_resources_are_missing_and_must_not_exist_passes() {
    let moto = Moto::start();
    let spec = spec_text(
        "version: 1\nenvironment: test\nresources:\n  - kind: rds_instance\n    id: nope\n    expect: { multi_az: true }\n  - kind: s3_bucket\n    id: nope-bucket\n    expect: { versioning: Enabled }\n  - kind: s3_bucket\n    id: must-not-exist\n    exists: false\n",
    );
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    assert!(snap
        .resources
        .iter()
        .filter(|r| r.id != "must-not-exist")
        .all(|r| r.observation == Observation::Absent));
    let report = evaluate(&spec, &snap);
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("rds_instance/nope/exists", Status::Missing),
            ("rds_instance/nope/multi_az", Status::Missing),
            ("s3_bucket/nope-bucket/exists", Status::Missing),
            ("s3_bucket/nope-bucket/versioning", Status::Missing),
            ("s3_bucket/must-not-exist/exists", Status::Pass),
        ]
    );
    // No per-bucket call for buckets that do not exist.
    assert_eq!(conn.recorder.calls().get("S3:GetBucketVersioning"), None);
}

fn deny_rds_and_versioning(request: &str) -> Option<Answer> {
    if request.contains("Action=DescribeDBInstances") {
        Some(Answer::query_error(403, "AccessDenied"))
    } else if request.contains("?versioning") {
        Some(Answer::s3_error(403, "AccessDenied"))
    } else {
        None
    }
}

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed_every_attribute(&moto.endpoint));
    let proxy = proxy::start(moto.port, deny_rds_and_versioning);
    let report = run_json(&proxy.endpoint, "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: rds_instance\n    id: db-a\n    expect: { multi_az: false }\n  - kind: s3_bucket\n    id: bucket-a\n    expect: { versioning: Enabled, website_enabled: true }\n", 3);
    let by_id = |id: &str| json_check(&report, id);
    let db = by_id("rds_instance/db-a/multi_az");
    assert_eq!(db["status"], "error");
    assert!(
        db["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`rds:DescribeDBInstances`"),
        "{db}"
    );
    let versioning = by_id("s3_bucket/bucket-a/versioning");
    assert_eq!(versioning["status"], "error");
    assert!(
        versioning["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`s3:GetBucketVersioning`"),
        "{versioning}"
    );
    // The bucket's other attributes were still observed.
    assert_eq!(
        by_id("s3_bucket/bucket-a/website_enabled")["status"],
        "pass"
    );
    assert_eq!(by_id("s3_bucket/bucket-a/exists")["status"], "pass");
}

#[test]
fn wrong_account_is_refused_and_unreachable_endpoint_cannot_verify() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "version: 1\nenvironment: test\naws: { region: ap-northeast-2, account_id: \"999999999999\" }\nresources:\n  - kind: s3_bucket\n    id: x\n",
    )
    .expect("write");
    let run = cli(&moto.endpoint)
        .arg("--spec")
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("wrong account: the spec requires account 999999999999"),
        "{stderr}"
    );
    assert!(run.stdout.is_empty(), "no report for the wrong account");

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let run = cli(&format!("http://127.0.0.1:{port}"))
        .args(["staging"])
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("could not reach the endpoint"), "{stderr}");
}

#[test]
fn the_spec_role_is_assumed_before_probing() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "version: 1\nenvironment: test\naws: { region: ap-northeast-2, role_arn: \"arn:aws:iam::123456789012:role/infra-verify-readonly\" }\nresources:\n  - kind: s3_bucket\n    id: nothing-here\n    exists: false\n",
    )
    .expect("write");
    let out = dir.path().join("snap.json");
    let run = cli_sub(
        &moto.endpoint,
        &[
            "snapshot",
            "--spec",
            path.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
        ],
    )
    .output()
    .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let snap = Snapshot::load(&out).expect("snapshot");
    let arn = snap.metadata.caller_arn.unwrap_or_default();
    assert!(
        arn.contains(":assumed-role/infra-verify-readonly/infra-verify"),
        "{arn}"
    );
}

/// An S3 Control client on the emulator: S3 Control puts the account id in the host name, which
/// a loopback endpoint cannot take, so every call goes to the endpoint as it is.
fn s3control(endpoint: &str) -> aws_sdk_s3control::Client {
    let cfg = crate::support::seed::emulator_config(endpoint);
    aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(&cfg)
            .endpoint_resolver(infra_verify::aws::FixedEndpoint(endpoint.to_string()))
            .build(),
    )
}

/// A bucket without a Block Public Access of its own is still blocked when the account's is on
/// (S3 applies both); the verdict says which level blocks it. Without either, it is not blocked.
#[test]
fn the_account_block_public_access_protects_a_bucket_without_its_own() {
    let moto = Moto::start();
    let s = Seeder::new(&moto.endpoint);
    rt().block_on(async {
        s.bucket(&Bucket {
            name: "bucket-own-block",
            block_public: true,
            ..Bucket::default()
        })
        .await?;
        s.bucket(&Bucket {
            name: "bucket-bare",
            ..Bucket::default()
        })
        .await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");
    let text = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: s3_bucket\n    id: bucket-own-block\n    expect: { public_access_blocked: true }\n  - kind: s3_bucket\n    id: bucket-bare\n    expect: { public_access_blocked: true }\n";
    let (snap, report, calls) = crate::observe(&moto.endpoint, text);
    let attr = |id: &str, a: &str| match &snap
        .resources
        .iter()
        .find(|r| r.id == id)
        .expect("record")
        .observation
    {
        infra_verify::snapshot::Observation::Present { attributes, .. } => {
            attributes.get(a).cloned()
        }
        other => panic!("{other:?}"),
    };
    // No account block yet: the bare bucket is open, and the account was asked once.
    assert_eq!(
        crate::check(&report, "s3_bucket/bucket-bare/public_access_blocked").status,
        Status::Fail
    );
    assert_eq!(
        attr("bucket-own-block", "public_access_block_source"),
        Some(serde_json::json!("bucket"))
    );
    assert_eq!(
        calls.get("S3Control:GetPublicAccessBlock"),
        Some(&1),
        "{calls:?}"
    );

    rt().block_on(
        s3control(&moto.endpoint)
            .put_public_access_block()
            .account_id("123456789012")
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send(),
    )
    .expect("account block");
    let (snap, report, _) = crate::observe(&moto.endpoint, text);
    assert_eq!(crate::not_passing(&report), []);
    let attr = |id: &str, a: &str| match &snap
        .resources
        .iter()
        .find(|r| r.id == id)
        .expect("record")
        .observation
    {
        infra_verify::snapshot::Observation::Present { attributes, .. } => {
            attributes.get(a).cloned()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        attr("bucket-bare", "public_access_block_source"),
        Some(serde_json::json!("account"))
    );
    assert_eq!(
        attr("bucket-bare", "block_public_policy"),
        Some(serde_json::json!(true))
    );
    assert_eq!(
        attr("bucket-own-block", "public_access_block_source"),
        Some(serde_json::json!("bucket and account"))
    );
}
