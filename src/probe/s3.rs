//! S3: one paginated ListBuckets decides existence; per-bucket configuration calls are made only
//! for the buckets the spec names and only for the attributes it checks, a bounded number at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, describe_error, error_code, tags_json, CONCURRENCY};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

fn client(conn: &Connection, region: Option<&str>) -> Client {
    let mut b = aws_sdk_s3::config::Builder::from(&conn.sdk).interceptor(conn.recorder.clone());
    if conn.endpoint.is_some() {
        b = b.force_path_style(true);
    }
    if let Some(r) = region {
        b = b.region(aws_sdk_s3::config::Region::new(r.to_string()));
    }
    Client::from_conf(b.build())
}

/// Observes the named buckets.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let home = client(conn, None);
    // Bucket name -> region (when ListBuckets reports it).
    let mut buckets: HashMap<String, Option<String>> = HashMap::new();
    let mut pages = home.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                for b in page.buckets.unwrap_or_default() {
                    if let Some(name) = b.name {
                        buckets.insert(name, b.bucket_region);
                    }
                }
            }
            Err(e) => return all_errors(resources, &describe_error("s3:ListAllMyBuckets", &e)),
        }
    }
    let home_region = conn.sdk.region().map(|r| r.to_string());
    let regions: BTreeSet<String> = resources
        .iter()
        .filter_map(|r| buckets.get(&r.id).cloned().flatten())
        .filter(|r| Some(r) != home_region.as_ref())
        .collect();
    let clients: HashMap<String, Client> = regions
        .into_iter()
        .map(|r| (r.clone(), client(conn, Some(&r))))
        .collect();

    stream::iter(resources.iter())
        .map(|r| {
            let region = buckets.get(&r.id);
            let c = region
                .and_then(|reg| reg.as_ref())
                .and_then(|reg| clients.get(reg))
                .unwrap_or(&home);
            async move {
                let observation = match region {
                    None => Observation::Absent,
                    Some(_) => bucket(c, r).await,
                };
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation,
                }
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await
}

/// The catalog attributes each operation provides.
fn attributes_of(action: &str) -> &'static [&'static str] {
    match action {
        "s3:GetBucketLocation" => &["region"],
        "s3:GetBucketVersioning" => &["versioning"],
        "s3:GetEncryptionConfiguration" => &["sse_algorithm", "kms_key_id", "bucket_key_enabled"],
        "s3:GetBucketPublicAccessBlock" => &[
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
            "public_access_blocked",
        ],
        "s3:GetBucketWebsite" => &[
            "website_enabled",
            "website_index_document",
            "website_error_document",
        ],
        "s3:GetLifecycleConfiguration" => &["lifecycle_rules"],
        "s3:GetBucketTagging" => &["tags"],
        _ => &[],
    }
}

/// Makes the configuration calls one bucket's checks need.
async fn bucket(client: &Client, r: &Resource) -> Observation {
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let needed = operations_for(r);
    let results = futures::future::join_all(
        needed
            .iter()
            .filter(|a| **a != r.kind.list_operation)
            .map(|action| async move { (*action, fetch(client, &r.id, action).await) }),
    )
    .await;
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

fn kv(pairs: Vec<(&str, Value)>) -> Fetched {
    Ok(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// One configuration call. "Not configured" answers become their meaning (no website, no tags);
/// every other failure is an error for the attributes the call provides.
async fn fetch(c: &Client, bucket: &str, action: &str) -> Fetched {
    match action {
        "s3:GetBucketLocation" => match c.get_bucket_location().bucket(bucket).send().await {
            // An empty LocationConstraint means us-east-1.
            Ok(o) => kv(vec![(
                "region",
                json!(o
                    .location_constraint()
                    .map(|l| l.as_str())
                    .filter(|s| !s.is_empty())
                    .unwrap_or("us-east-1")),
            )]),
            Err(e) => Err(describe_error(action, &e)),
        },
        "s3:GetBucketVersioning" => match c.get_bucket_versioning().bucket(bucket).send().await {
            Ok(o) => kv(vec![(
                "versioning",
                json!(o.status().map(|s| s.as_str()).unwrap_or("Disabled")),
            )]),
            Err(e) => Err(describe_error(action, &e)),
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
                Err(e) => Err(describe_error(action, &e)),
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
                Err(e) => Err(describe_error(action, &e)),
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
            Err(e) => Err(describe_error(action, &e)),
        },
        "s3:GetLifecycleConfiguration" => match c
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(o) => {
                let rules: Vec<Value> = o
                    .rules()
                    .iter()
                    .map(|rule| {
                        let prefix = rule.filter().and_then(|f| f.prefix()).unwrap_or("");
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
                    })
                    .collect();
                kv(vec![("lifecycle_rules", json!(rules))])
            }
            Err(e) if error_code(&e) == Some("NoSuchLifecycleConfiguration") => {
                kv(vec![("lifecycle_rules", json!([]))])
            }
            Err(e) => Err(describe_error(action, &e)),
        },
        "s3:GetBucketTagging" => match c.get_bucket_tagging().bucket(bucket).send().await {
            Ok(o) => kv(vec![(
                "tags",
                tags_json(o.tag_set().iter().map(|t| (t.key(), t.value()))),
            )]),
            Err(e) if error_code(&e) == Some("NoSuchTagSet") => kv(vec![("tags", json!({}))]),
            Err(e) => Err(describe_error(action, &e)),
        },
        other => Err(format!("infra-verify cannot read `{other}` for S3 buckets")),
    }
}
