//! Auto Scaling groups, ECS service scaling, the account's security settings, CloudTrail trails,
//! the Config recorder and the GuardDuty detector, against moto: every attribute moto models,
//! failures, missing resources, access denied, and the calls made.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_guardduty::types::FindingPublishingFrequency;
use infra_verify::evaluate::{evaluate, Status};
use infra_verify::{plan, probe};

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed::emulator_config;
use crate::support::seed_security::{Group, SecuritySeeder, TrailSpec, SCALED_CLUSTER};
use crate::{
    assert_only_expectations_fail, check, connection, json_check, not_passing, observe, rt,
    run_json, spec_text,
};

/// Auto Scaling groups `tickets-web` (2/3/10, two zones, ELB health checks after 120 s, a target
/// group, target tracking on CPU 60 and on the custom metric `QueueDepth` 10, plus a simple
/// scaling policy) and `tickets-batch` (0/0/1, one zone, defaults, no policies); ECS services
/// `backend` (scaled 2..6, CPU 70 and `ActiveConnections` 500), `worker` (scaled 1..2, no
/// policies) and `api` (not scaled) in `tickets-prod`; a password policy (14 characters);
/// EBS encryption by default; trails `tickets-audit` (multi-region, validated, KMS, global
/// events, logging) and `tickets-legacy` (none of those, not logging); recorder `default` (all
/// supported, global, recording); an ENABLED detector publishing every 15 minutes here
/// (ap-northeast-2) and a DISABLED one publishing every 6 hours in us-west-2.
async fn seed(endpoint: &str) -> String {
    let s = SecuritySeeder::new(endpoint);
    let tg = s.target_group("tickets-web").await.expect("target group");
    s.launch_template("tickets-web").await.expect("template");
    s.group(
        "tickets-web",
        &Group {
            name: "tickets-web",
            min: 2,
            max: 10,
            desired: 3,
            zones: &["ap-northeast-2c", "ap-northeast-2a"],
            elb_grace: Some(120),
            target_group_arn: Some(&tg),
            cpu_target: Some(60.0),
            custom_target: Some(("QueueDepth", 10.0)),
        },
    )
    .await
    .expect("group");
    s.group(
        "tickets-web",
        &Group {
            name: "tickets-batch",
            min: 0,
            max: 1,
            desired: 0,
            zones: &["ap-northeast-2a"],
            elb_grace: None,
            target_group_arn: None,
            cpu_target: None,
            custom_target: None,
        },
    )
    .await
    .expect("group");
    s.ecs_services(SCALED_CLUSTER, &["backend", "worker", "api"])
        .await
        .expect("services");
    s.ecs_scaling(
        SCALED_CLUSTER,
        "backend",
        2,
        6,
        Some(70.0),
        Some(("ActiveConnections", 500.0)),
    )
    .await
    .expect("scaling");
    s.ecs_scaling(SCALED_CLUSTER, "worker", 1, 2, None, None)
        .await
        .expect("scaling");
    s.password_policy(14).await.expect("password policy");
    s.ebs_encryption_by_default().await.expect("ebs default");
    s.log_bucket().await.expect("bucket");
    s.trail(&TrailSpec {
        name: "tickets-audit",
        multi_region: true,
        validation: true,
        kms: true,
        global_events: true,
        logging: true,
    })
    .await
    .expect("trail");
    s.trail(&TrailSpec {
        name: "tickets-legacy",
        multi_region: false,
        validation: false,
        kms: false,
        global_events: false,
        logging: false,
    })
    .await
    .expect("trail");
    s.recorder("default", true, true, true)
        .await
        .expect("recorder");
    s.detector(true, FindingPublishingFrequency::FifteenMinutes)
        .await
        .expect("detector");
    let west = aws_sdk_guardduty::config::Builder::from(&emulator_config(endpoint))
        .region(aws_sdk_guardduty::config::Region::new("us-west-2"))
        .build();
    aws_sdk_guardduty::Client::from_conf(west)
        .create_detector()
        .enable(false)
        .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
        .send()
        .await
        .expect("detector in us-west-2");
    tg
}

