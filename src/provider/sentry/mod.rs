//! Sentry as a provider (`sentry_project`): Sentry's API, read with an auth token, GETs only
//! ([`crate::provider::rest`]).
//!
//! - The token is read from `SENTRY_AUTH_TOKEN` (or the variable `--sentry-token-env` names) and
//!   sent only in the `Authorization` header; `--sentry-url` points at a self-hosted Sentry.
//! - Lists follow Sentry's `Link` header, whose `rel="next"` entry is followed only while it says
//!   `results="true"` (Sentry always sends one).
//! - A client key is counted, never recorded (its DSN carries its public key).
//! - Never a false pass: 401 and 403 are errors naming the scope; a project Sentry does not know
//!   (404) is `missing`.
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use hyper::header::{self, HeaderMap};
use serde_json::{json, Value};

use crate::aws::CallRecorder;
use crate::catalog::operations::sentry_scope;
use crate::provider::rest::{wants, Client, Failure};
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for Sentry's kinds.
pub const SERVICE: &str = "sentry";
/// Sentry's SaaS.
pub const DEFAULT_URL: &str = "https://sentry.io";
/// The environment variable the token is read from by default.
pub const DEFAULT_TOKEN_ENV: &str = "SENTRY_AUTH_TOKEN";
/// Projects read at once.
const CONCURRENCY: usize = 4;
/// Pages followed at most for one list.
const PAGE_LIMIT: usize = 50;

const PROJECT: &str = "sentry:GET /api/0/projects/{org}/{project}/";
const KEYS: &str = "sentry:GET /api/0/projects/{org}/{project}/keys/";
const RULES: &str = "sentry:GET /api/0/projects/{org}/{project}/rules/";
const ENVIRONMENTS: &str = "sentry:GET /api/0/projects/{org}/{project}/environments/";
const ISSUES: &str = "sentry:GET /api/0/projects/{org}/{project}/issues/";

/// How Sentry is reached.
#[derive(Debug, Clone)]
pub struct SentryOptions {
    /// Sentry's base URL (`--sentry-url`).
    pub url: String,
    /// The environment variable holding the token (`--sentry-token-env`).
    pub token_env: String,
    /// The most one request may take (`--call-timeout`).
    pub timeout: Duration,
}

