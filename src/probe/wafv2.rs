//! WAFv2 web ACLs, named `<scope>/<name>`. CLOUDFRONT-scoped ACLs live in us-east-1, so that
//! scope's client is always built there; REGIONAL ones in the resource's region. ListWebACLs (all
//! pages) is called once per scope that a spec names an ACL in; GetWebACL only for the named ACLs
//! that exist and whose checks ask for their rules or default action; ListResourcesForWebACL only
//! for `associated_resources`, once per regional resource type (the API lists one type per call,
//! Application Load Balancers when none is given). A CLOUDFRONT ACL's associations are recorded on
//! the distributions (`cloudfront_distribution` `web_acl_id`), so for that scope
//! `associated_resources` is an error, never a pass.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_wafv2::types::{ResourceType, Scope, WebAcl, WebAclSummary};
use aws_sdk_wafv2::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::describe_error;
use crate::aws::Connection;
use crate::plan::operations_for;
#[cfg(test)]
use crate::plan::WAF_RESOURCE_TYPES;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_WEB_ACLS: &str = "wafv2:ListWebACLs";
const GET_WEB_ACL: &str = "wafv2:GetWebACL";
const LIST_RESOURCES: &str = "wafv2:ListResourcesForWebACL";
/// The region of every CLOUDFRONT-scoped WAF resource.
const CLOUDFRONT_REGION: &str = "us-east-1";

fn parse_id(id: &str) -> Option<(Scope, &str)> {
    let (scope, name) = id.split_once('/')?;
    let scope = match scope.to_ascii_uppercase().as_str() {
        "CLOUDFRONT" => Scope::Cloudfront,
        "REGIONAL" => Scope::Regional,
        _ => return None,
    };
    (!name.is_empty()).then_some((scope, name))
}

/// Observes the named web ACLs.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let mut out = Vec::new();
    let mut by_scope: Vec<(Scope, Vec<(&Resource, &str)>)> = Vec::new();
    for r in resources {
        match parse_id(&r.id) {
            None => out.push(ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation: Observation::Error {
                    error: format!(
                        "`{}`: id must be CLOUDFRONT/<name> or REGIONAL/<name>",
                        r.id
                    ),
                },
            }),
            Some((scope, name)) => match by_scope.iter_mut().find(|(s, _)| *s == scope) {
                Some((_, named)) => named.push((r, name)),
                None => by_scope.push((scope, vec![(r, name)])),
            },
        }
    }
    for (scope, named) in by_scope {
        let client = if scope == Scope::Cloudfront {
            crate::client!(aws_sdk_wafv2, conn.in_region(CLOUDFRONT_REGION))
        } else {
            crate::client!(aws_sdk_wafv2, conn)
        };
        out.extend(observe_scope(&client, &scope, &named, conn.max_concurrency).await);
    }
    out
}

async fn observe_scope(
    client: &Client,
    scope: &Scope,
    named: &[(&Resource, &str)],
    limit: usize,
) -> Vec<ResourceRecord> {
    let listed = match list_web_acls(client, scope).await {
        Ok(listed) => listed,
        Err(error) => {
            return named
                .iter()
                .map(|(r, _)| ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation: Observation::Error {
                        error: error.clone(),
                    },
                })
                .collect()
        }
    };
    let listed: HashMap<&str, &WebAclSummary> =
        listed.iter().filter_map(|s| Some((s.name()?, s))).collect();
    stream::iter(named.iter())
        .map(|(r, name)| {
            let summary = listed.get(name).copied();
            async move {
                let observation = match summary {
                    None => Observation::Absent,
                    Some(summary) => observe_acl(client, scope, r, summary).await,
                };
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation,
                }
            }
        })
        .buffered(limit)
        .collect()
        .await
}

