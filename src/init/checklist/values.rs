//! Reading a line: the families and kinds it names, and the values the rules read in it.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::{ALARM_GAPS, ENVIRONMENTS, FAMILIES, KIND_RULES, RULES};
use crate::init::draft::Match;

/// What a value rule found: an attribute of a kind, and for several resources of one kind on
/// one line, which one (`sub`: a listener's port, an alarm's metric).
#[derive(Clone, Debug, PartialEq)]
pub struct Stated {
    /// The kind.
    pub kind: &'static str,
    /// The attribute.
    pub attribute: &'static str,
    /// The matcher.
    pub matcher: Match,
    /// Which resource of the kind, when a line may state several.
    pub sub: Option<String>,
}

/// A kind and the pattern of its keywords.
type Scoped = (&'static str, Option<Regex>);

/// The tables' patterns, compiled once (`None`: a pattern that does not compile).
pub(super) struct Compiled {
    /// Per family: its keywords, and each kind keyword.
    pub(super) families: Vec<(Option<Regex>, Vec<Scoped>)>,
    pub(super) rules: Vec<Option<Regex>>,
    pub(super) environments: Vec<(&'static str, Option<Regex>)>,
    pub(super) alarm_gaps: Vec<(Option<Regex>, &'static str)>,
}

pub(super) static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    families: FAMILIES
        .iter()
        .map(|f| {
            (
                Regex::new(f.keywords).ok(),
                f.scoped
                    .iter()
                    .map(|(k, p)| (*k, Regex::new(p).ok()))
                    .collect(),
            )
        })
        .collect(),
    rules: RULES
        .iter()
        .map(|r| Regex::new(&format!("(?i){}", r.pattern)).ok())
        .collect(),
    environments: ENVIRONMENTS
        .iter()
        .map(|(name, p)| (*name, Regex::new(p).ok()))
        .collect(),
    alarm_gaps: ALARM_GAPS
        .iter()
        .map(|(p, why)| (Regex::new(p).ok(), *why))
        .collect(),
});

/// The families a text names, earliest mention first.
pub(super) fn families_in(text: &str) -> Vec<usize> {
    let mut found: Vec<(usize, usize)> = COMPILED
        .families
        .iter()
        .enumerate()
        .filter_map(|(i, (re, _))| Some((re.as_ref()?.find(text)?.start(), i)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, i)| i).collect()
}

/// The kinds of a family a text names by a kind keyword, earliest first.
pub(super) fn scoped_kinds(family: usize, text: &str) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> = COMPILED.families[family]
        .1
        .iter()
        .filter_map(|(k, re)| Some((re.as_ref()?.find(text)?.start(), *k)))
        .collect();
    found.sort();
    let mut kinds: Vec<&'static str> = Vec::new();
    for (_, k) in found {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds
}

/// The kinds of `family` the rules that tell kinds apart find in `text`.
pub(super) fn implied_kinds(text: &str, family: &[&'static str]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = Vec::new();
    for (rule, re) in RULES.iter().zip(&COMPILED.rules) {
        if !KIND_RULES.contains(&rule.name) || !re.as_ref().is_some_and(|re| re.is_match(text)) {
            continue;
        }
        for k in rule.kinds.iter().filter(|k| family.contains(k)) {
            if !kinds.contains(k) {
                kinds.push(k);
            }
        }
    }
    kinds
}

/// The values of a line that names `kinds`, and the kinds they are about: standalone values may
/// add kinds (a line about target groups that also says "HTTP redirected to HTTPS" is about a
/// listener too), whose other rules are then read as well.
pub(super) fn settle(text: &str, kinds: Vec<&'static str>) -> (Vec<&'static str>, Vec<Stated>) {
    let mut kinds = kinds;
    let mut stated = values(text, &kinds, Some(false));
    for _ in 0..2 {
        let before = kinds.len();
        for s in &stated {
            if !kinds.contains(&s.kind) {
                kinds.push(s.kind);
            }
        }
        if kinds.len() == before {
            break;
        }
        stated = values(text, &kinds, Some(false));
    }
    (kinds, stated)
}

/// Every value the rules read in `text` for `kinds` (each rule's value for each of those kinds it
/// reads; for a rule that reads none of them, its own kind when `implied` allows it: `Some(true)`
/// any rule, `Some(false)` standalone rules only, `None` never).
pub fn values(text: &str, kinds: &[&'static str], implied: Option<bool>) -> Vec<Stated> {
    let mut out: Vec<Stated> = Vec::new();
    for (rule, re) in RULES.iter().zip(&COMPILED.rules) {
        let Some(caps) = re.as_ref().and_then(|re| re.captures(text)) else {
            continue;
        };
        let mut targets: Vec<&'static str> = kinds
            .iter()
            .copied()
            .filter(|k| rule.kinds.contains(k))
            .collect();
        if targets.is_empty() {
            match implied {
                Some(any) if any || rule.standalone => targets.push(rule.kinds[0]),
                _ => continue,
            }
        }
        for kind in targets {
            if let Some((attribute, matcher, sub)) = (rule.value)(&caps, kind) {
                let s = Stated {
                    kind,
                    attribute,
                    matcher,
                    sub,
                };
                if !out
                    .iter()
                    .any(|o| o.kind == s.kind && o.attribute == s.attribute && o.sub == s.sub)
                {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Whether any rule reads a value in the text (whatever its kind).
pub(super) fn values_in_part(text: &str) -> bool {
    let plain: String = text.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    COMPILED
        .rules
        .iter()
        .any(|re| re.as_ref().is_some_and(|re| re.is_match(&plain)))
}
