//! `--max-concurrency`: the cap on requests in flight per service. A counting proxy between the
//! CLI and moto holds every request for a while, so that requests the tool sends concurrently
//! really overlap there, and records the most it ever had in flight, in all and per service.
//!
//! Each bucket needs two configuration calls (versioning, encryption) and each ECR repository
//! one (its lifecycle policy), and S3 and ECR are probed at the same time: without a cap per
//! service, the per-resource fan-out of one kind times its calls per resource, times the
//! services, would all be in flight together.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::moto::Moto;
use crate::support::proxy;
use crate::support::seed::{Bucket, Seeder};
use crate::support::seed_ecs::{EcsSeeder, Repo};
use crate::{cli_sub, emulator_cli, rt};

const BUCKETS: usize = 10;
const REPOSITORIES: usize = 10;

fn spec() -> String {
    let mut spec = String::from(
        "version: 1\nenvironment: concurrency\naws: { region: ap-northeast-2 }\nresources:\n",
    );
    for i in 0..BUCKETS {
        spec.push_str(&format!(
            "  - kind: s3_bucket\n    id: cap-{i:02}\n    expect: {{ versioning: Enabled, sse_algorithm: AES256 }}\n"
        ));
    }
    for i in 0..REPOSITORIES {
        spec.push_str(&format!(
            "  - kind: ecr_repository\n    id: cap-{i:02}\n    expect: {{ lifecycle_policy: true }}\n"
        ));
    }
    spec
}

struct Run {
    requests: usize,
    in_flight: usize,
    per_service: BTreeMap<String, usize>,
}

/// Runs the spec through a fresh counting proxy with `--max-concurrency cap`. The requests are
/// counted less the retried attempts the run reports (a loaded emulator answers a 500 now and
/// then, which the SDK retries): what is asserted is the calls the tool chose to make.
fn run(moto: &Moto, spec: &std::path::Path, cap: &str) -> Run {
    let proxy = proxy::start_counting(moto.port, Duration::from_millis(40));
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snapshot.json");
    let (spec_arg, snapshot_arg) = (spec.to_string_lossy(), snapshot.to_string_lossy());
    let out = cli_sub(
        &proxy.endpoint,
        &[
            "snapshot",
            "--spec",
            &spec_arg,
            "-o",
            &snapshot_arg,
            "--max-concurrency",
            cap,
        ],
    )
    .output()
    .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap = infra_verify::snapshot::Snapshot::load(&snapshot).expect("snapshot");
    let report =
        infra_verify::evaluate::evaluate(&infra_verify::spec::load(spec).expect("spec"), &snap);
    assert_eq!(
        report.summary.pass, report.summary.total,
        "every bucket is versioned and encrypted, every repository has a lifecycle policy"
    );
    let retried: u64 = snap.metadata.api_retries.values().sum();
    Run {
        requests: proxy.requests() - retried as usize,
        in_flight: proxy.max_in_flight(),
        per_service: proxy.max_in_flight_per_service(),
    }
}

#[test]
fn max_concurrency_caps_the_requests_in_flight_per_service() {
    let moto = Moto::start();
    rt().block_on(async {
        let seeder = Seeder::new(&moto.endpoint);
        let ecs = EcsSeeder::new(&moto.endpoint);
        for i in 0..BUCKETS {
            let name = format!("cap-{i:02}");
            seeder
                .bucket(&Bucket {
                    name: &name,
                    versioning: true,
                    sse: true,
                    ..Bucket::default()
                })
                .await
                .expect("seed bucket");
        }
        for i in 0..REPOSITORIES {
            let name = format!("cap-{i:02}");
            ecs.repository(&Repo {
                name: &name,
                lifecycle: true,
                ..Repo::default()
            })
            .await
            .expect("seed repository");
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec()).expect("write spec");

    // sts:GetCallerIdentity; s3:ListBuckets, then two calls per bucket; ecr:DescribeRepositories,
    // then one GetLifecyclePolicy per repository.
    let expected_requests = 1 + (1 + 2 * BUCKETS) + (1 + REPOSITORIES);
    for cap in [1, 2, 4] {
        let r = run(&moto, &path, &cap.to_string());
        assert_eq!(r.requests, expected_requests, "--max-concurrency {cap}");
        for service in ["s3", "ecr"] {
            let most = r.per_service.get(service).copied().unwrap_or(0);
            assert!(
                (1..=cap).contains(&most),
                "--max-concurrency {cap}, but {most} {service} requests were in flight at once: {:?}",
                r.per_service
            );
        }
        // The cap is per service: S3 and ECR are probed at the same time, each under its own.
        assert!(r.in_flight <= 2 * cap, "{} in flight in all", r.in_flight);
        if cap == 4 {
            // A cap, not a fixed width of one: 20 S3 calls of 40 ms sent under a cap of 4
            // overlap unless the tool sends them one by one.
            assert!(r.per_service["s3"] >= 2, "{:?}", r.per_service);
        }
    }

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
