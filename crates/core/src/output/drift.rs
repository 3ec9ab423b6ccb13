//! Drift report formats: human, JSON, Markdown and a self-contained HTML page. Each is a pure
//! function of the [`DriftReport`].

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value as J;

use super::markdown::cell;
use crate::drift::{
    AttributeChange, Direction, DriftOutcome, DriftReport, ResourceChange, VerdictChange,
};
use crate::evaluate::{show, show_expected, Status};

/// The formats `drift --format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum DriftFormat {
    /// Sections per kind of change, then a one-line summary; colour on a terminal.
    Human,
    /// Machine-readable; see docs/output-formats.md.
    Json,
    /// Markdown, for a Slack message, an issue or $GITHUB_STEP_SUMMARY.
    Markdown,
    /// One self-contained HTML page (no external assets), with the history of baselines.
    Html,
}

/// Renders the report. `color` asks for ANSI styling (only the human format uses it).
pub fn render(
    format: DriftFormat,
    report: &DriftReport,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        DriftFormat::Human => human(report, out, color),
        DriftFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        DriftFormat::Markdown => markdown(report, out),
        DriftFormat::Html => out.write_all(page(report).into_string().as_bytes()),
    }
}

/// Renders to a string (no colour).
pub fn render_to_string(format: DriftFormat, report: &DriftReport) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(format, report, &mut buf, false);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The one-line verdict.
pub fn headline(r: &DriftReport) -> String {
    let s = &r.summary;
    let mut parts = Vec::new();
    let mut add = |n: usize, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    add(s.broke, "broke");
    add(s.recovered, "recovered");
    add(s.other_verdict_changes, "other verdict changes");
    add(s.attribute_changes, "attribute changes");
    add(s.appeared, "appeared");
    add(s.disappeared, "disappeared");
    add(s.unobserved, "not observed now");
    let what = match r.outcome {
        DriftOutcome::NoDrift => "NO DRIFT",
        DriftOutcome::Drift => "DRIFT (nothing broke)",
        DriftOutcome::Unverified => "DRIFT UNKNOWN (some things could not be observed)",
        DriftOutcome::Broken => "DRIFT BROKE CHECKS",
    };
    let mut line = if parts.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {}", parts.join(", "))
    };
    if s.ignored > 0 {
        line.push_str(&format!(
            " ({} change{} ignored)",
            s.ignored,
            if s.ignored == 1 { "" } else { "s" }
        ));
    }
    line
}

fn direction_label(d: Direction) -> &'static str {
    match d {
        Direction::Broke => "BROKE    ",
        Direction::Recovered => "RECOVERED",
        Direction::Changed => "CHANGED  ",
    }
}

fn status_text(s: Option<Status>) -> &'static str {
    s.map_or("none", Status::as_str)
}

fn verdict_line(v: &VerdictChange) -> String {
    let values = if v.actual_before != v.actual_after && v.after != Some(Status::Error) {
        format!(
            ": {} → {} (expected {})",
            show(&v.actual_before),
            show(&v.actual_after),
            show_expected(&v.expected)
        )
    } else {
        format!(": {}", v.message)
    };
    format!(
        "{} → {}{values}",
        status_text(v.before),
        status_text(v.after)
    )
}

fn attribute_note(a: &AttributeChange) -> String {
    match &a.check {
        Some(c) => format!("check {}", c.status.as_str()),
        None => "not checked".into(),
    }
}

fn resource_line(c: &ResourceChange) -> String {
    match &c.detail {
        Some(d) => format!("{}/{} ({d})", c.kind, c.resource),
        None => format!("{}/{}", c.kind, c.resource),
    }
}

