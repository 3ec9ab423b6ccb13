//! The command line: argument parsing (clap) and the commands. `main.rs` only calls [`main`].

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::aws::{self, ConnectionArgs};
use crate::catalog;
use crate::checklist::{self, Checklist};
use crate::evaluate::{self, Outcome, Report};
use crate::output::Format;
use crate::plan;
use crate::probe;
use crate::snapshot::Snapshot;
use crate::spec::{self, Spec};

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
  2  usage or spec error, unreadable snapshot, or credentials for the wrong account
  3  could not verify: some checks could not be observed (access denied, throttled, timed out,
     unreachable) and none failed

Examples:
  infra-verify staging                                  verify specs/staging.yaml against AWS
  infra-verify staging --snapshot fixtures/staging.snapshot.json   evaluate a saved snapshot
  infra-verify staging --format junit --output report.xml
  infra-verify snapshot staging -o staging.snapshot.json
  infra-verify validate staging --checklist docs/launch-checklist.md
  infra-verify tick staging docs/launch-checklist.md     tick the items whose checks pass
  infra-verify tick staging docs/launch-checklist.md --check   in CI: exit 1 if it is out of date
  infra-verify kinds rds_instance";

/// Verify AWS environments against declarative YAML specs.
#[derive(Debug, Parser)]
#[command(
    name = "infra-verify",
    version,
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
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Observe an environment and save the facts as a snapshot (JSON).
    Snapshot(SnapshotArgs),
    /// Tick the checklist items whose linked checks pass (and untick infra-verify's own ticks
    /// whose checks now fail). Exit 0 when done; with --check, 1 when the file would change.
    Tick(TickArgs),
    /// Check a spec (and its checklist links) without calling AWS.
    Validate(ValidateArgs),
    /// List resource kinds and their attributes.
    Kinds(KindsArgs),
    /// Print the minimal IAM policy (read-only) a spec needs.
    IamPolicy(IamPolicyArgs),
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

/// `infra-verify <ENV>`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub target: Option<SpecArgs>,
    /// Evaluate this saved snapshot instead of calling AWS.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also print the API calls made, per operation, on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Also tick this Markdown checklist from the verdicts (see `infra-verify tick`).
    #[arg(long, value_name = "CHECKLIST")]
    pub tick: Option<PathBuf>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `infra-verify tick`.
