//! Drift against moto: the demo environment, a baseline accepted, three changes made through the
//! SDK, and the report naming exactly those; the S3 baseline store with its conditional writes.

use infra_verify::baseline::{BaselineError, Location, Store, Version};
use infra_verify::snapshot::Snapshot;

use crate::support::demo::seed_demo;
use crate::support::demo_drift::change_demo;
use crate::support::moto::Moto;
use crate::support::seed::Seeder;
use crate::{cli_sub, connection, rt};

fn drift(endpoint: &str, baseline: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["drift", "staging", "--baseline", baseline];
    args.extend_from_slice(extra);
    let run = cli_sub(endpoint, &args).output().expect("run");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        run.status.code().unwrap_or(-1),
        json,
        format!("{stdout}\n{}", String::from_utf8_lossy(&run.stderr)),
    )
}

/// Issue 6's "done when": baseline accepted; a retention value raised, a bucket's versioning
/// suspended and an ECR repository deleted; the drift report has exactly those three, and exit 1
/// because the versioning and the repository's checks broke.
#[test]
fn the_demo_night_drift_reports_exactly_the_three_changes() {
    let moto = Moto::start();
    rt().block_on(seed_demo(&moto.endpoint)).expect("seed demo");
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("staging.json");
    let baseline = baseline.to_str().expect("utf-8");

    let (code, _, out) = drift(&moto.endpoint, baseline, &["--accept"]);
    assert_eq!(code, 0, "{out}");
    let (code, report, out) = drift(&moto.endpoint, baseline, &["--format", "json"]);
    assert_eq!(code, 0, "nothing changed yet: {out}");
    assert_eq!(report["outcome"], "no_drift");

    rt().block_on(change_demo(&moto.endpoint)).expect("change");
    let (code, report, out) = drift(&moto.endpoint, baseline, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(report["outcome"], "broken");
    let attributes: Vec<String> = report["attribute_changes"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| {
            format!(
                "{}/{}/{}: {} → {}",
                a["kind"].as_str().unwrap_or_default(),
                a["resource"].as_str().unwrap_or_default(),
                a["attribute"].as_str().unwrap_or_default(),
                a["before"],
                a["after"]
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            "rds_instance/dorami-staging/backup_retention_period: 1 → 14",
            "s3_bucket/dorami-staging-frontend/versioning: \"Enabled\" → \"Suspended\"",
        ]
    );
    assert_eq!(
        report["disappeared"],
        serde_json::json!([{"kind": "ecr_repository", "resource": "dorami-nginx-rtmp"}])
    );
    assert_eq!(report["appeared"], serde_json::json!([]));
    assert_eq!(report["unobserved"], serde_json::json!([]));
    let verdicts: Vec<String> = report["verdict_changes"]
        .as_array()
        .expect("list")
        .iter()
        .map(|v| {
            format!(
                "{} {} {}→{}",
                v["direction"].as_str().unwrap_or_default(),
                v["check"].as_str().unwrap_or_default(),
                v["before"].as_str().unwrap_or("none"),
                v["after"].as_str().unwrap_or("none")
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            "broke ecr_repository/dorami-nginx-rtmp/exists pass→missing",
            "broke s3_bucket/dorami-staging-frontend/versioning pass→fail",
            "recovered rds_instance/dorami-staging/backup_retention_period fail→pass",
            "changed ecr_repository/dorami-nginx-rtmp/scan_on_push fail→missing",
        ]
    );
    // Running counts and timestamps moved on their own in between; nothing else was reported.
    assert_eq!(report["summary"]["attribute_changes"], 2);
}

/// A bucket in the home region for baselines.
fn bucket(moto: &Moto, name: &str) {
    let seeder = Seeder::new(&moto.endpoint);
    rt().block_on(async {
        seeder
            .s3
            .create_bucket()
            .bucket(name)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApNortheast2)
                    .build(),
            )
            .send()
            .await
    })
    .expect("bucket");
}

fn fixture(name: &str) -> Snapshot {
    Snapshot::load(std::path::Path::new(&format!(
        "fixtures/drift/{name}.snapshot.json"
    )))
    .expect("fixture")
}

/// The S3 baseline: accepted with conditional writes, so that a run that read an older baseline
/// (or none) cannot overwrite one accepted meanwhile; a dated history with retention.
#[test]
fn an_s3_baseline_is_written_conditionally_and_keeps_a_history() {
    let moto = Moto::start();
    bucket(&moto, "ops-baselines");
    let url = "s3://ops-baselines/drift/staging.json";
    let base = "fixtures/drift/baseline.snapshot.json";

    // The CLI: no baseline yet (exit 2), then accepted from a saved snapshot.
    let (code, _, out) = drift(&moto.endpoint, url, &["--snapshot", base]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("no baseline at s3://ops-baselines/drift/staging.json"),
        "{out}"
    );
    let (code, _, out) = drift(&moto.endpoint, url, &["--snapshot", base, "--accept"]);
    assert_eq!(code, 0, "{out}");
    let (code, report, out) = drift(
        &moto.endpoint,
        url,
        &[
            "--snapshot",
            "fixtures/drift/current.snapshot.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(report["summary"]["broke"], 5);

    // Two runs read the same baseline; the first to accept wins, the second is refused and
    // writes nothing.
    let conn = connection(&moto.endpoint);
    let location = Location::parse(url).expect("url");
    let store = Store::new(location.clone(), Some(&conn));
    let (loaded, read_version) = rt().block_on(store.load()).expect("load");
    assert_eq!(
        loaded.expect("baseline").metadata.taken_at,
        "2026-11-21T02:00:00Z"
    );
    assert!(matches!(read_version, Version::ETag(_)), "{read_version:?}");
    let mut first = fixture("baseline");
    first.metadata.taken_at = "2026-11-22T02:00:00Z".into();
    let mut second = fixture("baseline");
    second.metadata.taken_at = "2026-11-22T02:00:05Z".into();
    rt().block_on(store.accept(&first, &read_version, 2))
        .expect("first accept");
    let err = rt()
        .block_on(store.accept(&second, &read_version, 2))
        .expect_err("second accept must conflict");
    assert!(matches!(err, BaselineError::Conflict(_)), "{err}");
    // Creating a baseline when one exists is refused too (If-None-Match: *).
    let err = rt()
        .block_on(store.accept(&second, &Version::Absent, 2))
        .expect_err("create must conflict");
    assert!(matches!(err, BaselineError::Conflict(_)), "{err}");
    let (loaded, now_version) = rt().block_on(store.load()).expect("load");
    assert_eq!(
        loaded.expect("baseline").metadata.taken_at,
        "2026-11-22T02:00:00Z"
    );
    // With the version it now reads, the second run's accept goes through.
    rt().block_on(store.accept(&second, &now_version, 2))
        .expect("accept after re-reading");
    // The history kept the two newest of the three accepted (keep 2).
    let history: Vec<String> = rt()
        .block_on(store.history())
        .expect("history")
        .into_iter()
        .map(|s| s.metadata.taken_at)
        .collect();
    assert_eq!(history, ["2026-11-22T02:00:00Z", "2026-11-22T02:00:05Z"]);
    // The store's calls are the baseline's own: object reads and writes, one list per accept.
    let calls = store.recorder.calls();
    assert_eq!(
        calls.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "S3:DeleteObject",
            "S3:GetObject",
            "S3:ListObjectsV2",
            "S3:PutObject"
        ],
        "{calls:?}"
    );
    // The probes' connection made none of them.
    assert!(conn.recorder.calls().is_empty());
}

/// Two `drift --accept` processes race for one S3 baseline, both having read the same version:
/// exactly one accepts (exit 0), the other is refused (exit 2, "changed since this run read it")
/// and writes nothing, and the baseline is the winner's snapshot. A proxy between the processes
/// and moto orders the race: the first accept's PutObject waits until both runs have read the
/// baseline, the second's until the first's was answered.
#[test]
fn two_concurrent_cli_accepts_of_one_s3_baseline_let_exactly_one_win() {
    use std::io::{BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    use crate::support::proxy::{read_request, with_connection_close};

    let moto = Moto::start();
    bucket(&moto, "ops-race");
    let url = "s3://ops-race/drift/staging.json";
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = |name: &str, taken_at: &str| {
        let mut s = fixture("baseline");
        s.metadata.taken_at = taken_at.into();
        let path = dir.path().join(name);
        std::fs::write(&path, s.to_json()).expect("write");
        path.to_string_lossy().into_owned()
    };
    let old = snapshot("old.json", "2026-11-21T02:00:00Z");
    let (code, _, out) = drift(&moto.endpoint, url, &["--snapshot", &old, "--accept"]);
    assert_eq!(code, 0, "{out}");
    let a = snapshot("a.json", "2026-11-22T02:00:01Z");
    let b = snapshot("b.json", "2026-11-22T02:00:02Z");

    // (baseline reads answered, first accept answered)
    let state = Arc::new((Mutex::new((0usize, false)), Condvar::new()));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let proxy = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let upstream = moto.port;
    let shared = state.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let state = shared.clone();
            std::thread::spawn(move || {
                let Some(mut reader) = conn.try_clone().ok().map(BufReader::new) else {
                    return;
                };
                let Some(req) = read_request(&mut reader) else {
                    return;
                };
                let line = req.head.lines().next().unwrap_or_default().to_string();
                let body = String::from_utf8_lossy(&req.body).into_owned();
                let baseline = line.contains(" /ops-race/drift/staging.json");
                let (lock, cv) = &*state;
                let wait_until = |ready: &dyn Fn(&(usize, bool)) -> bool| {
                    let guard = lock.lock().expect("lock");
                    let _ = cv.wait_timeout_while(guard, Duration::from_secs(20), |s| !ready(s));
                };
                if baseline && line.starts_with("PUT") {
                    if body.contains("2026-11-22T02:00:01Z") {
                        wait_until(&|s| s.0 >= 2);
                    } else if body.contains("2026-11-22T02:00:02Z") {
                        wait_until(&|s| s.1);
                    }
                }
                let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                let _ = up.write_all(with_connection_close(&req.head).as_bytes());
                let _ = up.write_all(&req.body);
                let mut answer = Vec::new();
                let _ = std::io::Read::read_to_end(&mut up, &mut answer);
                let _ = (&conn).write_all(&answer);
                let mut s = lock.lock().expect("lock");
                if baseline && line.starts_with("GET") {
                    s.0 += 1;
                } else if baseline
                    && line.starts_with("PUT")
                    && body.contains("2026-11-22T02:00:01Z")
                {
                    s.1 = true;
                }
                cv.notify_all();
            });
        }
    });

    let accept = |snap: &str| {
        cli_sub(
            &proxy,
            &[
                "drift",
                "staging",
                "--baseline",
                url,
                "--snapshot",
                snap,
                "--accept",
            ],
        )
        .output()
        .expect("run")
    };
    let (first, second) = std::thread::scope(|scope| {
        let one = scope.spawn(|| accept(&a));
        let two = scope.spawn(|| accept(&b));
        (one.join().expect("a"), two.join().expect("b"))
    });
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(first.status.code(), Some(0), "{}", err(&first));
    assert!(
        err(&first).contains("accepted: 2026-11-22T02:00:01Z"),
        "{}",
        err(&first)
    );
    assert_eq!(second.status.code(), Some(2), "{}", err(&second));
    assert!(
        err(&second).contains(
            "changed since this run read it (another run accepted one): nothing was written"
        ),
        "{}",
        err(&second)
    );
    // The baseline and its history are the winner's.
    let store = Store::new(
        Location::parse(url).expect("url"),
        Some(&connection(&moto.endpoint)),
    );
    let (now, _) = rt().block_on(store.load()).expect("load");
    assert_eq!(
        now.expect("baseline").metadata.taken_at,
        "2026-11-22T02:00:01Z"
    );
    let history: Vec<String> = rt()
        .block_on(store.history())
        .expect("history")
        .into_iter()
        .map(|s| s.metadata.taken_at)
        .collect();
    assert_eq!(history, ["2026-11-21T02:00:00Z", "2026-11-22T02:00:01Z"]);
}
