//! `domain`: a domain's registration, from RDAP (RFC 9083 JSON over HTTPS; RFC 9224 finds the
//! server). Not AWS: no credentials. One GET of `<base>domain/<name>` per resource (`rdap:GET`),
//! plus the redirects it answers (a registry pointing at the registrar's server; at most
//! [`MAX_REDIRECTS`]), and, once a run, a GET of the IANA bootstrap file that maps top-level
//! domains to RDAP servers, unless `--rdap-server` names the server (then no other is contacted).
//!
//! A 404 is [`Observation::Absent`] (not registered); any other failure is an error. Over
//! `https://` the certificate is verified against the same trust roots as `http_endpoint`'s, and
//! nothing is read from a server whose certificate does not verify.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_smithy_types::date_time::Format;
use futures::stream::{self, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::fetch::Target;
use super::tls::Trust;
use super::{HttpOptions, CONNECT_TIMEOUT};
use crate::aws::CallRecorder;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// Pseudo-operation: one RDAP GET (not an IAM action; see `catalog::operations::NON_AWS_OPERATIONS`).
pub const GET: &str = "rdap:GET";
/// The catalog's service name of `domain`.
pub const SERVICE: &str = "rdap";
/// IANA's RDAP bootstrap file for domain names (RFC 9224).
pub const BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";
/// Redirects followed from one RDAP server to another.
pub const MAX_REDIRECTS: usize = 3;
/// The most of one answer that is read (the bootstrap file is about 40 KB; an RDAP answer a few).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Observes every `domain`, a bounded number at once.
pub(super) async fn observe(
    resources: &[&Resource],
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let trust = Trust::load();
    let servers: Result<Servers, String> = match &options.rdap_server {
        Some(url) => Ok(Servers::Fixed(with_slash(url))),
        None => {
            recorder.record(GET);
            let deadline = Instant::now() + options.timeout;
            match get(BOOTSTRAP, &trust, deadline).await {
                Ok(got) if got.status == 200 => bootstrap(&got.body)
                    .map(Servers::Bootstrap)
                    .map_err(|e| format!("the IANA RDAP bootstrap file ({BOOTSTRAP}): {e}")),
                Ok(got) => Err(format!(
                    "the IANA RDAP bootstrap file ({BOOTSTRAP}) answered {}; name a server with --rdap-server",
                    got.status
                )),
                Err(e) => Err(format!(
                    "the IANA RDAP bootstrap file ({BOOTSTRAP}): {e}; name a server with --rdap-server"
                )),
            }
        }
    };
    stream::iter(resources)
        .map(|r| {
            let (trust, servers) = (&trust, &servers);
            async move {
                let observation = match servers {
                    Err(error) => Observation::Error {
                        error: error.clone(),
                    },
                    Ok(servers) => observe_one(r, servers, trust, options, recorder).await,
                };
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation,
                }
            }
        })
        .buffer_unordered(options.max_concurrency.max(1))
        .collect()
        .await
}

/// Where a domain's RDAP server is.
enum Servers {
    /// `--rdap-server`: this base URL, ending in `/`, for every domain.
    Fixed(String),
    /// The bootstrap file: top-level domain (or longer suffix) -> base URL, ending in `/`.
    Bootstrap(BTreeMap<String, String>),
}

