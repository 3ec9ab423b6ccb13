//! One test per validation error: the message and its line:column.

use std::path::Path;

use super::*;

fn errors(text: &str) -> Vec<String> {
    match from_str(Path::new("t.yaml"), text) {
        Ok(_) => Vec::new(),
        Err(SpecError::Invalid(diags)) => diags
            .iter()
            .map(|d| match d.pos {
                Some(p) => format!("{p}: {}", d.message),
                None => d.message.clone(),
            })
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

fn one_resource(expect: &str) -> String {
    format!("version: 1\nenvironment: staging\nresources:\n  - kind: rds_instance\n    id: db\n    expect:\n{expect}")
}

#[test]
fn valid_spec_loads_with_every_matcher() {
    let spec = from_str(
        Path::new("t.yaml"),
        &one_resource(
            "      instance_class: db.t3.micro\n      allocated_storage: { at_least: 20, at_most: 100 }\n      \
             storage_type: { one_of: [gp3, io2] }\n      engine_version: { matches: '^16\\.' }\n      \
             vpc_security_group_ids: { contains: sg-1 }\n      tags: { contains: { Env: staging } }\n      \
             multi_az: { equals: false, item: \"Multi-AZ: No\", severity: high, controls: [C1] }\n",
        ),
    )
    .expect("valid");
    let r = &spec.resources[0];
    assert_eq!(r.key(), "rds_instance/db");
    assert_eq!(r.expectations.len(), 7);
    let multi_az = &r.expectations[6];
    assert_eq!(multi_az.item.as_deref(), Some("Multi-AZ: No"));
    assert_eq!(multi_az.expected, serde_json::json!(false));
    assert_eq!(
        r.expectations[1].expected,
        serde_json::json!({"at_least": 20, "at_most": 100})
    );
    assert_eq!(r.expectations[1].matchers.len(), 2);
}

#[test]
fn unknown_kind_suggests_the_closest() {
    assert_eq!(
        errors("version: 1\nenvironment: s\nresources:\n  - kind: rds_instanse\n    id: a\n"),
        ["4:11: unknown resource kind `rds_instanse`; did you mean `rds_instance`? (see `infra-verify kinds`)"]
    );
}

#[test]
fn unknown_attribute_suggests_the_closest() {
    assert_eq!(
        errors(&one_resource("      multi_azz: false\n")),
        ["7:7: unknown attribute `multi_azz` for kind `rds_instance`; did you mean `multi_az`? (see `infra-verify kinds rds_instance`)"]
    );
}

#[test]
fn wrong_value_type_names_both_types() {
    assert_eq!(
        errors(&one_resource("      allocated_storage: twenty\n")),
        ["7:26: `allocated_storage` expected an integer, found a string"]
    );
    assert_eq!(
        errors(&one_resource("      engine_version: 16.4\n")),
        ["7:23: `engine_version` expected a string, found a number (quote it: \"16.4\")"]
    );
    assert_eq!(
        errors(&one_resource("      multi_az: \"no\"\n")),
        ["7:17: `multi_az` expected a bool, found a string (write true or false without quotes)"]
    );
}

#[test]
fn unknown_matcher_suggests_the_closest() {
    assert_eq!(
        errors(&one_resource("      backup_retention_period: { at_leat: 7 }\n")),
        ["7:34: unknown matcher `at_leat`; did you mean `at_least`? (matchers: equals, at_least, at_most, one_of, matches, contains, subset_of)"]
    );
}

#[test]
fn matcher_not_applicable_to_the_attribute_type() {
    assert_eq!(
        errors(&one_resource("      instance_class: { at_least: 3 }\n")),
        ["7:35: `at_least` needs a numeric attribute, but `instance_class` is string"]
    );
    assert_eq!(
        errors(&one_resource("      multi_az: { matches: yes }\n")),
        ["7:28: `matches` needs a string attribute, but `multi_az` is bool"]
    );
    assert_eq!(
        errors(&one_resource("      multi_az: { contains: true }\n")),
        ["7:29: `contains` needs a list, string or map attribute, but `multi_az` is bool"]
    );
    assert_eq!(
        errors(&one_resource("      tags: { contains: [a] }\n")),
        ["7:25: `contains` on `tags` expected a mapping of strings, found a list"]
    );
    assert_eq!(
        errors(&one_resource("      engine: { subset_of: [postgres] }\n")),
        ["7:28: `subset_of` needs a list-of-strings attribute, but `engine` is string"]
    );
    assert_eq!(
        errors(&one_resource(
            "      vpc_security_group_ids: { subset_of: sg-1 }\n"
        )),
        ["7:44: `subset_of` expected a list of strings (every element of `vpc_security_group_ids` must be one of them), found a string"]
    );
    let spec = from_str(
        Path::new("t.yaml"),
        &one_resource("      vpc_security_group_ids: { subset_of: [sg-1, sg-2] }\n"),
    )
    .expect("valid");
    assert_eq!(spec.resources[0].expectations[0].matchers.len(), 1);
}

#[test]
fn bad_matcher_values() {
    assert_eq!(
        errors(&one_resource(
            "      allocated_storage: { at_most: lots }\n"
        )),
        ["7:37: `at_most` expected a number, found a string"]
    );
    assert_eq!(
        errors(&one_resource("      storage_type: { one_of: gp3 }\n")),
        ["7:31: `one_of` expected a non-empty list of values, found a string"]
    );
    assert_eq!(
        errors(&one_resource("      storage_type: { one_of: [gp3, 3] }\n")),
        ["7:37: one_of: `storage_type` expected a string, found an integer (quote it: \"3\")"]
    );
    assert_eq!(
        errors(&one_resource("      engine: { matches: \"(\" }\n")),
        ["7:26: `matches` is not a valid regular expression: error: unclosed group"]
    );
    assert_eq!(
        errors(&one_resource("      engine: { item: x }\n")),
        ["7:15: no matcher for `engine` (matchers: equals, at_least, at_most, one_of, matches, contains, subset_of)"]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let errs = errors(
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instanse\n    id: a\n  - kind: rds_instance\n    id: b\n    expect:\n      multi_azz: false\n      allocated_storage: \"twenty\"\n",
    );
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs[0].starts_with("4:11: unknown resource kind"));
    assert!(errs[1].starts_with("9:7: unknown attribute `multi_azz`"));
    assert!(errs[2].starts_with("10:26: `allocated_storage` expected an integer"));
}

#[test]
fn top_level_problems() {
    assert_eq!(
        errors("version: 2\nenvironment: staging\n"),
        ["1:10: unsupported spec version: expected `1`"]
    );
    assert_eq!(
        errors("version: 1\n"),
        ["1:1: missing `environment:` (e.g. `environment: staging`)"]
    );
    assert_eq!(
        errors("version: 1\nenvironment: staging\nresorces: []\n"),
        ["3:1: unknown field `resorces`; did you mean `resources`?"]
    );
    assert_eq!(
        errors("version: 1\nenvironment: \"my env\"\n"),
        ["2:14: expected an environment name of letters, digits, `-` and `_` (e.g. `staging`)",]
    );
    assert_eq!(
        errors("environment: staging\n"),
        ["1:1: missing `version: 1`"]
    );
    assert_eq!(
        errors("- a\n"),
        ["1:1: expected a mapping with `version`, `environment`, `resources`, found a list"]
    );
}

#[test]
fn aws_block_problems() {
    assert_eq!(
        errors("version: 1\nenvironment: s\naws: { regoin: x }\n"),
        [
            "3:8: unknown field `aws.regoin`; did you mean `aws.region`?"
                .replace("`aws.region`", "`region`")
        ]
    );
    assert_eq!(
        errors("version: 1\nenvironment: s\naws: { account_id: 123456789012 }\n"),
        ["3:20: expected the account id as a quoted string (e.g. \"012345678901\"), found an integer"]
    );
    assert_eq!(
        errors("version: 1\nenvironment: s\naws: { account_id: \"1234\" }\n"),
        ["3:20: `account_id` must be 12 digits, found \"1234\""]
    );
    assert_eq!(
        errors("version: 1\nenvironment: s\naws: { role_arn: deployer }\n"),
        ["3:18: `role_arn` must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), found \"deployer\""]
    );
}

#[test]
fn resource_problems() {
    let head = "version: 1\nenvironment: s\nresources:\n";
    assert_eq!(
        errors(&format!("{head}  - id: a\n")),
        ["4:5: resource has no `kind:`"]
    );
    assert_eq!(
        errors(&format!("{head}  - kind: s3_bucket\n")),
        ["4:5: resource has no `id:` (or `select:` to choose resources by tags)"]
    );
    assert_eq!(
        errors(&format!(
            "{head}  - kind: s3_bucket\n    id: a\n    expext: {{}}\n"
        )),
        ["6:5: unknown resource field `expext`; did you mean `expect`?"]
    );
    assert_eq!(
        errors(&format!(
            "{head}  - kind: s3_bucket\n    id: a\n  - kind: s3_bucket\n    id: a\n"
        )),
        ["6:5: resource `s3_bucket/a` is declared twice (first at t.yaml:4:5)"]
    );
    assert_eq!(
        errors(&format!("{head}  - kind: s3_bucket\n    id: a\n    exists: false\n    expect: {{ versioning: Enabled }}\n")),
        ["4:5: a resource with `exists: false` cannot have attribute expectations"]
    );
    assert_eq!(
        errors(&format!(
            "{head}  - kind: s3_bucket\n    id: a\n    severity: urgent\n"
        )),
        ["6:15: `severity` expected one of low, medium, high, critical"]
    );
    assert_eq!(
        errors(&format!(
            "{head}  - kind: s3_bucket\n    id: a\n    exists: maybe\n"
        )),
        ["6:13: `exists` expected true, false or { equals, item }, found a string"]
    );
    assert_eq!(
        errors(&format!("{head}  - just-a-string\n")),
        ["4:5: expected a resource mapping with `kind`, `id` and `expect`, found a string"]
    );
}

#[test]
fn yaml_syntax_and_duplicate_keys() {
    let errs = errors("version: 1\nenvironment: staging\nenvironment: prod\n");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("3:1: invalid YAML: "), "{errs:?}");
    let errs = errors("version: 1\nresources: [\n");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].contains("invalid YAML"), "{errs:?}");
}

