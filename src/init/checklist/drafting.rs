//! Drafting resources from one checklist line: which kinds it is about, the resources it adds
//! to or creates, and the expectations it states.

use serde_json::Value as J;

use super::ids::{hints, spelled_id};
use super::rules::{FAMILIES, PLURAL};
use super::values::{
    families_in, implied_kinds, scoped_kinds, settle, values, values_in_part, Stated, COMPILED,
};
use crate::checklist::{normalize, Checklist};
use crate::init::draft::{Expect, Match};

/// A resource being drafted.
#[derive(Debug)]
pub(super) struct Res {
    pub(super) kind: &'static str,
    pub(super) env: Option<String>,
    pub(super) hint: Option<String>,
    pub(super) sub: Option<String>,
    /// An id the checklist spells.
    pub(super) id: Option<String>,
    /// The item that names it (its `item:`).
    pub(super) item: Option<usize>,
    /// The line it was first drafted from.
    pub(super) line: usize,
    /// Expectations, each with the line it comes from and the item it ticks (none: the
    /// resource's own item covers it).
    pub(super) expect: Vec<(Expect, usize, Option<usize>)>,
    pub(super) todos: Vec<String>,
}

/// The resources drafted so far.
pub(super) struct Drafting {
    pub(super) resources: Vec<Res>,
}

/// Where a part of a line is.
pub(super) struct PartContext<'a> {
    pub(super) list: &'a Checklist,
    /// The item.
    pub(super) i: usize,
    pub(super) env: &'a Option<String>,
    /// The resource of the nearest parent item that has one.
    pub(super) parent_res: Option<usize>,
    /// The family the nearest heading names.
    pub(super) heading_family: Option<usize>,
    /// Whether this is the line's first `;`-separated part (a later part drafts a resource only
    /// when it states a value: "app port 3001 only from the ALB's group" is about the security
    /// group of the first part, not a load balancer).
    pub(super) first: bool,
}

/// What drafting one part of a line did.
pub(super) enum Part {
    /// The resources it is about.
    Placed(Vec<usize>),
    /// Nothing could be drafted from it: the TODO line.
    Unplaced(String),
}

