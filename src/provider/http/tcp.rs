//! Live checks of a TCP port (`tcp_endpoint`): not an AWS service, so no credentials and no IAM
//! action. One TCP connection per resource (`tcp:Connect`) gives its state; when `banner` is
//! checked, what the server sends first is read on that connection (nothing is ever sent); when a
//! TLS attribute is checked, a TLS handshake (`tls:Handshake`) is made on that connection, or on
//! a second one when the banner was read on the first. Nothing is requested over TLS.
//!
//! The verdicts, never a false pass:
//! - connected: `open: true`, `state: open`;
//! - every address of the host answered with a reset: `open: false`, `state: refused` (the port
//!   is closed; an observation);
//! - no answer from some address within the connect timeout (5 s, or `--call-timeout` when
//!   shorter), and no connection from any: `state: filtered`, and `open` is an *error* ("could not
//!   tell": a firewall dropping packets and a host that is down look the same), so `open: false`
//!   never passes on a timeout; `state: { one_of: [refused, filtered] }` accepts both;
//! - a name that does not resolve, a network or host unreachable, any other failure: the resource
//!   is an error (nothing was learnt about the port).
//!
//! `tls` is false only on an answer that refuses the handshake (an alert, or bytes that are not
//! TLS); a connection closed or reset before any answer, or no answer in time, is an error. The
//! certificate is verified against the same trust roots as `http_endpoint`'s, and described even
//! when it does not verify ([`super::cert`]).
//!
//! `--connect-to` rules ([`super::ConnectTo`]) apply to the id's host and port as for
//! `http_endpoint`; the TLS server name and the certificate's name checks stay the id's host.
use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ProtocolVersion};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::cert::{CertificateFacts, OcspRecorder};
use super::tls::{certificate_not_after, RecordingVerifier, Trust};
use super::{checks, connect_to, HttpOptions, CONNECT_TIMEOUT};
use crate::aws::CallRecorder;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for `tcp_endpoint`.
pub const SERVICE: &str = "tcp";
/// Pseudo-operation: a TCP connection to the endpoint.
pub const CONNECT: &str = "tcp:Connect";
/// Pseudo-operation: a TLS handshake with the endpoint.
pub const HANDSHAKE: &str = "tls:Handshake";
/// The most of the banner kept.
const BANNER_LIMIT: usize = 256;
/// How long the server has to send its first bytes.
const BANNER_WAIT: Duration = Duration::from_secs(2);
/// How long to wait for more of the first line once some has come.
const BANNER_MORE: Duration = Duration::from_millis(200);
/// The attributes read from the TLS handshake.
const TLS_ATTRIBUTES: &[&str] = &[
    "tls",
    "tls_version",
    "certificate_valid",
    "certificate_days_remaining",
    "certificate_issuer",
    "certificate_sans",
    "certificate_covers_host",
    "ocsp_stapled",
];

