//! GitHub as a provider (`github_repository`): GitHub's REST API, read with a token, GETs only.
//!
//! - The token is read from `GITHUB_TOKEN` (or the variable `--github-token-env` names) when the
//!   run starts, sent only in the `Authorization` header, over HTTPS (plain HTTP only to a
//!   loopback API, for tests), and never recorded: not in a snapshot, a report or a log line.
//! - Each attribute family is one GET (paginated where GitHub pages, following its `Link`
//!   header on the API's own host only), made only when a check needs it; every request is
//!   counted under its operation (`github:GET /repos/{owner}/{repo}/...`), and each operation
//!   needs one fine-grained token permission ([`crate::catalog::operations::github_permission`]).
//! - Never a false pass: 401 and 403 are errors naming the token and the permission; a
//!   repository GitHub does not know (404) is `missing`; a rate limit (429, or 403 with no
//!   requests left, or `retry-after`) is waited out within `--call-timeout`, then an error.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use crate::aws::CallRecorder;
use crate::catalog::operations::github_permission;
use crate::provider::http::tls::Trust;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for GitHub's kinds.
pub const SERVICE: &str = "github";
/// GitHub's public API.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The environment variable the token is read from by default.
pub const DEFAULT_TOKEN_ENV: &str = "GITHUB_TOKEN";
/// Repositories read at once: GitHub's secondary rate limits punish bursts.
const CONCURRENCY: usize = 4;
/// The most of one answer read.
const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// Pages followed at most for one list.
const PAGE_LIMIT: usize = 50;
/// Attempts of one request when GitHub asks to wait.
const ATTEMPTS: usize = 3;

const REPO: &str = "github:GET /repos/{owner}/{repo}";
const PROTECTION: &str = "github:GET /repos/{owner}/{repo}/branches/{branch}/protection";
const RUNS: &str = "github:GET /repos/{owner}/{repo}/actions/runs";
const WORKFLOWS: &str = "github:GET /repos/{owner}/{repo}/actions/workflows";
const SECRETS: &str = "github:GET /repos/{owner}/{repo}/actions/secrets";
const DEPENDABOT: &str = "github:GET /repos/{owner}/{repo}/dependabot/alerts";
const CODE_SCANNING: &str = "github:GET /repos/{owner}/{repo}/code-scanning/alerts";

/// How GitHub is reached.
#[derive(Debug, Clone)]
pub struct GitHubOptions {
    /// The API's base URL (`--github-api-url`): `https://api.github.com`, or a GitHub Enterprise
    /// Server's `https://HOST/api/v3`.
    pub api_url: String,
    /// The environment variable holding the token (`--github-token-env`).
    pub token_env: String,
    /// The most one request may take, waiting out a rate limit included (`--call-timeout`).
    pub timeout: Duration,
}

impl Default for GitHubOptions {
    fn default() -> Self {
        GitHubOptions {
            api_url: DEFAULT_API_URL.into(),
            token_env: DEFAULT_TOKEN_ENV.into(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// `--github-api-url`: an `https://` URL, or `http://` to a loopback address (a test server):
/// the token is never sent in the clear over a network.
pub fn parse_api_url(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    let uri: hyper::Uri = s
        .parse()
        .map_err(|_| format!("`{s}` is not a URL (e.g. https://api.github.com)"))?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(s.to_string()),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1") => {
            Ok(s.to_string())
        }
        Some("http") => Err(format!(
            "`{s}`: the token is sent to GitHub's API over https:// only (http:// is accepted for a loopback test server)"
        )),
        _ => Err(format!(
            "`{s}` is not an https:// URL (e.g. https://api.github.com)"
        )),
    }
}

/// The GitHub provider.
pub struct GitHub;

impl super::Provider for GitHub {
    const PROVIDER: crate::catalog::Provider = crate::catalog::Provider::GitHub;
    type Options = GitHubOptions;

    /// The fine-grained token permissions the resources' checks need.
    fn permissions(resources: &[&Resource]) -> BTreeSet<&'static str> {
        resources
            .iter()
            .flat_map(|r| {
                std::iter::once(r.kind.list_operation)
                    .chain(r.expectations.iter().map(|e| e.attribute.operation))
            })
            .filter_map(github_permission)
            .collect()
    }

    async fn observe(
        resources: &[&Resource],
        options: &GitHubOptions,
        calls: &CallRecorder,
    ) -> Vec<ResourceRecord> {
        observe(resources, options, calls).await
    }
}

/// What one GET answered.
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("GitHub's answer is not JSON: {e}"))
    }

    /// GitHub's `message`, redacted.
    fn message(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .map(|m| crate::redact::text(&m))
            .unwrap_or_default()
    }
}

