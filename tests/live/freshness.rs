//! What a launch checklist asks beyond settings, against moto: backups and snapshots that are
//! recent, logs that arrive, secrets that have a current value and a resource policy, buckets
//! whose policy is public or not and whose access is logged, databases and caches placed in
//! their subnet and security groups, and which metrics an alarm reads (composite alarms:
//! moto does not implement PutCompositeAlarm, so only their absence is seen here). Each attribute passes as seeded,
//! fails with the actual value, is `missing` (with no call made) for a resource that does not
//! exist, and is an `error` naming the action when the call is refused.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed::{emulator_config, Seeder};
use crate::{assert_only_expectations_fail, check, not_passing, observe, rt};

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::orders-public/*"}]}"#;
const SECRET_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/orders-task"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
/// A secret value that must never reach a record.
const SECRET_VALUE: &str = "postgres://orders:s3cr3t-do-not-record@db/orders";

/// `orders-db` (in subnet group `orders-private` of two subnets, a manual snapshot
/// `orders-pre-deploy`); `orders-cache` (security group `orders-cache`, subnet group
/// `orders-cache-subnets`); buckets `orders-public` (public policy, access logs to
/// `orders-logs/s3/`) and `orders-logs`; secrets `orders/db` (a value and a resource policy)
/// and `orders/empty` (no value yet); log groups `/ecs/orders` (an event just now) and
/// `/ecs/quiet` (no stream); alarm `orders-5xx`.
async fn seed(endpoint: &str) {
    let cfg = emulator_config(endpoint);
    let s = Seeder::new(endpoint);
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("vpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("vpc id");
    let mut subnets = Vec::new();
    for (cidr, zone) in [
        ("10.20.1.0/24", "ap-northeast-2a"),
        ("10.20.2.0/24", "ap-northeast-2c"),
    ] {
        subnets.push(
            ec2.create_subnet()
                .vpc_id(&vpc)
                .cidr_block(cidr)
                .availability_zone(zone)
                .send()
                .await
                .expect("subnet")
                .subnet
                .and_then(|s| s.subnet_id)
                .expect("subnet id"),
        );
    }
    let sg = ec2
        .create_security_group()
        .group_name("orders-cache")
        .description("cache")
        .vpc_id(&vpc)
        .send()
        .await
        .expect("security group")
        .group_id
        .expect("group id");

    s.rds
        .create_db_subnet_group()
        .db_subnet_group_name("orders-private")
        .db_subnet_group_description("private subnets")
        .set_subnet_ids(Some(subnets.clone()))
        .send()
        .await
        .expect("db subnet group");
    s.rds
        .create_db_instance()
        .db_instance_identifier("orders-db")
        .engine("postgres")
        .engine_version("16.4")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .backup_retention_period(7)
        .db_subnet_group_name("orders-private")
        .master_username("orders")
        .master_user_password("not-a-real-password")
        .send()
        .await
        .expect("db");
    s.rds
        .create_db_snapshot()
        .db_instance_identifier("orders-db")
        .db_snapshot_identifier("orders-pre-deploy")
        .send()
        .await
        .expect("snapshot");

    s.elasticache
        .create_cache_subnet_group()
        .cache_subnet_group_name("orders-cache-subnets")
        .cache_subnet_group_description("cache subnets")
        .set_subnet_ids(Some(subnets.clone()))
        .send()
        .await
        .expect("cache subnet group");
    s.elasticache
        .create_cache_cluster()
        .cache_cluster_id("orders-cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .cache_subnet_group_name("orders-cache-subnets")
        .security_group_ids(&sg)
        .send()
        .await
        .expect("cache cluster");

    for bucket in ["orders-public", "orders-logs"] {
        s.s3.create_bucket()
            .bucket(bucket)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApNortheast2)
                    .build(),
            )
            .send()
            .await
            .expect("bucket");
    }
    s.s3.put_bucket_policy()
        .bucket("orders-public")
        .policy(PUBLIC_POLICY)
        .send()
        .await
        .expect("policy");
    s.s3.put_bucket_acl()
        .bucket("orders-logs")
        .acl(aws_sdk_s3::types::BucketCannedAcl::from(
            "log-delivery-write",
        ))
        .send()
        .await
        .expect("log delivery ACL");
    s.s3.put_bucket_logging()
        .bucket("orders-public")
        .bucket_logging_status(
            aws_sdk_s3::types::BucketLoggingStatus::builder()
                .logging_enabled(
                    aws_sdk_s3::types::LoggingEnabled::builder()
                        .target_bucket("orders-logs")
                        .target_prefix("s3/")
                        .build()
                        .expect("logging"),
                )
                .build(),
        )
        .send()
        .await
        .expect("bucket logging");

    s.secrets
        .create_secret()
        .name("orders/db")
        .secret_string(SECRET_VALUE)
        .send()
        .await
        .expect("secret");
    s.secrets
        .put_resource_policy()
        .secret_id("orders/db")
        .resource_policy(SECRET_POLICY)
        .send()
        .await
        .expect("resource policy");
    s.secrets
        .create_secret()
        .name("orders/empty")
        .send()
        .await
        .expect("secret without a value");

    let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
    for group in ["/ecs/orders", "/ecs/quiet"] {
        logs.create_log_group()
            .log_group_name(group)
            .send()
            .await
            .expect("log group");
    }
    logs.create_log_stream()
        .log_group_name("/ecs/orders")
        .log_stream_name("ecs/api/1")
        .send()
        .await
        .expect("log stream");
    let now_ms = aws_smithy_types::DateTime::from(std::time::SystemTime::now())
        .to_millis()
        .expect("now");
    logs.put_log_events()
        .log_group_name("/ecs/orders")
        .log_stream_name("ecs/api/1")
        .log_events(
            InputLogEvent::builder()
                .timestamp(now_ms)
                .message("GET /api/health 200")
                .build()
                .expect("event"),
        )
        .send()
        .await
        .expect("log events");

    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    cw.put_metric_alarm()
        .alarm_name("orders-5xx")
        .namespace("AWS/ApplicationELB")
        .metric_name("HTTPCode_Target_5XX_Count")
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(5)
        .threshold(10.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("alarm");
    // moto does not implement PutCompositeAlarm: composite alarms are read by replay
    // (probe::monitoring::tests::metric_and_composite_alarms_share_one_describe_alarms); here
    // a composite alarm can only be missing.
}

const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
resources:
  - kind: rds_instance
    id: orders-db
    expect:
      db_subnet_group: orders-private
      parameter_group: { matches: postgres }
      latest_manual_snapshot: orders-pre-deploy
      latest_manual_snapshot_age_hours: { at_most: 1 }
  - kind: elasticache_cluster
    id: orders-cache
    expect:
      subnet_group: orders-cache-subnets
      replication_group: null
  - kind: s3_bucket
    id: orders-public
    expect:
      policy_is_public: true
      policy_statements: { contains: { effect: Allow, principals: ["*"], actions: [s3:GetObject] } }
      access_logging: true
      access_log_target: orders-logs/s3/
  - kind: s3_bucket
    id: orders-logs
    expect: { policy_is_public: false, access_logging: false, policy_statements: [] }
  - kind: secret
    id: orders/db
    expect:
      has_current_version: true
      current_version_age_days: { at_most: 1 }
      resource_policy: true
      resource_policy_principals: ["arn:aws:iam::123456789012:role/orders-task"]
      resource_policy_public: false
  - kind: secret
    id: orders/empty
    expect: { has_current_version: false, resource_policy: false }
  - kind: log_group
    id: /ecs/orders
    expect: { last_event_age_minutes: { at_most: 60 } }
  - kind: log_group
    id: /ecs/quiet
    expect: { last_event_age_minutes: null }
  - kind: metric_alarm
    id: orders-5xx
    expect: { expression: null, metrics: [AWS/ApplicationELB/HTTPCode_Target_5XX_Count] }
"#;

#[test]
fn every_new_attribute_is_read_from_the_emulator_and_no_value_is_recorded() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (snapshot, report, calls) = observe(&moto.endpoint, EVERY_ATTRIBUTE);
    assert_eq!(not_passing(&report), []);
    // 9 resources and 4 + 2 + 4 + 3 + 5 + 2 + 1 + 1 + 2 expectations. Not
    // `security_group_ids`: moto's DescribeCacheClusters reports no SecurityGroups (AWS does:
    // probe::elasticache's replay test reads them).
    assert_eq!(report.summary.total, 9 + 24);
    // One list of snapshots, alarms of both kinds in one call, one stream call per group.
    assert_eq!(calls.get("RDS:DescribeDBSnapshots"), Some(&1));
    assert_eq!(calls.get("CloudWatch:DescribeAlarms"), Some(&1));
    assert_eq!(calls.get("CloudWatchLogs:DescribeLogStreams"), Some(&2));
    assert_eq!(calls.get("SecretsManager:GetSecretValue"), None);
    let text = serde_json::to_string(&snapshot).expect("json");
    assert!(!text.contains("s3cr3t-do-not-record"), "{text}");
    // The instance's subnets are its subnet group's two.
    let db = snapshot
        .resources
        .iter()
        .find(|r| r.id == "orders-db")
        .expect("orders-db");
    match &db.observation {
        infra_verify::snapshot::Observation::Present { attributes, .. } => {
            let subnets = attributes["subnet_ids"].as_array().expect("list");
            assert_eq!(subnets.len(), 2, "{subnets:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_expectations_fail_with_what_was_observed() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: rds_instance
    id: orders-db
    expect: { db_subnet_group: default, latest_manual_snapshot: before-launch }
  - kind: elasticache_cluster
    id: orders-cache
    expect: { subnet_group: default }
  - kind: s3_bucket
    id: orders-public
    expect: { policy_is_public: false, access_logging: false }
  - kind: secret
    id: orders/db
    expect: { resource_policy_public: true }
  - kind: secret
    id: orders/empty
    expect: { has_current_version: true }
  - kind: log_group
    id: /ecs/quiet
    expect: { last_event_age_minutes: { at_most: 60 } }
"#,
    );
    assert_eq!(
        assert_only_expectations_fail(&report),
        2 + 1 + 2 + 1 + 1 + 1
    );
    assert_eq!(
        check(&report, "s3_bucket/orders-public/policy_is_public").actual,
        serde_json::json!(true)
    );
    assert_eq!(
        check(&report, "rds_instance/orders-db/latest_manual_snapshot").actual,
        serde_json::json!("orders-pre-deploy")
    );
    // No event yet is null, which `at_most` fails, never passes.
    assert_eq!(
        check(&report, "log_group//ecs/quiet/last_event_age_minutes").status,
        Status::Fail
    );
}

#[test]
fn missing_resources_are_missing_and_cost_no_extra_call() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: s3_bucket
    id: orders-nope
    expect: { policy_is_public: false, access_logging: true }
  - kind: secret
    id: orders/nope
    expect: { resource_policy: true, current_version_age_days: { at_most: 30 } }
  - kind: log_group
    id: /ecs/nope
    expect: { last_event_age_minutes: { at_most: 60 } }
  - kind: composite_alarm
    id: orders-nope
    expect: { alarms_in_rule: [x] }
"#,
    );
    for id in [
        "s3_bucket/orders-nope/policy_is_public",
        "secret/orders/nope/resource_policy",
        "log_group//ecs/nope/last_event_age_minutes",
        "composite_alarm/orders-nope/alarms_in_rule",
    ] {
        assert_eq!(check(&report, id).status, Status::Missing, "{id}");
    }
    for call in [
        "S3:GetBucketPolicyStatus",
        "S3:GetBucketLogging",
        "SecretsManager:GetResourcePolicy",
        "SecretsManager:ListSecretVersionIds",
        "CloudWatchLogs:DescribeLogStreams",
    ] {
        assert_eq!(calls.get(call), None, "{call}: {calls:?}");
    }
}

/// Refuses every call these attributes add (and nothing else).
fn deny_new_calls(request: &str) -> Option<Answer> {
    match amz_target(request) {
        Some("secretsmanager.GetResourcePolicy" | "secretsmanager.ListSecretVersionIds") => {
            return Some(Answer::json_error(400, "AccessDeniedException"))
        }
        Some("Logs_20140328.DescribeLogStreams") => {
            return Some(Answer::json_error(400, "AccessDeniedException"))
        }
        _ => {}
    }
    if request.contains("Action=DescribeDBSnapshots") {
        return Some(Answer::query_error(403, "AccessDenied"));
    }
    (request.contains("?policyStatus") || request.contains("?logging"))
        .then(|| Answer::s3_error(403, "AccessDenied"))
}

#[test]
fn a_refused_call_is_an_error_naming_its_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let guard = proxy::start(moto.port, deny_new_calls);
    let (_, report, _) = observe(&guard.endpoint, EVERY_ATTRIBUTE);
    for (id, action) in [
        (
            "rds_instance/orders-db/latest_manual_snapshot",
            "rds:DescribeDBSnapshots",
        ),
        (
            "s3_bucket/orders-public/policy_is_public",
            "s3:GetBucketPolicyStatus",
        ),
        (
            "s3_bucket/orders-logs/access_logging",
            "s3:GetBucketLogging",
        ),
        (
            "secret/orders/db/resource_policy",
            "secretsmanager:GetResourcePolicy",
        ),
        (
            "secret/orders/db/current_version_age_days",
            "secretsmanager:ListSecretVersionIds",
        ),
        (
            "log_group//ecs/quiet/last_event_age_minutes",
            "logs:DescribeLogStreams",
        ),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(c.message.contains(action), "{id}: {}", c.message);
    }
    // What the lists answer is still read: only the refused calls' attributes are errors.
    assert_eq!(
        check(&report, "rds_instance/orders-db/db_subnet_group").status,
        Status::Pass
    );
    assert_eq!(
        check(&report, "secret/orders/db/has_current_version").status,
        Status::Pass
    );
}