impl Servers {
    fn base_for(&self, domain: &str) -> Result<&str, String> {
        match self {
            Servers::Fixed(base) => Ok(base),
            Servers::Bootstrap(map) => {
                // The longest suffix of whole labels that the file names (RFC 9224 §4).
                let mut suffix = domain;
                loop {
                    if let Some(base) = map.get(suffix) {
                        return Ok(base);
                    }
                    match suffix.split_once('.') {
                        Some((_, rest)) => suffix = rest,
                        None => {
                            return Err(format!(
                                "no RDAP server for `.{suffix}` in the IANA bootstrap file (the registry publishes none); name one with --rdap-server"
                            ))
                        }
                    }
                }
            }
        }
    }
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The bootstrap file (RFC 9224 §4): `services` is a list of `[[labels...], [urls...]]`; the
/// first `https://` URL of each is taken (else the first).
pub(crate) fn bootstrap(body: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let services = doc["services"].as_array().ok_or("no `services` list")?;
    let mut map = BTreeMap::new();
    for service in services {
        let (Some(labels), Some(urls)) = (service[0].as_array(), service[1].as_array()) else {
            continue;
        };
        let urls: Vec<&str> = urls.iter().filter_map(Value::as_str).collect();
        let Some(url) = urls
            .iter()
            .find(|u| u.starts_with("https://"))
            .or(urls.first())
        else {
            continue;
        };
        for label in labels.iter().filter_map(Value::as_str) {
            map.insert(label.to_ascii_lowercase(), with_slash(url));
        }
    }
    Ok(map)
}

async fn observe_one(
    r: &Resource,
    servers: &Servers,
    trust: &Trust,
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Observation {
    let domain = match crate::catalog::id::parse_domain_name(&r.id) {
        Ok(d) => d,
        Err(error) => return Observation::Error { error },
    };
    let base = match servers.base_for(&domain) {
        Ok(b) => b,
        Err(error) => return Observation::Error { error },
    };
    let mut url = format!("{base}domain/{domain}");
    let deadline = Instant::now() + options.timeout;
    let mut redirects = 0;
    loop {
        recorder.record(GET);
        let got = match get(&url, trust, deadline).await {
            Ok(g) => g,
            Err(e) => {
                return Observation::Error {
                    error: format!("RDAP GET {url}: {e}"),
                }
            }
        };
        match got.status {
            200 => {
                return match answer(&got.body, &url) {
                    Ok(attributes) => Observation::Present {
                        attributes,
                        errors: BTreeMap::new(),
                    },
                    Err(e) => Observation::Error {
                        error: format!("RDAP GET {url}: {e}"),
                    },
                }
            }
            404 => return Observation::Absent,
            301 | 302 | 303 | 307 | 308 => {
                let Some(next) = got
                    .headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| redirect_target(&url, l.trim()))
                else {
                    return Observation::Error {
                        error: format!(
                            "RDAP GET {url}: a {} redirect without a usable http(s) Location",
                            got.status
                        ),
                    };
                };
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Observation::Error {
                        error: format!(
                            "RDAP GET {url}: more than {MAX_REDIRECTS} redirects (last to {next})"
                        ),
                    };
                }
                url = next;
            }
            status => {
                return Observation::Error {
                    error: format!("RDAP GET {url}: the server answered {status}"),
                }
            }
        }
    }
}

/// The absolute URL of a redirect's `Location` (absolute, or an absolute path on the same
/// server); `None` for anything else.
pub(crate) fn redirect_target(from: &str, location: &str) -> Option<String> {
    if location.starts_with("https://") || location.starts_with("http://") {
        return Some(location.to_string());
    }
    if location.starts_with('/') && !location.starts_with("//") {
        let scheme_end = from.find("://")? + 3;
        let authority_end = from[scheme_end..]
            .find('/')
            .map_or(from.len(), |i| scheme_end + i);
        return Some(format!("{}{location}", &from[..authority_end]));
    }
    None
}

/// The attributes of an RDAP domain answer (RFC 9083 §5.3).
pub(crate) fn answer(body: &[u8], url: &str) -> Result<BTreeMap<String, Value>, String> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    if !doc.is_object() {
        return Err("not an RDAP object".into());
    }
    if let Some(class) = doc["objectClassName"].as_str() {
        if class != "domain" {
            return Err(format!("an RDAP `{class}` object, not a domain"));
        }
    }
    let mut a = BTreeMap::new();
    let expiration = doc["events"].as_array().and_then(|events| {
        events
            .iter()
            .find(|e| e["eventAction"].as_str() == Some("expiration"))
            .and_then(|e| e["eventDate"].as_str())
    });
    let (expiry, days) = match expiration {
        None => (Value::Null, Value::Null),
        Some(date) => {
            let t = aws_smithy_types::DateTime::from_str(date, Format::DateTime)
                .map_err(|e| format!("expiration date `{date}` is not RFC 3339: {e}"))?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            (
                json!(t.fmt(Format::DateTime).unwrap_or_else(|_| date.to_string())),
                json!((t.secs() - now).div_euclid(86_400)),
            )
        }
    };
    a.insert("expiry".into(), expiry);
    a.insert("days_to_expiry".into(), days);
    let status: BTreeSet<String> = doc["status"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    a.insert(
        "transfer_locked".into(),
        json!(
            status.contains("client transfer prohibited")
                || status.contains("server transfer prohibited")
        ),
    );
    a.insert("status".into(), json!(status));
    a.insert("registrar".into(), json!(registrar(&doc["entities"])));
    let nameservers: BTreeSet<String> = doc["nameservers"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|ns| ns["ldhName"].as_str())
                .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    a.insert("nameservers".into(), json!(nameservers));
    a.insert(
        "dnssec".into(),
        json!(doc["secureDNS"]["delegationSigned"].as_bool()),
    );
    // RFC 9083 has no auto-renew field: never guessed (see the catalog).
    a.insert("auto_renew".into(), Value::Null);
    a.insert("rdap_url".into(), json!(url));
    Ok(a)
}