#[test]
fn exists_false_and_exists_in_expect() {
    let spec = from_str(
        Path::new("t.yaml"),
        "version: 1\nenvironment: s\nresources:\n  - kind: s3_bucket\n    id: a\n    exists: false\n  - kind: s3_bucket\n    id: b\n    expect: { exists: false }\n",
    )
    .expect("valid");
    assert!(spec.resources.iter().all(|r| !r.exists));
}

mod extends {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    #[test]
    fn overrides_values_and_merges_resources() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "base.yaml",
            "version: 1\naws: { region: ap-northeast-2, account_id: \"123456789012\" }\nresources:\n  - kind: rds_instance\n    id: db\n    controls: [A]\n    expect: { multi_az: false, storage_type: gp3 }\n  - kind: s3_bucket\n    id: gone\n    expect: { versioning: Enabled }\n",
        );
        let top = write(
            dir.path(),
            "prod.yaml",
            "version: 1\nenvironment: production\nextends: base.yaml\naws: { region: us-east-1 }\nresources:\n  - kind: rds_instance\n    id: db\n    expect: { multi_az: true }\n  - kind: s3_bucket\n    id: gone\n    exists: false\n",
        );
        let spec = load(&top).expect("valid");
        assert_eq!(spec.environment, "production");
        assert_eq!(spec.aws.region.as_deref(), Some("us-east-1"));
        assert_eq!(spec.aws.account_id.as_deref(), Some("123456789012"));
        assert_eq!(spec.files.len(), 2);
        let db = &spec.resources[0];
        assert_eq!(db.controls, ["A"]);
        let values: Vec<_> = db
            .expectations
            .iter()
            .map(|e| (e.attribute.name, e.expected.clone()))
            .collect();
        assert_eq!(
            values,
            [
                ("multi_az", serde_json::json!(true)),
                ("storage_type", serde_json::json!("gp3"))
            ]
        );
        assert!(!spec.resources[1].exists);
        assert!(spec.resources[1].expectations.is_empty());
    }

    #[test]
    fn a_base_outside_the_spec_directory_is_refused_and_never_read() {
        let outer = tempfile::tempdir().expect("tempdir");
        let specs = outer.path().join("specs");
        std::fs::create_dir_all(specs.join("common")).expect("mkdir");
        // A file outside whose content must never be quoted back.
        write(outer.path(), "secret.yaml", "password: hunter2\n");
        write(
            &specs,
            "up.yaml",
            "version: 1\nenvironment: a\nextends: ../secret.yaml\n",
        );
        write(
            &specs,
            "abs.yaml",
            &format!(
                "version: 1\nenvironment: a\nextends: {}\n",
                outer.path().join("secret.yaml").display()
            ),
        );
        for name in ["up.yaml", "abs.yaml"] {
            let Err(SpecError::Invalid(diags)) = load(&specs.join(name)) else {
                panic!("{name}: escape not refused")
            };
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert!(
                diags[0]
                    .message
                    .contains("points outside the spec's directory"),
                "{diags:?}"
            );
            assert!(!diags[0].message.contains("hunter2"));
            assert_eq!(
                diags[0].pos,
                Some(Pos {
                    line: 3,
                    column: 10
                })
            );
        }
        // A symlink inside that points outside is outside too.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("secret.yaml"), specs.join("link.yaml"))
                .expect("symlink");
            write(
                &specs,
                "via-link.yaml",
                "version: 1\nenvironment: a\nextends: link.yaml\n",
            );
            assert!(matches!(
                load(&specs.join("via-link.yaml")),
                Err(SpecError::Invalid(_))
            ));
        }
        // Subdirectories are inside.
        write(
            &specs.join("common"),
            "base.yaml",
            "version: 1\nresources: []\n",
        );
        write(
            &specs,
            "ok.yaml",
            "version: 1\nenvironment: a\nextends: common/base.yaml\nresources: []\n",
        );
        load(&specs.join("ok.yaml")).expect("a base in a subdirectory");
    }

    #[test]
    fn an_oversized_file_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("huge.yaml");
        let f = std::fs::File::create(&path).expect("create");
        // Sparse: 5 GiB on paper, nothing on disk; reading it would take the memory.
        f.set_len(5 * 1024 * 1024 * 1024).expect("set_len");
        let Err(SpecError::Invalid(diags)) = load(&path) else {
            panic!("huge file accepted")
        };
        assert_eq!(
            diags[0].message,
            "the file is 5368709120 bytes; a spec may be at most 1048576 bytes"
        );
    }

    #[test]
    fn cycle_and_missing_base_are_errors_with_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "a.yaml",
            "version: 1\nenvironment: a\nextends: b.yaml\n",
        );
        write(dir.path(), "b.yaml", "version: 1\nextends: a.yaml\n");
        let Err(SpecError::Invalid(diags)) = load(&dir.path().join("a.yaml")) else {
            panic!("cycle not detected")
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].file.ends_with("b.yaml"));
        assert_eq!(
            diags[0].pos,
            Some(Pos {
                line: 2,
                column: 10
            })
        );
        assert_eq!(diags[0].message, "`extends: a.yaml` forms a cycle");

        let top = write(
            dir.path(),
            "c.yaml",
            "version: 1\nenvironment: c\nextends: nope.yaml\n",
        );
        let Err(SpecError::Invalid(diags)) = load(&top) else {
            panic!("missing base not detected")
        };
        assert!(
            diags[0]
                .message
                .starts_with("`extends: nope.yaml`: no such file"),
            "{diags:?}"
        );
    }

    #[test]
    fn errors_in_a_base_name_the_base_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "base.yaml",
            "version: 1\nresources:\n  - kind: s3_buckit\n    id: x\n",
        );
        let top = write(
            dir.path(),
            "s.yaml",
            "version: 1\nenvironment: s\nextends: base.yaml\n",
        );
        let Err(SpecError::Invalid(diags)) = load(&top) else {
            panic!("error not reported")
        };
        assert!(diags[0].file.ends_with("base.yaml"));
        assert_eq!(
            diags[0].pos,
            Some(Pos {
                line: 3,
                column: 11
            })
        );
    }

    #[test]
    fn invalid_utf8_is_reported_with_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bad.yaml");
        std::fs::write(&p, b"version: 1\nenvironment: \xff\n").expect("write");
        let Err(SpecError::Invalid(diags)) = load(&p) else {
            panic!("invalid utf-8 accepted")
        };
        assert_eq!(
            diags[0].pos,
            Some(Pos {
                line: 2,
                column: 14
            })
        );
        assert_eq!(diags[0].message, "the file is not valid UTF-8");
    }
}

