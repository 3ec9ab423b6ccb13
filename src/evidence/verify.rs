//! `infra-verify evidence verify BUNDLE`: recompute every hash of a bundle (a directory or a
//! `.tar.gz`) and name every file that was altered, added or removed; check the signature.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::{sha256_hex, MANIFEST, SIGNATURE};

/// One thing wrong with a bundle.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Listed in the manifest, with other bytes now.
    Altered(String),
    /// In the bundle, not in the manifest.
    Added(String),
    /// In the manifest, not in the bundle.
    Removed(String),
    /// Not a regular file (a symlink, a device...) where only files may be.
    NotAFile(String),
    /// The signature does not verify, or is missing when a key was given.
    Signature(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Altered(p) => {
                write!(f, "altered: {p} (its SHA-256 differs from manifest.json)")
            }
            Problem::Added(p) => write!(f, "added: {p} (not in manifest.json)"),
            Problem::Removed(p) => write!(f, "removed: {p} (listed in manifest.json, missing)"),
            Problem::NotAFile(p) => write!(f, "added: {p} (not a regular file)"),
            Problem::Signature(why) => write!(f, "signature: {why}"),
        }
    }
}

/// The state of the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureState {
    /// No manifest.sig, and no key asked for.
    Unsigned,
    /// manifest.sig present, no key given to check it with.
    NotChecked,
    /// Valid for the given key (its fingerprint).
    Valid(String),
    /// Checked and wrong, or missing (see the problems).
    Invalid,
}

/// The outcome of verifying a bundle.
#[derive(Clone, Debug)]
pub struct Verification {
    /// Everything wrong, sorted; empty when intact.
    pub problems: Vec<Problem>,
    /// Files the manifest lists.
    pub listed: usize,
    /// SHA-256 of manifest.json (record it elsewhere to pin the bundle without a signature).
    pub manifest_sha256: String,
    /// The signature's state.
    pub signature: SignatureState,
    /// The manifest's run id, environment, account and observation time.
    pub run_id: String,
    /// Environment.
    pub environment: String,
    /// Account, if any.
    pub account_id: Option<String>,
    /// When the facts were observed.
    pub observed_at: String,
}

impl Verification {
    /// Whether nothing is wrong.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Why a bundle could not be verified at all (not the same as "altered").
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Unreadable.
    #[error("cannot read the bundle {path}: {detail}")]
    Read {
        /// The bundle.
        path: String,
        /// Why.
        detail: String,
    },
    /// No manifest, or not one this build reads.
    #[error("{path} is not an infra-verify evidence bundle: {detail}")]
    NotABundle {
        /// The bundle.
        path: String,
        /// Why.
        detail: String,
    },
}

/// A bundle's files: path → bytes, and the paths that are not regular files.
#[derive(Default)]
struct Files {
    regular: BTreeMap<String, Vec<u8>>,
    other: Vec<String>,
}

fn read_dir(root: &Path) -> std::io::Result<Files> {
    fn walk(root: &Path, dir: &Path, out: &mut Files) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else if kind.is_file() {
                out.regular.insert(rel, std::fs::read(&path)?);
            } else {
                out.other.push(rel);
            }
        }
        Ok(())
    }
    let mut files = Files::default();
    walk(root, root, &mut files)?;
    Ok(files)
}

/// Reads a `.tar.gz` bundle in memory (nothing is extracted to disk). Entries are taken as
/// relative paths; one common top directory (as [`super::archive`] writes) is stripped.
fn read_archive(path: &Path) -> std::io::Result<Files> {
    let file = std::fs::File::open(path)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut entries: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().replace('\\', "/");
        let name = name.trim_start_matches("./").to_string();
        match entry.header().entry_type() {
            tar::EntryType::Directory => continue,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes)?;
                entries.push((name, Some(bytes)));
            }
            _ => entries.push((name, None)),
        }
    }
    let top = |n: &str| n.split('/').next().unwrap_or_default().to_string();
    let strip = !entries.iter().any(|(n, _)| n == MANIFEST)
        && entries.first().map(|(n, _)| top(n)).is_some_and(|root| {
            entries
                .iter()
                .all(|(n, _)| n.contains('/') && top(n) == root)
        });
    let mut files = Files::default();
    for (name, bytes) in entries {
        let name = if strip {
            name.split_once('/')
                .map_or(name.clone(), |(_, rest)| rest.to_string())
        } else {
            name
        };
        match bytes {
            Some(b) => {
                if files.regular.insert(name.clone(), b).is_some() {
                    // The same path twice: whichever a reader extracts, it was not what was hashed.
                    files.other.push(name);
                }
            }
            None => files.other.push(name),
        }
    }
    Ok(files)
}

