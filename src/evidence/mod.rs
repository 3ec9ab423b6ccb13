//! Auditor evidence bundles (`infra-verify evidence`): what was true, when, in which account,
//! in a form an auditor can check without trusting this tool.
//!
//! A bundle is a directory (or the same as one `.tar.gz`):
//!
//! ```text
//! manifest.json        tool, run id, environment, account, caller, regions, times, spec file
//!                      hashes, and the SHA-256 of every other file
//! manifest.sig         optional: ed25519 signature of manifest.json's bytes (64 raw bytes)
//! report.html          the page an auditor reads (self-contained, printable)
//! verdicts.json        the JSON report, each check with the raw responses it came from
//! snapshot.json        the observed facts
//! spec.resolved.yaml   the spec after `extends:` (loadable again with --spec)
//! raw/NNNN-Service-Operation.json   one file per API call (per attempt): request, response
//!                      status, headers, request id, times, and the body as received
//! ```
//!
//! Building is a pure function of its inputs ([`build`]); writing is atomic ([`write`]);
//! [`verify`](verify::verify) recomputes every hash.

pub use crate::aws::capture;
mod html;
pub mod sign;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::evaluate::{Check, Outcome, Report, Summary};
use crate::snapshot::Snapshot;
pub use crate::spec::resolved_spec_yaml;
use crate::spec::{Resource, Spec};
use capture::RawCall;

/// The bundle format this build writes (`manifest.json`'s `bundle_format`).
pub const BUNDLE_FORMAT: u32 = 1;
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The signature's file name.
pub const SIGNATURE: &str = "manifest.sig";

pub use crate::fsutil::sha256_hex;

/// Where the facts came from.
#[derive(Clone, Debug)]
pub enum Origin {
    /// Observed live in this run; the raw responses of every AWS call.
    Live {
        /// Every API call the probes made, as captured.
        raw: Vec<RawCall>,
    },
    /// Read from a saved snapshot: no raw responses exist.
    Snapshot {
        /// The file, as given.
        path: PathBuf,
        /// Its SHA-256.
        sha256: String,
    },
}

/// Everything a bundle is built from.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The spec, with its `extends:` applied.
    pub spec: &'a Spec,
    /// The facts.
    pub snapshot: &'a Snapshot,
    /// The verdicts.
    pub report: &'a Report,
    /// Live or from a snapshot file.
    pub origin: Origin,
    /// When the evidence command started (RFC 3339 UTC).
    pub started_at: String,
    /// When it finished observing and evaluating.
    pub finished_at: String,
}

/// A file of the spec, as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileHash {
    /// The path, as given or found through `extends:`.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub bundle_format: u32,
    /// `infra-verify`.
    pub tool: String,
    /// The tool's version.
    pub tool_version: String,
    /// Host-independent id of the observation (see [`run_id`]).
    pub run_id: String,
    /// The spec's environment.
    pub environment: String,
    /// The AWS account observed.
    pub account_id: Option<String>,
    /// Who observed it.
    pub caller_arn: Option<String>,
    /// Every region observed.
    pub regions: Vec<String>,
    /// The endpoint, when not AWS's own (an emulator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `http_endpoint` connections made elsewhere than their URL's host (`--connect-to`):
    /// `host:port` requested → the address connected to (the snapshot's `connect_to`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub connect_to: BTreeMap<String, String>,
    /// When the evidence command started (RFC 3339 UTC).
    pub started_at: String,
    /// When it finished observing and evaluating.
    pub finished_at: String,
    /// When the facts were observed (the snapshot's `taken_at`).
    pub observed_at: String,
    /// `live`, or `snapshot` with the file and its hash.
    pub source: ManifestSource,
    /// Whether raw AWS responses are included, and why not.
    pub raw_responses: RawResponses,
    /// The spec: the file given and every file it extends.
    pub spec: SpecFiles,
    /// `ready`, `not_ready` or `unverified`.
    pub outcome: Outcome,
    /// Counts of checks by status.
    pub summary: Summary,
    /// SHA-256 of every other file of the bundle, by path (`/`-separated), sorted.
    pub files: BTreeMap<String, String>,
}

/// `manifest.source`.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestSource {
    /// `live` or `snapshot`.
    pub kind: &'static str,
    /// The snapshot file, when built from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_file: Option<FileHash>,
}