/// The API's address and the token: one per run.
struct Client {
    https: bool,
    host: String,
    port: u16,
    /// The base URL's path, without a trailing `/` (empty for api.github.com).
    prefix: String,
    /// `scheme://authority` of the base URL: the only place pages are followed to.
    origin: String,
    token: String,
    token_env: String,
    trust: Option<Arc<ClientConfig>>,
    timeout: Duration,
}

impl Client {
    fn new(options: &GitHubOptions) -> Result<Client, String> {
        let api = parse_api_url(&options.api_url)?;
        let uri: hyper::Uri = api.parse().map_err(|e| format!("{api}: {e}"))?;
        let https = uri.scheme_str() == Some("https");
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let token = match std::env::var(&options.token_env) {
            Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => {
                return Err(format!(
                    "the environment variable `{}` is not set: GitHub is read with a token (a fine-grained token with the read-only permissions `infra-verify permissions` lists)",
                    options.token_env
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
            token_env: options.token_env.clone(),
            trust,
            timeout: options.timeout,
        })
    }

    /// One GET of `path` (below the base URL, with its query), waiting out rate limits within
    /// the call timeout.
    async fn get(&self, path: &str) -> Result<Reply, String> {
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
                    "GitHub's rate limit ({}): asked to wait {} s, past --call-timeout",
                    reply.status,
                    wait.as_secs()
                ));
            }
            tracing::debug!(
                wait_s = wait.as_secs(),
                "GitHub rate limit: waiting before retrying"
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
        let req = Request::builder()
            .method("GET")
            .uri(format!("{}{path}", self.prefix))
            .header(header::HOST, authority)
            .header(header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header(
                header::USER_AGENT,
                concat!("infra-verify/", env!("CARGO_PKG_VERSION")),
            )
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONNECTION, "close")
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
    async fn list(
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
    fn below_base(&self, url: &str) -> Result<String, String> {
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
fn rate_limited(reply: &Reply) -> Option<Duration> {
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
fn next_page(headers: &HeaderMap) -> Option<String> {
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
enum Failure {
    /// GitHub answered, but not 200.
    Status(Reply),
    /// No answer (or one that could not be read).
    Other(String),
}

impl Failure {
    /// The error of an attribute family read with `operation`.
    fn describe(&self, operation: &str, token_env: &str) -> String {
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
                        "{operation}: GitHub answered 401{said}: the token in `{token_env}` is not valid (expired or revoked)"
                    ),
                    403 => format!(
                        "{operation}: GitHub answered 403{said}: the token needs the `{}` permission on this repository",
                        github_permission(operation).unwrap_or("?")
                    ),
                    s => format!("{operation}: GitHub answered {s}{said}"),
                }
            }
        }
    }
}

/// Observes every `github_repository`, a few at once.
pub async fn observe(
    resources: &[&Resource],
    options: &GitHubOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = match Client::new(options) {
        Ok(c) => c,
        Err(error) => {
            return resources
                .iter()
                .map(|r| ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation: Observation::Error {
                        error: error.clone(),
                    },
                })
                .collect()
        }
    };
    let client = &client;
    stream::iter(resources)
        .map(|r| async move {
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation: observe_one(client, r, recorder).await,
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

/// Whether the resource checks an attribute read with `operation`.
fn wants(r: &Resource, operation: &str) -> bool {
    r.expectations
        .iter()
        .any(|e| e.attribute.operation == operation)
}

async fn observe_one(client: &Client, r: &Resource, recorder: &CallRecorder) -> Observation {
    let Ok((owner, repo)) = crate::catalog::id::split_owner_repo(&r.id) else {
        return Observation::Error {
            error: format!("`{}` is not `<owner>/<repository>`", r.id),
        };
    };
    let base = format!("/repos/{owner}/{repo}");
    recorder.record(REPO);
    let reply = match client.get(&base).await {
        Ok(reply) => reply,
        Err(e) => {
            return Observation::Error {
                error: format!("{REPO}: {e}"),
            }
        }
    };
    match reply.status {
        200 => {}
        404 => return Observation::Absent,
        _ => {
            return Observation::Error {
                error: Failure::Status(reply).describe(REPO, &client.token_env),
            }
        }
    }
    let repository = match reply.json() {
        Ok(v) => v,
        Err(e) => {
            return Observation::Error {
                error: format!("{REPO}: {e}"),
            }
        }
    };
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let branch = repository
        .get("default_branch")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    attributes.insert("default_branch".into(), json!(branch));
    attributes.insert(
        "visibility".into(),
        repository.get("visibility").cloned().unwrap_or(Value::Null),
    );
    attributes.insert(
        "archived".into(),
        repository.get("archived").cloned().unwrap_or(Value::Null),
    );
    let fail = |errors: &mut BTreeMap<String, String>, names: &[&str], why: String| {
        for n in names {
            errors.insert((*n).to_string(), why.clone());
        }
    };

    if wants(r, PROTECTION) {
        const NAMES: [&str; 4] = [
            "branch_protected",
            "required_approving_reviews",
            "required_status_checks",
            "enforce_admins",
        ];
        recorder.record(PROTECTION);
        let path = format!("{base}/branches/{}/protection", encode(&branch));
        match client.get(&path).await {
            Ok(reply) if reply.status == 200 => {
                match reply.json() {
                    Ok(p) => {
                        attributes.insert("branch_protected".into(), json!(true));
                        attributes.insert(
                        "required_approving_reviews".into(),
                        json!(p
                            .pointer("/required_pull_request_reviews/required_approving_review_count")
                            .and_then(Value::as_u64)
                            .unwrap_or(0)),
                    );
                        let mut checks: Vec<String> = p
                            .pointer("/required_status_checks/checks")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|c| c.get("context").and_then(Value::as_str))
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default();
                        if checks.is_empty() {
                            checks = p
                                .pointer("/required_status_checks/contexts")
                                .and_then(Value::as_array)
                                .map(|a| {
                                    a.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default();
                        }
                        checks.sort();
                        checks.dedup();
                        attributes.insert("required_status_checks".into(), json!(checks));
                        attributes.insert(
                            "enforce_admins".into(),
                            p.pointer("/enforce_admins/enabled")
                                .cloned()
                                .unwrap_or(json!(false)),
                        );
                    }
                    Err(e) => fail(&mut errors, &NAMES, format!("{PROTECTION}: {e}")),
                }
            }
            // GitHub's documented answer for a branch without protection.
            Ok(reply) if reply.status == 404 && reply.message() == "Branch not protected" => {
                attributes.insert("branch_protected".into(), json!(false));
                for n in &NAMES[1..] {
                    attributes.insert((*n).into(), Value::Null);
                }
            }
            Ok(reply) => fail(
                &mut errors,
                &NAMES,
                Failure::Status(reply).describe(PROTECTION, &client.token_env),
            ),
            Err(e) => fail(&mut errors, &NAMES, format!("{PROTECTION}: {e}")),
        }
    }

    if wants(r, WORKFLOWS) {
        match client
            .list(
                &format!("{base}/actions/workflows?per_page=100"),
                Some("workflows"),
                WORKFLOWS,
                recorder,
            )
            .await
        {
            Ok(items) => {
                let mut names: Vec<String> = items
                    .iter()
                    .filter(|w| w.get("state").and_then(Value::as_str) == Some("active"))
                    .filter_map(|w| w.get("name").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect();
                names.sort();
                attributes.insert("workflow_count".into(), json!(names.len()));
                attributes.insert("workflows".into(), json!(names));
            }
            Err(f) => fail(
                &mut errors,
                &["workflows", "workflow_count"],
                f.describe(WORKFLOWS, &client.token_env),
            ),
        }
    }

    if wants(r, RUNS) {
        const NAMES: [&str; 3] = [
            "latest_run_conclusion",
            "latest_run_workflow",
            "latest_run_age_hours",
        ];
        recorder.record(RUNS);
        let path = format!(
            "{base}/actions/runs?branch={}&status=completed&exclude_pull_requests=true&per_page=1",
            encode(&branch)
        );
        match client.get(&path).await {
            Ok(reply) if reply.status == 200 => match reply.json() {
                Ok(v) => match v.pointer("/workflow_runs/0") {
                    Some(run) => {
                        attributes.insert(
                            "latest_run_conclusion".into(),
                            run.get("conclusion").cloned().unwrap_or(Value::Null),
                        );
                        attributes.insert(
                            "latest_run_workflow".into(),
                            run.get("name").cloned().unwrap_or(Value::Null),
                        );
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs() as i64);
                        let age = run
                            .get("created_at")
                            .and_then(Value::as_str)
                            .and_then(|t| {
                                aws_smithy_types::DateTime::from_str(
                                    t,
                                    aws_smithy_types::date_time::Format::DateTime,
                                )
                                .ok()
                            })
                            .map(|t| (now - t.secs()).div_euclid(3600));
                        attributes.insert(
                            "latest_run_age_hours".into(),
                            age.map_or(Value::Null, |h| json!(h)),
                        );
                    }
                    None => fail(
                        &mut errors,
                        &NAMES,
                        format!("no completed workflow run on `{branch}`"),
                    ),
                },
                Err(e) => fail(&mut errors, &NAMES, format!("{RUNS}: {e}")),
            },
            Ok(reply) => fail(
                &mut errors,
                &NAMES,
                Failure::Status(reply).describe(RUNS, &client.token_env),
            ),
            Err(e) => fail(&mut errors, &NAMES, format!("{RUNS}: {e}")),
        }
    }

    if wants(r, SECRETS) {
        match client
            .list(
                &format!("{base}/actions/secrets?per_page=100"),
                Some("secrets"),
                SECRETS,
                recorder,
            )
            .await
        {
            Ok(items) => {
                let mut names: Vec<String> = items
                    .iter()
                    .filter_map(|s| s.get("name").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect();
                names.sort();
                attributes.insert("actions_secret_names".into(), json!(names));
            }
            Err(f) => fail(
                &mut errors,
                &["actions_secret_names"],
                f.describe(SECRETS, &client.token_env),
            ),
        }
    }

    for (operation, path, total, high, severity) in [
        (
            DEPENDABOT,
            "dependabot/alerts",
            "dependabot_open_alerts",
            "dependabot_open_high",
            "/security_advisory/severity",
        ),
        (
            CODE_SCANNING,
            "code-scanning/alerts",
            "code_scanning_open_alerts",
            "code_scanning_open_high",
            "/rule/security_severity_level",
        ),
    ] {
        if !wants(r, operation) {
            continue;
        }
        match client
            .list(
                &format!("{base}/{path}?state=open&per_page=100"),
                None,
                operation,
                recorder,
            )
            .await
        {
            Ok(items) => {
                let serious = items
                    .iter()
                    .filter(|a| {
                        matches!(
                            a.pointer(severity).and_then(Value::as_str),
                            Some("high" | "critical")
                        )
                    })
                    .count();
                attributes.insert(total.into(), json!(items.len()));
                attributes.insert(high.into(), json!(serious));
            }
            Err(f) => fail(
                &mut errors,
                &[total, high],
                f.describe(operation, &client.token_env),
            ),
        }
    }

    Observation::Present { attributes, errors }
}

/// A branch name as one path segment.
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        let mut h = HeaderMap::new();
        h.insert(
            header::LINK,
            r#"<https://api.github.com/repositories/1/dependabot/alerts?per_page=100&after=Y3Vy>; rel="next", <https://api.github.com/repositories/1/dependabot/alerts?per_page=100&before=Zm9v>; rel="prev""#
                .parse()
                .expect("header"),
        );
        assert_eq!(
            next_page(&h).as_deref(),
            Some("https://api.github.com/repositories/1/dependabot/alerts?per_page=100&after=Y3Vy")
        );
        h.insert(
            header::LINK,
            r#"<https://api.github.com/x?page=1>; rel="first""#
                .parse()
                .expect("header"),
        );
        assert_eq!(next_page(&h), None);
    }

    #[test]
    fn the_api_url_is_https_or_loopback() {
        assert_eq!(
            parse_api_url("https://api.github.com/").as_deref(),
            Ok("https://api.github.com")
        );
        assert!(parse_api_url("https://ghe.example.com/api/v3").is_ok());
        assert!(parse_api_url("http://127.0.0.1:8080").is_ok());
        let e = parse_api_url("http://api.github.com").expect_err("clear text");
        assert!(e.contains("https:// only"), "{e}");
        assert!(parse_api_url("api.github.com").is_err());
    }

    #[test]
    fn every_github_operation_needs_a_named_permission() {
        for kind in crate::catalog::KINDS
            .iter()
            .filter(|k| k.provider == crate::catalog::Provider::GitHub)
        {
            assert!(github_permission(kind.list_operation).is_some());
            for a in kind.attributes {
                assert!(
                    github_permission(a.operation).is_some(),
                    "{}.{}: {}",
                    kind.name,
                    a.name,
                    a.operation
                );
            }
        }
    }

    #[test]
    fn branch_names_are_one_path_segment() {
        assert_eq!(encode("main"), "main");
        assert_eq!(encode("release/1.0"), "release%2F1.0");
    }
}
