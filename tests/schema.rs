//! The JSON Schema of specs (docs/spec.schema.json), as an editor uses it: every bundled spec is
//! valid under it, and mistakes `validate` refuses are refused by the schema too (a misspelled
//! attribute, a value of the wrong type, a matcher on a type it does not apply to).

use serde_json::Value;

fn schema() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/spec.schema.json"
    ))
    .expect("docs/spec.schema.json");
    serde_json::from_str(&text).expect("JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema()).expect("a draft-07 schema")
}

/// YAML read as `validate` reads it (the same parser), as JSON.
fn yaml_json(text: &str) -> Value {
    infra_verify::yaml::parse(text)
        .map(|node| node.to_json())
        .unwrap_or_else(|e| panic!("YAML: {}", e.message))
}

/// Every error the schema reports for a spec, as `path: message`.
fn errors(text: &str) -> Vec<String> {
    let instance = yaml_json(text);
    validator()
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn spec(resources: &str) -> String {
    format!("version: 1\nenvironment: staging\nresources:\n{resources}")
}

#[test]
fn the_schema_is_valid_draft_07() {
    let s = schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(jsonschema::draft7::meta::is_valid(&s));
}

#[test]
fn every_bundled_spec_is_valid_under_the_schema() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(dir).expect("specs/").flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let instance = yaml_json(&text);
        let problems: Vec<String> = validator()
            .iter_errors(&instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        // The editor finds the schema through the modeline at the top of the file.
        assert!(
            text.starts_with("# yaml-language-server: $schema=../docs/spec.schema.json\n"),
            "{} lacks the schema line",
            path.display()
        );
        checked.push(path);
    }
    // base, staging, production, ticketing-production, group-production, learning-saas,
    // ai-marketplace, group-web.
    assert!(checked.len() >= 8, "{checked:?}");
}

#[test]
fn a_misspelled_attribute_is_flagged() {
    let e = errors(&spec(
        "  - kind: rds_instance\n    id: db\n    expect:\n      multi_azz: false\n",
    ));
    assert!(
        e.iter()
            .any(|e| e.starts_with("/resources/0/expect: ") && e.contains("multi_azz")),
        "{e:#?}"
    );
    // An attribute of another kind is no attribute of this one.
    let e = errors(&spec(
        "  - kind: s3_bucket\n    id: b\n    expect: { instance_class: db.t3.micro }\n",
    ));
    assert!(e.iter().any(|e| e.contains("instance_class")), "{e:#?}");
}

#[test]
fn a_misspelled_key_or_kind_is_flagged() {
    let e = errors(&spec(
        "  - kind: rds_instance\n    id: db\n    expects: {}\n",
    ));
    assert!(e.iter().any(|e| e.contains("expects")), "{e:#?}");
    let e = errors(&spec("  - kind: rds_instanse\n    id: db\n"));
    assert!(
        e.iter()
            .any(|e| e.starts_with("/resources/0/kind: ") && e.contains("rds_instanse")),
        "{e:#?}"
    );
    let e = errors("version: 1\nenvironment: staging\nawz: {}\n");
    assert!(e.iter().any(|e| e.contains("awz")), "{e:#?}");
    let e = errors("version: 1\nenvironment: staging\naws: { regoin: us-east-1 }\n");
    assert!(e.iter().any(|e| e.contains("regoin")), "{e:#?}");
}

#[test]
fn a_value_of_the_wrong_type_is_flagged() {
    for (attr, value) in [
        ("allocated_storage", "twenty"),
        ("multi_az", "\"no\""),
        ("engine_version", "16.4"),
        ("vpc_security_group_ids", "{ a: b }"),
    ] {
        let e = errors(&spec(&format!(
            "  - kind: rds_instance\n    id: db\n    expect:\n      {attr}: {value}\n"
        )));
        assert!(
            e.iter()
                .any(|e| e.starts_with(&format!("/resources/0/expect/{attr}"))),
            "{attr}: {value}: {e:#?}"
        );
    }
}

#[test]
fn a_matcher_on_a_type_it_does_not_apply_to_is_flagged() {
    for (attr, matcher) in [
        ("engine", "{ at_least: 5 }"),                 // at_least on a string
        ("allocated_storage", "{ matches: '^2' }"),    // matches on an integer
        ("multi_az", "{ contains: true }"),            // contains on a bool
        ("engine", "{ subset_of: [a] }"),              // subset_of on a string
        ("allocated_storage", "{ at_least: \"20\" }"), // a bound that is no number
        ("engine", "{ item: \"only an item\" }"),      // no matcher at all
        ("engine", "{ equals: postgres, severity: urgent }"),
    ] {
        let e = errors(&spec(&format!(
            "  - kind: rds_instance\n    id: db\n    expect:\n      {attr}: {matcher}\n"
        )));
        assert!(
            e.iter()
                .any(|e| e.starts_with(&format!("/resources/0/expect/{attr}"))),
            "{attr}: {matcher}: {e:#?}"
        );
    }
}

