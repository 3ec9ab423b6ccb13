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
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::aws::CallRecorder;
use crate::aws::CONCURRENCY;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

mod cert;
mod connect_to;
pub mod dns;
mod fetch;
mod headers;
mod more;
pub mod page;
pub mod rdap;
mod response;
pub mod tcp;
pub(crate) mod tls;
pub use connect_to::ConnectTo;

use fetch::{fetch, redirects_to_https, Fetched, Target};
use headers::header_attributes;
use tls::{accepts_legacy_tls, certificate_not_after, Trust};

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
/// The most of a body read to count its size (`body_bytes`); a larger body is an error.
pub const SIZE_LIMIT: u64 = 32 * 1024 * 1024;
/// Pseudo-operation: a TLS handshake offering HTTP/2 (`http2`), nothing requested.
pub const ALPN_HANDSHAKE: &str = "tls:AlpnHandshake";
/// Endpoints of one host probed at once (each endpoint's own requests are sequential): polite
/// to a single server, whatever `--max-concurrency` allows across hosts.
pub const PER_HOST: usize = 2;
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
    /// The nameservers `dns_record` asks (`--dns-server`); empty: the system's.
    pub dns_servers: Vec<std::net::SocketAddr>,
    /// The RDAP base URL `domain` asks (`--rdap-server`); `None`: the IANA bootstrap file's.
    pub rdap_server: Option<String>,
    /// The Chromium `web_page` drives (`--chromium`); `None`: the first on `PATH`.
    pub chromium: Option<std::path::PathBuf>,
    /// The `lighthouse` CLI (`--lighthouse`); `None`: the one on `PATH`, if any.
    pub lighthouse: Option<std::path::PathBuf>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(10),
            max_concurrency: CONCURRENCY,
            connect_to: Vec::new(),
            dns_servers: Vec::new(),
            rdap_server: None,
            chromium: None,
            lighthouse: None,
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

    async fn observe(
        resources: &[&Resource],
        options: &HttpOptions,
        calls: &CallRecorder,
    ) -> Vec<ResourceRecord> {
        // One service group at a time, so one kind: each kind's probe is its own module.
        match resources.first().map(|r| r.kind.name) {
            Some("tcp_endpoint") => tcp::observe(resources, options, calls).await,
            Some("dns_record") => dns::observe(resources, options, calls).await,
            Some("domain") => rdap::observe(resources, options, calls).await,
            Some("web_page") => page::observe(resources, options, calls).await,
            _ => observe(resources, options, calls).await,
        }
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
    // One limit per host the URLs name (not the `--connect-to` address: the same server may
    // be named twice).
    let host = |r: &Resource| {
        Target::parse(&r.id)
            .ok()
            .map(|t| t.host.to_ascii_lowercase())
    };
    let limits: std::collections::HashMap<String, std::sync::Arc<tokio::sync::Semaphore>> =
        resources
            .iter()
            .filter_map(|r| host(r))
            .map(|h| {
                (
                    h,
                    std::sync::Arc::new(tokio::sync::Semaphore::new(PER_HOST)),
                )
            })
            .collect();
    stream::iter(resources)
        .map(|r| {
            let (trust, limits) = (&trust, &limits);
            async move {
                let limit = host(r).and_then(|h| limits.get(&h).cloned());
                let _permit = match &limit {
                    Some(s) => s.acquire().await.ok(),
                    None => None,
                };
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

/// The spec's request headers with their values: a credential read from its environment
/// variable now (an unset variable is an error naming it, never a request without it), and sent
/// over TLS only.
fn request_headers(
    req: &crate::spec::HttpRequest,
    https: bool,
) -> Result<Vec<(String, String)>, String> {
    req.headers
        .iter()
        .map(|(name, source)| match source {
            crate::spec::HeaderSource::Literal(text) => Ok((name.clone(), text.clone())),
            crate::spec::HeaderSource::Env { .. } if !https => Err(format!(
                "header `{name}` carries a credential, and credentials are sent over https:// only"
            )),
            crate::spec::HeaderSource::Env { var, prefix } => match std::env::var(var) {
                Ok(value) if !value.is_empty() => Ok((name.clone(), format!("{prefix}{value}"))),
                _ => Err(format!(
                    "header `{name}`: the environment variable `{var}` is not set, so the endpoint was not requested"
                )),
            },
        })
        .collect()
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
    let mut target = match Target::parse(&r.id) {
        Ok(t) => t.routed(&options.connect_to),
        Err(error) => return Observation::Error { error },
    };
    target.count_body = checks(r, "body_bytes");
    if let Some(req) = &r.request {
        match request_headers(req, target.https) {
            Ok(headers) => target.headers = headers,
            Err(error) => return Observation::Error { error },
        }
        target.method = req.method.clone();
    }
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
    certificate_facts(tls, &target.host, &mut attributes, &mut errors);

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
        "headers",
        "header_names",
        "content_security_policy",
        "referrer_policy",
        "permissions_policy",
        "cache_control",
        "cache_max_age",
        "content_type",
        "server",
        "powered_by",
        "reveals_version",
        "http3_advertised",
        "cookies",
        "cookies_all_secure",
        "cookies_all_http_only",
        "body_bytes",
        "redirect_chain",
        "final_status",
        "final_url",
        "redirect_leaves_host",
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
            attributes.extend(response::response_attributes(&resp.headers));
            match &resp.total {
                Some(Ok(n)) => {
                    attributes.insert("body_bytes".into(), json!(n));
                }
                Some(Err(e)) => {
                    errors.insert("body_bytes".into(), e.clone());
                }
                None => {}
            }
            let record = || recorder.record(GET);
            if [
                "redirect_chain",
                "final_status",
                "final_url",
                "redirect_leaves_host",
            ]
            .iter()
            .any(|a| checks(r, a))
            {
                let location = resp
                    .headers
                    .get(hyper::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                match more::follow(
                    &target,
                    resp.status,
                    location,
                    trust,
                    &options.connect_to,
                    options.timeout,
                    &record,
                )
                .await
                {
                    Ok(f) => {
                        attributes.insert("redirect_chain".into(), json!(f.chain));
                        attributes.insert("final_status".into(), json!(f.final_status));
                        attributes.insert("final_url".into(), json!(f.final_url));
                        attributes.insert("redirect_leaves_host".into(), json!(f.left_host));
                    }
                    Err(e) => {
                        for a in [
                            "redirect_chain",
                            "final_status",
                            "final_url",
                            "redirect_leaves_host",
                        ] {
                            errors.insert(a.into(), e.clone());
                        }
                    }
                }
            }
            if checks(r, "response_time_p50_ms") || checks(r, "response_time_p95_ms") {
                match more::latency(&target, trust, options.timeout, &record).await {
                    Ok((p50, p95)) => {
                        attributes.insert("response_time_p50_ms".into(), json!(p50));
                        attributes.insert("response_time_p95_ms".into(), json!(p95));
                    }
                    Err(e) => {
                        errors.insert("response_time_p50_ms".into(), e.clone());
                        errors.insert("response_time_p95_ms".into(), e);
                    }
                }
            }
            if checks(r, "content_encoding") {
                record();
                match more::encoding(&target, trust, options.timeout).await {
                    Ok(v) => {
                        attributes.insert("content_encoding".into(), v);
                    }
                    Err(e) => {
                        errors.insert("content_encoding".into(), e);
                    }
                }
            }
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
        if checks(r, "http2") {
            recorder.record(ALPN_HANDSHAKE);
            match more::negotiates_h2(&target, trust, options.timeout).await {
                Ok(h2) => {
                    attributes.insert("http2".into(), json!(h2));
                }
                Err(e) => {
                    errors.insert(
                        "http2".into(),
                        format!(
                            "TLS handshake offering HTTP/2 with {}: {e}",
                            target.dial_description()
                        ),
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
        attributes.insert("http2".into(), Value::Null);
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

/// The leaf certificate's issuer, names and whether they cover the URL's host, and whether an
/// OCSP response was stapled: the same facts as `tcp_endpoint`'s, of the GET's own handshake
/// (no more connections). Null for `http://`.
fn certificate_facts(
    tls: Option<&fetch::TlsFacts>,
    host: &str,
    attributes: &mut BTreeMap<String, Value>,
    errors: &mut BTreeMap<String, String>,
) {
    const NAMES: [&str; 3] = [
        "certificate_issuer",
        "certificate_sans",
        "certificate_covers_host",
    ];
    let Some(tls) = tls else {
        for a in NAMES.iter().chain(["ocsp_stapled"].iter()) {
            attributes.insert((*a).into(), Value::Null);
        }
        return;
    };
    match tls.leaf.as_deref().map(cert::CertificateFacts::of) {
        Some(Ok(facts)) => {
            attributes.insert(
                "certificate_issuer".into(),
                facts.issuer.clone().map_or(Value::Null, Value::from),
            );
            attributes.insert("certificate_sans".into(), json!(facts.dns_names));
            attributes.insert(
                "certificate_covers_host".into(),
                json!(facts.covers_host(host)),
            );
        }
        Some(Err(e)) => {
            for a in NAMES {
                errors.insert(a.into(), e.clone());
            }
        }
        None => {
            for a in NAMES {
                errors.insert(a.into(), "the server sent no certificate".into());
            }
        }
    }
    match tls.ocsp_stapled {
        Some(stapled) => {
            attributes.insert("ocsp_stapled".into(), json!(stapled));
        }
        None => {
            errors.insert(
                "ocsp_stapled".into(),
                "the certificate was not seen by the verifier".into(),
            );
        }
    }
}