/// Observes every `tcp_endpoint`, a bounded number at once.
pub(super) async fn observe(
    resources: &[&Resource],
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    // The trust roots are read only when some handshake will use them.
    let trust = resources.iter().any(|r| wants_tls(r)).then(Trust::load);
    stream::iter(resources)
        .map(|r| {
            let trust = trust.as_ref();
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

fn wants_tls(r: &Resource) -> bool {
    TLS_ATTRIBUTES.iter().any(|a| checks(r, a))
}

/// How connecting to one address ended.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// A reset: nothing listens there.
    Refused,
    /// No answer before the connect timeout.
    TimedOut,
    /// Anything else (network or host unreachable, ...), with the reason.
    Failed(String),
}

/// The port's state from the addresses tried when none accepted the connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PortState {
    Open,
    Refused,
    Filtered,
}

/// Every address refused: refused. Some timed out and the others refused: filtered (could not
/// tell). Any other failure and no connection: an error, never a state.
pub(crate) fn port_state(attempts: &[(String, Attempt)]) -> Result<PortState, String> {
    let failed: Vec<String> = attempts
        .iter()
        .filter_map(|(addr, a)| match a {
            Attempt::Failed(why) => Some(format!("{addr}: {why}")),
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        return Err(failed.join("; "));
    }
    if attempts.is_empty() {
        return Err("the name resolved to no address".into());
    }
    if attempts.iter().any(|(_, a)| matches!(a, Attempt::TimedOut)) {
        Ok(PortState::Filtered)
    } else {
        Ok(PortState::Refused)
    }
}

/// A connection made, or the port's state without one.
pub(crate) struct Connection {
    pub(crate) state: PortState,
    /// When open: the stream and the milliseconds it took.
    pub(crate) stream: Option<(TcpStream, u64)>,
    /// The addresses that did not answer in time (for messages).
    pub(crate) timed_out: Vec<String>,
}

/// Resolves `host` and connects to its addresses in turn until one accepts, each within the
/// connect timeout (and `deadline`). `Err`: the name did not resolve, or a failure that tells
/// nothing about the port.
pub(crate) async fn connect(
    host: &str,
    port: u16,
    deadline: Instant,
) -> Result<Connection, String> {
    let began = Instant::now();
    let addresses: Vec<std::net::SocketAddr> =
        timeout_at(deadline, tokio::net::lookup_host((host, port)))
            .await
            .map_err(|_| format!("resolving `{host}` timed out"))?
            .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
            .collect();
    let mut attempts = Vec::new();
    for addr in addresses {
        let by = deadline.min(Instant::now() + CONNECT_TIMEOUT);
        let attempt = match timeout_at(by, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let ms = began.elapsed().as_millis() as u64;
                return Ok(Connection {
                    state: PortState::Open,
                    stream: Some((stream, ms)),
                    timed_out: Vec::new(),
                });
            }
            Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => Attempt::Refused,
            Ok(Err(e)) => Attempt::Failed(e.to_string()),
            Err(_) => Attempt::TimedOut,
        };
        attempts.push((addr.to_string(), attempt));
    }
    let state = port_state(&attempts)?;
    Ok(Connection {
        state,
        stream: None,
        timed_out: attempts
            .into_iter()
            .filter(|(_, a)| matches!(a, Attempt::TimedOut))
            .map(|(addr, _)| addr)
            .collect(),
    })
}

/// What the server sends first, up to its first line end or [`BANNER_LIMIT`] bytes; `None` when
/// it sends nothing within [`BANNER_WAIT`] (or closes first). A reset before any byte is an error.
async fn read_banner(stream: &mut TcpStream, deadline: Instant) -> Result<Option<String>, String> {
    let mut got: Vec<u8> = Vec::new();
    let mut chunk = [0u8; BANNER_LIMIT];
    let first_by = deadline.min(Instant::now() + BANNER_WAIT);
    while got.len() < BANNER_LIMIT && !got.contains(&b'\n') {
        let by = if got.is_empty() {
            first_by
        } else {
            deadline.min(Instant::now() + BANNER_MORE)
        };
        let room = BANNER_LIMIT - got.len();
        match timeout_at(by, stream.read(&mut chunk[..room])).await {
            Err(_) | Ok(Ok(0)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) if got.is_empty() => {
                return Err(format!(
                    "the connection failed before the server sent anything: {e}"
                ))
            }
            Ok(Err(_)) => break,
        }
    }
    if got.is_empty() {
        return Ok(None);
    }
    let line = match got.iter().position(|b| *b == b'\n') {
        Some(end) => &got[..end],
        None => &got[..],
    };
    let text = String::from_utf8_lossy(line);
    Ok(Some(crate::redact::text(text.trim_end_matches('\r'))))
}

/// What a TLS handshake showed.
pub(crate) enum Handshake {
    /// It completed.
    Tls(TlsSeen),
    /// The server answered, but not with a completed handshake: why.
    Refused(String),
}

pub(crate) struct TlsSeen {
    /// `TLSv1.2` / `TLSv1.3`.
    pub(crate) version: Option<&'static str>,
    /// The leaf certificate, DER.
    pub(crate) leaf: Option<Vec<u8>>,
    /// Whether the chain verified against the trust roots and the host name.
    pub(crate) verified: Result<(), String>,
    /// Whether the server stapled an OCSP response.
    pub(crate) ocsp_stapled: Option<bool>,
}

/// A TLS handshake over `tcp` with `host` as the server name, recording the certificate's
/// verdict instead of refusing it. `Err`: no answer was seen (timed out, closed, reset).
pub(super) async fn handshake(
    tcp: TcpStream,
    host: &str,
    trust: &Trust,
    deadline: Instant,
) -> Result<Handshake, String> {
    let recording = Arc::new(RecordingVerifier {
        provider: trust.provider.clone(),
        inner: trust.verifier.clone(),
        outcome: Mutex::new(None),
    });
    let ocsp = Arc::new(OcspRecorder::new(recording.clone()));
    let config = ClientConfig::builder_with_provider(trust.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(ocsp.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| format!("`{host}` is not a valid TLS server name: {e}"))?;
    let tls = match timeout_at(
        deadline,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    {
        Err(_) => return Err("the TLS handshake timed out (--call-timeout)".into()),
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            // tokio-rustls wraps what rustls rejected (an alert, bytes that are not TLS) in the
            // io::Error; anything else (EOF, reset) is no answer.
            return match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(refused) => Ok(Handshake::Refused(refused.to_string())),
                None => Err(format!(
                    "the connection failed before the TLS handshake completed ({e}): no refusal was seen"
                )),
            };
        }
    };
    let (_, session) = tls.get_ref();
    Ok(Handshake::Tls(TlsSeen {
        version: session.protocol_version().map(|v| match v {
            ProtocolVersion::TLSv1_3 => "TLSv1.3",
            ProtocolVersion::TLSv1_2 => "TLSv1.2",
            _ => "unknown",
        }),
        leaf: session
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.as_ref().to_vec()),
        verified: recording
            .outcome
            .lock()
            .ok()
            .and_then(|o| o.clone())
            .unwrap_or_else(|| Err("the certificate was not verified".into())),
        ocsp_stapled: ocsp.stapled(),
    }))
}

