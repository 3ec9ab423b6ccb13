//! Spec format v1: the YAML model, loading (with `extends:`), and validation.
//!
//! Loading never stops at the first problem: every file is checked completely and every problem
//! is reported as `file:line:column: message`, with a "did you mean" where a name is close to a
//! known one.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;

use crate::catalog::{self, AttrType, Attribute, Kind};
use crate::yaml::{self, key_text, Node, Pos, Value};

pub mod matchers;
mod resolved;

pub use resolved::resolved_spec_yaml;

/// The spec format version this build reads.
pub const SPEC_VERSION: i64 = 1;

/// Where something was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: Arc<Path>,
    /// Line and column.
    pub pos: Pos,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.pos)
    }
}

/// One problem in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// Line and column, when known.
    pub pos: Option<Pos>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", self.file.display(), p, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A spec file could not be read.
    #[error("cannot read spec {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The spec has problems; all of them are listed.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render_diagnostics(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    s.push_str(&format!(
        "error: the spec has {} problem{}",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" }
    ));
    s
}

/// How much a failing check matters. Informational in v1: every failing check makes the run not
/// ready; the severity is carried into every output so reports and dashboards can rank failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// The severity names, as written in specs.
pub(crate) const SEVERITIES: &[(&str, Severity)] = &[
    ("low", Severity::Low),
    ("medium", Severity::Medium),
    ("high", Severity::High),
    ("critical", Severity::Critical),
];

/// The `aws:` block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AwsSettings {
    /// The home region: where resources without their own `region:` are looked for (by default
    /// the first of `regions`).
    pub region: Option<String>,
    /// Every region the environment uses (`regions: [ap-northeast-2, us-east-1]`): a resource's
    /// `region:` must be one of them, and `regions: all` on a resource means each of them.
    /// Empty when the spec names none (then any region may be named).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Named profile from the AWS config files.
    pub profile: Option<String>,
    /// Role to assume before probing.
    pub role_arn: Option<String>,
    /// The account the run must be in; a run against another account is refused.
    pub account_id: Option<String>,
}

/// One comparison on an observed value.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// Equal (lists element-wise and in order; maps exactly).
    Equals(serde_json::Value),
    /// Numerically at least.
    AtLeast(f64),
    /// Numerically at most.
    AtMost(f64),
    /// Equal to one of these.
    OneOf(Vec<serde_json::Value>),
    /// A string that the regular expression finds a match in (anchor it with `^...$`).
    Matches(Regex),
    /// A list containing the item(s), a string containing the substring, a map containing the entries,
    /// or a list of objects with one object containing the given fields.
    Contains(serde_json::Value),
    /// A list of strings every element of which is one of these (the empty list included):
    /// `world_open_ports: { subset_of: ["80", "443"] }` is "nothing open to the world but 80 and 443".
    SubsetOf(Vec<serde_json::Value>),
}

/// The matcher keywords, in documentation order.
pub const MATCHER_KEYS: &[&str] = &[
    "equals",
    "at_least",
    "at_most",
    "one_of",
    "matches",
    "contains",
    "subset_of",
];
/// The keys an expectation mapping may carry besides its matchers.
pub const EXPECTATION_META_KEYS: &[&str] = &["item", "controls", "severity"];

/// The top-level keys of a spec file.
pub(crate) const TOP_KEYS: &[&str] = &[
    "version",
    "environment",
    "extends",
    "aws",
    "resources",
    "description",
    "drift",
];

/// The keys of the `aws:` block.
pub(crate) const AWS_KEYS: &[&str] = &["region", "regions", "profile", "role_arn", "account_id"];

/// The keys of a resource entry.
pub(crate) const RESOURCE_KEYS: &[&str] = &[
    "kind",
    "id",
    "region",
    "regions",
    "select",
    "count",
    "exists",
    "item",
    "controls",
    "severity",
    "expect",
    "description",
];

/// One expectation on one attribute: becomes one check.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// The attribute.
    pub attribute: &'static Attribute,
    /// All must hold.
    pub matchers: Vec<Matcher>,
    /// The expectation as written (a bare value, or the matcher mapping without `item` etc.).
    pub expected: serde_json::Value,
    /// Checklist line this expectation ticks (the first, when `item:` lists several).
    pub item: Option<String>,
    /// Where `item:` was written.
    pub item_origin: Option<Origin>,
    /// The other lines of an `item:` list, each where it was written: one check may answer
    /// several lines ("Gzip 압축" and, elsewhere, "Compression 활성화").
    pub more_items: Vec<(String, Origin)>,
    /// Audit control ids (added to the resource's).
    pub controls: Vec<String>,
    /// Overrides the resource's severity.
    pub severity: Option<Severity>,
    /// Where it was written.
    pub origin: Origin,
}

/// Every resource of a kind whose tags contain these (`select: { tags: {...} }`), and how many
/// there must be (`count:`, by default at least one).
#[derive(Clone, Debug)]
pub struct Selector {
    /// Tags every selected resource has (other tags may be present too).
    pub tags: std::collections::BTreeMap<String, String>,
    /// Listed attributes every selected resource has (`select: { metric_name: CPUUtilization }`),
    /// as matchers: a scalar equals, a map or list contains. Only for kinds in
    /// [`Kind::select_by_attributes`], whose probes select from the list response.
    pub criteria: Vec<(&'static Attribute, Matcher)>,
    /// All must hold on the number of resources selected.
    pub count: Vec<Matcher>,
    /// The count expectation as written (`{"at_least": 1}` when not given).
    pub count_expected: serde_json::Value,
}

impl Selector {
    /// The label that stands for the selection in check ids: `tags(Environment=staging)`.
    /// With attribute criteria: `metric_name=CPUUtilization,dimensions(ServiceName=web)`.
    pub fn label(&self) -> String {
        let pairs = |map: &serde_json::Map<String, serde_json::Value>| -> String {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", plain(v)))
                .collect();
            items.join(",")
        };
        fn plain(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        }
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("tags({})", tags.join(",")));
        }
        for (attr, m) in &self.criteria {
            let value = match m {
                Matcher::Equals(v) | Matcher::Contains(v) => v,
                _ => continue,
            };
            parts.push(match value {
                serde_json::Value::Object(map) => format!("{}({})", attr.name, pairs(map)),
                serde_json::Value::Array(items) => {
                    let items: Vec<String> = items.iter().map(plain).collect();
                    format!("{}({})", attr.name, items.join(","))
                }
                v => format!("{}={}", attr.name, plain(v)),
            });
        }
        parts.join(",")
    }

    /// Whether an observed resource's attributes (tags under `tags`) satisfy every tag and every
    /// attribute criterion.
    pub fn matches_attributes(
        &self,
        attributes: &std::collections::BTreeMap<String, serde_json::Value>,
    ) -> bool {
        (self.tags.is_empty() || attributes.get("tags").is_some_and(|t| self.matches(t)))
            && self.criteria.iter().all(|(attr, m)| {
                attributes
                    .get(attr.name)
                    .is_some_and(|v| matchers::matches(m, v, attr.ty))
            })
    }

    /// Whether observed tags (a JSON map) contain every selector tag.
    pub fn matches(&self, tags: &serde_json::Value) -> bool {
        self.tags
            .iter()
            .all(|(k, v)| tags.get(k).and_then(|t| t.as_str()) == Some(v.as_str()))
    }
}

