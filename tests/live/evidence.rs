//! Evidence bundles against moto: the demo environment plus secrets with known values, a bundle
//! built with the CLI, verified, with one raw response per API call (each with its request id),
//! checks linked to the responses they came from, the report read in headless Chromium, and the
//! secret values nowhere in the bundle.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::browser;
use crate::support::demo::seed_demo;
use crate::support::moto::Moto;
use crate::support::seed::Seeder;
use crate::support::seed_ecs::{Container, EcsSeeder, TaskDef};
use crate::support::seed_edge::{Dist, EdgeSeeder};
use crate::{cli_sub, connection, rt, spec_text};

/// Values no file of a bundle may ever contain: two Secrets Manager values (which no probe
/// reads), and values the probes' responses do carry: a container environment variable of the
/// task definition the spec checks, and a CloudFront origin's custom header (listed by
/// ListDistributions).
const SECRET_VALUES: &[&str] = &[
    "evidence-canary-7f3a9c2e-backend-password",
    "evidence-canary-0b1d4e8f-db-password",
    "evidence-canary-5c6d7e8f-env-database-url",
    "evidence-canary-9a8b7c6d-origin-verify",
];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("ls").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn a_live_bundle_has_every_raw_response_verifies_and_holds_no_secret_value() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await?;
        let seeder = Seeder::new(&moto.endpoint);
        // The spec's secret gets a known value, and a second secret exists beside it.
        seeder
            .secrets
            .put_secret_value()
            .secret_id("dorami/staging/backend")
            .secret_string(SECRET_VALUES[0])
            .send()
            .await?;
        seeder
            .secrets
            .create_secret()
            .name("dorami/staging/db-password")
            .secret_string(SECRET_VALUES[1])
            .send()
            .await?;
        // The latest revision of the checked task definition passes a database URL in the
        // environment, as teams often do.
        let ecs = EcsSeeder::new(&moto.endpoint);
        ecs.task_definition(&TaskDef {
            family: "dorami-backend-staging",
            cpu: "256",
            memory: "512",
            containers: &[Container {
                name: "backend",
                image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:staging",
                health_check: true,
                log_group: Some("/ecs/dorami-backend-staging"),
                env: &[("DATABASE_URL", SECRET_VALUES[2]), ("NODE_ENV", "staging")],
            }],
        })
        .await?;
        // A second distribution whose ALB origin gets a shared-secret header from CloudFront.
        EdgeSeeder::new(&moto.endpoint)
            .distribution_with(&Dist {
                reference: "evidence-canary",
                alias: "canary.dorami.example",
                comment: "origin secret",
                s3_domain: "dorami-front.s3.ap-northeast-2.amazonaws.com",
                alb_dns: "alb.example",
                certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/canary",
                explicit_certificate_flag: true,
                viewer_protocol_policy: aws_sdk_cloudfront::types::ViewerProtocolPolicy::HttpsOnly,
                web_acl_id: "",
                origin_headers: &[("X-Origin-Verify", SECRET_VALUES[3])],
            })
            .await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("staging-evidence");
    let run = cli_sub(
        &moto.endpoint,
        &["evidence", "staging", "--out", out.to_str().expect("utf-8")],
    )
    .output()
    .expect("run");
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The demo's four gaps: not ready, and the bundle is written all the same.
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("raw AWS responses: "), "{stderr}");

    // `evidence verify` needs no AWS and takes no connection flags.
    let v = crate::emulator_cli()
        .args(["evidence", "verify"])
        .arg(&out)
        .output()
        .expect("verify");
    let text = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{text}");
    assert!(text.contains("INTACT:"), "{text}");
    tampering_with_raw_responses_is_named(&out);

    let json = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(name)).expect("read")).expect("json")
    };
    let manifest = json("manifest.json");
    let snapshot = json("snapshot.json");
    let verdicts = json("verdicts.json");
    assert_eq!(manifest["source"]["kind"], "live");
    assert_eq!(manifest["account_id"], "123456789012");
    assert_eq!(manifest["regions"], serde_json::json!(["ap-northeast-2"]));
    assert_eq!(manifest["endpoint"], moto.endpoint.as_str());
    assert_eq!(manifest["raw_responses"]["included"], true);

    // One raw file per API call: each with its request id, times and the body as received, and
    // as many first attempts per IAM action as the snapshot counted calls (so every probe client
    // captured: the counter and the capture sit in the same interceptor).
    let mut raw: Vec<std::path::PathBuf> = std::fs::read_dir(out.join("raw"))
        .expect("raw/")
        .flatten()
        .map(|e| e.path())
        .collect();
    raw.sort();
    assert_eq!(
        manifest["raw_responses"]["calls"].as_u64(),
        Some(raw.len() as u64)
    );
    let mut first_attempts: BTreeMap<String, u64> = BTreeMap::new();
    for path in &raw {
        let call: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
        let name = path.file_name().expect("name").to_string_lossy();
        let response = &call["response"];
        assert!(
            response["request_id"]
                .as_str()
                .is_some_and(|id| id.len() >= 8),
            "{name}: no request id: {call}"
        );
        assert!(response["status"].as_u64().is_some(), "{name}");
        assert!(
            call["sent_at"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{name}"
        );
        assert!(
            call["received_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z')),
            "{name}"
        );
        let body = response["body"].as_str().expect("body");
        assert_eq!(
            response["body_sha256"].as_str(),
            Some(infra_verify::evidence::sha256_hex(body.as_bytes()).as_str()),
            "{name}"
        );
        // No request header was kept: no signature, no credentials.
        assert!(call["request"].get("headers").is_none(), "{name}");
        let action = call["action"].as_str().expect("a known action").to_string();
        assert!(
            name.contains(call["operation"].as_str().expect("op")),
            "{name}"
        );
        if call["attempt"] == 1 {
            *first_attempts.entry(action).or_insert(0) += 1;
        }
    }
    let counted: BTreeMap<String, u64> =
        serde_json::from_value(snapshot["metadata"]["api_calls"].clone()).expect("api_calls");
    assert_eq!(first_attempts, counted);
    assert!(counted.contains_key("sts:GetCallerIdentity"));
    assert!(counted.contains_key("secretsmanager:ListSecrets"));

    // Every check of an AWS resource links to the raw file(s) its value came from.
    let checks = verdicts["checks"].as_array().expect("checks");
    for c in checks {
        let links = c["raw"].as_array().expect("raw links");
        assert!(!links.is_empty(), "{} has no raw response", c["id"]);
        for l in links {
            assert!(out.join(l.as_str().expect("path")).is_file(), "{l}");
        }
    }
    let check = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check {id}"))
    };
    let backups = check("rds_instance/dorami-staging/backup_retention_period");
    assert_eq!(backups["status"], "fail");
    let backup_raw = backups["raw"][0].as_str().expect("link").to_string();
    assert!(
        backup_raw.ends_with("-RDS-DescribeDBInstances.json"),
        "{backup_raw}"
    );
    let body = std::fs::read_to_string(out.join(&backup_raw)).expect("read");
    assert!(body.contains("<BackupRetentionPeriod>1</BackupRetentionPeriod>"));
    // A per-bucket call links to that bucket's request only.
    let versioning = check("s3_bucket/dorami-staging-hls/versioning");
    assert_eq!(versioning["raw"].as_array().map(Vec::len), Some(1));
    let call = std::fs::read_to_string(out.join(versioning["raw"][0].as_str().expect("link")))
        .expect("read");
    assert!(call.contains("/dorami-staging-hls/?versioning"), "{call}");

    // The secrets were listed (their names are in the evidence), their values never.
    let mut all = Vec::new();
    files(&out, &mut all);
    assert!(all.len() > 10);
    let everything: Vec<(String, Vec<u8>)> = all
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect();
    let contains =
        |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        everything
            .iter()
            .any(|(_, b)| contains(b, "dorami/staging/db-password")),
        "the secret listing is in the bundle, so the search below means something"
    );
    for (path, bytes) in &everything {
        for value in SECRET_VALUES {
            assert!(!contains(bytes, value), "{path} contains a secret value");
        }
    }
    // ... because they were redacted from the responses that carried them, which say so, while
    // the names next to them stay.
    let redacted_in = |operation: &str| -> Vec<String> {
        raw.iter()
            .filter(|p| p.to_string_lossy().contains(operation))
            .filter_map(|p| {
                let call: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(p).ok()?).ok()?;
                let body = call["response"]["body"].as_str()?.to_string();
                let what = call["response"]["redacted"].as_array()?.clone();
                Some(format!("{what:?} {body}"))
            })
            .collect()
    };
    let td = redacted_in("DescribeTaskDefinition");
    assert!(
        td.iter()
            .any(|t| t.contains("environment[].value: 2") && t.contains("DATABASE_URL")),
        "{td:?}"
    );
    let cf = redacted_in("ListDistributions");
    assert!(
        cf.iter()
            .any(|t| t.contains("HeaderValue: 1") && t.contains("X-Origin-Verify")),
        "{cf:?}"
    );

    // The auditor's page: summary, the failing check with expected, actual, verdict, control,
    // and the link to its raw response; self-contained and printable.
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    browser::assert_no_external_assets(&html);
    let text = browser::visible_text(&html);
    for needle in [
        "Evidence: staging",
        // The demo's four gaps, and the revision seeded here: its database URL is a plain
        // environment variable, so the execution role and `secret_names` checks fail too.
        "NOT READY: 74 checks: 68 passed, 6 failed, 0 missing, 0 errors",
        "Source\tlive observation",
        "Control ISMS-P-2.9.3",
        "Raw AWS responses",
    ] {
        assert!(text.contains(needle), "`{needle}` not visible in:\n{text}");
    }
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("rds_instance/dorami-staging/backup_retention_period"))
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        row.contains(&format!("at least 7\t1\tfail\tISMS-P-2.9.3\t{backup_raw}")),
        "{row}"
    );
    assert!(html.contains(&format!("href=\"{backup_raw}\"")));
    assert!(browser::pdf_len(&html) > 1000);
}

