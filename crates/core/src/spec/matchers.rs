//! What each matcher of `expect:` means (`equals`, `at_least`, `contains`, ...) and how values
//! and matchers are written in messages. Part of the spec's model: validation uses it (a
//! selector's value), evaluation decides verdicts with it, and the report formats print values
//! with it.

use serde_json::Value as J;

use crate::catalog::AttrType;
use crate::spec::Matcher;

/// Longest value quoted whole in a message; the full value is always in `actual`.
pub const BRIEF_CHARS: usize = 100;

/// [`show`], cut to [`BRIEF_CHARS`] characters with an ellipsis.
pub fn brief(v: &J) -> String {
    let full = show(v);
    if full.chars().count() <= BRIEF_CHARS {
        return full;
    }
    let cut: String = full.chars().take(BRIEF_CHARS - 1).collect();
    format!("{cut}…")
}

/// A value as people read it: strings without quotes, everything else as JSON.
pub fn show(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "not set".into(),
        other => other.to_string(),
    }
}

/// An expectation as written in the spec, in words: `{"at_least": 7}` reads "at least 7".
pub fn show_expected(v: &J) -> String {
    if let J::Object(m) = v {
        if !m.is_empty()
            && m.keys()
                .all(|k| crate::spec::MATCHER_KEYS.contains(&k.as_str()))
        {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| match k.as_str() {
                    "at_least" => format!("at least {}", show(v)),
                    "at_most" => format!("at most {}", show(v)),
                    "one_of" => match v {
                        J::Array(items) => format!(
                            "one of {}",
                            items.iter().map(show).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("one of {}", show(other)),
                    },
                    "matches" => format!("matches /{}/", show(v)),
                    "contains" => format!("contains {}", show(v)),
                    "subset_of" => match v {
                        J::Array(items) if items.is_empty() => "empty".to_string(),
                        J::Array(items) => format!(
                            "nothing but {}",
                            items.iter().map(show).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("nothing but {}", show(other)),
                    },
                    _ => show(v),
                })
                .collect();
            return parts.join(" and ");
        }
    }
    show(v)
}

/// The matcher in words, e.g. "at least 7".
pub fn describe(m: &Matcher) -> String {
    match m {
        Matcher::Equals(v) => show(v),
        Matcher::AtLeast(n) => format!("at least {}", number(*n)),
        Matcher::AtMost(n) => format!("at most {}", number(*n)),
        Matcher::OneOf(vs) => format!(
            "one of {}",
            vs.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Matcher::Matches(re) => format!("a match for /{}/", re.as_str()),
        Matcher::Contains(v) => format!("to contain {}", show(v)),
        Matcher::SubsetOf(vs) if vs.is_empty() => "empty".to_string(),
        Matcher::SubsetOf(vs) => format!(
            "nothing but {}",
            vs.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether an observed value satisfies a matcher.
pub fn matches(m: &Matcher, actual: &J, ty: AttrType) -> bool {
    match m {
        Matcher::Equals(expected) => equal(expected, actual, ty),
        Matcher::AtLeast(n) => actual.as_f64().is_some_and(|a| a >= *n),
        Matcher::AtMost(n) => actual.as_f64().is_some_and(|a| a <= *n),
        Matcher::OneOf(options) => options.iter().any(|o| equal(o, actual, ty)),
        Matcher::Matches(re) => actual.as_str().is_some_and(|s| re.is_match(s)),
        Matcher::Contains(expected) => contains(actual, expected),
        // A value not observed (null) is no list, so it is not a subset of anything.
        Matcher::SubsetOf(allowed) => actual
            .as_array()
            .is_some_and(|items| items.iter().all(|i| allowed.contains(i))),
    }
}

fn equal(expected: &J, actual: &J, ty: AttrType) -> bool {
    match (expected, actual) {
        (J::Number(a), J::Number(b)) if ty.is_numeric() => a.as_f64() == b.as_f64(),
        (J::Array(_), J::Array(_)) if ty == AttrType::ObjectList => deep_equal(expected, actual),
        _ => expected == actual,
    }
}

/// Exact equality, except that numbers inside objects compare by value (`60` equals `60.0`):
/// a spec writes `target_value: 60` for an API's `60.0`.
fn deep_equal(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| deep_equal(e, a))
        }
        (J::Object(e), J::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, ev)| a.get(k).is_some_and(|av| deep_equal(ev, av)))
        }
        _ => expected == actual,
    }
}

fn contains(actual: &J, expected: &J) -> bool {
    match (actual, expected) {
        (J::String(a), J::String(e)) => a.contains(e.as_str()),
        (J::Array(items), J::Array(wanted)) => {
            wanted.iter().all(|w| items.iter().any(|i| subset(w, i)))
        }
        (J::Array(items), w) => items.iter().any(|i| subset(w, i)),
        (J::Object(_), J::Object(_)) => subset(expected, actual),
        _ => false,
    }
}

/// `expected` is contained in `actual`: equal scalars, or every field of an expected object present
/// (recursively) in the actual one, or every element of an expected list matched by some element.
fn subset(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| subset(ev, av))),
        (J::Array(e), J::Array(a)) => e.iter().all(|ev| a.iter().any(|av| subset(ev, av))),
        (J::Number(e), J::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}
