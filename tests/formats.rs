//! Every output format, snapshot-tested (insta) from the bundled fixture.

use std::path::Path;

use infra_verify::evaluate::{evaluate, Combined, Report, Status};
use infra_verify::output::{render_all_to_string, render_to_string, Format};
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

#[test]
fn sarif() {
    insta::assert_snapshot!(render_to_string(Format::Sarif, &report()));
    insta::assert_snapshot!(
        "sarif_every_status",
        render_to_string(Format::Sarif, &report_with_every_status())
    );
}

/// What a SARIF consumer (GitHub code scanning) needs: version and schema, rules with unique ids
/// that every result references by id and index, and a file and line for every result; one
/// result per check that did not pass, at the level its status calls for.
fn assert_sarif_is_consumable(text: &str, reports: &[&Report]) {
    let v: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(
        runs.len(),
        1,
        "one run, whatever the number of environments"
    );
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "infra-verify");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            let text = r[key]["text"].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "rule {} has no {key}", r["id"]);
        }
    }
    let results = runs[0]["results"].as_array().expect("results");
    let not_passing: Vec<(&str, &infra_verify::evaluate::Check)> = reports
        .iter()
        .flat_map(|r| {
            r.checks
                .iter()
                .filter(|c| c.status != Status::Pass)
                .map(|c| (r.environment.as_str(), c))
        })
        .collect();
    assert_eq!(
        results.len(),
        not_passing.len(),
        "one result per check that did not pass"
    );
    let mut referenced = std::collections::BTreeSet::new();
    for (res, (env, check)) in results.iter().zip(&not_passing) {
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            res["ruleId"], ids[index],
            "ruleId and ruleIndex agree: {res}"
        );
        assert_eq!(res["ruleId"], format!("{}/{}", check.kind, check.attribute));
        referenced.insert(index);
        let level = if check.status == Status::Error {
            "warning"
        } else {
            "error"
        };
        assert_eq!(res["level"], level, "{res}");
        assert_eq!(res["properties"]["check"], check.id.as_str());
        assert_eq!(res["properties"]["environment"], *env);
        let locations = res["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert_eq!(uri, check.location.file.trim_start_matches("./"));
        let line = physical["region"]["startLine"].as_u64().expect("startLine");
        assert!(line >= 1);
        assert_eq!(line, check.location.line);
        assert!(!res["partialFingerprints"]["infraVerifyCheck/v1"]
            .as_str()
            .unwrap_or_default()
            .is_empty());
    }
    assert_eq!(
        referenced.len(),
        rules.len(),
        "every rule is referenced by a result"
    );
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let r = report();
    assert_sarif_is_consumable(&render_to_string(Format::Sarif, &r), &[&r]);
    let e = report_with_every_status();
    assert_sarif_is_consumable(&render_to_string(Format::Sarif, &e), &[&e]);
    // The fixture's failures point at the lines of specs/staging.yaml that state them.
    let spec = std::fs::read_to_string("specs/staging.yaml").expect("spec");
    let check = r
        .checks
        .iter()
        .find(|c| c.id == "rds_instance/dorami-staging/backup_retention_period")
        .expect("check");
    let line = spec
        .lines()
        .nth(check.location.line as usize - 1)
        .expect("line");
    assert!(
        line.trim_start()
            .starts_with("backup_retention_period: { at_least: 7"),
        "{line}"
    );
    let all = combined();
    let reports: Vec<&Report> = all.environments.iter().collect();
    let text = render_all_to_string(Format::Sarif, &all);
    assert_sarif_is_consumable(&text, &reports);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        v["runs"][0]["properties"],
        serde_json::json!({"environments": ["staging", "test"], "outcome": "not_ready"})
    );
}

#[test]
fn github() {
    insta::assert_snapshot!(render_to_string(Format::Github, &report()));
    insta::assert_snapshot!(
        "github_every_status",
        render_to_string(Format::Github, &report_with_every_status())
    );
}

