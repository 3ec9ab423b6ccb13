//! Every command and exit code, offline from the bundled fixtures (assert_cmd).

use assert_cmd::Command;
use predicates::prelude::*;

const FIXTURE: &str = "fixtures/staging.snapshot.json";

fn iv() -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    // A job summary only where a test asks for one, not into the CI run's own.
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        // Logs chosen by the environment would be on stderr, which tests read.
        .env_remove("RUST_LOG");
    c
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// The day (`YYYY-MM-DD`) a snapshot fixture was observed: tick markers carry it, and a
/// regenerated fixture (scripts/demo --update-fixture) moves it.
fn fixture_day(path: &str) -> String {
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    snapshot["metadata"]["taken_at"].as_str().expect("taken_at")[..10].to_string()
}

#[test]
fn verify_offline_not_ready_exits_1() {
    iv().args(["staging", "--snapshot", FIXTURE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL    backup_retention_period"))
        .stdout(predicate::str::contains(
            "NOT READY: 74 checks: 70 passed, 4 failed, 0 missing, 0 errors",
        ));
}

#[test]
fn the_ticketing_fixture_reports_its_seeded_gaps_offline() {
    // fixtures/ticketing-production.snapshot.json is written by `scripts/demo --update-fixture`
    // and kept honest by the live test `ticketing_production_reports_exactly_the_seeded_gaps...`.
    iv().args([
        "ticketing-production",
        "--snapshot",
        "fixtures/ticketing-production.snapshot.json",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "FAIL    rate_limit                   rate_limit: expected at most 100, found 2000",
    ))
    .stdout(predicate::str::contains(
        "NOT READY: 116 checks: 112 passed, 4 failed, 0 missing, 0 errors",
    ));
    // A snapshot of one environment is refused for another.
    iv().args([
        "staging",
        "--snapshot",
        "fixtures/ticketing-production.snapshot.json",
    ])
    .assert()
    .code(2);
}

#[test]
fn the_group_fixture_reports_its_seeded_gaps_offline() {
    // fixtures/group-production.snapshot.json is written by `scripts/demo --update-fixture` and
    // kept honest by the live test `group_production_reports_exactly_the_seeded_gaps...`.
    iv().args([
        "group-production",
        "--snapshot",
        "fixtures/group-production.snapshot.json",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "FAIL    backup_retention_period      backup_retention_period: expected at least 14, found 7",
    ))
    .stdout(predicate::str::contains(
        "NOT READY: 104 checks: 102 passed, 2 failed, 0 missing, 0 errors",
    ));
}

#[test]
fn every_bundled_spec_validates() {
    for env in [
        "staging",
        "production",
        "ticketing-production",
        "group-production",
        "learning-saas",
        "ai-marketplace",
        "group-web",
    ] {
        iv().args(["validate", env])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "specs/{env}.yaml: ok: environment `{env}`"
            )));
    }
}

#[test]
fn verify_offline_ready_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        &dir,
        "ok.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instance\n    id: dorami-staging\n    expect: { multi_az: false, allocated_storage: { at_least: 20 } }\n",
    );
    iv().arg("--spec")
        .arg(&spec)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("READY: 3 checks: 3 passed"));
}

#[test]
fn verify_offline_unverified_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A resource the snapshot has no record of cannot be verified: error, never pass.
    let spec = write(
        &dir,
        "unknown.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_cluster\n    id: not-in-the-snapshot\n    expect: { storage_encrypted: true }\n",
    );
    iv().arg("--spec")
        .arg(&spec)
        .args(["--snapshot", FIXTURE, "--format", "json"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("\"status\": \"error\""))
        .stdout(predicate::str::contains("\"pass\": 0"));
}

#[test]
fn every_format_and_output_file() {
    for (format, needle) in [
        ("human", "NOT READY"),
        ("json", "\"environment\": \"staging\""),
        ("junit", "<testsuites"),
        ("markdown", "## infra-verify: `staging`"),
        ("sarif", "\"version\": \"2.1.0\""),
        (
            "github",
            "::error file=specs/staging.yaml,line=18,col=32,title=infra-verify staging%3A rds_instance/dorami-staging/backup_retention_period::fail: backup_retention_period: expected at least 7, found 1",
        ),
    ] {
        iv().args(["staging", "--snapshot", FIXTURE, "--format", format])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(needle));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.xml");
    iv().args([
        "staging",
        "--snapshot",
        FIXTURE,
        "--format",
        "junit",
        "--output",
    ])
    .arg(&out)
    .assert()
    .code(1)
    .stdout(predicate::str::is_empty());
    let xml = std::fs::read_to_string(&out).expect("report written");
    assert!(xml.contains("rds_instance/dorami-staging/backup_retention_period"));
}