/// The attribute a selector's `count:` is checked as.
static COUNT: Attribute = Attribute {
    name: "count",
    ty: AttrType::Integer,
    description: "Number of resources the selector matched.",
    operation: "",
    volatile: false,
};

/// One resource the environment must (or must not) have.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The kind.
    pub kind: &'static Kind,
    /// The identifier (see the kind's `identifier`); for a selector, its label.
    pub id: String,
    /// Set when the resource entry selects by tags instead of naming one resource.
    pub selector: Option<Selector>,
    /// The region to look in, when not the spec's (e.g. `us-east-1` for CloudFront certificates).
    pub region: Option<String>,
    /// Set on each region's copy of an entry with `regions:` (one resource checked in several
    /// regions): its records and check ids are `<id>@<region>`.
    pub per_region: bool,
    /// Whether it must exist (`exists: false`: it must not).
    pub exists: bool,
    /// Checklist line this resource ticks (the first, when `item:` lists several).
    pub item: Option<String>,
    /// Where `item:` was written.
    pub item_origin: Option<Origin>,
    /// The other lines of an `item:` list, each where it was written.
    pub more_items: Vec<(String, Origin)>,
    /// Lines that only the existence check ticks (`exists: { item: ... }`), each where it was
    /// written: "ECR repository for nginx-rtmp created" ticks when the repository exists, whatever
    /// its other checks say.
    pub exists_items: Vec<(String, Origin)>,
    /// Audit control ids.
    pub controls: Vec<String>,
    /// Severity of its checks.
    pub severity: Option<Severity>,
    /// Expectations, in spec order.
    pub expectations: Vec<Expectation>,
    /// Where it was written.
    pub origin: Origin,
}

impl Resource {
    /// The check id prefix: `kind/id` (`kind/id@region` for one region of a `regions:` entry).
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind.name, self.record_id())
    }

    /// The id its snapshot records carry: the id, or `id@region` for one region of a `regions:`
    /// entry (the same resource id in several regions needs one record per region).
    pub fn record_id(&self) -> std::borrow::Cow<'_, str> {
        match (&self.region, self.per_region) {
            (Some(region), true) => std::borrow::Cow::Owned(format!("{}@{region}", self.id)),
            _ => std::borrow::Cow::Borrowed(self.id.as_str()),
        }
    }
}

/// "Did you mean" for a region: only a one-character slip (`us-east-2` for `us-east-1`); region
/// names are too alike for a similarity score.
fn region_hint(region: &str, listed: &[String]) -> String {
    listed
        .iter()
        .find(|l| strsim::levenshtein(region, l) == 1)
        .map(|l| format!("; did you mean `{l}`?"))
        .unwrap_or_default()
}

/// The regions one resource entry is checked in (`regions:`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum RegionSet {
    /// `regions: all`: every region of `aws.regions`.
    All,
    /// `regions: [a, b]`.
    List(Vec<String>),
}

/// A loaded and validated spec, with every `extends:` applied.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The file given (the most derived one).
    pub path: PathBuf,
    /// Every file read, the given one first.
    pub files: Vec<PathBuf>,
    /// The SHA-256 (hex) of each of `files` as it was read for this spec (empty for a spec not
    /// read from files): what an evidence bundle records, even if a file changes afterwards.
    pub file_sha256: Vec<String>,
    /// The environment name.
    pub environment: String,
    /// AWS connection settings.
    pub aws: AwsSettings,
    /// The resources.
    pub resources: Vec<Resource>,
    /// Settings of the drift report (`drift:`).
    pub drift: DriftSettings,
}

/// `drift:` — what the drift report leaves out, besides the attributes that change on their own.
#[derive(Clone, Debug, Default)]
pub struct DriftSettings {
    /// Patterns of `kind/id/attribute` (`*` matches anything, `/` included) whose changes are
    /// not reported, e.g. `ecs_service/*/desired_count` or `*/*/tags`.
    pub ignore: Vec<String>,
}

/// Loads and validates a spec file and the files it extends.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let mut loader = Loader {
        root: path
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .and_then(|d| std::fs::canonicalize(d).ok()),
        ..Loader::default()
    };
    let layer = loader.layer(path, &mut Vec::new())?;
    loader.finish(path, layer)
}

/// Parses and validates spec text that extends nothing (for tests and tools that build specs in memory).
pub fn from_str(path: &Path, text: &str) -> Result<Spec, SpecError> {
    let mut loader = Loader::default();
    let file: Arc<Path> = Arc::from(path);
    loader.files.push(path.to_path_buf());
    loader.hashes.push(sha256_hex(text.as_bytes()));
    let layer = loader.parse_layer(&file, text);
    if let Some(ext) = &layer.extends {
        loader.error(&ext.1, "`extends:` needs a spec loaded from a file");
    }
    loader.finish(path, layer)
}

use crate::fsutil::sha256_hex;

/// The closest candidate to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

/// One file's contribution before merging.
#[derive(Default)]
struct Layer {
    /// The file (and every file it extends) was a YAML mapping.
    parsed: bool,
    has_version: bool,
    extends: Option<(String, Origin)>,
    environment: Option<String>,
    aws: AwsSettings,
    /// Where `aws.region` / `aws.regions` were written (for errors found after merging).
    aws_origin: Option<Origin>,
    resources: Vec<Resource>,
    /// The `regions:` of resource entries, by kind and id, expanded once every file is merged.
    expansions: Vec<((&'static str, String), RegionSet, Origin)>,
    /// Where each resource's own `region:` was written, by kind and id.
    region_origins: Vec<((&'static str, String), Origin)>,
    drift_ignore: Vec<String>,
}

#[derive(Default)]
struct Loader {
    diags: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    /// SHA-256 of each file's bytes as read, in the order of `files`.
    hashes: Vec<String>,
    /// The directory of the spec given (canonical): `extends:` may not leave it.
    root: Option<PathBuf>,
}

impl Loader {
    /// Checks what only the merged spec can tell, and returns it or every problem found.
    fn finish(mut self, path: &Path, layer: Layer) -> Result<Spec, SpecError> {
        let top = Some(Pos { line: 1, column: 1 });
        if layer.parsed && layer.environment.is_none() {
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: top,
                message: "missing `environment:` (e.g. `environment: staging`)".into(),
            });
        }
        if layer.parsed && !layer.has_version {
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: top,
                message: format!("missing `version: {SPEC_VERSION}`"),
            });
        }
        let mut layer = layer;
        let resources = self.regional(&mut layer);
        if !self.diags.is_empty() {
            return Err(SpecError::Invalid(self.diags));
        }
        Ok(Spec {
            path: path.to_path_buf(),
            files: self.files,
            file_sha256: self.hashes,
            environment: layer.environment.unwrap_or_default(),
            aws: layer.aws,
            resources,
            drift: DriftSettings {
                ignore: layer.drift_ignore,
            },
        })
    }

