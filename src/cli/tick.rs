//! `infra-verify tick`: tick a Markdown checklist from the verdicts of one environment or
//! several; the checklist steps are shared with verify's `--tick` and validate's `--checklist`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{SpecArgs, TickArgs};
use super::emit::write_atomic;
use super::observe::{facts, observe_many, snapshots_for};
use super::specs::{check_envs, load_spec, load_specs};
use super::{CmdResult, ExitCode, Failure};
use crate::checklist::{self, Checklist};
use crate::evaluate::{self, Report};
use crate::spec::{self, Spec};

/// A checklist ready to tick: every environment's links into it (in the order of the run's
/// specs), and for each line the environments outside the run whose specs link it too.
pub(super) struct Ticking {
    list: Checklist,
    links: Vec<checklist::Links>,
    elsewhere: Vec<Vec<String>>,
}

/// Reads a checklist, resolves every `item:` of every spec of the run in it (every bad link of
/// every spec is reported, and nothing is written), and reads the other environments' specs in
/// the specs dir to find the lines they link too.
pub(super) fn load_ticking(
    specs: &[Spec],
    path: &Path,
    specs_dir: &Path,
) -> Result<Ticking, Failure> {
    let list = Checklist::load(path).map_err(|e| Failure::usage(e.to_string()))?;
    let mut links = Vec::new();
    let mut diags = Vec::new();
    for spec in specs {
        match checklist::link(spec, &list) {
            Ok(l) => links.push(l),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(Failure::usage(spec::SpecError::Invalid(diags).to_string()));
    }
    let run: Vec<&str> = specs.iter().map(|s| s.environment.as_str()).collect();
    let elsewhere = linked_elsewhere(specs_dir, &run, &list);
    Ok(Ticking {
        list,
        links,
        elsewhere,
    })
}

/// Whether spec text declares an environment at its top level (files that specs extend, such as
/// `base.yaml`, do not: they are not environments).
fn declares_environment(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("environment:"))
}

/// For each line of the checklist, the environments other than `run` whose specs in `specs_dir`
/// link it (in name order). A spec there that cannot be read is a warning: the lines it links are
/// then decided without it.
pub(super) fn linked_elsewhere(
    specs_dir: &Path,
    run: &[&str],
    list: &Checklist,
) -> Vec<Vec<String>> {
    let mut elsewhere: Vec<Vec<String>> = vec![Vec::new(); list.items.len()];
    let Ok(entries) = std::fs::read_dir(specs_dir) else {
        return elsewhere;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !declares_environment(&text) {
            continue;
        }
        let spec = match spec::load(&path) {
            Ok(spec) => spec,
            Err(e) => {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or_default();
                let _ = writeln!(
                    crate::terminal::notes(),
                    "warning: cannot read {} to see which lines of {} it links ({first}); lines it links are decided without it",
                    path.display(),
                    list.path.display()
                );
                continue;
            }
        };
        if run.contains(&spec.environment.as_str()) {
            continue;
        }
        let (links, _) = checklist::link_partial(&spec, list);
        for (i, l) in links.iter().enumerate() {
            if !l.is_empty() && !elsewhere[i].contains(&spec.environment) {
                elsewhere[i].push(spec.environment.clone());
            }
        }
    }
    for e in &mut elsewhere {
        e.sort();
    }
    elsewhere
}

/// What `tick` does with the result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TickMode {
    Write,
    Check,
    Diff,
    DryRun,
}

