//! A tiny loopback HTTP proxy between the tool and moto that answers chosen requests with an AWS
//! error instead of forwarding them (e.g. AccessDenied for one operation). Test-only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// A running proxy; it lives until the test process ends.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

/// A canned answer for a request the proxy intercepts.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Answer {
    /// AWS query-protocol (RDS, STS...) error.
    pub fn query_error(status: u16, code: &str) -> Answer {
        Answer {
            status,
            content_type: "text/xml",
            body: format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected by the test proxy</Message></Error><RequestId>test</RequestId></ErrorResponse>"
            ),
        }
    }
    /// AWS JSON 1.1 (ECS, ECR...) error: `{"__type": CODE, "message": ...}`.
    pub fn json_error(status: u16, code: &str) -> Answer {
        Answer {
            status,
            content_type: "application/x-amz-json-1.1",
            body: format!(r#"{{"__type":"{code}","message":"injected by the test proxy"}}"#),
        }
    }
    /// S3 REST-XML error.
    pub fn s3_error(status: u16, code: &str) -> Answer {
        Answer {
            status,
            content_type: "application/xml",
            body: format!(
                "<Error><Code>{code}</Code><Message>injected by the test proxy</Message><RequestId>test</RequestId></Error>"
            ),
        }
    }
}

pub struct Request {
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    /// The request line and headers, then the body, for matching.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}",
            self.head.trim_end(),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// The `X-Amz-Target` header of a request's text (AWS JSON protocols name the operation there,
/// e.g. `AmazonEC2ContainerServiceV20141113.DescribeServices`).
pub fn amz_target(request: &str) -> Option<&str> {
    request.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("x-amz-target")
            .then_some(v.trim())
    })
}

pub fn read_request(stream: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    stream.read_exact(&mut body).ok()?;
    Some(Request { head, body })
}

pub fn with_connection_close(head: &str) -> String {
    let mut out = String::new();
    for line in head.split_inclusive("\r\n") {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("connection:") || line == "\r\n" {
            continue;
        }
        out.push_str(line);
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn serve(client: TcpStream, upstream: u16, rule: fn(&str) -> Option<Answer>) {
    let Ok(reader) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let mut client = client;
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    if let Some(a) = rule(&req.text()) {
        let _ = write!(
            client,
            "HTTP/1.1 {} Injected\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            a.status,
            a.content_type,
            a.body.len(),
            a.body
        );
        return;
    }
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    if up
        .write_all(with_connection_close(&req.head).as_bytes())
        .is_err()
        || up.write_all(&req.body).is_err()
    {
        return;
    }
    let mut response = Vec::new();
    if up.read_to_end(&mut response).is_err() {
        return;
    }
    // Tell the client this connection ends here, then pass the response on.
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(response.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let _ = client.write_all(with_connection_close(&head).as_bytes());
    let _ = client.write_all(&response[split..]);
}

/// Starts a proxy to `upstream` (a loopback port) that answers with `rule`'s answer where it gives one.
pub fn start(upstream: u16, rule: fn(&str) -> Option<Answer>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            thread::spawn(move || serve(conn, upstream, rule));
        }
    });
    Proxy {
        endpoint: format!("http://127.0.0.1:{port}"),
    }
}

/// A forwarding proxy that counts requests and the most it ever had in flight at once, in all
/// and per AWS service (the SigV4 credential scope's service: `s3`, `ecr`, `sts`, ...).
pub struct CountingProxy {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    stats: std::sync::Arc<std::sync::Mutex<Stats>>,
}

#[derive(Default)]
struct Stats {
    requests: usize,
    in_flight: usize,
    max_in_flight: usize,
    per_service: std::collections::BTreeMap<String, (usize, usize)>,
}

impl CountingProxy {
    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.stats.lock().expect("stats").requests
    }
    /// The most requests that were in flight at once so far.
    pub fn max_in_flight(&self) -> usize {
        self.stats.lock().expect("stats").max_in_flight
    }
    /// The most requests of each service that were in flight at once so far.
    pub fn max_in_flight_per_service(&self) -> std::collections::BTreeMap<String, usize> {
        let stats = self.stats.lock().expect("stats");
        stats
            .per_service
            .iter()
            .map(|(s, (_, max))| (s.clone(), *max))
            .collect()
    }
}

/// The service of a SigV4-signed request: `Credential=AKID/DATE/REGION/SERVICE/aws4_request`.
pub fn signing_service(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            if !k.trim().eq_ignore_ascii_case("authorization") {
                return None;
            }
            let scope = v.split("Credential=").nth(1)?;
            scope.split('/').nth(3).map(str::to_string)
        })
        .unwrap_or_else(|| "unsigned".into())
}

/// Starts a proxy to `upstream` that holds every request `delay` before forwarding it (so that
/// concurrent requests overlap) and counts requests and requests in flight.
pub fn start_counting(upstream: u16, delay: std::time::Duration) -> CountingProxy {
    use std::sync::{Arc, Mutex};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let stats = Arc::new(Mutex::new(Stats::default()));
    let shared = stats.clone();
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let stats = shared.clone();
            thread::spawn(move || {
                let Some(mut reader) = conn.try_clone().ok().map(BufReader::new) else {
                    return;
                };
                let Some(req) = read_request(&mut reader) else {
                    return;
                };
                let service = signing_service(&req.head);
                // In flight from the moment the request is read (one request per connection:
                // the answer says `Connection: close`) until just before the answer goes back,
                // so a request the client sends after this one ends never counts as overlapping.
                if let Ok(mut s) = stats.lock() {
                    s.requests += 1;
                    s.in_flight += 1;
                    s.max_in_flight = s.max_in_flight.max(s.in_flight);
                    let e = s.per_service.entry(service.clone()).or_default();
                    e.0 += 1;
                    e.1 = e.1.max(e.0);
                }
                let answer = forward(&req, upstream, delay);
                if let Ok(mut s) = stats.lock() {
                    s.in_flight -= 1;
                    if let Some(e) = s.per_service.get_mut(&service) {
                        e.0 -= 1;
                    }
                }
                if let Some(answer) = answer {
                    let _ = (&conn).write_all(&answer);
                }
            });
        }
    });
    CountingProxy {
        endpoint: format!("http://127.0.0.1:{port}"),
        stats,
    }
}

/// Waits `delay`, forwards one request and returns the whole answer (with `Connection: close`),
/// or `None` when the upstream failed.
pub fn forward(req: &Request, upstream: u16, delay: std::time::Duration) -> Option<Vec<u8>> {
    thread::sleep(delay);
    let mut up = TcpStream::connect(("127.0.0.1", upstream)).ok()?;
    up.write_all(with_connection_close(&req.head).as_bytes())
        .ok()?;
    up.write_all(&req.body).ok()?;
    let mut response = Vec::new();
    up.read_to_end(&mut response).ok()?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(response.len(), |p| p + 4);
    let mut out = with_connection_close(&String::from_utf8_lossy(&response[..split])).into_bytes();
    out.extend_from_slice(&response[split..]);
    Some(out)
}
