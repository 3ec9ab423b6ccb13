//! The command line: argument parsing (clap) and the commands. `main.rs` only calls [`main`].

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::aws;
use crate::baseline::{self, BaselineError, Location};
use crate::catalog;
use crate::checklist::{self, Checklist};
use crate::drift::{self, DriftOutcome};
use crate::evaluate::{self, Outcome, Report};
use crate::output::drift::DriftFormat;
use crate::output::Format;
use crate::plan;
use crate::probe;
use crate::snapshot::Snapshot;
use crate::spec::{self, Spec};

mod connection;
mod docs;
pub mod init;

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

const AFTER_HELP: &str = "\
Exit codes:
  0  ready: every check passed
  1  not ready: a check failed or a resource is missing
  2  usage or spec error, unreadable snapshot or baseline, or credentials for the wrong account
  3  could not verify: some checks could not be observed (access denied, throttled, timed out,
     unreachable) and none failed
  4  drift only: something changed since the baseline, and no check broke (1 when one broke)

With several environments, the worst of them: 1 over 3 over 0 (2 before anything is observed).

Examples:
  infra-verify staging                                  verify specs/staging.yaml against AWS
  infra-verify staging --snapshot fixtures/staging.snapshot.json   evaluate a saved snapshot
  infra-verify staging --format junit --output report.xml
  infra-verify staging --format github                  GitHub Actions annotations + job summary
  infra-verify staging --format sarif --output infra-verify.sarif   for GitHub code scanning
  infra-verify staging production --profile staging=stg-ro --profile production=prod-ro
                                                        several environments, observed at once
  infra-verify snapshot staging -o staging.snapshot.json
  infra-verify validate staging --checklist docs/launch-checklist.md
  infra-verify tick staging docs/launch-checklist.md     tick the items whose checks pass
  infra-verify tick staging docs/launch-checklist.md --check   in CI: exit 1 if it is out of date
  infra-verify drift staging --baseline s3://ops-bucket/drift/staging.json   nightly drift report
  infra-verify drift staging --accept                    make now the accepted baseline
  infra-verify evidence staging --out evidence/staging-2026-11-22   auditor evidence bundle
  infra-verify evidence verify evidence/staging-2026-11-22      exit 1 naming any altered file
  infra-verify kinds rds_instance
  infra-verify schema > docs/spec.schema.json          JSON Schema of specs, for editors";

/// `infra-verify --version`: the release and the commit it was built from (build.rs), e.g.
/// `0.2.0 (3f2a9c1d4e5b 2026-12-05)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("INFRA_VERIFY_COMMIT"),
    ")"
);

/// Verify AWS environments against declarative YAML specs.
#[derive(Debug, Parser)]
#[command(
    name = "infra-verify",
    version = VERSION,
    about,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    /// Subcommand; without one, verify ENV.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Verify an environment (the default command).
    #[command(flatten)]
    pub verify: VerifyArgs,
    /// `--quiet`, `--verbose` (global).
    #[command(flatten)]
    pub terminal: crate::terminal::TerminalArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Observe an environment and save the facts as a snapshot (JSON).
    Snapshot(SnapshotArgs),
    /// Tick the checklist items whose linked checks pass (and untick infra-verify's own ticks
    /// whose checks now fail), from one environment or several at once. Exit 0 when done; with
    /// --check, 1 when the file would change.
    #[command(override_usage = "infra-verify tick [OPTIONS] <ENV>... <CHECKLIST>")]
    Tick(TickArgs),
    /// Compare the environment with its baseline (the last accepted snapshot): verdicts that
    /// changed, attribute drift, resources that appeared or disappeared. Exit 0 no drift, 1 drift
    /// broke a check, 4 drift that broke nothing, 3 something could not be observed.
    Drift(DriftArgs),
    /// Check a spec (and its checklist links) without calling AWS.
    Validate(ValidateArgs),
    /// List resource kinds and their attributes.
    Kinds(KindsArgs),
    /// Print the minimal IAM policy (read-only) a spec needs.
    IamPolicy(IamPolicyArgs),
    /// Write an auditor evidence bundle (manifest, spec, snapshot, verdicts, raw AWS responses,
    /// report.html; optionally signed), or check one with `evidence verify BUNDLE`. The exit code
    /// follows the verdicts (0/1/3) as for verify; `evidence verify` exits 0 intact, 1 altered.
    Evidence(EvidenceArgs),
    /// Start a spec: from what exists in the account (--from-account, read-only), or from a
    /// Markdown launch checklist (--from-checklist). Exit 0 written, 3 written with parts that
    /// could not be read (# TODO in the spec), 2 usage or an existing output file.
    Init(init::InitArgs),
    /// Print the JSON Schema (draft-07) of the spec format, for editors: completion, hover
    /// documentation and typos flagged as you type (docs/spec.schema.json). `validate` remains
    /// the authority on specs.
    Schema,
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell, e.g.
    /// `infra-verify completions bash > ~/.local/share/bash-completion/completions/infra-verify`.
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff), e.g. `infra-verify man > ~/.local/share/man/man1/infra-verify.1`
    /// (docs/infra-verify.1).
    Man,
}