/// `manifest.raw_responses`.
#[derive(Clone, Debug, Serialize)]
pub struct RawResponses {
    /// Whether the bundle holds raw AWS responses.
    pub included: bool,
    /// How many (one per API call attempt).
    pub calls: usize,
    /// What they are, or why there are none.
    pub note: String,
}

/// `manifest.spec`.
#[derive(Clone, Debug, Serialize)]
pub struct SpecFiles {
    /// The spec file given.
    pub path: String,
    /// Every file read (the given one first, then what it extends), with its SHA-256.
    pub files: Vec<FileHash>,
}

/// A bundle in memory: every file by its path, the manifest included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// Path (`/`-separated, relative) → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Why a bundle could not be built or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceError {
    /// A spec file could not be read for hashing.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The output exists and may not be replaced.
    #[error("{0}")]
    Exists(String),
    /// Writing failed; nothing was left behind.
    #[error("cannot write the evidence bundle {path}: {source}")]
    Write {
        /// The target.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// The note a bundle built from a saved snapshot carries, in the manifest and the report.
pub fn offline_note(path: &Path) -> String {
    format!(
        "No raw AWS responses are included: this bundle was built offline from the saved snapshot {}, \
         so its evidence is the facts that snapshot records, not AWS's own answers.",
        path.display()
    )
}

/// The note on `http_endpoint` checks, whose requests are not AWS API calls.
pub const HTTP_NOTE: &str = "http_endpoint checks are evidenced by the facts the probe recorded \
    (status, headers, certificate, TLS version) in snapshot.json; their HTTP responses are not \
    AWS API calls and are not included as raw files.";

/// A host-independent id of one observation: the first 128 bits of the SHA-256 of the account,
/// the environment, the time the facts were observed, the SHA-256 of the snapshot (the facts
/// themselves) and of every spec file, shown as a UUID. The same observation of the same spec
/// gets the same id on any machine (a bundle rebuilt from the same snapshot and spec keeps it);
/// any other observation, or other facts under the same time, gets another.
pub fn run_id(
    account_id: Option<&str>,
    environment: &str,
    observed_at: &str,
    snapshot_sha256: &str,
    spec_files: &[FileHash],
) -> String {
    let mut h = Sha256::new();
    h.update(b"infra-verify run id v2\n");
    for part in [
        account_id.unwrap_or(""),
        environment,
        observed_at,
        snapshot_sha256,
    ] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    for f in spec_files {
        h.update(f.sha256.as_bytes());
        h.update(b"\n");
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The spec files with their hashes, the given one first: the hashes of the bytes the spec was
/// loaded from (a file edited while the run observed AWS does not change them), or, for a spec
/// built without them, of the files as they are now.
pub fn spec_file_hashes(spec: &Spec) -> Result<Vec<FileHash>, EvidenceError> {
    if !spec.files.is_empty() && spec.files.len() == spec.file_sha256.len() {
        return Ok(spec
            .files
            .iter()
            .zip(&spec.file_sha256)
            .map(|(p, h)| FileHash {
                path: p.display().to_string(),
                sha256: h.clone(),
            })
            .collect());
    }
    let files = if spec.files.is_empty() {
        vec![spec.path.clone()]
    } else {
        spec.files.clone()
    };
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|source| EvidenceError::Read {
                path: p.display().to_string(),
                source,
            })?;
            Ok(FileHash {
                path: p.display().to_string(),
                sha256: sha256_hex(&bytes),
            })
        })
        .collect()
}

/// The raw files' names: `raw/0001-STS-GetCallerIdentity.json`, numbered by the time each
/// request was sent.
fn raw_names(raw: &[RawCall]) -> Vec<(String, &RawCall)> {
    let mut sorted: Vec<&RawCall> = raw.iter().collect();
    sorted.sort_by(|a, b| a.sent_at.cmp(&b.sent_at));
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let safe = |s: &str| -> String {
                s.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect()
            };
            (
                format!(
                    "raw/{:04}-{}-{}.json",
                    i + 1,
                    safe(&c.service),
                    safe(&c.operation)
                ),
                c,
            )
        })
        .collect()
}

/// The IAM actions a check's value (or the resource's existence) was read from.
fn check_actions(resource: &Resource, check: &Check) -> BTreeSet<&'static str> {
    let kind = resource.kind;
    let mut ops = BTreeSet::new();
    match check.attribute.as_str() {
        "exists" | "count" => {
            ops.extend(kind.lookup_operations());
            if check.attribute == "count" {
                if let Some(t) = kind.attribute("tags") {
                    if resource
                        .selector
                        .as_ref()
                        .is_some_and(|s| !s.tags.is_empty())
                    {
                        ops.insert(t.operation);
                    }
                }
            }
        }
        name => {
            if let Some(a) = kind.attribute(name) {
                ops.insert(a.operation);
            }
        }
    }
    ops
}

