//! What a browser sees when it loads a URL (`web_page`): the user's own headless Chromium, driven
//! through the DevTools protocol (`chromiumoxide`). Not an AWS service: no credentials, no IAM
//! action; the pseudo-operation is `chrome:PageLoad` (and `lighthouse:Run` when a Lighthouse
//! score is checked).
//!
//! - Chromium is the one `--chromium PATH` names, else the first of `chromium`,
//!   `chromium-browser`, `google-chrome-stable`, `google-chrome`, `chrome` on `PATH`. It is never
//!   downloaded: when there is none, every `web_page` is an error that says so.
//! - One browser per run, started only when a spec has a `web_page`, with an empty profile of its
//!   own (a temporary directory, removed after) and the HTTP cache off, so each load is a first
//!   visit. Pages load one at a time, so one page's timings are not another's. Certificate errors
//!   are errors (the browser is told to respect them), never ignored.
//! - A load is the navigation to its load event, plus [`SETTLE`] for late requests and the
//!   largest contentful paint; it has `--call-timeout` in all. A navigation that fails (no
//!   connection, a certificate error, a name that does not resolve) is an error of the resource.
//! - The page loads what it references, as in any browser; `--connect-to` rules become Chromium's
//!   `--host-resolver-rules`, so a stand-in server answers for every host they name.
//! - Console messages and URLs are redacted like `http_endpoint`'s body before they are recorded.
//!
//! A Lighthouse score is Lighthouse's own: the `lighthouse` CLI (`--lighthouse PATH`, else on
//! `PATH`) is run on the same Chromium, once per page, only when a score is checked; without it
//! each score is an error that says what is missing, never an estimate.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::log::{
    EnableParams as LogEnable, EventEntryAdded, LogEntryLevel,
};
use chromiumoxide::cdp::browser_protocol::network::{
    BlockedReason, EnableParams as NetworkEnable, EventLoadingFailed, EventLoadingFinished,
    EventRequestWillBeSent, ResourceType, SetCacheDisabledParams,
};
use chromiumoxide::cdp::browser_protocol::security::MixedContentType;
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EvaluateParams, EventConsoleApiCalled, EventExceptionThrown,
};
use chromiumoxide::Page;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio::time::{timeout_at, Instant};

use super::{checks, connect_to, ConnectTo, HttpOptions};
use crate::aws::CallRecorder;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// The catalog's service name for `web_page`.
pub const SERVICE: &str = "browser";
/// Pseudo-operation: one page load in headless Chromium.
pub const PAGE_LOAD: &str = "chrome:PageLoad";
/// Pseudo-operation: one run of the `lighthouse` CLI.
pub const LIGHTHOUSE_RUN: &str = "lighthouse:Run";
/// How long after the load event requests are still counted and the largest contentful paint is
/// waited for.
const SETTLE: Duration = Duration::from_millis(500);
/// The most one Lighthouse run may take (it loads the page several times).
const LIGHTHOUSE_TIMEOUT: Duration = Duration::from_secs(180);
/// Console messages kept per page, and the most of each.
const CONSOLE_LIMIT: usize = 20;
const MESSAGE_LIMIT: usize = 300;
/// The Chromium executables looked for on `PATH`, in order.
const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
    "chrome",
];
/// Lighthouse categories, by attribute.
const LIGHTHOUSE: &[(&str, &str)] = &[
    ("lighthouse_performance", "performance"),
    ("lighthouse_accessibility", "accessibility"),
    ("lighthouse_best_practices", "best-practices"),
    ("lighthouse_seo", "seo"),
];

