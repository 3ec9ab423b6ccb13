//! CloudFront: one paginated ListDistributions serves every `cloudfront_distribution` check
//! (cache policies: [`super::cloudfront_cache_policy`]).
//! CloudFront is a global service; its client is built like any other and resolves the global
//! endpoint (or the `--endpoint-url` override) itself.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudfront::types::{
    DistributionSummary, FunctionAssociations, LambdaFunctionAssociations,
};
use aws_sdk_cloudfront::Client;
use serde_json::{json, Value};

use futures::stream::{self, StreamExt};

use super::{all_errors, collect_pages, describe_error, from_listing, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::Observation;
use crate::snapshot::ResourceRecord;
use crate::spec::Resource;

const DISTRIBUTIONS: &str = "cloudfront:ListDistributions";
const CONFIG: &str = "cloudfront:GetDistributionConfig";
const INVALIDATIONS: &str = "cloudfront:ListInvalidations";

/// Observes the named distributions (by id or by one of their aliases) and cache policies.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let distributions = of_kind(resources, "cloudfront_distribution");
    let policies = of_kind(resources, "cloudfront_cache_policy");
    let client = crate::client!(aws_sdk_cloudfront, conn);
    let (mut records, policies) = tokio::join!(
        async {
            if distributions.is_empty() {
                return Vec::new();
            }
            let listed = list_distributions(&client).await;
            observe_listed(conn, &client, &distributions, listed).await
        },
        super::cloudfront_cache_policy::observe(&client, &policies),
    );
    records.extend(policies);
    records
}

