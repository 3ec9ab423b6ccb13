//! Every output format, snapshot-tested (insta) from the bundled fixture.

use std::path::Path;

use infra_verify::evaluate::{evaluate, Report};
use infra_verify::output::{render_to_string, Format};
use infra_verify::snapshot::Snapshot;
use infra_verify::spec;

#[path = "support/browser.rs"]
mod browser;

fn report() -> Report {
    let spec = spec::load(Path::new("specs/staging.yaml")).expect("spec");
    let snap = Snapshot::load(Path::new("fixtures/staging.snapshot.json")).expect("fixture");
    evaluate(&spec, &snap)
}

/// A report with every status, for the formats' handling of missing and error.
fn report_with_every_status() -> Report {
    let spec = spec::from_str(
        Path::new("t.yaml"),
        "version: 1\nenvironment: test\nresources:\n  - kind: rds_instance\n    id: db\n    item: \"DB | created\"\n    controls: [C-1]\n    expect: { multi_az: true, engine: postgres }\n  - kind: s3_bucket\n    id: gone\n    expect: { versioning: Enabled }\n  - kind: s3_bucket\n    id: denied\n    expect: { versioning: Enabled, tags: { contains: { Env: \"<test>\" } } }\n",
    )
    .expect("spec");
    let snap = Snapshot::from_json(
        "inline",
        r#"{"snapshot_version": 1,
            "metadata": {"tool": "infra-verify", "tool_version": "0.1.0", "taken_at": "2026-01-02T03:04:05Z",
                         "environment": "test", "account_id": "123456789012", "region": "ap-northeast-2", "caller_arn": null},
            "resources": [
              {"kind": "rds_instance", "id": "db", "status": "present", "attributes": {"multi_az": false, "engine": "postgres"}},
              {"kind": "s3_bucket", "id": "gone", "status": "absent"},
              {"kind": "s3_bucket", "id": "denied", "status": "present", "attributes": {"tags": {"Env": "<test>"}},
               "errors": {"versioning": "access denied: the caller may not call `s3:GetBucketVersioning` (AccessDenied: no)"}}
            ]}"#,
    )
    .expect("snapshot");
    evaluate(&spec, &snap)
}

#[test]
fn human() {
    insta::assert_snapshot!(render_to_string(Format::Human, &report()));
    insta::assert_snapshot!(
        "human_every_status",
        render_to_string(Format::Human, &report_with_every_status())
    );
}

#[test]
fn human_colour_only_when_asked() {
    let mut buf = Vec::new();
    Format::Human
        .renderer()
        .render(&report(), &mut buf, true)
        .expect("render");
    let coloured = String::from_utf8(buf).expect("utf-8");
    assert!(
        coloured.contains("\u{1b}["),
        "no ANSI codes with color = true"
    );
    assert!(!render_to_string(Format::Human, &report()).contains('\u{1b}'));
}

#[test]
fn json() {
    let text = render_to_string(Format::Json, &report());
    insta::assert_snapshot!(text);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for key in ["environment", "summary", "checks"] {
        assert!(v.get(key).is_some(), "missing top-level {key}");
    }
    for c in v["checks"].as_array().expect("checks") {
        for key in [
            "id",
            "kind",
            "resource",
            "attribute",
            "status",
            "expected",
            "actual",
            "message",
        ] {
            assert!(c.get(key).is_some(), "check without {key}: {c}");
        }
    }
    insta::assert_snapshot!(
        "json_every_status",
        render_to_string(Format::Json, &report_with_every_status())
    );
}

#[test]
fn junit() {
    let text = render_to_string(Format::Junit, &report());
    insta::assert_snapshot!(text);
    insta::assert_snapshot!(
        "junit_every_status",
        render_to_string(Format::Junit, &report_with_every_status())
    );
}

