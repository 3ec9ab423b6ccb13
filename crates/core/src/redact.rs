//! Redaction of values read from AWS or from a live endpoint that can carry a credential: a
//! webhook URL (`https://hooks.slack.com/services/T…/B…/TOKEN`), user-info
//! (`https://user:password@host/…`), a query string (`…?token=…`), a bearer token in a command.
//!
//! Applied where a value is read (the probes, the evidence capture), so no snapshot, baseline,
//! report, evidence bundle or log line ever holds the original. A redacted URL keeps its scheme and
//! host (and port), which is what a check asks ("the alarm topic posts to Slack"), and replaces the
//! rest by a marker with a short hash of the whole original: two different secrets give two
//! different markers, so drift still sees a rotated webhook, and the same secret always gives the
//! same marker, so an unchanged one is no drift.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// The marker's prefix: `https://hooks.slack.com/<redacted:1a2b3c4d5e6f>`.
pub const MARKER: &str = "<redacted:";

/// A short, stable hash of a value (12 hex digits of its SHA-256): enough to tell two values
/// apart, far too little to recover a token from.
pub fn short_hash(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn marker(original: &str) -> String {
    format!("{MARKER}{}>", short_hash(original))
}

/// A URL with only its scheme and host (and port) kept: `scheme://host[:port]` when nothing
/// follows, else `scheme://host[:port]/<redacted:HASH>`. User-info is always dropped. A value
/// that is not a `scheme://` URL is returned as it is (an e-mail address, a phone number, an
/// ARN): use [`text`] for free text.
pub fn url(value: &str) -> String {
    let Some((scheme, rest)) = value.split_once("://") else {
        return value.to_string();
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return value.to_string();
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let had_userinfo = authority.contains('@');
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if !had_userinfo && (tail.is_empty() || tail == "/") {
        return value.to_string();
    }
    format!("{scheme}://{host}/{}", marker(value))
}

/// Whether a URL found in free text may carry a credential: user-info, a query or fragment, a
/// webhook host, or a path segment that looks like a token (16 or more characters mixing
/// letters and digits). A plain path (`http://localhost:3000/api/health`) does not.
fn may_carry_secret(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_ascii_lowercase();
    const WEBHOOK_HOSTS: &[&str] = &[
        "hooks.slack.com",
        "discord.com",
        "discordapp.com",
        "outlook.office.com",
        "events.pagerduty.com",
        "api.telegram.org",
    ];
    authority.contains('@')
        || tail.contains(['?', '#'])
        || WEBHOOK_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
        || tail.split('/').any(|segment| {
            segment.len() >= 16
                && segment.chars().any(|c| c.is_ascii_digit())
                && segment.chars().any(|c| c.is_ascii_alphabetic())
        })
}

/// URLs inside free text (a command, a response body, a `Location` header) redacted as by
/// [`url`] when they may carry a credential ([`may_carry_secret`]: user-info, a query, a webhook
/// host, a token-like path segment), and the values of credential-looking parameters and
/// headers (`token=…`, `Authorization: Bearer …`, `password=…`, AWS access key ids, Slack,
/// Stripe and GitHub tokens, JWTs) replaced by markers.
pub fn text(value: &str) -> String {
    static URL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>`]+"#).expect("a valid pattern")
    });
    static SECRET: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)\b((?:authorization|x-api-key|api[_-]?key|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd)["']?\s*[:=]\s*["']?(?:bearer\s+|basic\s+|token\s+)?)([^\s"'&,;}]+)"#,
        )
        .expect("a valid pattern")
    });
    static KEYS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\b(?:(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abposr]-[0-9A-Za-z-]{10,}|(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}|gh[pousr]_[0-9A-Za-z]{20,}|eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,})\b",
        )
        .expect("a valid pattern")
    });
    let step = URL.replace_all(value, |c: &regex::Captures<'_>| {
        if may_carry_secret(&c[0]) {
            url(&c[0])
        } else {
            c[0].to_string()
        }
    });
    let step = SECRET.replace_all(&step, |c: &regex::Captures<'_>| {
        if c[2].starts_with(MARKER) {
            c[0].to_string()
        } else {
            format!("{}{}", &c[1], marker(&c[2]))
        }
    });
    KEYS.replace_all(&step, |c: &regex::Captures<'_>| marker(&c[0]))
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_keeps_scheme_and_host_only() {
        let slack = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";
        let r = url(slack);
        assert!(r.starts_with("https://hooks.slack.com/<redacted:"), "{r}");
        assert!(!r.contains("XXXXsecretXXXX") && !r.contains("T0000"), "{r}");
        let r = url("https://user:pa55word@example.com:8443/hook");
        assert!(r.starts_with("https://example.com:8443/<redacted:"), "{r}");
        assert!(!r.contains("pa55word") && !r.contains("user"), "{r}");
        let r = url("https://api.example.com/?token=abc123");
        assert!(!r.contains("abc123"), "{r}");
        let r = url("https://user:pw@example.com");
        assert!(!r.contains("pw"), "{r}");
        // Nothing beyond the host: kept as it is.
        assert_eq!(url("https://example.com"), "https://example.com");
        assert_eq!(url("https://example.com/"), "https://example.com/");
        // Not URLs: kept.
        for v in [
            "oncall@example.com",
            "+821012345678",
            "arn:aws:sqs:r:1:q",
            "",
        ] {
            assert_eq!(url(v), v);
        }
    }

    #[test]
    fn the_marker_tells_two_secrets_apart_and_is_stable() {
        let a = url("https://hooks.slack.com/services/T/B/one");
        let b = url("https://hooks.slack.com/services/T/B/two");
        assert_ne!(a, b);
        assert_eq!(a, url("https://hooks.slack.com/services/T/B/one"));
        assert_eq!(short_hash("x").len(), 12);
    }

    #[test]
    fn free_text_loses_urls_tokens_and_keys() {
        let cmd = r#"CMD-SHELL curl -fsS -H "Authorization: Bearer s3cr3tT0ken" http://localhost:3000/health?key=k3y || exit 1"#;
        let r = text(cmd);
        for secret in ["s3cr3tT0ken", "k3y"] {
            assert!(!r.contains(secret), "{r}");
        }
        assert!(
            r.contains("curl -fsS") && r.contains("http://localhost:3000/"),
            "{r}"
        );
        // A plain health check path says what is checked, and stays.
        let plain = "CMD-SHELL curl -f http://localhost:3000/api/health || exit 1";
        assert_eq!(text(plain), plain);
        for secret_url in [
            "https://hooks.slack.com/services/T0/B0/abc",
            "https://ops.example.com/in/a1b2c3d4e5f6g7h8i9",
            "https://u:p@example.com/",
            "https://example.com/cb#access_token=x",
        ] {
            let r = text(&format!("see {secret_url} now"));
            assert!(
                r.contains(MARKER) && r.starts_with("see ") && r.ends_with(" now"),
                "{r}"
            );
        }
        let body =
            "ok token=abc.def password: hunter2 AKIAABCDEFGHIJKLMNOP xoxb-1234567890-abcdefghij";
        let r = text(body);
        for secret in [
            "abc.def",
            "hunter2",
            "AKIAABCDEFGHIJKLMNOP",
            "xoxb-1234567890",
        ] {
            assert!(!r.contains(secret), "{r}");
        }
        assert!(r.starts_with("ok "), "{r}");
        // Text without any of them is unchanged.
        let plain = "{\"status\":\"ok\",\"version\":\"1.2.3\"}";
        assert_eq!(text(plain), plain);
        // Redacting twice changes nothing more.
        assert_eq!(text(&text(cmd)), text(cmd));
    }
}
