//! Raw AWS responses for evidence bundles: what every SDK call sent and what AWS answered, byte
//! for byte, with the request id and the time.
//!
//! A [`Capture`] lives inside the [`crate::aws::CallRecorder`] that every probe client carries
//! (`crate::client!` and the hand-built S3 client), so every call a probe makes is captured when,
//! and only when, evidence is being collected ([`crate::aws::CallRecorder::capturing`]). Without
//! it the recorder's interceptor does nothing more than count.
//!
//! What is kept of a call: the service, operation, region, attempt number, the request's method,
//! path and body (the operation's parameters; **no request headers**, so no signature or session
//! token), and the response's status, headers and body. The probes never call an operation that
//! returns a secret value (GetSecretValue is not in `plan::OPERATIONS`, and a test greps the
//! source for it); as a second line of defence, a response of such an operation would be
//! withheld here rather than written ([`SECRET_VALUE_OPERATIONS`]).
//!
//! Some responses the probes do read carry values that are often secrets although the API does
//! not call them so: ECS container environment variables (`DescribeTaskDefinition`), CloudFront
//! origin custom header values (a shared secret between CloudFront and the origin), the query
//! strings of SNS HTTP(S) subscription endpoints (webhook tokens), and a registered domain's
//! contacts (`GetDomainDetail`: personal data). Those values are replaced by
//! `REDACTED` before the body is kept ([`redact`]); the response record lists what was redacted,
//! and its hash and length are those of the body as kept.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use aws_smithy_types::date_time::Format;
use serde::{Deserialize, Serialize};

/// Operations whose response carries a secret value: never written to a bundle.
pub const SECRET_VALUE_OPERATIONS: &[&str] = &["GetSecretValue", "BatchGetSecretValue"];

/// Response headers that name the request, in order of preference.
pub const REQUEST_ID_HEADERS: &[&str] = &["x-amzn-requestid", "x-amz-request-id", "x-amz-id-2"];

/// Query parameters of a (presigned) request URI that are credentials: replaced by `REDACTED`.
const CREDENTIAL_PARAMS: &[&str] = &[
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-credential",
];

/// One API call (one attempt: a retried call has one record per attempt), as sent and answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawCall {
    /// The SDK's service name, without spaces (`RDS`, `S3`, `SecretsManager`).
    pub service: String,
    /// The SDK's operation name (`DescribeDBInstances`).
    pub operation: String,
    /// The IAM action (`rds:DescribeDBInstances`), when the probes may make this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The region the call was made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// When the request was sent (RFC 3339, UTC, milliseconds).
    pub sent_at: String,
    /// When the attempt ended (response read, or failed).
    pub received_at: String,
    /// What was asked.
    pub request: RawRequest,
    /// What AWS answered; `None` when no response came (connection failure, timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RawResponse>,
    /// Why there is no response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The request of a call: method, URI and body (the operation's parameters). No headers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The full URI (credential query parameters, if any, redacted).
    pub uri: String,
    /// The body (query-protocol form or JSON parameters), when it is text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// The response of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The request id AWS returned (`x-amzn-requestid`, `x-amz-request-id`, `x-amz-id-2`, or the
    /// body's `<RequestId>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every response header, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body exactly as received: text when it is UTF-8, else base64 ([`Self::body_encoding`]).
    pub body: String,
    /// `utf-8` or `base64`.
    pub body_encoding: String,
    /// SHA-256 (hex) of the body's bytes as received.
    pub body_sha256: String,
    /// The body's length in bytes.
    pub body_bytes: usize,
    /// What was replaced by `REDACTED` in the body before it was kept (e.g.
    /// `containerDefinitions[].environment[].value: 3`); empty when the body is exactly as
    /// received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<String>,
}

/// The placeholder of a redacted value.
pub const REDACTED: &str = "REDACTED";

