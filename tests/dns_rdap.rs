//! `dns_record` and `domain` end to end, offline and without AWS: an in-process DNS server on a
//! loopback UDP port (answers built with hickory-proto's message types: A/AAAA/CNAME/MX/TXT/CAA,
//! NXDOMAIN, NODATA, SERVFAIL, the AD flag of a validating resolver for one zone) and an RDAP
//! server on loopback (RFC 9083 answers, a 404, redirects), the real binary through
//! `--dns-server` and `--rdap-server`, exact verdicts and exit codes.

#[path = "support/github_api.rs"]
mod github_api;
#[path = "support/pki.rs"]
mod pki;
#[path = "support/sentry_api.rs"]
mod sentry_api;
#[path = "support/vercel_api.rs"]
mod vercel_api;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use assert_cmd::Command;
use hickory_resolver::proto::op::{Edns, Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, CAA, CNAME, MX, TXT};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

fn name(s: &str) -> Name {
    Name::from_ascii(s).expect("name")
}

/// The test zone: name -> its records (type, data).
fn zone(qname: &str) -> Option<Vec<RData>> {
    let txt = |s: &str| RData::TXT(TXT::new(vec![s.to_string()]));
    Some(match qname {
        "shop.dorami.example" => vec![
            RData::A(A(Ipv4Addr::new(192, 0, 2, 11))),
            RData::A(A(Ipv4Addr::new(192, 0, 2, 10))),
            RData::AAAA(AAAA("2001:db8::10".parse().expect("ipv6"))),
        ],
        "www.dorami.example" => vec![RData::CNAME(CNAME(name("shop.dorami.example.")))],
        "dangling.dorami.example" => vec![RData::CNAME(CNAME(name("gone.elsewhere.example.")))],
        "dorami.example" => vec![
            RData::MX(MX::new(20, name("MX2.dorami.example."))),
            RData::MX(MX::new(10, name("mx1.dorami.example."))),
            txt("v=spf1 include:amazonses.com -all"),
            txt("google-site-verification=abc123"),
            RData::CAA(CAA::new_issue(false, Some(name("letsencrypt.org")), vec![])),
            RData::CAA(CAA::new_issue(false, Some(name("amazon.com")), vec![])),
        ],
        "_dmarc.dorami.example" => vec![txt("v=DMARC1; p=reject; rua=mailto:dmarc@dorami.example")],
        "s1._domainkey.dorami.example" => vec![RData::TXT(TXT::new(vec![
            "v=DKIM1; k=rsa; ".to_string(),
            "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC".to_string(),
        ]))],
        "weak.example" => vec![txt("v=spf1 +all"), txt("v=spf1 include:other.example ~all")],
        "_dmarc.weak.example" => vec![txt("v=DMARC1; p=none")],
        "mail.weak.example" => vec![txt("v=spf1 a ?all")],
        _ => return None,
    })
}

