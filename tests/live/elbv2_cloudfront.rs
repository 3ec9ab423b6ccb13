//! Elastic Load Balancing v2 (`lb`, `lb_listener`, `lb_target_group`) and CloudFront
//! (`cloudfront_distribution`) against moto: every attribute moto models, a failure per attribute
//! family, missing resources, access errors, and the calls made.

use std::collections::BTreeMap;

use infra_verify::evaluate::{evaluate, Report, Status};
use infra_verify::snapshot::{Observation, Snapshot};
use infra_verify::{plan, probe};
use serde_json::json;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed_edge::{seed_edge, Edge, CACHING_OPTIMIZED, TLS13_POLICY};
use crate::{connection, rt, run_json, spec_text};

const DESCRIBE_LBS: &str = "ElasticLoadBalancingv2:DescribeLoadBalancers";
const DESCRIBE_LISTENERS: &str = "ElasticLoadBalancingv2:DescribeListeners";
const DESCRIBE_TGS: &str = "ElasticLoadBalancingv2:DescribeTargetGroups";
const DESCRIBE_TG_ATTRIBUTES: &str = "ElasticLoadBalancingv2:DescribeTargetGroupAttributes";
const DESCRIBE_TARGET_HEALTH: &str = "ElasticLoadBalancingv2:DescribeTargetHealth";
const LIST_DISTRIBUTIONS: &str = "CloudFront:ListDistributions";
const STS: &str = "STS:GetCallerIdentity";

fn seeded() -> (Moto, Edge) {
    let moto = Moto::start();
    let edge = rt().block_on(seed_edge(&moto.endpoint)).expect("seed");
    (moto, edge)
}

