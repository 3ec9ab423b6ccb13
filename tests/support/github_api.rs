//! A loopback stand-in for GitHub's REST API (test-only), whose answers follow GitHub's published
//! API description (github/rest-api-description, `api.github.com.json`, API version
//! 2022-11-28): each route names the operation (`operationId`) it answers for. Used by
//! tests/github.rs, and by the shipped specs' checklist tests (tests/http.rs, tests/dns_rdap.rs)
//! for their `github_repository` resources. Include it with
//! `#[path = "support/github_api.rs"] mod github_api;`.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The environment variable the tests give the token in (`--github-token-env`).
pub const TOKEN_ENV: &str = "IV_GH_TOKEN";

/// The token the stand-in accepts; it must never reach any output.
pub const TOKEN: &str = "github_pat_11TESTTOKEN0123456789_never-in-any-output";

/// The stand-in, alive as long as this value.
pub struct Api {
    _rt: tokio::runtime::Runtime,
    pub port: u16,
    /// Every request: (path with query, Authorization header).
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
    pub dir: tempfile::TempDir,
}

fn respond(status: &str, headers: &[(&str, String)], body: &Value) -> String {
    let body = body.to_string();
    let mut r = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nx-github-api-version-selected: 2022-11-28\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.push_str(&body);
    r
}

fn not_found() -> String {
    respond(
        "404 Not Found",
        &[],
        &json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}),
    )
}