/// A byte altered, a file added or one removed under raw/ of a bundle built against moto (the
/// raw responses are the files an offline bundle does not have): `evidence verify` exits 1 and
/// names the file. Each on a fresh copy of the bundle.
fn tampering_with_raw_responses_is_named(bundle: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("ls").flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).expect("copy");
            }
        }
    }
    let mut raw: Vec<std::path::PathBuf> = std::fs::read_dir(bundle.join("raw"))
        .expect("raw/")
        .flatten()
        .map(|e| e.path())
        .collect();
    raw.sort();
    let victim = raw
        .iter()
        .find(|p| p.to_string_lossy().contains("DescribeDBInstances"))
        .expect("a DescribeDBInstances response")
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    type Change<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: [(&str, Change, String); 3] = [
        (
            "altered",
            Box::new(|b: &Path| {
                let p = b.join("raw").join(&victim);
                let mut bytes = std::fs::read(&p).expect("read");
                // One digit of the backup retention the failing check read: 1 day becomes 7.
                let at = bytes
                    .windows(b"<BackupRetentionPeriod>1<".len())
                    .position(|w| w == b"<BackupRetentionPeriod>1<")
                    .expect("the retention in the raw body")
                    + "<BackupRetentionPeriod>".len();
                bytes[at] = b'7';
                std::fs::write(&p, bytes).expect("write");
            }),
            format!("raw/{victim}"),
        ),
        (
            "added",
            Box::new(|b: &Path| {
                std::fs::write(
                    b.join("raw").join("9999-RDS-DescribeDBInstances.json"),
                    "{}",
                )
                .expect("write")
            }),
            "raw/9999-RDS-DescribeDBInstances.json".to_string(),
        ),
        (
            "removed",
            Box::new(|b: &Path| std::fs::remove_file(b.join("raw").join(&victim)).expect("rm")),
            format!("raw/{victim}"),
        ),
    ];
    for (what, change, named) in cases {
        let copy_dir = dir.path().join(what);
        copy(bundle, &copy_dir);
        change(&copy_dir);
        let v = crate::emulator_cli()
            .args(["evidence", "verify"])
            .arg(&copy_dir)
            .output()
            .expect("verify");
        let text = String::from_utf8_lossy(&v.stdout);
        assert_eq!(v.status.code(), Some(1), "{what}: {text}");
        assert!(text.contains("NOT INTACT"), "{what}: {text}");
        assert!(
            text.lines().any(|l| l.contains(&named) && l.contains(what)),
            "{what}: {named} not named: {text}"
        );
    }
}

/// Capture is off unless evidence is collected: an ordinary run keeps no raw response.
#[test]
fn an_ordinary_run_captures_nothing() {
    let moto = Moto::start();
    let spec = spec_text(
        "version: 1\nenvironment: staging\nresources:\n  - kind: s3_bucket\n    id: nothing-here\n    exists: false\n",
    );
    let conn = connection(&moto.endpoint);
    rt().block_on(infra_verify::probe::observe(&spec, &conn))
        .expect("observe");
    assert!(!conn.recorder.calls().is_empty());
    assert!(conn.recorder.raw_calls().is_empty());
    // The same with capture on keeps every call.
    let mut capturing = connection(&moto.endpoint);
    capturing.recorder = infra_verify::aws::CallRecorder::capturing();
    rt().block_on(infra_verify::probe::observe(&spec, &capturing))
        .expect("observe");
    let raw = capturing.recorder.raw_calls();
    let keys: Vec<String> = raw.iter().map(|c| c.key()).collect();
    assert_eq!(
        keys.len() as u64,
        capturing.recorder.calls().values().sum::<u64>()
    );
    assert!(keys.contains(&"S3:ListBuckets".to_string()), "{keys:?}");
}
