//! Route 53 Domains (`route53_domain`): one paginated ListDomains per run decides existence and
//! serves auto-renew, transfer lock and expiry; GetDomainDetail is called once per named domain
//! whose checks read the registrar, statuses, name servers, privacy or DNSSEC, and for no other,
//! a bounded number at once. The API exists only in us-east-1: every call goes there, whatever
//! the run's region.
//!
//! GetDomainDetail also answers the domain's contacts (names, addresses, e-mail addresses, phone
//! numbers): personal data, never read into a record (and redacted from evidence bundles,
//! `aws::capture`).

use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use aws_sdk_route53domains::operation::get_domain_detail::GetDomainDetailOutput;
use aws_sdk_route53domains::types::DomainSummary;
use aws_sdk_route53domains::Client;
use aws_smithy_types::date_time::Format;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error, of_kind};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const KIND: &str = "route53_domain";
const LIST_DOMAINS: &str = "route53domains:ListDomains";
const GET_DOMAIN_DETAIL: &str = "route53domains:GetDomainDetail";
/// The only region with the Route 53 Domains API.
const REGION: &str = "us-east-1";
/// The attributes GetDomainDetail serves.
const DETAIL_ATTRIBUTES: [&str; 7] = [
    "registrar",
    "status_list",
    "nameservers",
    "admin_privacy",
    "registrant_privacy",
    "tech_privacy",
    "dnssec",
];