#[derive(Debug, Clone, Args)]
pub struct TickArgs {
    /// Environment name; the spec is <specs-dir>/<ENV>.yaml.
    #[arg(value_name = "ENV")]
    pub env: String,
    /// Spec file to use instead of <specs-dir>/<ENV>.yaml.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Directory of environment specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs_dir: PathBuf,
    /// The Markdown checklist to tick.
    #[arg(value_name = "CHECKLIST")]
    pub checklist: PathBuf,
    /// Evaluate this saved snapshot instead of calling AWS.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
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
    let cli = match Cli::try_parse() {
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
    let result = match cli.command {
        Some(Command::Snapshot(a)) => snapshot_cmd(&a),
        Some(Command::Validate(a)) => validate_cmd(&a),
        Some(Command::Tick(a)) => tick_cmd(&a),
        Some(Command::Kinds(a)) => kinds_cmd(&a),
        Some(Command::IamPolicy(a)) => iam_policy_cmd(&a),
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
        let conn = aws::connect(conn_args, &spec.aws)
            .await
            .map_err(|e| Failure::usage(e.to_string()))?;
        probe::observe(spec, &conn).await.map_err(|e| Failure {
            code: match e {
                probe::ProbeError::WrongAccount { .. } => ExitCode::Usage,
                _ => ExitCode::Unverified,
            },
            message: e.to_string(),
        })
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

fn verify_cmd(a: &VerifyArgs) -> CmdResult {
    let Some(target) = &a.target else {
        return Err(Failure::usage(
            "give an environment name (e.g. `infra-verify staging`); see --help",
        ));
    };
    let spec = load_spec(target)?;
    let snap = facts(&spec, a.snapshot.as_deref(), &a.connection)?;
    let report = evaluate::evaluate(&spec, &snap);
    if a.verbose {
        print_api_calls(&snap);
    }
    // Links are checked before anything is written, so a bad link changes no file.
    let checklist = match &a.tick {
        Some(path) => Some(load_linked(&spec, path)?),
        None => None,
    };
    let renderer = a.format.renderer();
    match &a.output {
        Some(path) => {
            let mut buf = Vec::new();
            renderer
                .render(&report, &mut buf, false)
                .map_err(io_failure)?;
            write_atomic(path, &buf)?;
        }
        None => {
            let stdout = io::stdout();
            let color = a.format == Format::Human
                && anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
            let mut lock = stdout.lock();
            match renderer
                .render(&report, &mut lock, color)
                .and_then(|_| lock.flush())
            {
                Ok(()) => {}
                // A reader that went away (`| head`) is not an error: the verdict still stands.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(io_failure(e)),
            }
        }
    }
    if let Some((checklist, links)) = &checklist {
        tick_checklist(&report, checklist, links, TickMode::Write)?;
    }
    Ok(report.outcome.into())
}

/// Reads a checklist and resolves every `item:` of the spec in it.
fn load_linked(spec: &Spec, path: &Path) -> Result<(Checklist, checklist::Links), Failure> {
    let list = Checklist::load(path).map_err(|e| Failure::usage(e.to_string()))?;
    let links = checklist::link(spec, &list)
        .map_err(|diags| Failure::usage(spec::SpecError::Invalid(diags).to_string()))?;
    Ok((list, links))
}

/// What `tick` does with the result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TickMode {
    Write,
    Check,
    Diff,
    DryRun,
}

/// Ticks a checklist; returns whether the file changed (or would change).
fn tick_checklist(
    report: &Report,
    list: &Checklist,
    links: &checklist::Links,
    mode: TickMode,
) -> Result<bool, Failure> {
    let date = report.source.taken_at.get(..10).unwrap_or("unknown-date");
    let outcome = checklist::tick(list, links, report, date);
    let changed = outcome.text != list.text;
    let mut out = io::stdout().lock();
    match mode {
        TickMode::Write => {
            if changed {
                write_atomic(&list.path, outcome.text.as_bytes())?;
            }
        }
        TickMode::Check | TickMode::Diff => {
            let _ =
                out.write_all(checklist::diff(&list.path, &list.text, &outcome.text).as_bytes());
        }
        TickMode::DryRun => {
            for (item, action) in list.items.iter().zip(&outcome.actions) {
                let what = match action {
                    checklist::Action::Tick => "tick".to_string(),
                    checklist::Action::Untick(why) => format!("untick: {why}"),
                    checklist::Action::Failing(why) => format!("stays unticked: {why}"),
                    checklist::Action::Unverified => "left as it is: not verified".to_string(),
                    _ => continue,
                };
                let _ = writeln!(
                    out,
                    "{}:{}: {what}: {}",
                    list.path.display(),
                    item.line,
                    item.text
                );
            }
        }
    }
    let _ = out.flush();
    drop(out);
    let note = if mode == TickMode::Write {
        ""
    } else {
        " (nothing written)"
    };
    let _ = writeln!(
        io::stderr(),
        "{}: {}{note}",
        list.path.display(),
        outcome.summary(list, links)
    );
    Ok(changed)
}

fn tick_cmd(a: &TickArgs) -> CmdResult {
    let spec = load_spec(&SpecArgs {
        env: Some(a.env.clone()),
        spec: a.spec.clone(),
        specs_dir: a.specs_dir.clone(),
    })?;
    let (list, links) = load_linked(&spec, &a.checklist)?;
    let snap = facts(&spec, a.snapshot.as_deref(), &a.connection)?;
    let report = evaluate::evaluate(&spec, &snap);
    let mode = if a.check {
        TickMode::Check
    } else if a.diff {
        TickMode::Diff
    } else if a.dry_run {
        TickMode::DryRun
    } else {
        TickMode::Write
    };
    let changed = tick_checklist(&report, &list, &links, mode)?;
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
}

fn io_failure(e: io::Error) -> Failure {
    Failure::usage(format!("cannot write output: {e}"))
}

/// Writes a file atomically: a temporary file in the same directory, then a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    // A rewritten file keeps its permissions (the temporary file is created private).
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(fail)?;
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
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
            io::stderr(),
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
    let unprobed = plan::plan(&spec).unprobed_kinds;
    let mut out = io::stdout().lock();
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
    }
    if !unprobed.is_empty() {
        let list: Vec<&str> = unprobed.into_iter().collect();
        let _ = writeln!(
            out,
            "note: no live probe yet for {}; their checks are `error` in live runs (use --snapshot)",
            list.join(", ")
        );
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
        for k in catalog::KINDS {
            let live = if plan::is_probed(k.name) {
                ""
            } else {
                " (offline only in this version)"
            };
            text.push_str(&format!("{:<width$}  {}{live}\n", k.name, k.description));
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
        plan::iam_policy(plan::OPERATIONS.iter().map(|o| o.action))
    } else {
        let spec = load_spec(&SpecArgs {
            env: a.env.clone(),
            spec: a.spec.clone(),
            specs_dir: a.specs_dir.clone(),
        })?;
        plan::iam_policy(plan::plan(&spec).actions)
    };
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
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
