//! S3 Block Public Access as S3 applies it: the bucket's own block and the account's (S3 Control
//! GetPublicAccessBlock), each setting on when either level's is.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::aws::Connection;
use crate::probe::{describe_error, error_code};

pub(super) const BUCKET_PAB: &str = "s3:GetBucketPublicAccessBlock";
/// S3 Control's GetPublicAccessBlock: the account's Block Public Access.
pub(crate) const ACCOUNT_PAB: &str = "s3:GetAccountPublicAccessBlock";
/// The four Block Public Access settings, in the order of [`Flags`].
pub(super) const PAB_FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];
/// Every attribute the bucket's and the account's Block Public Access decide together.
pub(super) const PAB_ATTRIBUTES: [&str; 6] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
    "public_access_blocked",
    "public_access_block_source",
];
/// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
pub(super) type Flags = [bool; 4];

/// The account's Block Public Access (S3 Control GetPublicAccessBlock), read once for every
/// bucket: all four off when the account has none. An error when it cannot be read.
pub(super) async fn account_public_access_block(conn: &Connection) -> Result<Flags, String> {
    let Some(account) = conn.account.get() else {
        return Err(format!(
            "`{ACCOUNT_PAB}` needs the account id, which is not known (sts:GetCallerIdentity)"
        ));
    };
    let http = conn.http_client_for("aws_sdk_s3control");
    let mut b = aws_sdk_s3control::config::Builder::from(&conn.sdk)
        .http_client(http)
        .interceptor(conn.recorder.clone())
        .retry_classifier(crate::aws::TooManyRequestsIsThrottling);
    if let Some(url) = &conn.endpoint {
        // S3 Control puts the account id in the host (`ACCOUNT.s3-control.REGION...`); an
        // endpoint given with --endpoint-url gets every call as it is, like every other service.
        b = b.endpoint_resolver(crate::aws::FixedEndpoint(url.clone()));
    }
    let client = aws_sdk_s3control::Client::from_conf(b.build());
    match client
        .get_public_access_block()
        .account_id(account)
        .send()
        .await
    {
        Ok(o) => {
            let c = o.public_access_block_configuration();
            let flag = |f: fn(
                &aws_sdk_s3control::types::PublicAccessBlockConfiguration,
            ) -> Option<bool>| { c.and_then(f).unwrap_or(false) };
            Ok([
                flag(|c| c.block_public_acls()),
                flag(|c| c.ignore_public_acls()),
                flag(|c| c.block_public_policy()),
                flag(|c| c.restrict_public_buckets()),
            ])
        }
        Err(e) if error_code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => Ok([false; 4]),
        Err(e) => Err(describe_error(ACCOUNT_PAB, &e)),
    }
}

/// The effective Block Public Access of a bucket: each setting is on when the bucket's or the
/// account's is (S3 applies the most restrictive combination). `bucket`: the bucket's four
/// settings as read (in `attributes`) or why not (in `errors`); `account`: the account's.
/// What one level could not tell is an error unless the other level already blocks it.
pub(super) fn merge_public_access(
    attributes: &mut BTreeMap<String, Value>,
    errors: &mut BTreeMap<String, String>,
    account: &Result<Flags, String>,
) {
    let bucket: Result<Flags, String> = match PAB_FLAGS
        .iter()
        .map(|f| attributes.get(*f).and_then(Value::as_bool))
        .collect::<Option<Vec<bool>>>()
    {
        Some(v) => Ok([v[0], v[1], v[2], v[3]]),
        None => Err(errors
            .get("public_access_blocked")
            .cloned()
            .unwrap_or_else(|| "the bucket's public access block was not read".into())),
    };
    for a in PAB_ATTRIBUTES {
        attributes.remove(a);
        errors.remove(a);
    }
    let mut effective: [Option<bool>; 4] = [None; 4];
    for (i, e) in effective.iter_mut().enumerate() {
        *e = match (&bucket, account) {
            (Ok(b), Ok(a)) => Some(b[i] || a[i]),
            (Ok(b), Err(_)) if b[i] => Some(true),
            (Err(_), Ok(a)) if a[i] => Some(true),
            _ => None,
        };
    }
    let why = || match (&bucket, account) {
        (Err(b), Err(a)) => format!("{b}; {a}"),
        (Err(b), _) => b.clone(),
        (_, Err(a)) => a.clone(),
        _ => String::new(),
    };
    for (i, flag) in PAB_FLAGS.iter().enumerate() {
        match effective[i] {
            Some(v) => {
                attributes.insert((*flag).to_string(), json!(v));
            }
            None => {
                errors.insert((*flag).to_string(), why());
            }
        }
    }
    let all = |f: &Result<Flags, String>| f.as_ref().is_ok_and(|f| f.iter().all(|x| *x));
    match effective.iter().copied().collect::<Option<Vec<bool>>>() {
        Some(v) => {
            let blocked = v.iter().all(|x| *x);
            attributes.insert("public_access_blocked".into(), json!(blocked));
            let source = match (blocked, all(&bucket), all(account)) {
                (false, _, _) => Value::Null,
                (true, true, true) => json!("bucket and account"),
                (true, true, false) => json!("bucket"),
                (true, false, true) => json!("account"),
                (true, false, false) => json!("bucket and account combined"),
            };
            attributes.insert("public_access_block_source".into(), source);
        }
        None => {
            errors.insert("public_access_blocked".into(), why());
            errors.insert("public_access_block_source".into(), why());
        }
    }
}
