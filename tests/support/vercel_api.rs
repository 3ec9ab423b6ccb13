//! A loopback stand-in for Vercel's REST API (test-only), whose answers follow Vercel's REST API
//! reference (vercel.com/docs/rest-api): each route names the endpoint it answers for. Used by
//! tests/vercel.rs and by the shipped specs' checklist tests for their `vercel_project`
//! resources. Include it with `#[path = "support/vercel_api.rs"] mod vercel_api;`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The token the stand-in accepts; it must never reach any output.
pub const TOKEN: &str = "vercel_test_token_0123456789abcdef_never-in-output";
/// The environment variable the tests give it in (`--vercel-token-env`).
pub const TOKEN_ENV: &str = "IV_VERCEL_TOKEN";
/// A `plain` environment variable's value, which Vercel's list carries: it must never reach any
/// output either.
pub const PLAIN_VALUE: &str = "plain-value-of-LEGACY_API_KEY-never-reported";

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
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn error(status: &str, code: &str, message: &str) -> String {
    respond(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The projects: (name, id, Git org, Git repo).
const PROJECTS: [(&str, &str, &str, &str); 3] = [
    ("marketplace", "prj_market1", "aimarket", "marketplace"),
    ("moim-web", "prj_moim1", "moim-app", "moim"),
    ("bare", "prj_bare1", "", ""),
];

fn route(path_and_query: &str) -> String {
    // The team is recorded, not part of the route.
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("teamId="))
        .collect();
    let query = query.join("&");
    for (name, id, org, repo) in PROJECTS {
        let base = format!("/v9/projects/{name}");
        // Find a project by id or name (GET /v9/projects/{idOrName}).
        if path == base {
            let link = if org.is_empty() {
                Value::Null
            } else {
                json!({"type": "github", "org": org, "repo": repo, "repoId": 1296269,
                       "productionBranch": "main", "createdAt": 1_700_000_000_000_i64})
            };
            let mut project = json!({"id": id, "name": name, "accountId": "team_dorami",
                "framework": "nextjs", "nodeVersion": "20.x", "createdAt": 1_700_000_000_000_i64});
            if !link.is_null() {
                project["link"] = link;
            }
            return respond("200 OK", &project);
        }
        // Retrieve the environment variables of a project (GET /v10/projects/{idOrName}/env).
        if path == format!("/v10/projects/{name}/env") {
            let recent = now_ms() - 10 * 86_400_000;
            return respond(
                "200 OK",
                &json!({"envs": [
                    {"id": "env_1", "key": "STRIPE_SECRET_KEY", "type": "encrypted", "value": "eyJ2IjoiZW5jcnlwdGVkIn0",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_2", "key": "DATABASE_URL", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_3", "key": "NEXT_PUBLIC_SITE_URL", "type": "plain", "value": "https://market.example",
                     "target": ["production", "preview"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_4", "key": "LEGACY_API_KEY", "type": "plain", "value": PLAIN_VALUE,
                     "target": ["preview", "development"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_5", "key": "JWT_SECRET", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_6", "key": "STRIPE_WEBHOOK_SECRET", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_7", "key": "TOSS_SECRET_KEY", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_8", "key": "SENDGRID_API_KEY", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_9", "key": "GOOGLE_CLIENT_SECRET", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent},
                    {"id": "env_10", "key": "GITHUB_CLIENT_SECRET", "type": "sensitive",
                     "target": ["production"], "updatedAt": recent, "createdAt": recent}
                ]}),
            );
        }
        // Retrieve project domains (GET /v9/projects/{idOrName}/domains), two pages.
        if path == format!("/v9/projects/{name}/domains") {
            return match query.as_str() {
                "limit=100" => respond(
                    "200 OK",
                    &json!({"domains": [
                        {"name": "market.example", "apexName": "market.example", "projectId": id, "verified": true}
                    ], "pagination": {"count": 1, "next": 1_700_000_000_001_i64, "prev": null}}),
                ),
                "limit=100&until=1700000000001" => respond(
                    "200 OK",
                    &json!({"domains": [
                        {"name": "www.market.example", "apexName": "market.example", "projectId": id, "verified": true}
                    ], "pagination": {"count": 1, "next": null, "prev": 1_700_000_000_002_i64}}),
                ),
                _ => error("400 Bad Request", "bad_request", "unexpected query"),
            };
        }
        // List deployments (GET /v6/deployments).
        if path == "/v6/deployments" && query == format!("projectId={id}&target=production&limit=1")
        {
            if org.is_empty() {
                return respond(
                    "200 OK",
                    &json!({"deployments": [], "pagination": {"count": 0, "next": null, "prev": null}}),
                );
            }
            return respond(
                "200 OK",
                &json!({"deployments": [
                    {"uid": "dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ", "name": name, "url": format!("{name}-abc.vercel.app"),
                     "state": "READY", "readyState": "READY", "target": "production",
                     "created": now_ms() - 7_200_000, "createdAt": now_ms() - 7_200_000}
                ], "pagination": {"count": 1, "next": null, "prev": null}}),
            );
        }
    }
    error("404 Not Found", "not_found", "Project not found")
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
                        error("405 Method Not Allowed", "method_not_allowed", "only GET here")
                    } else if auth != format!("Bearer {TOKEN}") {
                        respond(
                            "403 Forbidden",
                            &json!({"error": {"code": "forbidden", "message": "Not authorized", "invalidToken": true}}),
                        )
                    } else {
                        route(&path)
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
            "--vercel-api-url".into(),
            format!("http://127.0.0.1:{}", self.port),
            "--vercel-token-env".into(),
            TOKEN_ENV.into(),
        ]
    }
}