/// The `fn` of the vCard of the entity with role `registrar` (RFC 9083 §5.1, RFC 7095).
fn registrar(entities: &Value) -> Option<String> {
    entities.as_array()?.iter().find_map(|e| {
        let is_registrar = e["roles"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r.as_str() == Some("registrar")));
        if !is_registrar {
            return None;
        }
        e["vcardArray"][1].as_array()?.iter().find_map(|p| {
            (p[0].as_str() == Some("fn"))
                .then(|| p[3].as_str().map(str::to_string))
                .flatten()
        })
    })
}

/// What one GET read.
struct Got {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// GETs `url` (no redirect followed), asking for RDAP JSON; over https only with a certificate
/// that verifies.
async fn get(url: &str, trust: &Trust, deadline: Instant) -> Result<Got, String> {
    let target = Target::parse(url)?;
    let connect_by = deadline.min(Instant::now() + CONNECT_TIMEOUT);
    let tcp = timeout_at(connect_by, TcpStream::connect(target.dial()))
        .await
        .map_err(|_| format!("connecting to {} timed out", target.dial_address()))?
        .map_err(|e| format!("cannot connect to {}: {e}", target.dial_address()))?;
    if !target.https {
        return request(tcp, &target, deadline).await;
    }
    let verifier = trust.verifier.clone()?;
    let mut config = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| format!("`{}` is not a valid TLS server name: {e}", target.host))?;
    let tls = timeout_at(
        deadline,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| "TLS handshake timed out (--call-timeout)".to_string())?
    .map_err(|e| format!("TLS handshake failed: {e}"))?;
    request(tls, &target, deadline).await
}

