//! `init --from-checklist`: a draft spec whose `item:` links tie checklist lines to the kinds and
//! values they mention.
//!
//! The checklist is read by [`crate::checklist::Checklist`] (pulldown-cmark with offsets), so
//! code blocks, tables, HTML and markers that are not checkboxes are never items. Each item is
//! read in three steps:
//!
//! 1. **Environment**: the nearest of its own text, its parent items and its headings that names
//!    one ([`ENVIRONMENTS`]). With `ENV` given only that environment's items are read.
//! 2. **Kind**: a family keyword in its own text ([`FAMILIES`]: "RDS", "Redis", "ALB", "버킷"...),
//!    the earliest one winning, then a kind keyword of that family ("task definition",
//!    "listener"); without a family keyword the item belongs to its parent item's resource, or to
//!    a family its headings name, or to the kind a self-identifying value implies (`/api/health`
//!    is a target group's health check path).
//! 3. **Values**: every [`RULES`] pattern of that family the text matches ("db.t3.micro",
//!    "20 GB", "Multi-AZ: No", "백업 7일", "1 replica", "CPU > 80 %").
//!
//! An item that names a kind is the `item:` of its resource; values on sub-items become
//! expectations with their own `item:`. Resource ids are unknown: placeholders
//! (`TODO-rds-instance-staging`) with a comment, unless the line spells one (`/ecs/...` log
//! groups, a backticked secret or bucket name). An item nothing can be drafted from becomes a
//! `# TODO: "<line>"` comment, never a silent omission.

mod drafting;
mod environment;
mod ids;
mod links;
mod render;
mod rules;
mod values;

pub use environment::environment_in;
pub use links::reference;
pub use rules::{Family, Reading, Rule, ENVIRONMENTS, FAMILIES, RULES};
pub use values::{values, Stated};

use super::InitError;
use crate::checklist::Checklist;
use drafting::{draft_part, todo_line, Drafting, Part, PartContext};
use environment::canonical;
use render::render;
use values::families_in;

/// What `init --from-checklist` produced.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The spec, as YAML.
    pub text: String,
    /// Resources drafted.
    pub resources: usize,
    /// Checklist items linked by some `item:`.
    pub linked_items: usize,
    /// Items of the environment that nothing could be drafted from (each a `# TODO` line).
    pub unplaced: usize,
}

/// `infra-verify init [ENV] --from-checklist CHECKLIST.md`.
pub fn from_checklist(list: &Checklist, env: Option<&str>) -> Result<Generated, InitError> {
    let wanted = env.map(canonical);
    // The environment of every item: its own text, else its nearest parent or heading.
    let envs: Vec<Option<String>> = list
        .items
        .iter()
        .map(|it| {
            std::iter::once(it.text.as_str())
                .chain(it.context.iter().rev().map(String::as_str))
                .find_map(environment_in)
                .map(str::to_string)
        })
        .collect();
    let sectioned = wanted
        .as_ref()
        .is_some_and(|w| envs.iter().any(|e| e.as_ref() == Some(w)));
    let in_scope = |i: usize| -> bool {
        match (&wanted, sectioned) {
            (Some(w), true) => envs[i].as_ref() == Some(w),
            _ => true,
        }
    };
    let mut st = Drafting {
        resources: Vec::new(),
    };
    // The resources each item named or attached to, for its sub-items.
    let mut owner: Vec<Vec<usize>> = vec![Vec::new(); list.items.len()];
    let mut unplaced: Vec<String> = Vec::new();
    let mut out_of_scope: Vec<usize> = Vec::new();
    for (i, item) in list.items.iter().enumerate() {
        if !in_scope(i) {
            out_of_scope.push(item.line);
            continue;
        }
        let env = envs[i].clone().or_else(|| wanted.clone());
        let parent_res: Option<usize> = {
            let mut p = item.parent;
            let mut found = None;
            while let Some(a) = p {
                if let Some(r) = owner[a].first() {
                    found = Some(*r);
                    break;
                }
                p = list.items[a].parent;
            }
            found
        };
        let headings = item.context.len().saturating_sub(ancestor_count(list, i));
        let heading_family = item.context[..headings]
            .iter()
            .rev()
            .find_map(|h| families_in(h).first().copied());
        // A line of several topics ("rotation; root account MFA; CloudTrail") is read part by part.
        let mut parts: Vec<&str> = item
            .text
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            parts.push(item.text.as_str());
        }
        let mut targets = Vec::new();
        let mut missed = Vec::new();
        let mut placed = false;
        let whole = parts.len() == 1;
        for (n, part) in parts.into_iter().enumerate() {
            let cx = PartContext {
                list,
                i,
                env: &env,
                parent_res,
                heading_family,
                first: n == 0,
            };
            match draft_part(&mut st, &cx, part) {
                Part::Placed(t) => {
                    placed = true;
                    targets.extend(t);
                }
                Part::Unplaced(message) => missed.push(message),
            }
        }
        if placed || whole {
            unplaced.extend(missed);
        } else {
            unplaced.push(todo_line(item.line, &item.text, None));
        }
        owner[i] = targets;
    }
    render(
        list,
        env,
        wanted.as_deref(),
        sectioned,
        st.resources,
        unplaced,
        out_of_scope,
    )
}

fn ancestor_count(list: &Checklist, i: usize) -> usize {
    let mut n = 0;
    let mut p = list.items[i].parent;
    while let Some(a) = p {
        n += 1;
        p = list.items[a].parent;
    }
    n
}

#[cfg(test)]
mod tests;
