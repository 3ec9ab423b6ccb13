//! Tag selections (`select: { tags: ... }`) against moto: RDS instances and secrets from their
//! lists, S3 buckets through GetBucketTagging on every bucket.

use std::collections::BTreeMap;

use infra_verify::evaluate::{evaluate, Status};
use infra_verify::probe;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed::{Bucket, Db, Seeder};
use crate::{connection, json_check, rt, run_json, spec_text};

async fn seed(endpoint: &str) {
    let s = Seeder::new(endpoint);
    for (id, env, backups) in [
        ("web-a", "staging", 7),
        ("web-b", "staging", 1),
        ("web-c", "production", 30),
    ] {
        s.db(&Db {
            id,
            class: "db.t3.micro",
            storage_gb: 20,
            backup_days: backups,
            multi_az: false,
            encrypted: true,
            deletion_protection: false,
            environment: env,
        })
        .await
        .expect("db");
    }
    for (name, env, versioning) in [
        ("assets-a", Some("staging"), true),
        ("assets-b", Some("staging"), false),
        ("assets-c", Some("production"), true),
        ("untagged", None, true),
    ] {
        s.bucket(&Bucket {
            name,
            versioning,
            environment: env,
            ..Bucket::default()
        })
        .await
        .expect("bucket");
    }
    s.secret("app/staging/backend", "staging")
        .await
        .expect("secret");
    s.secret("app/production/backend", "production")
        .await
        .expect("secret");
}

const SPEC: &str = r#"
version: 1
environment: staging
aws: { region: ap-northeast-2 }
resources:
  - kind: rds_instance
    select: { tags: { Environment: staging } }
    count: 2
    expect: { backup_retention_period: { at_least: 7 } }
  - kind: s3_bucket
    select: { tags: { Environment: staging } }
    expect: { versioning: Enabled }
  - kind: s3_bucket
    id: assets-a
    expect: { versioning: Enabled }
  - kind: secret
    select: { tags: { Environment: staging } }
    count: { at_most: 1 }
  - kind: secret
    select: { tags: { Environment: leaked } }
    exists: false
"#;

#[test]
fn selections_count_and_check_every_match_with_the_fewest_calls() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed(&moto.endpoint));
    let spec = spec_text(SPEC);
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let report = evaluate(&spec, &snap);
    let got: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        got,
        [
            ("rds_instance/tags(Environment=staging)/count", Status::Pass),
            ("rds_instance/web-a/backup_retention_period", Status::Pass),
            ("rds_instance/web-b/backup_retention_period", Status::Fail),
            ("s3_bucket/tags(Environment=staging)/count", Status::Pass),
            ("s3_bucket/assets-a/versioning", Status::Pass),
            ("s3_bucket/assets-b/versioning", Status::Fail),
            ("s3_bucket/assets-a/exists", Status::Pass),
            ("s3_bucket/assets-a/versioning", Status::Pass),
            ("secret/tags(Environment=staging)/count", Status::Pass),
            ("secret/tags(Environment=leaked)/count", Status::Pass),
        ]
    );
    // The tags of all four buckets are read once; versioning is read once per selected bucket,
    // even for assets-a, which is both named and selected.
    assert_eq!(
        conn.recorder.calls(),
        BTreeMap::from([
            ("RDS:DescribeDBInstances".to_string(), 1),
            ("S3:GetBucketTagging".to_string(), 4),
            ("S3:GetBucketVersioning".to_string(), 2),
            ("S3:ListBuckets".to_string(), 1),
            ("STS:GetCallerIdentity".to_string(), 1),
            ("SecretsManager:ListSecrets".to_string(), 1),
        ])
    );
}

fn deny_one_bucket_tagging(request: &str) -> Option<Answer> {
    let line = request.lines().next().unwrap_or_default();
    (line.contains("/assets-c") && line.contains("tagging"))
        .then(|| Answer::s3_error(403, "AccessDenied"))
}

#[test]
fn a_bucket_whose_tags_cannot_be_read_makes_the_selection_an_error() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let proxy = proxy::start(moto.port, deny_one_bucket_tagging);
    let report = run_json(
        &proxy.endpoint,
        "version: 1\nenvironment: staging\naws: { region: ap-northeast-2 }\nresources:\n  - kind: s3_bucket\n    select: { tags: { Environment: staging } }\n    expect: { versioning: Enabled }\n",
        3,
    );
    let count = json_check(&report, "s3_bucket/tags(Environment=staging)/count");
    assert_eq!(count["status"], "error", "{count}");
    let message = count["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("bucket `assets-c`") && message.contains("`s3:GetBucketTagging`"),
        "{message}"
    );
    assert_eq!(
        report["summary"]["total"], 1,
        "nothing is claimed about unselected buckets: {report}"
    );
}
