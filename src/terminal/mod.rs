//! What the command line prints besides its reports and data: how much (`--quiet`,
//! `--verbose`), structured logs ([`logging`]: tracing, to stderr only) and the progress bar of
//! live runs ([`progress`]: indicatif, stderr only, on a terminal only).
//!
//! `--quiet`: stdout carries nothing but data the command was asked for (`kinds`, `iam-policy`,
//! `schema`, `completions`, `man`, `snapshot -o -`); no report, no notes, no progress bar; on
//! stderr only errors (spec problems, usage errors, `error: ...`). Files named with `--output`,
//! `-o`, `--out` or `--tick` are still written, and the exit code is the same.

use std::io::{self, Write};
use std::sync::OnceLock;

pub mod logging;
pub mod progress;

/// `--quiet` and `--verbose`, global: before or after the subcommand.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TerminalArgs {
    /// Print nothing but errors: no report on stdout, no notes, no progress bar; the exit code
    /// says the outcome. Files given with --output/-o/--out/--tick are still written, and data
    /// commands (kinds, iam-policy, schema, completions, man, snapshot -o -) still print it.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More on stderr: -v the API calls made per operation and what is probed (info logs);
    /// -vv debug logs (list pages, retries, timings); -vvv trace logs, with the AWS SDK's own
    /// debug logs of attempts and retries. RUST_LOG, when set, chooses the logs instead.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// How much the run prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verbosity {
    /// `--quiet`.
    pub quiet: bool,
    /// The number of `-v`.
    pub level: u8,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

/// Sets how much this process prints and starts the logs (once; later calls change nothing).
pub fn init(args: &TerminalArgs) {
    let v = Verbosity {
        quiet: args.quiet,
        level: if args.quiet { 0 } else { args.verbose },
    };
    if VERBOSITY.set(v).is_ok() {
        logging::init(v);
    }
}

/// How much this process prints (the default until [`init`]).
pub fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or_default()
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    verbosity().quiet
}

/// Where a report or a note meant for a person goes: stdout, or nowhere with `--quiet`.
pub fn report_out() -> Box<dyn Write> {
    if quiet() {
        Box::new(io::sink())
    } else {
        Box::new(io::stdout().lock())
    }
}

/// Where notes go (what was written, summaries, hints): stderr, or nowhere with `--quiet`.
pub fn notes() -> Box<dyn Write> {
    if quiet() {
        Box::new(io::sink())
    } else {
        Box::new(io::stderr().lock())
    }
}

/// Whether an argument is one of the flags of [`TerminalArgs`] (`-q`, `--quiet`, `-v`, `-vv`,
/// ..., `--verbose`).
fn is_terminal_flag(arg: &std::ffi::OsStr) -> bool {
    match arg.to_str() {
        Some("--quiet" | "--verbose" | "-q") => true,
        Some(s) => s.len() > 1 && s.starts_with('-') && s[1..].bytes().all(|b| b == b'v'),
        None => false,
    }
}

/// Moves `--quiet` / `--verbose` written before a subcommand to just after it:
/// `infra-verify -q validate staging` is `infra-verify validate -q staging`. The command line
/// lets options of the default command (verify) exclude subcommands, so flags before a
/// subcommand name would otherwise make it read as an environment name. Anything else is left
/// as it is.
pub fn hoist_flags<I>(args: I, subcommands: &[String]) -> Vec<std::ffi::OsString>
where
    I: IntoIterator<Item = std::ffi::OsString>,
{
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let leading = args
        .iter()
        .skip(1)
        .take_while(|a| is_terminal_flag(a))
        .count();
    let next = args.get(1 + leading).and_then(|a| a.to_str());
    if leading > 0 && next.is_some_and(|n| subcommands.iter().any(|s| s == n)) {
        let flags: Vec<_> = args.drain(1..1 + leading).collect();
        let at = 2; // after the program name and the subcommand
        for (i, flag) in flags.into_iter().enumerate() {
            args.insert(at + i, flag);
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(args: &[&str]) -> Vec<String> {
        let subs = ["validate".to_string(), "evidence".to_string()];
        hoist_flags(args.iter().map(std::ffi::OsString::from), &subs)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn flags_before_a_subcommand_move_after_it() {
        assert_eq!(
            hoisted(&["iv", "-q", "validate", "staging"]),
            ["iv", "validate", "-q", "staging"]
        );
        assert_eq!(
            hoisted(&["iv", "-vv", "--verbose", "evidence", "verify", "b"]),
            ["iv", "evidence", "-vv", "--verbose", "verify", "b"]
        );
        // Verify (no subcommand), flags already after, other options: unchanged.
        for args in [
            &["iv", "-q", "staging"][..],
            &["iv", "validate", "-q", "staging"],
            &["iv", "--snapshot", "f", "validate"],
            &["iv", "-x", "validate"],
            &["iv"],
        ] {
            assert_eq!(hoisted(args), args);
        }
    }
}
