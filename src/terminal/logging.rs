//! Structured logs: `tracing` events, written by `tracing-subscriber`'s compact formatter to
//! stderr only (never stdout, which carries reports and data).
//!
//! Levels: `-v` info (what is probed where, how many resources, how long), `-vv` debug (list
//! pages, each API call's attempts and time, retries), `-vvv` trace, plus the AWS SDK's own
//! debug logs of its attempt loop and retry strategy. `RUST_LOG`, when set, replaces those
//! directives; `--quiet` logs errors only, whatever `RUST_LOG` says.
//!
//! Secrets: the AWS SDK's trace logs carry whole requests (the `Authorization` header, the
//! `X-Amz-Security-Token` session token), resolved identities and response bodies, and
//! aws-config logs loaded credentials (the access key id) at info. So, whatever the directives
//! say, [`allowed`] lets through only infra-verify's own events at every level, the SDK's
//! orchestrator loop and retry strategy up to debug (attempt numbers, delays, endpoints), and
//! every other target (aws-config, aws-sigv4, the credential providers, hyper, h2, rustls) up to
//! warn. infra-verify's own events never carry request contents. Last, every line is scrubbed
//! of anything shaped like an access key id, a signature or a credential header ([`scrub`])
//! before it is written.

use std::io::{self, Write};
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use tracing::{Level, Metadata};
use tracing_subscriber::filter::{EnvFilter, FilterExt, FilterFn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use super::Verbosity;

/// Targets outside infra-verify that may log at debug (never trace): the SDK's attempt loop
/// (`beginning attempt #2`, `delaying for 1.2s`, the endpoint) and its retry strategy. Exact
/// targets, or their submodules when the name ends with `::`.
const SDK_DEBUG_TARGETS: &[&str] = &[
    "aws_smithy_runtime::client::orchestrator",
    "aws_smithy_runtime::client::retries::",
];

/// The directives for a verbosity, when `RUST_LOG` is not set.
pub fn directives(v: Verbosity) -> &'static str {
    if v.quiet {
        return "error";
    }
    match v.level {
        0 => "error,infra_verify=warn",
        1 => "warn,infra_verify=info",
        2 => "warn,infra_verify=debug",
        _ => "debug,infra_verify=trace",
    }
}

/// Whether an event or span of this target and level may be logged at all, whatever the
/// directives (see the module documentation).
pub fn allowed(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    if target == "infra_verify" || target.starts_with("infra_verify::") {
        return true;
    }
    let sdk_debug = SDK_DEBUG_TARGETS
        .iter()
        .any(|t| match t.strip_suffix("::") {
            Some(prefix) => target == prefix || target.starts_with(t),
            None => target == *t,
        });
    let max = if sdk_debug { Level::DEBUG } else { Level::WARN };
    // Levels compare by verbosity: TRACE > DEBUG > INFO > WARN > ERROR.
    *meta.level() <= max
}

/// Replaces what looks like a credential in a log line: access key ids (`AKIA...`, `ASIA...`),
/// the values of `Authorization`, `X-Amz-Security-Token`, `X-Amz-Signature`,
/// `X-Amz-Credential` and of fields named like secret keys or session tokens, and SigV4
/// `Signature=` / `Credential=` parameters.
pub fn scrub(line: &str) -> String {
    static PATTERNS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            (
                r#"(?i)((?:authorization|x-amz-security-token|x-amz-signature|x-amz-credential|secret_access_key|secret_key|session_token|security_token|client_secret|password)["']?\s*[:=]\s*["']?)[^"',;}\s]+(?:[ \t]+[^"',;}\s=]+=[^"',;}\s]+)*"#,
                "${1}<redacted>",
            ),
            (r"(?i)((?:Signature|Credential)=)[^,&\s]+", "${1}<redacted>"),
            (r"\b(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{12,}\b", "<redacted-access-key-id>"),
        ]
        .into_iter()
        .filter_map(|(re, with)| Regex::new(re).ok().map(|re| (re, with)))
        .collect()
    });
    let mut text = std::borrow::Cow::Borrowed(line);
    for (re, with) in patterns {
        if re.is_match(&text) {
            text = std::borrow::Cow::Owned(re.replace_all(&text, *with).into_owned());
        }
    }
    text.into_owned()
}

