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

/// Credentials inside values read from AWS and from live endpoints: a Slack webhook (token in
/// the path), a URL with user-info and one with a token in its query as SNS subscription
/// endpoints; a redirect whose `Location` carries a code, and a body with a token and a URL with a
/// password, from an `http_endpoint`. Every command, in every format, at `-vvv`, writes none of
/// them; the endpoints' scheme and host stay.
#[test]
fn webhook_urls_and_tokens_in_values_appear_in_no_output_of_any_command() {
    use crate::support::seed_monitoring::MonitoringSeeder;
    use std::io::{Read, Write};

    const SECRETS: &[&str] = &[
        "LeakCheckSlackToken0000",
        "T0LEAK000",
        "B0LEAK000",
        "LeakCheckBasicPassw0rd",
        "LeakCheckQueryToken0000",
        "LeakCheckLocationCode0000",
        "LeakCheckBodyToken0000",
        "LeakCheckBodyPassw0rd",
    ];
    let moto = Moto::start();
    rt().block_on(async {
        let s = MonitoringSeeder::new(&moto.endpoint);
        let topic = s.topic("leak-alerts").await?;
        s.subscribe(&topic, "email", "ops@example.com").await?;
        for url in [
            "https://hooks.slack.com/services/T0LEAK000/B0LEAK000/LeakCheckSlackToken0000",
            "https://alerts:LeakCheckBasicPassw0rd@pager.example.com/v1/hook",
            "https://ops.example.com/hook?token=LeakCheckQueryToken0000",
        ] {
            s.subscribe(&topic, "https", url).await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })
    .expect("seed");

    // A live endpoint whose redirect and body carry tokens. It answers until the test ends.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let body = "redirecting; token=LeakCheckBodyToken0000 see https://user:LeakCheckBodyPassw0rd@files.example.com/x";
            let _ = write!(
                conn,
                "HTTP/1.1 302 Found\r\nLocation: https://login.example.com/callback?code=LeakCheckLocationCode0000\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let spec = path("leaky.yaml");
    std::fs::write(
        &spec,
        format!(
            "version: 1\nenvironment: leaky\naws: {{ region: ap-northeast-2 }}\nresources:\n\
             - kind: sns_topic\n  id: leak-alerts\n  item: \"Alerts go to Slack\"\n  expect:\n    confirmed_subscriptions: 4\n    subscriptions: {{ contains: {{ protocol: email, endpoint: ops@example.com, confirmed: true }} }}\n\
             - kind: http_endpoint\n  id: http://127.0.0.1:{port}/\n  item: \"Health endpoint answers\"\n  expect:\n    status: 302\n    location: {{ matches: \"^https://login\\\\.example\\\\.com/\" }}\n    body: {{ contains: redirecting }}\n"
        ),
    )
    .expect("spec");
    let checklist = path("launch.md");
    std::fs::write(
        &checklist,
        "# Launch\n\n- [ ] Alerts go to Slack\n- [ ] Health endpoint answers\n",
    )
    .expect("checklist");
    let summary = path("step-summary.md");
    let s = |v: &str| v.to_string();
    let mut runs: Vec<Vec<String>> = ["human", "json", "junit", "markdown", "sarif", "github"]
        .iter()
        .map(|f| vec![s("--spec"), spec.clone(), s("--format"), s(f)])
        .collect();
    runs.push(vec![
        s("snapshot"),
        s("leaky"),
        s("--spec"),
        spec.clone(),
        s("-o"),
        path("snapshot.json"),
    ]);
    runs.push(vec![
        s("drift"),
        s("leaky"),
        s("--spec"),
        spec.clone(),
        s("--baseline"),
        path("baseline.json"),
        s("--accept"),
    ]);
    for f in ["human", "json", "markdown", "html"] {
        runs.push(vec![
            s("drift"),
            s("leaky"),
            s("--spec"),
            spec.clone(),
            s("--baseline"),
            path("baseline.json"),
            s("--format"),
            s(f),
            s("-o"),
            path(&format!("drift.{f}")),
        ]);
    }
    runs.push(vec![
        s("evidence"),
        s("leaky"),
        s("--spec"),
        spec.clone(),
        s("--out"),
        path("evidence"),
    ]);
    runs.push(vec![
        s("init"),
        s("leaky"),
        s("--from-account"),
        s("--region"),
        s("ap-northeast-2"),
        s("-o"),
        path("init.yaml"),
    ]);
    runs.push(vec![
        s("tick"),
        s("leaky"),
        s("--spec"),
        spec.clone(),
        checklist.clone(),
    ]);
    runs.push(vec![
        s("validate"),
        s("leaky"),
        s("--spec"),
        spec.clone(),
        s("--checklist"),
        checklist.clone(),
    ]);
    runs.push(vec![s("iam-policy"), s("leaky"), s("--spec"), spec.clone()]);

    let mut outputs = String::new();
    for args in &runs {
        let offline = matches!(args[0].as_str(), "validate" | "iam-policy");
        let mut cmd = emulator_cli();
        cmd.env("GITHUB_STEP_SUMMARY", &summary)
            .arg("-vvv")
            .args(args);
        if !offline {
            cmd.args(["--endpoint-url", &moto.endpoint, "--max-attempts", "2"]);
        }
        let run = cmd.output().expect("run");
        let code = run.status.code();
        assert!(
            matches!(code, Some(0..=1)),
            "{args:?} exited {code:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push_str(&String::from_utf8_lossy(&run.stdout));
        outputs.push_str(&String::from_utf8_lossy(&run.stderr));
    }
    let mut files = Vec::new();
    every_file(dir.path(), &mut files);
    let mut searched = outputs.into_bytes();
    for f in &files {
        searched.extend(std::fs::read(f).expect("read"));
    }
    let text = String::from_utf8_lossy(&searched);
    // The runs did read the values (so an empty output cannot pass): the redacted forms are there.
    for seen in [
        "https://hooks.slack.com/&lt;redacted:",
        "hooks.slack.com/<redacted:",
        "pager.example.com/<redacted:",
        "https://login.example.com/<redacted:",
        "redirecting",
        "[x] Alerts go to Slack",
    ] {
        assert!(text.contains(seen), "no `{seen}` in any output");
    }
    for secret in SECRETS {
        assert!(!text.contains(secret), "`{secret}` appears in an output");
    }
}