fn calls(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// Check id -> (status, actual).
fn statuses(report: &Report) -> BTreeMap<String, (Status, serde_json::Value)> {
    report
        .checks
        .iter()
        .map(|c| (c.id.clone(), (c.status, c.actual.clone())))
        .collect()
}

fn header() -> String {
    "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n".to_string()
}

/// Every attribute of the four kinds that moto models, each with the seeded value.
fn every_attribute(e: &Edge) -> String {
    let zones = format!("[{}, {}]", e.subnets[0].zone, e.subnets[1].zone);
    format!(
        r#"{header}
  - kind: lb
    id: dorami-alb
    expect:
      type: application
      scheme: internet-facing
      state: active
      dns_name: {alb_dns}
      security_groups: [{sg}]
      availability_zones: {zones}
      availability_zone_count: 2
  - kind: lb
    id: {alb_arn}
    expect: {{ dns_name: {alb_dns} }}
  - kind: lb_listener
    id: dorami-alb:443
    expect:
      protocol: HTTPS
      certificate_arns: [{alb_cert}]
      ssl_policy: {TLS13_POLICY}
      default_action: forward
      redirect_protocol: null
      redirect_port: null
      redirect_status_code: null
      forward_target_group_arns: [{api}]
  - kind: lb_listener
    id: dorami-alb:80
    expect:
      protocol: HTTP
      certificate_arns: []
      default_action: redirect
      redirect_protocol: HTTPS
      redirect_port: "443"
      redirect_status_code: HTTP_301
      forward_target_group_arns: []
  - kind: lb_listener
    id: dorami-alb:8443
    expect: {{ protocol: HTTPS, default_action: forward, forward_target_group_arns: [{api}, {canary}] }}
  - kind: lb_listener
    id: "{alb_arn}:8080"
    expect: {{ protocol: HTTP, default_action: fixed-response, forward_target_group_arns: [] }}
  - kind: lb_target_group
    id: dorami-api
    expect:
      protocol: HTTP
      port: 3001
      target_type: ip
      health_check_path: /api/health
      health_check_protocol: HTTP
      health_check_matcher: 200-299
      health_check_interval_seconds: 15
      healthy_threshold: 3
      unhealthy_threshold: 4
      stickiness_enabled: true
      stickiness_type: lb_cookie
      target_count: 2
      healthy_count: 2
  - kind: lb_target_group
    id: {bare}
    expect:
      port: 80
      target_type: instance
      health_check_path: /
      health_check_matcher: "200"
      health_check_interval_seconds: 30
      healthy_threshold: 5
      unhealthy_threshold: 2
      stickiness_enabled: false
      target_count: 0
      healthy_count: 0
  - kind: cloudfront_distribution
    id: {dist}
    expect:
      status: Deployed
      enabled: true
      domain_name: {dist_domain}
      aliases: [shop.dorami.example]
      origin_domains: [dorami-front.s3.ap-northeast-2.amazonaws.com, {alb_dns}]
      viewer_protocol_policy: redirect-to-https
      compress: true
      cache_policy_id: {CACHING_OPTIMIZED}
      acm_certificate_arn: {cf_cert}
      minimum_protocol_version: TLSv1.2_2021
      web_acl_id: {{ matches: "webacl/dorami-edge/" }}
      price_class: PriceClass_200
      http_version: http2and3
  - kind: cloudfront_distribution
    id: shop.dorami.example
    expect: {{ domain_name: {dist_domain} }}
"#,
        header = header(),
        alb_dns = e.alb_dns,
        alb_arn = e.alb_arn,
        sg = e.security_group,
        alb_cert = e.alb_certificate,
        api = e.api_tg_arn,
        canary = e.canary_tg_arn,
        bare = e.bare_tg_arn,
        dist = e.distribution_id,
        dist_domain = e.distribution_domain,
        cf_cert = e.cf_certificate,
    )
}

#[test]
fn every_attribute_moto_models_passes_with_one_listing_per_operation() {
    let (moto, edge) = seeded();
    let spec = spec_text(&every_attribute(&edge));
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    let not_passing: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:#?}");
    // exists + attributes, per resource.
    assert_eq!(
        report.summary.total,
        (1 + 7)
            + (1 + 1)
            + (1 + 8)
            + (1 + 7)
            + (1 + 3)
            + (1 + 3)
            + (1 + 13)
            + (1 + 10)
            + (1 + 13)
            + (1 + 1)
    );
    // Both `lb` resources and all four listeners share one DescribeLoadBalancers; the four
    // listeners are on one load balancer: one DescribeListeners. Per target group: one
    // attributes call and one health call, as both are checked.
    assert_eq!(
        conn.recorder.calls(),
        calls(&[
            (LIST_DISTRIBUTIONS, 1),
            (DESCRIBE_LBS, 1),
            (DESCRIBE_LISTENERS, 1),
            (DESCRIBE_TG_ATTRIBUTES, 2),
            (DESCRIBE_TGS, 1),
            (DESCRIBE_TARGET_HEALTH, 2),
            (STS, 1),
        ])
    );
}

#[test]
fn every_call_made_is_in_the_iam_policy_of_the_spec_and_the_cli_honours_the_endpoint() {
    let (moto, edge) = seeded();
    let text = every_attribute(&edge);
    let spec = spec_text(&text);
    let conn = connection(&moto.endpoint);
    rt().block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let allowed = plan::plan(&spec).actions;
    let used: std::collections::BTreeSet<&str> = conn
        .recorder
        .calls()
        .keys()
        .map(|call| {
            let (service, op) = call.split_once(':').expect("service:operation");
            plan::action_for(service, op)
                .unwrap_or_else(|| panic!("{call} is not in plan::OPERATIONS"))
        })
        .collect();
    assert_eq!(used, allowed);

    // The CLI builds its own connection from --endpoint-url: the global CloudFront client must
    // follow it too (else this would try the real cloudfront.amazonaws.com and be an error).
    let report = run_json(&moto.endpoint, &text, 0);
    assert_eq!(report["summary"]["error"], 0, "{report}");
}

#[test]
fn a_wrong_value_fails_in_every_attribute_family() {
    let (moto, e) = seeded();
    let text = format!(
        r#"{header}
  - kind: lb
    id: dorami-alb
    expect:
      scheme: internal
      availability_zone_count: {{ at_least: 3 }}
      security_groups: {{ contains: sg-not-attached }}
  - kind: lb_listener
    id: dorami-alb:443
    expect: {{ ssl_policy: ELBSecurityPolicy-2016-08, forward_target_group_arns: [{canary}] }}
  - kind: lb_listener
    id: dorami-alb:80
    expect: {{ default_action: forward, redirect_status_code: HTTP_302 }}
  - kind: lb_target_group
    id: dorami-bare
    expect: {{ health_check_path: /api/health }}
  - kind: lb_target_group
    id: dorami-canary
    expect: {{ stickiness_enabled: true }}
  - kind: lb_target_group
    id: dorami-api
    expect: {{ healthy_count: {{ at_least: 3 }} }}
  - kind: cloudfront_distribution
    id: shop.dorami.example
    expect: {{ viewer_protocol_policy: https-only, price_class: PriceClass_All, aliases: {{ contains: www.dorami.example }} }}
"#,
        header = header(),
        canary = e.canary_tg_arn,
    );
    let spec = spec_text(&text);
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    let failed: BTreeMap<String, serde_json::Value> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| {
            assert_eq!(c.status, Status::Fail, "{c:#?}");
            (c.id.clone(), c.actual.clone())
        })
        .collect();
    assert_eq!(
        failed,
        BTreeMap::from([
            ("lb/dorami-alb/scheme".to_string(), json!("internet-facing")),
            (
                "lb/dorami-alb/availability_zone_count".to_string(),
                json!(2)
            ),
            (
                "lb/dorami-alb/security_groups".to_string(),
                json!([e.security_group])
            ),
            (
                "lb_listener/dorami-alb:443/ssl_policy".to_string(),
                json!(TLS13_POLICY)
            ),
            (
                "lb_listener/dorami-alb:443/forward_target_group_arns".to_string(),
                json!([e.api_tg_arn])
            ),
            (
                "lb_listener/dorami-alb:80/default_action".to_string(),
                json!("redirect")
            ),
            (
                "lb_listener/dorami-alb:80/redirect_status_code".to_string(),
                json!("HTTP_301")
            ),
            (
                "lb_target_group/dorami-bare/health_check_path".to_string(),
                json!("/")
            ),
            (
                "lb_target_group/dorami-canary/stickiness_enabled".to_string(),
                json!(false)
            ),
            (
                "lb_target_group/dorami-api/healthy_count".to_string(),
                json!(2)
            ),
            (
                "cloudfront_distribution/shop.dorami.example/viewer_protocol_policy".to_string(),
                json!("redirect-to-https")
            ),
            (
                "cloudfront_distribution/shop.dorami.example/price_class".to_string(),
                json!("PriceClass_200")
            ),
            (
                "cloudfront_distribution/shop.dorami.example/aliases".to_string(),
                json!(["shop.dorami.example"])
            ),
        ])
    );
}

