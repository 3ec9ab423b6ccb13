//! `http_endpoint` beyond one GET, end to end against local servers on 127.0.0.1 with the real
//! binary: every header by name, security and caching headers, cookies and their flags (never
//! their values), the body's size, compression, HTTP/2 and HTTP/3 advertised, latency
//! percentiles, and redirects followed on the URL's own host only.

#[path = "support/pki.rs"]
mod pki;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;

/// The token a private endpoint wants, given only through the environment.
const TOKEN: &str = "t0k3n-from-the-environment-0123456789";

/// A session cookie value the report must never contain.
const SESSION_VALUE: &str = "s3ss10n-v4lue-never-reported";

struct Site {
    _rt: tokio::runtime::Runtime,
    /// HTTPS offering HTTP/2 in ALPN (answers HTTP/1.1 all the same).
    h2: u16,
    /// HTTPS without ALPN.
    plain_tls: u16,
    /// Requests that reached the servers, by path.
    hits: Arc<std::sync::Mutex<Vec<String>>>,
    /// The most `/slow/...` requests answered at once.
    most_at_once: Arc<AtomicUsize>,
    dir: tempfile::TempDir,
    ca_file: PathBuf,
}

fn response(status: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn route(path: &str, head: &str, port: u16) -> Vec<u8> {
    let gzip = head.to_ascii_lowercase().contains("accept-encoding: gzip");
    match path {
        "/app" => {
            let mut headers = vec![
                ("Content-Type", "text/html; charset=utf-8".to_string()),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; frame-ancestors 'none'".into(),
                ),
                ("Referrer-Policy", "strict-origin-when-cross-origin".into()),
                ("Permissions-Policy", "camera=(), microphone=()".into()),
                (
                    "Cache-Control",
                    "public, max-age=31536000, immutable".into(),
                ),
                ("Server", "nginx/1.25.3".into()),
                ("X-Powered-By", "Express".into()),
                ("Alt-Svc", r#"h3=":443"; ma=86400"#.into()),
                (
                    "Set-Cookie",
                    format!("sessionid={SESSION_VALUE}; Path=/; Secure; HttpOnly; SameSite=Lax"),
                ),
                ("Set-Cookie", "theme=dark; Path=/; Max-Age=3600".into()),
            ];
            if gzip {
                headers.push(("Content-Encoding", "gzip".into()));
            }
            response("200 OK", &headers, &[b'x'; 5000])
        }
        "/big" => response("200 OK", &[], &vec![b'b'; 400_000]),
        "/r1" => response("302 Found", &[("Location", "/r2".into())], b""),
        "/r2" => response(
            "301 Moved Permanently",
            &[(
                "Location",
                format!("https://127.0.0.1:{port}/final?token=abcdef0123456789abcdef"),
            )],
            b"",
        ),
        p if p.starts_with("/final") => response("200 OK", &[], b"done"),
        "/loop-a" => response("302 Found", &[("Location", "/loop-b".into())], b""),
        "/loop-b" => response("302 Found", &[("Location", "/loop-a".into())], b""),
        "/private" => {
            let authorized = head
                .lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")));
            if authorized {
                response("200 OK", &[], b"private ok")
            } else {
                response("401 Unauthorized", &[], b"")
            }
        }
        "/away" => response(
            "302 Found",
            &[("Location", "https://elsewhere.invalid/login".into())],
            b"",
        ),
        _ => response("404 Not Found", &[], b"not found"),
    }
}

/// `/slow/...` requests being answered now, and the most at once.
type Gauge = (Arc<AtomicUsize>, Arc<AtomicUsize>);

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    port: u16,
    hits: Arc<std::sync::Mutex<Vec<String>>>,
    gauge: Gauge,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let method = text.split_whitespace().next().unwrap_or_default();
    if let Ok(mut h) = hits.lock() {
        h.push(if method == "GET" {
            path.clone()
        } else {
            format!("{method} {path}")
        });
    }
    if path.starts_with("/slow/") {
        let now = gauge.0.fetch_add(1, Ordering::SeqCst) + 1;
        gauge.1.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        gauge.0.fetch_sub(1, Ordering::SeqCst);
        let _ = stream.write_all(&response("200 OK", &[], b"slow")).await;
        let _ = stream.shutdown().await;
        return;
    }
    let _ = stream.write_all(&route(&path, &text, port)).await;
    let _ = stream.shutdown().await;
}

