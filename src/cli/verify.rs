//! `infra-verify ENV...` (the default command): evaluate one environment or several against
//! their specs and print the report; with `--tick`, tick the checklist too.

use std::io::{self, Write};

use super::args::{SpecArgs, VerifyArgs};
use super::emit::{emit, job_summary};
use super::observe::{facts, observe_many, snapshots_for};
use super::specs::{check_envs, load_spec, load_specs};
use super::tick::{load_ticking, tick_checklist, TickMode};
use super::{CmdResult, Failure};
use crate::evaluate::{self, Report};
use crate::output::Format;
use crate::snapshot::Snapshot;

pub(super) fn verify_cmd(a: &VerifyArgs) -> CmdResult {
    check_envs(&a.envs, a.spec.as_deref())?;
    if a.envs.len() > 1 {
        return verify_many(a);
    }
    let target = SpecArgs {
        env: a.envs.first().cloned(),
        spec: a.spec.clone(),
        specs_dir: a.specs_dir.clone(),
    };
    let spec = load_spec(&target)?;
    a.connection
        .check_profiles(&[spec.environment.as_str()])
        .map_err(|e| Failure::usage(e.to_string()))?;
    let snapshot =
        match a.snapshot.as_slice() {
            [] => None,
            [one] => Some(one.as_path()),
            _ => return Err(Failure::usage(
                "one environment takes one --snapshot FILE (several go with several environments)",
            )),
        };
    let snap = facts(&spec, snapshot, &a.connection)?;
    let report = evaluate::evaluate(&spec, &snap);
    if crate::terminal::verbosity().level >= 1 {
        print_api_calls(&snap);
    }
    // The report stands on its own: the facts (every attribute of every resource) are not kept
    // while it is rendered, which is where a large run's memory peaks.
    drop(snap);
    // Links are checked before anything is written, so a bad link changes no file.
    let ticking = match &a.tick {
        Some(path) => Some(load_ticking(
            std::slice::from_ref(&spec),
            path,
            &a.specs_dir,
        )?),
        None => None,
    };
    let renderer = a.format.renderer();
    emit(
        a.output.as_deref(),
        a.format == Format::Human,
        |out: &mut dyn Write, color| renderer.render(&report, out, color),
    )?;
    if a.format == Format::Github {
        job_summary(|out: &mut dyn Write| Format::Markdown.renderer().render(&report, out, false));
    }
    if let Some(ticking) = &ticking {
        tick_checklist(&[&report], ticking, TickMode::Write)?;
    }
    Ok(report.outcome.into())
}

/// `infra-verify ENV ENV...`: every spec loaded (and every problem of every one reported) before
/// anything is observed; then every environment observed at once, each with its own spec's
/// `aws:` settings and its own `--profile`; the reports in order and a summary across them. The
/// exit code is the worst: 1 over 3 over 0.
fn verify_many(a: &VerifyArgs) -> CmdResult {
    let specs = load_specs(&a.envs, &a.specs_dir)?;
    // Links are checked before anything is observed or written.
    let ticking = match &a.tick {
        Some(path) => Some(load_ticking(&specs, path, &a.specs_dir)?),
        None => None,
    };
    let names: Vec<&str> = specs.iter().map(|s| s.environment.as_str()).collect();
    a.connection
        .check_profiles(&names)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let snaps = if a.snapshot.is_empty() {
        observe_many(&specs, &a.connection)?
    } else {
        snapshots_for(&specs, &a.snapshot)?
    };
    let reports: Vec<Report> = specs
        .iter()
        .zip(&snaps)
        .map(|(spec, snap)| evaluate::evaluate(spec, snap))
        .collect();
    if crate::terminal::verbosity().level >= 1 {
        for snap in &snaps {
            let _ = writeln!(io::stderr(), "{}:", snap.metadata.environment);
            print_api_calls(snap);
        }
    }
    let all = evaluate::Combined::new(reports);
    let renderer = a.format.renderer();
    emit(
        a.output.as_deref(),
        a.format == Format::Human,
        |out: &mut dyn Write, color| renderer.render_all(&all, out, color),
    )?;
    if a.format == Format::Github {
        job_summary(|out: &mut dyn Write| Format::Markdown.renderer().render_all(&all, out, false));
    }
    if let Some(ticking) = &ticking {
        let reports: Vec<&Report> = all.environments.iter().collect();
        tick_checklist(&reports, ticking, TickMode::Write)?;
    }
    Ok(all.outcome.into())
}

/// `--verbose`: the API calls behind the facts, one line per operation, on stderr.
fn print_api_calls(snap: &Snapshot) {
    let calls = &snap.metadata.api_calls;
    let mut err = io::stderr().lock();
    if calls.is_empty() {
        let _ = writeln!(err, "api calls: none recorded in this snapshot");
        return;
    }
    let total: u64 = calls.values().sum();
    let _ = writeln!(err, "api calls: {total} in all");
    for (action, n) in calls {
        let _ = writeln!(err, "  {n:>6}  {action}");
    }
    let retries = &snap.metadata.api_retries;
    if !retries.is_empty() {
        let total: u64 = retries.values().sum();
        let _ = writeln!(err, "retried attempts: {total} in all");
        for (action, n) in retries {
            let _ = writeln!(err, "  {n:>6}  {action}");
        }
    }
}
