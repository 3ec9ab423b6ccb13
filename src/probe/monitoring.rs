//! Monitoring: CloudWatch Logs log groups, CloudWatch metric alarms and SNS topics.
//!
//! - `log_group`: one paginated DescribeLogGroups (every group of the account and region); one
//!   DescribeLogStreams per group that exists (its newest stream only), when the spec checks
//!   `last_event_age_minutes`.
//! - `metric_alarm`: one paginated DescribeAlarms (metric alarms only).
//! - `composite_alarm`: the same DescribeAlarms (one call for both alarm kinds).
//! - `dashboard`: one paginated ListDashboards; one GetDashboard per named dashboard that exists,
//!   when the spec checks `widget_count` or `metrics`.
//! - `metric`: one paginated ListMetrics per distinct namespace and metric name (dimensions are
//!   matched exactly here; a second, `RecentlyActive=PT3H`, only when `published` is checked);
//!   one GetMetricData per metric that exists, when the spec checks a statistic.
//! - `sns_topic`: one paginated ListTopics decides existence; one paginated
//!   ListSubscriptionsByTopic per topic that exists serves its subscription attributes, made only
//!   when the spec checks one on it. (Not the account-wide ListSubscriptions: it returns only the
//!   subscriptions the caller itself owns, so a read-only role would see none of a topic's.)
//!
//! Each list is made only when the spec names a resource of that kind.

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, DashboardEntry, Dimension, Metric, MetricAlarm, MetricDataQuery,
    MetricStat, RecentlyActive, StatusCode,
};
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_sns::types::Subscription;
use serde_json::{json, Value};

use futures::stream::{self, StreamExt};

use super::{
    all_errors, by_id, collect_pages, describe_error, from_listing, listed_kind, of_kind, Wanting,
};
use crate::aws::Connection;
use crate::catalog::id::{parse_metric, MetricId};
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
    let mut records = listed_kind(
        resources,
        "log_group",
        "logs:DescribeLogGroups",
        || client.describe_log_groups().into_paginator().send(),
        |page| page.log_groups.unwrap_or_default(),
        |g: &LogGroup| g.log_group_name.clone(),
        log_group_attributes,
    )
    .await;
    // Per group, only for the groups whose checks read it.
    let wanting = Wanting::of(resources, "log_group", LOG_STREAMS);
    if !wanting.none() {
        let (client, wanting) = (&client, &wanting);
        let now_ms = aws_smithy_types::DateTime::from(std::time::SystemTime::now())
            .to_millis()
            .unwrap_or(0);
        stream::iter(records.iter_mut())
            .for_each_concurrent(conn.max_concurrency, |r| async move {
                if !wanting.wants(&r.id) {
                    return;
                }
                let Observation::Present { attributes, errors } = &mut r.observation else {
                    return;
                };
                match last_event(client, &r.id).await {
                    Ok(at) => {
                        attributes.insert(LAST_EVENT.into(), json!(age_minutes(at, now_ms)));
                    }
                    Err(e) => {
                        errors.insert(LAST_EVENT.into(), e);
                    }
                }
            })
            .await;
    }
    records
}

const LOG_STREAMS: &str = "logs:DescribeLogStreams";
const LAST_EVENT: &str = "last_event_age_minutes";

/// The newest `lastEventTimestamp` (milliseconds) of a group's streams: one DescribeLogStreams
/// call, ordered by last event time, newest first, one stream. None when the group has no
/// stream with an event.
async fn last_event(
    client: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
) -> Result<Option<i64>, String> {
    let out = client
        .describe_log_streams()
        .log_group_name(group)
        .order_by(aws_sdk_cloudwatchlogs::types::OrderBy::LastEventTime)
        .descending(true)
        .limit(1)
        .send()
        .await
        .map_err(|e| describe_error(LOG_STREAMS, &e))?;
    Ok(out
        .log_streams()
        .iter()
        .filter_map(|s| s.last_event_timestamp())
        .max())
}

/// Whole minutes from a timestamp in milliseconds to now; null when there is none.
pub fn age_minutes(at_ms: Option<i64>, now_ms: i64) -> Value {
    json!(at_ms.map(|t| (now_ms - t).max(0) / 60_000))
}

/// The catalog's `log_group` attributes of one group.
pub fn log_group_attributes(g: &LogGroup) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("retention_in_days".into(), json!(g.retention_in_days())),
        ("kms_key_id".into(), json!(g.kms_key_id())),
    ])
}

/// Observes the named metric and composite alarms: one paginated DescribeAlarms asking for the
/// alarm types the spec names, shared by both kinds.
pub async fn observe_alarms(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let metric = of_kind(resources, "metric_alarm");
    let composite = of_kind(resources, "composite_alarm");
    if metric.is_empty() && composite.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_cloudwatch, conn);
    let mut request = client.describe_alarms();
    for (named, kind) in [
        (&metric, AlarmType::MetricAlarm),
        (&composite, AlarmType::CompositeAlarm),
    ] {
        if !named.is_empty() {
            request = request.alarm_types(kind);
        }
    }
    let pages = collect_pages(
        request.into_paginator().send(),
        "cloudwatch:DescribeAlarms",
        |page| {
            vec![(
                page.metric_alarms.unwrap_or_default(),
                page.composite_alarms.unwrap_or_default(),
            )]
        },
    )
    .await;
    let (metrics, composites): (Vec<_>, Vec<_>) = match pages {
        Ok(pages) => pages.into_iter().unzip(),
        Err(e) => {
            let mut out = all_errors(&metric, &e);
            out.extend(all_errors(&composite, &e));
            return out;
        }
    };
    let metrics = by_id(metrics.into_iter().flatten(), |a: &MetricAlarm| {
        a.alarm_name.clone()
    });
    let composites = by_id(composites.into_iter().flatten(), |a: &CompositeAlarm| {
        a.alarm_name.clone()
    });
    let mut out = from_listing(&metric, "metric_alarm", &metrics, alarm_attributes);
    out.extend(from_listing(
        &composite,
        "composite_alarm",
        &composites,
        composite_attributes,
    ));
    out
}

/// The catalog's `composite_alarm` attributes of one alarm.
pub fn composite_attributes(a: &CompositeAlarm) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("alarm_rule".into(), json!(a.alarm_rule())),
        (
            "alarms_in_rule".into(),
            json!(a.alarm_rule().map(rule_alarms).unwrap_or_default()),
        ),
        ("actions_enabled".into(), json!(a.actions_enabled())),
        ("alarm_actions".into(), json!(a.alarm_actions())),
        ("state".into(), json!(a.state_value().map(|s| s.as_str()))),
    ])
}

