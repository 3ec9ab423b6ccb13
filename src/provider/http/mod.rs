//! Live HTTP(S) checks of an endpoint (`http_endpoint`): not an AWS service, so no credentials and
//! no IAM action. One GET of the URL per resource gives the status, timing, body, headers and, for
//! `https://`, the TLS facts of that same connection; two more requests are made only when their
//! attributes are checked: a GET of the `http://` form (`redirects_to_https` of an `https://` URL)
//! and a hand-built TLS 1.1 ClientHello (`accepts_legacy_tls`).
//!
//! Redirects are never followed: the status and `location` are those of the URL itself.
//! The certificate is verified against the OS trust store (`rustls-native-certs`, which reads only
//! `SSL_CERT_FILE` / `SSL_CERT_DIR` when either is set). A certificate that does not verify is
//! observed (`certificate_valid: false`, its days remaining, the TLS version), but no request is
//! sent over that connection: the response attributes are then errors, never a pass.
//!
//! `--connect-to` rules ([`ConnectTo`]) send a connection elsewhere than the URL's host and port
//! (a new deployment before the DNS cutover, one box behind a load balancer, a test server); the
//! request itself is unchanged, and each endpoint records where it connected (`connect_to`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, DigitallySignedStruct, ProtocolVersion, RootCertStore, SignatureScheme,
};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use crate::aws::CallRecorder;
use crate::aws::CONCURRENCY;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

mod connect_to;
pub use connect_to::ConnectTo;

/// The catalog's service name for kinds probed over HTTP rather than through AWS.
pub const SERVICE: &str = "http";
/// Pseudo-operation: a GET of the endpoint (not an IAM action; see `catalog::operations::NON_AWS_OPERATIONS`).
pub const GET: &str = "http:GET";
/// Pseudo-operation: the hand-built TLS 1.1 ClientHello of `accepts_legacy_tls`.
pub const LEGACY_HANDSHAKE: &str = "tls:LegacyHandshake";
/// The `Origin` the probe sends, to see what CORS allows.
pub const PROBE_ORIGIN: &str = "https://infra-verify.invalid";
/// How much of the body is read (and kept in the snapshot).
pub const BODY_LIMIT: usize = 16 * 1024;
/// How long establishing the TCP connection may take (as for AWS calls).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How the HTTP probes behave.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// The most one request may take, connecting, TLS and reading included (`--call-timeout`).
    pub timeout: Duration,
    /// Requests in flight at once (`--max-concurrency`).
    pub max_concurrency: usize,
    /// Where to connect instead of a URL's host and port (`--connect-to`), first match first.
    pub connect_to: Vec<ConnectTo>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(10),
            max_concurrency: CONCURRENCY,
            connect_to: Vec::new(),
        }
    }
}

/// The live-endpoint provider: no credentials, no IAM action; its rate limit is
/// `HttpOptions::max_concurrency` requests at once.
pub struct Http;

impl super::Provider for Http {
    const PROVIDER: crate::catalog::Provider = crate::catalog::Provider::Http;
    type Options = HttpOptions;

    fn permissions(resources: &[&Resource]) -> std::collections::BTreeSet<&'static str> {
        resources
            .iter()
            .flat_map(|r| {
                std::iter::once(r.kind.list_operation)
                    .chain(r.expectations.iter().map(|e| e.attribute.operation))
            })
            .collect()
    }

    fn observe(
        resources: &[&Resource],
        options: &HttpOptions,
        calls: &CallRecorder,
    ) -> impl std::future::Future<Output = Vec<ResourceRecord>> {
        observe(resources, options, calls)
    }
}

/// Observes every `http_endpoint`, a bounded number at once.
pub async fn observe(
    resources: &[&Resource],
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let trust = Trust::load();
    stream::iter(resources)
        .map(|r| {
            let trust = &trust;
            async move {
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation: observe_one(r, trust, options, recorder).await,
                }
            }
        })
        .buffer_unordered(options.max_concurrency.max(1))
        .collect()
        .await
}

/// Whether the resource checks the attribute.
fn checks(resource: &Resource, attribute: &str) -> bool {
    resource
        .expectations
        .iter()
        .any(|e| e.attribute.name == attribute)
}