/// `--format sarif` and `--format github` keep the verdict's exit code: 0 ready, 1 not ready,
/// 3 unverified, 2 for a usage error.
#[test]
fn sarif_and_github_exit_codes_follow_the_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ready = write(
        &dir,
        "ok.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instance\n    id: dorami-staging\n    expect: { multi_az: false }\n",
    );
    let unverified = write(
        &dir,
        "unknown.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_cluster\n    id: not-in-the-snapshot\n    expect: { storage_encrypted: true }\n",
    );
    for format in ["sarif", "github"] {
        let out = iv()
            .arg("--spec")
            .arg(&ready)
            .args(["--snapshot", FIXTURE, "--format", format])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            !text.contains("::error") && !text.contains("::warning"),
            "{text}"
        );
        if format == "sarif" {
            let v: serde_json::Value = serde_json::from_str(&text).expect("json");
            assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
        }
        let out = iv()
            .arg("--spec")
            .arg(&unverified)
            .args(["--snapshot", FIXTURE, "--format", format])
            .assert()
            .code(3)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).expect("utf-8");
        if format == "sarif" {
            let v: serde_json::Value = serde_json::from_str(&text).expect("json");
            let levels: Vec<&str> = v["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .filter_map(|r| r["level"].as_str())
                .collect();
            assert_eq!(levels, ["warning", "warning"]);
        } else {
            let path = unverified.display().to_string();
            assert!(
                text.starts_with(&format!("::warning file={path},line=4,col=5,")),
                "{text}"
            );
            assert!(text.ends_with("infra-verify staging: COULD NOT VERIFY: 2 checks: 0 passed, 0 failed, 0 missing, 2 errors\n"), "{text}");
        }
        iv().args([
            "staging",
            "--snapshot",
            "does-not-exist.json",
            "--format",
            format,
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    }
}

#[test]
fn github_format_appends_the_markdown_report_to_the_job_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = write(&dir, "step_summary.md", "## an earlier step\n\n");
    iv().args(["staging", "--snapshot", FIXTURE, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file=specs/staging.yaml"))
        .stdout(predicate::str::contains("## infra-verify").not());
    let markdown = iv()
        .args(["staging", "--snapshot", FIXTURE, "--format", "markdown"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(
        text,
        format!(
            "## an earlier step\n\n{}",
            String::from_utf8(markdown).expect("utf-8")
        )
    );
    // A summary that cannot be written is a warning; the verdict still decides the exit code.
    iv().args(["staging", "--snapshot", FIXTURE, "--format", "github"])
        .env(
            "GITHUB_STEP_SUMMARY",
            dir.path().join("no/such/dir/summary.md"),
        )
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warning: cannot append the job summary to $GITHUB_STEP_SUMMARY",
        ));
}

const FIXTURE_GROUP: &str = "fixtures/group-production.snapshot.json";

#[test]
fn several_environments_from_their_snapshots() {
    let out = iv()
        .args([
            "staging",
            "ticketing-production",
            "--snapshot",
            FIXTURE_TICKETING,
            "--snapshot",
            FIXTURE,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    // The reports in the order given (not the snapshots' order), then the summary.
    let staging = text.find("infra-verify: staging").expect("staging report");
    let ticketing = text
        .find("infra-verify: ticketing-production")
        .expect("ticketing report");
    let summary = text.find("Summary of 2 environments").expect("summary");
    assert!(staging < ticketing && ticketing < summary, "{text}");
    let table: Vec<&str> = text[summary..].lines().collect();
    assert_eq!(
        table,
        [
            "Summary of 2 environments",
            "  environment           account       checks  passed  failed  missing  errors  verdict",
            "  staging               123456789012      74      70       4        0       0  NOT READY",
            "  ticketing-production  123456789012     116     112       4        0       0  NOT READY",
            "",
            "NOT READY: 2 environments: 0 ready, 2 not ready, 0 could not verify",
        ]
    );
    // JSON: {"outcome", "environments": [report, ...]}, each as it is alone.
    let out = iv()
        .args(["staging", "group-production", "--format", "json"])
        .args(["--snapshot", FIXTURE, "--snapshot", FIXTURE_GROUP])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let all: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(all["outcome"], "not_ready");
    let alone = iv()
        .args([
            "group-production",
            "--format",
            "json",
            "--snapshot",
            FIXTURE_GROUP,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let alone: serde_json::Value = serde_json::from_slice(&alone).expect("json");
    assert_eq!(all["environments"][1], alone);
    assert_eq!(all["environments"][0]["environment"], "staging");
    assert_eq!(all["environments"].as_array().map(Vec::len), Some(2));
    // Markdown: the summary table across environments.
    iv().args(["staging", "group-production", "--format", "markdown"])
        .args(["--snapshot", FIXTURE, "--snapshot", FIXTURE_GROUP])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "| `group-production` | `123456789012` | 104 | 102 | 2 | 0 | 0 | ❌ not ready |",
        ));
}

/// Specs in a directory of their own for environments named like the fixtures, so that each
/// outcome can be had offline: staging ready, group-production unverified.
fn specs_dir(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).expect("mkdir");
    std::fs::write(
        specs.join("staging.yaml"),
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instance\n    id: dorami-staging\n    expect: { multi_az: false }\n",
    )
    .expect("write");
    std::fs::write(
        specs.join("group-production.yaml"),
        "version: 1\nenvironment: group-production\nresources:\n  - kind: rds_cluster\n    id: not-in-the-snapshot\n",
    )
    .expect("write");
    std::fs::write(
        specs.join("ticketing-production.yaml"),
        "version: 1\nenvironment: ticketing-production\nresources:\n  - kind: s3_bucket\n    id: tickets-logs\n    expect: { versioning: Suspended }\n",
    )
    .expect("write");
    specs
}

#[test]
fn several_environments_exit_with_the_worst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = specs_dir(&dir);
    let run = |envs: &[&str], snapshots: &[&str]| {
        let mut c = iv();
        c.args(envs).arg("--specs-dir").arg(&specs);
        for s in snapshots {
            c.args(["--snapshot", s]);
        }
        c
    };
    // ready alone: 0; ready + unverified: 3; ready + unverified + not ready: 1.
    run(&["staging"], &[FIXTURE]).assert().code(0);
    run(&["staging", "group-production"], &[FIXTURE, FIXTURE_GROUP])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "COULD NOT VERIFY: 2 environments: 1 ready, 0 not ready, 1 could not verify",
        ));
    run(
        &["group-production", "ticketing-production", "staging"],
        &[FIXTURE, FIXTURE_GROUP, FIXTURE_TICKETING],
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "NOT READY: 3 environments: 1 ready, 1 not ready, 1 could not verify",
    ));
    for format in ["json", "junit", "markdown", "sarif", "github"] {
        run(&["staging", "group-production"], &[FIXTURE, FIXTURE_GROUP])
            .args(["--format", format])
            .assert()
            .code(3);
        run(
            &["staging", "ticketing-production"],
            &[FIXTURE, FIXTURE_TICKETING],
        )
        .args(["--format", format])
        .assert()
        .code(1);
    }
}

#[test]
fn several_environments_usage_errors_exit_2_before_anything_is_observed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let two = ["staging", "ticketing-production"];
    let refused = |args: &[&str], message: &str| {
        iv().args(two)
            .args(args)
            .arg("--output")
            .arg(&out)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(message.to_string()));
        assert!(!out.exists(), "{args:?} wrote a report");
    };
    refused(
        &["--snapshot", FIXTURE],
        "no --snapshot for `ticketing-production`: with --snapshot, give one per environment",
    );
    refused(
        &["--snapshot", FIXTURE, "--snapshot", FIXTURE_TICKETING, "--snapshot", FIXTURE_GROUP],
        "fixtures/group-production.snapshot.json is a snapshot of environment `group-production`, which is not one of the environments given (staging, ticketing-production)",
    );
    refused(
        &["--snapshot", FIXTURE, "--snapshot", FIXTURE],
        "fixtures/staging.snapshot.json and fixtures/staging.snapshot.json are both snapshots of environment `staging`",
    );
    refused(
        &["--spec", "specs/staging.yaml"],
        "--spec FILE is one environment's spec",
    );
    refused(
        &["--profile", "prodution=x", "--snapshot", FIXTURE, "--snapshot", FIXTURE_TICKETING],
        "--profile prodution=x: `prodution` is not an environment of this run (staging, ticketing-production)",
    );
    refused(
        &["staging", "--snapshot", FIXTURE],
        "environment `staging` is given twice",
    );
    // Every spec's problems at once, each with its own error line.
    let specs = specs_dir(&dir);
    std::fs::write(
        specs.join("staging.yaml"),
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instanse\n    id: a\n",
    )
    .expect("write");
    iv().args(["staging", "nowhere", "ticketing-production", "--specs-dir"])
        .arg(&specs)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "staging.yaml:4:11: unknown resource kind `rds_instanse`",
        ))
        .stderr(predicate::str::contains(
            "error: no spec for environment `nowhere`",
        ));
    // One environment takes one snapshot; a --profile for another environment is refused.
    iv().args(["staging", "--snapshot", FIXTURE, "--snapshot", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "one environment takes one --snapshot",
        ));
    iv().args([
        "staging",
        "--snapshot",
        FIXTURE,
        "--profile",
        "production=p",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "`production` is not an environment of this run (staging)",
    ));
}

#[test]
fn spec_errors_exit_2_with_every_problem_and_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        &dir,
        "bad.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instanse\n    id: a\n  - kind: rds_instance\n    id: b\n    expect:\n      multi_azz: false\n      allocated_storage: twenty\n",
    );
    let path = spec.display().to_string();
    for args in [
        vec!["validate", "--spec"],
        vec!["--snapshot", FIXTURE, "--spec"],
    ] {
        iv().args(&args)
            .arg(&spec)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(format!("{path}:4:11: unknown resource kind `rds_instanse`; did you mean `rds_instance`?")))
            .stderr(predicate::str::contains(format!("{path}:9:7: unknown attribute `multi_azz` for kind `rds_instance`; did you mean `multi_az`?")))
            .stderr(predicate::str::contains(format!("{path}:10:26: `allocated_storage` expected an integer, found a string")))
            .stderr(predicate::str::contains("error: the spec has 3 problems"));
    }
}

#[test]
fn ids_of_the_wrong_shape_are_spec_errors_with_their_position() {
    // Each kind's id format is in the catalog; `validate` names the id, where it is and what
    // was expected, and nothing is observed.
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        &dir,
        "ids.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: ecs_service\n    id: backend\n  - kind: lb_listener\n    id: web\n  - kind: route53_record\n    id: example.com/www\n  - kind: account\n    id: \"123456789012\"\n  - kind: http_endpoint\n    id: shop.example/api\n  - kind: ecs_service\n    id: staging/backend\n",
    );
    let path = spec.display().to_string();
    iv().args(["validate", "--spec"])
        .arg(&spec)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "{path}:5:9: id must be cluster/service, got `backend`"
        )))
        .stderr(predicate::str::contains(format!(
            "{path}:7:9: `web` is not a listener id: write `<load balancer name or ARN>:<port>`"
        )))
        .stderr(predicate::str::contains(format!(
            "{path}:9:9: `example.com/www` is not a record id"
        )))
        .stderr(predicate::str::contains(format!(
            "{path}:11:9: `123456789012`: this kind's id must be `current`"
        )))
        .stderr(predicate::str::contains(format!(
            "{path}:13:9: `shop.example/api` is not a usable URL"
        )))
        .stderr(predicate::str::contains("error: the spec has 5 problems"));
}

