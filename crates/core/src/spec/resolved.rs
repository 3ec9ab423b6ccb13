//! The spec after `extends:` as YAML that loads again: the evidence bundle's
//! `spec.resolved.yaml`, and the fuzzers' round-trip check (what loads, written back, loads the
//! same).

use serde_json::Value as J;

use crate::spec::{Matcher, Resource, Spec, MATCHER_KEYS};

fn yaml_json(v: &J) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The spec after `extends:`, as YAML that `--spec` loads again (values in JSON flow style, which
/// is YAML), each resource with a comment saying where it was written.
pub fn resolved_spec_yaml(spec: &Spec) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# infra-verify evidence: the spec {} with every `extends:` applied.\n",
        spec.path.display()
    ));
    out.push_str(
        "# Evaluate it again: infra-verify --spec spec.resolved.yaml --snapshot snapshot.json\n",
    );
    out.push_str("version: 1\n");
    out.push_str(&format!(
        "environment: {}\n",
        yaml_json(&J::String(spec.environment.clone()))
    ));
    let aws = serde_json::to_value(&spec.aws).unwrap_or_default();
    let aws: serde_json::Map<String, J> = aws
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if !aws.is_empty() {
        out.push_str(&format!("aws: {}\n", yaml_json(&J::Object(aws))));
    }
    if !spec.drift.ignore.is_empty() {
        out.push_str(&format!(
            "drift: {}\n",
            yaml_json(&serde_json::json!({ "ignore": spec.drift.ignore }))
        ));
    }
    if !spec.dns_servers.is_empty() {
        let servers: Vec<String> = spec.dns_servers.iter().map(|a| a.to_string()).collect();
        out.push_str(&format!(
            "dns: {}\n",
            yaml_json(&serde_json::json!({ "servers": servers }))
        ));
    }
    out.push_str("resources:\n");
    if spec.resources.is_empty() {
        out.truncate(out.len() - 1);
        out.push_str(" []\n");
    }
    let mut i = 0;
    while i < spec.resources.len() {
        let r = &spec.resources[i];
        let mut entry = resource_json(r);
        i += 1;
        if r.per_region {
            // The regions of one `regions:` entry were expanded next to each other: one entry
            // again, with the list.
            let mut regions: Vec<J> = r.region.iter().cloned().map(J::String).collect();
            while let Some(next) = spec.resources.get(i).filter(|n| {
                n.per_region && n.kind.name == r.kind.name && n.id == r.id && n.origin == r.origin
            }) {
                regions.extend(next.region.iter().cloned().map(J::String));
                i += 1;
            }
            if let J::Object(m) = &mut entry {
                m.remove("region");
                m.insert("regions".into(), J::Array(regions));
            }
        }
        out.push_str(&format!("  # {}\n", r.origin));
        out.push_str(&format!("  - {}\n", yaml_json(&entry)));
    }
    out
}

fn matcher_value(m: &Matcher) -> Option<&J> {
    match m {
        Matcher::Equals(v) | Matcher::Contains(v) => Some(v),
        _ => None,
    }
}

/// `item:` as written: one line, or the list of every line.
fn items_json(first: &str, more: &[(String, crate::spec::Origin)]) -> serde_json::Value {
    if more.is_empty() {
        serde_json::Value::String(first.to_string())
    } else {
        serde_json::Value::Array(
            std::iter::once(first.to_string())
                .chain(more.iter().map(|(t, _)| t.clone()))
                .map(serde_json::Value::String)
                .collect(),
        )
    }
}

fn resource_json(r: &Resource) -> J {
    let mut m = serde_json::Map::new();
    m.insert("kind".into(), J::String(r.kind.name.into()));
    match &r.selector {
        None => {
            m.insert("id".into(), J::String(r.id.clone()));
        }
        Some(sel) => {
            let mut select = serde_json::Map::new();
            if !sel.tags.is_empty() {
                select.insert(
                    "tags".into(),
                    serde_json::to_value(&sel.tags).unwrap_or_default(),
                );
            }
            for (attr, matcher) in &sel.criteria {
                if let Some(v) = matcher_value(matcher) {
                    select.insert(attr.name.into(), v.clone());
                }
            }
            m.insert("select".into(), J::Object(select));
            m.insert("count".into(), sel.count_expected.clone());
        }
    }
    if let Some(region) = &r.region {
        m.insert("region".into(), J::String(region.clone()));
    }
    match r.exists_items.split_first() {
        Some(((first, _), rest)) => {
            let mut exists = serde_json::Map::new();
            exists.insert("equals".into(), J::Bool(r.exists));
            exists.insert("item".into(), items_json(first, rest));
            m.insert("exists".into(), J::Object(exists));
        }
        None if !r.exists => {
            m.insert("exists".into(), J::Bool(false));
        }
        None => {}
    }
    if let Some(item) = &r.item {
        m.insert("item".into(), items_json(item, &r.more_items));
    }
    if !r.controls.is_empty() {
        m.insert("controls".into(), serde_json::json!(r.controls));
    }
    if let Some(s) = r.severity {
        m.insert(
            "severity".into(),
            serde_json::to_value(s).unwrap_or_default(),
        );
    }
    if let Some(req) = &r.request {
        // Names only: an environment variable's name, never its value.
        let mut request = serde_json::Map::new();
        if let Some(method) = &req.method {
            request.insert("method".into(), J::String(method.clone()));
        }
        if !req.headers.is_empty() {
            let headers: serde_json::Map<String, J> = req
                .headers
                .iter()
                .map(|(name, source)| {
                    let value = match source {
                        super::HeaderSource::Literal(text) => J::String(text.clone()),
                        super::HeaderSource::Env { var, prefix } if prefix.is_empty() => {
                            serde_json::json!({ "env": var })
                        }
                        super::HeaderSource::Env { var, prefix } => {
                            serde_json::json!({ "env": var, "prefix": prefix })
                        }
                    };
                    (name.clone(), value)
                })
                .collect();
            request.insert("headers".into(), J::Object(headers));
        }
        m.insert("request".into(), J::Object(request));
    }
    if !r.expectations.is_empty() {
        let mut expect = serde_json::Map::new();
        for e in &r.expectations {
            let has_meta = e.item.is_some() || !e.controls.is_empty() || e.severity.is_some();
            let value = if !has_meta {
                e.expected.clone()
            } else {
                let mut map = match &e.expected {
                    J::Object(o)
                        if !o.is_empty()
                            && o.keys().all(|k| MATCHER_KEYS.contains(&k.as_str())) =>
                    {
                        o.clone()
                    }
                    other => {
                        let mut o = serde_json::Map::new();
                        o.insert("equals".into(), other.clone());
                        o
                    }
                };
                if let Some(item) = &e.item {
                    map.insert("item".into(), items_json(item, &e.more_items));
                }
                if !e.controls.is_empty() {
                    map.insert("controls".into(), serde_json::json!(e.controls));
                }
                if let Some(s) = e.severity {
                    map.insert(
                        "severity".into(),
                        serde_json::to_value(s).unwrap_or_default(),
                    );
                }
                J::Object(map)
            };
            expect.insert(e.attribute.name.into(), value);
        }
        m.insert("expect".into(), J::Object(expect));
    }
    J::Object(m)
}