#[test]
fn resource_rules_the_schema_can_express_are_enforced() {
    for resources in [
        // Neither id nor select; both.
        "  - kind: rds_instance\n",
        "  - kind: rds_instance\n    id: a\n    select: { tags: { Env: x } }\n",
        // count without select.
        "  - kind: rds_instance\n    id: a\n    count: 1\n",
        // select on a kind that cannot be selected.
        "  - kind: lb_listener\n    select: { tags: { Env: x } }\n",
        // regions on a global kind; region and regions.
        "  - kind: s3_bucket\n    id: b\n    regions: all\n",
        "  - kind: rds_instance\n    id: a\n    region: us-east-1\n    regions: all\n",
        // exists: false with expectations.
        "  - kind: rds_instance\n    id: a\n    exists: false\n    expect: { multi_az: true }\n",
        // An id that is no URL, a web ACL without its scope.
        "  - kind: http_endpoint\n    id: example.com/health\n",
        "  - kind: waf_web_acl\n    id: my-acl\n",
        // A region that is no region name.
        "  - kind: rds_instance\n    id: a\n    region: Seoul\n",
    ] {
        assert!(
            !errors(&spec(resources)).is_empty(),
            "accepted:\n{resources}"
        );
    }
    // And what is right passes.
    for resources in [
        "  - kind: rds_instance\n    select: { tags: { Env: x } }\n    count: { at_least: 2 }\n",
        "  - kind: metric_alarm\n    select: { namespace: AWS/ECS, dimensions: { ServiceName: web } }\n    count: 1\n",
        "  - kind: rds_instance\n    id: a\n    exists: false\n",
        "  - kind: rds_instance\n    id: a\n    regions: [us-east-1]\n    severity: high\n    controls: X-1\n",
        "  - kind: rds_instance\n    id: a\n    expect:\n      kms_key_id: null\n      tags: { Environment: staging }\n      vpc_security_group_ids: { contains: sg-1, item: \"SG\" }\n      backup_retention_period: { at_least: 7, at_most: 35 }\n",
        "  - kind: security_group\n    id: web\n    expect:\n      world_open_ports: { subset_of: [\"80\", \"443\"] }\n      ingress: { contains: { from_port: 443 } }\n      port_sources: { contains: { \"5432\": sg-x } }\n",
        "  - kind: http_endpoint\n    id: https://example.com/health\n    expect: { status: { one_of: [200, 204] }, body: { matches: ok } }\n",
    ] {
        let e = errors(&spec(resources));
        assert!(e.is_empty(), "refused:\n{resources}{e:#?}");
    }
    // A spec that extends a base may leave `version` out; one that does not may not.
    assert!(errors("extends: base.yaml\nenvironment: staging\n").is_empty());
    assert!(!errors("environment: staging\n").is_empty());
}

/// What the schema refuses, `validate` refuses too (the schema is never stricter than the
/// authority on these cases), and the other way round for what it accepts.
#[test]
fn the_schema_and_validate_agree_on_these_cases() {
    let cases = [
        ("  - kind: rds_instance\n    id: a\n    expect: { engine: { at_least: 5 } }\n", false),
        ("  - kind: rds_instance\n    id: a\n    expect: { multi_azz: true }\n", false),
        ("  - kind: rds_instance\n    id: a\n    expect: { tags: { equals: x } }\n", false),
        ("  - kind: rds_instance\n    id: a\n    expect: { tags: { contains: { A: b } } }\n", true),
        ("  - kind: rds_instance\n    id: a\n    expect: { iops: null, engine: { one_of: [postgres, null] } }\n", true),
        ("  - kind: rds_cluster\n    id: a\n    expect: { serverless_v2_min_capacity: 0.5 }\n", true),
        ("  - kind: rds_instance\n    id: a\n    expect: { allocated_storage: 0.5 }\n", false),
    ];
    for (resources, ok) in cases {
        let text = spec(resources);
        let by_schema = errors(&text).is_empty();
        let by_validate =
            infra_verify::spec::from_str(std::path::Path::new("case.yaml"), &text).is_ok();
        assert_eq!(by_schema, ok, "schema on:\n{resources}{:#?}", errors(&text));
        assert_eq!(by_validate, ok, "validate on:\n{resources}");
    }
}
