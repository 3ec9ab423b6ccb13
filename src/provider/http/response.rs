//! What else the response says: every header by name (but the cookies' values), the security
//! and caching headers a checklist names, the cookies with their flags (never their values),
//! and HTTP/3 advertised in `Alt-Svc`. (`content_encoding` is not read here: this GET does not
//! ask for compression; `more::encoding` does.)

use std::collections::BTreeMap;

use hyper::header::{self, HeaderMap};
use serde_json::{json, Value};

/// Response headers whose values are secrets in themselves: left out of `headers` (`cookies`
/// describes the cookies without their values).
const SECRET_HEADERS: &[&str] = &["set-cookie", "authorization", "proxy-authorization"];

/// Every response header by lower-case name (repeated headers joined with `, `, as RFC 9110
/// allows), values redacted like the body (a URL keeps scheme and host, credential-looking
/// values are hashed), without the [`SECRET_HEADERS`].
pub(super) fn header_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_str().to_ascii_lowercase();
        if SECRET_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let value = crate::redact::text(&String::from_utf8_lossy(value.as_bytes()));
        out.entry(name)
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// The attributes read from the headers besides those of `headers.rs`.
pub(super) fn response_attributes(headers: &HeaderMap) -> BTreeMap<String, Value> {
    let map = header_map(headers);
    let get = |name: &str| map.get(name).map(String::as_str);
    let mut out = BTreeMap::new();
    out.insert(
        "header_names".into(),
        json!(map.keys().cloned().collect::<Vec<_>>()),
    );
    for (attribute, name) in [
        ("content_security_policy", "content-security-policy"),
        ("referrer_policy", "referrer-policy"),
        ("permissions_policy", "permissions-policy"),
        ("cache_control", "cache-control"),
        ("content_type", "content-type"),
        ("server", "server"),
        ("powered_by", "x-powered-by"),
    ] {
        out.insert(attribute.into(), json!(get(name)));
    }
    out.insert(
        "cache_max_age".into(),
        json!(get("cache-control").and_then(cache_max_age)),
    );
    out.insert(
        "reveals_version".into(),
        json!([get("server"), get("x-powered-by")]
            .into_iter()
            .flatten()
            .any(reveals_version)),
    );
    out.insert(
        "http3_advertised".into(),
        json!(get("alt-svc").is_some_and(advertises_h3)),
    );
    out.insert("headers".into(), json!(map));
    let cookies = cookies(headers);
    let all = |flag: &str| -> Value {
        if cookies.is_empty() {
            // No cookie set: "every cookie is Secure" is not observed, never a vacuous pass.
            Value::Null
        } else {
            json!(cookies.iter().all(|c| c[flag] == json!(true)))
        }
    };
    out.insert("cookies_all_secure".into(), all("secure"));
    out.insert("cookies_all_http_only".into(), all("http_only"));
    out.insert("cookies".into(), json!(cookies));
    out
}

/// `max-age` of `Cache-Control` in seconds (`s-maxage` is for shared caches only, so not it);
/// None when absent, invalid, or when `no-store` forbids caching at all.
pub(crate) fn cache_max_age(value: &str) -> Option<u64> {
    let mut age = None;
    for directive in value.split(',') {
        let (name, arg) = match directive.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("no-store") {
            return None;
        }
        if name.eq_ignore_ascii_case("max-age") {
            age = arg.and_then(|a| a.parse::<u64>().ok());
        }
    }
    age
}