/// The answer of a resolver that validates `dorami.example` (signed): AD set there when asked
/// for (AD or DO bit), never elsewhere.
fn respond(req: &Message) -> Message {
    let mut resp = Message::response(req.metadata.id, req.metadata.op_code);
    resp.metadata.recursion_desired = req.metadata.recursion_desired;
    resp.metadata.recursion_available = true;
    resp.queries = req.queries.clone();
    if req.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        resp.set_edns(edns);
    }
    let Some(q) = req.queries.first() else {
        resp.metadata.response_code = ResponseCode::FormErr;
        return resp;
    };
    let qname = q
        .name()
        .to_ascii()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let qtype = q.query_type();
    if qname.starts_with("broken.") {
        resp.metadata.response_code = ResponseCode::ServFail;
        return resp;
    }
    let Some(records) = zone(&qname) else {
        resp.metadata.response_code = ResponseCode::NXDomain;
        return resp;
    };
    let mut answers = Vec::new();
    let mut owner = q.name().clone();
    let mut records = records;
    // Follow a CNAME (unless the CNAME itself was asked for), as a recursive resolver does.
    for _ in 0..4 {
        let cname = records.iter().find_map(|r| match r {
            RData::CNAME(c) if qtype != RecordType::CNAME => Some(c.0.clone()),
            _ => None,
        });
        match cname {
            Some(target) => {
                answers.push(Record::from_rdata(
                    owner.clone(),
                    300,
                    RData::CNAME(CNAME(target.clone())),
                ));
                let t = target.to_ascii().trim_end_matches('.').to_ascii_lowercase();
                owner = target;
                match zone(&t) {
                    Some(next) => records = next,
                    None => {
                        resp.metadata.response_code = ResponseCode::NXDomain;
                        resp.answers = answers;
                        return resp;
                    }
                }
            }
            None => break,
        }
    }
    for r in records {
        if r.record_type() == qtype {
            answers.push(Record::from_rdata(owner.clone(), 3600, r));
        }
    }
    resp.answers = answers;
    let asked =
        req.metadata.authentic_data || req.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok);
    resp.metadata.authentic_data = asked && qname.ends_with("dorami.example");
    resp
}

async fn serve_dns(socket: UdpSocket, queries: Arc<AtomicUsize>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let Ok(req) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        queries.fetch_add(1, Ordering::SeqCst);
        if let Ok(bytes) = respond(&req).to_vec() {
            let _ = socket.send_to(&bytes, peer).await;
        }
    }
}

/// An RDAP answer for `domain` (RFC 9083 §5.3, the shape of a `.com` registry's).
fn rdap_domain(domain: &str, expiry: &str, status: &[&str], signed: bool) -> String {
    json!({
        "objectClassName": "domain",
        "ldhName": domain.to_ascii_uppercase(),
        "status": status,
        "entities": [{
            "objectClassName": "entity", "handle": "292", "roles": ["registrar"],
            "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]]]
        }],
        "events": [
            {"eventAction": "registration", "eventDate": "2015-03-01T10:00:00Z"},
            {"eventAction": "expiration", "eventDate": expiry},
            {"eventAction": "last update of RDAP database", "eventDate": "2026-12-07T10:00:00Z"}
        ],
        "secureDNS": {"delegationSigned": signed},
        "nameservers": [
            {"objectClassName": "nameserver", "ldhName": "NS2.DORAMI.EXAMPLE"},
            {"objectClassName": "nameserver", "ldhName": "ns1.dorami.example"}
        ],
        "rdapConformance": ["rdap_level_0"]
    })
    .to_string()
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut r = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/rdap+json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.push_str(body);
    r
}

fn rdap_route(path: &str) -> String {
    let locked = ["client transfer prohibited", "client delete prohibited"];
    match path {
        "/rdap/domain/dorami.example" => http_response(
            "200 OK",
            &[],
            &rdap_domain("dorami.example", "2099-03-01T10:00:00Z", &locked, true),
        ),
        // The registry points at the registrar's server.
        "/rdap/domain/moved.example" => http_response(
            "302 Found",
            &[("location", "/registrar/domain/moved.example")],
            "",
        ),
        "/registrar/domain/moved.example" => http_response(
            "200 OK",
            &[],
            &rdap_domain("moved.example", "2099-01-01T00:00:00Z", &locked, true),
        ),
        "/rdap/domain/lapsing.example" => http_response(
            "200 OK",
            &[],
            &rdap_domain(
                "lapsing.example",
                "2020-01-01T00:00:00Z",
                &["active"],
                false,
            ),
        ),
        "/rdap/domain/loop.example" => http_response(
            "301 Moved Permanently",
            &[("location", "/rdap/domain/loop.example")],
            "",
        ),
        "/rdap/domain/broken.example" => http_response("500 Internal Server Error", &[], "{}"),
        // The group app's production domain (specs/group-web.yaml): registered, locked, and
        // renewing in time; under /lapsing/ the same registration 10 days from expiry.
        "/rdap/domain/glimpse.app" => http_response(
            "200 OK",
            &[],
            &rdap_domain("glimpse.app", "2099-06-01T00:00:00Z", &locked, true),
        ),
        "/lapsing/domain/glimpse.app" => {
            let soon = time::OffsetDateTime::now_utc() + time::Duration::days(10);
            let soon = soon
                .format(&time::format_description::well_known::Rfc3339)
                .expect("a date");
            http_response(
                "200 OK",
                &[],
                &rdap_domain("glimpse.app", &soon, &locked, true),
            )
        }
        _ => http_response(
            "404 Not Found",
            &[],
            r#"{"errorCode": 404, "title": "Not Found"}"#,
        ),
    }
}

