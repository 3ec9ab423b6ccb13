use std::path::Path;

use serde_json::{json, Value as J};

use super::environment::{canonical, home_region};
use super::ids::{hints, spelled_id};
use super::rules::KIND_RULES;
use super::values::{settle, COMPILED};
use super::*;
use crate::catalog;
use crate::init::draft::Match;

fn stated(kind: &'static str, attribute: &'static str, matcher: Match) -> Stated {
    Stated {
        kind,
        attribute,
        matcher,
        sub: None,
    }
}

fn eqv(v: J) -> Match {
    Match::Equals(v)
}

/// (rule, line, kinds the line is read for, what it states). Every rule has an English case;
/// most a Korean one too.
fn cases() -> Vec<(&'static str, &'static str, Vec<&'static str>, Stated)> {
    let one_of = |vs: &[&str]| Match::OneOf(vs.iter().map(|v| json!(v)).collect());
    vec![
        (
            "instance class",
            "instance type: db.t3.micro",
            vec![],
            stated("rds_instance", "instance_class", eqv(json!("db.t3.micro"))),
        ),
        (
            "instance class",
            "인스턴스 타입: db.t4g.small",
            vec![],
            stated("rds_instance", "instance_class", eqv(json!("db.t4g.small"))),
        ),
        (
            "storage size",
            "storage: 20 GB gp3",
            vec!["rds_instance"],
            stated(
                "rds_instance",
                "allocated_storage",
                Match::AtLeast(json!(20)),
            ),
        ),
        (
            "storage size",
            "스토리지: 50기가",
            vec!["rds_instance"],
            stated(
                "rds_instance",
                "allocated_storage",
                Match::AtLeast(json!(50)),
            ),
        ),
        (
            "storage type",
            "storage: 20 GB gp3",
            vec!["rds_instance"],
            stated("rds_instance", "storage_type", eqv(json!("gp3"))),
        ),
        (
            "Multi-AZ",
            "Multi-AZ: No",
            vec!["rds_instance"],
            stated("rds_instance", "multi_az", eqv(json!(false))),
        ),
        (
            "Multi-AZ",
            "Multi-AZ: Yes",
            vec!["rds_instance"],
            stated("rds_instance", "multi_az", eqv(json!(true))),
        ),
        (
            "Multi-AZ",
            "멀티 AZ: 아니오",
            vec!["rds_instance"],
            stated("rds_instance", "multi_az", eqv(json!(false))),
        ),
        (
            "Multi-AZ",
            "single-AZ",
            vec!["rds_instance"],
            stated("rds_instance", "multi_az", eqv(json!(false))),
        ),
        (
            "Multi-AZ",
            "Multi-AZ",
            vec!["elasticache_cluster"],
            stated("elasticache_cluster", "az_mode", eqv(json!("cross-az"))),
        ),
        (
            "backup retention",
            "**Backups kept 7 days**",
            vec!["rds_instance"],
            stated(
                "rds_instance",
                "backup_retention_period",
                Match::AtLeast(json!(7)),
            ),
        ),
        (
            "backup retention",
            "30 days of backups",
            vec!["rds_cluster"],
            stated(
                "rds_cluster",
                "backup_retention_period",
                Match::AtLeast(json!(30)),
            ),
        ),
        (
            "backup retention",
            "백업 14일 보관",
            vec!["rds_instance"],
            stated(
                "rds_instance",
                "backup_retention_period",
                Match::AtLeast(json!(14)),
            ),
        ),
        (
            "backup retention",
            "backups kept 3 days",
            vec!["elasticache_replication_group"],
            stated(
                "elasticache_replication_group",
                "snapshot_retention_limit",
                Match::AtLeast(json!(3)),
            ),
        ),
        (
            "encrypted at rest",
            "Encrypted at rest",
            vec!["rds_instance"],
            stated("rds_instance", "storage_encrypted", eqv(json!(true))),
        ),
        (
            "encrypted at rest",
            "저장 데이터 암호화",
            vec!["s3_bucket"],
            stated("s3_bucket", "sse_algorithm", one_of(&["AES256", "aws:kms"])),
        ),
        (
            "publicly accessible",
            "외부 접근 차단 (publicly accessible: no)",
            vec!["rds_instance"],
            stated("rds_instance", "publicly_accessible", eqv(json!(false))),
        ),
        (
            "publicly accessible",
            "외부 접근 차단",
            vec!["rds_instance"],
            stated("rds_instance", "publicly_accessible", eqv(json!(false))),
        ),
        (
            "deletion protection",
            "Deletion protection on",
            vec!["rds_cluster"],
            stated("rds_cluster", "deletion_protection", eqv(json!(true))),
        ),
        (
            "Aurora capacity",
            "Aurora Serverless v2, 0.5–2 ACU",
            vec!["rds_cluster"],
            stated("rds_cluster", "serverless_v2_min_capacity", eqv(json!(0.5))),
        ),
        (
            "Aurora capacity (max)",
            "0.5-2 ACU",
            vec!["rds_cluster"],
            stated("rds_cluster", "serverless_v2_max_capacity", eqv(json!(2.0))),
        ),
        (
            "cache node type",
            "Redis: cache.t3.micro",
            vec![],
            stated(
                "elasticache_cluster",
                "node_type",
                eqv(json!("cache.t3.micro")),
            ),
        ),
        (
            "no replica",
            "cache.t3.micro, no replica",
            vec!["elasticache_cluster"],
            stated("elasticache_cluster", "num_cache_nodes", eqv(json!(1))),
        ),
        (
            "no replica",
            "레플리카 없음",
            vec!["elasticache_cluster"],
            stated("elasticache_cluster", "num_cache_nodes", eqv(json!(1))),
        ),
        (
            "replicas",
            "cache.t3.small, 1 replica",
            vec!["elasticache_replication_group"],
            stated(
                "elasticache_replication_group",
                "replicas_per_node_group",
                Match::AtLeast(json!(1)),
            ),
        ),
        (
            "replicas",
            "레플리카 2",
            vec!["elasticache_replication_group"],
            stated(
                "elasticache_replication_group",
                "replicas_per_node_group",
                Match::AtLeast(json!(2)),
            ),
        ),
        (
            "cache engine",
            "ElastiCache Redis",
            vec!["elasticache_cluster"],
            stated("elasticache_cluster", "engine", eqv(json!("redis"))),
        ),
        (
            "cache engine",
            "레디스 캐시",
            vec!["elasticache_cluster"],
            stated("elasticache_cluster", "engine", eqv(json!("redis"))),
        ),
        (
            "scan on push",
            "ECR scan on push",
            vec![],
            stated("ecr_repository", "scan_on_push", eqv(json!(true))),
        ),
        (
            "scan on push",
            "image scanning on",
            vec![],
            stated("ecr_repository", "scan_on_push", eqv(json!(true))),
        ),
        (
            "scan on push",
            "no scan on push",
            vec![],
            stated("ecr_repository", "scan_on_push", eqv(json!(false))),
        ),
        (
            "scan on push",
            "이미지 스캔 활성화",
            vec![],
            stated("ecr_repository", "scan_on_push", eqv(json!(true))),
        ),
        (
            "immutable tags",
            "immutable tags",
            vec!["ecr_repository"],
            stated(
                "ecr_repository",
                "image_tag_mutability",
                eqv(json!("IMMUTABLE")),
            ),
        ),
        (
            "lifecycle policy",
            "lifecycle policy for old images",
            vec!["ecr_repository"],
            stated("ecr_repository", "lifecycle_policy", eqv(json!(true))),
        ),
        (
            "Fargate",
            "ECS cluster on Fargate",
            vec!["ecs_cluster"],
            stated(
                "ecs_cluster",
                "capacity_providers",
                Match::Contains(json!("FARGATE")),
            ),
        ),
        (
            "Fargate",
            "service on Fargate",
            vec!["ecs_service"],
            stated("ecs_service", "launch_type", eqv(json!("FARGATE"))),
        ),
        (
            "container health check",
            "Task definition with a container health check",
            vec![],
            stated(
                "ecs_task_definition",
                "containers",
                Match::Contains(json!({"health_check": {}})),
            ),
        ),
        (
            "container health check",
            "컨테이너 헬스체크 설정",
            vec![],
            stated(
                "ecs_task_definition",
                "containers",
                Match::Contains(json!({"health_check": {}})),
            ),
        ),
        (
            "circuit breaker",
            "Service with the deployment circuit breaker",
            vec![],
            stated(
                "ecs_service",
                "deployment_circuit_breaker",
                eqv(json!(true)),
            ),
        ),
        (
            "container insights",
            "Container Insights on",
            vec![],
            stated(
                "ecs_cluster",
                "container_insights",
                one_of(&["enabled", "enhanced"]),
            ),
        ),
        (
            "scaling minimum",
            "auto scaling min 2 max 10",
            vec!["ecs_service_scaling"],
            stated("ecs_service_scaling", "min_capacity", eqv(json!(2))),
        ),
        (
            "scaling maximum",
            "Auto Scaling group min 2 / desired 3 / max 10",
            vec!["autoscaling_group"],
            stated("autoscaling_group", "max_size", eqv(json!(10))),
        ),
        (
            "desired capacity",
            "min 2 / desired 3 / max 10",
            vec!["autoscaling_group"],
            stated("autoscaling_group", "desired_capacity", eqv(json!(3))),
        ),
        (
            "health check path",
            "ALB health check path /api/health",
            vec![],
            stated(
                "lb_target_group",
                "health_check_path",
                eqv(json!("/api/health")),
            ),
        ),
        (
            "health check path",
            "헬스체크 경로: /healthz",
            vec![],
            stated(
                "lb_target_group",
                "health_check_path",
                eqv(json!("/healthz")),
            ),
        ),
        (
            "sticky sessions",
            "sticky sessions",
            vec!["lb_target_group"],
            stated("lb_target_group", "stickiness_enabled", eqv(json!(true))),
        ),
        (
            "internet-facing",
            "internet-facing ALB",
            vec!["lb"],
            stated("lb", "scheme", eqv(json!("internet-facing"))),
        ),
        (
            "versioning",
            "HLS bucket versioning on",
            vec![],
            stated("s3_bucket", "versioning", eqv(json!("Enabled"))),
        ),
        (
            "versioning",
            "버킷 버전 관리",
            vec![],
            stated("s3_bucket", "versioning", eqv(json!("Enabled"))),
        ),
        (
            "versioning",
            "versioning: off",
            vec![],
            stated(
                "s3_bucket",
                "versioning",
                one_of(&["Suspended", "Disabled"]),
            ),
        ),
        (
            "website hosting",
            "website hosting on",
            vec![],
            stated("s3_bucket", "website_enabled", eqv(json!(true))),
        ),
        (
            "website hosting",
            "정적 웹사이트 호스팅",
            vec![],
            stated("s3_bucket", "website_enabled", eqv(json!(true))),
        ),
        (
            "public access blocked",
            "Uploads bucket blocks public access",
            vec![],
            stated("s3_bucket", "public_access_blocked", eqv(json!(true))),
        ),
        (
            "public access blocked",
            "퍼블릭 액세스 차단",
            vec![],
            stated("s3_bucket", "public_access_blocked", eqv(json!(true))),
        ),
        (
            "Glacier after N days",
            "lifecycle moving objects to Glacier after 30 days",
            vec![],
            stated(
                "s3_bucket",
                "lifecycle_rules",
                Match::Contains(
                    json!({"status": "Enabled", "transitions": [{"days": 30, "storage_class": "GLACIER"}]}),
                ),
            ),
        ),
        (
            "Glacier after N days",
            "90일 후 Glacier로 이동",
            vec![],
            stated(
                "s3_bucket",
                "lifecycle_rules",
                Match::Contains(
                    json!({"status": "Enabled", "transitions": [{"days": 90, "storage_class": "GLACIER"}]}),
                ),
            ),
        ),
        (
            "TLS-only bucket policy",
            "TLS only",
            vec!["s3_bucket"],
            stated("s3_bucket", "policy_requires_tls", eqv(json!(true))),
        ),
        (
            "HTTPS only (CloudFront)",
            "CloudFront HTTPS only",
            vec!["cloudfront_distribution"],
            stated(
                "cloudfront_distribution",
                "viewer_protocol_policy",
                one_of(&["redirect-to-https", "https-only"]),
            ),
        ),
        (
            "HTTPS only (CloudFront)",
            "CloudFront HTTPS 전용",
            vec!["cloudfront_distribution"],
            stated(
                "cloudfront_distribution",
                "viewer_protocol_policy",
                one_of(&["redirect-to-https", "https-only"]),
            ),
        ),
        (
            "compression",
            "compression on",
            vec!["cloudfront_distribution"],
            stated("cloudfront_distribution", "compress", eqv(json!(true))),
        ),
        (
            "cache policy",
            "with a cache policy",
            vec!["cloudfront_distribution"],
            stated(
                "cloudfront_distribution",
                "cache_policy_id",
                Match::Matches(".".into()),
            ),
        ),
        (
            "ACM certificate (CloudFront)",
            "CloudFront with an ACM certificate",
            vec!["cloudfront_distribution"],
            stated(
                "cloudfront_distribution",
                "acm_certificate_arn",
                Match::Matches("^arn:aws:acm:".into()),
            ),
        ),
        (
            "rotation",
            "Secrets Manager with rotation",
            vec!["secret"],
            stated("secret", "rotation_enabled", eqv(json!(true))),
        ),
        (
            "rotation",
            "시크릿 로테이션",
            vec!["secret"],
            stated("secret", "rotation_enabled", eqv(json!(true))),
        ),
        (
            "log retention",
            "log group retention 30 days",
            vec!["log_group"],
            stated("log_group", "retention_in_days", Match::AtLeast(json!(30))),
        ),
        (
            "log retention",
            "로그 그룹 90일 보관",
            vec!["log_group"],
            stated("log_group", "retention_in_days", Match::AtLeast(json!(90))),
        ),
        (
            "e-mail subscription",
            "an SNS topic with e-mail",
            vec!["sns_topic"],
            stated(
                "sns_topic",
                "confirmed_email_subscriptions",
                Match::AtLeast(json!(1)),
            ),
        ),
        (
            "WAF rate limit",
            "rate limit 100 requests / 5 min",
            vec![],
            stated("waf_web_acl", "rate_limit", Match::AtMost(json!(100))),
        ),
        (
            "WAF SQL injection rules",
            "SQL-injection rule group",
            vec!["waf_web_acl"],
            stated(
                "waf_web_acl",
                "managed_rule_groups",
                Match::Contains(json!("AWS/AWSManagedRulesSQLiRuleSet")),
            ),
        ),
        (
            "VPC CIDR",
            "VPC 10.0.0.0/16",
            vec!["vpc"],
            stated("vpc", "cidr_block", eqv(json!("10.0.0.0/16"))),
        ),
        (
            "public subnets",
            "two public and two private subnets",
            vec!["vpc"],
            stated("vpc", "public_subnet_count", eqv(json!(2))),
        ),
        (
            "private subnets",
            "two public and 3 private subnets",
            vec!["vpc"],
            stated("vpc", "private_subnet_count", eqv(json!(3))),
        ),
        (
            "NAT gateways",
            "exactly one NAT gateway",
            vec![],
            stated("vpc", "nat_gateway_count", eqv(json!(1))),
        ),
        (
            "internet gateway",
            "internet gateway attached",
            vec![],
            stated("vpc", "internet_gateway_attached", eqv(json!(true))),
        ),
        (
            "S3 gateway endpoint",
            "an S3 gateway endpoint",
            vec![],
            stated("vpc", "s3_gateway_endpoint", eqv(json!(true))),
        ),
        (
            "flow logs",
            "VPC flow logs",
            vec![],
            stated("vpc", "flow_logs_enabled", eqv(json!(true))),
        ),
        (
            "root MFA",
            "root account MFA",
            vec![],
            stated("account", "root_mfa_enabled", eqv(json!(true))),
        ),
        (
            "trail logging",
            "CloudTrail enabled",
            vec![],
            stated("cloudtrail_trail", "logging", eqv(json!(true))),
        ),
        (
            "Config recording",
            "AWS Config on",
            vec![],
            stated("config_recorder", "recording", eqv(json!(true))),
        ),
        (
            "GuardDuty on",
            "GuardDuty 활성화",
            vec![],
            stated("guardduty_detector", "status", eqv(json!("ENABLED"))),
        ),
        (
            "health endpoint answers",
            "the health endpoint answers",
            vec!["http_endpoint"],
            stated("http_endpoint", "status", eqv(json!(200))),
        ),
        (
            "HSTS",
            "HSTS header",
            vec!["http_endpoint"],
            stated(
                "http_endpoint",
                "hsts_max_age",
                Match::AtLeast(json!(31_536_000)),
            ),
        ),
        (
            "frame protection",
            "X-Frame-Options set",
            vec!["http_endpoint"],
            stated("http_endpoint", "frame_protection", eqv(json!(true))),
        ),
        (
            "nosniff",
            "nosniff",
            vec!["http_endpoint"],
            stated(
                "http_endpoint",
                "content_type_options",
                eqv(json!("nosniff")),
            ),
        ),
    ]
}

