//! `http_endpoint` end to end, offline and without AWS: local HTTP and HTTPS servers on
//! 127.0.0.1 (a CA and a server certificate made with rcgen), the real binary, exact verdicts.

use std::collections::BTreeMap;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[path = "support/browser.rs"]
mod browser;
#[path = "support/github_api.rs"]
mod github_api;
#[path = "support/sentry_api.rs"]
mod sentry_api;
#[path = "support/stripe_api.rs"]
mod stripe_api;
#[path = "support/vercel_api.rs"]
mod vercel_api;

use assert_cmd::Command;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;

/// Days the server certificate is valid for.
const VALID_DAYS: i64 = 45;

/// A CA (written as PEM for SSL_CERT_FILE) and a server certificate it signed for localhost and
/// 127.0.0.1, valid from yesterday for [`VALID_DAYS`].
struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().expect("CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    let pem = params.self_signed(&key).expect("CA cert").pem();
    (params, key, pem)
}

fn pki() -> Pki {
    pki_for(&["localhost", "127.0.0.1"])
}

/// A CA and a server certificate it signed for these names only (the first is the common name).
fn pki_for(names: &[&str]) -> Pki {
    let (ca_params, ca_key, ca_pem) = ca("infra-verify test CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("server key");
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("server params");
    params.distinguished_name.push(DnType::CommonName, names[0]);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(VALID_DAYS);
    let cert = params.signed_by(&key, &issuer).expect("server cert");
    Pki {
        ca_pem,
        chain: vec![cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// The local servers, alive as long as this value.
struct Servers {
    _rt: tokio::runtime::Runtime,
    /// HTTPS: `/api/health` with every security header, `/bad` without them.
    https: u16,
    /// Plain HTTP: `/api/health` redirects to the HTTPS server, `/bad` does not.
    http: u16,
    /// Accepts connections and never answers.
    hung: u16,
    /// HTTPS with TLS 1.2 only, which also answers a TLS 1.1 ClientHello with a TLS 1.1
    /// ServerHello (a server with a weak TLS policy); same routes as `https`.
    weak: u16,
    dir: tempfile::TempDir,
    /// SSL_CERT_FILE that trusts the servers' CA.
    ca_file: PathBuf,
    /// SSL_CERT_FILE with an unrelated CA only.
    other_ca_file: PathBuf,
}

fn response(status: &str, headers: &[(&str, String)], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

fn route(tls: bool, path: &str, https_port: u16) -> String {
    match (tls, path) {
        (true, "/api/health") => response(
            "200 OK",
            &[
                ("Content-Type", "application/json".into()),
                (
                    "Strict-Transport-Security",
                    "max-age=31536000; includeSubDomains".into(),
                ),
                ("X-Content-Type-Options", "nosniff".into()),
                ("X-Frame-Options", "DENY".into()),
                ("Access-Control-Allow-Origin", "https://app.example".into()),
            ],
            r#"{"status":"ok"}"#,
        ),
        (true, "/bad") => response(
            "500 Internal Server Error",
            &[
                ("Content-Type", "text/plain".into()),
                ("Access-Control-Allow-Origin", "*".into()),
            ],
            "internal error",
        ),
        (false, "/api/health") => response(
            "301 Moved Permanently",
            &[(
                "Location",
                format!("https://127.0.0.1:{https_port}/api/health"),
            )],
            "",
        ),
        (false, "/bad") => response("200 OK", &[], "plain"),
        _ => response("404 Not Found", &[], "not found"),
    }
}

/// How long `/slow` takes to answer.
const SLOW_MS: u64 = 400;

/// A TLS 1.1 ServerHello record (ECDHE_RSA_WITH_AES_128_CBC_SHA, no session id): what a server
/// that still accepts TLS 1.1 answers to the probe's legacy ClientHello.
fn tls11_server_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x02];
    body.extend_from_slice(&[0x5a; 32]);
    body.extend_from_slice(&[0x00, 0xc0, 0x13, 0x00]);
    let mut handshake = vec![0x02, 0x00, 0x00, body.len() as u8];
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x02, 0x00, handshake.len() as u8];
    record.extend_from_slice(&handshake);
    record
}

/// Reads one request head and answers it by path.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, tls: bool, https_port: u16) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    if path == "/slow" {
        tokio::time::sleep(std::time::Duration::from_millis(SLOW_MS)).await;
    }
    let _ = stream
        .write_all(route(tls, &path, https_port).as_bytes())
        .await;
    let _ = stream.shutdown().await;
}