async fn observe_one(
    r: &Resource,
    trust: &Trust,
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Observation {
    let target = match Target::parse(&r.id) {
        Ok(t) => t.routed(&options.connect_to),
        Err(error) => return Observation::Error { error },
    };
    // Every connection made elsewhere than its URL's host and port (`--connect-to`): requested
    // `host:port` -> the address connected to.
    let mut rerouted = BTreeMap::new();
    target.note_route(&mut rerouted);
    let deadline = Instant::now() + options.timeout;
    recorder.record(GET);
    let began = Instant::now();
    let fetched = match fetch(&target, Some(trust), deadline).await {
        Ok(f) => {
            tracing::debug!(url = %target.url, connected_to = %target.dial_address(), elapsed_ms = began.elapsed().as_millis() as u64, "GET done");
            f
        }
        Err(e) => {
            tracing::debug!(url = %target.url, connected_to = %target.dial_address(), error = %e, "GET failed");
            return Observation::Error {
                error: format!("GET {}: {e}", target.url),
            };
        }
    };
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();

    // TLS facts, of the same connection; null for http://.
    let tls = fetched.tls.as_ref();
    attributes.insert(
        "certificate_valid".into(),
        tls.map_or(Value::Null, |t| json!(t.verified.is_ok())),
    );
    match tls.map(|t| t.leaf.as_deref().map(certificate_not_after)) {
        None => {
            attributes.insert("certificate_days_remaining".into(), Value::Null);
        }
        Some(Some(Some(not_after))) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            attributes.insert(
                "certificate_days_remaining".into(),
                json!((not_after - now).div_euclid(86_400)),
            );
        }
        Some(_) => {
            errors.insert(
                "certificate_days_remaining".into(),
                "the server's certificate could not be read (no certificate, or not X.509 DER)"
                    .into(),
            );
        }
    }
    attributes.insert(
        "tls_version".into(),
        tls.and_then(|t| t.version).map_or(Value::Null, Value::from),
    );

    const RESPONSE_ATTRIBUTES: &[&str] = &[
        "status",
        "response_time_ms",
        "body",
        "location",
        "hsts_max_age",
        "hsts_include_subdomains",
        "content_type_options",
        "frame_protection",
        "cors_allow_origin",
        "cors_allows_any_origin",
    ];
    match &fetched.response {
        Ok(resp) => {
            attributes.insert("status".into(), json!(resp.status));
            attributes.insert("response_time_ms".into(), json!(resp.elapsed_ms));
            match &resp.body {
                Ok(body) => {
                    // A body can echo a token or a signed URL: kept redacted.
                    attributes.insert("body".into(), json!(crate::redact::text(body)));
                }
                Err(e) => {
                    errors.insert("body".into(), e.clone());
                }
            }
            attributes.extend(header_attributes(&resp.headers, target.https));
            if !target.https {
                attributes.insert(
                    "redirects_to_https".into(),
                    json!(redirects_to_https(resp, &target.host)),
                );
            }
        }
        // Only over https: the certificate did not verify, so nothing was requested.
        Err(e) => {
            for a in RESPONSE_ATTRIBUTES {
                errors.insert((*a).to_string(), e.clone());
            }
        }
    }

    if target.https {
        if checks(r, "redirects_to_https") {
            let plain = target.plain_http().routed(&options.connect_to);
            plain.note_route(&mut rerouted);
            recorder.record(GET);
            let deadline = Instant::now() + options.timeout;
            match fetch(&plain, None, deadline).await {
                Ok(Fetched {
                    response: Ok(resp), ..
                }) => {
                    attributes.insert(
                        "redirects_to_https".into(),
                        json!(redirects_to_https(&resp, &target.host)),
                    );
                }
                Ok(Fetched {
                    response: Err(e), ..
                })
                | Err(e) => {
                    errors.insert(
                        "redirects_to_https".into(),
                        format!("GET {}: {e}", plain.url),
                    );
                }
            }
        }
        if checks(r, "accepts_legacy_tls") {
            recorder.record(LEGACY_HANDSHAKE);
            let deadline = Instant::now() + options.timeout;
            match accepts_legacy_tls(&target, deadline).await {
                Ok(accepts) => {
                    attributes.insert("accepts_legacy_tls".into(), json!(accepts));
                }
                Err(e) => {
                    errors.insert(
                        "accepts_legacy_tls".into(),
                        format!("TLS 1.1 handshake with {}: {e}", target.dial_description()),
                    );
                }
            }
        }
    } else {
        attributes.insert("accepts_legacy_tls".into(), Value::Null);
    }
    attributes.insert(
        "connect_to".into(),
        if rerouted.is_empty() {
            Value::Null
        } else {
            json!(rerouted)
        },
    );
    Observation::Present { attributes, errors }
}

/// An `http_endpoint` id, parsed.
#[derive(Debug, Clone)]
struct Target {
    /// The URL as written.
    url: String,
    https: bool,
    /// Host name or IP address, without IPv6 brackets.
    host: String,
    port: u16,
    /// `Host` header value.
    authority: String,
    /// Path and query, at least `/`.
    path: String,
    /// Where to connect instead of `host`:`port` (`--connect-to`); `None`: there.
    via: Option<(String, u16)>,
}

impl Target {
    /// The endpoint's URL as the spec loader checked it (`catalog::id::parse_url`).
    fn parse(id: &str) -> Result<Target, String> {
        let url = crate::catalog::id::parse_url(id)?;
        Ok(Target {
            url: id.to_string(),
            https: url.https,
            host: url.host,
            port: url.port,
            authority: url.authority,
            path: url.path,
            via: None,
        })
    }

    /// The target with its `--connect-to` route (the first rule that applies to its host and
    /// port), if any.
    fn routed(mut self, rules: &[ConnectTo]) -> Target {
        self.via = connect_to::route(rules, &self.host, self.port);
        self
    }

