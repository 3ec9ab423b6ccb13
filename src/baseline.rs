//! Baselines: the last accepted snapshot of an environment, which drift is measured against.
//!
//! A baseline lives in a local file or in S3. Every accepted snapshot is also kept in a history
//! beside it, named by when it was taken, up to a retention count:
//!
//! - `baselines/staging.json` keeps its history in `baselines/staging.history/20261122T020000Z.json`;
//! - `s3://bucket/drift/staging.json` in `s3://bucket/drift/staging.history/20261122T020000Z.json`.
//!
//! Accepting is optimistic: it names the version it read (a content hash, or the S3 ETag) and is
//! refused when the baseline changed since, so two nightly runs cannot overwrite each other
//! silently. In S3 that is a conditional write (`If-Match` / `If-None-Match: *`), done by S3
//! itself; for a local file, the check and the write happen under an exclusive lock of the
//! history directory's `.lock` file (released when the process ends, however it ends). These are the only writes the tool ever makes to AWS, only with `--accept`, and only
//! to the baseline's own keys; the probes stay read-only.

use std::path::{Path, PathBuf};

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use sha2::{Digest, Sha256};

use crate::aws::{CallRecorder, Connection};
use crate::snapshot::{Snapshot, SnapshotError};

/// Accepted snapshots kept in the history by default.
pub const DEFAULT_KEEP: u32 = 30;

/// Where a baseline lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A local file.
    File(PathBuf),
    /// An S3 object.
    S3 {
        /// Bucket.
        bucket: String,
        /// Key of the baseline object.
        key: String,
    },
}

/// The version of a baseline that was read, which an accept must still find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    /// There was no baseline.
    Absent,
    /// SHA-256 of the local file's bytes.
    Sha256(String),
    /// The S3 object's ETag.
    ETag(String),
}

/// Why a baseline could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// Not a file path or `s3://bucket/key`.
    #[error("`{0}` is not a baseline location: give a file path or s3://BUCKET/KEY")]
    Location(String),
    /// There is no baseline yet.
    #[error("no baseline at {0}: accept one first with `--accept`")]
    Missing(String),
    /// The baseline is not a usable snapshot.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// Local I/O.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An S3 call failed.
    #[error("{action} on {location}: {message}")]
    S3 {
        /// The IAM action.
        action: &'static str,
        /// The object.
        location: String,
        /// Why.
        message: String,
    },
    /// Someone else accepted a baseline since this run read it.
    #[error("the baseline at {0} changed since this run read it (another run accepted one): nothing was written; run drift again")]
    Conflict(String),
}

impl Location {
    /// Parses `s3://bucket/key` or a file path.
    pub fn parse(text: &str) -> Result<Location, BaselineError> {
        match text.strip_prefix("s3://") {
            Some(rest) => match rest.split_once('/') {
                Some((bucket, key))
                    if !bucket.is_empty() && !key.is_empty() && !key.ends_with('/') =>
                {
                    Ok(Location::S3 {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                    })
                }
                _ => Err(BaselineError::Location(text.to_string())),
            },
            None if text.is_empty() || text.ends_with('/') => {
                Err(BaselineError::Location(text.to_string()))
            }
            None => Ok(Location::File(PathBuf::from(text))),
        }
    }