#[test]
fn calls_follow_the_checks_each_listing_once_per_service() {
    let (moto, e) = seeded();
    // A second load balancer with one listener.
    rt().block_on(async {
        let s = crate::support::seed_edge::EdgeSeeder::new(&moto.endpoint);
        let arn = s
            .load_balancer("dorami-admin", &[&e.subnets[0], &e.subnets[1]], &[])
            .await
            .expect("lb");
        s.listener(
            &arn,
            80,
            None,
            crate::support::seed_edge::DefaultAction::Fixed("404"),
        )
        .await
        .expect("listener");
    });
    let conn = connection(&moto.endpoint);
    let rt = rt();

    // Listeners only: one DescribeLoadBalancers, one DescribeListeners per load balancer named.
    let spec = spec_text(&format!(
        "{}  - kind: lb_listener\n    id: dorami-alb:443\n    expect: {{ protocol: HTTPS }}\n  - kind: lb_listener\n    id: dorami-alb:80\n    expect: {{ protocol: HTTP }}\n  - kind: lb_listener\n    id: dorami-admin:80\n    expect: {{ default_action: fixed-response }}\n",
        header()
    ));
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    assert_eq!(evaluate(&spec, &snap).summary.pass, 6);
    assert_eq!(
        conn.recorder.calls(),
        calls(&[(DESCRIBE_LBS, 1), (DESCRIBE_LISTENERS, 2), (STS, 1)])
    );

    // An lb and two listeners on it: 1 DescribeLoadBalancers + 1 DescribeListeners.
    let conn = connection(&moto.endpoint);
    let spec = spec_text(&format!(
        "{}  - kind: lb\n    id: dorami-alb\n    expect: {{ state: active }}\n  - kind: lb_listener\n    id: dorami-alb:443\n    expect: {{ protocol: HTTPS }}\n  - kind: lb_listener\n    id: dorami-alb:80\n    expect: {{ protocol: HTTP }}\n",
        header()
    ));
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    assert_eq!(evaluate(&spec, &snap).summary.pass, 6);
    assert_eq!(
        conn.recorder.calls(),
        calls(&[(DESCRIBE_LBS, 1), (DESCRIBE_LISTENERS, 1), (STS, 1)])
    );

    // Listing attributes only: no per-group call at all.
    let conn = connection(&moto.endpoint);
    let spec = spec_text(&format!(
        "{}  - kind: lb_target_group\n    id: dorami-api\n    expect: {{ health_check_path: /api/health }}\n  - kind: lb_target_group\n    id: dorami-bare\n    expect: {{ health_check_path: / }}\n",
        header()
    ));
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    assert_eq!(evaluate(&spec, &snap).summary.pass, 4);
    assert_eq!(conn.recorder.calls(), calls(&[(DESCRIBE_TGS, 1), (STS, 1)]));

    // Stickiness on one group, health on the other: exactly those calls.
    let conn = connection(&moto.endpoint);
    let spec = spec_text(&format!(
        "{}  - kind: lb_target_group\n    id: dorami-api\n    expect: {{ stickiness_type: lb_cookie }}\n  - kind: lb_target_group\n    id: dorami-bare\n    expect: {{ target_count: 0 }}\n  - kind: lb_target_group\n    id: dorami-canary\n    expect: {{ port: 3001 }}\n",
        header()
    ));
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    assert_eq!(evaluate(&spec, &snap).summary.pass, 6);
    assert_eq!(
        conn.recorder.calls(),
        calls(&[
            (DESCRIBE_TG_ATTRIBUTES, 1),
            (DESCRIBE_TGS, 1),
            (DESCRIBE_TARGET_HEALTH, 1),
            (STS, 1)
        ])
    );
}