mod select {
    use super::*;

    const HEAD: &str = "version: 1\nenvironment: s\nresources:\n";

    #[test]
    fn a_selection_by_tags_with_a_count() {
        let spec = from_str(
            Path::new("t.yaml"),
            &format!("{HEAD}  - kind: s3_bucket\n    select: {{ tags: {{ Environment: staging, Team: web }} }}\n    count: {{ at_least: 2 }}\n    expect: {{ versioning: Enabled }}\n"),
        )
        .expect("valid");
        let r = &spec.resources[0];
        let sel = r.selector.as_ref().expect("selector");
        assert_eq!(r.id, "tags(Environment=staging,Team=web)");
        assert_eq!(sel.count_expected, serde_json::json!({"at_least": 2}));
        assert!(sel
            .matches(&serde_json::json!({"Environment": "staging", "Team": "web", "Other": "x"})));
        assert!(!sel.matches(&serde_json::json!({"Environment": "staging"})));
        assert!(!sel.matches(&serde_json::Value::Null));
    }

    #[test]
    fn default_count_is_at_least_one_and_exists_false_means_none() {
        let spec = from_str(
            Path::new("t.yaml"),
            &format!("{HEAD}  - kind: secret\n    select: {{ tags: {{ Leaked: \"true\" }} }}\n    exists: false\n  - kind: rds_instance\n    select: {{ tags: {{ Environment: staging }} }}\n"),
        )
        .expect("valid");
        let none = spec.resources[0].selector.as_ref().expect("selector");
        assert_eq!(none.count_expected, serde_json::json!(0));
        let some = spec.resources[1].selector.as_ref().expect("selector");
        assert_eq!(some.count_expected, serde_json::json!({"at_least": 1}));
    }

