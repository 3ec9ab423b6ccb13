//! What a live run shows besides its report: the progress bar on stderr only when stderr is a
//! terminal (under `script`, a pseudo-terminal) and not in CI, nothing on a captured stderr, and
//! the info logs of `-v` naming what was probed. The run is made to last (an HTTP endpoint that
//! answers after 800 ms) so that the bar's 300 ms delay has passed.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::cli;
use crate::support::moto::Moto;

/// A local HTTP server that answers every request after `delay`, for `requests` requests.
fn slow_server(delay: Duration, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/health", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests).flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                std::thread::sleep(delay);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            });
        }
    });
    url
}

fn spec(dir: &tempfile::TempDir, url: &str) -> std::path::PathBuf {
    let path = dir.path().join("spec.yaml");
    std::fs::write(
        &path,
        format!(
            "version: 1\nenvironment: terminal\naws: {{ region: us-east-1 }}\nresources:\n  \
             - kind: s3_bucket\n    id: no-such-bucket\n  \
             - kind: rds_instance\n    id: no-such-db\n  \
             - kind: ecr_repository\n    id: no-such-repo\n  \
             - kind: http_endpoint\n    id: {url}\n    expect: {{ status: 200 }}\n"
        ),
    )
    .expect("write spec");
    path
}

#[test]
fn no_progress_bar_or_log_on_a_captured_stderr_and_info_logs_at_v() {
    let moto = Moto::start();
    let url = slow_server(Duration::from_millis(800), 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec(&dir, &url);
    let began = Instant::now();
    let run = cli(&moto.endpoint)
        .env_remove("CI")
        .env_remove("RUST_LOG")
        .arg("--spec")
        .arg(&spec)
        .output()
        .expect("run");
    assert!(
        began.elapsed() > Duration::from_millis(800),
        "the run was too quick to tell"
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Not a terminal: no bar (and no log at the default level), only the report on stdout.
    assert_eq!(String::from_utf8_lossy(&run.stderr), "");
    assert!(String::from_utf8_lossy(&run.stdout).contains("NOT READY"));

    let run = cli(&moto.endpoint)
        .env_remove("CI")
        .env_remove("RUST_LOG")
        .args(["--spec"])
        .arg(&spec)
        .arg("-v")
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    for line in [
        "observing",
        "probing service=\"s3\"",
        "probing service=\"rds\"",
        "probing service=\"http\"",
        "probed service=\"ecr\" region=\"us-east-1\" records=1 errors=0",
        "observed records=4",
        "api calls: ",
    ] {
        assert!(stderr.contains(line), "no `{line}` in:\n{stderr}");
    }
    assert!(!stderr.contains("services·regions"), "{stderr}");
    assert!(!String::from_utf8_lossy(&run.stdout).contains("probing"));
}

/// `infra-verify ARGS` run by `script` on a pseudo-terminal: everything it wrote there.
fn on_a_terminal(endpoint: &str, args: &str, ci: Option<&str>) -> String {
    let bin = assert_cmd::cargo::cargo_bin("infra-verify");
    let command = format!(
        "{} --endpoint-url {endpoint} --max-attempts 2 {args}",
        bin.display()
    );
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qefc", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/infra-verify-test")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/infra-verify-test",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TERM", "xterm-256color")
        .env_remove("RUST_LOG")
        .env_remove("CI")
        .stdin(std::process::Stdio::null());
    if let Some(ci) = ci {
        cmd.env("CI", ci);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_progress_bar_on_a_terminal_but_not_in_ci_or_with_quiet() {
    let moto = Moto::start();
    let url = slow_server(Duration::from_millis(800), 3);
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec(&dir, &url);
    let args = format!("--spec {}", spec.display());
    let screen = on_a_terminal(&moto.endpoint, &args, None);
    // Drawn while the endpoint was slow: the count of tasks and the one still running.
    assert!(screen.contains("services·regions"), "no bar in:\n{screen}");
    assert!(screen.contains("/4 services·regions"), "{screen}");
    assert!(screen.contains("http"), "{screen}");
    assert!(screen.contains("NOT READY"), "{screen}");
    let screen = on_a_terminal(&moto.endpoint, &args, Some("true"));
    assert!(
        !screen.contains("services·regions"),
        "a bar in CI:\n{screen}"
    );
    assert!(screen.contains("NOT READY"), "{screen}");
    let screen = on_a_terminal(&moto.endpoint, &format!("{args} -q"), None);
    assert!(
        !screen.contains("services·regions"),
        "a bar with --quiet:\n{screen}"
    );
    assert_eq!(screen.trim(), "", "{screen}");
}