#[test]
fn validate_ok_exits_0() {
    iv().args(["validate", "staging"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "specs/staging.yaml: ok: environment `staging`, 17 resources, 74 checks",
        ));
    iv().args(["validate", "--spec", "specs/production.yaml"])
        .assert()
        .code(0);
}

#[test]
fn usage_errors_exit_2() {
    iv().assert()
        .code(2)
        .stderr(predicate::str::contains("<ENV>"));
    iv().args(["staging", "--format", "yaml"]).assert().code(2);
    iv().args(["nonexistent-env", "--snapshot", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no spec for environment `nonexistent-env`",
        ));
    iv().args(["production", "--snapshot", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a snapshot of environment `staging`, but the spec is for `production`",
        ));
    iv().args(["staging", "--snapshot", "does-not-exist.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read snapshot does-not-exist.json",
        ));
    iv().args([
        "staging",
        "--spec",
        "specs/production.yaml",
        "--snapshot",
        FIXTURE,
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "is the spec of environment `production`, not `staging`",
    ));
}

#[test]
fn broken_snapshots_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let truncated = write(&dir, "t.json", "{\"snapshot_version\": 1, \"metadata\": {");
    iv().args(["staging", "--snapshot"])
        .arg(&truncated)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a valid infra-verify snapshot",
        ));
    let future = write(&dir, "f.json", "{\"snapshot_version\": 99}");
    iv().args(["staging", "--snapshot"])
        .arg(&future)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has snapshot_version 99; this build reads version 1: it was written by a newer \
             infra-verify; upgrade this one",
        ));
    // An older format (the fixture as a version-0 file) names who wrote it and what to do.
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    let older = write(
        &dir,
        "o.json",
        &fixture.replacen("\"snapshot_version\": 1", "\"snapshot_version\": 0", 1),
    );
    iv().args(["staging", "--snapshot"])
        .arg(&older)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "has snapshot_version 0; this build reads version 1: it was written by an older \
             infra-verify ({}); take it again with this one (a drift baseline: `infra-verify \
             drift ENV --accept`)",
            env!("CARGO_PKG_VERSION")
        )));
    let other_account = write(
        &dir,
        "a.json",
        &fixture.replace("123456789012", "999999999999"),
    );
    iv().args(["staging", "--snapshot"])
        .arg(&other_account)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "wrong account: the spec requires account 123456789012",
        ));
    let other_environment = write(
        &dir,
        "e.json",
        &fixture.replacen(
            "\"environment\": \"staging\"",
            "\"environment\": \"production\"",
            1,
        ),
    );
    iv().args(["staging", "--snapshot"])
        .arg(&other_environment)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a snapshot of environment `production`, but the spec is for `staging`",
        ));
    // A report asked for with --output is not written (nor an old one replaced) for any of them.
    let report = dir.path().join("report.json");
    std::fs::write(&report, "previous report").expect("write");
    for bad in [&truncated, &future, &other_account, &other_environment] {
        iv().args(["staging", "--format", "json", "--output"])
            .arg(&report)
            .arg("--snapshot")
            .arg(bad)
            .assert()
            .code(2);
        assert_eq!(
            std::fs::read_to_string(&report).expect("read"),
            "previous report"
        );
    }
}

#[test]
fn kinds_lists_and_describes() {
    iv().arg("kinds")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("rds_instance"))
        .stdout(predicate::str::contains("secret"));
    iv().args(["kinds", "s3_bucket"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("versioning"))
        .stdout(predicate::str::contains("exists"));
    iv().args(["kinds", "s3_buckit"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown resource kind `s3_buckit`; did you mean `s3_bucket`?",
        ));
}

#[test]
fn iam_policy_is_read_only() {
    let out = iv()
        .args(["iam-policy", "staging"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let policy: serde_json::Value = serde_json::from_slice(&out).expect("json");
    let actions: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(actions.contains(&"rds:DescribeDBInstances"));
    assert!(actions.contains(&"s3:GetBucketVersioning"));
    assert!(
        !actions.contains(&"s3:GetBucketLocation"),
        "staging checks no bucket region"
    );
    for a in &actions {
        let verb = a.split(':').nth(1).unwrap_or_default();
        assert!(
            verb.starts_with("Describe")
                || verb.starts_with("List")
                || verb.starts_with("Get")
                || infra_verify::catalog::operations::READ_ONLY_ACTIONS.contains(a),
            "{a}"
        );
    }
    iv().args(["iam-policy", "--all"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("s3:GetBucketLocation"));
}

#[test]
fn help_and_version_exit_0_and_document_exit_codes() {
    iv().arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("3  could not verify"));
    // The version and the commit it was built from: this checkout's HEAD (build.rs).
    let head = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h %cs", "--abbrev=12"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git runs");
    let head = String::from_utf8(head.stdout).expect("utf-8");
    assert!(!head.trim().is_empty(), "the tests run in a git checkout");
    iv().arg("--version").assert().code(0).stdout(format!(
        "infra-verify {} ({})\n",
        env!("CARGO_PKG_VERSION"),
        head.trim()
    ));
}

#[test]
fn broken_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("infra-verify");
    let mut child = Std::new(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["staging", "--snapshot", FIXTURE, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one byte, then close the pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).expect("read");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the verdict still decides the exit code: {stderr}"
    );
}

#[test]
fn output_file_is_left_untouched_on_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = write(&dir, "report.json", "previous report\n");
    iv().args(["staging", "--snapshot", "does-not-exist.json", "--output"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "previous report\n"
    );
}

#[test]
fn resources_doc_matches_the_catalog() {
    let out = iv()
        .args(["kinds", "--markdown"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let generated = String::from_utf8(out).expect("utf-8");
    let committed = std::fs::read_to_string("docs/resources.md").unwrap_or_default();
    assert!(
        generated == committed,
        "docs/resources.md is out of date: run `cargo run -- kinds --markdown > docs/resources.md`"
    );
}

#[test]
fn readme_exit_codes_match_help_and_ci_runs_the_readme_test_command() {
    let out = iv()
        .arg("--help")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).expect("utf-8");
    let section = help
        .split("Exit codes:")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .expect("exit code section");
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in section.lines().filter(|l| !l.trim().is_empty()) {
        let trimmed = line.trim();
        match trimmed.split_once("  ") {
            Some((code, text)) if code.parse::<u8>().is_ok() => {
                entries.push((code.to_string(), text.trim().to_string()))
            }
            _ => {
                if let Some(last) = entries.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(trimmed);
                }
            }
        }
    }
    // Every variant of ExitCode, 0 to 4.
    assert_eq!(
        entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["0", "1", "2", "3", "4"],
        "{entries:?}"
    );
    let readme = std::fs::read_to_string("README.md").expect("README");
    for (code, text) in &entries {
        let row = format!("| {code} | {text} |");
        assert!(
            readme.contains(&row),
            "README.md lacks the exit code row `{row}`"
        );
    }
    // The rule for several environments, word for word in both.
    let several = help
        .lines()
        .find(|l| l.starts_with("With several environments"))
        .expect("--help says how several environments exit");
    assert!(
        readme.contains(&format!("\n{several}\n")),
        "README.md lacks `{several}`"
    );
    for cmd in ["scripts/demo", "scripts/test"] {
        assert!(
            readme.contains(&format!("\n{cmd}\n")),
            "README.md does not show `{cmd}`"
        );
    }
    let ci = std::fs::read_to_string(".ci/run").expect(".ci/run");
    assert!(
        ci.contains("exec scripts/test"),
        ".ci/run must run the README's test command"
    );
}

