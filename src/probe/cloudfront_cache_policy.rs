//! `cloudfront_cache_policy`: CloudFront cache policies, AWS managed (`Managed-CachingOptimized`)
//! and custom, with their TTLs and cache key. One ListCachePolicies, every page, serves every
//! check of the run: its summaries carry each policy's whole `CachePolicyConfig`, so no
//! GetCachePolicy is made. moto does not implement ListCachePolicies (tested by replay).

use std::collections::BTreeMap;

use aws_sdk_cloudfront::types::CachePolicySummary;
use aws_sdk_cloudfront::Client;
use serde_json::{json, Value};

use super::{all_errors, describe_error};
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST: &str = "cloudfront:ListCachePolicies";
const KIND: &str = "cloudfront_cache_policy";

/// Observes the named cache policies (by name or id).
pub(super) async fn observe(client: &Client, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    match list(client).await {
        Ok(listed) => resources
            .iter()
            .map(|r| ResourceRecord {
                kind: KIND.into(),
                id: r.id.clone(),
                observation: find(&listed, &r.id),
            })
            .collect(),
        Err(e) => all_errors(resources, &e),
    }
}

/// A policy by id, else by name; several of one name are an error naming their ids.
fn find(listed: &[CachePolicySummary], id: &str) -> Observation {
    let policy_id = |s: &CachePolicySummary| s.cache_policy().map(|p| p.id().to_string());
    let name = |s: &CachePolicySummary| {
        s.cache_policy()
            .and_then(|p| p.cache_policy_config())
            .map(|c| c.name().to_string())
    };
    if let Some(s) = listed.iter().find(|s| policy_id(s).as_deref() == Some(id)) {
        return present(s);
    }
    let named: Vec<&CachePolicySummary> = listed
        .iter()
        .filter(|s| name(s).as_deref() == Some(id))
        .collect();
    match named.as_slice() {
        [] => Observation::Absent,
        [one] => present(one),
        several => Observation::Error {
            error: format!(
                "{} cache policies are named `{id}` (ids {}): name one by its id",
                several.len(),
                several
                    .iter()
                    .filter_map(|s| policy_id(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

fn present(s: &CachePolicySummary) -> Observation {
    Observation::Present {
        attributes: attributes(s),
        errors: BTreeMap::new(),
    }
}

/// Every cache policy of the account, managed and custom (all pages: ListCachePolicies has no
/// SDK paginator, so the `NextMarker` is followed here).
async fn list(client: &Client) -> Result<Vec<CachePolicySummary>, String> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_cache_policies()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| describe_error(LIST, &e))?;
        let list = page.cache_policy_list();
        out.extend(list.map(|l| l.items()).unwrap_or_default().iter().cloned());
        match list.and_then(|l| l.next_marker()).filter(|m| !m.is_empty()) {
            Some(next) if Some(next) != marker.as_deref() => marker = Some(next.to_string()),
            Some(_) => {
                return Err(format!(
                    "{LIST}: the same NextMarker twice, the listing would never end"
                ))
            }
            None => return Ok(out),
        }
    }
}

/// The catalog's `cloudfront_cache_policy` attributes of one policy.
pub fn attributes(s: &CachePolicySummary) -> BTreeMap<String, Value> {
    let policy = s.cache_policy();
    let config = policy.and_then(|p| p.cache_policy_config());
    let key = config.and_then(|c| c.parameters_in_cache_key_and_forwarded_to_origin());
    let sorted = |items: Option<&[String]>| {
        let mut names: Vec<&str> = items
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        json!(names)
    };
    let query = key.and_then(|k| k.query_strings_config());
    let cookies = key.and_then(|k| k.cookies_config());
    let headers = key.and_then(|k| k.headers_config());
    BTreeMap::from([
        ("type".into(), json!(s.r#type().as_str())),
        ("policy_id".into(), json!(policy.map(|p| p.id()))),
        ("min_ttl".into(), json!(config.map(|c| c.min_ttl()))),
        (
            "default_ttl".into(),
            json!(config.and_then(|c| c.default_ttl())),
        ),
        ("max_ttl".into(), json!(config.and_then(|c| c.max_ttl()))),
        (
            "query_strings".into(),
            json!(query.map(|q| q.query_string_behavior().as_str())),
        ),
        (
            "query_string_names".into(),
            sorted(query.and_then(|q| q.query_strings()).map(|n| n.items())),
        ),
        (
            "cookies".into(),
            json!(cookies.map(|c| c.cookie_behavior().as_str())),
        ),
        (
            "cookie_names".into(),
            sorted(cookies.and_then(|c| c.cookies()).map(|n| n.items())),
        ),
        (
            "headers".into(),
            json!(headers.map(|h| h.header_behavior().as_str())),
        ),
        (
            "header_names".into(),
            sorted(headers.and_then(|h| h.headers()).map(|n| n.items())),
        ),
        (
            "gzip".into(),
            json!(key.map(|k| k.enable_accept_encoding_gzip())),
        ),
        (
            "brotli".into(),
            json!(key.and_then(|k| k.enable_accept_encoding_brotli())),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    const NS: &str = r#"xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/""#;

    /// One `CachePolicySummary` as the API reference shapes it.
    fn summary(
        kind: &str,
        id: &str,
        name: &str,
        ttls: (i64, i64, i64),
        key: (&str, &[&str], &str, &[&str], &str, &[&str]),
        brotli: bool,
    ) -> String {
        let names = |tag: &str, items: &[&str]| {
            if items.is_empty() {
                return String::new();
            }
            let each: String = items.iter().map(|i| format!("<Name>{i}</Name>")).collect();
            format!(
                "<{tag}><Quantity>{}</Quantity><Items>{each}</Items></{tag}>",
                items.len()
            )
        };
        format!(
            "<CachePolicySummary><Type>{kind}</Type><CachePolicy><Id>{id}</Id><LastModifiedTime>2026-11-02T09:00:00Z</LastModifiedTime>\
             <CachePolicyConfig><Comment>c</Comment><Name>{name}</Name><DefaultTTL>{}</DefaultTTL><MaxTTL>{}</MaxTTL><MinTTL>{}</MinTTL>\
             <ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip><EnableAcceptEncodingBrotli>{brotli}</EnableAcceptEncodingBrotli>\
             <HeadersConfig><HeaderBehavior>{}</HeaderBehavior>{}</HeadersConfig>\
             <CookiesConfig><CookieBehavior>{}</CookieBehavior>{}</CookiesConfig>\
             <QueryStringsConfig><QueryStringBehavior>{}</QueryStringBehavior>{}</QueryStringsConfig>\
             </ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig></CachePolicy></CachePolicySummary>",
            ttls.1, ttls.2, ttls.0,
            key.4, names("Headers", key.5),
            key.2, names("Cookies", key.3),
            key.0, names("QueryStrings", key.1),
        )
    }

    fn page(items: &[String], next: Option<&str>) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<CachePolicyList {NS}>{}<MaxItems>100</MaxItems><Quantity>{}</Quantity><Items>{}</Items></CachePolicyList>",
            next.map_or(String::new(), |m| format!("<NextMarker>{m}</NextMarker>")),
            items.len(),
            items.concat()
        )
    }

    fn spec(resources: &str) -> crate::spec::Spec {
        crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources}"),
        )
        .expect("spec")
    }

    /// ListCachePolicies (REST-XML, shaped like the API reference's response), followed over
    /// its `NextMarker` once for every policy of the run: managed ones by name, custom ones by
    /// name or id; an unknown name is missing, a name shared by two policies an error.
    #[tokio::test]
    async fn list_cache_policies_reads_every_page_once_for_every_policy() {
        let first = page(
            &[
                summary(
                    "managed",
                    "658327ea-f89d-4fab-a63d-7e88639e58f6",
                    "Managed-CachingOptimized",
                    (1, 86400, 31536000),
                    ("none", &[], "none", &[], "none", &[]),
                    true,
                ),
                summary(
                    "custom",
                    "4d1e7a2c-0b5f-4a5e-9d43-2c1f0e7b9a11",
                    "dorami-api",
                    (0, 0, 1),
                    (
                        "whitelist",
                        &["page", "lang"],
                        "whitelist",
                        &["session"],
                        "whitelist",
                        &["Authorization", "Accept-Language"],
                    ),
                    false,
                ),
            ],
            Some("4d1e7a2c-0b5f-4a5e-9d43-2c1f0e7b9a11"),
        );
        let second = page(
            &[
                summary(
                    "custom",
                    "aaaa",
                    "twin",
                    (0, 60, 60),
                    ("all", &[], "none", &[], "none", &[]),
                    false,
                ),
                summary(
                    "custom",
                    "bbbb",
                    "twin",
                    (0, 60, 60),
                    ("all", &[], "none", &[], "none", &[]),
                    false,
                ),
            ],
            None,
        );
        let replay = Replay::by_request(move |request| {
            if request.contains("Marker=4d1e7a2c") {
                (200, second.clone())
            } else {
                (200, first.clone())
            }
        });
        let spec = spec(
            "  - kind: cloudfront_cache_policy\n    id: Managed-CachingOptimized\n    expect: { default_ttl: 86400 }\n\
             \x20 - kind: cloudfront_cache_policy\n    id: 4d1e7a2c-0b5f-4a5e-9d43-2c1f0e7b9a11\n    expect: { max_ttl: 1 }\n\
             \x20 - kind: cloudfront_cache_policy\n    id: dorami-api\n    expect: { cookies: whitelist }\n\
             \x20 - kind: cloudfront_cache_policy\n    id: twin\n\
             \x20 - kind: cloudfront_cache_policy\n    id: Managed-Nope\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = super::super::cloudfront::observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("/2020-05-31/cache-policy"),
            "{}",
            requests[0]
        );
        let attributes = |i: usize| match &records[i].observation {
            Observation::Present { attributes, errors } => {
                assert!(errors.is_empty(), "{errors:?}");
                attributes.clone()
            }
            other => panic!("{}: {other:?}", records[i].id),
        };
        let managed = attributes(0);
        assert_eq!(managed["type"], json!("managed"));
        assert_eq!(
            (
                &managed["min_ttl"],
                &managed["default_ttl"],
                &managed["max_ttl"]
            ),
            (&json!(1), &json!(86400), &json!(31536000))
        );
        assert_eq!(managed["query_strings"], json!("none"));
        assert_eq!(managed["query_string_names"], json!([]));
        assert_eq!(managed["gzip"], json!(true));
        assert_eq!(managed["brotli"], json!(true));
        let custom = attributes(1);
        assert_eq!(custom, attributes(2), "by id and by name alike");
        assert_eq!(custom["type"], json!("custom"));
        assert_eq!(
            custom["policy_id"],
            json!("4d1e7a2c-0b5f-4a5e-9d43-2c1f0e7b9a11")
        );
        assert_eq!(custom["query_strings"], json!("whitelist"));
        assert_eq!(custom["query_string_names"], json!(["lang", "page"]));
        assert_eq!(custom["cookie_names"], json!(["session"]));
        assert_eq!(custom["headers"], json!("whitelist"));
        assert_eq!(
            custom["header_names"],
            json!(["Accept-Language", "Authorization"])
        );
        assert_eq!(custom["brotli"], json!(false));
        match &records[3].observation {
            Observation::Error { error } => {
                assert!(error.contains("aaaa") && error.contains("bbbb"), "{error}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(records[4].observation, Observation::Absent));
        let names: Vec<&str> = managed.keys().map(String::as_str).collect();
        let mut catalog: Vec<&str> = crate::catalog::kind(KIND)
            .expect("kind")
            .attributes
            .iter()
            .map(|a| a.name)
            .collect();
        catalog.sort_unstable();
        assert_eq!(
            names, catalog,
            "the probe records exactly the catalog's attributes"
        );
    }

    /// A refused ListCachePolicies is an error for every policy, never missing.
    #[tokio::test]
    async fn a_refused_list_cache_policies_is_an_error() {
        let replay = Replay::new(&[(
            403,
            "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: cloudfront:ListCachePolicies</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        )]);
        let spec = spec("  - kind: cloudfront_cache_policy\n    id: Managed-CachingOptimized\n");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = super::super::cloudfront::observe(&replay.connection(), &resources).await;
        match &records[0].observation {
            Observation::Error { error } => {
                assert!(
                    error.contains(LIST) && error.contains("AccessDenied"),
                    "{error}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
