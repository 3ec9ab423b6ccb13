//! `web_page` end to end: a local static site on 127.0.0.1 (plain HTTP, and HTTPS with an rcgen
//! test CA that Chromium trusts through an NSS database made with certutil, as a user trusts an
//! internal CA), loaded by the real binary in the headless Chromium the test command installs
//! (`scripts/ensure-chromium`). Exact verdicts and exit codes; no network but loopback.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/pki.rs"]
mod pki;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;

/// A credential the broken page logs to the console: it must never reach any output.
const LOGGED_SECRET: &str = "sk_live_51WebPageSecretValue0000";

const INDEX: &str = r#"<!doctype html>
<html lang="en"><head><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="The Dorami shop: everything a launch needs.">
<link rel="stylesheet" href="/site.css"></head>
<body><h1>Dorami shop</h1><p>Everything a launch needs.</p>
<img src="/logo.svg" width="64" height="64" alt="logo">
<script src="/app.js"></script></body></html>"#;

const BROKEN: &str = r#"<!doctype html>
<html><body><h1>Checkout</h1>
<script>console.error("checkout failed, token=sk_live_51WebPageSecretValue0000");</script>
<script src="/missing.js"></script>
<script>throw new Error("boom in checkout");</script>
</body></html>"#;

const SLOW: &str = r#"<!doctype html>
<html><body><h1>Slow</h1><script src="/slow.js"></script></body></html>"#;

/// An HTTPS page that pulls an image and a script over plain HTTP (mixed content).
const MIXED: &str = r#"<!doctype html>
<html><body><h1>Secure shop</h1>
<img src="http://shop.example/pixel.svg" width="8" height="8" alt="">
<script src="http://shop.example/tracker.js"></script>
</body></html>"#;

/// 40 000 bytes of JavaScript (not compressed: the server sends no Content-Encoding).
fn app_js() -> String {
    let mut js = String::from("window.shop = {};\n");
    let line = "window.shop.padding = (window.shop.padding || 0) + 1; // padding\n";
    while js.len() + line.len() + 2 < 40_000 {
        js.push_str(line);
    }
    // Ends on a comment, so the script stays valid JavaScript at exactly 40 000 bytes.
    js.push_str("//");
    js.push_str(&"x".repeat(40_000 - js.len()));
    js
}

const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="teal"/></svg>"#;

/// The answer to a path: status, content type, body, delay.
fn route(path: &str) -> (u16, &'static str, String, Duration) {
    let path = path.split('?').next().unwrap_or(path);
    match path {
        "/" | "/index.html" => (200, "text/html", INDEX.into(), Duration::ZERO),
        "/site.css" => (
            200,
            "text/css",
            "h1 { color: teal; }".into(),
            Duration::ZERO,
        ),
        "/logo.svg" | "/pixel.svg" | "/favicon.ico" => {
            (200, "image/svg+xml", SVG.into(), Duration::ZERO)
        }
        "/app.js" => (200, "text/javascript", app_js(), Duration::ZERO),
        "/broken.html" => (200, "text/html", BROKEN.into(), Duration::ZERO),
        "/slow.html" => (200, "text/html", SLOW.into(), Duration::ZERO),
        "/slow.js" => (
            200,
            "text/javascript",
            "window.slow = true;".into(),
            Duration::from_millis(1500),
        ),
        "/mixed.html" => (200, "text/html", MIXED.into(), Duration::ZERO),
        "/tracker.js" => (
            200,
            "text/javascript",
            "window.tracked = true;".into(),
            Duration::ZERO,
        ),
        _ => (404, "text/plain", "not found".into(), Duration::ZERO),
    }
}

async fn answer<S>(mut io: S)
where
    S: tokio::io::AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(10), io.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let (status, content_type, body, delay) = route(&path);
    tokio::time::sleep(delay).await;
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = io.write_all(response.as_bytes()).await;
    let _ = io.shutdown().await;
}

/// The site, alive as long as this value.
struct Site {
    _rt: tokio::runtime::Runtime,
    http: u16,
    https: u16,
    dir: tempfile::TempDir,
    /// A home directory whose NSS database trusts the test CA.
    home: PathBuf,
}

