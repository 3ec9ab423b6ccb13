//! `--format sarif`: SARIF 2.1.0 (OASIS), for GitHub code scanning and other dashboards.
//!
//! Typed serde structs of our own for the part of SARIF written here (a log, one run, its tool,
//! rules, results and physical locations) rather than a SARIF crate: the maintained one
//! (`serde-sarif`) generates the whole schema at build time and brings a code generator, strum and
//! typed-builder into the tree for the dozen objects used. docs/output-formats.md describes it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value as J;
use sha2::{Digest, Sha256};

use super::Render;
use crate::catalog;
use crate::evaluate::{Check, Combined, Report, Status};

/// `--format sarif`.
pub struct Sarif;

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The JSON schema of SARIF 2.1.0, as GitHub's documentation names it.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id relative artifact locations are resolved against: the directory infra-verify
/// ran in, the repository root in CI.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of the partial fingerprint: environment and check id, so an alert keeps its identity
/// when the spec's lines move.
pub const FINGERPRINT: &str = "infraVerifyCheck/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    /// The environments verified, in order.
    environments: Vec<String>,
    /// `ready`, `not_ready` or `unverified`: the run's verdict (a SARIF consumer sees only the
    /// checks that did not pass).
    outcome: crate::evaluate::Outcome,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    environment: String,
    check: String,
    status: Status,
    expected: J,
    actual: J,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<crate::spec::Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    controls: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
}

/// The rule of a check: one per (kind, attribute), id `kind/attribute` (stable: the catalog's
/// names; `exists` and `count` are attributes of every kind).
pub fn rule_id(c: &Check) -> String {
    format!("{}/{}", c.kind, c.attribute)
}

fn rule(kind_name: &str, attribute: &str) -> Rule {
    let kind = catalog::kind(kind_name);
    let kind_text = kind.map(|k| k.description).unwrap_or("");
    let (ty, description, operation) = match (kind, attribute) {
        (Some(k), catalog::EXISTS) => (
            "bool",
            "Whether the resource exists (`exists: false`: it must not).",
            k.list_operation,
        ),
        (Some(k), "count") => (
            "integer",
            "Number of resources the selection (`select:`) matched.",
            k.list_operation,
        ),
        (Some(k), name) => match k.attribute(name) {
            Some(a) => (a.ty.name(), a.description, a.operation),
            None => ("", "", ""),
        },
        (None, _) => ("", "", ""),
    };
    let short = if description.is_empty() {
        format!("{kind_name} {attribute}")
    } else {
        format!("{kind_name} {attribute}: {description}")
    };
    let read = if operation.is_empty() {
        String::new()
    } else {
        format!(" Observed with {operation} (read-only).")
    };
    let full = format!("{kind_name} — {kind_text} `{attribute}`: {description}{read}");
    let markdown = format!(
        "**`{kind_name}`** — {kind_text}\n\n`{attribute}` ({ty}): {description}\n\n{}The spec line this result points at states what is expected; the result's message says what was observed. Every kind and attribute: `infra-verify kinds {kind_name}`.",
        if operation.is_empty() {
            String::new()
        } else {
            format!("Observed with `{operation}` (read-only). ")
        }
    );
    Rule {
        id: format!("{kind_name}/{attribute}"),
        name: pascal(&format!("{kind_name}_{attribute}")),
        short_description: Text { text: short },
        full_description: Text { text: full.clone() },
        help: Help {
            text: format!("{full} Every kind and attribute: `infra-verify kinds {kind_name}`."),
            markdown,
        },
        default_configuration: Configuration { level: "error" },
        properties: RuleProperties {
            tags: vec![
                "infra-verify".to_string(),
                kind.map(|k| k.service).unwrap_or("unknown").to_string(),
                kind_name.to_string(),
            ],
        },
    }
}

