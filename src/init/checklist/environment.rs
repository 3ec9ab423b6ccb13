//! Where the checklist's lines run: the environment a text names, and the AWS region.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::values::COMPILED;

/// The environment a text names, by canonical name.
pub fn environment_in(text: &str) -> Option<&'static str> {
    COMPILED
        .environments
        .iter()
        .find(|(_, re)| re.as_ref().is_some_and(|re| re.is_match(text)))
        .map(|(name, _)| *name)
}

/// The canonical name of an environment given on the command line (`prod` is `production`).
pub(super) fn canonical(env: &str) -> String {
    environment_in(env).map_or_else(|| env.to_lowercase(), str::to_string)
}

static REGION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b").ok());

/// The region the checklist mentions most, other than us-east-1 (named for CloudFront's
/// certificates whatever the home region), with the line it is first mentioned on.
pub(super) fn home_region(text: &str) -> Option<(usize, String)> {
    let re = REGION.as_ref()?;
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        for m in re.find_iter(line) {
            let e = seen.entry(m.as_str().to_string()).or_insert((0, n + 1));
            e.0 += 1;
        }
    }
    let best = |home: bool| {
        seen.iter()
            .filter(|(r, _)| (r.as_str() != "us-east-1") == home)
            .max_by_key(|(_, (count, line))| (*count, std::cmp::Reverse(*line)))
            .map(|(r, (_, line))| (*line, r.clone()))
    };
    best(true).or_else(|| best(false))
}
