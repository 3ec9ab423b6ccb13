//! What the response headers say: HSTS, content-type options, frame protection, CORS, and the
//! redirect `location`.

use std::collections::BTreeMap;

use hyper::header::{self, HeaderMap, HeaderValue};
use serde_json::{json, Value};

use super::PROBE_ORIGIN;

/// The attributes read from the response headers. HSTS counts over https only (browsers ignore
/// it over http), so it is null for an http:// URL.
pub(super) fn header_attributes(headers: &HeaderMap, https: bool) -> BTreeMap<String, Value> {
    let first = |name: header::HeaderName| -> Option<&str> {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::trim)
    };
    let mut out = BTreeMap::new();
    let (max_age, include_subdomains) = match first(header::STRICT_TRANSPORT_SECURITY) {
        Some(v) if https => {
            let (age, sub) = parse_hsts(v);
            (json!(age), json!(sub))
        }
        None if https => (Value::Null, json!(false)),
        _ => (Value::Null, Value::Null),
    };
    out.insert("hsts_max_age".into(), max_age);
    out.insert("hsts_include_subdomains".into(), include_subdomains);
    out.insert(
        "location".into(),
        // A redirect can carry a token (a signed URL, a magic link): scheme and host kept.
        json!(first(header::LOCATION).map(crate::redact::text)),
    );
    out.insert(
        "content_type_options".into(),
        json!(first(header::X_CONTENT_TYPE_OPTIONS).map(str::to_ascii_lowercase)),
    );
    let csp: Vec<&str> = headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    out.insert(
        "frame_protection".into(),
        json!(frame_protection(first(header::X_FRAME_OPTIONS), &csp)),
    );
    let cors = first(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    out.insert("cors_allow_origin".into(), json!(cors.map(str::to_string)));
    out.insert(
        "cors_allows_any_origin".into(),
        json!(cors.is_some_and(cors_allows_any)),
    );
    out
}

/// `Strict-Transport-Security`: (`max-age` in seconds, `includeSubDomains`). A header without a
/// valid `max-age` is ignored by browsers (RFC 6797 6.1): (None, false).
pub(crate) fn parse_hsts(value: &str) -> (Option<u64>, bool) {
    let mut max_age = None;
    let mut include_subdomains = false;
    for directive in value.split(';') {
        let (name, arg) = match directive.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("max-age") {
            if max_age.is_some() {
                return (None, false); // a directive may appear once
            }
            match arg.and_then(|a| a.parse::<u64>().ok()) {
                Some(n) => max_age = Some(n),
                None => return (None, false),
            }
        } else if name.eq_ignore_ascii_case("includesubdomains") {
            include_subdomains = true;
        }
    }
    match max_age {
        Some(n) => (Some(n), include_subdomains),
        None => (None, false),
    }
}

/// Whether the page may not be framed by any site: `X-Frame-Options: DENY | SAMEORIGIN`, or a
/// `Content-Security-Policy` with a `frame-ancestors` directive that allows no wildcard (`*`,
/// `http:`, `https:`).
pub(crate) fn frame_protection(x_frame_options: Option<&str>, csp: &[&str]) -> bool {
    let xfo = x_frame_options.is_some_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("DENY") || v.eq_ignore_ascii_case("SAMEORIGIN")
    });
    let ancestors = csp.iter().flat_map(|p| p.split(';')).any(|directive| {
        let mut words = directive.split_ascii_whitespace();
        words
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
            && words.all(|s| !matches!(s.to_ascii_lowercase().as_str(), "*" | "http:" | "https:"))
    });
    xfo || ancestors
}

/// Whether `Access-Control-Allow-Origin` lets any site read responses: `*`, or the probe's own
/// made-up origin reflected back (a server that echoes every origin).
pub(crate) fn cors_allows_any(value: &str) -> bool {
    let v = value.trim();
    v == "*" || v.eq_ignore_ascii_case(PROBE_ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_max_age_and_include_subdomains() {
        assert_eq!(parse_hsts("max-age=31536000"), (Some(31_536_000), false));
        assert_eq!(
            parse_hsts("max-age=63072000; includeSubDomains; preload"),
            (Some(63_072_000), true)
        );
        assert_eq!(
            parse_hsts(" MAX-AGE=\"600\" ;INCLUDESUBDOMAINS"),
            (Some(600), true)
        );
        assert_eq!(parse_hsts("max-age=0"), (Some(0), false));
        // No or invalid max-age: the header is ignored.
        assert_eq!(parse_hsts("includeSubDomains"), (None, false));
        assert_eq!(parse_hsts("max-age=abc; includeSubDomains"), (None, false));
        assert_eq!(parse_hsts("max-age=1; max-age=2"), (None, false));
        assert_eq!(parse_hsts(""), (None, false));
    }

    #[test]
    fn frame_protection_from_xfo_or_csp_frame_ancestors() {
        assert!(frame_protection(Some("DENY"), &[]));
        assert!(frame_protection(Some(" sameorigin "), &[]));
        assert!(!frame_protection(Some("ALLOW-FROM https://a.example"), &[]));
        assert!(!frame_protection(None, &[]));
        assert!(frame_protection(
            None,
            &["default-src 'self'; frame-ancestors 'none'"]
        ));
        assert!(frame_protection(
            None,
            &["Frame-Ancestors 'self' https://a.example"]
        ));
        assert!(frame_protection(
            None,
            &["script-src 'self'", "frame-ancestors 'self'"]
        ));
        assert!(!frame_protection(None, &["default-src 'self'"]));
        assert!(!frame_protection(None, &["frame-ancestors *"]));
        assert!(!frame_protection(None, &["frame-ancestors 'self' https:"]));
        // Not a directive name, only a value mentioning it.
        assert!(!frame_protection(None, &["report-uri /frame-ancestors"]));
    }

    #[test]
    fn cors_any_origin_is_star_or_the_probe_origin_reflected() {
        assert!(cors_allows_any("*"));
        assert!(cors_allows_any(PROBE_ORIGIN));
        assert!(!cors_allows_any("https://app.example"));
        assert!(!cors_allows_any("null"));
    }

    #[test]
    fn header_attributes_of_https_and_http() {
        let mut h = HeaderMap::new();
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("NoSniff"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        let a = header_attributes(&h, true);
        assert_eq!(a["hsts_max_age"], json!(31_536_000));
        assert_eq!(a["hsts_include_subdomains"], json!(true));
        assert_eq!(a["content_type_options"], json!("nosniff"));
        assert_eq!(a["frame_protection"], json!(false));
        assert_eq!(a["cors_allow_origin"], json!("*"));
        assert_eq!(a["cors_allows_any_origin"], json!(true));
        assert_eq!(a["location"], Value::Null);
        // Over http://, HSTS does not count.
        let a = header_attributes(&h, false);
        assert_eq!(a["hsts_max_age"], Value::Null);
        assert_eq!(a["hsts_include_subdomains"], Value::Null);
        let a = header_attributes(&HeaderMap::new(), true);
        assert_eq!(a["hsts_max_age"], Value::Null);
        assert_eq!(a["hsts_include_subdomains"], json!(false));
        assert_eq!(a["content_type_options"], Value::Null);
        assert_eq!(a["cors_allow_origin"], Value::Null);
        assert_eq!(a["cors_allows_any_origin"], json!(false));
    }
}