fn start() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = pki::pki_for(&["shop.example"], 30);
    let home = browser::nss_home(dir.path(), &pki.ca_pem);
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(pki.chain, pki.key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (http, https) = rt.block_on(async {
        let plain = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let http = plain.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = plain.accept().await {
                tokio::spawn(answer(tcp));
            }
        });
        let tls = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let https = tls.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = tls.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(s) = acceptor.accept(tcp).await {
                        answer(s).await;
                    }
                });
            }
        });
        (http, https)
    });
    Site {
        _rt: rt,
        http,
        https,
        dir,
        home,
    }
}

/// The binary with no way to reach AWS, the site's home directory (its NSS database) and a
/// `PATH` of only `path_dir` (so no `lighthouse` is found by accident).
fn iv(site: &Site, path_dir: &Path) -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("HOME", &site.home)
        .env("PATH", path_dir)
        .env("AWS_CONFIG_FILE", site.dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            site.dir.path().join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        c.env_remove(var);
    }
    c
}

/// Runs the spec with `args` (and `--chromium` unless `find_on_path`), expects exit `code`, and
/// returns the JSON report and everything the run printed.
fn run(site: &Site, resources: &str, args: &[&str], code: i32) -> (Value, String) {
    run_with(site, resources, args, code, false)
}

/// [`run`], with the test's own `PATH` when `inherit_path` (what Lighthouse's launcher needs:
/// Node.js, a shell's tools).
fn run_with(
    site: &Site,
    resources: &str,
    args: &[&str],
    code: i32,
    inherit_path: bool,
) -> (Value, String) {
    let spec = site.dir.path().join("pages.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: pages\nresources:\n{resources}"),
    )
    .expect("write");
    // A PATH with Node.js alone (Lighthouse's interpreter): no Chromium or Lighthouse to find.
    let node_only = site.dir.path().join("node-only");
    if !node_only.exists() {
        std::fs::create_dir_all(&node_only).expect("dir");
        if let Some(node) = std::env::var_os("PATH").and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("node"))
                .find(|n| n.is_file())
        }) {
            std::os::unix::fs::symlink(node, node_only.join("node")).expect("symlink");
        }
    }
    let mut cmd = iv(site, &node_only);
    if inherit_path {
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    }
    cmd.arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "-vv"])
        .arg("--chromium")
        .arg(browser::chromium())
        .args(args);
    let out = cmd.output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let report = serde_json::from_str(&stdout).expect("json report");
    (report, format!("{stdout}\n{stderr}"))
}

fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

#[test]
fn a_fast_page_is_measured_and_passes() {
    let site = start();
    let url = format!("http://127.0.0.1:{}/", site.http);
    let (report, _) = run(
        &site,
        &format!(
            r#"  - kind: web_page
    id: "{url}"
    expect:
      status: 200
      load_time_ms: {{ at_most: 20000 }}
      dom_content_loaded_ms: {{ at_most: 20000 }}
      lcp_ms: {{ at_most: 20000 }}
      request_count: 5
      failed_request_count: 0
      script_transfer_bytes: {{ at_least: 40000 }}
      transfer_bytes: {{ at_least: 40300 }}
      console_error_count: 0
      mixed_content: null
"#
        ),
        &[],
        0,
    );
    for (id, status) in statuses(&report) {
        assert_eq!(status, "pass", "{id}: {:#}", check(&report, &id));
    }
    assert_eq!(
        check(&report, &format!("web_page/{url}/request_count"))["actual"],
        5,
        "the page, its style sheet, image and script, and the browser's own /favicon.ico"
    );
    // The script's 40 000 bytes and its response headers, nothing else.
    let script = check(&report, &format!("web_page/{url}/script_transfer_bytes"))["actual"]
        .as_i64()
        .expect("a number");
    assert!((40_000..41_000).contains(&script), "{script}");
}