/// The AWS SDK operations (snake_case, as the fluent client names them) that change something:
/// every operation of the aws-sdk-* crates in the build whose name begins with a mutating verb.
fn mutating_sdk_operations() -> std::collections::BTreeSet<String> {
    const VERBS: &[&str] = &[
        "create",
        "delete",
        "put",
        "update",
        "modify",
        "change",
        "run",
        "terminate",
        "start",
        "stop",
        "subscribe",
        "unsubscribe",
        "publish",
        "send",
        "request",
        "enable",
        "disable",
        "associate",
        "disassociate",
        "attach",
        "detach",
        "allocate",
        "register",
        "deregister",
        "tag",
        "untag",
        "set",
        "reset",
        "restore",
        "reboot",
        "import",
        "copy",
        "invoke",
        "accept",
        "reject",
        "cancel",
        "authorize",
        "revoke",
        "replace",
        "release",
        "add",
        "remove",
        "rotate",
        "promote",
        "failover",
        "purge",
        "upload",
        "batch_delete",
        "batch_put",
        "batch_update",
        "confirm",
        "apply",
        "execute",
        "move",
        "restart",
        "resume",
        "suspend",
        "reboot",
        "recover",
        "renew",
        "resend",
        "retry",
        "import",
    ];
    let metadata = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .output()
        .expect("cargo metadata");
    assert!(
        metadata.status.success(),
        "{}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&metadata.stdout).expect("metadata JSON");
    let mut ops = std::collections::BTreeSet::new();
    let mut crates = 0;
    for package in doc["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().unwrap_or_default();
        if !name.starts_with("aws-sdk-") {
            continue;
        }
        let manifest =
            std::path::PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        let Some(dir) = manifest.parent().map(|d| d.join("src/operation")) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        crates += 1;
        for entry in entries.flatten() {
            let op = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir()
                && VERBS
                    .iter()
                    .any(|v| op == *v || op.starts_with(&format!("{v}_")))
            {
                ops.insert(op);
            }
        }
    }
    assert!(crates >= 20, "only {crates} aws-sdk crates found");
    ops
}

/// Read-only by construction: the product's source (everything the `infra-verify` binary is built
/// from) names no SDK write operation. Seeding code lives in tests/ and examples/. (The live test
/// `every_call_made_is_in_the_iam_policy_of_the_spec` proves the same at run time.)
///
/// The one exception is the drift baseline store (src/baseline.rs): with `drift --accept` it
/// writes the tool's own baseline objects (PutObject, and DeleteObject for history retention) to
/// the S3 location the user names. It may write nothing else, and no probe may use it.
#[test]
fn product_source_calls_no_write_operation() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src").flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(std::path::Path::new("src"), &mut files);
    assert!(files.len() > 5);
    // Every operation of every AWS SDK crate the tool is built with, from the crates' own
    // sources (`src/operation/<name>/`), that begins with a verb that changes something.
    let mutating = mutating_sdk_operations();
    assert!(
        mutating.len() > 300,
        "too few mutating operations found in the SDK crates: {}",
        mutating.len()
    );
    for op in [
        "put_object",
        "run_instances",
        "terminate_instances",
        "subscribe",
        "publish",
        "set_topic_attributes",
        "authorize_security_group_ingress",
        "change_resource_record_sets",
        "associate_web_acl",
    ] {
        assert!(
            mutating.contains(op),
            "`{op}` is not among the mutating operations"
        );
    }
    let alternation = mutating
        .iter()
        .map(|op| regex::escape(op))
        .collect::<Vec<_>>()
        .join("|");
    let write_call = regex::Regex::new(&format!(
        r"\.({alternation}|get_secret_value|batch_get_secret_value)\("
    ))
    .expect("regex");
    // The pattern does catch the seeding code's write calls.
    let seed = std::fs::read_to_string("tests/support/seed.rs").expect("seed.rs");
    assert!(
        write_call.find_iter(&seed).count() >= 6,
        "the write-call pattern misses the seeding code"
    );
    let baseline_store = std::path::Path::new("src/baseline.rs");
    let store_text = std::fs::read_to_string(baseline_store).expect("baseline.rs");
    assert_eq!(
        write_call
            .find_iter(&store_text)
            .map(|m| m.as_str())
            .collect::<std::collections::BTreeSet<_>>(),
        std::collections::BTreeSet::from([".put_object(", ".delete_object("]),
        "the baseline store writes only its own objects"
    );
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        if f.starts_with("src/probe") {
            assert!(
                !text.contains("baseline::") && !text.contains("Store::new"),
                "{}: a probe must not use the baseline store",
                f.display()
            );
        }
        for (n, line) in text.lines().enumerate() {
            // Builder setters of read calls named like an operation.
            let allowed = [
                "start_record_name(",
                "start_record_type(",
                "start_record_identifier(",
            ];
            if f == baseline_store {
                continue;
            }
            let flagged = write_call
                .find_iter(line)
                .any(|m| !allowed.iter().any(|a| m.as_str().ends_with(a)));
            assert!(
                !flagged,
                "{}:{}: looks like a write call: {line}",
                f.display(),
                n + 1
            );
        }
    }
}

const CHECKLIST: &str = "fixtures/checklists/live-commerce.md";

fn checklist_copy(dir: &tempfile::TempDir, crlf: bool) -> std::path::PathBuf {
    let text = std::fs::read_to_string(CHECKLIST).expect("fixture checklist");
    let text = if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    };
    write(dir, "checklist.md", &text)
}

/// A checklist made read-only is not written: exit 2, and it is byte for byte what it was, with
/// no temporary file left beside it.
#[test]
fn tick_leaves_a_read_only_checklist_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, false);
    let before = std::fs::read(&path).expect("read");
    let mut perms = std::fs::metadata(&path).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).expect("chmod");
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("read-only"));
    assert_eq!(std::fs::read(&path).expect("read"), before);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn tick_offline_ticks_exactly_the_passing_items_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, false);
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "14 ticked, 0 unticked, 0 already ticked, 5 linked but failing, 0 unverified, 2 left for a run with every environment that links them; 21 of 35 checklist items are linked to checks (60%), 14 not linked",
        ));
    let ticked = std::fs::read_to_string(&path).expect("read");
    insta::assert_snapshot!("live_commerce_checklist_ticked", ticked);
    // Every changed line is a checkbox turned [x] plus infra-verify's marker; nothing else moved.
    let original = std::fs::read_to_string(CHECKLIST).expect("fixture");
    let (old, new): (Vec<&str>, Vec<&str>) = (original.lines().collect(), ticked.lines().collect());
    assert_eq!(old.len(), new.len());
    for (o, n) in old.iter().zip(&new) {
        if o != n {
            let restored = n.replacen("[x]", "[ ]", 1).replace(
                &format!(
                    " <!-- infra-verify: verified {} by staging -->",
                    fixture_day(FIXTURE)
                ),
                "",
            );
            assert_eq!(&restored, o, "changed beyond the checkbox and marker");
        }
    }
    // The deliberate gaps stay unticked.
    for gap in [
        "**Backups kept 7 days**",
        "ECR repository for nginx-rtmp, scan on push",
        "Uploads bucket blocks public access",
        "HLS bucket versioning on",
    ] {
        assert!(ticked.contains(&format!("[ ] {gap}\n")), "{gap} was ticked");
    }
    // A second run changes nothing.
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), ticked);
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE, "--check"])
        .assert()
        .code(0);
}

const FIXTURE_PRODUCTION: &str = "fixtures/production.snapshot.json";

/// Runs `infra-verify tick ENVS... CHECKLIST --snapshot ...`; returns (file after, stderr).
fn tick_envs(path: &std::path::Path, envs: &[&str], snapshots: &[&str]) -> (String, String) {
    let mut cmd = iv();
    cmd.arg("tick").args(envs).arg(path);
    for s in snapshots {
        cmd.args(["--snapshot", s]);
    }
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{envs:?}: {stderr}");
    (std::fs::read_to_string(path).expect("read"), stderr)
}