fn start() -> Servers {
    let pki = pki();
    let (_, _, other_pem) = ca("some other CA");
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = write(&dir, "ca.pem", &pki.ca_pem);
    let other_ca_file = write(&dir, "other-ca.pem", &other_pem);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), pki.key.clone_key())
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let tls12_only = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&tokio_rustls::rustls::version::TLS12])
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), pki.key.clone_key())
        .expect("server config");
    let weak_acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls12_only));
    let (https, http, hung, weak) = rt.block_on(async {
        let tls_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let plain_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let hung_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let https = tls_listener.local_addr().expect("addr").port();
        let http = plain_listener.local_addr().expect("addr").port();
        let hung = hung_listener.local_addr().expect("addr").port();
        let weak_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let weak = weak_listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = weak_listener.accept().await {
                let acceptor = weak_acceptor.clone();
                tokio::spawn(async move {
                    // The ClientHello's version (bytes 9-10 of the record): 0x0302 is the probe's
                    // TLS 1.1 hello, answered by hand; anything else gets TLS 1.2.
                    let mut first = [0u8; 11];
                    for _ in 0..100 {
                        match tcp.peek(&mut first).await {
                            Ok(n) if n >= first.len() => break,
                            Ok(0) | Err(_) => return,
                            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
                        }
                    }
                    if first[0] == 0x16 && first[9..11] == [0x03, 0x02] {
                        let mut tcp = tcp;
                        let _ = tcp.write_all(&tls11_server_hello()).await;
                        let _ = tcp.shutdown().await;
                    } else if let Ok(tls) = acceptor.accept(tcp).await {
                        serve(tls, true, weak).await;
                    }
                });
            }
        });
        tokio::spawn(async move {
            while let Ok((tcp, _)) = tls_listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A failed handshake (the legacy TLS 1.1 probe) just ends the connection.
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        serve(tls, true, https).await;
                    }
                });
            }
        });
        tokio::spawn(async move {
            while let Ok((tcp, _)) = plain_listener.accept().await {
                tokio::spawn(serve(tcp, false, https));
            }
        });
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((tcp, _)) = hung_listener.accept().await {
                held.push(tcp);
            }
        });
        (https, http, hung, weak)
    });
    Servers {
        _rt: rt,
        https,
        http,
        hung,
        weak,
        dir,
        ca_file,
        other_ca_file,
    }
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// The binary with no way to reach AWS: no credentials, no region, no config files, no instance
/// metadata. An http_endpoint spec must work anyway.
fn iv(ca_file: &Path, dir: &tempfile::TempDir) -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("SSL_CERT_FILE", ca_file)
        .env_remove("SSL_CERT_DIR")
        .env("AWS_CONFIG_FILE", dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-aws-credentials"),
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

/// Runs the spec, expects `code`, and returns the JSON report.
fn run(servers: &Servers, ca_file: &Path, resources: &str, code: i32) -> Value {
    let spec = write(
        &servers.dir,
        "web.yaml",
        &format!("version: 1\nenvironment: web\nresources:\n{resources}"),
    );
    let out = iv(ca_file, &servers.dir)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).expect("json report")
}

/// Check id -> status.
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

fn actual<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| &c["actual"])
        .unwrap_or_else(|| panic!("no check {id}"))
}

fn expect_all(prefix: &str, attributes: &[&str], status: &str) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|a| (format!("{prefix}/{a}"), status.to_string()))
        .collect()
}

#[test]
fn a_good_endpoint_passes_every_check_without_aws() {
    let s = start();
    let https = format!("https://127.0.0.1:{}/api/health", s.https);
    let http = format!("http://127.0.0.1:{}/api/health", s.http);
    let report = run(
        &s,
        &s.ca_file,
        &format!(
            r#"  - kind: http_endpoint
    id: {https}
    expect:
      status: 200
      response_time_ms: {{ at_most: 600000 }}
      body: {{ contains: '"ok"' }}
      certificate_valid: true
      certificate_days_remaining: {{ at_least: 30 }}
      tls_version: TLSv1.3
      accepts_legacy_tls: false
      hsts_max_age: {{ at_least: 31536000 }}
      hsts_include_subdomains: true
      content_type_options: nosniff
      frame_protection: true
      cors_allow_origin: https://app.example
      cors_allows_any_origin: false
      location: null
  - kind: http_endpoint
    id: {http}
    expect:
      redirects_to_https: true
      status: {{ one_of: [301, 308] }}
      location: {{ matches: '^https://' }}
      certificate_valid: null
      tls_version: null
      accepts_legacy_tls: null
      hsts_max_age: null
"#
        ),
        0,
    );
    let https_checks = [
        "exists",
        "status",
        "response_time_ms",
        "body",
        "certificate_valid",
        "certificate_days_remaining",
        "tls_version",
        "accepts_legacy_tls",
        "hsts_max_age",
        "hsts_include_subdomains",
        "content_type_options",
        "frame_protection",
        "cors_allow_origin",
        "cors_allows_any_origin",
        "location",
    ];
    let http_checks = [
        "exists",
        "redirects_to_https",
        "status",
        "location",
        "certificate_valid",
        "tls_version",
        "accepts_legacy_tls",
        "hsts_max_age",
    ];
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    expected.extend(expect_all(
        &format!("http_endpoint/{https}"),
        &https_checks,
        "pass",
    ));
    expected.extend(expect_all(
        &format!("http_endpoint/{http}"),
        &http_checks,
        "pass",
    ));
    assert_eq!(statuses(&report), expected);
    assert_eq!(report["outcome"], "ready");
    // The leaf's notAfter is VALID_DAYS from when it was made, a moment ago.
    let days = actual(
        &report,
        &format!("http_endpoint/{https}/certificate_days_remaining"),
    )
    .as_i64()
    .expect("days");
    assert!(
        days == VALID_DAYS || days == VALID_DAYS - 1,
        "{days} days remaining"
    );
    // No AWS at all: no account, no STS; the requests made are counted.
    assert_eq!(report["source"]["account_id"], Value::Null);
    assert_eq!(
        report["source"]["api_calls"],
        serde_json::json!({ "http:GET": 2, "tls:LegacyHandshake": 1 })
    );
}