#[test]
fn a_slow_page_fails_its_budget_with_the_measured_time() {
    let site = start();
    let url = format!("http://127.0.0.1:{}/slow.html", site.http);
    let (report, _) = run(
        &site,
        &format!(
            r#"  - kind: web_page
    id: "{url}"
    expect:
      load_time_ms: {{ at_most: 1000 }}
      status: 200
"#
        ),
        &[],
        1,
    );
    let load = check(&report, &format!("web_page/{url}/load_time_ms"));
    assert_eq!(load["status"], "fail", "{load:#}");
    // The script is answered 1.5 s late, so the load event comes after it.
    assert!(
        load["actual"].as_i64().expect("a number") >= 1500,
        "{load:#}"
    );
    assert_eq!(
        check(&report, &format!("web_page/{url}/status"))["status"],
        "pass"
    );
}

#[test]
fn console_errors_are_recorded_redacted() {
    let site = start();
    let url = format!("http://127.0.0.1:{}/broken.html", site.http);
    let (report, printed) = run(
        &site,
        &format!(
            r#"  - kind: web_page
    id: "{url}"
    expect:
      console_error_count: 0
      failed_request_count: 0
"#
        ),
        &[],
        1,
    );
    let count = check(&report, &format!("web_page/{url}/console_error_count"));
    assert_eq!(count["status"], "fail", "{count:#}");
    assert_eq!(count["actual"], 3, "{count:#}");
    // Chromium cancels a script answered with a 404: a failed request.
    let failed = check(&report, &format!("web_page/{url}/failed_request_count"));
    assert_eq!(
        (&failed["status"], &failed["actual"]),
        (&"fail".into(), &1.into()),
        "{failed:#}"
    );
    let snapshot = site.dir.path().join("snap.json");
    let out = iv(&site, &site.dir.path().join("node-only"))
        .arg("snapshot")
        .arg("--spec")
        .arg(site.dir.path().join("pages.yaml"))
        .arg("--chromium")
        .arg(browser::chromium())
        .arg("-o")
        .arg(&snapshot)
        .output()
        .expect("observe");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap = std::fs::read_to_string(&snapshot).expect("snapshot");
    let v: Value = serde_json::from_str(&snap).expect("json");
    let errors = v["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["kind"] == "web_page")
        .map(|r| r["attributes"]["console_errors"].clone())
        .expect("the page's record");
    let errors: Vec<&str> = errors
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("checkout failed, token=<redacted:")),
        "{errors:?}"
    );
    let mut sorted = errors.clone();
    sorted.sort();
    assert_eq!(
        errors, sorted,
        "sorted, so that two loads record the same list"
    );
    assert!(
        errors.iter().any(|e| e.contains("404")),
        "the missing script's error: {errors:?}"
    );
    assert!(
        errors.contains(&"Error: boom in checkout"),
        "the uncaught exception, its first line: {errors:?}"
    );
    let record = v["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["kind"] == "web_page")
        .expect("the page's record");
    assert_eq!(
        record["attributes"]["failed_requests"],
        serde_json::json!([format!(
            "http://127.0.0.1:{}/missing.js: canceled",
            site.http
        )])
    );
    for output in [printed.as_str(), snap.as_str()] {
        assert!(
            !output.contains(LOGGED_SECRET),
            "the logged secret leaked:\n{output}"
        );
    }
}