/// Removes from a response body the values that are often secrets (see the module docs).
/// Returns the body to keep and what was redacted (empty: the body is unchanged).
pub fn redact(operation: &str, body: &str) -> (String, Vec<String>) {
    match operation {
        "DescribeTaskDefinition" => redact_task_definition(body),
        "ListDistributions" | "GetDistribution" | "GetDistributionConfig" => redact_xml(
            body,
            &HEADER_VALUE,
            "OriginCustomHeaders.Items[].HeaderValue",
        ),
        "ListSubscriptions" | "ListSubscriptionsByTopic" => redact_endpoints(body),
        "GetDomainDetail" => redact_domain_contacts(body),
        _ => (body.to_string(), Vec::new()),
    }
}

static HEADER_VALUE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?s)(<HeaderValue>)(.*?)(</HeaderValue>)").expect("a valid pattern")
});
static ENDPOINT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?s)(<Endpoint>)(.*?)(</Endpoint>)").expect("a valid pattern")
});

/// Every subscription endpoint that is a URL carrying more than its host (a webhook's path, its
/// user-info, its query) keeps only scheme and host, with the marker of [`crate::redact::url`]:
/// the same text as the snapshot's `subscriptions[].endpoint`.
fn redact_endpoints(body: &str) -> (String, Vec<String>) {
    let unescape = |v: &str| {
        v.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    let escape = |v: &str| {
        v.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut n = 0;
    let kept = ENDPOINT.replace_all(body, |c: &regex::Captures<'_>| {
        let original = unescape(&c[2]);
        let redacted = crate::redact::url(&original);
        if redacted == original {
            c[0].to_string()
        } else {
            n += 1;
            format!("{}{}{}", &c[1], escape(&redacted), &c[3])
        }
    });
    if n == 0 {
        return (body.to_string(), Vec::new());
    }
    (
        kept.into_owned(),
        vec![format!(
            "Subscriptions[].Endpoint beyond scheme and host (URLs): {n}"
        )],
    )
}

/// Replaces the second group of every match by [`REDACTED`].
fn redact_xml(body: &str, pattern: &regex::Regex, what: &str) -> (String, Vec<String>) {
    let n = pattern
        .captures_iter(body)
        .filter(|c| c.get(2).is_some_and(|v| !v.as_str().is_empty()))
        .count();
    if n == 0 {
        return (body.to_string(), Vec::new());
    }
    let kept = pattern.replace_all(body, |c: &regex::Captures<'_>| {
        if c[2].is_empty() {
            c[0].to_string()
        } else {
            format!("{}{REDACTED}{}", &c[1], &c[3])
        }
    });
    (kept.into_owned(), vec![format!("{what}: {n}")])
}

/// A registered domain's contacts (Route 53 Domains): names, addresses, e-mail addresses and
/// phone numbers are personal data, replaced whole; the rest of the domain's detail stays.
fn redact_domain_contacts(body: &str) -> (String, Vec<String>) {
    const CONTACTS: [&str; 4] = [
        "AdminContact",
        "RegistrantContact",
        "TechContact",
        "BillingContact",
    ];
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(body) else {
        return (
            format!("({REDACTED}: the body of GetDomainDetail was not JSON)"),
            vec!["the whole body (not JSON)".into()],
        );
    };
    let mut redacted = Vec::new();
    if let Some(detail) = doc.as_object_mut() {
        for contact in CONTACTS {
            if let Some(v) = detail.get_mut(contact).filter(|v| !v.is_null()) {
                *v = serde_json::Value::String(REDACTED.into());
                redacted.push(contact.to_string());
            }
        }
    }
    if redacted.is_empty() {
        return (body.to_string(), Vec::new());
    }
    (doc.to_string(), redacted)
}

/// Every container's environment values; the names stay (they say what is configured).
fn redact_task_definition(body: &str) -> (String, Vec<String>) {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(body) else {
        // Not JSON (an error page, a truncated body): nothing can be parsed out of it, but it
        // could still hold the values, so it is not kept either.
        return (
            format!("({REDACTED}: the body of DescribeTaskDefinition was not JSON)"),
            vec!["the whole body (not JSON)".into()],
        );
    };
    let mut n = 0;
    if let Some(containers) = doc
        .pointer_mut("/taskDefinition/containerDefinitions")
        .and_then(|c| c.as_array_mut())
    {
        for c in containers {
            let Some(env) = c.get_mut("environment").and_then(|e| e.as_array_mut()) else {
                continue;
            };
            for var in env {
                if let Some(v) = var.get_mut("value") {
                    *v = serde_json::Value::String(REDACTED.into());
                    n += 1;
                }
            }
        }
    }
    if n == 0 {
        return (body.to_string(), Vec::new());
    }
    (
        doc.to_string(),
        vec![format!("containerDefinitions[].environment[].value: {n}")],
    )
}