#[test]
fn junit_is_well_formed_xml_with_one_testcase_per_check() {
    let r = report_with_every_status();
    let text = render_to_string(Format::Junit, &r);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), r.checks.len());
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    let errors = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    assert_eq!(failures, r.summary.fail + r.summary.missing);
    assert_eq!(errors, r.summary.error);
    assert_eq!(
        root.attribute("tests"),
        Some(r.checks.len().to_string().as_str())
    );
}

#[test]
fn markdown() {
    insta::assert_snapshot!(render_to_string(Format::Markdown, &report()));
    insta::assert_snapshot!(
        "markdown_every_status",
        render_to_string(Format::Markdown, &report_with_every_status())
    );
}

// The headless-Chromium harness the HTML reports are tested with (tests/support/browser.rs).

#[test]
fn browser_visible_text_is_what_a_reader_sees() {
    let html = r#"<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>not body text</title>
<style>.gone { display: none; } .shout { text-transform: uppercase; }</style></head>
<body>
<h1>Drift report</h1>
<p>Visible &amp; kept: <b>&lt;staging&gt;</b> 스테이징</p>
<div style="display:none">hidden inline</div>
<p class="gone">hidden by class</p>
<p hidden>hidden attribute</p>
<p class="shout">loud</p>
<p id="added"></p>
<script>
document.getElementById("added").textContent = "added by script";
window.addEventListener("load", function () {
  document.body.appendChild(document.createElement("p")).textContent = "added on load";
});
</script>
</body></html>"#;
    let text = browser::visible_text(html);
    for shown in [
        "Drift report",
        "Visible & kept: <staging> 스테이징",
        "LOUD",
        "added by script",
        "added on load",
    ] {
        assert!(text.contains(shown), "{shown:?} not visible in {text:?}");
    }
    for hidden in ["hidden", "not body text", "getElementById", ".gone"] {
        assert!(!text.contains(hidden), "{hidden:?} visible in {text:?}");
    }
    assert_eq!(
        text,
        "Drift report\n\nVisible & kept: <staging> 스테이징\n\nLOUD\n\nadded by script\n\nadded on load"
    );
}

#[test]
fn browser_renders_a_page_that_forbids_scripts_as_is() {
    // A strict Content-Security-Policy blocks the page's own script, not the harness.
    let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
</head><body><p>static</p><script>document.write("blocked")</script></body></html>"#;
    assert_eq!(browser::visible_text(html), "static");
}

#[test]
fn browser_prints_to_pdf() {
    let len = browser::pdf_len("<!DOCTYPE html><title>r</title><h1>Evidence</h1><p>printable</p>");
    assert!(len > 1000, "a {len}-byte PDF");
}

