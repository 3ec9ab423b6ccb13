//! Stripe as a provider (`stripe_webhook_endpoint`): Stripe's API, read with a restricted key,
//! GETs only ([`crate::provider::rest`]).
//!
//! - The key is read from `STRIPE_API_KEY` (or the variable `--stripe-key-env` names) and sent
//!   only in the `Authorization` header (Stripe accepts a bearer key). A restricted key that may
//!   only read webhook endpoints is enough.
//! - One paginated list of the account's webhook endpoints per run (`has_more`,
//!   `starting_after`), shared by every resource; each is found by its URL.
//! - An endpoint's signing secret is never in the list (Stripe returns it only at creation) and
//!   nothing but the attributes below is kept.
//! - Never a false pass: 401 and 403 are errors (Stripe's messages, which name the key, are
//!   redacted); no endpoint with the URL is `missing`.
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{json, Value};

use crate::aws::CallRecorder;
use crate::provider::rest::{Client, Failure};
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for Stripe's kinds.
pub const SERVICE: &str = "stripe";
/// Stripe's API.
pub const DEFAULT_API_URL: &str = "https://api.stripe.com";
/// The environment variable the key is read from by default.
pub const DEFAULT_KEY_ENV: &str = "STRIPE_API_KEY";
/// What `infra-verify permissions` says the key needs.
pub const KEY_PERMISSION: &str =
    "a restricted key (rk_live_...) with Webhook Endpoints: Read and every other resource None";
/// Pages followed at most.
const PAGE_LIMIT: usize = 50;

const WEBHOOKS: &str = "stripe:GET /v1/webhook_endpoints";

/// How Stripe is reached.
#[derive(Debug, Clone)]
pub struct StripeOptions {
    /// The API's base URL (`--stripe-api-url`).
    pub api_url: String,
    /// The environment variable holding the key (`--stripe-key-env`).
    pub key_env: String,
    /// The most one request may take (`--call-timeout`).
    pub timeout: Duration,
}