impl Default for SentryOptions {
    fn default() -> Self {
        SentryOptions {
            url: DEFAULT_URL.into(),
            token_env: DEFAULT_TOKEN_ENV.into(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// The Sentry provider.
pub struct Sentry;

impl super::Provider for Sentry {
    const PROVIDER: crate::catalog::Provider = crate::catalog::Provider::Sentry;
    type Options = SentryOptions;

    /// The auth token scopes the resources' checks need.
    fn permissions(resources: &[&Resource]) -> BTreeSet<&'static str> {
        resources
            .iter()
            .flat_map(|r| {
                std::iter::once(r.kind.list_operation)
                    .chain(r.expectations.iter().map(|e| e.attribute.operation))
            })
            .filter_map(sentry_scope)
            .collect()
    }

    async fn observe(
        resources: &[&Resource],
        options: &SentryOptions,
        calls: &CallRecorder,
    ) -> Vec<ResourceRecord> {
        observe(resources, options, calls).await
    }
}

fn describe(f: &Failure, operation: &str, token_env: &str) -> String {
    f.describe(
        "Sentry",
        operation,
        token_env,
        &format!(
            "the token needs the `{}` scope",
            sentry_scope(operation).unwrap_or("?")
        ),
    )
}

/// Observes every `sentry_project`, a few at once.
pub async fn observe(
    resources: &[&Resource],
    options: &SentryOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = match Client::new(
        &options.url,
        &options.token_env,
        vec![("accept", "application/json")],
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

/// The next page's URL, when Sentry's `Link` header says it has results.
fn next_with_results(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let mut fields = part.split(';').map(str::trim);
        let url = fields.next()?.trim_start_matches('<').trim_end_matches('>');
        let params: Vec<&str> = fields.collect();
        (params.contains(&"rel=\"next\"") && params.contains(&"results=\"true\""))
            .then(|| url.to_string())
    })
}

/// Every item of a Sentry list (the page is the array).
async fn list(
    client: &Client,
    first: &str,
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
        let reply = client.get(&path).await.map_err(Failure::Other)?;
        if reply.status != 200 {
            return Err(Failure::Status(reply));
        }
        let page = reply.json().map_err(Failure::Other)?;
        let list = page
            .as_array()
            .ok_or_else(|| Failure::Other("Sentry's answer is not a list".into()))?;
        items.extend(list.iter().cloned());
        next = match next_with_results(&reply.headers) {
            Some(url) => Some(client.below_base(&url).map_err(Failure::Other)?),
            None => None,
        };
    }
    Ok(items)
}

async fn observe_one(client: &Client, r: &Resource, recorder: &CallRecorder) -> Observation {
    let Ok((org, project)) = crate::catalog::id::split_owner_repo(&r.id) else {
        return Observation::Error {
            error: format!("`{}` is not `<organization>/<project>`", r.id),
        };
    };
    let base = format!("/api/0/projects/{org}/{project}");
    recorder.record(PROJECT);
    let reply = match client.get(&format!("{base}/")).await {
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
    let details = match reply.json() {
        Ok(v) => v,
        Err(e) => {
            return Observation::Error {
                error: format!("{PROJECT}: {e}"),
            }
        }
    };
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    attributes.insert(
        "platform".into(),
        details
            .get("platform")
            .and_then(Value::as_str)
            .map_or(Value::Null, |p| json!(p)),
    );
    let families: [(&'static str, String, &[&str]); 4] = [
        (KEYS, format!("{base}/keys/"), &["active_client_keys"]),
        (
            RULES,
            format!("{base}/rules/"),
            &["alert_rules", "alert_rule_count"],
        ),
        (
            ENVIRONMENTS,
            format!("{base}/environments/?visibility=visible"),
            &["environments"],
        ),
        (
            ISSUES,
            format!("{base}/issues/?statsPeriod=24h&query=is%3Aunresolved%20level%3A%5Berror%2Cfatal%5D"),
            &["unresolved_errors_24h"],
        ),
    ];
    for (operation, path, names) in families {
        if !wants(r, operation) {
            continue;
        }
        match list(client, &path, operation, recorder).await {
            Ok(items) => match operation {
                KEYS => {
                    // Counted, never recorded: a key's DSN carries its public key.
                    let active = items
                        .iter()
                        .filter(|k| k.get("isActive").and_then(Value::as_bool) == Some(true))
                        .count();
                    attributes.insert("active_client_keys".into(), json!(active));
                }
                RULES => {
                    let mut rules: Vec<String> = items
                        .iter()
                        .filter_map(|k| k.get("name").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect();
                    rules.sort();
                    attributes.insert("alert_rule_count".into(), json!(rules.len()));
                    attributes.insert("alert_rules".into(), json!(rules));
                }
                ENVIRONMENTS => {
                    let mut envs: Vec<String> = items
                        .iter()
                        .filter_map(|k| k.get("name").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect();
                    envs.sort();
                    attributes.insert("environments".into(), json!(envs));
                }
                _ => {
                    attributes.insert("unresolved_errors_24h".into(), json!(items.len()));
                }
            },
            Err(f) => {
                let why = describe(&f, operation, &client.token_env);
                for n in names {
                    errors.insert((*n).to_string(), why.clone());
                }
            }
        }
    }
    Observation::Present { attributes, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_page_is_followed_only_when_it_has_results() {
        let mut h = HeaderMap::new();
        h.insert(
            header::LINK,
            r#"<https://sentry.io/api/0/projects/o/p/issues/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/projects/o/p/issues/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#
                .parse()
                .expect("header"),
        );
        assert_eq!(
            next_with_results(&h).as_deref(),
            Some("https://sentry.io/api/0/projects/o/p/issues/?&cursor=0:100:0")
        );
        h.insert(
            header::LINK,
            r#"<https://sentry.io/x?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/x?cursor=0:100:0>; rel="next"; results="false"; cursor="0:100:0""#
                .parse()
                .expect("header"),
        );
        assert_eq!(next_with_results(&h), None);
    }

    #[test]
    fn every_sentry_operation_needs_a_named_scope() {
        for kind in crate::catalog::KINDS
            .iter()
            .filter(|k| k.provider == crate::catalog::Provider::Sentry)
        {
            for a in kind.attributes {
                assert!(sentry_scope(a.operation).is_some(), "{}", a.name);
            }
        }
    }
}
