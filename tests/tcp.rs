//! `tcp_endpoint` end to end, offline and without AWS: local ports on 127.0.0.1 (one that greets
//! with a banner, one that answers like HTTP, one refused, one whose accept queue is full so that
//! connecting times out, TLS servers with an rcgen test CA: valid with a stapled OCSP response,
//! for another name, expired), the real binary, exact verdicts and exit codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;

/// The bytes the good TLS server staples as its OCSP response (the probe only notes that one
/// was stapled; it does not parse it).
const OCSP: &[u8] = b"\x30\x03\x0a\x01\x00";

struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

fn ca() -> Ca {
    let key = KeyPair::generate().expect("CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "infra-verify test CA");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "infra-verify tests");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(60);
    params.not_after = now + time::Duration::days(3650);
    let pem = params.self_signed(&key).expect("CA cert").pem();
    Ca {
        issuer: Issuer::new(params, key),
        pem,
    }
}

/// A server certificate for `names`, valid from `from` to `to` days from now.
fn leaf(
    ca: &Ca,
    names: &[&str],
    from: i64,
    to: i64,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().expect("key");
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("params");
    params.distinguished_name.push(DnType::CommonName, names[0]);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(from);
    params.not_after = now + time::Duration::days(to);
    let cert = params.signed_by(&key, &ca.issuer).expect("cert");
    (
        vec![cert.der().clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

fn acceptor(
    (chain, key): (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
    ocsp: Option<&[u8]>,
) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let builder = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth();
    let config = match ocsp {
        Some(ocsp) => builder.with_single_cert_with_ocsp(chain, key, ocsp.to_vec()),
        None => builder.with_single_cert(chain, key),
    }
    .expect("server config");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// The local ports, alive as long as this value.
struct Ports {
    rt: tokio::runtime::Runtime,
    /// Greets with an SSH banner, then waits.
    banner: u16,
    /// Says nothing first; answers anything with an HTTP 400 (not TLS).
    http: u16,
    /// Nothing listens (bound, then closed).
    refused: u16,
    /// TLS for localhost and 127.0.0.1, with a stapled OCSP response.
    tls: u16,
    /// TLS for localhost and 127.0.0.1, nothing stapled.
    tls_plain: u16,
    /// TLS for shop.example and *.api.shop.example only.
    shop: u16,
    /// TLS for 127.0.0.1, expired two days ago.
    expired: u16,
    dir: tempfile::TempDir,
    ca_file: PathBuf,
}

async fn listen() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = l.local_addr().expect("addr").port();
    (l, port)
}

fn serve_tls(listener: TcpListener, acceptor: tokio_rustls::TlsAcceptor) {
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 256];
                    let _ = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf)).await;
                }
            });
        }
    });
}

fn start() -> Ports {
    let ca = ca();
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).expect("write");
    let good = acceptor(leaf(&ca, &["localhost", "127.0.0.1"], -1, 45), Some(OCSP));
    let unstapled = acceptor(leaf(&ca, &["localhost", "127.0.0.1"], -1, 45), None);
    let shop = acceptor(
        leaf(&ca, &["shop.example", "*.api.shop.example"], -1, 45),
        None,
    );
    let expired = acceptor(leaf(&ca, &["127.0.0.1"], -30, -2), None);
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (banner, http, tls, tls_plain, shop, expired) = rt.block_on(async {
        let (banner_l, banner) = listen().await;
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = banner_l.accept().await {
                tokio::spawn(async move {
                    let _ = tcp.write_all(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3\r\n").await;
                    let mut buf = [0u8; 256];
                    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await;
                });
            }
        });
        let (http_l, http) = listen().await;
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = http_l.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    if let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await
                    {
                        if n > 0 {
                            let _ = tcp
                                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                .await;
                            let _ = tcp.shutdown().await;
                        }
                    }
                });
            }
        });
        let mut ports = Vec::new();
        for a in [good, unstapled, shop, expired] {
            let (l, port) = listen().await;
            serve_tls(l, a);
            ports.push(port);
        }
        (banner, http, ports[0], ports[1], ports[2], ports[3])
    });
    Ports {
        rt,
        banner,
        http,
        refused,
        tls,
        tls_plain,
        shop,
        expired,
        dir,
        ca_file,
    }
}

/// The binary with no way to reach AWS and the test CA as its only trust root.
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

/// Runs the spec with `args`, expects the exit `code`, and returns the JSON report.
fn run(p: &Ports, resources: &str, args: &[&str], code: i32) -> Value {
    let spec = p.dir.path().join("tcp.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: ports\nresources:\n{resources}"),
    )
    .expect("write");
    let out = iv(&p.ca_file, &p.dir)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json"])
        .args(args)
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

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

fn expect(prefix: &str, attributes: &[(&str, &str)]) -> BTreeMap<String, String> {
    attributes
        .iter()
        .map(|(a, s)| (format!("tcp_endpoint/{prefix}/{a}"), s.to_string()))
        .collect()
}

