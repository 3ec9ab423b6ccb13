//! One GET of an endpoint: its URL and where to connect, the connection (TLS when https), the
//! hyper request, and the status, headers and start of the body; redirects are read, not followed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ProtocolVersion};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::cert::OcspRecorder;
use super::tls::{RecordingVerifier, Trust};
use super::{connect_to, ConnectTo, BODY_LIMIT, CONNECT_TIMEOUT, PROBE_ORIGIN, SIZE_LIMIT};

/// An `http_endpoint` id, parsed.
#[derive(Debug, Clone)]
pub(super) struct Target {
    /// The URL as written.
    pub(super) url: String,
    pub(super) https: bool,
    /// Host name or IP address, without IPv6 brackets.
    pub(super) host: String,
    pub(super) port: u16,
    /// `Host` header value.
    pub(super) authority: String,
    /// Path and query, at least `/`.
    pub(super) path: String,
    /// Where to connect instead of `host`:`port` (`--connect-to`); `None`: there.
    pub(super) via: Option<(String, u16)>,
    /// Read the whole body to count its bytes (`body_bytes`), not only the first
    /// [`BODY_LIMIT`] kept.
    pub(super) count_body: bool,
    /// Send `Accept-Encoding: gzip, br` (what `content_encoding` asks about).
    pub(super) accept_encoding: bool,
    /// The spec's `request:`: the method (`GET` when None) and extra headers, credentials
    /// included (never logged or recorded).
    pub(super) method: Option<String>,
    pub(super) headers: Vec<(String, String)>,
}

impl Target {
    /// The endpoint's URL as the spec loader checked it (`catalog::id::parse_url`).
    pub(super) fn parse(id: &str) -> Result<Target, String> {
        let url = crate::catalog::id::parse_url(id)?;
        Ok(Target {
            url: id.to_string(),
            https: url.https,
            host: url.host,
            port: url.port,
            authority: url.authority,
            path: url.path,
            via: None,
            count_body: false,
            accept_encoding: false,
            method: None,
            headers: Vec::new(),
        })
    }

    /// The target with its `--connect-to` route (the first rule that applies to its host and
    /// port), if any.
    pub(super) fn routed(mut self, rules: &[ConnectTo]) -> Target {
        self.via = connect_to::route(rules, &self.host, self.port);
        self
    }

    /// Records the route in `rerouted` (`host:port` -> address), when there is one.
    pub(super) fn note_route(&self, rerouted: &mut BTreeMap<String, String>) {
        if let Some((host, port)) = &self.via {
            rerouted.insert(
                connect_to::address(&self.host, self.port),
                connect_to::address(host, *port),
            );
        }
    }

    /// Where the TCP connection goes: the `--connect-to` route, else the URL's host and port.
    pub(super) fn dial(&self) -> (&str, u16) {
        match &self.via {
            Some((host, port)) => (host.as_str(), *port),
            None => (self.host.as_str(), self.port),
        }
    }

    /// `host:port` of the connection.
    pub(super) fn dial_address(&self) -> String {
        let (host, port) = self.dial();
        connect_to::address(host, port)
    }

    /// The connection, for messages: `learn.example:443`, or
    /// `127.0.0.1:8443 (learn.example:443 through --connect-to)`.
    pub(super) fn dial_description(&self) -> String {
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
    pub(super) fn plain_http(&self) -> Target {
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
            count_body: false,
            accept_encoding: false,
            // The spec's headers go over TLS only.
            method: self.method.clone(),
            headers: Vec::new(),
        }
    }
}

/// What one GET saw.
pub(super) struct Fetched {
    /// For https://: the handshake's facts.
    pub(super) tls: Option<TlsFacts>,
    /// The response, or why it was not requested (the certificate did not verify).
    pub(super) response: Result<Response, String>,
}

pub(super) struct TlsFacts {
    /// `TLSv1.2` / `TLSv1.3`.
    pub(super) version: Option<&'static str>,
    /// The leaf certificate, DER.
    pub(super) leaf: Option<Vec<u8>>,
    /// Whether the chain verified against the trust roots and the host name.
    pub(super) verified: Result<(), String>,
    /// Whether the server stapled an OCSP response; `None` when no certificate was verified.
    pub(super) ocsp_stapled: Option<bool>,
}

pub(super) struct Response {
    pub(super) status: u16,
    /// From starting to connect to the response headers.
    pub(super) elapsed_ms: u64,
    pub(super) headers: HeaderMap,
    /// The first [`BODY_LIMIT`] bytes, as UTF-8 (lossy).
    pub(super) body: Result<String, String>,
    /// The body's size in bytes, when it was read to its end to count them.
    pub(super) total: Option<Result<u64, String>>,
}

/// GETs the target (never following redirects). `Err` when nothing was observed: no connection,
/// no TLS handshake, or (over a trusted connection) no HTTP response.
pub(super) async fn fetch(
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
    let ocsp = Arc::new(OcspRecorder::new(verifier.clone()));
    let mut config = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(ocsp.clone())
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
        ocsp_stapled: ocsp.stapled(),
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
        let mut req = Request::builder()
            .method(target.method.as_deref().unwrap_or("GET"))
            .uri(target.path.as_str());
        if target.accept_encoding {
            req = req.header(header::ACCEPT_ENCODING, "gzip, br");
        }
        for (name, value) in &target.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let req = req
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
        let mut total: u64 = 0;
        let body = loop {
            if bytes.len() >= BODY_LIMIT && !target.count_body {
                break Ok(());
            }
            if total > SIZE_LIMIT {
                break Err(format!(
                    "the body is larger than {} MiB: not read to its end",
                    SIZE_LIMIT / (1024 * 1024)
                ));
            }
            match timeout_at(deadline, body.frame()).await {
                Err(_) => break Err(format!("reading the body {}", timed_out())),
                Ok(None) => break Ok(()),
                Ok(Some(Err(e))) => break Err(format!("reading the body: {e}")),
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        total += data.len() as u64;
                        if bytes.len() < BODY_LIMIT {
                            bytes.extend_from_slice(&data);
                        }
                    }
                }
            }
        };
        bytes.truncate(BODY_LIMIT);
        // The kept text stands whenever its first BODY_LIMIT bytes were read.
        let kept = match &body {
            Err(_) if bytes.len() >= BODY_LIMIT => Ok(()),
            other => other.clone(),
        };
        Ok(Response {
            status,
            elapsed_ms,
            headers,
            body: kept.map(|()| String::from_utf8_lossy(&bytes).into_owned()),
            total: target.count_body.then(|| body.map(|()| total)),
        })
    }
    .await;
    driver.abort();
    result
}

/// Whether a response redirects to `https://` on the same host (any port).
pub(super) fn redirects_to_https(resp: &Response, host: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;

    use super::*;

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
            total: None,
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
}
