//! `--connect-to HOST:PORT:CONNECT_HOST:CONNECT_PORT`, with curl's semantics: a connection the
//! `http_endpoint` probe would open to HOST:PORT is opened to CONNECT_HOST:CONNECT_PORT instead,
//! while the URL, the `Host` header, the TLS server name (SNI) and the certificate's name check
//! stay HOST. The first rule that matches a request's host and port is used; an empty HOST or
//! PORT matches any, an empty CONNECT_HOST or CONNECT_PORT keeps the request's own. An IPv6
//! address is written in `[brackets]`. Hosts are compared without regard to case.
//!
//! Every connection made through a rule is recorded (the endpoint's `connect_to` attribute, the
//! snapshot's `metadata.connect_to`), so a stand-in is never taken for the real host.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// One `--connect-to` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    /// The request's host it applies to (lower case, without brackets); `None`: any host.
    pub host: Option<String>,
    /// The request's port it applies to; `None`: any port.
    pub port: Option<u16>,
    /// The host to connect to instead (without brackets); `None`: the request's own.
    pub connect_host: Option<String>,
    /// The port to connect to instead; `None`: the request's own.
    pub connect_port: Option<u16>,
}

impl ConnectTo {
    /// Parses `HOST:PORT:CONNECT_HOST:CONNECT_PORT` (any field may be empty; IPv6 in brackets).
    /// The error names the value and what is wrong with it.
    pub fn parse(s: &str) -> Result<ConnectTo, String> {
        let usage = || {
            format!(
                "`{s}` is not HOST:PORT:CONNECT_HOST:CONNECT_PORT (four fields separated by `:`, \
                 e.g. learn.example:443:127.0.0.1:8443; an IPv6 address in [brackets])"
            )
        };
        let mut rest = s;
        let mut fields: Vec<&str> = Vec::with_capacity(4);
        for i in 0..4 {
            let last = i == 3;
            let is_host = i % 2 == 0;
            // A host may be a bracketed IPv6 address, whose colons are not separators.
            let end = if is_host && rest.starts_with('[') {
                match rest.find(']') {
                    Some(close) => close + 1,
                    None => return Err(usage()),
                }
            } else {
                0
            };
            let (field, after) = match rest[end..].find(':') {
                Some(at) if !last => (&rest[..end + at], &rest[end + at + 1..]),
                None if last => (rest, ""),
                _ => return Err(usage()),
            };
            fields.push(field);
            rest = after;
        }
        let [host, port, connect_host, connect_port] = fields[..] else {
            return Err(usage());
        };
        Ok(ConnectTo {
            host: parse_host(s, host)?,
            port: parse_port(s, port)?,
            connect_host: parse_host(s, connect_host)?,
            connect_port: parse_port(s, connect_port)?,
        })
    }

    /// Whether the rule applies to a request for `host`:`port`.
    fn applies(&self, host: &str, port: u16) -> bool {
        self.host
            .as_deref()
            .is_none_or(|h| h.eq_ignore_ascii_case(host))
            && self.port.is_none_or(|p| p == port)
    }
}

/// The rule as it is written on the command line (hosts lower case, IPv6 in brackets).
impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = |h: &Option<String>| h.as_deref().map(bracketed).unwrap_or_default();
        let port = |p: Option<u16>| p.map(|p| p.to_string()).unwrap_or_default();
        write!(
            f,
            "{}:{}:{}:{}",
            host(&self.host),
            port(self.port),
            host(&self.connect_host),
            port(self.connect_port)
        )
    }
}

/// Where a connection for `host`:`port` goes under these rules: `Some(host, port)` when the first
/// rule that applies sends it elsewhere, `None` when it goes to `host`:`port` itself.
pub fn route(rules: &[ConnectTo], host: &str, port: u16) -> Option<(String, u16)> {
    let rule = rules.iter().find(|r| r.applies(host, port))?;
    let to_host = rule
        .connect_host
        .clone()
        .unwrap_or_else(|| host.to_string());
    let to_port = rule.connect_port.unwrap_or(port);
    if to_host.eq_ignore_ascii_case(host) && to_port == port {
        return None;
    }
    Some((to_host, to_port))
}

/// `host:port`, an IPv6 address in brackets.
pub fn address(host: &str, port: u16) -> String {
    format!("{}:{port}", bracketed(host))
}