    /// The location's history "directory" (a local directory or an S3 key prefix ending in `/`).
    fn history(&self) -> String {
        let base = match self {
            Location::File(p) => p.display().to_string(),
            Location::S3 { key, .. } => key.clone(),
        };
        let stem = base.strip_suffix(".json").unwrap_or(&base);
        format!("{stem}.history/")
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

/// The history file name of a snapshot: when it was taken, in UTC to the second without
/// separators, e.g. `20261122T020000Z.json`, so that names sort by time. A `taken_at` with an
/// offset (`2026-11-22T11:00:00+09:00`) or fractions is converted; one that is not RFC 3339 at
/// all gets the time of the accept.
pub fn history_name(snapshot: &Snapshot) -> String {
    use aws_smithy_types::date_time::Format;
    let secs = utc_seconds(&snapshot.metadata.taken_at)
        .unwrap_or_else(|| aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs());
    let second = aws_smithy_types::DateTime::from_secs(secs);
    let text = second.fmt(Format::DateTime).unwrap_or_default();
    let compact: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{compact}.json")
}

/// Seconds since the epoch of an RFC 3339 time, `Z` or with a `+HH:MM` / `-HH:MM` offset.
fn utc_seconds(text: &str) -> Option<i64> {
    use aws_smithy_types::date_time::Format;
    let text = text.trim();
    let (local, offset) = match text
        .len()
        .checked_sub(6)
        .and_then(|i| text.get(i..).map(|o| (i, o)))
    {
        Some((i, o)) if (o.starts_with('+') || o.starts_with('-')) && o.as_bytes()[3] == b':' => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let hours: i64 = o.get(1..3)?.parse().ok()?;
            let minutes: i64 = o.get(4..6)?.parse().ok()?;
            (
                format!("{}Z", &text[..i]),
                sign * (hours * 3600 + minutes * 60),
            )
        }
        _ => (text.to_string(), 0),
    };
    let t = aws_smithy_types::DateTime::from_str(&local, Format::DateTime).ok()?;
    Some(t.secs() - offset)
}

/// What an accept did besides replacing the baseline.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// History entries removed (beyond the retention count).
    pub removed: Vec<String>,
    /// What went wrong after the baseline itself was replaced (the accept stands).
    pub warnings: Vec<String>,
}

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads, accepts and lists baselines at one location.
pub struct Store {
    location: Location,
    s3: Option<aws_sdk_s3::Client>,
    /// The client in the bucket's own region, once S3 has named it in a redirect (the SDK does
    /// not follow `301 PermanentRedirect`): every later call goes there directly.
    redirected: std::sync::OnceLock<aws_sdk_s3::Client>,
    /// Every S3 call the store made (kept apart from the probes' calls).
    pub recorder: CallRecorder,
}

impl Store {
    /// A store at `location`; S3 locations use the connection's credentials and region.
    pub fn new(location: Location, conn: Option<&Connection>) -> Store {
        let recorder = CallRecorder::default();
        let s3 = match (&location, conn) {
            (Location::S3 { .. }, Some(conn)) => {
                let mut b = aws_sdk_s3::config::Builder::from(&conn.sdk)
                    .interceptor(recorder.clone())
                    .retry_classifier(crate::aws::TooManyRequestsIsThrottling);
                if conn.endpoint.is_some() {
                    b = b.force_path_style(true);
                }
                Some(aws_sdk_s3::Client::from_conf(b.build()))
            }
            _ => None,
        };
        Store {
            location,
            s3,
            redirected: std::sync::OnceLock::new(),
            recorder,
        }
    }

    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    fn client(&self) -> Result<&aws_sdk_s3::Client, BaselineError> {
        if let Some(c) = self.redirected.get() {
            return Ok(c);
        }
        self.s3.as_ref().ok_or_else(|| BaselineError::S3 {
            action: "s3:GetObject",
            location: self.location.to_string(),
            message: "an S3 baseline needs AWS credentials (a live run, or --region/--profile)"
                .into(),
        })
    }

    /// One S3 call, made again once in the bucket's region when S3 answers that the bucket is in
    /// another region than the connection's (`x-amz-bucket-region`). The outer error is only
    /// "no S3 client".
    async fn call<T, E, Fut>(
        &self,
        f: impl Fn(aws_sdk_s3::Client) -> Fut,
    ) -> Result<Result<T, SdkError<E, HttpResponse>>, BaselineError>
    where
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata,
    {
        let first = f(self.client()?.clone()).await;
        match &first {
            Err(e) => match self.follow(e) {
                Some(client) => Ok(f(client).await),
                None => Ok(first),
            },
            Ok(_) => Ok(first),
        }
    }

    /// The client in the region an error names for the bucket, when it names another region
    /// than the one the call went to (learnt once, kept for every later call).
    fn follow<E: ProvideErrorMetadata>(
        &self,
        err: &SdkError<E, HttpResponse>,
    ) -> Option<aws_sdk_s3::Client> {
        let region = crate::probe::bucket_region_of_error(err)?;
        let current = self.client().ok()?;
        if current.config().region().map(|r| r.as_ref()) == Some(region.as_str()) {
            return None;
        }
        tracing::debug!(location = %self.location, region = %region, "S3 redirect: the baseline bucket is in another region");
        let config = current
            .config()
            .to_builder()
            .region(aws_sdk_s3::config::Region::new(region))
            .build();
        let client = aws_sdk_s3::Client::from_conf(config);
        Some(self.redirected.get_or_init(|| client).clone())
    }