    #[test]
    fn a_selection_by_listed_attributes() {
        let spec = from_str(
            Path::new("t.yaml"),
            &format!("{HEAD}  - kind: metric_alarm\n    select: {{ namespace: AWS/ECS, metric_name: CPUUtilization, dimensions: {{ ServiceName: web }}, alarm_actions: arn:aws:sns:r:1:alerts }}\n    count: 1\n    expect: {{ threshold: {{ at_most: 80 }} }}\n"),
        )
        .expect("valid");
        let r = &spec.resources[0];
        let sel = r.selector.as_ref().expect("selector");
        assert_eq!(
            r.id,
            "namespace=AWS/ECS,metric_name=CPUUtilization,dimensions(ServiceName=web),alarm_actions=arn:aws:sns:r:1:alerts"
        );
        let alarm = |metric: &str, dims: serde_json::Value, actions: serde_json::Value| {
            std::collections::BTreeMap::from([
                ("namespace".to_string(), serde_json::json!("AWS/ECS")),
                ("metric_name".to_string(), serde_json::json!(metric)),
                ("dimensions".to_string(), dims),
                ("alarm_actions".to_string(), actions),
            ])
        };
        let topic = serde_json::json!(["arn:aws:sns:r:1:alerts", "arn:aws:sns:r:1:other"]);
        let dims = serde_json::json!({"ClusterName": "c", "ServiceName": "web"});
        assert!(sel.matches_attributes(&alarm("CPUUtilization", dims.clone(), topic.clone())));
        assert!(!sel.matches_attributes(&alarm("MemoryUtilization", dims.clone(), topic.clone())));
        assert!(!sel.matches_attributes(&alarm(
            "CPUUtilization",
            serde_json::json!({"ServiceName": "api"}),
            topic
        )));
        assert!(!sel.matches_attributes(&alarm("CPUUtilization", dims, serde_json::json!([]))));
        // Tags and numbers: a database by engine and tag, numbers compared by value.
        let spec = from_str(
            Path::new("t.yaml"),
            &format!("{HEAD}  - kind: rds_instance\n    select: {{ tags: {{ Team: web }}, engine: postgres, multi_az: false, allocated_storage: 20 }}\n"),
        )
        .expect("valid");
        let r = &spec.resources[0];
        assert_eq!(
            r.id,
            "tags(Team=web),engine=postgres,multi_az=false,allocated_storage=20"
        );
        let sel = r.selector.as_ref().expect("selector");
        let db = |tags: serde_json::Value, storage: serde_json::Value| {
            std::collections::BTreeMap::from([
                ("tags".to_string(), tags),
                ("engine".to_string(), serde_json::json!("postgres")),
                ("multi_az".to_string(), serde_json::json!(false)),
                ("allocated_storage".to_string(), storage),
            ])
        };
        assert!(sel.matches_attributes(&db(
            serde_json::json!({"Team": "web"}),
            serde_json::json!(20.0)
        )));
        assert!(!sel.matches_attributes(&db(
            serde_json::json!({"Team": "api"}),
            serde_json::json!(20)
        )));
        assert!(!sel.matches_attributes(&db(
            serde_json::json!({"Team": "web"}),
            serde_json::json!(21)
        )));
    }