async fn observe_acl(
    client: &Client,
    scope: &Scope,
    r: &Resource,
    summary: &WebAclSummary,
) -> Observation {
    let ops = operations_for(r);
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let rule_attributes = [
        "default_action",
        "rate_limit",
        "rate_limit_window_seconds",
        "rate_limit_action",
        "managed_rule_groups",
    ];
    if ops.contains(GET_WEB_ACL) {
        let got = client
            .get_web_acl()
            .scope(scope.clone())
            .set_name(summary.name().map(String::from))
            .set_id(summary.id().map(String::from))
            .send()
            .await;
        match got {
            Ok(out) => match out.web_acl() {
                Some(acl) => attributes.extend(acl_attributes(acl)),
                None => {
                    for a in rule_attributes {
                        errors.insert(
                            a.to_string(),
                            format!("`{GET_WEB_ACL}` answered without the web ACL"),
                        );
                    }
                }
            },
            Err(e) => {
                let e = describe_error(GET_WEB_ACL, &e);
                for a in rule_attributes {
                    errors.insert(a.to_string(), e.clone());
                }
            }
        }
    }
    if ops.contains(LIST_RESOURCES) {
        let associated = match (scope, summary.arn()) {
            (Scope::Cloudfront, _) => Err("a CLOUDFRONT web ACL's associations are recorded on the distributions, not the ACL: check `web_acl_id` of the `cloudfront_distribution`".to_string()),
            (_, None) => Err(format!("`{LIST_WEB_ACLS}` listed the web ACL without an ARN")),
            (_, Some(arn)) => {
                associated_resources(client, arn, &crate::plan::waf_resource_types(r)).await
            }
        };
        match associated {
            Ok(arns) => {
                attributes.insert("associated_resources".into(), json!(arns));
            }
            Err(e) => {
                errors.insert("associated_resources".into(), e);
            }
        }
    }
    Observation::Present { attributes, errors }
}

/// Every web ACL of the scope, all pages. A failed page fails the whole list.
async fn list_web_acls(client: &Client, scope: &Scope) -> Result<Vec<WebAclSummary>, String> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen_markers = std::collections::HashSet::new();
    loop {
        let page = client
            .list_web_acls()
            .scope(scope.clone())
            .limit(100)
            .set_next_marker(marker.take())
            .send()
            .await
            .map_err(|e| describe_error(LIST_WEB_ACLS, &e))?;
        out.extend(page.web_acls.unwrap_or_default());
        // WAF ends the list with a page without a marker. A page may be empty and still carry
        // a marker: the list goes on. A marker given twice would never end: an error, not a
        // list cut short.
        match page.next_marker.filter(|m| !m.is_empty()) {
            Some(m) if !seen_markers.insert(m.clone()) => {
                return Err(format!(
                    "`{LIST_WEB_ACLS}` gave the same NextMarker twice; the list was not read to its end"
                ))
            }
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}

/// Every resource of the given regional types the web ACL is associated with, sorted. Each type
/// is its own call with its own permission: one that fails makes the list incomplete, so the
/// attribute is an error naming that type (and what the other types gave), never a shorter list.
async fn associated_resources(
    client: &Client,
    arn: &str,
    types: &[&str],
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for ty in types {
        match client
            .list_resources_for_web_acl()
            .web_acl_arn(arn)
            .resource_type(ResourceType::from(*ty))
            .send()
            .await
        {
            Ok(page) => out.extend(page.resource_arns.unwrap_or_default()),
            Err(e) => failed.push(format!("{ty}: {}", describe_error(LIST_RESOURCES, &e))),
        }
    }
    out.sort();
    if failed.is_empty() {
        return Ok(out);
    }
    let answered = if out.is_empty() {
        "none".to_string()
    } else {
        out.join(", ")
    };
    Err(format!(
        "the associations of {} resource type(s) could not be listed ({}); the other types gave: {answered}",
        failed.len(),
        failed.join("; ")
    ))
}

/// A rule's action: `block`, `allow`, `count`, `captcha` or `challenge` (null action: `none`).
fn rule_action(action: Option<&aws_sdk_wafv2::types::RuleAction>) -> &'static str {
    match action {
        Some(a) if a.block().is_some() => "block",
        Some(a) if a.captcha().is_some() => "captcha",
        Some(a) if a.challenge().is_some() => "challenge",
        Some(a) if a.count().is_some() => "count",
        Some(a) if a.allow().is_some() => "allow",
        _ => "none",
    }
}