/// The named distributions, from a listing already made (see [`list_distributions`]).
pub(crate) async fn observe_listed(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
    listed: Result<Vec<DistributionSummary>, String>,
) -> Vec<ResourceRecord> {
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return all_errors(resources, &e),
    };
    // Aliases first, so that an id always finds its own distribution.
    let mut by_id: HashMap<String, &DistributionSummary> = HashMap::new();
    for d in &listed {
        for alias in d.aliases().map(|a| a.items()).unwrap_or_default() {
            by_id.insert(alias.clone(), d);
        }
    }
    for d in &listed {
        by_id.insert(d.id().to_string(), d);
    }
    let mut records = from_listing(resources, "cloudfront_distribution", &by_id, |d| {
        attributes(d)
    });
    // The default root object and logging are only in the distribution's configuration, the
    // invalidations in their own list: one call each per named distribution whose checks ask
    // for them, a bounded number at once.
    let wanted: Vec<(usize, String, bool, bool)> = records
        .iter()
        .enumerate()
        .filter(|(_, rec)| matches!(rec.observation, Observation::Present { .. }))
        .filter_map(|(i, rec)| {
            let r = resources.iter().find(|r| r.id == rec.id)?;
            let id = by_id.get(&rec.id)?.id().to_string();
            let ops = operations_for(r);
            let (config, invalidations) = (ops.contains(CONFIG), ops.contains(INVALIDATIONS));
            (config || invalidations).then_some((i, id, config, invalidations))
        })
        .collect();
    let extra: Vec<(usize, Vec<Read>)> = stream::iter(wanted)
        .map(|(i, id, config, invalidations)| async move {
            let mut results = Vec::new();
            if config {
                results.push(
                    configuration(client, &id)
                        .await
                        .map_err(|e| (CONFIG_ATTRIBUTES.to_vec(), e)),
                );
            }
            if invalidations {
                results.push(
                    latest_invalidation(client, &id)
                        .await
                        .map_err(|e| (vec![LATEST_INVALIDATION], e)),
                );
            }
            (i, results)
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    for (i, results) in extra {
        if let Some(Observation::Present { attributes, errors }) =
            records.get_mut(i).map(|r| &mut r.observation)
        {
            for result in results {
                match result {
                    Ok(values) => attributes.extend(values),
                    Err((names, e)) => {
                        for name in names {
                            errors.insert(name.into(), e.clone());
                        }
                    }
                }
            }
        }
    }
    records
}

/// What one per-distribution call read: its attributes, or the attributes it serves and why it
/// failed.
type Read = Result<BTreeMap<String, Value>, (Vec<&'static str>, String)>;

/// The attributes read from GetDistributionConfig.
const CONFIG_ATTRIBUTES: [&str; 3] = ["default_root_object", "logging_enabled", "logging_bucket"];
/// The attribute read from ListInvalidations.
const LATEST_INVALIDATION: &str = "latest_invalidation_age_minutes";

/// The default root object (null when none is set) and the standard logging of one
/// distribution, from its configuration.
async fn configuration(client: &Client, id: &str) -> Result<BTreeMap<String, Value>, String> {
    match client.get_distribution_config().id(id).send().await {
        Ok(out) => {
            let config = out.distribution_config();
            let logging = config.and_then(|c| c.logging());
            let enabled = logging.map(|l| l.enabled());
            Ok(BTreeMap::from([
                (
                    "default_root_object".into(),
                    json!(non_empty(config.and_then(|c| c.default_root_object()))),
                ),
                ("logging_enabled".into(), json!(enabled)),
                (
                    "logging_bucket".into(),
                    json!(logging
                        .filter(|l| l.enabled())
                        .and_then(|l| non_empty(Some(l.bucket())))),
                ),
            ]))
        }
        Err(e) => Err(describe_error(CONFIG, &e)),
    }
}

/// Minutes since the newest invalidation of one distribution was created (null when none). AWS
/// lists invalidations newest first, so the first page holds the newest; its latest
/// `CreateTime` is taken, whatever the order within it.
async fn latest_invalidation(client: &Client, id: &str) -> Result<BTreeMap<String, Value>, String> {
    match client.list_invalidations().distribution_id(id).send().await {
        Ok(out) => {
            let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
            let newest = out
                .invalidation_list()
                .map(|l| l.items())
                .unwrap_or_default()
                .iter()
                .map(|i| i.create_time().secs())
                .max();
            Ok(BTreeMap::from([(
                LATEST_INVALIDATION.into(),
                json!(newest.map(|t| (now - t).max(0) / 60)),
            )]))
        }
        Err(e) => Err(describe_error(INVALIDATIONS, &e)),
    }
}

/// Every distribution in the account (all pages).
pub(crate) async fn list_distributions(
    client: &Client,
) -> Result<Vec<DistributionSummary>, String> {
    collect_pages(
        client.list_distributions().into_paginator().send(),
        DISTRIBUTIONS,
        |page| {
            page.distribution_list
                .and_then(|l| l.items)
                .unwrap_or_default()
        },
    )
    .await
}

/// CloudFront answers "none" with an empty string in several fields (WebACLId, ACMCertificateArn
/// in some responses, CachePolicyId with legacy cache settings): that is `null` here.
fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// The catalog's `cloudfront_distribution` attributes of one distribution.
pub fn attributes(d: &DistributionSummary) -> BTreeMap<String, Value> {
    let aliases: Vec<&str> = d
        .aliases()
        .map(|a| a.items())
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    let origin_domains: Vec<&str> = d
        .origins()
        .map(|o| o.items())
        .unwrap_or_default()
        .iter()
        .map(|o| o.domain_name())
        .collect();
    let origins: Vec<Value> = d
        .origins()
        .map(|o| o.items())
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let kind = if o.s3_origin_config().is_some() {
                Some("s3")
            } else if o.custom_origin_config().is_some() {
                Some("custom")
            } else {
                None
            };
            json!({
                "id": o.id(),
                "domain_name": o.domain_name(),
                "type": kind,
                "origin_access_control_id": non_empty(o.origin_access_control_id()),
            })
        })
        .collect();
    let behavior = d.default_cache_behavior();
    let certificate = d.viewer_certificate();
    // The ordered behaviours in their order of precedence, then the default one (`*`).
    let mut behaviors: Vec<Value> = d
        .cache_behaviors()
        .map(|b| b.items())
        .unwrap_or_default()
        .iter()
        .map(|b| {
            behavior_json(Behavior {
                path_pattern: b.path_pattern(),
                target_origin_id: b.target_origin_id(),
                viewer_protocol_policy: b.viewer_protocol_policy().as_str(),
                compress: b.compress(),
                cache_policy_id: b.cache_policy_id(),
                origin_request_policy_id: b.origin_request_policy_id(),
                functions: b.function_associations(),
                lambdas: b.lambda_function_associations(),
            })
        })
        .collect();
    if let Some(b) = behavior {
        behaviors.push(behavior_json(Behavior {
            path_pattern: "*",
            target_origin_id: b.target_origin_id(),
            viewer_protocol_policy: b.viewer_protocol_policy().as_str(),
            compress: b.compress(),
            cache_policy_id: b.cache_policy_id(),
            origin_request_policy_id: b.origin_request_policy_id(),
            functions: b.function_associations(),
            lambdas: b.lambda_function_associations(),
        }));
    }
    let error_responses: Vec<Value> = d
        .custom_error_responses()
        .map(|c| c.items())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            json!({
                "error_code": e.error_code(),
                "response_code": non_empty(e.response_code()),
                "response_page_path": non_empty(e.response_page_path()),
                "error_caching_min_ttl": e.error_caching_min_ttl(),
            })
        })
        .collect();
    let geo = d.restrictions().and_then(|r| r.geo_restriction());
    let mut locations: Vec<&str> = geo
        .map(|g| g.items())
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    locations.sort_unstable();
    BTreeMap::from([
        ("status".into(), json!(d.status())),
        ("enabled".into(), json!(d.enabled())),
        ("domain_name".into(), json!(d.domain_name())),
        ("aliases".into(), json!(aliases)),
        ("origin_domains".into(), json!(origin_domains)),
        ("origins".into(), json!(origins)),
        (
            "viewer_protocol_policy".into(),
            json!(behavior.map(|b| b.viewer_protocol_policy().as_str())),
        ),
        (
            "compress".into(),
            json!(behavior.and_then(|b| b.compress())),
        ),
        (
            "cache_policy_id".into(),
            json!(non_empty(behavior.and_then(|b| b.cache_policy_id()))),
        ),
        (
            "acm_certificate_arn".into(),
            json!(non_empty(certificate.and_then(|c| c.acm_certificate_arn()))),
        ),
        (
            "minimum_protocol_version".into(),
            json!(certificate
                .and_then(|c| c.minimum_protocol_version())
                .map(|v| v.as_str())),
        ),
        ("web_acl_id".into(), json!(non_empty(Some(d.web_acl_id())))),
        ("price_class".into(), json!(d.price_class().as_str())),
        ("http_version".into(), json!(d.http_version().as_str())),
        ("cache_behaviors".into(), json!(behaviors)),
        ("custom_error_responses".into(), json!(error_responses)),
        (
            "geo_restriction".into(),
            json!(geo.map(|g| g.restriction_type().as_str())),
        ),
        ("geo_restriction_locations".into(), json!(locations)),
    ])
}