/// For every check of the report (in order), the raw files its value came from: the calls of
/// the check's operation (catalog → IAM action → SDK operation, `plan::OPERATIONS`) in the
/// resource's region (any region for a global kind); of those, the ones whose request names the resource, else the ones whose
/// response names it, else all of them (a list that does not name a resource is the evidence
/// that it is absent). `http_endpoint` checks have none.
pub fn check_links(spec: &Spec, report: &Report, names: &[(String, &RawCall)]) -> Vec<Vec<String>> {
    report
        .checks
        .iter()
        .map(|check| {
            let Some(resource) = spec.resources.get(check.source.0) else {
                return Vec::new();
            };
            if !resource.kind.is_aws() {
                return Vec::new();
            }
            let sdk: Vec<(&str, &str)> = check_actions(resource, check)
                .into_iter()
                .flat_map(|action| {
                    crate::catalog::operations::OPERATIONS
                        .iter()
                        .filter(move |o| o.action == action)
                        .map(|o| (o.sdk_service, o.sdk_operation))
                })
                .collect();
            // A global kind's calls go where its API lives (Route 53 Domains: us-east-1; a
            // bucket: its own region), whatever the run's region: any region's may be its.
            let region = if resource.kind.global {
                None
            } else {
                resource
                    .region
                    .as_deref()
                    .or(report.source.region.as_deref())
            };
            let candidates: Vec<&(String, &RawCall)> = names
                .iter()
                .filter(|(_, c)| {
                    sdk.iter()
                        .any(|(svc, op)| c.service.eq_ignore_ascii_case(svc) && c.operation == *op)
                })
                .filter(|(_, c)| match (region, c.region.as_deref()) {
                    (Some(want), Some(got)) => want == got,
                    _ => true,
                })
                .collect();
            // One region of a `regions:` entry: its checks say `id@region`, its calls name `id`.
            let name = match (resource.per_region, resource.region.as_deref()) {
                (true, Some(r)) => check
                    .resource
                    .strip_suffix(&format!("@{r}"))
                    .unwrap_or(&check.resource)
                    .to_string(),
                _ => check.resource.clone(),
            };
            let by_request: Vec<&&(String, &RawCall)> = candidates
                .iter()
                .filter(|(_, c)| c.request_names(&name))
                .collect();
            let chosen: Vec<&(String, &RawCall)> = if !by_request.is_empty() {
                by_request.into_iter().copied().collect()
            } else {
                let by_response: Vec<&(String, &RawCall)> = candidates
                    .iter()
                    .copied()
                    .filter(|(_, c)| c.response_names(&name))
                    .collect();
                if by_response.is_empty() {
                    candidates
                } else {
                    by_response
                }
            };
            chosen.into_iter().map(|(n, _)| n.clone()).collect()
        })
        .collect()
}

/// Every region the bundle covers: the run's, each resource's own, and those calls went to.
fn regions(input: &Input<'_>) -> Vec<String> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    set.extend(input.snapshot.metadata.region.clone());
    set.extend(
        input
            .spec
            .resources
            .iter()
            .filter(|r| r.kind.is_aws())
            .filter_map(|r| r.region.clone()),
    );
    if let Origin::Live { raw } = &input.origin {
        set.extend(raw.iter().filter_map(|c| c.region.clone()));
    }
    set.into_iter().collect()
}

fn pretty(v: &impl Serialize) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(v).unwrap_or_default();
    s.push(b'\n');
    s
}