#[test]
fn open_refused_and_banner_ports_pass_without_aws() {
    let p = start();
    let (banner, http, refused) = (
        format!("127.0.0.1:{}", p.banner),
        format!("127.0.0.1:{}", p.http),
        format!("127.0.0.1:{}", p.refused),
    );
    let report = run(
        &p,
        &format!(
            r#"  - kind: tcp_endpoint
    id: "{banner}"
    expect:
      open: true
      state: open
      connect_ms: {{ at_most: 5000 }}
      banner: {{ matches: '^SSH-2\.0-OpenSSH_9' }}
  - kind: tcp_endpoint
    id: "{http}"
    expect:
      open: true
      banner: null
      tls: false
      certificate_valid: null
  - kind: tcp_endpoint
    id: "{refused}"
    expect:
      open: false
      state: {{ one_of: [refused, filtered] }}
      connect_ms: null
      tls: null
"#
        ),
        &[],
        0,
    );
    let mut expected = expect(
        &banner,
        &[
            ("exists", "pass"),
            ("open", "pass"),
            ("state", "pass"),
            ("connect_ms", "pass"),
            ("banner", "pass"),
        ],
    );
    expected.extend(expect(
        &http,
        &[
            ("exists", "pass"),
            ("open", "pass"),
            ("banner", "pass"),
            ("tls", "pass"),
            ("certificate_valid", "pass"),
        ],
    ));
    expected.extend(expect(
        &refused,
        &[
            ("exists", "pass"),
            ("open", "pass"),
            ("state", "pass"),
            ("connect_ms", "pass"),
            ("tls", "pass"),
        ],
    ));
    assert_eq!(statuses(&report), expected);
    assert_eq!(
        check(&report, &format!("tcp_endpoint/{banner}/banner"))["actual"],
        "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3"
    );
    assert_eq!(
        check(&report, &format!("tcp_endpoint/{refused}/state"))["actual"],
        "refused"
    );
    assert_eq!(report["outcome"], "ready");
}

#[test]
fn a_port_that_is_expected_closed_but_open_fails_and_exits_1() {
    let p = start();
    let banner = format!("127.0.0.1:{}", p.banner);
    let report = run(
        &p,
        &format!(
            "  - kind: tcp_endpoint\n    id: \"{banner}\"\n    expect: {{ open: false, state: {{ one_of: [refused, filtered] }}, tls: true }}\n"
        ),
        &[],
        1,
    );
    assert_eq!(
        statuses(&report),
        expect(
            &banner,
            &[
                ("exists", "pass"),
                ("open", "fail"),
                ("state", "fail"),
                // An SSH greeting is not a TLS answer: observed, false.
                ("tls", "fail"),
            ]
        )
    );
    assert_eq!(
        check(&report, &format!("tcp_endpoint/{banner}/tls"))["actual"],
        false
    );
}

/// A listener with a backlog of 0 whose accept queue is filled by connections it never accepts:
/// Linux then drops new SYNs, so a connection neither opens nor is refused. `None` when a
/// further connection still completes (then this machine cannot show a filtered port).
async fn full_backlog() -> Option<(tokio::net::TcpListener, Vec<TcpStream>, u16)> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind("127.0.0.1:0".parse().ok()?).ok()?;
    let listener = socket.listen(0).ok()?;
    let port = listener.local_addr().ok()?.port();
    let mut held = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            TcpStream::connect(("127.0.0.1", port)),
        )
        .await
        {
            Ok(Ok(s)) => held.push(s),
            _ => return Some((listener, held, port)),
        }
    }
    None
}