impl RawCall {
    /// `S3:GetBucketVersioning`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }

    /// Whether the request (URI or body) names `id`, as written or percent-encoded.
    pub fn request_names(&self, id: &str) -> bool {
        let encoded = percent_encode(id);
        let hit = |s: &str| s.contains(id) || s.contains(&encoded);
        hit(&self.request.uri) || self.request.body.as_deref().is_some_and(hit)
    }

    /// Whether the response body names `id`.
    pub fn response_names(&self, id: &str) -> bool {
        self.response.as_ref().is_some_and(|r| r.body.contains(id))
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as query bodies do.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The calls captured so far; cloned into every client of one run.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    calls: Arc<Mutex<Vec<RawCall>>>,
}

/// What `read_before_transmit` saw of the current attempt, kept in the call's config bag until
/// the attempt ends.
#[derive(Clone, Debug)]
struct Pending {
    sent_at: String,
    request: RawRequest,
}

impl Storable for Pending {
    type Storer = StoreReplace<Self>;
}

/// RFC 3339 UTC time of now, with milliseconds.
pub fn now_millis() -> String {
    let now = aws_smithy_types::DateTime::from(SystemTime::now());
    let millis = now.subsec_nanos() / 1_000_000;
    let secs = aws_smithy_types::DateTime::from_secs(now.secs())
        .fmt(Format::DateTime)
        .unwrap_or_default();
    // `2026-11-22T10:56:21Z` -> `2026-11-22T10:56:21.123Z`
    match secs.strip_suffix('Z') {
        Some(s) => format!("{s}.{millis:03}Z"),
        None => secs,
    }
}

fn text_or_none(bytes: Option<&[u8]>) -> Option<String> {
    let bytes = bytes?;
    if bytes.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// The URI with the values of credential query parameters replaced.
fn redact_uri(uri: &str) -> String {
    let Some((path, query)) = uri.split_once('?') else {
        return uri.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| {
            let name = p.split('=').next().unwrap_or_default();
            if CREDENTIAL_PARAMS.contains(&name.to_ascii_lowercase().as_str()) {
                format!("{name}=REDACTED")
            } else {
                p.to_string()
            }
        })
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// The request id in a query-protocol (XML) body: `<RequestId>...</RequestId>`.
fn body_request_id(body: &str) -> Option<String> {
    for tag in ["RequestId", "RequestID"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let Some(start) = body.find(&open) {
            let rest = &body[start + open.len()..];
            if let Some(end) = rest.find(&close) {
                return Some(rest[..end].trim().to_string());
            }
        }
    }
    None
}

/// The call's service and operation from the SDK's metadata.
fn names(cfg: &aws_smithy_types::config_bag::ConfigBag) -> (String, String) {
    match cfg.load::<Metadata>() {
        Some(meta) => (
            meta.service()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
            meta.name().to_string(),
        ),
        None => ("Unknown".into(), "Unknown".into()),
    }
}

impl Capture {
    /// Every call captured so far, in the order the attempts ended.
    pub fn calls(&self) -> Vec<RawCall> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Called from the recorder's `read_before_transmit`: remembers the request of this attempt.
    pub(crate) fn before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) {
        let request = context.request();
        let pending = Pending {
            sent_at: now_millis(),
            request: RawRequest {
                method: request.method().to_string(),
                uri: redact_uri(request.uri()),
                body: text_or_none(request.body().bytes()),
            },
        };
        cfg.interceptor_state().store_put(pending);
    }

    /// Called from the recorder's `read_after_attempt`: records the attempt and its response.
    pub(crate) fn after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) {
        let (service, operation) = names(cfg);
        let pending = cfg.load::<Pending>().cloned();
        cfg.interceptor_state().unset::<Pending>();
        let Some(pending) = pending else {
            // The attempt ended before anything was sent (e.g. signing failed): nothing to keep.
            return;
        };
        let region = cfg
            .load::<aws_types::region::Region>()
            .map(|r| r.to_string());
        let attempt = cfg
            .load::<RequestAttempts>()
            .map_or(1, |a| a.attempts().max(1));
        let withheld = SECRET_VALUE_OPERATIONS.contains(&operation.as_str());
        let (response, error) = match context.response() {
            Some(resp) => {
                let headers: BTreeMap<String, String> = resp
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                    .collect();
                let received: &[u8] = if withheld {
                    b"(withheld: this operation returns a secret value)"
                } else {
                    resp.body().bytes().unwrap_or(b"")
                };
                let (body, body_encoding, redacted) = match std::str::from_utf8(received) {
                    Ok(text) => {
                        let (kept, redacted) = redact(&operation, text);
                        (kept, "utf-8", redacted)
                    }
                    Err(_) => (
                        aws_smithy_types::base64::encode(received),
                        "base64",
                        Vec::new(),
                    ),
                };
                let bytes: &[u8] = if redacted.is_empty() {
                    received
                } else {
                    body.as_bytes()
                };
                let request_id = REQUEST_ID_HEADERS
                    .iter()
                    .find_map(|h| headers.get(*h).cloned())
                    .or_else(|| body_request_id(&body));
                (
                    Some(RawResponse {
                        status: resp.status().as_u16(),
                        request_id,
                        headers,
                        body_sha256: crate::fsutil::sha256_hex(bytes),
                        body_bytes: bytes.len(),
                        body,
                        body_encoding: body_encoding.to_string(),
                        redacted,
                    }),
                    None,
                )
            }
            None => (
                None,
                Some(match context.output_or_error() {
                    Some(Err(e)) => format!("no response: {e}"),
                    _ => "no response".to_string(),
                }),
            ),
        };
        let call = RawCall {
            action: crate::catalog::operations::action_for(&service, &operation)
                .map(str::to_string),
            service,
            operation,
            region,
            attempt,
            sent_at: pending.sent_at,
            received_at: now_millis(),
            request: pending.request,
            response,
            error,
        };
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_query_parameters_are_redacted_and_others_kept() {
        assert_eq!(
            redact_uri("https://b.s3.amazonaws.com/k?versioning&X-Amz-Security-Token=abc&X-Amz-Signature=def"),
            "https://b.s3.amazonaws.com/k?versioning&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED"
        );
        assert_eq!(redact_uri("http://h/?Action=X"), "http://h/?Action=X");
        assert_eq!(redact_uri("http://h/p"), "http://h/p");
    }

    #[test]
    fn values_that_are_often_secrets_are_redacted_and_named() {
        let td = r#"{"taskDefinition":{"family":"web","containerDefinitions":[{"name":"app","environment":[{"name":"DB_PASSWORD","value":"hunter2"},{"name":"MODE","value":"prod"}]},{"name":"side"}]}}"#;
        let (kept, what) = redact("DescribeTaskDefinition", td);
        assert!(
            !kept.contains("hunter2") && !kept.contains("prod"),
            "{kept}"
        );
        assert!(
            kept.contains("DB_PASSWORD") && kept.contains("\"family\":\"web\""),
            "{kept}"
        );
        assert_eq!(what, ["containerDefinitions[].environment[].value: 2"]);
        let (kept, what) = redact("DescribeTaskDefinition", "<html>oops hunter2");
        assert!(!kept.contains("hunter2"));
        assert_eq!(what.len(), 1);

        let cf = "<Origin><Id>alb</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>X-Origin-Verify</HeaderName><HeaderValue>s3cr3t</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>";
        let (kept, what) = redact("ListDistributions", cf);
        assert!(
            !kept.contains("s3cr3t")
                && kept.contains(
                    "<HeaderName>X-Origin-Verify</HeaderName><HeaderValue>REDACTED</HeaderValue>"
                ),
            "{kept}"
        );
        assert_eq!(what, ["OriginCustomHeaders.Items[].HeaderValue: 1"]);

        let sns = "<member><Endpoint>https://hooks.example/in?token=abc&amp;x=1</Endpoint></member><member><Endpoint>ops@example.com</Endpoint></member><member><Endpoint>https://user:pw@plain.example/services/T1/B2/s3cret</Endpoint></member><member><Endpoint>https://bare.example</Endpoint></member>";
        let (kept, what) = redact("ListSubscriptionsByTopic", sns);
        for secret in ["token=abc", "pw@", "s3cret", "T1/B2", "/in"] {
            assert!(!kept.contains(secret), "{secret}: {kept}");
        }
        // The same text as the snapshot's endpoint (the hash is of the unescaped URL).
        let marker = crate::redact::url("https://hooks.example/in?token=abc&x=1")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            kept.contains(&format!("<Endpoint>{marker}</Endpoint>"))
                && kept.contains("<Endpoint>ops@example.com</Endpoint>")
                && kept.contains("<Endpoint>https://plain.example/&lt;redacted:")
                && kept.contains("<Endpoint>https://bare.example</Endpoint>"),
            "{kept}"
        );
        assert_eq!(
            what,
            ["Subscriptions[].Endpoint beyond scheme and host (URLs): 2"]
        );

        let domain = r#"{"DomainName":"dorami.example","AdminContact":{"FirstName":"Ada","Email":"ada@dorami.example","PhoneNumber":"+82.212345678"},"RegistrantContact":{"FirstName":"Ada"},"TechContact":{"LastName":"Lee"},"BillingContact":null,"RegistrarName":"Amazon Registrar, Inc.","AdminPrivacy":true}"#;
        let (kept, what) = redact("GetDomainDetail", domain);
        for personal in ["Ada", "ada@", "+82", "Lee"] {
            assert!(!kept.contains(personal), "{personal}: {kept}");
        }
        assert!(
            kept.contains(r#""AdminContact":"REDACTED""#)
                && kept.contains(r#""RegistrarName":"Amazon Registrar, Inc.""#)
                && kept.contains(r#""AdminPrivacy":true"#),
            "{kept}"
        );
        assert_eq!(what, ["AdminContact", "RegistrantContact", "TechContact"]);

        // Other operations, and bodies with nothing to redact, are kept byte for byte.
        let body = "<DescribeDBInstancesResponse><HeaderValue>x</HeaderValue></DescribeDBInstancesResponse>";
        assert_eq!(
            redact("DescribeDBInstances", body),
            (body.to_string(), Vec::new())
        );
        let plain = r#"{"taskDefinition": {"containerDefinitions": [{"name": "a"}]}}"#;
        assert_eq!(
            redact("DescribeTaskDefinition", plain),
            (plain.to_string(), Vec::new())
        );
    }

    #[test]
    fn request_ids_come_from_query_protocol_bodies_too() {
        let xml = "<R><ResponseMetadata><RequestId> 1a2b </RequestId></ResponseMetadata></R>";
        assert_eq!(body_request_id(xml).as_deref(), Some("1a2b"));
        assert_eq!(body_request_id("{}"), None);
    }

    #[test]
    fn a_request_names_an_id_as_written_or_percent_encoded() {
        let call = RawCall {
            service: "ECS".into(),
            operation: "DescribeServices".into(),
            action: None,
            region: None,
            attempt: 1,
            sent_at: String::new(),
            received_at: String::new(),
            request: RawRequest {
                method: "POST".into(),
                uri: "/".into(),
                body: Some("Action=DescribeX&Arn=arn%3Aaws%3Aecs%3A%3A1%2Fweb".into()),
            },
            response: None,
            error: None,
        };
        assert!(call.request_names("arn:aws:ecs::1/web"));
        assert!(!call.request_names("arn:aws:ecs::1/api"));
        assert!(!call.response_names("web"));
    }
}