/// The TLS attributes of a completed handshake with `host`.
pub(crate) fn tls_attributes(
    seen: &TlsSeen,
    host: &str,
    attributes: &mut BTreeMap<String, Value>,
    errors: &mut BTreeMap<String, String>,
) {
    attributes.insert("tls".into(), json!(true));
    attributes.insert(
        "tls_version".into(),
        seen.version.map_or(Value::Null, Value::from),
    );
    attributes.insert("certificate_valid".into(), json!(seen.verified.is_ok()));
    let Some(leaf) = seen.leaf.as_deref() else {
        for a in &TLS_ATTRIBUTES[3..7] {
            errors.insert((*a).into(), "the server sent no certificate".into());
        }
        return;
    };
    match certificate_not_after(leaf) {
        Some(not_after) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            attributes.insert(
                "certificate_days_remaining".into(),
                json!((not_after - now).div_euclid(86_400)),
            );
        }
        None => {
            errors.insert(
                "certificate_days_remaining".into(),
                "the server's certificate could not be read (not X.509 DER)".into(),
            );
        }
    }
    match CertificateFacts::of(leaf) {
        Ok(facts) => {
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
        Err(e) => {
            for a in [
                "certificate_issuer",
                "certificate_sans",
                "certificate_covers_host",
            ] {
                errors.insert(a.into(), e.clone());
            }
        }
    }
    match seen.ocsp_stapled {
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

async fn observe_one(
    r: &Resource,
    trust: Option<&Trust>,
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Observation {
    let (host, port) = match crate::catalog::id::parse_host_port(&r.id) {
        Ok(hp) => hp,
        Err(error) => return Observation::Error { error },
    };
    let via = connect_to::route(&options.connect_to, &host, port);
    let (dial_host, dial_port) = via.clone().unwrap_or_else(|| (host.clone(), port));
    let dial = connect_to::address(&dial_host, dial_port);
    let described = match &via {
        Some(_) => format!(
            "{dial} ({} through --connect-to)",
            connect_to::address(&host, port)
        ),
        None => dial.clone(),
    };
    let deadline = Instant::now() + options.timeout;
    recorder.record(CONNECT);
    let connection = match connect(&dial_host, dial_port, deadline).await {
        Ok(c) => c,
        Err(e) => {
            tracing::debug!(endpoint = %r.id, connected_to = %dial, error = %e, "connect failed");
            return Observation::Error {
                error: format!("connecting to {described}: {e}"),
            };
        }
    };
    tracing::debug!(endpoint = %r.id, connected_to = %dial, state = ?connection.state, "connect done");
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    attributes.insert(
        "connect_to".into(),
        match &via {
            Some((h, p)) => json!({ connect_to::address(&host, port): connect_to::address(h, *p) }),
            None => Value::Null,
        },
    );
    let wants_banner = checks(r, "banner");
    let wants_tls = wants_tls(r);
    match connection.state {
        PortState::Refused => {
            attributes.insert("open".into(), json!(false));
            attributes.insert("state".into(), json!("refused"));
            // Observed: nothing listens, so there is no banner and no TLS.
            for a in ["connect_ms", "banner"].iter().chain(TLS_ATTRIBUTES) {
                attributes.insert((*a).into(), Value::Null);
            }
        }
        PortState::Filtered => {
            attributes.insert("state".into(), json!("filtered"));
            let why = format!(
                "no answer from {} within the connect timeout (`state: filtered`): whether the port is open could not be told",
                connection.timed_out.join(", ")
            );
            for a in ["open", "connect_ms", "banner"]
                .iter()
                .chain(TLS_ATTRIBUTES)
            {
                errors.insert((*a).into(), why.clone());
            }
        }
        PortState::Open => {
            attributes.insert("open".into(), json!(true));
            attributes.insert("state".into(), json!("open"));
            let mut spare = connection.stream.map(|(stream, ms)| {
                attributes.insert("connect_ms".into(), json!(ms));
                stream
            });
            if wants_banner {
                if let Some(mut stream) = spare.take() {
                    match read_banner(&mut stream, deadline).await {
                        Ok(banner) => {
                            attributes.insert("banner".into(), json!(banner));
                        }
                        Err(e) => {
                            errors.insert("banner".into(), format!("{described}: {e}"));
                        }
                    }
                }
            }
            if wants_tls {
                recorder.record(HANDSHAKE);
                let deadline = Instant::now() + options.timeout;
                let outcome = match (spare.take(), trust) {
                    (_, None) => Err("no TLS configuration".to_string()),
                    (Some(stream), Some(trust)) => handshake(stream, &host, trust, deadline).await,
                    // The first connection was used for the banner: another one for TLS.
                    (None, Some(trust)) => {
                        recorder.record(CONNECT);
                        match connect(&dial_host, dial_port, deadline).await {
                            Ok(Connection {
                                stream: Some((stream, _)),
                                ..
                            }) => handshake(stream, &host, trust, deadline).await,
                            Ok(c) => Err(format!(
                                "connecting again for the TLS handshake: the port is now {:?}",
                                c.state
                            )),
                            Err(e) => Err(format!("connecting again for the TLS handshake: {e}")),
                        }
                    }
                };
                match outcome {
                    Ok(Handshake::Tls(seen)) => {
                        tls_attributes(&seen, &host, &mut attributes, &mut errors)
                    }
                    Ok(Handshake::Refused(why)) => {
                        tracing::debug!(endpoint = %r.id, why = %why, "not TLS");
                        attributes.insert("tls".into(), json!(false));
                        for a in &TLS_ATTRIBUTES[1..] {
                            attributes.insert((*a).into(), Value::Null);
                        }
                    }
                    Err(e) => {
                        for a in TLS_ATTRIBUTES {
                            errors.insert((*a).into(), format!("TLS with {described}: {e}"));
                        }
                    }
                }
            }
        }
    }
    Observation::Present { attributes, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(addr: &str, attempt: Attempt) -> (String, Attempt) {
        (addr.to_string(), attempt)
    }

    /// `refused` only when every address refused; a timeout anywhere (and no connection) is
    /// `filtered`; any other failure is an error, never a state.
    #[test]
    fn the_port_state_never_guesses() {
        assert_eq!(
            port_state(&[a("127.0.0.1:1", Attempt::Refused)]),
            Ok(PortState::Refused)
        );
        assert_eq!(
            port_state(&[a("10.0.0.1:1", Attempt::TimedOut)]),
            Ok(PortState::Filtered)
        );
        assert_eq!(
            port_state(&[
                a("[::1]:1", Attempt::TimedOut),
                a("127.0.0.1:1", Attempt::Refused)
            ]),
            Ok(PortState::Filtered)
        );
        let unreachable = port_state(&[
            a("10.0.0.1:1", Attempt::Failed("No route to host".into())),
            a("127.0.0.1:1", Attempt::Refused),
        ]);
        assert!(
            unreachable
                .as_ref()
                .is_err_and(|e| e.contains("10.0.0.1:1: No route to host")),
            "{unreachable:?}"
        );
        assert!(port_state(&[]).is_err());
    }

    /// The connect timeout of a real connection attempt: a listener whose accept queue is full
    /// drops new SYNs on Linux, so the connection neither opens nor is refused.
    #[tokio::test]
    async fn a_connection_that_never_completes_is_filtered() {
        let Some((_listener, _held, port)) = full_backlog().await else {
            eprintln!("skipped: the accept queue could not be filled here");
            return;
        };
        let began = Instant::now();
        let c = connect(
            "127.0.0.1",
            port,
            Instant::now() + Duration::from_millis(500),
        )
        .await
        .expect("a state");
        assert_eq!(c.state, PortState::Filtered);
        assert_eq!(c.timed_out, [format!("127.0.0.1:{port}")]);
        assert!(began.elapsed() < Duration::from_secs(3));
    }

    /// A listener with a backlog of 0 whose queue is filled by connections never accepted; `None`
    /// when a further connection still completes (another kernel's behaviour).
    pub(crate) async fn full_backlog() -> Option<(tokio::net::TcpListener, Vec<TcpStream>, u16)> {
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

    /// The pseudo-operations a tcp_endpoint spec needs: the connection, and the handshake only
    /// when a TLS attribute is checked; none is an AWS action.
    #[test]
    fn permissions_are_pseudo_operations() {
        use crate::provider::Provider;
        let spec = crate::spec::from_str(
            std::path::Path::new("t.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: tcp_endpoint\n    id: redis.example:6379\n    expect: { open: false }\n  - kind: tcp_endpoint\n    id: \"[::1]:465\"\n    expect: { certificate_valid: true }\n",
        )
        .expect("spec");
        let first: Vec<&Resource> = spec.resources.iter().take(1).collect();
        assert_eq!(
            super::super::Http::permissions(&first),
            std::collections::BTreeSet::from([CONNECT])
        );
        let all: Vec<&Resource> = spec.resources.iter().collect();
        let permissions = super::super::Http::permissions(&all);
        assert_eq!(
            permissions,
            std::collections::BTreeSet::from([CONNECT, HANDSHAKE])
        );
        for p in permissions {
            assert!(
                crate::catalog::operations::NON_AWS_OPERATIONS.contains(&p),
                "{p}"
            );
        }
    }

    #[tokio::test]
    async fn refused_and_open_ports() {
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        let c = connect("127.0.0.1", closed, deadline)
            .await
            .expect("a state");
        assert_eq!(c.state, PortState::Refused);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            if let Ok((mut s, _)) = listener.accept().await {
                use tokio::io::AsyncWriteExt;
                let _ = s
                    .write_all(b"SSH-2.0-OpenSSH_9.6 token=abcdef0123456789\r\nmore\r\n")
                    .await;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let c = connect("127.0.0.1", port, deadline).await.expect("a state");
        assert_eq!(c.state, PortState::Open);
        let (mut stream, _) = c.stream.expect("stream");
        let banner = read_banner(&mut stream, deadline).await.expect("banner");
        let banner = banner.expect("some banner");
        assert!(banner.starts_with("SSH-2.0-OpenSSH_9.6 token="), "{banner}");
        assert!(!banner.contains("abcdef0123456789"), "{banner}");
        assert!(!banner.contains("more"), "{banner}");
    }
}
