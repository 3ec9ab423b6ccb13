//! `s3_prefix`: the objects under a key prefix of a bucket ("the nightly dump arrived"). One
//! ListObjectsV2 with the prefix, every page, per distinct `<bucket>/<prefix>` of the spec, in the
//! bucket's region (from ListBuckets when the run lists buckets anyway, else learnt from S3's
//! redirect, as for `s3_bucket`). ListObjectsV2 lists keys in key order, not by time: the newest
//! object is only known once every page is read. `NoSuchBucket` is `missing`; a prefix with no
//! object is present, with `object_count` 0 and no newest object.

use std::collections::BTreeMap;

use aws_sdk_s3::types::Object;
use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::region::{fail, Failure, Router};
use crate::catalog::id::split_bucket_prefix;
use crate::probe::error_code;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

pub(super) const LIST_OBJECTS: &str = "s3:ListBucket";
const KIND: &str = "s3_prefix";
/// The attributes of the newest object: unknown when an object has no modification time.
const NEWEST: [&str; 3] = ["newest_key", "newest_age_minutes", "newest_size_bytes"];

/// Observes the named prefixes. `regions` holds the buckets' regions already known (ListBuckets).
pub(super) async fn observe(
    conn: &crate::aws::Connection,
    resources: &[&Resource],
    regions: &BTreeMap<String, Option<String>>,
) -> Vec<ResourceRecord> {
    let router = Router::new(conn, regions);
    let router = &router;
    // One listing per distinct id, however many resources name it.
    let ids: std::collections::BTreeSet<&str> = resources.iter().map(|r| r.id.as_str()).collect();
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
    let observed: BTreeMap<&str, Observation> = stream::iter(ids)
        .map(|id| async move { (id, observe_one(router, id, now).await) })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    resources
        .iter()
        .map(|r| ResourceRecord {
            kind: KIND.into(),
            id: r.id.clone(),
            observation: observed.get(r.id.as_str()).cloned().unwrap_or_else(|| {
                Observation::Error {
                    error: "not observed".into(),
                }
            }),
        })
        .collect()
}

async fn observe_one(router: &Router<'_>, id: &str, now: i64) -> Observation {
    let Some((bucket, prefix)) = split_bucket_prefix(id) else {
        // The loader refuses such ids (catalog::IdFormat::BucketPrefix).
        return Observation::Error {
            error: format!("`{id}` is not `<bucket>/<prefix>`"),
        };
    };
    match router
        .call(bucket, LIST_OBJECTS, |c| async move {
            list(&c, bucket, prefix).await
        })
        .await
    {
        Ok(Some(summary)) => summary.observation(now),
        Ok(None) => Observation::Absent,
        Err(error) => Observation::Error { error },
    }
}

/// What every page of the listing adds up to.
#[derive(Debug, Default)]
pub(super) struct Summary {
    count: u64,
    total_bytes: i64,
    /// (modified at: seconds, nanoseconds; key; size) of the newest object.
    newest: Option<((i64, u32), String, i64)>,
    /// An object listed without its modification time: the newest cannot be told.
    undated: bool,
}

impl Summary {
    pub(super) fn add(&mut self, o: &Object) {
        self.count += 1;
        let size = o.size().unwrap_or(0);
        self.total_bytes += size;
        let Some(modified) = o.last_modified() else {
            self.undated = true;
            return;
        };
        let at = (modified.secs(), modified.subsec_nanos());
        let key = o.key().unwrap_or_default();
        // Newest first; of two at the same instant, the greater key (a stable choice).
        let newer = self
            .newest
            .as_ref()
            .is_none_or(|(t, k, _)| (at, key) > (*t, k.as_str()));
        if newer {
            self.newest = Some((at, key.to_string(), size));
        }
    }

    /// The record's observation at `now` (Unix seconds).
    pub(super) fn observation(&self, now: i64) -> Observation {
        let mut attributes = BTreeMap::from([
            ("object_count".to_string(), json!(self.count)),
            ("total_size_bytes".to_string(), json!(self.total_bytes)),
        ]);
        let mut errors = BTreeMap::new();
        if self.undated {
            for a in NEWEST {
                errors.insert(
                    a.to_string(),
                    format!("{LIST_OBJECTS}: an object was listed without its LastModified"),
                );
            }
        } else {
            let newest = self.newest.as_ref();
            attributes.insert(
                NEWEST[0].into(),
                newest.map_or(Value::Null, |(_, k, _)| json!(k)),
            );
            attributes.insert(
                NEWEST[1].into(),
                newest.map_or(Value::Null, |((t, _), _, _)| json!((now - t).max(0) / 60)),
            );
            attributes.insert(
                NEWEST[2].into(),
                newest.map_or(Value::Null, |(_, _, s)| json!(s)),
            );
        }
        Observation::Present { attributes, errors }
    }
}

/// Every page of ListObjectsV2 under the prefix; `None` when the bucket does not exist. A
/// listing cut short (truncated without a token, or the same token twice) is an error, never a
/// partial count.
async fn list(c: &Client, bucket: &str, prefix: &str) -> Result<Option<Summary>, Failure> {
    let mut summary = Summary::default();
    let mut token: Option<String> = None;
    loop {
        let page = c
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.clone())
            .send()
            .await;
        let page = match page {
            Ok(page) => page,
            Err(e) if error_code(&e) == Some("NoSuchBucket") => return Ok(None),
            Err(e) => return Err(fail(LIST_OBJECTS, &e)),
        };
        for o in page.contents() {
            summary.add(o);
        }
        if page.is_truncated() != Some(true) {
            return Ok(Some(summary));
        }
        match page.next_continuation_token() {
            Some(next) if Some(next) != token.as_deref() && !next.is_empty() => {
                token = Some(next.to_string());
            }
            _ => {
                return Err(Failure::Other(format!(
                "{LIST_OBJECTS}: a truncated page of `{bucket}` without a new continuation token"
            )))
            }
        }
    }
}
