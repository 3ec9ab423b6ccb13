//! CloudFront: one paginated ListDistributions serves every `cloudfront_distribution` check.
//! CloudFront is a global service; its client is built like any other and resolves the global
//! endpoint (or the `--endpoint-url` override) itself.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudfront::types::DistributionSummary;
use aws_sdk_cloudfront::Client;
use serde_json::{json, Value};

use futures::stream::{self, StreamExt};

use super::{all_errors, collect_pages, describe_error, from_listing};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::Observation;
use crate::snapshot::ResourceRecord;
use crate::spec::Resource;

const DISTRIBUTIONS: &str = "cloudfront:ListDistributions";
const CONFIG: &str = "cloudfront:GetDistributionConfig";

/// Observes the named distributions (by id or by one of their aliases).
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_cloudfront, conn);
    let listed = list_distributions(&client).await;
    observe_listed(conn, &client, resources, listed).await
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
    // The default root object is only in the distribution's configuration: one call per named
    // distribution whose checks ask for it.
    let wanted: Vec<(usize, String)> = records
        .iter()
        .enumerate()
        .filter(|(_, rec)| matches!(rec.observation, Observation::Present { .. }))
        .filter_map(|(i, rec)| {
            let r = resources.iter().find(|r| r.id == rec.id)?;
            let id = by_id.get(&rec.id)?.id().to_string();
            operations_for(r).contains(CONFIG).then_some((i, id))
        })
        .collect();
    let configs: Vec<(usize, Result<Value, String>)> = stream::iter(wanted)
        .map(|(i, id)| async move { (i, default_root_object(client, &id).await) })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    for (i, result) in configs {
        if let Some(Observation::Present { attributes, errors }) =
            records.get_mut(i).map(|r| &mut r.observation)
        {
            match result {
                Ok(v) => {
                    attributes.insert("default_root_object".into(), v);
                }
                Err(e) => {
                    errors.insert("default_root_object".into(), e);
                }
            }
        }
    }
    records
}

/// The default root object of one distribution (null when none is set).
async fn default_root_object(client: &Client, id: &str) -> Result<Value, String> {
    match client.get_distribution_config().id(id).send().await {
        Ok(out) => Ok(json!(non_empty(
            out.distribution_config()
                .and_then(|c| c.default_root_object())
        ))),
        Err(e) => Err(describe_error(CONFIG, &e)),
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
    ])
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
        // Every catalog attribute but default_root_object (read from GetDistributionConfig).
        assert_eq!(
            a.len() + 1,
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
