use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::Render;
use crate::evaluate::{Combined, Outcome, Report, Status};

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

fn paint(color: bool, s: Style, text: &str) -> String {
    if color {
        format!("{}{text}{}", s.render(), s.render_reset())
    } else {
        text.to_string()
    }
}

fn verdict(outcome: Outcome) -> (Style, &'static str) {
    match outcome {
        Outcome::Ready => (style(Status::Pass), "READY"),
        Outcome::NotReady => (style(Status::Fail), "NOT READY"),
        Outcome::Unverified => (style(Status::Error), "COULD NOT VERIFY"),
    }
}

impl Render for Human {
    fn render_all(&self, all: &Combined, out: &mut dyn Write, color: bool) -> io::Result<()> {
        for (i, report) in all.environments.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            self.render(report, out, color)?;
        }
        let rows = super::summary_rows(all);
        let header = [
            "environment",
            "account",
            "checks",
            "passed",
            "failed",
            "missing",
            "errors",
            "verdict",
        ];
        let env_w = rows
            .iter()
            .map(|r| r.environment.chars().count())
            .chain([header[0].len()])
            .max()
            .unwrap_or(0);
        let acct_w = rows
            .iter()
            .map(|r| r.account.chars().count())
            .chain([header[1].len()])
            .max()
            .unwrap_or(0);
        let bold = Style::new().bold();
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint(
                color,
                bold,
                &format!("Summary of {} environments", rows.len())
            )
        )?;
        writeln!(
            out,
            "  {:<env_w$}  {:<acct_w$}  {:>6}  {:>6}  {:>6}  {:>7}  {:>6}  {}",
            header[0], header[1], header[2], header[3], header[4], header[5], header[6], header[7]
        )?;
        for r in &rows {
            let (s, text) = verdict(r.outcome);
            // Padded by hand: the environment may be wider in bytes than in characters.
            let env_pad = env_w.saturating_sub(r.environment.chars().count());
            let acct_pad = acct_w.saturating_sub(r.account.chars().count());
            writeln!(
                out,
                "  {}{}  {}{}  {:>6}  {:>6}  {:>6}  {:>7}  {:>6}  {}",
                r.environment,
                " ".repeat(env_pad),
                r.account,
                " ".repeat(acct_pad),
                r.summary.total,
                r.summary.pass,
                r.summary.fail,
                r.summary.missing,
                r.summary.error,
                paint(color, s, text)
            )?;
        }
        let (s, text) = verdict(all.outcome);
        writeln!(out)?;
        writeln!(
            out,
            "{}: {}",
            paint(color, s, text),
            super::environments_line(all)
        )
    }

    fn render(&self, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
        let paint = |s: Style, text: &str| paint(color, s, text);
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
        if let Some(routes) = super::connect_to_routes(report, "") {
            let warn = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
            writeln!(
                out,
                "{}",
                paint(
                    warn,
                    &format!(
                        "connected through --connect-to, not to the hosts the URLs name: {routes}"
                    )
                )
            )?;
        }
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
        let verdict = {
            let (s, text) = verdict(report.outcome);
            paint(s, text)
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