/// Every attribute moto models, as seeded (`TARGET_GROUP_ARN` stands for the generated ARN). (Not modelled by moto, so checked by the unit tests
/// in src/probe/account.rs: root MFA on; moto always reports AccountMFAEnabled and
/// AccountAccessKeysPresent as 0.)
const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: autoscaling_group
    id: tickets-web
    expect:
      min_size: 2
      max_size: 10
      desired_capacity: 3
      health_check_type: ELB
      health_check_grace_period: 120
      target_group_arns: [TARGET_GROUP_ARN]
      availability_zones: [ap-northeast-2a, ap-northeast-2c]
      instance_count: 3
      target_tracking_policies:
        - { metric: ASGAverageCPUUtilization, target_value: 60 }
        - { metric: QueueDepth, target_value: 10 }
  - kind: autoscaling_group
    id: tickets-batch
    expect:
      min_size: 0
      max_size: 1
      desired_capacity: 0
      health_check_type: EC2
      target_group_arns: []
      availability_zones: [ap-northeast-2a]
      instance_count: 0
      target_tracking_policies: []
  - kind: ecs_service_scaling
    id: tickets-prod/backend
    expect:
      min_capacity: 2
      max_capacity: 6
      target_tracking_policies:
        - { metric: ActiveConnections, target_value: 500 }
        - { metric: ECSServiceAverageCPUUtilization, target_value: 70 }
  - kind: ecs_service_scaling
    id: tickets-prod/worker
    expect:
      min_capacity: 1
      max_capacity: 2
      target_tracking_policies: []
  - kind: account
    id: current
    expect:
      root_mfa_enabled: false
      root_access_keys_present: false
      password_policy: { contains: { minimum_length: 14, require_symbols: true, require_numbers: true, require_uppercase: false, reuse_prevention: 5 } }
      password_min_length: { at_least: 14 }
      ebs_encryption_by_default: true
  - kind: cloudtrail_trail
    id: tickets-audit
    expect:
      multi_region: true
      logging: true
      log_file_validation: true
      s3_bucket: tickets-cloudtrail-logs
      kms_key_id: "arn:aws:kms:ap-northeast-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
      include_global_service_events: true
  - kind: cloudtrail_trail
    id: tickets-legacy
    expect:
      multi_region: false
      logging: false
      log_file_validation: false
      kms_key_id: null
      include_global_service_events: false
  - kind: config_recorder
    id: default
    expect:
      recording: true
      all_supported: true
      include_global_resource_types: true
  - kind: guardduty_detector
    id: current
    expect:
      status: ENABLED
      finding_publishing_frequency: FIFTEEN_MINUTES
"#;