#[test]
fn a_bad_endpoint_fails_exactly_the_expected_checks() {
    let s = start();
    let https = format!("https://127.0.0.1:{}/bad", s.https);
    let http = format!("http://127.0.0.1:{}/bad", s.http);
    let report = run(
        &s,
        &s.ca_file,
        &format!(
            r#"  - kind: http_endpoint
    id: {https}
    expect:
      status: 200
      body: {{ contains: '"ok"' }}
      certificate_valid: true
      tls_version: TLSv1.3
      hsts_max_age: {{ at_least: 31536000 }}
      cors_allows_any_origin: false
  - kind: http_endpoint
    id: {http}
    expect:
      redirects_to_https: true
"#
        ),
        1,
    );
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let h = format!("http_endpoint/{https}");
    expected.extend(expect_all(
        &h,
        &["exists", "certificate_valid", "tls_version"],
        "pass",
    ));
    expected.extend(expect_all(
        &h,
        &["status", "body", "hsts_max_age", "cors_allows_any_origin"],
        "fail",
    ));
    let p = format!("http_endpoint/{http}");
    expected.extend(expect_all(&p, &["exists"], "pass"));
    expected.extend(expect_all(&p, &["redirects_to_https"], "fail"));
    assert_eq!(statuses(&report), expected);
    assert_eq!(actual(&report, &format!("{h}/status")), 500);
    assert_eq!(actual(&report, &format!("{h}/hsts_max_age")), &Value::Null);
    assert_eq!(
        actual(&report, &format!("{h}/cors_allows_any_origin")),
        true
    );
    assert_eq!(actual(&report, &format!("{p}/redirects_to_https")), false);
}

/// The checks a launch checklist relies on, each failing against a server that gets it wrong:
/// a TLS 1.2-only server that still accepts TLS 1.1, a certificate with too few days left, a
/// slow answer, a body that does not match, and no nosniff or frame protection.
#[test]
fn weak_tls_slow_and_unprotected_endpoints_fail_the_checks_that_catch_them() {
    let s = start();
    let weak = format!("https://127.0.0.1:{}/slow", s.weak);
    let bad = format!("https://127.0.0.1:{}/bad", s.https);
    let report = run(
        &s,
        &s.ca_file,
        &format!(
            r#"  - kind: http_endpoint
    id: {weak}
    expect:
      certificate_valid: true
      tls_version: TLSv1.3
      accepts_legacy_tls: false
      certificate_days_remaining: {{ at_least: 60 }}
      response_time_ms: {{ at_most: 200 }}
  - kind: http_endpoint
    id: {bad}
    expect:
      body: {{ matches: '^\{{"status":"ok"\}}$' }}
      content_type_options: nosniff
      frame_protection: true
"#
        ),
        1,
    );
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let w = format!("http_endpoint/{weak}");
    expected.extend(expect_all(&w, &["exists", "certificate_valid"], "pass"));
    expected.extend(expect_all(
        &w,
        &[
            "tls_version",
            "accepts_legacy_tls",
            "certificate_days_remaining",
            "response_time_ms",
        ],
        "fail",
    ));
    let b = format!("http_endpoint/{bad}");
    expected.extend(expect_all(&b, &["exists"], "pass"));
    expected.extend(expect_all(
        &b,
        &["body", "content_type_options", "frame_protection"],
        "fail",
    ));
    assert_eq!(statuses(&report), expected);
    assert_eq!(actual(&report, &format!("{w}/tls_version")), "TLSv1.2");
    assert_eq!(actual(&report, &format!("{w}/accepts_legacy_tls")), true);
    let elapsed = actual(&report, &format!("{w}/response_time_ms"))
        .as_u64()
        .expect("ms");
    assert!(
        elapsed >= SLOW_MS,
        "{elapsed} ms for an answer held {SLOW_MS} ms"
    );
    assert_eq!(
        actual(&report, &format!("{b}/content_type_options")),
        &Value::Null
    );
    assert_eq!(actual(&report, &format!("{b}/frame_protection")), false);
}

#[test]
fn an_untrusted_certificate_is_described_but_nothing_is_read_over_it() {
    let s = start();
    let https = format!("https://127.0.0.1:{}/api/health", s.https);
    // The trust store holds another CA only.
    let report = run(
        &s,
        &s.other_ca_file,
        &format!(
            r#"  - kind: http_endpoint
    id: {https}
    expect:
      certificate_valid: true
      certificate_days_remaining: {{ at_least: 30 }}
      tls_version: TLSv1.3
      status: 200
"#
        ),
        1,
    );
    let h = format!("http_endpoint/{https}");
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    expected.extend(expect_all(
        &h,
        &["exists", "certificate_days_remaining", "tls_version"],
        "pass",
    ));
    expected.extend(expect_all(&h, &["certificate_valid"], "fail"));
    // Not requested over an untrusted connection: an error, never a pass.
    expected.extend(expect_all(&h, &["status"], "error"));
    assert_eq!(statuses(&report), expected);
    assert_eq!(actual(&report, &format!("{h}/certificate_valid")), false);
}

