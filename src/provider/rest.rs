//! A small client for the REST APIs of the providers read with a token (GitHub, Vercel): GETs
//! only, a bearer token read from an environment variable and sent only in the `Authorization`
//! header over HTTPS (plain HTTP only to a loopback test server), rate limits waited out within
//! the call timeout, lists followed page by page on the API's own origin only. Nothing here
//! records the token.
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use crate::aws::CallRecorder;
use crate::provider::http::tls::Trust;

/// The most of one answer read.
const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// Pages followed at most for one list.
const PAGE_LIMIT: usize = 50;
/// Attempts of one request when the API asks to wait.
const ATTEMPTS: usize = 3;

/// An API's base URL: `https://`, or `http://` to a loopback address (a test server): a token is
/// never sent in the clear over a network.
pub fn parse_api_url(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    let uri: hyper::Uri = s
        .parse()
        .map_err(|_| format!("`{s}` is not a URL (e.g. https://api.example.com)"))?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(s.to_string()),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1") => {
            Ok(s.to_string())
        }
        Some("http") => Err(format!(
            "`{s}`: the token is sent over https:// only (http:// is accepted for a loopback test server)"
        )),
        _ => Err(format!(
            "`{s}` is not an https:// URL (e.g. https://api.example.com)"
        )),
    }
}

/// What one GET answered.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("the answer is not JSON: {e}"))
    }

    /// The answer's error message (`message`, `error.message` or `detail`), redacted.
    pub(crate) fn message(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .or_else(|| v.pointer("/error/message"))
                    .or_else(|| v.get("detail"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .map(|m| crate::redact::text(&m))
            .unwrap_or_default()
    }
}

/// An API's address, the token and the headers every request carries: one per run.
pub(crate) struct Client {
    https: bool,
    host: String,
    port: u16,
    /// The base URL's path, without a trailing `/` (empty for api.github.com).
    prefix: String,
    /// `scheme://authority` of the base URL: the only place pages are followed to.
    origin: String,
    token: String,
    /// The variable the token was read from, for messages.
    pub(crate) token_env: String,
    /// Headers besides Authorization, Host, User-Agent and Connection.
    headers: Vec<(&'static str, &'static str)>,
    trust: Option<Arc<ClientConfig>>,
    timeout: Duration,
}

impl Client {
    /// A client of the API at `api_url`, with the token from the variable `token_env` (an
    /// error when it is unset: nothing is requested without it).
    pub(crate) fn new(
        api_url: &str,
        token_env: &str,
        headers: Vec<(&'static str, &'static str)>,
        timeout: Duration,
    ) -> Result<Client, String> {
        let api = parse_api_url(api_url)?;
        let uri: hyper::Uri = api.parse().map_err(|e| format!("{api}: {e}"))?;
        let https = uri.scheme_str() == Some("https");
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let token = match std::env::var(token_env) {
            Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => {
                return Err(format!(
                    "the environment variable `{token_env}` is not set: the API is read with a token (`infra-verify permissions` lists what it needs)"
                ))
            }
        };
        let trust = if https {
            let trust = Trust::load();
            let verifier = trust.verifier.clone()?;
            let mut config = ClientConfig::builder_with_provider(trust.provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS configuration: {e}"))?
                .dangerous()
                // The platform's full WebPKI verifier (chain and name): nothing is skipped.
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Some(Arc::new(config))
        } else {
            None
        };
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        Ok(Client {
            https,
            host,
            port,
            prefix: uri.path().trim_end_matches('/').to_string(),
            origin: format!("{}://{authority}", if https { "https" } else { "http" }),
            token,
            token_env: token_env.to_string(),
            headers,
            trust,
            timeout,
        })
    }

    /// One GET of `path` (below the base URL, with its query), waiting out rate limits within
    /// the call timeout.
    pub(crate) async fn get(&self, path: &str) -> Result<Reply, String> {
        let deadline = Instant::now() + self.timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let reply = timeout_at(deadline, self.once(path))
                .await
                .map_err(|_| "timed out (--call-timeout)".to_string())??;
            let Some(wait) = rate_limited(&reply) else {
                return Ok(reply);
            };
            if attempt >= ATTEMPTS || Instant::now() + wait > deadline {
                return Err(format!(
                    "rate limited ({}): asked to wait {} s, past --call-timeout",
                    reply.status,
                    wait.as_secs()
                ));
            }
            tracing::debug!(
                wait_s = wait.as_secs(),
                "rate limited: waiting before retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(&self, path: &str) -> Result<Reply, String> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.origin))?;
        match &self.trust {
            Some(config) => {
                let name = ServerName::try_from(self.host.clone())
                    .map_err(|e| format!("`{}`: {e}", self.host))?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS with {}: {e}", self.origin))?;
                self.request(tls, path).await
            }
            None => self.request(tcp, path).await,
        }
    }

    async fn request<S>(&self, io: S, path: &str) -> Result<Reply, String>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(io))
                .await
                .map_err(|e| format!("HTTP/1.1: {e}"))?;
        let driver = tokio::spawn(conn);
        let authority = if (self.https && self.port == 443) || (!self.https && self.port == 80) {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let mut req = Request::builder()
            .method("GET")
            .uri(format!("{}{path}", self.prefix))
            .header(header::HOST, authority)
            .header(
                header::USER_AGENT,
                concat!("infra-verify/", env!("CARGO_PKG_VERSION")),
            )
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONNECTION, "close");
        for (name, value) in &self.headers {
            req = req.header(*name, *value);
        }
        let req = req
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let result = async {
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| format!("no HTTP response: {e}"))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let mut body = resp.into_body();
            let mut bytes = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| format!("reading the answer: {e}"))?;
                if let Ok(data) = frame.into_data() {
                    bytes.extend_from_slice(&data);
                    if bytes.len() > BODY_LIMIT {
                        return Err("the answer is larger than 8 MiB".to_string());
                    }
                }
            }
            Ok(Reply {
                status,
                headers,
                body: bytes,
            })
        }
        .await;
        driver.abort();
        result
    }

    /// Every item of a paginated list: `key` names the array in each page's object (`None`: the
    /// page is the array), pages followed through `Link: <...>; rel="next"` on the API's own
    /// origin only. Each page is counted under `operation`.
    pub(crate) async fn list(
        &self,
        first: &str,
        key: Option<&str>,
        operation: &'static str,
        recorder: &CallRecorder,
    ) -> Result<Vec<Value>, Failure> {
        let mut items = Vec::new();
        let mut next = Some(first.to_string());
        let mut pages = 0;
        while let Some(path) = next.take() {
            pages += 1;
            if pages > PAGE_LIMIT {
                return Err(Failure::Other(format!(
                    "more than {PAGE_LIMIT} pages: not read to its end"
                )));
            }
            recorder.record(operation);
            let reply = self.get(&path).await.map_err(Failure::Other)?;
            if reply.status != 200 {
                return Err(Failure::Status(reply));
            }
            let page = reply.json().map_err(Failure::Other)?;
            let list = match key {
                Some(k) => page.get(k).and_then(Value::as_array),
                None => page.as_array(),
            }
            .ok_or_else(|| {
                Failure::Other(format!(
                    "GitHub's answer has no `{}` list",
                    key.unwrap_or("[]")
                ))
            })?;
            items.extend(list.iter().cloned());
            next = match next_page(&reply.headers) {
                Some(url) => Some(self.below_base(&url).map_err(Failure::Other)?),
                None => None,
            };
        }
        Ok(items)
    }

    /// The path (with its query) below the base URL of a page URL GitHub gave; an error for
    /// a URL elsewhere (never followed).
    pub(crate) fn below_base(&self, url: &str) -> Result<String, String> {
        let rest = url
            .strip_prefix(&self.origin)
            .and_then(|r| r.strip_prefix(&self.prefix))
            .filter(|r| r.starts_with('/'))
            .ok_or_else(|| format!("GitHub's next page is not on {}: not followed", self.origin))?;
        Ok(rest.to_string())
    }
}