fn calls_map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn every_modelled_attribute_is_read_from_the_emulator() {
    let moto = Moto::start();
    let tg = rt().block_on(seed(&moto.endpoint));
    assert!(tg.contains(":targetgroup/tickets-web/"), "{tg}");
    let (_, report, calls) = observe(
        &moto.endpoint,
        &EVERY_ATTRIBUTE.replace("TARGET_GROUP_ARN", &format!("\"{tg}\"")),
    );
    assert_eq!(not_passing(&report), []);
    // 9 resources (9 `exists` checks) and 9 + 8 + 3 + 3 + 5 + 6 + 5 + 3 + 2 expectations.
    assert_eq!(report.summary.total, 9 + 44);
    // One list per operation for all the resources that need it; GetTrailStatus once per trail.
    assert_eq!(
        calls,
        calls_map(&[
            ("ApplicationAutoScaling:DescribeScalableTargets", 1),
            ("ApplicationAutoScaling:DescribeScalingPolicies", 1),
            ("AutoScaling:DescribeAutoScalingGroups", 1),
            ("AutoScaling:DescribePolicies", 1),
            ("CloudTrail:DescribeTrails", 1),
            ("CloudTrail:GetTrailStatus", 2),
            ("ConfigService:DescribeConfigurationRecorderStatus", 1),
            ("ConfigService:DescribeConfigurationRecorders", 1),
            ("EC2:GetEbsEncryptionByDefault", 1),
            ("GuardDuty:GetDetector", 1),
            ("GuardDuty:ListDetectors", 1),
            ("IAM:GetAccountPasswordPolicy", 1),
            ("IAM:GetAccountSummary", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
}

#[test]
fn each_attribute_family_reports_a_failure_with_the_actual_value() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: autoscaling_group
    id: tickets-web
    expect:
      min_size: 3
      max_size: { at_most: 5 }
      desired_capacity: 2
      health_check_type: EC2
      health_check_grace_period: { at_least: 300 }
      target_group_arns: []
      availability_zones: { contains: ap-northeast-2b }
      instance_count: 10
      target_tracking_policies: { contains: { metric: ASGAverageCPUUtilization, target_value: 80 } }
  - kind: ecs_service_scaling
    id: tickets-prod/backend
    expect:
      min_capacity: 3
      max_capacity: { at_least: 10 }
      target_tracking_policies: { contains: { metric: ECSServiceAverageMemoryUtilization } }
  - kind: ecs_service_scaling
    id: tickets-prod/worker
    expect: { target_tracking_policies: { contains: { metric: ECSServiceAverageCPUUtilization } } }
  - kind: account
    id: current
    expect:
      root_mfa_enabled: true
      root_access_keys_present: true
      password_policy: { contains: { require_uppercase: true } }
      password_min_length: { at_least: 16 }
      ebs_encryption_by_default: false
  - kind: cloudtrail_trail
    id: tickets-legacy
    expect:
      multi_region: true
      logging: true
      log_file_validation: true
      s3_bucket: other-bucket
      kms_key_id: { matches: "^arn:aws:kms:" }
      include_global_service_events: true
  - kind: config_recorder
    id: default
    expect:
      recording: false
      all_supported: false
      include_global_resource_types: false
  - kind: guardduty_detector
    id: current
    region: us-west-2
    expect:
      status: ENABLED
      finding_publishing_frequency: FIFTEEN_MINUTES
"#,
    );
    assert_eq!(
        assert_only_expectations_fail(&report),
        9 + 3 + 1 + 5 + 6 + 3 + 2
    );
    let actual = |id: &str| check(&report, id).actual.clone();
    assert_eq!(actual("autoscaling_group/tickets-web/desired_capacity"), 3);
    assert_eq!(actual("autoscaling_group/tickets-web/instance_count"), 3);
    assert_eq!(
        actual("ecs_service_scaling/tickets-prod/worker/target_tracking_policies"),
        serde_json::json!([])
    );
    assert_eq!(actual("account/current/password_min_length"), 14);
    assert_eq!(actual("cloudtrail_trail/tickets-legacy/logging"), false);
    assert_eq!(
        actual("cloudtrail_trail/tickets-legacy/kms_key_id"),
        serde_json::Value::Null
    );
    assert_eq!(actual("config_recorder/default/recording"), true);
    assert_eq!(actual("guardduty_detector/current/status"), "DISABLED");
    assert_eq!(
        actual("guardduty_detector/current/finding_publishing_frequency"),
        "SIX_HOURS"
    );
}

#[test]
fn missing_resources_are_missing_and_an_unset_password_policy_is_null() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: autoscaling_group
    id: nope
    expect: { target_tracking_policies: [] }
  - kind: ecs_service_scaling
    id: tickets-prod/api
    expect: { target_tracking_policies: [] }
  - kind: ecs_service_scaling
    id: nope/backend
    expect: { min_capacity: 1 }
  - kind: cloudtrail_trail
    id: nope
    expect: { logging: true }
  - kind: config_recorder
    id: nope
    expect: { recording: true }
  - kind: guardduty_detector
    id: current
    region: eu-west-1
    expect: { status: ENABLED }
  - kind: autoscaling_group
    id: tickets-old
    exists: false
  - kind: cloudtrail_trail
    id: tickets-audit
    exists: false
"#,
    );
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("autoscaling_group/nope/exists", Status::Missing),
            (
                "autoscaling_group/nope/target_tracking_policies",
                Status::Missing
            ),
            (
                "ecs_service_scaling/tickets-prod/api/exists",
                Status::Missing
            ),
            (
                "ecs_service_scaling/tickets-prod/api/target_tracking_policies",
                Status::Missing
            ),
            ("ecs_service_scaling/nope/backend/exists", Status::Missing),
            (
                "ecs_service_scaling/nope/backend/min_capacity",
                Status::Missing
            ),
            ("cloudtrail_trail/nope/exists", Status::Missing),
            ("cloudtrail_trail/nope/logging", Status::Missing),
            ("config_recorder/nope/exists", Status::Missing),
            ("config_recorder/nope/recording", Status::Missing),
            ("guardduty_detector/current/exists", Status::Missing),
            ("guardduty_detector/current/status", Status::Missing),
            ("autoscaling_group/tickets-old/exists", Status::Pass),
            ("cloudtrail_trail/tickets-audit/exists", Status::Fail),
        ]
    );
    // Nothing to read per resource for what does not exist.
    for op in [
        "AutoScaling:DescribePolicies",
        "ApplicationAutoScaling:DescribeScalingPolicies",
        "CloudTrail:GetTrailStatus",
        "ConfigService:DescribeConfigurationRecorderStatus",
        "GuardDuty:GetDetector",
    ] {
        assert_eq!(calls.get(op), None, "{op}: {calls:?}");
    }
    assert_eq!(calls.get("CloudTrail:DescribeTrails"), Some(&1));

    // A fresh account: no password policy (null, not an error), EBS default off.
    let fresh = Moto::start();
    let (_, report, _) = observe(
        &fresh.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: account\n    id: current\n    expect: { password_policy: null, password_min_length: null, ebs_encryption_by_default: false }\n",
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(report.summary.total, 4);
}

