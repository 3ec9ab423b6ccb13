//! A fault-injecting loopback proxy between the tool and moto: throttling, server errors,
//! connection resets, truncated and malformed bodies, and answers slower than the tool's timeout,
//! on a chosen share of requests, chosen deterministically from a seed. Test-only.

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::proxy::{amz_target, read_request, with_connection_close, Request};

/// What goes wrong with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 400 `ThrottlingException` (JSON), `Throttling` (query, REST XML), 503 `SlowDown` (S3).
    Throttle,
    /// HTTP 429 Too Many Requests with an empty body.
    TooManyRequests,
    /// HTTP 503 with an empty body.
    ServerError,
    /// The connection is closed without an answer.
    Reset,
    /// Moto's answer with its headers intact but the body cut in half.
    Truncated,
    /// HTTP 200 whose body is not what the protocol says (garbage XML / JSON).
    Malformed,
    /// Moto's answer, held for this long first (longer than the tool's `--call-timeout`).
    Slow(Duration),
}

/// A running fault proxy.
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    injected: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
}

impl FaultProxy {
    /// Requests that were given a fault.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }
    /// Requests received.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Which requests get which fault.
#[derive(Clone)]
pub struct Plan {
    /// Share of requests given a fault, 0.0 to 1.0.
    pub share: f64,
    /// The faults, taken in turn (by a hash of the request's number).
    pub faults: Vec<Fault>,
    /// Makes the choice repeatable.
    pub seed: u64,
    /// Requests whose text contains this always get the first fault (a service outage), e.g.
    /// `AmazonEC2ContainerRegistry` for every ECR call.
    pub outage: Option<&'static str>,
}

/// SplitMix64: a well-mixed 64-bit hash of the request number and the seed.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The caller's identity is never faulted: the property under test is about the checks' verdicts,
/// and without an identity there are none (tests/live/faults.rs covers that case on its own).
fn is_identity(text: &str) -> bool {
    text.contains("Action=GetCallerIdentity")
}

fn respond(client: &mut TcpStream, status: u16, content_type: &str, body: &str) {
    let _ = write!(
        client,
        "HTTP/1.1 {status} Injected\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The request's protocol family, for an error body the SDK parses as a throttling error.
fn throttle(client: &mut TcpStream, req: &Request) {
    let text = req.text();
    if amz_target(&text).is_some() {
        respond(
            client,
            400,
            "application/x-amz-json-1.1",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded (injected)"}"#,
        );
    } else if text.contains("Action=") {
        respond(
            client,
            400,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected)</Message></Error><RequestId>fault</RequestId></ErrorResponse>",
        );
    } else if text.contains("/2020-05-31/") || text.contains("/2013-04-01/") {
        // CloudFront and Route 53: REST XML.
        respond(
            client,
            400,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected)</Message></Error><RequestId>fault</RequestId></ErrorResponse>",
        );
    } else {
        respond(
            client,
            503,
            "application/xml",
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate (injected)</Message><RequestId>fault</RequestId></Error>",
        );
    }
}

fn forward(req: &Request, upstream: u16) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(("127.0.0.1", upstream)).ok()?;
    up.write_all(with_connection_close(&req.head).as_bytes())
        .ok()?;
    up.write_all(&req.body).ok()?;
    let mut response = Vec::new();
    up.read_to_end(&mut response).ok()?;
    Some(response)
}

fn split_head(response: &[u8]) -> usize {
    response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(response.len(), |p| p + 4)
}

fn choose(plan: &Plan, n: u64, text: &str) -> Option<Fault> {
    let h = mix(n ^ plan.seed.rotate_left(17));
    if is_identity(text) || plan.faults.is_empty() {
        None
    } else if plan.outage.is_some_and(|o| text.contains(o)) {
        Some(plan.faults[0])
    } else if plan.outage.is_none() && (h % 10_000) as f64 / 10_000.0 < plan.share {
        Some(plan.faults[(h >> 32) as usize % plan.faults.len()])
    } else {
        None
    }
}

fn serve(client: TcpStream, upstream: u16, plan: &Plan, n: u64, injected: &AtomicU64) {
    let Ok(reader) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let mut client = client;
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    let fault = choose(plan, n, &req.text());
    if fault.is_some() {
        injected.fetch_add(1, Ordering::SeqCst);
    }
    match fault {
        Some(Fault::Throttle) => return throttle(&mut client, &req),
        Some(Fault::TooManyRequests) => return respond(&mut client, 429, "text/plain", ""),
        Some(Fault::ServerError) => return respond(&mut client, 503, "text/plain", ""),
        Some(Fault::Reset) => {
            let _ = client.shutdown(std::net::Shutdown::Both);
            return;
        }
        Some(Fault::Malformed) => {
            let json = amz_target(&req.text()).is_some();
            let (ct, body) = if json {
                (
                    "application/x-amz-json-1.1",
                    "{\"repositories\": [{\"repositoryName\": ",
                )
            } else {
                ("text/xml", "<Describe><Result><Items><member>unterminated")
            };
            return respond(&mut client, 200, ct, body);
        }
        Some(Fault::Slow(d)) => thread::sleep(d),
        Some(Fault::Truncated) | None => {}
    }
    let Some(response) = forward(&req, upstream) else {
        return;
    };
    let split = split_head(&response);
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let _ = client.write_all(with_connection_close(&head).as_bytes());
    let body = &response[split..];
    let body = if fault == Some(Fault::Truncated) {
        &body[..body.len() / 2]
    } else {
        body
    };
    let _ = client.write_all(body);
    let _ = client.shutdown(std::net::Shutdown::Both);
}

/// Starts a fault proxy in front of `upstream` (a loopback port).
pub fn start(upstream: u16, plan: Plan) -> FaultProxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let injected = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicU64::new(0));
    let (inj, reqs) = (injected.clone(), requests.clone());
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let n = reqs.fetch_add(1, Ordering::SeqCst);
            let plan = plan.clone();
            let inj = inj.clone();
            thread::spawn(move || serve(conn, upstream, &plan, n, &inj));
        }
    });
    FaultProxy {
        endpoint: format!("http://127.0.0.1:{port}"),
        injected,
        requests,
    }
}