#[test]
fn browser_flags_external_assets() {
    browser::assert_no_external_assets(
        r##"<link href="#top"><img src="data:image/png;base64,AAAA" srcset="a.png 1x, b.png 2x">
<a href="mailto:ops@example.com">mail</a><style>body { background: url('bg.png') }</style>"##,
    );
    let found = browser::external_references(
        r#"<script src="https://cdn.example.com/x.js"></script>
<link rel=stylesheet href=//fonts.example.com/f.css>
<img srcset="a.png 1x, HTTP://img.example.com/b.png 2x">
<style>@import "https://x.example.com/i.css"; div { background: url( "http://x.example.com/bg.png" ) }</style>
<a href=" \\evil.example.com/">x</a>"#,
    );
    assert_eq!(
        found,
        [
            r#"src="https://cdn.example.com/x.js""#,
            r#"href="//fonts.example.com/f.css""#,
            r#"srcset="a.png 1x, HTTP://img.example.com/b.png 2x""#,
            r#"href=" \\evil.example.com/""#,
            r#"url(http://x.example.com/bg.png)"#,
            r#"@import "https://x.example.com/i.css""#,
        ],
        "{found:#?}"
    );
    let caught = std::panic::catch_unwind(|| {
        browser::assert_no_external_assets(r#"<img src="https://example.com/a.png">"#)
    });
    assert!(caught.is_err(), "an external image passed");
}

// The drift report's formats, from the fixture pair (fixtures/drift/generate.py), with a history
// of three accepted baselines and now.

fn drift_report() -> infra_verify::drift::DriftReport {
    use infra_verify::drift;
    let spec = spec::load(Path::new("specs/staging.yaml")).expect("spec");
    let base =
        Snapshot::load(Path::new("fixtures/drift/baseline.snapshot.json")).expect("baseline");
    let now = Snapshot::load(Path::new("fixtures/drift/current.snapshot.json")).expect("current");
    let mut older = base.clone();
    older.metadata.taken_at = "2026-11-20T02:00:00Z".into();
    let mut report =
        drift::compare(&spec, &base, &now, drift::DriftOptions::default()).expect("compare");
    report.history = drift::history(&spec, &[&older, &base, &now]);
    report
}

fn drift_text(format: infra_verify::output::drift::DriftFormat) -> String {
    infra_verify::output::drift::render_to_string(format, &drift_report())
}

#[test]
fn drift_human() {
    use infra_verify::output::drift::DriftFormat;
    insta::assert_snapshot!(drift_text(DriftFormat::Human));
}

#[test]
fn drift_json() {
    use infra_verify::output::drift::DriftFormat;
    let text = drift_text(DriftFormat::Json);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["outcome"], "broken");
    assert_eq!(v["summary"]["broke"], 5);
    insta::assert_snapshot!(text);
}

#[test]
fn drift_markdown() {
    use infra_verify::output::drift::DriftFormat;
    insta::assert_snapshot!(drift_text(DriftFormat::Markdown));
}

#[test]
fn drift_html() {
    use infra_verify::output::drift::DriftFormat;
    let html = drift_text(DriftFormat::Html);
    browser::assert_no_external_assets(&html);
    insta::assert_snapshot!(html);
}

/// What a reader of the drift page sees in a real browser: the verdict, every change, the
/// history; values that look like markup shown as text.
#[test]
fn drift_html_as_chromium_renders_it() {
    use infra_verify::output::drift::DriftFormat;
    let mut report = drift_report();
    report.attribute_changes[1].after = serde_json::json!("<script>document.title='x'</script>7.1");
    let html = infra_verify::output::drift::render_to_string(DriftFormat::Html, &report);
    let text = browser::visible_text(&html);
    for expected in [
        "Drift: staging",
        "DRIFT BROKE CHECKS: 5 broke, 1 recovered, 4 other verdict changes, 4 attribute changes, 1 appeared, 1 disappeared, 1 not observed now (3 changes ignored)",
        "Baseline 2026-11-21T02:00:00Z (66 of 69 checks passed) → now 2026-11-22T02:00:00Z (58 of 69), account 123456789012.",
        "rds_instance/dorami-staging/backup_retention_period",
        "☐ Staging RDS > Backups kept 7 days",
        "at least 7",
        "elasticache_cluster/dorami-staging-redis",
        "<script>document.title='x'</script>7.1",
        "Appeared",
        "s3_bucket/dorami-staging-db-dump",
        "Disappeared",
        "ecr_repository/dorami-backend",
        "Not observed now (drift unknown)",
        "History",
        "2026-11-20T02:00:00Z",
        "checks passed",
        "66 / 69",
        "58 / 69",
        "ecs_service/*/desired_count",
    ] {
        assert!(text.contains(expected), "the page does not show {expected:?}:\n{text}");
    }
    // The history has one row per check that did not pass at some point, one column per run.
    let row = text
        .lines()
        .find(|l| l.starts_with("rds_instance/dorami-staging/backup_retention_period\t"))
        .unwrap_or_else(|| panic!("no history row for the backups check:\n{text}"));
    assert_eq!(
        row,
        "rds_instance/dorami-staging/backup_retention_period\tpass\tpass\tfail"
    );
    assert!(browser::pdf_len(&html) > 1000, "printable to PDF");
}
