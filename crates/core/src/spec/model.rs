//! The spec's document model: the types a loaded spec is made of, and the names of its keys.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;

use super::matchers;
use crate::catalog::{Attribute, Kind};
use crate::yaml::Pos;

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
    "dns",
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
    "request",
];

/// HTTP methods a live endpoint may be asked with: none changes anything.
pub const REQUEST_METHODS: &[&str] = &["GET", "HEAD"];

/// Request headers whose values are credentials: a spec names the environment variable holding
/// the value (`{ env: NAME }`), never the value itself. Any header whose name contains `token`,
/// `key`, `secret`, `auth` or `session` counts too ([`is_secret_header`]).
pub const SECRET_REQUEST_HEADERS: &[&str] = &["authorization", "cookie", "proxy-authorization"];

/// Whether a request header's value must come from the environment.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_REQUEST_HEADERS.contains(&name.as_str())
        || ["token", "key", "secret", "auth", "session"]
            .iter()
            .any(|w| name.contains(w))
}

/// How a live endpoint is requested (`request:` of an `http_endpoint`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` (the default) or `HEAD`.
    pub method: Option<String>,
    /// Headers sent with every request of the resource over HTTPS (never over plain `http://`),
    /// in spec order.
    pub headers: Vec<(String, HeaderSource)>,
}

/// Where a request header's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderSource {
    /// Written in the spec (not allowed for a credential: [`is_secret_header`]).
    Literal(String),
    /// Read from this environment variable when the run starts, with `prefix` before it
    /// (`Bearer `); never written anywhere.
    Env { var: String, prefix: String },
}

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
    /// How to request it (`http_endpoint` only).
    pub request: Option<HttpRequest>,
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
    /// The nameservers `dns_record` asks (`dns: { servers: [...] }`); empty: the system's.
    /// `--dns-server` overrides them.
    pub dns_servers: Vec<std::net::SocketAddr>,
}

/// `drift:` — what the drift report leaves out, besides the attributes that change on their own.
#[derive(Clone, Debug, Default)]
pub struct DriftSettings {
    /// Patterns of `kind/id/attribute` (`*` matches anything, `/` included) whose changes are
    /// not reported, e.g. `ecs_service/*/desired_count` or `*/*/tags`.
    pub ignore: Vec<String>,
}