/// Which spec to use.
#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// Environment name; the spec is <specs-dir>/<ENV>.yaml.
    #[arg(value_name = "ENV", required_unless_present = "spec")]
    pub env: Option<String>,
    /// Spec file to use instead of <specs-dir>/<ENV>.yaml.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Directory of environment specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs_dir: PathBuf,
}

/// `infra-verify <ENV>...`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Environment name; the spec is <specs-dir>/<ENV>.yaml. Give several to verify them in one
    /// run, observed concurrently, each with its own spec's `aws:` settings.
    #[arg(value_name = "ENV", required_unless_present = "spec")]
    pub envs: Vec<String>,
    /// Spec file to use instead of <specs-dir>/<ENV>.yaml (one environment).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Directory of environment specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs_dir: PathBuf,
    /// Evaluate this saved snapshot instead of calling AWS. With several environments, give one
    /// per environment (repeat it): each is matched by its metadata.environment.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also tick this Markdown checklist from the verdicts (see `infra-verify tick`); with
    /// several environments, each line from all of them at once.
    #[arg(long, value_name = "CHECKLIST")]
    pub tick: Option<PathBuf>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify tick`.
#[derive(Debug, Clone, Args)]
pub struct TickArgs {
    /// One or more environment names, then the Markdown checklist to tick: `tick staging
    /// production docs/launch.md`. A line several of them link is decided from all of them at
    /// once (every linked check of every environment must pass), whatever their order.
    #[arg(value_names = ["ENV", "CHECKLIST"], required = true, num_args = 1..)]
    pub targets: Vec<PathBuf>,
    /// Spec file to use instead of <specs-dir>/<ENV>.yaml (one environment).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Directory of environment specs. The other environments' specs in it are read too, to
    /// find the lines they also link (a run without them leaves those lines as they are).
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs_dir: PathBuf,
    /// Evaluate this saved snapshot instead of calling AWS; with several environments, one per
    /// environment (repeat it), matched by its metadata.environment.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Vec<PathBuf>,
    /// Change nothing; print the diff and exit 1 when the file would change.
    #[arg(long, conflicts_with_all = ["diff", "dry_run"])]
    pub check: bool,
    /// Change nothing; print the unified diff of what would change.
    #[arg(long, conflicts_with = "dry_run")]
    pub diff: bool,
    /// Change nothing; list what would be ticked and unticked, and why.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify snapshot`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub target: SpecArgs,
    /// Write the snapshot to FILE (atomically); `-` for stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify drift`.