fn query_action(request: &str, action: &str) -> bool {
    request.contains(&format!("Action={action}&")) || request.ends_with(&format!("Action={action}"))
}

fn target_ends(request: &str, operation: &str) -> bool {
    amz_target(request).is_some_and(|t| t.ends_with(&format!(".{operation}")))
}

/// EC2's own query error shape (`Response/Errors/Error`).
fn ec2_error(code: &str) -> Answer {
    Answer {
        status: 403,
        content_type: "text/xml",
        body: format!(
            "<Response><Errors><Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error></Errors><RequestID>test</RequestID></Response>"
        ),
    }
}

/// Denies the per-resource and detail calls; the lists still answer.
fn deny_details(request: &str) -> Option<Answer> {
    if query_action(request, "DescribePolicies")
        || query_action(request, "GetAccountSummary")
        || query_action(request, "GetAccountPasswordPolicy")
    {
        return Some(Answer::query_error(403, "AccessDenied"));
    }
    if query_action(request, "GetEbsEncryptionByDefault") {
        return Some(ec2_error("UnauthorizedOperation"));
    }
    if [
        "DescribeScalingPolicies",
        "GetTrailStatus",
        "DescribeConfigurationRecorderStatus",
    ]
    .iter()
    .any(|op| target_ends(request, op))
    {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    (request.starts_with("GET /detector/"))
        .then(|| Answer::json_error(403, "AccessDeniedException"))
}

/// Denies the lists.
fn deny_lists(request: &str) -> Option<Answer> {
    if query_action(request, "DescribeAutoScalingGroups") {
        return Some(Answer::query_error(403, "AccessDenied"));
    }
    if [
        "DescribeScalableTargets",
        "DescribeTrails",
        "DescribeConfigurationRecorders",
    ]
    .iter()
    .any(|op| target_ends(request, op))
    {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    (request.starts_with("GET /detector ") || request.starts_with("GET /detector?"))
        .then(|| Answer::json_error(403, "AccessDeniedException"))
}

const DENIED_SPEC: &str = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: autoscaling_group\n    id: tickets-web\n    expect: { min_size: 2, target_tracking_policies: [] }\n  - kind: ecs_service_scaling\n    id: tickets-prod/backend\n    expect: { min_capacity: 2, target_tracking_policies: [] }\n  - kind: account\n    id: current\n    expect: { root_mfa_enabled: true, password_min_length: 14, ebs_encryption_by_default: true }\n  - kind: cloudtrail_trail\n    id: tickets-audit\n    expect: { multi_region: true, logging: true }\n  - kind: config_recorder\n    id: default\n    expect: { all_supported: true, recording: true }\n  - kind: guardduty_detector\n    id: current\n    expect: { status: ENABLED }\n";

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));

    // Detail calls denied: those attributes are errors naming their action, the rest passes.
    let proxy = proxy::start(moto.port, deny_details);
    let report = run_json(&proxy.endpoint, DENIED_SPEC, 3);
    for (id, action) in [
        (
            "autoscaling_group/tickets-web/target_tracking_policies",
            "autoscaling:DescribePolicies",
        ),
        (
            "ecs_service_scaling/tickets-prod/backend/target_tracking_policies",
            "application-autoscaling:DescribeScalingPolicies",
        ),
        ("account/current/root_mfa_enabled", "iam:GetAccountSummary"),
        (
            "account/current/password_min_length",
            "iam:GetAccountPasswordPolicy",
        ),
        (
            "account/current/ebs_encryption_by_default",
            "ec2:GetEbsEncryptionByDefault",
        ),
        (
            "cloudtrail_trail/tickets-audit/logging",
            "cloudtrail:GetTrailStatus",
        ),
        (
            "config_recorder/default/recording",
            "config:DescribeConfigurationRecorderStatus",
        ),
        ("guardduty_detector/current/status", "guardduty:GetDetector"),
    ] {
        let c = json_check(&report, id);
        assert_eq!(c["status"], "error", "{c}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{c}"
        );
    }
    for id in [
        "autoscaling_group/tickets-web/min_size",
        "ecs_service_scaling/tickets-prod/backend/min_capacity",
        "account/current/exists",
        "cloudtrail_trail/tickets-audit/multi_region",
        "config_recorder/default/all_supported",
        "guardduty_detector/current/exists",
    ] {
        assert_eq!(json_check(&report, id)["status"], "pass", "{id}");
    }

    // Lists denied: nothing about those resources is known, not even whether they exist.
    let proxy = proxy::start(moto.port, deny_lists);
    let (_, report, calls) = observe(&proxy.endpoint, DENIED_SPEC);
    for (id, action) in [
        (
            "autoscaling_group/tickets-web/exists",
            "autoscaling:DescribeAutoScalingGroups",
        ),
        (
            "autoscaling_group/tickets-web/target_tracking_policies",
            "autoscaling:DescribeAutoScalingGroups",
        ),
        (
            "ecs_service_scaling/tickets-prod/backend/exists",
            "application-autoscaling:DescribeScalableTargets",
        ),
        (
            "cloudtrail_trail/tickets-audit/logging",
            "cloudtrail:DescribeTrails",
        ),
        (
            "config_recorder/default/recording",
            "config:DescribeConfigurationRecorders",
        ),
        (
            "guardduty_detector/current/exists",
            "guardduty:ListDetectors",
        ),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(
            c.message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{id}: {}",
            c.message
        );
    }
    // The account is unaffected.
    assert_eq!(
        check(&report, "account/current/password_min_length").status,
        Status::Pass
    );
    // Without their lists, no detail call is made.
    for op in [
        "AutoScaling:DescribePolicies",
        "ApplicationAutoScaling:DescribeScalingPolicies",
        "CloudTrail:GetTrailStatus",
        "ConfigService:DescribeConfigurationRecorderStatus",
        "GuardDuty:GetDetector",
    ] {
        assert_eq!(calls.get(op), None, "{op}: {calls:?}");
    }
}