    /// Checks the merged spec's regions and expands every `regions:` entry into one resource per
    /// region. The home region defaults to the first of `aws.regions`.
    fn regional(&mut self, layer: &mut Layer) -> Vec<Resource> {
        let aws = &mut layer.aws;
        let listed = aws.regions.clone();
        if let (Some(home), false) = (&aws.region, listed.is_empty()) {
            if !listed.contains(home) {
                if let Some(at) = layer.aws_origin.clone() {
                    self.error(
                        &at,
                        format!(
                            "`aws.region` `{home}` is not one of `aws.regions` ({})",
                            listed.join(", ")
                        ),
                    );
                }
            }
        }
        if aws.region.is_none() {
            aws.region = listed.first().cloned();
        }
        let outside = |r: &str| !listed.is_empty() && !listed.iter().any(|l| l == r);
        for ((kind, id), at) in layer.region_origins.clone() {
            let region = layer
                .resources
                .iter()
                .find(|r| r.kind.name == kind && r.id == id)
                .and_then(|r| r.region.clone());
            if let Some(region) = region.filter(|r| outside(r)) {
                let hint = region_hint(&region, &listed);
                self.error(
                    &at,
                    format!(
                        "region `{region}` is not one of the environment's `aws.regions` ({}){hint}",
                        listed.join(", ")
                    ),
                );
            }
        }
        let mut out = Vec::with_capacity(layer.resources.len());
        for r in std::mem::take(&mut layer.resources) {
            let Some((_, set, at)) = layer
                .expansions
                .iter()
                .find(|((k, i), _, _)| *k == r.kind.name && *i == r.id)
                .cloned()
            else {
                out.push(r);
                continue;
            };
            let regions = match set {
                RegionSet::All if listed.is_empty() => {
                    self.error(
                        &at,
                        "`regions: all` needs the environment's regions: list them in `aws.regions`",
                    );
                    continue;
                }
                RegionSet::All => listed.clone(),
                RegionSet::List(list) => {
                    for region in list.iter().filter(|r| outside(r)) {
                        let hint = region_hint(region, &listed);
                        self.error(
                            &at,
                            format!(
                                "region `{region}` is not one of the environment's `aws.regions` ({}){hint}",
                                listed.join(", ")
                            ),
                        );
                    }
                    list
                }
            };
            for region in regions {
                let mut copy = r.clone();
                copy.region = Some(region);
                copy.per_region = true;
                out.push(copy);
            }
        }
        out
    }