/// The alarms a composite alarm's rule names (`ALARM("name")`, `OK(name)`,
/// `INSUFFICIENT_DATA('arn')`, the function name optional in `ALARM(x)` only as AWS allows),
/// sorted, without duplicates: names of ARNs are kept as written.
pub fn rule_alarms(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    for function in ["ALARM(", "OK(", "INSUFFICIENT_DATA("] {
        let mut rest = rule;
        while let Some(at) = rest.find(function) {
            // `OK(` inside `...LOOK(`: only a function name at a word start counts.
            let before = rest[..at].chars().next_back();
            rest = &rest[at + function.len()..];
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let Some(end) = rest.find(')') else { break };
            let name = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
            if !name.is_empty() {
                out.push(name.to_string());
            }
            rest = &rest[end..];
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The catalog's `metric_alarm` attributes of one alarm.
pub fn alarm_attributes(a: &MetricAlarm) -> BTreeMap<String, Value> {
    let statistic = a.statistic().map(|s| s.as_str()).or(a.extended_statistic());
    let dimensions: BTreeMap<&str, &str> = a
        .dimensions()
        .iter()
        .filter_map(|d| Some((d.name()?, d.value().unwrap_or(""))))
        .collect();
    // A metric-math alarm: the query that returns data is the expression the threshold is
    // compared with; its metrics are the other queries'.
    let math = a
        .metrics()
        .iter()
        .find(|q| q.return_data() != Some(false) && q.expression().is_some());
    let mut metrics: Vec<String> = a
        .metrics()
        .iter()
        .filter_map(|q| q.metric_stat()?.metric())
        .filter_map(|m| Some(format!("{}/{}", m.namespace()?, m.metric_name()?)))
        .collect();
    if let (Some(ns), Some(name)) = (a.namespace(), a.metric_name()) {
        metrics.push(format!("{ns}/{name}"));
    }
    metrics.sort();
    metrics.dedup();
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
        ("expression".into(), json!(math.map(|q| q.expression()))),
        ("metrics".into(), json!(metrics)),
    ])
}

/// Observes every `cloudwatch` kind: alarms, dashboards and metrics, concurrently.
pub async fn observe_cloudwatch(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let (mut alarms, dashboards, metrics) = futures::join!(
        observe_alarms(conn, resources),
        observe_dashboards(conn, resources),
        observe_metrics(conn, resources)
    );
    alarms.extend(dashboards);
    alarms.extend(metrics);
    alarms
}

const LIST_DASHBOARDS: &str = "cloudwatch:ListDashboards";
const GET_DASHBOARD: &str = "cloudwatch:GetDashboard";
/// The `dashboard` attributes read from GetDashboard's body.
const DASHBOARD_BODY_ATTRIBUTES: [&str; 2] = ["widget_count", "metrics"];

/// Observes the named dashboards: one paginated ListDashboards, then one GetDashboard per named
/// dashboard that exists and whose body the spec checks.
pub async fn observe_dashboards(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "dashboard");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_cloudwatch, conn);
    let listed = match collect_pages(
        client.list_dashboards().into_paginator().send(),
        LIST_DASHBOARDS,
        |page| page.dashboard_entries.unwrap_or_default(),
    )
    .await
    {
        Ok(listed) => listed,
        Err(e) => return all_errors(&named, &e),
    };
    let listed = by_id(listed, |d: &DashboardEntry| d.dashboard_name.clone());
    let mut records = from_listing(&named, "dashboard", &listed, dashboard_attributes);
    let wants: HashSet<&str> = named
        .iter()
        .filter(|r| operations_for(r).contains(GET_DASHBOARD))
        .map(|r| r.id.as_str())
        .collect();
    let (client, wants) = (&client, &wants);
    stream::iter(records.iter_mut())
        .for_each_concurrent(conn.max_concurrency, |r| async move {
            if !wants.contains(r.id.as_str()) {
                return;
            }
            let Observation::Present { attributes, errors } = &mut r.observation else {
                return;
            };
            let body = client
                .get_dashboard()
                .dashboard_name(&r.id)
                .send()
                .await
                .map_err(|e| describe_error(GET_DASHBOARD, &e))
                .and_then(|out| {
                    dashboard_body_attributes(out.dashboard_body().unwrap_or("{}")).map_err(|e| {
                        format!("`{GET_DASHBOARD}` returned a body that is not a dashboard: {e}")
                    })
                });
            match body {
                Ok(read) => attributes.extend(read),
                Err(e) => {
                    for a in DASHBOARD_BODY_ATTRIBUTES {
                        errors.insert(a.to_string(), e.clone());
                    }
                }
            }
        })
        .await;
    records
}

/// The catalog's `dashboard` attributes from its ListDashboards entry.
pub fn dashboard_attributes(d: &DashboardEntry) -> BTreeMap<String, Value> {
    // To the second, as every other date infra-verify records.
    let modified = d.last_modified().and_then(|t| {
        aws_smithy_types::DateTime::from_secs(t.secs())
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok()
    });
    BTreeMap::from([("last_modified".into(), json!(modified))])
}

/// `widget_count` and `metrics` of a dashboard body (the JSON of PutDashboard).
pub fn dashboard_body_attributes(body: &str) -> Result<BTreeMap<String, Value>, String> {
    let body: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let widgets = match body.get("widgets") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(w)) => &w[..],
        Some(_) => return Err("`widgets` is not a list".into()),
    };
    let mut metrics: Vec<String> = widgets
        .iter()
        .filter_map(|w| w.pointer("/properties/metrics")?.as_array())
        .flat_map(|lines| widget_metrics(lines))
        .collect();
    metrics.sort();
    metrics.dedup();
    Ok(BTreeMap::from([
        ("widget_count".into(), json!(widgets.len())),
        ("metrics".into(), json!(metrics)),
    ]))
}

/// The `Namespace/MetricName` of each line of one widget's `metrics`: a line is
/// `[namespace, name, dim, value, ..., {options}]`, where `"."` repeats the previous line's value
/// at that position and `"..."` repeats every previous value up to where the line's own values
/// take over (so `["...", "i-2"]` after `["AWS/EC2", "CPUUtilization", "InstanceId", "i-1"]` is
/// the same metric of instance `i-2`). A line of only options (a math expression or a search) is
/// no metric, and the next line's shorthand refers to the last metric line.
pub fn widget_metrics(lines: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    for line in lines {
        let Some(items) = line.as_array() else {
            continue;
        };
        // The values: the rendering options object (anywhere, usually last) is not one.
        let values: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
        // Shorthand with no metric line before it refers to nothing: not a metric.
        if values.is_empty()
            || (previous.is_empty() && values.iter().any(|v| *v == "." || *v == "..."))
        {
            continue;
        }
        let mut expanded: Vec<String> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match *v {
                "..." => {
                    let after = values.len() - i - 1;
                    let until = previous.len().saturating_sub(after);
                    let from = expanded.len().min(until);
                    expanded.extend(previous[from..until].iter().cloned());
                }
                "." => expanded.push(previous.get(expanded.len()).cloned().unwrap_or_default()),
                other => expanded.push(other.to_string()),
            }
        }
        if let [namespace, name, ..] = &expanded[..] {
            if !namespace.is_empty() && !name.is_empty() {
                out.push(format!("{namespace}/{name}"));
            }
        }
        previous = expanded;
    }
    out
}

const LIST_METRICS: &str = "cloudwatch:ListMetrics";
const GET_METRIC_DATA: &str = "cloudwatch:GetMetricData";
const PUBLISHED: &str = "published";
const P95: &str = "p95_last_hour";
/// The `metric` attributes read from GetMetricData (`p95_last_hour` only when checked).
const STATISTICS: [&str; 4] = [
    "datapoints_last_hour",
    "average_last_hour",
    "maximum_last_hour",
    "sum_last_hour",
];
/// The window of the statistics: the last 60 whole minutes, at one-minute periods.
const WINDOW_SECONDS: i64 = 3600;
const PERIOD_SECONDS: i32 = 60;

