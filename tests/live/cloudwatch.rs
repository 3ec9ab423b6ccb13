//! CloudWatch dashboards and metrics against moto: each attribute passes as seeded, fails with
//! the actual value, is `missing` (with no further call) for a dashboard or metric that does not
//! exist, and is an `error` naming the action when a call is refused. moto ignores ListMetrics'
//! `RecentlyActive` and computes no percentile: `published: false` and `p95_last_hour` are proven
//! by replay in src/probe/monitoring.rs.

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed::emulator_config;
use crate::{assert_only_expectations_fail, check, not_passing, observe, rt};

/// The `shop-ops` dashboard: a metric widget using the `...` and `.` shorthand, a text widget
/// and a single-value widget.
const OPS_BODY: &str = r##"{"widgets":[
 {"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"region":"ap-northeast-2","stat":"Average","period":60,
  "metrics":[["Shop","Latency","Stage","prod"],["...","dev"],[".","Orders",".","prod",{"stat":"Sum"}]]}},
 {"type":"text","x":12,"y":0,"width":12,"height":6,"properties":{"markdown":"# Shop"}},
 {"type":"metric","x":0,"y":6,"width":6,"height":3,"properties":{"view":"singleValue","region":"ap-northeast-2",
  "metrics":[["AWS/ApplicationELB","RequestCount","LoadBalancer","app/shop/1"]]}}]}"##;

/// Dashboards `shop-ops` and `shop-empty` (no widget); metric `Shop/Latency{Stage=prod}` with
/// three samples in the last hour (0.2 and 0.6 two minutes ago, 1.0 five minutes ago) and
/// `Shop/Latency{Stage=prod,Zone=a}`, a metric with one more dimension.
async fn seed(endpoint: &str) {
    let cw = aws_sdk_cloudwatch::Client::new(&emulator_config(endpoint));
    for (name, body) in [("shop-ops", OPS_BODY), ("shop-empty", r#"{"widgets":[]}"#)] {
        cw.put_dashboard()
            .dashboard_name(name)
            .dashboard_body(body)
            .send()
            .await
            .expect("dashboard");
    }
    let now = std::time::SystemTime::now();
    let ago = |minutes: u64| {
        aws_smithy_types::DateTime::from(now - std::time::Duration::from_secs(minutes * 60))
    };
    let dim = |k: &str, v: &str| Dimension::builder().name(k).value(v).build();
    for (minutes, value, zone) in [
        (2, 0.2, false),
        (2, 0.6, false),
        (5, 1.0, false),
        (3, 9.0, true),
    ] {
        let mut datum = MetricDatum::builder()
            .metric_name("Latency")
            .dimensions(dim("Stage", "prod"))
            .timestamp(ago(minutes))
            .value(value);
        if zone {
            datum = datum.dimensions(dim("Zone", "a"));
        }
        cw.put_metric_data()
            .namespace("Shop")
            .metric_data(datum.build())
            .send()
            .await
            .expect("metric data");
    }
}

const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
resources:
  - kind: dashboard
    id: shop-ops
    expect:
      widget_count: 3
      metrics: [AWS/ApplicationELB/RequestCount, Shop/Latency, Shop/Orders]
      last_modified: { matches: "^20" }
  - kind: dashboard
    id: shop-empty
    expect: { widget_count: 0, metrics: [] }
  - kind: metric
    id: Shop/Latency{Stage=prod}
    expect:
      published: true
      datapoints_last_hour: 2
      sum_last_hour: { at_least: 1.79, at_most: 1.81 }
      average_last_hour: { at_least: 0.59, at_most: 0.61 }
      maximum_last_hour: 1.0
  - kind: metric
    id: Shop/Latency{Zone=a,Stage=prod}
    expect: { maximum_last_hour: 9.0 }
"#;

#[test]
fn every_attribute_passes_with_the_fewest_calls() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, calls) = observe(&moto.endpoint, EVERY_ATTRIBUTE);
    assert_eq!(not_passing(&report), []);
    assert_eq!(report.summary.total, 4 + 11);
    assert_eq!(calls.get("CloudWatch:ListDashboards"), Some(&1));
    assert_eq!(calls.get("CloudWatch:GetDashboard"), Some(&2));
    // One listing of Shop/Latency, one of its recently active metrics (for `published`).
    assert_eq!(calls.get("CloudWatch:ListMetrics"), Some(&2));
    assert_eq!(calls.get("CloudWatch:GetMetricData"), Some(&2));
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
  - kind: dashboard
    id: shop-ops
    expect: { widget_count: 1, metrics: { contains: AWS/ECS/CPUUtilization } }
  - kind: metric
    id: Shop/Latency{Stage=prod}
    expect: { published: false, datapoints_last_hour: 0, maximum_last_hour: { at_most: 0.5 } }