fn human(r: &DriftReport, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let paint = |s: Style, text: &str| {
        if color {
            format!("{}{text}{}", s.render(), s.render_reset())
        } else {
            text.to_string()
        }
    };
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into())).bold();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let account = r
        .current
        .account_id
        .as_deref()
        .map(|a| format!("account {a}, "))
        .unwrap_or_default();
    writeln!(
        out,
        "{} {}",
        paint(bold, &format!("infra-verify drift: {}", r.environment)),
        paint(
            dim,
            &format!(
                "({account}baseline {} → now {})",
                r.baseline.taken_at, r.current.taken_at
            )
        )
    )?;
    if !r.verdict_changes.is_empty() {
        writeln!(out, "\n{}", paint(bold, "Verdict changes"))?;
        for v in &r.verdict_changes {
            let style = match v.direction {
                Direction::Broke => fg(AnsiColor::Red),
                Direction::Recovered => fg(AnsiColor::Green),
                Direction::Changed => fg(AnsiColor::Yellow),
            };
            writeln!(
                out,
                "  {}  {}  {}",
                paint(style, direction_label(v.direction)),
                v.check,
                verdict_line(v)
            )?;
        }
    }
    if !r.attribute_changes.is_empty() {
        writeln!(out, "\n{}", paint(bold, "Attribute drift"))?;
        let mut current = String::new();
        for a in &r.attribute_changes {
            let resource = format!("{}/{}", a.kind, a.resource);
            if resource != current {
                writeln!(out, "  {resource}")?;
                current = resource;
            }
            writeln!(
                out,
                "    {}: {} → {}  {}",
                a.attribute,
                show(&a.before),
                show(&a.after),
                paint(dim, &format!("({})", attribute_note(a)))
            )?;
        }
    }
    let lists: [(&str, &str, &[ResourceChange]); 3] = [
        ("Appeared", "+", &r.appeared),
        ("Disappeared", "-", &r.disappeared),
        ("Not observed now (drift unknown)", "?", &r.unobserved),
    ];
    for (title, mark, list) in lists {
        if !list.is_empty() {
            writeln!(out, "\n{}", paint(bold, title))?;
            for c in list {
                writeln!(out, "  {mark} {}", resource_line(c))?;
            }
        }
    }
    let style = match r.outcome {
        DriftOutcome::NoDrift => fg(AnsiColor::Green),
        DriftOutcome::Drift => fg(AnsiColor::Cyan),
        DriftOutcome::Unverified => fg(AnsiColor::Yellow),
        DriftOutcome::Broken => fg(AnsiColor::Red),
    };
    writeln!(out, "\n{}", paint(style, &headline(r)))
}

fn md_value(v: &J) -> String {
    cell(&show(v))
}