#[test]
fn missing_resources_are_missing_and_cost_no_per_resource_call() {
    let (moto, _) = seeded();
    let spec = spec_text(&format!(
        r#"{}
  - kind: lb
    id: no-such-alb
    expect: {{ state: active }}
  - kind: lb_listener
    id: no-such-alb:443
    expect: {{ protocol: HTTPS }}
  - kind: lb_listener
    id: dorami-alb:9999
    expect: {{ protocol: HTTPS }}
  - kind: lb_target_group
    id: no-such-tg
    expect: {{ healthy_count: 2, stickiness_enabled: true }}
  - kind: cloudfront_distribution
    id: E0000NOSUCHDIST
    expect: {{ enabled: true }}
  - kind: cloudfront_distribution
    id: www.not-an-alias.example
    exists: false
  - kind: lb
    id: must-not-exist
    exists: false
"#,
        header()
    ));
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    for r in &snap.resources {
        assert_eq!(r.observation, Observation::Absent, "{}/{}", r.kind, r.id);
    }
    let report = evaluate(&spec, &snap);
    let got = statuses(&report);
    let expected_missing = [
        "lb/no-such-alb/exists",
        "lb/no-such-alb/state",
        "lb_listener/no-such-alb:443/exists",
        "lb_listener/no-such-alb:443/protocol",
        "lb_listener/dorami-alb:9999/exists",
        "lb_listener/dorami-alb:9999/protocol",
        "lb_target_group/no-such-tg/exists",
        "lb_target_group/no-such-tg/healthy_count",
        "lb_target_group/no-such-tg/stickiness_enabled",
        "cloudfront_distribution/E0000NOSUCHDIST/exists",
        "cloudfront_distribution/E0000NOSUCHDIST/enabled",
    ];
    for id in expected_missing {
        assert_eq!(
            got.get(id).map(|s| s.0),
            Some(Status::Missing),
            "{id}: {got:#?}"
        );
    }
    for id in [
        "cloudfront_distribution/www.not-an-alias.example/exists",
        "lb/must-not-exist/exists",
    ] {
        assert_eq!(got.get(id).map(|s| s.0), Some(Status::Pass), "{id}");
    }
    assert_eq!(got.len(), expected_missing.len() + 2);
    // The listener of the unknown load balancer costs nothing; the one on dorami-alb one call.
    assert_eq!(
        conn.recorder.calls(),
        calls(&[
            (LIST_DISTRIBUTIONS, 1),
            (DESCRIBE_LBS, 1),
            (DESCRIBE_LISTENERS, 1),
            (DESCRIBE_TGS, 1),
            (STS, 1),
        ])
    );
}

