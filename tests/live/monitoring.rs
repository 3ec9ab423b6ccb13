//! CloudWatch Logs log groups, CloudWatch metric alarms and SNS topics against moto: every
//! attribute moto models, failures, missing resources, access denied, and the calls made.
//! Pending SNS confirmations and DescribeAlarms paging are not modelled by moto: see the unit and
//! replay tests in src/probe/monitoring.rs.

use std::collections::BTreeMap;

use infra_verify::evaluate::{evaluate, Report, Status};
use infra_verify::probe;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed_monitoring::{Alarm, MonitoringSeeder};
use crate::{connection, json_check, rt, run_json, spec_text};

const KMS_KEY: &str =
    "arn:aws:kms:ap-northeast-2:123456789012:key/11111111-2222-3333-4444-555555555555";
const TOPIC_ARN: &str = "arn:aws:sns:ap-northeast-2:123456789012:dorami-alerts";

/// Log groups `/ecs/dorami-backend-staging` (30 days, KMS) and `/ecs/dorami-backend-dev` (never
/// expires, no key), after 55 `/aws/lambda/filler-NN` groups so that the staging groups are on
/// DescribeLogGroups' second page (moto pages by 50); alarms `dorami-staging-cpu-high` (ECS
/// CPU above 80 %) and `dorami-staging-5xx` (ALB 5xx > 10 in 1 min); topics `dorami-alerts` (an email and
/// an HTTPS subscription) and `dorami-quiet` (none).
async fn seed(endpoint: &str) {
    let s = MonitoringSeeder::new(endpoint);
    for i in 0..55 {
        s.log_group(&format!("/aws/lambda/filler-{i:02}"), None, None)
            .await
            .expect("filler group");
    }
    s.log_group("/ecs/dorami-backend-staging", Some(30), Some(KMS_KEY))
        .await
        .expect("log group");
    s.log_group("/ecs/dorami-backend-dev", None, None)
        .await
        .expect("log group");
    let topic = s.topic("dorami-alerts").await.expect("topic");
    assert_eq!(topic, TOPIC_ARN);
    s.subscribe(&topic, "email", "ops@example.com")
        .await
        .expect("subscribe");
    s.subscribe(&topic, "https", "https://hooks.example.com/alerts")
        .await
        .expect("subscribe");
    s.topic("dorami-quiet").await.expect("topic");
    s.alarm(&Alarm {
        name: "dorami-staging-cpu-high",
        namespace: "AWS/ECS",
        metric: "CPUUtilization",
        dimensions: &[
            ("ClusterName", "dorami-staging"),
            ("ServiceName", "backend"),
        ],
        threshold: 80.0,
        period: 300,
        evaluation_periods: 1,
        datapoints_to_alarm: Some(1),
        actions: &[TOPIC_ARN],
    })
    .await
    .expect("alarm");
    s.alarm(&Alarm {
        name: "dorami-staging-5xx",
        namespace: "AWS/ApplicationELB",
        metric: "HTTPCode_Target_5XX_Count",
        dimensions: &[("LoadBalancer", "app/dorami-staging/0123456789abcdef")],
        threshold: 10.0,
        period: 60,
        evaluation_periods: 1,
        datapoints_to_alarm: None,
        actions: &[],
    })
    .await
    .expect("alarm");
}