fn markdown(r: &DriftReport, out: &mut dyn Write) -> io::Result<()> {
    let icon = match r.outcome {
        DriftOutcome::NoDrift => "✅",
        DriftOutcome::Drift => "🔀",
        DriftOutcome::Unverified => "⚠️",
        DriftOutcome::Broken => "❌",
    };
    writeln!(out, "## {icon} Drift: `{}`", cell(&r.environment))?;
    writeln!(out)?;
    writeln!(out, "**{}**", cell(&headline(r)))?;
    writeln!(out)?;
    writeln!(
        out,
        "Baseline {} ({} of {} checks passed) → now {} ({} of {}){}.",
        r.baseline.taken_at,
        r.baseline.passed,
        r.baseline.total,
        r.current.taken_at,
        r.current.passed,
        r.current.total,
        r.current
            .account_id
            .as_deref()
            .map(|a| format!(", account {a}"))
            .unwrap_or_default()
    )?;
    if !r.verdict_changes.is_empty() {
        writeln!(out, "\n### Verdict changes\n")?;
        writeln!(
            out,
            "| change | check | verdict | before | now | expected |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for v in &r.verdict_changes {
            let what = match v.direction {
                Direction::Broke => "❌ broke",
                Direction::Recovered => "✅ recovered",
                Direction::Changed => "⚠️ changed",
            };
            let now = if v.after == Some(Status::Error) {
                cell(&v.message)
            } else {
                md_value(&v.actual_after)
            };
            writeln!(
                out,
                "| {what} | `{}` | {} → {} | {} | {now} | {} |",
                cell(&v.check),
                status_text(v.before),
                status_text(v.after),
                md_value(&v.actual_before),
                cell(&show_expected(&v.expected))
            )?;
        }
    }
    if !r.attribute_changes.is_empty() {
        writeln!(out, "\n### Attribute drift\n")?;
        writeln!(out, "| resource | attribute | before | now | check |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for a in &r.attribute_changes {
            writeln!(
                out,
                "| `{}/{}` | `{}` | {} | {} | {} |",
                cell(&a.kind),
                cell(&a.resource),
                cell(&a.attribute),
                md_value(&a.before),
                md_value(&a.after),
                attribute_note(a)
            )?;
        }
    }
    let lists: [(&str, &[ResourceChange]); 3] = [
        ("Appeared", &r.appeared),
        ("Disappeared", &r.disappeared),
        ("Not observed now (drift unknown)", &r.unobserved),
    ];
    for (title, list) in lists {
        if !list.is_empty() {
            writeln!(out, "\n### {title}\n")?;
            for c in list {
                writeln!(
                    out,
                    "- `{}/{}`{}",
                    cell(&c.kind),
                    cell(&c.resource),
                    c.detail
                        .as_deref()
                        .map(|d| format!(": {}", cell(d)))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    Ok(())
}

const CSS: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232b}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dee4;padding-bottom:.3rem}
.meta{color:#57606a}.headline{font-weight:600;padding:.6rem .8rem;border-radius:6px;margin:1rem 0}
.no_drift{background:#dafbe1}.drift{background:#ddf4ff}.unverified{background:#fff8c5}.broken{background:#ffebe9}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d8dee4;vertical-align:top}
th{background:#f6f8fa}code{font:.88em ui-monospace,SFMono-Regular,Menlo,monospace}
.broke{color:#cf222e;font-weight:600}.recovered{color:#1a7f37;font-weight:600}.changed{color:#9a6700;font-weight:600}
.s-pass{background:#dafbe1}.s-fail{background:#ffebe9}.s-missing{background:#fbefff}.s-error{background:#fff8c5}
td.s-pass,td.s-fail,td.s-missing,td.s-error{text-align:center}
@media print{body{margin:0;max-width:none}.headline{border:1px solid #888}}
";

fn value(v: &J) -> Markup {
    html! { code { (show(v)) } }
}

fn status_cell(s: Option<Status>) -> Markup {
    match s {
        Some(s) => html! { span class=(format!("s-{}", s.as_str())) { (s.as_str()) } },
        None => html! { span { "none" } },
    }
}

fn page(r: &DriftReport) -> Markup {
    let outcome_class = match r.outcome {
        DriftOutcome::NoDrift => "no_drift",
        DriftOutcome::Drift => "drift",
        DriftOutcome::Unverified => "unverified",
        DriftOutcome::Broken => "broken",
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Drift: " (r.environment) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "Drift: " (r.environment) }
                p.meta {
                    "Baseline " (r.baseline.taken_at) " (" (r.baseline.passed) " of " (r.baseline.total)
                    " checks passed) → now " (r.current.taken_at) " (" (r.current.passed) " of "
                    (r.current.total) ")"
                    @if let Some(a) = &r.current.account_id { ", account " (a) }
                    "."
                }
                p.headline.(outcome_class) { (headline(r)) }
                @if !r.verdict_changes.is_empty() {
                    h2 { "Verdict changes" }
                    table {
                        thead { tr { th { "change" } th { "check" } th { "verdict" } th { "before" } th { "now" } th { "expected" } } }
                        tbody {
                            @for v in &r.verdict_changes {
                                @let (class, word) = match v.direction {
                                    Direction::Broke => ("broke", "broke"),
                                    Direction::Recovered => ("recovered", "recovered"),
                                    Direction::Changed => ("changed", "changed"),
                                };
                                tr {
                                    td.(class) { (word) }
                                    td { code { (v.check) } @if let Some(i) = &v.item { br; small { "☐ " (i) } } }
                                    td { (status_cell(v.before)) " → " (status_cell(v.after)) }
                                    td { (value(&v.actual_before)) }
                                    td { @if v.after == Some(Status::Error) { (v.message) } @else { (value(&v.actual_after)) } }
                                    td { (show_expected(&v.expected)) }
                                }
                            }
                        }
                    }
                }
                @if !r.attribute_changes.is_empty() {
                    h2 { "Attribute drift" }
                    table {
                        thead { tr { th { "resource" } th { "attribute" } th { "before" } th { "now" } th { "check" } } }
                        tbody {
                            @for a in &r.attribute_changes {
                                tr {
                                    td { code { (a.kind) "/" (a.resource) } }
                                    td { code { (a.attribute) } }
                                    td { (value(&a.before)) }
                                    td { (value(&a.after)) }
                                    td { (attribute_note(a)) }
                                }
                            }
                        }
                    }
                }
                @for (title, list) in [("Appeared", &r.appeared), ("Disappeared", &r.disappeared), ("Not observed now (drift unknown)", &r.unobserved)] {
                    @if !list.is_empty() {
                        h2 { (title) }
                        ul {
                            @for c in list.iter() {
                                li { code { (c.kind) "/" (c.resource) } @if let Some(d) = &c.detail { ": " (d) } }
                            }
                        }
                    }
                }
                @if r.history.len() > 1 {
                    (history(r))
                }
                @if !r.ignore.is_empty() || r.summary.ignored > 0 {
                    p.meta {
                        (r.summary.ignored) " attribute change(s) left out: attributes that change on their own"
                        @if !r.ignore.is_empty() {
                            ", and the spec's drift.ignore: "
                            @for (i, p) in r.ignore.iter().enumerate() { @if i > 0 { ", " } code { (p) } }
                        }
                        "."
                    }
                }
            }
        }
    }
}

/// The history: one column per accepted baseline (and now), one row per check that did not
/// pass at some point.
fn history(r: &DriftReport) -> Markup {
    let mut checks: Vec<&String> = r
        .history
        .iter()
        .flat_map(|h| h.not_passing.keys())
        .collect();
    checks.sort();
    checks.dedup();
    html! {
        h2 { "History" }
        table {
            thead {
                tr {
                    th { "taken at" }
                    @for h in &r.history { th { (h.taken_at) } }
                }
            }
            tbody {
                tr {
                    td { "checks passed" }
                    @for h in &r.history { td { (h.summary.pass) " / " (h.summary.total) } }
                }
                @for c in &checks {
                    tr {
                        td { code { (c) } }
                        @for h in &r.history {
                            @let s = h.not_passing.get(*c).copied().unwrap_or(Status::Pass);
                            td.(format!("s-{}", s.as_str())) { (s.as_str()) }
                        }
                    }
                }
            }
        }
    }
}
