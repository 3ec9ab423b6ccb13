//! Vercel as a provider (`vercel_project`): Vercel's REST API, read with an access token, GETs
//! only ([`crate::provider::rest`]).
//!
//! - The token is read from `VERCEL_TOKEN` (or the variable `--vercel-token-env` names) and sent
//!   only in the `Authorization` header; the team (`--vercel-team`, its id) is the `teamId` query
//!   parameter of every request.
//! - Environment variables: the list is requested without `decrypt`, and only each variable's
//!   name, type, targets and update time are kept. A `plain` variable's value, which the list
//!   carries, is dropped where the answer is read: it reaches no snapshot, report or log.
//! - Lists follow Vercel's `pagination.next` (the `until` parameter).
//! - Never a false pass: 401 and 403 are errors; a project Vercel does not know (404) is
//!   `missing`; no production deployment is an error.
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::aws::CallRecorder;
use crate::provider::rest::{wants, Client, Failure};
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for Vercel's kinds.
pub const SERVICE: &str = "vercel";
/// Vercel's API.
pub const DEFAULT_API_URL: &str = "https://api.vercel.com";
/// The environment variable the token is read from by default.
pub const DEFAULT_TOKEN_ENV: &str = "VERCEL_TOKEN";
/// What `infra-verify permissions` says a Vercel token needs: Vercel's tokens have a scope
/// (an account or a team) and an expiry, but no read-only permission set.
pub const TOKEN_SCOPE: &str = "an access token scoped to the project's team only (Vercel tokens cannot be made read-only: create one for infra-verify alone, with an expiry)";
/// Projects read at once.
const CONCURRENCY: usize = 4;
/// Pages followed at most for one list.
const PAGE_LIMIT: usize = 50;

const PROJECT: &str = "vercel:GET /v9/projects/{idOrName}";
const ENV: &str = "vercel:GET /v10/projects/{idOrName}/env";
const DOMAINS: &str = "vercel:GET /v9/projects/{idOrName}/domains";
const DEPLOYMENTS: &str = "vercel:GET /v6/deployments";

/// How Vercel is reached.
#[derive(Debug, Clone)]
pub struct VercelOptions {
    /// The API's base URL (`--vercel-api-url`).
    pub api_url: String,
    /// The environment variable holding the token (`--vercel-token-env`).
    pub token_env: String,
    /// The team the projects belong to (`--vercel-team`, `team_...`); `None`: the token's own
    /// account.
    pub team: Option<String>,
    /// The most one request may take (`--call-timeout`).
    pub timeout: Duration,
}

