//! Every output format, snapshot-tested (insta) from the bundled fixture.

use std::path::Path;

use infra_verify::evaluate::{evaluate, Report};
use infra_verify::output::{render_to_string, Format};
use infra_verify::snapshot::Snapshot;
use infra_verify::spec;

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