    /// The raw baseline and its version, or `Version::Absent`.
    async fn read_raw(&self) -> Result<(Option<Vec<u8>>, Version), BaselineError> {
        match &self.location {
            Location::File(path) => match std::fs::read(path) {
                Ok(bytes) => {
                    let v = Version::Sha256(sha256(&bytes));
                    Ok((Some(bytes), v))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((None, Version::Absent)),
                Err(source) => Err(BaselineError::Io {
                    path: path.display().to_string(),
                    source,
                }),
            },
            Location::S3 { bucket, key } => {
                match self
                    .call(|c| c.get_object().bucket(bucket).key(key).send())
                    .await?
                {
                    Ok(out) => {
                        let etag = out.e_tag().unwrap_or_default().to_string();
                        let body = out.body.collect().await.map_err(|e| BaselineError::S3 {
                            action: "s3:GetObject",
                            location: self.location.to_string(),
                            message: e.to_string(),
                        })?;
                        Ok((Some(body.into_bytes().to_vec()), Version::ETag(etag)))
                    }
                    Err(e) if e.code() == Some("NoSuchKey") => Ok((None, Version::Absent)),
                    Err(e) => Err(BaselineError::S3 {
                        action: "s3:GetObject",
                        location: self.location.to_string(),
                        message: crate::aws::errors::describe_error("s3:GetObject", &e),
                    }),
                }
            }
        }
    }

    /// The baseline, if there is one, and the version read.
    pub async fn load(&self) -> Result<(Option<Snapshot>, Version), BaselineError> {
        let (bytes, version) = self.read_raw().await?;
        let snapshot = match bytes {
            None => None,
            Some(b) => {
                let text = String::from_utf8_lossy(&b);
                Some(Snapshot::from_json(&self.location.to_string(), &text)?)
            }
        };
        Ok((snapshot, version))
    }

    /// Makes `snapshot` the baseline, provided the baseline is still at `expected`; keeps it in
    /// the history too and prunes the history to `keep` entries (oldest first).
    pub async fn accept(
        &self,
        snapshot: &Snapshot,
        expected: &Version,
        keep: usize,
    ) -> Result<Accepted, BaselineError> {
        let json = snapshot.to_json();
        let history = self.location.history();
        let entry = format!("{history}{}", history_name(snapshot));
        match &self.location {
            Location::File(path) => {
                let io = |p: &Path| {
                    let p = p.display().to_string();
                    move |source| BaselineError::Io { path: p, source }
                };
                let dir = PathBuf::from(&history);
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                // Another accept of the same baseline waits here; the version is then checked
                // under the lock, so of two runs that read the same baseline only one wins.
                let lock_path = dir.join(".lock");
                let lock = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .map_err(io(&lock_path))?;
                lock.lock().map_err(io(&lock_path))?;
                let (_, now) = self.read_raw().await?;
                if now != *expected {
                    return Err(BaselineError::Conflict(self.location.to_string()));
                }
                let entry = PathBuf::from(&entry);
                crate::fsutil::write_atomic(&entry, json.as_bytes()).map_err(io(&entry))?;
                if let Err(e) = crate::fsutil::write_atomic(path, json.as_bytes()) {
                    // Leave no history entry for a baseline that was not accepted.
                    let _ = std::fs::remove_file(&entry);
                    return Err(io(path)(e));
                }
                let mut names: Vec<String> = std::fs::read_dir(&dir)
                    .map_err(io(&dir))?
                    .flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| is_history_name(n))
                    .collect();
                names.sort();
                let excess = names.len().saturating_sub(keep.max(1));
                let mut done = Accepted::default();
                for n in names.into_iter().take(excess) {
                    let p = dir.join(&n);
                    match std::fs::remove_file(&p) {
                        Ok(()) => done.removed.push(p.display().to_string()),
                        Err(e) => done
                            .warnings
                            .push(format!("could not remove {}: {e}", p.display())),
                    }
                }
                drop(lock);
                Ok(done)
            }
            Location::S3 { bucket, key } => {
                let s3_error = |action: &'static str, message: String| BaselineError::S3 {
                    action,
                    location: self.location.to_string(),
                    message,
                };
                // The conditional write is the gate: S3 refuses it when the object changed.
                let put = |c: aws_sdk_s3::Client| {
                    let put = c
                        .put_object()
                        .bucket(bucket)
                        .key(key)
                        .content_type("application/json")
                        .body(ByteStream::from(json.clone().into_bytes()));
                    match expected {
                        Version::ETag(etag) => put.if_match(etag),
                        _ => put.if_none_match("*"),
                    }
                    .send()
                };
                match self.call(put).await? {
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.code(),
                            Some("PreconditionFailed") | Some("ConditionalRequestConflict")
                        ) =>
                    {
                        return Err(BaselineError::Conflict(self.location.to_string()))
                    }
                    Err(e) => {
                        return Err(s3_error(
                            "s3:PutObject",
                            crate::aws::errors::describe_error("s3:PutObject", &e),
                        ))
                    }
                }
                // The baseline is accepted from here on: what fails below is reported, not
                // undone (the history is a convenience; the baseline is the record).
                let mut done = Accepted::default();
                if let Err(e) = self
                    .call(|c| {
                        c.put_object()
                            .bucket(bucket)
                            .key(&entry)
                            .content_type("application/json")
                            .body(ByteStream::from(json.clone().into_bytes()))
                            .send()
                    })
                    .await?
                {
                    done.warnings.push(format!(
                        "the baseline was accepted, but its history copy s3://{bucket}/{entry} was not written: {}",
                        crate::aws::errors::describe_error("s3:PutObject", &e)
                    ));
                    return Ok(done);
                }
                let mut names = match self.s3_history_keys().await {
                    Ok(names) => names,
                    Err(e) => {
                        done.warnings
                            .push(format!("the history was not pruned: {e}"));
                        return Ok(done);
                    }
                };
                names.sort();
                let excess = names.len().saturating_sub(keep.max(1));
                for k in names.into_iter().take(excess) {
                    match self
                        .call(|c| c.delete_object().bucket(bucket).key(&k).send())
                        .await?
                    {
                        Ok(_) => done.removed.push(format!("s3://{bucket}/{k}")),
                        Err(e) => done.warnings.push(format!(
                            "could not remove s3://{bucket}/{k}: {}",
                            crate::aws::errors::describe_error("s3:DeleteObject", &e)
                        )),
                    }
                }
                Ok(done)
            }
        }
    }

    async fn s3_history_keys(&self) -> Result<Vec<String>, BaselineError> {
        let Location::S3 { bucket, .. } = &self.location else {
            return Ok(Vec::new());
        };
        let prefix = self.location.history();
        let mut pages = self
            .client()?
            .list_objects_v2()
            .bucket(bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        let mut keys = Vec::new();
        let mut first = true;
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    // A redirect on the first page: list again, once, in the bucket's region.
                    if let Some(client) = first.then(|| self.follow(&e)).flatten() {
                        first = false;
                        pages = client
                            .list_objects_v2()
                            .bucket(bucket)
                            .prefix(&prefix)
                            .into_paginator()
                            .send();
                        continue;
                    }
                    return Err(BaselineError::S3 {
                        action: "s3:ListBucket",
                        location: format!("s3://{bucket}/{prefix}"),
                        message: crate::aws::errors::describe_error("s3:ListBucket", &e),
                    });
                }
            };
            first = false;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key())
                    .filter(|k| k.strip_prefix(&prefix).is_some_and(is_history_name))
                    .map(str::to_string),
            );
        }
        Ok(keys)
    }

    /// Every snapshot in the history, oldest first (for the HTML history view).
    pub async fn history(&self) -> Result<Vec<Snapshot>, BaselineError> {
        let mut out = Vec::new();
        match &self.location {
            Location::File(_) => {
                let dir = PathBuf::from(self.location.history());
                let mut names: Vec<String> = match std::fs::read_dir(&dir) {
                    Ok(entries) => entries
                        .flatten()
                        .filter_map(|e| e.file_name().into_string().ok())
                        .filter(|n| is_history_name(n))
                        .collect(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                    Err(source) => {
                        return Err(BaselineError::Io {
                            path: dir.display().to_string(),
                            source,
                        })
                    }
                };
                names.sort();
                for n in names {
                    out.push(Snapshot::load(&dir.join(n))?);
                }
            }
            Location::S3 { bucket, .. } => {
                let mut keys = self.s3_history_keys().await?;
                keys.sort();
                for k in keys {
                    let obj = self
                        .call(|c| c.get_object().bucket(bucket).key(&k).send())
                        .await?
                        .map_err(|e| BaselineError::S3 {
                            action: "s3:GetObject",
                            location: format!("s3://{bucket}/{k}"),
                            message: crate::aws::errors::describe_error("s3:GetObject", &e),
                        })?;
                    let body = obj.body.collect().await.map_err(|e| BaselineError::S3 {
                        action: "s3:GetObject",
                        location: format!("s3://{bucket}/{k}"),
                        message: e.to_string(),
                    })?;
                    let text = String::from_utf8_lossy(&body.into_bytes()).to_string();
                    out.push(Snapshot::from_json(&format!("s3://{bucket}/{k}"), &text)?);
                }
            }
        }
        Ok(out)
    }
}