/// What one ListMetrics (all pages) of a namespace and name returned: each metric's dimension
/// set, sorted by name.
type Listed = Result<HashSet<Vec<(String, String)>>, String>;

/// The dimension set of a listed metric, sorted by name.
fn dimension_set(m: &Metric) -> Vec<(String, String)> {
    let mut d: Vec<(String, String)> = m
        .dimensions()
        .iter()
        .map(|d| {
            (
                d.name().unwrap_or_default().to_string(),
                d.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    d.sort();
    d
}

/// Every metric of one namespace and name (all pages; with `recent`, only those with a
/// datapoint in the last 3 hours).
async fn list_metrics(
    client: &aws_sdk_cloudwatch::Client,
    namespace: &str,
    name: &str,
    recent: bool,
) -> Listed {
    let mut request = client.list_metrics().namespace(namespace).metric_name(name);
    if recent {
        request = request.recently_active(RecentlyActive::Pt3H);
    }
    let listed = collect_pages(request.into_paginator().send(), LIST_METRICS, |page| {
        page.metrics.unwrap_or_default()
    })
    .await?;
    Ok(listed.iter().map(dimension_set).collect())
}

/// Observes the named metrics: one paginated ListMetrics per distinct namespace and name (a
/// second, `RecentlyActive=PT3H`, when one of them checks `published`), then one GetMetricData per
/// metric that exists and whose statistics the spec checks.
pub async fn observe_metrics(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "metric");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_cloudwatch, conn);
    let client = &client;
    let checks = |r: &Resource, attribute: &str| {
        r.expectations.iter().any(|e| e.attribute.name == attribute)
    };
    // The loader has checked every id: one that does not parse is an error record, never absent.
    let parsed: Vec<(&Resource, Result<MetricId, String>)> =
        named.iter().map(|r| (*r, parse_metric(&r.id))).collect();
    // (namespace, name, recently active) → one listing.
    let mut lists: BTreeMap<(String, String, bool), Listed> = BTreeMap::new();
    for (r, id) in &parsed {
        if let Ok(id) = id {
            lists.insert(
                (id.namespace.clone(), id.name.clone(), false),
                Ok(HashSet::new()),
            );
            if checks(r, PUBLISHED) {
                lists.insert(
                    (id.namespace.clone(), id.name.clone(), true),
                    Ok(HashSet::new()),
                );
            }
        }
    }
    let keys: Vec<(String, String, bool)> = lists.keys().cloned().collect();
    let results: Vec<Listed> = stream::iter(keys.iter())
        .map(|(ns, name, recent)| list_metrics(client, ns, name, *recent))
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    lists = keys.into_iter().zip(results).collect();
    let lists = &lists;
    let end = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs() / 60 * 60;
    stream::iter(parsed)
        .map(|(r, id)| async move {
            let observation = match id {
                Err(e) => Observation::Error { error: e },
                Ok(id) => {
                    let key = |recent| (id.namespace.clone(), id.name.clone(), recent);
                    match &lists[&key(false)] {
                        Err(e) => Observation::Error { error: e.clone() },
                        Ok(found) if !found.contains(&id.dimensions) => Observation::Absent,
                        Ok(_) => {
                            let mut attributes = BTreeMap::new();
                            let mut errors = BTreeMap::new();
                            if let Some(recent) = lists.get(&key(true)) {
                                match recent {
                                    Ok(found) => {
                                        attributes.insert(
                                            PUBLISHED.into(),
                                            json!(found.contains(&id.dimensions)),
                                        );
                                    }
                                    Err(e) => {
                                        errors.insert(PUBLISHED.into(), e.clone());
                                    }
                                }
                            }
                            if operations_for(r).contains(GET_METRIC_DATA) {
                                let p95 = checks(r, P95);
                                match statistics(client, &id, end, p95).await {
                                    Ok(read) => attributes.extend(read),
                                    Err(e) => {
                                        for a in STATISTICS.iter().chain(p95.then_some(&P95)) {
                                            errors.insert(a.to_string(), e.clone());
                                        }
                                    }
                                }
                            }
                            Observation::Present { attributes, errors }
                        }
                    }
                }
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// The statistics of one metric over the 60 whole minutes before `end` (seconds, a whole
/// minute): one GetMetricData with SampleCount, Sum and Maximum at 60-second periods (and, with
/// `p95`, the p95 of one 3600-second period over the same window).
async fn statistics(
    client: &aws_sdk_cloudwatch::Client,
    id: &MetricId,
    end: i64,
    p95: bool,
) -> Result<BTreeMap<String, Value>, String> {
    let metric = Metric::builder()
        .namespace(&id.namespace)
        .metric_name(&id.name)
        .set_dimensions(Some(
            id.dimensions
                .iter()
                .map(|(k, v)| Dimension::builder().name(k).value(v).build())
                .collect(),
        ))
        .build();
    let query = |qid: &str, stat: &str, period: i32| {
        MetricDataQuery::builder()
            .id(qid)
            .return_data(true)
            .metric_stat(
                MetricStat::builder()
                    .metric(metric.clone())
                    .period(period)
                    .stat(stat)
                    .build(),
            )
            .build()
    };
    let mut request = client
        .get_metric_data()
        .start_time(aws_smithy_types::DateTime::from_secs(end - WINDOW_SECONDS))
        .end_time(aws_smithy_types::DateTime::from_secs(end))
        .metric_data_queries(query("n", "SampleCount", PERIOD_SECONDS))
        .metric_data_queries(query("s", "Sum", PERIOD_SECONDS))
        .metric_data_queries(query("mx", "Maximum", PERIOD_SECONDS));
    if p95 {
        request = request.metric_data_queries(query("p95", "p95", WINDOW_SECONDS as i32));
    }
    // At most 3 × 60 + 1 datapoints: one page (GetMetricData pages past 100,800), so no
    // NextToken to follow.
    let out = request
        .send()
        .await
        .map_err(|e| describe_error(GET_METRIC_DATA, &e))?;
    let mut values: HashMap<&str, &[f64]> = HashMap::new();
    for result in out.metric_data_results() {
        let qid = result.id().unwrap_or_default();
        if result.status_code() != Some(&StatusCode::Complete) {
            return Err(format!(
                "`{GET_METRIC_DATA}` did not complete query `{qid}` ({:?})",
                result.status_code().map(|s| s.as_str())
            ));
        }
        values.insert(qid, result.values());
    }
    let of = |qid: &str| values.get(qid).copied().unwrap_or_default();
    Ok(metric_statistics(
        of("n"),
        of("s"),
        of("mx"),
        p95.then(|| of("p95")),
    ))
}

/// The catalog's statistics from the per-minute SampleCount, Sum and Maximum values (and the
/// hour's p95, when asked for): null where there is no datapoint.
pub fn metric_statistics(
    counts: &[f64],
    sums: &[f64],
    maxima: &[f64],
    p95: Option<&[f64]>,
) -> BTreeMap<String, Value> {
    let samples: f64 = counts.iter().sum();
    let sum: f64 = sums.iter().sum();
    let none = counts.is_empty() || samples == 0.0;
    let mut out = BTreeMap::from([
        ("datapoints_last_hour".into(), json!(counts.len())),
        (
            "sum_last_hour".into(),
            json!((!sums.is_empty()).then_some(sum)),
        ),
        (
            "average_last_hour".into(),
            json!((!none && !sums.is_empty()).then(|| sum / samples)),
        ),
        (
            "maximum_last_hour".into(),
            json!(maxima.iter().copied().reduce(f64::max)),
        ),
    ]);
    if let Some(p95) = p95 {
        // One period covers the window; should CloudWatch split it, the largest is kept.
        out.insert(P95.into(), json!(p95.iter().copied().reduce(f64::max)));
    }
    out
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
        let mut listed = names("log_group");
        listed.retain(|n| *n != LAST_EVENT);
        assert_eq!(g.keys().map(String::as_str).collect::<Vec<_>>(), listed);
        let c = composite_attributes(&CompositeAlarm::builder().alarm_name("x").build());
        assert_eq!(
            c.keys().map(String::as_str).collect::<Vec<_>>(),
            names("composite_alarm")
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

    #[test]
    fn a_metric_math_alarm_reports_its_expression_and_every_metric() {
        use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};
        let query = |id: &str, metric: &str| {
            MetricDataQuery::builder()
                .id(id)
                .return_data(false)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace("AWS/ApplicationELB")
                                .metric_name(metric)
                                .build(),
                        )
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .build()
        };
        let rate = MetricAlarm::builder()
            .alarm_name("api-5xx-rate")
            .metrics(query("m1", "HTTPCode_Target_5XX_Count"))
            .metrics(query("m2", "RequestCount"))
            .metrics(
                MetricDataQuery::builder()
                    .id("e1")
                    .expression("100*(m1/m2)")
                    .return_data(true)
                    .build(),
            )
            .threshold(1.0)
            .build();
        let a = alarm_attributes(&rate);
        assert_eq!(a["expression"], json!("100*(m1/m2)"));
        assert_eq!(
            a["metrics"],
            json!([
                "AWS/ApplicationELB/HTTPCode_Target_5XX_Count",
                "AWS/ApplicationELB/RequestCount"
            ])
        );
        assert_eq!(a["namespace"], Value::Null);
        let single = alarm_attributes(
            &MetricAlarm::builder()
                .namespace("AWS/ECS")
                .metric_name("CPUUtilization")
                .build(),
        );
        assert_eq!(single["expression"], Value::Null);
        assert_eq!(single["metrics"], json!(["AWS/ECS/CPUUtilization"]));
    }

    #[test]
    fn a_composite_rule_names_its_alarms() {
        assert_eq!(
            rule_alarms(r#"ALARM("api-5xx-rate") OR (ALARM(api-latency) AND NOT OK('db-cpu'))"#),
            ["api-5xx-rate", "api-latency", "db-cpu"]
        );
        assert_eq!(
            rule_alarms("INSUFFICIENT_DATA(arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:x) OR ALARM(x)"),
            ["arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:x", "x"]
        );
        // `OK(` inside another word is not the OK function.
        assert_eq!(rule_alarms("ALARM(x) AND FOOK(y)"), ["x"]);
        assert!(rule_alarms("TRUE").is_empty());
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

    fn spec_of(resources: &str) -> crate::spec::Spec {
        crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources}"),
        )
        .expect("spec")
    }

    fn attrs(o: &Observation) -> &BTreeMap<String, Value> {
        match o {
            Observation::Present { attributes, .. } => attributes,
            other => panic!("not present: {other:?}"),
        }
    }

    /// Two DescribeLogGroups pages shaped like the CloudWatch Logs API reference's (JSON), the
    /// second asked for with the first's nextToken.
    #[tokio::test]
    async fn describe_log_groups_reads_every_page() {
        let first = r#"{"logGroups":[{"logGroupName":"/ecs/api","creationTime":1700000000000,"retentionInDays":30,
            "metricFilterCount":0,"arn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:/ecs/api:*","storedBytes":1048576,
            "kmsKeyId":"arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "logGroupClass":"STANDARD","logGroupArn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:/ecs/api"}],
            "nextToken":"groups-2"}"#;
        let second = r#"{"logGroups":[{"logGroupName":"/ecs/worker","creationTime":1700000100000,"metricFilterCount":1,
            "arn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:/ecs/worker:*","storedBytes":0,
            "logGroupClass":"STANDARD","logGroupArn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:/ecs/worker"}]}"#;
        let replay = Replay::new(&[(200, first), (200, second)]);
        let spec = spec_of(
            "  - kind: log_group\n    id: /ecs/api\n    expect: { retention_in_days: 30 }\n\
             \x20 - kind: log_group\n    id: /ecs/worker\n\
             \x20 - kind: log_group\n    id: /ecs/gone\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_logs(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(!requests[0].contains("nextToken"), "{}", requests[0]);
        assert!(
            requests[1].contains(r#""nextToken":"groups-2""#),
            "{}",
            requests[1]
        );
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["/ecs/api", "/ecs/worker", "/ecs/gone"]);
        assert_eq!(
            attrs(&records[0].observation),
            &BTreeMap::from([
                ("retention_in_days".to_string(), json!(30)),
                (
                    "kms_key_id".to_string(),
                    json!("arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                ),
            ])
        );
        // Never expires, no key: both null.
        assert_eq!(
            attrs(&records[1].observation),
            &BTreeMap::from([
                ("retention_in_days".to_string(), Value::Null),
                ("kms_key_id".to_string(), Value::Null),
            ])
        );
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// Both alarm kinds in one spec: one DescribeAlarms asking for both types, its composite
    /// alarms read as the API reference shapes them.
    #[tokio::test]
    async fn metric_and_composite_alarms_share_one_describe_alarms() {
        let body = r#"<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>
            <MetricAlarms><member><AlarmName>api-5xx-rate</AlarmName><ComparisonOperator>GreaterThanThreshold</ComparisonOperator><Threshold>1.0</Threshold><EvaluationPeriods>5</EvaluationPeriods>
              <Metrics><member><Id>m1</Id><ReturnData>false</ReturnData><MetricStat><Metric><Namespace>AWS/ApplicationELB</Namespace><MetricName>HTTPCode_Target_5XX_Count</MetricName></Metric><Period>60</Period><Stat>Sum</Stat></MetricStat></member>
              <member><Id>m2</Id><ReturnData>false</ReturnData><MetricStat><Metric><Namespace>AWS/ApplicationELB</Namespace><MetricName>RequestCount</MetricName></Metric><Period>60</Period><Stat>Sum</Stat></MetricStat></member>
              <member><Id>e1</Id><Expression>100*(m1/m2)</Expression><Label>5xx rate</Label><ReturnData>true</ReturnData></member></Metrics>
              <StateValue>OK</StateValue></member></MetricAlarms>
            <CompositeAlarms><member><AlarmName>api-degraded</AlarmName><AlarmArn>arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:api-degraded</AlarmArn>
              <AlarmRule>ALARM("api-5xx-rate") OR ALARM("api-latency-p95")</AlarmRule><ActionsEnabled>true</ActionsEnabled>
              <AlarmActions><member>arn:aws:sns:ap-northeast-2:123456789012:alerts</member></AlarmActions><OKActions/><InsufficientDataActions/>
              <StateValue>ALARM</StateValue><StateReason>api-5xx-rate is in ALARM</StateReason><StateUpdatedTimestamp>2026-12-01T00:00:00.000Z</StateUpdatedTimestamp>
              <ActionsSuppressedBy/></member></CompositeAlarms>
            </DescribeAlarmsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAlarmsResponse>"#;
        let replay = Replay::new(&[(200, body)]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: metric_alarm\n  id: api-5xx-rate\n  expect: { threshold: 1 }\n\
             - kind: composite_alarm\n  id: api-degraded\n  expect: { alarms_in_rule: { contains: api-5xx-rate } }\n\
             - kind: composite_alarm\n  id: gone\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_alarms(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        assert!(
            requests[0].contains("AlarmTypes.member.1=MetricAlarm")
                && requests[0].contains("AlarmTypes.member.2=CompositeAlarm"),
            "{}",
            requests[0]
        );
        let rate = attrs(&records[0].observation);
        assert_eq!(rate["expression"], json!("100*(m1/m2)"));
        assert_eq!(
            rate["metrics"],
            json!([
                "AWS/ApplicationELB/HTTPCode_Target_5XX_Count",
                "AWS/ApplicationELB/RequestCount"
            ])
        );
        assert_eq!(records[1].kind, "composite_alarm");
        let c = attrs(&records[1].observation);
        assert_eq!(
            c["alarm_rule"],
            json!(r#"ALARM("api-5xx-rate") OR ALARM("api-latency-p95")"#)
        );
        assert_eq!(
            c["alarms_in_rule"],
            json!(["api-5xx-rate", "api-latency-p95"])
        );
        assert_eq!(c["actions_enabled"], json!(true));
        assert_eq!(
            c["alarm_actions"],
            json!(["arn:aws:sns:ap-northeast-2:123456789012:alerts"])
        );
        assert_eq!(c["state"], json!("ALARM"));
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// DescribeLogStreams (JSON 1.1, as the API reference shapes it): asked once per group that
    /// exists, newest stream first, one stream; a group with no stream is null, a refused call
    /// an error on that attribute only.
    #[tokio::test]
    async fn the_last_event_comes_from_the_newest_stream_by_replay() {
        let now_ms = aws_smithy_types::DateTime::from(std::time::SystemTime::now())
            .to_millis()
            .expect("now");
        let groups = r#"{"logGroups":[{"logGroupName":"/ecs/api","retentionInDays":30},
            {"logGroupName":"/ecs/quiet"},{"logGroupName":"/ecs/locked"},{"logGroupName":"/ecs/unchecked"}]}"#;
        let streams = format!(
            r#"{{"logStreams":[{{"logStreamName":"ecs/api/0a1b2c","creationTime":{c},"firstEventTimestamp":{c},
              "lastEventTimestamp":{last},"lastIngestionTime":{last},"uploadSequenceToken":"4961","arn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:/ecs/api:log-stream:ecs/api/0a1b2c","storedBytes":0}}],
              "nextToken":"more"}}"#,
            c = now_ms - 86_400_000,
            last = now_ms - 7 * 60_000 - 5_000
        );
        let replay = Replay::by_request(move |request| {
            if request.ends_with("Logs_20140328.DescribeLogGroups") {
                (200, groups.to_string())
            } else if request.contains("/ecs/quiet") {
                (200, r#"{"logStreams":[]}"#.to_string())
            } else if request.contains("/ecs/locked") {
                (
                    400,
                    r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: logs:DescribeLogStreams"}"#.to_string(),
                )
            } else {
                (200, streams.clone())
            }
        });
        let spec = spec_of(
            "  - kind: log_group\n    id: /ecs/api\n    expect: { last_event_age_minutes: { at_most: 60 } }\n\
             \x20 - kind: log_group\n    id: /ecs/quiet\n    expect: { last_event_age_minutes: null }\n\
             \x20 - kind: log_group\n    id: /ecs/locked\n    expect: { last_event_age_minutes: null }\n\
             \x20 - kind: log_group\n    id: /ecs/gone\n    expect: { last_event_age_minutes: null }\n\
             \x20 - kind: log_group\n    id: /ecs/unchecked\n    expect: { retention_in_days: null }\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_logs(&replay.connection(), &resources).await;
        let requests = replay.requests();
        // The list, then one DescribeLogStreams per group that exists and checks it (not
        // `/ecs/unchecked`, not `/ecs/gone`).
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(!requests.iter().any(|r| r.contains("/ecs/unchecked")));
        let streams: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("logGroupName"))
            .collect();
        assert_eq!(streams.len(), 3, "{requests:#?}");
        for r in streams {
            assert!(
                r.contains(r#""orderBy":"LastEventTime""#)
                    && r.contains(r#""descending":true"#)
                    && r.contains(r#""limit":1"#),
                "{r}"
            );
        }
        assert_eq!(attrs(&records[0].observation)[LAST_EVENT], json!(7));
        assert_eq!(attrs(&records[1].observation)[LAST_EVENT], Value::Null);
        match &records[2].observation {
            Observation::Present { attributes, errors } => {
                assert!(!attributes.contains_key(LAST_EVENT));
                assert!(
                    errors[LAST_EVENT].contains("logs:DescribeLogStreams"),
                    "{errors:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[3].observation, Observation::Absent);
    }

    const SNS: &str = r#"xmlns="http://sns.amazonaws.com/doc/2010-03-31/""#;
    const TOPIC: &str = "arn:aws:sns:ap-northeast-2:123456789012";

    fn list_topics(names: &[&str], next: Option<&str>) -> String {
        let topics: String = names
            .iter()
            .map(|n| format!("<member><TopicArn>{TOPIC}:{n}</TopicArn></member>"))
            .collect();
        let next = next.map_or(String::new(), |t| format!("<NextToken>{t}</NextToken>"));
        format!(
            "<ListTopicsResponse {SNS}><ListTopicsResult><Topics>{topics}</Topics>{next}</ListTopicsResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>"
        )
    }

    /// ListTopics follows NextToken; without a subscription attribute checked, no topic's
    /// subscriptions are listed. A topic is found by its name or by its ARN.
    #[tokio::test]
    async fn list_topics_reads_every_page() {
        let replay = Replay::new(&[
            (200, &list_topics(&["alerts", "billing"], Some("topics-2"))),
            (200, &list_topics(&["deploys"], None)),
        ]);
        let spec = spec_of(&format!(
            "  - kind: sns_topic\n    id: alerts\n\
             \x20 - kind: sns_topic\n    id: {TOPIC}:deploys\n\
             \x20 - kind: sns_topic\n    id: gone\n"
        ));
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_topics(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("Action=ListTopics") && !requests[0].contains("NextToken"),
            "{}",
            requests[0]
        );
        assert!(
            requests[1].contains("NextToken=topics-2"),
            "{}",
            requests[1]
        );
        let present = |o: &Observation| matches!(o, Observation::Present { attributes, errors } if attributes.is_empty() && errors.is_empty());
        assert!(present(&records[0].observation), "{records:?}");
        assert_eq!(records[1].id, format!("{TOPIC}:deploys"));
        assert!(present(&records[1].observation), "{records:?}");
        assert_eq!(records[2].observation, Observation::Absent);
    }

    fn subscription(topic: &str, protocol: &str, endpoint: &str, arn: &str) -> String {
        format!(
            "<member><TopicArn>{TOPIC}:{topic}</TopicArn><Protocol>{protocol}</Protocol>\
             <SubscriptionArn>{arn}</SubscriptionArn><Owner>123456789012</Owner><Endpoint>{endpoint}</Endpoint></member>"
        )
    }

    fn subscriptions_page(members: &[String], next: Option<&str>) -> String {
        let next = next.map_or(String::new(), |t| format!("<NextToken>{t}</NextToken>"));
        format!(
            "<ListSubscriptionsByTopicResponse {SNS}><ListSubscriptionsByTopicResult><Subscriptions>{}</Subscriptions>{next}\
             </ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>",
            members.concat()
        )
    }

    /// ListSubscriptionsByTopic, per topic (concurrently, so answered by request), follows
    /// NextToken, counts a PendingConfirmation subscription as pending, and a topic whose
    /// subscriptions cannot be read has an error for each subscription attribute.
    #[tokio::test]
    async fn list_subscriptions_by_topic_reads_every_page_and_pending_confirmations() {
        let replay = Replay::by_request(|request| {
            // The form-encoded TopicArn parameter, followed by another parameter or the end.
            let topic = |name: &str| {
                let arn =
                    format!("TopicArn=arn%3Aaws%3Asns%3Aap-northeast-2%3A123456789012%3A{name}");
                request.contains(&format!("{arn}&")) || request.contains(&format!("{arn}\n"))
            };
            if request.contains("Action=ListTopics") {
                return (200, list_topics(&["alerts", "deploys", "audit"], None));
            }
            assert!(
                request.contains("Action=ListSubscriptionsByTopic"),
                "{request}"
            );
            let answer = if topic("alerts") && request.contains("NextToken=subs-2") {
                subscriptions_page(
                    &[subscription(
                        "alerts",
                        "https",
                        "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX",
                        &format!("{TOPIC}:alerts:3c1e8d0a-0000-4000-8000-000000000003"),
                    )],
                    None,
                )
            } else if topic("alerts") {
                subscriptions_page(
                    &[
                        subscription(
                            "alerts",
                            "email",
                            "oncall@example.com",
                            &format!("{TOPIC}:alerts:3c1e8d0a-0000-4000-8000-000000000001"),
                        ),
                        subscription("alerts", "email", "ops@example.com", "PendingConfirmation"),
                    ],
                    Some("subs-2"),
                )
            } else if topic("deploys") {
                subscriptions_page(
                    &[subscription(
                        "deploys",
                        "email-json",
                        "ci@example.com",
                        "PendingConfirmation",
                    )],
                    None,
                )
            } else {
                return (
                    403,
                    format!(
                        "<ErrorResponse {SNS}><Error><Type>Sender</Type><Code>AuthorizationError</Code>\
                         <Message>User is not authorized to perform: SNS:ListSubscriptionsByTopic</Message></Error>\
                         <RequestId>r</RequestId></ErrorResponse>"
                    ),
                );
            };
            (200, answer)
        });
        let spec = spec_of(
            "  - kind: sns_topic\n    id: alerts\n    expect: { confirmed_email_subscriptions: 1 }\n\
             \x20 - kind: sns_topic\n    id: deploys\n    expect: { pending_subscriptions: 0 }\n\
             \x20 - kind: sns_topic\n    id: audit\n    expect: { confirmed_subscriptions: 1 }\n\
             \x20 - kind: sns_topic\n    id: gone\n    expect: { confirmed_subscriptions: 1 }\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_topics(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let listed: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("Action=ListSubscriptionsByTopic"))
            .collect();
        // alerts twice (two pages), deploys and audit once; none for the absent topic.
        assert_eq!(listed.len(), 4, "{requests:#?}");
        assert!(
            listed.iter().all(|r| !r.contains("%3Agone")),
            "{requests:#?}"
        );
        let alerts = attrs(&records[0].observation);
        assert_eq!(alerts["confirmed_subscriptions"], json!(2));
        assert_eq!(alerts["confirmed_email_subscriptions"], json!(1));
        assert_eq!(alerts["pending_subscriptions"], json!(1));
        let list = alerts["subscriptions"].as_array().expect("a list");
        assert_eq!(list.len(), 3);
        assert_eq!(
            list[..2],
            [
                json!({"protocol": "email", "endpoint": "oncall@example.com", "confirmed": true}),
                json!({"protocol": "email", "endpoint": "ops@example.com", "confirmed": false}),
            ]
        );
        assert_eq!(list[2]["protocol"], json!("https"));
        assert_eq!(list[2]["confirmed"], json!(true));
        // The webhook's path is a credential: scheme and host only.
        let endpoint = list[2]["endpoint"].as_str().expect("endpoint");
        assert!(
            endpoint.starts_with("https://hooks.slack.com") && !endpoint.contains("XXXXXXXX"),
            "{endpoint}"
        );
        let deploys = attrs(&records[1].observation);
        assert_eq!(deploys["confirmed_subscriptions"], json!(0));
        assert_eq!(deploys["confirmed_email_subscriptions"], json!(0));
        assert_eq!(deploys["pending_subscriptions"], json!(1));
        assert_eq!(
            deploys["subscriptions"],
            json!([{"protocol": "email-json", "endpoint": "ci@example.com", "confirmed": false}])
        );
        match &records[2].observation {
            Observation::Present { attributes, errors } => {
                assert!(attributes.is_empty(), "{attributes:?}");
                assert_eq!(errors.len(), SUBSCRIPTION_ATTRIBUTES.len(), "{errors:?}");
                assert_eq!(
                    errors["confirmed_subscriptions"],
                    "access denied: the caller may not call `sns:ListSubscriptionsByTopic` (AuthorizationError: User is not authorized to perform: SNS:ListSubscriptionsByTopic)"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[3].observation, Observation::Absent);
    }

    const CW: &str = r#"xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/""#;

    fn cw_response(action: &str, result: &str) -> String {
        format!(
            "<{action}Response {CW}><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        )
    }

    fn cw_denied(action: &str) -> (u16, String) {
        (
            403,
            format!(
                "<ErrorResponse {CW}><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>User is not authorized to perform: cloudwatch:{action}</Message></Error>\
                 <RequestId>r</RequestId></ErrorResponse>"
            ),
        )
    }

    #[test]
    fn dashboard_metrics_follow_the_dot_shorthand() {
        let lines = json!([
            ["AWS/EC2", "CPUUtilization", "InstanceId", "i-1"],
            ["...", "i-2"],
            [".", "NetworkIn", ".", "i-3", {"stat": "Sum"}],
            [{"expression": "SUM(METRICS())", "id": "e1"}],
            ["...", "i-4", {"yAxis": "right"}],
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", "app/web/1", {"stat": "p95"}],
            [".", "RequestCount", ".", "."],
            "not a line"
        ]);
        assert!(widget_metrics(
            json!([["...", "i-9"], [".", "X"]])
                .as_array()
                .expect("lines")
        )
        .is_empty());
        assert_eq!(
            widget_metrics(lines.as_array().expect("lines")),
            [
                "AWS/EC2/CPUUtilization",
                "AWS/EC2/CPUUtilization",
                "AWS/EC2/NetworkIn",
                "AWS/EC2/NetworkIn",
                "AWS/ApplicationELB/TargetResponseTime",
                "AWS/ApplicationELB/RequestCount",
            ]
        );
        let body = json!({"widgets": [
            {"type": "metric", "properties": {"metrics": lines}},
            {"type": "text", "properties": {"markdown": "# Shop"}},
            {"type": "metric", "properties": {"metrics": [["Shop", "Orders"]]}}
        ]});
        let a = dashboard_body_attributes(&body.to_string()).expect("body");
        assert_eq!(a["widget_count"], json!(3));
        assert_eq!(
            a["metrics"],
            json!([
                "AWS/ApplicationELB/RequestCount",
                "AWS/ApplicationELB/TargetResponseTime",
                "AWS/EC2/CPUUtilization",
                "AWS/EC2/NetworkIn",
                "Shop/Orders"
            ])
        );
        let empty = dashboard_body_attributes("{}").expect("body");
        assert_eq!(empty["widget_count"], json!(0));
        assert_eq!(empty["metrics"], json!([]));
        assert!(dashboard_body_attributes("{\"widgets\": 3}").is_err());
        assert!(dashboard_body_attributes("not json").is_err());
        let mut keys: Vec<&str> = a.keys().map(String::as_str).collect();
        keys.push("last_modified");
        keys.sort_unstable();
        assert_eq!(keys, names("dashboard"));
    }

    fn dashboards_page(names: &[&str], next: Option<&str>) -> String {
        let entries: String = names
            .iter()
            .map(|n| {
                format!(
                    "<member><DashboardName>{n}</DashboardName>\
                     <DashboardArn>arn:aws:cloudwatch::123456789012:dashboard/{n}</DashboardArn>\
                     <LastModified>2026-12-01T09:30:00Z</LastModified><Size>512</Size></member>"
                )
            })
            .collect();
        let next = next.map_or(String::new(), |t| format!("<NextToken>{t}</NextToken>"));
        cw_response(
            "ListDashboards",
            &format!("<DashboardEntries>{entries}</DashboardEntries>{next}"),
        )
    }

    /// ListDashboards follows NextToken; GetDashboard is asked only for dashboards that exist
    /// and whose body the spec checks; a refused GetDashboard is an error on its attributes.
    #[tokio::test]
    async fn list_dashboards_reads_every_page_and_get_dashboard_only_when_checked() {
        let replay = Replay::by_request(|request| {
            if request.contains("Action=ListDashboards") {
                return if request.contains("NextToken=dash-2") {
                    (200, dashboards_page(&["ops", "locked"], None))
                } else {
                    (200, dashboards_page(&["shop", "unchecked"], Some("dash-2")))
                };
            }
            assert!(request.contains("Action=GetDashboard"), "{request}");
            if request.contains("DashboardName=locked") {
                return cw_denied("GetDashboard");
            }
            let body = json!({"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
                "properties": {"metrics": [["AWS/ECS", "CPUUtilization", "ServiceName", "api"], ["...", "worker"]],
                "region": "ap-northeast-2", "stat": "Average", "period": 60}}]})
            .to_string()
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;");
            let name = if request.contains("DashboardName=shop") {
                "shop"
            } else {
                "ops"
            };
            (
                200,
                cw_response(
                    "GetDashboard",
                    &format!(
                        "<DashboardArn>arn:aws:cloudwatch::123456789012:dashboard/{name}</DashboardArn>\
                         <DashboardBody>{body}</DashboardBody><DashboardName>{name}</DashboardName>"
                    ),
                ),
            )
        });
        let spec = spec_of(
            "  - kind: dashboard\n    id: shop\n    expect: { widget_count: 1 }\n\
             \x20 - kind: dashboard\n    id: ops\n    expect: { metrics: { contains: AWS/ECS/CPUUtilization } }\n\
             \x20 - kind: dashboard\n    id: unchecked\n\
             \x20 - kind: dashboard\n    id: locked\n    expect: { widget_count: 1 }\n\
             \x20 - kind: dashboard\n    id: gone\n    expect: { widget_count: 1 }\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_dashboards(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let gets: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("Action=GetDashboard"))
            .collect();
        assert_eq!(requests.len(), 5, "{requests:#?}");
        assert_eq!(gets.len(), 3, "{requests:#?}");
        assert!(
            gets.iter().all(
                |r| !r.contains("DashboardName=unchecked") && !r.contains("DashboardName=gone")
            ),
            "{gets:#?}"
        );
        let shop = attrs(&records[0].observation);
        assert_eq!(shop["widget_count"], json!(1));
        assert_eq!(shop["metrics"], json!(["AWS/ECS/CPUUtilization"]));
        assert_eq!(shop["last_modified"], json!("2026-12-01T09:30:00Z"));
        assert_eq!(
            attrs(&records[2].observation).keys().collect::<Vec<_>>(),
            ["last_modified"]
        );
        match &records[3].observation {
            Observation::Present { attributes, errors } => {
                assert!(!attributes.contains_key("widget_count"));
                assert!(
                    errors["widget_count"].contains("cloudwatch:GetDashboard"),
                    "{errors:?}"
                );
                assert_eq!(errors.len(), 2, "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[4].observation, Observation::Absent);
    }

    /// A refused ListDashboards is an error for every named dashboard, never missing.
    #[tokio::test]
    async fn a_refused_list_dashboards_is_an_error() {
        let replay = Replay::by_request(|_| cw_denied("ListDashboards"));
        let spec = spec_of("  - kind: dashboard\n    id: shop\n");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_dashboards(&replay.connection(), &resources).await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("cloudwatch:ListDashboards")),
            "{records:?}"
        );
    }

    fn metrics_page(dimension_sets: &[&[(&str, &str)]], next: Option<&str>) -> String {
        let members: String = dimension_sets
            .iter()
            .map(|dims| {
                let dims: String = dims
                    .iter()
                    .map(|(k, v)| format!("<member><Name>{k}</Name><Value>{v}</Value></member>"))
                    .collect();
                format!(
                    "<member><Namespace>AWS/ApplicationELB</Namespace><MetricName>TargetResponseTime</MetricName>\
                     <Dimensions>{dims}</Dimensions></member>"
                )
            })
            .collect();
        let next = next.map_or(String::new(), |t| format!("<NextToken>{t}</NextToken>"));
        cw_response(
            "ListMetrics",
            &format!("<Metrics>{members}</Metrics>{next}"),
        )
    }

    fn metric_data(results: &[(&str, &[f64])]) -> String {
        let members: String = results
            .iter()
            .map(|(id, values)| {
                let vals: String = values
                    .iter()
                    .map(|v| format!("<member>{v}</member>"))
                    .collect();
                let stamps: String = values
                    .iter()
                    .enumerate()
                    .map(|(i, _)| format!("<member>2026-12-07T20:{i:02}:00Z</member>"))
                    .collect();
                format!(
                    "<member><Id>{id}</Id><Label>TargetResponseTime</Label><Timestamps>{stamps}</Timestamps>\
                     <Values>{vals}</Values><StatusCode>Complete</StatusCode></member>"
                )
            })
            .collect();
        cw_response(
            "GetMetricData",
            &format!("<MetricDataResults>{members}</MetricDataResults><Messages/>"),
        )
    }

    /// One ListMetrics per namespace and name (every page), dimensions matched exactly: a
    /// metric listed with more dimensions is another metric, so the one asked for is missing.
    /// `published` asks again with RecentlyActive=PT3H (moto ignores it): a metric listed but
    /// not recently active is not published.
    #[tokio::test]
    async fn list_metrics_reads_every_page_matches_dimensions_exactly_and_recently_active() {
        let web: &[(&str, &str)] = &[("LoadBalancer", "app/web/1")];
        let api: &[(&str, &str)] = &[("LoadBalancer", "app/api/2")];
        let wider: &[(&str, &str)] = &[
            ("LoadBalancer", "app/old/3"),
            ("TargetGroup", "targetgroup/old/4"),
        ];
        let replay = Replay::by_request(move |request| {
            assert!(request.contains("Action=ListMetrics"), "{request}");
            assert!(
                request.contains("Namespace=AWS%2FApplicationELB")
                    && request.contains("MetricName=TargetResponseTime")
                    && !request.contains("Dimensions"),
                "{request}"
            );
            let answer = if request.contains("RecentlyActive=PT3H") {
                metrics_page(&[web], None)
            } else if request.contains("NextToken=metrics-2") {
                metrics_page(&[api, wider], None)
            } else {
                metrics_page(&[web], Some("metrics-2"))
            };
            (200, answer)
        });
        let spec = spec_of(
            "  - kind: metric\n    id: AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/web/1}\n    expect: { published: true }\n\
             \x20 - kind: metric\n    id: AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/api/2}\n    expect: { published: true }\n\
             \x20 - kind: metric\n    id: AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/old/3}\n\
             \x20 - kind: metric\n    id: AWS/ApplicationELB/TargetResponseTime\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_metrics(&replay.connection(), &resources).await;
        let requests = replay.requests();
        // Two pages of the listing, one of the recently active ones.
        assert_eq!(requests.len(), 3, "{requests:#?}");
        assert_eq!(attrs(&records[0].observation)[PUBLISHED], json!(true));
        assert_eq!(attrs(&records[1].observation)[PUBLISHED], json!(false));
        assert_eq!(records[2].observation, Observation::Absent);
        assert_eq!(records[3].observation, Observation::Absent);
    }

    /// GetMetricData, once per metric that exists and checks a statistic: SampleCount, Sum and
    /// Maximum at 60 s over the last whole hour, p95 over one 3600 s period only when checked;
    /// a metric without datapoints has nulls, a refused call errors on every statistic.
    #[tokio::test]
    async fn get_metric_data_reads_the_last_hour_once_per_metric() {
        let replay = Replay::by_request(|request| {
            if request.contains("Action=ListMetrics") {
                let body = cw_response(
                    "ListMetrics",
                    "<Metrics><member><Namespace>Shop</Namespace><MetricName>Latency</MetricName>\
                     <Dimensions><member><Name>Stage</Name><Value>prod</Value></member></Dimensions></member>\
                     <member><Namespace>Shop</Namespace><MetricName>Latency</MetricName>\
                     <Dimensions><member><Name>Stage</Name><Value>quiet</Value></member></Dimensions></member>\
                     <member><Namespace>Shop</Namespace><MetricName>Latency</MetricName>\
                     <Dimensions><member><Name>Stage</Name><Value>locked</Value></member></Dimensions></member></Metrics>",
                );
                return (200, body);
            }
            assert!(request.contains("Action=GetMetricData"), "{request}");
            if request.contains("Value=locked") {
                return cw_denied("GetMetricData");
            }
            if request.contains("Value=quiet") {
                return (200, metric_data(&[("n", &[]), ("s", &[]), ("mx", &[])]));
            }
            (
                200,
                metric_data(&[
                    ("n", &[2.0, 2.0]),
                    ("s", &[0.5, 1.5]),
                    ("mx", &[0.3, 1.2]),
                    ("p95", &[1.1]),
                ]),
            )
        });
        let spec = spec_of(
            "  - kind: metric\n    id: Shop/Latency{Stage=prod}\n    expect: { p95_last_hour: { at_most: 2 }, datapoints_last_hour: { at_least: 1 } }\n\
             \x20 - kind: metric\n    id: Shop/Latency{Stage=quiet}\n    expect: { datapoints_last_hour: { at_least: 1 } }\n\
             \x20 - kind: metric\n    id: Shop/Latency{Stage=locked}\n    expect: { average_last_hour: { at_most: 1 } }\n\
             \x20 - kind: metric\n    id: Shop/Latency{Stage=gone}\n    expect: { average_last_hour: { at_most: 1 } }\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_metrics(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let data: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("Action=GetMetricData"))
            .collect();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert_eq!(data.len(), 3, "{requests:#?}");
        for r in &data {
            assert!(
                r.contains("MetricStat.Stat=SampleCount")
                    && r.contains("MetricStat.Period=60")
                    && r.contains("MetricStat.Stat=Maximum"),
                "{r}"
            );
        }
        let prod = data
            .iter()
            .find(|r| r.contains("Value=prod"))
            .expect("prod");
        assert!(
            prod.contains("MetricStat.Stat=p95") && prod.contains("MetricStat.Period=3600"),
            "{prod}"
        );
        assert!(!data
            .iter()
            .any(|r| r.contains("Value=quiet") && r.contains("p95")));
        let p = attrs(&records[0].observation);
        assert_eq!(p["datapoints_last_hour"], json!(2));
        assert_eq!(p["sum_last_hour"], json!(2.0));
        assert_eq!(p["average_last_hour"], json!(0.5));
        assert_eq!(p["maximum_last_hour"], json!(1.2));
        assert_eq!(p["p95_last_hour"], json!(1.1));
        let q = attrs(&records[1].observation);
        assert_eq!(q["datapoints_last_hour"], json!(0));
        assert_eq!(q["average_last_hour"], Value::Null);
        assert_eq!(q["maximum_last_hour"], Value::Null);
        assert_eq!(q["sum_last_hour"], Value::Null);
        assert!(!q.contains_key("p95_last_hour"));
        match &records[2].observation {
            Observation::Present { attributes, errors } => {
                assert!(attributes.is_empty(), "{attributes:?}");
                assert_eq!(errors.len(), STATISTICS.len(), "{errors:?}");
                assert!(errors["average_last_hour"].contains("cloudwatch:GetMetricData"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[3].observation, Observation::Absent);
        let mut all: Vec<&str> = p.keys().map(String::as_str).collect();
        all.push(PUBLISHED);
        all.sort_unstable();
        assert_eq!(all, names("metric"));
    }

    /// A refused ListMetrics is an error for each metric of that namespace and name.
    #[tokio::test]
    async fn a_refused_list_metrics_is_an_error() {
        let replay = Replay::by_request(|_| cw_denied("ListMetrics"));
        let spec =
            spec_of("  - kind: metric\n    id: Shop/Orders\n    expect: { published: true }\n");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_metrics(&replay.connection(), &resources).await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("cloudwatch:ListMetrics")),
            "{records:?}"
        );
    }
}