    #[test]
    fn selection_by_attributes_errors() {
        assert_eq!(
            errors(&format!("{HEAD}  - kind: metric_alarm\n    select: {{ tags: {{ E: s }} }}\n")),
            ["5:15: infra-verify does not read the tags of `metric_alarm` (select by: namespace, metric_name, statistic, comparison_operator, threshold, period, evaluation_periods, datapoints_to_alarm, actions_enabled, alarm_actions, dimensions, state, expression, metrics)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: metric_alarm\n    select: {{ metric_nam: CPUUtilization }}\n")),
            ["5:15: unknown field `select.metric_nam`; did you mean `metric_name`? (select by: namespace, metric_name, statistic, comparison_operator, threshold, period, evaluation_periods, datapoints_to_alarm, actions_enabled, alarm_actions, dimensions, state, expression, metrics)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: metric_alarm\n    select: {{ threshold: high, dimensions: {{}} }}\n")),
            [
                "5:26: `select.threshold` expected a number (selected resources equal it), found a string",
                "5:44: `select.dimensions` expected a map of strings (selected resources equal it or contain it), found a mapping"
            ]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: s3_bucket\n    select: {{ versioning: Enabled }}\n")),
            ["5:15: `versioning` is not in the list response of `s3_bucket`, so it cannot select (select by: tags)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: metric_alarm\n    select: {{}}\n")),
            ["5:13: `select` needs at least one of: namespace, metric_name, statistic, comparison_operator, threshold, period, evaluation_periods, datapoints_to_alarm, actions_enabled, alarm_actions, dimensions, state, expression, metrics"]
        );
    }

    #[test]
    fn selection_errors() {
        assert_eq!(
            errors(&format!("{HEAD}  - kind: lb\n    select: {{ tags: {{ Environment: staging }} }}\n")),
            ["5:13: `select` chooses resources by their tags or listed attributes, and infra-verify reads neither for `lb`; name it with `id:` (kinds that can be selected: rds_instance, rds_cluster, elasticache_cluster, elasticache_replication_group, s3_bucket, secret, log_group, metric_alarm, composite_alarm, vpc, subnet, security_group, ec2_instance)"]
        );
        assert_eq!(
            errors(&format!(
                "{HEAD}  - kind: s3_bucket\n    id: a\n    select: {{ tags: {{ E: s }} }}\n"
            )),
            ["5:9: give either `id:` (one resource) or `select:` (resources by tags), not both"]
        );
        assert_eq!(
            errors(&format!(
                "{HEAD}  - kind: s3_bucket\n    id: a\n    count: 2\n"
            )),
            ["6:12: `count` applies to resources chosen with `select:`"]
        );
        assert_eq!(
            errors(&format!(
                "{HEAD}  - kind: s3_bucket\n    select: {{ tags: {{}} }}\n"
            )),
            ["5:21: `select.tags` expected a non-empty mapping of tag names to string values"]
        );
        assert_eq!(
            errors(&format!(
                "{HEAD}  - kind: s3_bucket\n    select: {{ tag: {{ E: s }} }}\n"
            )),
            ["5:15: unknown field `select.tag`; did you mean `tags`? (select by: tags)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: s3_bucket\n    select: {{ tags: {{ E: s }} }}\n    count: {{ at_lest: 1 }}\n")),
            ["6:14: unknown matcher `at_lest`; did you mean `at_least`? (matchers: equals, at_least, at_most, one_of, matches, contains, subset_of)"]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - kind: s3_bucket\n")),
            ["4:5: resource has no `id:` (or `select:` to choose resources by tags)"]
        );
    }
}

