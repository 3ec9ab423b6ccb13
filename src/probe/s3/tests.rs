//! Unit and replay tests of the S3 probe.

use super::policy::*;
use super::public_access::*;
use super::*;

#[test]
fn tls_policy_detection() {
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",
        "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let tls = |p: &str| policy_requires_tls(p, "b");
    assert_eq!(tls(deny), Ok(true));
    assert_eq!(tls(&deny.replace("\"false\"", "false")), Ok(true));
    assert_eq!(tls(&deny.replace("\"false\"", "[\"false\"]")), Ok(true));
    assert_eq!(tls(&deny.replace("\"Bool\"", "\"BoolIfExists\"")), Ok(true));
    assert_eq!(tls(&deny.replace("\"*\"", "{\"AWS\":\"*\"}")), Ok(true));
    assert_eq!(tls(&deny.replace("\"s3:*\"", "\"*\"")), Ok(true));
    // One statement per resource, and `arn:aws:s3:::b*` covering both, count too.
    let split = r#"{"Statement":[
        {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
        {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    assert_eq!(tls(split), Ok(true));
    assert_eq!(
        tls(&deny.replace(
            r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#,
            r#""arn:aws:s3:::b*""#
        )),
        Ok(true)
    );
    assert_eq!(tls(&deny.replace("Deny", "Allow")), Ok(false));
    assert_eq!(tls(&deny.replace("\"false\"", "\"true\"")), Ok(false));
    assert_eq!(
        tls(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#),
        Ok(false)
    );
    // Not the whole bucket: only some actions, one principal, only the objects, another
    // bucket, or narrowed by a further condition.
    assert_eq!(
        tls(&deny.replace("\"s3:*\"", "\"s3:GetObject\"")),
        Ok(false)
    );
    assert_eq!(
        tls(&deny.replace(
            "\"Principal\":\"*\"",
            "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"}"
        )),
        Ok(false)
    );
    assert_eq!(
        tls(&deny.replace(
            r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#,
            r#""arn:aws:s3:::b/*""#
        )),
        Ok(false)
    );
    assert_eq!(
        tls(&deny.replace(
            r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#,
            r#"["arn:aws:s3:::b","arn:aws:s3:::b/public/*"]"#
        )),
        Ok(false)
    );
    assert_eq!(policy_requires_tls(deny, "other"), Ok(false));
    assert_eq!(
        tls(&deny.replace(
            r#""Condition":{"Bool":{"aws:SecureTransport":"false"}}"#,
            r#""Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:PrincipalAccount":"1"}}"#
        )),
        Ok(false)
    );
    // What was not read is not "no TLS rule" (a fail): it is an error.
    assert!(tls("not json").is_err());
    assert!(tls("<Describe><Result>").is_err());
    assert!(tls("[1]").is_err());
}

/// A rule's prefix from `Filter.Prefix`, `Filter.And.Prefix` or the legacy `Prefix`.
#[test]
fn lifecycle_prefix_wherever_s3_put_it() {
    use aws_sdk_s3::types::{
        ExpirationStatus, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter, Tag,
    };
    let base = || {
        LifecycleRule::builder()
            .id("r")
            .status(ExpirationStatus::Enabled)
    };
    let filter = base()
        .filter(LifecycleRuleFilter::builder().prefix("logs/").build())
        .build()
        .expect("rule");
    assert_eq!(lifecycle_rule(&filter)["prefix"], "logs/");
    let and = base()
        .filter(
            LifecycleRuleFilter::builder()
                .and(
                    LifecycleRuleAndOperator::builder()
                        .prefix("uploads/")
                        .tags(
                            Tag::builder()
                                .key("tier")
                                .value("cold")
                                .build()
                                .expect("tag"),
                        )
                        .build(),
                )
                .build(),
        )
        .build()
        .expect("rule");
    assert_eq!(lifecycle_rule(&and)["prefix"], "uploads/");
    #[allow(deprecated)]
    let legacy = base().prefix("backups/").build().expect("rule");
    assert_eq!(lifecycle_rule(&legacy)["prefix"], "backups/");
    let everything = base()
        .filter(LifecycleRuleFilter::builder().build())
        .build()
        .expect("rule");
    assert_eq!(lifecycle_rule(&everything)["prefix"], "");
}

#[test]
fn location_constraints() {
    assert_eq!(location_region(None), "us-east-1");
    assert_eq!(location_region(Some("")), "us-east-1");
    assert_eq!(location_region(Some("EU")), "eu-west-1");
    assert_eq!(location_region(Some("ap-northeast-2")), "ap-northeast-2");
}

// Replays of every S3 and S3 Control operation the probe calls, answered as the S3 API
// reference documents them, with what moto leaves out (`BucketRegion`, `BucketArn` and a
// `ContinuationToken` in ListBuckets, `EU` and empty location constraints, `MfaDelete`,
// `BucketKeyEnabled`, lifecycle `And` filters, website routing rules, ...). The per-bucket
// calls go out concurrently: the replay answers each by its bucket and sub-resource.

use crate::probe::replay::Replay;

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
const NS: &str = r#"xmlns="http://s3.amazonaws.com/doc/2006-03-01/""#;
const KEY: &str =
    "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/// The sub-resources of the bucket calls the probe makes.
const SUBRESOURCES: [&str; 10] = [
    "location",
    "versioning",
    "encryption",
    "publicAccessBlock",
    "website",
    "lifecycle",
    "tagging",
    "policy",
    "policyStatus",
    "logging",
];

/// The URI of a request as the replay shows it (`https://HOST/PATH?QUERY`).
fn uri(request: &str) -> &str {
    request
        .lines()
        .next()
        .and_then(|l| l.split_once(' '))
        .map_or("", |(_, u)| u)
}

fn host(request: &str) -> &str {
    let u = uri(request);
    let rest = u.split_once("://").map_or(u, |(_, r)| r);
    rest.split('/').next().unwrap_or_default()
}

/// The bucket of a virtual-hosted request (`BUCKET.s3.REGION.amazonaws.com`).
fn bucket_of(request: &str) -> Option<&str> {
    host(request).split_once(".s3.").map(|(b, _)| b)
}

/// The region of the S3 endpoint a request went to.
fn endpoint_region(request: &str) -> &str {
    let h = host(request);
    let rest = h
        .split_once(".s3.")
        .map(|(_, r)| r)
        .or_else(|| h.strip_prefix("s3."))
        .unwrap_or(h);
    rest.strip_suffix(".amazonaws.com").unwrap_or(rest)
}

/// The query parameters of a request, percent-decoded: `versioning` -> "", `max-buckets` -> "10000".
fn query(request: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match (b[i], s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))) {
                (b'%', Some(Ok(v))) => {
                    out.push(v);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    uri(request)
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn param(request: &str, key: &str) -> Option<String> {
    query(request)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn is_list_buckets(request: &str) -> bool {
    param(request, "x-id").as_deref() == Some("ListBuckets")
}

fn is_account_block(request: &str) -> bool {
    uri(request).contains("/v20180820/configuration/publicAccessBlock")
}

/// An S3 error answer (`<Error>` at the root, as S3 sends it).
fn s3_error(code: &str, message: &str, bucket: &str) -> String {
    format!(
        "{XML}\n<Error><Code>{code}</Code><Message>{message}</Message><BucketName>{bucket}</BucketName>\
         <RequestId>8XBY1GQ4ST6FMCXJ</RequestId><HostId>Ee1kS0OzlQ/Nv4OtYvC3wWiTKCsHLOm+dHDmF5fHnGx1hBkHg0xZGpO+4hbdoBvp7E8I8kU04Cc=</HostId></Error>"
    )
}

/// The ContinuationToken of ListBuckets page `n` (base64, as S3's: it must be URL-encoded).
fn token(n: usize) -> String {
    format!("AQID{n}k+bWVkaWEtZXUtbG9ncw/Y==")
}

/// One ListBuckets page as the API reference shows it: `BucketArn`, `BucketRegion` (when
/// given), `CreationDate`, `Name`, the owner, and the next page's token.
fn list_page(buckets: &[(&str, Option<&str>)], next: Option<String>) -> String {
    let items: String = buckets
        .iter()
        .map(|(name, region)| {
            let region = region.map_or(String::new(), |r| {
                format!("<BucketRegion>{r}</BucketRegion>")
            });
            format!(
                "<Bucket><BucketArn>arn:aws:s3:::{name}</BucketArn>{region}\
                 <CreationDate>2024-03-18T07:21:05.000Z</CreationDate><Name>{name}</Name></Bucket>"
            )
        })
        .collect();
    let next = next.map_or(String::new(), |t| {
        format!("<ContinuationToken>{t}</ContinuationToken>")
    });
    format!(
        "{XML}\n<ListAllMyBucketsResult {NS}><Buckets>{items}</Buckets>\
         <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>{next}\
         </ListAllMyBucketsResult>"
    )
}

/// The account has no Block Public Access of its own (S3 Control's wrapped error).
const NO_ACCOUNT_BLOCK: (u16, &str) = (
    404,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration</Code>\
     <Message>The public access block configuration was not found</Message></Error>\
     <RequestId>5QZ1Z1A0P8XMFZ2C</RequestId><HostId>hX0Cb0l7J3rA=</HostId></ErrorResponse>",
);

/// An S3 replay. ListBuckets answers `pages` in turn (page n+1 for page n's token); S3
/// Control's GetPublicAccessBlock answers `account`; a bucket call answers
/// `answer(bucket, sub-resource)`, but only at the endpoint of the region ListBuckets gave for
/// the bucket (elsewhere it is refused), and an unexpected call is refused too.
fn s3_replay(
    pages: &[&[(&'static str, Option<&'static str>)]],
    account: (u16, &'static str),
    answer: impl Fn(&str, &str) -> Option<(u16, String)> + Send + Sync + 'static,
) -> Replay {
    let pages: Vec<Vec<(&'static str, Option<&'static str>)>> =
        pages.iter().map(|p| p.to_vec()).collect();
    Replay::by_request(move |request| {
        if is_list_buckets(request) {
            let n = match param(request, "continuation-token") {
                None => 0,
                Some(t) => match (0..pages.len()).find(|n| token(*n) == t) {
                    Some(n) => n + 1,
                    None => return (400, s3_error("InvalidArgument", "bad token", "")),
                },
            };
            let next = (n + 1 < pages.len()).then(|| token(n));
            return (200, list_page(&pages[n], next));
        }
        if is_account_block(request) {
            return (account.0, account.1.to_string());
        }
        let Some(bucket) = bucket_of(request) else {
            return (400, s3_error("InvalidRequest", "replay: not a bucket", ""));
        };
        let listed = pages.iter().flatten().find(|(b, _)| *b == bucket);
        if let Some((_, Some(region))) = listed {
            if endpoint_region(request) != *region {
                let message = format!(
                    "replay: sent to {}, the bucket is in {region}",
                    endpoint_region(request)
                );
                return (400, s3_error("InvalidRequest", &message, bucket));
            }
        }
        let q = query(request);
        let sub = SUBRESOURCES
            .iter()
            .find(|s| q.iter().any(|(k, _)| k == *s))
            .copied()
            .unwrap_or_default();
        answer(bucket, sub).unwrap_or_else(|| {
            (
                400,
                s3_error("InvalidRequest", "replay: unexpected request", bucket),
            )
        })
    })
}

/// One `s3_bucket` resource of a spec, with its expectations (the flow mapping's inside).
fn named(id: &str, expect: &str) -> String {
    format!("  - kind: s3_bucket\n    id: {id}\n    expect: {{ {expect} }}\n")
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

/// The attributes and errors of a present resource.
fn present<'a>(
    records: &'a [ResourceRecord],
    id: &str,
) -> (&'a BTreeMap<String, Value>, &'a BTreeMap<String, String>) {
    let record = records
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no record of {id}: {records:#?}"));
    match &record.observation {
        Observation::Present { attributes, errors } => (attributes, errors),
        other => panic!("{id}: {other:?}"),
    }
}

/// The requests for one sub-resource, as (bucket, endpoint region), sorted.
fn calls(replay: &Replay, sub: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = replay
        .requests()
        .iter()
        .filter(|r| query(r).iter().any(|(k, _)| k == sub))
        .filter_map(|r| Some((bucket_of(r)?.to_string(), endpoint_region(r).to_string())))
        .collect();
    out.sort();
    out
}

fn versioning(status: &str) -> String {
    format!(
        "{XML}\n<VersioningConfiguration {NS}><Status>{status}</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"
    )
}

/// ListBuckets in two pages, the second asked for with the first's ContinuationToken (moto
/// never sends one): a bucket of the second page is found, and every bucket's calls go to
/// the region its `BucketRegion` names (moto never sends it either).
#[tokio::test]
async fn list_buckets_reads_every_page_and_calls_each_bucket_in_its_region() {
    let replay = s3_replay(
        &[
            &[
                ("media-eu-logs", Some("eu-west-1")),
                ("media-seoul-assets", Some("ap-northeast-2")),
            ],
            &[
                ("media-oregon-backups", Some("us-west-2")),
                ("media-virginia-site", Some("us-east-1")),
            ],
        ],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| match (bucket, sub) {
            ("media-eu-logs", "versioning") => Some((200, versioning("Enabled"))),
            ("media-oregon-backups", "versioning") => Some((200, versioning("Suspended"))),
            ("media-virginia-site", "versioning") => Some((200, versioning("Enabled"))),
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("media-eu-logs", "versioning: Enabled"),
            named("media-oregon-backups", "versioning: Enabled"),
            named("media-virginia-site", "versioning: Enabled"),
            named("media-deleted", "versioning: Enabled"),
        ]
        .concat(),
    )
    .await;

    let lists: Vec<String> = replay
        .requests()
        .into_iter()
        .filter(|r| is_list_buckets(r))
        .collect();
    assert_eq!(lists.len(), 2, "{lists:#?}");
    assert_eq!(param(&lists[0], "max-buckets").as_deref(), Some("10000"));
    assert_eq!(param(&lists[0], "continuation-token"), None);
    assert_eq!(param(&lists[1], "max-buckets").as_deref(), Some("10000"));
    assert_eq!(param(&lists[1], "continuation-token"), Some(token(0)));
    // The token's `+`, `/` and `=` are URL-encoded.
    assert!(
        uri(&lists[1]).contains("continuation-token=AQID0k%2BbWVkaWEtZXUtbG9ncw%2FY%3D%3D"),
        "{}",
        lists[1]
    );

    assert_eq!(
        present(&records, "media-eu-logs").0["versioning"],
        json!("Enabled")
    );
    assert_eq!(
        present(&records, "media-oregon-backups").0["versioning"],
        json!("Suspended")
    );
    assert_eq!(
        present(&records, "media-virginia-site").0["versioning"],
        json!("Enabled")
    );
    for id in [
        "media-eu-logs",
        "media-oregon-backups",
        "media-virginia-site",
    ] {
        assert!(present(&records, id).1.is_empty(), "{id}: {records:#?}");
    }
    let deleted = records
        .iter()
        .find(|r| r.id == "media-deleted")
        .expect("record");
    assert!(
        matches!(deleted.observation, Observation::Absent),
        "{deleted:?}"
    );
    // Each bucket's call went to its own region, once; the bucket not named was not read.
    assert_eq!(
        calls(&replay, "versioning"),
        [
            ("media-eu-logs".to_string(), "eu-west-1".to_string()),
            ("media-oregon-backups".to_string(), "us-west-2".to_string()),
            ("media-virginia-site".to_string(), "us-east-1".to_string()),
        ]
    );
    assert_eq!(replay.requests().len(), 5, "{:#?}", replay.requests());
}

/// GetBucketLocation: the legacy `EU` is eu-west-1, an empty constraint us-east-1.
#[tokio::test]
async fn bucket_location_eu_and_empty_constraints() {
    let replay = s3_replay(
        &[&[
            ("legacy-eu-archive", Some("eu-west-1")),
            ("us-standard-logs", Some("us-east-1")),
            ("seoul-media", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| {
            let constraint = match (bucket, sub) {
                ("legacy-eu-archive", "location") => ">EU</LocationConstraint>",
                ("us-standard-logs", "location") => "/>",
                ("seoul-media", "location") => ">ap-northeast-2</LocationConstraint>",
                _ => return None,
            };
            Some((200, format!("{XML}\n<LocationConstraint {NS}{constraint}")))
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("legacy-eu-archive", "region: eu-west-1"),
            named("us-standard-logs", "region: us-east-1"),
            named("seoul-media", "region: ap-northeast-2"),
        ]
        .concat(),
    )
    .await;
    for (id, region) in [
        ("legacy-eu-archive", "eu-west-1"),
        ("us-standard-logs", "us-east-1"),
        ("seoul-media", "ap-northeast-2"),
    ] {
        let (attributes, errors) = present(&records, id);
        assert_eq!(attributes["region"], json!(region), "{id}");
        assert!(errors.is_empty(), "{id}: {errors:?}");
    }
    assert_eq!(calls(&replay, "location").len(), 3);
}

/// GetBucketVersioning: `Enabled` and `Suspended` with `MfaDelete`; a bucket never versioned
/// answers an empty configuration, which is `Disabled`.
#[tokio::test]
async fn versioning_enabled_suspended_and_never_enabled() {
    let replay = s3_replay(
        &[&[
            ("versioned", Some("ap-northeast-2")),
            ("versioning-paused", Some("ap-northeast-2")),
            ("never-versioned", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| match (bucket, sub) {
            ("versioned", "versioning") => Some((200, versioning("Enabled"))),
            ("versioning-paused", "versioning") => Some((200, versioning("Suspended"))),
            ("never-versioned", "versioning") => {
                Some((200, format!("{XML}\n<VersioningConfiguration {NS}/>")))
            }
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("versioned", "versioning: Enabled"),
            named("versioning-paused", "versioning: Enabled"),
            named("never-versioned", "versioning: Enabled"),
        ]
        .concat(),
    )
    .await;
    for (id, status) in [
        ("versioned", "Enabled"),
        ("versioning-paused", "Suspended"),
        ("never-versioned", "Disabled"),
    ] {
        let (attributes, errors) = present(&records, id);
        assert_eq!(attributes["versioning"], json!(status), "{id}");
        assert!(errors.is_empty(), "{id}: {errors:?}");
    }
}

/// GetBucketEncryption: SSE-KMS with a customer key and an S3 Bucket Key (and the newer
/// `BlockedEncryptionTypes`); SSE-S3 without a Bucket Key; no configuration at all.
#[tokio::test]
async fn encryption_sse_kms_with_a_bucket_key() {
    let replay = s3_replay(
        &[&[
            ("kms-bucket", Some("ap-northeast-2")),
            ("s3-managed", Some("ap-northeast-2")),
            ("unencrypted", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| {
            match (bucket, sub) {
            ("kms-bucket", "encryption") => Some((
                200,
                format!(
                    "{XML}\n<ServerSideEncryptionConfiguration {NS}><Rule>\
                     <ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>\
                     <KMSMasterKeyID>{KEY}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>\
                     <BucketKeyEnabled>true</BucketKeyEnabled>\
                     <BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>\
                     </Rule></ServerSideEncryptionConfiguration>"
                ),
            )),
            ("s3-managed", "encryption") => Some((
                200,
                format!(
                    "{XML}\n<ServerSideEncryptionConfiguration {NS}><Rule>\
                     <ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>\
                     <BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>"
                ),
            )),
            ("unencrypted", "encryption") => Some((
                404,
                s3_error(
                    "ServerSideEncryptionConfigurationNotFoundError",
                    "The server side encryption configuration was not found",
                    bucket,
                ),
            )),
            _ => None,
        }
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named(
                "kms-bucket",
                r#"sse_algorithm: "aws:kms", bucket_key_enabled: true"#,
            ),
            named("s3-managed", "sse_algorithm: AES256"),
            named("unencrypted", "sse_algorithm: AES256"),
        ]
        .concat(),
    )
    .await;
    let (kms, errors) = present(&records, "kms-bucket");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(kms["sse_algorithm"], json!("aws:kms"));
    assert_eq!(kms["kms_key_id"], json!(KEY));
    assert_eq!(kms["bucket_key_enabled"], json!(true));
    let (s3, _) = present(&records, "s3-managed");
    assert_eq!(s3["sse_algorithm"], json!("AES256"));
    assert_eq!(s3["kms_key_id"], Value::Null);
    assert_eq!(s3["bucket_key_enabled"], json!(false));
    let (none, errors) = present(&records, "unencrypted");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(none["sse_algorithm"], Value::Null);
    assert_eq!(none["bucket_key_enabled"], json!(false));
}

fn public_access_block(flags: [bool; 4]) -> String {
    format!(
        "{XML}\n<PublicAccessBlockConfiguration {NS}><BlockPublicAcls>{}</BlockPublicAcls>\
         <IgnorePublicAcls>{}</IgnorePublicAcls><BlockPublicPolicy>{}</BlockPublicPolicy>\
         <RestrictPublicBuckets>{}</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
        flags[0], flags[1], flags[2], flags[3]
    )
}

/// GetPublicAccessBlock of a bucket, the account having none: a full block is the bucket's,
/// a partial one leaves public access unblocked.
#[tokio::test]
async fn bucket_public_access_block_without_an_account_block() {
    let replay = s3_replay(
        &[&[
            ("locked", Some("ap-northeast-2")),
            ("acls-only", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| match (bucket, sub) {
            ("locked", "publicAccessBlock") => {
                Some((200, public_access_block([true, true, true, true])))
            }
            ("acls-only", "publicAccessBlock") => {
                Some((200, public_access_block([true, true, false, false])))
            }
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("locked", "public_access_blocked: true"),
            named("acls-only", "public_access_blocked: true"),
        ]
        .concat(),
    )
    .await;
    let (locked, errors) = present(&records, "locked");
    assert!(errors.is_empty(), "{errors:?}");
    for flag in PAB_FLAGS {
        assert_eq!(locked[flag], json!(true), "{flag}");
    }
    assert_eq!(locked["public_access_blocked"], json!(true));
    assert_eq!(locked["public_access_block_source"], json!("bucket"));
    let (partial, errors) = present(&records, "acls-only");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(partial["block_public_acls"], json!(true));
    assert_eq!(partial["ignore_public_acls"], json!(true));
    assert_eq!(partial["block_public_policy"], json!(false));
    assert_eq!(partial["restrict_public_buckets"], json!(false));
    assert_eq!(partial["public_access_blocked"], json!(false));
    assert_eq!(partial["public_access_block_source"], Value::Null);
    // The account's block was read once, for both buckets.
    let account: Vec<String> = replay
        .requests()
        .into_iter()
        .filter(|r| is_account_block(r))
        .collect();
    assert_eq!(account.len(), 1, "{account:#?}");
}

/// S3 Control GetPublicAccessBlock: a bucket without a block of its own is blocked by the
/// account's (source `account`); one blocked by both names both.
#[tokio::test]
async fn account_public_access_block_covers_a_bucket_without_its_own() {
    let account = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <PublicAccessBlockConfiguration xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\">\
         <BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>\
         <BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>\
         </PublicAccessBlockConfiguration>";
    let replay = s3_replay(
        &[&[
            ("no-own-block", Some("eu-west-1")),
            ("own-block", Some("ap-northeast-2")),
        ]],
        (200, account),
        |bucket, sub| match (bucket, sub) {
            ("no-own-block", "publicAccessBlock") => Some((
                404,
                s3_error(
                    "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found",
                    bucket,
                ),
            )),
            ("own-block", "publicAccessBlock") => {
                Some((200, public_access_block([true, true, true, true])))
            }
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("no-own-block", "public_access_blocked: true"),
            named("own-block", "public_access_blocked: true"),
        ]
        .concat(),
    )
    .await;
    let (bare, errors) = present(&records, "no-own-block");
    assert!(errors.is_empty(), "{errors:?}");
    for flag in PAB_FLAGS {
        assert_eq!(bare[flag], json!(true), "{flag}");
    }
    assert_eq!(bare["public_access_blocked"], json!(true));
    assert_eq!(bare["public_access_block_source"], json!("account"));
    let (both, _) = present(&records, "own-block");
    assert_eq!(both["public_access_blocked"], json!(true));
    assert_eq!(
        both["public_access_block_source"],
        json!("bucket and account")
    );
    // One S3 Control call, with the account id in its host.
    let account: Vec<String> = replay
        .requests()
        .into_iter()
        .filter(|r| is_account_block(r))
        .collect();
    assert_eq!(account.len(), 1, "{account:#?}");
    assert!(
        host(&account[0]).starts_with("123456789012.s3-control."),
        "{}",
        account[0]
    );
}

/// GetBucketWebsite: index and error documents (with routing rules); a redirect of every
/// request (no index document); no website.
#[tokio::test]
async fn website_documents_redirects_and_none() {
    let replay = s3_replay(
        &[&[
            ("www-site", Some("ap-northeast-2")),
            ("redirector", Some("ap-northeast-2")),
            ("no-site", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| {
            match (bucket, sub) {
            ("www-site", "website") => Some((
                200,
                format!(
                    "{XML}\n<WebsiteConfiguration {NS}><IndexDocument><Suffix>index.html</Suffix></IndexDocument>\
                     <ErrorDocument><Key>errors/404.html</Key></ErrorDocument><RoutingRules><RoutingRule>\
                     <Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition>\
                     <Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect>\
                     </RoutingRule></RoutingRules></WebsiteConfiguration>"
                ),
            )),
            ("redirector", "website") => Some((
                200,
                format!(
                    "{XML}\n<WebsiteConfiguration {NS}><RedirectAllRequestsTo><HostName>www.example.com</HostName>\
                     <Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>"
                ),
            )),
            ("no-site", "website") => Some((
                404,
                s3_error(
                    "NoSuchWebsiteConfiguration",
                    "The specified bucket does not have a website configuration",
                    bucket,
                ),
            )),
            _ => None,
        }
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named(
                "www-site",
                "website_enabled: true, website_index_document: index.html",
            ),
            named("redirector", "website_enabled: true"),
            named("no-site", "website_enabled: true"),
        ]
        .concat(),
    )
    .await;
    let (site, errors) = present(&records, "www-site");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(site["website_enabled"], json!(true));
    assert_eq!(site["website_index_document"], json!("index.html"));
    assert_eq!(site["website_error_document"], json!("errors/404.html"));
    let (redirect, _) = present(&records, "redirector");
    assert_eq!(redirect["website_enabled"], json!(true));
    assert_eq!(redirect["website_index_document"], Value::Null);
    assert_eq!(redirect["website_error_document"], Value::Null);
    let (none, errors) = present(&records, "no-site");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(none["website_enabled"], json!(false));
    assert_eq!(none["website_index_document"], Value::Null);
}

/// GetBucketLifecycleConfiguration: a rule filtered by `And` (prefix, tag and size) with two
/// transitions, an expiration and noncurrent-version actions; one by `Prefix` alone; one
/// with an empty filter that only removes expired delete markers (no expiration days).
#[tokio::test]
async fn lifecycle_rules_with_and_filters_transitions_and_expiration() {
    let lifecycle = format!(
        "{XML}\n<LifecycleConfiguration {NS}>\
         <Rule><ID>archive-then-expire</ID><Filter><And><Prefix>logs/</Prefix>\
         <Tag><Key>tier</Key><Value>cold</Value></Tag><ObjectSizeGreaterThan>131072</ObjectSizeGreaterThan>\
         </And></Filter><Status>Enabled</Status>\
         <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>\
         <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>\
         <Expiration><Days>365</Days></Expiration>\
         <NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>GLACIER_IR</StorageClass>\
         <NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionTransition>\
         <NoncurrentVersionExpiration><NoncurrentDays>400</NoncurrentDays></NoncurrentVersionExpiration>\
         <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>\
         </Rule>\
         <Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Disabled</Status>\
         <Expiration><Days>1</Days></Expiration></Rule>\
         <Rule><ID>delete-markers</ID><Filter></Filter><Status>Enabled</Status>\
         <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>\
         </LifecycleConfiguration>"
    );
    let replay = s3_replay(
        &[&[
            ("hls-segments", Some("ap-northeast-2")),
            ("no-rules", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        move |bucket, sub| match (bucket, sub) {
            ("hls-segments", "lifecycle") => Some((200, lifecycle.clone())),
            ("no-rules", "lifecycle") => Some((
                404,
                s3_error(
                    "NoSuchLifecycleConfiguration",
                    "The lifecycle configuration does not exist",
                    bucket,
                ),
            )),
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named(
                "hls-segments",
                "lifecycle_rules: { contains: { status: Enabled, expiration_days: 365 } }",
            ),
            named(
                "no-rules",
                "lifecycle_rules: { contains: { status: Enabled } }",
            ),
        ]
        .concat(),
    )
    .await;
    let (hls, errors) = present(&records, "hls-segments");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        hls["lifecycle_rules"],
        json!([
            {
                "id": "archive-then-expire",
                "status": "Enabled",
                "prefix": "logs/",
                "transitions": [
                    { "days": 30, "storage_class": "STANDARD_IA" },
                    { "days": 90, "storage_class": "GLACIER" },
                ],
                "expiration_days": 365,
            },
            {
                "id": "tmp",
                "status": "Disabled",
                "prefix": "tmp/",
                "transitions": [],
                "expiration_days": 1,
            },
            {
                "id": "delete-markers",
                "status": "Enabled",
                "prefix": "",
                "transitions": [],
                "expiration_days": null,
            },
        ])
    );
    let (none, errors) = present(&records, "no-rules");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(none["lifecycle_rules"], json!([]));
}

/// GetBucketTagging: a tag set, and none (`NoSuchTagSet`); a selection by tags reads every
/// listed bucket's tags and matches only the tagged one.
#[tokio::test]
async fn tagging_tag_sets_and_selection() {
    let replay = s3_replay(
        &[&[
            ("tagged", Some("ap-northeast-2")),
            ("untagged", Some("us-west-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        |bucket, sub| {
            match (bucket, sub) {
            ("tagged", "tagging") => Some((
                200,
                format!(
                    "{XML}\n<Tagging {NS}><TagSet><Tag><Key>Environment</Key><Value>production</Value></Tag>\
                     <Tag><Key>Team</Key><Value>media</Value></Tag></TagSet></Tagging>"
                ),
            )),
            ("untagged", "tagging") => Some((
                404,
                s3_error("NoSuchTagSet", "The TagSet does not exist", bucket),
            )),
            ("tagged", "versioning") => Some((200, versioning("Enabled"))),
            _ => None,
        }
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("tagged", "tags: { contains: { Environment: production } }"),
            named("untagged", "tags: { contains: { Environment: production } }"),
            "  - kind: s3_bucket\n    select: { tags: { Environment: production } }\n    expect: { versioning: Enabled }\n".to_string(),
        ]
        .concat(),
    )
    .await;
    let (tagged, errors) = present(&records, "tagged");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        tagged["tags"],
        json!({ "Environment": "production", "Team": "media" })
    );
    assert_eq!(tagged["versioning"], json!("Enabled"));
    let (untagged, errors) = present(&records, "untagged");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(untagged["tags"], json!({}));
    let selection = records
        .iter()
        .find(|r| matches!(r.observation, Observation::Selected { .. }))
        .expect("selection");
    assert!(
        matches!(&selection.observation, Observation::Selected { matches } if matches == &["tagged".to_string()]),
        "{selection:?}"
    );
    // Every listed bucket's tags were read once, each in its own region, though the named
    // buckets check their tags too.
    let mut tagging = calls(&replay, "tagging");
    tagging.sort();
    assert_eq!(
        tagging,
        [
            ("tagged".to_string(), "ap-northeast-2".to_string()),
            ("untagged".to_string(), "us-west-2".to_string()),
        ]
    );
}

/// GetBucketPolicy answers the policy document itself (JSON, not XML): one denying every
/// request without TLS next to an Allow for CloudFront; one without such a rule; none.
#[tokio::test]
async fn policy_documents_with_and_without_a_tls_rule() {
    let tls = r#"{"Version":"2012-10-17","Id":"PolicyForCloudFrontPrivateContent","Statement":[
        {"Sid":"AllowCloudFrontServicePrincipal","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},
         "Action":"s3:GetObject","Resource":"arn:aws:s3:::web-assets/*",
         "Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"}}},
        {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
         "Resource":["arn:aws:s3:::web-assets","arn:aws:s3:::web-assets/*"],
         "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let open = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":"arn:aws:s3:::public-downloads/*"}]}"#;
    let replay = s3_replay(
        &[&[
            ("web-assets", Some("ap-northeast-2")),
            ("public-downloads", Some("ap-northeast-2")),
            ("no-policy", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        move |bucket, sub| match (bucket, sub) {
            ("web-assets", "policy") => Some((200, tls.to_string())),
            ("public-downloads", "policy") => Some((200, open.to_string())),
            ("no-policy", "policy") => Some((
                404,
                s3_error(
                    "NoSuchBucketPolicy",
                    "The bucket policy does not exist",
                    bucket,
                ),
            )),
            _ => None,
        },
    );
    let records = observe_yaml(
        &replay,
        &[
            named("web-assets", "policy_requires_tls: true"),
            named("public-downloads", "policy_requires_tls: true"),
            named("no-policy", "policy_requires_tls: true"),
        ]
        .concat(),
    )
    .await;
    for (id, requires) in [
        ("web-assets", true),
        ("public-downloads", false),
        ("no-policy", false),
    ] {
        let (attributes, errors) = present(&records, id);
        assert!(errors.is_empty(), "{id}: {errors:?}");
        assert_eq!(attributes["policy_requires_tls"], json!(requires), "{id}");
    }
}

/// GetBucketPolicyStatus and GetBucketLogging as the API reference shapes them, and the
/// policy's statements summed up: a public policy, a private one, none (NoSuchBucketPolicy:
/// nothing public), logging on and off.
#[tokio::test]
async fn policy_status_statements_and_access_logging() {
    let open = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":"arn:aws:s3:::public-downloads/*"}]}"#;
    let status = |public: bool| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>{public}</IsPublic></PolicyStatus>"#
        )
    };
    let logging_on = r#"<?xml version="1.0" encoding="UTF-8"?><BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket>audit-logs</TargetBucket><TargetPrefix>s3/public-downloads/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>"#;
    let logging_off = r#"<?xml version="1.0" encoding="UTF-8"?><BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/" />"#;
    let replay = s3_replay(
        &[&[
            ("public-downloads", Some("ap-northeast-2")),
            ("no-policy", Some("ap-northeast-2")),
        ]],
        NO_ACCOUNT_BLOCK,
        move |bucket, sub| match (bucket, sub) {
            ("public-downloads", "policy") => Some((200, open.to_string())),
            ("public-downloads", "policyStatus") => Some((200, status(true))),
            ("public-downloads", "logging") => Some((200, logging_on.to_string())),
            ("no-policy", "policy" | "policyStatus") => Some((
                404,
                s3_error(
                    "NoSuchBucketPolicy",
                    "The bucket policy does not exist",
                    bucket,
                ),
            )),
            ("no-policy", "logging") => Some((200, logging_off.to_string())),
            _ => None,
        },
    );
    let expect = "policy_is_public: false, access_logging: true, policy_statements: []";
    let records = observe_yaml(
        &replay,
        &[
            named("public-downloads", expect),
            named("no-policy", expect),
        ]
        .concat(),
    )
    .await;
    let (a, errors) = present(&records, "public-downloads");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(a["policy_is_public"], json!(true));
    assert_eq!(a["access_logging"], json!(true));
    assert_eq!(
        a["access_log_target"],
        json!("audit-logs/s3/public-downloads/")
    );
    assert_eq!(
        a["policy_statements"],
        json!([{
            "sid": "PublicRead", "effect": "Allow", "principals": ["*"],
            "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::public-downloads/*"],
            "conditions": [],
        }])
    );
    let (a, errors) = present(&records, "no-policy");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(a["policy_is_public"], json!(false));
    assert_eq!(a["access_logging"], json!(false));
    assert_eq!(a["access_log_target"], Value::Null);
    assert_eq!(a["policy_statements"], json!([]));
}

/// One ListObjectsV2 page (`list-type=2`), shaped like the API reference's response.
fn objects_page(
    bucket: &str,
    prefix: &str,
    objects: &[(&str, &str, i64)],
    next: Option<&str>,
) -> String {
    let contents: String = objects
        .iter()
        .map(|(key, modified, size)| {
            format!(
                "<Contents><Key>{key}</Key><LastModified>{modified}</LastModified><ETag>&quot;6805f2cfc46c0f04559748bb039d69ae&quot;</ETag>\
                 <ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>"
            )
        })
        .collect();
    format!(
        "{XML}\n<ListBucketResult {NS}><Name>{bucket}</Name><Prefix>{prefix}</Prefix><KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys>\
         <IsTruncated>{}</IsTruncated>{contents}{}</ListBucketResult>",
        objects.len(),
        next.is_some(),
        next.map_or(String::new(), |t| format!("<NextContinuationToken>{t}</NextContinuationToken>"))
    )
}

/// `s3_prefix` by ListObjectsV2 (no ListBuckets when no bucket is checked): every page, the
/// newest object wherever key order put it; the bucket's region learnt from S3's redirect once
/// (GetBucketLocation, as for buckets); an empty prefix is present with 0 objects; a bucket that
/// does not exist is missing; a refusal is an error.
#[tokio::test]
async fn list_objects_reads_every_page_for_the_newest_object_under_a_prefix() {
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
    let at = |minutes: i64| {
        aws_smithy_types::DateTime::from_secs(now - minutes * 60)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .expect("date")
    };
    let (old, newest, older) = (at(60 * 24 * 2), at(90), at(60 * 24));
    let replay = Replay::by_request(move |request| {
        let Some(bucket) = bucket_of(request) else {
            return (400, s3_error("InvalidRequest", "replay: not a bucket", ""));
        };
        let q = query(request);
        if q.iter().any(|(k, _)| k == "location") {
            return (
                200,
                format!("{XML}\n<LocationConstraint {NS}>us-west-2</LocationConstraint>"),
            );
        }
        assert_eq!(
            param(request, "list-type").as_deref(),
            Some("2"),
            "{request}"
        );
        match bucket {
            "dorami-backups" if endpoint_region(request) != "us-west-2" => (
                301,
                s3_error("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", bucket),
            ),
            "dorami-backups" => match (
                param(request, "prefix").as_deref(),
                param(request, "continuation-token").as_deref(),
            ) {
                (Some("db/"), None) => (
                    200,
                    objects_page(
                        bucket,
                        "db/",
                        &[("db/2026-12-05.dump", &old, 1000), ("db/2026-12-07.dump", &newest, 2500)],
                        Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="),
                    ),
                ),
                (Some("db/"), Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")) => (
                    200,
                    objects_page(bucket, "db/", &[("db/weekly/2026-12-06.dump", &older, 4000)], None),
                ),
                (Some("empty/"), None) => (200, objects_page(bucket, "empty/", &[], None)),
                _ => (400, s3_error("InvalidRequest", "replay: unexpected request", bucket)),
            },
            "locked-backups" => (403, s3_error("AccessDenied", "Access Denied", bucket)),
            _ => (404, s3_error("NoSuchBucket", "The specified bucket does not exist", bucket)),
        }
    });
    let prefix = |id: &str, expect: &str| {
        format!("  - kind: s3_prefix\n    id: {id}\n    expect: {{ {expect} }}\n")
    };
    let records = observe_yaml(
        &replay,
        &[
            prefix(
                "dorami-backups/db/",
                "newest_age_minutes: { at_most: 1500 }, object_count: { at_least: 1 }",
            ),
            prefix("dorami-backups/empty/", "object_count: 0"),
            prefix("gone-backups/db/", "object_count: { at_least: 1 }"),
            prefix("locked-backups/db/", "object_count: { at_least: 1 }"),
        ]
        .concat(),
    )
    .await;
    let requests = replay.requests();
    assert!(
        !requests.iter().any(|r| is_list_buckets(r)),
        "{requests:#?}"
    );
    let (attributes, errors) = present(&records, "dorami-backups/db/");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(attributes["object_count"], json!(3));
    assert_eq!(attributes["total_size_bytes"], json!(7500));
    assert_eq!(attributes["newest_key"], json!("db/2026-12-07.dump"));
    assert_eq!(attributes["newest_age_minutes"], json!(90));
    assert_eq!(attributes["newest_size_bytes"], json!(2500));
    let (attributes, _) = present(&records, "dorami-backups/empty/");
    assert_eq!(attributes["object_count"], json!(0));
    assert_eq!(attributes["total_size_bytes"], json!(0));
    assert_eq!(attributes["newest_key"], Value::Null);
    assert_eq!(attributes["newest_age_minutes"], Value::Null);
    let gone = records
        .iter()
        .find(|r| r.id == "gone-backups/db/")
        .expect("record");
    assert!(matches!(gone.observation, Observation::Absent), "{gone:?}");
    let locked = records
        .iter()
        .find(|r| r.id == "locked-backups/db/")
        .expect("record");
    match &locked.observation {
        Observation::Error { error } => {
            assert!(
                error.contains("s3:ListBucket") && error.contains("AccessDenied"),
                "{error}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Two pages in us-west-2, after one redirect.
    let db_lists: Vec<(String, Option<String>)> = requests
        .iter()
        .filter(|r| {
            bucket_of(r) == Some("dorami-backups") && param(r, "prefix").as_deref() == Some("db/")
        })
        .map(|r| {
            (
                endpoint_region(r).to_string(),
                param(r, "continuation-token"),
            )
        })
        .collect();
    assert_eq!(db_lists.len(), 3, "{db_lists:#?}");
    assert_eq!(db_lists[0].0, "ap-northeast-2");
    assert_eq!(db_lists[1], ("us-west-2".to_string(), None));
    assert_eq!(db_lists[2].0, "us-west-2");
    assert!(db_lists[2].1.is_some());
    assert_eq!(records.len(), 4);
}

#[test]
fn the_newest_object_is_unknown_when_one_has_no_modification_time() {
    let mut summary = prefix::Summary::default();
    summary.add(
        &aws_sdk_s3::types::Object::builder()
            .key("db/a")
            .size(3)
            .last_modified(aws_smithy_types::DateTime::from_secs(1_000))
            .build(),
    );
    summary.add(
        &aws_sdk_s3::types::Object::builder()
            .key("db/b")
            .size(4)
            .build(),
    );
    let Observation::Present { attributes, errors } = summary.observation(2_000) else {
        panic!("present");
    };
    assert_eq!(attributes["object_count"], json!(2));
    assert_eq!(attributes["total_size_bytes"], json!(7));
    assert!(!attributes.contains_key("newest_key"));
    assert_eq!(errors.len(), 3);
}