/// Observes every `web_page`, one at a time, in one browser.
pub(super) async fn observe(
    resources: &[&Resource],
    options: &HttpOptions,
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
    let failed = |error: String| crate::provider::all_errors(resources, &error);
    let chromium = match find_chromium(options.chromium.as_deref()) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    let rules = match host_resolver_rules(&options.connect_to) {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let profile = match tempfile::Builder::new()
        .prefix("infra-verify-chromium-")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => return failed(format!("cannot make Chromium's profile directory: {e}")),
    };
    let mut session = match Session::start(&chromium, profile.path(), rules.as_deref()).await {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let mut records = Vec::with_capacity(resources.len());
    for r in resources {
        recorder.record(PAGE_LOAD);
        let deadline = Instant::now() + options.timeout;
        let mut observation = match timeout_at(deadline, session.load(&r.id)).await {
            Ok(Ok(seen)) => seen.observation(&r.id, &options.connect_to),
            Ok(Err(e)) => Observation::Error {
                error: format!("loading {} in Chromium: {e}", r.id),
            },
            Err(_) => Observation::Error {
                error: format!(
                    "loading {} in Chromium timed out (--call-timeout, {} s)",
                    r.id,
                    options.timeout.as_secs()
                ),
            },
        };
        if let Observation::Present { attributes, errors } = &mut observation {
            if LIGHTHOUSE.iter().any(|(a, _)| checks(r, a)) {
                lighthouse(
                    r,
                    &chromium,
                    options,
                    rules.as_deref(),
                    recorder,
                    attributes,
                    errors,
                )
                .await;
            } else {
                for (a, _) in LIGHTHOUSE {
                    errors.insert(
                        (*a).into(),
                        "not measured: Lighthouse runs only when a score is checked".into(),
                    );
                }
            }
        }
        records.push(record(r, observation));
    }
    session.close().await;
    drop(profile);
    records
}

/// `--chromium`, else the first Chromium on `PATH`.
fn find_chromium(named: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = named {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(format!(
                "--chromium {}: no such file (web_page uses your own Chromium; it is never downloaded)",
                path.display()
            ))
        };
    }
    CHROMIUM_NAMES
        .iter()
        .find_map(|name| which::which(name).ok())
        .ok_or_else(|| {
            format!(
                "no Chromium found on PATH (looked for {}): install Chromium or Chrome, or name it with --chromium PATH; web_page never downloads a browser",
                CHROMIUM_NAMES.join(", ")
            )
        })
}

/// The `--connect-to` rules as Chromium's `--host-resolver-rules` (`MAP host:port addr:port`),
/// so every host a rule names is answered by its stand-in, subresources included. A rule that
/// keeps the request's own host (an empty CONNECT_HOST) cannot be written so: an error, never a
/// request to the real host.
pub(crate) fn host_resolver_rules(rules: &[ConnectTo]) -> Result<Option<String>, String> {
    if rules.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for rule in rules {
        let Some(to_host) = &rule.connect_host else {
            return Err(format!(
                "--connect-to {rule}: web_page needs a CONNECT_HOST (Chromium maps names to hosts, not ports alone)"
            ));
        };
        let pattern = match (&rule.host, rule.port) {
            (Some(h), Some(p)) => connect_to::address(h, p),
            (Some(h), None) => h.clone(),
            (None, Some(p)) => format!("*:{p}"),
            (None, None) => "*".to_string(),
        };
        let to = match rule.connect_port {
            Some(p) => connect_to::address(to_host, p),
            None => connect_to::bracketed(to_host),
        };
        out.push(format!("MAP {pattern} {to}"));
    }
    Ok(Some(out.join(", ")))
}

/// The running browser and the task that drives its DevTools connection.
struct Session {
    browser: Browser,
    driver: tokio::task::JoinHandle<()>,
}

impl Session {
    async fn start(
        chromium: &Path,
        profile: &Path,
        rules: Option<&str>,
    ) -> Result<Session, String> {
        let mut config = BrowserConfig::builder()
            .chrome_executable(chromium)
            .user_data_dir(profile)
            .new_headless_mode()
            .respect_https_errors()
            .disable_cache()
            .launch_timeout(Duration::from_secs(30))
            .args([
                "--disable-gpu",
                "--disable-quic",
                "--disable-component-update",
                "--disable-domain-reliability",
                "--no-default-browser-check",
                "--no-pings",
            ]);
        // Chromium's sandbox needs user namespaces; as root it refuses to start without this.
        if is_root() {
            config = config.no_sandbox();
        }
        if let Some(rules) = rules {
            config = config.arg(format!("--host-resolver-rules={rules}"));
        }
        let config = config
            .build()
            .map_err(|e| format!("Chromium {}: {e}", chromium.display()))?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| format!("cannot start Chromium {}: {e}", chromium.display()))?;
        let driver = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if event.is_err() {
                    // A message it could not read; the connection goes on.
                    continue;
                }
            }
        });
        Ok(Session { browser, driver })
    }

    /// Loads `url` in a new tab and records what the page did.
    async fn load(&mut self, url: &str) -> Result<Seen, String> {
        let page = self
            .browser
            .new_page("about:blank")
            .await
            .map_err(|e| format!("cannot open a tab: {e}"))?;
        let result = load_in(&page, url).await;
        let _ = page.close().await;
        result
    }

    async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.driver.abort();
    }
}

