//! `infra-verify evidence`: write an auditor evidence bundle of an environment, or check one
//! with `evidence verify BUNDLE`.

use std::io::Write;

use super::args::{EvidenceBuildArgs, EvidenceVerifyArgs};
use super::observe::{check_snapshot, connect, observe_with, runtime};
use super::specs::load_spec;
use super::{CmdResult, ExitCode, Failure};
use crate::aws;
use crate::evaluate;
use crate::plan;
use crate::snapshot::Snapshot;

/// `infra-verify evidence ENV --out ...`: observe (or read --snapshot), evaluate, and write the
/// bundle atomically. Everything that can be refused (target, key) is checked before probing.
pub(super) fn evidence_cmd(a: &EvidenceBuildArgs) -> CmdResult {
    use crate::evidence;
    let Some(target) = &a.target else {
        return Err(Failure::usage(
            "give an environment name (e.g. `infra-verify evidence staging --out DIR`)",
        ));
    };
    let Some(out) = &a.out else {
        return Err(Failure::usage("give --out DIR or --out FILE.tar.gz"));
    };
    let spec = load_spec(target)?;
    evidence::check_target(out, a.force).map_err(|e| Failure::usage(e.to_string()))?;
    let key = match &a.sign_key {
        Some(path) => Some(
            evidence::sign::load_signing_key(path).map_err(|e| Failure::usage(e.to_string()))?,
        ),
        None => None,
    };
    let started_at = evidence::capture::now_millis();
    let (snap, origin) = match &a.snapshot {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                Failure::usage(format!("cannot read snapshot {}: {e}", path.display()))
            })?;
            let snap = Snapshot::from_json(
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
            )
            .map_err(|e| Failure::usage(e.to_string()))?;
            check_snapshot(&spec, &snap, path)?;
            let origin = evidence::Origin::Snapshot {
                path: path.clone(),
                sha256: evidence::sha256_hex(&bytes),
            };
            (snap, origin)
        }
        None => {
            let rt = runtime()?;
            rt.block_on(async {
                let conn = if plan::needs_aws(&spec) {
                    let mut conn = connect(&spec, &a.connection).await?;
                    // Capture every call's raw response (only here: off for every other command).
                    conn.recorder = aws::CallRecorder::capturing();
                    Some(conn)
                } else {
                    None
                };
                let snap = observe_with(&spec, conn.as_ref(), &a.connection).await?;
                let raw = conn.map(|c| c.recorder.raw_calls()).unwrap_or_default();
                Ok::<_, Failure>((snap, evidence::Origin::Live { raw }))
            })?
        }
    };
    let report = evaluate::evaluate(&spec, &snap);
    let input = evidence::Input {
        spec: &spec,
        snapshot: &snap,
        report: &report,
        origin,
        started_at,
        finished_at: evidence::capture::now_millis(),
    };
    let (mut bundle, manifest) =
        evidence::build(&input).map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(key) = &key {
        bundle.sign(key);
    }
    evidence::write(&bundle, out, a.force).map_err(|e| Failure::usage(e.to_string()))?;
    let s = &report.summary;
    let mut err = crate::terminal::notes();
    let _ = writeln!(
        err,
        "wrote evidence bundle {} ({} files{}): {} checks: {} passed, {} failed, {} missing, {} errors",
        out.display(),
        bundle.files.len(),
        if key.is_some() { ", signed" } else { "" },
        s.total,
        s.pass,
        s.fail,
        s.missing,
        s.error
    );
    let _ = writeln!(err, "run id {}", manifest.run_id);
    if manifest.raw_responses.included {
        let _ = writeln!(
            err,
            "raw AWS responses: {} (one file per call under raw/)",
            manifest.raw_responses.calls
        );
    } else {
        let _ = writeln!(err, "{}", manifest.raw_responses.note);
    }
    if evidence::is_archive(out) {
        let _ = writeln!(err, "report: report.html inside {}", out.display());
    } else {
        let _ = writeln!(err, "report: {}", out.join("report.html").display());
    }
    Ok(report.outcome.into())
}

/// `infra-verify evidence verify BUNDLE [--pubkey FILE]`: exit 0 intact, 1 not (naming every
/// file), 2 when it is not a bundle or the key cannot be read.
pub(super) fn evidence_verify_cmd(a: &EvidenceVerifyArgs) -> CmdResult {
    use crate::evidence::{sign, verify};
    let key = match &a.pubkey {
        Some(path) => {
            Some(sign::load_verifying_key(path).map_err(|e| Failure::usage(e.to_string()))?)
        }
        None => None,
    };
    let v = verify::verify(&a.bundle, key.as_ref()).map_err(|e| Failure::usage(e.to_string()))?;
    let mut out = crate::terminal::report_out();
    for p in &v.problems {
        let _ = writeln!(out, "{p}");
    }
    let signature = match &v.signature {
        verify::SignatureState::Unsigned => "not signed".to_string(),
        verify::SignatureState::NotChecked => {
            "manifest.sig present, not checked (give --pubkey FILE)".to_string()
        }
        verify::SignatureState::Valid(fp) => format!("valid (ed25519 public key {fp})"),
        verify::SignatureState::Invalid => "INVALID".to_string(),
    };
    let what = format!(
        "run {}, environment `{}`{}, observed {}",
        v.run_id,
        v.environment,
        v.account_id
            .as_deref()
            .map(|a| format!(", account {a}"))
            .unwrap_or_default(),
        v.observed_at
    );
    let _ = writeln!(out, "manifest.json SHA-256 {}", v.manifest_sha256);
    let _ = writeln!(out, "signature: {signature}");
    if v.intact() {
        let _ = writeln!(
            out,
            "INTACT: {}: all {} files match manifest.json ({what})",
            a.bundle.display(),
            v.listed
        );
        Ok(ExitCode::Ready)
    } else {
        let _ = writeln!(
            out,
            "NOT INTACT: {}: {} problem(s) ({what})",
            a.bundle.display(),
            v.problems.len()
        );
        Ok(ExitCode::NotReady)
    }
}