/// The catalog's `waf_web_acl` attributes that GetWebACL reports.
pub fn acl_attributes(acl: &WebAcl) -> BTreeMap<String, Value> {
    let default_action = acl.default_action().and_then(|d| {
        if d.allow().is_some() {
            Some("allow")
        } else if d.block().is_some() {
            Some("block")
        } else {
            None
        }
    });
    let mut rules: Vec<_> = acl.rules().iter().collect();
    rules.sort_by_key(|r| r.priority());
    // Rate-based rules by priority with their action: one in Count mode only counts, so it
    // limits nothing; `rate_limit` is the first rule's that acts on what it matches.
    let rates: Vec<(&aws_sdk_wafv2::types::RateBasedStatement, &'static str)> = rules
        .iter()
        .filter_map(|r| {
            let rate = r.statement()?.rate_based_statement()?;
            Some((rate, rule_action(r.action())))
        })
        .collect();
    let enforcing = rates.iter().find(|(_, action)| *action != "count");
    let reported = enforcing.or(rates.first());
    // Firewall Manager's rule groups run before (pre-process) and after (post-process) the
    // ACL's own rules; their managed rule groups protect the ACL as its own do.
    let mut pre: Vec<_> = acl
        .pre_process_firewall_manager_rule_groups()
        .iter()
        .collect();
    pre.sort_by_key(|g| g.priority());
    let mut post: Vec<_> = acl
        .post_process_firewall_manager_rule_groups()
        .iter()
        .collect();
    post.sort_by_key(|g| g.priority());
    let fms = |g: &&aws_sdk_wafv2::types::FirewallManagerRuleGroup| {
        g.firewall_manager_statement()
            .and_then(|s| s.managed_rule_group_statement())
            .cloned()
    };
    let managed: Vec<String> = pre
        .iter()
        .filter_map(fms)
        .chain(
            rules
                .iter()
                .filter_map(|r| r.statement().and_then(|s| s.managed_rule_group_statement()))
                .cloned(),
        )
        .chain(post.iter().filter_map(fms))
        .map(|m| format!("{}/{}", m.vendor_name(), m.name()))
        .collect();
    BTreeMap::from([
        ("default_action".into(), json!(default_action)),
        (
            "rate_limit".into(),
            json!(enforcing.map(|(r, _)| r.limit())),
        ),
        (
            "rate_limit_window_seconds".into(),
            json!(enforcing.map(|(r, _)| match r.evaluation_window_sec() {
                0 => 300,
                s => s,
            })),
        ),
        (
            "rate_limit_action".into(),
            json!(reported.map(|(_, action)| *action)),
        ),
        ("managed_rule_groups".into(), json!(managed)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    fn spec(text: &str) -> crate::spec::Spec {
        crate::spec::from_str(std::path::Path::new("inline.yaml"), text).expect("spec")
    }

    #[test]
    fn ids_name_a_scope() {
        assert!(matches!(
            parse_id("cloudfront/edge"),
            Some((Scope::Cloudfront, "edge"))
        ));
        assert!(matches!(
            parse_id("REGIONAL/api"),
            Some((Scope::Regional, "api"))
        ));
        assert!(parse_id("GLOBAL/api").is_none());
        assert!(parse_id("REGIONAL/").is_none());
        assert!(parse_id("api").is_none());
    }

    const LIST: &str = r#"{"WebACLs":[{"Name":"api","Id":"id-1","ARN":"arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/api/id-1"}]}"#;

    /// moto does not implement ListResourcesForWebACL: every regional resource type is asked
    /// for, and the ARNs of all of them are reported.
    #[tokio::test]
    async fn associated_resources_of_every_regional_type() {
        let alb = r#"{"ResourceArns":["arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/1"]}"#;
        let api =
            r#"{"ResourceArns":["arn:aws:apigateway:ap-northeast-2::/restapis/abc/stages/prod"]}"#;
        let none = r#"{"ResourceArns":[]}"#;
        let mut answers = vec![(200, LIST), (200, alb), (200, api)];
        answers.extend(std::iter::repeat_n(
            (200, none),
            WAF_RESOURCE_TYPES.len() - 2,
        ));
        let replay = Replay::new(&answers);
        let s = spec("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: { associated_resources: { contains: x } }\n");
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(
            requests.len(),
            1 + WAF_RESOURCE_TYPES.len(),
            "{requests:#?}"
        );
        for (ty, _, _) in WAF_RESOURCE_TYPES {
            assert!(
                requests
                    .iter()
                    .any(|r| r.contains(&format!(r#""ResourceType":"{ty}""#))),
                "{ty}"
            );
        }
        match &records[0].observation {
            Observation::Present { attributes, errors } => {
                assert!(errors.is_empty(), "{errors:?}");
                assert_eq!(
                    attributes["associated_resources"],
                    json!([
                        "arn:aws:apigateway:ap-northeast-2::/restapis/abc/stages/prod",
                        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/1"
                    ])
                );
                assert!(!attributes.contains_key("default_action"));
            }
            other => panic!("{other:?}"),
        }
    }

    /// The association checks fail when the ALB is not associated, and a denied
    /// ListResourcesForWebACL makes them errors naming the action (never a pass), while what
    /// the list gave stands.
    #[tokio::test]
    async fn associations_fail_when_absent_and_are_errors_when_denied() {
        let alb = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/1";
        let text = format!(
            "version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: {{ associated_resources: {{ contains: \"{alb}\" }} }}\n"
        );
        let s = spec(&text);
        let none = r#"{"ResourceArns":[]}"#;
        let mut answers = vec![(200, LIST)];
        answers.extend(std::iter::repeat_n((200, none), WAF_RESOURCE_TYPES.len()));
        let replay = Replay::new(&answers);
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let snapshot = |records| crate::snapshot::Snapshot {
            snapshot_version: crate::snapshot::SNAPSHOT_VERSION,
            metadata: crate::snapshot::Metadata {
                tool: "infra-verify".into(),
                tool_version: String::new(),
                taken_at: "2026-12-02T00:00:00Z".into(),
                environment: "test".into(),
                account_id: None,
                region: None,
                caller_arn: None,
                endpoint: None,
                connect_to: Default::default(),
                api_calls: Default::default(),
                api_retries: Default::default(),
            },
            resources: records,
        };
        let records = observe(&replay.connection(), &resources).await;
        let report = crate::evaluate::evaluate(&s, &snapshot(records));
        let status = |r: &crate::evaluate::Report, id: &str| {
            r.checks
                .iter()
                .find(|c| c.id == id)
                .map(|c| (c.status, c.message.clone()))
                .expect("check")
        };
        let id = "waf_web_acl/REGIONAL/api/associated_resources";
        assert_eq!(status(&report, id).0, crate::evaluate::Status::Fail);

        let denied = r#"{"__type":"AccessDeniedException","message":"no"}"#;
        let replay = Replay::new(&[(200, LIST), (400, denied)]);
        let records = observe(&replay.connection(), &resources).await;
        let report = crate::evaluate::evaluate(&s, &snapshot(records));
        let (st, message) = status(&report, id);
        assert_eq!(st, crate::evaluate::Status::Error, "{message}");
        assert!(
            message
                .contains("access denied: the caller may not call `wafv2:ListResourcesForWebACL`"),
            "{message}"
        );
        assert_eq!(
            status(&report, "waf_web_acl/REGIONAL/api/exists").0,
            crate::evaluate::Status::Pass
        );
    }

    /// Two pages of ListWebACLs; the second asked for with the first's marker.
    #[tokio::test]
    async fn list_web_acls_reads_every_page() {
        let first = r#"{"WebACLs":[{"Name":"one","Id":"1","ARN":"arn:1"}],"NextMarker":"m-2"}"#;
        let second = r#"{"WebACLs":[{"Name":"two","Id":"2","ARN":"arn:2"}]}"#;
        let replay = Replay::new(&[(200, first), (200, second)]);
        let s = spec("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/two\n- kind: waf_web_acl\n  id: REGIONAL/three\n");
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[1].contains(r#""NextMarker":"m-2""#),
            "{}",
            requests[1]
        );
        assert!(matches!(
            records[0].observation,
            Observation::Present { .. }
        ));
        assert_eq!(records[1].observation, Observation::Absent);
    }

    /// A GetWebACL body shaped like the API reference's: Firewall Manager rule groups before and
    /// after the ACL's own rules, and a rate-based rule in Count mode ahead of one that blocks.
    const GET: &str = r#"{"WebACL":{"Name":"api","Id":"id-1","ARN":"arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/api/id-1",
        "DefaultAction":{"Allow":{}},"Capacity":1200,"ManagedByFirewallManager":false,
        "PreProcessFirewallManagerRuleGroups":[{"Name":"FMManagedRuleGroupFirst","Priority":0,
            "FirewallManagerStatement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}},
            "OverrideAction":{"None":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"pre"}}],
        "PostProcessFirewallManagerRuleGroups":[{"Name":"FMManagedRuleGroupLast","Priority":0,
            "FirewallManagerStatement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet"}},
            "OverrideAction":{"None":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"post"}}],
        "Rules":[
          {"Name":"rate-trial","Priority":1,"Action":{"Count":{}},
           "Statement":{"RateBasedStatement":{"Limit":50,"AggregateKeyType":"IP","EvaluationWindowSec":60}},
           "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"rt"}},
          {"Name":"rate-limit","Priority":2,"Action":{"Block":{}},
           "Statement":{"RateBasedStatement":{"Limit":100,"AggregateKeyType":"IP"}},
           "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"rl"}},
          {"Name":"xss","Priority":3,"OverrideAction":{"None":{}},
           "Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesKnownBadInputsRuleSet"}},
           "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"x"}}]},
        "LockToken":"token"}"#;

    async fn acl_of(body: &str) -> BTreeMap<String, Value> {
        let out: serde_json::Value = serde_json::from_str(body).expect("json");
        assert!(out["WebACL"].is_object());
        // Through the SDK's own deserializer: a replayed GetWebACL.
        let replay = Replay::new(&[(200, LIST), (200, body)]);
        let s = spec("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: { rate_limit: 100, managed_rule_groups: [] }\n");
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        match &records[0].observation {
            Observation::Present { attributes, errors } => {
                assert!(errors.is_empty(), "{errors:?}");
                attributes.clone()
            }
            other => panic!("{other:?}"),
        }
    }

    /// Firewall Manager's rule groups are managed rule groups of the ACL; a rate-based rule in
    /// Count mode is not a rate limit, and the action of the one reported is.
    #[tokio::test]
    async fn firewall_manager_groups_count_and_a_counting_rate_rule_does_not() {
        let a = acl_of(GET).await;
        assert_eq!(
            a["managed_rule_groups"],
            json!([
                "AWS/AWSManagedRulesCommonRuleSet",
                "AWS/AWSManagedRulesKnownBadInputsRuleSet",
                "AWS/AWSManagedRulesSQLiRuleSet"
            ])
        );
        assert_eq!(a["rate_limit"], json!(100));
        assert_eq!(a["rate_limit_window_seconds"], json!(300));
        assert_eq!(a["rate_limit_action"], json!("block"));
        // Only the counting rule: no rate limit, and the action says why.
        let counting = GET.replace(r#""Action":{"Block":{}}"#, r#""Action":{"Count":{}}"#);
        let a = acl_of(&counting).await;
        assert_eq!(a["rate_limit"], Value::Null);
        assert_eq!(a["rate_limit_window_seconds"], Value::Null);
        assert_eq!(a["rate_limit_action"], json!("count"));
    }

    /// An empty ListWebACLs page that carries a marker is not the end of the list.
    #[tokio::test]
    async fn an_empty_page_with_a_marker_goes_on() {
        let first = r#"{"WebACLs":[],"NextMarker":"m-2"}"#;
        let second = r#"{"WebACLs":[{"Name":"two","Id":"2","ARN":"arn:2"}],"NextMarker":"m-3"}"#;
        let third = r#"{"WebACLs":[]}"#;
        let replay = Replay::new(&[(200, first), (200, second), (200, third)]);
        let s = spec(
            "version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/two\n",
        );
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 3);
        assert!(matches!(
            records[0].observation,
            Observation::Present { .. }
        ));
        // A marker given twice is an error, not an endless list or one cut short.
        let looping = r#"{"WebACLs":[],"NextMarker":"m-1"}"#;
        let replay = Replay::new(&[(200, looping), (200, looping)]);
        let records = observe(&replay.connection(), &resources).await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("NextMarker")),
            "{:?}",
            records[0].observation
        );
    }

    /// `contains:` of an ALB's ARN asks only for ALBs (one call, one permission); any other
    /// expectation asks for every type, and one type denied is an error naming it and keeping
    /// what the others gave.
    #[tokio::test]
    async fn only_the_types_asked_about_are_listed_and_a_denied_type_is_named() {
        let alb = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/1";
        let found = format!(r#"{{"ResourceArns":["{alb}"]}}"#);
        let replay = Replay::new(&[(200, LIST), (200, &found)]);
        let s = spec(&format!("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: {{ associated_resources: {{ contains: \"{alb}\" }} }}\n"));
        assert_eq!(
            crate::plan::extra_actions(Some(&s.resources[0])),
            ["elasticloadbalancing:DescribeWebACLAssociation"]
        );
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(requests[1].contains(r#""ResourceType":"APPLICATION_LOAD_BALANCER""#));
        match &records[0].observation {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["associated_resources"], json!([alb]))
            }
            other => panic!("{other:?}"),
        }

        // `equals: [ALB]` needs every type; API Gateway's is denied.
        let access = r#"{"__type":"AccessDeniedException","message":"User is not authorized"}"#;
        let none = r#"{"ResourceArns":[]}"#;
        let mut answers = vec![(200, LIST), (200, found.as_str()), (400, access)];
        answers.extend(std::iter::repeat_n(
            (200, none),
            WAF_RESOURCE_TYPES.len() - 2,
        ));
        let replay = Replay::new(&answers);
        let s = spec(&format!("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: {{ associated_resources: [\"{alb}\"] }}\n"));
        assert_eq!(
            crate::plan::extra_actions(Some(&s.resources[0])).len(),
            WAF_RESOURCE_TYPES.iter().filter(|t| t.2.is_some()).count()
        );
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 1 + WAF_RESOURCE_TYPES.len());
        match &records[0].observation {
            Observation::Present { errors, .. } => {
                let e = &errors["associated_resources"];
                assert!(e.contains("API_GATEWAY: access denied"), "{e}");
                assert!(e.contains(alb), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
}
