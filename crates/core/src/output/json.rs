use std::io::{self, Write};

use super::Render;
use crate::evaluate::{Combined, Report};

/// `--format json`: the [`Report`] as pretty JSON (documented in docs/output-formats.md); several
/// environments as `{"outcome": ..., "environments": [report, ...]}`.
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }

    fn render_all(&self, all: &Combined, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, all)?;
        writeln!(out)
    }
}
