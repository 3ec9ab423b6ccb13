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
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_WEB_ACLS: &str = "wafv2:ListWebACLs";
const GET_WEB_ACL: &str = "wafv2:GetWebACL";
const LIST_RESOURCES: &str = "wafv2:ListResourcesForWebACL";
/// The region of every CLOUDFRONT-scoped WAF resource.
const CLOUDFRONT_REGION: &str = "us-east-1";
/// The resource types a REGIONAL web ACL may be associated with (AMPLIFY is CLOUDFRONT-only).
const REGIONAL_TYPES: &[&str] = &[
    "APPLICATION_LOAD_BALANCER",
    "API_GATEWAY",
    "APPSYNC",
    "COGNITO_USER_POOL",
    "APP_RUNNER_SERVICE",
    "VERIFIED_ACCESS_INSTANCE",
    "AGENTCORE_GATEWAY",
];

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
            (_, Some(arn)) => associated_resources(client, arn).await,
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
    loop {
        let page = client
            .list_web_acls()
            .scope(scope.clone())
            .limit(100)
            .set_next_marker(marker.take())
            .send()
            .await
            .map_err(|e| describe_error(LIST_WEB_ACLS, &e))?;
        let items = page.web_acls.unwrap_or_default();
        let empty = items.is_empty();
        out.extend(items);
        // WAF ends the list with a page without a marker (or, at times, an empty page).
        match page.next_marker.filter(|m| !m.is_empty()) {
            Some(m) if !empty => marker = Some(m),
            _ => return Ok(out),
        }
    }
}

/// Every resource of every regional type the web ACL is associated with, sorted.
async fn associated_resources(client: &Client, arn: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for ty in REGIONAL_TYPES {
        let page = client
            .list_resources_for_web_acl()
            .web_acl_arn(arn)
            .resource_type(ResourceType::from(*ty))
            .send()
            .await
            .map_err(|e| describe_error(LIST_RESOURCES, &e))?;
        out.extend(page.resource_arns.unwrap_or_default());
    }
    out.sort();
    Ok(out)
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
    let rate = rules
        .iter()
        .find_map(|r| r.statement().and_then(|s| s.rate_based_statement()));
    let managed: Vec<String> = rules
        .iter()
        .filter_map(|r| r.statement().and_then(|s| s.managed_rule_group_statement()))
        .map(|m| format!("{}/{}", m.vendor_name(), m.name()))
        .collect();
    BTreeMap::from([
        ("default_action".into(), json!(default_action)),
        ("rate_limit".into(), json!(rate.map(|r| r.limit()))),
        (
            "rate_limit_window_seconds".into(),
            json!(rate.map(|r| match r.evaluation_window_sec() {
                0 => 300,
                s => s,
            })),
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
        answers.extend(std::iter::repeat_n((200, none), REGIONAL_TYPES.len() - 2));
        let replay = Replay::new(&answers);
        let s = spec("version: 1\nenvironment: test\nresources:\n- kind: waf_web_acl\n  id: REGIONAL/api\n  expect: { associated_resources: { contains: x } }\n");
        let resources: Vec<&Resource> = s.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 1 + REGIONAL_TYPES.len(), "{requests:#?}");
        for ty in REGIONAL_TYPES {
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
        answers.extend(std::iter::repeat_n((200, none), REGIONAL_TYPES.len()));
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
}