#[test]
fn region_override_is_validated() {
    let ok = from_str(
        Path::new("t.yaml"),
        "version: 1\nenvironment: s\nresources:\n  - kind: secret\n    id: a\n    region: us-east-1\n",
    )
    .expect("valid");
    assert_eq!(ok.resources[0].region.as_deref(), Some("us-east-1"));
    assert_eq!(
        errors("version: 1\nenvironment: s\nresources:\n  - kind: secret\n    id: a\n    region: Seoul\n"),
        ["6:13: `region` expected an AWS region name such as `us-east-1` or `ap-northeast-2`"]
    );
}

#[test]
fn a_web_acl_id_names_its_scope_and_a_cloudfront_acl_lives_in_us_east_1() {
    let head = "version: 1\nenvironment: s\nresources:\n  - kind: waf_web_acl\n";
    from_str(
        Path::new("t.yaml"),
        &format!("{head}    id: CLOUDFRONT/edge\n    region: us-east-1\n  - kind: waf_web_acl\n    id: REGIONAL/api\n    region: eu-west-1\n"),
    )
    .expect("valid");
    assert_eq!(
        errors(&format!(
            "{head}    id: CLOUDFRONT/edge\n    region: ap-northeast-2\n"
        )),
        ["6:13: a CLOUDFRONT web ACL lives in us-east-1, not `ap-northeast-2`: write `region: us-east-1` or leave `region` out"]
    );
    assert_eq!(
        errors(&format!("{head}    id: edge\n")),
        ["5:9: `edge` is not a web ACL id: write `CLOUDFRONT/<name>` or `REGIONAL/<name>`"]
    );
    assert_eq!(
        errors(&format!("{head}    id: GLOBAL/edge\n")),
        ["5:9: `GLOBAL/edge` is not a web ACL id: write `CLOUDFRONT/<name>` or `REGIONAL/<name>`"]
    );
}

#[test]
fn drift_ignore_patterns_are_checked_and_merged_across_extends() {
    let head = "version: 1\nenvironment: s\nresources: []\n";
    let ok = from_str(
        Path::new("t.yaml"),
        &format!("{head}drift:\n  ignore: [ecs_service/*/desired_count, \"*/*/tags\", log_group//ecs/*/retention_in_days]\n"),
    )
    .expect("valid");
    assert_eq!(
        ok.drift.ignore,
        [
            "ecs_service/*/desired_count",
            "*/*/tags",
            "log_group//ecs/*/retention_in_days"
        ]
    );
    assert_eq!(
        errors(&format!(
            "{head}drift:\n  ignore:\n    - ecs_servce/*/desired_count\n    - ecs_service/*/desired\n    - desired_count\n    - 3\n  ignored: []\n"
        )),
        [
            "6:7: `ecs_servce/*/desired_count`: unknown resource kind `ecs_servce`; did you mean `ecs_service`?",
            "7:7: `ecs_service/*/desired`: `ecs_service` has no attribute `desired`; did you mean `desired_count`?",
            "8:7: `desired_count`: expected `kind/id/attribute` (`*` matches anything), e.g. `ecs_service/*/desired_count`",
            "9:7: `drift.ignore` expected a `kind/id/attribute` pattern, found an integer",
            "10:3: unknown field `drift.ignored`; did you mean `ignore`?",
        ]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("base.yaml"),
        "version: 1\nresources: []\ndrift: { ignore: [\"*/*/tags\"] }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("s.yaml"),
        "version: 1\nenvironment: s\nextends: base.yaml\nresources: []\ndrift: { ignore: [ecs_service/*/desired_count, \"*/*/tags\"] }\n",
    )
    .expect("write");
    let spec = load(&dir.path().join("s.yaml")).expect("valid");
    assert_eq!(
        spec.drift.ignore,
        ["*/*/tags", "ecs_service/*/desired_count"]
    );
}

