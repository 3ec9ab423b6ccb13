//! S3: one paginated ListBuckets decides existence; per-bucket configuration calls are made only
//! for the buckets the spec names and only for the attributes it checks, a bounded number at once.
//! `s3_prefix` (the objects under a key prefix) is read by ListObjectsV2 in [`prefix`].

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, error_code, of_kind, tags_json};

mod policy;
mod prefix;
mod public_access;
mod region;
#[cfg(test)]
mod tests;

use super::policy_summary::statements;
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;
pub use policy::policy_requires_tls;
pub(crate) use public_access::ACCOUNT_PAB;
use public_access::{account_public_access_block, merge_public_access, BUCKET_PAB, PAB_ATTRIBUTES};
pub(crate) use region::bucket_region_of_error;
use region::{fail, Failure, Router};

fn client(conn: &Connection, region: Option<&str>) -> Client {
    // The S3 cap is per region too: a bucket's calls go to its own region.
    let http = match region {
        Some(r) => conn.in_region(r).http_client_for("aws_sdk_s3"),
        None => conn.http_client_for("aws_sdk_s3"),
    };
    let mut b = aws_sdk_s3::config::Builder::from(&conn.sdk)
        .http_client(http)
        .interceptor(conn.recorder.clone())
        .retry_classifier(crate::aws::TooManyRequestsIsThrottling);
    if conn.endpoint.is_some() {
        b = b.force_path_style(true);
    }
    if let Some(r) = region {
        b = b.region(aws_sdk_s3::config::Region::new(r.to_string()));
    }
    Client::from_conf(b.build())
}

const LIST: &str = "s3:ListAllMyBuckets";
const TAGGING: &str = "s3:GetBucketTagging";

/// Observes the named buckets and the tag selections, and the named prefixes (in their
/// buckets' regions, known from the bucket listing when buckets are checked too).
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let buckets = of_kind(resources, "s3_bucket");
    let prefixes = of_kind(resources, "s3_prefix");
    let listed = if buckets.is_empty() {
        Ok(BTreeMap::new())
    } else {
        list_buckets(conn).await
    };
    let regions = listed.clone().unwrap_or_default();
    let (mut records, prefixes) = tokio::join!(observe_listed(conn, &buckets, listed), async {
        if prefixes.is_empty() {
            Vec::new()
        } else {
            prefix::observe(conn, &prefixes, &regions).await
        }
    });
    records.extend(prefixes);
    records
}

/// Buckets asked for per ListBuckets page. Real S3 reports each bucket's `BucketRegion` only
/// when the request carries a parameter (`max-buckets`, `prefix`, `continuation-token`,
/// `bucket-region`), and refuses an unparameterised ListBuckets for accounts with a raised bucket
/// quota, so every page is asked for with `max-buckets` (10,000 is the most S3 accepts).
pub(crate) const LIST_PAGE: i32 = 10_000;

/// Every bucket of the account (all pages of ListBuckets): name -> region, when ListBuckets
/// reports it.
pub(crate) async fn list_buckets(
    conn: &Connection,
) -> Result<BTreeMap<String, Option<String>>, String> {
    let home = client(conn, None);
    let listed = collect_pages(
        home.list_buckets()
            .max_buckets(LIST_PAGE)
            .into_paginator()
            .send(),
        LIST,
        |page| page.buckets.unwrap_or_default(),
    )
    .await?;
    Ok(listed
        .into_iter()
        .filter_map(|b| Some((b.name?, b.bucket_region)))
        .collect())
}

