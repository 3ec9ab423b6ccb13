//! Output formats. Each is a pure function of the [`Report`], in its own file, behind [`Render`].
//! The drift report's formats are in [`drift`].

use std::io::{self, Write};

use crate::evaluate::Report;

pub mod drift;
mod human;
mod json;
mod junit;
mod markdown;

pub use human::Human;
pub use json::Json;
pub use junit::Junit;
pub use markdown::Markdown;

/// A report format.
pub trait Render {
    /// Writes the report. `color` asks for ANSI styling (only the human format uses it).
    fn render(&self, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()>;
}

/// The formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by resource, with a one-line summary; colour on a terminal.
    Human,
    /// Machine-readable; see docs/output-formats.md.
    Json,
    /// JUnit XML, one testcase per check, for CI test dashboards.
    Junit,
    /// Markdown, for pull-request comments and $GITHUB_STEP_SUMMARY.
    Markdown,
}

impl Format {
    /// The renderer.
    pub fn renderer(self) -> &'static dyn Render {
        match self {
            Format::Human => &Human,
            Format::Json => &Json,
            Format::Junit => &Junit,
            Format::Markdown => &Markdown,
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
