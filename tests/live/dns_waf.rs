//! ACM certificates, Route 53 zones and records, and WAFv2 web ACLs against moto: every attribute
//! moto models, failures, missing resources, access denied, and the calls made.

use std::collections::BTreeMap;

use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed_dns::{Acl, DnsSeeder};
use crate::{assert_only_expectations_fail, check, json_check, not_passing, observe, rt, run_json};

/// Certificates `shop.dorami.example` (with SAN `www.dorami.example`) and `api.dorami.example` in
/// us-east-1; public zone `dorami.example` (A, CNAME and an alias to CloudFront) and private zone
/// `internal.dorami`; web ACLs `CLOUDFRONT/dorami-edge` (allow, rate limit 2000 over 60 s,
/// SQLi and common rule sets) and `REGIONAL/dorami-api` (block, rate 500, default window).
async fn seed(endpoint: &str) {
    let s = DnsSeeder::new(endpoint);
    s.certificate("shop.dorami.example", &["www.dorami.example"], None)
        .await
        .expect("certificate");
    s.certificate("api.dorami.example", &[], None)
        .await
        .expect("certificate");
    let zone = s.zone("dorami.example", None).await.expect("zone");
    s.record(
        &zone,
        "api.dorami.example",
        aws_sdk_route53::types::RrType::A,
        300,
        &["192.0.2.10", "192.0.2.11"],
    )
    .await
    .expect("record");
    s.record(
        &zone,
        "www.dorami.example",
        aws_sdk_route53::types::RrType::Cname,
        60,
        &["shop.dorami.example"],
    )
    .await
    .expect("record");
    s.alias(
        &zone,
        "shop.dorami.example",
        "Z2FDTNDATAQYW2",
        "d111111abcdef8.cloudfront.net.",
    )
    .await
    .expect("alias");
    s.zone("internal.dorami", Some("vpc-12345678"))
        .await
        .expect("private zone");
    s.web_acl(&Acl {
        name: "dorami-edge",
        cloudfront: true,
        rate: Some((2000, 60)),
        managed: &[
            ("AWS", "AWSManagedRulesSQLiRuleSet"),
            ("AWS", "AWSManagedRulesCommonRuleSet"),
        ],
        ..Acl::default()
    })
    .await
    .expect("web acl");
    s.web_acl(&Acl {
        name: "dorami-api",
        block: true,
        rate: Some((500, 0)),
        ..Acl::default()
    })
    .await
    .expect("web acl");
}

const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: acm_certificate
    id: shop.dorami.example
    region: us-east-1
    expect:
      status: ISSUED
      in_use: false
      days_until_expiry: { at_least: 300 }
      renewal_eligibility: INELIGIBLE
      key_algorithm: RSA_2048
      type: AMAZON_ISSUED
      subject_alternative_names: { contains: www.dorami.example }
  - kind: acm_certificate
    id: api.dorami.example
    region: us-east-1
    expect: { status: ISSUED }
  - kind: route53_zone
    id: dorami.example.
    expect:
      private_zone: false
      record_count: 5
  - kind: route53_zone
    id: internal.dorami
    expect: { private_zone: true }
  - kind: route53_record
    id: dorami.example/api.dorami.example/A
    expect:
      type: A
      ttl: 300
      values: ["192.0.2.10", "192.0.2.11"]
      alias_target_dns_name: null
      alias_target_zone_id: null
  - kind: route53_record
    id: dorami.example/www.dorami.example/CNAME
    expect: { ttl: 60, values: [shop.dorami.example] }
  - kind: route53_record
    id: dorami.example/shop.dorami.example/A
    expect:
      ttl: null
      values: []
      alias_target_dns_name: d111111abcdef8.cloudfront.net
      alias_target_zone_id: Z2FDTNDATAQYW2
  - kind: waf_web_acl
    id: CLOUDFRONT/dorami-edge
    expect:
      default_action: allow
      rate_limit: 2000
      rate_limit_window_seconds: 60
      managed_rule_groups: [AWS/AWSManagedRulesSQLiRuleSet, AWS/AWSManagedRulesCommonRuleSet]
  - kind: waf_web_acl
    id: REGIONAL/dorami-api
    expect:
      default_action: block
      rate_limit: 500
      rate_limit_window_seconds: 300
      managed_rule_groups: []
"#;

