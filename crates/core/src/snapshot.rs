//! The snapshot: observed facts as versioned JSON, plus metadata. Offline runs, drift, evidence
//! and tests all stand on it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The snapshot format version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Everything observed in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_VERSION`].
    pub snapshot_version: u32,
    /// Who took it, where and when.
    pub metadata: Metadata,
    /// One record per resource the spec names, sorted by kind then id.
    pub resources: Vec<ResourceRecord>,
}

/// Who took a snapshot, where and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// `infra-verify`.
    pub tool: String,
    /// The tool's version.
    pub tool_version: String,
    /// RFC 3339 UTC time the probes started.
    pub taken_at: String,
    /// The spec's environment.
    pub environment: String,
    /// The AWS account probed.
    pub account_id: Option<String>,
    /// The region probed.
    pub region: Option<String>,
    /// The caller's ARN.
    pub caller_arn: Option<String>,
    /// The endpoint URL, when not AWS's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `http_endpoint` connections made elsewhere than their URL's host through `--connect-to`:
    /// the `host:port` requested → the address connected to (every endpoint's `connect_to`
    /// together); absent when none was.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub connect_to: BTreeMap<String, String>,
    /// API calls made, per `service:Operation`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
    /// Attempts retried (throttling, server errors, timeouts, resets), per `service:Operation`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_retries: BTreeMap<String, u64>,
}

/// What was observed of one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceRecord {
    /// The kind.
    pub kind: String,
    /// The identifier, as the spec names it.
    pub id: String,
    /// What was seen.
    #[serde(flatten)]
    pub observation: Observation,
}

/// The outcome of observing one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Observation {
    /// The resource exists.
    Present {
        /// Observed attributes (`null` when the service reports no value).
        attributes: BTreeMap<String, serde_json::Value>,
        /// Attributes that could not be observed, with the reason.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        errors: BTreeMap<String, String>,
    },
    /// The resource does not exist.
    Absent,
    /// A tag selection (`select:`): the ids it matched, each recorded on its own too.
    Selected {
        /// Matched resource ids, sorted.
        matches: Vec<String>,
    },
    /// Whether it exists could not be observed.
    Error {
        /// Why.
        error: String,
    },
}

/// Why a snapshot file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// It could not be read.
    #[error("cannot read snapshot {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// It is not a snapshot.
    #[error("{path} is not a valid infra-verify snapshot: {source}")]
    Parse {
        /// The file.
        path: String,
        /// The cause, with line and column.
        source: serde_json::Error,
    },
    /// Written by an incompatible version (CHANGELOG.md: "What the version number promises").
    #[error("{path} has snapshot_version {found}; this build reads version {SNAPSHOT_VERSION}: {advice}")]
    Version {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
        /// Which infra-verify wrote it, when the file says, and what to do.
        advice: String,
    },
}