/// Staging and production share "ECR scan on push" (one repository) and "Fargate capacity
/// provider": `tick staging production` decides them from both at once, gives the same file in
/// either order, ticks a shared line only when both pass, and records who ticked it. One
/// environment alone never ticks a shared line, so running them one after the other gives the
/// same file in either order too.
#[test]
fn tick_decides_shared_lines_from_every_environment_in_any_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fresh = std::fs::read_to_string(CHECKLIST).expect("fixture");
    let both = [FIXTURE, FIXTURE_PRODUCTION];
    let a = write(&dir, "a.md", &fresh);
    let b = write(&dir, "b.md", &fresh);
    let (forward, stderr) = tick_envs(&a, &["staging", "production"], &both);
    let (backward, _) = tick_envs(
        &b,
        &["production", "staging"],
        &[FIXTURE_PRODUCTION, FIXTURE],
    );
    assert_eq!(forward, backward);
    insta::assert_snapshot!("live_commerce_checklist_ticked_by_both", forward);
    // The date is the latest observation's, whatever the order.
    let latest = fixture_day(FIXTURE).max(fixture_day(FIXTURE_PRODUCTION));
    for line in [
        "- [x] ECR scan on push <!-- infra-verify: verified DAY by production, staging -->\n",
        "- [x] Fargate capacity provider <!-- infra-verify: verified DAY by production, staging -->\n",
        "  - [x] instance type: db.t3.small <!-- infra-verify: verified DAY by production -->\n",
        "  - [x] instance type: db.t3.micro <!-- infra-verify: verified DAY by staging -->\n",
    ] {
        let line = line.replace("DAY", &latest);
        assert!(forward.contains(&line), "{line}");
    }
    assert!(
        stderr.contains(":33: ticked: ECR scan on push [production: pass; staging: pass]\n"),
        "{stderr}"
    );
    assert!(stderr.contains(
        "22 ticked, 0 unticked, 0 already ticked, 7 linked but failing, 0 unverified; 29 of 35 checklist items are linked to checks (82%), 6 not linked"
    ), "{stderr}");
    // A run of both again changes nothing.
    assert_eq!(tick_envs(&a, &["staging", "production"], &both).0, forward);

    // Production's scan on push turned off: the shared line is not ticked (and infra-verify's
    // tick of it is taken back), in either order, naming the environment that fails.
    let snap = std::fs::read_to_string(FIXTURE_PRODUCTION).expect("fixture");
    let mut json: serde_json::Value = serde_json::from_str(&snap).expect("json");
    for r in json["resources"].as_array_mut().expect("resources") {
        if r["kind"] == "ecr_repository" && r["id"] == "dorami-backend" {
            r["attributes"]["scan_on_push"] = serde_json::Value::Bool(false);
        }
    }
    let off = dir.path().join("production-off.json");
    std::fs::write(&off, json.to_string()).expect("write");
    let off = off.to_str().expect("utf-8 path");
    let c = write(&dir, "c.md", &fresh);
    let d = write(&dir, "d.md", &fresh);
    let (failing, stderr) = tick_envs(&c, &["staging", "production"], &[FIXTURE, off]);
    assert_eq!(
        tick_envs(&d, &["production", "staging"], &[off, FIXTURE]).0,
        failing
    );
    assert!(failing.contains("- [ ] ECR scan on push\n"));
    assert!(stderr.contains(":33: failing: production: ecr_repository/dorami-backend/scan_on_push fail: ECR scan on push [production: fail (ecr_repository/dorami-backend/scan_on_push fail); staging: pass]"), "{stderr}");
    let (unticked, _) = tick_envs(&a, &["staging", "production"], &[FIXTURE, off]);
    assert!(unticked.contains(&format!("- [ ] ECR scan on push <!-- infra-verify: unticked {}, production: ecr_repository/dorami-backend/scan_on_push fail -->\n", fixture_day(FIXTURE_PRODUCTION))), "{unticked}");

    // One environment at a time: shared lines are left to a run of both, and said so; the
    // order of the runs does not matter.
    let e = write(&dir, "e.md", &fresh);
    let f = write(&dir, "f.md", &fresh);
    let (_, stderr) = tick_envs(&e, &["staging"], &[FIXTURE]);
    assert!(stderr.contains(":89: left as it is: passes here, but `production` also links it (tick it with that environment together): Fargate capacity provider [production: not in this run; staging: pass]"), "{stderr}");
    let (one_by_one, _) = tick_envs(&e, &["production"], &[FIXTURE_PRODUCTION]);
    tick_envs(&f, &["production"], &[FIXTURE_PRODUCTION]);
    assert_eq!(tick_envs(&f, &["staging"], &[FIXTURE]).0, one_by_one);
    assert!(one_by_one.contains("- [ ] ECR scan on push\n"));
    assert!(one_by_one.contains("- [ ] Fargate capacity provider\n"));
    // A single run keeps a tick both made while its own check passes, and takes it back when
    // its own check fails.
    let (kept, _) = tick_envs(&a, &["staging", "production"], &both);
    assert_eq!(
        tick_envs(&a, &["production"], &[FIXTURE_PRODUCTION]).0,
        kept
    );
    let (taken_back, _) = tick_envs(&a, &["production"], &[off]);
    assert!(taken_back.contains(&format!("- [ ] ECR scan on push <!-- infra-verify: unticked {}, production: ecr_repository/dorami-backend/scan_on_push fail -->\n", fixture_day(FIXTURE_PRODUCTION))));

    // `infra-verify staging production --tick` is the same decision, with the gate's exit code.
    let g = write(&dir, "g.md", &fresh);
    iv().args([
        "staging",
        "production",
        "--snapshot",
        FIXTURE,
        "--snapshot",
        FIXTURE_PRODUCTION,
        "--tick",
    ])
    .arg(&g)
    .assert()
    .code(1);
    assert_eq!(std::fs::read_to_string(&g).expect("read"), forward);
    // `validate --checklist` names the shared lines.
    iv().args(["validate", "staging", "--checklist", CHECKLIST])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 of them also linked by `production`: tick them with every environment at once (`infra-verify tick staging production fixtures/checklists/live-commerce.md`)"));
}

/// The group app's own checklist (../shared/checklists/group-app.md, committed under
/// fixtures/checklists/) ticked by the shipped group-production spec on the emulator's snapshot:
/// the AWS lines it links tick, the two seeded gaps keep theirs unticked, nothing else moves.
#[test]
fn the_group_app_checklist_is_ticked_by_its_shipped_spec() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = std::fs::read_to_string("fixtures/checklists/group-app.md").expect("fixture");
    let path = write(&dir, "group-app.md", &original);
    let (ticked, stderr) = tick_envs(&path, &["group-production"], &[FIXTURE_GROUP]);
    assert!(stderr.contains("8 ticked, 0 unticked, 0 already ticked, 2 linked but failing, 0 unverified; 10 of 71 checklist items are linked to checks"), "{stderr}");
    assert!(
        stderr.contains(
            ":47: failing: rds_instance/moim-production/backup_retention_period fail: AWS RDS 설정"
        ),
        "{stderr}"
    );
    for line in [
        "AWS ECR 설정",
        "ECS 클러스터 구성",
        "ElastiCache Redis 설정",
        "CloudFront CDN 구성",
        "SSL 인증서 설정",
        "CloudWatch 통합",
        "취약점 스캔",
        "모니터링 알림 설정",
    ] {
        assert!(
            ticked.contains(&format!("- [x] {line} <!-- infra-verify: verified ")),
            "{line}"
        );
    }
    for gap in ["AWS RDS 설정", "백업 및 복구 시스템"] {
        assert!(ticked.contains(&format!("- [ ] {gap}\n")), "{gap}");
    }
    let (old, new): (Vec<&str>, Vec<&str>) = (original.lines().collect(), ticked.lines().collect());
    assert_eq!(old.len(), new.len());
    let changed = old.iter().zip(&new).filter(|(o, n)| o != n).count();
    assert_eq!(changed, 8);
}

#[test]
fn tick_keeps_crlf_line_endings_and_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, true);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).expect("chmod");
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0);
    let crlf = std::fs::read_to_string(&path).expect("read");
    let lf = dir.path().join("lf.md");
    std::fs::copy(CHECKLIST, &lf).expect("copy");
    iv().args(["tick", "staging"])
        .arg(&lf)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0);
    assert_eq!(
        crlf,
        std::fs::read_to_string(&lf)
            .expect("read")
            .replace('\n', "\r\n")
    );
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}

