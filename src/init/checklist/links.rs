//! The `item:` reference that names exactly one checklist item.

use crate::checklist::{normalize, Checklist};

/// Why an item cannot be named by a reference, if it cannot.
pub(super) fn unreferenceable(list: &Checklist, i: usize) -> String {
    format!(
        "line {} cannot be linked: no heading or parent item tells it apart from another item with the same text",
        list.items[i].line
    )
}

/// The reference that names exactly item `i`: its text (without emphasis, when that still
/// names it), or a path of its headings and parents.
pub fn reference(list: &Checklist, i: usize) -> Option<String> {
    let item = &list.items[i];
    let raw = item.text.trim().to_string();
    if raw.is_empty() {
        return None;
    }
    let plain: String = raw.replace("**", "").replace("__", "").replace('`', "");
    let plain = plain.trim().to_string();
    let own = if !plain.is_empty() && normalize(&plain) == item.normalized {
        plain
    } else {
        raw
    };
    // Ancestors (original text) after the headings (normalised).
    let mut ancestors = Vec::new();
    let mut p = item.parent;
    while let Some(a) = p {
        ancestors.push(list.items[a].text.trim().to_string());
        p = list.items[a].parent;
    }
    ancestors.reverse();
    let headings = item.context.len().saturating_sub(ancestors.len());
    let mut parts: Vec<String> = item.context[..headings].to_vec();
    parts.extend(ancestors);
    // A ` > ` inside a heading, a parent or the line itself is written `\>` in a path.
    let parts: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| crate::checklist::escape_part(&p))
        .collect();
    let mut candidates = vec![own.clone()];
    let own = crate::checklist::escape_part(&own);
    for start in (0..parts.len()).rev() {
        candidates.push(format!("{} > {own}", parts[start]));
    }
    for len in 2..=parts.len() {
        let from = parts.len() - len;
        candidates.push(format!("{} > {own}", parts[from..].join(" > ")));
    }
    candidates
        .into_iter()
        .find(|c| list.resolve(c).ok() == Some(i))
}