fn start() -> Site {
    let pki = pki::pki_for(&["localhost", "127.0.0.1"], 45);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write CA");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let config = |alpn: bool| {
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let mut c = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(pki.chain.clone(), pki.key.clone_key())
            .expect("server config");
        if alpn {
            c.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        tokio_rustls::TlsAcceptor::from(Arc::new(c))
    };
    let hits: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let gauge: Gauge = (Arc::default(), Arc::default());
    let (h2, plain_tls) = rt.block_on(async {
        let mut ports = Vec::new();
        for alpn in [true, false] {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let port = listener.local_addr().expect("addr").port();
            let acceptor = config(alpn);
            let (hits, gauge) = (hits.clone(), gauge.clone());
            tokio::spawn(async move {
                while let Ok((tcp, _)) = listener.accept().await {
                    let (acceptor, hits, gauge) = (acceptor.clone(), hits.clone(), gauge.clone());
                    tokio::spawn(async move {
                        if let Ok(tls) = acceptor.accept(tcp).await {
                            serve(tls, port, hits, gauge).await;
                        }
                    });
                }
            });
            ports.push(port);
        }
        (ports[0], ports[1])
    });
    Site {
        _rt: rt,
        h2,
        plain_tls,
        hits,
        most_at_once: gauge.1,
        dir,
        ca_file,
    }
}

/// Runs the spec's resources with the real binary (no AWS at all), expects `code`, returns the
/// JSON report and stdout+stderr.
fn run(site: &Site, resources: &str, code: i32) -> (Value, String) {
    run_with(site, resources, code, &[])
}

/// [`run`] with environment variables set.
fn run_with(site: &Site, resources: &str, code: i32, env: &[(&str, &str)]) -> (Value, String) {
    let spec = site.dir.path().join("web.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: web\nresources:\n{resources}"),
    )
    .expect("write spec");
    let out = Command::cargo_bin("infra-verify")
        .expect("binary")
        .env("SSL_CERT_FILE", &site.ca_file)
        .env_remove("SSL_CERT_DIR")
        .env("AWS_CONFIG_FILE", site.dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", site.dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .env_remove("IV_TEST_TOKEN")
        .envs(env.iter().copied())
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "-vv"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{all}");
    (serde_json::from_str(&stdout).expect("json report"), all)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {report:#}"))
}

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().unwrap_or_default()
}

#[test]
fn headers_cookies_caching_and_protocols_pass_and_cookie_values_never_leave() {
    let site = start();
    let url = format!("https://127.0.0.1:{}/app", site.h2);
    let (report, all) = run(
        &site,
        &format!(
            "  - kind: http_endpoint\n    id: {url}\n    expect:\n\
             \x20     headers: {{ contains: {{ referrer-policy: strict-origin-when-cross-origin }} }}\n\
             \x20     header_names: {{ contains: [content-security-policy, permissions-policy] }}\n\
             \x20     content_security_policy: {{ matches: \"default-src 'self'\" }}\n\
             \x20     cache_max_age: {{ at_least: 31536000 }}\n\
             \x20     content_type: {{ matches: '^text/html' }}\n\
             \x20     content_encoding: gzip\n\
             \x20     cookies: {{ contains: {{ name: sessionid, secure: true, http_only: true, same_site: Lax }} }}\n\
             \x20     http2: true\n\
             \x20     http3_advertised: true\n\
             \x20     body_bytes: {{ at_most: 300000 }}\n\
             \x20     response_time_p95_ms: {{ at_most: 5000 }}\n"
        ),
        0,
    );
    assert!(
        !all.contains(SESSION_VALUE),
        "a cookie value was reported:\n{all}"
    );
    assert_eq!(
        check(&report, &format!("http_endpoint/{url}/body_bytes"))["actual"],
        5000
    );
    // 1 GET, 10 latency samples, 1 GET asking for compression.
    let gets = site
        .hits
        .lock()
        .expect("hits")
        .iter()
        .filter(|p| *p == "/app")
        .count();
    assert_eq!(gets, 12);

    // The same page fails what it does not do: every cookie Secure, no version revealed, HTTP/2
    // on a server that does not offer it.
    let url = format!("https://127.0.0.1:{}/app", site.plain_tls);
    let (report, all) = run(
        &site,
        &format!(
            "  - kind: http_endpoint\n    id: {url}\n    expect: {{ cookies_all_secure: true, reveals_version: false, http2: true, body_bytes: {{ at_most: 1000 }} }}\n"
        ),
        1,
    );
    for a in [
        "cookies_all_secure",
        "reveals_version",
        "http2",
        "body_bytes",
    ] {
        assert_eq!(
            status(&report, &format!("http_endpoint/{url}/{a}")),
            "fail",
            "{a}"
        );
    }
    assert!(!all.contains(SESSION_VALUE));
}