"#,
    );
    assert_eq!(assert_only_expectations_fail(&report), 2 + 3);
    assert_eq!(
        check(&report, "dashboard/shop-ops/widget_count").actual,
        serde_json::json!(3)
    );
    assert_eq!(
        check(&report, "metric/Shop/Latency{Stage=prod}/maximum_last_hour").actual,
        serde_json::json!(1.0)
    );
}

#[test]
fn missing_dashboards_and_metrics_are_missing_and_cost_no_extra_call() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: dashboard
    id: shop-nope
    expect: { widget_count: 1 }
  - kind: metric
    id: Shop/Latency{Stage=dev}
    expect: { datapoints_last_hour: { at_least: 1 } }
  - kind: metric
    id: Shop/Latency
    expect: { average_last_hour: { at_most: 1 } }
  - kind: metric
    id: Shop/Nope{Stage=prod}
"#,
    );
    for id in [
        "dashboard/shop-nope/widget_count",
        "metric/Shop/Latency{Stage=dev}/datapoints_last_hour",
        "metric/Shop/Latency/average_last_hour",
        "metric/Shop/Nope{Stage=prod}/exists",
    ] {
        assert_eq!(check(&report, id).status, Status::Missing, "{id}");
    }
    assert_eq!(calls.get("CloudWatch:GetDashboard"), None, "{calls:?}");
    assert_eq!(calls.get("CloudWatch:GetMetricData"), None, "{calls:?}");
    // One listing per namespace and name: Shop/Latency and Shop/Nope.
    assert_eq!(calls.get("CloudWatch:ListMetrics"), Some(&2), "{calls:?}");
}

fn deny_lists(request: &str) -> Option<Answer> {
    (request.contains("Action=ListDashboards") || request.contains("Action=ListMetrics"))
        .then(|| Answer::query_error(403, "AccessDenied"))
}

fn deny_reads(request: &str) -> Option<Answer> {
    (request.contains("Action=GetDashboard") || request.contains("Action=GetMetricData"))
        .then(|| Answer::query_error(403, "AccessDenied"))
}

#[test]
fn access_denied_is_an_error_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let spec = r#"
version: 1
environment: test
resources:
  - kind: dashboard
    id: shop-ops
    expect: { widget_count: 3 }
  - kind: metric
    id: Shop/Latency{Stage=prod}
    expect: { datapoints_last_hour: 2 }
"#;
    let lists = proxy::start(moto.port, deny_lists);
    let (_, report, _) = observe(&lists.endpoint, spec);
    for (id, action) in [
        ("dashboard/shop-ops/exists", "cloudwatch:ListDashboards"),
        (
            "dashboard/shop-ops/widget_count",
            "cloudwatch:ListDashboards",
        ),
        (
            "metric/Shop/Latency{Stage=prod}/exists",
            "cloudwatch:ListMetrics",
        ),
        (
            "metric/Shop/Latency{Stage=prod}/datapoints_last_hour",
            "cloudwatch:ListMetrics",
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
    let reads = proxy::start(moto.port, deny_reads);
    let (_, report, _) = observe(&reads.endpoint, spec);
    for (id, status, action) in [
        ("dashboard/shop-ops/exists", Status::Pass, None),
        (
            "dashboard/shop-ops/widget_count",
            Status::Error,
            Some("cloudwatch:GetDashboard"),
        ),
        ("metric/Shop/Latency{Stage=prod}/exists", Status::Pass, None),
        (
            "metric/Shop/Latency{Stage=prod}/datapoints_last_hour",
            Status::Error,
            Some("cloudwatch:GetMetricData"),
        ),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, status, "{id}: {c:?}");
        if let Some(action) = action {
            assert!(c.message.contains(action), "{id}: {}", c.message);
        }
    }
}