fn is_root() -> bool {
    // The effective user id, from /proc (no libc call): 0 is root.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// What one page load saw.
#[derive(Debug, Default)]
struct Seen {
    /// The main document's HTTP status.
    status: Option<u16>,
    load_ms: Option<f64>,
    dom_content_loaded_ms: Option<f64>,
    lcp_ms: Option<f64>,
    final_url: Option<String>,
    https: bool,
    network: Network,
}

/// The network and console events of one load.
#[derive(Debug, Default)]
struct Network {
    /// Request id → (URL, resource type) of every request (data: and blob: URLs left out).
    requests: HashMap<String, (String, Option<ResourceType>)>,
    /// Request id → bytes received (headers and body, as sent on the wire).
    bytes: HashMap<String, f64>,
    /// Request id → why it failed.
    failed: BTreeMap<String, String>,
    /// Insecure URLs requested by a secure page (blocked, upgraded or loaded).
    mixed: BTreeSet<String>,
    console_errors: Vec<String>,
}

impl Network {
    fn console_error(&mut self, text: &str) {
        if self.console_errors.len() < CONSOLE_LIMIT {
            let text = crate::redact::text(text.trim());
            let text: String = text.chars().take(MESSAGE_LIMIT).collect();
            self.console_errors.push(text);
        }
    }
}

/// The timings of the navigation entry and the largest contentful paint, read in the page after
/// its load event (`performance` API; times in ms from the navigation's start).
const TIMINGS: &str = r#"new Promise((resolve) => {
  let lcp = null;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { lcp = e.startTime; }
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } catch (e) {}
  setTimeout(() => {
    const n = performance.getEntriesByType("navigation")[0];
    resolve({
      lcp: lcp,
      load: n && n.loadEventStart > 0 ? n.loadEventStart : null,
      dcl: n && n.domContentLoadedEventStart > 0 ? n.domContentLoadedEventStart : null,
      status: n && n.responseStatus ? n.responseStatus : null,
      url: location.href,
      secure: location.protocol === "https:",
    });
  }, SETTLE_MS);
})"#;

