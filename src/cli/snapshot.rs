//! `infra-verify snapshot`: observe an environment and save the facts as a snapshot (JSON).

use std::io::{self, Write};

use super::args::SnapshotArgs;
use super::emit::write_atomic;
use super::observe::observe;
use super::specs::load_spec;
use super::{io_failure, CmdResult, ExitCode};

pub(super) fn snapshot_cmd(a: &SnapshotArgs) -> CmdResult {
    let spec = load_spec(&a.target)?;
    let snap = observe(&spec, &a.connection)?;
    let json = snap.to_json();
    if a.output.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        match out.write_all(json.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(io_failure(e)),
        }
    } else {
        write_atomic(&a.output, json.as_bytes())?;
        let errors = snap
            .resources
            .iter()
            .filter(|r| matches!(r.observation, crate::snapshot::Observation::Error { .. }))
            .count();
        let _ = writeln!(
            crate::terminal::notes(),
            "wrote {} ({} resources, {} not observed)",
            a.output.display(),
            snap.resources.len(),
            errors
        );
    }
    Ok(ExitCode::Ready)
}