fn calls(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn every_modelled_attribute_is_read_from_the_emulator_with_minimal_calls() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, made) = observe(&moto.endpoint, EVERY_ATTRIBUTE);
    assert_eq!(not_passing(&report), []);
    // 9 resources and 7 + 1 + 2 + 1 + 5 + 2 + 4 + 4 + 4 expectations.
    assert_eq!(report.summary.total, 9 + 30);
    // One list per operation; DescribeCertificate only for the certificate whose SANs are
    // checked; record sets listed once for the one zone; GetWebACL per named ACL.
    assert_eq!(
        made,
        calls(&[
            ("ACM:DescribeCertificate", 1),
            ("ACM:ListCertificates", 1),
            ("Route53:ListHostedZones", 1),
            ("Route53:ListResourceRecordSets", 1),
            ("STS:GetCallerIdentity", 1),
            ("WAFV2:GetWebACL", 2),
            ("WAFV2:ListWebACLs", 2),
        ])
    );

    // Existence only: no per-resource calls at all.
    let (_, report, made) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: acm_certificate\n    id: shop.dorami.example\n    region: us-east-1\n    expect: { status: ISSUED }\n  - kind: waf_web_acl\n    id: REGIONAL/dorami-api\n  - kind: route53_zone\n    id: dorami.example\n",
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        made,
        calls(&[
            ("ACM:ListCertificates", 1),
            ("Route53:ListHostedZones", 1),
            ("STS:GetCallerIdentity", 1),
            ("WAFV2:ListWebACLs", 1),
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
  - kind: acm_certificate
    id: shop.dorami.example
    region: us-east-1
    expect:
      status: PENDING_VALIDATION
      in_use: true
      days_until_expiry: { at_least: 5000 }
      renewal_eligibility: ELIGIBLE
      key_algorithm: EC_prime256v1
      type: IMPORTED
      subject_alternative_names: { contains: m.dorami.example }
  - kind: route53_zone
    id: dorami.example
    expect: { private_zone: true, record_count: { at_most: 2 } }
  - kind: route53_record
    id: dorami.example/api.dorami.example/A
    expect:
      ttl: 60
      values: { contains: 192.0.2.99 }
      alias_target_dns_name: d111111abcdef8.cloudfront.net
      alias_target_zone_id: Z2FDTNDATAQYW2
  - kind: route53_record
    id: dorami.example/shop.dorami.example/A
    expect: { type: AAAA }
  - kind: waf_web_acl
    id: CLOUDFRONT/dorami-edge
    expect:
      default_action: block
      rate_limit: { at_most: 1000 }
      rate_limit_window_seconds: 300
      managed_rule_groups: { contains: AWS/AWSManagedRulesKnownBadInputsRuleSet }
  - kind: waf_web_acl
    id: REGIONAL/dorami-api
    expect: { managed_rule_groups: { contains: AWS/AWSManagedRulesSQLiRuleSet } }
"#,
    );
    assert_eq!(
        assert_only_expectations_fail(&report),
        7 + 2 + 4 + 1 + 4 + 1
    );
    let actual = |id: &str| check(&report, id).actual.clone();
    assert_eq!(
        actual("acm_certificate/shop.dorami.example/status"),
        "ISSUED"
    );
    assert_eq!(
        actual("route53_record/dorami.example/api.dorami.example/A/ttl"),
        300
    );
    assert_eq!(
        actual("waf_web_acl/CLOUDFRONT/dorami-edge/rate_limit"),
        2000
    );
    assert_eq!(
        actual("waf_web_acl/CLOUDFRONT/dorami-edge/default_action"),
        "allow"
    );
}