/// Whether a `Server` or `X-Powered-By` value names a version (`nginx/1.25.3`, `PHP/8.2.1`,
/// `Express 4.18`): a product token followed by a number.
pub(crate) fn reveals_version(value: &str) -> bool {
    value
        .split(|c: char| c == '/' || c.is_whitespace())
        .skip(1)
        .any(|part| {
            let part = part.trim_start_matches(['v', 'V', '(']);
            part.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
}

/// Whether `Alt-Svc` offers HTTP/3 (`h3="..."`, or a draft `h3-29`).
pub(crate) fn advertises_h3(value: &str) -> bool {
    value.split(',').any(|entry| {
        let protocol = entry.trim().split('=').next().unwrap_or_default().trim();
        protocol == "h3" || protocol.starts_with("h3-")
    })
}

/// The cookies a response sets, by name, with their attributes and never their values:
/// `name`, `secure`, `http_only`, `same_site` (as sent, or null), `domain`, `path`,
/// `max_age` (seconds, or null), `persistent` (`Max-Age` or `Expires` given). Sorted by name.
pub(crate) fn cookies(headers: &HeaderMap) -> Vec<Value> {
    let mut out: Vec<Value> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| parse_set_cookie(&String::from_utf8_lossy(v.as_bytes())))
        .collect();
    out.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    out
}

/// One `Set-Cookie` (RFC 6265 5.2) without its value; None without a name.
pub(crate) fn parse_set_cookie(header: &str) -> Option<Value> {
    let mut parts = header.split(';');
    let pair = parts.next()?;
    let name = pair.split_once('=').map_or("", |(n, _)| n).trim();
    if name.is_empty() {
        return None;
    }
    let (mut secure, mut http_only) = (false, false);
    let (mut same_site, mut domain, mut path, mut max_age, mut expires) =
        (None, None, None, None, false);
    for attribute in parts {
        let (key, value) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (attribute.trim(), None),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => secure = true,
            "httponly" => http_only = true,
            "samesite" => same_site = value.map(str::to_string),
            "domain" => domain = value.map(|d| d.trim_start_matches('.').to_ascii_lowercase()),
            "path" => path = value.map(str::to_string),
            "max-age" => max_age = value.and_then(|v| v.parse::<i64>().ok()),
            "expires" => expires = true,
            _ => {}
        }
    }
    Some(json!({
        "name": name,
        "secure": secure,
        "http_only": http_only,
        "same_site": same_site,
        "domain": domain,
        "path": path,
        "max_age": max_age,
        "persistent": max_age.is_some() || expires,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    #[test]
    fn cookies_keep_their_flags_and_never_their_values() {
        let mut headers = HeaderMap::new();
        for c in [
            "sessionid=s3cr3t-session-value; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1209600",
            "csrftoken=tok-abc; Domain=.Shop.Example; Path=/; SameSite=Strict; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
            "=novalue",
        ] {
            headers.append(header::SET_COOKIE, HeaderValue::from_static(c));
        }
        let cookies = cookies(&headers);
        assert_eq!(cookies.len(), 2);
        assert_eq!(
            cookies[0],
            json!({"name": "csrftoken", "secure": false, "http_only": false, "same_site": "Strict",
                   "domain": "shop.example", "path": "/", "max_age": null, "persistent": true})
        );
        assert_eq!(cookies[1]["name"], json!("sessionid"));
        assert_eq!(cookies[1]["secure"], json!(true));
        assert_eq!(cookies[1]["http_only"], json!(true));
        assert_eq!(cookies[1]["max_age"], json!(1209600));
        let text = serde_json::to_string(&response_attributes(&headers)).expect("json");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!text.contains("tok-abc"), "{text}");
        let attributes = response_attributes(&headers);
        assert_eq!(attributes["cookies_all_secure"], json!(false));
        assert!(!attributes["headers"]
            .as_object()
            .expect("map")
            .contains_key("set-cookie"));
    }

    #[test]
    fn no_cookie_is_not_a_vacuous_pass() {
        let attributes = response_attributes(&HeaderMap::new());
        assert_eq!(attributes["cookies_all_secure"], Value::Null);
        assert_eq!(attributes["cookies_all_http_only"], Value::Null);
        assert_eq!(attributes["cookies"], json!([]));
        assert_eq!(attributes["content_security_policy"], Value::Null);
        assert_eq!(attributes["reveals_version"], json!(false));
        assert_eq!(attributes["http3_advertised"], json!(false));
    }

    #[test]
    fn caching_versions_and_http3() {
        assert_eq!(
            cache_max_age("public, max-age=31536000, immutable"),
            Some(31536000)
        );
        assert_eq!(cache_max_age("no-store, max-age=60"), None);
        assert_eq!(cache_max_age("s-maxage=600"), None);
        assert_eq!(cache_max_age("max-age=abc"), None);
        assert!(reveals_version("nginx/1.25.3"));
        assert!(reveals_version("Apache/2.4.57 (Debian)"));
        assert!(reveals_version("PHP/8.2.1"));
        assert!(!reveals_version("nginx"));
        assert!(!reveals_version("cloudflare"));
        assert!(!reveals_version("AmazonS3"));
        assert!(!reveals_version("Express"));
        assert!(advertises_h3(r#"h3=":443"; ma=86400, h3-29=":443""#));
        assert!(advertises_h3(r#"h3-29=":443""#));
        assert!(!advertises_h3(r#"h2=":443"; ma=60"#));
        assert!(!advertises_h3("clear"));
    }

    #[test]
    fn headers_by_name_are_joined_and_redacted() {
        let mut headers = HeaderMap::new();
        headers.append("Vary", HeaderValue::from_static("Origin"));
        headers.append("vary", HeaderValue::from_static("Accept-Encoding"));
        headers.append(
            "Link",
            HeaderValue::from_static("<https://cdn.example/x?token=abcdef123456>; rel=preload"),
        );
        headers.append(
            "Authorization",
            HeaderValue::from_static("Bearer abc.def.ghi"),
        );
        let map = header_map(&headers);
        assert_eq!(map["vary"], "Origin, Accept-Encoding");
        assert!(!map["link"].contains("abcdef123456"), "{map:?}");
        assert!(!map.contains_key("authorization"));
    }
}
