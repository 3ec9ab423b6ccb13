//! Monitoring: CloudWatch Logs log groups, CloudWatch metric alarms and SNS topics.
//!
//! - `log_group`: one paginated DescribeLogGroups (every group of the account and region).
//! - `metric_alarm`: one paginated DescribeAlarms (metric alarms only).
//! - `sns_topic`: one paginated ListTopics decides existence; one paginated
//!   ListSubscriptionsByTopic per topic that exists serves its subscription attributes, made only
//!   when the spec checks one on it. (Not the account-wide ListSubscriptions: it returns only the
//!   subscriptions the caller itself owns, so a read-only role would see none of a topic's.)
//!
//! Each list is made only when the spec names a resource of that kind.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_sns::types::Subscription;
use serde_json::{json, Value};

use super::{all_errors, collect_pages, listed_kind, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_SUBSCRIPTIONS: &str = "sns:ListSubscriptionsByTopic";
/// The `sns_topic` attributes read from ListSubscriptionsByTopic.
const SUBSCRIPTION_ATTRIBUTES: [&str; 4] = [
    "subscriptions",
    "confirmed_subscriptions",
    "confirmed_email_subscriptions",
    "pending_subscriptions",
];
/// What SNS reports as the ARN of a subscription that is not confirmed yet.
const PENDING: &str = "PendingConfirmation";

/// Observes the named log groups.
pub async fn observe_logs(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_cloudwatchlogs, conn);
    listed_kind(
        resources,
        "log_group",
        "logs:DescribeLogGroups",
        || client.describe_log_groups().into_paginator().send(),
        |page| page.log_groups.unwrap_or_default(),
        |g: &LogGroup| g.log_group_name.clone(),
        log_group_attributes,
    )
    .await
}

/// The catalog's `log_group` attributes of one group.
pub fn log_group_attributes(g: &LogGroup) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("retention_in_days".into(), json!(g.retention_in_days())),
        ("kms_key_id".into(), json!(g.kms_key_id())),
    ])
}

/// Observes the named metric alarms.
pub async fn observe_alarms(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_cloudwatch, conn);
    listed_kind(
        resources,
        "metric_alarm",
        "cloudwatch:DescribeAlarms",
        || {
            client
                .describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .into_paginator()
                .send()
        },
        |page| page.metric_alarms.unwrap_or_default(),
        |a: &MetricAlarm| a.alarm_name.clone(),
        alarm_attributes,
    )
    .await
}

/// The catalog's `metric_alarm` attributes of one alarm.
pub fn alarm_attributes(a: &MetricAlarm) -> BTreeMap<String, Value> {
    let statistic = a.statistic().map(|s| s.as_str()).or(a.extended_statistic());
    let dimensions: BTreeMap<&str, &str> = a
        .dimensions()
        .iter()
        .filter_map(|d| Some((d.name()?, d.value().unwrap_or(""))))
        .collect();
    BTreeMap::from([
        ("namespace".into(), json!(a.namespace())),
        ("metric_name".into(), json!(a.metric_name())),
        ("statistic".into(), json!(statistic)),
        (
            "comparison_operator".into(),
            json!(a.comparison_operator().map(|c| c.as_str())),
        ),
        ("threshold".into(), json!(a.threshold())),
        ("period".into(), json!(a.period())),
        ("evaluation_periods".into(), json!(a.evaluation_periods())),
        ("datapoints_to_alarm".into(), json!(a.datapoints_to_alarm())),
        ("actions_enabled".into(), json!(a.actions_enabled())),
        ("alarm_actions".into(), json!(a.alarm_actions())),
        ("dimensions".into(), json!(dimensions)),
        ("state".into(), json!(a.state_value().map(|s| s.as_str()))),
    ])
}