#[test]
fn tick_check_diff_and_dry_run_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, false);
    let before = std::fs::read(&path).expect("read");
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE, "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\n-1. [ ] ALB health check path /api/health\n"))
        .stdout(predicate::str::contains(format!("\n+1. [x] ALB health check path /api/health <!-- infra-verify: verified {} by staging -->\n", fixture_day(FIXTURE))));
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE, "--diff"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "+1. [x] ALB health check path /api/health",
        ));
    iv().args(["tick", "staging"])
        .arg(&path)
        .args(["--snapshot", FIXTURE, "--dry-run"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(":50: ticked: ALB health check path /api/health\n"))
        .stdout(predicate::str::contains(":22: failing: rds_instance/dorami-staging/backup_retention_period fail: **Backups kept 7 days**\n"))
        .stdout(predicate::str::contains(":33: left as it is: passes here, but `production` also links it (tick it with that environment together): ECR scan on push [production: not in this run; staging: pass]\n"));
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn verify_with_tick_keeps_the_verdict_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, false);
    iv().args(["staging", "--snapshot", FIXTURE, "--tick"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT READY"));
    let ticked = std::fs::read_to_string(&path).expect("read");
    assert!(ticked.contains("1. [x] ALB health check path /api/health <!--"));
    // Production's spec links it too: a staging run leaves it.
    assert!(ticked.contains("- [ ] ECR scan on push\n"));
}

#[test]
fn bad_links_are_spec_errors_and_the_checklist_is_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = checklist_copy(&dir, false);
    let before = std::fs::read(&path).expect("read");
    let spec = write(
        &dir,
        "s.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: secret\n    id: dorami/staging/backend\n    item: \"Secrets in Secrets Manager\"\n  - kind: rds_instance\n    id: dorami-staging\n    item: \"Staging RDS instance made\"\n",
    );
    let shown = spec.display().to_string();
    for args in [
        vec!["validate", "--spec"],
        vec!["tick", "staging", "--spec"],
    ] {
        let mut cmd = iv();
        cmd.args(&args).arg(&spec);
        if args[0] == "tick" {
            cmd.arg(&path).args(["--snapshot", FIXTURE]);
        } else {
            cmd.arg("--checklist").arg(&path);
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{shown}:6:11: \"Secrets in Secrets Manager\" matches 2 items of {}: line 58 under \"🔐 security\", line 84 under \"🔐 production security\"",
                path.display()
            )))
            .stderr(predicate::str::contains(format!(
                "{shown}:9:11: no item of {} matches \"Staging RDS instance made\"; did you mean \"Staging RDS instance created\" (line 19)?",
                path.display()
            )));
    }
    assert_eq!(std::fs::read(&path).expect("read"), before);
    iv().args(["validate", "staging", "--checklist", CHECKLIST])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "every link resolves: 21 of 35 checklist items are linked to checks",
        ));
}

const DRIFT_BASE: &str = "fixtures/drift/baseline.snapshot.json";
const DRIFT_NOW: &str = "fixtures/drift/current.snapshot.json";
const FIXTURE_TICKETING: &str = "fixtures/ticketing-production.snapshot.json";

/// The baseline fixture with one change applied to its JSON, taken a day later.
fn drifted(
    dir: &tempfile::TempDir,
    name: &str,
    change: impl Fn(&mut serde_json::Value),
) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DRIFT_BASE).expect("read")).expect("json");
    change(&mut v);
    v["metadata"]["taken_at"] = serde_json::json!("2026-11-22T02:00:00Z");
    write(dir, name, &serde_json::to_string_pretty(&v).expect("json"))
}

fn record<'a>(v: &'a mut serde_json::Value, kind: &str, id: &str) -> &'a mut serde_json::Value {
    v["resources"]
        .as_array_mut()
        .expect("resources")
        .iter_mut()
        .find(|r| r["kind"] == kind && r["id"] == id)
        .expect("record")
}

/// `infra-verify drift staging --baseline BASELINE --snapshot NOW ARGS...`
fn drift(
    baseline: impl AsRef<std::ffi::OsStr>,
    now: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
) -> Command {
    let mut c = iv();
    c.args(["drift", "staging", "--baseline"])
        .arg(baseline)
        .arg("--snapshot")
        .arg(now)
        .args(args);
    c
}

#[test]
fn drift_exit_codes_say_what_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 1: drift broke checks.
    drift(DRIFT_BASE, DRIFT_NOW, &[])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "BROKE      rds_instance/dorami-staging/backup_retention_period  pass → fail: 7 → 1 (expected at least 7)",
        ))
        .stdout(predicate::str::contains("DRIFT BROKE CHECKS: 5 broke"));
    // 0: nothing changed.
    drift(DRIFT_BASE, DRIFT_BASE, &[])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("NO DRIFT"));
    // 4: drift that broke nothing (storage grew; the check is at_least 20).
    let grown = drifted(&dir, "grown.json", |v| {
        record(v, "rds_instance", "dorami-staging")["attributes"]["allocated_storage"] =
            serde_json::json!(50);
    });
    drift(DRIFT_BASE, &grown, &[])
        .assert()
        .code(4)
        .stdout(predicate::str::contains(
            "allocated_storage: 20 → 50  (check pass)",
        ))
        .stdout(predicate::str::contains(
            "DRIFT (nothing broke): 1 attribute changes",
        ));
    // Only what changes on its own: no drift; --all-attributes shows it (still nothing broke).
    let busy = drifted(&dir, "busy.json", |v| {
        record(v, "ecs_service", "dorami-staging/dorami-backend")["attributes"]["running_count"] =
            serde_json::json!(4);
    });
    drift(DRIFT_BASE, &busy, &[])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("NO DRIFT (1 change ignored)"));
    drift(DRIFT_BASE, &busy, &["--all-attributes"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("running_count: 1 → 4"));
    // 3: something could not be observed now, nothing broke.
    let denied = drifted(&dir, "denied.json", |v| {
        *record(v, "secret", "dorami/staging/backend") = serde_json::json!({
            "kind": "secret", "id": "dorami/staging/backend", "status": "error",
            "error": "secretsmanager:ListSecrets: AccessDenied"});
    });
    drift(DRIFT_BASE, &denied, &[])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "? secret/dorami/staging/backend (secretsmanager:ListSecrets: AccessDenied)",
        ));
    // 2: no baseline, a bad location, a baseline of another environment.
    drift(dir.path().join("none.json"), DRIFT_NOW, &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accept one first with `--accept`"));
    drift("s3://bucket", DRIFT_NOW, &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a baseline location"));
    drift(FIXTURE_TICKETING, DRIFT_NOW, &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a snapshot of environment `ticketing-production`",
        ));
}

