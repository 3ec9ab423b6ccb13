//! Route 53 (a global service): one paginated ListHostedZones decides which zones exist and serves
//! every `route53_zone` attribute; ListResourceRecordSets (all pages) is called once per zone that
//! a named `route53_record` is in, a bounded number of zones at once. One paginated
//! ListHealthChecks serves `route53_health_check`; GetHealthCheckStatus is called once per
//! endpoint check whose `healthy` or checker percentage is checked.
//!
//! Names are compared without the trailing dot and case-insensitively, and Route 53's `\052`
//! escape is read as `*`. Two hosted zones with one name (a public and a private zone, say), or
//! several record sets with one name and type (weighted, latency, failover... routing), make the
//! id ambiguous: an error, never a guess.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_route53::types::{HealthCheck, HealthCheckType, HostedZone, ResourceRecordSet, RrType};
use aws_sdk_route53::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error, of_kind, Wanting};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_HOSTED_ZONES: &str = "route53:ListHostedZones";
const LIST_RECORD_SETS: &str = "route53:ListResourceRecordSets";

/// A record resolved to (zone id, record name, type); `None` when its zone does not exist.
type Resolved = Result<Option<(String, String, String)>, String>;

/// A DNS name as compared here: lower case, no trailing dot, `\052` read as `*`.
pub fn normalize(name: &str) -> String {
    name.trim_end_matches('.')
        .replace("\\052", "*")
        .to_ascii_lowercase()
}

/// A `route53_record` id split into zone name, record name and type (all normalized, the type
/// upper case).
fn parse_record_id(id: &str) -> Option<(String, String, String)> {
    let (zone, name, ty) = crate::catalog::id::split_record(id)?;
    Some((normalize(zone), normalize(name), ty.to_ascii_uppercase()))
}

/// Observes the named zones, records and health checks (the health checks' list alongside the
/// zones').
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let checks = of_kind(resources, "route53_health_check");
    let others: Vec<&Resource> = resources
        .iter()
        .copied()
        .filter(|r| r.kind.name != "route53_health_check")
        .collect();
    let client = crate::client!(aws_sdk_route53, conn);
    let (mut out, health) = tokio::join!(
        observe_zones(&client, &others, conn.max_concurrency),
        observe_health_checks(&client, &checks, conn.max_concurrency)
    );
    out.extend(health);
    out
}

const LIST_HEALTH_CHECKS: &str = "route53:ListHealthChecks";

/// The named health checks, from one paginated ListHealthChecks: a health check id, or the URL
/// it requests (`https://api.example.com/health`: type, host, port and path all match).
async fn observe_health_checks(
    client: &Client,
    resources: &[&Resource],
    concurrency: usize,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let listed = match collect_pages(
        client.list_health_checks().into_paginator().send(),
        LIST_HEALTH_CHECKS,
        |page| page.health_checks,
    )
    .await
    {
        Ok(listed) => listed,
        Err(e) => return all_errors(resources, &e),
    };
    let mut records: Vec<ResourceRecord> = resources
        .iter()
        .map(|r| ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation: health_check_observation(&r.id, &listed),
        })
        .collect();
    // The checkers' reports, one call per present check whose status is checked.
    let wanting = Wanting::of(resources, "route53_health_check", GET_STATUS);
    if wanting.none() {
        return records;
    }
    let statuses: Vec<(usize, Result<Status, String>)> = stream::iter(
        records
            .iter()
            .enumerate()
            .filter(|(_, r)| wanting.wants(&r.id))
            .filter_map(|(i, r)| match &r.observation {
                Observation::Present { attributes, .. } => Some((i, attributes.clone())),
                _ => None,
            }),
    )
    .map(|(i, attributes)| async move { (i, health_check_status(client, &attributes).await) })
    .buffered(concurrency)
    .collect()
    .await;
    for (i, status) in statuses {
        if let Some(Observation::Present { attributes, errors }) =
            records.get_mut(i).map(|r| &mut r.observation)
        {
            match status {
                Ok(values) => {
                    for (name, value) in values {
                        match value {
                            Ok(value) => {
                                attributes.insert(name.to_string(), value);
                            }
                            // A reason the value cannot be told.
                            Err(why) => {
                                errors.insert(name.to_string(), why);
                            }
                        }
                    }
                }
                Err(e) => {
                    for name in STATUS_ATTRIBUTES {
                        errors.insert(name.to_string(), e.clone());
                    }
                }
            }
        }
    }
    records
}

const GET_STATUS: &str = "route53:GetHealthCheckStatus";
/// The attributes GetHealthCheckStatus answers.
const STATUS_ATTRIBUTES: [&str; 2] = ["healthy", "checkers_reporting_healthy_percent"];
/// Route 53 considers an endpoint healthy when more than this share of its checkers report it
/// healthy (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is
/// healthy").
const HEALTHY_ABOVE_PERCENT: f64 = 18.0;