#[test]
fn a_big_body_is_counted_to_its_end() {
    let site = start();
    let url = format!("https://127.0.0.1:{}/big", site.h2);
    let (report, _) = run(
        &site,
        &format!("  - kind: http_endpoint\n    id: {url}\n    expect: {{ body_bytes: {{ at_most: 300000 }} }}\n"),
        1,
    );
    let c = check(&report, &format!("http_endpoint/{url}/body_bytes"));
    assert_eq!(c["status"], "fail");
    assert_eq!(c["actual"], 400_000);
}

#[test]
fn redirects_are_followed_on_the_same_host_only_and_loops_are_errors() {
    let site = start();
    let base = format!("https://127.0.0.1:{}", site.h2);
    let (report, all) = run(
        &site,
        &format!(
            "  - kind: http_endpoint\n    id: {base}/r1\n    expect: {{ status: 302, final_status: 200, redirect_leaves_host: false, redirect_chain: {{ contains: \"{base}/r2\" }} }}\n\
             \x20 - kind: http_endpoint\n    id: {base}/away\n    expect: {{ redirect_leaves_host: false }}\n\
             \x20 - kind: http_endpoint\n    id: {base}/loop-a\n    expect: {{ final_status: 200 }}\n"
        ),
        // A failing check and an error: not ready (1) wins over could not verify (3).
        1,
    );
    for id in [
        "r1/status",
        "r1/final_status",
        "r1/redirect_leaves_host",
        "r1/redirect_chain",
    ] {
        assert_eq!(
            status(&report, &format!("http_endpoint/{base}/{id}")),
            "pass",
            "{id}"
        );
    }
    // The token in a redirect's URL is not reported.
    assert!(!all.contains("abcdef0123456789abcdef"), "{all}");
    // Another host: not requested, and the check says so.
    assert_eq!(
        status(
            &report,
            &format!("http_endpoint/{base}/away/redirect_leaves_host")
        ),
        "fail"
    );
    let c = check(
        &report,
        &format!("http_endpoint/{base}/loop-a/final_status"),
    );
    assert_eq!(c["status"], "error");
    assert!(
        c["message"]
            .as_str()
            .unwrap_or_default()
            .contains("redirect loop"),
        "{c}"
    );
    // Nothing of another host is requested, and nothing twice: the loop is seen before
    // /loop-a would be asked again.
    let hits = site.hits.lock().expect("hits").clone();
    assert!(hits.iter().all(|p| !p.contains("login")), "{hits:?}");
    assert_eq!(
        hits.iter().filter(|p| *p == "/loop-a").count(),
        1,
        "{hits:?}"
    );
}

