//! No credential, session token or secret value ever leaves the process: known values are seeded
//! (secrets in moto, credentials in the environment) and every output of every command is
//! searched for them: reports in every format, snapshots, drift reports, baselines and evidence
//! bundles, and the logs on stderr of every command run with `-vvv` and with `RUST_LOG=trace`.

use std::path::Path;

use crate::support::demo::seed_demo;
use crate::support::moto::Moto;
use crate::support::seed::Seeder;
use crate::{emulator_cli, rt};

const ACCESS_KEY: &str = "AKIALEAKCHECK0000001";
const SECRET_KEY: &str = "leak/check+SecretAccessKey0000000000000";
const SESSION_TOKEN: &str = "LeakCheckSessionToken//0123456789abcdefXYZ";
const SECRET_VALUE: &str = "postgres://app:LeakCheckDbPassw0rd@db.internal:5432/app";

fn every_file(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            every_file(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_credential_token_or_secret_value_appears_in_any_output() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await?;
        Seeder::new(&moto.endpoint)
            .secrets
            .put_secret_value()
            .secret_id("dorami/staging/backend")
            .secret_string(SECRET_VALUE)
            .send()
            .await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let runs: Vec<Vec<String>> = vec![
        vec!["staging".into(), "-v".into()],
        vec!["staging".into(), "--format".into(), "json".into()],
        vec!["staging".into(), "--format".into(), "junit".into()],
        vec!["staging".into(), "--format".into(), "markdown".into()],
        vec![
            "snapshot".into(),
            "staging".into(),
            "-o".into(),
            d("snapshot.json"),
        ],
        vec![
            "drift".into(),
            "staging".into(),
            "--accept".into(),
            "--baseline".into(),
            d("baseline.json"),
        ],
        vec![
            "drift".into(),
            "staging".into(),
            "--baseline".into(),
            d("baseline.json"),
            "--format".into(),
            "html".into(),
            "-o".into(),
            d("drift.html"),
        ],
        vec![
            "drift".into(),
            "staging".into(),
            "--baseline".into(),
            d("baseline.json"),
            "--format".into(),
            "json".into(),
        ],
        vec![
            "evidence".into(),
            "staging".into(),
            "--out".into(),
            d("evidence"),
        ],
        vec!["iam-policy".into(), "staging".into()],
    ];
    let mut outputs = String::new();
    let mut logs = String::new();
    // Every command twice, with the most verbose logs each way: -vvv (our traces and the SDK's
    // debug logs), and RUST_LOG=trace (every target asks for trace; the cap must hold).
    for (args, verbosity) in runs
        .iter()
        .flat_map(|a| [(a, "-vvv"), (a, "RUST_LOG=trace")])
    {
        if args[0] == "drift" && args.contains(&"--accept".to_string()) && verbosity != "-vvv" {
            continue; // accepting twice would only add a dated copy
        }
        let mut cmd = emulator_cli();
        cmd.env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN);
        if verbosity == "-vvv" {
            cmd.env_remove("RUST_LOG").arg("-vvv");
        } else {
            cmd.env("RUST_LOG", "trace");
        }
        let run = cmd
            .args(args)
            // Over the bundle of the -vvv run.
            .args((args[0] == "evidence" && verbosity != "-vvv").then_some("--force"))
            .args(if args[0] == "iam-policy" {
                vec![]
            } else {
                vec!["--endpoint-url", &moto.endpoint]
            })
            .output()
            .expect("run");
        let code = run.status.code();
        assert!(
            matches!(code, Some(0..=1)),
            "{args:?} {verbosity} exited {code:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push_str(&String::from_utf8_lossy(&run.stdout));
        outputs.push_str(&String::from_utf8_lossy(&run.stderr));
        logs.push_str(&String::from_utf8_lossy(&run.stderr));
    }
    // The logs were really written, at every level asked for: our own traces and debug lines
    // (each call, each list page), the SDK's debug lines of its attempt loop, and nothing of the
    // SDK's request-level traces (whole requests, identities, signing).
    for line in [
        "api call done",
        "list page",
        "probing",
        "beginning attempt #1",
        "infra_verify::aws",
    ] {
        assert!(logs.contains(line), "no `{line}` in the logs");
    }
    for never in [
        "transmitting request",
        "resolved identity",
        "calculated signing parameters",
        "loaded base credentials",
        "x-amz-security-token",
    ] {
        assert!(
            !logs.to_lowercase().contains(&never.to_lowercase()),
            "`{never}` logged"
        );
    }
    let mut files = Vec::new();
    every_file(dir.path(), &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut searched = outputs.into_bytes();
    for f in &files {
        searched.extend(std::fs::read(f).expect("read"));
    }
    let text = String::from_utf8_lossy(&searched);
    // The runs did see the environment (so an empty output cannot pass this test).
    assert!(text.contains("dorami/staging/backend"));
    assert!(text.contains("\"taken_at\""));
    for known in [
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
        SECRET_VALUE,
        "LeakCheckDbPassw0rd",
    ] {
        assert!(!text.contains(known), "`{known}` appears in an output");
    }
}