/// Each status attribute's value, or why it cannot be told.
type Status = Vec<(&'static str, Result<Value, String>)>;

/// The status attributes of one listed health check (its `attributes` from the list). Only an
/// endpoint check is asked about: Route 53 refuses a calculated check, and a CloudWatch metric
/// check's status is its alarm's.
async fn health_check_status(
    client: &Client,
    attributes: &BTreeMap<String, Value>,
) -> Result<Status, String> {
    let text = |name: &str| attributes.get(name).and_then(Value::as_str).unwrap_or("");
    let ty = text("type");
    let not_endpoint = match ty {
        "HTTP" | "HTTPS" | "HTTP_STR_MATCH" | "HTTPS_STR_MATCH" | "TCP" => None,
        "CALCULATED" => Some("a calculated health check's status is not reported by GetHealthCheckStatus: check a `metric_alarm` on `AWS/Route53` `HealthCheckStatus` (dimension `HealthCheckId`) instead".to_string()),
        "CLOUDWATCH_METRIC" => Some("a CLOUDWATCH_METRIC health check's status is its alarm's state: check the `metric_alarm` named by `cloudwatch_alarm`".to_string()),
        other => Some(format!("the status of a `{other}` health check is not read by infra-verify")),
    };
    if let Some(why) = not_endpoint {
        return Ok(STATUS_ATTRIBUTES
            .iter()
            .map(|a| (*a, Err(why.clone())))
            .collect());
    }
    let id = text("health_check_id");
    let out = client
        .get_health_check_status()
        .health_check_id(id)
        .send()
        .await
        .map_err(|e| describe_error(GET_STATUS, &e))?;
    Ok(status_attributes(
        out.health_check_observations(),
        attributes.get("disabled") == Some(&json!(true)),
        attributes.get("inverted") == Some(&json!(true)),
    ))
}

/// `healthy` and `checkers_reporting_healthy_percent` from the checkers' observations (a report
/// whose status starts with `Success` is healthy): healthy when more than 18 % are, as Route 53
/// decides. A disabled check (Route 53 calls it healthy whatever the endpoint answers), an
/// inverted one, and one no checker reports on yet, have no `healthy` to tell.
fn status_attributes(
    observations: &[aws_sdk_route53::types::HealthCheckObservation],
    disabled: bool,
    inverted: bool,
) -> Status {
    let total = observations.len();
    let healthy = observations
        .iter()
        .filter(|o| {
            o.status_report()
                .and_then(|r| r.status())
                .is_some_and(|s| s.trim_start().starts_with("Success"))
        })
        .count();
    if total == 0 {
        let why = "no Route 53 health checker reports on this health check yet";
        return STATUS_ATTRIBUTES
            .iter()
            .map(|a| (*a, Err(why.to_string())))
            .collect();
    }
    let percent = healthy as f64 * 100.0 / total as f64;
    let verdict = if disabled {
        Err("the health check is disabled: Route 53 considers it healthy whatever the endpoint answers")
    } else if inverted {
        Err("the health check is inverted: Route 53's status is the opposite of what its checkers report")
    } else {
        Ok(percent > HEALTHY_ABOVE_PERCENT)
    };
    vec![
        (
            STATUS_ATTRIBUTES[0],
            verdict.map(|h| json!(h)).map_err(str::to_string),
        ),
        (
            STATUS_ATTRIBUTES[1],
            Ok(json!((percent * 10.0).round() / 10.0)),
        ),
    ]
}

/// The health check a spec id names among those listed: by id, else by the URL it requests
/// (several matching is an error naming their ids).
pub fn health_check_observation(id: &str, listed: &[HealthCheck]) -> Observation {
    if let Some(h) = listed.iter().find(|h| h.id() == id) {
        return Observation::Present {
            attributes: health_check_attributes(h),
            errors: BTreeMap::new(),
        };
    }
    let matching: Vec<&HealthCheck> = listed
        .iter()
        .filter(|h| health_check_url(h).is_some_and(|u| same_url(&u, id)))
        .collect();
    match matching.as_slice() {
        [] => Observation::Absent,
        [h] => Observation::Present {
            attributes: health_check_attributes(h),
            errors: BTreeMap::new(),
        },
        many => Observation::Error {
            error: format!(
                "{} health checks request `{id}` ({}): name one by its id",
                many.len(),
                many.iter().map(|h| h.id()).collect::<Vec<_>>().join(", ")
            ),
        },
    }
}

/// Two URLs compared as a health check requests them: scheme and host case-insensitively, the
/// default port written or not, the path as written (`/` when empty).
fn same_url(a: &str, b: &str) -> bool {
    let norm = |u: &str| -> Option<(String, String, u16, String)> {
        let (scheme, rest) = u.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let default = if scheme == "https" { 443 } else { 80 };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, default),
        };
        let path = if path.is_empty() { "/" } else { path };
        Some((scheme, normalize(host), port, path.to_string()))
    };
    norm(a).is_some() && norm(a) == norm(b)
}