#[test]
fn an_unreachable_endpoint_is_an_error_and_exits_3() {
    let s = start();
    // A port nothing listens on: bound, then closed.
    let closed = {
        let l = StdListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("https://127.0.0.1:{closed}/api/health");
    let report = run(
        &s,
        &s.ca_file,
        &format!(
            "  - kind: http_endpoint\n    id: {url}\n    expect: {{ status: 200, certificate_valid: true }}\n"
        ),
        3,
    );
    let h = format!("http_endpoint/{url}");
    let expected: BTreeMap<String, String> =
        expect_all(&h, &["exists", "status", "certificate_valid"], "error")
            .into_iter()
            .collect();
    assert_eq!(statuses(&report), expected);
    assert_eq!(report["outcome"], "unverified");
}

#[test]
fn a_server_that_never_answers_is_an_error() {
    let s = start();
    let url = format!("http://127.0.0.1:{}/", s.hung);
    let spec = write(
        &s.dir,
        "hung.yaml",
        &format!(
            "version: 1\nenvironment: web\nresources:\n  - kind: http_endpoint\n    id: {url}\n    expect: {{ status: 200 }}\n"
        ),
    );
    let out = iv(&s.ca_file, &s.dir)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "--call-timeout", "1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let h = format!("http_endpoint/{url}");
    let expected: BTreeMap<String, String> = expect_all(&h, &["exists", "status"], "error")
        .into_iter()
        .collect();
    assert_eq!(statuses(&report), expected);
    let message = report["checks"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("timed out"), "{message}");
}

#[test]
fn snapshot_and_iam_policy_of_an_http_only_spec() {
    let s = start();
    let url = format!("https://127.0.0.1:{}/api/health", s.https);
    let spec = write(
        &s.dir,
        "web.yaml",
        &format!(
            "version: 1\nenvironment: web\naws: {{ account_id: \"123456789012\" }}\nresources:\n  - kind: http_endpoint\n    id: {url}\n    expect: {{ status: 200 }}\n"
        ),
    );
    let snapshot = s.dir.path().join("web.snapshot.json");
    iv(&s.ca_file, &s.dir)
        .args(["snapshot", "--spec"])
        .arg(&spec)
        .arg("-o")
        .arg(&snapshot)
        .assert()
        .code(0);
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("read")).expect("json");
    let meta = &snap["metadata"];
    // No AWS call, so no account to guard and none recorded.
    assert_eq!(meta["account_id"], Value::Null);
    assert_eq!(meta["caller_arn"], Value::Null);
    assert_eq!(meta["region"], Value::Null);
    assert_eq!(meta["api_calls"], serde_json::json!({ "http:GET": 1 }));
    let record = &snap["resources"][0];
    assert_eq!(record["status"], "present");
    assert_eq!(record["attributes"]["status"], 200);
    assert_eq!(record["attributes"]["body"], r#"{"status":"ok"}"#);
    // Offline evaluation of that snapshot.
    iv(&s.ca_file, &s.dir)
        .arg("--spec")
        .arg(&spec)
        .arg("--snapshot")
        .arg(&snapshot)
        .assert()
        .code(0);

    // No IAM action for HTTP checks: the policy allows nothing.
    let out = iv(&s.ca_file, &s.dir)
        .args(["iam-policy", "--spec"])
        .arg(&spec)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&out.stdout).expect("policy");
    assert_eq!(policy["Statement"][0]["Action"], serde_json::json!([]));
    // Nor in the policy of every operation.
    let all = iv(&s.ca_file, &s.dir)
        .args(["iam-policy", "--all"])
        .output()
        .expect("run");
    let all = String::from_utf8_lossy(&all.stdout);
    assert!(all.contains("sts:GetCallerIdentity"), "{all}");
    assert!(!all.contains("http:") && !all.contains("tls:"), "{all}");
}

// --- `--connect-to`: made-up hosts served by loopback stand-ins --------------------------------

/// What a stand-in site gets wrong, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// A well-configured site.
    None,
    /// No `Strict-Transport-Security` on any HTTPS answer.
    NoHsts,
    /// Plain HTTP answers 200 instead of redirecting to HTTPS.
    NoRedirect,
    /// The home page's bundle logs an error to the console as it runs.
    ConsoleError,
}

/// The TLS server name (SNI) and `Host` header of every HTTPS request a [`Site`] answered.
type Seen = Arc<Mutex<Vec<(Option<String>, String)>>>;

/// A stand-in for a real site, on 127.0.0.1: HTTPS with a certificate for the site's own names
/// only, and plain HTTP that redirects to `https://` on the same host. Its answers depend on the
/// path alone, as a well-configured site (Django behind a CDN, Next.js with Helmet) would give
/// them, except for its [`Fault`].
struct Site {
    _rt: tokio::runtime::Runtime,
    https: u16,
    http: u16,
    /// Connections accepted, HTTPS and plain together.
    connections: Arc<AtomicUsize>,
    /// The TLS server name (SNI) and `Host` header of every HTTPS request.
    seen: Seen,
}

