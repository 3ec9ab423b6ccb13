//! The requests an `http_endpoint` makes besides its one GET, each only when its attributes are
//! checked: the redirects followed (on the URL's own host only: a request is never sent to a
//! host the spec does not name), latency samples, a GET asking for compression, and a TLS
//! handshake offering HTTP/2.

use std::sync::{Arc, Mutex};

use hyper::header;
use hyper::Uri;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::fetch::{fetch, Fetched, Target};
use super::tls::{RecordingVerifier, Trust};
use super::{ConnectTo, CONNECT_TIMEOUT};

/// Redirects followed at most.
pub(super) const MAX_REDIRECTS: usize = 10;
/// Requests timed for the latency percentiles (besides none: the first GET is not one of them,
/// its connection may warm caches on the way).
pub(super) const SAMPLES: usize = 10;

/// Where following the URL's redirects leads: each `Location` in order (redacted like
/// `location`), the status of the last response, and the last URL requested.
pub(super) struct Followed {
    pub(super) chain: Vec<String>,
    pub(super) final_status: u16,
    pub(super) final_url: String,
    /// The last `Location` named another host, so it was not requested.
    pub(super) left_host: bool,
}

/// The next URL of a redirect: an absolute `Location`, or one relative to the current URL.
fn next_url(current: &Target, location: &str) -> Option<String> {
    let location = location.trim();
    if let Ok(uri) = location.parse::<Uri>() {
        if uri.scheme().is_some() && uri.authority().is_some() {
            return Some(location.to_string());
        }
    }
    let scheme = if current.https { "https" } else { "http" };
    let authority = &current.authority;
    if location.starts_with("//") {
        return Some(format!("{scheme}:{location}"));
    }
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    // Relative to the current path's directory.
    let base = current.path.split('?').next().unwrap_or("/");
    let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{scheme}://{authority}{dir}{location}"))
}

/// Follows the redirects of `first` (already fetched) on its own host, up to
/// [`MAX_REDIRECTS`]; a URL requested twice is a loop, an error naming it.
pub(super) async fn follow(
    first: &Target,
    first_status: u16,
    first_location: Option<String>,
    trust: &Trust,
    rules: &[ConnectTo],
    timeout: std::time::Duration,
    record: &dyn Fn(),
) -> Result<Followed, String> {
    let mut seen = vec![first.url.clone()];
    let mut chain = Vec::new();
    let (mut status, mut location, mut current) = (first_status, first_location, first.clone());
    loop {
        let Some(loc) = location.filter(|_| matches!(status, 301 | 302 | 303 | 307 | 308)) else {
            return Ok(Followed {
                chain,
                final_status: status,
                final_url: crate::redact::text(&current.url),
                left_host: false,
            });
        };
        let next = next_url(&current, &loc)
            .ok_or_else(|| format!("cannot follow the redirect of {} to `{loc}`", current.url))?;
        chain.push(crate::redact::text(&next));
        let target = Target::parse(&next).map_err(|e| {
            format!(
                "cannot follow the redirect to `{}`: {e}",
                crate::redact::text(&next)
            )
        })?;
        if !target.host.eq_ignore_ascii_case(&first.host) {
            return Ok(Followed {
                chain,
                final_status: status,
                final_url: crate::redact::text(&current.url),
                left_host: true,
            });
        }
        if seen.contains(&target.url) {
            return Err(format!(
                "redirect loop: {} → {}",
                seen.iter()
                    .map(|u| crate::redact::text(u))
                    .collect::<Vec<_>>()
                    .join(" → "),
                crate::redact::text(&target.url)
            ));
        }
        if seen.len() > MAX_REDIRECTS {
            return Err(format!("more than {MAX_REDIRECTS} redirects"));
        }
        seen.push(target.url.clone());
        let mut target = target.routed(rules);
        // The same host: the spec's request goes on, its headers over TLS only.
        target.method = first.method.clone();
        if target.https {
            target.headers = first.headers.clone();
        }
        record();
        let deadline = Instant::now() + timeout;
        let fetched = fetch(&target, Some(trust), deadline)
            .await
            .map_err(|e| format!("GET {}: {e}", crate::redact::text(&target.url)))?;
        let resp = fetched
            .response
            .map_err(|e| format!("GET {}: {e}", crate::redact::text(&target.url)))?;
        status = resp.status;
        location = resp
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        current = target;
    }
}