/// Builds the bundle in memory: every file, then the manifest over them. Pure apart from
/// reading the spec files to hash them.
pub fn build(input: &Input<'_>) -> Result<(Bundle, Manifest), EvidenceError> {
    let spec_files = spec_file_hashes(input.spec)?;
    let meta = &input.snapshot.metadata;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();

    let empty = Vec::new();
    let raw: &[RawCall] = match &input.origin {
        Origin::Live { raw } => raw,
        Origin::Snapshot { .. } => &empty,
    };
    let names = raw_names(raw);
    for (name, call) in &names {
        files.insert(name.clone(), pretty(call));
    }
    let links = check_links(input.spec, input.report, &names);

    // verdicts.json: the JSON report, each check with `raw`.
    let mut verdicts = serde_json::to_value(input.report).unwrap_or_default();
    if let Some(checks) = verdicts["checks"].as_array_mut() {
        for (c, l) in checks.iter_mut().zip(&links) {
            if let Some(obj) = c.as_object_mut() {
                obj.insert("raw".into(), serde_json::json!(l));
            }
        }
    }
    files.insert("verdicts.json".into(), pretty(&verdicts));
    let snapshot_json = input.snapshot.to_json().into_bytes();
    let snapshot_sha256 = sha256_hex(&snapshot_json);
    files.insert("snapshot.json".into(), snapshot_json);
    files.insert(
        "spec.resolved.yaml".into(),
        resolved_spec_yaml(input.spec).into_bytes(),
    );

    let has_http = input.spec.resources.iter().any(|r| !r.kind.is_aws());
    let (source, raw_note) = match &input.origin {
        Origin::Live { raw } => (
            ManifestSource {
                kind: "live",
                snapshot_file: None,
            },
            if raw.is_empty() {
                "No AWS API call was made: the spec names no AWS resource.".to_string()
            } else {
                "One file per AWS API call attempt under raw/: the request (method, URI, body; no \
                 headers), and the response status, headers, request id and body as received."
                    .to_string()
            },
        ),
        Origin::Snapshot { path, sha256 } => (
            ManifestSource {
                kind: "snapshot",
                snapshot_file: Some(FileHash {
                    path: path.display().to_string(),
                    sha256: sha256.clone(),
                }),
            },
            offline_note(path),
        ),
    };
    let mut manifest = Manifest {
        bundle_format: BUNDLE_FORMAT,
        tool: "infra-verify".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        run_id: run_id(
            meta.account_id.as_deref(),
            &input.spec.environment,
            &meta.taken_at,
            &snapshot_sha256,
            &spec_files,
        ),
        environment: input.spec.environment.clone(),
        account_id: meta.account_id.clone(),
        caller_arn: meta.caller_arn.clone(),
        regions: regions(input),
        endpoint: meta.endpoint.clone(),
        connect_to: meta.connect_to.clone(),
        started_at: input.started_at.clone(),
        finished_at: input.finished_at.clone(),
        observed_at: meta.taken_at.clone(),
        source,
        raw_responses: RawResponses {
            included: !raw.is_empty(),
            calls: raw.len(),
            note: if has_http {
                format!("{raw_note} {HTTP_NOTE}")
            } else {
                raw_note
            },
        },
        spec: SpecFiles {
            path: input.spec.path.display().to_string(),
            files: spec_files,
        },
        outcome: input.report.outcome,
        summary: input.report.summary,
        files: BTreeMap::new(),
    };

    let page = html::page(&html::Page {
        manifest: &manifest,
        report: input.report,
        links: &links,
        raw: &names,
        has_http,
    });
    files.insert("report.html".into(), page.into_bytes());

    manifest.files = files
        .iter()
        .map(|(k, v)| (k.clone(), sha256_hex(v)))
        .collect();
    files.insert(MANIFEST.into(), pretty(&manifest));
    Ok((Bundle { files }, manifest))
}

impl Bundle {
    /// Signs `manifest.json` with the key: adds `manifest.sig` (64 raw bytes).
    pub fn sign(&mut self, key: &ed25519_dalek::SigningKey) {
        let manifest = self.files.get(MANIFEST).cloned().unwrap_or_default();
        self.files
            .insert(SIGNATURE.into(), sign::sign(key, &manifest).to_vec());
    }
}

/// How `--out` is written: a directory, or one `.tar.gz` file.
pub fn is_archive(out: &Path) -> bool {
    let name = out.file_name().map(|n| n.to_string_lossy().to_lowercase());
    name.is_some_and(|n| n.ends_with(".tar.gz") || n.ends_with(".tgz"))
}

