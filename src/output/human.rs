use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::Render;
use crate::evaluate::{Outcome, Report, Status};

/// `--format human`: checks grouped by resource, then a one-line summary.
pub struct Human;

fn style(status: Status) -> Style {
    let color = match status {
        Status::Pass => AnsiColor::Green,
        Status::Fail => AnsiColor::Red,
        Status::Missing => AnsiColor::Magenta,
        Status::Error => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn label(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS   ",
        Status::Fail => "FAIL   ",
        Status::Missing => "MISSING",
        Status::Error => "ERROR  ",
    }
}

impl Render for Human {
    fn render(&self, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
        let paint = |s: Style, text: &str| {
            if color {
                format!("{}{text}{}", s.render(), s.render_reset())
            } else {
                text.to_string()
            }
        };
        let bold = Style::new().bold();
        let dim = Style::new().dimmed();
        let where_ = match (&report.source.account_id, &report.source.region) {
            (Some(a), Some(r)) => format!("account {a}, {r}"),
            (Some(a), None) => format!("account {a}"),
            (None, Some(r)) => r.clone(),
            (None, None) => "unknown account".into(),
        };
        writeln!(
            out,
            "{} {}",
            paint(bold, &format!("infra-verify: {}", report.environment)),
            paint(
                dim,
                &format!("({where_}, observed {})", report.source.taken_at)
            )
        )?;
        let mut current = String::new();
        for c in &report.checks {
            let resource = format!("{}/{}", c.kind, c.resource);
            if resource != current {
                writeln!(out)?;
                writeln!(out, "{}", paint(bold, &resource))?;
                current = resource;
            }
            writeln!(
                out,
                "  {} {:<28} {}",
                paint(style(c.status), label(c.status)),
                c.attribute,
                c.message
            )?;
        }
        let s = &report.summary;
        let verdict = match report.outcome {
            Outcome::Ready => paint(style(Status::Pass), "READY"),
            Outcome::NotReady => paint(style(Status::Fail), "NOT READY"),
            Outcome::Unverified => paint(style(Status::Error), "COULD NOT VERIFY"),
        };
        writeln!(out)?;
        writeln!(
            out,
            "{verdict}: {} checks: {} passed, {} failed, {} missing, {} error{}",
            s.total,
            s.pass,
            s.fail,
            s.missing,
            s.error,
            if s.error == 1 { "" } else { "s" }
        )?;
        let retried: u64 = report.source.api_retries.values().sum();
        if retried > 0 {
            writeln!(
                out,
                "{}",
                paint(
                    dim,
                    &format!("{retried} attempts were retried (throttling, server errors, timeouts); --verbose lists them")
                )
            )?;
        }
        Ok(())
    }
}