/// repos/get: a full-repository object (the fields read, and some around them).
fn repository(name: &str) -> Value {
    json!({
        "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": name,
        "full_name": format!("dorami/{name}"), "private": true, "visibility": "private",
        "archived": false, "disabled": false, "default_branch": "main",
        "owner": {"login": "dorami", "id": 1, "type": "Organization"},
        "html_url": format!("https://github.com/dorami/{name}"),
        "permissions": {"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}
    })
}

/// The repositories of the shipped specs (specs/ai-marketplace.yaml, learning-saas.yaml,
/// group-web.yaml), each as its team would have it: workflows on the default branch, the latest
/// run green, no open high-severity Dependabot alert.
const TEAM_REPOSITORIES: [&str; 3] = [
    "aimarket/marketplace",
    "learnsaas/learning-saas",
    "moim-app/moim",
];

fn team_route(path: &str) -> Option<String> {
    let (full, rest) = TEAM_REPOSITORIES.iter().find_map(|full| {
        let rest = path.strip_prefix(&format!("/repos/{full}"))?;
        Some((*full, rest))
    })?;
    let name = full.rsplit('/').next().unwrap_or(full);
    Some(match rest {
        // repos/get
        "" => {
            let mut repo = repository(name);
            repo["full_name"] = json!(full);
            respond("200 OK", &[], &repo)
        }
        // actions/list-repo-workflows
        "/actions/workflows?per_page=100" => respond(
            "200 OK",
            &[],
            &json!({"total_count": 2, "workflows": [
                {"id": 1, "name": "CI", "path": ".github/workflows/ci.yml", "state": "active"},
                {"id": 2, "name": "Deploy", "path": ".github/workflows/deploy.yml", "state": "active"}
            ]}),
        ),
        // actions/list-workflow-runs-for-repo
        "/actions/runs?branch=main&status=completed&exclude_pull_requests=true&per_page=1" => {
            respond(
                "200 OK",
                &[],
                &json!({"total_count": 1, "workflow_runs": [
                    {"id": 7, "name": "CI", "head_branch": "main", "event": "push",
                     "status": "completed", "conclusion": "success", "workflow_id": 1,
                     "created_at": "2026-12-01T09:00:00Z"}
                ]}),
            )
        }
        // dependabot/list-alerts-for-repo: one open alert, of low severity.
        "/dependabot/alerts?state=open&per_page=100" => respond(
            "200 OK",
            &[],
            &json!([
                {"number": 1, "state": "open", "security_advisory": {"ghsa_id": "GHSA-qwph-4952-7xr6", "severity": "low"},
                 "security_vulnerability": {"severity": "low", "package": {"ecosystem": "npm", "name": "cookie"}}}
            ]),
        ),
        _ => not_found(),
    })
}

fn route(path: &str, port: u16, busy_hits: &AtomicUsize) -> String {
    if let Some(answer) = team_route(path) {
        return answer;
    }
    let base = format!("http://127.0.0.1:{port}");
    match path {
        // repos/get
        "/repos/dorami/shop" | "/repos/dorami/open" | "/repos/dorami/limited" => {
            respond("200 OK", &[], &repository(path.rsplit('/').next().unwrap_or("shop")))
        }
        // A primary rate limit on the first request, then the answer.
        "/repos/dorami/busy" => {
            if busy_hits.fetch_add(1, Ordering::SeqCst) == 0 {
                let reset = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
                    + 1;
                respond(
                    "403 Forbidden",
                    &[
                        ("x-ratelimit-limit", "5000".into()),
                        ("x-ratelimit-remaining", "0".into()),
                        ("x-ratelimit-reset", reset.to_string()),
                    ],
                    &json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}),
                )
            } else {
                respond("200 OK", &[], &repository("busy"))
            }
        }
        // repos/get-branch-protection
        "/repos/dorami/shop/branches/main/protection" => respond(
            "200 OK",
            &[],
            &json!({
                "url": format!("{base}/repos/dorami/shop/branches/main/protection"),
                "required_status_checks": {"strict": true, "contexts": ["test", "lint"],
                    "checks": [{"context": "test", "app_id": 15368}, {"context": "lint", "app_id": 15368}]},
                "required_pull_request_reviews": {"dismiss_stale_reviews": true,
                    "require_code_owner_reviews": false, "required_approving_review_count": 1},
                "enforce_admins": {"url": "", "enabled": true},
                "allow_force_pushes": {"enabled": false}
            }),
        ),
        "/repos/dorami/open/branches/main/protection" => respond(
            "404 Not Found",
            &[],
            &json!({"message": "Branch not protected", "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection", "status": "404"}),
        ),
        // actions/list-repo-workflows
        "/repos/dorami/shop/actions/workflows?per_page=100" => respond(
            "200 OK",
            &[],
            &json!({"total_count": 3, "workflows": [
                {"id": 161335, "name": "CI", "path": ".github/workflows/ci.yml", "state": "active"},
                {"id": 161336, "name": "Deploy", "path": ".github/workflows/deploy.yml", "state": "active"},
                {"id": 161337, "name": "Old nightly", "path": ".github/workflows/old.yml", "state": "disabled_manually"}
            ]}),
        ),
        // actions/list-workflow-runs-for-repo
        "/repos/dorami/shop/actions/runs?branch=main&status=completed&exclude_pull_requests=true&per_page=1" => {
            let created = time::OffsetDateTime::now_utc() - time::Duration::hours(5);
            let created = created
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            respond(
                "200 OK",
                &[],
                &json!({"total_count": 42, "workflow_runs": [
                    {"id": 30433642, "name": "CI", "head_branch": "main", "event": "push",
                     "status": "completed", "conclusion": "success", "workflow_id": 161335,
                     "created_at": created}
                ]}),
            )
        }
        "/repos/dorami/open/actions/runs?branch=main&status=completed&exclude_pull_requests=true&per_page=1" => {
            respond("200 OK", &[], &json!({"total_count": 0, "workflow_runs": []}))
        }
        // actions/list-repo-secrets, two pages by page number.
        "/repos/dorami/shop/actions/secrets?per_page=100" => respond(
            "200 OK",
            &[(
                "link",
                format!("<{base}/repos/dorami/shop/actions/secrets?per_page=100&page=2>; rel=\"next\", <{base}/repos/dorami/shop/actions/secrets?per_page=100&page=2>; rel=\"last\""),
            )],
            &json!({"total_count": 3, "secrets": [
                {"name": "AWS_ROLE_ARN", "created_at": "2026-01-10T10:00:00Z", "updated_at": "2026-01-10T10:00:00Z"},
                {"name": "SENTRY_DSN", "created_at": "2026-01-10T10:00:00Z", "updated_at": "2026-01-10T10:00:00Z"}
            ]}),
        ),
        "/repos/dorami/shop/actions/secrets?per_page=100&page=2" => respond(
            "200 OK",
            &[],
            &json!({"total_count": 3, "secrets": [
                {"name": "DEPLOY_KEY", "created_at": "2026-01-10T10:00:00Z", "updated_at": "2026-01-10T10:00:00Z"}
            ]}),
        ),
        // A fine-grained token without "Secrets: read".
        "/repos/dorami/limited/actions/secrets?per_page=100" => respond(
            "403 Forbidden",
            &[],
            &json!({"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/rest/actions/secrets#list-repository-secrets", "status": "403"}),
        ),
        // dependabot/list-alerts-for-repo, two pages by cursor.
        "/repos/dorami/shop/dependabot/alerts?state=open&per_page=100" => respond(
            "200 OK",
            &[(
                "link",
                format!("<{base}/repositories/1296269/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK0>; rel=\"next\""),
            )],
            &json!([
                {"number": 2, "state": "open", "security_advisory": {"ghsa_id": "GHSA-rf4j-j272-fj86", "severity": "high"},
                 "security_vulnerability": {"severity": "high", "package": {"ecosystem": "npm", "name": "next"}}},
                {"number": 1, "state": "open", "security_advisory": {"ghsa_id": "GHSA-8f4m-hccc-8qph", "severity": "medium"},
                 "security_vulnerability": {"severity": "medium", "package": {"ecosystem": "npm", "name": "axios"}}}
            ]),
        ),
        "/repositories/1296269/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK0" => respond(
            "200 OK",
            &[],
            &json!([
                {"number": 5, "state": "open", "security_advisory": {"ghsa_id": "GHSA-jfh8-c2jp-5v3q", "severity": "critical"},
                 "security_vulnerability": {"severity": "critical", "package": {"ecosystem": "npm", "name": "jsonwebtoken"}}}
            ]),
        ),
        // code-scanning/list-alerts-for-repo: not set up on this repository.
        "/repos/dorami/shop/code-scanning/alerts?state=open&per_page=100" => respond(
            "404 Not Found",
            &[],
            &json!({"message": "no analysis found", "documentation_url": "https://docs.github.com/rest/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository", "status": "404"}),
        ),
        _ => not_found(),
    }
}

pub fn start() -> Api {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let busy = Arc::new(AtomicUsize::new(0));
    let port = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let (seen, busy) = (seen.clone(), busy.clone());
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
                    seen.lock().expect("seen").push((path.clone(), auth.clone()));
                    let answer = if method != "GET" {
                        respond("405 Method Not Allowed", &[], &json!({"message": "only GET here"}))
                    } else if auth != format!("Bearer {TOKEN}") {
                        respond(
                            "401 Unauthorized",
                            &[],
                            &json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}),
                        )
                    } else {
                        route(&path, port, &busy)
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
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

impl Api {
    /// The flags that point a run at this stand-in, with the token in [`TOKEN_ENV`].
    pub fn args(&self) -> Vec<String> {
        vec![
            "--github-api-url".into(),
            format!("http://127.0.0.1:{}", self.port),
            "--github-token-env".into(),
            TOKEN_ENV.into(),
        ]
    }
}
