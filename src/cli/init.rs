//! The `infra-verify init` command: its arguments and what it does with them. The command line
//! (`init_cmd`, for the rest of src/cli) only maps the outcome to an exit code.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ArgGroup;

use super::{CmdResult, ConnectionArgs, ExitCode, Failure};
use crate::aws;
use crate::checklist::Checklist;
use crate::init::InitError;

/// `infra-verify init`.
#[derive(Debug, Clone, clap::Args)]
#[command(group(
    ArgGroup::new("source")
        .required(true)
        .args(["from_account", "from_checklist", "iam_policy"])
))]
pub struct InitArgs {
    /// The environment: the spec's `environment:` (required with --from-account). With
    /// --from-checklist, only the checklist's sections for it are read.
    #[arg(value_name = "ENV")]
    pub env: Option<String>,
    /// Discover the resources of the core kinds in the account (read-only) and write their
    /// stable attributes' values today.
    #[arg(long, conflicts_with_all = ["from_checklist", "iam_policy"])]
    pub from_account: bool,
    /// Draft the spec from a Markdown launch checklist: kinds and values from its lines, an
    /// `item:` link to each, placeholder ids.
    #[arg(long, value_name = "CHECKLIST", conflicts_with = "iam_policy")]
    pub from_checklist: Option<PathBuf>,
    /// With --from-account: keep only resources with this tag, for the kinds whose tags are read
    /// (the others are written commented out). Repeatable.
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Write the spec to FILE (atomically) instead of stdout; an existing file is refused.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --output: replace an existing file.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Print the IAM policy `init --from-account` needs (with --tag, the one of a run with
    /// --tag), and exit.
    #[arg(long)]
    pub iam_policy: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// How `init` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything was read; the spec was written.
    Complete,
    /// The spec was written, but some kinds, resources or attributes could not be read: they
    /// are `# TODO` entries in it (exit 3, like a run that could not verify everything).
    Partial,
}

/// A failure of the command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// Bad arguments or input, or the output could not be written (exit 2).
    #[error("{0}")]
    Usage(String),
    /// AWS could not be reached or the caller identified (exit 3).
    #[error("{0}")]
    Unverified(String),
}

impl From<InitError> for CommandError {
    fn from(e: InitError) -> Self {
        match e {
            InitError::Identity(_) => CommandError::Unverified(e.to_string()),
            _ => CommandError::Usage(e.to_string()),
        }
    }
}

/// Runs `infra-verify init`.
pub fn run(a: &InitArgs) -> Result<Status, CommandError> {
    if !a.connection.connect_to.is_empty() {
        return Err(CommandError::Usage(
            "--connect-to routes http_endpoint requests, and init makes none: it reads AWS only"
                .into(),
        ));
    }
    let tags = crate::init::parse_tags(&a.tags)?;
    if a.iam_policy {
        let actions = crate::init::account::iam_actions(!tags.is_empty());
        let policy = crate::plan::iam_policy(actions);
        let text = serde_json::to_string_pretty(&policy).unwrap_or_default();
        print(&format!("{text}\n"))?;
        return Ok(Status::Complete);
    }
    if let Some(env) = &a.env {
        crate::init::check_environment(env)?;
    }
    if let Some(path) = &a.from_checklist {
        if !tags.is_empty() {
            return Err(CommandError::Usage(
                "--tag chooses discovered resources: it applies to --from-account only".into(),
            ));
        }
        let list = Checklist::load(path).map_err(|e| CommandError::Usage(e.to_string()))?;
        let g = crate::init::checklist::from_checklist(&list, a.env.as_deref())?;
        emit(a, &g.text)?;
        let _ = writeln!(
            io::stderr(),
            "{}: drafted {} resources; {} of {} checklist items linked, {} lines left as TODO",
            a.output
                .as_ref()
                .map_or("stdout".to_string(), |p| p.display().to_string()),
            g.resources,
            g.linked_items,
            list.items.len(),
            g.unplaced
        );
        return Ok(Status::Complete);
    }
    let Some(env) = &a.env else {
        return Err(CommandError::Usage(
            "give the environment's name: `infra-verify init staging --from-account`".into(),
        ));
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandError::Unverified(format!("cannot start the async runtime: {e}")))?;
    let generated = rt.block_on(async {
        let conn = aws::connect(
            &a.connection.options_for(env),
            &crate::spec::AwsSettings::default(),
        )
        .await
        .map_err(|e| CommandError::Usage(e.to_string()))?;
        let budget = std::time::Duration::from_secs(a.connection.timeout);
        tokio::time::timeout(
            budget,
            crate::init::account::from_account(&conn, env, &tags),
        )
        .await
        .map_err(|_| {
            CommandError::Unverified(format!(
                "discovery did not finish within --timeout {} s: nothing was written",
                a.connection.timeout
            ))
        })?
        .map_err(CommandError::from)
    })?;
    crate::init::validate(&generated.text)?;
    emit(a, &generated.text)?;
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "{}: {} resources of environment `{env}`{}",
        a.output
            .as_ref()
            .map_or("stdout".to_string(), |p| p.display().to_string()),
        generated.resources,
        if generated.problems.is_empty() {
            String::new()
        } else {
            format!(
                "; {} things could not be read (each is a # TODO in the spec):",
                generated.problems.len()
            )
        }
    );
    for p in &generated.problems {
        let _ = writeln!(err, "  {p}");
    }
    Ok(if generated.problems.is_empty() {
        Status::Complete
    } else {
        Status::Partial
    })
}

fn print(text: &str) -> Result<(), CommandError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CommandError::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

fn emit(a: &InitArgs, text: &str) -> Result<(), CommandError> {
    match &a.output {
        Some(path) => Ok(crate::init::write_new(path, text, a.force)?),
        None => print(text),
    }
}

/// `infra-verify init`: the logic is in [`crate::init::command`].
pub(super) fn init_cmd(a: &InitArgs) -> CmdResult {
    match run(a) {
        Ok(Status::Complete) => Ok(ExitCode::Ready),
        Ok(Status::Partial) => Ok(ExitCode::Unverified),
        Err(CommandError::Unverified(message)) => Err(Failure {
            code: ExitCode::Unverified,
            message,
        }),
        Err(e) => Err(Failure::usage(e.to_string())),
    }
}
