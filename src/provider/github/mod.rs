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
use std::time::Duration;

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::aws::CallRecorder;
use crate::catalog::operations::github_permission;
use crate::provider::rest::{wants, Client, Failure};
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

/// `--github-api-url`: `https://`, or `http://` to a loopback test server.
pub fn parse_api_url(s: &str) -> Result<String, String> {
    super::rest::parse_api_url(s)
}

/// The errors of an attribute family read with `operation`.
fn describe(f: &Failure, operation: &str, token_env: &str) -> String {
    f.describe(
        "GitHub",
        operation,
        token_env,
        &format!(
            "the token needs the `{}` permission on this repository",
            github_permission(operation).unwrap_or("?")
        ),
    )
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

/// Observes every `github_repository`, a few at once.
pub async fn observe(
    resources: &[&Resource],
    options: &GitHubOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = match Client::new(
        &options.api_url,
        &options.token_env,
        vec![
            ("accept", "application/vnd.github+json"),
            ("x-github-api-version", "2022-11-28"),
        ],
        options.timeout,
    ) {
        Ok(c) => c,
        Err(error) => return crate::provider::all_errors(resources, &error),
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
                error: describe(&Failure::Status(reply), REPO, &client.token_env),
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
                describe(&Failure::Status(reply), PROTECTION, &client.token_env),
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
                describe(&f, WORKFLOWS, &client.token_env),
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
                describe(&Failure::Status(reply), RUNS, &client.token_env),
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
                describe(&f, SECRETS, &client.token_env),
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
                describe(&f, operation, &client.token_env),
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

    use crate::provider::rest::next_page;
    use hyper::header::{self, HeaderMap};

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
