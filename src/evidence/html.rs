//! `report.html` of an evidence bundle: one self-contained page (inline CSS, no script, no
//! external asset) an auditor reads and prints to PDF. Summary first, then every check grouped
//! by the control ids the spec maps it to, each with expected, actual, verdict and links to the
//! raw AWS responses it came from; then the list of raw responses and how to verify the bundle.

use std::collections::BTreeMap;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::capture::RawCall;
use super::Manifest;
use crate::evaluate::{show, show_expected, Check, Outcome, Report};

/// What the page shows.
pub struct Page<'a> {
    pub manifest: &'a Manifest,
    pub report: &'a Report,
    /// Per check (report order), the raw files it came from.
    pub links: &'a [Vec<String>],
    /// Every raw file, in order.
    pub raw: &'a [(String, &'a RawCall)],
    /// Whether the spec names http_endpoints.
    pub has_http: bool,
}

const CSS: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:#1d232b}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dee4;padding-bottom:.3rem}
h3{font-size:1rem;margin:1.4rem 0 .4rem}
.meta{color:#57606a}.headline{font-weight:600;padding:.6rem .8rem;border-radius:6px;margin:1rem 0}
.ready{background:#dafbe1}.not_ready{background:#ffebe9}.unverified{background:#fff8c5}
.notice{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem .8rem;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d8dee4;vertical-align:top}
th{background:#f6f8fa}code{font:.88em ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
table.facts th{width:14rem}
.s-pass{background:#dafbe1}.s-fail{background:#ffebe9}.s-missing{background:#fbefff}.s-error{background:#fff8c5}
td.s-pass,td.s-fail,td.s-missing,td.s-error{text-align:center;font-weight:600}
small{color:#57606a}
@media print{body{margin:0;max-width:none;font-size:11px}.headline,.notice{border:1px solid #888}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
";

fn outcome_word(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Ready => ("ready", "READY"),
        Outcome::NotReady => ("not_ready", "NOT READY"),
        Outcome::Unverified => ("unverified", "COULD NOT VERIFY"),
    }
}

/// Checks grouped by control id (sorted); checks with several controls appear under each.
fn by_control(report: &Report) -> (BTreeMap<&str, Vec<usize>>, Vec<usize>) {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for (i, c) in report.checks.iter().enumerate() {
        if c.controls.is_empty() {
            unmapped.push(i);
        }
        let mut seen: Vec<&str> = Vec::new();
        for ctl in &c.controls {
            if !seen.contains(&ctl.as_str()) {
                seen.push(ctl);
                groups.entry(ctl).or_default().push(i);
            }
        }
    }
    (groups, unmapped)
}

fn check_table(p: &Page<'_>, rows: &[usize]) -> Markup {
    html! {
        table.checks {
            thead { tr { th { "check" } th { "expected" } th { "actual" } th { "verdict" } th { "controls" } th { "raw response" } } }
            tbody {
                @for &i in rows {
                    @let c: &Check = &p.report.checks[i];
                    tr {
                        td {
                            code { (c.id) }
                            br; small { (c.message) }
                            @if let Some(item) = &c.item { br; small { "☐ " (item) } }
                        }
                        td { (show_expected(&c.expected)) }
                        td { code { (show(&c.actual)) } }
                        td.(format!("s-{}", c.status.as_str())) { (c.status.as_str()) }
                        td { @for (n, ctl) in c.controls.iter().enumerate() { @if n > 0 { br; } (ctl) } }
                        td {
                            @let links = p.links.get(i).map(Vec::as_slice).unwrap_or(&[]);
                            @if links.is_empty() {
                                small { (no_raw_reason(p, c)) }
                            }
                            @for (n, l) in links.iter().enumerate() {
                                @if n > 0 { br; }
                                a href=(l) { (l) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn no_raw_reason(p: &Page<'_>, c: &Check) -> &'static str {
    if c.kind == "http_endpoint" {
        "recorded facts (not an AWS call)"
    } else if !p.manifest.raw_responses.included {
        "none: built from a snapshot"
    } else {
        "none captured"
    }
}

/// The page.
pub fn page(p: &Page<'_>) -> String {
    let m = p.manifest;
    let r = p.report;
    let s = &r.summary;
    let (class, word) = outcome_word(r.outcome);
    let (groups, unmapped) = by_control(r);
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Evidence: " (m.environment) " (" (m.observed_at) ")" }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "Evidence: " (m.environment) }
                p.meta {
                    "What infra-verify observed in "
                    @if let Some(a) = &m.account_id { "AWS account " (a) } @else { "no AWS account" }
                    " at " (m.observed_at) ", checked against the spec " code { (m.spec.path) } "."
                }
                p.headline.(class) {
                    (word) ": " (s.total) " checks: " (s.pass) " passed, " (s.fail) " failed, "
                    (s.missing) " missing, " (s.error) " error" @if s.error != 1 { "s" }
                }
                @if !m.raw_responses.included && m.source.kind == "snapshot" {
                    p.notice { (m.raw_responses.note) }
                }
                @if !m.connect_to.is_empty() {
                    p.notice {
                        "Some HTTP(S) endpoints were reached through --connect-to, at another address than the host their URL names: see the summary below."
                    }
                }
                h2 { "Summary" }
                table.facts {
                    tbody {
                        tr { th { "Environment" } td { (m.environment) } }
                        tr { th { "AWS account" } td { (m.account_id.as_deref().unwrap_or("(none)")) } }
                        tr { th { "Caller" } td { code { (m.caller_arn.as_deref().unwrap_or("(none)")) } } }
                        tr { th { "Region(s)" } td { (m.regions.join(", ")) } }
                        @if let Some(e) = &m.endpoint {
                            tr { th { "Endpoint" } td { code { (e) } " (not AWS's own: an emulator or proxy)" } }
                        }
                        @if !m.connect_to.is_empty() {
                            tr { th { "Connected through --connect-to" } td {
                                @for (n, (from, to)) in m.connect_to.iter().enumerate() {
                                    @if n > 0 { br; }
                                    code { (from) } " → " code { (to) }
                                }
                                br; small { "These HTTP(S) endpoints were reached at another address than the host their URL names (the request, TLS server name and certificate check were the URL's)." }
                            } }
                        }
                        tr { th { "Observed at" } td { (m.observed_at) } }
                        tr { th { "Evidence collected" } td { (m.started_at) " to " (m.finished_at) } }
                        tr { th { "Run id" } td { code { (m.run_id) } } }
                        tr { th { "Tool" } td { (m.tool) " " (m.tool_version) } }
                        tr { th { "Source" } td {
                            @match &m.source.snapshot_file {
                                Some(f) => { "saved snapshot " code { (f.path) } br; small { "SHA-256 " code { (f.sha256) } } }
                                None => { "live observation" }
                            }
                        } }
                        tr { th { "Spec files" } td {
                            @for (n, f) in m.spec.files.iter().enumerate() {
                                @if n > 0 { br; }
                                code { (f.path) } br; small { "SHA-256 " code { (f.sha256) } }
                            }
                        } }
                        tr { th { "Raw AWS responses" } td {
                            @if m.raw_responses.included { (m.raw_responses.calls) " files. " }
                            (m.raw_responses.note)
                        } }
                    }
                }
                h2 { "Checks by control" }
                @if groups.is_empty() {
                    p.meta { "The spec maps no check to a control (`controls:`); every check is listed below." }
                }
                @for (ctl, rows) in &groups {
                    h3 { "Control " (ctl) }
                    (check_table(p, rows))
                }
                @if !unmapped.is_empty() {
                    h3 { "Not mapped to a control" }
                    (check_table(p, &unmapped))
                }
                h2 { "Raw AWS responses" }
                @if p.raw.is_empty() {
                    p { (m.raw_responses.note) }
                } @else {
                    p.meta { "One file per API call attempt, with the request (method, URI, body; no headers, so no credentials) and the response as AWS sent it." }
                    table {
                        thead { tr { th { "file" } th { "call" } th { "region" } th { "HTTP" } th { "request id" } th { "sent at" } } }
                        tbody {
                            @for (name, c) in p.raw {
                                tr {
                                    td { a href=(name) { (name) } }
                                    td { code { (c.action.clone().unwrap_or_else(|| c.key())) } @if c.attempt > 1 { " (attempt " (c.attempt) ")" } }
                                    td { (c.region.as_deref().unwrap_or("")) }
                                    td { @if let Some(resp) = &c.response { (resp.status) } @else { (c.error.as_deref().unwrap_or("no response")) } }
                                    td { code { (c.response.as_ref().and_then(|r| r.request_id.as_deref()).unwrap_or("")) } }
                                    td { (c.sent_at) }
                                }
                            }
                        }
                    }
                }
                @if p.has_http {
                    p.meta { (super::HTTP_NOTE) }
                }
                h2 { "Verifying this bundle" }
                p {
                    "manifest.json lists the SHA-256 of every other file of this bundle. "
                    code { "infra-verify evidence verify BUNDLE" }
                    " recomputes them and names any file altered, added or removed; with "
                    code { "--pubkey FILE" }
                    " it also checks manifest.sig, the ed25519 signature of manifest.json. Without infra-verify: "
                    code { "sha256sum" } " each file, and "
                    code { "openssl pkeyutl -verify -pubin -inkey KEY.pub.pem -rawin -in manifest.json -sigfile manifest.sig" }
                    "."
                }
            }
        }
    };
    markup.into_string()
}