/// Drafts one part of a line (the whole line, unless it has `;`-separated topics).
pub(super) fn draft_part(st: &mut Drafting, cx: &PartContext<'_>, raw: &str) -> Part {
    let (list, i, env, parent_res, heading_family) =
        (cx.list, cx.i, cx.env, cx.parent_res, cx.heading_family);
    if !cx.first && !values_in_part(raw) {
        return Part::Placed(Vec::new());
    }
    let item = &list.items[i];
    let plain: String = raw.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    let own_family = families_in(&plain).first().copied();
    // Alarm lines whose metric no rule reads.
    let alarm_gap = COMPILED
        .alarm_gaps
        .iter()
        .filter(|(re, _)| re.as_ref().is_some_and(|re| re.is_match(&plain)))
        .map(|(_, why)| *why)
        .collect::<Vec<_>>();

    // Which kinds the line is about, whether it names them, and the values it states.
    let (kinds, names, stated, attach_to): (Vec<&'static str>, bool, Vec<Stated>, Option<usize>) =
        match (own_family, parent_res, heading_family) {
            (Some(f), _, _) => {
                let family_kinds = FAMILIES[f].kinds;
                let mut kinds = scoped_kinds(f, &plain);
                if kinds.is_empty() {
                    // The kind a value implies within the family, else the family's default.
                    kinds = implied_kinds(&plain, family_kinds);
                }
                if kinds.is_empty() {
                    kinds.push(family_kinds[0]);
                }
                let (kinds, stated) = settle(&plain, kinds);
                (kinds, true, stated, None)
            }
            (None, Some(r), _) => {
                let parent_kind = st.resources[r].kind;
                let family = FAMILIES.iter().position(|f| f.kinds.contains(&parent_kind));
                let scoped: Vec<&'static str> = family
                    .map(|f| scoped_kinds(f, &plain))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|k| *k != parent_kind)
                    .collect();
                if scoped.is_empty() {
                    let stated = values(&plain, &[parent_kind], None);
                    (vec![parent_kind], false, stated, Some(r))
                } else {
                    let (kinds, stated) = settle(&plain, scoped);
                    (kinds, true, stated, None)
                }
            }
            (None, None, Some(f)) => {
                let family_kinds = FAMILIES[f].kinds;
                let mut kinds = scoped_kinds(f, &plain);
                if kinds.is_empty() {
                    kinds.push(family_kinds[0]);
                }
                let stated = values(&plain, &kinds, None);
                (kinds, false, stated, None)
            }
            (None, None, None) => {
                let (kinds, stated) = settle(&plain, Vec::new());
                (kinds, true, stated, None)
            }
        };
    if kinds.is_empty() || (!names && stated.is_empty()) {
        return Part::Unplaced(todo_line(item.line, raw, alarm_gap.first().copied()));
    }
    // The st.resources this line is about.
    let mut targets: Vec<usize> = Vec::new();
    let mut drafted_before = false;
    if let Some(r) = attach_to {
        targets.push(r);
    } else {
        for kind in &kinds {
            let subs: Vec<Option<String>> = {
                let mut subs: Vec<Option<String>> = stated
                    .iter()
                    .filter(|s| s.kind == *kind)
                    .map(|s| s.sub.clone())
                    .collect();
                subs.dedup();
                let named: Vec<Option<String>> =
                    subs.iter().filter(|s| s.is_some()).cloned().collect();
                if named.is_empty() {
                    vec![None]
                } else {
                    let mut unique = Vec::new();
                    for s in named {
                        if !unique.contains(&s) {
                            unique.push(s);
                        }
                    }
                    unique
                }
            };
            let spelled = spelled_id(kind, raw, env.as_deref());
            let line_hints: Vec<Option<String>> = if PLURAL.contains(kind) && spelled.is_none() {
                let h = hints(&plain);
                if h.is_empty() {
                    vec![None]
                } else {
                    h.into_iter().map(Some).collect()
                }
            } else {
                vec![None]
            };
            for hint in &line_hints {
                for sub in &subs {
                    let existing = st.resources.iter().position(|r| {
                        r.kind == *kind
                            && r.env == *env
                            && r.hint == *hint
                            && r.sub == *sub
                            && (spelled.is_none() || r.id == spelled)
                    });
                    let index = match existing {
                        Some(x) => {
                            drafted_before = true;
                            x
                        }
                        None => {
                            st.resources.push(Res {
                                kind,
                                env: env.clone(),
                                hint: hint.clone(),
                                sub: sub.clone(),
                                id: spelled.clone(),
                                item: names.then_some(i),
                                line: item.line,
                                expect: Vec::new(),
                                todos: Vec::new(),
                            });
                            st.resources.len() - 1
                        }
                    };
                    targets.push(index);
                }
            }
        }
    }
    // The values, on the st.resources they are about.
    let mut placed = false;
    for s in &stated {
        for &t in &targets {
            let r = &mut st.resources[t];
            if r.kind != s.kind || (s.sub.is_some() && r.sub.is_some() && r.sub != s.sub) {
                continue;
            }
            let own_item = r.item == Some(i);
            let expect = Expect::new(s.attribute, s.matcher.clone());
            if let Some((prev, line, _)) =
                r.expect.iter().find(|(e, _, _)| e.attribute == s.attribute)
            {
                if prev.matcher != s.matcher {
                    r.todos.push(format!(
                        "TODO: line {} also says {} {} (line {line} said {}): \"{}\"",
                        item.line,
                        s.attribute,
                        describe(&s.matcher),
                        describe(&prev.matcher),
                        normalize(raw)
                    ));
                }
            } else {
                r.expect.push((expect, item.line, (!own_item).then_some(i)));
            }
            placed = true;
        }
    }
    if let Some(why) = alarm_gap.first() {
        if let Some(&t) = targets.first() {
            st.resources[t].todos.push(format!(
                "TODO: line {}: {why}: \"{}\"",
                item.line,
                normalize(raw)
            ));
            placed = true;
        }
    }
    if !placed && drafted_before && !targets.iter().any(|&t| st.resources[t].item == Some(i)) {
        return Part::Unplaced(format!(
                "TODO: \"{}\" (line {}): names a resource drafted from an earlier line, with no value of its own to check",
                raw.trim(),
                item.line
            ));
    }
    if !placed && attach_to.is_some() {
        return Part::Unplaced(todo_line(item.line, raw, None));
    }
    Part::Placed(targets)
}

pub(super) fn todo_line(line: usize, raw: &str, why: Option<&str>) -> String {
    let text = raw.trim();
    match why {
        Some(why) => format!("TODO: \"{text}\" (line {line}): {why}"),
        None => format!("TODO: \"{text}\" (line {line})"),
    }
}

fn describe(m: &Match) -> String {
    match m {
        Match::Equals(v) => crate::init::yaml_out::flow(v),
        Match::AtLeast(v) => format!("at least {v}"),
        Match::AtMost(v) => format!("at most {v}"),
        Match::OneOf(vs) => format!(
            "one of {}",
            crate::init::yaml_out::flow(&J::Array(vs.clone()))
        ),
        Match::Contains(v) => format!("contains {}", crate::init::yaml_out::flow(v)),
        Match::Matches(re) => format!("matches {re}"),
    }
}