#[test]
fn drift_formats_and_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("drift.json");
    drift(DRIFT_BASE, DRIFT_NOW, &["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(v["outcome"], "broken");
    assert_eq!(v["disappeared"][0]["resource"], "dorami-backend");
    drift(DRIFT_BASE, DRIFT_NOW, &["--format", "markdown"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("## ❌ Drift: `staging`"));
    drift(DRIFT_BASE, DRIFT_NOW, &["--format", "html"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("<!DOCTYPE html>"))
        .stdout(predicate::str::contains("</html>"));
}

#[test]
fn drift_accept_keeps_a_dated_history_and_never_accepts_a_partial_observation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("staging.json");
    let history = dir.path().join("staging.history");
    let names = || -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(&history)
            .expect("history")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // (the lock file that serializes accepts)
            .filter(|n| n != ".lock")
            .collect();
        n.sort();
        n
    };
    // The first accept creates the baseline.
    drift(&baseline, DRIFT_BASE, &["--accept"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("is now the baseline"));
    assert_eq!(names(), ["20261121T020000Z.json"]);
    // A partial observation (an access-denied listener) is reported but not accepted: exit 3,
    // and the baseline is byte for byte what it was.
    let before = std::fs::read(&baseline).expect("read");
    drift(&baseline, DRIFT_NOW, &["--accept"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("DRIFT BROKE CHECKS"))
        .stderr(predicate::str::contains(
            "not accepted: 1 resource(s) could not be fully observed",
        ));
    assert_eq!(std::fs::read(&baseline).expect("read"), before);
    assert_eq!(names(), ["20261121T020000Z.json"]);
    // A complete one is: reported against the old baseline, then accepted.
    let grown = drifted(&dir, "grown.json", |v| {
        record(v, "rds_instance", "dorami-staging")["attributes"]["allocated_storage"] =
            serde_json::json!(50);
    });
    drift(&baseline, &grown, &["--accept", "--keep", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("DRIFT"))
        .stderr(predicate::str::contains(
            "accepted: 2026-11-22T02:00:00Z is now the baseline",
        ))
        .stderr(predicate::str::contains("removed"));
    assert_eq!(names(), ["20261122T020000Z.json"]);
    // And now there is no drift.
    drift(&baseline, &grown, &[]).assert().code(0);
}

/// A baseline that is truncated, of another snapshot version, environment or account is an
/// error (exit 2) that names the file, and `--accept` then writes nothing.
#[test]
fn a_broken_baseline_is_an_error_and_accept_leaves_it_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = std::fs::read_to_string(DRIFT_BASE).expect("read");
    let cases = [
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            "is not a valid infra-verify snapshot",
        ),
        (
            "version",
            good.replacen("\"snapshot_version\": 1", "\"snapshot_version\": 99", 1),
            "has snapshot_version 99",
        ),
        (
            "account",
            good.replace("123456789012", "999999999999"),
            "wrong account",
        ),
        (
            "environment",
            good.replace(
                "\"environment\": \"staging\"",
                "\"environment\": \"production\"",
            ),
            "is a snapshot of environment `production`",
        ),
        (
            // Taken in another region than the snapshot compared with it.
            "region",
            good.replacen(
                "\"region\": \"ap-northeast-2\"",
                "\"region\": \"us-west-2\"",
                1,
            ),
            "was taken in region us-west-2, this snapshot in region ap-northeast-2: not comparable",
        ),
    ];
    for (name, text, message) in cases {
        let path = write(&dir, &format!("{name}.json"), &text);
        drift(&path, DRIFT_BASE, &["--accept"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(format!("{name}.json")));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            text,
            "{name}"
        );
        assert!(
            !dir.path().join(format!("{name}.history")).exists(),
            "{name}"
        );
    }
}

#[test]
fn schema_doc_matches_the_code() {
    let out = iv()
        .arg("schema")
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty())
        .get_output()
        .stdout
        .clone();
    let generated = String::from_utf8(out).expect("utf-8");
    let committed = std::fs::read_to_string("docs/spec.schema.json").unwrap_or_default();
    assert!(
        generated == committed,
        "docs/spec.schema.json is out of date: run `cargo run -- schema > docs/spec.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&generated).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(
        schema["definitions"]["Kind_rds_instance"]["properties"]["expect"]["properties"]
            ["backup_retention_period"]["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Days automated backups are kept"))
    );
}

/// Every subcommand, as the completion scripts and the man page must name them.
const SUBCOMMANDS: &[&str] = &[
    "snapshot",
    "tick",
    "drift",
    "validate",
    "kinds",
    "iam-policy",
    "evidence",
    "schema",
    "completions",
    "man",
];

#[test]
fn completions_for_each_shell_name_every_subcommand_and_flag() {
    for (shell, marker) in [
        ("bash", "complete -F _infra__verify"),
        ("zsh", "#compdef infra-verify"),
        ("fish", "complete -c infra-verify"),
    ] {
        let out = iv()
            .args(["completions", shell])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(out).expect("utf-8");
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no subcommand {sub}");
        }
        for flag in [
            "quiet",
            "verbose",
            "snapshot",
            "format",
            "endpoint-url",
            "max-concurrency",
            "baseline",
            "sign-key",
        ] {
            assert!(script.contains(flag), "{shell}: no flag --{flag}");
        }
        // The values of --format and of the shells are completed too.
        assert!(script.contains("junit"), "{shell}: no --format values");
    }
    // bash parses what it generated.
    let out = iv().args(["completions", "bash"]).output().expect("run");
    let check = std::process::Command::new("bash")
        .args(["-n", "-c"])
        .arg(String::from_utf8_lossy(&out.stdout).as_ref())
        .status();
    if let Ok(status) = check {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    iv().args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_page_matches_the_code_and_documents_every_command() {
    let out = iv().arg("man").assert().code(0).get_output().stdout.clone();
    let page = String::from_utf8(out).expect("utf-8");
    let committed = std::fs::read_to_string("docs/infra-verify.1").unwrap_or_default();
    assert!(
        page == committed,
        "docs/infra-verify.1 is out of date: run `cargo run -- man > docs/infra-verify.1`"
    );
    assert!(page.contains("\n.TH infra-verify 1 "), "no title");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS AND EXAMPLES\"",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!(".SS \"infra-verify {sub}\"")),
            "no section for {sub}"
        );
    }
    assert!(page.contains(".SS \"infra-verify evidence verify\""));
    assert!(
        !page.contains("infra-verify help"),
        "the generated help subcommands are left out"
    );
    // Flags of the main command and of subcommands (roff escapes `-` as `\-`).
    for flag in [
        "\\-\\-quiet",
        "\\-\\-verbose",
        "\\-\\-snapshot",
        "\\-\\-baseline",
        "\\-\\-sign\\-key",
        "\\-\\-accept",
    ] {
        assert!(page.contains(flag), "no {flag}");
    }
    // The exit codes of --help.
    assert!(page.contains("could not verify"));
}