async fn serve_rdap(listener: TcpListener, requests: Arc<AtomicUsize>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let requests = requests.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            requests.fetch_add(1, Ordering::SeqCst);
            let text = String::from_utf8_lossy(&got);
            let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
            let _ = stream.write_all(rdap_route(&path).as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}

struct Servers {
    _rt: tokio::runtime::Runtime,
    dns: u16,
    dns_queries: Arc<AtomicUsize>,
    rdap: u16,
    rdap_requests: Arc<AtomicUsize>,
    dir: tempfile::TempDir,
}

fn start() -> Servers {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let dns_queries = Arc::new(AtomicUsize::new(0));
    let rdap_requests = Arc::new(AtomicUsize::new(0));
    let (dns, rdap) = rt.block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("tcp");
        let ports = (
            udp.local_addr().expect("addr").port(),
            tcp.local_addr().expect("addr").port(),
        );
        tokio::spawn(serve_dns(udp, dns_queries.clone()));
        tokio::spawn(serve_rdap(tcp, rdap_requests.clone()));
        ports
    });
    Servers {
        _rt: rt,
        dns,
        dns_queries,
        rdap,
        rdap_requests,
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

/// The binary with no way to reach AWS.
fn iv(dir: &tempfile::TempDir) -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
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

fn spec(s: &Servers, resources: &str) -> PathBuf {
    let p = s.dir.path().join("names.yaml");
    std::fs::write(
        &p,
        format!("version: 1\nenvironment: names\nresources:\n{resources}"),
    )
    .expect("write");
    p
}

/// Runs the spec against the local servers, expects `code`, returns the JSON report.
fn run(s: &Servers, resources: &str, code: i32) -> Value {
    let out = iv(&s.dir)
        .arg("--spec")
        .arg(spec(s, resources))
        .args(["--format", "json", "--call-timeout", "5"])
        .args(["--dns-server", &format!("127.0.0.1:{}", s.dns)])
        .args([
            "--rdap-server",
            &format!("http://127.0.0.1:{}/rdap/", s.rdap),
        ])
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

fn expected(rows: &[(&str, &str)]) -> BTreeMap<String, String> {
    rows.iter()
        .map(|(id, status)| (id.to_string(), status.to_string()))
        .collect()
}

#[test]
fn good_records_pass_every_check() {
    let s = start();
    let report = run(
        &s,
        r#"  - kind: dns_record
    id: shop.dorami.example/A
    expect:
      values: [192.0.2.10, 192.0.2.11]
      ttl: { at_least: 60 }
      resolves: true
      cname_target: null
      dnssec_validated: true
  - kind: dns_record
    id: www.dorami.example/A
    expect:
      cname_target: shop.dorami.example
      values: { contains: 192.0.2.10 }
  - kind: dns_record
    id: www.dorami.example/CNAME
    expect:
      values: [shop.dorami.example]
      resolves: true
  - kind: dns_record
    id: dorami.example/MX
    expect:
      mx_hosts: [mx1.dorami.example, mx2.dorami.example]
      values: ["10 mx1.dorami.example", "20 mx2.dorami.example"]
  - kind: dns_record
    id: Dorami.Example./TXT
    expect:
      spf: v=spf1 include:amazonses.com -all
      spf_all: -all
      dmarc_policy: null
  - kind: dns_record
    id: dorami.example/CAA
    expect:
      caa_issuers: [amazon.com, letsencrypt.org]
  - kind: dns_record
    id: _dmarc.dorami.example/TXT
    expect:
      dmarc_policy: reject
      dmarc_rua: [mailto:dmarc@dorami.example]
  - kind: dns_record
    id: s1._domainkey.dorami.example/TXT
    expect:
      dkim_key_type: rsa
      dkim_revoked: false
  - kind: dns_record
    id: nothing.dorami.example/A
    expect:
      exists: false
  - kind: domain
    id: dorami.example
    expect:
      days_to_expiry: { at_least: 30 }
      expiry: 2099-03-01T10:00:00Z
      registrar: Example Registrar, Inc.
      status: { contains: client transfer prohibited }
      transfer_locked: true
      nameservers: [ns1.dorami.example, ns2.dorami.example]
      dnssec: true
      auto_renew: null
  - kind: domain
    id: moved.example
    expect:
      transfer_locked: true
  - kind: domain
    id: unregistered.example
    expect:
      exists: false
"#,
        0,
    );
    let got = statuses(&report);
    assert!(got.values().all(|v| v == "pass"), "{got:#?}");
    assert_eq!(got.len(), 40, "{got:#?}");
    assert_eq!(
        actual(&report, "domain/moved.example/transfer_locked"),
        &json!(true)
    );
    assert_eq!(report["source"]["account_id"], Value::Null);
    // One query per record, one more for `resolves` of the CNAME and one for the AD flag; one
    // RDAP GET per domain and one for the redirect; no bootstrap file (--rdap-server).
    assert_eq!(
        report["source"]["api_calls"],
        json!({ "dns:Query": 11, "rdap:GET": 4 })
    );
    assert_eq!(s.rdap_requests.load(Ordering::SeqCst), 4);
    assert!(s.dns_queries.load(Ordering::SeqCst) >= 11);
}

#[test]
fn weak_mail_policy_dangling_alias_and_lapsed_domain_fail() {
    let s = start();
    let report = run(
        &s,
        r#"  - kind: dns_record
    id: mail.weak.example/TXT
    expect:
      spf_all: -all
      dnssec_validated: true
  - kind: dns_record
    id: _dmarc.weak.example/TXT
    expect:
      dmarc_policy: { one_of: [quarantine, reject] }
      dmarc_rua: { contains: "mailto:dmarc@weak.example" }
  - kind: dns_record
    id: dangling.dorami.example/CNAME
    expect:
      resolves: true
  - kind: domain
    id: lapsing.example
    expect:
      days_to_expiry: { at_least: 30 }
      transfer_locked: true
      dnssec: true
"#,
        1,
    );
    let got = statuses(&report);
    assert_eq!(
        got,
        expected(&[
            ("dns_record/mail.weak.example/TXT/exists", "pass"),
            ("dns_record/mail.weak.example/TXT/spf_all", "fail"),
            ("dns_record/mail.weak.example/TXT/dnssec_validated", "fail"),
            ("dns_record/_dmarc.weak.example/TXT/exists", "pass"),
            ("dns_record/_dmarc.weak.example/TXT/dmarc_policy", "fail"),
            ("dns_record/_dmarc.weak.example/TXT/dmarc_rua", "fail"),
            ("dns_record/dangling.dorami.example/CNAME/exists", "pass"),
            ("dns_record/dangling.dorami.example/CNAME/resolves", "fail"),
            ("domain/lapsing.example/exists", "pass"),
            ("domain/lapsing.example/days_to_expiry", "fail"),
            ("domain/lapsing.example/transfer_locked", "fail"),
            ("domain/lapsing.example/dnssec", "fail"),
        ])
    );
    assert_eq!(
        actual(&report, "dns_record/mail.weak.example/TXT/spf_all"),
        &json!("?all")
    );
    assert!(actual(&report, "domain/lapsing.example/days_to_expiry")
        .as_i64()
        .is_some_and(|d| d < 0));
}

#[test]
fn missing_records_and_domains_are_missing_not_errors() {
    let s = start();
    let report = run(
        &s,
        r#"  - kind: dns_record
    id: nothing.dorami.example/A
    expect:
      values: [192.0.2.1]
  - kind: dns_record
    id: dorami.example/AAAA
    expect:
      resolves: true
  - kind: domain
    id: unregistered.example
    expect:
      transfer_locked: true
"#,
        1,
    );
    // NXDOMAIN, NODATA and a 404: every check of those resources is `missing`, none an error.
    let got = statuses(&report);
    assert!(got.values().all(|v| v == "missing"), "{got:#?}");
    assert_eq!(got.len(), 6, "{got:#?}");
}

#[test]
fn servfail_two_spf_records_and_rdap_failures_are_errors_exit_3() {
    let s = start();
    let report = run(
        &s,
        r#"  - kind: dns_record
    id: broken.dorami.example/A
    expect:
      resolves: true
  - kind: dns_record
    id: weak.example/TXT
    expect:
      spf_all: -all
  - kind: domain
    id: loop.example
    expect:
      transfer_locked: true
  - kind: domain
    id: broken.example
    expect:
      transfer_locked: true
"#,
        3,
    );
    let got = statuses(&report);
    assert_eq!(got["dns_record/weak.example/TXT/exists"], "pass");
    assert_eq!(got["dns_record/weak.example/TXT/spf_all"], "error");
    for id in [
        "dns_record/broken.dorami.example/A/exists",
        "domain/loop.example/exists",
        "domain/broken.example/exists",
    ] {
        assert_eq!(
            got.get(id).map(String::as_str),
            Some("error"),
            "{id}: {got:#?}"
        );
    }
    // The redirect loop stopped after 3 redirects: 4 requests; the 500 one.
    assert_eq!(s.rdap_requests.load(Ordering::SeqCst), 5);
}

#[test]
fn bad_flags_are_usage_errors() {
    let s = start();
    let spec = spec(
        &s,
        "  - kind: dns_record\n    id: shop.dorami.example/A\n    expect: { resolves: true }\n",
    );
    for (flag, value, says) in [
        ("--dns-server", "dns.example", "is not an IP address"),
        (
            "--rdap-server",
            "rdap.example/v1",
            "is not an http:// or https:// URL",
        ),
    ] {
        let out = iv(&s.dir)
            .arg("--spec")
            .arg(&spec)
            .args([flag, value])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn a_bad_record_id_is_a_spec_error_at_its_line() {
    let s = start();
    let spec = spec(
        &s,
        "  - kind: dns_record\n    id: dorami.example/SRV\n  - kind: domain\n    id: https://dorami.example/\n",
    );
    let out = iv(&s.dir).arg("--spec").arg(&spec).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("5:9") && stderr.contains("the type must be one of A, AAAA"),
        "{stderr}"
    );
    assert!(
        stderr.contains("7:9") && stderr.contains("is not a domain name"),
        "{stderr}"
    );
}

/// A spec's `dns: { servers: [...] }` names the nameserver when no `--dns-server` does; the flag
/// wins over it.
#[test]
fn a_spec_names_its_nameserver_and_the_flag_overrides_it() {
    let s = start();
    let resources =
        "  - kind: dns_record\n    id: shop.dorami.example/A\n    expect: { resolves: true }\n";
    let with_dns = |servers: &str| {
        let p = s.dir.path().join("named.yaml");
        std::fs::write(
            &p,
            format!("version: 1\nenvironment: named\ndns:\n  servers: [{servers}]\nresources:\n{resources}"),
        )
        .expect("write");
        p
    };
    let local = format!("\"127.0.0.1:{}\"", s.dns);
    let out = iv(&s.dir)
        .arg("--spec")
        .arg(with_dns(&local))
        .args(["--format", "json", "--call-timeout", "5"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let asked = s.dns_queries.load(Ordering::SeqCst);
    assert!(asked >= 1, "the spec's nameserver was asked");
    // A spec naming a nameserver that does not answer (a closed UDP port) is overridden by the
    // flag: the run passes, asking only the flag's.
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let closed_port = closed.local_addr().expect("addr").port();
    drop(closed);
    let out = iv(&s.dir)
        .arg("--spec")
        .arg(with_dns(&format!("\"127.0.0.1:{closed_port}\"")))
        .args(["--format", "json", "--call-timeout", "5"])
        .args(["--dns-server", &format!("127.0.0.1:{}", s.dns)])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(s.dns_queries.load(Ordering::SeqCst) > asked);
}

// --- specs/group-web.yaml ticks the group app's checklist ----------------------------------------

/// A stand-in for https://glimpse.app on loopback: HTTPS with a certificate for glimpse.app from
/// a test CA (written to `ca.pem` in the returned directory) answering 200, and plain HTTP
/// redirecting to it. Returns (https port, http port).
fn glimpse_site(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> (u16, u16) {
    let pki = pki::pki_for(&["glimpse.app"], 90);
    std::fs::write(dir.join("ca.pem"), &pki.ca_pem).expect("write CA");
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(pki.chain, pki.key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    async fn answer<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
        mut io: S,
        response: &'static [u8],
    ) {
        let mut buf = vec![0u8; 8192];
        let mut got = Vec::new();
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            match io.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        let _ = io.write_all(response).await;
        let _ = io.shutdown().await;
    }
    rt.block_on(async {
        let tls = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let plain = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let ports = (
            tls.local_addr().expect("addr").port(),
            plain.local_addr().expect("addr").port(),
        );
        tokio::spawn(async move {
            while let Ok((tcp, _)) = tls.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(s) = acceptor.accept(tcp).await {
                        answer(s, b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 14\r\nconnection: close\r\n\r\n<h1>moim</h1>\n").await;
                    }
                });
            }
        });
        tokio::spawn(async move {
            while let Ok((tcp, _)) = plain.accept().await {
                tokio::spawn(answer(tcp, b"HTTP/1.1 301 Moved Permanently\r\nlocation: https://glimpse.app/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"));
            }
        });
        ports
    })
}

/// `fixture` with each of `lines` ticked by infra-verify (`- [ ] LINE` once each).
fn ticked_lines(fixture: &str, lines: &[&str]) -> String {
    let mut out = fixture.to_string();
    for line in lines {
        let from = format!("- [ ] {line}\n");
        assert_eq!(out.matches(&from).count(), 1, "{line}");
        out = out.replace(
            &from,
            &format!("- [x] {line} <!-- infra-verify: verified DATE -->\n"),
        );
    }
    out
}

/// The group app's checklist (fixtures/checklists/group-app.md), ticked with the shipped
/// specs/group-web.yaml against an RDAP server and a stand-in of https://glimpse.app on
/// loopback (whose certificate checks pass too) and stand-ins for GitHub's and Vercel's APIs:
/// exactly "프로덕션 도메인 구매 (glimpse.app)", "GitHub Actions 워크플로우 생성", "Vercel
/// 프로젝트 연결" and "Sentry 에러 추적 설정" are ticked and no other byte changes; when the registration expires in 10
/// days, the domain line is not.
#[test]
fn the_group_web_spec_ticks_the_domain_and_certificate_lines() {
    let s = start();
    let fixture = std::fs::read_to_string("fixtures/checklists/group-app.md").expect("fixture");
    let (https, http) = glimpse_site(&s._rt, s.dir.path());
    let github = github_api::start();
    let vercel = vercel_api::start();
    let sentry = sentry_api::start();
    let marker =
        regex::Regex::new(r"<!-- infra-verify: verified \d{4}-\d{2}-\d{2}[^>]*-->").expect("regex");
    // Every check of the spec, with the good registration: all pass, the site's certificate too.
    let report = iv(&s.dir)
        .env("SSL_CERT_FILE", s.dir.path().join("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .env(github_api::TOKEN_ENV, github_api::TOKEN)
        .env(vercel_api::TOKEN_ENV, vercel_api::TOKEN)
        .env(sentry_api::TOKEN_ENV, sentry_api::TOKEN)
        .args(github.args())
        .args(vercel.args())
        .args(sentry.args())
        .args(["group-web", "--specs-dir", "specs", "--format", "json"])
        .args([
            "--rdap-server",
            &format!("http://127.0.0.1:{}/rdap/", s.rdap),
        ])
        .args([
            "--connect-to",
            &format!("glimpse.app:443:127.0.0.1:{https}"),
            "--connect-to",
            &format!("glimpse.app:80:127.0.0.1:{http}"),
        ])
        .output()
        .expect("run");
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stdout)
    );
    let report: Value = serde_json::from_slice(&report.stdout).expect("json");
    assert_eq!(report["summary"]["pass"], 15, "{report:#}");
    let tick = |rdap_prefix: &str, text: &str| -> String {
        let copy = s.dir.path().join("group-app.md");
        std::fs::write(&copy, text).expect("write");
        let out = iv(&s.dir)
            .env("SSL_CERT_FILE", s.dir.path().join("ca.pem"))
            .env_remove("SSL_CERT_DIR")
            .env(github_api::TOKEN_ENV, github_api::TOKEN)
            .env(vercel_api::TOKEN_ENV, vercel_api::TOKEN)
            .env(sentry_api::TOKEN_ENV, sentry_api::TOKEN)
            .args(["tick", "group-web"])
            .arg(&copy)
            .args(github.args())
            .args(vercel.args())
            .args(sentry.args())
            .args(["--specs-dir", "specs"])
            .args([
                "--rdap-server",
                &format!("http://127.0.0.1:{}/{rdap_prefix}/", s.rdap),
            ])
            .args([
                "--connect-to",
                &format!("glimpse.app:443:127.0.0.1:{https}"),
                "--connect-to",
                &format!("glimpse.app:80:127.0.0.1:{http}"),
            ])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&copy).expect("read");
        marker
            .replace_all(&text, "<!-- infra-verify: verified DATE -->")
            .into_owned()
    };
    // The team ticked the workflow line by hand: on a copy where it is open, both lines tick;
    // on the checklist as written, the team's own tick is left as it is.
    let workflows = "GitHub Actions 워크플로우 생성";
    let hand_ticked = format!("- [x] {workflows}\n");
    assert_eq!(fixture.matches(&hand_ticked).count(), 1);
    let before = fixture.replace(&hand_ticked, &format!("- [ ] {workflows}\n"));
    let vercel_line = "Vercel 프로젝트 연결";
    let sentry_line = "Sentry 에러 추적 설정";
    let domain_line = "프로덕션 도메인 구매 (glimpse.app)";
    assert_eq!(
        tick("rdap", &before),
        ticked_lines(&before, &[workflows, vercel_line, sentry_line, domain_line])
    );
    assert_eq!(
        tick("rdap", &fixture),
        ticked_lines(&fixture, &[vercel_line, sentry_line, domain_line])
    );
    assert_eq!(
        tick("lapsing", &before),
        ticked_lines(&before, &[workflows, vercel_line, sentry_line]),
        "a registration 10 days from expiry leaves the domain line open"
    );
}
