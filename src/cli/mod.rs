//! The command line: argument parsing (clap) and the commands. `main.rs` only calls [`main`].
//! The arguments are in `args`, each command's handler in its own file (`verify`, `tick`,
//! `drift`, ...), over the shared steps: `specs` (reading specs), `observe` (the facts) and
//! `emit` (writing the output).

use std::io::{self, Write};

use clap::Parser;

use crate::baseline::BaselineError;
use crate::drift::DriftOutcome;
use crate::evaluate::Outcome;

mod args;
mod connection;
mod docs;
mod drift;
mod emit;
mod evidence;
mod iam_policy;
pub mod init;
mod kinds;
mod observe;
mod snapshot;
mod specs;
mod tick;
mod validate;
mod verify;

pub use args::{
    Cli, Command, DriftArgs, EvidenceArgs, EvidenceBuildArgs, EvidenceCommand, EvidenceVerifyArgs,
    IamPolicyArgs, KindsArgs, PermissionsArgs, SnapshotArgs, SpecArgs, TickArgs, ValidateArgs,
    VerifyArgs, VERSION,
};
pub use connection::{ConnectionArgs, ProfileArg, ProfileError};

/// Process exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Every check passed (or the command succeeded).
    Ready = 0,
    /// Not ready: a check failed or a resource is missing.
    NotReady = 1,
    /// Usage, spec or input error; wrong account.
    Usage = 2,
    /// Could not verify: some checks are errors (not observed) and none failed.
    Unverified = 3,
    /// `drift` only: something changed since the baseline, and no check broke.
    Drifted = 4,
}

impl From<DriftOutcome> for ExitCode {
    fn from(o: DriftOutcome) -> Self {
        match o {
            DriftOutcome::NoDrift => ExitCode::Ready,
            DriftOutcome::Broken => ExitCode::NotReady,
            DriftOutcome::Unverified => ExitCode::Unverified,
            DriftOutcome::Drift => ExitCode::Drifted,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Ready => ExitCode::Ready,
            Outcome::NotReady => ExitCode::NotReady,
            Outcome::Unverified => ExitCode::Unverified,
        }
    }
}

/// A failure that ends the command, with its exit code.
struct Failure {
    code: ExitCode,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: ExitCode::Usage,
            message: message.into(),
        }
    }
}

type CmdResult = Result<ExitCode, Failure>;

/// One failure from several: each message on its own, every one with its `error:` line.
fn failures(mut list: Vec<Failure>) -> Failure {
    if list.len() == 1 {
        if let Some(one) = list.pop() {
            return one;
        }
    }
    let code = if list.iter().any(|f| f.code == ExitCode::Usage) {
        ExitCode::Usage
    } else {
        list.first().map(|f| f.code).unwrap_or(ExitCode::Usage)
    };
    let message = list
        .iter()
        .map(|f| {
            if f.message.contains("\nerror: ") {
                f.message.clone()
            } else {
                format!("error: {}", f.message)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Failure { code, message }
}

fn io_failure(e: io::Error) -> Failure {
    Failure::usage(format!("cannot write output: {e}"))
}

fn baseline_failure(e: BaselineError) -> Failure {
    Failure::usage(e.to_string())
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let subcommands: Vec<String> = {
        use clap::CommandFactory;
        Cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .chain(["help".to_string()])
            .collect()
    };
    let args = crate::terminal::hoist_flags(std::env::args_os(), &subcommands);
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage
            } else {
                ExitCode::Ready
            };
        }
    };
    crate::terminal::init(&cli.terminal);
    let result = match cli.command {
        Some(Command::Snapshot(a)) => snapshot::snapshot_cmd(&a),
        Some(Command::Validate(a)) => validate::validate_cmd(&a),
        Some(Command::Drift(a)) => drift::drift_cmd(&a),
        Some(Command::Tick(a)) => tick::tick_cmd(&a),
        Some(Command::Kinds(a)) => kinds::kinds_cmd(&a),
        Some(Command::IamPolicy(a)) => iam_policy::iam_policy_cmd(&a),
        Some(Command::Permissions(a)) => iam_policy::permissions_cmd(&a),
        Some(Command::Evidence(a)) => match &a.command {
            Some(EvidenceCommand::Verify(v)) => evidence::evidence_verify_cmd(v),
            None => evidence::evidence_cmd(&a.build),
        },
        Some(Command::Init(a)) => init::init_cmd(&a),
        Some(Command::Schema) => docs::schema_cmd(),
        Some(Command::Completions(a)) => docs::completions_cmd(&a),
        Some(Command::Man) => docs::man_cmd(),
        None => verify::verify_cmd(&cli.verify),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            // Spec diagnostics are already `file:line:col: message` lines ending in an `error:` line.
            let prefix = if f.message.contains("\nerror: ") {
                ""
            } else {
                "error: "
            };
            let _ = writeln!(io::stderr(), "{prefix}{}", f.message);
            f.code
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