/// Ticks a checklist from one or more environments' reports (in the order of the ticking's
/// links); returns whether the file changed (or would change).
pub(super) fn tick_checklist(
    reports: &[&Report],
    t: &Ticking,
    mode: TickMode,
) -> Result<bool, Failure> {
    let list = &t.list;
    // The date of the latest observation: the same whatever the order of the environments.
    let date = reports
        .iter()
        .filter_map(|r| r.source.taken_at.get(..10))
        .max()
        .unwrap_or("unknown-date");
    let runs: Vec<checklist::EnvRun> = t
        .links
        .iter()
        .zip(reports)
        .map(|(links, report)| checklist::EnvRun { links, report })
        .collect();
    let outcome = checklist::tick_envs(list, &runs, &t.elsewhere, date);
    let changed = outcome.text != list.text;
    let mut out = crate::terminal::report_out();
    match mode {
        TickMode::Write => {
            if changed {
                unchanged_since_read(list)?;
                write_atomic(&list.path, outcome.text.as_bytes())?;
            }
        }
        TickMode::Check | TickMode::Diff => {
            let _ =
                out.write_all(checklist::diff(&list.path, &list.text, &outcome.text).as_bytes());
        }
        TickMode::DryRun => {
            for line in outcome.lines(list) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let _ = out.flush();
    drop(out);
    let mut notes = crate::terminal::notes();
    if mode != TickMode::DryRun {
        for line in outcome.lines(list) {
            let _ = writeln!(notes, "{line}");
        }
    }
    let note = if mode == TickMode::Write {
        ""
    } else {
        " (nothing written)"
    };
    let _ = writeln!(
        notes,
        "{}: {}{note}",
        list.path.display(),
        outcome.summary(list)
    );
    Ok(changed)
}

/// The checklist must still be what was read: not edited, replaced or deleted while the run
/// observed AWS (then nothing is written: the user's version wins).
fn unchanged_since_read(list: &Checklist) -> Result<(), Failure> {
    match std::fs::read(&list.path) {
        Ok(now) if now == list.text.as_bytes() => Ok(()),
        Ok(_) => Err(Failure::usage(format!(
            "{} changed while infra-verify was running; nothing was written: run tick again",
            list.path.display()
        ))),
        Err(e) => Err(Failure::usage(format!(
            "{} cannot be read again before writing ({e}); nothing was written",
            list.path.display()
        ))),
    }
}

impl TickArgs {
    /// The environments given (every target but the last); each must be a name.
    fn envs(&self) -> Result<Vec<String>, Failure> {
        let envs = match self.targets.split_last() {
            Some((_, envs)) if !envs.is_empty() => envs,
            _ => {
                return Err(Failure::usage(
                    "give the environment names, then the checklist: `infra-verify tick ENV... CHECKLIST`",
                ))
            }
        };
        envs.iter()
            .map(|e| {
                e.to_str().map(str::to_string).ok_or_else(|| {
                    Failure::usage(format!("`{}` is not an environment name", e.display()))
                })
            })
            .collect()
    }

    /// The checklist (the last target).
    fn checklist(&self) -> Result<&Path, Failure> {
        self.targets
            .last()
            .map(PathBuf::as_path)
            .ok_or_else(|| Failure::usage("give an environment name and a checklist"))
    }
}

pub(super) fn tick_cmd(a: &TickArgs) -> CmdResult {
    let envs = a.envs()?;
    let checklist_path = a.checklist()?;
    check_envs(&envs, a.spec.as_deref())?;
    let specs = if envs.len() == 1 {
        vec![load_spec(&SpecArgs {
            env: envs.first().cloned(),
            spec: a.spec.clone(),
            specs_dir: a.specs_dir.clone(),
        })?]
    } else {
        load_specs(&envs, &a.specs_dir)?
    };
    let names: Vec<&str> = specs.iter().map(|s| s.environment.as_str()).collect();
    a.connection
        .check_profiles(&names)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let ticking = load_ticking(&specs, checklist_path, &a.specs_dir)?;
    let snaps =
        match (specs.as_slice(), a.snapshot.as_slice()) {
            ([spec], []) => vec![facts(spec, None, &a.connection)?],
            ([spec], [one]) => vec![facts(spec, Some(one), &a.connection)?],
            ([_], _) => return Err(Failure::usage(
                "one environment takes one --snapshot FILE (several go with several environments)",
            )),
            (_, []) => observe_many(&specs, &a.connection)?,
            (_, paths) => snapshots_for(&specs, paths)?,
        };
    let reports: Vec<Report> = specs
        .iter()
        .zip(&snaps)
        .map(|(spec, snap)| evaluate::evaluate(spec, snap))
        .collect();
    drop(snaps);
    let mode = if a.check {
        TickMode::Check
    } else if a.diff {
        TickMode::Diff
    } else if a.dry_run {
        TickMode::DryRun
    } else {
        TickMode::Write
    };
    let refs: Vec<&Report> = reports.iter().collect();
    let changed = tick_checklist(&refs, &ticking, mode)?;
    Ok(if a.check && changed {
        ExitCode::NotReady
    } else {
        ExitCode::Ready
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_checklist_edited_or_deleted_during_the_run_is_not_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.md");
        std::fs::write(&path, "- [ ] item\n").expect("write");
        let list = crate::checklist::Checklist::load(&path).expect("load");
        assert!(super::unchanged_since_read(&list).is_ok());
        std::fs::write(&path, "- [ ] item\n- [ ] added by a person meanwhile\n").expect("write");
        let e = super::unchanged_since_read(&list).expect_err("changed");
        assert!(
            e.message.contains("changed while infra-verify was running"),
            "{}",
            e.message
        );
        std::fs::remove_file(&path).expect("rm");
        let e = super::unchanged_since_read(&list).expect_err("deleted");
        assert!(e.message.contains("nothing was written"), "{}", e.message);
        assert!(!path.exists(), "a deleted checklist is not recreated");
    }
}