#[test]
fn missing_resources_are_missing_and_must_not_exist_passes() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, made) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: acm_certificate
    id: nope.dorami.example
    region: us-east-1
    expect: { subject_alternative_names: [] }
  - kind: acm_certificate
    id: shop.dorami.example
    expect: { status: ISSUED }
  - kind: route53_zone
    id: nope.example
    expect: { private_zone: false }
  - kind: route53_record
    id: nope.example/www.nope.example/A
    expect: { ttl: 60 }
  - kind: route53_record
    id: dorami.example/nope.dorami.example/A
    expect: { ttl: 60 }
  - kind: route53_record
    id: dorami.example/api.dorami.example/AAAA
  - kind: waf_web_acl
    id: REGIONAL/dorami-edge
    expect: { default_action: allow }
  - kind: waf_web_acl
    id: CLOUDFRONT/nope
    exists: false
  - kind: route53_zone
    id: dorami.example
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
            (
                "acm_certificate/nope.dorami.example/exists",
                Status::Missing
            ),
            (
                "acm_certificate/nope.dorami.example/subject_alternative_names",
                Status::Missing
            ),
            // The certificate is in us-east-1, not the spec's region.
            (
                "acm_certificate/shop.dorami.example/exists",
                Status::Missing
            ),
            (
                "acm_certificate/shop.dorami.example/status",
                Status::Missing
            ),
            ("route53_zone/nope.example/exists", Status::Missing),
            ("route53_zone/nope.example/private_zone", Status::Missing),
            (
                "route53_record/nope.example/www.nope.example/A/exists",
                Status::Missing
            ),
            (
                "route53_record/nope.example/www.nope.example/A/ttl",
                Status::Missing
            ),
            (
                "route53_record/dorami.example/nope.dorami.example/A/exists",
                Status::Missing
            ),
            (
                "route53_record/dorami.example/nope.dorami.example/A/ttl",
                Status::Missing
            ),
            (
                "route53_record/dorami.example/api.dorami.example/AAAA/exists",
                Status::Missing
            ),
            ("waf_web_acl/REGIONAL/dorami-edge/exists", Status::Missing),
            (
                "waf_web_acl/REGIONAL/dorami-edge/default_action",
                Status::Missing
            ),
            ("waf_web_acl/CLOUDFRONT/nope/exists", Status::Pass),
            ("route53_zone/dorami.example/exists", Status::Fail),
        ]
    );
    // No per-resource call for what does not exist; no record list for a missing zone.
    assert_eq!(made.get("ACM:DescribeCertificate"), None);
    assert_eq!(made.get("WAFV2:GetWebACL"), None);
    assert_eq!(made.get("Route53:ListResourceRecordSets"), Some(&1));
    assert_eq!(made.get("ACM:ListCertificates"), Some(&2));
}