/// The named buckets and the tag selections, from a listing already made (see [`list_buckets`]).
pub(crate) async fn observe_listed(
    conn: &Connection,
    resources: &[&Resource],
    listed: Result<BTreeMap<String, Option<String>>, String>,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let buckets = match listed {
        Ok(buckets) => buckets,
        Err(e) => return all_errors(resources, &e),
    };
    let router = Router::new(conn, &buckets);
    let router = &router;

    // A tag selection needs the tags of every bucket: read them once, for all selections.
    let selections: Vec<&Resource> = resources
        .iter()
        .copied()
        .filter(|r| r.selector.is_some())
        .collect();
    let all_tags: BTreeMap<&String, Result<Value, String>> = if selections.is_empty() {
        BTreeMap::new()
    } else {
        stream::iter(buckets.keys())
            .map(|name| async move {
                let tags = router.fetch(name, TAGGING).await.map(|values| {
                    values
                        .into_iter()
                        .find(|(k, _)| k == "tags")
                        .map_or(Value::Null, |(_, v)| v)
                });
                (name, tags)
            })
            .buffered(conn.max_concurrency)
            .collect()
            .await
    };

    // Every bucket to read, with the operations its checks need and what is already known of it
    // (a bucket both named and selected is read once, for both).
    let mut records = Vec::new();
    let mut work: BTreeMap<String, (BTreeSet<&'static str>, BTreeMap<String, Value>)> =
        BTreeMap::new();
    for r in resources {
        let mut ops = operations_for(r);
        ops.remove(LIST);
        match &r.selector {
            None if !buckets.contains_key(&r.id) => {
                records.push(record(&r.id, Observation::Absent))
            }
            None => {
                let entry = work.entry(r.id.clone()).or_default();
                // Tags already read for a selection are not read again.
                if let Some(Ok(tags)) = all_tags.get(&r.id) {
                    ops.remove(TAGGING);
                    entry.1.insert("tags".into(), tags.clone());
                }
                entry.0.extend(ops);
            }
            Some(sel) => {
                if let Some((name, Err(e))) = all_tags.iter().find(|(_, t)| t.is_err()) {
                    let error = format!(
                        "cannot select by tags: the tags of bucket `{name}` could not be read: {e}"
                    );
                    records.push(record(&r.id, Observation::Error { error }));
                    continue;
                }
                ops.remove(TAGGING);
                let matches: Vec<String> = all_tags
                    .iter()
                    .filter_map(|(name, tags)| {
                        tags.as_ref()
                            .ok()
                            .filter(|t| sel.matches(t))
                            .map(|_| (*name).clone())
                    })
                    .collect();
                for name in &matches {
                    let entry = work.entry(name.clone()).or_default();
                    entry.0.extend(ops.iter().copied());
                    if let Some(Ok(tags)) = all_tags.get(name) {
                        entry.1.insert("tags".into(), tags.clone());
                    }
                }
                records.push(record(&r.id, Observation::Selected { matches }));
            }
        }
    }
    // The account's Block Public Access applies to every bucket: read once, when a bucket's is.
    let account = if work.values().any(|(ops, _)| ops.contains(BUCKET_PAB)) {
        Some(account_public_access_block(conn).await)
    } else {
        None
    };
    let account = &account;
    let observed: Vec<ResourceRecord> = stream::iter(work)
        .map(|(name, (mut ops, known))| async move {
            ops.remove(ACCOUNT_PAB);
            let wants_public_access = ops.contains(BUCKET_PAB);
            let mut observation = bucket(router, &name, &ops, known).await;
            if let (true, Some(account), Observation::Present { attributes, errors }) =
                (wants_public_access, account, &mut observation)
            {
                merge_public_access(attributes, errors, account);
            }
            record(&name, observation)
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    records.extend(observed);
    records
}

fn record(id: &str, observation: Observation) -> ResourceRecord {
    ResourceRecord {
        kind: "s3_bucket".into(),
        id: id.to_string(),
        observation,
    }
}

/// The catalog attributes each operation provides.
fn attributes_of(action: &str) -> &'static [&'static str] {
    match action {
        "s3:GetBucketLocation" => &["region"],
        "s3:GetBucketVersioning" => &["versioning"],
        "s3:GetEncryptionConfiguration" => &["sse_algorithm", "kms_key_id", "bucket_key_enabled"],
        "s3:GetBucketPublicAccessBlock" => &PAB_ATTRIBUTES,
        "s3:GetBucketWebsite" => &[
            "website_enabled",
            "website_index_document",
            "website_error_document",
        ],
        "s3:GetLifecycleConfiguration" => &["lifecycle_rules"],
        "s3:GetBucketTagging" => &["tags"],
        "s3:GetBucketPolicy" => &["policy_requires_tls", "policy_statements"],
        "s3:GetBucketPolicyStatus" => &["policy_is_public"],
        "s3:GetBucketLogging" => &["access_logging", "access_log_target"],
        _ => &[],
    }
}

/// Makes the configuration calls one bucket's checks need; `known` holds attributes already read.
/// When the bucket's region is not known yet, the first call goes alone, so that a redirect is
/// learnt from once and the other calls go straight to the bucket's region.
async fn bucket(
    router: &Router<'_>,
    name: &str,
    operations: &BTreeSet<&'static str>,
    known: BTreeMap<String, Value>,
) -> Observation {
    let mut attributes = known;
    let mut errors = BTreeMap::new();
    let mut results = Vec::with_capacity(operations.len());
    let mut rest: Vec<&'static str> = operations.iter().copied().collect();
    if !router.knows(name) && !rest.is_empty() {
        let first = rest.remove(0);
        results.push((first, router.fetch(name, first).await));
    }
    results.extend(
        futures::future::join_all(
            rest.into_iter()
                .map(|action| async move { (action, router.fetch(name, action).await) }),
        )
        .await,
    );
    for (action, result) in results {
        match result {
            Ok(values) => attributes.extend(values),
            Err(err) => {
                for a in attributes_of(action) {
                    errors.insert((*a).to_string(), err.clone());
                }
            }
        }
    }
    Observation::Present { attributes, errors }
}

type Fetched = Result<Vec<(String, Value)>, String>;
type Attempt = Result<Vec<(String, Value)>, Failure>;

fn kv(pairs: Vec<(&str, Value)>) -> Attempt {
    Ok(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// One configuration call. "Not configured" answers become their meaning (no website, no tags);
/// every other failure is an error for the attributes the call provides.
async fn fetch(c: &Client, bucket: &str, action: &str) -> Attempt {
    match action {
        "s3:GetBucketLocation" => match c.get_bucket_location().bucket(bucket).send().await {
            Ok(o) => kv(vec![(
                "region",
                json!(location_region(o.location_constraint().map(|l| l.as_str()))),
            )]),
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetBucketVersioning" => match c.get_bucket_versioning().bucket(bucket).send().await {
            Ok(o) => kv(vec![(
                "versioning",
                json!(o.status().map(|s| s.as_str()).unwrap_or("Disabled")),
            )]),
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetEncryptionConfiguration" => {
            match c.get_bucket_encryption().bucket(bucket).send().await {
                Ok(o) => {
                    let rule = o
                        .server_side_encryption_configuration()
                        .and_then(|cfg| cfg.rules().first());
                    let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
                    kv(vec![
                        (
                            "sse_algorithm",
                            json!(default.map(|d| d.sse_algorithm().as_str())),
                        ),
                        (
                            "kms_key_id",
                            json!(default.and_then(|d| d.kms_master_key_id())),
                        ),
                        (
                            "bucket_key_enabled",
                            json!(rule.and_then(|r| r.bucket_key_enabled()).unwrap_or(false)),
                        ),
                    ])
                }
                Err(e)
                    if error_code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") =>
                {
                    kv(vec![
                        ("sse_algorithm", Value::Null),
                        ("kms_key_id", Value::Null),
                        ("bucket_key_enabled", json!(false)),
                    ])
                }
                Err(e) => Err(fail(action, &e)),
            }
        }
        "s3:GetBucketPublicAccessBlock" => {
            match c.get_public_access_block().bucket(bucket).send().await {
                Ok(o) => {
                    let cfg = o.public_access_block_configuration();
                    let flag = |f: fn(
                        &aws_sdk_s3::types::PublicAccessBlockConfiguration,
                    ) -> Option<bool>| {
                        cfg.and_then(f).unwrap_or(false)
                    };
                    let flags = [
                        flag(|c| c.block_public_acls()),
                        flag(|c| c.ignore_public_acls()),
                        flag(|c| c.block_public_policy()),
                        flag(|c| c.restrict_public_buckets()),
                    ];
                    kv(vec![
                        ("block_public_acls", json!(flags[0])),
                        ("ignore_public_acls", json!(flags[1])),
                        ("block_public_policy", json!(flags[2])),
                        ("restrict_public_buckets", json!(flags[3])),
                        ("public_access_blocked", json!(flags.iter().all(|f| *f))),
                    ])
                }
                Err(e) if error_code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {
                    kv(vec![
                        ("block_public_acls", json!(false)),
                        ("ignore_public_acls", json!(false)),
                        ("block_public_policy", json!(false)),
                        ("restrict_public_buckets", json!(false)),
                        ("public_access_blocked", json!(false)),
                    ])
                }
                Err(e) => Err(fail(action, &e)),
            }
        }
        "s3:GetBucketWebsite" => match c.get_bucket_website().bucket(bucket).send().await {
            Ok(o) => kv(vec![
                ("website_enabled", json!(true)),
                (
                    "website_index_document",
                    json!(o.index_document().map(|d| d.suffix())),
                ),
                (
                    "website_error_document",
                    json!(o.error_document().map(|d| d.key())),
                ),
            ]),
            Err(e) if error_code(&e) == Some("NoSuchWebsiteConfiguration") => kv(vec![
                ("website_enabled", json!(false)),
                ("website_index_document", Value::Null),
                ("website_error_document", Value::Null),
            ]),
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetLifecycleConfiguration" => match c
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(o) => {
                let rules: Vec<Value> = o.rules().iter().map(lifecycle_rule).collect();
                kv(vec![("lifecycle_rules", json!(rules))])
            }
            Err(e) if error_code(&e) == Some("NoSuchLifecycleConfiguration") => {
                kv(vec![("lifecycle_rules", json!([]))])
            }
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetBucketTagging" => match c.get_bucket_tagging().bucket(bucket).send().await {
            Ok(o) => kv(vec![(
                "tags",
                tags_json(o.tag_set().iter().map(|t| (t.key(), t.value()))),
            )]),
            Err(e) if error_code(&e) == Some("NoSuchTagSet") => kv(vec![("tags", json!({}))]),
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetBucketPolicy" => match c.get_bucket_policy().bucket(bucket).send().await {
            // A policy that is not a JSON document was not read: an error, never "no TLS rule".
            Ok(o) => match o
                .policy()
                .map(|p| Ok::<_, String>((policy_requires_tls(p, bucket)?, statements(p)?)))
            {
                Some(Ok((requires, statements))) => kv(vec![
                    ("policy_requires_tls", json!(requires)),
                    ("policy_statements", json!(statements)),
                ]),
                Some(Err(e)) => Err(Failure::Other(format!("{action}: {e}"))),
                None => Err(Failure::Other(format!(
                    "{action}: the response carried no policy"
                ))),
            },
            Err(e) if error_code(&e) == Some("NoSuchBucketPolicy") => kv(vec![
                ("policy_requires_tls", json!(false)),
                ("policy_statements", json!([])),
            ]),
            Err(e) => Err(fail(action, &e)),
        },
        "s3:GetBucketPolicyStatus" => {
            match c.get_bucket_policy_status().bucket(bucket).send().await {
                Ok(o) => match o.policy_status().and_then(|s| s.is_public()) {
                    Some(public) => kv(vec![("policy_is_public", json!(public))]),
                    None => Err(Failure::Other(format!(
                        "{action}: the response carried no policy status"
                    ))),
                },
                // No policy: nothing in a policy makes the bucket public.
                Err(e) if error_code(&e) == Some("NoSuchBucketPolicy") => {
                    kv(vec![("policy_is_public", json!(false))])
                }
                Err(e) => Err(fail(action, &e)),
            }
        }
        "s3:GetBucketLogging" => match c.get_bucket_logging().bucket(bucket).send().await {
            Ok(o) => {
                let target = o
                    .logging_enabled()
                    .map(|l| format!("{}/{}", l.target_bucket(), l.target_prefix()));
                kv(vec![
                    ("access_logging", json!(target.is_some())),
                    ("access_log_target", json!(target)),
                ])
            }
            Err(e) => Err(fail(action, &e)),
        },
        other => Err(Failure::Other(format!(
            "infra-verify cannot read `{other}` for S3 buckets"
        ))),
    }
}

/// One lifecycle rule as `lifecycle_rules` lists it. Its prefix is wherever S3 put it:
/// `Filter.Prefix`, `Filter.And.Prefix` (a prefix with tags or sizes), or the legacy rule-level
/// `Prefix` of rules written before filters existed.
pub fn lifecycle_rule(rule: &aws_sdk_s3::types::LifecycleRule) -> Value {
    #[allow(deprecated)]
    let legacy = rule.prefix();
    let prefix = rule
        .filter()
        .and_then(|f| f.prefix().or_else(|| f.and().and_then(|a| a.prefix())))
        .or(legacy)
        .unwrap_or("");
    let transitions: Vec<Value> = rule
        .transitions()
        .iter()
        .map(|t| {
            json!({
                "days": t.days(),
                "storage_class": t.storage_class().map(|s| s.as_str()),
            })
        })
        .collect();
    json!({
        "id": rule.id(),
        "status": rule.status().as_str(),
        "prefix": prefix,
        "transitions": transitions,
        "expiration_days": rule.expiration().and_then(|e| e.days()),
    })
}

/// The region a GetBucketLocation `LocationConstraint` stands for: empty (or absent) means
/// us-east-1 and the legacy `EU` means eu-west-1.
pub(crate) fn location_region(constraint: Option<&str>) -> &str {
    match constraint.map(str::trim) {
        None | Some("") => "us-east-1",
        Some("EU") => "eu-west-1",
        Some(other) => other,
    }
}