    /// Records the route in `rerouted` (`host:port` -> address), when there is one.
    fn note_route(&self, rerouted: &mut BTreeMap<String, String>) {
        if let Some((host, port)) = &self.via {
            rerouted.insert(
                connect_to::address(&self.host, self.port),
                connect_to::address(host, *port),
            );
        }
    }

    /// Where the TCP connection goes: the `--connect-to` route, else the URL's host and port.
    fn dial(&self) -> (&str, u16) {
        match &self.via {
            Some((host, port)) => (host.as_str(), *port),
            None => (self.host.as_str(), self.port),
        }
    }

    /// `host:port` of the connection.
    fn dial_address(&self) -> String {
        let (host, port) = self.dial();
        connect_to::address(host, port)
    }

    /// The connection, for messages: `learn.example:443`, or
    /// `127.0.0.1:8443 (learn.example:443 through --connect-to)`.
    fn dial_description(&self) -> String {
        match &self.via {
            Some(_) => format!(
                "{} ({} through --connect-to)",
                self.dial_address(),
                connect_to::address(&self.host, self.port)
            ),
            None => self.dial_address(),
        }
    }

    /// The `http://` form: same host and path, port 80 (an explicit https port is not carried over).
    fn plain_http(&self) -> Target {
        let authority = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        Target {
            url: format!("http://{authority}{}", self.path),
            https: false,
            host: self.host.clone(),
            port: 80,
            authority,
            path: self.path.clone(),
            via: None,
        }
    }
}

/// The trust roots and the verifier built on them, once per run.
struct Trust {
    provider: Arc<CryptoProvider>,
    /// The verifier, or why there is none (no trust roots found).
    verifier: Result<Arc<WebPkiServerVerifier>, String>,
}

impl Trust {
    fn load() -> Trust {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(found.certs);
        let verifier = if roots.is_empty() {
            let why = found
                .errors
                .first()
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            Err(format!(
                "no trusted root certificates found (set SSL_CERT_FILE to a PEM bundle){why}"
            ))
        } else {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("cannot use the trusted root certificates: {e}"))
        };
        Trust { provider, verifier }
    }
}

/// Verifies the server's certificate with the real verifier but only records the outcome, so
/// that an untrusted certificate can still be described. The handshake signature is checked as
/// usual. Nothing is requested over a connection whose certificate did not verify.
#[derive(Debug)]
struct RecordingVerifier {
    provider: Arc<CryptoProvider>,
    inner: Result<Arc<WebPkiServerVerifier>, String>,
    outcome: Mutex<Option<Result<(), String>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = match &self.inner {
            Ok(v) => v
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        if let Ok(mut o) = self.outcome.lock() {
            *o = Some(result);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What one GET saw.
struct Fetched {
    /// For https://: the handshake's facts.
    tls: Option<TlsFacts>,
    /// The response, or why it was not requested (the certificate did not verify).
    response: Result<Response, String>,
}

struct TlsFacts {
    /// `TLSv1.2` / `TLSv1.3`.
    version: Option<&'static str>,
    /// The leaf certificate, DER.
    leaf: Option<Vec<u8>>,
    /// Whether the chain verified against the trust roots and the host name.
    verified: Result<(), String>,
}

struct Response {
    status: u16,
    /// From starting to connect to the response headers.
    elapsed_ms: u64,
    headers: HeaderMap,
    /// The first [`BODY_LIMIT`] bytes, as UTF-8 (lossy).
    body: Result<String, String>,
}

/// GETs the target (never following redirects). `Err` when nothing was observed: no connection,
/// no TLS handshake, or (over a trusted connection) no HTTP response.
async fn fetch(
    target: &Target,
    trust: Option<&Trust>,
    deadline: Instant,
) -> Result<Fetched, String> {
    let timed_out = || "timed out (--call-timeout)".to_string();
    let started = Instant::now();
    let connect_by = deadline.min(started + CONNECT_TIMEOUT);
    let tcp = timeout_at(connect_by, TcpStream::connect(target.dial()))
        .await
        .map_err(|_| format!("connecting to {} timed out", target.dial_description()))?
        .map_err(|e| format!("cannot connect to {}: {e}", target.dial_description()))?;
    if !target.https {
        let response = request(tcp, target, started, deadline).await?;
        return Ok(Fetched {
            tls: None,
            response: Ok(response),
        });
    }
    let trust = match trust {
        Some(t) => t,
        None => return Err("no TLS configuration".into()),
    };
    let verifier = Arc::new(RecordingVerifier {
        provider: trust.provider.clone(),
        inner: trust.verifier.clone(),
        outcome: Mutex::new(None),
    });
    let mut config = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| format!("`{}` is not a valid TLS server name: {e}", target.host))?;
    let tls = timeout_at(
        deadline,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| format!("TLS handshake {}", timed_out()))?
    .map_err(|e| format!("TLS handshake failed: {e}"))?;
    let (_, session) = tls.get_ref();
    let facts = TlsFacts {
        version: session.protocol_version().map(|v| match v {
            ProtocolVersion::TLSv1_3 => "TLSv1.3",
            ProtocolVersion::TLSv1_2 => "TLSv1.2",
            ProtocolVersion::TLSv1_1 => "TLSv1.1",
            ProtocolVersion::TLSv1_0 => "TLSv1.0",
            _ => "unknown",
        }),
        leaf: session
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.as_ref().to_vec()),
        verified: verifier
            .outcome
            .lock()
            .ok()
            .and_then(|o| o.clone())
            .unwrap_or_else(|| Err("the certificate was not verified".into())),
    };
    let response = match &facts.verified {
        Ok(()) => Ok(request(tls, target, started, deadline).await?),
        Err(e) => Err(format!(
            "not requested: the certificate did not verify ({e}), so no response is trusted"
        )),
    };
    Ok(Fetched {
        tls: Some(facts),
        response,
    })
}

/// Sends the GET over an open connection and reads the status, headers and start of the body.
async fn request<S>(
    io: S,
    target: &Target,
    started: Instant,
    deadline: Instant,
) -> Result<Response, String>
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
            .header(header::ACCEPT, "*/*")
            .header(header::ORIGIN, PROBE_ORIGIN)
            .header(header::CONNECTION, "close")
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let resp = timeout_at(deadline, sender.send_request(req))
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| format!("no HTTP response: {e}"))?;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        let body = loop {
            if bytes.len() >= BODY_LIMIT {
                break Ok(());
            }
            match timeout_at(deadline, body.frame()).await {
                Err(_) => break Err(format!("reading the body {}", timed_out())),
                Ok(None) => break Ok(()),
                Ok(Some(Err(e))) => break Err(format!("reading the body: {e}")),
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        bytes.extend_from_slice(&data);
                    }
                }
            }
        };
        bytes.truncate(BODY_LIMIT);
        Ok(Response {
            status,
            elapsed_ms,
            headers,
            body: body.map(|()| String::from_utf8_lossy(&bytes).into_owned()),
        })
    }
    .await;
    driver.abort();
    result
}

