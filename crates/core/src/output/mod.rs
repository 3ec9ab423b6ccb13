//! Output formats. Each is a pure function of the [`Report`], in its own file, behind [`Render`].
//! The drift report's formats are in [`drift`].

use std::io::{self, Write};

use crate::evaluate::{Combined, Report};

pub mod drift;
mod github;
mod human;
mod json;
mod junit;
mod markdown;
pub mod sarif;

pub use github::Github;
pub use human::Human;
pub use json::Json;
pub use junit::Junit;
pub use markdown::Markdown;
pub use sarif::Sarif;

/// A report format.
pub trait Render {
    /// Writes the report. `color` asks for ANSI styling (only the human format uses it).
    fn render(&self, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()>;

    /// Writes the reports of several environments verified in one run, as one document.
    fn render_all(&self, all: &Combined, out: &mut dyn Write, color: bool) -> io::Result<()>;
}

/// The formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// Grouped by resource, with a one-line summary; colour on a terminal.
    Human,
    /// Machine-readable; see docs/output-formats.md.
    Json,
    /// JUnit XML, one testcase per check, for CI test dashboards.
    Junit,
    /// Markdown, for pull-request comments and $GITHUB_STEP_SUMMARY.
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning (upload-sarif) and other dashboards.
    Sarif,
    /// GitHub Actions annotations on the spec lines that failed; with $GITHUB_STEP_SUMMARY set,
    /// the Markdown report is appended to it.
    Github,
}

impl Format {
    /// The renderer.
    pub fn renderer(self) -> &'static dyn Render {
        match self {
            Format::Human => &Human,
            Format::Json => &Json,
            Format::Junit => &Junit,
            Format::Markdown => &Markdown,
            Format::Sarif => &Sarif,
            Format::Github => &Github,
        }
    }
}

/// Renders to a string (no colour).
pub fn render_to_string(format: Format, report: &Report) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = format.renderer().render(report, &mut buf, false);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Renders several environments' reports to a string (no colour).
pub fn render_all_to_string(format: Format, all: &Combined) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = format.renderer().render_all(all, &mut buf, false);
    String::from_utf8_lossy(&buf).into_owned()
}

/// One row of the summary across environments (human and Markdown formats).
pub(crate) struct SummaryRow<'a> {
    pub environment: &'a str,
    pub account: &'a str,
    pub summary: crate::evaluate::Summary,
    pub outcome: crate::evaluate::Outcome,
}

/// The summary rows of a combined report, in order.
pub(crate) fn summary_rows(all: &Combined) -> Vec<SummaryRow<'_>> {
    all.environments
        .iter()
        .map(|r| SummaryRow {
            environment: &r.environment,
            account: r.source.account_id.as_deref().unwrap_or("unknown"),
            summary: r.summary,
            outcome: r.outcome,
        })
        .collect()
}

/// "2 environments: 1 ready, 1 not ready, 0 could not verify".
pub(crate) fn environments_line(all: &Combined) -> String {
    use crate::evaluate::Outcome;
    let count = |o: Outcome| all.environments.iter().filter(|r| r.outcome == o).count();
    format!(
        "{} environments: {} ready, {} not ready, {} could not verify",
        all.environments.len(),
        count(Outcome::Ready),
        count(Outcome::NotReady),
        count(Outcome::Unverified)
    )
}

/// The `--connect-to` routes the facts were observed through, as `learn.example:443 →
/// 127.0.0.1:8443, ...` (`wrap` around each address); `None` when every connection went to the
/// host its URL names.
pub(crate) fn connect_to_routes(report: &Report, wrap: &str) -> Option<String> {
    if report.source.connect_to.is_empty() {
        return None;
    }
    Some(
        report
            .source
            .connect_to
            .iter()
            .map(|(from, to)| format!("{wrap}{from}{wrap} → {wrap}{to}{wrap}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}
