//! `infra-verify validate`: check a spec, and its links into a checklist, without calling AWS.

use std::io::Write;
use std::path::Path;

use super::args::ValidateArgs;
use super::specs::load_spec;
use super::tick::linked_elsewhere;
use super::{CmdResult, ExitCode, Failure};
use crate::checklist::{self, Checklist};
use crate::spec::{self, Spec};

/// Reads a checklist and resolves every `item:` of the spec in it.
fn load_linked(spec: &Spec, path: &Path) -> Result<(Checklist, checklist::Links), Failure> {
    let list = Checklist::load(path).map_err(|e| Failure::usage(e.to_string()))?;
    let links = checklist::link(spec, &list)
        .map_err(|diags| Failure::usage(spec::SpecError::Invalid(diags).to_string()))?;
    Ok((list, links))
}

pub(super) fn validate_cmd(a: &ValidateArgs) -> CmdResult {
    let spec = load_spec(&a.target)?;
    let linked = match &a.checklist {
        Some(path) => Some(load_linked(&spec, path)?),
        None => None,
    };
    let checks: usize = spec
        .resources
        .iter()
        .map(|r| 1 + r.expectations.len())
        .sum();
    let mut out = crate::terminal::report_out();
    let _ = writeln!(
        out,
        "{}: ok: environment `{}`, {} resources, {} checks",
        spec.path.display(),
        spec.environment,
        spec.resources.len(),
        checks
    );
    if let Some((list, links)) = &linked {
        let items = links.iter().filter(|l| !l.is_empty()).count();
        let _ = writeln!(
            out,
            "{}: every link resolves: {items} of {} checklist items are linked to checks",
            list.path.display(),
            list.items.len()
        );
        // Lines other environments' specs link too: `tick` decides them from all at once.
        let elsewhere = linked_elsewhere(&a.target.specs_dir, &[&spec.environment], list);
        let mut shared = 0;
        let mut others: Vec<&str> = Vec::new();
        for (l, e) in links.iter().zip(&elsewhere) {
            if !l.is_empty() && !e.is_empty() {
                shared += 1;
                for env in e {
                    if !others.contains(&env.as_str()) {
                        others.push(env);
                    }
                }
            }
        }
        if shared > 0 {
            others.sort();
            let _ = writeln!(
                out,
                "{}: {shared} of them also linked by {}: tick them with every environment at once (`infra-verify tick {} {} {}`)",
                list.path.display(),
                others.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "),
                spec.environment,
                others.join(" "),
                list.path.display()
            );
        }
    }
    Ok(ExitCode::Ready)
}
