//! A loopback stand-in for Sentry's API (test-only), whose answers follow Sentry's API reference
//! (docs.sentry.io/api: retrieve a project, list a project's client keys, issue alert rules,
//! environments and issues; cursor pagination in `Link` headers with `results`). Used by
//! tests/sentry.rs and by the shipped specs' checklist tests for their `sentry_project`
//! resources. Include it with `#[path = "support/sentry_api.rs"] mod sentry_api;`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The token the stand-in accepts; it must never reach any output.
pub const TOKEN: &str = "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_never-in-output";
/// The environment variable the tests give it in (`--sentry-token-env`).
pub const TOKEN_ENV: &str = "IV_SENTRY_TOKEN";
/// A client key's DSN secret: never recorded.
pub const DSN_PUBLIC_KEY: &str = "c0ffee11c0ffee11c0ffee11c0ffee11";

/// The stand-in, alive as long as this value.
pub struct Api {
    _rt: tokio::runtime::Runtime,
    pub port: u16,
    pub seen: Arc<Mutex<Vec<String>>>,
}

fn respond(status: &str, link: Option<String>, body: &Value) -> String {
    let body = body.to_string();
    let link = link.map(|l| format!("link: {l}\r\n")).unwrap_or_default();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{link}connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Sentry's Link header: `previous` and `next`, each saying whether it has results.
fn link(port: u16, path: &str, next: Option<&str>) -> String {
    let base = format!("http://127.0.0.1:{port}{path}");
    let sep = if path.contains('?') { "&" } else { "?" };
    format!(
        "<{base}{sep}cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <{base}{sep}cursor={}>; rel=\"next\"; results=\"{}\"; cursor=\"{}\"",
        next.unwrap_or("0:100:0"),
        next.is_some(),
        next.unwrap_or("0:100:0")
    )
}

fn issue(id: &str, level: &str, title: &str) -> Value {
    json!({"id": id, "shortId": format!("WEB-{id}"), "title": title, "level": level,
           "status": "unresolved", "count": "3", "userCount": 2, "lastSeen": "2026-12-08T01:00:00Z"})
}

/// Projects: `aimarket/marketplace-web` (healthy, no errors in 24 h), `moim-app/moim-api`
/// (healthy), `aimarket/noisy` (errors on two pages, no alert rule).
fn route(path: &str, port: u16) -> String {
    let healthy = ["aimarket/marketplace-web", "moim-app/moim-api"];
    for project in healthy.iter().chain(["aimarket/noisy"].iter()) {
        let base = format!("/api/0/projects/{project}");
        let slug = project.rsplit('/').next().unwrap_or(project);
        let noisy = *project == "aimarket/noisy";
        if path == format!("{base}/") {
            return respond(
                "200 OK",
                None,
                &json!({"id": "4505", "slug": slug, "name": slug, "platform": "javascript-nextjs",
                        "status": "active", "organization": {"slug": project.split('/').next()}}),
            );
        }
        if path == format!("{base}/keys/") {
            return respond(
                "200 OK",
                Some(link(port, &format!("{base}/keys/"), None)),
                &json!([{"id": DSN_PUBLIC_KEY, "name": "Default", "label": "Default",
                         "public": DSN_PUBLIC_KEY, "secret": "deadbeefdeadbeefdeadbeefdeadbeef",
                         "isActive": true,
                         "dsn": {"public": format!("https://{DSN_PUBLIC_KEY}@o1.ingest.sentry.io/4505")}},
                        {"id": "k2", "name": "Old", "public": "k2", "isActive": false}]),
            );
        }
        if path == format!("{base}/rules/") {
            let rules = if noisy {
                json!([])
            } else {
                json!([{"id": "1", "name": "Send a notification for high priority issues",
                        "actionMatch": "any", "environment": "production"}])
            };
            return respond(
                "200 OK",
                Some(link(port, &format!("{base}/rules/"), None)),
                &rules,
            );
        }
        if path == format!("{base}/environments/?visibility=visible") {
            return respond(
                "200 OK",
                None,
                &json!([{"id": "1", "name": "production", "isHidden": false},
                        {"id": "2", "name": "preview", "isHidden": false}]),
            );
        }
        let issues = format!(
            "{base}/issues/?statsPeriod=24h&query=is%3Aunresolved%20level%3A%5Berror%2Cfatal%5D"
        );
        if path == issues {
            return if noisy {
                respond(
                    "200 OK",
                    Some(link(port, &issues, Some("0:1:0"))),
                    &json!([
                        issue("1", "error", "TypeError: x is undefined"),
                        issue("2", "fatal", "Out of memory")
                    ]),
                )
            } else {
                respond("200 OK", Some(link(port, &issues, None)), &json!([]))
            };
        }
        if noisy && path == format!("{issues}&cursor=0:1:0") {
            return respond(
                "200 OK",
                Some(link(port, &issues, None)),
                &json!([issue("3", "error", "Checkout failed")]),
            );
        }
    }
    respond(
        "404 Not Found",
        None,
        &json!({"detail": "The requested resource does not exist"}),
    )
}

pub fn start() -> Api {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let port = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut got = Vec::new();
                    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tcp.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&got).to_string();
                    let mut lines = head.lines();
                    let request_line = lines.next().unwrap_or_default().to_string();
                    let mut parts = request_line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or("/").to_string();
                    let auth = lines
                        .find_map(|l| {
                            l.split_once(':')
                                .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                                .map(|(_, v)| v.trim().to_string())
                        })
                        .unwrap_or_default();
                    seen.lock().expect("seen").push(path.clone());
                    let answer = if method != "GET" {
                        respond(
                            "405 Method Not Allowed",
                            None,
                            &json!({"detail": "Method not allowed"}),
                        )
                    } else if auth != format!("Bearer {TOKEN}") {
                        respond(
                            "401 Unauthorized",
                            None,
                            &json!({"detail": "Invalid token"}),
                        )
                    } else {
                        route(&path, port)
                    };
                    let _ = tcp.write_all(answer.as_bytes()).await;
                    let _ = tcp.shutdown().await;
                });
            }
        });
        port
    });
    Api {
        _rt: rt,
        port,
        seen,
    }
}

impl Api {
    /// The flags that point a run at this stand-in, with the token in [`TOKEN_ENV`].
    pub fn args(&self) -> Vec<String> {
        vec![
            "--sentry-url".into(),
            format!("http://127.0.0.1:{}", self.port),
            "--sentry-token-env".into(),
            TOKEN_ENV.into(),
        ]
    }
}