async fn request<S>(io: S, target: &Target, deadline: Instant) -> Result<Got, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let timed_out = || "timed out (--call-timeout)".to_string();
    let (mut sender, conn) = timeout_at(
        deadline,
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(io)),
    )
    .await
    .map_err(|_| timed_out())?
    .map_err(|e| format!("HTTP/1.1: {e}"))?;
    let driver = tokio::spawn(conn);
    let result = async {
        let req = Request::get(target.path.as_str())
            .header(header::HOST, target.authority.as_str())
            .header(
                header::USER_AGENT,
                concat!("infra-verify/", env!("CARGO_PKG_VERSION")),
            )
            .header(header::ACCEPT, "application/rdap+json, application/json")
            .header(header::CONNECTION, "close")
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let resp = timeout_at(deadline, sender.send_request(req))
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| format!("no HTTP response: {e}"))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        loop {
            match timeout_at(deadline, body.frame()).await {
                Err(_) => return Err(format!("reading the body {}", timed_out())),
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(format!("reading the body: {e}")),
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        bytes.extend_from_slice(&data);
                    }
                }
            }
            if bytes.len() > BODY_LIMIT {
                return Err(format!("the answer is larger than {BODY_LIMIT} bytes"));
            }
        }
        Ok(Got {
            status,
            headers,
            body: bytes,
        })
    }
    .await;
    driver.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.com`-style registry answer (the shape of Verisign's), trimmed.
    const COM_ANSWER: &str = r#"{
      "objectClassName": "domain",
      "handle": "2336799_DOMAIN_COM-VRSN",
      "ldhName": "DORAMI.EXAMPLE",
      "links": [{"value": "https://rdap.registrar.example/domain/DORAMI.EXAMPLE", "rel": "related", "href": "https://rdap.registrar.example/domain/DORAMI.EXAMPLE", "type": "application/rdap+json"}],
      "status": ["client delete prohibited", "client transfer prohibited", "client update prohibited"],
      "entities": [{
        "objectClassName": "entity", "handle": "292", "roles": ["registrar"],
        "publicIds": [{"type": "IANA Registrar ID", "identifier": "292"}],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]]]
      }],
      "events": [
        {"eventAction": "registration", "eventDate": "1997-09-15T04:00:00Z"},
        {"eventAction": "expiration", "eventDate": "2099-09-14T04:00:00Z"},
        {"eventAction": "last update of RDAP database", "eventDate": "2026-12-07T10:00:00Z"}
      ],
      "secureDNS": {"delegationSigned": true},
      "nameservers": [
        {"objectClassName": "nameserver", "ldhName": "NS2.DORAMI.EXAMPLE"},
        {"objectClassName": "nameserver", "ldhName": "ns1.dorami.example."}
      ],
      "rdapConformance": ["rdap_level_0", "icann_rdap_technical_implementation_guide_1"]
    }"#;

    #[test]
    fn a_registry_answer() {
        let a = answer(
            COM_ANSWER.as_bytes(),
            "https://rdap.test/domain/dorami.example",
        )
        .expect("answer");
        assert_eq!(a["expiry"], json!("2099-09-14T04:00:00Z"));
        assert!(a["days_to_expiry"].as_i64().is_some_and(|d| d > 365 * 50));
        assert_eq!(a["registrar"], json!("Example Registrar, Inc."));
        assert_eq!(
            a["status"],
            json!([
                "client delete prohibited",
                "client transfer prohibited",
                "client update prohibited"
            ])
        );
        assert_eq!(a["transfer_locked"], json!(true));
        assert_eq!(
            a["nameservers"],
            json!(["ns1.dorami.example", "ns2.dorami.example"])
        );
        assert_eq!(a["dnssec"], json!(true));
        assert_eq!(a["auto_renew"], Value::Null);
    }

    #[test]
    fn an_answer_without_optional_members() {
        let a = answer(
            br#"{"objectClassName": "domain", "ldhName": "x.example", "status": ["active"]}"#,
            "u",
        )
        .expect("answer");
        assert_eq!(a["expiry"], Value::Null);
        assert_eq!(a["days_to_expiry"], Value::Null);
        assert_eq!(a["registrar"], Value::Null);
        assert_eq!(a["transfer_locked"], json!(false));
        assert_eq!(a["dnssec"], Value::Null);
        assert_eq!(a["nameservers"], json!([]));
        assert!(answer(b"<html>", "u").is_err());
        assert!(answer(br#"{"objectClassName": "entity"}"#, "u").is_err());
        assert!(answer(
            br#"{"events": [{"eventAction": "expiration", "eventDate": "soon"}]}"#,
            "u"
        )
        .is_err());
    }

    #[test]
    fn the_bootstrap_file_and_redirects() {
        let map = bootstrap(
            br#"{"version": "1.0", "services": [
                [["com", "net"], ["http://rdap.verisign.example/com/v1/", "https://rdap.verisign.example/com/v1/"]],
                [["co.uk"], ["https://rdap.nominet.example/uk"]]
            ]}"#,
        )
        .expect("bootstrap");
        let servers = Servers::Bootstrap(map);
        assert_eq!(
            servers.base_for("dorami.com"),
            Ok("https://rdap.verisign.example/com/v1/")
        );
        assert_eq!(
            servers.base_for("shop.co.uk"),
            Ok("https://rdap.nominet.example/uk/")
        );
        assert!(servers
            .base_for("dorami.example")
            .is_err_and(|e| e.contains("`.example`")));
        assert_eq!(
            redirect_target("https://a.example/com/v1/domain/x.com", "/v2/domain/x.com"),
            Some("https://a.example/v2/domain/x.com".into())
        );
        assert_eq!(
            redirect_target("http://127.0.0.1:9/domain/x", "https://b.example/domain/x"),
            Some("https://b.example/domain/x".into())
        );
        assert_eq!(redirect_target("https://a.example/x", "ftp://b/x"), None);
        assert_eq!(
            redirect_target("https://a.example/x", "//b.example/x"),
            None
        );
    }
}