async fn load_in(page: &Page, url: &str) -> Result<Seen, String> {
    let cdp = |e: chromiumoxide::error::CdpError| e.to_string();
    page.execute(NetworkEnable::default()).await.map_err(cdp)?;
    page.execute(SetCacheDisabledParams::new(true))
        .await
        .map_err(cdp)?;
    page.execute(LogEnable::default()).await.map_err(cdp)?;
    page.enable_runtime().await.map_err(cdp)?;

    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let mut sent = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .map_err(cdp)?;
    let mut finished = page
        .event_listener::<EventLoadingFinished>()
        .await
        .map_err(cdp)?;
    let mut failed = page
        .event_listener::<EventLoadingFailed>()
        .await
        .map_err(cdp)?;
    let mut console = page
        .event_listener::<EventConsoleApiCalled>()
        .await
        .map_err(cdp)?;
    let mut thrown = page
        .event_listener::<EventExceptionThrown>()
        .await
        .map_err(cdp)?;
    let mut logged = page
        .event_listener::<EventEntryAdded>()
        .await
        .map_err(cdp)?;
    // Owns what it collects and hands it back when told to stop (after draining every event
    // already delivered: `biased`, the stop branch last).
    let collector = tokio::spawn(async move {
        let mut n = Network::default();
        loop {
            tokio::select! {
                biased;
                Some(e) = sent.next() => {
                    let url = &e.request.url;
                    if url.starts_with("data:") || url.starts_with("blob:") {
                        continue;
                    }
                    if matches!(
                        e.request.mixed_content_type,
                        Some(MixedContentType::Blockable | MixedContentType::OptionallyBlockable)
                    ) {
                        n.mixed.insert(crate::redact::text(url));
                    }
                    n.requests
                        .insert(e.request_id.inner().clone(), (url.clone(), e.r#type.clone()));
                }
                Some(e) = finished.next() => {
                    n.bytes.insert(e.request_id.inner().clone(), e.encoded_data_length);
                }
                Some(e) = failed.next() => {
                    let id = e.request_id.inner().clone();
                    if matches!(e.blocked_reason, Some(BlockedReason::MixedContent)) {
                        if let Some((url, _)) = n.requests.get(&id).cloned() {
                            n.mixed.insert(crate::redact::text(&url));
                        }
                    }
                    let why = match (&e.blocked_reason, e.canceled) {
                        (Some(reason), _) => format!("blocked: {}", reason.as_ref()),
                        (None, Some(true)) => "canceled".to_string(),
                        _ => e.error_text.clone(),
                    };
                    n.failed.insert(id, why);
                }
                Some(e) = console.next() => {
                    if matches!(e.r#type, ConsoleApiCalledType::Error | ConsoleApiCalledType::Assert) {
                        let text = e
                            .args
                            .iter()
                            .map(|a| match &a.value {
                                Some(Value::String(s)) => s.clone(),
                                Some(v) => v.to_string(),
                                None => a.description.clone().unwrap_or_default(),
                            })
                            .collect::<Vec<_>>()
                            .join(" ");
                        n.console_error(&text);
                    }
                }
                Some(e) = thrown.next() => {
                    let d = &e.exception_details;
                    // The exception's first line (`Error: message`); the stack is left out.
                    let text = d
                        .exception
                        .as_ref()
                        .and_then(|x| x.description.clone())
                        .unwrap_or_else(|| d.text.clone());
                    let text = text.lines().next().unwrap_or_default().to_string();
                    n.console_error(&text);
                }
                Some(e) = logged.next() => {
                    if e.entry.level == LogEntryLevel::Error {
                        n.console_error(&e.entry.text);
                    }
                }
                _ = &mut stopped => break,
                else => break,
            }
        }
        n
    });

    let navigated = page.goto(url).await;
    let timings = match navigated {
        Ok(_) => {
            let script = TIMINGS.replace("SETTLE_MS", &SETTLE.as_millis().to_string());
            let params = EvaluateParams::builder()
                .expression(script)
                .await_promise(true)
                .return_by_value(true)
                .build()
                .map_err(|e| format!("the timing script: {e}"));
            match params {
                Ok(p) => page
                    .evaluate_expression(p)
                    .await
                    .map_err(|e| format!("reading the page's timings: {e}"))
                    .and_then(|r| {
                        r.into_value::<Value>()
                            .map_err(|e| format!("reading the page's timings: {e}"))
                    }),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(format!("the navigation failed: {e}")),
    };
    let _ = stop.send(());
    let network = collector
        .await
        .map_err(|e| format!("collecting the page's events: {e}"))?;
    let timings = timings?;
    let number = |k: &str| timings.get(k).and_then(Value::as_f64);
    Ok(Seen {
        status: timings
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        load_ms: number("load"),
        dom_content_loaded_ms: number("dcl"),
        lcp_ms: number("lcp"),
        final_url: timings
            .get("url")
            .and_then(Value::as_str)
            .map(crate::redact::text),
        https: timings
            .get("secure")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        network,
    })
}

impl Seen {
    fn observation(&self, url: &str, rules: &[ConnectTo]) -> Observation {
        let mut attributes = BTreeMap::new();
        let mut errors = BTreeMap::new();
        let ms = |v: Option<f64>| v.map(|v| v.round() as i64);
        match self.status {
            Some(s) => {
                attributes.insert("status".into(), json!(s));
            }
            None => {
                errors.insert(
                    "status".into(),
                    "the browser reported no HTTP status for the page (not an http(s) document)"
                        .into(),
                );
            }
        }
        match ms(self.load_ms) {
            Some(v) => {
                attributes.insert("load_time_ms".into(), json!(v));
            }
            None => {
                errors.insert(
                    "load_time_ms".into(),
                    "the page's load event was not seen".into(),
                );
            }
        }
        match ms(self.dom_content_loaded_ms) {
            Some(v) => {
                attributes.insert("dom_content_loaded_ms".into(), json!(v));
            }
            None => {
                errors.insert(
                    "dom_content_loaded_ms".into(),
                    "the page's DOMContentLoaded event was not seen".into(),
                );
            }
        }
        match ms(self.lcp_ms) {
            Some(v) => {
                attributes.insert("lcp_ms".into(), json!(v));
            }
            None => {
                errors.insert(
                    "lcp_ms".into(),
                    "Chromium reported no largest contentful paint (a page with no text or image painted)"
                        .into(),
                );
            }
        }
        let n = &self.network;
        let total: f64 = n.bytes.values().sum();
        let script: f64 = n
            .bytes
            .iter()
            .filter(|(id, _)| matches!(n.requests.get(*id), Some((_, Some(ResourceType::Script)))))
            .map(|(_, b)| b)
            .sum();
        attributes.insert("transfer_bytes".into(), json!(total.round() as u64));
        attributes.insert("script_transfer_bytes".into(), json!(script.round() as u64));
        attributes.insert("request_count".into(), json!(n.requests.len()));
        attributes.insert("failed_request_count".into(), json!(n.failed.len()));
        let mut failed: Vec<String> = n
            .failed
            .iter()
            .map(|(id, why)| {
                let url = n
                    .requests
                    .get(id)
                    .map_or("(unknown URL)", |(u, _)| u.as_str());
                format!("{}: {why}", crate::redact::text(url))
            })
            .collect();
        failed.sort();
        attributes.insert("failed_requests".into(), json!(failed));
        // Sorted: the events come on several streams, so their order is not the page's.
        let mut console = n.console_errors.clone();
        console.sort();
        attributes.insert("console_errors".into(), json!(console));
        attributes.insert("console_error_count".into(), json!(n.console_errors.len()));
        attributes.insert(
            "mixed_content".into(),
            if self.https {
                json!(n.mixed.iter().collect::<Vec<_>>())
            } else {
                Value::Null
            },
        );
        // The `--connect-to` rules the load went through, as `http_endpoint` records them.
        let mut rerouted = serde_json::Map::new();
        for (u, _) in n.requests.values() {
            let Ok(uri) = u.parse::<hyper::Uri>() else {
                continue;
            };
            let (Some(host), Some(port)) = (
                uri.host(),
                uri.port_u16().or(match uri.scheme_str() {
                    Some("https" | "wss") => Some(443),
                    Some("http" | "ws") => Some(80),
                    _ => None,
                }),
            ) else {
                continue;
            };
            let host = host.trim_start_matches('[').trim_end_matches(']');
            if let Some((to_host, to_port)) = connect_to::route(rules, host, port) {
                rerouted.insert(
                    connect_to::address(host, port),
                    json!(connect_to::address(&to_host, to_port)),
                );
            }
        }
        attributes.insert(
            "connect_to".into(),
            if rerouted.is_empty() {
                Value::Null
            } else {
                Value::Object(rerouted)
            },
        );
        attributes.insert(
            "final_url".into(),
            self.final_url
                .clone()
                .map_or_else(|| json!(crate::redact::text(url)), Value::from),
        );
        Observation::Present { attributes, errors }
    }
}

/// Runs the `lighthouse` CLI on the page (its own loads, in the same Chromium), when a score is
/// checked, and records the category scores (0–100) or why there are none.
async fn lighthouse(
    r: &Resource,
    chromium: &Path,
    options: &HttpOptions,
    rules: Option<&str>,
    recorder: &CallRecorder,
    attributes: &mut BTreeMap<String, Value>,
    errors: &mut BTreeMap<String, String>,
) {
    let fail = |errors: &mut BTreeMap<String, String>, why: String| {
        for (a, _) in LIGHTHOUSE {
            errors.insert((*a).into(), why.clone());
        }
    };
    let bin = match &options.lighthouse {
        Some(p) if p.is_file() => p.clone(),
        Some(p) => {
            return fail(
                errors,
                format!("--lighthouse {}: no such file", p.display()),
            )
        }
        None => match which::which("lighthouse") {
            Ok(p) => p,
            Err(_) => {
                return fail(
                    errors,
                    "the `lighthouse` CLI is not installed (npm install -g lighthouse) or not on PATH, and a Lighthouse score is Lighthouse's own: not measured, never estimated (name it with --lighthouse PATH)".into(),
                )
            }
        },
    };
    let mut flags = vec![
        "--headless=new".to_string(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
    ];
    if is_root() {
        flags.push("--no-sandbox".into());
    }
    if let Some(rules) = rules {
        flags.push(format!("--host-resolver-rules=\"{rules}\""));
    }
    let categories: Vec<&str> = LIGHTHOUSE.iter().map(|(_, c)| *c).collect();
    recorder.record(LIGHTHOUSE_RUN);
    let run = tokio::process::Command::new(&bin)
        .arg(&r.id)
        .arg("--output=json")
        .arg("--output-path=stdout")
        .arg("--quiet")
        .arg(format!("--only-categories={}", categories.join(",")))
        .arg(format!("--chrome-flags={}", flags.join(" ")))
        .env("CHROME_PATH", chromium)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(LIGHTHOUSE_TIMEOUT.max(options.timeout), run).await {
        Err(_) => {
            return fail(
                errors,
                format!(
                    "lighthouse {} did not finish within {} s",
                    bin.display(),
                    LIGHTHOUSE_TIMEOUT.max(options.timeout).as_secs()
                ),
            )
        }
        Ok(Err(e)) => return fail(errors, format!("cannot run {}: {e}", bin.display())),
        Ok(Ok(o)) => o,
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
        return fail(
            errors,
            format!(
                "lighthouse failed ({}){}",
                output.status,
                last.map(|l| format!(": {}", crate::redact::text(l.trim())))
                    .unwrap_or_default()
            ),
        );
    }
    match lighthouse_scores(&output.stdout) {
        Ok(scores) => {
            for (a, c) in LIGHTHOUSE {
                match scores.get(*c) {
                    Some(Some(s)) => {
                        attributes.insert((*a).into(), json!(s));
                    }
                    Some(None) => {
                        errors.insert(
                            (*a).into(),
                            format!("Lighthouse gave no `{c}` score (an audit it needs failed)"),
                        );
                    }
                    None => {
                        errors.insert(
                            (*a).into(),
                            format!("Lighthouse's report has no `{c}` category"),
                        );
                    }
                }
            }
        }
        Err(e) => fail(errors, e),
    }
}

/// The category scores of a Lighthouse JSON report (`categories.<id>.score`, 0–1 or null),
/// as whole percentages.
pub(crate) fn lighthouse_scores(report: &[u8]) -> Result<BTreeMap<String, Option<u64>>, String> {
    let v: Value = serde_json::from_slice(report)
        .map_err(|e| format!("lighthouse's output is not its JSON report: {e}"))?;
    if let Some(err) = v.get("runtimeError").and_then(|e| e.get("message")) {
        return Err(format!(
            "Lighthouse could not load the page: {}",
            crate::redact::text(err.as_str().unwrap_or_default())
        ));
    }
    let categories = v
        .get("categories")
        .and_then(Value::as_object)
        .ok_or("lighthouse's report has no `categories`")?;
    Ok(categories
        .iter()
        .map(|(id, c)| {
            let score = c
                .get("score")
                .and_then(Value::as_f64)
                .map(|s| (s * 100.0).round() as u64);
            (id.clone(), score)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_rules_become_host_resolver_rules() {
        let rules: Vec<ConnectTo> = [
            "shop.example:443:127.0.0.1:8443",
            "cdn.example::127.0.0.1:",
            ":80:[::1]:8080",
        ]
        .iter()
        .map(|r| ConnectTo::parse(r).expect("rule"))
        .collect();
        assert_eq!(
            host_resolver_rules(&rules).expect("rules").as_deref(),
            Some("MAP shop.example:443 127.0.0.1:8443, MAP cdn.example 127.0.0.1, MAP *:80 [::1]:8080")
        );
        assert_eq!(host_resolver_rules(&[]).expect("none"), None);
        let keeps_host = ConnectTo::parse("shop.example:443::8443").expect("rule");
        let err = host_resolver_rules(&[keeps_host]).expect_err("cannot map a port alone");
        assert!(err.contains("CONNECT_HOST"), "{err}");
    }

    #[test]
    fn lighthouse_scores_are_whole_percentages() {
        let report = br#"{"lighthouseVersion":"12.6.0","categories":{
            "performance":{"id":"performance","score":0.93},
            "accessibility":{"id":"accessibility","score":1},
            "best-practices":{"id":"best-practices","score":null},
            "seo":{"id":"seo","score":0.826}}}"#;
        let scores = lighthouse_scores(report).expect("scores");
        assert_eq!(scores["performance"], Some(93));
        assert_eq!(scores["accessibility"], Some(100));
        assert_eq!(scores["best-practices"], None);
        assert_eq!(scores["seo"], Some(83));
        let failed = br#"{"runtimeError":{"code":"ERRORED_DOCUMENT_REQUEST","message":"Lighthouse was unable to reliably load the page you requested. (Status code: 500)"},"categories":{}}"#;
        assert!(lighthouse_scores(failed)
            .expect_err("a runtime error")
            .contains("Status code: 500"));
        assert!(lighthouse_scores(b"not json").is_err());
    }
}