#[test]
fn every_pattern_compiles() {
    for (f, (re, scoped)) in FAMILIES.iter().zip(&COMPILED.families) {
        assert!(re.is_some(), "family {}", f.name);
        assert!(scoped.iter().all(|(_, r)| r.is_some()), "family {}", f.name);
        for k in f.kinds.iter().chain(f.scoped.iter().map(|(k, _)| k)) {
            assert!(catalog::kind(k).is_some(), "{k}");
        }
    }
    for (r, re) in RULES.iter().zip(&COMPILED.rules) {
        assert!(re.is_some(), "rule {}", r.name);
        for k in r.kinds {
            assert!(catalog::kind(k).is_some(), "rule {}: {k}", r.name);
        }
    }
    assert!(COMPILED.environments.iter().all(|(_, r)| r.is_some()));
    assert!(COMPILED.alarm_gaps.iter().all(|(r, _)| r.is_some()));
    for k in KIND_RULES {
        assert!(RULES.iter().any(|r| r.name == *k), "{k}");
    }
}

#[test]
fn each_value_rule_reads_its_lines_in_english_and_korean() {
    let cases = cases();
    for rule in RULES.iter().filter(|r| {
        !r.name.starts_with("alarm:") && !r.name.contains("redirect") && r.name != "HTTPS listener"
    }) {
        assert!(
            cases.iter().any(|(name, ..)| *name == rule.name),
            "no test case for rule `{}`",
            rule.name
        );
    }
    for (name, line, kinds, want) in cases {
        let got = values(line, &kinds, Some(false));
        assert!(
            got.contains(&want),
            "rule `{name}` on {line:?} (kinds {kinds:?}): expected {want:?}, got {got:?}"
        );
        // Every attribute stated is the kind's, with a value of its type.
        for s in &got {
            let attr = catalog::kind(s.kind).and_then(|k| k.attribute(s.attribute));
            assert!(attr.is_some(), "{}.{} from {line:?}", s.kind, s.attribute);
        }
    }
}

