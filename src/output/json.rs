use std::io::{self, Write};

use super::Render;
use crate::evaluate::Report;

/// `--format json`: the [`Report`] as pretty JSON (documented in docs/output-formats.md).
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
