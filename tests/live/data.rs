//! Aurora clusters, ElastiCache and Secrets Manager against moto.

use std::collections::BTreeMap;

use infra_verify::evaluate::{evaluate, Check, Status};
use infra_verify::probe;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed::Seeder;
use crate::{connection, rt, run_json, spec_text};

const SPEC: &str = r#"
version: 1
environment: production
aws: { region: ap-northeast-2 }
resources:
  - kind: rds_cluster
    id: tickets
    expect:
      status: available
      engine: aurora-postgresql
      engine_version: "16.4"
      serverless_v2_min_capacity: 0.5
      serverless_v2_max_capacity: { at_most: 2 }
      backup_retention_period: { at_least: 7 }
      storage_encrypted: true
      deletion_protection: true
      member_count: 2
      tags: { contains: { Environment: production } }
  - kind: rds_cluster
    id: tickets-small-backups
    expect:
      backup_retention_period: { at_least: 7 }
      serverless_v2_max_capacity: { at_most: 2 }
      member_count: { at_least: 2 }
  - kind: elasticache_cluster
    id: dorami-staging-redis
    expect:
      status: available
      engine: redis
      engine_version: "7.1"
      node_type: cache.t3.micro
      num_cache_nodes: 1
      az_mode: single-az
  - kind: elasticache_cluster
    id: dorami-wrong-size
    expect: { node_type: cache.t3.micro }
  - kind: elasticache_replication_group
    id: dorami-production-redis
    expect:
      status: available
      node_type: cache.t3.small
      node_group_count: 1
      replicas_per_node_group: 1
      automatic_failover: enabled
      multi_az: true
      at_rest_encryption: true
      transit_encryption: true
      snapshot_retention_limit: { at_least: 7 }
  - kind: elasticache_replication_group
    id: dorami-no-replica
    expect: { replicas_per_node_group: { at_least: 1 }, automatic_failover: enabled }
  - kind: secret
    id: dorami/production/backend
    expect:
      rotation_enabled: false
      rotation_interval_days: null
      kms_key_id: null
      last_rotated_date: null
      last_changed_date: { matches: '^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$' }
      tags: { Environment: production }
  - kind: secret
    id: dorami/production/no-rotation
    expect: { rotation_enabled: true }
  - kind: secret
    id: dorami/production/missing
  - kind: elasticache_cluster
    id: nope
  - kind: rds_cluster
    id: nope
"#;

async fn seed(endpoint: &str) {
    let s = Seeder::new(endpoint);
    s.aurora("tickets", 0.5, 2.0, 7, 2).await.expect("aurora");
    s.aurora("tickets-small-backups", 0.5, 8.0, 1, 1)
        .await
        .expect("aurora");
    s.cache_cluster("dorami-staging-redis", "cache.t3.micro")
        .await
        .expect("cache");
    s.cache_cluster("dorami-wrong-size", "cache.t3.small")
        .await
        .expect("cache");
    s.replication_group("dorami-production-redis", "cache.t3.small", 1)
        .await
        .expect("group");
    s.replication_group("dorami-no-replica", "cache.t3.small", 0)
        .await
        .expect("group");
    s.secret("dorami/production/backend", "production")
        .await
        .expect("secret");
    s.secret("dorami/production/no-rotation", "production")
        .await
        .expect("secret");
}

fn failing(checks: &[Check]) -> Vec<(&str, Status)> {
    checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| (c.id.as_str(), c.status))
        .collect()
}

#[test]
fn clusters_caches_and_secrets_pass_fail_and_go_missing_as_seeded() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(seed(&moto.endpoint));
    let spec = spec_text(SPEC);
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let report = evaluate(&spec, &snap);
    assert_eq!(
        failing(&report.checks),
        [
            (
                "rds_cluster/tickets-small-backups/backup_retention_period",
                Status::Fail
            ),
            (
                "rds_cluster/tickets-small-backups/serverless_v2_max_capacity",
                Status::Fail
            ),
            (
                "rds_cluster/tickets-small-backups/member_count",
                Status::Fail
            ),
            (
                "elasticache_cluster/dorami-wrong-size/node_type",
                Status::Fail
            ),
            (
                "elasticache_replication_group/dorami-no-replica/replicas_per_node_group",
                Status::Fail
            ),
            (
                "elasticache_replication_group/dorami-no-replica/automatic_failover",
                Status::Fail
            ),
            (
                "secret/dorami/production/no-rotation/rotation_enabled",
                Status::Fail
            ),
            ("secret/dorami/production/missing/exists", Status::Missing),
            ("elasticache_cluster/nope/exists", Status::Missing),
            ("rds_cluster/nope/exists", Status::Missing),
        ]
    );
    // One list per operation, whatever the number of resources; no DB instance list (none named).
    assert_eq!(
        conn.recorder.calls(),
        BTreeMap::from([
            ("ElastiCache:DescribeCacheClusters".to_string(), 1),
            ("ElastiCache:DescribeReplicationGroups".to_string(), 1),
            ("RDS:DescribeDBClusters".to_string(), 1),
            ("STS:GetCallerIdentity".to_string(), 1),
            ("SecretsManager:ListSecrets".to_string(), 1),
        ])
    );
}

fn deny_replication_groups_and_secrets(request: &str) -> Option<Answer> {
    if request.contains("Action=DescribeReplicationGroups") {
        Some(Answer::query_error(403, "AccessDenied"))
    } else if request.contains("secretsmanager.ListSecrets") {
        Some(Answer::json_error(400, "AccessDeniedException"))
    } else {
        None
    }
}

fn deny_clusters(request: &str) -> Option<Answer> {
    (request.contains("Action=DescribeDBClusters")
        || request.contains("Action=DescribeCacheClusters"))
    .then(|| Answer::query_error(403, "AccessDenied"))
}

/// With the lists of some kinds denied, every check of those kinds is an error naming the denied
/// action, and every other kind is verified as usual.
fn denied_lists_are_errors_for_their_kinds_only(
    rule: fn(&str) -> Option<Answer>,
    denied: &[(&str, &str)],
) {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let proxy = proxy::start(moto.port, rule);
    // Seeded failures of the other kinds still fail (exit 1); the denied kinds are never passes.
    let report = run_json(&proxy.endpoint, SPEC, 1);
    let mut seen = 0;
    for c in report["checks"].as_array().expect("checks") {
        let kind = c["kind"].as_str().unwrap_or_default();
        let message = c["message"].as_str().unwrap_or_default();
        match denied.iter().find(|(k, _)| *k == kind) {
            Some((_, action)) => {
                seen += 1;
                assert_eq!(c["status"], "error", "{c}");
                assert!(message.contains(&format!("`{action}`")), "{c}");
            }
            None => assert_ne!(c["status"], "error", "{c}"),
        }
    }
    assert!(
        seen >= denied.len(),
        "the denied kinds have checks: {report}"
    );
}

#[test]
fn denied_replication_groups_and_secrets_are_errors() {
    denied_lists_are_errors_for_their_kinds_only(
        deny_replication_groups_and_secrets,
        &[
            (
                "elasticache_replication_group",
                "elasticache:DescribeReplicationGroups",
            ),
            ("secret", "secretsmanager:ListSecrets"),
        ],
    );
}

#[test]
fn denied_db_and_cache_clusters_are_errors() {
    denied_lists_are_errors_for_their_kinds_only(
        deny_clusters,
        &[
            ("rds_cluster", "rds:DescribeDBClusters"),
            ("elasticache_cluster", "elasticache:DescribeCacheClusters"),
        ],
    );
}