/// Whether a response redirects to `https://` on the same host (any port).
fn redirects_to_https(resp: &Response, host: &str) -> bool {
    if !matches!(resp.status, 301 | 302 | 307 | 308) {
        return false;
    }
    let Some(location) = resp
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Ok(uri) = location.trim().parse::<Uri>() else {
        return false;
    };
    uri.scheme_str() == Some("https")
        && uri.host().is_some_and(|h| {
            h.trim_start_matches('[')
                .trim_end_matches(']')
                .eq_ignore_ascii_case(host)
        })
}

/// The attributes read from the response headers. HSTS counts over https only (browsers ignore
/// it over http), so it is null for an http:// URL.
fn header_attributes(headers: &HeaderMap, https: bool) -> BTreeMap<String, Value> {
    let first = |name: header::HeaderName| -> Option<&str> {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::trim)
    };
    let mut out = BTreeMap::new();
    let (max_age, include_subdomains) = match first(header::STRICT_TRANSPORT_SECURITY) {
        Some(v) if https => {
            let (age, sub) = parse_hsts(v);
            (json!(age), json!(sub))
        }
        None if https => (Value::Null, json!(false)),
        _ => (Value::Null, Value::Null),
    };
    out.insert("hsts_max_age".into(), max_age);
    out.insert("hsts_include_subdomains".into(), include_subdomains);
    out.insert(
        "location".into(),
        // A redirect can carry a token (a signed URL, a magic link): scheme and host kept.
        json!(first(header::LOCATION).map(crate::redact::text)),
    );
    out.insert(
        "content_type_options".into(),
        json!(first(header::X_CONTENT_TYPE_OPTIONS).map(str::to_ascii_lowercase)),
    );
    let csp: Vec<&str> = headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    out.insert(
        "frame_protection".into(),
        json!(frame_protection(first(header::X_FRAME_OPTIONS), &csp)),
    );
    let cors = first(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    out.insert("cors_allow_origin".into(), json!(cors.map(str::to_string)));
    out.insert(
        "cors_allows_any_origin".into(),
        json!(cors.is_some_and(cors_allows_any)),
    );
    out
}

/// `Strict-Transport-Security`: (`max-age` in seconds, `includeSubDomains`). A header without a
/// valid `max-age` is ignored by browsers (RFC 6797 6.1): (None, false).
pub(crate) fn parse_hsts(value: &str) -> (Option<u64>, bool) {
    let mut max_age = None;
    let mut include_subdomains = false;
    for directive in value.split(';') {
        let (name, arg) = match directive.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("max-age") {
            if max_age.is_some() {
                return (None, false); // a directive may appear once
            }
            match arg.and_then(|a| a.parse::<u64>().ok()) {
                Some(n) => max_age = Some(n),
                None => return (None, false),
            }
        } else if name.eq_ignore_ascii_case("includesubdomains") {
            include_subdomains = true;
        }
    }
    match max_age {
        Some(n) => (Some(n), include_subdomains),
        None => (None, false),
    }
}