#[test]
fn listener_and_alarm_values_say_which_resource_they_are_about() {
    let got = values("HTTP redirected to HTTPS", &[], Some(false));
    assert_eq!(
        got,
        [
            Stated {
                kind: "lb_listener",
                attribute: "default_action",
                matcher: eqv(json!("redirect")),
                sub: Some("80".into())
            },
            // Not standalone: read once the line is known to be about a listener.
        ]
    );
    let (kinds, got) = settle("HTTP redirected to HTTPS", Vec::new());
    assert_eq!(kinds, ["lb_listener"]);
    assert!(
        got.iter()
            .any(|s| s.attribute == "redirect_protocol" && s.sub.as_deref() == Some("80")),
        "{got:?}"
    );
    let (kinds, got) = settle(
        "ALB: HTTPS 443, HTTP redirected to HTTPS, sticky sessions",
        vec!["lb_target_group"],
    );
    assert_eq!(kinds, ["lb_target_group", "lb_listener"]);
    assert!(
        got.iter()
            .any(|s| s.attribute == "protocol" && s.sub.as_deref() == Some("443")),
        "{got:?}"
    );
    let got = values("Alarms: CPU > 80 %, memory > 80 %, ALB 5xx > 10 in 1 min, response time > 1 s, disk > 90 %", &["metric_alarm"], Some(false));
    let metrics: Vec<(&str, &Match)> = got
        .iter()
        .map(|s| (s.sub.as_deref().unwrap_or(""), &s.matcher))
        .collect();
    assert_eq!(
        metrics,
        [
            ("CPUUtilization", &Match::AtMost(json!(80))),
            ("MemoryUtilization", &Match::AtMost(json!(80))),
            ("HTTPCode_ELB_5XX_Count", &Match::AtMost(json!(10))),
            ("TargetResponseTime", &Match::AtMost(json!(1.0))),
            ("disk_used_percent", &Match::AtMost(json!(90))),
        ]
    );
    let got = values(
        "응답 시간 500ms 초과, CPU 80% 초과 알람",
        &["metric_alarm"],
        Some(false),
    );
    assert!(
        got.iter()
            .any(|s| s.sub.as_deref() == Some("TargetResponseTime")
                && s.matcher == Match::AtMost(json!(0.5))),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|s| s.sub.as_deref() == Some("CPUUtilization")),
        "{got:?}"
    );
}