#[test]
fn dns_servers_are_addresses_checked_where_written_and_a_derived_spec_replaces_them() {
    let head = "version: 1\nenvironment: s\nresources: []\n";
    let ok = from_str(
        Path::new("t.yaml"),
        &format!("{head}dns:\n  servers: [1.1.1.1, \"127.0.0.1:5353\", \"[::1]:5300\", \"2606:4700::1111\"]\n"),
    )
    .expect("valid");
    let shown: Vec<String> = ok.dns_servers.iter().map(|a| a.to_string()).collect();
    assert_eq!(
        shown,
        [
            "1.1.1.1:53",
            "127.0.0.1:5353",
            "[::1]:5300",
            "[2606:4700::1111]:53"
        ]
    );
    assert_eq!(
        errors(&format!(
            "{head}dns:\n  servers:\n    - ns1.example.com\n    - 3\n  server: []\n"
        )),
        [
            "6:7: `ns1.example.com` is not an IP address with an optional port (e.g. 1.1.1.1, 127.0.0.1:5353, [::1]:5353)",
            "7:7: `dns.servers` expected an IP address with an optional port (e.g. 1.1.1.1, \"127.0.0.1:5353\"), found an integer",
            "8:3: unknown field `dns.server`; did you mean `servers`?",
        ]
    );
    assert_eq!(
        errors(&format!("{head}dns: 1.1.1.1\n")),
        ["4:6: `dns:` expected a mapping like `{ servers: [1.1.1.1, \"127.0.0.1:5353\"] }`, found a string"]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("base.yaml"),
        "version: 1\nresources: []\ndns: { servers: [9.9.9.9] }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("inherits.yaml"),
        "version: 1\nenvironment: s\nextends: base.yaml\nresources: []\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("replaces.yaml"),
        "version: 1\nenvironment: s\nextends: base.yaml\nresources: []\ndns: { servers: [\"127.0.0.1:5353\"] }\n",
    )
    .expect("write");
    let inherits = load(&dir.path().join("inherits.yaml")).expect("valid");
    assert_eq!(inherits.dns_servers, ["9.9.9.9:53".parse().expect("addr")]);
    let replaces = load(&dir.path().join("replaces.yaml")).expect("valid");
    assert_eq!(
        replaces.dns_servers,
        ["127.0.0.1:5353".parse().expect("addr")]
    );
}

#[test]
fn an_http_endpoint_id_is_a_url_the_probe_can_request() {
    let head = "version: 1\nenvironment: s\nresources:\n  - kind: http_endpoint\n";
    from_str(
        Path::new("t.yaml"),
        &format!("{head}    id: https://example.com/api/health\n"),
    )
    .expect("valid");
    let e = errors(&format!("{head}    id: example.com/api/health\n"));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("5:9: `example.com/api/health` is not a usable URL:"),
        "{e:?}"
    );
    let e = errors(&format!("{head}    id: ftp://example.com/\n"));
    assert_eq!(
        e,
        ["5:9: `ftp://example.com/` is not a usable URL: the id of an http_endpoint is an http:// or https:// URL"]
    );
}

#[test]
fn regions_expand_one_entry_into_one_resource_per_region() {
    let spec = from_str(
        Path::new("t.yaml"),
        "version: 1\nenvironment: p\naws: { regions: [ap-northeast-2, us-east-1] }\nresources:\n  \
         - kind: guardduty_detector\n    id: current\n    regions: all\n    expect: { status: ENABLED }\n  \
         - kind: account\n    id: current\n    regions: [us-east-1]\n  \
         - kind: secret\n    id: cdn/key\n    region: us-east-1\n  \
         - kind: secret\n    id: home\n",
    )
    .expect("valid");
    // The home region is the first listed.
    assert_eq!(spec.aws.region.as_deref(), Some("ap-northeast-2"));
    let keys: Vec<String> = spec.resources.iter().map(|r| r.key()).collect();
    assert_eq!(
        keys,
        [
            "guardduty_detector/current@ap-northeast-2",
            "guardduty_detector/current@us-east-1",
            "account/current@us-east-1",
            "secret/cdn/key",
            "secret/home",
        ]
    );
    let r = &spec.resources[1];
    assert_eq!(
        (r.id.as_str(), r.region.as_deref(), r.per_region),
        ("current", Some("us-east-1"), true)
    );
    assert_eq!(r.expectations.len(), 1);
}