/// Checks, before any probing, that `out` may be written: it does not exist, is an empty
/// directory, or (with `force`) is a previous bundle (a directory with a manifest.json, or an
/// archive file). Anything else is refused, so a mistyped `--out` never replaces other files.
pub fn check_target(out: &Path, force: bool) -> Result<(), EvidenceError> {
    let parent = parent_dir(out);
    if !parent.is_dir() {
        return Err(EvidenceError::Exists(format!(
            "--out {}: the directory {} does not exist",
            out.display(),
            parent.display()
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if is_archive(out) {
        if meta.is_file() && force {
            return Ok(());
        }
        return Err(EvidenceError::Exists(if meta.is_file() {
            format!(
                "--out {}: the file exists; give --force to replace it",
                out.display()
            )
        } else {
            format!("--out {}: exists and is not a file", out.display())
        }));
    }
    if !meta.is_dir() {
        return Err(EvidenceError::Exists(format!(
            "--out {}: exists and is not a directory (give a new directory, or FILE.tar.gz)",
            out.display()
        )));
    }
    let empty = std::fs::read_dir(out)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(());
    }
    let previous = out.join(MANIFEST).is_file();
    match (previous, force) {
        (true, true) => Ok(()),
        (true, false) => Err(EvidenceError::Exists(format!(
            "--out {}: holds a previous evidence bundle; give --force to replace it",
            out.display()
        ))),
        (false, _) => Err(EvidenceError::Exists(format!(
            "--out {}: is a directory that is not empty and not an evidence bundle; refusing to replace it",
            out.display()
        ))),
    }
}

fn parent_dir(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes the bundle atomically to `out` (a directory, or `.tar.gz`): built in a temporary
/// directory (or file) next to it, then renamed into place. On error nothing is left behind
/// and a previous bundle at `out` is untouched. `force` as in [`check_target`].
pub fn write(bundle: &Bundle, out: &Path, force: bool) -> Result<(), EvidenceError> {
    check_target(out, force)?;
    let err = |source: std::io::Error| EvidenceError::Write {
        path: out.display().to_string(),
        source,
    };
    let parent = parent_dir(out);
    if is_archive(out) {
        let bytes = archive(bundle, out).map_err(err)?;
        return crate::fsutil::write_atomic(out, &bytes).map_err(err);
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evidence".into());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(&parent)
        .map_err(err)?;
    for (path, bytes) in &bundle.files {
        let target = tmp.path().join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let mut f = std::fs::File::create(&target).map_err(err)?;
        f.write_all(bytes).map_err(err)?;
        f.sync_all().map_err(err)?;
    }
    // The temporary directory is private (0700); the bundle is as readable as any new directory.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(err)?;
    }
    let previous = std::fs::symlink_metadata(out).is_ok();
    if previous {
        // An empty directory is replaced by rename; a previous bundle (with --force) is moved
        // aside first and removed only once the new one is in place.
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            let aside = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(&parent)
                .map_err(err)?;
            let old = aside.path().join("bundle");
            std::fs::rename(out, &old).map_err(err)?;
            if let Err(e) = std::fs::rename(tmp.path(), out) {
                let _ = std::fs::rename(&old, out);
                return Err(err(e));
            }
            // `aside` (with the old bundle in it) is removed when dropped.
            let _ = tmp.keep();
            return Ok(());
        }
    }
    std::fs::rename(tmp.path(), out).map_err(err)?;
    let _ = tmp.keep();
    Ok(())
}

/// The bundle as a gzip-compressed tar, every file under one directory named after the archive
/// (`staging-evidence.tar.gz` → `staging-evidence/manifest.json`).
pub fn archive(bundle: &Bundle, out: &Path) -> std::io::Result<Vec<u8>> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let root = name
        .strip_suffix(".tar.gz")
        .or_else(|| name.strip_suffix(".tgz"))
        .filter(|r| !r.is_empty())
        .unwrap_or("evidence")
        .to_string();
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for path in bundle.files.keys() {
        let mut prefix = String::new();
        for part in path
            .split('/')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            prefix.push_str(part);
            prefix.push('/');
            dirs.insert(prefix.clone());
        }
    }
    let header = |size: u64, mode: u32, kind: tar::EntryType| {
        let mut h = tar::Header::new_ustar();
        h.set_size(size);
        h.set_mode(mode);
        h.set_mtime(mtime);
        h.set_entry_type(kind);
        h
    };
    let mut h = header(0, 0o755, tar::EntryType::Directory);
    tar.append_data(&mut h, format!("{root}/"), std::io::empty())?;
    for d in &dirs {
        let mut h = header(0, 0o755, tar::EntryType::Directory);
        tar.append_data(&mut h, format!("{root}/{d}"), std::io::empty())?;
    }
    for (path, bytes) in &bundle.files {
        let mut h = header(bytes.len() as u64, 0o644, tar::EntryType::Regular);
        tar.append_data(&mut h, format!("{root}/{path}"), bytes.as_slice())?;
    }
    tar.into_inner()?.finish()
}

#[cfg(test)]
mod tests;