/// The topic name of a topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`).
fn topic_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// Observes the named topics; a topic is named by its name or its ARN.
pub async fn observe_topics(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "sns_topic");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_sns, conn);
    let arns = match collect_pages(
        client.list_topics().into_paginator().send(),
        "sns:ListTopics",
        |page| {
            page.topics
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.topic_arn)
                .collect()
        },
    )
    .await
    {
        Ok(arns) => arns,
        Err(e) => return all_errors(&named, &e),
    };
    // Every topic under its ARN and under its name (names are unique in an account and region).
    let mut topics: HashMap<String, String> = HashMap::new();
    for arn in arns {
        topics.insert(topic_name(&arn).to_string(), arn.clone());
        topics.insert(arn.clone(), arn);
    }
    let found: Vec<(&Resource, Option<&String>)> =
        named.iter().map(|r| (*r, topics.get(&r.id))).collect();
    let client = &client;
    futures::future::join_all(found.into_iter().map(|(r, arn)| async move {
        let observation = match arn {
            None => Observation::Absent,
            Some(arn) => {
                let mut attributes = BTreeMap::new();
                let mut errors = BTreeMap::new();
                if operations_for(r).contains(LIST_SUBSCRIPTIONS) {
                    match collect_pages(
                        client
                            .list_subscriptions_by_topic()
                            .topic_arn(arn)
                            .into_paginator()
                            .send(),
                        LIST_SUBSCRIPTIONS,
                        |page| page.subscriptions.unwrap_or_default(),
                    )
                    .await
                    {
                        Ok(subs) => attributes.extend(subscription_attributes(arn, &subs)),
                        Err(e) => {
                            for a in SUBSCRIPTION_ATTRIBUTES {
                                errors.insert(a.to_string(), e.clone());
                            }
                        }
                    }
                }
                Observation::Present { attributes, errors }
            }
        };
        ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation,
        }
    }))
    .await
}