#[test]
fn region_errors_name_the_environment_regions() {
    let head = "version: 1\nenvironment: p\n";
    assert_eq!(
        errors(&format!(
            "{head}resources:\n  - kind: guardduty_detector\n    id: current\n    regions: all\n"
        )),
        ["6:14: `regions: all` needs the environment's regions: list them in `aws.regions`"]
    );
    assert_eq!(
        errors(&format!("{head}aws: {{ regions: [ap-northeast-2, us-east-1] }}\nresources:\n  - kind: secret\n    id: s\n    region: us-east-2\n")),
        ["7:13: region `us-east-2` is not one of the environment's `aws.regions` (ap-northeast-2, us-east-1); did you mean `us-east-1`?"]
    );
    assert_eq!(
        errors(&format!("{head}aws: {{ regions: [ap-northeast-2, us-east-1] }}\nresources:\n  - kind: guardduty_detector\n    id: current\n    regions: [eu-west-1]\n")),
        ["7:14: region `eu-west-1` is not one of the environment's `aws.regions` (ap-northeast-2, us-east-1)"]
    );
    assert_eq!(
        errors(&format!(
            "{head}aws: {{ region: eu-west-1, regions: [ap-northeast-2] }}\n"
        )),
        ["3:6: `aws.region` `eu-west-1` is not one of `aws.regions` (ap-northeast-2)"]
    );
    assert_eq!(
        errors(&format!(
            "{head}aws: {{ regions: [ap-northeast-2, ap-northeast-2, nowhere] }}\n"
        )),
        [
            "3:34: region `ap-northeast-2` is listed twice in `aws.regions`",
            "3:50: `aws.regions` expected AWS region names such as `us-east-1` or `ap-northeast-2`"
        ]
    );
    assert_eq!(
        errors(&format!("{head}aws: {{ regions: [ap-northeast-2] }}\nresources:\n  - kind: secret\n    id: s\n    region: ap-northeast-2\n    regions: all\n")),
        ["8:14: give either `region:` (one region) or `regions:` (several), not both"]
    );
    assert_eq!(
        errors(&format!("{head}aws: {{ regions: [ap-northeast-2] }}\nresources:\n  - kind: s3_bucket\n    id: b\n    regions: all\n")),
        ["7:14: `regions` checks a regional resource in several regions; `s3_bucket` is not regional"]
    );
    assert_eq!(
        errors(&format!("{head}resources:\n  - kind: secret\n    id: s\n    regions: every\n")),
        ["6:14: `regions` expected `all` (every region of `aws.regions`) or a list of AWS region names, found a string"]
    );
}

fn endpoint_with(request: &str) -> String {
    format!("version: 1\nenvironment: web\nresources:\n  - kind: http_endpoint\n    id: https://shop.example/\n    request:\n{request}")
}

#[test]
fn an_http_request_reads_its_method_and_headers_with_credentials_from_the_environment() {
    let spec = from_str(
        Path::new("t.yaml"),
        &endpoint_with(
            "      method: head\n      headers:\n        Accept: application/json\n        X-Api-Key: { env: SHOP_KEY }\n        Authorization: { env: SHOP_TOKEN, prefix: \"Bearer \" }\n",
        ),
    )
    .expect("valid");
    let req = spec.resources[0].request.as_ref().expect("request");
    assert_eq!(req.method.as_deref(), Some("HEAD"));
    assert_eq!(
        req.headers,
        vec![
            (
                "Accept".to_string(),
                HeaderSource::Literal("application/json".into())
            ),
            (
                "X-Api-Key".to_string(),
                HeaderSource::Env {
                    var: "SHOP_KEY".into(),
                    prefix: String::new()
                }
            ),
            (
                "Authorization".to_string(),
                HeaderSource::Env {
                    var: "SHOP_TOKEN".into(),
                    prefix: "Bearer ".into()
                }
            ),
        ]
    );
    // The resolved spec names the variables, never a value.
    let resolved = resolved_spec_yaml(&spec);
    assert!(resolved.contains("SHOP_TOKEN"), "{resolved}");
}

#[test]
fn a_bad_http_request_is_an_error_where_it_is_written() {
    assert_eq!(
        errors(&endpoint_with("      method: POST\n")),
        vec!["7:15: `method` expected one of GET, HEAD (a probe never changes anything)"]
    );
    assert_eq!(
        errors(&endpoint_with("      headers:\n        Cookie: sessionid=abc\n")),
        vec!["8:17: header `Cookie` carries a credential: write `{ env: VARIABLE }` (the variable holding it, read when the run starts), never the value in the spec"]
    );
    assert_eq!(
        errors(&endpoint_with(
            "      headers:\n        X-Trace: { env: \"not a var\" }\n"
        )),
        vec![
            "8:25: `env` expected the name of an environment variable (letters, digits, `_`)",
            "8:18: header `X-Trace` expected `{ env: VARIABLE }`"
        ]
    );
    assert_eq!(
        errors(&endpoint_with("      methd: GET\n")),
        vec!["7:7: unknown `request` field `methd` (expected `method` or `headers`); did you mean `method`?"]
    );
    assert_eq!(
        errors("version: 1\nenvironment: web\nresources:\n  - kind: s3_bucket\n    id: b\n    request: { method: GET }\n"),
        vec!["6:14: `request` applies to `http_endpoint` only (how the URL is requested)"]
    );
}