/// ELBv2 speaks the query protocol (the action is in the body); CloudFront is REST-XML (the
/// request line), but its errors have the query protocol's `<ErrorResponse>` shape, so
/// `query_error` serves both.
fn deny_listeners_health_and_distributions(request: &str) -> Option<Answer> {
    let denied = request.contains("Action=DescribeListeners&")
        || request.contains("Action=DescribeTargetHealth&")
        || request.starts_with("GET /2020-05-31/distribution");
    denied.then(|| Answer::query_error(403, "AccessDenied"))
}

fn deny_listings(request: &str) -> Option<Answer> {
    if request.contains("Action=DescribeLoadBalancers&")
        || request.contains("Action=DescribeTargetGroups&")
    {
        Some(Answer::query_error(403, "AccessDenied"))
    } else {
        None
    }
}

const ERROR_SPEC: &str = r#"
  - kind: lb
    id: dorami-alb
    expect: { state: active }
  - kind: lb_listener
    id: dorami-alb:443
    expect: { protocol: HTTPS }
  - kind: lb_target_group
    id: dorami-api
    expect: { health_check_path: /api/health, stickiness_enabled: true, healthy_count: 2 }
  - kind: cloudfront_distribution
    id: shop.dorami.example
    expect: { enabled: true }
"#;

fn error_message(report: &Report, id: &str) -> String {
    let c = report
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"));
    assert_eq!(c.status, Status::Error, "{c:#?}");
    c.message.clone()
}