/// The URL an HTTP(S) health check requests, `None` for other types or without a domain name.
fn health_check_url(h: &HealthCheck) -> Option<String> {
    let c = h.health_check_config()?;
    let scheme = match c.r#type() {
        HealthCheckType::Http | HealthCheckType::HttpStrMatch => "http",
        HealthCheckType::Https | HealthCheckType::HttpsStrMatch => "https",
        _ => return None,
    };
    let host = c.fully_qualified_domain_name()?;
    let port = c.port().map_or(String::new(), |p| format!(":{p}"));
    let path = c.resource_path().unwrap_or("/");
    Some(format!("{scheme}://{}{port}{path}", normalize(host)))
}

/// The catalog's `route53_health_check` attributes of one health check.
pub fn health_check_attributes(h: &HealthCheck) -> BTreeMap<String, Value> {
    let c = h.health_check_config();
    let mut regions: Vec<&str> = c
        .map(|c| c.regions())
        .unwrap_or_default()
        .iter()
        .map(|r| r.as_str())
        .collect();
    regions.sort_unstable();
    BTreeMap::from([
        ("health_check_id".into(), json!(h.id())),
        ("type".into(), json!(c.map(|c| c.r#type().as_str()))),
        (
            "fqdn".into(),
            json!(c
                .and_then(|c| c.fully_qualified_domain_name())
                .map(normalize)),
        ),
        ("port".into(), json!(c.and_then(|c| c.port()))),
        (
            "resource_path".into(),
            json!(c.and_then(|c| c.resource_path())),
        ),
        (
            "search_string".into(),
            // Free text the page must contain: a token-looking one is redacted.
            json!(c.and_then(|c| c.search_string()).map(crate::redact::text)),
        ),
        (
            "request_interval".into(),
            json!(c.and_then(|c| c.request_interval())),
        ),
        (
            "failure_threshold".into(),
            json!(c.and_then(|c| c.failure_threshold())),
        ),
        (
            "measure_latency".into(),
            json!(c.and_then(|c| c.measure_latency())),
        ),
        ("inverted".into(), json!(c.and_then(|c| c.inverted()))),
        ("disabled".into(), json!(c.and_then(|c| c.disabled()))),
        ("enable_sni".into(), json!(c.and_then(|c| c.enable_sni()))),
        ("regions".into(), json!(regions)),
        (
            "cloudwatch_alarm".into(),
            json!(c.and_then(|c| c.alarm_identifier()).map(|a| a.name())),
        ),
    ])
}

/// Observes the named zones and records.
async fn observe_zones(
    client: &Client,
    resources: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        client.list_hosted_zones().into_paginator().send(),
        LIST_HOSTED_ZONES,
        |page| page.hosted_zones,
    )
    .await;
    let mut zones: HashMap<String, Vec<HostedZone>> = HashMap::new();
    match listed {
        Ok(listed) => {
            for z in listed {
                zones.entry(normalize(z.name())).or_default().push(z);
            }
        }
        Err(e) => return all_errors(resources, &e),
    }
    // The zone of an id (`Z0123...`, with or without `/hostedzone/`), else the one zone of a
    // name, Absent, or an error when the name is ambiguous (a public and a private zone of one
    // name: split-horizon DNS), which names the ids to write instead.
    let zone = |name: &str| -> Result<Option<&HostedZone>, String> {
        let by_id = name
            .trim_end_matches('.')
            .trim_start_matches("/hostedzone/");
        if let Some(z) = zones.values().flatten().find(|z| {
            z.id()
                .trim_start_matches("/hostedzone/")
                .eq_ignore_ascii_case(by_id)
        }) {
            return Ok(Some(z));
        }
        match zones.get(name).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([z]) => Ok(Some(z)),
            Some(many) => Err(format!(
                "{} hosted zones are named `{name}` ({}); the name is ambiguous: name the zone by its id instead",
                many.len(),
                many.iter()
                    .map(|z| format!(
                        "{} {}",
                        z.id().trim_start_matches("/hostedzone/"),
                        if z.config().is_some_and(|c| c.private_zone()) { "private" } else { "public" }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let record = |r: &Resource, observation| ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation,
    };

    let mut out: Vec<ResourceRecord> = of_kind(resources, "route53_zone")
        .into_iter()
        .map(|r| {
            let observation = match zone(&normalize(&r.id)) {
                Ok(None) => Observation::Absent,
                Ok(Some(z)) => Observation::Present {
                    attributes: zone_attributes(z),
                    errors: BTreeMap::new(),
                },
                Err(error) => Observation::Error { error },
            };
            record(r, observation)
        })
        .collect();

    // Records: each resolved to its zone first; the record sets of each such zone listed once.
    let mut wanted: Vec<(&Resource, Resolved)> = Vec::new();
    let mut zone_ids: Vec<String> = Vec::new();
    for r in of_kind(resources, "route53_record") {
        let resolved = match parse_record_id(&r.id) {
            None => Err(format!(
                "`{}`: id must be <zone name or id>/<record name>/<type>, e.g. dorami.example/shop.dorami.example/A",
                r.id
            )),
            Some((zone_name, name, ty)) => zone(&zone_name).map(|z| {
                z.map(|z| {
                    if !zone_ids.iter().any(|id| id == z.id()) {
                        zone_ids.push(z.id().to_string());
                    }
                    (z.id().to_string(), name, ty)
                })
            }),
        };
        wanted.push((r, resolved));
    }
    let record_sets: HashMap<String, Result<Vec<ResourceRecordSet>, String>> =
        stream::iter(zone_ids)
            .map(|id| {
                let client = &client;
                async move {
                    let sets = list_record_sets(client, &id).await;
                    (id, sets)
                }
            })
            .buffered(limit)
            .collect()
            .await;
    for (r, resolved) in wanted {
        let observation = match resolved {
            Err(error) => Observation::Error { error },
            Ok(None) => Observation::Absent,
            Ok(Some((zone_id, name, ty))) => match record_sets.get(&zone_id) {
                None => Observation::Error {
                    error: format!("the record sets of zone {zone_id} were not listed"),
                },
                Some(Err(error)) => Observation::Error {
                    error: error.clone(),
                },
                Some(Ok(sets)) => {
                    let found: Vec<&ResourceRecordSet> = sets
                        .iter()
                        .filter(|s| normalize(s.name()) == name && s.r#type().as_str() == ty)
                        .collect();
                    match found.as_slice() {
                        [] => Observation::Absent,
                        [set] => Observation::Present {
                            attributes: record_attributes(set),
                            errors: BTreeMap::new(),
                        },
                        many => Observation::Error {
                            error: format!(
                                "{} record sets are named `{name}` with type {ty} (routing policies with set identifiers); the id is ambiguous",
                                many.len()
                            ),
                        },
                    }
                }
            },
        };
        out.push(record(r, observation));
    }
    out
}

/// Every record set of a zone, all pages. A failed page fails the whole list.
async fn list_record_sets(
    client: &Client,
    zone_id: &str,
) -> Result<Vec<ResourceRecordSet>, String> {
    let mut out = Vec::new();
    let mut next: Option<(String, Option<RrType>, Option<String>)> = None;
    loop {
        let mut call = client.list_resource_record_sets().hosted_zone_id(zone_id);
        if let Some((name, ty, identifier)) = next.take() {
            call = call
                .start_record_name(name)
                .set_start_record_type(ty)
                .set_start_record_identifier(identifier);
        }
        let page = call
            .send()
            .await
            .map_err(|e| describe_error(LIST_RECORD_SETS, &e))?;
        out.extend(page.resource_record_sets);
        if !page.is_truncated {
            return Ok(out);
        }
        match page.next_record_name {
            Some(name) => {
                next = Some((name, page.next_record_type, page.next_record_identifier));
            }
            None => {
                return Err(format!(
                    "`{LIST_RECORD_SETS}` said the list goes on but gave no next record name"
                ))
            }
        }
    }
}

/// The catalog's `route53_zone` attributes.
pub fn zone_attributes(z: &HostedZone) -> BTreeMap<String, Value> {
    BTreeMap::from([
        (
            "private_zone".into(),
            json!(z.config().map(|c| c.private_zone())),
        ),
        ("record_count".into(), json!(z.resource_record_set_count())),
    ])
}

/// The catalog's `route53_record` attributes.
pub fn record_attributes(s: &ResourceRecordSet) -> BTreeMap<String, Value> {
    let alias = s.alias_target();
    BTreeMap::from([
        ("type".into(), json!(s.r#type().as_str())),
        ("ttl".into(), json!(s.ttl())),
        (
            "alias_target_dns_name".into(),
            json!(alias.map(|a| normalize(a.dns_name()))),
        ),
        (
            "alias_target_zone_id".into(),
            json!(alias.map(|a| a.hosted_zone_id())),
        ),
        (
            "values".into(),
            json!(s
                .resource_records()
                .iter()
                .map(|r| r.value())
                .collect::<Vec<_>>()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    #[test]
    fn ids_and_names_are_normalized() {
        assert_eq!(
            parse_record_id("Dorami.example./*.Dorami.example/a"),
            Some((
                "dorami.example".into(),
                "*.dorami.example".into(),
                "A".into()
            ))
        );
        assert_eq!(normalize("\\052.dorami.example."), "*.dorami.example");
        assert_eq!(parse_record_id("dorami.example/A"), None);
        assert_eq!(parse_record_id("/x/A"), None);
    }

    const ZONES: &str = r#"<?xml version="1.0"?>
<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<HostedZones><HostedZone><Id>/hostedzone/Z1</Id><Name>dorami.example.</Name><CallerReference>a</CallerReference>
<Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>5</ResourceRecordSetCount></HostedZone></HostedZones>
<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"#;

    fn record_page(sets: &str, next: Option<&str>) -> String {
        let tail = next.map_or("<IsTruncated>false</IsTruncated>".to_string(), |n| {
            format!("<IsTruncated>true</IsTruncated><NextRecordName>{n}</NextRecordName><NextRecordType>A</NextRecordType>")
        });
        format!(
            r#"<?xml version="1.0"?><ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<ResourceRecordSets>{sets}</ResourceRecordSets>{tail}<MaxItems>1</MaxItems></ListResourceRecordSetsResponse>"#
        )
    }

    /// Split-horizon DNS: a public and a private zone of one name. By name it is ambiguous (an
    /// error naming both ids, never a guess); by zone id each is found, for zones and records.
    #[tokio::test]
    async fn zones_of_one_name_are_told_apart_by_their_ids() {
        let zones = r#"<?xml version="1.0"?>
<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<HostedZones><HostedZone><Id>/hostedzone/ZPUBLIC1</Id><Name>dorami.example.</Name><CallerReference>a</CallerReference>
<Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>5</ResourceRecordSetCount></HostedZone>
<HostedZone><Id>/hostedzone/ZPRIVATE2</Id><Name>dorami.example.</Name><CallerReference>b</CallerReference>
<Config><PrivateZone>true</PrivateZone></Config><ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone></HostedZones>
<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"#;
        let internal = record_page("<ResourceRecordSet><Name>db.dorami.example.</Name><Type>CNAME</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>db.internal</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>", None);
        let replay = Replay::new(&[(200, zones), (200, &internal)]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: route53_zone\n  id: dorami.example\n\
             - kind: route53_zone\n  id: ZPRIVATE2\n  expect: { private_zone: true }\n\
             - kind: route53_zone\n  id: /hostedzone/ZPUBLIC1\n\
             - kind: route53_record\n  id: ZPRIVATE2/db.dorami.example/CNAME\n  expect: { ttl: 60 }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let by_id = |id: &str| {
            records
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.observation.clone())
                .expect("record")
        };
        match by_id("dorami.example") {
            Observation::Error { error } => {
                assert!(
                    error.contains("ZPUBLIC1 public, ZPRIVATE2 private"),
                    "{error}"
                );
                assert!(error.contains("name the zone by its id"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        match by_id("ZPRIVATE2") {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["private_zone"], json!(true))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            by_id("/hostedzone/ZPUBLIC1"),
            Observation::Present { .. }
        ));
        match by_id("ZPRIVATE2/db.dorami.example/CNAME") {
            Observation::Present { attributes, .. } => assert_eq!(attributes["ttl"], json!(60)),
            other => panic!("{other:?}"),
        }
        // One zone list, then the private zone's records only.
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(requests[1].contains("ZPRIVATE2"), "{}", requests[1]);
    }

    /// ListHostedZones shaped like the API reference's example, on two pages: the second is
    /// asked for with the first's NextMarker, and a zone on either page is found with its
    /// attributes.
    #[tokio::test]
    async fn list_hosted_zones_reads_every_page() {
        let page = |id: &str, name: &str, private: bool, count: u32, next: Option<&str>| {
            let tail = next.map_or("<IsTruncated>false</IsTruncated>".to_string(), |n| {
                format!("<IsTruncated>true</IsTruncated><NextMarker>{n}</NextMarker>")
            });
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<HostedZones><HostedZone><Id>/hostedzone/{id}</Id><Name>{name}</Name><CallerReference>MyUniqueIdentifier-{id}</CallerReference>
<Config><Comment>This is my hosted zone.</Comment><PrivateZone>{private}</PrivateZone></Config>
<ResourceRecordSetCount>{count}</ResourceRecordSetCount></HostedZone></HostedZones>
{tail}<MaxItems>1</MaxItems></ListHostedZonesResponse>"#
            )
        };
        let replay = Replay::new(&[
            (
                200,
                &page(
                    "Z111111QQQQQQQ",
                    "example.com.",
                    false,
                    17,
                    Some("Z222222VVVVVVV"),
                ),
            ),
            (200, &page("Z222222VVVVVVV", "example2.com.", true, 4, None)),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: route53_zone\n  id: example.com\n  expect: { record_count: 17 }\n\
             - kind: route53_zone\n  id: Example2.com.\n  expect: { private_zone: true }\n\
             - kind: route53_zone\n  id: example3.com\n  exists: false\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].starts_with("GET ") && requests[0].contains("/2013-04-01/hostedzone"),
            "{}",
            requests[0]
        );
        assert!(!requests[0].contains("marker="), "{}", requests[0]);
        assert!(
            requests[1].contains("marker=Z222222VVVVVVV"),
            "{}",
            requests[1]
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([("Route53:ListHostedZones".to_string(), 2)])
        );
        match &records[0].observation {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["record_count"], json!(17));
                assert_eq!(attributes["private_zone"], json!(false));
            }
            other => panic!("{other:?}"),
        }
        match &records[1].observation {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["record_count"], json!(4));
                assert_eq!(attributes["private_zone"], json!(true));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// moto answers ListResourceRecordSets in one page and has no weighted record sets in these
    /// tests, so paging and ambiguity are proven by replay.
    #[tokio::test]
    async fn record_sets_are_read_page_by_page_and_ambiguous_ones_are_errors() {
        let weighted = |id: &str| {
            format!("<ResourceRecordSet><Name>api.dorami.example.</Name><Type>A</Type><SetIdentifier>{id}</SetIdentifier><Weight>50</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>")
        };
        let alias = "<ResourceRecordSet><Name>\\052.dorami.example.</Name><Type>A</Type><AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d111111abcdef8.cloudfront.net.</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>";
        let first = record_page(alias, Some("api.dorami.example."));
        let second = record_page(&format!("{}{}", weighted("a"), weighted("b")), None);
        let replay = Replay::new(&[(200, ZONES), (200, &first), (200, &second)]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: route53_record\n  id: dorami.example/*.dorami.example/A\n  expect: { ttl: null }\n\
             - kind: route53_record\n  id: dorami.example/api.dorami.example/A\n  expect: { ttl: 60 }\n\
             - kind: route53_record\n  id: dorami.example/api.dorami.example/AAAA\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        assert!(
            requests[2].contains("name=api.dorami.example."),
            "{}",
            requests[2]
        );
        assert!(requests[2].contains("type=A"), "{}", requests[2]);
        match &records[0].observation {
            Observation::Present { attributes, .. } => {
                assert_eq!(attributes["ttl"], Value::Null);
                assert_eq!(
                    attributes["alias_target_dns_name"],
                    json!("d111111abcdef8.cloudfront.net")
                );
                assert_eq!(attributes["alias_target_zone_id"], json!("Z2FDTNDATAQYW2"));
                assert_eq!(attributes["values"], json!([]));
            }
            other => panic!("{other:?}"),
        }
        match &records[1].observation {
            Observation::Error { error } => assert!(error.contains("2 record sets"), "{error}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// ListHealthChecks as the API reference shapes it, over two pages (Marker/NextMarker): a
    /// check found by its id, one by the URL it requests (default port, host case), two
    /// checks of one URL an error, an unknown one missing; zones are not listed for them.
    #[tokio::test]
    async fn list_health_checks_reads_every_page_and_finds_checks_by_id_or_url() {
        let check = |id: &str, ty: &str, fqdn: &str, port: Option<u16>, path: &str, extra: &str| {
            let port = port.map_or(String::new(), |p| format!("<Port>{p}</Port>"));
            format!(
                "<HealthCheck><Id>{id}</Id><CallerReference>ref-{id}</CallerReference><HealthCheckConfig>\
                 {port}<Type>{ty}</Type><ResourcePath>{path}</ResourcePath><FullyQualifiedDomainName>{fqdn}</FullyQualifiedDomainName>\
                 <RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold><MeasureLatency>false</MeasureLatency>\
                 <Inverted>false</Inverted><Disabled>false</Disabled><EnableSNI>true</EnableSNI>{extra}</HealthCheckConfig>\
                 <HealthCheckVersion>1</HealthCheckVersion></HealthCheck>"
            )
        };
        let page = |checks: String, next: Option<&str>| {
            let tail = next.map_or("<IsTruncated>false</IsTruncated>".to_string(), |n| {
                format!("<IsTruncated>true</IsTruncated><NextMarker>{n}</NextMarker>")
            });
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ListHealthChecksResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthChecks>{checks}</HealthChecks><Marker></Marker>{tail}<MaxItems>2</MaxItems></ListHealthChecksResponse>"#
            )
        };
        let regions = "<Regions><Region>us-west-1</Region><Region>ap-northeast-1</Region><Region>eu-west-1</Region></Regions>";
        let first = page(
            check(
                "11111111-aaaa-bbbb-cccc-000000000001",
                "HTTPS",
                "API.tickets.example.",
                Some(443),
                "/api/health",
                regions,
            ) + &check(
                "11111111-aaaa-bbbb-cccc-000000000002",
                "HTTP_STR_MATCH",
                "www.tickets.example",
                None,
                "/",
                "<SearchString>ok</SearchString>",
            ),
            Some("11111111-aaaa-bbbb-cccc-000000000003"),
        );
        let second = page(
            check(
                "11111111-aaaa-bbbb-cccc-000000000003",
                "HTTPS",
                "dup.tickets.example",
                None,
                "/",
                "",
            ) + &check(
                "11111111-aaaa-bbbb-cccc-000000000004",
                "HTTPS",
                "dup.tickets.example",
                Some(443),
                "/",
                "",
            ),
            None,
        );
        let replay = Replay::new(&[(200, &first), (200, &second)]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: route53_health_check\n  id: https://api.tickets.example/api/health\n  expect: { failure_threshold: 3 }\n\
             - kind: route53_health_check\n  id: 11111111-aaaa-bbbb-cccc-000000000002\n\
             - kind: route53_health_check\n  id: https://dup.tickets.example/\n\
             - kind: route53_health_check\n  id: https://nope.tickets.example/\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests.iter().all(|r| r.contains("/healthcheck")),
            "{requests:#?}"
        );
        assert!(
            requests[1].contains("marker=11111111-aaaa-bbbb-cccc-000000000003"),
            "{}",
            requests[1]
        );
        let attrs = |i: usize| match &records[i].observation {
            Observation::Present { attributes, .. } => attributes.clone(),
            other => panic!("{}: {other:?}", records[i].id),
        };
        let api = attrs(0);
        assert_eq!(
            api["health_check_id"],
            json!("11111111-aaaa-bbbb-cccc-000000000001")
        );
        assert_eq!(api["type"], json!("HTTPS"));
        assert_eq!(api["fqdn"], json!("api.tickets.example"));
        assert_eq!(api["resource_path"], json!("/api/health"));
        assert_eq!(
            api["regions"],
            json!(["ap-northeast-1", "eu-west-1", "us-west-1"])
        );
        assert_eq!(api["enable_sni"], json!(true));
        let www = attrs(1);
        assert_eq!(www["search_string"], json!("ok"));
        assert_eq!(www["port"], Value::Null);
        match &records[2].observation {
            Observation::Error { error } => assert!(
                error.contains("2 health checks request")
                    && error.contains("11111111-aaaa-bbbb-cccc-000000000004"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(records[3].observation, Observation::Absent);
    }

    /// GetHealthCheckStatus as the API reference shapes it: one call per endpoint check whose
    /// status is checked (none for a check that does not check it, nor for CLOUDWATCH_METRIC and
    /// calculated checks, whose status is an alarm's); healthy when more than 18 % of the
    /// checkers report success; a refusal is an error of the status attributes only; the alarm
    /// a CLOUDWATCH_METRIC check follows comes from the list (moto drops `AlarmIdentifier`).
    #[tokio::test]
    async fn get_health_check_status_once_per_checked_endpoint_check() {
        let check = |id: &str, config: &str| {
            format!(
                "<HealthCheck><Id>{id}</Id><CallerReference>ref-{id}</CallerReference><HealthCheckConfig>{config}\
                 <Inverted>false</Inverted><Disabled>false</Disabled></HealthCheckConfig><HealthCheckVersion>1</HealthCheckVersion></HealthCheck>"
            )
        };
        let endpoint = |ty: &str, fqdn: &str| {
            format!("<Port>443</Port><Type>{ty}</Type><ResourcePath>/health</ResourcePath><FullyQualifiedDomainName>{fqdn}</FullyQualifiedDomainName><RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold>")
        };
        let checks = [
            check("hc-api", &endpoint("HTTPS", "api.tickets.example")),
            check("hc-db", &endpoint("TCP", "db.tickets.example")),
            check("hc-web", &endpoint("HTTPS", "www.tickets.example")),
            check("hc-denied", &endpoint("HTTPS", "admin.tickets.example")),
            check(
                "hc-alarm",
                "<Type>CLOUDWATCH_METRIC</Type><AlarmIdentifier><Region>ap-northeast-2</Region><Name>tickets-5xx</Name></AlarmIdentifier><InsufficientDataHealthStatus>Unhealthy</InsufficientDataHealthStatus>",
            ),
            check(
                "hc-all",
                "<Type>CALCULATED</Type><HealthThreshold>2</HealthThreshold><ChildHealthChecks><ChildHealthCheck>hc-api</ChildHealthCheck><ChildHealthCheck>hc-db</ChildHealthCheck></ChildHealthChecks>",
            ),
        ]
        .concat();
        let list = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ListHealthChecksResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthChecks>{checks}</HealthChecks><Marker></Marker><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHealthChecksResponse>"#
        );
        let observations = |statuses: &[&str]| {
            let each: String = statuses
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    format!(
                        "<HealthCheckObservation><Region>ap-southeast-1</Region><IPAddress>15.177.2.{i}</IPAddress>\
                         <StatusReport><Status>{s}</Status><CheckedTime>2026-12-07T21:59:30.000Z</CheckedTime></StatusReport></HealthCheckObservation>"
                    )
                })
                .collect();
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheckObservations>{each}</HealthCheckObservations></GetHealthCheckStatusResponse>"#
            )
        };
        let ok = "Success: HTTP Status Code 200, OK";
        let bad = "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.";
        let api = observations(&[ok, ok, bad]);
        let db = observations(&[ok, bad, bad, bad, bad, bad, bad, bad]);
        let replay = Replay::by_request(move |request| {
            if request.contains("/healthcheck/hc-api/status") {
                (200, api.clone())
            } else if request.contains("/healthcheck/hc-db/status") {
                (200, db.clone())
            } else if request.contains("/healthcheck/hc-denied/status") {
                (
                    403,
                    "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: route53:GetHealthCheckStatus</Message></Error><RequestId>r</RequestId></ErrorResponse>".to_string(),
                )
            } else if request.contains("/status") {
                (500, "unexpected".to_string())
            } else {
                (200, list.clone())
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: route53_health_check\n  id: hc-api\n  expect: { healthy: true }\n\
             - kind: route53_health_check\n  id: hc-db\n  expect: { healthy: true, checkers_reporting_healthy_percent: { at_least: 50 } }\n\
             - kind: route53_health_check\n  id: hc-web\n  expect: { port: 443 }\n\
             - kind: route53_health_check\n  id: hc-denied\n  expect: { healthy: true }\n\
             - kind: route53_health_check\n  id: hc-alarm\n  expect: { cloudwatch_alarm: tickets-5xx, healthy: true }\n\
             - kind: route53_health_check\n  id: hc-all\n  expect: { healthy: true }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let status_calls: Vec<&String> =
            requests.iter().filter(|r| r.contains("/status")).collect();
        assert_eq!(status_calls.len(), 3, "{requests:#?}");
        assert_eq!(requests.len(), 4, "{requests:#?}");
        let present = |i: usize| match &records[i].observation {
            Observation::Present { attributes, errors } => (attributes.clone(), errors.clone()),
            other => panic!("{}: {other:?}", records[i].id),
        };
        let (a, e) = present(0);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(a["healthy"], json!(true));
        assert_eq!(a["checkers_reporting_healthy_percent"], json!(66.7));
        assert_eq!(a["cloudwatch_alarm"], Value::Null);
        // One checker in eight (12.5 %, not more than 18 %): unhealthy.
        let (a, _) = present(1);
        assert_eq!(a["healthy"], json!(false));
        assert_eq!(a["checkers_reporting_healthy_percent"], json!(12.5));
        let (a, _) = present(2);
        assert!(!a.contains_key("healthy"), "{a:?}");
        let (a, e) = present(3);
        assert!(!a.contains_key("healthy"));
        assert!(
            e["healthy"].contains("route53:GetHealthCheckStatus")
                && e["healthy"].contains("AccessDenied"),
            "{e:?}"
        );
        assert_eq!(a["port"], json!(443), "the list's attributes stay");
        let (a, e) = present(4);
        assert_eq!(a["cloudwatch_alarm"], json!("tickets-5xx"));
        assert!(e["healthy"].contains("cloudwatch_alarm"), "{e:?}");
        let (_, e) = present(5);
        assert!(e["healthy"].contains("HealthCheckStatus"), "{e:?}");
    }

    #[test]
    fn disabled_inverted_and_unreported_checks_have_no_healthy_to_tell() {
        use aws_sdk_route53::types::{HealthCheckObservation, StatusReport};
        let report = |s: &str| {
            HealthCheckObservation::builder()
                .status_report(StatusReport::builder().status(s).build())
                .build()
        };
        let two = [
            report("Success: HTTP Status Code 200"),
            report("Failure: timeout"),
        ];
        let get = |status: Status, name: &str| {
            status
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v)
                .expect("attribute")
        };
        assert_eq!(
            get(status_attributes(&two, false, false), "healthy"),
            Ok(json!(true))
        );
        assert!(get(status_attributes(&two, true, false), "healthy")
            .is_err_and(|e| e.contains("disabled")));
        assert!(get(status_attributes(&two, false, true), "healthy")
            .is_err_and(|e| e.contains("inverted")));
        assert_eq!(
            get(
                status_attributes(&two, true, false),
                "checkers_reporting_healthy_percent"
            ),
            Ok(json!(50.0))
        );
        assert!(get(status_attributes(&[], false, false), "healthy").is_err());
    }
}