#[test]
fn a_line_without_a_kind_reads_only_values_that_name_their_kind() {
    // "20 GB" alone says nothing about which resource.
    assert!(values("storage: 20 GB gp3", &[], Some(false)).is_empty());
    assert!(values("Multi-AZ: No", &[], Some(false)).is_empty());
    assert!(values("Docker image builds locally", &[], Some(false)).is_empty());
}

#[test]
fn environments_are_named_in_english_and_korean() {
    assert_eq!(environment_in("🧪 Staging 인프라"), Some("staging"));
    assert_eq!(environment_in("스테이징 RDS"), Some("staging"));
    assert_eq!(
        environment_in("## 🏭 Production 인프라"),
        Some("production")
    );
    assert_eq!(environment_in("운영 환경"), Some("production"));
    assert_eq!(environment_in("prod database"), Some("production"));
    assert_eq!(environment_in("개발 서버"), Some("development"));
    assert_eq!(environment_in("products page"), None);
    assert_eq!(environment_in("Wrap-up"), None);
    assert_eq!(canonical("prod"), "production");
    assert_eq!(canonical("qa"), "qa");
}

#[test]
fn hints_tell_resources_of_one_kind_apart() {
    assert_eq!(
        hints("ECR repository for nginx-rtmp, scan on push"),
        ["nginx-rtmp"]
    );
    assert_eq!(hints("Staging S3 bucket for the front end"), ["frontend"]);
    assert_eq!(
        hints("S3 buckets (static, uploads, logs, backups)"),
        ["static", "uploads", "logs", "backups"]
    );
    assert!(hints("Multi-AZ: No, single-AZ").is_empty());
    assert!(hints("ALB health check path /api/health-check").is_empty());
}

