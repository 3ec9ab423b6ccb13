//! Writing the drafted resources as the spec's YAML, every link checked against the checklist.

use std::collections::BTreeMap;

use serde_json::{json, Value as J};

use super::drafting::Res;
use super::environment::home_region;
use super::ids::identifier;
use super::links::{reference, unreferenceable};
use super::Generated;
use crate::catalog;
use crate::checklist::Checklist;
use crate::init::draft::{Draft, Entry, Group};
use crate::init::InitError;

pub(super) fn render(
    list: &Checklist,
    env: Option<&str>,
    wanted: Option<&str>,
    sectioned: bool,
    resources: Vec<Res>,
    unplaced: Vec<String>,
    out_of_scope: Vec<usize>,
) -> Result<Generated, InitError> {
    let file = list.path.display().to_string();
    let environment = match env {
        Some(e) => e.to_string(),
        None => list
            .path
            .file_stem()
            .map(|s| {
                s.to_string_lossy()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "draft".into()),
    };
    let mut header = vec![
        format!(
            "Drafted by `infra-verify init {}--from-checklist {file}` from its checklist lines.",
            env.map(|e| format!("{e} ")).unwrap_or_default()
        ),
        "Every `id: TODO-...` is a placeholder: replace it with the resource's real identifier."
            .into(),
        "Values are what the lines say; `item:` ties each check to its line, so `infra-verify tick`"
            .into(),
        "ticks the line when the check passes. Lines nothing could be drafted from are listed as".into(),
        "`# TODO` at the end. Check it with `infra-verify validate --spec FILE --checklist CHECKLIST`.".into(),
    ];
    match (wanted, sectioned) {
        (Some(w), true) if !out_of_scope.is_empty() => header.push(format!(
            "Only the `{w}` sections are read: {} items of other sections were left out (lines {}).",
            out_of_scope.len(),
            ranges(&out_of_scope)
        )),
        (Some(w), false) => header.push(format!(
            "No heading or item names `{w}`: every item of the checklist was read."
        )),
        _ => {}
    }
    let region = home_region(&list.text);
    let mut entries = Vec::new();
    let mut linked = std::collections::BTreeSet::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for r in &resources {
        let Some(kind) = catalog::kind(r.kind) else {
            continue;
        };
        let (id, placeholder) = r.id(&resources);
        let mut entry = Entry {
            kind: kind.name,
            id: id.clone(),
            notes: vec![format!("from line {}", r.line)],
            ..Entry::default()
        };
        if placeholder {
            entry.id_comment = Some(format!(
                "TODO: placeholder; write the {}",
                identifier(kind.identifier)
            ));
        }
        if r.kind == "metric_alarm" {
            if let Some(metric) = &r.sub {
                entry.select = Some(json!({ "metric_name": metric }));
                entry.id_comment = Some(
                    "TODO: add namespace and dimensions to choose this environment's alarm".into(),
                );
            }
        }
        let link = |i: usize,
                    todos: &mut Vec<String>,
                    linked: &mut std::collections::BTreeSet<usize>|
         -> Option<String> {
            match reference(list, i) {
                Some(reference) => {
                    linked.insert(i);
                    Some(reference)
                }
                None => {
                    todos.push(format!("TODO: {}", unreferenceable(list, i)));
                    None
                }
            }
        };
        if let Some(i) = r.item {
            entry.item = link(i, &mut entry.todos, &mut linked);
        }
        for (e, _, item) in &r.expect {
            let mut e = e.clone();
            e.item = item.and_then(|i| link(i, &mut entry.todos, &mut linked));
            entry.expect.push(e);
        }
        entry.todos.extend(r.todos.iter().cloned());
        // The same kind and id (or selection) twice would be a spec error: the later one is
        // written commented out.
        let key = format!(
            "{}/{}",
            kind.name,
            id.clone().unwrap_or_else(|| entry
                .select
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default())
        );
        if let Some(first) = keys.get(&key) {
            entry.commented = true;
            entry.notes.push(format!(
                "TODO: the same {} as the entry of line {first}; tell them apart (another id, or dimensions in select)",
                if entry.select.is_some() { "selection" } else { "id" }
            ));
        } else {
            keys.insert(key, r.line);
        }
        entries.push(entry);
    }
    let resources_written = entries.iter().filter(|e| !e.commented).count();
    let mut footer = Vec::new();
    if !unplaced.is_empty() {
        footer.push(format!(
            "Checklist lines nothing could be drafted from ({}): check them another way, or add resources for them.",
            unplaced.len()
        ));
        footer.extend(unplaced.iter().cloned());
    }
    let draft = Draft {
        header,
        environment: environment.clone(),
        aws: region
            .iter()
            .map(|(line, r)| {
                (
                    "region",
                    J::String(r.clone()),
                    Some(format!("from the checklist, line {line}")),
                )
            })
            .collect(),
        aws_todo: vec![
            "aws: { region: ..., account_id: \"...\" }   # TODO: where the environment runs".into(),
        ],
        groups: vec![Group {
            title: Vec::new(),
            entries,
        }],
        footer,
    };
    let text = draft.render();
    let spec = crate::init::validate(&text)?;
    // Every link resolves to exactly one item (checked as `validate --checklist` does).
    crate::checklist::link(&spec, list)
        .map_err(|diags| InitError::Invalid(crate::spec::SpecError::Invalid(diags).to_string()))?;
    Ok(Generated {
        text,
        resources: resources_written,
        linked_items: linked.len(),
        unplaced: unplaced.len(),
    })
}

/// `3-5, 9, 12-14` from sorted line numbers.
fn ranges(lines: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] <= end + 2 {
            i += 1;
            end = lines[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}