/// Whether the page may not be framed by any site: `X-Frame-Options: DENY | SAMEORIGIN`, or a
/// `Content-Security-Policy` with a `frame-ancestors` directive that allows no wildcard (`*`,
/// `http:`, `https:`).
pub(crate) fn frame_protection(x_frame_options: Option<&str>, csp: &[&str]) -> bool {
    let xfo = x_frame_options.is_some_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("DENY") || v.eq_ignore_ascii_case("SAMEORIGIN")
    });
    let ancestors = csp.iter().flat_map(|p| p.split(';')).any(|directive| {
        let mut words = directive.split_ascii_whitespace();
        words
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
            && words.all(|s| !matches!(s.to_ascii_lowercase().as_str(), "*" | "http:" | "https:"))
    });
    xfo || ancestors
}

/// Whether `Access-Control-Allow-Origin` lets any site read responses: `*`, or the probe's own
/// made-up origin reflected back (a server that echoes every origin).
pub(crate) fn cors_allows_any(value: &str) -> bool {
    let v = value.trim();
    v == "*" || v.eq_ignore_ascii_case(PROBE_ORIGIN)
}

/// Reads `notAfter` of a DER X.509 certificate as Unix seconds. Only the path to that one field
/// is walked (Certificate → tbsCertificate → validity); `None` when the bytes are not that shape.
pub(crate) fn certificate_not_after(der: &[u8]) -> Option<i64> {
    let (tag, cert, _) = der_tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, tbs, _) = der_tlv(cert)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = tbs;
    let (tag, _, after) = der_tlv(rest)?;
    if tag == 0xa0 {
        rest = after; // [0] EXPLICIT version
    }
    // serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name
    for expected in [0x02, 0x30, 0x30] {
        let (tag, _, after) = der_tlv(rest)?;
        if tag != expected {
            return None;
        }
        rest = after;
    }
    let (tag, validity, _) = der_tlv(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, after) = der_tlv(validity)?; // notBefore
    let (tag, time, _) = der_tlv(after)?;
    parse_asn1_time(tag, time)
}