#[test]
fn only_the_calls_the_checks_need_are_made_and_the_policy_allows_exactly_them() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));

    // Existence and list attributes only: no detail call, no account call.
    let (_, report, calls) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: autoscaling_group\n    id: tickets-web\n    expect: { max_size: 10 }\n  - kind: autoscaling_group\n    id: tickets-batch\n  - kind: ecs_service_scaling\n    id: tickets-prod/backend\n    expect: { max_capacity: 6 }\n  - kind: ecs_service_scaling\n    id: tickets-prod/worker\n  - kind: account\n    id: current\n  - kind: cloudtrail_trail\n    id: tickets-audit\n    expect: { multi_region: true }\n  - kind: cloudtrail_trail\n    id: tickets-legacy\n  - kind: config_recorder\n    id: default\n    expect: { all_supported: true }\n  - kind: guardduty_detector\n    id: current\n",
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        calls,
        calls_map(&[
            ("ApplicationAutoScaling:DescribeScalableTargets", 1),
            ("AutoScaling:DescribeAutoScalingGroups", 1),
            ("CloudTrail:DescribeTrails", 1),
            ("ConfigService:DescribeConfigurationRecorders", 1),
            ("GuardDuty:ListDetectors", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );

    // One account attribute per family: exactly that family's call; `logging` on one trail of
    // two: one GetTrailStatus; malformed ids are errors and cost nothing.
    let head = "version: 1\nenvironment: test\nresources:\n  - kind: account\n    id: current\n    expect: { password_min_length: 14 }\n  - kind: cloudtrail_trail\n    id: tickets-audit\n    expect: { logging: true }\n  - kind: cloudtrail_trail\n    id: tickets-legacy\n";
    // Malformed ids are spec errors at their position (catalog::IdFormat), before any call.
    let malformed = format!("{head}  - kind: account\n    id: mine\n    expect: {{ root_mfa_enabled: false }}\n  - kind: ecs_service_scaling\n    id: backend\n  - kind: guardduty_detector\n    id: abc\n");
    match infra_verify::spec::from_str(std::path::Path::new("t.yaml"), &malformed) {
        Err(infra_verify::spec::SpecError::Invalid(diags)) => {
            let got: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            assert_eq!(got.len(), 3, "{got:#?}");
            assert!(
                got[0].starts_with("t.yaml:13:9:") && got[0].contains("must be `current`"),
                "{got:#?}"
            );
            assert!(
                got[1].starts_with("t.yaml:16:9:") && got[1].contains("must be cluster/service"),
                "{got:#?}"
            );
            assert!(
                got[2].starts_with("t.yaml:18:9:") && got[2].contains("must be `current`"),
                "{got:#?}"
            );
        }
        other => panic!("malformed ids loaded: {other:?}"),
    }
    let spec = spec_text(head);
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let calls = conn.recorder.calls();
    assert_eq!(
        calls,
        calls_map(&[
            ("CloudTrail:DescribeTrails", 1),
            ("CloudTrail:GetTrailStatus", 1),
            ("IAM:GetAccountPasswordPolicy", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
    let report = evaluate(&spec, &snap);
    for id in [
        "account/current/password_min_length",
        "cloudtrail_trail/tickets-audit/logging",
    ] {
        assert_ne!(check(&report, id).status, Status::Error, "{id}");
    }

    // Every call made is in the spec's IAM policy, and is exactly what it needs.
    let used: BTreeSet<&str> = calls
        .keys()
        .map(|c| {
            let (service, op) = c.split_once(':').expect("service:operation");
            plan::action_for(service, op).unwrap_or_else(|| {
                panic!("the probes called {c}, which is not in plan::OPERATIONS")
            })
        })
        .collect();
    let allowed = plan::plan(&spec).actions;
    assert!(used.is_subset(&allowed), "{used:?} vs {allowed:?}");
    let well_formed = spec_text(
        "version: 1\nenvironment: test\nresources:\n  - kind: account\n    id: current\n    expect: { password_min_length: 14 }\n  - kind: cloudtrail_trail\n    id: tickets-audit\n    expect: { logging: true }\n",
    );
    assert_eq!(used, plan::plan(&well_formed).actions);
}

/// An Auto Scaling group's launch template (name, version, and that version's AMI and instance
/// type, read from EC2 once) and its simple scaling policy: pass, fail with the actual value,
/// and an error naming the action when DescribeLaunchTemplateVersions is refused.
#[test]
fn launch_template_and_step_policies_of_a_group() {
    let moto = Moto::start();
    let _ = rt().block_on(seed(&moto.endpoint));
    let spec = r#"
version: 1
environment: test
resources:
  - kind: autoscaling_group
    id: tickets-web
    expect:
      launch_template: tickets-web
      launch_configuration: null
      image_id: { matches: '^ami-' }
      instance_type: t3.micro
      step_scaling_policies:
        contains: { name: step-up, type: SimpleScaling, adjustment_type: ChangeInCapacity, scaling_adjustment: 1 }
  - kind: autoscaling_group
    id: tickets-batch
    expect: { instance_type: t3.micro, step_scaling_policies: [] }
"#;
    let (_, report, calls) = observe(&moto.endpoint, spec);
    assert_eq!(not_passing(&report), []);
    // Both groups launch from one template version: read once.
    assert_eq!(calls.get("EC2:DescribeLaunchTemplateVersions"), Some(&1));
    let (_, report, _) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: autoscaling_group\n    id: tickets-web\n    expect: { instance_type: t3.large, launch_template: other }\n",
    );
    assert_eq!(assert_only_expectations_fail(&report), 2);
    assert_eq!(
        check(&report, "autoscaling_group/tickets-web/instance_type").actual,
        serde_json::json!("t3.micro")
    );
    let guard = proxy::start(moto.port, |request| {
        query_action(request, "DescribeLaunchTemplateVersions")
            .then(|| ec2_error("UnauthorizedOperation"))
    });
    let (_, report, _) = observe(&guard.endpoint, spec);
    let denied = check(&report, "autoscaling_group/tickets-web/image_id");
    assert_eq!(denied.status, Status::Error);
    assert!(
        denied
            .message
            .contains("ec2:DescribeLaunchTemplateVersions"),
        "{}",
        denied.message
    );
    assert_eq!(
        check(&report, "autoscaling_group/tickets-web/launch_template").status,
        Status::Pass
    );
}