#[derive(Debug, Clone, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub target: SpecArgs,
    /// The baseline: a file, or s3://BUCKET/KEY [default: baselines/<ENV>.json].
    #[arg(long, value_name = "FILE|S3_URL")]
    pub baseline: Option<String>,
    /// Compare this saved snapshot instead of observing AWS now.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Then make this run's snapshot the baseline (refused when something could not be
    /// observed, or when another run accepted a baseline meanwhile). The report is printed
    /// first; the exit code is then the accept's: 0 accepted, 2 refused (changed meanwhile), 3
    /// refused (not everything observed).
    #[arg(long)]
    pub accept: bool,
    /// Accepted snapshots kept in the baseline's history (the oldest are removed).
    #[arg(long, value_name = "N", default_value_t = baseline::DEFAULT_KEEP, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub keep: u32,
    /// Also report attributes that change on their own (running counts, timestamps, ...).
    #[arg(long)]
    pub all_attributes: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = DriftFormat::Human)]
    pub format: DriftFormat,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify evidence`: `evidence ENV --out DIR|FILE.tar.gz`, or `evidence verify BUNDLE`.
/// (An environment literally named `verify` needs `--spec FILE` here.)
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct EvidenceArgs {
    /// `verify BUNDLE`; without it, write a bundle of ENV.
    #[command(subcommand)]
    pub command: Option<EvidenceCommand>,
    /// Write a bundle (the default).
    #[command(flatten)]
    pub build: EvidenceBuildArgs,
}

/// `infra-verify evidence` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum EvidenceCommand {
    /// Recompute every hash of a bundle (directory or .tar.gz) and name every file altered,
    /// added or removed; with --pubkey, check manifest.sig. Exit 0 intact, 1 not intact.
    Verify(EvidenceVerifyArgs),
}

/// `infra-verify evidence ENV --out ...`.
#[derive(Debug, Clone, Args)]
pub struct EvidenceBuildArgs {
    #[command(flatten)]
    pub target: Option<SpecArgs>,
    /// Build from this saved snapshot instead of observing AWS (then no raw AWS responses are
    /// included, and the bundle says so).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Where to write the bundle: a new (or empty) directory, or FILE.tar.gz.
    #[arg(long, value_name = "DIR|FILE.tar.gz", required = true)]
    pub out: Option<PathBuf>,
    /// Replace a previous bundle at --out (a directory with a manifest.json, or the archive).
    #[arg(long)]
    pub force: bool,
    /// Sign manifest.json with this ed25519 private key (PKCS#8 PEM, as `openssl genpkey
    /// -algorithm ed25519` writes it): writes manifest.sig.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify evidence verify BUNDLE`.
#[derive(Debug, Clone, Args)]
pub struct EvidenceVerifyArgs {
    /// The bundle: a directory, or a .tar.gz file.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// Also check manifest.sig with this ed25519 public key (SPKI PEM, `openssl pkey -pubout`).
    #[arg(long, value_name = "FILE")]
    pub pubkey: Option<PathBuf>,
}

/// `infra-verify validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub target: SpecArgs,
    /// Also resolve every `item:` link against this checklist.
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
}

/// `infra-verify kinds`.
#[derive(Debug, Clone, Args)]
pub struct KindsArgs {
    /// Show one kind's attributes.
    pub kind: Option<String>,
    /// Print the whole catalog as Markdown (docs/resources.md).
    #[arg(long, conflicts_with = "kind")]
    pub markdown: bool,
}

/// `infra-verify iam-policy`.
#[derive(Debug, Clone, Args)]
pub struct IamPolicyArgs {
    /// Environment name; the spec is <specs-dir>/<ENV>.yaml.
    #[arg(value_name = "ENV", required_unless_present_any = ["spec", "all"])]
    pub env: Option<String>,
    /// Spec file to use instead of <specs-dir>/<ENV>.yaml.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Directory of environment specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs_dir: PathBuf,
    /// Every action the probes may ever need, instead of one spec's.
    #[arg(long, conflicts_with_all = ["env", "spec"])]
    pub all: bool,
    /// Add a statement for `drift` with this S3 baseline (reading it, scoped to its keys).
    #[arg(long, value_name = "S3_URL")]
    pub baseline: Option<String>,
    /// With --baseline: also allow `drift --accept` to write it (PutObject, DeleteObject).
    #[arg(long, requires = "baseline")]
    pub accept: bool,
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
        Some(Command::Snapshot(a)) => snapshot_cmd(&a),
        Some(Command::Validate(a)) => validate_cmd(&a),
        Some(Command::Drift(a)) => drift_cmd(&a),
        Some(Command::Tick(a)) => tick_cmd(&a),
        Some(Command::Kinds(a)) => kinds_cmd(&a),
        Some(Command::IamPolicy(a)) => iam_policy_cmd(&a),
        Some(Command::Evidence(a)) => match &a.command {
            Some(EvidenceCommand::Verify(v)) => evidence_verify_cmd(v),
            None => evidence_cmd(&a.build),
        },
        Some(Command::Init(a)) => init_cmd(&a),
        Some(Command::Schema) => docs::schema_cmd(),
        Some(Command::Completions(a)) => docs::completions_cmd(&a),
        Some(Command::Man) => docs::man_cmd(),
        None => verify_cmd(&cli.verify),
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

fn spec_path(t: &SpecArgs) -> Result<PathBuf, Failure> {
    if let Some(p) = &t.spec {
        return Ok(p.clone());
    }
    let env = t
        .env
        .as_deref()
        .ok_or_else(|| Failure::usage("give an environment name or --spec FILE"))?;
    let yaml = t.specs_dir.join(format!("{env}.yaml"));
    let yml = t.specs_dir.join(format!("{env}.yml"));
    if !yaml.exists() && yml.exists() {
        return Ok(yml);
    }
    if !yaml.exists() {
        return Err(Failure::usage(format!(
            "no spec for environment `{env}`: {} does not exist (use --spec FILE or --specs-dir DIR)",
            yaml.display()
        )));
    }
    Ok(yaml)
}

fn load_spec(t: &SpecArgs) -> Result<Spec, Failure> {
    let path = spec_path(t)?;
    let spec = spec::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(env) = &t.env {
        if *env != spec.environment {
            return Err(Failure::usage(format!(
                "{} is the spec of environment `{}`, not `{env}`",
                path.display(),
                spec.environment
            )));
        }
    }
    Ok(spec)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: ExitCode::Unverified,
            message: format!("cannot start the async runtime: {e}"),
        })
}