/// One DER tag-length-value: (tag, contents, what follows).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// UTCTime (`YYMMDDHHMMSSZ`, tag 0x17) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, tag 0x18), as
/// Unix seconds.
fn parse_asn1_time(tag: u8, bytes: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(bytes).ok()?;
    let digits = s.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: i64 = digits[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        (0x18, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let field = |i: usize| -> Option<i64> { rest.get(i..i + 2)?.parse().ok() };
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether the server completes a ServerHello for a TLS 1.1 ClientHello (rustls cannot speak TLS
/// 1.0/1.1, so the hello is built by hand on a raw TCP connection; the handshake goes no further).
async fn accepts_legacy_tls(target: &Target, deadline: Instant) -> Result<bool, String> {
    let mut tcp = timeout_at(
        deadline.min(Instant::now() + CONNECT_TIMEOUT),
        TcpStream::connect(target.dial()),
    )
    .await
    .map_err(|_| "connecting timed out".to_string())?
    .map_err(|e| format!("cannot connect: {e}"))?;
    let sni = ServerName::try_from(target.host.as_str())
        .ok()
        .filter(|n| matches!(n, ServerName::DnsName(_)))
        .map(|_| target.host.as_str());
    let hello = legacy_client_hello(sni);
    timeout_at(deadline, tcp.write_all(&hello))
        .await
        .map_err(|_| "sending the ClientHello timed out".to_string())?
        .map_err(|e| format!("sending the ClientHello: {e}"))?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        if let Some(r) = parse_legacy_reply(&reply) {
            return Ok(r.accepts_legacy());
        }
        match timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return Err("no answer to the ClientHello (timed out)".into()),
            // Closed or reset before any answer could be read: that is no refusal seen (a
            // middlebox, a server restarting, a dropped connection), so nothing is known.
            Ok(Ok(0)) => return Err(format!(
                "the connection closed before the server answered the TLS 1.1 ClientHello ({} byte(s) read): no refusal was seen",
                reply.len()
            )),
            Ok(Err(e)) => return Err(format!(
                "the connection failed before the server answered the TLS 1.1 ClientHello: {e}"
            )),
            Ok(Ok(n)) => reply.extend_from_slice(&buf[..n]),
        }
    }
}

/// The legacy protocol version the ClientHello offers: TLS 1.1.
const LEGACY_VERSION: u16 = 0x0302;

/// A minimal TLS 1.1 ClientHello record: CBC suites every TLS 1.0/1.1 server has, SNI when the
/// host is a name, the elliptic curves and point formats ECDHE suites need.
pub(crate) fn legacy_client_hello(server_name: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&LEGACY_VERSION.to_be_bytes());
    let random: Vec<u8> = (0u8..32)
        .map(|i| i.wrapping_mul(37).wrapping_add(11))
        .collect();
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let suites: [u16; 8] = [
        0xc013, // ECDHE_RSA_WITH_AES_128_CBC_SHA
        0xc014, // ECDHE_RSA_WITH_AES_256_CBC_SHA
        0xc009, // ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        0xc00a, // ECDHE_ECDSA_WITH_AES_256_CBC_SHA
        0x002f, // RSA_WITH_AES_128_CBC_SHA
        0x0035, // RSA_WITH_AES_256_CBC_SHA
        0x000a, // RSA_WITH_3DES_EDE_CBC_SHA
        0x00ff, // EMPTY_RENEGOTIATION_INFO_SCSV
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext = Vec::new();
    if let Some(name) = server_name {
        let name = name.as_bytes();
        let entry_len = name.len() + 3;
        ext.extend_from_slice(&0x0000u16.to_be_bytes()); // server_name
        ext.extend_from_slice(&((entry_len + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&(entry_len as u16).to_be_bytes());
        ext.push(0); // host_name
        ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
        ext.extend_from_slice(name);
    }
    // supported_groups: x25519, secp256r1, secp384r1
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut handshake = vec![0x01]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01]; // handshake, record version TLS 1.0
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// The server's first answer to the legacy ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LegacyReply {
    /// A ServerHello choosing this protocol version.
    ServerHello {
        /// `server_version`, e.g. 0x0302 for TLS 1.1.
        version: u16,
    },
    /// An alert (e.g. 70, protocol_version).
    Alert {
        /// Alert description.
        description: u8,
    },
    /// Anything else (not TLS, or another handshake message).
    Other,
}

impl LegacyReply {
    /// Whether the server agreed to TLS 1.1 or older.
    pub(crate) fn accepts_legacy(&self) -> bool {
        matches!(self, LegacyReply::ServerHello { version } if *version <= LEGACY_VERSION)
    }
}

/// Parses the start of the server's answer; `None` while more bytes are needed.
pub(crate) fn parse_legacy_reply(bytes: &[u8]) -> Option<LegacyReply> {
    let content_type = *bytes.first()?;
    match content_type {
        // handshake: record header (5), handshake header (4), server_version (2)
        0x16 => {
            if bytes.len() < 11 {
                return None;
            }
            if bytes[5] != 0x02 {
                return Some(LegacyReply::Other);
            }
            Some(LegacyReply::ServerHello {
                version: u16::from_be_bytes([bytes[9], bytes[10]]),
            })
        }
        // alert: record header (5), level, description
        0x15 => {
            if bytes.len() < 7 {
                return None;
            }
            Some(LegacyReply::Alert {
                description: bytes[6],
            })
        }
        _ => Some(LegacyReply::Other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `accepts_legacy_tls` is false only on a refusal it read (an alert); a connection closed
    /// or reset before any answer is an error, never "refused".
    #[tokio::test]
    async fn legacy_tls_is_refused_only_by_an_answer() {
        async fn against(answer: &'static [u8]) -> Result<bool, String> {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("addr").port();
            tokio::spawn(async move {
                if let Ok((mut tcp, _)) = listener.accept().await {
                    let mut buf = [0u8; 1024];
                    let _ = tcp.read(&mut buf).await;
                    let _ = tcp.write_all(answer).await;
                    let _ = tcp.shutdown().await;
                }
            });
            let target = Target {
                url: format!("https://127.0.0.1:{port}/"),
                https: true,
                host: "127.0.0.1".into(),
                port,
                authority: format!("127.0.0.1:{port}"),
                path: "/".into(),
                via: None,
            };
            accepts_legacy_tls(&target, Instant::now() + Duration::from_secs(5)).await
        }
        // alert(21) TLS 1.2 record, fatal(2), protocol_version(70)
        assert_eq!(
            against(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]).await,
            Ok(false)
        );
        let closed = against(&[]).await;
        assert!(
            closed
                .as_ref()
                .is_err_and(|e| e.contains("no refusal was seen")),
            "{closed:?}"
        );
        // Half an alert, then closed: not an answer either.
        assert!(against(&[0x15, 0x03]).await.is_err());
    }

    #[test]
    fn hsts_max_age_and_include_subdomains() {
        assert_eq!(parse_hsts("max-age=31536000"), (Some(31_536_000), false));
        assert_eq!(
            parse_hsts("max-age=63072000; includeSubDomains; preload"),
            (Some(63_072_000), true)
        );
        assert_eq!(
            parse_hsts(" MAX-AGE=\"600\" ;INCLUDESUBDOMAINS"),
            (Some(600), true)
        );
        assert_eq!(parse_hsts("max-age=0"), (Some(0), false));
        // No or invalid max-age: the header is ignored.
        assert_eq!(parse_hsts("includeSubDomains"), (None, false));
        assert_eq!(parse_hsts("max-age=abc; includeSubDomains"), (None, false));
        assert_eq!(parse_hsts("max-age=1; max-age=2"), (None, false));
        assert_eq!(parse_hsts(""), (None, false));
    }

    #[test]
    fn frame_protection_from_xfo_or_csp_frame_ancestors() {
        assert!(frame_protection(Some("DENY"), &[]));
        assert!(frame_protection(Some(" sameorigin "), &[]));
        assert!(!frame_protection(Some("ALLOW-FROM https://a.example"), &[]));
        assert!(!frame_protection(None, &[]));
        assert!(frame_protection(
            None,
            &["default-src 'self'; frame-ancestors 'none'"]
        ));
        assert!(frame_protection(
            None,
            &["Frame-Ancestors 'self' https://a.example"]
        ));
        assert!(frame_protection(
            None,
            &["script-src 'self'", "frame-ancestors 'self'"]
        ));
        assert!(!frame_protection(None, &["default-src 'self'"]));
        assert!(!frame_protection(None, &["frame-ancestors *"]));
        assert!(!frame_protection(None, &["frame-ancestors 'self' https:"]));
        // Not a directive name, only a value mentioning it.
        assert!(!frame_protection(None, &["report-uri /frame-ancestors"]));
    }

    #[test]
    fn cors_any_origin_is_star_or_the_probe_origin_reflected() {
        assert!(cors_allows_any("*"));
        assert!(cors_allows_any(PROBE_ORIGIN));
        assert!(!cors_allows_any("https://app.example"));
        assert!(!cors_allows_any("null"));
    }

    #[test]
    fn header_attributes_of_https_and_http() {
        let mut h = HeaderMap::new();
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("NoSniff"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        let a = header_attributes(&h, true);
        assert_eq!(a["hsts_max_age"], json!(31_536_000));
        assert_eq!(a["hsts_include_subdomains"], json!(true));
        assert_eq!(a["content_type_options"], json!("nosniff"));
        assert_eq!(a["frame_protection"], json!(false));
        assert_eq!(a["cors_allow_origin"], json!("*"));
        assert_eq!(a["cors_allows_any_origin"], json!(true));
        assert_eq!(a["location"], Value::Null);
        // Over http://, HSTS does not count.
        let a = header_attributes(&h, false);
        assert_eq!(a["hsts_max_age"], Value::Null);
        assert_eq!(a["hsts_include_subdomains"], Value::Null);
        let a = header_attributes(&HeaderMap::new(), true);
        assert_eq!(a["hsts_max_age"], Value::Null);
        assert_eq!(a["hsts_include_subdomains"], json!(false));
        assert_eq!(a["content_type_options"], Value::Null);
        assert_eq!(a["cors_allow_origin"], Value::Null);
        assert_eq!(a["cors_allows_any_origin"], json!(false));
    }

    fn response(status: u16, location: Option<&'static str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(l) = location {
            headers.insert(header::LOCATION, HeaderValue::from_static(l));
        }
        Response {
            status,
            elapsed_ms: 0,
            headers,
            body: Ok(String::new()),
        }
    }

    #[test]
    fn a_redirect_to_https_on_the_same_host() {
        let yes = [
            response(301, Some("https://shop.example/")),
            response(308, Some("https://SHOP.example:8443/a?b")),
            response(302, Some(" https://shop.example")),
        ];
        for r in &yes {
            assert!(redirects_to_https(r, "shop.example"), "{:?}", r.headers);
        }
        let no = [
            response(200, None),
            response(301, None),
            response(301, Some("http://shop.example/")),
            response(301, Some("https://evil.example/")),
            response(301, Some("/relative")),
            response(303, Some("https://shop.example/")),
        ];
        for r in &no {
            assert!(
                !redirects_to_https(r, "shop.example"),
                "{} {:?}",
                r.status,
                r.headers
            );
        }
        assert!(redirects_to_https(
            &response(301, Some("https://[::1]:8443/")),
            "::1"
        ));
    }

    #[test]
    fn targets_and_their_plain_http_form() {
        let t = Target::parse("https://shop.example/api/health?x=1").expect("url");
        assert!(t.https);
        assert_eq!((t.host.as_str(), t.port), ("shop.example", 443));
        assert_eq!(t.authority, "shop.example");
        assert_eq!(t.path, "/api/health?x=1");
        let p = t.plain_http();
        assert_eq!(p.url, "http://shop.example/api/health?x=1");
        assert_eq!(p.port, 80);
        let t = Target::parse("http://127.0.0.1:8080").expect("url");
        assert!(!t.https);
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/")
        );
        assert_eq!(t.authority, "127.0.0.1:8080");
        let t = Target::parse("https://[::1]:8443/x").expect("url");
        assert_eq!((t.host.as_str(), t.port), ("::1", 8443));
        assert_eq!(t.plain_http().url, "http://[::1]/x");
        for bad in [
            "shop.example/health",
            "ftp://shop.example/",
            "https://",
            "https://u:p@shop.example/",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn legacy_client_hello_bytes() {
        let hello = legacy_client_hello(Some("shop.example"));
        // Record: handshake, TLS 1.0 record version, length of the rest.
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        assert_eq!(
            usize::from(u16::from_be_bytes([hello[3], hello[4]])),
            hello.len() - 5
        );
        // Handshake: client_hello, 24-bit length of the rest, client_version TLS 1.1.
        assert_eq!(hello[5], 0x01);
        let hs_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(hs_len, hello.len() - 9);
        assert_eq!(&hello[9..11], &[0x03, 0x02]);
        // 32 random bytes, empty session id, 8 suites, null compression.
        assert_eq!(hello[43], 0);
        assert_eq!(&hello[44..46], &[0x00, 0x10]);
        assert_eq!(&hello[46..48], &[0xc0, 0x13]);
        assert_eq!(&hello[62..64], &[0x01, 0x00]);
        // Extensions: total length, then server_name first with the host.
        let ext_len = usize::from(u16::from_be_bytes([hello[64], hello[65]]));
        assert_eq!(ext_len, hello.len() - 66);
        assert_eq!(&hello[66..68], &[0x00, 0x00]);
        assert_eq!(&hello[68..70], &[0x00, 17]);
        assert_eq!(&hello[70..72], &[0x00, 15]);
        assert_eq!(hello[72], 0);
        assert_eq!(&hello[73..75], &[0x00, 12]);
        assert_eq!(&hello[75..87], b"shop.example");
        // Without a name (an IP address), no server_name extension.
        let bare = legacy_client_hello(None);
        assert_eq!(bare.len(), hello.len() - 21);
        assert_eq!(&bare[66..68], &[0x00, 0x0a]);
    }

    #[test]
    fn legacy_replies() {
        // Need more bytes.
        assert_eq!(parse_legacy_reply(&[]), None);
        assert_eq!(
            parse_legacy_reply(&[0x16, 0x03, 0x02, 0x00, 0x4a, 0x02]),
            None
        );
        assert_eq!(parse_legacy_reply(&[0x15, 0x03, 0x01, 0x00]), None);
        // ServerHello for TLS 1.1 and 1.0: accepted.
        let hello_11 = [
            0x16, 0x03, 0x02, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x02, 0xaa,
        ];
        assert_eq!(
            parse_legacy_reply(&hello_11),
            Some(LegacyReply::ServerHello { version: 0x0302 })
        );
        assert!(parse_legacy_reply(&hello_11).is_some_and(|r| r.accepts_legacy()));
        let hello_10 = [
            0x16, 0x03, 0x01, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01,
        ];
        assert!(parse_legacy_reply(&hello_10).is_some_and(|r| r.accepts_legacy()));
        // A ServerHello for TLS 1.2 (a server ignoring the offered version): not TLS 1.1.
        let hello_12 = [
            0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03,
        ];
        assert!(parse_legacy_reply(&hello_12).is_some_and(|r| !r.accepts_legacy()));
        // protocol_version alert: refused.
        let alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
        assert_eq!(
            parse_legacy_reply(&alert),
            Some(LegacyReply::Alert { description: 70 })
        );
        assert!(!LegacyReply::Alert { description: 70 }.accepts_legacy());
        // Another handshake message, or not TLS at all (an HTTP server): refused.
        let other = [
            0x16, 0x03, 0x02, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(parse_legacy_reply(&other), Some(LegacyReply::Other));
        assert_eq!(
            parse_legacy_reply(b"HTTP/1.1 400"),
            Some(LegacyReply::Other)
        );
    }

    #[test]
    fn asn1_times_and_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(parse_asn1_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(parse_asn1_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(
            parse_asn1_time(0x18, b"20500101000000Z"),
            Some(2_524_608_000)
        );
        assert_eq!(
            parse_asn1_time(0x17, b"240229120000Z"),
            Some(19_782 * 86_400 + 43_200)
        );
        assert_eq!(parse_asn1_time(0x17, b"2402291200Z"), None);
        assert_eq!(parse_asn1_time(0x17, b"241329120000Z"), None);
        assert_eq!(parse_asn1_time(0x18, b"20240229120000"), None);
    }

    #[test]
    fn not_after_of_real_certificates() {
        // UTCTime (before 2050) and GeneralizedTime (from 2050), self-signed and CA-signed.
        for (y, m, d) in [(2031, 5, 17), (2051, 1, 2)] {
            let key = rcgen::KeyPair::generate().expect("key");
            let mut params =
                rcgen::CertificateParams::new(vec!["shop.example".to_string()]).expect("params");
            params.not_before = rcgen::date_time_ymd(2025, 1, 1);
            params.not_after = rcgen::date_time_ymd(y, m, d);
            let cert = params.self_signed(&key).expect("cert");
            assert_eq!(
                certificate_not_after(cert.der()),
                Some(days_from_civil(i64::from(y), i64::from(m), i64::from(d)) * 86_400),
                "{y}-{m}-{d}"
            );
        }
    }

    #[test]
    fn der_lengths() {
        assert_eq!(
            der_tlv(&[0x02, 0x01, 0x05, 0xff]),
            Some((0x02, &[0x05][..], &[0xff][..]))
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 0x80));
        assert_eq!(
            der_tlv(&long).map(|(t, c, r)| (t, c.len(), r.len())),
            Some((0x04, 0x80, 0))
        );
        assert_eq!(der_tlv(&[0x04, 0x82, 0x01]), None);
        assert_eq!(der_tlv(&[0x04, 0x05, 0x01]), None);
        assert_eq!(certificate_not_after(&[0x30, 0x00]), None);
        assert_eq!(certificate_not_after(b"not a certificate"), None);
    }
}
