//! A loopback stand-in for Stripe's API (test-only), whose answers follow Stripe's API reference
//! (docs.stripe.com/api/webhook_endpoints/list: a list object, `has_more`, `starting_after`).
//! Used by tests/stripe.rs and by the shipped specs' checklist tests for their
//! `stripe_webhook_endpoint` resources. Include it with
//! `#[path = "support/stripe_api.rs"] mod stripe_api;`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The restricted key the stand-in accepts; it must never reach any output.
pub const KEY: &str = "rk_live_51TestRestrictedKey0000000000000000never";
/// A key without the webhook-endpoint permission.
pub const KEY_WITHOUT_PERMISSION: &str = "rk_live_51NoWebhookPermission000000000000never";
/// The environment variable the tests give it in (`--stripe-key-env`).
pub const KEY_ENV: &str = "IV_STRIPE_KEY";

/// The stand-in, alive as long as this value.
pub struct Api {
    _rt: tokio::runtime::Runtime,
    pub port: u16,
    /// Every request's path with its query.
    pub seen: Arc<Mutex<Vec<String>>>,
}

fn respond(status: &str, body: &Value) -> String {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrequest-id: req_test\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn endpoint(id: &str, url: &str, status: &str, live: bool, events: &[&str]) -> Value {
    json!({"id": id, "object": "webhook_endpoint", "api_version": null, "application": null,
           "created": 1_700_000_000, "description": null, "enabled_events": events,
           "livemode": live, "metadata": {}, "status": status, "url": url})
}

/// GET /v1/webhook_endpoints: two pages of 100-limited lists (the first says `has_more`).
fn route(path: &str) -> String {
    match path {
        "/v1/webhook_endpoints?limit=100" => respond(
            "200 OK",
            &json!({"object": "list", "url": "/v1/webhook_endpoints", "has_more": true, "data": [
                endpoint("we_1", "https://market.example/api/webhooks/stripe", "enabled", true,
                         &["checkout.session.completed", "invoice.paid", "customer.subscription.deleted"]),
                endpoint("we_2", "https://old.market.example/hooks", "disabled", true, &["*"])
            ]}),
        ),
        "/v1/webhook_endpoints?limit=100&starting_after=we_2" => respond(
            "200 OK",
            &json!({"object": "list", "url": "/v1/webhook_endpoints", "has_more": false, "data": [
                endpoint("we_3", "https://staging.market.example/api/webhooks/stripe", "enabled", false, &["*"])
            ]}),
        ),
        _ => respond(
            "404 Not Found",
            &json!({"error": {"type": "invalid_request_error", "message": "Unrecognized request URL."}}),
        ),
    }
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
                        respond("405 Method Not Allowed", &json!({"error": {"message": "only GET here"}}))
                    } else if auth == format!("Bearer {KEY}") {
                        route(&path)
                    } else if auth == format!("Bearer {KEY_WITHOUT_PERMISSION}") {
                        // Stripe names the key (partly) and the permission it lacks.
                        respond(
                            "403 Forbidden",
                            &json!({"error": {"type": "invalid_request_error", "message": format!(
                                "The provided key '{KEY_WITHOUT_PERMISSION}' does not have the required permissions for this endpoint on account 'acct_1Test'. Having the 'rak_webhook_read' permission would allow this request to continue.")}}),
                        )
                    } else {
                        respond(
                            "401 Unauthorized",
                            &json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: rk_live_****0000"}}),
                        )
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
    /// The flags that point a run at this stand-in, with the key in [`KEY_ENV`].
    pub fn args(&self) -> Vec<String> {
        vec![
            "--stripe-api-url".into(),
            format!("http://127.0.0.1:{}", self.port),
            "--stripe-key-env".into(),
            KEY_ENV.into(),
        ]
    }
}
