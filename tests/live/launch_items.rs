//! Launch-checklist items on services infra-verify already probes, against moto: a database's
//! parameter values (`rds.force_ssl`), the newest object under an S3 prefix ("the nightly dump
//! arrived") and a Route 53 health check's status. Each passes as seeded, fails with the actual
//! value, is `missing` (with no call made) for a resource that does not exist, and is an `error`
//! naming the action when the call is refused. CloudFront cache policies are not served by moto
//! (replayed in `probe::cloudfront`).

use aws_sdk_rds::types::{ApplyMethod, Parameter};
use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed::Seeder;
use crate::{check, not_passing, observe, rt};

/// `orders-db` in parameter group `orders-pg16` (`rds.force_ssl` 1,
/// `log_min_duration_statement` 1000), `orders-legacy` in moto's default group (no parameters),
/// and Aurora cluster `orders-aurora` in cluster parameter group `orders-aurora16`
/// (`rds.force_ssl` 1).
async fn seed_rds(s: &Seeder) {
    let param = |name: &str, value: &str| {
        Parameter::builder()
            .parameter_name(name)
            .parameter_value(value)
            .apply_method(ApplyMethod::Immediate)
            .build()
    };
    s.rds
        .create_db_parameter_group()
        .db_parameter_group_name("orders-pg16")
        .db_parameter_group_family("postgres16")
        .description("orders")
        .send()
        .await
        .expect("parameter group");
    s.rds
        .modify_db_parameter_group()
        .db_parameter_group_name("orders-pg16")
        .parameters(param("rds.force_ssl", "1"))
        .parameters(param("log_min_duration_statement", "1000"))
        .send()
        .await
        .expect("parameters");
    for (id, group) in [("orders-db", Some("orders-pg16")), ("orders-legacy", None)] {
        s.rds
            .create_db_instance()
            .db_instance_identifier(id)
            .engine("postgres")
            .engine_version("16.4")
            .db_instance_class("db.t3.micro")
            .allocated_storage(20)
            .set_db_parameter_group_name(group.map(str::to_string))
            .master_username("orders")
            .master_user_password("not-a-real-password")
            .send()
            .await
            .expect("db");
    }
    s.rds
        .create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("orders-aurora16")
        .db_parameter_group_family("aurora-postgresql16")
        .description("orders")
        .send()
        .await
        .expect("cluster parameter group");
    s.rds
        .modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("orders-aurora16")
        .parameters(param("rds.force_ssl", "1"))
        .send()
        .await
        .expect("cluster parameters");
    s.rds
        .create_db_cluster()
        .db_cluster_identifier("orders-aurora")
        .engine("aurora-postgresql")
        .engine_version("16.4")
        .db_cluster_parameter_group_name("orders-aurora16")
        .master_username("orders")
        .master_user_password("not-a-real-password")
        .send()
        .await
        .expect("cluster");
}

const RDS_PASSING: &str = r#"
version: 1
environment: test
resources:
  - kind: rds_instance
    id: orders-db
    expect:
      parameter_group: orders-pg16
      parameters: { contains: { rds.force_ssl: "1", log_min_duration_statement: "1000" } }
  - kind: rds_instance
    id: orders-legacy
    expect: { parameters: {} }
  - kind: rds_cluster
    id: orders-aurora
    expect:
      parameter_group: orders-aurora16
      parameters: { contains: { rds.force_ssl: "1" } }
"#;

#[test]
fn rds_parameters_pass_fail_missing_and_denied() {
    let moto = Moto::start();
    let s = Seeder::new(&moto.endpoint);
    rt().block_on(seed_rds(&s));

    let (_, report, calls) = observe(&moto.endpoint, RDS_PASSING);
    assert_eq!(not_passing(&report), []);
    assert_eq!(report.summary.total, 3 + 5);
    // One listing per distinct group: the custom one and moto's default instance group.
    assert_eq!(calls.get("RDS:DescribeDBParameters"), Some(&2), "{calls:?}");
    assert_eq!(calls.get("RDS:DescribeDBClusterParameters"), Some(&1));

    let (_, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: rds_instance
    id: orders-db
    expect: { parameters: { contains: { rds.force_ssl: "0" } } }
  - kind: rds_cluster
    id: orders-aurora
    expect: { parameters: { contains: { log_min_duration_statement: "500" } } }
  - kind: rds_instance
    id: orders-nope
    expect: { parameters: { contains: { rds.force_ssl: "1" } } }
"#,
    );
    let fail = check(&report, "rds_instance/orders-db/parameters");
    assert_eq!(fail.status, Status::Fail, "{fail:?}");
    assert_eq!(fail.actual["rds.force_ssl"], "1");
    assert_eq!(
        check(&report, "rds_cluster/orders-aurora/parameters").status,
        Status::Fail
    );
    assert_eq!(
        check(&report, "rds_instance/orders-nope/parameters").status,
        Status::Missing
    );
    // Only the existing instance's group is read.
    assert_eq!(calls.get("RDS:DescribeDBParameters"), Some(&1), "{calls:?}");

    let guard = proxy::start(moto.port, |request| {
        (request.contains("Action=DescribeDBParameters")
            || request.contains("Action=DescribeDBClusterParameters"))
        .then(|| Answer::query_error(403, "AccessDenied"))
    });
    let (_, report, _) = observe(&guard.endpoint, RDS_PASSING);
    for (id, action) in [
        (
            "rds_instance/orders-db/parameters",
            "rds:DescribeDBParameters",
        ),
        (
            "rds_cluster/orders-aurora/parameters",
            "rds:DescribeDBClusterParameters",
        ),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(c.message.contains(action), "{id}: {}", c.message);
    }
    assert_eq!(
        check(&report, "rds_instance/orders-db/parameter_group").status,
        Status::Pass
    );
}