#[test]
fn ids_the_line_spells_are_used_with_the_environment_filled_in() {
    assert_eq!(
        spelled_id(
            "log_group",
            "CloudWatch log group per environment (`/ecs/<app>-backend-<env>`)",
            Some("staging")
        )
        .as_deref(),
        Some("/ecs/TODO-app-backend-staging")
    );
    assert_eq!(
        spelled_id(
            "secret",
            "Secrets Manager secret per environment (`<app>/<env>/backend`)",
            Some("production")
        )
        .as_deref(),
        Some("TODO-app/production/backend")
    );
    assert_eq!(
        spelled_id("s3_bucket", "the `dorami-staging-hls` bucket", None).as_deref(),
        Some("dorami-staging-hls")
    );
    assert_eq!(spelled_id("s3_bucket", "the HLS bucket", None), None);
}

fn draft(text: &str, env: Option<&str>) -> Generated {
    let list = Checklist::parse(Path::new("c.md"), text.to_string());
    from_checklist(&list, env).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_parent_item_names_the_resource_and_its_sub_items_carry_the_values() {
    let g = draft(
        "## Staging\n\n- [ ] Staging RDS instance created\n  - [ ] instance type: db.t3.micro\n  - [ ] **Backups kept 7 days**\n  - [ ] Multi-AZ: No\n  - [ ] Someone reviewed it\n",
        Some("staging"),
    );
    assert!(g.text.contains("  - kind: rds_instance\n    id: TODO-rds-instance-staging   # TODO: placeholder; write the DB instance identifier\n    item: \"Staging RDS instance created\"\n    expect:\n      instance_class: { equals: db.t3.micro, item: \"instance type: db.t3.micro\" }\n      backup_retention_period: { at_least: 7, item: \"Backups kept 7 days\" }\n      multi_az: { equals: false, item: \"Multi-AZ: No\" }\n"), "{}", g.text);
    assert!(
        g.text.contains("# TODO: \"Someone reviewed it\" (line 7)"),
        "{}",
        g.text
    );
    assert_eq!((g.resources, g.linked_items, g.unplaced), (1, 4, 1));
}

#[test]
fn code_blocks_tables_and_other_markers_are_not_read() {
    let g = draft(
        "# List\n\n```yaml\n- [ ] RDS db.t3.micro\n```\n\n    - [ ] ECR scan on push\n\n| - [ ] S3 versioning on |\n|---|\n\n- [💡] Redis cache.t3.micro\n- [ ] CloudFront HTTPS only\n",
        None,
    );
    assert_eq!(g.resources, 1, "{}", g.text);
    assert!(
        g.text.contains("kind: cloudfront_distribution"),
        "{}",
        g.text
    );
    for not in ["rds_instance", "ecr_repository", "s3_bucket", "elasticache"] {
        assert!(
            !g.text.contains(not),
            "{not} drafted from a line that is not an item:\n{}",
            g.text
        );
    }
}

#[test]
fn env_takes_its_sections_and_repeated_texts_are_linked_by_path() {
    let text = "## Staging\n\n### Security\n\n- [ ] Secrets in Secrets Manager\n- [ ] Redis: cache.t3.micro, no replica\n\n## Production\n\n### Security\n\n- [ ] Secrets in Secrets Manager\n- [ ] Redis: cache.t3.small, 1 replica\n\n## Wrap-up\n\n- [ ] Runbook written\n";
    let staging = draft(text, Some("staging"));
    assert!(
        staging
            .text
            .contains("item: \"staging > Secrets in Secrets Manager\""),
        "{}",
        staging.text
    );
    assert!(
        staging.text.contains("kind: elasticache_cluster"),
        "{}",
        staging.text
    );
    assert!(
        !staging.text.contains("replication_group"),
        "{}",
        staging.text
    );
    assert!(
        staging
            .text
            .contains("3 items of other sections were left out (lines 12-13, 17)"),
        "{}",
        staging.text
    );
    let production = draft(text, Some("prod"));
    assert!(
        production.text.contains("environment: prod\n"),
        "{}",
        production.text
    );
    assert!(production.text.contains("  - kind: elasticache_replication_group\n    id: TODO-elasticache-replication-group-production"), "{}", production.text);
    assert!(
        production
            .text
            .contains("replicas_per_node_group: { at_least: 1 }"),
        "{}",
        production.text
    );
    // The whole file: one resource per environment, the runbook a TODO.
    let all = draft(text, None);
    assert!(all.text.contains("environment: c\n"), "{}", all.text);
    assert!(
        all.text.contains("id: TODO-secret-staging")
            && all.text.contains("id: TODO-secret-production"),
        "{}",
        all.text
    );
    assert!(
        all.text.contains("# TODO: \"Runbook written\" (line 17)"),
        "{}",
        all.text
    );
    assert_eq!(all.resources, 4);
}

#[test]
fn a_checklist_without_the_environment_is_read_whole_and_says_so() {
    let g = draft(
        "- [ ] ECR scan on push\n- [ ] 레디스: cache.t3.micro, 레플리카 없음\n",
        Some("staging"),
    );
    assert!(
        g.text
            .contains("No heading or item names `staging`: every item of the checklist was read."),
        "{}",
        g.text
    );
    assert!(
        g.text.contains("id: TODO-ecr-repository-staging"),
        "{}",
        g.text
    );
    assert!(
        g.text
            .contains("node_type: cache.t3.micro\n      num_cache_nodes: 1\n      engine: redis"),
        "{}",
        g.text
    );
}

#[test]
fn lines_of_several_topics_are_read_part_by_part_and_alarms_select_by_metric() {
    let g = draft(
        "## Production\n\n- [ ] Secrets Manager with rotation; root account MFA; GuardDuty\n- [ ] Alarms: CPU over 80 %, memory over 80 %; an SNS topic with e-mail\n- [ ] Security groups: ALB 80/443 from anywhere; app port 3001 only from the ALB's group\n",
        Some("production"),
    );
    for want in [
        "  - kind: secret\n    id: TODO-secret-production",
        "      rotation_enabled: true",
        "  - kind: account\n    id: current\n",
        "  - kind: guardduty_detector\n    id: current\n",
        "  - kind: metric_alarm\n    select: { metric_name: CPUUtilization }",
        "      threshold: { at_most: 80 }",
        "  - kind: metric_alarm\n    select: { metric_name: MemoryUtilization }",
        "  - kind: sns_topic\n",
        "      confirmed_email_subscriptions: { at_least: 1 }",
        "  - kind: security_group\n",
    ] {
        assert!(g.text.contains(want), "missing {want:?} in\n{}", g.text);
    }
    assert!(
        !g.text.contains("kind: lb\n"),
        "the ALB is only mentioned by the security group line:\n{}",
        g.text
    );
}

#[test]
fn an_item_whose_text_has_the_path_separator_is_linked_by_its_text() {
    let g = draft("- [ ] Alarms: CPU > 80 %\n", None);
    assert!(
        g.text.contains("item: \"Alarms: CPU > 80 %\""),
        "{}",
        g.text
    );
    assert!(
        g.text.contains("select: { metric_name: CPUUtilization }"),
        "{}",
        g.text
    );
    assert_eq!(g.linked_items, 1, "{}", g.text);
    assert!(!g.text.contains("cannot be linked"), "{}", g.text);
}

/// The same alarm line under two headings: each is named by its heading, the line's own ` > `
/// escaped, and the links resolve (init checks them with the linker of `validate --checklist`).
#[test]
fn a_repeated_line_with_the_separator_is_named_by_its_heading_with_the_separator_escaped() {
    let list = crate::checklist::Checklist::parse(
        std::path::Path::new("c.md"),
        "## 스테이징 모니터링\n\n- [ ] CPU 사용률 > 80%\n\n## 프로덕션 모니터링\n\n- [ ] CPU 사용률 > 80%\n"
            .to_string(),
    );
    let first = super::reference(&list, 0).expect("a reference");
    let second = super::reference(&list, 1).expect("a reference");
    assert_eq!(first, "스테이징 모니터링 > CPU 사용률 \\> 80%");
    assert_eq!(second, "프로덕션 모니터링 > CPU 사용률 \\> 80%");
    assert_eq!(list.resolve(&first), Ok(0));
    assert_eq!(list.resolve(&second), Ok(1));
}

#[test]
fn the_home_region_is_the_one_named_most_other_than_us_east_1() {
    assert_eq!(
        home_region("certs in us-east-1\nap-northeast-2 | x\nap-northeast-2\n"),
        Some((2, "ap-northeast-2".into()))
    );
    assert_eq!(
        home_region("certs in us-east-1\n"),
        Some((1, "us-east-1".into()))
    );
    assert_eq!(home_region("no region here\n"), None);
}
