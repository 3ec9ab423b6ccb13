//! `--max-concurrency`: the cap on per-resource calls in flight reaches the probes. A counting
//! proxy between the CLI and moto holds every request for a while, so that requests the tool
//! sends concurrently really overlap there, and records the most it ever had in flight.

use std::time::Duration;

use crate::support::moto::Moto;
use crate::support::proxy;
use crate::support::seed::{Bucket, Seeder};
use crate::{cli, emulator_cli, rt};

const BUCKETS: usize = 12;

fn spec() -> String {
    let mut spec = String::from(
        "version: 1\nenvironment: concurrency\naws: { region: ap-northeast-2 }\nresources:\n",
    );
    for i in 0..BUCKETS {
        spec.push_str(&format!(
            "  - kind: s3_bucket\n    id: cap-{i:02}\n    expect: {{ versioning: Enabled }}\n"
        ));
    }
    spec
}

/// Runs the spec through a fresh counting proxy with `--max-concurrency cap`; returns the proxy's
/// (requests, most in flight at once).
fn run(moto: &Moto, spec: &std::path::Path, cap: &str) -> (usize, usize) {
    let proxy = proxy::start_counting(moto.port, Duration::from_millis(40));
    let out = cli(&proxy.endpoint)
        .arg("--spec")
        .arg(spec)
        .args(["--format", "json", "--max-concurrency", cap])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "every bucket is versioned: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (proxy.requests(), proxy.max_in_flight())
}

#[test]
fn max_concurrency_caps_the_requests_in_flight() {
    let moto = Moto::start();
    rt().block_on(async {
        let seeder = Seeder::new(&moto.endpoint);
        for i in 0..BUCKETS {
            let name = format!("cap-{i:02}");
            seeder
                .bucket(&Bucket {
                    name: &name,
                    versioning: true,
                    ..Bucket::default()
                })
                .await
                .expect("seed bucket");
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec()).expect("write spec");

    // sts:GetCallerIdentity, s3:ListBuckets, then one GetBucketVersioning per bucket.
    let expected_requests = 2 + BUCKETS;
    let (requests, in_flight) = run(&moto, &path, "2");
    assert_eq!(requests, expected_requests);
    assert!(
        (1..=2).contains(&in_flight),
        "--max-concurrency 2, but {in_flight} requests were in flight at once"
    );
    let (requests, in_flight) = run(&moto, &path, "1");
    assert_eq!(requests, expected_requests);
    assert_eq!(
        in_flight, 1,
        "--max-concurrency 1 means one request at a time"
    );
    // The cap is a cap, not a fixed width: a larger one lets more overlap (12 requests held 40 ms
    // each overlap unless the tool sends them one by one).
    let (requests, in_flight) = run(&moto, &path, "6");
    assert_eq!(requests, expected_requests);
    assert!(
        (3..=6).contains(&in_flight),
        "--max-concurrency 6: {in_flight} requests in flight at most"
    );

    // Out of range is a usage error before any call.
    let out = emulator_cli()
        .args([
            "--spec",
            path.to_str().expect("utf-8"),
            "--max-concurrency",
            "0",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 1 to 1024"));
}