impl Snapshot {
    /// Reads and checks a snapshot file.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
            path: name.clone(),
            source,
        })?;
        Self::from_json(&name, &text)
    }

    /// Parses and checks snapshot JSON.
    pub fn from_json(name: &str, text: &str) -> Result<Snapshot, SnapshotError> {
        #[derive(Deserialize)]
        struct VersionOnly {
            snapshot_version: u32,
            #[serde(default)]
            metadata: Option<ToolOnly>,
        }
        #[derive(Deserialize)]
        struct ToolOnly {
            #[serde(default)]
            tool_version: Option<String>,
        }
        let version = |found: u32| {
            let by = serde_json::from_str::<VersionOnly>(text)
                .ok()
                .and_then(|v| v.metadata)
                .and_then(|m| m.tool_version)
                .map(|v| format!(" ({v})"))
                .unwrap_or_default();
            let advice = if found > SNAPSHOT_VERSION {
                format!(
                    "it was written by a newer infra-verify{by}; upgrade this one ({}) to read it",
                    env!("CARGO_PKG_VERSION")
                )
            } else {
                format!(
                    "it was written by an older infra-verify{by}; take it again with this one \
                     (a drift baseline: `infra-verify drift ENV --accept`)"
                )
            };
            SnapshotError::Version {
                path: name.to_string(),
                found,
                advice,
            }
        };
        // Parsed once; only a snapshot that does not parse is read again for its version, so
        // that one of another version says so rather than what field it lacks.
        match serde_json::from_str::<Snapshot>(text) {
            Ok(mut snap) => {
                if snap.snapshot_version != SNAPSHOT_VERSION {
                    return Err(version(snap.snapshot_version));
                }
                snap.sort();
                Ok(snap)
            }
            Err(source) => match serde_json::from_str::<VersionOnly>(text) {
                Ok(v) if v.snapshot_version != SNAPSHOT_VERSION => Err(version(v.snapshot_version)),
                _ => Err(SnapshotError::Parse {
                    path: name.to_string(),
                    source,
                }),
            },
        }
    }

    /// A snapshot in which nothing could be observed, for the reason given: one `error` record
    /// per resource the spec names, so that every check of the spec is an `error` verdict that
    /// says why (never a pass, never a silent gap). Used when one of several environments could
    /// not be observed at all (its caller identity, or the observation timed out).
    pub fn unobserved(spec: &crate::spec::Spec, taken_at: String, reason: &str) -> Snapshot {
        let mut snap = Snapshot {
            snapshot_version: SNAPSHOT_VERSION,
            metadata: Metadata {
                tool: "infra-verify".into(),
                tool_version: env!("CARGO_PKG_VERSION").into(),
                taken_at,
                environment: spec.environment.clone(),
                account_id: None,
                region: spec.aws.region.clone(),
                caller_arn: None,
                endpoint: None,
                connect_to: BTreeMap::new(),
                api_calls: BTreeMap::new(),
                api_retries: BTreeMap::new(),
            },
            resources: spec
                .resources
                .iter()
                .map(|r| ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.record_id().into_owned(),
                    observation: Observation::Error {
                        error: reason.to_string(),
                    },
                })
                .collect(),
        };
        snap.sort();
        snap
    }

    /// Sorts records by kind then id, for deterministic output.
    pub fn sort(&mut self) {
        self.resources.sort_by(|a, b| {
            (a.kind.as_str(), a.id.as_str()).cmp(&(b.kind.as_str(), b.id.as_str()))
        });
    }

    /// The record for a resource, if observed.
    pub fn find(&self, kind: &str, id: &str) -> Option<&ResourceRecord> {
        self.resources.iter().find(|r| r.kind == kind && r.id == id)
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../fixtures/staging.snapshot.json");

    /// The compatibility rule of CHANGELOG.md: fields a later release adds (at the top, in the
    /// metadata, in a record) are ignored by this one, so a baseline written by 0.x+1 with only
    /// additions is read by 0.x, and one written by 0.x is read by 0.x+1.
    #[test]
    fn fields_added_by_a_later_release_are_read_past() {
        let mut doc: serde_json::Value = serde_json::from_str(FIXTURE).expect("fixture");
        doc["added_later"] = serde_json::json!({"anything": [1, 2]});
        doc["metadata"]["added_later"] = serde_json::json!("x");
        doc["resources"][0]["added_later"] = serde_json::json!(true);
        let text = serde_json::to_string(&doc).expect("json");
        let read = Snapshot::from_json("later.json", &text).expect("read past the additions");
        let original = Snapshot::from_json("fixture.json", FIXTURE).expect("fixture reads");
        assert_eq!(read, original);
    }

    #[test]
    fn another_version_is_refused_with_who_wrote_it_and_what_to_do() {
        let newer = FIXTURE.replacen("\"snapshot_version\": 1", "\"snapshot_version\": 2", 1);
        let err = Snapshot::from_json("b.json", &newer).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.starts_with("b.json has snapshot_version 2; this build reads version 1: "),
            "{text}"
        );
        assert!(
            text.contains("written by a newer infra-verify (0.1.0)"),
            "{text}"
        );
        assert!(text.contains("upgrade this one"), "{text}");
    }
}
