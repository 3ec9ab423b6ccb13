//! S3 across regions, answered as real S3 answers (tests/support/s3_regions.rs): buckets in three
//! regions, every verdict right and none an error; with `BucketRegion` in the listing, no call
//! goes to a wrong region; without it, each bucket's region is learnt from one redirect.

use std::collections::BTreeMap;

use infra_verify::evaluate::{evaluate, Status};
use infra_verify::probe;

use crate::support::moto::Moto;
use crate::support::s3_regions::{self, S3Regions};
use crate::support::seed::{Bucket, Seeder, REGION};
use crate::{cli_sub, connection, emulator_cli, rt, spec_text};

const BUCKETS: [(&str, &str); 3] = [
    ("web-seoul", REGION),
    ("logs-virginia", "us-east-1"),
    ("backup-ireland", "eu-west-1"),
];

fn regions() -> BTreeMap<String, String> {
    BUCKETS
        .iter()
        .map(|(b, r)| (b.to_string(), r.to_string()))
        .collect()
}

/// moto with the three buckets, each in its region: versioning, encryption, a public access
/// block, `Environment: prod`.
fn seeded() -> Moto {
    let moto = Moto::start();
    let seeder = Seeder::new(&moto.endpoint);
    rt().block_on(async {
        for (name, region) in BUCKETS {
            seeder
                .bucket(&Bucket {
                    name,
                    region: Some(region),
                    versioning: true,
                    sse: true,
                    block_public: true,
                    environment: Some("prod"),
                    ..Bucket::default()
                })
                .await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");
    moto
}

fn spec() -> String {
    let mut text = String::from(
        "version: 1\nenvironment: prod\naws: { region: ap-northeast-2 }\nresources:\n",
    );
    for (name, region) in BUCKETS {
        text.push_str(&format!(
            "  - kind: s3_bucket\n    id: {name}\n    expect: {{ versioning: Enabled, sse_algorithm: AES256, public_access_blocked: true, region: {region} }}\n"
        ));
    }
    text.push_str(
        "  - kind: s3_bucket\n    select: { tags: { Environment: prod } }\n    count: 3\n    expect: { versioning: Enabled }\n",
    );
    text
}

/// Checks that did not pass: (id, verdict, message).
type NotPassing = Vec<(String, Status, String)>;

/// Observes the spec through the proxy: (non-passing checks, the S3 calls the tool recorded,
/// their total).
fn run(proxy: &S3Regions) -> (NotPassing, BTreeMap<String, u64>, usize) {
    let spec = spec_text(&spec());
    let conn = connection(&proxy.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let report = evaluate(&spec, &snap);
    assert!(report.checks.len() > 15, "{:?}", report.checks);
    let bad = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| (c.id.clone(), c.status, c.message.clone()))
        .collect();
    let s3_calls: BTreeMap<String, u64> = conn
        .recorder
        .calls()
        .into_iter()
        .filter(|(k, _)| k.starts_with("S3:"))
        .collect();
    let total = s3_calls.values().sum::<u64>() as usize;
    (bad, s3_calls, total)
}

#[test]
fn buckets_in_three_regions_are_read_in_their_regions_with_the_fewest_calls() {
    let moto = seeded();
    let proxy = s3_regions::start(moto.port, REGION, regions(), true);
    let (bad, calls, total) = run(&proxy);
    assert_eq!(bad, [], "every check passes, none is an error");
    // The floor: one ListBuckets, the tags of each bucket once (for the selection), and each
    // configuration call once per bucket. Nothing went to a wrong region.
    assert_eq!(proxy.misdirected(), Vec::<String>::new());
    assert_eq!(proxy.unparameterised_lists(), 0, "{:?}", proxy.seen());
    assert_eq!(calls.get("S3:ListBuckets"), Some(&1), "{calls:?}");
    for op in [
        "S3:GetBucketVersioning",
        "S3:GetBucketEncryption",
        "S3:GetPublicAccessBlock",
        "S3:GetBucketLocation",
        "S3:GetBucketTagging",
    ] {
        assert_eq!(calls.get(op), Some(&3), "{op}: {calls:?}");
    }
    assert_eq!(total, 1 + 3 * 5, "{calls:?}");
    // Every request about a bucket was signed for the bucket's own region.
    for seen in proxy.seen() {
        if let Some(b) = &seen.bucket {
            assert_eq!(
                Some(seen.region.as_str()),
                regions().get(b).map(String::as_str),
                "{seen:?}"
            );
        }
    }
}

#[test]
fn without_regions_in_the_listing_each_bucket_region_is_learnt_from_one_redirect() {
    let moto = seeded();
    let proxy = s3_regions::start(moto.port, REGION, regions(), false);
    let (bad, calls, total) = run(&proxy);
    assert_eq!(bad, [], "every check passes, none is an error");
    // One redirect for each bucket outside the home region, then every call goes there.
    let mut misdirected: Vec<String> = proxy
        .misdirected()
        .iter()
        .map(|m| m.split(' ').next().unwrap_or("").to_string())
        .collect();
    misdirected.sort();
    assert_eq!(misdirected, ["backup-ireland", "logs-virginia"]);
    assert_eq!(total, 1 + 3 * 5 + 2, "{calls:?}");
}

/// The same buckets through the CLI: `init --from-account` drafts them with no error, an S3
/// baseline in a bucket of another region is accepted and read back, and an evidence bundle of
/// the run has every check passing.
#[test]
fn init_drift_and_evidence_work_across_regions() {
    let moto = seeded();
    let proxy = s3_regions::start(moto.port, REGION, regions(), true);
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("prod.yaml");
    std::fs::write(&spec_path, spec()).expect("spec");
    let spec_arg = spec_path.to_string_lossy().into_owned();

    // init --from-account: every bucket drafted, none left as an error.
    let out_path = dir.path().join("drafted.yaml");
    let run = cli_sub(
        &proxy.endpoint,
        &[
            "init",
            "prod",
            "--from-account",
            "--region",
            REGION,
            "-o",
            &out_path.to_string_lossy(),
        ],
    )
    .output()
    .expect("run");
    let drafted = std::fs::read_to_string(&out_path).unwrap_or_default();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}\n{drafted}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (name, _) in BUCKETS {
        assert!(drafted.contains(&format!("id: {name}")), "{drafted}");
    }
    assert!(!drafted.contains("TODO:"), "{drafted}");
    assert!(!drafted.contains("PermanentRedirect"), "{drafted}");

    // drift: a baseline in the Irish bucket, from a client in Seoul.
    let url = "s3://backup-ireland/drift/prod.json";
    let drift = |extra: &[&str]| {
        let mut args = vec!["drift", "prod", "--spec", &spec_arg, "--baseline", url];
        args.extend_from_slice(extra);
        cli_sub(&proxy.endpoint, &args).output().expect("run")
    };
    let accepted = drift(&["--accept"]);
    assert_eq!(
        accepted.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    let again = drift(&["--format", "json"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(report["summary"]["broke"], 0, "{report}");
    assert_eq!(report["summary"]["attribute_changes"], 0, "{report}");

    // evidence: every check passes.
    let bundle = dir.path().join("bundle");
    let run = emulator_cli()
        .args(["evidence", "prod", "--spec", &spec_arg, "--out"])
        .arg(&bundle)
        .args(["--endpoint-url", &proxy.endpoint, "--max-attempts", "2"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let verdicts = std::fs::read_to_string(bundle.join("verdicts.json")).expect("verdicts");
    let verdicts: serde_json::Value = serde_json::from_str(&verdicts).expect("json");
    assert_eq!(
        verdicts["summary"]["pass"], verdicts["summary"]["total"],
        "{verdicts}"
    );
    assert!(
        verdicts["summary"]["total"].as_u64() > Some(15),
        "{verdicts}"
    );
}