fn observe(endpoint: &str, text: &str) -> (Report, BTreeMap<String, u64>) {
    let spec = spec_text(text);
    let conn = connection(endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    (evaluate(&spec, &snap), conn.recorder.calls())
}

fn statuses(report: &Report) -> Vec<(&str, Status)> {
    report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect()
}

fn calls(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: staging
resources:
  - kind: log_group
    id: /ecs/dorami-backend-staging
    expect:
      retention_in_days: { at_least: 30 }
      kms_key_id: "arn:aws:kms:ap-northeast-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  - kind: log_group
    id: /ecs/dorami-backend-dev
    expect: { retention_in_days: null, kms_key_id: null }
  - kind: metric_alarm
    id: dorami-staging-cpu-high
    expect:
      namespace: AWS/ECS
      metric_name: CPUUtilization
      statistic: Average
      comparison_operator: GreaterThanThreshold
      threshold: 80
      period: 300
      evaluation_periods: 1
      datapoints_to_alarm: 1
      actions_enabled: true
      alarm_actions: { contains: "arn:aws:sns:ap-northeast-2:123456789012:dorami-alerts" }
      dimensions: { ClusterName: dorami-staging, ServiceName: backend }
      state: { one_of: [OK, INSUFFICIENT_DATA] }
  - kind: metric_alarm
    id: dorami-staging-5xx
    expect: { threshold: { at_most: 10 }, period: 60, datapoints_to_alarm: null, alarm_actions: [] }
  - kind: sns_topic
    id: dorami-alerts
    expect:
      confirmed_email_subscriptions: { at_least: 1 }
      confirmed_subscriptions: 2
      pending_subscriptions: 0
      subscriptions: { contains: { protocol: email, endpoint: ops@example.com, confirmed: true } }
  - kind: sns_topic
    id: "arn:aws:sns:ap-northeast-2:123456789012:dorami-quiet"
    expect: { confirmed_subscriptions: 0, subscriptions: [] }
"#;

#[test]
fn every_modelled_attribute_passes_with_one_list_per_operation() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (report, calls_made) = observe(&moto.endpoint, EVERY_ATTRIBUTE);
    let not_passing: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| (c.id.as_str(), c.status, c.message.as_str()))
        .collect();
    assert_eq!(not_passing, []);
    // 6 resources (6 `exists` checks) and 2 + 2 + 12 + 4 + 4 + 2 expectations.
    assert_eq!(report.summary.total, 6 + 26);
    // DescribeLogGroups: two pages (57 groups, 50 a page); one call for everything else, and
    // ListSubscriptionsByTopic once for each of the two topics whose subscriptions are checked.
    assert_eq!(
        calls_made,
        calls(&[
            ("CloudWatch:DescribeAlarms", 1),
            ("CloudWatchLogs:DescribeLogGroups", 2),
            ("SNS:ListSubscriptionsByTopic", 2),
            ("SNS:ListTopics", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
}

#[test]
fn each_attribute_family_reports_a_failure_with_the_actual_value() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: staging
resources:
  - kind: log_group
    id: /ecs/dorami-backend-dev
    expect: { retention_in_days: { at_least: 7 }, kms_key_id: { matches: "^arn:aws:kms:" } }
  - kind: metric_alarm
    id: dorami-staging-cpu-high
    expect:
      threshold: { at_most: 70 }
      comparison_operator: LessThanThreshold
      dimensions: { contains: { ServiceName: frontend } }
      alarm_actions: { contains: "arn:aws:sns:ap-northeast-2:123456789012:other" }
      state: ALARM
      evaluation_periods: { at_least: 3 }
  - kind: sns_topic
    id: dorami-quiet
    expect: { confirmed_email_subscriptions: { at_least: 1 } }
  - kind: sns_topic
    id: dorami-alerts
    expect: { subscriptions: { contains: { protocol: sms } } }
"#,
    );
    let check = |id: &str| {
        report
            .checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no check {id}"))
    };
    for (id, actual) in [
        (
            "log_group//ecs/dorami-backend-dev/retention_in_days",
            "null",
        ),
        ("log_group//ecs/dorami-backend-dev/kms_key_id", "null"),
        ("metric_alarm/dorami-staging-cpu-high/threshold", "80"),
        (
            "metric_alarm/dorami-staging-cpu-high/comparison_operator",
            "GreaterThanThreshold",
        ),
        ("metric_alarm/dorami-staging-cpu-high/dimensions", "backend"),
        (
            "metric_alarm/dorami-staging-cpu-high/alarm_actions",
            "dorami-alerts",
        ),
        ("metric_alarm/dorami-staging-cpu-high/state", "OK"),
        (
            "metric_alarm/dorami-staging-cpu-high/evaluation_periods",
            "1",
        ),
        ("sns_topic/dorami-quiet/confirmed_email_subscriptions", "0"),
        ("sns_topic/dorami-alerts/subscriptions", "ops@example.com"),
    ] {
        let c = check(id);
        assert_eq!(c.status, Status::Fail, "{id}: {}", c.message);
        let shown = serde_json::to_string(&c.actual).unwrap_or_default();
        assert!(
            shown.contains(actual),
            "{id}: actual {shown}, wanted {actual}"
        );
    }
    for id in [
        "log_group//ecs/dorami-backend-dev/exists",
        "metric_alarm/dorami-staging-cpu-high/exists",
        "sns_topic/dorami-quiet/exists",
        "sns_topic/dorami-alerts/exists",
    ] {
        assert_eq!(check(id).status, Status::Pass, "{id}");
    }
}

#[test]
fn missing_resources_are_missing_and_no_subscription_list_is_made_without_need() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (report, calls_made) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: staging
resources:
  - kind: log_group
    id: /ecs/dorami-backend-production
    expect: { retention_in_days: 30 }
  - kind: log_group
    id: /ecs/dorami-backend-old
    exists: false
  - kind: metric_alarm
    id: dorami-staging-memory-high
    expect: { threshold: 80 }
  - kind: metric_alarm
    id: dorami-staging-cpu-high
  - kind: sns_topic
    id: dorami-missing
    expect: { confirmed_email_subscriptions: { at_least: 1 } }
  - kind: sns_topic
    id: dorami-alerts
"#,
    );
    assert_eq!(
        statuses(&report),
        [
            (
                "log_group//ecs/dorami-backend-production/exists",
                Status::Missing
            ),
            (
                "log_group//ecs/dorami-backend-production/retention_in_days",
                Status::Missing
            ),
            ("log_group//ecs/dorami-backend-old/exists", Status::Pass),
            (
                "metric_alarm/dorami-staging-memory-high/exists",
                Status::Missing
            ),
            (
                "metric_alarm/dorami-staging-memory-high/threshold",
                Status::Missing
            ),
            ("metric_alarm/dorami-staging-cpu-high/exists", Status::Pass),
            ("sns_topic/dorami-missing/exists", Status::Missing),
            (
                "sns_topic/dorami-missing/confirmed_email_subscriptions",
                Status::Missing
            ),
            ("sns_topic/dorami-alerts/exists", Status::Pass),
        ]
    );
    // The only subscription check is on a topic that does not exist: no subscriptions listed.
    assert_eq!(
        calls_made,
        calls(&[
            ("CloudWatch:DescribeAlarms", 1),
            ("CloudWatchLogs:DescribeLogGroups", 2),
            ("SNS:ListTopics", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
}

fn is_query_action(request: &str, action: &str) -> bool {
    request.contains(&format!("Action={action}&"))
}

fn deny_monitoring_lists(request: &str) -> Option<Answer> {
    if amz_target(request) == Some("Logs_20140328.DescribeLogGroups") {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    (is_query_action(request, "DescribeAlarms")
        || is_query_action(request, "ListSubscriptionsByTopic"))
    .then(|| Answer::query_error(403, "AccessDenied"))
}

fn deny_list_topics(request: &str) -> Option<Answer> {
    is_query_action(request, "ListTopics").then(|| Answer::query_error(403, "AuthorizationError"))
}

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let proxy = proxy::start(moto.port, deny_monitoring_lists);
    let report = run_json(
        &proxy.endpoint,
        "version: 1\nenvironment: staging\naws: { region: ap-northeast-2 }\nresources:\n  - kind: log_group\n    id: /ecs/dorami-backend-staging\n    expect: { retention_in_days: 30 }\n  - kind: metric_alarm\n    id: dorami-staging-cpu-high\n    expect: { threshold: 80 }\n  - kind: sns_topic\n    id: dorami-alerts\n    expect: { confirmed_email_subscriptions: { at_least: 1 } }\n",
        3,
    );
    for (id, action) in [
        (
            "log_group//ecs/dorami-backend-staging/exists",
            "logs:DescribeLogGroups",
        ),
        (
            "log_group//ecs/dorami-backend-staging/retention_in_days",
            "logs:DescribeLogGroups",
        ),
        (
            "metric_alarm/dorami-staging-cpu-high/exists",
            "cloudwatch:DescribeAlarms",
        ),
        (
            "metric_alarm/dorami-staging-cpu-high/threshold",
            "cloudwatch:DescribeAlarms",
        ),
        (
            "sns_topic/dorami-alerts/confirmed_email_subscriptions",
            "sns:ListSubscriptionsByTopic",
        ),
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
    // ListTopics still answered: the topic is known to exist.
    assert_eq!(
        json_check(&report, "sns_topic/dorami-alerts/exists")["status"],
        "pass"
    );

    // Without ListTopics nothing about any topic is known, and no subscriptions are listed.
    let proxy = proxy::start(moto.port, deny_list_topics);
    let (report, calls_made) = observe(
        &proxy.endpoint,
        "version: 1\nenvironment: staging\nresources:\n  - kind: sns_topic\n    id: dorami-alerts\n    expect: { confirmed_email_subscriptions: { at_least: 1 } }\n  - kind: sns_topic\n    id: nope\n",
    );
    assert_eq!(
        statuses(&report),
        [
            ("sns_topic/dorami-alerts/exists", Status::Error),
            (
                "sns_topic/dorami-alerts/confirmed_email_subscriptions",
                Status::Error
            ),
            ("sns_topic/nope/exists", Status::Error),
        ]
    );
    assert!(report.checks[2]
        .message
        .contains("access denied: the caller may not call `sns:ListTopics`"));
    assert_eq!(calls_made.get("SNS:ListSubscriptionsByTopic"), None);
}

/// "An alarm on CPUUtilization of this ECS service": alarms found by metric and dimensions from
/// the one DescribeAlarms list, whatever they are named.
#[test]
fn alarms_are_selected_by_metric_and_dimensions() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (report, calls_made) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: staging
resources:
  - kind: metric_alarm
    select: { namespace: AWS/ECS, metric_name: CPUUtilization, dimensions: { ServiceName: backend } }
    count: 1
    expect:
      threshold: { at_most: 80 }
      alarm_actions: { contains: "arn:aws:sns:ap-northeast-2:123456789012:dorami-alerts" }
  - kind: metric_alarm
    select: { metric_name: MemoryUtilization, dimensions: { ServiceName: backend } }
  - kind: metric_alarm
    select: { namespace: AWS/ApplicationELB }
    expect:
      alarm_actions: { contains: "arn:aws:sns:ap-northeast-2:123456789012:dorami-alerts" }
"#,
    );
    assert_eq!(
        statuses(&report),
        [
            (
                "metric_alarm/namespace=AWS/ECS,metric_name=CPUUtilization,dimensions(ServiceName=backend)/count",
                Status::Pass
            ),
            (
                "metric_alarm/dorami-staging-cpu-high/threshold",
                Status::Pass
            ),
            (
                "metric_alarm/dorami-staging-cpu-high/alarm_actions",
                Status::Pass
            ),
            (
                "metric_alarm/metric_name=MemoryUtilization,dimensions(ServiceName=backend)/count",
                Status::Fail
            ),
            (
                "metric_alarm/namespace=AWS/ApplicationELB/count",
                Status::Pass
            ),
            (
                "metric_alarm/dorami-staging-5xx/alarm_actions",
                Status::Fail
            ),
        ]
    );
    // Selection by listed attributes needs nothing but the list.
    assert_eq!(
        calls_made,
        calls(&[
            ("CloudWatch:DescribeAlarms", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
}

/// Real SNS answers the account-wide ListSubscriptions with the caller's own subscriptions only;
/// a read-only role owns none. The proxy answers so: the topic's subscriptions are still seen,
/// from ListSubscriptionsByTopic, which lists every subscription of the topic.
fn own_subscriptions_only(request: &str) -> Option<Answer> {
    is_query_action(request, "ListSubscriptions").then(|| Answer {
        status: 200,
        content_type: "text/xml",
        body: "<ListSubscriptionsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListSubscriptionsResult><Subscriptions/></ListSubscriptionsResult><ResponseMetadata><RequestId>test</RequestId></ResponseMetadata></ListSubscriptionsResponse>".into(),
    })
}

#[test]
fn a_topics_subscriptions_are_seen_whoever_owns_them_and_webhook_urls_are_redacted() {
    const SLACK: &str =
        "https://hooks.slack.com/services/T0LEAK000/B0LEAK000/LeakCheckSlackToken0000";
    const USERINFO: &str = "https://alerts:LeakCheckBasicPassw0rd@pager.example.com/v1/hook";
    const QUERY: &str = "https://ops.example.com/hook?token=LeakCheckQueryToken0000";
    let moto = Moto::start();
    rt().block_on(async {
        let s = MonitoringSeeder::new(&moto.endpoint);
        let topic = s.topic("dorami-alerts").await?;
        s.subscribe(&topic, "email", "ops@example.com").await?;
        for url in [SLACK, USERINFO, QUERY] {
            s.subscribe(&topic, "https", url).await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");
    let proxy = proxy::start(moto.port, own_subscriptions_only);
    let spec = spec_text(
        "version: 1\nenvironment: staging\nresources:\n  - kind: sns_topic\n    id: dorami-alerts\n    expect:\n      confirmed_subscriptions: 4\n      confirmed_email_subscriptions: 1\n      pending_subscriptions: 0\n",
    );
    let conn = connection(&proxy.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    let bad: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| (c.id.as_str(), c.message.as_str()))
        .collect();
    assert_eq!(bad, []);
    let text = snap.to_json();
    for secret in [
        "LeakCheckSlackToken0000",
        "T0LEAK000",
        "LeakCheckBasicPassw0rd",
        "alerts:",
        "LeakCheckQueryToken0000",
        "token=",
    ] {
        assert!(!text.contains(secret), "`{secret}` in the snapshot: {text}");
    }
    for kept in [
        "https://hooks.slack.com/<redacted:",
        "https://pager.example.com/<redacted:",
        "https://ops.example.com/<redacted:",
        "ops@example.com",
    ] {
        assert!(text.contains(kept), "no `{kept}` in the snapshot: {text}");
    }
}