/// Bucket `orders-backups` with two dumps under `db/` (3 and 5 bytes, `db/2.dump` written last)
/// and one object elsewhere.
async fn seed_objects(s: &Seeder) {
    s.s3.create_bucket()
        .bucket("orders-backups")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApNortheast2)
                .build(),
        )
        .send()
        .await
        .expect("bucket");
    for (key, body) in [
        ("db/1.dump", "abcde"),
        ("other/readme", "x"),
        ("db/2.dump", "abc"),
    ] {
        s.s3.put_object()
            .bucket("orders-backups")
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                body.as_bytes(),
            ))
            .send()
            .await
            .expect("object");
        // Distinct modification times (S3 keeps them to the millisecond).
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

const PREFIX_PASSING: &str = r#"
version: 1
environment: test
resources:
  - kind: s3_prefix
    id: orders-backups/db/
    expect:
      object_count: 2
      total_size_bytes: 8
      newest_key: db/2.dump
      newest_age_minutes: { at_most: 60 }
      newest_size_bytes: 3
  - kind: s3_prefix
    id: orders-backups/empty/
    expect: { object_count: 0, newest_key: null, newest_age_minutes: null }
"#;

#[test]
fn s3_prefix_pass_fail_missing_and_denied() {
    let moto = Moto::start();
    let s = Seeder::new(&moto.endpoint);
    rt().block_on(seed_objects(&s));

    let (_, report, calls) = observe(&moto.endpoint, PREFIX_PASSING);
    assert_eq!(not_passing(&report), []);
    assert_eq!(report.summary.total, 2 + 8);
    // No bucket is checked: no ListBuckets, one listing per prefix.
    assert_eq!(calls.get("S3:ListObjectsV2"), Some(&2), "{calls:?}");
    assert_eq!(calls.get("S3:ListBuckets"), None, "{calls:?}");

    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: s3_prefix
    id: orders-backups/db/
    expect: { object_count: { at_least: 3 }, newest_size_bytes: { at_least: 1000 } }
  - kind: s3_prefix
    id: orders-backups/empty/
    expect: { newest_age_minutes: { at_most: 1500 } }
  - kind: s3_prefix
    id: orders-nope/db/
    expect: { object_count: { at_least: 1 } }
"#,
    );
    let count = check(&report, "s3_prefix/orders-backups/db//object_count");
    assert_eq!(count.status, Status::Fail, "{count:?}");
    assert_eq!(count.actual, serde_json::json!(2));
    assert_eq!(
        check(&report, "s3_prefix/orders-backups/db//newest_size_bytes").status,
        Status::Fail
    );
    // Nothing arrived: null, which `at_most` fails, never passes.
    assert_eq!(
        check(
            &report,
            "s3_prefix/orders-backups/empty//newest_age_minutes"
        )
        .status,
        Status::Fail
    );
    assert_eq!(
        check(&report, "s3_prefix/orders-nope/db//object_count").status,
        Status::Missing
    );

    let guard = proxy::start(moto.port, |request| {
        request
            .contains("list-type=2")
            .then(|| Answer::s3_error(403, "AccessDenied"))
    });
    let (_, report, _) = observe(&guard.endpoint, PREFIX_PASSING);
    let c = check(&report, "s3_prefix/orders-backups/db//object_count");
    assert_eq!(c.status, Status::Error, "{c:?}");
    assert!(c.message.contains("s3:ListBucket"), "{}", c.message);
}