/// The 50th and 95th percentiles (nearest rank) of [`SAMPLES`] more GETs of the URL, in
/// milliseconds to the response headers.
pub(super) async fn latency(
    target: &Target,
    trust: &Trust,
    timeout: std::time::Duration,
    record: &dyn Fn(),
) -> Result<(u64, u64), String> {
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        record();
        let deadline = Instant::now() + timeout;
        let fetched = fetch(target, Some(trust), deadline)
            .await
            .map_err(|e| format!("GET {}: {e}", target.url))?;
        let resp = fetched
            .response
            .map_err(|e| format!("GET {}: {e}", target.url))?;
        times.push(resp.elapsed_ms);
    }
    Ok(percentiles(&mut times))
}

/// (p50, p95) by the nearest-rank method.
pub(crate) fn percentiles(times: &mut [u64]) -> (u64, u64) {
    times.sort_unstable();
    let rank = |p: usize| -> u64 {
        if times.is_empty() {
            return 0;
        }
        let n = times.len();
        let index = (p * n).div_ceil(100).clamp(1, n) - 1;
        times[index]
    };
    (rank(50), rank(95))
}

/// The `Content-Encoding` of a GET that accepts gzip and Brotli (null: sent uncompressed).
pub(super) async fn encoding(
    target: &Target,
    trust: &Trust,
    timeout: std::time::Duration,
) -> Result<Value, String> {
    let mut target = target.clone();
    target.accept_encoding = true;
    let deadline = Instant::now() + timeout;
    match fetch(&target, Some(trust), deadline).await {
        Ok(Fetched {
            response: Ok(resp), ..
        }) => Ok(json!(resp
            .headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_ascii_lowercase()))),
        Ok(Fetched {
            response: Err(e), ..
        })
        | Err(e) => Err(format!("GET {} with Accept-Encoding: {e}", target.url)),
    }
}

/// Whether the server picks HTTP/2 when a TLS client offers it (ALPN `h2` before `http/1.1`).
/// Only the handshake is made; nothing is requested.
pub(super) async fn negotiates_h2(
    target: &Target,
    trust: &Trust,
    timeout: std::time::Duration,
) -> Result<bool, String> {
    let started = Instant::now();
    let deadline = started + timeout;
    let tcp = timeout_at(
        deadline.min(started + CONNECT_TIMEOUT),
        TcpStream::connect(target.dial()),
    )
    .await
    .map_err(|_| format!("connecting to {} timed out", target.dial_description()))?
    .map_err(|e| format!("cannot connect to {}: {e}", target.dial_description()))?;
    let verifier = Arc::new(RecordingVerifier {
        provider: trust.provider.clone(),
        inner: trust.verifier.clone(),
        outcome: Mutex::new(None),
    });
    let mut config = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| format!("`{}` is not a valid TLS server name: {e}", target.host))?;
    let tls = timeout_at(
        deadline,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| "TLS handshake timed out (--call-timeout)".to_string())?
    .map_err(|e| format!("TLS handshake failed: {e}"))?;
    Ok(tls.get_ref().1.alpn_protocol() == Some(b"h2".as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut t = vec![120, 80, 95, 300, 90, 100, 85, 110, 105, 99];
        assert_eq!(percentiles(&mut t), (99, 300));
        assert_eq!(percentiles(&mut [42]), (42, 42));
        assert_eq!(percentiles(&mut []), (0, 0));
    }

    #[test]
    fn relative_and_absolute_locations() {
        let t = Target::parse("https://shop.example/a/b?x=1").expect("url");
        assert_eq!(
            next_url(&t, "/login").as_deref(),
            Some("https://shop.example/login")
        );
        assert_eq!(
            next_url(&t, "c").as_deref(),
            Some("https://shop.example/a/c")
        );
        assert_eq!(
            next_url(&t, "//cdn.example/x").as_deref(),
            Some("https://cdn.example/x")
        );
        assert_eq!(
            next_url(&t, "http://shop.example/").as_deref(),
            Some("http://shop.example/")
        );
    }
}