/// The fields of a cache behaviour the catalog reports: the default behaviour and the ordered
/// ones are two SDK types with the same fields.
struct Behavior<'a> {
    path_pattern: &'a str,
    target_origin_id: &'a str,
    viewer_protocol_policy: &'a str,
    compress: Option<bool>,
    cache_policy_id: Option<&'a str>,
    origin_request_policy_id: Option<&'a str>,
    functions: Option<&'a FunctionAssociations>,
    lambdas: Option<&'a LambdaFunctionAssociations>,
}

/// One entry of `cache_behaviors`.
fn behavior_json(b: Behavior<'_>) -> Value {
    let functions: Vec<Value> = b
        .functions
        .map(|f| f.items())
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let arn = f.function_arn();
            json!({
                "event_type": f.event_type().as_str(),
                "name": arn.rsplit('/').next().unwrap_or(arn),
                "arn": arn,
            })
        })
        .collect();
    let lambdas: Vec<Value> = b
        .lambdas
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .map(|l| {
            json!({
                "event_type": l.event_type().as_str(),
                "arn": l.lambda_function_arn(),
            })
        })
        .collect();
    json!({
        "path_pattern": b.path_pattern,
        "viewer_protocol_policy": b.viewer_protocol_policy,
        "cache_policy_id": non_empty(b.cache_policy_id),
        "origin_request_policy_id": non_empty(b.origin_request_policy_id),
        "compress": b.compress,
        "target_origin_id": b.target_origin_id,
        "function_associations": functions,
        "lambda_associations": lambdas,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use aws_sdk_cloudfront::types::{
        Aliases, DefaultCacheBehavior, HttpVersion, PriceClass, ViewerCertificate,
        ViewerProtocolPolicy,
    };

    use super::*;
    use crate::probe::replay::Replay;
    use crate::snapshot::Observation;

    fn page(id: &str, alias: &str, next_marker: Option<&str>) -> String {
        let (truncated, marker) = match next_marker {
            Some(m) => ("true", format!("<NextMarker>{m}</NextMarker>")),
            None => ("false", String::new()),
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Marker></Marker>{marker}<MaxItems>1</MaxItems><IsTruncated>{truncated}</IsTruncated><Quantity>1</Quantity>
<Items><DistributionSummary>
<Id>{id}</Id><ARN>arn:aws:cloudfront::123456789012:distribution/{id}</ARN><Status>Deployed</Status>
<LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime><DomainName>{id}.cloudfront.net</DomainName>
<Aliases><Quantity>1</Quantity><Items><CNAME>{alias}</CNAME></Items></Aliases>
<Comment></Comment><PriceClass>PriceClass_100</PriceClass><Enabled>true</Enabled>
<WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging>
</DistributionSummary></Items></DistributionList>"#
        )
    }

    /// ListDistributions is paginated by NextMarker: both pages are read, and a distribution on
    /// the second page is found by id and by alias.
    #[tokio::test]
    async fn list_distributions_reads_every_page() {
        let replay = Replay::new(&[
            (200, &page("E1PAGEONE", "one.example", Some("E1PAGEONE"))),
            (200, &page("E2PAGETWO", "two.example", None)),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: cloudfront_distribution\n  id: E1PAGEONE\n  expect: { enabled: true }\n\
             - kind: cloudfront_distribution\n  id: two.example\n  expect: { enabled: true }\n\
             - kind: cloudfront_distribution\n  id: E2PAGETWO\n  expect: { web_acl_id: null }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(requests[0].starts_with("GET "), "{}", requests[0]);
        assert!(
            requests[0].contains("/2020-05-31/distribution"),
            "{}",
            requests[0]
        );
        assert!(!requests[0].contains("Marker="), "{}", requests[0]);
        assert!(requests[1].contains("Marker=E1PAGEONE"), "{}", requests[1]);
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([("CloudFront:ListDistributions".to_string(), 2)])
        );
        assert_eq!(records.len(), 3);
        for r in &records {
            match &r.observation {
                Observation::Present { attributes, .. } => {
                    let expected_domain = if r.id == "E1PAGEONE" {
                        "E1PAGEONE.cloudfront.net"
                    } else {
                        "E2PAGETWO.cloudfront.net"
                    };
                    assert_eq!(
                        attributes["domain_name"],
                        json!(expected_domain),
                        "{}",
                        r.id
                    );
                    assert_eq!(attributes["web_acl_id"], Value::Null);
                }
                other => panic!("{}: {other:?}", r.id),
            }
        }
    }

    /// A GetDistributionConfig answer shaped like the API reference's response syntax (and its
    /// CLI example's values); CloudFront sends an empty `DefaultRootObject` when none is set.
    fn config(alias: &str, root: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<CallerReference>cli-example</CallerReference>
<Aliases><Quantity>1</Quantity><Items><CNAME>{alias}</CNAME></Items></Aliases>
<DefaultRootObject>{root}</DefaultRootObject>
<Origins><Quantity>1</Quantity><Items><Origin><Id>awsexamplebucket.s3.amazonaws.com-cli-example</Id>
<DomainName>awsexamplebucket.s3.amazonaws.com</DomainName><OriginPath></OriginPath>
<CustomHeaders><Quantity>0</Quantity></CustomHeaders>
<S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig>
<ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout>
<OriginShield><Enabled>false</Enabled></OriginShield><OriginAccessControlId></OriginAccessControlId>
</Origin></Items></Origins>
<OriginGroups><Quantity>0</Quantity></OriginGroups>
<DefaultCacheBehavior><TargetOriginId>awsexamplebucket.s3.amazonaws.com-cli-example</TargetOriginId>
<TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>
<TrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></TrustedKeyGroups>
<ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy>
<AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items>
<CachedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></CachedMethods></AllowedMethods>
<SmoothStreaming>false</SmoothStreaming><Compress>false</Compress>
<LambdaFunctionAssociations><Quantity>0</Quantity></LambdaFunctionAssociations>
<FunctionAssociations><Quantity>0</Quantity></FunctionAssociations>
<FieldLevelEncryptionId></FieldLevelEncryptionId>
<CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>
<CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>
<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>
<Comment></Comment>
<Logging><Enabled>false</Enabled><IncludeCookies>false</IncludeCookies><Bucket></Bucket><Prefix></Prefix></Logging>
<PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled>
<ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate>
<SSLSupportMethod>vip</SSLSupportMethod><MinimumProtocolVersion>TLSv1</MinimumProtocolVersion>
<CertificateSource>cloudfront</CertificateSource></ViewerCertificate>
<Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions>
<WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled>
</DistributionConfig>"#
        )
    }

    /// GetDistributionConfig is called once per distribution whose checks ask for the default
    /// root object, with the distribution's id (also when the spec names it by alias), and for
    /// no other; an empty `DefaultRootObject` is null.
    #[tokio::test]
    async fn get_distribution_config_reads_the_default_root_object() {
        let replay = Replay::by_request(|request| {
            let first_line = request.lines().next().unwrap_or_default();
            if first_line.contains("/distribution/E1PAGEONE/config") {
                (200, config("one.example", "index.html"))
            } else if first_line.contains("/distribution/E2PAGETWO/config") {
                (200, config("two.example", ""))
            } else if first_line.contains("/config") {
                (404, format!("unexpected request: {request}"))
            } else if first_line.contains("Marker=E1PAGEONE") {
                (200, page("E2PAGETWO", "two.example", None))
            } else {
                (200, page("E1PAGEONE", "one.example", Some("E1PAGEONE")))
            }
        });
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: cloudfront_distribution\n  id: E1PAGEONE\n  expect: { default_root_object: index.html }\n\
             - kind: cloudfront_distribution\n  id: two.example\n  expect: { default_root_object: null }\n\
             - kind: cloudfront_distribution\n  id: E2PAGETWO\n  expect: { enabled: true }\n\
             - kind: cloudfront_distribution\n  id: E9NOWHERE\n  expect: { default_root_object: index.html }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        let configs: Vec<&String> = requests
            .iter()
            .filter(|r| r.lines().next().unwrap_or_default().contains("/config"))
            .collect();
        assert_eq!(configs.len(), 2, "{requests:#?}");
        for c in &configs {
            assert!(c.starts_with("GET "), "{c}");
            assert!(c.contains("/2020-05-31/distribution/E"), "{c}");
        }
        assert!(
            configs.iter().any(|c| c.contains("/E2PAGETWO/config")),
            "the alias is looked up by its distribution's id: {configs:#?}"
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("CloudFront:ListDistributions".to_string(), 2),
                ("CloudFront:GetDistributionConfig".to_string(), 2),
            ])
        );
        let attributes =
            |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
                Some(Observation::Present { attributes, errors }) => {
                    assert!(errors.is_empty(), "{id}: {errors:?}");
                    attributes.clone()
                }
                other => panic!("{id}: {other:?}"),
            };
        assert_eq!(
            attributes("E1PAGEONE").get("default_root_object"),
            Some(&json!("index.html"))
        );
        assert_eq!(
            attributes("two.example").get("default_root_object"),
            Some(&Value::Null)
        );
        // Its checks do not ask for the root object: not read, not reported.
        let e2 = attributes("E2PAGETWO");
        assert!(!e2.contains_key("default_root_object"), "{e2:?}");
        assert_eq!(e2["enabled"], json!(true));
        assert_eq!(
            records
                .iter()
                .find(|r| r.id == "E9NOWHERE")
                .map(|r| &r.observation),
            Some(&Observation::Absent)
        );
    }

    /// A denied GetDistributionConfig makes `default_root_object` an error; the listing's
    /// attributes stay.
    #[tokio::test]
    async fn a_denied_get_distribution_config_is_an_error_of_its_attribute() {
        let replay = Replay::new(&[
            (200, &page("E1PAGEONE", "one.example", None)),
            (
                403,
                r#"<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: cloudfront:GetDistributionConfig</Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
            ),
        ]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: cloudfront_distribution\n  id: one.example\n  expect: { default_root_object: index.html }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 2);
        match &records[0].observation {
            Observation::Present { attributes, errors } => {
                assert!(!attributes.contains_key("default_root_object"));
                assert_eq!(attributes["domain_name"], json!("E1PAGEONE.cloudfront.net"));
                assert!(
                    errors["default_root_object"].contains("`cloudfront:GetDistributionConfig`"),
                    "{errors:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// A ListDistributions page whose summary has ordered cache behaviours (with a CloudFront
    /// Function and a Lambda@Edge association), custom error responses and a geographic
    /// restriction, shaped like the API reference's `DistributionSummary`.
    const FULL_PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity>
<Items><DistributionSummary>
<Id>E3FULL</Id><ARN>arn:aws:cloudfront::123456789012:distribution/E3FULL</ARN><Status>Deployed</Status>
<LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime><DomainName>d3full.cloudfront.net</DomainName>
<Aliases><Quantity>1</Quantity><Items><CNAME>shop.example</CNAME></Items></Aliases>
<Origins><Quantity>2</Quantity><Items>
<Origin><Id>web</Id><DomainName>web.s3.eu-west-1.amazonaws.com</DomainName><OriginPath></OriginPath>
<CustomHeaders><Quantity>0</Quantity></CustomHeaders><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig>
<ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout><OriginAccessControlId>E2QWRUHEXAMPLE</OriginAccessControlId></Origin>
<Origin><Id>api</Id><DomainName>api.example</DomainName><OriginPath></OriginPath>
<CustomHeaders><Quantity>0</Quantity></CustomHeaders><CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>
<OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig>
<ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout></Origin>
</Items></Origins>
<DefaultCacheBehavior><TargetOriginId>web</TargetOriginId>
<TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>
<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>
<AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></AllowedMethods>
<Compress>true</Compress>
<LambdaFunctionAssociations><Quantity>0</Quantity></LambdaFunctionAssociations>
<FunctionAssociations><Quantity>1</Quantity><Items><FunctionAssociation>
<FunctionARN>arn:aws:cloudfront::123456789012:function/spa-rewrite</FunctionARN><EventType>viewer-request</EventType>
</FunctionAssociation></Items></FunctionAssociations>
<CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>
<CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior><PathPattern>/api/*</PathPattern><TargetOriginId>api</TargetOriginId>
<TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>
<ViewerProtocolPolicy>https-only</ViewerProtocolPolicy>
<AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></AllowedMethods>
<Compress>false</Compress>
<LambdaFunctionAssociations><Quantity>1</Quantity><Items><LambdaFunctionAssociation>
<LambdaFunctionARN>arn:aws:lambda:us-east-1:123456789012:function:auth:3</LambdaFunctionARN><EventType>origin-request</EventType><IncludeBody>false</IncludeBody>
</LambdaFunctionAssociation></Items></LambdaFunctionAssociations>
<FunctionAssociations><Quantity>0</Quantity></FunctionAssociations>
<CachePolicyId>4135ea2d-6df8-44a3-9df3-4b5a84be39ad</CachePolicyId>
<OriginRequestPolicyId>b689b0a8-53d0-40ab-baf2-68738e2966ac</OriginRequestPolicyId></CacheBehavior></Items></CacheBehaviors>
<CustomErrorResponses><Quantity>2</Quantity><Items>
<CustomErrorResponse><ErrorCode>403</ErrorCode><ResponsePagePath>/index.html</ResponsePagePath><ResponseCode>200</ResponseCode><ErrorCachingMinTTL>10</ErrorCachingMinTTL></CustomErrorResponse>
<CustomErrorResponse><ErrorCode>504</ErrorCode><ResponsePagePath></ResponsePagePath><ResponseCode></ResponseCode></CustomErrorResponse>
</Items></CustomErrorResponses>
<Comment></Comment><PriceClass>PriceClass_100</PriceClass><Enabled>true</Enabled>
<ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate></ViewerCertificate>
<Restrictions><GeoRestriction><RestrictionType>whitelist</RestrictionType><Quantity>2</Quantity><Items><Location>KR</Location><Location>JP</Location></Items></GeoRestriction></Restrictions>
<WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging>
</DistributionSummary></Items></DistributionList>"#;

    /// Cache behaviours (ordered ones first, the default one last as `*`), custom error
    /// responses (empty strings null) and the geographic restriction come from the listing.
    #[tokio::test]
    async fn behaviours_error_responses_and_geo_restriction_come_from_the_listing() {
        let replay = Replay::new(&[(200, FULL_PAGE)]);
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: cloudfront_distribution\n  id: shop.example\n  expect: { geo_restriction: whitelist }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        assert_eq!(replay.requests().len(), 1);
        let Observation::Present { attributes: a, .. } = &records[0].observation else {
            panic!("{records:?}");
        };
        assert_eq!(
            a["cache_behaviors"],
            json!([
                {"path_pattern": "/api/*", "viewer_protocol_policy": "https-only",
                 "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                 "origin_request_policy_id": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
                 "compress": false, "target_origin_id": "api", "function_associations": [],
                 "lambda_associations": [{"event_type": "origin-request",
                     "arn": "arn:aws:lambda:us-east-1:123456789012:function:auth:3"}]},
                {"path_pattern": "*", "viewer_protocol_policy": "redirect-to-https",
                 "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                 "origin_request_policy_id": null, "compress": true, "target_origin_id": "web",
                 "function_associations": [{"event_type": "viewer-request", "name": "spa-rewrite",
                     "arn": "arn:aws:cloudfront::123456789012:function/spa-rewrite"}],
                 "lambda_associations": []}
            ])
        );
        assert_eq!(
            a["custom_error_responses"],
            json!([
                {"error_code": 403, "response_code": "200", "response_page_path": "/index.html", "error_caching_min_ttl": 10},
                {"error_code": 504, "response_code": null, "response_page_path": null, "error_caching_min_ttl": null}
            ])
        );
        assert_eq!(a["geo_restriction"], json!("whitelist"));
        assert_eq!(a["geo_restriction_locations"], json!(["JP", "KR"]));
    }

    /// A ListInvalidations answer shaped like the API reference's response syntax.
    fn invalidations(created: &[&str]) -> String {
        let items: String = created
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "<InvalidationSummary><Id>I{i}EXAMPLE</Id><CreateTime>{t}</CreateTime><Status>Completed</Status></InvalidationSummary>"
                )
            })
            .collect();
        let items = if created.is_empty() {
            String::new()
        } else {
            format!("<Items>{items}</Items>")
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<InvalidationList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>{}</Quantity>{items}
</InvalidationList>"#,
            created.len()
        )
    }

    /// Logging comes with the default root object from one GetDistributionConfig; the latest
    /// invalidation from one ListInvalidations (first page, newest first) per distribution that
    /// checks it, null when it has none; a denied ListInvalidations is an error of its attribute
    /// naming the action.
    #[tokio::test]
    async fn logging_and_the_latest_invalidation_are_read_per_distribution_when_checked() {
        let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now());
        let ago = |minutes: i64| {
            aws_smithy_types::DateTime::from_secs(now.secs() - minutes * 60)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .expect("date")
        };
        let (recent, older) = (ago(30), ago(600));
        let replay = Replay::by_request(move |request| {
            let first_line = request.lines().next().unwrap_or_default();
            if first_line.contains("/distribution/E1PAGEONE/config") {
                let logged = config("one.example", "index.html").replace(
                    "<Logging><Enabled>false</Enabled><IncludeCookies>false</IncludeCookies><Bucket></Bucket>",
                    "<Logging><Enabled>true</Enabled><IncludeCookies>false</IncludeCookies><Bucket>logs.s3.amazonaws.com</Bucket>",
                );
                (200, logged)
            } else if first_line.contains("/distribution/E2PAGETWO/config") {
                (200, config("two.example", ""))
            } else if first_line.contains("/distribution/E1PAGEONE/invalidation") {
                (200, invalidations(&[&recent, &older]))
            } else if first_line.contains("/distribution/E2PAGETWO/invalidation") {
                (200, invalidations(&[]))
            } else if first_line.contains("/distribution/E3DENIED/invalidation") {
                (403, r#"<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: cloudfront:ListInvalidations</Message></Error><RequestId>r</RequestId></ErrorResponse>"#.to_string())
            } else if first_line.contains("Marker=E1PAGEONE") {
                (200, page("E2PAGETWO", "two.example", Some("E2PAGETWO")))
            } else if first_line.contains("Marker=E2PAGETWO") {
                (200, page("E3DENIED", "three.example", None))
            } else if first_line.contains("/distribution?")
                || first_line.ends_with("/distribution")
                || first_line.contains("/distribution HTTP")
            {
                (200, page("E1PAGEONE", "one.example", Some("E1PAGEONE")))
            } else {
                (404, format!("unexpected request: {request}"))
            }
        });
        let spec = crate::spec::from_str(
            Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: cloudfront_distribution\n  id: one.example\n  expect: { logging_enabled: true, latest_invalidation_age_minutes: { at_most: 60 } }\n\
             - kind: cloudfront_distribution\n  id: E2PAGETWO\n  expect: { logging_bucket: null, latest_invalidation_age_minutes: { at_most: 60 } }\n\
             - kind: cloudfront_distribution\n  id: E3DENIED\n  expect: { latest_invalidation_age_minutes: { at_most: 60 } }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        for r in &requests {
            assert!(r.starts_with("GET "), "{r}");
        }
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("CloudFront:ListDistributions".to_string(), 3),
                ("CloudFront:GetDistributionConfig".to_string(), 2),
                ("CloudFront:ListInvalidations".to_string(), 3),
            ]),
            "{requests:#?}"
        );
        let observed = |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation)
        {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        };
        let (a, errors) = observed("one.example");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["logging_enabled"], json!(true));
        assert_eq!(a["logging_bucket"], json!("logs.s3.amazonaws.com"));
        assert_eq!(a["default_root_object"], json!("index.html"));
        assert_eq!(a["latest_invalidation_age_minutes"], json!(30));
        let (a, errors) = observed("E2PAGETWO");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["logging_enabled"], json!(false));
        assert_eq!(a["logging_bucket"], Value::Null);
        assert_eq!(a["latest_invalidation_age_minutes"], Value::Null);
        let (a, errors) = observed("E3DENIED");
        assert!(!a.contains_key("latest_invalidation_age_minutes"), "{a:?}");
        assert!(
            !a.contains_key("logging_enabled"),
            "not checked, not read: {a:?}"
        );
        assert!(
            errors["latest_invalidation_age_minutes"].contains("`cloudfront:ListInvalidations`"),
            "{errors:?}"
        );
    }

    /// CloudFront reports "none" as empty strings; the probe reports null. With the default
    /// certificate, real CloudFront sends no ACM ARN (moto keeps whatever it was given).
    #[test]
    fn empty_strings_are_null_and_the_default_certificate_has_no_arn() {
        let d = DistributionSummary::builder()
            .id("E3DEFAULT")
            .arn("arn:aws:cloudfront::123456789012:distribution/E3DEFAULT")
            .status("InProgress")
            .last_modified_time(aws_smithy_types::DateTime::from_secs(0))
            .domain_name("d3.cloudfront.net")
            .aliases(Aliases::builder().quantity(0).build().expect("aliases"))
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("o")
                    .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
                    .cache_policy_id("")
                    .build()
                    .expect("behaviour"),
            )
            .comment("")
            .price_class(PriceClass::PriceClassAll)
            .enabled(false)
            .viewer_certificate(
                ViewerCertificate::builder()
                    .cloud_front_default_certificate(true)
                    .build(),
            )
            .web_acl_id("")
            .http_version(HttpVersion::Http11)
            .is_ipv6_enabled(false)
            .staging(false)
            .build()
            .expect("summary");
        let a = attributes(&d);
        assert_eq!(a["web_acl_id"], Value::Null);
        assert_eq!(a["cache_policy_id"], Value::Null);
        assert_eq!(a["acm_certificate_arn"], Value::Null);
        assert_eq!(a["minimum_protocol_version"], Value::Null);
        assert_eq!(a["compress"], Value::Null);
        assert_eq!(a["aliases"], json!([]));
        assert_eq!(a["origin_domains"], json!([]));
        assert_eq!(a["viewer_protocol_policy"], json!("allow-all"));
        assert_eq!(a["enabled"], json!(false));
        assert_eq!(a["status"], json!("InProgress"));
        assert_eq!(a["price_class"], json!("PriceClass_All"));
        assert_eq!(a["http_version"], json!("http1.1"));
        assert_eq!(a["origins"], json!([]));
        assert_eq!(
            a["cache_behaviors"],
            json!([{
                "path_pattern": "*", "viewer_protocol_policy": "allow-all", "cache_policy_id": null,
                "origin_request_policy_id": null, "compress": null, "target_origin_id": "o",
                "function_associations": [], "lambda_associations": []
            }])
        );
        assert_eq!(a["custom_error_responses"], json!([]));
        assert_eq!(a["geo_restriction"], Value::Null);
        assert_eq!(a["geo_restriction_locations"], json!([]));
        // Every catalog attribute but those read per distribution (GetDistributionConfig,
        // ListInvalidations).
        assert_eq!(
            a.len() + 4,
            crate::catalog::kind("cloudfront_distribution").map_or(0, |k| k.attributes.len())
        );
    }

    #[test]
    fn origin_types() {
        use aws_sdk_cloudfront::types::{
            CustomOriginConfig, Origin, OriginProtocolPolicy, Origins, S3OriginConfig,
        };
        let origins = Origins::builder()
            .quantity(3)
            .items(
                Origin::builder()
                    .id("front")
                    .domain_name("front.s3.amazonaws.com")
                    .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
                    .origin_access_control_id("E2QWRUHEXAMPLE")
                    .build()
                    .expect("origin"),
            )
            .items(
                Origin::builder()
                    .id("alb")
                    .domain_name("alb.example")
                    .custom_origin_config(
                        CustomOriginConfig::builder()
                            .http_port(80)
                            .https_port(443)
                            .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                            .build()
                            .expect("custom"),
                    )
                    .build()
                    .expect("origin"),
            )
            .items(
                Origin::builder()
                    .id("bare")
                    .domain_name("x.example")
                    .build()
                    .expect("origin"),
            )
            .build()
            .expect("origins");
        let d = DistributionSummary::builder()
            .id("E1")
            .arn("arn")
            .status("Deployed")
            .last_modified_time(aws_smithy_types::DateTime::from_secs(0))
            .domain_name("d.cloudfront.net")
            .aliases(Aliases::builder().quantity(0).build().expect("aliases"))
            .origins(origins)
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("front")
                    .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                    .build()
                    .expect("behaviour"),
            )
            .comment("")
            .price_class(PriceClass::PriceClassAll)
            .enabled(true)
            .viewer_certificate(
                ViewerCertificate::builder()
                    .cloud_front_default_certificate(true)
                    .build(),
            )
            .web_acl_id("")
            .http_version(HttpVersion::Http2)
            .is_ipv6_enabled(true)
            .staging(false)
            .build()
            .expect("summary");
        let a = attributes(&d);
        assert_eq!(
            a["origins"],
            json!([
                {"id": "front", "domain_name": "front.s3.amazonaws.com", "type": "s3", "origin_access_control_id": "E2QWRUHEXAMPLE"},
                {"id": "alb", "domain_name": "alb.example", "type": "custom", "origin_access_control_id": null},
                {"id": "bare", "domain_name": "x.example", "type": null, "origin_access_control_id": null}
            ])
        );
    }
}