impl Default for VercelOptions {
    fn default() -> Self {
        VercelOptions {
            api_url: DEFAULT_API_URL.into(),
            token_env: DEFAULT_TOKEN_ENV.into(),
            team: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// The Vercel provider.
pub struct Vercel;

impl super::Provider for Vercel {
    const PROVIDER: crate::catalog::Provider = crate::catalog::Provider::Vercel;
    type Options = VercelOptions;

    fn permissions(resources: &[&Resource]) -> BTreeSet<&'static str> {
        if resources.is_empty() {
            BTreeSet::new()
        } else {
            BTreeSet::from([TOKEN_SCOPE])
        }
    }

    async fn observe(
        resources: &[&Resource],
        options: &VercelOptions,
        calls: &CallRecorder,
    ) -> Vec<ResourceRecord> {
        observe(resources, options, calls).await
    }
}

fn describe(f: &Failure, operation: &str, token_env: &str) -> String {
    f.describe(
        "Vercel",
        operation,
        token_env,
        "the token cannot read this project (is it scoped to the project's team? name the team with --vercel-team)",
    )
}

/// Observes every `vercel_project`, a few at once.
pub async fn observe(
    resources: &[&Resource],
    options: &VercelOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = match Client::new(
        &options.api_url,
        &options.token_env,
        vec![("accept", "application/json")],
        options.timeout,
    ) {
        Ok(c) => c,
        Err(error) => return crate::provider::all_errors(resources, &error),
    };
    let (client, team) = (&client, options.team.as_deref());
    stream::iter(resources)
        .map(|r| async move {
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation: observe_one(client, team, r, recorder).await,
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

/// `path` with the team's `teamId` (and `extra` query parameters).
fn with_query(path: &str, team: Option<&str>, extra: &[(&str, String)]) -> String {
    let mut params: Vec<String> = extra
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if let Some(team) = team {
        params.push(format!("teamId={}", encode(team)));
    }
    if params.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", params.join("&"))
    }
}

/// Every item of a Vercel list (`key` in each page), following `pagination.next` (`until`).
async fn list(
    client: &Client,
    path: &str,
    team: Option<&str>,
    key: &str,
    operation: &'static str,
    recorder: &CallRecorder,
) -> Result<Vec<Value>, Failure> {
    let mut items = Vec::new();
    let mut until: Option<String> = None;
    for _ in 0..PAGE_LIMIT {
        let mut extra = vec![("limit", "100".to_string())];
        if let Some(u) = &until {
            extra.push(("until", u.clone()));
        }
        recorder.record(operation);
        let reply = client
            .get(&with_query(path, team, &extra))
            .await
            .map_err(Failure::Other)?;
        if reply.status != 200 {
            return Err(Failure::Status(reply));
        }
        let page = reply.json().map_err(Failure::Other)?;
        let list = page
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| Failure::Other(format!("Vercel's answer has no `{key}` list")))?;
        items.extend(list.iter().cloned());
        match page.pointer("/pagination/next") {
            Some(Value::Number(n)) => until = Some(n.to_string()),
            Some(Value::String(s)) if !s.is_empty() => until = Some(s.clone()),
            _ => return Ok(items),
        }
    }
    Err(Failure::Other(format!(
        "more than {PAGE_LIMIT} pages: not read to its end"
    )))
}

async fn observe_one(
    client: &Client,
    team: Option<&str>,
    r: &Resource,
    recorder: &CallRecorder,
) -> Observation {
    let project_path = format!("/v9/projects/{}", encode(&r.id));
    recorder.record(PROJECT);
    let reply = match client.get(&with_query(&project_path, team, &[])).await {
        Ok(reply) => reply,
        Err(e) => {
            return Observation::Error {
                error: format!("{PROJECT}: {e}"),
            }
        }
    };
    match reply.status {
        200 => {}
        404 => return Observation::Absent,
        _ => {
            return Observation::Error {
                error: describe(&Failure::Status(reply), PROJECT, &client.token_env),
            }
        }
    }
    let project = match reply.json() {
        Ok(v) => v,
        Err(e) => {
            return Observation::Error {
                error: format!("{PROJECT}: {e}"),
            }
        }
    };
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map_or(Value::Null, |s| json!(s));
    attributes.insert("framework".into(), text(project.get("framework")));
    let link = project.get("link");
    attributes.insert(
        "git_provider".into(),
        text(link.and_then(|l| l.get("type"))),
    );
    let repository = link.and_then(|l| {
        let org = l.get("org").and_then(Value::as_str)?;
        let repo = l.get("repo").and_then(Value::as_str)?;
        Some(format!("{org}/{repo}"))
    });
    attributes.insert(
        "git_repository".into(),
        repository.map_or(Value::Null, Value::from),
    );
    attributes.insert(
        "production_branch".into(),
        text(link.and_then(|l| l.get("productionBranch"))),
    );
    let project_id = project
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(&r.id)
        .to_string();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let fail = |errors: &mut BTreeMap<String, String>, names: &[&str], why: String| {
        for n in names {
            errors.insert((*n).to_string(), why.clone());
        }
    };

    if wants(r, ENV) {
        const NAMES: [&str; 5] = [
            "env_production",
            "env_preview",
            "env_development",
            "env_production_plain",
            "env_production_oldest_update_days",
        ];
        recorder.record(ENV);
        let path = format!("/v10/projects/{}/env", encode(&r.id));
        match client.get(&with_query(&path, team, &[])).await {
            Ok(reply) if reply.status == 200 => match reply.json() {
                Ok(v) => {
                    // Names, types, targets and times only: a value is never kept.
                    let vars: Vec<EnvVar> = v
                        .get("envs")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().map(EnvVar::of).collect())
                        .unwrap_or_default();
                    drop(v);
                    let names = |target: &str, plain_only: bool| {
                        let mut n: Vec<String> = vars
                            .iter()
                            .filter(|e| e.targets.iter().any(|t| t == target))
                            .filter(|e| !plain_only || e.kind == "plain")
                            .map(|e| e.key.clone())
                            .collect();
                        n.sort();
                        n.dedup();
                        n
                    };
                    attributes.insert("env_production".into(), json!(names("production", false)));
                    attributes.insert("env_preview".into(), json!(names("preview", false)));
                    attributes.insert("env_development".into(), json!(names("development", false)));
                    attributes.insert(
                        "env_production_plain".into(),
                        json!(names("production", true)),
                    );
                    let oldest = vars
                        .iter()
                        .filter(|e| e.targets.iter().any(|t| t == "production"))
                        .filter_map(|e| e.updated_ms)
                        .min();
                    attributes.insert(
                        "env_production_oldest_update_days".into(),
                        oldest.map_or(Value::Null, |t| json!((now_ms - t).div_euclid(86_400_000))),
                    );
                }
                Err(e) => fail(&mut errors, &NAMES, format!("{ENV}: {e}")),
            },
            Ok(reply) => fail(
                &mut errors,
                &NAMES,
                describe(&Failure::Status(reply), ENV, &client.token_env),
            ),
            Err(e) => fail(&mut errors, &NAMES, format!("{ENV}: {e}")),
        }
    }

    if wants(r, DOMAINS) {
        let names = ["domains", "domains_all_verified"];
        match list(
            client,
            &format!("{project_path}/domains"),
            team,
            "domains",
            DOMAINS,
            recorder,
        )
        .await
        {
            Ok(items) => {
                let mut domains: Vec<String> = items
                    .iter()
                    .filter_map(|d| d.get("name").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect();
                domains.sort();
                let verified = (!items.is_empty()).then(|| {
                    items
                        .iter()
                        .all(|d| d.get("verified").and_then(Value::as_bool) == Some(true))
                });
                attributes.insert("domains".into(), json!(domains));
                attributes.insert(
                    "domains_all_verified".into(),
                    verified.map_or(Value::Null, Value::from),
                );
            }
            Err(f) => fail(
                &mut errors,
                &names,
                describe(&f, DOMAINS, &client.token_env),
            ),
        }
    }

    if wants(r, DEPLOYMENTS) {
        let names = [
            "production_deployment_state",
            "production_deployment_age_hours",
        ];
        recorder.record(DEPLOYMENTS);
        let path = with_query(
            "/v6/deployments",
            team,
            &[
                ("projectId", project_id.clone()),
                ("target", "production".into()),
                ("limit", "1".into()),
            ],
        );
        match client.get(&path).await {
            Ok(reply) if reply.status == 200 => match reply.json() {
                Ok(v) => match v.pointer("/deployments/0") {
                    Some(d) => {
                        attributes.insert(
                            "production_deployment_state".into(),
                            text(d.get("readyState").or_else(|| d.get("state"))),
                        );
                        let created = d
                            .get("createdAt")
                            .or_else(|| d.get("created"))
                            .and_then(Value::as_i64);
                        attributes.insert(
                            "production_deployment_age_hours".into(),
                            created
                                .map_or(Value::Null, |c| json!((now_ms - c).div_euclid(3_600_000))),
                        );
                    }
                    None => fail(
                        &mut errors,
                        &names,
                        "the project has no production deployment".into(),
                    ),
                },
                Err(e) => fail(&mut errors, &names, format!("{DEPLOYMENTS}: {e}")),
            },
            Ok(reply) => fail(
                &mut errors,
                &names,
                describe(&Failure::Status(reply), DEPLOYMENTS, &client.token_env),
            ),
            Err(e) => fail(&mut errors, &names, format!("{DEPLOYMENTS}: {e}")),
        }
    }

    Observation::Present { attributes, errors }
}

/// What is kept of one environment variable: never its value.
struct EnvVar {
    key: String,
    /// `plain`, `encrypted`, `sensitive`, `secret`, `system`.
    kind: String,
    targets: Vec<String>,
    updated_ms: Option<i64>,
}

impl EnvVar {
    fn of(v: &Value) -> EnvVar {
        let targets = match v.get("target") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        EnvVar {
            key: v
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            kind: v
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            targets,
            updated_ms: v
                .get("updatedAt")
                .or_else(|| v.get("createdAt"))
                .and_then(Value::as_i64),
        }
    }
}

/// A value as one path segment or query value.
fn encode(s: &str) -> String {
    s.bytes()
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
    fn the_team_is_a_query_parameter_of_every_request() {
        assert_eq!(
            with_query("/v9/projects/shop", Some("team_abc"), &[]),
            "/v9/projects/shop?teamId=team_abc"
        );
        assert_eq!(
            with_query("/v9/projects/shop", None, &[]),
            "/v9/projects/shop"
        );
        assert_eq!(
            with_query("/v6/deployments", None, &[("projectId", "prj 1".into())]),
            "/v6/deployments?projectId=prj%201"
        );
    }

    #[test]
    fn an_env_var_keeps_no_value() {
        let v = json!({"key": "API_KEY", "value": "plain-text-secret", "type": "plain",
            "target": ["production", "preview"], "updatedAt": 1_700_000_000_000_i64});
        let e = EnvVar::of(&v);
        assert_eq!(
            (
                e.key.as_str(),
                e.kind.as_str(),
                e.targets.len(),
                e.updated_ms
            ),
            ("API_KEY", "plain", 2, Some(1_700_000_000_000))
        );
    }
}