fn observe(spec: &Spec, conn_args: &ConnectionArgs) -> Result<Snapshot, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        // A spec of only http_endpoints needs no AWS: no credentials, region or STS call.
        let conn = if plan::needs_aws(spec) {
            Some(connect(spec, conn_args).await?)
        } else {
            None
        };
        observe_with(spec, conn.as_ref(), conn_args).await
    })
}

async fn connect(spec: &Spec, conn_args: &ConnectionArgs) -> Result<aws::Connection, Failure> {
    conn_args
        .check_profiles(&[spec.environment.as_str()])
        .map_err(|e| Failure::usage(e.to_string()))?;
    aws::connect(&conn_args.options_for(&spec.environment), &spec.aws)
        .await
        .map_err(|e| Failure::usage(e.to_string()))
}

async fn observe_with(
    spec: &Spec,
    conn: Option<&aws::Connection>,
    conn_args: &ConnectionArgs,
) -> Result<Snapshot, Failure> {
    // Cleared when the observation ends, before anything is printed.
    let bar = crate::terminal::progress::Bar::for_terminal();
    let observed = observe_showing(spec, conn, conn_args, &bar).await;
    bar.finish();
    observed
}

/// [`observe_with`], advancing a progress bar that may be shared (several environments
/// observed at once draw one bar, not one each).
async fn observe_showing(
    spec: &Spec,
    conn: Option<&aws::Connection>,
    conn_args: &ConnectionArgs,
    bar: &crate::terminal::progress::Bar,
) -> Result<Snapshot, Failure> {
    let http = probe::HttpOptions {
        timeout: std::time::Duration::from_secs(conn_args.call_timeout),
        max_concurrency: conn_args.max_concurrency,
        connect_to: conn_args.connect_to.clone(),
    };
    let budget = std::time::Duration::from_secs(conn_args.timeout);
    tokio::time::timeout(budget, probe::observe_with(spec, conn, &http, bar))
        .await
        .map_err(|_| Failure {
            code: ExitCode::Unverified,
            message: format!(
                "the observation did not finish within --timeout {} s: nothing was verified",
                conn_args.timeout
            ),
        })?
        .map_err(|e| Failure {
            code: match e {
                probe::ProbeError::WrongAccount { .. } => ExitCode::Usage,
                _ => ExitCode::Unverified,
            },
            message: e.to_string(),
        })
}

/// The facts to evaluate: a saved snapshot of this spec's environment, or a live observation.
fn facts(spec: &Spec, snapshot: Option<&Path>, conn: &ConnectionArgs) -> Result<Snapshot, Failure> {
    match snapshot {
        Some(path) => {
            let snap = Snapshot::load(path).map_err(|e| Failure::usage(e.to_string()))?;
            check_snapshot(spec, &snap, path)?;
            Ok(snap)
        }
        None => observe(spec, conn),
    }
}