/// The catalog's subscription attributes of the topic `arn`, from the account's subscriptions.
pub fn subscription_attributes(arn: &str, subs: &[Subscription]) -> BTreeMap<String, Value> {
    let mut mine: Vec<(&str, &str, bool)> = subs
        .iter()
        .filter(|s| s.topic_arn() == Some(arn))
        .map(|s| {
            let confirmed = s
                .subscription_arn()
                .is_some_and(|a| a != PENDING && a.starts_with("arn:"));
            (
                s.protocol().unwrap_or(""),
                s.endpoint().unwrap_or(""),
                confirmed,
            )
        })
        .collect();
    mine.sort_unstable();
    let confirmed = mine.iter().filter(|s| s.2).count();
    let confirmed_email = mine
        .iter()
        .filter(|s| s.2 && (s.0 == "email" || s.0 == "email-json"))
        .count();
    let list: Vec<Value> = mine
        .iter()
        .map(|(protocol, endpoint, confirmed)| {
            // A webhook URL is a credential: scheme and host only, and a marker with a hash.
            json!({ "protocol": protocol, "endpoint": crate::redact::url(endpoint), "confirmed": confirmed })
        })
        .collect();
    BTreeMap::from([
        ("subscriptions".into(), json!(list)),
        ("confirmed_subscriptions".into(), json!(confirmed)),
        (
            "confirmed_email_subscriptions".into(),
            json!(confirmed_email),
        ),
        (
            "pending_subscriptions".into(),
            json!(mine.len() - confirmed),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};

    fn names(kind: &str) -> Vec<&'static str> {
        let mut v: Vec<&str> = crate::catalog::kind(kind)
            .expect("kind")
            .attributes
            .iter()
            .map(|a| a.name)
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn attributes_are_exactly_the_catalogs() {
        let a = alarm_attributes(&MetricAlarm::builder().alarm_name("x").build());
        assert_eq!(
            a.keys().map(String::as_str).collect::<Vec<_>>(),
            names("metric_alarm")
        );
        let g = log_group_attributes(&LogGroup::builder().log_group_name("x").build());
        assert_eq!(
            g.keys().map(String::as_str).collect::<Vec<_>>(),
            names("log_group")
        );
        let s = subscription_attributes("arn:aws:sns:r:1:t", &[]);
        assert_eq!(
            s.keys().map(String::as_str).collect::<Vec<_>>(),
            names("sns_topic")
        );
    }

    #[test]
    fn alarm_statistic_falls_back_to_the_extended_statistic() {
        let a = MetricAlarm::builder()
            .alarm_name("latency")
            .namespace("AWS/ApplicationELB")
            .metric_name("TargetResponseTime")
            .extended_statistic("p99")
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .threshold(1.0)
            .period(60)
            .evaluation_periods(5)
            .datapoints_to_alarm(3)
            .actions_enabled(true)
            .alarm_actions("arn:aws:sns:ap-northeast-2:123456789012:alerts")
            .dimensions(
                Dimension::builder()
                    .name("LoadBalancer")
                    .value("app/web/1")
                    .build(),
            )
            .state_value(StateValue::InsufficientData)
            .build();
        let a = alarm_attributes(&a);
        assert_eq!(a["statistic"], json!("p99"));
        assert_eq!(a["threshold"], json!(1.0));
        assert_eq!(a["datapoints_to_alarm"], json!(3));
        assert_eq!(a["dimensions"], json!({"LoadBalancer": "app/web/1"}));
        assert_eq!(a["state"], json!("INSUFFICIENT_DATA"));
        assert_eq!(a["comparison_operator"], json!("GreaterThanThreshold"));
        let plain = alarm_attributes(&MetricAlarm::builder().statistic(Statistic::Average).build());
        assert_eq!(plain["statistic"], json!("Average"));
        assert_eq!(plain["datapoints_to_alarm"], Value::Null);
        assert_eq!(plain["threshold"], Value::Null);
    }

    /// moto confirms every subscription at once, so pending confirmation is proven here.
    #[test]
    fn pending_subscriptions_are_not_confirmed_and_other_topics_do_not_count() {
        let topic = "arn:aws:sns:ap-northeast-2:123456789012:alerts";
        let sub = |topic: &str, protocol: &str, endpoint: &str, arn: &str| {
            Subscription::builder()
                .topic_arn(topic)
                .protocol(protocol)
                .endpoint(endpoint)
                .subscription_arn(arn)
                .build()
        };
        let subs = [
            sub(topic, "email", "ops@example.com", PENDING),
            sub(topic, "email", "oncall@example.com", &format!("{topic}:1")),
            sub(
                topic,
                "https",
                "https://hooks.example.com",
                &format!("{topic}:2"),
            ),
            sub(
                "arn:aws:sns:ap-northeast-2:123456789012:other",
                "email",
                "x@example.com",
                "arn:aws:sns:ap-northeast-2:123456789012:other:3",
            ),
        ];
        let a = subscription_attributes(topic, &subs);
        assert_eq!(a["confirmed_subscriptions"], json!(2));
        assert_eq!(a["confirmed_email_subscriptions"], json!(1));
        assert_eq!(a["pending_subscriptions"], json!(1));
        assert_eq!(
            a["subscriptions"],
            json!([
                {"protocol": "email", "endpoint": "oncall@example.com", "confirmed": true},
                {"protocol": "email", "endpoint": "ops@example.com", "confirmed": false},
                {"protocol": "https", "endpoint": "https://hooks.example.com", "confirmed": true},
            ])
        );
        // Only a pending email subscription: "at least one confirmed email" must not hold.
        let only_pending = subscription_attributes(topic, &subs[..1]);
        assert_eq!(only_pending["confirmed_email_subscriptions"], json!(0));
    }

    /// moto's DescribeAlarms answers in one page, so paging is proven by replay.
    #[tokio::test]
    async fn describe_alarms_reads_every_page_and_asks_for_metric_alarms_only() {
        let page = |name: &str, next: Option<&str>| {
            let next = next.map_or(String::new(), |t| format!("<NextToken>{t}</NextToken>"));
            format!(
                r#"<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult><MetricAlarms><member><AlarmName>{name}</AlarmName><Namespace>AWS/ECS</Namespace><MetricName>CPUUtilization</MetricName><Statistic>Average</Statistic><Threshold>80.0</Threshold><StateValue>OK</StateValue></member></MetricAlarms><CompositeAlarms/>{next}</DescribeAlarmsResult></DescribeAlarmsResponse>"#
            )
        };
        let replay = Replay::new(&[
            (200, &page("cpu-high", Some("token-2"))),
            (200, &page("memory-high", None)),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: metric_alarm\n  id: cpu-high\n  expect: { threshold: 80 }\n\
             - kind: metric_alarm\n  id: memory-high\n\
             - kind: metric_alarm\n  id: disk-high\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_alarms(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("AlarmTypes.member.1=MetricAlarm"),
            "{}",
            requests[0]
        );
        assert!(!requests[0].contains("token-2"), "{}", requests[0]);
        assert!(requests[1].contains("NextToken=token-2"), "{}", requests[1]);
        let statuses: Vec<(&str, bool)> = records
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    matches!(r.observation, Observation::Present { .. }),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                ("cpu-high", true),
                ("memory-high", true),
                ("disk-high", false)
            ]
        );
        assert!(matches!(records[2].observation, Observation::Absent));
        match &records[0].observation {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["threshold"], json!(80.0));
                assert_eq!(attributes["statistic"], json!("Average"));
            }
            other => panic!("{other:?}"),
        }
    }
}
