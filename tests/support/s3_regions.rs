//! A loopback proxy in front of moto that answers S3 the way real S3 answers across regions
//! (DESIGN.md §6), which moto does not (moto answers every bucket from every region and never
//! sends `BucketRegion`):
//!
//! - ListBuckets carries `<BucketRegion>` only when the request has a parameter (`max-buckets`,
//!   `prefix`, `continuation-token`, `bucket-region`); an unparameterised one is counted (real S3
//!   refuses it for accounts with a raised bucket quota);
//! - a request about a bucket signed for another region than the bucket's gets
//!   `301 PermanentRedirect` with `x-amz-bucket-region` (a HEAD: the header and no body);
//! - GetBucketLocation answers from any region.
//!
//! Every other request (other services, the right region) goes to moto unchanged.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use super::proxy::{forward, read_request};

/// One S3 request the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// The bucket (path-style addressing), if the request is about one.
    pub bucket: Option<String>,
    /// The region the request was signed for.
    pub region: String,
    /// Whether the proxy answered `301 PermanentRedirect`.
    pub redirected: bool,
}

pub struct S3Regions {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl S3Regions {
    /// Every S3 request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen").clone()
    }
    /// S3 requests answered with a redirect.
    pub fn redirects(&self) -> usize {
        self.seen().iter().filter(|s| s.redirected).count()
    }
    /// ListBuckets requests without any parameter.
    pub fn unparameterised_lists(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| {
                let (path, query) = s.target.split_once('?').unwrap_or((&s.target, ""));
                s.method == "GET"
                    && path == "/"
                    && query
                        .split('&')
                        .all(|p| p.is_empty() || p.starts_with("x-id="))
            })
            .count()
    }
    /// Requests about buckets that went to another region than the bucket's (and so were
    /// redirected), as `bucket target region`.
    pub fn misdirected(&self) -> Vec<String> {
        self.seen()
            .iter()
            .filter(|s| s.redirected)
            .map(|s| {
                format!(
                    "{} {} {}",
                    s.bucket.as_deref().unwrap_or("-"),
                    s.target,
                    s.region
                )
            })
            .collect()
    }
}

/// The SigV4 credential scope of a request: (region, service).
fn scope(head: &str) -> Option<(String, String)> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        if !k.trim().eq_ignore_ascii_case("authorization") {
            return None;
        }
        let scope = v.split("Credential=").nth(1)?;
        let mut parts = scope.split('/');
        let region = parts.nth(2)?.to_string();
        let service = parts.next()?.to_string();
        Some((region, service))
    })
}

/// Starts the proxy. `regions` maps bucket names to their regions (a bucket not named is in
/// `home`); `list_regions`: whether a parameterised ListBuckets reports `BucketRegion` (real S3
/// does; `false` makes the tool learn every region from redirects).
pub fn start(
    upstream: u16,
    home: &str,
    regions: BTreeMap<String, String>,
    list_regions: bool,
) -> S3Regions {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let regions = Arc::new(regions);
    let home = home.to_string();
    thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let log = log.clone();
            let regions = regions.clone();
            let home = home.clone();
            thread::spawn(move || {
                let Some(mut reader) = conn.try_clone().ok().map(BufReader::new) else {
                    return;
                };
                let Some(req) = read_request(&mut reader) else {
                    return;
                };
                let mut words = req.head.split_whitespace();
                let method = words.next().unwrap_or("").to_string();
                let target = words.next().unwrap_or("/").to_string();
                let answer = match scope(&req.head) {
                    Some((signed, service)) if service == "s3" => {
                        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                        // S3 Control (`/v20180820/...`) is another endpoint on AWS, not a bucket.
                        let bucket = path
                            .trim_start_matches('/')
                            .split('/')
                            .next()
                            .filter(|b| !b.is_empty() && !path.starts_with("/v20180820/"))
                            .map(str::to_string);
                        let location = query
                            .split('&')
                            .any(|p| p.split('=').next() == Some("location"));
                        let region_of = |b: &str| regions.get(b).cloned().unwrap_or(home.clone());
                        let redirect = bucket
                            .as_deref()
                            .filter(|b| !location && region_of(b) != signed)
                            .map(region_of);
                        log.lock().expect("log").push(Seen {
                            method: method.clone(),
                            target: target.clone(),
                            bucket: bucket.clone(),
                            region: signed,
                            redirected: redirect.is_some(),
                        });
                        match (redirect, bucket) {
                            (Some(region), Some(b)) => {
                                Some(permanent_redirect(&method, &b, &region))
                            }
                            (None, None) if method == "GET" && path == "/" => {
                                // `x-id` names the operation; it is not one of ListBuckets' parameters.
                                let parameterised = query
                                    .split('&')
                                    .any(|p| !p.is_empty() && !p.starts_with("x-id="));
                                forward(&req, upstream, std::time::Duration::ZERO).map(|r| {
                                    list_buckets(&r, parameterised && list_regions, &|b| {
                                        region_of(b)
                                    })
                                })
                            }
                            _ => forward(&req, upstream, std::time::Duration::ZERO),
                        }
                    }
                    _ => forward(&req, upstream, std::time::Duration::ZERO),
                };
                if let Some(answer) = answer {
                    let _ = (&conn).write_all(&answer);
                }
            });
        }
    });
    S3Regions {
        endpoint: format!("http://127.0.0.1:{port}"),
        seen,
    }
}

/// Real S3's answer to a request about a bucket signed for another region.
fn permanent_redirect(method: &str, bucket: &str, region: &str) -> Vec<u8> {
    let body = if method == "HEAD" {
        String::new()
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>{bucket}.s3.{region}.amazonaws.com</Endpoint><Bucket>{bucket}</Bucket><RequestId>0000000000000000</RequestId><HostId>test</HostId></Error>"
        )
    };
    let mut out = format!(
        "HTTP/1.1 301 Moved Permanently\r\nx-amz-bucket-region: {region}\r\nx-amz-request-id: 0000000000000000\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

/// moto's ListBuckets answer with `BucketRegion` removed, and added again for each bucket when
/// `with_regions` (a parameterised request).
fn list_buckets(
    response: &[u8],
    with_regions: bool,
    region_of: &dyn Fn(&str) -> String,
) -> Vec<u8> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(response.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let raw = &response[split..];
    let body = if chunked { dechunk(raw) } else { raw.to_vec() };
    let text = String::from_utf8_lossy(&body);
    let strip = regex::Regex::new(r"<BucketRegion>[^<]*</BucketRegion>").expect("re");
    let text = strip.replace_all(&text, "");
    let text = if with_regions {
        let bucket = regex::Regex::new(r"<Bucket>(\s*<Name>([^<]*)</Name>)").expect("re");
        bucket
            .replace_all(&text, |c: &regex::Captures| {
                format!(
                    "<Bucket>{}<BucketRegion>{}</BucketRegion>",
                    &c[1],
                    region_of(&c[2])
                )
            })
            .into_owned()
    } else {
        text.into_owned()
    };
    let mut out = String::new();
    for line in head.split_inclusive("\r\n") {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("content-length:") || lower.starts_with("transfer-encoding:") {
            continue;
        }
        if line == "\r\n" {
            out.push_str(&format!("Content-Length: {}\r\n", text.len()));
        }
        out.push_str(line);
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..end])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        raw = &raw[end + 2..];
        if size == 0 || raw.len() < size {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or(&[]);
    }
    out
}