    fn error(&mut self, origin: &Origin, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: origin.file.to_path_buf(),
            pos: Some(origin.pos),
            message: message.into(),
        });
    }

    fn origin(file: &Arc<Path>, node: &Node) -> Origin {
        Origin {
            file: file.clone(),
            pos: node.pos,
        }
    }

    /// Reads `path` and everything it extends, merged.
    fn layer(&mut self, path: &Path, stack: &mut Vec<PathBuf>) -> Result<Layer, SpecError> {
        let io = |source| SpecError::Io {
            path: path.to_path_buf(),
            source,
        };
        // Too large to be a spec: refused before it is read into memory.
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > yaml::MAX_SPEC_BYTES as u64 {
            self.files.push(path.to_path_buf());
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: None,
                message: format!(
                    "the file is {size} bytes; a spec may be at most {} bytes",
                    yaml::MAX_SPEC_BYTES
                ),
            });
            return Ok(Layer::default());
        }
        let text = std::fs::read(path).map_err(io)?;
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        stack.push(canonical);
        self.files.push(path.to_path_buf());
        self.hashes.push(sha256_hex(&text));
        let file: Arc<Path> = Arc::from(path);
        let layer = match String::from_utf8(text) {
            Ok(text) => self.parse_layer(&file, &text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let before = &e.as_bytes()[..offset];
                let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
                let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
                self.diags.push(Diagnostic {
                    file: path.to_path_buf(),
                    pos: Some(Pos { line, column }),
                    message: "the file is not valid UTF-8".into(),
                });
                Layer::default()
            }
        };
        let result = match layer.extends.clone() {
            None => Ok(layer),
            Some((base, origin)) => {
                let dir = path.parent().unwrap_or(Path::new("."));
                let base_path = dir.join(&base);
                let base_canonical =
                    std::fs::canonicalize(&base_path).unwrap_or_else(|_| base_path.clone());
                let outside = self
                    .root
                    .as_ref()
                    .is_some_and(|root| base_path.is_file() && !base_canonical.starts_with(root));
                if outside {
                    // A spec names its bases inside its own directory: no path may make the
                    // tool read (and quote in errors) an unrelated file.
                    self.error(
                        &origin,
                        format!(
                            "`extends: {base}` points outside the spec's directory {}",
                            self.root
                                .as_ref()
                                .map(|r| r.display().to_string())
                                .unwrap_or_default()
                        ),
                    );
                    Ok(layer)
                } else if stack.contains(&base_canonical) {
                    self.error(&origin, format!("`extends: {base}` forms a cycle"));
                    Ok(layer)
                } else if !base_path.is_file() {
                    self.error(
                        &origin,
                        format!("`extends: {base}`: no such file {}", base_path.display()),
                    );
                    Ok(layer)
                } else {
                    let base_layer = self.layer(&base_path, stack)?;
                    Ok(merge(base_layer, layer))
                }
            }
        };
        stack.pop();
        result
    }

    fn parse_layer(&mut self, file: &Arc<Path>, text: &str) -> Layer {
        let mut layer = Layer::default();
        let root = match yaml::parse(text) {
            Ok(root) => root,
            Err(e) => {
                self.diags.push(Diagnostic {
                    file: file.to_path_buf(),
                    pos: e.pos,
                    message: format!("invalid YAML: {}", e.message),
                });
                return layer;
            }
        };
        let Value::Map(entries) = &root.value else {
            self.error(
                &Self::origin(file, &root),
                format!(
                    "expected a mapping with `version`, `environment`, `resources`, found {}",
                    root.value.type_name()
                ),
            );
            return layer;
        };
        layer.parsed = true;
        for (k, v) in entries {
            let key = key_text(k);
            let at = Self::origin(file, v);
            match key.as_str() {
                "version" => {
                    layer.has_version = true;
                    if v.value != Value::Int(SPEC_VERSION) {
                        self.error(
                            &at,
                            format!("unsupported spec version: expected `{SPEC_VERSION}`"),
                        );
                    }
                }
                "environment" => match v.as_str() {
                    Some(e) if valid_name(e) => layer.environment = Some(e.to_string()),
                    // Present but invalid: reported here, not again as missing.
                    _ => {
                        layer.environment = Some(String::new());
                        self.error(
                            &at,
                            "expected an environment name of letters, digits, `-` and `_` (e.g. `staging`)",
                        )
                    }
                },
                "extends" => match v.as_str() {
                    Some(p) if !p.is_empty() => layer.extends = Some((p.to_string(), at)),
                    _ => self.error(
                        &at,
                        "expected the path of a base spec, relative to this file",
                    ),
                },
                "aws" => {
                    layer.aws = self.aws(file, v);
                    layer.aws_origin = Some(at.clone());
                }
                "resources" => {
                    let (resources, expansions, region_origins) = self.resources(file, v);
                    layer.resources = resources;
                    layer.expansions = expansions;
                    layer.region_origins = region_origins;
                }
                "drift" => layer.drift_ignore = self.drift(file, v),
                "description" => {}
                other => {
                    let hint = suggestion(other, TOP_KEYS.iter().copied());
                    self.error(
                        &Self::origin(file, k),
                        format!("unknown field `{other}`{hint}"),
                    );
                }
            }
        }
        layer
    }

    /// `drift: { ignore: [kind/id/attribute, ...] }`; each pattern's kind and attribute must
    /// exist (or be `*`), so that a typo does not silently ignore nothing.
    fn drift(&mut self, file: &Arc<Path>, node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        let Value::Map(entries) = &node.value else {
            self.error(
                &Self::origin(file, node),
                format!(
                    "`drift:` expected a mapping like `{{ ignore: [ecs_service/*/desired_count] }}`, found {}",
                    node.value.type_name()
                ),
            );
            return out;
        };
        for (k, v) in entries {
            let key = key_text(k);
            if key != "ignore" {
                let hint = suggestion(&key, ["ignore"]);
                self.error(
                    &Self::origin(file, k),
                    format!("unknown field `drift.{key}`{hint}"),
                );
                continue;
            }
            let Value::Seq(items) = &v.value else {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "`drift.ignore` expected a list of `kind/id/attribute` patterns, found {}",
                        v.value.type_name()
                    ),
                );
                continue;
            };
            for item in items {
                let at = Self::origin(file, item);
                match item.as_str() {
                    Some(p) => match check_ignore_pattern(p) {
                        Ok(()) => out.push(p.to_string()),
                        Err(e) => self.error(&at, e),
                    },
                    None => self.error(
                        &at,
                        format!(
                            "`drift.ignore` expected a `kind/id/attribute` pattern, found {}",
                            item.value.type_name()
                        ),
                    ),
                }
            }
        }
        out
    }

    fn aws(&mut self, file: &Arc<Path>, node: &Node) -> AwsSettings {
        let mut aws = AwsSettings::default();
        let Value::Map(entries) = &node.value else {
            self.error(
                &Self::origin(file, node),
                format!(
                    "`aws:` expected a mapping, found {}",
                    node.value.type_name()
                ),
            );
            return aws;
        };
        for (k, v) in entries {
            let key = key_text(k);
            let at = Self::origin(file, v);
            if key == "regions" {
                aws.regions = self.region_list(file, v, "aws.regions");
                continue;
            }
            if key == "region" {
                if let Some(r) = v.as_str().filter(|r| !valid_region(r)) {
                    self.error(
                        &at,
                        format!("`aws.region` expected an AWS region name such as `ap-northeast-2`, found \"{r}\""),
                    );
                    continue;
                }
            }
            let text = match (&v.value, key.as_str()) {
                (Value::Str(s), _) => Some(s.clone()),
                (Value::Int(_), "account_id") => {
                    self.error(&at, "expected the account id as a quoted string (e.g. \"012345678901\"), found an integer");
                    continue;
                }
                _ => None,
            };
            let slot = match key.as_str() {
                "region" => &mut aws.region,
                "profile" => &mut aws.profile,
                "role_arn" => &mut aws.role_arn,
                "account_id" => &mut aws.account_id,
                other => {
                    let hint = suggestion(other, AWS_KEYS.iter().copied());
                    self.error(
                        &Self::origin(file, k),
                        format!("unknown field `aws.{other}`{hint}"),
                    );
                    continue;
                }
            };
            match text {
                Some(t)
                    if key == "account_id"
                        && !(t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit())) =>
                {
                    self.error(
                        &at,
                        format!("`account_id` must be 12 digits, found \"{t}\""),
                    );
                }
                Some(t) if key == "role_arn" && !t.starts_with("arn:") => {
                    self.error(&at, format!("`role_arn` must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), found \"{t}\""));
                }
                Some(t) => *slot = Some(t),
                None => self.error(
                    &at,
                    format!(
                        "`aws.{key}` expected a string, found {}",
                        v.value.type_name()
                    ),
                ),
            }
        }
        aws
    }

    /// A non-empty list of distinct region names.
    fn region_list(&mut self, file: &Arc<Path>, v: &Node, what: &str) -> Vec<String> {
        let Value::Seq(items) = &v.value else {
            self.error(
                &Self::origin(file, v),
                format!(
                    "`{what}` expected a list of AWS region names (e.g. [ap-northeast-2, us-east-1]), found {}",
                    v.value.type_name()
                ),
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(&Self::origin(file, v), format!("`{what}` is empty"));
        }
        let mut out: Vec<String> = Vec::new();
        for item in items {
            let at = Self::origin(file, item);
            match item.as_str() {
                Some(r) if valid_region(r) => {
                    if out.iter().any(|o| o == r) {
                        self.error(&at, format!("region `{r}` is listed twice in `{what}`"));
                    } else {
                        out.push(r.to_string());
                    }
                }
                _ => self.error(
                    &at,
                    format!("`{what}` expected AWS region names such as `us-east-1` or `ap-northeast-2`"),
                ),
            }
        }
        out
    }

    #[allow(clippy::type_complexity)]
    fn resources(
        &mut self,
        file: &Arc<Path>,
        node: &Node,
    ) -> (
        Vec<Resource>,
        Vec<((&'static str, String), RegionSet, Origin)>,
        Vec<((&'static str, String), Origin)>,
    ) {
        let mut out: Vec<Resource> = Vec::new();
        let mut expansions = Vec::new();
        let mut region_origins = Vec::new();
        let items = match &node.value {
            Value::Seq(items) => items,
            Value::Null => return (out, expansions, region_origins),
            other => {
                self.error(
                    &Self::origin(file, node),
                    format!("`resources:` expected a list, found {}", other.type_name()),
                );
                return (out, expansions, region_origins);
            }
        };
        let mut seen: HashMap<String, Origin> = HashMap::new();
        for item in items {
            if let Some((r, regions, region_at)) = self.resource(file, item) {
                let key = r.key();
                if let Some(first) = seen.get(&key) {
                    self.error(
                        &r.origin,
                        format!("resource `{key}` is declared twice (first at {first})"),
                    );
                    continue;
                }
                seen.insert(key, r.origin.clone());
                if let Some((set, at)) = regions {
                    expansions.push(((r.kind.name, r.id.clone()), set, at));
                }
                if let Some(at) = region_at {
                    region_origins.push(((r.kind.name, r.id.clone()), at));
                }
                out.push(r);
            }
        }
        (out, expansions, region_origins)
    }

    /// One resource entry, with its `regions:` (to expand once every file is merged) and where
    /// its `region:` was written.
    #[allow(clippy::type_complexity)]
    fn resource(
        &mut self,
        file: &Arc<Path>,
        node: &Node,
    ) -> Option<(Resource, Option<(RegionSet, Origin)>, Option<Origin>)> {
        let at = Self::origin(file, node);
        let Value::Map(entries) = &node.value else {
            self.error(
                &at,
                format!(
                    "expected a resource mapping with `kind`, `id` and `expect`, found {}",
                    node.value.type_name()
                ),
            );
            return None;
        };
        let get = |name: &str| {
            entries
                .iter()
                // (without building each key's text: this runs a dozen times per resource)
                .find(|(k, _)| match &k.value {
                    Value::Str(s) => s == name,
                    _ => key_text(k) == name,
                })
                .map(|(_, v)| v)
        };
        let mut ok = true;
        for (k, _) in entries {
            let key = key_text(k);
            if !RESOURCE_KEYS.contains(&key.as_str()) {
                let hint = suggestion(&key, RESOURCE_KEYS.iter().copied());
                self.error(
                    &Self::origin(file, k),
                    format!("unknown resource field `{key}`{hint}"),
                );
            }
        }
        let kind = match get("kind") {
            None => {
                self.error(&at, "resource has no `kind:`");
                ok = false;
                None
            }
            Some(k) => {
                match k.as_str() {
                    Some(name) => match catalog::kind(name) {
                        Some(kind) => Some(kind),
                        None => {
                            let hint = suggestion(name, catalog::KINDS.iter().map(|k| k.name));
                            self.error(
                            &Self::origin(file, k),
                            format!("unknown resource kind `{name}`{hint} (see `infra-verify kinds`)"),
                        );
                            ok = false;
                            None
                        }
                    },
                    None => {
                        self.error(
                            &Self::origin(file, k),
                            format!("`kind` expected a string, found {}", k.value.type_name()),
                        );
                        ok = false;
                        None
                    }
                }
            }
        };
        let selector = match (get("select"), kind) {
            (Some(v), Some(kind)) => {
                let sel = self.selector(file, kind, v, get("count"));
                ok &= sel.is_some();
                sel
            }
            _ => None,
        };
        if let (Some(v), None) = (get("count"), get("select")) {
            self.error(
                &Self::origin(file, v),
                "`count` applies to resources chosen with `select:`",
            );
        }
        let id = match (get("id"), &selector, get("select")) {
            (Some(v), _, Some(_)) => {
                self.error(
                    &Self::origin(file, v),
                    "give either `id:` (one resource) or `select:` (resources by tags), not both",
                );
                ok = false;
                String::new()
            }
            (None, Some(sel), _) => sel.label(),
            (None, None, Some(_)) => String::new(),
            (None, None, None) => {
                self.error(
                    &at,
                    "resource has no `id:` (or `select:` to choose resources by tags)",
                );
                ok = false;
                String::new()
            }
            (Some(v), _, None) => match v.as_str() {
                Some(s) if !s.trim().is_empty() => s.to_string(),
                _ => {
                    self.error(
                        &Self::origin(file, v),
                        format!(
                            "`id` expected a non-empty string, found {}",
                            v.value.type_name()
                        ),
                    );
                    ok = false;
                    String::new()
                }
            },
        };
        let mut exists = None;
        let mut exists_items = Vec::new();
        if let Some(v) = get("exists") {
            if let Some((b, items)) = self.exists_value(file, v) {
                exists = Some(b);
                exists_items = items;
            }
        }
        let region = match get("region") {
            None => None,
            Some(v) => match v.as_str() {
                Some(r) if valid_region(r) => Some(r.to_string()),
                _ => {
                    self.error(
                        &Self::origin(file, v),
                        "`region` expected an AWS region name such as `us-east-1` or `ap-northeast-2`",
                    );
                    ok = false;
                    None
                }
            },
        };
        let regions = match (get("regions"), get("region")) {
            (None, _) => None,
            (Some(v), Some(_)) => {
                self.error(
                    &Self::origin(file, v),
                    "give either `region:` (one region) or `regions:` (several), not both",
                );
                ok = false;
                None
            }
            (Some(v), None) => {
                let at = Self::origin(file, v);
                match &v.value {
                    Value::Str(s) if s == "all" => Some((RegionSet::All, at)),
                    Value::Seq(_) => {
                        let list = self.region_list(file, v, "regions");
                        (!list.is_empty()).then_some((RegionSet::List(list), at))
                    }
                    _ => {
                        self.error(
                            &at,
                            format!(
                                "`regions` expected `all` (every region of `aws.regions`) or a list of AWS region names, found {}",
                                v.value.type_name()
                            ),
                        );
                        ok = false;
                        None
                    }
                }
            }
        };
        if let (Some(k), Some((_, regions_at))) = (kind, &regions) {
            if !k.is_regional() {
                self.error(
                    regions_at,
                    format!(
                        "`regions` checks a regional resource in several regions; `{}` is not regional",
                        k.name
                    ),
                );
                ok = false;
            }
        }
        // The id has its kind's shape (catalog::IdFormat): a URL the probe can request,
        // `cluster/service`, `lb:port`, `SCOPE/name`, an ARN, `current`, ...
        if let (Some(k), Some(id_node)) = (kind, get("id")) {
            if let Err(e) = k.id_format.check(&id) {
                self.error(&Self::origin(file, id_node), e);
                ok = false;
            }
        }
        // A CLOUDFRONT-scoped web ACL exists only in us-east-1, where the probe always looks for
        // it, so another `region:` contradicts the id.
        if let (Some(k), Some(v)) = (kind, get("region")) {
            if let (true, Some(("CLOUDFRONT", _)), Some(r)) = (
                k.id_format == catalog::IdFormat::ScopeName,
                catalog::id::split_scope_name(&id),
                &region,
            ) {
                if r != "us-east-1" {
                    self.error(
                        &Self::origin(file, v),
                        format!("a CLOUDFRONT web ACL lives in us-east-1, not `{r}`: write `region: us-east-1` or leave `region` out"),
                    );
                    ok = false;
                }
            }
        }
        let mut items = get("item").map(|v| self.items(file, v)).unwrap_or_default();
        let (item, item_origin) = if items.is_empty() {
            (None, None)
        } else {
            let (text, at) = items.remove(0);
            (Some(text), Some(at))
        };
        let more_items = items;
        let controls = get("controls")
            .map(|v| self.controls(file, v))
            .unwrap_or_default();
        let severity = get("severity").and_then(|v| self.severity(file, v));
        let mut expectations = Vec::new();
        if let (Some(kind), Some(expect)) = (kind, get("expect")) {
            match &expect.value {
                Value::Map(attrs) => {
                    for (k, v) in attrs {
                        let name = key_text(k);
                        if name == catalog::EXISTS {
                            match (self.exists_value(file, v), exists) {
                                (Some((b, items)), None) => {
                                    exists = Some(b);
                                    exists_items = items;
                                }
                                (Some(_), Some(_)) => {
                                    self.error(&Self::origin(file, k), "`exists` is given twice")
                                }
                                (None, _) => {}
                            }
                            continue;
                        }
                        match kind.attribute(&name) {
                            None => {
                                let hint = suggestion(&name, kind.attribute_names());
                                self.error(
                                    &Self::origin(file, k),
                                    format!("unknown attribute `{name}` for kind `{}`{hint} (see `infra-verify kinds {}`)", kind.name, kind.name),
                                );
                            }
                            Some(attr) => {
                                if let Some(e) = self.expectation(file, attr, v) {
                                    expectations.push(e);
                                }
                            }
                        }
                    }
                }
                Value::Null => {}
                other => self.error(
                    &Self::origin(file, expect),
                    format!(
                        "`expect` expected a mapping of attribute names to values, found {}",
                        other.type_name()
                    ),
                ),
            }
        }
        if exists == Some(false) && !expectations.is_empty() {
            self.error(
                &at,
                "a resource with `exists: false` cannot have attribute expectations",
            );
        }
        let kind = kind?;
        if !ok {
            return None;
        }
        let region_at = get("region").map(|v| Self::origin(file, v));
        let mut selector = selector;
        if let (Some(sel), Some(false)) = (&mut selector, exists) {
            // `exists: false` on a selection: nothing may match.
            sel.count = vec![Matcher::Equals(serde_json::json!(0))];
            sel.count_expected = serde_json::json!(0);
        }
        Some((
            Resource {
                kind,
                id,
                exists: exists.unwrap_or(true) || selector.is_some(),
                selector,
                region,
                per_region: false,
                item,
                item_origin,
                more_items,
                exists_items,
                controls,
                severity,
                expectations,
                origin: at,
            },
            regions,
            region_at,
        ))
    }

    /// `select: { tags: { K: V, ... }, <listed attribute>: <value>, ... }` and its `count:`.
    fn selector(
        &mut self,
        file: &Arc<Path>,
        kind: &Kind,
        v: &Node,
        count: Option<&Node>,
    ) -> Option<Selector> {
        let at = Self::origin(file, v);
        let has_tags = kind.attribute("tags").is_some();
        let selectable = selectable_attributes(kind);
        if !has_tags && selectable.is_empty() {
            let with: Vec<&str> = catalog::KINDS
                .iter()
                .filter(|k| k.attribute("tags").is_some() || !selectable_attributes(k).is_empty())
                .map(|k| k.name)
                .collect();
            self.error(
                &at,
                format!(
                    "`select` chooses resources by their tags or listed attributes, and infra-verify reads neither for `{}`; name it with `id:` (kinds that can be selected: {})",
                    kind.name,
                    with.join(", ")
                ),
            );
            return None;
        }
        let keys: Vec<&str> = has_tags
            .then_some("tags")
            .into_iter()
            .chain(selectable.iter().map(|a| a.name))
            .collect();
        let example = if has_tags {
            "`{ tags: { Environment: staging } }`".to_string()
        } else {
            format!("`{{ {}: ... }}`", keys[0])
        };
        let Value::Map(entries) = &v.value else {
            self.error(
                &at,
                format!(
                    "`select` expected a mapping like {example}, found {}",
                    v.value.type_name()
                ),
            );
            return None;
        };
        let mut tags = std::collections::BTreeMap::new();
        let mut criteria = Vec::new();
        let mut ok = true;
        for (k, val) in entries {
            let key = key_text(k);
            if key == "tags" && has_tags {
                match &val.value {
                    Value::Map(pairs)
                        if !pairs.is_empty() && pairs.iter().all(|(_, t)| t.as_str().is_some()) =>
                    {
                        for (tk, tv) in pairs {
                            tags.insert(key_text(tk), tv.as_str().unwrap_or_default().to_string());
                        }
                    }
                    _ => {
                        self.error(&Self::origin(file, val), "`select.tags` expected a non-empty mapping of tag names to string values");
                        ok = false;
                    }
                }
                continue;
            }
            let Some(attr) = selectable.iter().copied().find(|a| a.name == key) else {
                let hint = suggestion(&key, keys.iter().copied());
                let why = if key == "tags" {
                    format!("infra-verify does not read the tags of `{}`", kind.name)
                } else if kind.attribute(&key).is_some() {
                    format!(
                        "`{key}` is not in the list response of `{}`, so it cannot select",
                        kind.name
                    )
                } else {
                    format!("unknown field `select.{key}`")
                };
                self.error(
                    &Self::origin(file, k),
                    format!("{why}{hint} (select by: {})", keys.join(", ")),
                );
                ok = false;
                continue;
            };
            let value = val.to_json();
            let matcher = match (&val.value, attr.ty) {
                (Value::Map(pairs), AttrType::StringMap)
                    if !pairs.is_empty() && conforms(attr.ty, val) =>
                {
                    Matcher::Contains(value)
                }
                (Value::Str(_), AttrType::StringList) => Matcher::Contains(value),
                (Value::Seq(items), AttrType::StringList)
                    if !items.is_empty() && conforms(attr.ty, val) =>
                {
                    Matcher::Contains(value)
                }
                (Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_), _)
                    if conforms(attr.ty, val) =>
                {
                    Matcher::Equals(value)
                }
                _ => {
                    self.error(
                        &Self::origin(file, val),
                        format!(
                            "`select.{key}` expected {} (selected resources equal it{}), found {}",
                            article(attr.ty),
                            if matches!(attr.ty, AttrType::StringList | AttrType::StringMap) {
                                " or contain it"
                            } else {
                                ""
                            },
                            val.value.type_name()
                        ),
                    );
                    ok = false;
                    continue;
                }
            };
            criteria.push((attr, matcher));
        }
        if tags.is_empty() && criteria.is_empty() {
            if ok {
                self.error(
                    &at,
                    format!("`select` needs at least one of: {}", keys.join(", ")),
                );
            }
            return None;
        }
        if !ok {
            return None;
        }
        let (count, count_expected) = match count {
            None => (
                vec![Matcher::AtLeast(1.0)],
                serde_json::json!({"at_least": 1}),
            ),
            Some(c) => {
                let e = self.expectation(file, &COUNT, c)?;
                (e.matchers, e.expected)
            }
        };
        Some(Selector {
            tags,
            criteria,
            count,
            count_expected,
        })
    }

    /// `exists:`: `true`/`false`, or `{ equals: true|false, item: LINE or [LINES] }` (`equals`
    /// defaults to true) to tick lines from the existence check alone.
    fn exists_value(
        &mut self,
        file: &Arc<Path>,
        v: &Node,
    ) -> Option<(bool, Vec<(String, Origin)>)> {
        match &v.value {
            Value::Bool(b) => Some((*b, Vec::new())),
            Value::Map(entries) => {
                let mut equals = true;
                let mut items = Vec::new();
                let mut ok = true;
                for (k, m) in entries {
                    match key_text(k).as_str() {
                        "equals" => match m.value {
                            Value::Bool(b) => equals = b,
                            _ => {
                                ok = false;
                                self.error(
                                    &Self::origin(file, m),
                                    format!(
                                        "`exists: {{ equals }}` expected true or false, found {}",
                                        m.value.type_name()
                                    ),
                                );
                            }
                        },
                        "item" => items = self.items(file, m),
                        other => {
                            ok = false;
                            self.error(
                                &Self::origin(file, k),
                                format!("unknown key `{other}` in `exists`: expected `equals` or `item`"),
                            );
                        }
                    }
                }
                ok.then_some((equals, items))
            }
            _ => {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "`exists` expected true, false or {{ equals, item }}, found {}",
                        v.value.type_name()
                    ),
                );
                None
            }
        }
    }

    /// `item:`: one checklist line, or a non-empty list of them, each with where it was written.
    fn items(&mut self, file: &Arc<Path>, v: &Node) -> Vec<(String, Origin)> {
        let nodes: Vec<&Node> = match &v.value {
            Value::Seq(items) if !items.is_empty() => items.iter().collect(),
            _ => vec![v],
        };
        let mut out = Vec::new();
        for n in nodes {
            match n.as_str() {
                Some(s) if !s.trim().is_empty() => {
                    // A list's first line is where `item:` is; the others, where each is written.
                    let at = if std::ptr::eq(n, v) {
                        Self::origin(file, v)
                    } else {
                        Self::origin(file, n)
                    };
                    out.push((s.to_string(), at));
                }
                _ => self.error(
                    &Self::origin(file, n),
                    format!(
                        "`item` expected the text of a checklist item, or a list of them, found {}",
                        n.value.type_name()
                    ),
                ),
            }
        }
        out
    }

    fn controls(&mut self, file: &Arc<Path>, v: &Node) -> Vec<String> {
        match &v.value {
            Value::Seq(items) if items.iter().all(|i| i.as_str().is_some()) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Value::Str(s) => vec![s.clone()],
            other => {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "`controls` expected a list of control ids, found {}",
                        other.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn severity(&mut self, file: &Arc<Path>, v: &Node) -> Option<Severity> {
        let name = v.as_str().unwrap_or_default();
        match SEVERITIES.iter().find(|(n, _)| *n == name) {
            Some((_, s)) => Some(*s),
            None => {
                let hint = suggestion(name, SEVERITIES.iter().map(|(n, _)| *n));
                self.error(
                    &Self::origin(file, v),
                    format!("`severity` expected one of low, medium, high, critical{hint}"),
                );
                None
            }
        }
    }

    fn expectation(
        &mut self,
        file: &Arc<Path>,
        attr: &'static Attribute,
        v: &Node,
    ) -> Option<Expectation> {
        let origin = Self::origin(file, v);
        let is_matcher_map = match &v.value {
            Value::Map(entries) => {
                attr.ty != AttrType::StringMap
                    || entries.iter().any(|(k, _)| {
                        let key = key_text(k);
                        MATCHER_KEYS.contains(&key.as_str())
                            || EXPECTATION_META_KEYS.contains(&key.as_str())
                    })
            }
            _ => false,
        };
        if !is_matcher_map {
            if !conforms(attr.ty, v) {
                self.type_error(&origin, attr, "", v);
                return None;
            }
            let value = v.to_json();
            return Some(Expectation {
                attribute: attr,
                matchers: vec![Matcher::Equals(value.clone())],
                expected: value,
                item: None,
                item_origin: None,
                more_items: Vec::new(),
                controls: Vec::new(),
                severity: None,
                origin,
            });
        }
        let Value::Map(entries) = &v.value else {
            return None;
        };
        let mut e = Expectation {
            attribute: attr,
            matchers: Vec::new(),
            expected: serde_json::Value::Null,
            item: None,
            item_origin: None,
            more_items: Vec::new(),
            controls: Vec::new(),
            severity: None,
            origin: origin.clone(),
        };
        let mut expected = serde_json::Map::new();
        let errors_before = self.diags.len();
        for (k, m) in entries {
            let key = key_text(k);
            let at = Self::origin(file, m);
            match key.as_str() {
                "item" => {
                    let mut items = self.items(file, m);
                    if !items.is_empty() {
                        let (text, first_at) = items.remove(0);
                        e.item = Some(text);
                        e.item_origin = Some(first_at);
                        e.more_items = items;
                    }
                }
                "controls" => e.controls = self.controls(file, m),
                "severity" => e.severity = self.severity(file, m),
                "equals" => {
                    if conforms(attr.ty, m) {
                        e.matchers.push(Matcher::Equals(m.to_json()));
                    } else {
                        self.type_error(&at, attr, "equals: ", m);
                    }
                }
                "at_least" | "at_most" => {
                    if !attr.ty.is_numeric() {
                        self.error(
                            &at,
                            format!(
                                "`{key}` needs a numeric attribute, but `{}` is {}",
                                attr.name,
                                attr.ty.name()
                            ),
                        );
                    } else {
                        match m.value {
                            Value::Int(i) => e.matchers.push(numeric(&key, i as f64)),
                            Value::Float(f) => e.matchers.push(numeric(&key, f)),
                            _ => self.error(
                                &at,
                                format!("`{key}` expected a number, found {}", m.value.type_name()),
                            ),
                        }
                    }
                }
                "one_of" => match &m.value {
                    Value::Seq(items) if !items.is_empty() => {
                        let bad: Vec<&Node> =
                            items.iter().filter(|i| !conforms(attr.ty, i)).collect();
                        if bad.is_empty() {
                            e.matchers
                                .push(Matcher::OneOf(items.iter().map(Node::to_json).collect()));
                        }
                        for b in bad {
                            self.type_error(&Self::origin(file, b), attr, "one_of: ", b);
                        }
                    }
                    _ => self.error(
                        &at,
                        format!(
                            "`one_of` expected a non-empty list of values, found {}",
                            m.value.type_name()
                        ),
                    ),
                },
                "matches" => {
                    if attr.ty != AttrType::String {
                        self.error(
                            &at,
                            format!(
                                "`matches` needs a string attribute, but `{}` is {}",
                                attr.name,
                                attr.ty.name()
                            ),
                        );
                    } else {
                        match m.as_str().map(Regex::new) {
                            Some(Ok(re)) => e.matchers.push(Matcher::Matches(re)),
                            Some(Err(err)) => {
                                let first = err.to_string();
                                let msg =
                                    first.lines().last().unwrap_or("invalid").trim().to_string();
                                self.error(
                                    &at,
                                    format!("`matches` is not a valid regular expression: {msg}"),
                                );
                            }
                            None => self.error(
                                &at,
                                format!(
                                    "`matches` expected a regular expression string, found {}",
                                    m.value.type_name()
                                ),
                            ),
                        }
                    }
                }
                "subset_of" => match (&m.value, attr.ty) {
                    (Value::Seq(items), AttrType::StringList)
                        if items.iter().all(|i| matches!(i.value, Value::Str(_))) =>
                    {
                        e.matchers
                            .push(Matcher::SubsetOf(items.iter().map(Node::to_json).collect()));
                    }
                    (_, AttrType::StringList) => self.error(
                        &at,
                        format!(
                            "`subset_of` expected a list of strings (every element of `{}` must be one of them), found {}",
                            attr.name,
                            m.value.type_name()
                        ),
                    ),
                    _ => self.error(
                        &at,
                        format!(
                            "`subset_of` needs a list-of-strings attribute, but `{}` is {}",
                            attr.name,
                            attr.ty.name()
                        ),
                    ),
                },
                "contains" => {
                    if contains_fits(attr.ty, m) {
                        e.matchers.push(Matcher::Contains(m.to_json()));
                    } else {
                        let wanted = match attr.ty {
                            AttrType::StringList => "a string or a list of strings",
                            AttrType::String => "a substring",
                            AttrType::StringMap => "a mapping of strings",
                            AttrType::ObjectList => "a mapping of fields one element must have",
                            _ => "",
                        };
                        if wanted.is_empty() {
                            self.error(&at, format!("`contains` needs a list, string or map attribute, but `{}` is {}", attr.name, attr.ty.name()));
                        } else {
                            self.error(
                                &at,
                                format!(
                                    "`contains` on `{}` expected {wanted}, found {}",
                                    attr.name,
                                    m.value.type_name()
                                ),
                            );
                        }
                    }
                }
                other => {
                    let hint = suggestion(
                        other,
                        MATCHER_KEYS.iter().chain(EXPECTATION_META_KEYS).copied(),
                    );
                    self.error(
                        &Self::origin(file, k),
                        format!(
                            "unknown matcher `{other}`{hint} (matchers: {})",
                            MATCHER_KEYS.join(", ")
                        ),
                    );
                    continue;
                }
            }
            if !EXPECTATION_META_KEYS.contains(&key.as_str()) {
                expected.insert(key, m.to_json());
            }
        }
        if self.diags.len() > errors_before {
            return None;
        }
        if e.matchers.is_empty() {
            self.error(
                &origin,
                format!(
                    "no matcher for `{}` (matchers: {})",
                    attr.name,
                    MATCHER_KEYS.join(", ")
                ),
            );
            return None;
        }
        e.expected = match (expected.len(), expected.get("equals")) {
            (1, Some(v)) => v.clone(),
            _ => serde_json::Value::Object(expected),
        };
        Some(e)
    }

    fn type_error(&mut self, at: &Origin, attr: &Attribute, prefix: &str, v: &Node) {
        let hint = match (&v.value, attr.ty) {
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), AttrType::String) => {
                format!(" (quote it: \"{}\")", key_text(v))
            }
            (Value::Str(s), AttrType::Bool)
                if matches!(
                    s.to_lowercase().as_str(),
                    "yes" | "no" | "on" | "off" | "true" | "false"
                ) =>
            {
                " (write true or false without quotes)".to_string()
            }
            (Value::Map(_), _) => format!(" (matchers: {})", MATCHER_KEYS.join(", ")),
            _ => String::new(),
        };
        self.error(
            at,
            format!(
                "{prefix}`{}` expected {}, found {}{hint}",
                attr.name,
                article(attr.ty),
                v.value.type_name()
            ),
        );
    }
}

fn article(ty: AttrType) -> String {
    match ty {
        AttrType::Integer => "an integer".into(),
        other => format!("a {}", other.name()),
    }
}

fn numeric(key: &str, n: f64) -> Matcher {
    if key == "at_least" {
        Matcher::AtLeast(n)
    } else {
        Matcher::AtMost(n)
    }
}

/// `us-east-1`, `ap-northeast-2`, `us-gov-west-1`, `cn-north-1`...
fn valid_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether a value written in a spec has the attribute's type (`null` fits every type: "not set").
/// A `drift.ignore` pattern is `kind/id/attribute`, where the kind is a known kind or `*`, the
/// attribute one of that kind's (or `*`), and the id anything (ids may contain `/`).
fn check_ignore_pattern(p: &str) -> Result<(), String> {
    let form =
        "expected `kind/id/attribute` (`*` matches anything), e.g. `ecs_service/*/desired_count`";
    let (Some((kind, rest)), Some((_, attr))) = (p.split_once('/'), p.rsplit_once('/')) else {
        return Err(format!("`{p}`: {form}"));
    };
    if rest.is_empty() || !rest.contains('/') || attr.is_empty() {
        return Err(format!("`{p}`: {form}"));
    }
    if kind.contains('*') {
        if kind != "*" {
            return Err(format!("`{p}`: the kind is a kind name or `*`"));
        }
        return Ok(());
    }
    let Some(k) = catalog::kind(kind) else {
        let hint = suggestion(kind, catalog::KINDS.iter().map(|k| k.name));
        return Err(format!("`{p}`: unknown resource kind `{kind}`{hint}"));
    };
    if attr.contains('*') || attr == catalog::EXISTS || k.attribute(attr).is_some() {
        return Ok(());
    }
    let hint = suggestion(attr, k.attributes.iter().map(|a| a.name));
    Err(format!("`{p}`: `{kind}` has no attribute `{attr}`{hint}"))
}

/// The attributes a `select:` may name besides `tags`: those the kind's list response carries, for
/// kinds whose probes select from that response.
pub(crate) fn selectable_attributes(kind: &Kind) -> Vec<&'static Attribute> {
    if !kind.select_by_attributes {
        return Vec::new();
    }
    catalog::KINDS
        .iter()
        .find(|k| k.name == kind.name)
        .map(|k| {
            k.attributes
                .iter()
                .filter(|a| {
                    a.name != "tags"
                        && a.operation == k.list_operation
                        && a.ty != AttrType::ObjectList
                })
                .collect()
        })
        .unwrap_or_default()
}

fn conforms(ty: AttrType, v: &Node) -> bool {
    match (&v.value, ty) {
        (Value::Null, _) => true,
        (Value::Bool(_), AttrType::Bool) => true,
        (Value::Int(_), AttrType::Integer | AttrType::Number) => true,
        (Value::Float(_), AttrType::Number) => true,
        (Value::Str(_), AttrType::String) => true,
        (Value::Seq(items), AttrType::StringList) => items.iter().all(|i| i.as_str().is_some()),
        (Value::Map(entries), AttrType::StringMap) => {
            entries.iter().all(|(_, v)| v.as_str().is_some())
        }
        (Value::Seq(items), AttrType::ObjectList) => {
            items.iter().all(|i| matches!(i.value, Value::Map(_)))
        }
        _ => false,
    }
}

fn contains_fits(ty: AttrType, v: &Node) -> bool {
    match (ty, &v.value) {
        (AttrType::StringList, Value::Str(_)) => true,
        (AttrType::StringList, Value::Seq(_)) => conforms(AttrType::StringList, v),
        (AttrType::String, Value::Str(_)) => true,
        (AttrType::StringMap, Value::Map(_)) => conforms(AttrType::StringMap, v),
        (AttrType::ObjectList, Value::Map(_)) => true,
        _ => false,
    }
}

/// Applies `overlay` (a file that extends) on top of `base`.
fn merge(base: Layer, overlay: Layer) -> Layer {
    let mut resources = base.resources;
    for r in overlay.resources {
        match resources
            .iter_mut()
            .find(|b| b.kind.name == r.kind.name && b.id == r.id)
        {
            None => resources.push(r),
            Some(b) => {
                if !r.exists {
                    b.exists = false;
                    b.expectations.clear();
                }
                if r.exists && !b.exists {
                    b.exists = true;
                }
                if r.item.is_some() {
                    b.item = r.item;
                    b.item_origin = r.item_origin;
                    b.more_items = r.more_items;
                }
                if !r.exists_items.is_empty() {
                    b.exists_items = r.exists_items;
                }
                if !r.controls.is_empty() {
                    b.controls = r.controls;
                }
                if r.severity.is_some() {
                    b.severity = r.severity;
                }
                if r.region.is_some() {
                    b.region = r.region;
                }
                for e in r.expectations {
                    match b
                        .expectations
                        .iter_mut()
                        .find(|x| x.attribute.name == e.attribute.name)
                    {
                        Some(x) => *x = e,
                        None => b.expectations.push(e),
                    }
                }
                b.origin = r.origin;
            }
        }
    }
    let replace = |base: Vec<((&'static str, String), RegionSet, Origin)>,
                   overlay: Vec<((&'static str, String), RegionSet, Origin)>| {
        let mut all: Vec<_> = base
            .into_iter()
            .filter(|(key, _, _)| !overlay.iter().any(|(k, _, _)| k == key))
            .collect();
        all.extend(overlay);
        all
    };
    let mut region_origins: Vec<((&'static str, String), Origin)> = base
        .region_origins
        .into_iter()
        .filter(|(key, _)| !overlay.region_origins.iter().any(|(k, _)| k == key))
        .collect();
    region_origins.extend(overlay.region_origins);
    Layer {
        parsed: base.parsed && overlay.parsed,
        has_version: overlay.has_version || base.has_version,
        extends: overlay.extends,
        environment: overlay.environment.or(base.environment),
        aws_origin: overlay.aws_origin.or(base.aws_origin),
        expansions: replace(base.expansions, overlay.expansions),
        region_origins,
        aws: AwsSettings {
            regions: if overlay.aws.regions.is_empty() {
                base.aws.regions
            } else {
                overlay.aws.regions
            },
            region: overlay.aws.region.or(base.aws.region),
            profile: overlay.aws.profile.or(base.aws.profile),
            role_arn: overlay.aws.role_arn.or(base.aws.role_arn),
            account_id: overlay.aws.account_id.or(base.aws.account_id),
        },
        resources,
        drift_ignore: {
            let mut all = base.drift_ignore;
            for p in overlay.drift_ignore {
                if !all.contains(&p) {
                    all.push(p);
                }
            }
            all
        },
    }
}

#[cfg(test)]
mod tests;
