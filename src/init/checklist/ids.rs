//! Resource ids: the id a line spells, the placeholder otherwise, and the names that tell
//! resources of one kind apart.

use std::sync::LazyLock;

use regex::Regex;

use super::drafting::Res;
use super::rules::{HINTS, NOT_NAMES};

static HINT_RES: LazyLock<Vec<(&'static str, Option<Regex>)>> = LazyLock::new(|| {
    HINTS
        .iter()
        .map(|(h, p)| (*h, Regex::new(p).ok()))
        .collect()
});
static HYPHENATED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b[a-z][a-z0-9]*(-[a-z0-9]+)+\b").ok());
static CODE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"`([^`\s]+)`").ok());
static LOG_PATH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(`])(/[A-Za-z0-9_<>.-]+(?:/[A-Za-z0-9_<>.-]+)+)").ok());

pub(super) fn hints(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = HINT_RES
        .iter()
        .filter_map(|(h, re)| Some((re.as_ref()?.find(text)?.start(), h.to_string())))
        .collect();
    if let Some(re) = HYPHENATED.as_ref() {
        let lower = text.to_lowercase();
        for m in re.find_iter(&lower) {
            let word = m.as_str();
            let in_path = lower[..m.start()].ends_with('/') || lower[m.end()..].starts_with('/');
            if !NOT_NAMES.contains(&word) && !in_path && !word.contains(".") {
                found.push((m.start(), word.to_string()));
            }
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, h) in found {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// An id the line spells for the kind: a log group path, or a backticked secret or bucket name.
/// `<env>` becomes the environment, any other `<name>` a `TODO-name` placeholder.
pub(super) fn spelled_id(kind: &str, raw: &str, env: Option<&str>) -> Option<String> {
    let fill = |s: &str| -> String {
        let mut out = s.replace("<env>", env.unwrap_or("TODO-env"));
        while let (Some(a), Some(b)) = (out.find('<'), out.find('>')) {
            if b <= a {
                break;
            }
            let name = out[a + 1..b].to_string();
            out.replace_range(a..=b, &format!("TODO-{name}"));
        }
        out
    };
    match kind {
        "log_group" => LOG_PATH
            .as_ref()?
            .captures(raw)
            .and_then(|c| c.get(1))
            .map(|m| fill(m.as_str())),
        "secret" => CODE
            .as_ref()?
            .captures_iter(raw)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .find(|s| s.contains('/') && !s.starts_with('/'))
            .map(fill),
        "s3_bucket" => CODE
            .as_ref()?
            .captures_iter(raw)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .find(|s| {
                s.len() >= 3
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.<>".contains(c))
            })
            .map(fill),
        _ => None,
    }
}

fn dashed(kind: &str) -> String {
    kind.replace('_', "-")
}

/// The id a drafted resource is written with (the struct itself is in `drafting.rs`).
impl Res {
    fn placeholder(&self, kind: &str) -> String {
        let mut p = format!("TODO-{}", dashed(kind));
        if let Some(env) = &self.env {
            p.push('-');
            p.push_str(env);
        }
        if let Some(h) = &self.hint {
            p.push('-');
            p.push_str(h);
        }
        p
    }

    /// The id, and whether it is a placeholder.
    pub(super) fn id(&self, all: &[Res]) -> (Option<String>, bool) {
        if let Some(id) = &self.id {
            return (Some(id.clone()), id.contains("TODO"));
        }
        let env = self.env.as_deref();
        let same_env = |kind: &str| {
            all.iter()
                .find(|r| r.kind == kind && r.env.as_deref() == env && r.hint.is_none())
        };
        let id = match self.kind {
            "metric_alarm" if self.sub.is_some() => return (None, false),
            "ecs_service" | "ecs_service_scaling" => {
                let cluster = same_env("ecs_cluster")
                    .and_then(|c| c.id(all).0)
                    .unwrap_or_else(|| self.bare().placeholder("ecs_cluster"));
                format!("{cluster}/{}", self.placeholder("ecs_service"))
            }
            "lb_listener" => format!(
                "{}:{}",
                self.bare().placeholder("lb"),
                self.sub.as_deref().unwrap_or("443")
            ),
            "waf_web_acl" => format!("CLOUDFRONT/{}", self.placeholder(self.kind)),
            "account" | "guardduty_detector" => return (Some("current".into()), false),
            "config_recorder" => return (Some("default".into()), false),
            "acm_certificate" | "route53_zone" => {
                format!("{}.example.com", self.placeholder(self.kind).to_lowercase())
            }
            "http_endpoint" => format!(
                "https://{}.example.com/",
                self.placeholder(self.kind).to_lowercase()
            ),
            kind => self.placeholder(kind),
        };
        (Some(id), true)
    }

    fn bare(&self) -> Res {
        Res {
            kind: self.kind,
            env: self.env.clone(),
            hint: None,
            sub: None,
            id: None,
            item: None,
            line: self.line,
            expect: Vec::new(),
            todos: Vec::new(),
        }
    }
}

/// A catalog identifier description after "write the": `DB instance identifier`,
/// `certificate's domain name, e.g. ...`.
pub(super) fn identifier(text: &str) -> String {
    let text = text.trim_end_matches('.');
    let text = text.strip_prefix("The ").unwrap_or(text);
    // "Bucket name" reads "bucket name"; "DB instance", "VPC id" and "Auto Scaling" keep their case.
    let mut words = text.split(' ');
    let first = words.next().unwrap_or_default();
    let next_lower = words
        .next()
        .and_then(|w| w.chars().next())
        .is_none_or(|c| !c.is_uppercase());
    let mut chars = first.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() && next_lower => {
            format!("{}{}", a.to_lowercase(), &text[a.len_utf8()..])
        }
        _ => text.to_string(),
    }
}