/// A domain name as compared: lower case, without the trailing dot.
fn normalised(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Observes the named registered domains.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, KIND);
    if named.is_empty() {
        return Vec::new();
    }
    let conn = conn.in_region(REGION);
    let client = crate::client!(aws_sdk_route53domains, conn);
    let listed = collect_pages(
        client.list_domains().into_paginator().send(),
        LIST_DOMAINS,
        |page| page.domains.unwrap_or_default(),
    )
    .await;
    let domains: HashMap<String, DomainSummary> = match listed {
        Ok(listed) => listed
            .into_iter()
            .filter_map(|d| Some((normalised(d.domain_name()?), d)))
            .collect(),
        Err(e) => return all_errors(&named, &e),
    };
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    stream::iter(named)
        .map(|r| {
            let client = &client;
            let domain = domains.get(&normalised(&r.id));
            async move {
                let observation = match domain {
                    None => Observation::Absent,
                    Some(domain) => {
                        let mut attributes = summary_attributes(domain, now);
                        let mut errors = BTreeMap::new();
                        if r.expectations
                            .iter()
                            .any(|e| e.attribute.operation == GET_DOMAIN_DETAIL)
                        {
                            match detail(client, domain).await {
                                Ok(values) => attributes.extend(values),
                                Err(e) => {
                                    for a in DETAIL_ATTRIBUTES {
                                        errors.insert(a.to_string(), e.clone());
                                    }
                                }
                            }
                        }
                        Observation::Present { attributes, errors }
                    }
                };
                ResourceRecord {
                    kind: KIND.to_string(),
                    id: r.id.clone(),
                    observation,
                }
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// The attributes ListDomains reports. `now` in Unix seconds.
fn summary_attributes(domain: &DomainSummary, now: i64) -> BTreeMap<String, Value> {
    let expiry = domain.expiry();
    BTreeMap::from([
        ("auto_renew".into(), json!(domain.auto_renew())),
        ("transfer_lock".into(), json!(domain.transfer_lock())),
        (
            "expiry".into(),
            json!(
                expiry.and_then(|t| aws_smithy_types::DateTime::from_secs(t.secs())
                    .fmt(Format::DateTime)
                    .ok())
            ),
        ),
        (
            "days_to_expiry".into(),
            json!(expiry.map(|t| (t.secs() - now).div_euclid(86_400))),
        ),
    ])
}

/// The attributes GetDomainDetail reports (never its contacts).
async fn detail(client: &Client, domain: &DomainSummary) -> Result<Vec<(String, Value)>, String> {
    let name = domain
        .domain_name()
        .ok_or_else(|| format!("`{LIST_DOMAINS}` listed a domain without its name"))?;
    let out = client
        .get_domain_detail()
        .domain_name(name)
        .send()
        .await
        .map_err(|e| describe_error(GET_DOMAIN_DETAIL, &e))?;
    Ok(detail_attributes(&out))
}

fn detail_attributes(out: &GetDomainDetailOutput) -> Vec<(String, Value)> {
    let mut statuses: Vec<&str> = out.status_list().iter().map(String::as_str).collect();
    statuses.sort_unstable();
    statuses.dedup();
    let mut nameservers: Vec<String> = out
        .nameservers()
        .iter()
        .map(|n| normalised(n.name()))
        .filter(|n| !n.is_empty())
        .collect();
    nameservers.sort_unstable();
    nameservers.dedup();
    vec![
        ("registrar".into(), json!(out.registrar_name())),
        ("status_list".into(), json!(statuses)),
        ("nameservers".into(), json!(nameservers)),
        ("admin_privacy".into(), json!(out.admin_privacy())),
        ("registrant_privacy".into(), json!(out.registrant_privacy())),
        ("tech_privacy".into(), json!(out.tech_privacy())),
        ("dnssec".into(), json!(!out.dnssec_keys().is_empty())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    fn summary(name: &str, auto_renew: bool, lock: bool, expiry: i64) -> String {
        format!(
            r#"{{"DomainName":"{name}","AutoRenew":{auto_renew},"TransferLock":{lock},"Expiry":{expiry}}}"#
        )
    }

    /// A contact as the API reference shapes it: personal data the probe must not record.
    fn contact(first: &str) -> String {
        format!(
            r#"{{"FirstName":"{first}","LastName":"Doe","ContactType":"PERSON","OrganizationName":"Dorami",
            "AddressLine1":"1 Main Street","City":"Seoul","CountryCode":"KR","ZipCode":"04524",
            "PhoneNumber":"+82.212345678","Email":"{first}@dorami.example","ExtraParams":[]}}"#
        )
    }

    /// GetDomainDetail as the API reference shapes it, contacts and all.
    fn detail_body(name: &str, dnssec: bool) -> String {
        let keys = if dnssec {
            r#"[{"Algorithm":13,"Flags":257,"PublicKey":"mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==","DigestType":2,"Digest":"3F3A2C0B2D4D6A5B","KeyTag":2371,"Id":"1a2b3c"}]"#
        } else {
            "[]"
        };
        format!(
            r#"{{"DomainName":"{name}","Nameservers":[{{"Name":"NS-1520.awsdns-62.org.","GlueIps":[]}},{{"Name":"ns-101.awsdns-12.com"}}],
            "AutoRenew":true,"AdminContact":{},"RegistrantContact":{},"TechContact":{},"AdminPrivacy":true,"RegistrantPrivacy":true,"TechPrivacy":false,
            "RegistrarName":"Amazon Registrar, Inc.","WhoIsServer":"whois.registrar.amazon.com","RegistrarUrl":"https://registrar.amazon.com",
            "AbuseContactEmail":"abuse@amazonaws.com","AbuseContactPhone":"+1.2024422253","RegistryDomainId":"2345678_DOMAIN_COM-VRSN",
            "CreationDate":1563900000,"UpdatedDate":1700000000,"ExpirationDate":1900000000,"Reseller":"",
            "DnsSec":"{}","StatusList":["clientTransferProhibited","clientDeleteProhibited","clientUpdateProhibited"],
            "DnssecKeys":{keys},"BillingContact":{},"BillingPrivacy":true}}"#,
            contact("ada"),
            contact("bob"),
            contact("cyd"),
            if dnssec { "SIGNED" } else { "UNSIGNED" },
            contact("dan")
        )
    }

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    fn observation<'a>(records: &'a [ResourceRecord], id: &str) -> &'a Observation {
        &records
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no record {id}: {records:#?}"))
            .observation
    }

    fn present<'a>(
        records: &'a [ResourceRecord],
        id: &str,
    ) -> (&'a BTreeMap<String, Value>, &'a BTreeMap<String, String>) {
        match observation(records, id) {
            Observation::Present { attributes, errors } => (attributes, errors),
            other => panic!("{id}: {other:?}"),
        }
    }

    fn unexpected(request: &str) -> (u16, String) {
        (
            400,
            format!(
                r#"{{"__type":"UnexpectedRequest","message":"{}"}}"#,
                request.replace(['"', '\n', '\\'], " ")
            ),
        )
    }

    /// ListDomains as the API reference shapes it, on two pages (the second asked for with the
    /// first's `NextPageMarker`), in us-east-1 whatever the run's region: a domain named in
    /// another case or with a trailing dot is found; one not listed is missing; no
    /// GetDomainDetail when no check reads it.
    #[tokio::test]
    async fn list_domains_reads_every_page_in_us_east_1() {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let soon = now + 20 * 86_400 + 3_600;
        let first = format!(
            r#"{{"Domains":[{}],"NextPageMarker":"marker-2"}}"#,
            summary("dorami.example", true, true, 1_900_000_000)
        );
        let second = format!(
            r#"{{"Domains":[{}]}}"#,
            summary("shop-dorami.com", false, false, soon)
        );
        let replay =
            Replay::by_request(
                move |request| match request.lines().last().unwrap_or_default() {
                    "Route53Domains_v20140515.ListDomains" if request.contains("marker-2") => {
                        (200, second.clone())
                    }
                    "Route53Domains_v20140515.ListDomains" => (200, first.clone()),
                    _ => unexpected(request),
                },
            );
        let records = observe_yaml(
            &replay,
            "  - kind: route53_domain\n    id: Dorami.Example.\n    expect: { auto_renew: true, transfer_lock: true }\n\
             \x20 - kind: route53_domain\n    id: shop-dorami.com\n    expect: { days_to_expiry: { at_least: 30 } }\n\
             \x20 - kind: route53_domain\n    id: gone.example\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        for r in &requests {
            assert!(r.contains("route53domains.us-east-1.amazonaws.com"), "{r}");
        }
        assert!(
            requests[1].contains(r#""Marker":"marker-2""#),
            "{}",
            requests[1]
        );
        let (a, errors) = present(&records, "Dorami.Example.");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["auto_renew"], json!(true));
        assert_eq!(a["transfer_lock"], json!(true));
        assert_eq!(a["expiry"], json!("2030-03-17T17:46:40Z"));
        assert!(!a.contains_key("registrar"), "{a:?}");
        let (a, _) = present(&records, "shop-dorami.com");
        assert_eq!(a["auto_renew"], json!(false));
        assert_eq!(a["transfer_lock"], json!(false));
        assert_eq!(a["days_to_expiry"], json!(20));
        assert_eq!(observation(&records, "gone.example"), &Observation::Absent);
    }

    /// GetDomainDetail as the API reference shapes it: once per listed domain whose checks read
    /// it, by the name ListDomains gave; statuses and name servers sorted (name servers lower
    /// case, without the trailing dot); DNSSEC from its keys; no contact detail recorded. A
    /// denied call is an error of those attributes only; a denied ListDomains of every domain.
    #[tokio::test]
    async fn get_domain_detail_only_for_the_domains_that_check_it() {
        let listed = format!(
            r#"{{"Domains":[{},{},{}]}}"#,
            summary("dorami.example", true, true, 1_900_000_000),
            summary("signed.example", true, true, 1_900_000_000),
            summary("denied.example", true, true, 1_900_000_000)
        );
        let replay = Replay::by_request(move |request| {
            match request.lines().last().unwrap_or_default() {
                "Route53Domains_v20140515.ListDomains" => (200, listed.clone()),
                "Route53Domains_v20140515.GetDomainDetail"
                    if request.contains(r#""DomainName":"dorami.example""#) =>
                {
                    (200, detail_body("dorami.example", false))
                }
                "Route53Domains_v20140515.GetDomainDetail"
                    if request.contains(r#""DomainName":"signed.example""#) =>
                {
                    (200, detail_body("signed.example", true))
                }
                "Route53Domains_v20140515.GetDomainDetail" => (
                    400,
                    r#"{"__type":"AccessDeniedException","Message":"User is not authorized to perform: route53domains:GetDomainDetail"}"#.to_string(),
                ),
                _ => unexpected(request),
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: route53_domain\n    id: DORAMI.example\n    expect: { status_list: { contains: clientTransferProhibited }, registrant_privacy: true }\n\
             \x20 - kind: route53_domain\n    id: signed.example\n    expect: { dnssec: true }\n\
             \x20 - kind: route53_domain\n    id: denied.example\n    expect: { registrar: x }\n\
             \x20 - kind: route53_domain\n    id: unread.example\n    expect: { registrar: x }\n",
        )
        .await;
        let requests = replay.requests();
        let details: Vec<&String> = requests
            .iter()
            // Only a GetDomainDetail request's body names a domain.
            .filter(|r| r.contains(r#"{"DomainName":"#))
            .collect();
        assert_eq!(details.len(), 3, "{requests:#?}");
        assert_eq!(requests.len(), 4, "{requests:#?}");
        let (a, errors) = present(&records, "DORAMI.example");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["registrar"], json!("Amazon Registrar, Inc."));
        assert_eq!(
            a["status_list"],
            json!([
                "clientDeleteProhibited",
                "clientTransferProhibited",
                "clientUpdateProhibited"
            ])
        );
        assert_eq!(
            a["nameservers"],
            json!(["ns-101.awsdns-12.com", "ns-1520.awsdns-62.org"])
        );
        assert_eq!(a["admin_privacy"], json!(true));
        assert_eq!(a["tech_privacy"], json!(false));
        assert_eq!(a["dnssec"], json!(false));
        let text = serde_json::to_string(&records).expect("json");
        for personal in [
            "ada",
            "Doe",
            "Main Street",
            "+82",
            "@dorami.example",
            "04524",
        ] {
            assert!(!text.contains(personal), "{personal}: {text}");
        }
        assert_eq!(present(&records, "signed.example").0["dnssec"], json!(true));
        let (a, errors) = present(&records, "denied.example");
        assert_eq!(a["auto_renew"], json!(true));
        for attribute in DETAIL_ATTRIBUTES {
            assert!(
                errors[attribute].contains("`route53domains:GetDomainDetail`"),
                "{attribute}: {errors:?}"
            );
        }
        assert_eq!(
            observation(&records, "unread.example"),
            &Observation::Absent
        );

        let replay = Replay::by_request(|_| {
            (
                400,
                r#"{"__type":"AccessDeniedException","Message":"User is not authorized to perform: route53domains:ListDomains"}"#.to_string(),
            )
        });
        let records = observe_yaml(
            &replay,
            "  - kind: route53_domain\n    id: dorami.example\n    expect: { auto_renew: true }\n",
        )
        .await;
        match observation(&records, "dorami.example") {
            Observation::Error { error } => {
                assert!(error.contains("`route53domains:ListDomains`"), "{error}")
            }
            other => panic!("{other:?}"),
        }
    }
}
