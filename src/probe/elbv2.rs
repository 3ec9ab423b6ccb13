//! Elastic Load Balancing v2: load balancers, their listeners, and target groups.
//!
//! One paginated DescribeLoadBalancers serves every `lb` check and finds the load balancers that
//! `lb_listener` resources name (made once even when both kinds are in the spec); DescribeListeners
//! is then called once per such load balancer. One paginated DescribeTargetGroups serves the
//! `lb_target_group` checks; DescribeTargetGroupAttributes and DescribeTargetHealth are called per
//! named target group, and only when the spec checks an attribute they provide. Per-resource calls
//! run a bounded number at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_elasticloadbalancingv2::types::{
    Action, Listener, LoadBalancer, TargetGroup, TargetGroupAttribute, TargetHealthDescription,
    TargetHealthStateEnum,
};
use aws_sdk_elasticloadbalancingv2::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error, from_listing, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LOAD_BALANCERS: &str = "elasticloadbalancing:DescribeLoadBalancers";
const LISTENERS: &str = "elasticloadbalancing:DescribeListeners";
const TARGET_GROUPS: &str = "elasticloadbalancing:DescribeTargetGroups";
const TARGET_GROUP_ATTRIBUTES: &str = "elasticloadbalancing:DescribeTargetGroupAttributes";
const TARGET_HEALTH: &str = "elasticloadbalancing:DescribeTargetHealth";

/// Observes the named load balancers, listeners and target groups.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_elasticloadbalancingv2, conn);
    let (balancers, listeners, groups) = (
        of_kind(resources, "lb"),
        of_kind(resources, "lb_listener"),
        of_kind(resources, "lb_target_group"),
    );
    let (mut records, group_records) = tokio::join!(
        async {
            if balancers.is_empty() && listeners.is_empty() {
                return Vec::new();
            }
            let listed = list_load_balancers(&client).await;
            from_balancers(
                &client,
                &listed,
                &balancers,
                &listeners,
                conn.max_concurrency,
            )
            .await
        },
        async {
            if groups.is_empty() {
                return Vec::new();
            }
            let listed = list_target_groups(&client).await;
            from_target_groups(&client, &listed, &groups, conn.max_concurrency).await
        },
    );
    records.extend(group_records);
    records
}

/// Every load balancer in the region (all pages).
pub(crate) async fn list_load_balancers(client: &Client) -> Result<Vec<LoadBalancer>, String> {
    collect_pages(
        client.describe_load_balancers().into_paginator().send(),
        LOAD_BALANCERS,
        |page| page.load_balancers.unwrap_or_default(),
    )
    .await
}

/// Every listener of one load balancer (all pages).
pub(crate) async fn list_listeners(client: &Client, lb_arn: &str) -> Result<Vec<Listener>, String> {
    collect_pages(
        client
            .describe_listeners()
            .load_balancer_arn(lb_arn)
            .into_paginator()
            .send(),
        LISTENERS,
        |page| page.listeners.unwrap_or_default(),
    )
    .await
}

/// Every target group in the region (all pages).
pub(crate) async fn list_target_groups(client: &Client) -> Result<Vec<TargetGroup>, String> {
    collect_pages(
        // The largest page AWS serves (400).
        client
            .describe_target_groups()
            .page_size(400)
            .into_paginator()
            .send(),
        TARGET_GROUPS,
        |page| page.target_groups.unwrap_or_default(),
    )
    .await
}

/// Splits a listener id, `<load balancer name or ARN>:<port>`.
fn listener_id(id: &str) -> Option<(&str, i32)> {
    crate::catalog::id::split_listener(id)
}

/// The named load balancers and listeners, from a listing of the load balancers already made
/// (see [`list_load_balancers`]).
pub(crate) async fn from_balancers(
    client: &Client,
    listed: &Result<Vec<LoadBalancer>, String>,
    balancers: &[&Resource],
    listeners: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => {
            let mut records = all_errors(balancers, e);
            records.extend(all_errors(listeners, e));
            return records;
        }
    };
    // Name and ARN -> load balancer.
    let mut by_id: HashMap<String, &LoadBalancer> = HashMap::new();
    for lb in listed {
        for key in [lb.load_balancer_name(), lb.load_balancer_arn()]
            .into_iter()
            .flatten()
        {
            by_id.insert(key.to_string(), lb);
        }
    }
    let mut records = from_listing(balancers, "lb", &by_id, |lb| lb_attributes(lb));

    // One DescribeListeners per load balancer that a listener resource names.
    let wanted: BTreeSet<&str> = listeners
        .iter()
        .filter_map(|r| listener_id(&r.id))
        .filter_map(|(lb, _)| by_id.get(lb).and_then(|lb| lb.load_balancer_arn()))
        .collect();
    let fetched: HashMap<&str, Result<Vec<Listener>, String>> = stream::iter(wanted)
        .map(|arn| async move { (arn, list_listeners(client, arn).await) })
        .buffered(limit)
        .collect()
        .await;

    records.extend(listeners.iter().map(|r| {
        let observation = match listener_id(&r.id) {
            None => Observation::Error {
                error: format!(
                    "`{}` is not a listener id: write `<load balancer name>:<port>`",
                    r.id
                ),
            },
            Some((lb, port)) => match by_id.get(lb) {
                None => Observation::Absent,
                Some(lb) => match lb.load_balancer_arn().and_then(|arn| fetched.get(arn)) {
                    None => Observation::Error {
                        error: format!(
                            "`{LOAD_BALANCERS}` returned load balancer `{}` without an ARN",
                            r.id
                        ),
                    },
                    Some(Err(e)) => Observation::Error { error: e.clone() },
                    Some(Ok(ls)) => match ls.iter().find(|l| l.port() == Some(port)) {
                        Some(l) => Observation::Present {
                            attributes: listener_attributes(l),
                            errors: BTreeMap::new(),
                        },
                        None => Observation::Absent,
                    },
                },
            },
        };
        ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation,
        }
    }));
    records
}

