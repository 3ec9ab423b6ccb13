use std::io::{self, Write};

use super::Render;
use crate::evaluate::{show, show_expected, Combined, Outcome, Report, Status};

/// `--format markdown`: a summary, the checks that need attention, then every check.
pub struct Markdown;

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Missing => "🚫 missing",
        Status::Error => "⚠️ error",
    }
}

/// Escapes text for a table cell.
pub(crate) fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn table(out: &mut dyn Write, checks: &[&crate::evaluate::Check]) -> io::Result<()> {
    writeln!(out, "| status | check | expected | actual | message |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for c in checks {
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            icon(c.status),
            cell(&c.id),
            cell(&show_expected(&c.expected)),
            cell(&show(&c.actual)),
            cell(&c.message)
        )?;
    }
    Ok(())
}

fn verdict(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ready => "✅ ready",
        Outcome::NotReady => "❌ not ready",
        Outcome::Unverified => "⚠️ could not verify",
    }
}

impl Render for Markdown {
    fn render_all(&self, all: &Combined, out: &mut dyn Write, color: bool) -> io::Result<()> {
        for report in &all.environments {
            self.render(report, out, color)?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "## infra-verify: {} environments — {}",
            all.environments.len(),
            verdict(all.outcome)
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "| environment | account | checks | passed | failed | missing | errors | verdict |"
        )?;
        writeln!(out, "|---|---|---:|---:|---:|---:|---:|---|")?;
        for r in super::summary_rows(all) {
            writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} | {} | {} | {} |",
                cell(r.environment),
                cell(r.account),
                r.summary.total,
                r.summary.pass,
                r.summary.fail,
                r.summary.missing,
                r.summary.error,
                verdict(r.outcome)
            )?;
        }
        writeln!(out)?;
        writeln!(out, "{}.", super::environments_line(all))
    }

    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let s = &report.summary;
        let verdict = verdict(report.outcome);
        writeln!(
            out,
            "## infra-verify: `{}` — {verdict}",
            cell(&report.environment)
        )?;
        writeln!(out)?;
        let account = report.source.account_id.as_deref().unwrap_or("unknown");
        let region = report.source.region.as_deref().unwrap_or("unknown");
        writeln!(
            out,
            "Account `{account}`, region `{region}`, observed {}.",
            report.source.taken_at
        )?;
        if let Some(routes) = super::connect_to_routes(report, "`") {
            writeln!(out)?;
            writeln!(
                out,
                "> **Connected through `--connect-to`**, not to the hosts the URLs name: {routes}."
            )?;
        }
        writeln!(out)?;
        writeln!(out, "| checks | pass | fail | missing | error |")?;
        writeln!(out, "|---:|---:|---:|---:|---:|")?;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s.total, s.pass, s.fail, s.missing, s.error
        )?;
        let attention: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.status != Status::Pass)
            .collect();
        if !attention.is_empty() {
            writeln!(out)?;
            writeln!(out, "### Needs attention")?;
            writeln!(out)?;
            table(out, &attention)?;
        }
        writeln!(out)?;
        writeln!(out, "<details><summary>All {} checks</summary>", s.total)?;
        writeln!(out)?;
        table(out, &report.checks.iter().collect::<Vec<_>>())?;
        writeln!(out)?;
        writeln!(out, "</details>")
    }
}