/// Starts the logs for this process: the directives of the verbosity (or `RUST_LOG`), capped
/// by [`allowed`], compact lines on stderr.
pub fn init(v: Verbosity) {
    let directives = match std::env::var("RUST_LOG") {
        Ok(s) if !s.trim().is_empty() && !v.quiet => s,
        _ => directives(v).to_string(),
    };
    let filter = EnvFilter::builder().parse_lossy(directives);
    let stderr = io::stderr();
    let ansi = anstream::AutoStream::choice(&stderr) != anstream::ColorChoice::Never;
    let layer = tracing_subscriber::fmt::layer()
        .compact()
        .with_ansi(ansi)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .with_writer(Stderr)
        .with_filter(filter.and(FilterFn::new(allowed)));
    // Fails only when a subscriber is already set (a test harness): then that one logs.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Writes each log line to stderr, scrubbed, above the progress bar when one is shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stderr;

impl<'a> MakeWriter<'a> for Stderr {
    type Writer = Line;

    fn make_writer(&'a self) -> Self::Writer {
        Line(Vec::new())
    }
}

/// One log event, buffered until it is complete, then scrubbed and written at once.
pub struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = scrub(&String::from_utf8_lossy(&self.0));
        // Serialised, so that lines of concurrent tasks do not interleave.
        static WRITING: Mutex<()> = Mutex::new(());
        let _guard = WRITING.lock();
        super::progress::suspended(|| {
            let _ = io::stderr().lock().write_all(text.as_bytes());
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Captures what a subscriber built like [`init`]'s writes.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let text = scrub(&String::from_utf8_lossy(buf));
            if let Ok(mut out) = self.0.lock() {
                out.extend_from_slice(text.as_bytes());
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }

    fn logged(directives: &str, emit: impl FnOnce()) -> String {
        let capture = Capture::default();
        let layer = tracing_subscriber::fmt::layer()
            .compact()
            .with_ansi(false)
            .with_writer(capture.clone())
            .with_filter(EnvFilter::new(directives).and(FilterFn::new(allowed)));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, emit);
        let bytes = capture.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLEsessionTOKEN0123456789";

    #[test]
    fn sdk_traces_and_credential_logs_are_dropped_at_every_level() {
        let out = logged("trace", || {
            // What the SDK logs with whole requests and identities (aws-sigv4, the
            // orchestrator's transmit, the identity resolver), and aws-config's info line of
            // loaded credentials.
            tracing::trace!(target: "aws_sigv4::http_request::sign", canonical_request = TOKEN, "calculated signing parameters");
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator", request = TOKEN, "transmitting request");
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator::auth", identity = TOKEN, "resolved identity");
            tracing::info!(target: "aws_config::profile::credentials", creds = TOKEN, "loaded base credentials");
            tracing::debug!(target: "hyper_util::client::legacy::pool", headers = TOKEN, "pooling");
            tracing::debug!(target: "h2::codec", frame = TOKEN, "send");
            // What may pass: the SDK's attempt loop at debug, our own events at trace.
            tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "beginning attempt #2");
            tracing::debug!(target: "aws_smithy_runtime::client::retries::strategy::standard", "retrying");
            tracing::trace!(target: "infra_verify::probe", action = "rds:DescribeDBInstances", "api call");
            tracing::warn!(target: "aws_config::profile", "failed to parse profile");
        });
        assert!(!out.contains(TOKEN), "{out}");
        for line in [
            "beginning attempt #2",
            "retrying",
            "rds:DescribeDBInstances",
            "failed to parse profile",
        ] {
            assert!(out.contains(line), "`{line}` is missing:\n{out}");
        }
        assert_eq!(out.lines().count(), 4, "{out}");
    }

    #[test]
    fn the_levels_of_the_flags() {
        let emit = || {
            tracing::info!(target: "infra_verify::probe", "info-event");
            tracing::debug!(target: "infra_verify::probe", "debug-event");
            tracing::trace!(target: "infra_verify::probe", "trace-event");
            tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "sdk-debug-event");
            tracing::error!(target: "infra_verify::probe", "error-event");
        };
        let v = |quiet, level| Verbosity { quiet, level };
        let cases: &[(Verbosity, &[&str])] = &[
            (v(true, 0), &["error-event"]),
            (v(false, 0), &["error-event"]),
            (v(false, 1), &["error-event", "info-event"]),
            (v(false, 2), &["error-event", "info-event", "debug-event"]),
            (
                v(false, 3),
                &[
                    "error-event",
                    "info-event",
                    "debug-event",
                    "trace-event",
                    "sdk-debug-event",
                ],
            ),
        ];
        for (verbosity, shown) in cases {
            let out = logged(directives(*verbosity), emit);
            for name in [
                "error-event",
                "info-event",
                "debug-event",
                "trace-event",
                "sdk-debug-event",
            ] {
                assert_eq!(
                    out.contains(name),
                    shown.contains(&name),
                    "{verbosity:?}, {name}:\n{out}"
                );
            }
        }
    }

    #[test]
    fn credential_shapes_are_scrubbed_from_lines() {
        let line = "headers: {\"authorization\": \"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd\", \"x-amz-security-token\": \"FwoGZXIvYXdzEXAMPLE\"} secret_access_key=wJalrXUtnFEMI/K7MDENG key ASIAXXXXXXXXXXXXXXXX";
        let out = scrub(line);
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "0123abcd",
            "FwoGZXIvYXdzEXAMPLE",
            "wJalrXUtnFEMI",
            "ASIAXXXXXXXXXXXXXXXX",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains("<redacted>"), "{out}");
        // Ordinary lines are left alone.
        let plain = "probed service=rds region=ap-northeast-2 resources=3 elapsed_ms=12";
        assert_eq!(scrub(plain), plain);
    }
}