/// The host as written in an address: an IPv6 address in brackets.
pub(crate) fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// A host field: empty (any / the request's own), a bracketed IPv6 address, an IPv4 address or a
/// DNS name (letters, digits, `-`, `_`, dots between non-empty labels).
fn parse_host(rule: &str, field: &str) -> Result<Option<String>, String> {
    if field.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!("`{rule}`: `{field}` is not a host name or IP address (an IPv6 address goes in [brackets])")
    };
    if let Some(inner) = field.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or_else(bad)?;
        let ip: Ipv6Addr = inner.parse().map_err(|_| bad())?;
        return Ok(Some(ip.to_string()));
    }
    if field.parse::<IpAddr>().is_ok() {
        return Ok(Some(field.to_string()));
    }
    let name = field.strip_suffix('.').unwrap_or(field);
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(bad());
    }
    Ok(Some(name.to_ascii_lowercase()))
}

/// A port field: empty (any / the request's own) or 1 to 65535.
fn parse_port(rule: &str, field: &str) -> Result<Option<u16>, String> {
    if field.is_empty() {
        return Ok(None);
    }
    match field.parse::<u16>() {
        Ok(p) if p > 0 && field.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(p)),
        _ => Err(format!("`{rule}`: `{field}` is not a port (1 to 65535)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> ConnectTo {
        ConnectTo::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_the_four_fields_any_of_them_empty() {
        assert_eq!(
            rule("learn.example:443:127.0.0.1:8443"),
            ConnectTo {
                host: Some("learn.example".into()),
                port: Some(443),
                connect_host: Some("127.0.0.1".into()),
                connect_port: Some(8443),
            }
        );
        assert_eq!(
            rule("::127.0.0.1:"),
            ConnectTo {
                host: None,
                port: None,
                connect_host: Some("127.0.0.1".into()),
                connect_port: None,
            }
        );
        assert_eq!(
            rule("[::1]:443:[0:0::1]:8443"),
            ConnectTo {
                host: Some("::1".into()),
                port: Some(443),
                connect_host: Some("::1".into()),
                connect_port: Some(8443),
            }
        );
        // Hosts are lower-cased, a root dot dropped; the rule prints as it is written.
        let r = rule("Learn.Example.:80:LB.internal:8080");
        assert_eq!(r.host.as_deref(), Some("learn.example"));
        assert_eq!(r.to_string(), "learn.example:80:lb.internal:8080");
        assert_eq!(rule("[::1]:443::").to_string(), "[::1]:443::");
    }

    #[test]
    fn a_bad_value_is_named_with_what_is_wrong() {
        for (bad, says) in [
            (
                "learn.example:443:127.0.0.1",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            (
                "learn.example:443:127.0.0.1:8443:1",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            (
                "learn.example",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            ("", "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT"),
            (
                "[::1:443:127.0.0.1:8443",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            (
                "::1:443:127.0.0.1:8443",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            (
                "learn.example:https:127.0.0.1:8443",
                "`https` is not a port",
            ),
            ("learn.example:443:127.0.0.1:70000", "`70000` is not a port"),
            ("learn.example:0:127.0.0.1:8443", "`0` is not a port"),
            ("learn.example:+443:127.0.0.1:8443", "`+443` is not a port"),
            (
                "learn example:443:127.0.0.1:8443",
                "`learn example` is not a host",
            ),
            (
                "learn..example:443:127.0.0.1:8443",
                "`learn..example` is not a host",
            ),
            (
                "learn.example:443:https://x:8443",
                "is not HOST:PORT:CONNECT_HOST:CONNECT_PORT",
            ),
            ("learn.example:443:[nope]:8443", "`[nope]` is not a host"),
        ] {
            let e = ConnectTo::parse(bad).expect_err(bad);
            assert!(e.contains(&format!("`{bad}`")), "{bad}: {e}");
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn the_first_rule_that_applies_routes_the_connection() {
        let rules = [
            rule("learn.example:80::"),
            rule("learn.example:443:127.0.0.1:8443"),
            rule(":80:127.0.0.1:8080"),
            rule("market.example::127.0.0.2:"),
        ];
        // learn.example:80 is exempted by the first rule, though the third would apply.
        assert_eq!(route(&rules, "learn.example", 80), None);
        assert_eq!(
            route(&rules, "LEARN.example", 443),
            Some(("127.0.0.1".into(), 8443))
        );
        assert_eq!(
            route(&rules, "other.example", 80),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(
            route(&rules, "market.example", 443),
            Some(("127.0.0.2".into(), 443))
        );
        assert_eq!(route(&rules, "other.example", 443), None);
        assert_eq!(route(&[], "learn.example", 443), None);
        // A rule to where the request goes anyway routes nothing.
        assert_eq!(
            route(
                &[rule("learn.example:443:LEARN.example:")],
                "learn.example",
                443
            ),
            None
        );
        assert_eq!(address("::1", 8443), "[::1]:8443");
        assert_eq!(address("learn.example", 443), "learn.example:443");
    }
}