/// How long GitHub asks to wait, when the answer is a rate limit: 429, or 403 with
/// `retry-after` (secondary limits) or no requests left (`x-ratelimit-remaining: 0`).
pub(crate) fn rate_limited(reply: &Reply) -> Option<Duration> {
    if reply.status != 429 && reply.status != 403 {
        return None;
    }
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok())?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Some(Duration::from_secs(reset.saturating_sub(now).max(1)));
    }
    (reply.status == 429).then_some(Duration::from_secs(60))
}

/// The `rel="next"` URL of a `Link` header.
pub(crate) fn next_page(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// Why a read did not give its data.
pub(crate) enum Failure {
    /// The API answered, but not 200.
    Status(Reply),
    /// No answer (or one that could not be read).
    Other(String),
}

impl Failure {
    /// The error of an attribute family read with `operation` from `api` (`GitHub`), naming
    /// the token's variable on a 401 and `forbidden` (what the token lacks) on a 403.
    pub(crate) fn describe(
        &self,
        api: &str,
        operation: &str,
        token_env: &str,
        forbidden: &str,
    ) -> String {
        match self {
            Failure::Other(e) => format!("{operation}: {e}"),
            Failure::Status(reply) => {
                let message = reply.message();
                let said = if message.is_empty() {
                    String::new()
                } else {
                    format!(" ({message})")
                };
                match reply.status {
                    401 => format!(
                        "{operation}: {api} answered 401{said}: the token in `{token_env}` is not valid (expired or revoked)"
                    ),
                    403 => format!("{operation}: {api} answered 403{said}: {forbidden}"),
                    s => format!("{operation}: {api} answered {s}{said}"),
                }
            }
        }
    }
}

/// Whether the resource checks an attribute read with `operation`: each attribute family is
/// requested only then.
pub(crate) fn wants(r: &crate::spec::Resource, operation: &str) -> bool {
    r.expectations
        .iter()
        .any(|e| e.attribute.operation == operation)
}