fn site_route(tls: bool, path: &str, host: &str, fault: Fault) -> String {
    if !tls {
        return match fault {
            Fault::NoRedirect => response("200 OK", &[], "plain"),
            _ => response(
                "301 Moved Permanently",
                &[("Location", format!("https://{host}{path}"))],
                "",
            ),
        };
    }
    // Helmet's and Django's defaults: nosniff, frame protection, a CSP and a referrer policy.
    let mut headers: Vec<(&str, String)> = vec![
        ("X-Content-Type-Options", "nosniff".into()),
        ("X-Frame-Options", "SAMEORIGIN".into()),
        (
            "Content-Security-Policy",
            "default-src 'self';base-uri 'self';frame-ancestors 'self'".into(),
        ),
        ("Referrer-Policy", "no-referrer".into()),
    ];
    if fault != Fault::NoHsts {
        headers.push((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains".into(),
        ));
    }
    let page = |title: &str| {
        format!("<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>")
    };
    match path {
        "/" => {
            headers.push(("Content-Type", "text/html".into()));
            // Django's session and CSRF cookies, as SESSION_COOKIE_SECURE/HTTPONLY and
            // CSRF_COOKIE_SECURE set them.
            headers.push((
                "Set-Cookie",
                "sessionid=9x8y7z-session-secret; HttpOnly; Path=/; SameSite=Lax; Secure".into(),
            ));
            headers.push((
                "Set-Cookie",
                "csrftoken=c5rf-secret-token; Path=/; SameSite=Lax; Secure".into(),
            ));
            // The page a browser loads (`web_page`): a bundle from the same origin (the CSP
            // allows it), painted text.
            let home = "<!doctype html><html lang=\"en\"><head><title>Home</title>\
                <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                <meta name=\"description\" content=\"The home page.\"></head>\
                <body><h1>Home</h1><p>Welcome.</p><script src=\"/static/app.js\"></script></body></html>";
            response("200 OK", &headers, home)
        }
        "/static/app.js" => {
            headers.push(("Content-Type", "text/javascript".into()));
            headers.push((
                "Cache-Control",
                "public, max-age=31536000, immutable".into(),
            ));
            let mut bundle = "window.app = { ready: true };\n".repeat(4000);
            if fault == Fault::ConsoleError {
                bundle.push_str("console.error(\"app: could not reach /api/config\");\n");
            }
            response("200 OK", &headers, &bundle)
        }
        "/favicon.ico" => {
            headers.push(("Content-Type", "image/svg+xml".into()));
            response(
                "200 OK",
                &headers,
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>"#,
            )
        }
        "/api/health" => {
            headers.push(("Content-Type", "application/json".into()));
            response("200 OK", &headers, r#"{"status":"ok"}"#)
        }
        "/privacy" => response("200 OK", &headers, &page("Privacy Policy")),
        "/terms" => response("200 OK", &headers, &page("Terms of Service")),
        "/api/accounts/payment/webhook/" | "/api/webhooks/stripe" | "/api/webhooks/toss" => {
            headers.push(("Allow", "POST".into()));
            response("405 Method Not Allowed", &headers, "")
        }
        _ => response("404 Not Found", &headers, "not found"),
    }
}

/// Reads one request head; answers it by path, recording the `Host` header (and the SNI).
async fn serve_site<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    tls: Option<Option<String>>,
    fault: Fault,
    seen: Seen,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let host = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    let name = host.split(':').next().unwrap_or_default().to_string();
    if let Some(sni) = &tls {
        seen.lock().expect("seen").push((sni.clone(), host.clone()));
    }
    let answer = site_route(tls.is_some(), &path, &name, fault);
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn site(pki: &Pki, fault: Fault) -> Site {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), pki.key.clone_key())
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (https, http) = rt.block_on(async {
        let tls_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let plain_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let https = tls_listener.local_addr().expect("addr").port();
        let http = plain_listener.local_addr().expect("addr").port();
        let (count, log) = (connections.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = tls_listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (acceptor, log) = (acceptor.clone(), log.clone());
                tokio::spawn(async move {
                    // A refused handshake (the probe's TLS 1.1 hello) just ends the connection.
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let sni = tls.get_ref().1.server_name().map(str::to_string);
                        serve_site(tls, Some(sni), fault, log).await;
                    }
                });
            }
        });
        let (count, log) = (connections.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = plain_listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_site(tcp, None, fault, log.clone()));
            }
        });
        (https, http)
    });
    Site {
        _rt: rt,
        https,
        http,
        connections,
        seen,
    }
}

impl Site {
    /// `--connect-to` for `host`'s HTTPS (443) and HTTP (80) ports to this site.
    fn connect_to(&self, host: &str) -> Vec<String> {
        vec![
            "--connect-to".into(),
            format!("{host}:443:127.0.0.1:{}", self.https),
            "--connect-to".into(),
            format!("{host}:80:127.0.0.1:{}", self.http),
        ]
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// https://learn.example/, served by a loopback stand-in whose certificate names learn.example
/// only: with `--connect-to` it passes with exact verdicts, the request, SNI and certificate
/// check being learn.example's, and the snapshot and the report say where it was reached.
#[test]
fn connect_to_checks_a_made_up_host_on_a_loopback_server() {
    let pki = pki_for(&["learn.example"]);
    let s = site(&pki, Fault::None);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = write(&dir, "ca.pem", &pki.ca_pem);
    let (https, http) = (s.https, s.http);
    let spec = write(
        &dir,
        "learn.yaml",
        &format!(
            r#"version: 1
environment: learn
resources:
  - kind: http_endpoint
    id: https://learn.example/
    expect:
      status: 200
      certificate_valid: true
      certificate_days_remaining: {{ at_least: 30 }}
      tls_version: TLSv1.3
      accepts_legacy_tls: false
      redirects_to_https: true
      hsts_max_age: {{ at_least: 31536000 }}
      content_type_options: nosniff
      frame_protection: true
      cors_allows_any_origin: false
      connect_to: {{ "learn.example:443": "127.0.0.1:{https}", "learn.example:80": "127.0.0.1:{http}" }}
  - kind: http_endpoint
    id: https://learn.example/api/health
    expect:
      status: 200
      body: {{ contains: '"ok"' }}
"#
        ),
    );
    let out = iv(&ca_file, &dir)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .args(s.connect_to("learn.example"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("json");
    let root = "http_endpoint/https://learn.example/";
    let health = "http_endpoint/https://learn.example/api/health";
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    expected.extend(expect_all(
        root,
        &[
            "exists",
            "status",
            "certificate_valid",
            "certificate_days_remaining",
            "tls_version",
            "accepts_legacy_tls",
            "redirects_to_https",
            "hsts_max_age",
            "content_type_options",
            "frame_protection",
            "cors_allows_any_origin",
            "connect_to",
        ],
        "pass",
    ));
    expected.extend(expect_all(health, &["exists", "status", "body"], "pass"));
    assert_eq!(statuses(&report), expected);
    // The report says where the endpoints were reached.
    assert_eq!(
        report["source"]["connect_to"],
        serde_json::json!({
            "learn.example:443": format!("127.0.0.1:{https}"),
            "learn.example:80": format!("127.0.0.1:{http}"),
        })
    );
    // The server saw learn.example in the TLS server name and the Host header of every request.
    let seen = s.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (sni, host) in &seen {
        assert_eq!(
            (sni.as_deref(), host.as_str()),
            (Some("learn.example"), "learn.example")
        );
    }

    // The snapshot records it, per endpoint and for the run; the human report says it too.
    let snapshot = dir.path().join("learn.snapshot.json");
    iv(&ca_file, &dir)
        .args(["snapshot", "--spec"])
        .arg(&spec)
        .arg("-o")
        .arg(&snapshot)
        .args(s.connect_to("learn.example"))
        .assert()
        .code(0);
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("read")).expect("json");
    assert_eq!(
        snap["metadata"]["connect_to"],
        report["source"]["connect_to"]
    );
    let records: BTreeMap<&str, &Value> = snap["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default(),
                &r["attributes"]["connect_to"],
            )
        })
        .collect();
    assert_eq!(
        records,
        BTreeMap::from([
            ("https://learn.example/", &report["source"]["connect_to"]),
            (
                "https://learn.example/api/health",
                &serde_json::json!({ "learn.example:443": format!("127.0.0.1:{https}") })
            ),
        ])
    );
    let human = iv(&ca_file, &dir)
        .arg("--spec")
        .arg(&spec)
        .arg("--snapshot")
        .arg(&snapshot)
        .output()
        .expect("run");
    assert_eq!(human.status.code(), Some(0));
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(&format!(
            "connected through --connect-to, not to the hosts the URLs name: learn.example:443 → 127.0.0.1:{https}, learn.example:80 → 127.0.0.1:{http}\n"
        )),
        "{human}"
    );
}