/// Checks that a saved snapshot belongs to this spec.
fn check_snapshot(spec: &Spec, snap: &Snapshot, path: &Path) -> Result<(), Failure> {
    if snap.metadata.environment != spec.environment {
        return Err(Failure::usage(format!(
            "{} is a snapshot of environment `{}`, but the spec is for `{}`",
            path.display(),
            snap.metadata.environment,
            spec.environment
        )));
    }
    if let (Some(expected), Some(actual)) = (&spec.aws.account_id, &snap.metadata.account_id) {
        if expected != actual {
            return Err(Failure::usage(format!(
                "wrong account: the spec requires account {expected}, but {} was taken in account {actual}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The environments given: at least one (or --spec), none twice, and --spec with one at most.
fn check_envs(envs: &[String], spec: Option<&Path>) -> Result<(), Failure> {
    if envs.is_empty() && spec.is_none() {
        return Err(Failure::usage(
            "give an environment name (e.g. `infra-verify staging`); see --help",
        ));
    }
    if spec.is_some() && envs.len() > 1 {
        return Err(Failure::usage(
            "--spec FILE is one environment's spec: give at most one ENV with it (or several ENVs and no --spec)",
        ));
    }
    for (i, env) in envs.iter().enumerate() {
        if envs[..i].contains(env) {
            return Err(Failure::usage(format!(
                "environment `{env}` is given twice"
            )));
        }
    }
    Ok(())
}

fn verify_cmd(a: &VerifyArgs) -> CmdResult {
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

/// The specs of several environments from the specs dir; every problem of every one reported.
fn load_specs(envs: &[String], specs_dir: &Path) -> Result<Vec<Spec>, Failure> {
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    for env in envs {
        let target = SpecArgs {
            env: Some(env.clone()),
            spec: None,
            specs_dir: specs_dir.to_path_buf(),
        };
        match load_spec(&target) {
            Ok(spec) => specs.push(spec),
            Err(f) => problems.push(f),
        }
    }
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(failures(problems))
    }
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

/// The saved snapshots of several environments, one per spec (in the specs' order), matched by
/// their metadata.environment. Every environment needs exactly one; a snapshot of an environment
/// not given is refused, so no file is silently ignored.
fn snapshots_for(specs: &[Spec], paths: &[PathBuf]) -> Result<Vec<Snapshot>, Failure> {
    let names: Vec<&str> = specs.iter().map(|s| s.environment.as_str()).collect();
    let mut found: Vec<Option<(Snapshot, &Path)>> = specs.iter().map(|_| None).collect();
    for path in paths {
        let snap = Snapshot::load(path).map_err(|e| Failure::usage(e.to_string()))?;
        let env = snap.metadata.environment.clone();
        let Some(i) = names.iter().position(|n| *n == env) else {
            return Err(Failure::usage(format!(
                "{} is a snapshot of environment `{env}`, which is not one of the environments given ({})",
                path.display(),
                names.join(", ")
            )));
        };
        if let Some((_, first)) = &found[i] {
            return Err(Failure::usage(format!(
                "{} and {} are both snapshots of environment `{env}`: give one per environment",
                first.display(),
                path.display()
            )));
        }
        check_snapshot(&specs[i], &snap, path)?;
        found[i] = Some((snap, path.as_path()));
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(Failure::usage(format!(
            "no --snapshot for {}: with --snapshot, give one per environment (matched by its metadata.environment), or none to observe them all",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(found.into_iter().flatten().map(|(s, _)| s).collect())
}

/// Observes several environments at once. Connecting (the region, the profile) is done for all
/// first, so a configuration problem ends the run before any probe. Credentials of the wrong
/// account end it too (exit 2, after every observation finished); an environment that could not
/// be observed at all (its caller identity, the --timeout) is reported with every check an
/// `error` that says why, and the others are reported as usual.
fn observe_many(specs: &[Spec], conn_args: &ConnectionArgs) -> Result<Vec<Snapshot>, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        let mut conns = Vec::new();
        let mut problems = Vec::new();
        for spec in specs {
            if !plan::needs_aws(spec) {
                conns.push(None);
                continue;
            }
            match aws::connect(&conn_args.options_for(&spec.environment), &spec.aws).await {
                Ok(c) => conns.push(Some(c)),
                Err(e) => {
                    problems.push(Failure::usage(format!("{}: {e}", spec.environment)));
                    conns.push(None);
                }
            }
        }
        if !problems.is_empty() {
            return Err(failures(problems));
        }
        let taken_at = probe::now_rfc3339();
        let bar = crate::terminal::progress::Bar::for_terminal();
        let results = futures::future::join_all(
            specs
                .iter()
                .zip(&conns)
                .map(|(spec, conn)| observe_showing(spec, conn.as_ref(), conn_args, &bar)),
        )
        .await;
        bar.finish();
        let mut snaps = Vec::new();
        let mut problems = Vec::new();
        for (spec, result) in specs.iter().zip(results) {
            match result {
                Ok(snap) => snaps.push(snap),
                Err(f) if f.code == ExitCode::Usage => problems.push(Failure::usage(format!(
                    "{}: {}",
                    spec.environment, f.message
                ))),
                Err(f) => {
                    let _ = writeln!(
                        io::stderr(),
                        "warning: {}: {}; its checks are reported as errors",
                        spec.environment,
                        f.message
                    );
                    snaps.push(Snapshot::unobserved(spec, taken_at.clone(), &f.message));
                }
            }
        }
        if !problems.is_empty() {
            return Err(failures(problems));
        }
        Ok(snaps)
    })
}

/// `--format github`: the Markdown report appended to `$GITHUB_STEP_SUMMARY` (the job summary)
/// when that is set. A summary that cannot be written is a warning: the annotations and the exit
/// code are the gate.
fn job_summary(render: impl Fn(&mut dyn Write) -> io::Result<()>) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let mut buf = Vec::new();
    let written = render(&mut buf).and_then(|_| {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        file.write_all(&buf)
    });
    if let Err(e) = written {
        let _ = writeln!(
            io::stderr(),
            "warning: cannot append the job summary to $GITHUB_STEP_SUMMARY ({}): {e}",
            Path::new(&path).display()
        );
    }
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

/// Writes a report to FILE (atomically) or to stdout; colour only on a terminal, and only when
/// the format has it.
fn emit(
    output: Option<&Path>,
    colored_format: bool,
    render: impl Fn(&mut dyn Write, bool) -> io::Result<()>,
) -> Result<(), Failure> {
    match output {
        Some(path) => crate::fsutil::write_atomic_with(path, |out| render(out, false))
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display()))),
        // --quiet: no report; the exit code says it.
        None if crate::terminal::quiet() => Ok(()),
        None => {
            let stdout = io::stdout();
            let color = colored_format
                && anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
            // Through a large buffer: stdout is line-buffered, and a report of thousands of
            // checks would otherwise be thousands of writes; nor is the report held whole in
            // memory (megabytes at thousands of resources) before it is written.
            let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
            match render(&mut out, color).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A reader that went away (`| head`) is not an error: the verdict still stands.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(io_failure(e)),
            }
        }
    }
}

fn baseline_failure(e: BaselineError) -> Failure {
    Failure::usage(e.to_string())
}

fn drift_cmd(a: &DriftArgs) -> CmdResult {
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

/// Reads a checklist and resolves every `item:` of the spec in it.
fn load_linked(spec: &Spec, path: &Path) -> Result<(Checklist, checklist::Links), Failure> {
    let list = Checklist::load(path).map_err(|e| Failure::usage(e.to_string()))?;
    let links = checklist::link(spec, &list)
        .map_err(|diags| Failure::usage(spec::SpecError::Invalid(diags).to_string()))?;
    Ok((list, links))
}

/// A checklist ready to tick: every environment's links into it (in the order of the run's
/// specs), and for each line the environments outside the run whose specs link it too.
struct Ticking {
    list: Checklist,
    links: Vec<checklist::Links>,
    elsewhere: Vec<Vec<String>>,
}

/// Reads a checklist, resolves every `item:` of every spec of the run in it (every bad link of
/// every spec is reported, and nothing is written), and reads the other environments' specs in
/// the specs dir to find the lines they link too.
fn load_ticking(specs: &[Spec], path: &Path, specs_dir: &Path) -> Result<Ticking, Failure> {
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
fn linked_elsewhere(specs_dir: &Path, run: &[&str], list: &Checklist) -> Vec<Vec<String>> {
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
enum TickMode {
    Write,
    Check,
    Diff,
    DryRun,
}

/// Ticks a checklist from one or more environments' reports (in the order of the ticking's
/// links); returns whether the file changed (or would change).
fn tick_checklist(reports: &[&Report], t: &Ticking, mode: TickMode) -> Result<bool, Failure> {
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

fn tick_cmd(a: &TickArgs) -> CmdResult {
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

/// `infra-verify evidence ENV --out ...`: observe (or read --snapshot), evaluate, and write the
/// bundle atomically. Everything that can be refused (target, key) is checked before probing.
fn evidence_cmd(a: &EvidenceBuildArgs) -> CmdResult {
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
fn evidence_verify_cmd(a: &EvidenceVerifyArgs) -> CmdResult {
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

/// `infra-verify init`: the logic is in [`crate::init::command`].
fn init_cmd(a: &init::InitArgs) -> CmdResult {
    use init::{run, CommandError, Status};
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

fn io_failure(e: io::Error) -> Failure {
    Failure::usage(format!("cannot write output: {e}"))
}

/// Writes a file atomically (see [`crate::fsutil::write_atomic`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

fn snapshot_cmd(a: &SnapshotArgs) -> CmdResult {
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

fn validate_cmd(a: &ValidateArgs) -> CmdResult {
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

fn kinds_cmd(a: &KindsArgs) -> CmdResult {
    let mut text = String::new();
    if a.markdown {
        text = catalog::markdown();
    } else if let Some(name) = &a.kind {
        let Some(k) = catalog::kind(name) else {
            let hint = spec::did_you_mean(name, catalog::KINDS.iter().map(|k| k.name))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(Failure::usage(format!(
                "unknown resource kind `{name}`{hint}"
            )));
        };
        text.push_str(&format!(
            "{} — {}\nid: {}\nlisted by: {}\n\n",
            k.name, k.description, k.identifier, k.list_operation
        ));
        let width = k
            .attributes
            .iter()
            .map(|a| a.name.len())
            .max()
            .unwrap_or(0)
            .max(6);
        text.push_str(&format!(
            "  {:<width$}  {:<15}  {}\n",
            "exists",
            "bool",
            "Whether the resource exists (write `exists: false` for must-not-exist)."
        ));
        for at in k.attributes {
            text.push_str(&format!(
                "  {:<width$}  {:<15}  {}\n",
                at.name,
                at.ty.name(),
                at.description
            ));
        }
    } else {
        let width = catalog::KINDS
            .iter()
            .map(|k| k.name.len())
            .max()
            .unwrap_or(0);
        // Every kind is probed live (probe::tests::every_catalog_kind_has_a_probe).
        for k in catalog::KINDS {
            text.push_str(&format!("{:<width$}  {}\n", k.name, k.description));
        }
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}

fn iam_policy_cmd(a: &IamPolicyArgs) -> CmdResult {
    let policy = if a.all {
        plan::iam_policy(
            plan::OPERATIONS
                .iter()
                .map(|o| o.action)
                .chain(plan::extra_actions(None)),
        )
    } else {
        let spec = load_spec(&SpecArgs {
            env: a.env.clone(),
            spec: a.spec.clone(),
            specs_dir: a.specs_dir.clone(),
        })?;
        if !plan::needs_aws(&spec) {
            let _ = writeln!(crate::terminal::notes(), "note: this spec names only http_endpoints: it needs no AWS credentials or permissions");
        }
        plan::iam_policy(plan::plan(&spec).actions)
    };
    let mut policy = policy;
    if let Some(text) = &a.baseline {
        let location = Location::parse(text).map_err(baseline_failure)?;
        let Some(statement) = baseline::iam_statement(&location, a.accept) else {
            return Err(Failure::usage(format!(
                "--baseline {text}: a local baseline file needs no IAM permissions; give s3://BUCKET/KEY"
            )));
        };
        if let Some(list) = policy["Statement"].as_array_mut() {
            list.push(statement);
        }
    }
    let text = serde_json::to_string_pretty(&policy).unwrap_or_default();
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}

#[cfg(test)]
mod tests {
    use super::write_atomic;

    #[test]
    fn a_failed_atomic_write_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The rename cannot replace a non-empty directory: the write fails after the temporary
        // file was written, which must then be gone, and the target untouched.
        let target = dir.path().join("checklist.md");
        std::fs::create_dir(&target).expect("mkdir");
        std::fs::write(target.join("keep"), "x").expect("write");
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(
            std::fs::read_to_string(target.join("keep")).expect("read"),
            "x"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from("checklist.md")]);
        // No directory to write in: an error, nothing created.
        assert!(write_atomic(&dir.path().join("missing/checklist.md"), b"new").is_err());
        // And the ordinary case replaces the file.
        let file = dir.path().join("ok.md");
        std::fs::write(&file, "old").expect("write");
        assert!(write_atomic(&file, b"new").is_ok());
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "new");
    }

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

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.md");
        std::fs::write(&path, "- [ ] item\n").expect("write");
        let mut perms = std::fs::metadata(&path).expect("meta").permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).expect("chmod");
        assert!(write_atomic(&path, b"- [x] item\n").is_err());
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "- [ ] item\n"
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
