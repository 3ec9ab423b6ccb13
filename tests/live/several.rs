//! Several environments in one run against the demo emulator: staging and the ticketing
//! platform's production, seeded as `scripts/demo` seeds them, observed at once, each with its
//! own `--profile ENV=NAME`; one environment that cannot be observed does not hide the other.

use crate::support::demo::{seed_demo, seed_ticketing, TICKETING_GAPS};
use crate::support::moto::Moto;
use crate::ticketing::not_passing;
use crate::{cli, rt};

/// The staging gaps `scripts/demo` seeds (and fixtures/staging.snapshot.json records).
const STAGING_GAPS: [&str; 4] = [
    "ecr_repository/dorami-nginx-rtmp/scan_on_push",
    "rds_instance/dorami-staging/backup_retention_period",
    "s3_bucket/dorami-staging-hls/versioning",
    "s3_bucket/dorami-staging-uploads/public_access_blocked",
];

/// (id, status, location) of every check of one environment's JSON report, in order.
fn verdicts(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
                c["location"].to_string(),
            )
        })
        .collect()
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    not_passing(report).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn two_environments_are_observed_at_once_each_with_its_own_profile() {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await.expect("seed staging");
        seed_ticketing(&moto.endpoint)
            .await
            .expect("seed ticketing");
    });
    // Credentials only through profiles of the test's own file: none in the environment, so a
    // profile that does not exist really leaves its environment without credentials.
    let dir = tempfile::tempdir().expect("tempdir");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        "[stg]\naws_access_key_id = stg-key\naws_secret_access_key = testing\n\n[tkt]\naws_access_key_id = tkt-key\naws_secret_access_key = testing\n",
    )
    .expect("write credentials");
    let run = |envs: &[&str], profiles: &[&str], code: i32| {
        let mut c = cli(&moto.endpoint);
        c.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .args(envs)
            .args(["--format", "json"]);
        for p in profiles {
            c.args(["--profile", p]);
        }
        let out = c.output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{envs:?} {profiles:?}: {stderr}"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        (json, stderr)
    };
    let both = ["staging", "ticketing-production"];
    let mut ticketing_gaps: Vec<String> = TICKETING_GAPS
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    ticketing_gaps.sort();

    // Each environment with its own profile: both reports, in order, with exactly their gaps.
    let (all, _) = run(&both, &["staging=stg", "ticketing-production=tkt"], 1);
    assert_eq!(all["outcome"], "not_ready");
    let envs = all["environments"].as_array().expect("environments");
    assert_eq!(envs.len(), 2);
    assert_eq!(envs[0]["environment"], "staging");
    assert_eq!(envs[1]["environment"], "ticketing-production");
    assert_eq!(ids(&envs[0]), STAGING_GAPS);
    assert_eq!(ids(&envs[1]), ticketing_gaps);
    assert_eq!(envs[0]["summary"]["total"], 74);
    assert_eq!(envs[1]["summary"]["total"], 116);
    for env in envs {
        assert_eq!(env["source"]["account_id"], "123456789012");
        // Observed, not merely evaluated: the calls each environment made are its own.
        assert!(
            env["source"]["api_calls"]["sts:GetCallerIdentity"] == 1,
            "{}",
            env["source"]
        );
    }
    assert!(envs[1]["source"]["api_calls"]["wafv2:ListWebACLs"].as_u64() > Some(0));
    assert!(envs[0]["source"]["api_calls"]["wafv2:ListWebACLs"].is_null());
    // ... and each is the report that environment gets alone.
    for (i, env) in both.iter().enumerate() {
        let (alone, _) = run(&[env], &["stg"], 1);
        assert_eq!(verdicts(&envs[i]), verdicts(&alone), "{env}");
    }

    // A profile that does not exist leaves staging unobserved, and only staging: every one of its
    // checks is an error that says why, ticketing is reported as before, and not ready (1) wins
    // over could not verify (3).
    let (all, stderr) = run(
        &both,
        &["staging=no-such-profile", "ticketing-production=tkt"],
        1,
    );
    assert!(
        stderr.contains("warning: staging: cannot establish the caller identity"),
        "{stderr}"
    );
    let envs = all["environments"].as_array().expect("environments");
    assert_eq!(envs[0]["outcome"], "unverified");
    assert_eq!(envs[0]["summary"]["error"], 74);
    assert!(envs[0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .all(|c| c["status"] == "error"
            && c["message"]
                .as_str()
                .unwrap_or_default()
                .contains("sts:GetCallerIdentity")));
    assert_eq!(ids(&envs[1]), ticketing_gaps);
    // Alone, the unobservable staging is exit 3, as it always was.
    let out = cli(&moto.endpoint)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["staging", "--profile", "no-such-profile"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));

    // A bare profile applies to both; the human report ends with the table across them.
    let out = cli(&moto.endpoint)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(both)
        .args(["--profile", "tkt"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  ticketing-production  123456789012     116     112       4        0       0  NOT READY"),
        "{text}"
    );
    assert!(
        text.ends_with("NOT READY: 2 environments: 0 ready, 2 not ready, 0 could not verify\n"),
        "{text}"
    );
}