#[test]
fn quiet_prints_nothing_but_errors_and_keeps_the_exit_code() {
    // verify: no report, no notes; the exit code is the verdict.
    for args in [
        vec!["staging", "--snapshot", FIXTURE, "-q"],
        vec!["-q", "staging", "--snapshot", FIXTURE, "--format", "json"],
    ] {
        iv().args(&args)
            .assert()
            .code(1)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::is_empty());
    }
    // A report file asked for is still written.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    iv().args([
        "staging",
        "--snapshot",
        FIXTURE,
        "--quiet",
        "--format",
        "json",
        "-o",
    ])
    .arg(&out)
    .assert()
    .code(1)
    .stdout(predicate::str::is_empty())
    .stderr(predicate::str::is_empty());
    assert!(std::fs::read_to_string(&out)
        .expect("written")
        .contains("\"checks\""));
    // validate: silent when the spec is right, every problem when it is not.
    iv().args(["validate", "staging", "-q"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    let bad = write(
        &dir,
        "bad.yaml",
        "version: 1\nenvironment: staging\nresources:\n  - kind: rds_instanse\n    id: a\n",
    );
    iv().args(["validate", "-q", "--spec"])
        .arg(&bad)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "unknown resource kind `rds_instanse`",
        ));
    // Usage errors still say what is wrong.
    iv().args(["-q", "no-such-env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: no spec for environment"));
    // tick --check: exit 1 when out of date, no diff, no summary.
    let list = checklist_copy(&dir, false);
    iv().args(["tick", "staging"])
        .arg(&list)
        .args(["--snapshot", FIXTURE, "--check", "-q"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    // tick still ticks.
    let before = std::fs::read_to_string(&list).expect("read");
    iv().args(["-q", "tick", "staging"])
        .arg(&list)
        .args(["--snapshot", FIXTURE])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    assert_ne!(std::fs::read_to_string(&list).expect("read"), before);
    // Data commands still print their data.
    iv().args(["-q", "kinds"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("rds_instance"));
    iv().args(["iam-policy", "learning-saas", "-q"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"Statement\""))
        .stderr(predicate::str::is_empty());
    // drift: the exit code alone; a report file asked for is still written; --accept accepts.
    drift(DRIFT_BASE, DRIFT_NOW, &["-q"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    let baseline = dir.path().join("baseline.json");
    iv().args(["-q", "drift", "staging", "--accept", "--baseline"])
        .arg(&baseline)
        .args(["--snapshot", DRIFT_BASE])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    assert!(baseline.exists(), "--accept wrote no baseline");
    // evidence: the bundle is written, without the summary; verify says it by its exit code.
    let bundle = dir.path().join("bundle");
    iv().args(["evidence", "staging", "-q", "--snapshot", FIXTURE, "--out"])
        .arg(&bundle)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    iv().args(["evidence", "verify", "-q"])
        .arg(&bundle)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    // --quiet and --verbose contradict each other.
    iv().args(["staging", "--snapshot", FIXTURE, "-q", "-v"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn verbose_levels_log_to_stderr_only() {
    // -v: the API calls per operation (from the snapshot's record), on stderr.
    iv().args(["staging", "--snapshot", FIXTURE, "-v"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT READY"))
        .stdout(predicate::str::contains("api calls").not())
        .stderr(predicate::str::contains("api calls: "))
        .stderr(predicate::str::contains("rds:DescribeDBInstances"));
    // -vvv and RUST_LOG=trace: stdout is still the report alone.
    for (args, rust_log) in [
        (
            vec!["staging", "--snapshot", FIXTURE, "--format", "json", "-vvv"],
            None,
        ),
        (
            vec![
                "--verbose",
                "--verbose",
                "staging",
                "--snapshot",
                FIXTURE,
                "--format",
                "json",
            ],
            None,
        ),
        (
            vec!["staging", "--snapshot", FIXTURE, "--format", "json"],
            Some("trace"),
        ),
    ] {
        let mut cmd = iv();
        if let Some(level) = rust_log {
            cmd.env("RUST_LOG", level);
        }
        let out = cmd.args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(1));
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("stdout is the JSON report alone");
        assert_eq!(report["environment"], "staging");
    }
    // Without -v, nothing on stderr.
    iv().args(["staging", "--snapshot", FIXTURE])
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty());
}

#[test]
fn init_from_checklist_drafts_a_spec_that_validates_with_its_links() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("staging.yaml");
    iv().args(["init", "staging", "--from-checklist", CHECKLIST, "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "drafted 16 resources; 21 of 35 checklist items linked, 2 lines left as TODO",
        ));
    let spec = std::fs::read_to_string(&out).expect("the draft");
    insta::assert_snapshot!("init_from_checklist_live_commerce_staging", spec);
    // `validate --checklist` accepts it: every link names exactly one item.
    iv().args(["validate", "--spec"])
        .arg(&out)
        .args(["--checklist", CHECKLIST])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "environment `staging`, 16 resources, 37 checks",
        ))
        .stdout(predicate::str::contains(
            "every link resolves: 21 of 35 checklist items are linked to checks",
        ));
    // The same draft on stdout; the existing file is refused without --force.
    let stdout = iv()
        .args(["init", "staging", "--from-checklist", CHECKLIST])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8_lossy(&stdout), spec);
    iv().args(["init", "staging", "--from-checklist", CHECKLIST, "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "exists; nothing was written (give --force",
        ));
    iv().args([
        "init",
        "staging",
        "--from-checklist",
        CHECKLIST,
        "--force",
        "-o",
    ])
    .arg(&out)
    .assert()
    .code(0);
    // Without ENV, every section: the production lines are drafted too, and the spec is named
    // after the checklist.
    let all = iv()
        .args(["init", "--from-checklist", CHECKLIST])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let all = String::from_utf8_lossy(&all).to_string();
    assert!(all.contains("environment: live-commerce\n"), "{all}");
    assert!(all.contains("id: TODO-rds-instance-production"), "{all}");
    assert!(
        all.contains(
            "instance_class: { equals: db.t3.small, item: \"instance type: db.t3.small\" }"
        ),
        "{all}"
    );
    assert!(all.contains("kind: elasticache_replication_group"), "{all}");
}

#[test]
fn init_usage_errors_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.yaml");
    iv().args(["init", "staging"]).assert().code(2);
    iv().args(["init", "--from-account", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give the environment's name"));
    iv().args(["init", "stag ing", "--from-checklist", CHECKLIST])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an environment name"));
    iv().args([
        "init",
        "staging",
        "--from-checklist",
        CHECKLIST,
        "--tag",
        "Environment=staging",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("--from-account only"));
    iv().args(["init", "--iam-policy", "--tag", "Environment"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
    iv().args(["init", "staging", "--from-checklist", "no/such.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read checklist"));
    iv().args([
        "init",
        "staging",
        "--from-account",
        "--from-checklist",
        CHECKLIST,
    ])
    .assert()
    .code(2);
    assert!(!out.exists());
}

/// docs/init.md shows the recommendation table of the code and the IAM policy `init
/// --iam-policy` prints, and `iam-policy --all` covers every action of `init`.
#[test]
fn init_docs_match_the_code() {
    let doc = std::fs::read_to_string("docs/init.md").expect("docs/init.md");
    let rows = infra_verify::init::recommend::markdown_rows();
    assert!(
        doc.contains(&rows),
        "docs/init.md's recommendation table differs from init::recommend; it should be:\n{rows}"
    );
    let policy = iv()
        .args(["init", "--iam-policy"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let policy = String::from_utf8(policy).expect("utf-8");
    assert!(
        doc.contains(&format!("```json\n{policy}```")),
        "docs/init.md's IAM policy differs from `infra-verify init --iam-policy`:\n{policy}"
    );
    let all = iv()
        .args(["iam-policy", "--all"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let all: serde_json::Value = serde_json::from_slice(&all).expect("json");
    let tagged = iv()
        .args(["init", "--iam-policy", "--tag", "Environment=staging"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let tagged: serde_json::Value = serde_json::from_slice(&tagged).expect("json");
    let actions = |p: &serde_json::Value| -> Vec<String> {
        p["Statement"][0]["Action"]
            .as_array()
            .expect("actions")
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect()
    };
    let all = actions(&all);
    for a in actions(&tagged) {
        assert!(
            all.contains(&a),
            "iam-policy --all lacks {a}, which init calls"
        );
    }
    assert!(actions(&tagged).contains(&"s3:GetBucketTagging".to_string()));
}

/// Every operation the probes may call has at least one replay test (a response shaped like the
/// AWS API reference's, fields moto omits included), named in docs/emulator.md's "Replays by
/// operation" list, and every test named there exists.
#[test]
fn every_operation_has_a_replay_test_named_in_the_docs() {
    let doc = std::fs::read_to_string("docs/emulator.md").expect("docs/emulator.md");
    let section = doc
        .split("## Replays by operation")
        .nth(1)
        .expect("a `## Replays by operation` section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let line = regex::Regex::new(r"(?m)^- `([a-z0-9-]+:[A-Za-z]+)`[^\n]*?: (.+)$").expect("regex");
    let test =
        regex::Regex::new(r"`probe::([a-z0-9_]+)::(?:tests::)?([a-z0-9_]+)`").expect("regex");
    let call = regex::Regex::new(r"\b([a-z_][a-z0-9_]*)\(").expect("regex");
    let mut covered = std::collections::BTreeSet::new();
    for c in line.captures_iter(section) {
        let tests: Vec<(String, String)> = test
            .captures_iter(&c[2])
            .map(|t| (t[1].to_string(), t[2].to_string()))
            .collect();
        assert!(!tests.is_empty(), "no test named for {}", &c[1]);
        for (module, name) in tests {
            // A probe is a file, or a folder of files (src/probe/s3/).
            let source = std::fs::read_to_string(format!("src/probe/{module}.rs"))
                .or_else(|_| {
                    let mut all = String::new();
                    for entry in std::fs::read_dir(format!("src/probe/{module}"))?.flatten() {
                        all.push_str(&std::fs::read_to_string(entry.path())?);
                    }
                    Ok::<_, std::io::Error>(all)
                })
                .unwrap_or_else(|_| panic!("{}: no src/probe/{module}.rs", &c[1]));
            // A function's body: up to the closing brace at its own indentation.
            let function = |name: &str| -> Option<&str> {
                let at = source.find(&format!("fn {name}("))?;
                let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
                let indent =
                    source[line_start..at].len() - source[line_start..at].trim_start().len();
                let end = format!("\n{}}}\n", " ".repeat(indent));
                let rest = &source[at..];
                Some(rest.split(end.as_str()).next().unwrap_or(rest))
            };
            let body = function(&name)
                .unwrap_or_else(|| panic!("{}: no test `{name}` in src/probe/{module}", &c[1]));
            // The test replays, itself or through a helper of the same file that does.
            let replays = |text: &str| text.contains("Replay::");
            let through_helper = call
                .captures_iter(body)
                .any(|h| function(&h[1]).is_some_and(replays));
            assert!(
                replays(body) || through_helper,
                "{}: `probe::{module}::tests::{name}` replays nothing",
                &c[1]
            );
        }
        covered.insert(c[1].to_string());
    }
    let missing: Vec<&str> = infra_verify::plan::OPERATIONS
        .iter()
        .map(|o| o.action)
        .filter(|a| !covered.contains(*a))
        .collect();
    assert_eq!(
        missing,
        Vec::<&str>::new(),
        "operations without a replay test in docs/emulator.md"
    );
}