#[test]
fn github_annotates_every_check_that_did_not_pass_at_its_spec_line() {
    let r = report_with_every_status();
    let text = render_to_string(Format::Github, &r);
    let lines: Vec<&str> = text.lines().collect();
    let annotations: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::"))
        .collect();
    let not_passing: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    assert_eq!(annotations.len(), not_passing.len());
    for (line, c) in annotations.iter().zip(&not_passing) {
        let command = if c.status == Status::Error {
            "::warning "
        } else {
            "::error "
        };
        assert!(line.starts_with(command), "{line}");
        let (props, message) = line[2..].split_once("::").expect("properties::message");
        assert_eq!(
            props.split_once(' ').map(|p| p.1),
            Some(
                format!(
                    "file={},line={},col={},title=infra-verify test%3A {}",
                    c.location.file,
                    c.location.line,
                    c.location.column,
                    c.id.replace(':', "%3A").replace(',', "%2C")
                )
                .as_str()
            )
        );
        assert!(
            message.ends_with(&c.message.replace('%', "%25")),
            "{message}"
        );
    }
    assert_eq!(
        lines.last().copied(),
        Some("infra-verify test: NOT READY: 8 checks: 4 passed, 1 failed, 2 missing, 1 errors")
    );
    // A value with a newline cannot start a workflow command of its own.
    let mut hostile = report_with_every_status();
    hostile.checks[1].message = "found x\n::add-mask::y, 100%".into();
    let text = render_to_string(Format::Github, &hostile);
    assert!(!text.contains("\n::add-mask"), "{text}");
    assert!(text.contains("found x%0A::add-mask::y, 100%25"), "{text}");
}

/// The fixture report and the every-status one, as two environments of one run.
fn combined() -> Combined {
    Combined::new(vec![report(), report_with_every_status()])
}

/// A ready environment and an unverified one.
fn combined_small() -> Combined {
    let spec = spec::from_str(
        Path::new("specs/a.yaml"),
        "version: 1\nenvironment: alpha\nresources:\n  - kind: s3_bucket\n    id: b\n    expect: { versioning: Enabled }\n",
    )
    .expect("spec");
    let snapshot = |env: &str, status: &str| {
        Snapshot::from_json(
            "inline",
            &format!(
                r#"{{"snapshot_version": 1,
                "metadata": {{"tool": "infra-verify", "tool_version": "0.1.0", "taken_at": "2026-01-02T03:04:05Z",
                             "environment": "{env}", "account_id": "111122223333", "region": "ap-northeast-2", "caller_arn": null}},
                "resources": [{status}]}}"#
            ),
        )
        .expect("snapshot")
    };
    let alpha = evaluate(
        &spec,
        &snapshot(
            "alpha",
            r#"{"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Enabled"}}"#,
        ),
    );
    let spec = spec::from_str(
        Path::new("specs/베타, v2.yaml"),
        "version: 1\nenvironment: beta\nresources:\n  - kind: s3_bucket\n    id: b\n    expect: { versioning: Enabled }\n",
    )
    .expect("spec");
    let beta = evaluate(
        &spec,
        &snapshot(
            "beta",
            r#"{"kind": "s3_bucket", "id": "b", "status": "error", "error": "throttled"}"#,
        ),
    );
    Combined::new(vec![alpha, beta])
}

#[test]
fn several_environments_in_every_format() {
    let small = combined_small();
    assert_eq!(small.outcome, infra_verify::evaluate::Outcome::Unverified);
    insta::assert_snapshot!("human_all", render_all_to_string(Format::Human, &small));
    insta::assert_snapshot!(
        "markdown_all",
        render_all_to_string(Format::Markdown, &small)
    );
    insta::assert_snapshot!("github_all", render_all_to_string(Format::Github, &small));
    insta::assert_snapshot!("junit_all", render_all_to_string(Format::Junit, &small));
    // JSON: the outcome, then each environment's report exactly as it is alone.
    let all = combined();
    let v: serde_json::Value =
        serde_json::from_str(&render_all_to_string(Format::Json, &all)).expect("json");
    assert_eq!(
        v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["outcome".to_string(), "environments".to_string()])
    );
    assert_eq!(v["outcome"], "not_ready");
    for (i, r) in all.environments.iter().enumerate() {
        let alone: serde_json::Value =
            serde_json::from_str(&render_to_string(Format::Json, r)).expect("json");
        assert_eq!(v["environments"][i], alone);
    }
    // JUnit: well-formed, every check of every environment once, suites named by environment.
    let xml = render_all_to_string(Format::Junit, &all);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let total: usize = all.environments.iter().map(|r| r.checks.len()).sum();
    assert_eq!(
        doc.root_element().attribute("tests"),
        Some(total.to_string().as_str())
    );
    assert!(doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .all(|n| {
            let name = n.attribute("name").unwrap_or_default();
            name.starts_with("staging: ") || name.starts_with("test: ")
        }));
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
        "Baseline 2026-11-21T02:00:00Z (71 of 74 checks passed) → now 2026-11-22T02:00:00Z (63 of 74), account 123456789012.",
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
        "71 / 74",
        "63 / 74",
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
