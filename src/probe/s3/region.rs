//! Each bucket's calls in the bucket's own region: the region ListBuckets reported, else the one
//! S3 names when it refuses a call signed for another region (`301 PermanentRedirect` with
//! `x-amz-bucket-region`; real S3 does, moto never does: tests/support/s3_regions.rs), learnt once
//! per bucket. Used by the probe and by the S3 baseline store.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use super::{client, fetch, Fetched};
use crate::aws::Connection;
use crate::probe::{describe_error, error_code};

/// Sends each bucket's calls to the bucket's own region: the region ListBuckets gave, else the
/// one S3 names when it refuses a call signed for another region (`301 PermanentRedirect` with
/// `x-amz-bucket-region`), learnt once per bucket; a call so refused is retried there once.
pub(super) struct Router<'a> {
    conn: &'a Connection,
    home_region: Option<String>,
    /// Bucket -> region, from the listing and from redirects.
    regions: Mutex<HashMap<String, String>>,
    /// One client per region (`None`: the connection's own region).
    clients: Mutex<HashMap<Option<String>, Client>>,
}

impl<'a> Router<'a> {
    pub(super) fn new(
        conn: &'a Connection,
        listed: &BTreeMap<String, Option<String>>,
    ) -> Router<'a> {
        Router {
            conn,
            home_region: conn.sdk.region().map(|r| r.to_string()),
            regions: Mutex::new(
                listed
                    .iter()
                    .filter_map(|(name, region)| Some((name.clone(), region.clone()?)))
                    .collect(),
            ),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the bucket's region is known (listed or learnt).
    pub(super) fn knows(&self, bucket: &str) -> bool {
        self.regions
            .lock()
            .map(|r| r.contains_key(bucket))
            .unwrap_or(false)
    }

    fn region_of(&self, bucket: &str) -> Option<String> {
        self.regions.lock().ok()?.get(bucket).cloned()
    }

    /// The client for a region (the connection's own when it is the home region or unknown).
    fn client(&self, region: Option<&str>) -> Client {
        let key = region
            .filter(|r| Some(*r) != self.home_region.as_deref())
            .map(str::to_string);
        let Ok(mut clients) = self.clients.lock() else {
            return client(self.conn, key.as_deref());
        };
        clients
            .entry(key.clone())
            .or_insert_with(|| client(self.conn, key.as_deref()))
            .clone()
    }

    /// One configuration call, in the bucket's region; a redirect is learnt and retried once.
    pub(super) async fn fetch(&self, bucket: &str, action: &str) -> Fetched {
        self.call(bucket, action, |c| async move {
            fetch(&c, bucket, action).await
        })
        .await
    }

    /// Any call about the bucket (`call` makes it with the client it is given), in the
    /// bucket's region; a redirect is learnt and the call retried there once.
    pub(super) async fn call<T, F, Fut>(
        &self,
        bucket: &str,
        action: &str,
        call: F,
    ) -> Result<T, String>
    where
        F: Fn(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        let region = self.region_of(bucket);
        match call(self.client(region.as_deref())).await {
            Ok(values) => Ok(values),
            Err(Failure::Redirect {
                region: to,
                message,
            }) => {
                let to = match to {
                    Some(to) => Some(to),
                    // No header: ask where the bucket is (GetBucketLocation answers from any
                    // region).
                    None => self.locate(bucket).await,
                };
                match to {
                    Some(to) if Some(&to) != region.as_ref() => {
                        tracing::debug!(bucket, action, region = %to, "S3 redirect: bucket is in another region");
                        if let Ok(mut regions) = self.regions.lock() {
                            regions.insert(bucket.to_string(), to.clone());
                        }
                        call(self.client(Some(&to)))
                            .await
                            .map_err(Failure::into_message)
                    }
                    _ => Err(message),
                }
            }
            Err(Failure::Other(message)) => Err(message),
        }
    }

    /// The bucket's region from GetBucketLocation, or `None` when it cannot be read.
    async fn locate(&self, bucket: &str) -> Option<String> {
        match fetch(&self.client(None), bucket, "s3:GetBucketLocation").await {
            Ok(values) => values
                .into_iter()
                .find(|(k, _)| k == "region")
                .and_then(|(_, v)| v.as_str().map(str::to_string)),
            Err(_) => None,
        }
    }
}

/// Why one configuration call failed: S3 sent it to another region, or anything else (a line).
#[derive(Debug)]
pub(super) enum Failure {
    /// `301 PermanentRedirect` (or another refusal naming the bucket's region in
    /// `x-amz-bucket-region`): the region, when the answer named it.
    Redirect {
        region: Option<String>,
        message: String,
    },
    Other(String),
}

impl Failure {
    pub(super) fn into_message(self) -> String {
        match self {
            Failure::Redirect { message, .. } | Failure::Other(message) => message,
        }
    }
}

/// The region an S3 error answer names for the bucket (`x-amz-bucket-region`), on a redirect
/// (3xx) or a refusal of the request's region (400 `AuthorizationHeaderMalformed`,
/// `IllegalLocationConstraintException`).
pub(crate) fn bucket_region_of_error<E>(err: &SdkError<E, HttpResponse>) -> Option<String>
where
    E: ProvideErrorMetadata,
{
    if !is_redirect(err) && error_code(err) != Some("IllegalLocationConstraintException") {
        return None;
    }
    err.raw_response()?
        .headers()
        .get("x-amz-bucket-region")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

/// Whether an S3 error is a redirect to the bucket's region (with or without the header).
fn is_redirect<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    err.raw_response()
        .is_some_and(|r| (300..400).contains(&r.status().as_u16()))
        || matches!(
            error_code(err),
            Some("PermanentRedirect" | "TemporaryRedirect" | "AuthorizationHeaderMalformed")
        )
}

/// The failure of one configuration call.
pub(super) fn fail<E>(action: &str, err: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let message = describe_error(action, err);
    if is_redirect(err) {
        Failure::Redirect {
            region: bucket_region_of_error(err),
            message,
        }
    } else {
        Failure::Other(message)
    }
}
