//! The command line's definition (clap): every command's arguments, the help text and the
//! version.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::{docs, init, ConnectionArgs};
use crate::baseline;
use crate::output::drift::DriftFormat;
use crate::output::Format;

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
    /// Print every permission a spec needs, per provider: the AWS IAM actions (the policy is
    /// `iam-policy`'s) and the least token permissions of the other providers (GitHub's
    /// fine-grained repository permissions, read-only).
    Permissions(PermissionsArgs),
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

/// `infra-verify permissions`.
#[derive(Debug, Clone, Args)]
pub struct PermissionsArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Print JSON (`{"aws": [...], "github": [...], "vercel": [...], "stripe": [...],
    /// "sentry": [...]}`) instead of text.
    #[arg(long)]
    pub json: bool,
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