fn deny(request: &str) -> Option<Answer> {
    let target = amz_target(request).unwrap_or_default();
    if target == "CertificateManager.DescribeCertificate" || target == "AWSWAF_20190729.GetWebACL" {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    let first = request.lines().next().unwrap_or_default();
    (first.starts_with("GET ") && first.contains("/rrset"))
        .then(|| Answer::query_error(403, "AccessDenied"))
}

fn deny_lists(request: &str) -> Option<Answer> {
    let target = amz_target(request).unwrap_or_default();
    if target == "CertificateManager.ListCertificates" || target == "AWSWAF_20190729.ListWebACLs" {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    let first = request.lines().next().unwrap_or_default();
    (first.starts_with("GET ") && first.contains("/hostedzone") && !first.contains("/rrset"))
        .then(|| Answer::query_error(403, "AccessDenied"))
}

#[test]
fn access_denied_is_an_error_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let spec = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: acm_certificate\n    id: shop.dorami.example\n    region: us-east-1\n    expect: { status: ISSUED, subject_alternative_names: [] }\n  - kind: route53_zone\n    id: dorami.example\n    expect: { private_zone: false }\n  - kind: route53_record\n    id: dorami.example/api.dorami.example/A\n    expect: { ttl: 300 }\n  - kind: waf_web_acl\n    id: REGIONAL/dorami-api\n    expect: { default_action: block }\n  - kind: waf_web_acl\n    id: CLOUDFRONT/dorami-edge\n    expect: { associated_resources: [] }\n";
    let proxy = proxy::start(moto.port, deny);
    let report = run_json(&proxy.endpoint, spec, 3);
    let expect_error = |report: &serde_json::Value, id: &str, text: &str| {
        let c = json_check(report, id);
        assert_eq!(c["status"], "error", "{c}");
        assert!(
            c["message"].as_str().unwrap_or_default().contains(text),
            "{c}"
        );
    };
    let denied = |action: &str| format!("access denied: the caller may not call `{action}`");
    expect_error(
        &report,
        "acm_certificate/shop.dorami.example/subject_alternative_names",
        &denied("acm:DescribeCertificate"),
    );
    expect_error(
        &report,
        "route53_record/dorami.example/api.dorami.example/A/ttl",
        &denied("route53:ListResourceRecordSets"),
    );
    expect_error(
        &report,
        "waf_web_acl/REGIONAL/dorami-api/default_action",
        &denied("wafv2:GetWebACL"),
    );
    // CLOUDFRONT associations live on the distribution: an error, never a pass.
    expect_error(
        &report,
        "waf_web_acl/CLOUDFRONT/dorami-edge/associated_resources",
        "recorded on the distributions",
    );
    // What the lists gave is still observed.
    for id in [
        "acm_certificate/shop.dorami.example/status",
        "route53_zone/dorami.example/private_zone",
        "waf_web_acl/REGIONAL/dorami-api/exists",
    ] {
        assert_eq!(json_check(&report, id)["status"], "pass", "{id}");
    }

    let proxy = proxy::start(moto.port, deny_lists);
    let report = run_json(&proxy.endpoint, spec, 3);
    for (id, action) in [
        (
            "acm_certificate/shop.dorami.example/exists",
            "acm:ListCertificates",
        ),
        (
            "acm_certificate/shop.dorami.example/status",
            "acm:ListCertificates",
        ),
        (
            "route53_zone/dorami.example/exists",
            "route53:ListHostedZones",
        ),
        (
            "route53_record/dorami.example/api.dorami.example/A/exists",
            "route53:ListHostedZones",
        ),
        (
            "waf_web_acl/REGIONAL/dorami-api/exists",
            "wafv2:ListWebACLs",
        ),
        (
            "waf_web_acl/CLOUDFRONT/dorami-edge/associated_resources",
            "wafv2:ListWebACLs",
        ),
    ] {
        expect_error(&report, id, &denied(action));
    }
}

/// A Route 53 health check on the API's health path (HTTPS, three failures, latency measured)
/// found by the URL it requests and by its id: pass, fail with the actual value, missing, and an
/// error naming the action when ListHealthChecks is refused. Zones are not listed for it.
#[test]
fn health_checks_by_url_or_id() {
    use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType};
    let moto = Moto::start();
    let id = rt()
        .block_on(async {
            let r53 = aws_sdk_route53::Client::new(&crate::support::seed::emulator_config(
                &moto.endpoint,
            ));
            r53.create_health_check()
                .caller_reference("tickets-api-health")
                .health_check_config(
                    HealthCheckConfig::builder()
                        .r#type(HealthCheckType::Https)
                        .fully_qualified_domain_name("api.tickets.example")
                        .port(443)
                        .resource_path("/api/health")
                        .request_interval(30)
                        .failure_threshold(3)
                        .measure_latency(true)
                        .build()?,
                )
                .send()
                .await?
                .health_check
                .map(|h| h.id)
                .ok_or("no health check")
                .map_err(Into::into)
        })
        .map_err(|e: Box<dyn std::error::Error + Send + Sync>| e.to_string())
        .expect("health check");
    let spec = format!(
        "version: 1\nenvironment: test\nresources:\n\
         \x20 - kind: route53_health_check\n    id: https://api.tickets.example/api/health\n    expect: {{ type: HTTPS, resource_path: /api/health, failure_threshold: {{ at_most: 3 }}, measure_latency: true, disabled: false }}\n\
         \x20 - kind: route53_health_check\n    id: {id}\n    expect: {{ fqdn: api.tickets.example, port: 443 }}\n"
    );
    let (_, report, calls) = observe(&moto.endpoint, &spec);
    assert_eq!(not_passing(&report), []);
    assert_eq!(report.summary.total, 2 + 5 + 2);
    assert_eq!(calls.get("Route53:ListHealthChecks"), Some(&1));
    assert_eq!(calls.get("Route53:ListHostedZones"), None);

    let (_, report, _) = observe(
        &moto.endpoint,
        &format!("version: 1\nenvironment: test\nresources:\n  - kind: route53_health_check\n    id: {id}\n    expect: {{ request_interval: 10, resource_path: /health }}\n"),
    );
    assert_eq!(assert_only_expectations_fail(&report), 2);
    assert_eq!(
        check(&report, &format!("route53_health_check/{id}/resource_path")).actual,
        serde_json::json!("/api/health")
    );
    let (_, report, _) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: route53_health_check\n    id: https://api.tickets.example/other\n    expect: { disabled: false }\n",
    );
    assert_eq!(
        check(
            &report,
            "route53_health_check/https://api.tickets.example/other/disabled"
        )
        .status,
        Status::Missing
    );
    let guard = proxy::start(moto.port, |request| {
        request
            .lines()
            .next()
            .is_some_and(|l| l.contains("/healthcheck"))
            .then(|| Answer::query_error(403, "AccessDenied"))
    });
    let (_, report, _) = observe(&guard.endpoint, &spec);
    let denied = check(
        &report,
        "route53_health_check/https://api.tickets.example/api/health/type",
    );
    assert_eq!(denied.status, Status::Error);
    assert!(
        denied.message.contains("route53:ListHealthChecks"),
        "{}",
        denied.message
    );
}