#[test]
fn a_credential_header_comes_from_the_environment_and_never_reaches_the_output() {
    let site = start();
    let url = format!("https://127.0.0.1:{}/private", site.h2);
    let resources = format!(
        "  - kind: http_endpoint\n    id: {url}\n    request:\n      method: HEAD\n      headers:\n        Authorization: {{ env: IV_TEST_TOKEN, prefix: \"Bearer \" }}\n        Accept: application/json\n    expect: {{ status: 200 }}\n"
    );
    let (report, all) = run_with(&site, &resources, 0, &[("IV_TEST_TOKEN", TOKEN)]);
    assert_eq!(
        status(&report, &format!("http_endpoint/{url}/status")),
        "pass"
    );
    assert!(!all.contains(TOKEN), "the token reached the output:\n{all}");
    assert!(
        site.hits
            .lock()
            .expect("hits")
            .contains(&"HEAD /private".to_string()),
        "asked with HEAD"
    );
    // Without the variable: not requested at all, an error naming the variable (exit 3).
    let before = site.hits.lock().expect("hits").len();
    let (report, _) = run_with(&site, &resources, 3, &[]);
    let c = check(&report, &format!("http_endpoint/{url}/status"));
    assert_eq!(c["status"], "error");
    assert!(
        c["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`IV_TEST_TOKEN` is not set"),
        "{c}"
    );
    assert_eq!(site.hits.lock().expect("hits").len(), before);
}

#[test]
fn a_credential_written_in_the_spec_is_refused_where_it_is_written() {
    let site = start();
    let spec = site.dir.path().join("bad.yaml");
    std::fs::write(
        &spec,
        "version: 1\nenvironment: web\nresources:\n  - kind: http_endpoint\n    id: https://127.0.0.1/x\n    request:\n      headers:\n        Authorization: Bearer abc\n",
    )
    .expect("write");
    let out = Command::cargo_bin("infra-verify")
        .expect("binary")
        .args(["validate", "--spec"])
        .arg(&spec)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.yaml:8:24"), "{stderr}");
    assert!(stderr.contains("carries a credential"), "{stderr}");
}

/// Six endpoints of one host are probed two at a time (`PER_HOST`), however many the run allows
/// at once: measured by the server, which sees at most two of them in flight (and two, so the
/// limit is not one).
#[test]
fn one_host_is_probed_two_endpoints_at_a_time() {
    let site = start();
    let resources: String = (1..=6)
        .map(|i| {
            format!(
                "  - kind: http_endpoint\n    id: https://127.0.0.1:{}/slow/{i}\n    expect: {{ status: 200 }}\n",
                site.h2
            )
        })
        .collect();
    let (report, _) = run(&site, &resources, 0);
    assert_eq!(report["summary"]["pass"], 12);
    assert_eq!(site.most_at_once.load(Ordering::SeqCst), 2);
}

/// The certificate of the GET's own handshake, described like `tcp_endpoint`'s: issuer, names,
/// whether they cover the URL's host, and whether an OCSP response was stapled (these servers
/// staple none). No request more than the one GET.
#[test]
fn the_certificate_is_described_from_the_gets_own_handshake() {
    let site = start();
    let url = format!("https://127.0.0.1:{}/app", site.plain_tls);
    let (report, _) = run(
        &site,
        &format!(
            "  - kind: http_endpoint\n    id: {url}\n    expect:\n\
             \x20     certificate_issuer: {{ matches: 'CN=infra-verify test CA' }}\n\
             \x20     certificate_sans: [localhost]   # DNS names only; 127.0.0.1 is an IP address name\n\
             \x20     certificate_covers_host: true\n\
             \x20     ocsp_stapled: true\n"
        ),
        1,
    );
    for (attribute, status) in [
        ("certificate_issuer", "pass"),
        ("certificate_sans", "pass"),
        ("certificate_covers_host", "pass"),
        ("ocsp_stapled", "fail"),
    ] {
        let c = check(&report, &format!("http_endpoint/{url}/{attribute}"));
        assert_eq!(c["status"], status, "{c:#}");
    }
    assert_eq!(
        check(&report, &format!("http_endpoint/{url}/ocsp_stapled"))["actual"],
        false
    );
    assert_eq!(report["source"]["api_calls"]["http:GET"], 1);
}