/// A connection that times out is `filtered`: `open: false` is an error there (could not tell),
/// never a pass; `state: { one_of: [refused, filtered] }` passes. Exit 3 (unverified).
#[test]
fn a_filtered_port_is_never_taken_for_a_closed_one() {
    let p = start();
    let Some((_listener, _held, port)) = p.rt.block_on(full_backlog()) else {
        eprintln!("skipped: this kernel completes connections beyond a full accept queue");
        return;
    };
    let id = format!("127.0.0.1:{port}");
    let report = run(
        &p,
        &format!(
            "  - kind: tcp_endpoint\n    id: \"{id}\"\n    expect: {{ open: false, state: {{ one_of: [refused, filtered] }}, tls: false }}\n"
        ),
        &["--call-timeout", "1"],
        3,
    );
    assert_eq!(
        statuses(&report),
        expect(
            &id,
            &[
                ("exists", "pass"),
                ("open", "error"),
                ("state", "pass"),
                ("tls", "error"),
            ]
        )
    );
    assert_eq!(
        check(&report, &format!("tcp_endpoint/{id}/state"))["actual"],
        "filtered"
    );
    let message = check(&report, &format!("tcp_endpoint/{id}/open"))["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("could not be told"), "{message}");
    assert_eq!(report["outcome"], "unverified");
}

#[test]
fn certificate_facts_of_a_tls_port() {
    let p = start();
    let (good, unstapled) = (
        format!("127.0.0.1:{}", p.tls),
        format!("127.0.0.1:{}", p.tls_plain),
    );
    let report = run(
        &p,
        &format!(
            r#"  - kind: tcp_endpoint
    id: "{good}"
    expect:
      open: true
      tls: true
      tls_version: TLSv1.3
      certificate_valid: true
      certificate_days_remaining: {{ at_least: 30 }}
      certificate_issuer: "CN=infra-verify test CA, O=infra-verify tests"
      certificate_sans: [127.0.0.1, localhost]
      certificate_covers_host: true
      ocsp_stapled: true
  - kind: tcp_endpoint
    id: "{unstapled}"
    expect:
      certificate_valid: true
      ocsp_stapled: false
"#
        ),
        &[],
        1,
    );
    let mut expected = expect(
        &good,
        &[
            ("exists", "pass"),
            ("open", "pass"),
            ("tls", "pass"),
            ("tls_version", "pass"),
            ("certificate_valid", "pass"),
            ("certificate_days_remaining", "pass"),
            ("certificate_issuer", "pass"),
            // The DNS names only: 127.0.0.1 is an IP address name, not in the list.
            ("certificate_sans", "fail"),
            ("certificate_covers_host", "pass"),
            ("ocsp_stapled", "pass"),
        ],
    );
    expected.extend(expect(
        &unstapled,
        &[
            ("exists", "pass"),
            ("certificate_valid", "pass"),
            ("ocsp_stapled", "pass"),
        ],
    ));
    assert_eq!(statuses(&report), expected);
    assert_eq!(
        check(&report, &format!("tcp_endpoint/{good}/certificate_sans"))["actual"],
        json!(["localhost"])
    );
}

/// A certificate for other names, and an expired one: described, and failing exactly the checks
/// that catch them.
#[test]
fn wrong_host_and_expired_certificates_fail() {
    let p = start();
    let (shop, expired) = (
        format!("127.0.0.1:{}", p.shop),
        format!("127.0.0.1:{}", p.expired),
    );
    let report = run(
        &p,
        &format!(
            r#"  - kind: tcp_endpoint
    id: "{shop}"
    expect:
      tls: true
      certificate_valid: true
      certificate_covers_host: true
      certificate_sans: ["*.api.shop.example", shop.example]
  - kind: tcp_endpoint
    id: "{expired}"
    expect:
      tls: true
      certificate_valid: true
      certificate_days_remaining: {{ at_least: 14 }}
      certificate_covers_host: true
"#
        ),
        &[],
        1,
    );
    let mut expected = expect(
        &shop,
        &[
            ("exists", "pass"),
            ("tls", "pass"),
            ("certificate_valid", "fail"),
            ("certificate_covers_host", "fail"),
            ("certificate_sans", "pass"),
        ],
    );
    expected.extend(expect(
        &expired,
        &[
            ("exists", "pass"),
            ("tls", "pass"),
            ("certificate_valid", "fail"),
            ("certificate_days_remaining", "fail"),
            ("certificate_covers_host", "pass"),
        ],
    ));
    assert_eq!(statuses(&report), expected);
    let days = check(
        &report,
        &format!("tcp_endpoint/{expired}/certificate_days_remaining"),
    )["actual"]
        .as_i64()
        .expect("days");
    assert!((-3..=-2).contains(&days), "{days}");
}

/// `--connect-to` sends the connection to a loopback stand-in while the TLS server name and
/// the name checks stay the id's host; the route is recorded.
#[test]
fn connect_to_checks_a_named_host_on_a_loopback_port() {
    let p = start();
    let rule = format!("v1.api.shop.example:443:127.0.0.1:{}", p.shop);
    let report = run(
        &p,
        r#"  - kind: tcp_endpoint
    id: "v1.api.shop.example:443"
    expect:
      open: true
      certificate_valid: true
      certificate_covers_host: true
"#,
        &["--connect-to", &rule],
        0,
    );
    assert_eq!(
        statuses(&report),
        expect(
            "v1.api.shop.example:443",
            &[
                ("exists", "pass"),
                ("open", "pass"),
                ("certificate_valid", "pass"),
                ("certificate_covers_host", "pass"),
            ]
        )
    );
    // The route is never hidden: the report says which host:port was reached where.
    assert_eq!(
        report["source"]["connect_to"],
        json!({ "v1.api.shop.example:443": format!("127.0.0.1:{}", p.shop) }),
        "{report}"
    );
}

/// A name that does not resolve tells nothing about a port: an error (exit 3), never `refused`.
#[test]
fn an_unresolvable_host_is_an_error() {
    let p = start();
    let report = run(
        &p,
        "  - kind: tcp_endpoint\n    id: \"no-such-host.invalid:6379\"\n    expect: { open: false }\n",
        &["--call-timeout", "5"],
        3,
    );
    assert_eq!(
        statuses(&report),
        expect(
            "no-such-host.invalid:6379",
            &[("exists", "error"), ("open", "error")]
        )
    );
}
