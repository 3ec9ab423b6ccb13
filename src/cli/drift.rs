//! `infra-verify drift`: compare the environment with its accepted baseline and, with
//! `--accept`, make this run's snapshot the baseline.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::DriftArgs;
use super::emit::emit;
use super::observe::{check_snapshot, connect, observe_with, runtime};
use super::specs::load_spec;
use super::{baseline_failure, CmdResult, ExitCode, Failure};
use crate::baseline::{self, BaselineError, Location};
use crate::drift;
use crate::output::drift::DriftFormat;
use crate::plan;
use crate::snapshot::Snapshot;

pub(super) fn drift_cmd(a: &DriftArgs) -> CmdResult {
    let spec = load_spec(&a.target)?;
    let location = match &a.baseline {
        Some(text) => Location::parse(text).map_err(baseline_failure)?,
        None => Location::File(PathBuf::from(format!(
            "baselines/{}.json",
            spec.environment
        ))),
    };
    let current_file = match &a.snapshot {
        Some(path) => {
            let snap = Snapshot::load(path).map_err(|e| Failure::usage(e.to_string()))?;
            check_snapshot(&spec, &snap, path)?;
            Some(snap)
        }
        None => None,
    };
    let rt = runtime()?;
    rt.block_on(async {
        let needs_aws = (current_file.is_none() && plan::needs_aws(&spec))
            || matches!(location, Location::S3 { .. });
        let conn = match needs_aws {
            true => Some(connect(&spec, &a.connection).await?),
            false => None,
        };
        let store = baseline::Store::new(location, conn.as_ref());
        // The baseline is read first: a missing (without --accept) or unreadable one ends the
        // run before any probe.
        let (baseline, version) = store.load().await.map_err(baseline_failure)?;
        if let Some(b) = &baseline {
            check_snapshot(&spec, b, Path::new(&store.location().to_string()))?;
        } else if !a.accept {
            return Err(baseline_failure(BaselineError::Missing(
                store.location().to_string(),
            )));
        }
        let current = match current_file {
            Some(s) => s,
            None => observe_with(&spec, conn.as_ref(), &a.connection).await?,
        };
        if let Some(b) = &baseline {
            same_place(b, &current, store.location())?;
        }
        let Some(baseline) = baseline else {
            accept(&store, &current, &version, a.keep as usize).await?;
            let _ = writeln!(
                crate::terminal::notes(),
                "no baseline yet at {}: this run's snapshot ({}) is now the baseline",
                store.location(),
                current.metadata.taken_at
            );
            return Ok(ExitCode::Ready);
        };
        let options = drift::DriftOptions {
            all_attributes: a.all_attributes,
        };
        let mut report = drift::compare(&spec, &baseline, &current, options)
            .map_err(|e| Failure::usage(e.to_string()))?;
        if a.format == DriftFormat::Html {
            let kept = store.history().await.map_err(baseline_failure)?;
            let mut points: Vec<&Snapshot> = kept.iter().collect();
            if points.last().map(|s| &s.metadata.taken_at) != Some(&current.metadata.taken_at) {
                points.push(&current);
            }
            report.history = drift::history(&spec, &points);
        }
        emit(
            a.output.as_deref(),
            a.format == DriftFormat::Human,
            |out: &mut dyn Write, color| {
                crate::output::drift::render(a.format, &report, out, color)
            },
        )?;
        if a.accept {
            accept(&store, &current, &version, a.keep as usize).await?;
            let _ = writeln!(
                crate::terminal::notes(),
                "accepted: {} is now the baseline at {}",
                current.metadata.taken_at,
                store.location()
            );
            // The report above says what was accepted; the exit code says the accept worked
            // (a refused one is 2 or 3), so an accept job is green once it is done.
            return Ok(ExitCode::Ready);
        }
        Ok(report.outcome.into())
    })
}

/// A baseline and a snapshot of different accounts or regions are not two states of one
/// environment: comparing them would report everything as drift (or, worse, nothing).
fn same_place(
    baseline: &Snapshot,
    current: &Snapshot,
    location: &baseline::Location,
) -> Result<(), Failure> {
    let (b, c) = (&baseline.metadata, &current.metadata);
    if let (Some(x), Some(y)) = (&b.account_id, &c.account_id) {
        if x != y {
            return Err(Failure::usage(format!(
                "the baseline at {location} was taken in account {x}, this snapshot in account {y}: not comparable (is the profile or role right?)"
            )));
        }
    }
    if let (Some(x), Some(y)) = (&b.region, &c.region) {
        if x != y {
            return Err(Failure::usage(format!(
                "the baseline at {location} was taken in region {x}, this snapshot in region {y}: not comparable (--region, or the spec's aws.region)"
            )));
        }
    }
    Ok(())
}

/// Accepts a snapshot as the baseline, unless part of it was not observed.
async fn accept(
    store: &baseline::Store,
    snap: &Snapshot,
    version: &baseline::Version,
    keep: usize,
) -> Result<(), Failure> {
    let unobserved = snap
        .resources
        .iter()
        .filter(|r| match &r.observation {
            crate::snapshot::Observation::Error { .. } => true,
            crate::snapshot::Observation::Present { errors, .. } => !errors.is_empty(),
            _ => false,
        })
        .count();
    if unobserved > 0 {
        return Err(Failure {
            code: ExitCode::Unverified,
            message: format!(
                "not accepted: {unobserved} resource(s) could not be fully observed in this run, and a baseline must be a complete observation; the baseline at {} is unchanged",
                store.location()
            ),
        });
    }
    let done = store
        .accept(snap, version, keep)
        .await
        .map_err(baseline_failure)?;
    for r in done.removed {
        let _ = writeln!(crate::terminal::notes(), "removed {r} (keeping {keep})");
    }
    for w in done.warnings {
        let _ = writeln!(crate::terminal::notes(), "warning: {w}");
    }
    Ok(())
}