impl Default for StripeOptions {
    fn default() -> Self {
        StripeOptions {
            api_url: DEFAULT_API_URL.into(),
            key_env: DEFAULT_KEY_ENV.into(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// The Stripe provider.
pub struct Stripe;

impl super::Provider for Stripe {
    const PROVIDER: crate::catalog::Provider = crate::catalog::Provider::Stripe;
    type Options = StripeOptions;

    fn permissions(resources: &[&Resource]) -> BTreeSet<&'static str> {
        if resources.is_empty() {
            BTreeSet::new()
        } else {
            BTreeSet::from([KEY_PERMISSION])
        }
    }

    async fn observe(
        resources: &[&Resource],
        options: &StripeOptions,
        calls: &CallRecorder,
    ) -> Vec<ResourceRecord> {
        observe(resources, options, calls).await
    }
}

/// Observes every `stripe_webhook_endpoint` from one list of the account's endpoints.
pub async fn observe(
    resources: &[&Resource],
    options: &StripeOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let record = |r: &Resource, observation| ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation,
    };
    let endpoints = match Client::new(
        &options.api_url,
        &options.key_env,
        vec![("accept", "application/json")],
        options.timeout,
    ) {
        Ok(client) => list(&client, recorder).await.map_err(|f| {
            f.describe(
                "Stripe",
                WEBHOOKS,
                &client.token_env,
                "the key may not read webhook endpoints (give the restricted key Webhook Endpoints: Read)",
            )
        }),
        Err(e) => Err(e),
    };
    resources
        .iter()
        .map(|r| {
            let observation = match &endpoints {
                Err(error) => Observation::Error {
                    error: error.clone(),
                },
                Ok(all) => match all.iter().find(|e| same_url(e, &r.id)) {
                    Some(e) => Observation::Present {
                        attributes: attributes(e),
                        errors: BTreeMap::new(),
                    },
                    None => Observation::Absent,
                },
            };
            record(r, observation)
        })
        .collect()
}

/// Whether the endpoint's URL is `url` (ignoring one trailing `/`).
fn same_url(endpoint: &Value, url: &str) -> bool {
    endpoint
        .get("url")
        .and_then(Value::as_str)
        .is_some_and(|u| u.trim_end_matches('/') == url.trim_end_matches('/'))
}

/// What is kept of an endpoint (never a secret: the list has none, and only these are read).
fn attributes(e: &Value) -> BTreeMap<String, Value> {
    let text = |k: &str| {
        e.get(k)
            .and_then(Value::as_str)
            .map_or(Value::Null, |s| json!(s))
    };
    let mut events: Vec<String> = e
        .get("enabled_events")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    events.sort();
    BTreeMap::from([
        ("status".to_string(), text("status")),
        (
            "livemode".to_string(),
            e.get("livemode").cloned().unwrap_or(Value::Null),
        ),
        ("enabled_events".to_string(), json!(events)),
        ("api_version".to_string(), text("api_version")),
        // Free text the account wrote: redacted like any text read from a provider.
        (
            "description".to_string(),
            e.get("description")
                .and_then(Value::as_str)
                .map_or(Value::Null, |d| json!(crate::redact::text(d))),
        ),
    ])
}

/// Every webhook endpoint of the account: Stripe's list objects, followed with
/// `starting_after` (the last id) while `has_more`.
async fn list(client: &Client, recorder: &CallRecorder) -> Result<Vec<Value>, Failure> {
    let mut items: Vec<Value> = Vec::new();
    for _ in 0..PAGE_LIMIT {
        let mut path = "/v1/webhook_endpoints?limit=100".to_string();
        if let Some(last) = items
            .last()
            .and_then(|e| e.get("id"))
            .and_then(Value::as_str)
        {
            path.push_str(&format!("&starting_after={last}"));
        }
        recorder.record(WEBHOOKS);
        let reply = client.get(&path).await.map_err(Failure::Other)?;
        if reply.status != 200 {
            return Err(Failure::Status(reply));
        }
        let page = reply.json().map_err(Failure::Other)?;
        let data = page
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| Failure::Other("Stripe's answer has no `data` list".into()))?;
        // Only the fields read are kept, whatever else a page carries.
        items.extend(data.iter().map(|e| {
            json!({
                "id": e.get("id"), "url": e.get("url"), "status": e.get("status"),
                "livemode": e.get("livemode"), "enabled_events": e.get("enabled_events"),
                "api_version": e.get("api_version"), "description": e.get("description"),
            })
        }));
        if page.get("has_more").and_then(Value::as_bool) != Some(true) || data.is_empty() {
            return Ok(items);
        }
    }
    Err(Failure::Other(format!(
        "more than {PAGE_LIMIT} pages: not read to its end"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_found_by_its_url_and_keeps_only_its_attributes() {
        let e = json!({"id": "we_1", "url": "https://market.example/api/webhooks/stripe/",
            "status": "enabled", "livemode": true, "enabled_events": ["invoice.paid", "checkout.session.completed"],
            "api_version": null, "description": null, "secret": "whsec_never"});
        assert!(same_url(&e, "https://market.example/api/webhooks/stripe"));
        assert!(!same_url(&e, "https://market.example/api/webhooks/toss"));
        let a = attributes(&e);
        assert_eq!(
            a["enabled_events"],
            json!(["checkout.session.completed", "invoice.paid"])
        );
        assert!(!serde_json::to_string(&a)
            .unwrap_or_default()
            .contains("whsec"));
        let described =
            json!({"url": "https://x.example/h", "description": "relay, token=abc123secret"});
        let d = attributes(&described)["description"].clone();
        let d = d.as_str().unwrap_or_default();
        assert!(
            d.starts_with("relay, token=<redacted:") && !d.contains("abc123secret"),
            "{d}"
        );
    }
}