/// Discovery: every listener of every load balancer listed (one DescribeListeners per load
/// balancer, a bounded number at once), named `<load balancer name>:<port>`. A load balancer
/// whose listeners could not be read is an error record `<name>:*`.
pub(crate) async fn discover_listeners(
    client: &Client,
    balancers: &[LoadBalancer],
    limit: usize,
) -> Vec<ResourceRecord> {
    let named: Vec<(&str, &str)> = balancers
        .iter()
        .filter_map(|lb| Some((lb.load_balancer_name()?, lb.load_balancer_arn()?)))
        .collect();
    let answers: Vec<(&str, Result<Vec<Listener>, String>)> = stream::iter(named)
        .map(|(name, arn)| async move { (name, list_listeners(client, arn).await) })
        .buffered(limit)
        .collect()
        .await;
    let record = |id: String, observation| ResourceRecord {
        kind: "lb_listener".into(),
        id,
        observation,
    };
    let mut records = Vec::new();
    for (name, answer) in answers {
        match answer {
            Ok(listeners) => records.extend(listeners.iter().filter_map(|l| {
                Some(record(
                    format!("{name}:{}", l.port()?),
                    Observation::Present {
                        attributes: listener_attributes(l),
                        errors: BTreeMap::new(),
                    },
                ))
            })),
            Err(error) => records.push(record(format!("{name}:*"), Observation::Error { error })),
        }
    }
    records
}