#[test]
fn an_https_page_lists_its_mixed_content_and_a_wrong_certificate_is_an_error() {
    let site = start();
    let connect = [
        format!("shop.example:443:127.0.0.1:{}", site.https),
        format!("shop.example:80:127.0.0.1:{}", site.http),
        format!("other.example:443:127.0.0.1:{}", site.https),
    ];
    let mut args = Vec::new();
    for c in &connect {
        args.push("--connect-to");
        args.push(c.as_str());
    }
    let (report, _) = run(
        &site,
        r#"  - kind: web_page
    id: https://shop.example/mixed.html
    expect:
      mixed_content: []
      status: 200
  - kind: web_page
    id: https://shop.example/
    expect:
      mixed_content: []
  - kind: web_page
    id: https://other.example/
    expect:
      status: 200
"#,
        &args,
        1,
    );
    let mixed = check(
        &report,
        "web_page/https://shop.example/mixed.html/mixed_content",
    );
    assert_eq!(mixed["status"], "fail", "{mixed:#}");
    let urls: Vec<&str> = mixed["actual"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        urls.contains(&"http://shop.example/tracker.js"),
        "the blocked script: {urls:?}"
    );
    assert_eq!(
        check(&report, "web_page/https://shop.example/mixed.html/status")["status"],
        "pass"
    );
    // The clean page, over TLS Chromium trusts (the NSS database's CA).
    assert_eq!(
        check(&report, "web_page/https://shop.example//mixed_content")["status"],
        "pass"
    );
    // The stand-ins are never hidden: the page's own host, and the http:// host of its image.
    let snapshot = site.dir.path().join("mixed.json");
    let out = iv(&site, &site.dir.path().join("node-only"))
        .arg("snapshot")
        .arg("--spec")
        .arg(site.dir.path().join("pages.yaml"))
        .arg("--chromium")
        .arg(browser::chromium())
        .args(&args)
        .arg("-o")
        .arg(&snapshot)
        .output()
        .expect("snapshot");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("read")).expect("json");
    assert_eq!(
        snap["metadata"]["connect_to"]["shop.example:443"],
        format!("127.0.0.1:{}", site.https)
    );
    // The certificate is for shop.example only: the browser refuses, and that is an error.
    let other = check(&report, "web_page/https://other.example//status");
    assert_eq!(other["status"], "error", "{other:#}");
    assert!(
        other["message"]
            .as_str()
            .unwrap_or_default()
            .contains("ERR_CERT"),
        "{other:#}"
    );
}

#[test]
fn chromium_is_found_on_path_or_its_absence_is_an_error() {
    let site = start();
    let url = format!("http://127.0.0.1:{}/", site.http);
    let spec = site.dir.path().join("path.yaml");
    std::fs::write(
        &spec,
        format!(
            "version: 1\nenvironment: pages\nresources:\n  - kind: web_page\n    id: \"{url}\"\n    expect: {{ status: 200 }}\n"
        ),
    )
    .expect("write");
    // No Chromium on PATH and none named: an error that says what is missing (exit 3).
    let empty = site.dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let out = iv(&site, &empty)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let status = check(&report, &format!("web_page/{url}/status"));
    assert_eq!(status["status"], "error");
    assert!(
        status["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no Chromium found on PATH"),
        "{status:#}"
    );
    // A Chromium on PATH (named `chromium`) is used.
    let bin = site.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("dir");
    std::os::unix::fs::symlink(browser::chromium(), bin.join("chromium")).expect("symlink");
    let out = iv(&site, &bin)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn lighthouse_scores_are_lighthouses_own_or_an_error() {
    let site = start();
    let url = format!("http://127.0.0.1:{}/", site.http);
    let resources = format!(
        r#"  - kind: web_page
    id: "{url}"
    expect:
      lighthouse_performance: {{ at_least: 90 }}
      lighthouse_seo: {{ at_least: 90 }}
"#
    );
    // No lighthouse on PATH: each score is an error that says so, never a guess.
    let (report, _) = run(&site, &resources, &[], 3);
    let perf = check(&report, &format!("web_page/{url}/lighthouse_performance"));
    assert_eq!(perf["status"], "error", "{perf:#}");
    assert!(
        perf["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`lighthouse` CLI is not installed"),
        "{perf:#}"
    );
    // The real Lighthouse CLI (pinned in scripts/lighthouse/, installed by the test command),
    // run on the same Chromium: its own scores.
    let (report, _) = run_with(
        &site,
        &resources,
        &[
            "--lighthouse",
            browser::lighthouse().to_str().expect("utf-8"),
        ],
        0,
        true,
    );
    for attribute in ["lighthouse_performance", "lighthouse_seo"] {
        let c = check(&report, &format!("web_page/{url}/{attribute}"));
        assert_eq!(c["status"], "pass", "{c:#}");
        let score = c["actual"].as_i64().expect("a score");
        assert!((90..=100).contains(&score), "{c:#}");
    }
    assert_eq!(report["source"]["api_calls"]["lighthouse:Run"], 1);
}