/// Without a rule that applies, nothing but the hosts the spec names is contacted, and
/// `connect_to` is null; a rule that does apply sends the connections to its address instead
/// (and `connect_to: null`, which a spec can require, then fails).
#[test]
fn connect_to_contacts_only_what_applies() {
    let pki = pki();
    let (named, stand_in) = (site(&pki, Fault::None), site(&pki, Fault::None));
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = write(&dir, "ca.pem", &pki.ca_pem);
    let url = format!("https://127.0.0.1:{}/api/health", named.https);
    let spec = write(
        &dir,
        "web.yaml",
        &format!(
            "version: 1\nenvironment: web\nresources:\n  - kind: http_endpoint\n    id: {url}\n    expect: {{ status: 200, connect_to: null }}\n"
        ),
    );
    let run = |rules: &[String], code: i32| -> Value {
        let out = iv(&ca_file, &dir)
            .arg("--spec")
            .arg(&spec)
            .args(["--format", "json"])
            .args(rules)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let h = format!("http_endpoint/{url}");

    // A rule for another host, and one for another port of this host: neither applies.
    let report = run(
        &[
            "--connect-to".into(),
            format!("learn.example:443:127.0.0.1:{}", stand_in.https),
            "--connect-to".into(),
            format!("127.0.0.1:443:127.0.0.1:{}", stand_in.https),
        ],
        0,
    );
    let expected: BTreeMap<String, String> =
        expect_all(&h, &["exists", "status", "connect_to"], "pass")
            .into_iter()
            .collect();
    assert_eq!(statuses(&report), expected);
    assert_eq!(report["source"].get("connect_to"), None);
    assert_eq!((named.connections(), stand_in.connections()), (1, 0));

    // An empty HOST matches any host: this one now goes to the stand-in, and says so.
    let report = run(
        &[
            "--connect-to".into(),
            format!(":{}:127.0.0.1:{}", named.https, stand_in.https),
        ],
        1,
    );
    let mut expected: BTreeMap<String, String> = expect_all(&h, &["exists", "status"], "pass")
        .into_iter()
        .collect();
    expected.extend(expect_all(&h, &["connect_to"], "fail"));
    assert_eq!(statuses(&report), expected);
    let routed = serde_json::json!({
        format!("127.0.0.1:{}", named.https): format!("127.0.0.1:{}", stand_in.https)
    });
    assert_eq!(actual(&report, &format!("{h}/connect_to")), &routed);
    assert_eq!(report["source"]["connect_to"], routed);
    assert_eq!((named.connections(), stand_in.connections()), (1, 1));
}

/// A `--connect-to` value that is not HOST:PORT:CONNECT_HOST:CONNECT_PORT is a usage error
/// (exit 2) naming it, in every command that observes; nothing is contacted.
#[test]
fn a_bad_connect_to_is_a_usage_error_naming_it() {
    let pki = pki_for(&["learn.example"]);
    let s = site(&pki, Fault::None);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = write(&dir, "ca.pem", &pki.ca_pem);
    let list = write(&dir, "list.md", "- [ ] Health check 엔드포인트\n");
    let list = list.to_string_lossy().into_owned();
    let out_dir = dir.path().join("evidence").to_string_lossy().into_owned();
    let baseline = dir
        .path()
        .join("baseline.json")
        .to_string_lossy()
        .into_owned();
    let port = s.https;
    for (bad, says) in [
        (
            "learn.example:443:127.0.0.1".to_string(),
            "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT".to_string(),
        ),
        (
            format!("learn.example:443:127.0.0.1:{port}0000"),
            format!("`{port}0000` is not a port (1 to 65535)"),
        ),
        (
            format!("learn.example:https:127.0.0.1:{port}"),
            "`https` is not a port (1 to 65535)".to_string(),
        ),
        (
            format!("learn.example:443:local host:{port}"),
            "`local host` is not a host name or IP address".to_string(),
        ),
        (
            format!("learn.example:443:::1:{port}"),
            "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT".to_string(),
        ),
    ] {
        let commands: [Vec<&str>; 5] = [
            vec!["learning-saas"],
            vec!["snapshot", "learning-saas", "-o", "-"],
            vec!["tick", "learning-saas", &list],
            vec!["drift", "learning-saas", "--baseline", &baseline],
            vec!["evidence", "learning-saas", "--out", &out_dir],
        ];
        for args in commands {
            let out = iv(&ca_file, &dir)
                .args(&args)
                .args(["--connect-to", &bad])
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {bad}: {stderr}");
            assert!(
                stderr.contains(&format!("invalid value '{bad}' for '--connect-to"))
                    && stderr.contains(&says),
                "{args:?} {bad}: {stderr}"
            );
        }
    }
    assert_eq!(s.connections(), 0);
    assert!(!dir.path().join("evidence").exists());
}

// --- The shipped specs tick the teams' own checklists --------------------------------------------

/// Today's date (UTC), and tomorrow's, for a run that crosses midnight.
fn marker_dates() -> [String; 2] {
    let today = time::OffsetDateTime::now_utc().date();
    let fmt = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    [fmt(today), fmt(today.next_day().expect("tomorrow"))]
}

/// Ticks a copy of `text` with the shipped spec of `env` (`specs/`), its hosts reached through
/// `--connect-to` on `site`; returns the file afterwards, each marker of a tick made now written
/// `<!-- infra-verify: verified DATE -->`.
fn tick_copy(site: &Site, ca_pem: &str, env: &str, host: &str, text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = write(&dir, "ca.pem", ca_pem);
    let copy = write(&dir, "checklist.md", text);
    // The spec's web_page loads in the test command's Chromium, which trusts the site's CA
    // through the NSS database of this HOME, and its score is the real Lighthouse CLI's.
    let home = browser::nss_home(dir.path(), ca_pem);
    // The spec's repository and Vercel project, on stand-ins for GitHub's and Vercel's APIs.
    let github = github_api::start();
    let vercel = vercel_api::start();
    let stripe = stripe_api::start();
    let sentry = sentry_api::start();
    let out = iv(&ca_file, &dir)
        .env("HOME", &home)
        .env(github_api::TOKEN_ENV, github_api::TOKEN)
        .env(vercel_api::TOKEN_ENV, vercel_api::TOKEN)
        .env(stripe_api::KEY_ENV, stripe_api::KEY)
        .env(sentry_api::TOKEN_ENV, sentry_api::TOKEN)
        .args(["tick", env])
        .arg(&copy)
        .args(github.args())
        .args(vercel.args())
        .args(stripe.args())
        .args(sentry.args())
        .args(["--specs-dir", "specs"])
        .arg("--chromium")
        .arg(browser::chromium())
        .arg("--lighthouse")
        .arg(browser::lighthouse())
        .args(site.connect_to(host))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ticked = std::fs::read_to_string(&copy).expect("read");
    // The marker's date is the run's; what may follow it (the environments, as `tick` of
    // several environments writes them) is `tick`'s own business, not this spec's.
    let marker = regex::Regex::new(r"<!-- infra-verify: verified (\d{4}-\d{2}-\d{2})[^>]*-->")
        .expect("regex");
    let dates = marker_dates();
    for m in marker.captures_iter(&ticked) {
        assert!(dates.contains(&m[1].to_string()), "{}", &m[0]);
    }
    marker
        .replace_all(&ticked, "<!-- infra-verify: verified DATE -->")
        .into_owned()
}

/// `text` with each of `lines` (as `- [ ] LINE` or `- [x] LINE`) ticked by infra-verify.
fn with_ticks(text: &str, lines: &[&str]) -> String {
    let mut out = text.to_string();
    for line in lines {
        let ticked = format!("- [x] {line} <!-- infra-verify: verified DATE -->\n");
        let before = [format!("- [ ] {line}\n"), format!("- [x] {line}\n")];
        let at: Vec<&String> = before.iter().filter(|b| out.contains(b.as_str())).collect();
        assert_eq!(at.len(), 1, "{line}");
        assert_eq!(out.matches(at[0].as_str()).count(), 1, "{line}");
        out = out.replace(at[0].as_str(), &ticked);
    }
    out
}

/// `text` with each of `lines` unticked (`- [x] LINE` → `- [ ] LINE`), exactly once each.
fn unticked(text: &str, lines: &[&str]) -> String {
    let mut out = text.to_string();
    for line in lines {
        let from = format!("- [x] {line}\n");
        assert_eq!(out.matches(&from).count(), 1, "{line}");
        out = out.replace(&from, &format!("- [ ] {line}\n"));
    }
    out
}

/// The lines of fixtures/checklists/learning-saas.md that specs/learning-saas.yaml answers: the
/// six the team had ticked by hand, then four of its performance metrics, still open.
const LEARNING_SAAS_LINES: [&str; 10] = [
    "보안 헤더 (XSS, HSTS, X-Frame-Options, Content-Type-Nosniff)",
    "Session/CSRF 쿠키 보안",
    "Health check 엔드포인트",
    "HTTPS 강제 (CloudFlare)",
    "HTTPS 활성화",
    "CI/CD 파이프라인 (GitHub Actions)",
    "Lighthouse 측정 (> 90)",
    "Lighthouse > 90",
    "API < 200ms (p95)",
    "번들 < 300 kB",
];
/// How many of [`LEARNING_SAAS_LINES`] the team ticked by hand.
const LEARNING_SAAS_TICKED_BY_HAND: usize = 6;

/// The learning SaaS team ticked its roadmap by hand. On a copy where the six lines it ticked
/// are not ticked yet, `tick` against well-configured stand-ins of learn.example and of GitHub's
/// API ticks exactly the ten lines the shipped spec answers (the six, and four performance
/// metrics measured in Chromium, by Lighthouse and over 11 requests) and changes no other byte; with a server that
/// sends no HSTS, the security-headers line stays unticked. On the roadmap as the team wrote it,
/// only the four open metrics are ticked: their own ticks are never removed.
#[test]
fn the_learning_saas_spec_ticks_its_roadmap() {
    let fixture = std::fs::read_to_string("fixtures/checklists/learning-saas.md").expect("fixture");
    let pki = pki_for(&["learn.example"]);
    let before = unticked(
        &fixture,
        &LEARNING_SAAS_LINES[..LEARNING_SAAS_TICKED_BY_HAND],
    );
    let open_metrics = &LEARNING_SAAS_LINES[LEARNING_SAAS_TICKED_BY_HAND..];

    let good = site(&pki, Fault::None);
    let ticked = tick_copy(
        &good,
        &pki.ca_pem,
        "learning-saas",
        "learn.example",
        &before,
    );
    assert_eq!(ticked, with_ticks(&fixture, &LEARNING_SAAS_LINES));
    insta::assert_snapshot!("learning_saas_checklist_ticked", ticked);
    let as_written = tick_copy(
        &good,
        &pki.ca_pem,
        "learning-saas",
        "learn.example",
        &fixture,
    );
    assert_eq!(as_written, with_ticks(&fixture, open_metrics));

    let no_hsts = site(&pki, Fault::NoHsts);
    let ticked = tick_copy(
        &no_hsts,
        &pki.ca_pem,
        "learning-saas",
        "learn.example",
        &before,
    );
    assert_eq!(
        ticked,
        with_ticks(&before, &LEARNING_SAAS_LINES[1..]),
        "only the security-headers line stays unticked"
    );
    let as_written = tick_copy(
        &no_hsts,
        &pki.ca_pem,
        "learning-saas",
        "learn.example",
        &fixture,
    );
    assert_eq!(as_written, with_ticks(&fixture, open_metrics));
}

/// The lines of fixtures/checklists/ai-marketplace.md that specs/ai-marketplace.yaml answers.
const AI_MARKETPLACE_LINES: [&str; 22] = [
    "HTTPS enforced",
    "Helmet.js security headers",
    "Privacy policy published",
    "Terms of service published",
    "Health check endpoint responding",
    "Homepage loading correctly",
    "Bundle size optimized (<500KB initial)",
    "Lighthouse score >90",
    "Verify API response times",
    "Check API response times",
    "All tests passing (unit + E2E + integration)",
    "No high-severity security vulnerabilities",
    "All production secrets set in Vercel",
    "Stripe production keys configured",
    "TossPayments production keys configured",
    "Supabase production database URL",
    "SendGrid API key for production",
    "OAuth credentials (Google, GitHub) configured",
    "Stripe webhook endpoint verified",
    "Sentry error tracking configured",
    "Alert notifications configured",
    "Check Sentry for errors",
];

/// The AI marketplace's deployment checklist (English, with its mojibake kept byte for byte):
/// against well-configured stand-ins of market.example and of GitHub's, Vercel's, Stripe's and
/// Sentry's APIs, `tick` ticks exactly the twenty-two lines the shipped spec answers (the home
/// page loaded in Chromium and scored by Lighthouse, the repository's CI and Dependabot alerts,
/// the Vercel project's production variables, the Stripe webhook, Sentry's keys, alerts and
/// errors among them)
/// and changes no other byte; when plain HTTP does not redirect to HTTPS,
/// "HTTPS enforced" alone stays unticked, and when the page logs a console error, "Homepage
/// loading correctly" alone.
#[test]
fn the_ai_marketplace_spec_ticks_its_deployment_checklist() {
    let fixture =
        std::fs::read_to_string("fixtures/checklists/ai-marketplace.md").expect("fixture");
    assert!(fixture.contains("Code coverage â‰¥80%"));
    let pki = pki_for(&["market.example"]);

    let good = site(&pki, Fault::None);
    let ticked = tick_copy(
        &good,
        &pki.ca_pem,
        "ai-marketplace",
        "market.example",
        &fixture,
    );
    assert_eq!(ticked, with_ticks(&fixture, &AI_MARKETPLACE_LINES));
    insta::assert_snapshot!("ai_marketplace_checklist_ticked", ticked);

    let no_redirect = site(&pki, Fault::NoRedirect);
    let ticked = tick_copy(
        &no_redirect,
        &pki.ca_pem,
        "ai-marketplace",
        "market.example",
        &fixture,
    );
    assert_eq!(
        ticked,
        with_ticks(&fixture, &AI_MARKETPLACE_LINES[1..]),
        "only \"HTTPS enforced\" stays unticked"
    );

    // The home page loads, but its bundle logs an error: "Homepage loading correctly" alone
    // stays unticked (the bundle is as small, Lighthouse's performance score as high).
    let console_error = site(&pki, Fault::ConsoleError);
    let ticked = tick_copy(
        &console_error,
        &pki.ca_pem,
        "ai-marketplace",
        "market.example",
        &fixture,
    );
    let homepage = "Homepage loading correctly";
    let others: Vec<&str> = AI_MARKETPLACE_LINES
        .iter()
        .copied()
        .filter(|l| *l != homepage)
        .collect();
    assert_eq!(
        ticked,
        with_ticks(&fixture, &others),
        "only \"{homepage}\" stays unticked"
    );
}