/// The catalog's `lb` attributes of one load balancer.
pub fn lb_attributes(lb: &LoadBalancer) -> BTreeMap<String, Value> {
    let zones: Vec<&str> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| z.zone_name())
        .collect();
    BTreeMap::from([
        ("type".into(), json!(lb.r#type().map(|t| t.as_str()))),
        ("scheme".into(), json!(lb.scheme().map(|s| s.as_str()))),
        (
            "state".into(),
            json!(lb.state().and_then(|s| s.code()).map(|c| c.as_str())),
        ),
        ("dns_name".into(), json!(lb.dns_name())),
        ("security_groups".into(), json!(lb.security_groups())),
        ("availability_zone_count".into(), json!(zones.len())),
        ("availability_zones".into(), json!(zones)),
    ])
}

/// The action a listener finally performs: the one with the highest `Order` (authenticate
/// actions come first), or the only one.
fn terminal_action(actions: &[Action]) -> Option<&Action> {
    actions
        .iter()
        .enumerate()
        .max_by_key(|(i, a)| (a.order().unwrap_or(0), *i))
        .map(|(_, a)| a)
}

/// The catalog's `lb_listener` attributes of one listener.
pub fn listener_attributes(l: &Listener) -> BTreeMap<String, Value> {
    let action = terminal_action(l.default_actions());
    let redirect = action.and_then(|a| a.redirect_config());
    let mut forward: Vec<&str> = Vec::new();
    if let Some(a) = action {
        let tuples = a
            .forward_config()
            .map(|f| f.target_groups())
            .unwrap_or_default();
        for arn in a
            .target_group_arn()
            .into_iter()
            .chain(tuples.iter().filter_map(|t| t.target_group_arn()))
        {
            if !forward.contains(&arn) {
                forward.push(arn);
            }
        }
    }
    let certificates: Vec<&str> = l
        .certificates()
        .iter()
        .filter_map(|c| c.certificate_arn())
        .collect();
    BTreeMap::from([
        ("protocol".into(), json!(l.protocol().map(|p| p.as_str()))),
        ("certificate_arns".into(), json!(certificates)),
        ("ssl_policy".into(), json!(l.ssl_policy())),
        (
            "default_action".into(),
            json!(action.and_then(|a| a.r#type()).map(|t| t.as_str())),
        ),
        (
            "redirect_protocol".into(),
            json!(redirect.and_then(|r| r.protocol())),
        ),
        (
            "redirect_port".into(),
            json!(redirect.and_then(|r| r.port())),
        ),
        (
            "redirect_status_code".into(),
            json!(redirect.and_then(|r| r.status_code()).map(|s| s.as_str())),
        ),
        ("forward_target_group_arns".into(), json!(forward)),
    ])
}

/// The catalog's `lb_target_group` attributes that DescribeTargetGroups provides.
pub fn target_group_attributes(tg: &TargetGroup) -> BTreeMap<String, Value> {
    let matcher = tg
        .matcher()
        .and_then(|m| m.http_code().or_else(|| m.grpc_code()));
    BTreeMap::from([
        ("protocol".into(), json!(tg.protocol().map(|p| p.as_str()))),
        ("port".into(), json!(tg.port())),
        (
            "target_type".into(),
            json!(tg.target_type().map(|t| t.as_str())),
        ),
        ("health_check_path".into(), json!(tg.health_check_path())),
        (
            "health_check_protocol".into(),
            json!(tg.health_check_protocol().map(|p| p.as_str())),
        ),
        ("health_check_matcher".into(), json!(matcher)),
        (
            "health_check_interval_seconds".into(),
            json!(tg.health_check_interval_seconds()),
        ),
        (
            "healthy_threshold".into(),
            json!(tg.healthy_threshold_count()),
        ),
        (
            "unhealthy_threshold".into(),
            json!(tg.unhealthy_threshold_count()),
        ),
    ])
}

type Fetched = Result<Vec<(String, Value)>, String>;

/// `stickiness_enabled` and `stickiness_type` from a target group's attributes. A key the service
/// does not report is `null`; a value that is not what the API documents is an error.
pub fn stickiness(attributes: &[TargetGroupAttribute]) -> Fetched {
    let get = |key: &str| {
        attributes
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
    };
    let enabled = match get("stickiness.enabled") {
        None => Value::Null,
        Some("true") => json!(true),
        Some("false") => json!(false),
        Some(other) => {
            return Err(format!(
                "`{TARGET_GROUP_ATTRIBUTES}` reported stickiness.enabled = `{other}`, neither true nor false"
            ))
        }
    };
    Ok(vec![
        ("stickiness_enabled".into(), enabled),
        ("stickiness_type".into(), json!(get("stickiness.type"))),
    ])
}

/// `target_count` and `healthy_count` from a target group's health descriptions.
pub fn health_counts(descriptions: &[TargetHealthDescription]) -> Fetched {
    let healthy = descriptions
        .iter()
        .filter(|d| {
            d.target_health().and_then(|h| h.state()) == Some(&TargetHealthStateEnum::Healthy)
        })
        .count();
    Ok(vec![
        ("target_count".into(), json!(descriptions.len())),
        ("healthy_count".into(), json!(healthy)),
    ])
}

async fn fetch(client: &Client, arn: &str, action: &str) -> Fetched {
    match action {
        TARGET_GROUP_ATTRIBUTES => match client
            .describe_target_group_attributes()
            .target_group_arn(arn)
            .send()
            .await
        {
            Ok(o) => stickiness(o.attributes()),
            Err(e) => Err(describe_error(action, &e)),
        },
        TARGET_HEALTH => match client
            .describe_target_health()
            .target_group_arn(arn)
            .send()
            .await
        {
            Ok(o) => health_counts(o.target_health_descriptions()),
            Err(e) => Err(describe_error(action, &e)),
        },
        other => Err(format!(
            "infra-verify cannot read `{other}` for target groups"
        )),
    }
}

/// One target group's record: the listing's attributes plus the per-group calls its checks need.
async fn target_group(client: &Client, r: &Resource, tg: &TargetGroup) -> Observation {
    let mut attributes = target_group_attributes(tg);
    let mut errors = BTreeMap::new();
    let needed: Vec<&str> = operations_for(r)
        .into_iter()
        .filter(|a| [TARGET_GROUP_ATTRIBUTES, TARGET_HEALTH].contains(a))
        .collect();
    let results = futures::future::join_all(needed.iter().map(|action| async move {
        let result = match tg.target_group_arn() {
            Some(arn) => fetch(client, arn, action).await,
            None => Err(format!(
                "`{TARGET_GROUPS}` returned target group `{}` without an ARN",
                r.id
            )),
        };
        (*action, result)
    }))
    .await;
    for (action, result) in results {
        match result {
            Ok(values) => attributes.extend(values),
            Err(err) => {
                for a in r.kind.attributes.iter().filter(|a| a.operation == action) {
                    errors.insert(a.name.to_string(), err.clone());
                }
            }
        }
    }
    Observation::Present { attributes, errors }
}

/// The named target groups, from a listing already made (see [`list_target_groups`]).
pub(crate) async fn from_target_groups(
    client: &Client,
    listed: &Result<Vec<TargetGroup>, String>,
    resources: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return all_errors(resources, e),
    };
    let mut by_id: HashMap<&str, &TargetGroup> = HashMap::new();
    for tg in listed {
        for key in [tg.target_group_name(), tg.target_group_arn()]
            .into_iter()
            .flatten()
        {
            by_id.insert(key, tg);
        }
    }
    let by_id = &by_id;
    stream::iter(resources.iter())
        .map(|r| async move {
            let observation = match by_id.get(r.id.as_str()) {
                None => Observation::Absent,
                Some(tg) => target_group(client, r, tg).await,
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .buffered(limit)
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use aws_sdk_elasticloadbalancingv2::types::{
        ActionTypeEnum, AuthenticateOidcActionConfig, Certificate, FixedResponseActionConfig,
        ForwardActionConfig, LoadBalancerTypeEnum, Matcher, ProtocolEnum, RedirectActionConfig,
        RedirectActionStatusCodeEnum, TargetGroupTuple, TargetHealth,
    };

    use crate::probe::replay::Replay;

    fn tg_page(names: &[&str], next_marker: Option<&str>) -> String {
        let members: String = names
            .iter()
            .map(|n| {
                format!(
                    "<member><TargetGroupArn>arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/{n}/0123456789abcdef</TargetGroupArn>\
                     <TargetGroupName>{n}</TargetGroupName><Protocol>HTTP</Protocol><Port>3001</Port>\
                     <HealthCheckPath>/api/health</HealthCheckPath></member>"
                )
            })
            .collect();
        let marker = next_marker
            .map(|m| format!("<NextMarker>{m}</NextMarker>"))
            .unwrap_or_default();
        format!(
            "<DescribeTargetGroupsResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">\
             <DescribeTargetGroupsResult><TargetGroups>{members}</TargetGroups>{marker}</DescribeTargetGroupsResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>"
        )
    }

    /// moto ignores PageSize/Marker on DescribeTargetGroups (always one page), so pagination is
    /// proven here: two pages, both read, the second asked for with the first page's marker.
    #[tokio::test]
    async fn describe_target_groups_reads_every_page() {
        let replay = Replay::new(&[
            (
                200,
                &tg_page(&["tg-page-1a", "tg-page-1b"], Some("marker-2")),
            ),
            (200, &tg_page(&["tg-page-2"], None)),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: lb_target_group\n  id: tg-page-1a\n  expect: { health_check_path: /api/health }\n\
             - kind: lb_target_group\n  id: tg-page-2\n  expect: { health_check_path: /api/health }\n\
             - kind: lb_target_group\n  id: tg-nowhere\n  expect: { port: 3001 }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("Action=DescribeTargetGroups"),
            "{}",
            requests[0]
        );
        assert!(!requests[0].contains("Marker="), "{}", requests[0]);
        assert!(requests[1].contains("Marker=marker-2"), "{}", requests[1]);
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([("ElasticLoadBalancingv2:DescribeTargetGroups".to_string(), 2)])
        );
        let by_id: HashMap<&str, &Observation> = records
            .iter()
            .map(|r| (r.id.as_str(), &r.observation))
            .collect();
        for id in ["tg-page-1a", "tg-page-2"] {
            match by_id.get(id) {
                Some(Observation::Present { attributes, errors }) => {
                    assert!(errors.is_empty(), "{errors:?}");
                    assert_eq!(attributes["health_check_path"], json!("/api/health"));
                    assert_eq!(attributes["port"], json!(3001));
                }
                other => panic!("{id}: {other:?}"),
            }
        }
        assert_eq!(by_id.get("tg-nowhere"), Some(&&Observation::Absent));
        // And the listing function on its own sees all three groups.
        let replay = Replay::new(&[
            (200, &tg_page(&["a", "b"], Some("m"))),
            (200, &tg_page(&["c"], None)),
        ]);
        let client = crate::client!(aws_sdk_elasticloadbalancingv2, replay.connection());
        let names: Vec<String> = list_target_groups(&client)
            .await
            .expect("listing")
            .iter()
            .filter_map(|t| t.target_group_name().map(str::to_string))
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn a_failed_second_page_is_an_error_for_every_target_group_not_a_partial_listing() {
        let replay = Replay::new(&[
            (200, &tg_page(&["tg-page-1a"], Some("marker-2"))),
            (
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            ),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: lb_target_group\n  id: tg-page-1a\n  expect: { port: 3001 }\n\
             - kind: lb_target_group\n  id: tg-page-2\n  exists: false\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        assert_eq!(records.len(), 2);
        for r in &records {
            match &r.observation {
                Observation::Error { error } => assert!(
                    error.contains("`elasticloadbalancing:DescribeTargetGroups`"),
                    "{error}"
                ),
                other => panic!("{}: {other:?}", r.id),
            }
        }
    }

    const NS: &str = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
    const LB_ARN: &str = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188";
    const TG_ARN: &str =
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067";

    /// A query-protocol response of `action`, shaped like the API reference's sample responses.
    fn response(action: &str, result: &str) -> String {
        format!(
            "<{action}Response xmlns=\"{NS}\"><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>6581c0ac-f39f-11e5-bb98-57195a6eb84a</RequestId></ResponseMetadata></{action}Response>"
        )
    }

    /// One load balancer as the API reference's DescribeLoadBalancers example shows it.
    fn lb_member(name: &str, arn: &str) -> String {
        format!(
            "<member><LoadBalancerArn>{arn}</LoadBalancerArn><Scheme>internet-facing</Scheme>\
             <LoadBalancerName>{name}</LoadBalancerName><VpcId>vpc-3ac0fb5f</VpcId>\
             <CanonicalHostedZoneId>ZWKZPGTI48KDX</CanonicalHostedZoneId><CreatedTime>2016-03-25T21:26:12.920Z</CreatedTime>\
             <AvailabilityZones><member><SubnetId>subnet-8360a9e7</SubnetId><ZoneName>ap-northeast-2a</ZoneName></member>\
             <member><SubnetId>subnet-b7d581c0</SubnetId><ZoneName>ap-northeast-2c</ZoneName></member></AvailabilityZones>\
             <SecurityGroups><member>sg-5943793c</member></SecurityGroups>\
             <DNSName>{name}-424835706.ap-northeast-2.elb.amazonaws.com</DNSName>\
             <State><Code>active</Code></State><Type>application</Type><IpAddressType>ipv4</IpAddressType></member>"
        )
    }

    fn lb_page(members: &str, next_marker: Option<&str>) -> String {
        let marker = next_marker
            .map(|m| format!("<NextMarker>{m}</NextMarker>"))
            .unwrap_or_default();
        response(
            "DescribeLoadBalancers",
            &format!("<LoadBalancers>{members}</LoadBalancers>{marker}"),
        )
    }

    fn listener_page(members: &str, next_marker: Option<&str>) -> String {
        let marker = next_marker
            .map(|m| format!("<NextMarker>{m}</NextMarker>"))
            .unwrap_or_default();
        response(
            "DescribeListeners",
            &format!("<Listeners>{members}</Listeners>{marker}"),
        )
    }

    /// A `Present` record's attributes and errors, by id.
    fn present<'a>(
        records: &'a [ResourceRecord],
        id: &str,
    ) -> (&'a BTreeMap<String, Value>, &'a BTreeMap<String, String>) {
        match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => (attributes, errors),
            other => panic!("{id}: {other:?} in {records:#?}"),
        }
    }

    fn observation<'a>(records: &'a [ResourceRecord], id: &str) -> &'a Observation {
        records
            .iter()
            .find(|r| r.id == id)
            .map(|r| &r.observation)
            .unwrap_or_else(|| panic!("no record {id} in {records:#?}"))
    }

    /// DescribeLoadBalancers shaped like the API reference's example, on two pages: a load
    /// balancer is found by name and by ARN, every documented field lands in its attribute, and
    /// one the listing does not have is absent.
    #[tokio::test]
    async fn describe_load_balancers_reports_the_documented_fields_on_every_page() {
        let other_arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/other-lb/0123456789abcdef";
        let replay = Replay::new(&[
            (
                200,
                &lb_page(&lb_member("other-lb", other_arn), Some("lb-marker-2")),
            ),
            (200, &lb_page(&lb_member("my-load-balancer", LB_ARN), None)),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            &format!(
                "version: 1\nenvironment: test\nresources:\n\
                 - kind: lb\n  id: my-load-balancer\n  expect: {{ scheme: internet-facing }}\n\
                 - kind: lb\n  id: \"{LB_ARN}\"\n  expect: {{ type: application }}\n\
                 - kind: lb\n  id: other-lb\n\
                 - kind: lb\n  id: lb-nowhere\n  exists: false\n"
            ),
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("Action=DescribeLoadBalancers"),
            "{}",
            requests[0]
        );
        assert!(!requests[0].contains("Marker="), "{}", requests[0]);
        assert!(
            requests[1].contains("Marker=lb-marker-2"),
            "{}",
            requests[1]
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([(
                "ElasticLoadBalancingv2:DescribeLoadBalancers".to_string(),
                2
            )])
        );
        for id in ["my-load-balancer", LB_ARN] {
            let (attributes, errors) = present(&records, id);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(attributes["type"], json!("application"), "{id}");
            assert_eq!(attributes["scheme"], json!("internet-facing"), "{id}");
            assert_eq!(attributes["state"], json!("active"), "{id}");
            assert_eq!(
                attributes["dns_name"],
                json!("my-load-balancer-424835706.ap-northeast-2.elb.amazonaws.com"),
                "{id}"
            );
            assert_eq!(attributes["security_groups"], json!(["sg-5943793c"]));
            assert_eq!(
                attributes["availability_zones"],
                json!(["ap-northeast-2a", "ap-northeast-2c"])
            );
            assert_eq!(attributes["availability_zone_count"], json!(2));
        }
        let (attributes, _) = present(&records, "other-lb");
        assert_eq!(
            attributes["dns_name"],
            json!("other-lb-424835706.ap-northeast-2.elb.amazonaws.com")
        );
        assert_eq!(observation(&records, "lb-nowhere"), &Observation::Absent);
    }

    /// DescribeListeners shaped like the API reference's examples (an HTTP listener redirecting
    /// to HTTPS, an HTTPS listener forwarding to a target group), on two pages: it is called for
    /// the load balancer the listeners name, with its ARN, and for no other.
    #[tokio::test]
    async fn describe_listeners_reports_redirects_and_forwards_across_pages() {
        let http = format!(
            "<member><LoadBalancerArn>{LB_ARN}</LoadBalancerArn><Protocol>HTTP</Protocol><Port>80</Port>\
             <ListenerArn>arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2</ListenerArn>\
             <DefaultActions><member><Type>redirect</Type><Order>1</Order><RedirectConfig><Protocol>HTTPS</Protocol>\
             <Port>443</Port><Host>#{{host}}</Host><Path>/#{{path}}</Path><Query>#{{query}}</Query>\
             <StatusCode>HTTP_301</StatusCode></RedirectConfig></member></DefaultActions></member>"
        );
        let https = format!(
            "<member><LoadBalancerArn>{LB_ARN}</LoadBalancerArn><Protocol>HTTPS</Protocol><Port>443</Port>\
             <ListenerArn>arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/0467ef3c8400ae65</ListenerArn>\
             <Certificates><member><CertificateArn>arn:aws:iam::123456789012:server-certificate/my-server-cert</CertificateArn></member></Certificates>\
             <SslPolicy>ELBSecurityPolicy-2016-08</SslPolicy>\
             <DefaultActions><member><Type>forward</Type><TargetGroupArn>{TG_ARN}</TargetGroupArn></member></DefaultActions></member>"
        );
        let replay = Replay::new(&[
            (200, &lb_page(&lb_member("my-load-balancer", LB_ARN), None)),
            (200, &listener_page(&http, Some("listener-marker-2"))),
            (200, &listener_page(&https, None)),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: lb_listener\n  id: my-load-balancer:80\n  expect: { default_action: redirect }\n\
             - kind: lb_listener\n  id: my-load-balancer:443\n  expect: { protocol: HTTPS }\n\
             - kind: lb_listener\n  id: my-load-balancer:8080\n  exists: false\n\
             - kind: lb_listener\n  id: lb-nowhere:80\n  exists: false\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        assert!(
            requests[0].contains("Action=DescribeLoadBalancers"),
            "{}",
            requests[0]
        );
        for request in &requests[1..] {
            assert!(request.contains("Action=DescribeListeners"), "{request}");
            // The load balancer's ARN, form-encoded.
            assert!(
                request.contains("LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing"),
                "{request}"
            );
            assert!(request.contains("50dc6c495c0c9188"), "{request}");
        }
        assert!(!requests[1].contains("Marker="), "{}", requests[1]);
        assert!(
            requests[2].contains("Marker=listener-marker-2"),
            "{}",
            requests[2]
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                (
                    "ElasticLoadBalancingv2:DescribeLoadBalancers".to_string(),
                    1
                ),
                ("ElasticLoadBalancingv2:DescribeListeners".to_string(), 2),
            ])
        );

        let (a, errors) = present(&records, "my-load-balancer:80");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["protocol"], json!("HTTP"));
        assert_eq!(a["default_action"], json!("redirect"));
        assert_eq!(a["redirect_protocol"], json!("HTTPS"));
        assert_eq!(a["redirect_port"], json!("443"));
        assert_eq!(a["redirect_status_code"], json!("HTTP_301"));
        assert_eq!(a["certificate_arns"], json!([]));
        assert_eq!(a["ssl_policy"], Value::Null);
        assert_eq!(a["forward_target_group_arns"], json!([]));

        let (a, errors) = present(&records, "my-load-balancer:443");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["protocol"], json!("HTTPS"));
        assert_eq!(a["default_action"], json!("forward"));
        assert_eq!(
            a["certificate_arns"],
            json!(["arn:aws:iam::123456789012:server-certificate/my-server-cert"])
        );
        assert_eq!(a["ssl_policy"], json!("ELBSecurityPolicy-2016-08"));
        assert_eq!(a["forward_target_group_arns"], json!([TG_ARN]));
        assert_eq!(a["redirect_protocol"], Value::Null);

        assert_eq!(
            observation(&records, "my-load-balancer:8080"),
            &Observation::Absent
        );
        assert_eq!(observation(&records, "lb-nowhere:80"), &Observation::Absent);
    }

    /// A denied DescribeListeners is an error for the listeners of that load balancer, never
    /// "absent".
    #[tokio::test]
    async fn a_denied_describe_listeners_is_an_error_not_an_absence() {
        let replay = Replay::new(&[
            (200, &lb_page(&lb_member("my-load-balancer", LB_ARN), None)),
            (
                403,
                "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>Sender</Type>\
                 <Code>AccessDenied</Code><Message>User is not authorized to perform: elasticloadbalancing:DescribeListeners</Message>\
                 </Error><RequestId>r</RequestId></ErrorResponse>",
            ),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: lb_listener\n  id: my-load-balancer:443\n  expect: { protocol: HTTPS }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        match observation(&records, "my-load-balancer:443") {
            Observation::Error { error } => assert!(
                error.contains("`elasticloadbalancing:DescribeListeners`"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
    }

    /// DescribeTargetGroupAttributes and DescribeTargetHealth shaped like the API reference's
    /// examples, called (concurrently) only for the group whose checks need them, with its ARN;
    /// a denied one makes only its own attributes errors.
    #[tokio::test]
    async fn target_group_attributes_and_health_are_read_per_checked_group() {
        let denied_arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/denied-targets/0123456789abcdef";
        let group = |name: &str, arn: &str| {
            format!(
                "<member><TargetGroupArn>{arn}</TargetGroupArn><TargetGroupName>{name}</TargetGroupName>\
                 <Protocol>HTTP</Protocol><Port>80</Port><VpcId>vpc-3ac0fb5f</VpcId><HealthCheckProtocol>HTTP</HealthCheckProtocol>\
                 <HealthCheckPort>traffic-port</HealthCheckPort><HealthCheckEnabled>true</HealthCheckEnabled>\
                 <HealthCheckIntervalSeconds>30</HealthCheckIntervalSeconds><HealthCheckTimeoutSeconds>5</HealthCheckTimeoutSeconds>\
                 <HealthyThresholdCount>5</HealthyThresholdCount><UnhealthyThresholdCount>2</UnhealthyThresholdCount>\
                 <HealthCheckPath>/</HealthCheckPath><Matcher><HttpCode>200</HttpCode></Matcher>\
                 <LoadBalancerArns><member>{LB_ARN}</member></LoadBalancerArns><TargetType>instance</TargetType></member>"
            )
        };
        let groups = response(
            "DescribeTargetGroups",
            &format!(
                "<TargetGroups>{}{}{}</TargetGroups>",
                group("my-targets", TG_ARN),
                group("denied-targets", denied_arn),
                group(
                    "plain-targets",
                    "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/plain-targets/fedcba9876543210"
                )
            ),
        );
        let attributes = response(
            "DescribeTargetGroupAttributes",
            "<Attributes><member><Value>300</Value><Key>deregistration_delay.timeout_seconds</Key></member>\
             <member><Value>true</Value><Key>stickiness.enabled</Key></member>\
             <member><Value>lb_cookie</Value><Key>stickiness.type</Key></member>\
             <member><Value>86400</Value><Key>stickiness.lb_cookie.duration_seconds</Key></member>\
             <member><Value>0</Value><Key>slow_start.duration_seconds</Key></member></Attributes>",
        );
        let target = |id: &str, health: &str| {
            format!(
                "<member><HealthCheckPort>80</HealthCheckPort><TargetHealth>{health}</TargetHealth>\
                 <Target><Port>80</Port><Id>{id}</Id></Target></member>"
            )
        };
        let health = response(
            "DescribeTargetHealth",
            &format!(
                "<TargetHealthDescriptions>{}{}{}</TargetHealthDescriptions>",
                target("i-0f76fade", "<State>healthy</State>"),
                target("i-0f76fadf", "<State>healthy</State>"),
                target(
                    "i-0f76fae0",
                    "<State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason>\
                     <Description>Health checks failed with these codes: [404]</Description>"
                )
            ),
        );
        let denied = "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>Sender</Type>\
                      <Code>AccessDenied</Code><Message>not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>";
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeTargetGroups") {
                (200, groups.clone())
            } else if request.contains("Action=DescribeTargetGroupAttributes")
                && request.contains("my-targets")
            {
                (200, attributes.clone())
            } else if request.contains("Action=DescribeTargetHealth")
                && request.contains("my-targets")
            {
                (200, health.clone())
            } else if request.contains("Action=DescribeTargetHealth")
                && request.contains("denied-targets")
            {
                (403, denied.to_string())
            } else {
                (400, format!("unexpected request: {request}"))
            }
        });
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: lb_target_group\n  id: my-targets\n  expect: { stickiness_enabled: true, healthy_count: 2 }\n\
             - kind: lb_target_group\n  id: denied-targets\n  expect: { target_count: 3 }\n\
             - kind: lb_target_group\n  id: plain-targets\n  expect: { port: 80 }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(
            !requests.iter().any(|r| r.contains("plain-targets")),
            "{requests:#?}"
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("ElasticLoadBalancingv2:DescribeTargetGroups".to_string(), 1),
                (
                    "ElasticLoadBalancingv2:DescribeTargetGroupAttributes".to_string(),
                    1
                ),
                ("ElasticLoadBalancingv2:DescribeTargetHealth".to_string(), 2),
            ])
        );

        let (a, errors) = present(&records, "my-targets");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["stickiness_enabled"], json!(true));
        assert_eq!(a["stickiness_type"], json!("lb_cookie"));
        assert_eq!(a["target_count"], json!(3));
        assert_eq!(a["healthy_count"], json!(2));
        assert_eq!(a["health_check_matcher"], json!("200"));
        assert_eq!(a["target_type"], json!("instance"));

        let (a, errors) = present(&records, "denied-targets");
        assert!(!a.contains_key("target_count"), "{a:?}");
        assert!(!a.contains_key("healthy_count"), "{a:?}");
        assert!(!a.contains_key("stickiness_enabled"), "{a:?}");
        assert_eq!(a["port"], json!(80));
        for name in ["target_count", "healthy_count"] {
            assert!(
                errors
                    .get(name)
                    .is_some_and(|e| e.contains("`elasticloadbalancing:DescribeTargetHealth`")),
                "{name}: {errors:?}"
            );
        }
        assert!(!errors.contains_key("stickiness_enabled"), "{errors:?}");

        let (a, errors) = present(&records, "plain-targets");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["port"], json!(80));
        assert!(!a.contains_key("target_count"), "{a:?}");
        assert!(!a.contains_key("stickiness_enabled"), "{a:?}");
    }

    #[test]
    fn listener_ids_are_split_at_the_last_colon() {
        assert_eq!(listener_id("web:443"), Some(("web", 443)));
        assert_eq!(
            listener_id("arn:aws:elasticloadbalancing:r:1:loadbalancer/app/web/abc:80"),
            Some((
                "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/web/abc",
                80
            ))
        );
        assert_eq!(listener_id("web"), None);
        assert_eq!(listener_id("web:https"), None);
        assert_eq!(listener_id(":443"), None);
    }

    /// The final action is chosen by `Order`, not by its place in the list; a weighted forward
    /// lists every group once, also when `TargetGroupArn` repeats one of them.
    #[test]
    fn the_terminal_default_action_decides_and_weighted_forwards_list_every_group() {
        let l = Listener::builder()
            .port(443)
            .protocol(ProtocolEnum::Https)
            .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
            .certificates(
                Certificate::builder()
                    .certificate_arn("arn:cert")
                    .is_default(true)
                    .build(),
            )
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .order(2)
                    .target_group_arn("arn:tg-blue")
                    .forward_config(
                        ForwardActionConfig::builder()
                            .target_groups(
                                TargetGroupTuple::builder()
                                    .target_group_arn("arn:tg-blue")
                                    .weight(90)
                                    .build(),
                            )
                            .target_groups(
                                TargetGroupTuple::builder()
                                    .target_group_arn("arn:tg-green")
                                    .weight(10)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::AuthenticateOidc)
                    .order(1)
                    .authenticate_oidc_config(
                        AuthenticateOidcActionConfig::builder()
                            .issuer("https://idp")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let a = listener_attributes(&l);
        assert_eq!(a["default_action"], json!("forward"));
        assert_eq!(
            a["forward_target_group_arns"],
            json!(["arn:tg-blue", "arn:tg-green"])
        );
        assert_eq!(a["certificate_arns"], json!(["arn:cert"]));
        assert_eq!(a["redirect_protocol"], Value::Null);
        assert_eq!(a["redirect_port"], Value::Null);
        assert_eq!(a["redirect_status_code"], Value::Null);
        assert_eq!(a["protocol"], json!("HTTPS"));
        assert_eq!(
            a["ssl_policy"],
            json!("ELBSecurityPolicy-TLS13-1-2-2021-06")
        );
    }

    #[test]
    fn fixed_response_and_redirect_listeners() {
        let fixed = Listener::builder()
            .port(8080)
            .protocol(ProtocolEnum::Http)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::FixedResponse)
                    .fixed_response_config(
                        FixedResponseActionConfig::builder()
                            .status_code("503")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let a = listener_attributes(&fixed);
        assert_eq!(a["default_action"], json!("fixed-response"));
        assert_eq!(a["forward_target_group_arns"], json!([]));
        assert_eq!(a["certificate_arns"], json!([]));
        // Real AWS reports no SslPolicy on a plain HTTP listener (moto invents one).
        assert_eq!(a["ssl_policy"], Value::Null);

        let redirect = Listener::builder()
            .port(80)
            .protocol(ProtocolEnum::Http)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Redirect)
                    .redirect_config(
                        RedirectActionConfig::builder()
                            .protocol("HTTPS")
                            .port("443")
                            .status_code(RedirectActionStatusCodeEnum::Http302)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let a = listener_attributes(&redirect);
        assert_eq!(a["default_action"], json!("redirect"));
        assert_eq!(a["redirect_protocol"], json!("HTTPS"));
        assert_eq!(a["redirect_port"], json!("443"));
        assert_eq!(a["redirect_status_code"], json!("HTTP_302"));

        let none = listener_attributes(&Listener::builder().port(1).build());
        assert_eq!(none["default_action"], Value::Null);
        assert_eq!(none["protocol"], Value::Null);
    }

    /// moto reports every registered IP target `healthy`; real targets can be anything.
    #[test]
    fn only_healthy_targets_count_as_healthy() {
        let d = |state: TargetHealthStateEnum| {
            TargetHealthDescription::builder()
                .target_health(TargetHealth::builder().state(state).build())
                .build()
        };
        let counts = health_counts(&[
            d(TargetHealthStateEnum::Healthy),
            d(TargetHealthStateEnum::Unhealthy),
            d(TargetHealthStateEnum::Draining),
            d(TargetHealthStateEnum::Initial),
            TargetHealthDescription::builder().build(),
        ])
        .expect("counts");
        assert_eq!(
            counts,
            vec![
                ("target_count".to_string(), json!(5)),
                ("healthy_count".to_string(), json!(1)),
            ]
        );
        assert_eq!(
            health_counts(&[]).expect("counts"),
            vec![
                ("target_count".to_string(), json!(0)),
                ("healthy_count".to_string(), json!(0)),
            ]
        );
    }

    #[test]
    fn stickiness_is_read_strictly() {
        let attr = |k: &str, v: &str| TargetGroupAttribute::builder().key(k).value(v).build();
        assert_eq!(
            stickiness(&[
                attr("stickiness.enabled", "true"),
                attr("stickiness.type", "app_cookie")
            ])
            .expect("ok"),
            vec![
                ("stickiness_enabled".to_string(), json!(true)),
                ("stickiness_type".to_string(), json!("app_cookie")),
            ]
        );
        assert_eq!(
            stickiness(&[]).expect("ok"),
            vec![
                ("stickiness_enabled".to_string(), Value::Null),
                ("stickiness_type".to_string(), Value::Null),
            ]
        );
        let err = stickiness(&[attr("stickiness.enabled", "yes")]).expect_err("not a bool");
        assert!(err.contains("`yes`"), "{err}");
    }

    #[test]
    fn grpc_matchers_and_network_load_balancers() {
        let tg = TargetGroup::builder()
            .protocol(ProtocolEnum::Http)
            .matcher(Matcher::builder().grpc_code("0-99").build())
            .build();
        assert_eq!(
            target_group_attributes(&tg)["health_check_matcher"],
            json!("0-99")
        );
        assert_eq!(
            target_group_attributes(&tg)["health_check_path"],
            Value::Null
        );

        let nlb = LoadBalancer::builder()
            .r#type(LoadBalancerTypeEnum::Network)
            .build();
        let a = lb_attributes(&nlb);
        assert_eq!(a["type"], json!("network"));
        assert_eq!(a["security_groups"], json!([]));
        assert_eq!(a["availability_zones"], json!([]));
        assert_eq!(a["availability_zone_count"], json!(0));
        assert_eq!(a["state"], Value::Null);
    }
}
