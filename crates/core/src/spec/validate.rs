//! Validating one spec file key by key (top level, `aws:`, `drift:`, resources, selectors,
//! expectations, items, controls, severity), with a "did you mean" where a name is close to a
//! known one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use regex::Regex;

use super::load::{Layer, Loader, RegionSet};
use super::model::{
    is_secret_header, AwsSettings, Diagnostic, Expectation, HeaderSource, HttpRequest, Matcher,
    Origin, Resource, Selector, Severity, AWS_KEYS, EXPECTATION_META_KEYS, MATCHER_KEYS,
    REQUEST_METHODS, RESOURCE_KEYS, SEVERITIES, SPEC_VERSION, TOP_KEYS,
};
use crate::catalog::{self, AttrType, Attribute, Kind};
use crate::yaml::{self, key_text, Node, Value};

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

/// The attribute a selector's `count:` is checked as.
static COUNT: Attribute = Attribute {
    name: "count",
    ty: AttrType::Integer,
    description: "Number of resources the selector matched.",
    operation: "",
    volatile: false,
};

impl Loader {
    /// One file's keys, each checked; `extends:` is recorded, not followed.
    pub(super) fn parse_layer(&mut self, file: &Arc<Path>, text: &str) -> Layer {
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
                "dns" => layer.dns_servers = self.dns(file, v),
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

    /// `dns: { servers: [ADDR[:PORT], ...] }`: the nameservers `dns_record` asks instead of the
    /// system's (port 53 by default; an IPv6 address with a port in brackets).
    fn dns(&mut self, file: &Arc<Path>, node: &Node) -> Vec<std::net::SocketAddr> {
        let mut out = Vec::new();
        let Value::Map(entries) = &node.value else {
            self.error(
                &Self::origin(file, node),
                format!(
                    "`dns:` expected a mapping like `{{ servers: [1.1.1.1, \"127.0.0.1:5353\"] }}`, found {}",
                    node.value.type_name()
                ),
            );
            return out;
        };
        for (k, v) in entries {
            let key = key_text(k);
            if key != "servers" {
                let hint = suggestion(&key, ["servers"]);
                self.error(
                    &Self::origin(file, k),
                    format!("unknown field `dns.{key}`{hint}"),
                );
                continue;
            }
            let Value::Seq(items) = &v.value else {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "`dns.servers` expected a list of nameserver addresses, found {}",
                        v.value.type_name()
                    ),
                );
                continue;
            };
            for item in items {
                let at = Self::origin(file, item);
                match item.as_str().map(parse_nameserver) {
                    Some(Ok(addr)) => out.push(addr),
                    Some(Err(e)) => self.error(&at, e),
                    None => self.error(
                        &at,
                        format!(
                            "`dns.servers` expected an IP address with an optional port (e.g. 1.1.1.1, \"127.0.0.1:5353\"), found {}",
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
        let request = match (get("request"), kind) {
            (None, _) => None,
            (Some(v), Some(k)) if k.name == "http_endpoint" => self.request(file, v),
            (Some(v), _) => {
                self.error(
                    &Self::origin(file, v),
                    "`request` applies to `http_endpoint` only (how the URL is requested)",
                );
                ok = false;
                None
            }
        };
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
                request,
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
        let has_tags = kind.selects_by_tags();
        let selectable = selectable_attributes(kind);
        if !has_tags && selectable.is_empty() {
            let with: Vec<&str> = catalog::KINDS
                .iter()
                .filter(|k| k.selects_by_tags() || !selectable_attributes(k).is_empty())
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

    /// `request: { method: GET|HEAD, headers: { NAME: VALUE or { env: VAR, prefix: TEXT } } }`.
    /// A credential header ([`super::model::is_secret_header`]) must come from the environment.
    fn request(&mut self, file: &Arc<Path>, v: &Node) -> Option<HttpRequest> {
        let Value::Map(entries) = &v.value else {
            self.error(
                &Self::origin(file, v),
                format!(
                    "`request` expected a mapping with `method` and/or `headers`, found {}",
                    v.value.type_name()
                ),
            );
            return None;
        };
        let mut out = HttpRequest::default();
        for (k, value) in entries {
            match key_text(k).as_str() {
                "method" => match value.as_str() {
                    Some(m) if REQUEST_METHODS.contains(&m.to_ascii_uppercase().as_str()) => {
                        out.method = Some(m.to_ascii_uppercase());
                    }
                    _ => self.error(
                        &Self::origin(file, value),
                        format!(
                            "`method` expected one of {} (a probe never changes anything)",
                            REQUEST_METHODS.join(", ")
                        ),
                    ),
                },
                "headers" => {
                    let Value::Map(headers) = &value.value else {
                        self.error(
                            &Self::origin(file, value),
                            "`headers` expected a mapping of header names to values",
                        );
                        continue;
                    };
                    for (name, h) in headers {
                        let name = key_text(name);
                        if let Some(source) = self.header_source(file, &name, h) {
                            out.headers.push((name, source));
                        }
                    }
                }
                other => {
                    let hint = suggestion(other, ["method", "headers"]);
                    self.error(
                        &Self::origin(file, k),
                        format!("unknown `request` field `{other}` (expected `method` or `headers`){hint}"),
                    );
                }
            }
        }
        Some(out)
    }

    /// One request header's value: a string, or `{ env: VAR, prefix: TEXT }`.
    fn header_source(&mut self, file: &Arc<Path>, name: &str, v: &Node) -> Option<HeaderSource> {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_name {
            self.error(
                &Self::origin(file, v),
                format!("`{name}` is not a valid HTTP header name"),
            );
            return None;
        }
        match &v.value {
            Value::Str(_) if is_secret_header(name) => {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "header `{name}` carries a credential: write `{{ env: VARIABLE }}` (the variable holding it, read when the run starts), never the value in the spec"
                    ),
                );
                None
            }
            Value::Str(text) => Some(HeaderSource::Literal(text.clone())),
            Value::Map(entries) => {
                let mut var = None;
                let mut prefix = String::new();
                for (k, value) in entries {
                    match (key_text(k).as_str(), value.as_str()) {
                        ("env", Some(s))
                            if !s.is_empty()
                                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                        {
                            var = Some(s.to_string());
                        }
                        ("env", _) => self.error(
                            &Self::origin(file, value),
                            "`env` expected the name of an environment variable (letters, digits, `_`)",
                        ),
                        ("prefix", Some(s)) => prefix = s.to_string(),
                        (other, _) => self.error(
                            &Self::origin(file, k),
                            format!("unknown header field `{other}`: expected `env` and optionally `prefix`"),
                        ),
                    }
                }
                match var {
                    Some(var) => Some(HeaderSource::Env { var, prefix }),
                    None => {
                        self.error(
                            &Self::origin(file, v),
                            format!("header `{name}` expected `{{ env: VARIABLE }}`"),
                        );
                        None
                    }
                }
            }
            other => {
                self.error(
                    &Self::origin(file, v),
                    format!(
                        "header `{name}` expected a string or `{{ env: VARIABLE }}`, found {}",
                        other.type_name()
                    ),
                );
                None
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

/// Whether a value written in a spec has the attribute's type (`null` fits every type: "not set").
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

/// A nameserver address: an IP address with an optional port (`1.1.1.1`, `127.0.0.1:5353`,
/// `::1`, `[::1]:5353`), port 53 by default. A host name is refused: resolving it would need a
/// nameserver. The same syntax as `--dns-server`.
pub fn parse_nameserver(s: &str) -> Result<std::net::SocketAddr, String> {
    let s = s.trim();
    if let Ok(addr) = s.parse::<std::net::SocketAddr>() {
        return Ok(addr);
    }
    s.parse::<std::net::IpAddr>()
        .map(|ip| std::net::SocketAddr::new(ip, 53))
        .map_err(|_| {
            format!(
                "`{s}` is not an IP address with an optional port (e.g. 1.1.1.1, 127.0.0.1:5353, [::1]:5353)"
            )
        })
}