/// moto 5.2.5 does not implement ListCachePolicies (404): a cache policy is an error there,
/// never `missing` and never a pass (the probe is tested by replay in
/// `probe::cloudfront_cache_policy`).
#[test]
fn cache_policies_are_an_error_where_moto_lacks_them() {
    let moto = Moto::start();
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: cloudfront_cache_policy
    id: Managed-CachingOptimized
    expect: { default_ttl: 86400 }
"#,
    );
    for id in [
        "cloudfront_cache_policy/Managed-CachingOptimized/exists",
        "cloudfront_cache_policy/Managed-CachingOptimized/default_ttl",
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(
            c.message.contains("cloudfront:ListCachePolicies"),
            "{}",
            c.message
        );
    }
}

/// An HTTPS check of `https://api.orders.example/health` and a CLOUDWATCH_METRIC check.
async fn seed_health_checks(endpoint: &str) -> (String, String) {
    use aws_sdk_route53::types::{
        AlarmIdentifier, CloudWatchRegion, HealthCheckConfig, HealthCheckType,
        InsufficientDataHealthStatus,
    };
    let r53 = aws_sdk_route53::Client::new(&crate::support::seed::emulator_config(endpoint));
    let create = |reference: &'static str, config: HealthCheckConfig| {
        let r53 = r53.clone();
        async move {
            r53.create_health_check()
                .caller_reference(reference)
                .health_check_config(config)
                .send()
                .await
                .expect("health check")
                .health_check
                .map(|h| h.id)
                .expect("id")
        }
    };
    let api = create(
        "orders-api",
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::Https)
            .fully_qualified_domain_name("api.orders.example")
            .port(443)
            .resource_path("/health")
            .build()
            .expect("config"),
    )
    .await;
    let alarm = create(
        "orders-alarm",
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::CloudwatchMetric)
            .alarm_identifier(
                AlarmIdentifier::builder()
                    .region(CloudWatchRegion::ApNortheast2)
                    .name("orders-5xx")
                    .build()
                    .expect("alarm"),
            )
            .insufficient_data_health_status(InsufficientDataHealthStatus::Unhealthy)
            .build()
            .expect("config"),
    )
    .await;
    (api, alarm)
}

#[test]
fn health_check_status_pass_fail_missing_and_denied() {
    let moto = Moto::start();
    let (api, alarm) = rt().block_on(seed_health_checks(&moto.endpoint));
    let passing = format!(
        "version: 1\nenvironment: test\nresources:\n\
         \x20 - kind: route53_health_check\n    id: https://api.orders.example/health\n    expect: {{ healthy: true, checkers_reporting_healthy_percent: {{ at_least: 50 }}, cloudwatch_alarm: null }}\n\
         \x20 - kind: route53_health_check\n    id: {api}\n    expect: {{ type: HTTPS }}\n"
    );
    let (_, report, calls) = observe(&moto.endpoint, &passing);
    assert_eq!(not_passing(&report), []);
    // One status call: the check named by id does not check its status.
    assert_eq!(
        calls.get("Route53:GetHealthCheckStatus"),
        Some(&1),
        "{calls:?}"
    );

    let (_, report, calls) = observe(
        &moto.endpoint,
        &format!(
            "version: 1\nenvironment: test\nresources:\n\
             \x20 - kind: route53_health_check\n    id: {api}\n    expect: {{ healthy: false }}\n\
             \x20 - kind: route53_health_check\n    id: {alarm}\n    expect: {{ type: CLOUDWATCH_METRIC, healthy: true }}\n\
             \x20 - kind: route53_health_check\n    id: https://nope.orders.example/\n    expect: {{ healthy: true }}\n"
        ),
    );
    let c = check(&report, &format!("route53_health_check/{api}/healthy"));
    assert_eq!(c.status, Status::Fail, "{c:?}");
    assert_eq!(c.actual, serde_json::json!(true));
    // A CLOUDWATCH_METRIC check's status is its alarm's: an error pointing there, no call.
    let c = check(&report, &format!("route53_health_check/{alarm}/healthy"));
    assert_eq!(c.status, Status::Error, "{c:?}");
    assert!(c.message.contains("cloudwatch_alarm"), "{}", c.message);
    assert_eq!(
        check(
            &report,
            "route53_health_check/https://nope.orders.example//healthy"
        )
        .status,
        Status::Missing
    );
    assert_eq!(
        calls.get("Route53:GetHealthCheckStatus"),
        Some(&1),
        "{calls:?}"
    );

    let guard = proxy::start(moto.port, |request| {
        (request.starts_with("GET ") && request.contains("/status"))
            .then(|| Answer::query_error(403, "AccessDenied"))
    });
    let (_, report, _) = observe(&guard.endpoint, &passing);
    let c = check(
        &report,
        "route53_health_check/https://api.orders.example/health/healthy",
    );
    assert_eq!(c.status, Status::Error, "{c:?}");
    assert!(
        c.message.contains("route53:GetHealthCheckStatus"),
        "{}",
        c.message
    );
    assert_eq!(
        check(&report, &format!("route53_health_check/{api}/type")).status,
        Status::Pass
    );
}