#[test]
fn access_denied_is_an_error_naming_the_action_and_only_for_what_it_hides() {
    let (moto, _) = seeded();
    let proxy = proxy::start(moto.port, deny_listeners_health_and_distributions);
    let spec = spec_text(&format!("{}{ERROR_SPEC}", header()));
    let conn = connection(&proxy.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    let got = statuses(&report);
    // Not hidden: the load balancer, the target group's listing and attributes calls.
    for id in [
        "lb/dorami-alb/exists",
        "lb/dorami-alb/state",
        "lb_target_group/dorami-api/exists",
        "lb_target_group/dorami-api/health_check_path",
        "lb_target_group/dorami-api/stickiness_enabled",
    ] {
        assert_eq!(got[id].0, Status::Pass, "{id}");
    }
    for (id, action) in [
        (
            "lb_listener/dorami-alb:443/exists",
            "elasticloadbalancing:DescribeListeners",
        ),
        (
            "lb_listener/dorami-alb:443/protocol",
            "elasticloadbalancing:DescribeListeners",
        ),
        (
            "lb_target_group/dorami-api/healthy_count",
            "elasticloadbalancing:DescribeTargetHealth",
        ),
        (
            "cloudfront_distribution/shop.dorami.example/exists",
            "cloudfront:ListDistributions",
        ),
        (
            "cloudfront_distribution/shop.dorami.example/enabled",
            "cloudfront:ListDistributions",
        ),
    ] {
        let message = error_message(&report, id);
        assert!(
            message.contains("access denied") && message.contains(&format!("`{action}`")),
            "{id}: {message}"
        );
    }
    assert_eq!(report.summary.total, 10);

    // Denied listings: every check of those kinds is an error, none passes.
    let proxy = proxy::start(moto.port, deny_listings);
    let conn = connection(&proxy.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    for c in &report.checks {
        if c.id.starts_with("cloudfront_distribution/") {
            assert_eq!(c.status, Status::Pass, "{c:#?}");
            continue;
        }
        let action = if c.id.starts_with("lb_target_group/") {
            "`elasticloadbalancing:DescribeTargetGroups`"
        } else {
            "`elasticloadbalancing:DescribeLoadBalancers`"
        };
        assert_eq!(c.status, Status::Error, "{c:#?}");
        assert!(c.message.contains(action), "{}: {}", c.id, c.message);
    }
    // Nothing is asked per resource when the listing failed.
    let made = conn.recorder.calls();
    for call in [
        DESCRIBE_LISTENERS,
        DESCRIBE_TG_ATTRIBUTES,
        DESCRIBE_TARGET_HEALTH,
    ] {
        assert_eq!(made.get(call), None, "{made:?}");
    }
}

/// moto keeps the ACM certificate ARN and the TLS settings of a distribution but drops the S3
/// origin's `S3OriginConfig` and `OriginAccessControlId`, and reports
/// `CloudFrontDefaultCertificate=true` unless the request said false. Recorded here so that a moto
/// upgrade that changes it is noticed (docs/emulator.md).
#[test]
fn moto_cloudfront_quirks_are_as_documented() {
    let moto = Moto::start();
    let rt = rt();
    let s = crate::support::seed_edge::EdgeSeeder::new(&moto.endpoint);
    let cert = s
        .certificate("us-east-1", "shop.dorami.example")
        .expect("certificate");
    let (implicit, explicit) = rt.block_on(async {
        let a = s
            .distribution("implicit", "a.dorami.example", "alb.example", &cert, false)
            .await
            .expect("distribution");
        let b = s
            .distribution("explicit", "b.dorami.example", "alb.example", &cert, true)
            .await
            .expect("distribution");
        (a.0, b.0)
    });
    let listed = rt
        .block_on(s.cloudfront.list_distributions().send())
        .expect("list");
    let items = listed
        .distribution_list()
        .map(|l| l.items())
        .unwrap_or_default();
    let by_id = |id: &str| {
        items
            .iter()
            .find(|d| d.id() == id)
            .unwrap_or_else(|| panic!("{id} not listed"))
    };
    for (id, default_flag) in [(&implicit, true), (&explicit, false)] {
        let d = by_id(id);
        let vc = d.viewer_certificate().expect("viewer certificate");
        assert_eq!(
            vc.cloud_front_default_certificate(),
            Some(default_flag),
            "{id}"
        );
        assert_eq!(vc.acm_certificate_arn(), Some(cert.as_str()));
        assert_eq!(
            vc.minimum_protocol_version().map(|v| v.as_str()),
            Some("TLSv1.2_2021")
        );
        let s3 = d
            .origins()
            .map(|o| o.items())
            .unwrap_or_default()
            .iter()
            .find(|o| o.id() == "s3-front")
            .expect("s3 origin");
        assert!(
            s3.s3_origin_config().is_none(),
            "moto now keeps S3OriginConfig"
        );
        assert_eq!(
            s3.origin_access_control_id().filter(|s| !s.is_empty()),
            None,
            "moto now keeps OriginAccessControlId"
        );
    }
    // Whatever the flag says, the probe reports the certificate it was given.
    let snap: Snapshot = rt
        .block_on(probe::observe(
            &spec_text(&format!(
                "{}  - kind: cloudfront_distribution\n    id: {implicit}\n    expect: {{ acm_certificate_arn: {cert} }}\n",
                header()
            )),
            &connection(&moto.endpoint),
        ))
        .expect("observe");
    match &snap.resources[0].observation {
        Observation::Present { attributes, .. } => {
            assert_eq!(attributes["acm_certificate_arn"], json!(cert));
        }
        other => panic!("{other:?}"),
    }
}

/// moto answers DescribeTargetGroups in one page whatever PageSize says (so the probe's
/// pagination is proven by a replay test, `probe::elbv2::tests`), and gives plain HTTP listeners
/// an SSL policy (AWS reports none). Recorded here so that a moto upgrade that changes it is
/// noticed (docs/emulator.md).
#[test]
fn moto_elbv2_quirks_are_as_documented() {
    let (moto, e) = seeded();
    let rt = rt();
    let s = crate::support::seed_edge::EdgeSeeder::new(&moto.endpoint);
    let page = rt
        .block_on(s.elbv2.describe_target_groups().page_size(1).send())
        .expect("describe");
    assert_eq!(page.target_groups().len(), 3, "moto now honours PageSize");
    assert_eq!(page.next_marker(), None);
    let listeners = rt
        .block_on(
            s.elbv2
                .describe_listeners()
                .load_balancer_arn(&e.alb_arn)
                .send(),
        )
        .expect("listeners");
    let http = listeners
        .listeners()
        .iter()
        .find(|l| l.port() == Some(80))
        .expect("port 80");
    assert_eq!(http.ssl_policy(), Some("ELBSecurityPolicy-2016-08"));
}