/// `20261122T020000Z.json` and nothing else: the history holds only what accept wrote.
fn is_history_name(name: &str) -> bool {
    name.strip_suffix(".json").is_some_and(|stem| {
        stem.len() == 16
            && stem.as_bytes()[8] == b'T'
            && stem.ends_with('Z')
            && stem
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit())
    })
}

/// The IAM statement a baseline at `location` needs (reading always; writing with `--accept`).
pub fn iam_statement(location: &Location, accept: bool) -> Option<serde_json::Value> {
    let Location::S3 { bucket, key } = location else {
        return None;
    };
    let history = location.history();
    let mut actions = vec!["s3:GetObject", "s3:ListBucket"];
    if accept {
        actions.extend(["s3:PutObject", "s3:DeleteObject"]);
    }
    Some(serde_json::json!({
        "Sid": "InfraVerifyDriftBaseline",
        "Effect": "Allow",
        "Action": actions,
        "Resource": [
            format!("arn:aws:s3:::{bucket}"),
            format!("arn:aws:s3:::{bucket}/{key}"),
            format!("arn:aws:s3:::{bucket}/{history}*"),
        ]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_name_their_history() {
        assert_eq!(
            Location::parse("s3://ops-bucket/drift/staging.json").expect("s3"),
            Location::S3 {
                bucket: "ops-bucket".into(),
                key: "drift/staging.json".into()
            }
        );
        assert_eq!(
            Location::parse("s3://ops-bucket/drift/staging.json")
                .expect("s3")
                .history(),
            "drift/staging.history/"
        );
        assert_eq!(
            Location::parse("baselines/staging.json")
                .expect("file")
                .history(),
            "baselines/staging.history/"
        );
        for bad in [
            "s3://",
            "s3://bucket",
            "s3://bucket/",
            "s3:///key",
            "",
            "dir/",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn history_names_sort_by_time_and_only_they_are_history() {
        assert!(is_history_name("20261122T020000Z.json"));
        assert!(!is_history_name("20261122T020000Z.json.tmp"));
        assert!(!is_history_name("notes.json"));
        assert!(!is_history_name("2026112XT020000Z.json"));
        let mut s: Snapshot =
            serde_json::from_str(include_str!("../fixtures/staging.snapshot.json"))
                .expect("fixture");
        s.metadata.taken_at = "2026-11-22T02:00:00Z".into();
        assert_eq!(history_name(&s), "20261122T020000Z.json");
        // Offsets and fractions are converted to UTC seconds: still a history name.
        s.metadata.taken_at = "2026-11-22T11:00:00.250+09:00".into();
        assert_eq!(history_name(&s), "20261122T020000Z.json");
        // Not a time at all: named by the accept's own time, still a history name.
        s.metadata.taken_at = "yesterday".into();
        assert!(is_history_name(&history_name(&s)), "{}", history_name(&s));
    }

    /// Two processes' worth of accepts of one local baseline at once, each having read the same
    /// version: exactly one wins, the others are refused, and the baseline is the winner's.
    #[test]
    fn concurrent_local_accepts_of_one_version_let_exactly_one_win() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("staging.json");
        let base: Snapshot =
            serde_json::from_str(include_str!("../fixtures/staging.snapshot.json"))
                .expect("fixture");
        let store = Store::new(Location::File(path.clone()), None);
        block_on(store.accept(&base, &Version::Absent, 5)).expect("first baseline");
        let (_, read) = block_on(store.load()).expect("load");
        let results: Vec<(String, Result<Accepted, BaselineError>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let mut snap = base.clone();
                    snap.metadata.taken_at = format!("2026-11-22T02:00:0{i}Z");
                    let read = read.clone();
                    let path = path.clone();
                    scope.spawn(move || {
                        let store = Store::new(Location::File(path), None);
                        let r = block_on(store.accept(&snap, &read, 5));
                        (snap.metadata.taken_at, r)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let winners: Vec<&String> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(t, _)| t)
            .collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert!(results
            .iter()
            .filter(|(_, r)| r.is_err())
            .all(|(_, r)| matches!(r, Err(BaselineError::Conflict(_)))));
        let (now, _) = block_on(store.load()).expect("load");
        assert_eq!(&now.expect("baseline").metadata.taken_at, winners[0]);
    }

    #[test]
    fn the_iam_statement_is_scoped_to_the_baseline_and_writes_only_to_accept() {
        let loc = Location::parse("s3://ops/drift/staging.json").expect("s3");
        let read = iam_statement(&loc, false).expect("statement");
        assert_eq!(
            read["Action"],
            serde_json::json!(["s3:GetObject", "s3:ListBucket"])
        );
        assert_eq!(
            read["Resource"],
            serde_json::json!([
                "arn:aws:s3:::ops",
                "arn:aws:s3:::ops/drift/staging.json",
                "arn:aws:s3:::ops/drift/staging.history/*"
            ])
        );
        let write = iam_statement(&loc, true).expect("statement");
        assert_eq!(
            write["Action"],
            serde_json::json!([
                "s3:GetObject",
                "s3:ListBucket",
                "s3:PutObject",
                "s3:DeleteObject"
            ])
        );
        assert!(iam_statement(&Location::File("b.json".into()), true).is_none());
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn a_local_accept_keeps_history_prunes_it_and_refuses_a_stale_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("staging.json");
        let store = Store::new(Location::File(path.clone()), None);
        let mut snap: Snapshot =
            serde_json::from_str(include_str!("../fixtures/staging.snapshot.json"))
                .expect("fixture");
        let (none, v0) = block_on(store.load()).expect("load");
        assert!(none.is_none());
        assert_eq!(v0, Version::Absent);
        for day in 1..=4 {
            snap.metadata.taken_at = format!("2026-11-0{day}T02:00:00Z");
            let (_, v) = block_on(store.load()).expect("load");
            block_on(store.accept(&snap, &v, 3)).expect("accept");
        }
        let (loaded, v) = block_on(store.load()).expect("load");
        assert_eq!(
            loaded.expect("baseline").metadata.taken_at,
            "2026-11-04T02:00:00Z"
        );
        let history: Vec<String> = block_on(store.history())
            .expect("history")
            .into_iter()
            .map(|s| s.metadata.taken_at)
            .collect();
        assert_eq!(
            history,
            [
                "2026-11-02T02:00:00Z",
                "2026-11-03T02:00:00Z",
                "2026-11-04T02:00:00Z"
            ]
        );
        // A stale version (another run accepted meanwhile) writes nothing.
        let before = std::fs::read(&path).expect("read");
        snap.metadata.taken_at = "2026-11-05T02:00:00Z".into();
        let err = block_on(store.accept(&snap, &v0, 3)).expect_err("conflict");
        assert!(matches!(err, BaselineError::Conflict(_)), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
        assert_eq!(block_on(store.history()).expect("history").len(), 3);
        // The current version is accepted.
        block_on(store.accept(&snap, &v, 3)).expect("accept");
    }
}