/// `rds_instance_backup_retention_period` → `RdsInstanceBackupRetentionPeriod`.
fn pascal(snake: &str) -> String {
    snake
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A spec path as a SARIF artifact URI: relative paths relative to [`SRCROOT`] (a leading `./`
/// dropped), absolute ones as `file://` URIs; percent-encoded where a URI needs it.
fn artifact(file: &str) -> ArtifactLocation {
    let mut path = file;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn fingerprint(environment: &str, check: &str) -> String {
    let mut h = Sha256::new();
    h.update(environment.as_bytes());
    h.update([0]);
    h.update(check.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn log(reports: &[&Report], outcome: crate::evaluate::Outcome) -> Log {
    let mut rules: Vec<Rule> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for report in reports {
        for c in report.checks.iter().filter(|c| c.status != Status::Pass) {
            let id = rule_id(c);
            let rule_index = *index.entry(id.clone()).or_insert_with(|| {
                rules.push(rule(&c.kind, &c.attribute));
                rules.len() - 1
            });
            let level = match c.status {
                Status::Error => "warning",
                _ => "error",
            };
            let what = match c.status {
                Status::Error => "could not verify",
                Status::Missing => "missing",
                _ => "failed",
            };
            results.push(SarifResult {
                rule_id: id,
                rule_index,
                kind: "fail",
                level,
                message: Text {
                    text: format!("{} {what} in `{}`: {}", c.id, report.environment, c.message),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&c.location.file),
                        region: Region {
                            start_line: c.location.line.max(1),
                            start_column: c.location.column.max(1),
                        },
                    },
                }],
                partial_fingerprints: BTreeMap::from([(
                    FINGERPRINT,
                    fingerprint(&report.environment, &c.id),
                )]),
                properties: ResultProperties {
                    environment: report.environment.clone(),
                    check: c.id.clone(),
                    status: c.status,
                    expected: c.expected.clone(),
                    actual: c.actual.clone(),
                    severity: c.severity,
                    item: c.item.clone(),
                    controls: c.controls.clone(),
                },
            });
        }
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    let homepage = env!("CARGO_PKG_HOMEPAGE");
    let information_uri = [homepage, repository].into_iter().find(|u| !u.is_empty());
    Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "infra-verify",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri,
                    rules,
                },
            },
            results,
            properties: RunProperties {
                environments: reports.iter().map(|r| r.environment.clone()).collect(),
                outcome,
            },
        }],
    }
}

fn write(log: &Log, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, log)?;
    writeln!(out)
}

impl Render for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        write(&log(&[report], report.outcome), out)
    }

    fn render_all(&self, all: &Combined, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let reports: Vec<&Report> = all.environments.iter().collect();
        write(&log(&reports, all.outcome), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        let a = artifact("specs/staging.yaml");
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("specs/staging.yaml", Some(SRCROOT))
        );
        let a = artifact("./././specs/my env#1.yaml");
        assert_eq!(a.uri, "specs/my%20env%231.yaml");
        let a = artifact("/srv/repo/specs/스테이징.yaml");
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            (
                "file:///srv/repo/specs/%EC%8A%A4%ED%85%8C%EC%9D%B4%EC%A7%95.yaml",
                None
            )
        );
    }

    #[test]
    fn rule_names_and_fingerprints() {
        assert_eq!(
            pascal("rds_instance_backup_retention_period"),
            "RdsInstanceBackupRetentionPeriod"
        );
        let r = rule("rds_instance", "backup_retention_period");
        assert_eq!(r.id, "rds_instance/backup_retention_period");
        assert_eq!(
            r.short_description.text,
            "rds_instance backup_retention_period: Days automated backups are kept (0 = off)."
        );
        assert!(r.full_description.text.contains("rds:DescribeDBInstances"));
        let e = rule("s3_bucket", "exists");
        assert!(
            e.help.text.contains("s3:ListAllMyBuckets"),
            "{}",
            e.help.text
        );
        // Stable, and distinct per environment.
        assert_eq!(fingerprint("a", "x/y/z"), fingerprint("a", "x/y/z"));
        assert_ne!(fingerprint("a", "x/y/z"), fingerprint("b", "x/y/z"));
        assert_ne!(fingerprint("ab", "c"), fingerprint("a", "bc"));
    }
}
