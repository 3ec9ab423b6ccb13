//! `--format github`: GitHub Actions workflow commands. Every check that failed or is missing is
//! an `::error` annotation on the spec line that states it, every check that could not be
//! observed a `::warning`; then one plain line per environment with its verdict. (The command
//! line also appends the Markdown report to `$GITHUB_STEP_SUMMARY` when it is set: that is a
//! side effect, not part of this pure rendering.)
//!
//! Values are escaped as GitHub's own toolkit (`@actions/core`) escapes them, so that no observed
//! value can end an annotation early or start a workflow command of its own on a new line.

use std::io::{self, Write};

use super::Render;
use crate::evaluate::{Check, Combined, Outcome, Report, Status};

/// `--format github`.
pub struct Github;

/// The message of a command: `%`, CR and LF escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a command (`file=`, `title=`): as [`escape_data`], and `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The spec path as GitHub resolves it, relative to the workspace (a leading `./` dropped).
fn file(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p
}

fn annotation(out: &mut dyn Write, report: &Report, c: &Check) -> io::Result<()> {
    let (command, what) = match c.status {
        Status::Pass => return Ok(()),
        Status::Fail => ("error", "fail"),
        Status::Missing => ("error", "missing"),
        Status::Error => ("warning", "not verified"),
    };
    writeln!(
        out,
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(file(&c.location.file)),
        c.location.line.max(1),
        c.location.column.max(1),
        escape_property(&format!("infra-verify {}: {}", report.environment, c.id)),
        escape_data(&format!("{what}: {}", c.message))
    )
}

fn verdict_line(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let s = &report.summary;
    let verdict = match report.outcome {
        Outcome::Ready => "READY",
        Outcome::NotReady => "NOT READY",
        Outcome::Unverified => "COULD NOT VERIFY",
    };
    writeln!(
        out,
        "infra-verify {}: {verdict}: {} checks: {} passed, {} failed, {} missing, {} errors",
        escape_data(&report.environment),
        s.total,
        s.pass,
        s.fail,
        s.missing,
        s.error
    )
}

impl Render for Github {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        for c in &report.checks {
            annotation(out, report, c)?;
        }
        verdict_line(out, report)
    }

    fn render_all(&self, all: &Combined, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        for report in &all.environments {
            for c in &report.checks {
                annotation(out, report, c)?;
            }
        }
        for report in &all.environments {
            verdict_line(out, report)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(
            escape_property("infra-verify staging: s3_bucket/a,b/tags"),
            "infra-verify staging%3A s3_bucket/a%2Cb/tags"
        );
        // An observed value cannot start a command of its own.
        let hostile = "x\n::add-mask::secret";
        assert!(!escape_data(hostile).contains('\n'));
        assert_eq!(file("././specs/a.yaml"), "specs/a.yaml");
        assert_eq!(file("/abs/specs/a.yaml"), "/abs/specs/a.yaml");
    }
}