/// Verifies the bundle at `path` (a directory, or a `.tar.gz` file), and its signature with
/// `pubkey` when given.
pub fn verify(path: &Path, pubkey: Option<&VerifyingKey>) -> Result<Verification, VerifyError> {
    let shown = path.display().to_string();
    let read_err = |e: std::io::Error| VerifyError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    let files = if meta.is_dir() {
        read_dir(path).map_err(read_err)?
    } else {
        read_archive(path).map_err(read_err)?
    };
    verify_files(&shown, files.regular, files.other, pubkey)
}

/// Verifies a bundle given as its files.
pub fn verify_bundle(
    bundle: &super::Bundle,
    pubkey: Option<&VerifyingKey>,
) -> Result<Verification, VerifyError> {
    verify_files("(in memory)", bundle.files.clone(), Vec::new(), pubkey)
}

fn verify_files(
    shown: &str,
    mut files: BTreeMap<String, Vec<u8>>,
    other: Vec<String>,
    pubkey: Option<&VerifyingKey>,
) -> Result<Verification, VerifyError> {
    let not_a_bundle = |detail: String| VerifyError::NotABundle {
        path: shown.to_string(),
        detail,
    };
    let manifest_bytes = files
        .remove(MANIFEST)
        .ok_or_else(|| not_a_bundle("it has no manifest.json".into()))?;
    let manifest: serde_json::Value = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| not_a_bundle(format!("manifest.json is not valid JSON: {e}")))?;
    match manifest["bundle_format"].as_u64() {
        Some(v) if v == u64::from(super::BUNDLE_FORMAT) => {}
        other => {
            return Err(not_a_bundle(format!(
                "manifest.json has bundle_format {}; this build reads {}",
                other.map_or("(none)".to_string(), |v| v.to_string()),
                super::BUNDLE_FORMAT
            )))
        }
    }
    let listed = manifest["files"]
        .as_object()
        .ok_or_else(|| not_a_bundle("manifest.json has no `files`".into()))?;
    let signature = files.remove(SIGNATURE);

    let mut problems = Vec::new();
    for (name, hash) in listed {
        match files.remove(name) {
            None => problems.push(Problem::Removed(name.clone())),
            Some(bytes) => {
                if hash.as_str() != Some(sha256_hex(&bytes).as_str()) {
                    problems.push(Problem::Altered(name.clone()));
                }
            }
        }
    }
    problems.extend(files.into_keys().map(Problem::Added));
    problems.extend(other.into_iter().map(Problem::NotAFile));

    let state = match (pubkey, &signature) {
        (None, None) => SignatureState::Unsigned,
        (None, Some(_)) => SignatureState::NotChecked,
        (Some(_), None) => {
            problems.push(Problem::Signature(
                "manifest.sig is missing: the bundle is not signed, but a public key was given"
                    .into(),
            ));
            SignatureState::Invalid
        }
        (Some(key), Some(sig)) => {
            if super::sign::verify(key, &manifest_bytes, sig) {
                SignatureState::Valid(super::sign::fingerprint(key))
            } else {
                problems.push(Problem::Signature(format!(
                    "manifest.sig is not a valid signature of manifest.json by the public key {}",
                    super::sign::fingerprint(key)
                )));
                SignatureState::Invalid
            }
        }
    };
    problems.sort();
    let text = |k: &str| manifest[k].as_str().unwrap_or_default().to_string();
    Ok(Verification {
        problems,
        listed: listed.len(),
        manifest_sha256: sha256_hex(&manifest_bytes),
        signature: state,
        run_id: text("run_id"),
        environment: text("environment"),
        account_id: manifest["account_id"].as_str().map(str::to_string),
        observed_at: text("observed_at"),
    })
}
