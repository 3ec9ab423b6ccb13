//! What a resource's `id:` looks like, by kind ([`IdFormat`]): checked when a spec is loaded
//! (so a malformed id is a spec error at its file:line:column, not an error verdict at run time)
//! and split by the same functions the probes use, so what validates is what the probe reads.

/// The shape of a kind's `id:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdFormat {
    /// A name (or id) as the service spells it; any non-empty text.
    Name,
    /// A name, or the resource's ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`).
    NameOrArn,
    /// `<cluster>/<service>` (ECS services and their scaling).
    ClusterService,
    /// `<load balancer name or ARN>:<port>`.
    LoadBalancerPort,
    /// `<scope>/<name>`, scope `CLOUDFRONT` or `REGIONAL` (WAF web ACLs).
    ScopeName,
    /// `<zone name or id>/<record name>/<type>` (Route 53 records).
    ZoneRecordType,
    /// `<bucket>/<prefix>` (objects under an S3 key prefix; the prefix may be empty, for the
    /// whole bucket, or contain `/`).
    BucketPrefix,
    /// `<repository>:<tag>` (ECR images; the repository may contain `/`).
    RepositoryTag,
    /// An `http://` or `https://` URL.
    Url,
    /// `<host>:<port>`, an IPv6 address in brackets (`[::1]:443`).
    HostPort,
    /// The literal `current`: the account (or the region's singleton) of the credentials.
    Current,
    /// A CloudWatch metric: `<namespace>/<metric name>`, then its whole dimension set in braces
    /// when it has one: `AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/web/123}`.
    Metric,
    /// `<DNS name>/<record type>`, the type one of [`DNS_RECORD_TYPES`] (`dns_record`).
    DnsRecord,
    /// A domain name, e.g. `dorami.example` (`domain`).
    DomainName,
    /// `<owner>/<repository>` on GitHub, e.g. `dorami/shop`.
    OwnerRepo,
}

impl IdFormat {
    /// Whether `id` has this shape; the error says what was expected.
    pub fn check(self, id: &str) -> Result<(), String> {
        match self {
            IdFormat::Name => Ok(()),
            IdFormat::NameOrArn => {
                if id.starts_with("arn:") && split_arn(id).is_none() {
                    Err(format!(
                        "`{id}` is not an ARN: write `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, or the name"
                    ))
                } else {
                    Ok(())
                }
            }
            IdFormat::ClusterService => split_cluster_service(id).map(|_| ()),
            IdFormat::LoadBalancerPort => split_listener(id).map(|_| ()).ok_or_else(|| {
                format!("`{id}` is not a listener id: write `<load balancer name or ARN>:<port>`, e.g. `web:443`")
            }),
            IdFormat::ScopeName => split_scope_name(id).map(|_| ()).ok_or_else(|| {
                format!("`{id}` is not a web ACL id: write `CLOUDFRONT/<name>` or `REGIONAL/<name>`")
            }),
            IdFormat::ZoneRecordType => split_record(id).map(|_| ()).ok_or_else(|| {
                format!("`{id}` is not a record id: write `<zone>/<record name>/<type>`, e.g. `example.com/www.example.com/A`")
            }),
            IdFormat::BucketPrefix => split_bucket_prefix(id).map(|_| ()).ok_or_else(|| {
                format!("`{id}` is not a bucket prefix: write `<bucket>/<prefix>`, e.g. `backups/db/` (`backups/` for the whole bucket)")
            }),
            IdFormat::RepositoryTag => split_repository_tag(id).map(|_| ()),
            IdFormat::Url => parse_url(id).map(|_| ()),
            IdFormat::HostPort => parse_host_port(id).map(|_| ()),
            IdFormat::Metric => parse_metric(id).map(|_| ()),
            IdFormat::DnsRecord => split_dns_record(id).map(|_| ()),
            IdFormat::DomainName => parse_domain_name(id).map(|_| ()),
            IdFormat::OwnerRepo => split_owner_repo(id).map(|_| ()),
            IdFormat::Current => {
                if id == CURRENT {
                    Ok(())
                } else {
                    Err(format!(
                        "`{id}`: this kind's id must be `{CURRENT}` (the one of the credentials' account and region)"
                    ))
                }
            }
        }
    }
}

impl IdFormat {
    /// A regular expression (JSON Schema `pattern`, for editors) that every id [`IdFormat::check`]
    /// accepts matches; it may accept more (the loader has the last word). `None`: any text.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            IdFormat::Name | IdFormat::NameOrArn => None,
            IdFormat::ClusterService => Some("^[^/]+/[^/]+$"),
            IdFormat::LoadBalancerPort => Some("^.+:[0-9]+$"),
            IdFormat::ScopeName => Some("^(CLOUDFRONT|REGIONAL)/.+$"),
            IdFormat::ZoneRecordType => Some("^[^/]+/.+/[^/]+$"),
            IdFormat::BucketPrefix => Some("^[^/]+/.*$"),
            IdFormat::RepositoryTag => Some("^[^:@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"),
            IdFormat::Url => Some("^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\\s]+([/?#].*)?$"),
            IdFormat::HostPort => Some("^([^\\[\\]:/\\s]+|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$"),
            IdFormat::Current => Some("^current$"),
            IdFormat::Metric => Some("^[^{}]+/[^/{}]+(\\{[^{}]+\\})?$"),
            IdFormat::DnsRecord => Some("^[^/\\s]+/(A|AAAA|CNAME|MX|TXT|CAA|NS)$"),
            IdFormat::DomainName => Some("^[^/\\s]+$"),
            IdFormat::OwnerRepo => Some("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$"),
        }
    }
}

/// The id of the kinds that exist once per account (or per region): [`IdFormat::Current`].
pub const CURRENT: &str = "current";

/// An ARN's six parts, when `id` is one (the resource part may itself contain `:` and `/`).
pub fn split_arn(id: &str) -> Option<[&str; 6]> {
    let mut parts = id.splitn(6, ':');
    let arn = [
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ];
    (arn[0] == "arn" && !arn[1].is_empty() && !arn[2].is_empty() && !arn[5].is_empty())
        .then_some(arn)
}

/// `<cluster>/<service>`, both non-empty, the service without `/`.
pub fn split_cluster_service(id: &str) -> Result<(&str, &str), String> {
    match id.split_once('/') {
        Some((cluster, service))
            if !cluster.is_empty() && !service.is_empty() && !service.contains('/') =>
        {
            Ok((cluster, service))
        }
        _ => Err(format!("id must be cluster/service, got `{id}`")),
    }
}

/// `<load balancer name or ARN>:<port>`.
pub fn split_listener(id: &str) -> Option<(&str, i32)> {
    let (lb, port) = id.rsplit_once(':')?;
    let port: i32 = port.parse().ok()?;
    (!lb.is_empty() && (1..=65535).contains(&port)).then_some((lb, port))
}

/// `<scope>/<name>`, the scope `CLOUDFRONT` or `REGIONAL`, the name non-empty.
pub fn split_scope_name(id: &str) -> Option<(&str, &str)> {
    match id.split_once('/') {
        Some((scope @ ("CLOUDFRONT" | "REGIONAL"), name)) if !name.is_empty() => {
            Some((scope, name))
        }
        _ => None,
    }
}

/// `<repository>:<tag>`: a repository name (no `:`; it may contain `/`) and an image tag as ECR
/// accepts it (up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`).
pub fn split_repository_tag(id: &str) -> Result<(&str, &str), String> {
    let (repository, tag) = id.split_once(':').ok_or_else(|| {
        format!("`{id}` is not an image id: write `<repository>:<tag>`, e.g. `shop/api:v1.4.2`")
    })?;
    if repository.is_empty() {
        return Err(format!(
            "`{id}` is not an image id: the repository before `:` is empty"
        ));
    }
    if repository.contains('@') {
        return Err(format!(
            "`{id}` is not an image id: name the image by tag, `<repository>:<tag>` (digests are not supported)"
        ));
    }
    let valid_tag = !tag.is_empty()
        && tag.len() <= 128
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !tag.starts_with(['.', '-']);
    if !valid_tag {
        return Err(format!(
            "`{id}` is not an image id: the tag `{tag}` is not an ECR image tag (1 to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`); digests are not supported"
        ));
    }
    Ok((repository, tag))
}

/// `<bucket>/<prefix>` split at its first `/`: the bucket (not empty) and the key prefix (empty
/// for the whole bucket).
pub fn split_bucket_prefix(id: &str) -> Option<(&str, &str)> {
    id.split_once('/').filter(|(bucket, _)| !bucket.is_empty())
}

/// `<zone>/<record name>/<type>`, each non-empty, as written (the probe normalizes them).
pub fn split_record(id: &str) -> Option<(&str, &str, &str)> {
    let (zone, rest) = id.split_once('/')?;
    let (name, ty) = rest.rsplit_once('/')?;
    (!zone.is_empty() && !name.is_empty() && !ty.is_empty()).then_some((zone, name, ty))
}

/// The record types a `dns_record` id may name.
pub const DNS_RECORD_TYPES: &[&str] = &["A", "AAAA", "CNAME", "MX", "TXT", "CAA", "NS"];

/// A `dns_record` id, parsed: the name (checked by [`parse_domain_name`], without a trailing dot)
/// and the record type (one of [`DNS_RECORD_TYPES`], upper case as written).
pub fn split_dns_record(id: &str) -> Result<(String, &'static str), String> {
    let bad = |why: String| {
        format!("`{id}` is not a DNS record id: {why}; write `<name>/<type>`, e.g. `shop.dorami.example/A` or `_dmarc.dorami.example/TXT`")
    };
    let (name, ty) = id
        .rsplit_once('/')
        .ok_or_else(|| bad("no `/<type>`".into()))?;
    let ty = DNS_RECORD_TYPES.iter().find(|t| **t == ty).ok_or_else(|| {
        bad(format!(
            "the type must be one of {}",
            DNS_RECORD_TYPES.join(", ")
        ))
    })?;
    let name = parse_domain_name(name).map_err(bad)?;
    Ok((name, ty))
}

/// A domain name as written in a `dns_record` or `domain` id: labels of 1 to 63 characters
/// (letters, digits, `-`, `_`; not starting or ending with `-`), at least two, at most 253
/// characters; a trailing dot is dropped, upper case is lowered.
pub fn parse_domain_name(name: &str) -> Result<String, String> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let lower = trimmed.to_ascii_lowercase();
    let bad = |why: &str| format!("`{name}` is not a domain name: {why}");
    if lower.is_empty() || lower.len() > 253 {
        return Err(bad("it must have 1 to 253 characters"));
    }
    let labels: Vec<&str> = lower.split('.').collect();
    if labels.len() < 2 {
        return Err(bad("give the whole name, with its top-level domain"));
    }
    for label in labels {
        if label.is_empty() || label.len() > 63 {
            return Err(bad("each label between dots has 1 to 63 characters"));
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(bad(
                "labels are letters, digits, `-` and `_` (write an internationalised name in its `xn--` form)",
            ));
        }
    }
    Ok(lower)
}

/// A `metric` id, parsed: namespace, metric name and its whole dimension set (sorted by name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricId {
    /// e.g. `AWS/ApplicationELB` (may contain `/`).
    pub namespace: String,
    /// e.g. `TargetResponseTime` (the text after the namespace's last `/`).
    pub name: String,
    /// Every dimension, name to value, sorted by name; empty: the metric without dimensions.
    pub dimensions: Vec<(String, String)>,
}

/// Parses a `metric` id: `<namespace>/<metric name>` with, when the metric has dimensions, all
/// of them in braces, `{Name=Value,Name2=Value2}` (a value may contain `/` and `=`, not `,`,
/// `{` or `}`). The metric name is the text after the last `/` before the braces.
pub fn parse_metric(id: &str) -> Result<MetricId, String> {
    let bad = |why: &str| {
        format!(
            "`{id}` is not a metric id: {why}; write `<namespace>/<metric name>` with its dimensions in braces, e.g. `AWS/ApplicationELB/TargetResponseTime{{LoadBalancer=app/web/123}}`"
        )
    };
    let (path, dims) = match id.find('{') {
        None if id.contains('}') => return Err(bad("a `}` without `{`")),
        None => (id, None),
        Some(at) => {
            let Some(inner) = id[at + 1..].strip_suffix('}') else {
                return Err(bad("the dimensions must end the id with `}`"));
            };
            (&id[..at], Some(inner))
        }
    };
    if path.contains('}') {
        return Err(bad("a `}` before the dimensions"));
    }
    let Some((namespace, name)) = path.rsplit_once('/') else {
        return Err(bad("no `/` between namespace and metric name"));
    };
    if namespace.is_empty() || name.trim().is_empty() {
        return Err(bad("the namespace and the metric name must not be empty"));
    }
    let mut dimensions = Vec::new();
    if let Some(inner) = dims {
        if inner.contains('{') || inner.contains('}') {
            return Err(bad("one pair of braces only"));
        }
        for pair in inner.split(',') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(bad(&format!("dimension `{pair}` is not `Name=Value`")));
            };
            let k = k.trim();
            if k.is_empty() || v.is_empty() {
                return Err(bad(&format!("dimension `{pair}` needs a name and a value")));
            }
            if dimensions.iter().any(|(n, _): &(String, String)| n == k) {
                return Err(bad(&format!("dimension `{k}` is given twice")));
            }
            dimensions.push((k.to_string(), v.to_string()));
        }
    }
    dimensions.sort();
    Ok(MetricId {
        namespace: namespace.to_string(),
        name: name.to_string(),
        dimensions,
    })
}

/// An `http_endpoint` id, parsed as the probe requests it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `https://` (else `http://`).
    pub https: bool,
    /// Host name or IP address, without IPv6 brackets.
    pub host: String,
    /// The port, the scheme's default when the URL has none.
    pub port: u16,
    /// `Host` header value: the URL's authority as written.
    pub authority: String,
    /// Path and query, at least `/`.
    pub path: String,
}

/// Parses an `http_endpoint` id: an absolute `http://` or `https://` URL with a host and no user
/// info.
pub fn parse_url(id: &str) -> Result<Url, String> {
    let bad = |why: &str| format!("`{id}` is not a usable URL: {why}");
    let uri: http::Uri = id.parse().map_err(|e| bad(&format!("{e}")))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => {
            return Err(bad(
                "the id of an http_endpoint is an http:// or https:// URL",
            ))
        }
    };
    let authority = uri.authority().ok_or_else(|| bad("no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("user info is not supported"));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Url {
        https,
        port: authority.port_u16().unwrap_or(if https { 443 } else { 80 }),
        authority: authority.as_str().to_string(),
        host,
        path: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
    })
}

/// Parses a `tcp_endpoint` id: `<host>:<port>`: a DNS name (letters, digits, `-`, `_`, dots
/// between non-empty labels) or an IPv4 address, or an IPv6 address in brackets; a port from 1
/// to 65535. Returns the host (without brackets) and the port.
pub fn parse_host_port(id: &str) -> Result<(String, u16), String> {
    let bad = |why: &str| {
        format!("`{id}` is not a usable host:port: {why} (e.g. `redis.example:6379`, `[2001:db8::1]:443`)")
    };
    let (host, port) = match id.strip_prefix('[') {
        Some(rest) => {
            let (addr, after) = rest
                .split_once(']')
                .ok_or_else(|| bad("no `]` after the IPv6 address"))?;
            let port = after
                .strip_prefix(':')
                .ok_or_else(|| bad("no `:<port>` after the address"))?;
            addr.parse::<std::net::Ipv6Addr>()
                .map_err(|_| bad(&format!("`{addr}` is not an IPv6 address")))?;
            (addr, port)
        }
        None => {
            let (host, port) = id.rsplit_once(':').ok_or_else(|| bad("no `:<port>`"))?;
            if host.contains(':') {
                return Err(bad("an IPv6 address goes in [brackets]"));
            }
            let label_ok = |l: &str| {
                !l.is_empty()
                    && l.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            };
            let name = host.strip_suffix('.').unwrap_or(host);
            if name.is_empty() || !name.split('.').all(label_ok) {
                return Err(bad(&format!("`{host}` is not a host name or IP address")));
            }
            (host, port)
        }
    };
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| bad(&format!("`{port}` is not a port (1 to 65535)")))?;
    Ok((host.to_ascii_lowercase(), port))
}

/// `<owner>/<repository>`: GitHub's owner names (letters, digits, `-`) and repository names
/// (letters, digits, `.`, `_`, `-`).
pub fn split_owner_repo(id: &str) -> Result<(&str, &str), String> {
    let bad = || {
        format!(
            "`{id}` is not a GitHub repository: write `<owner>/<repository>`, e.g. `dorami/shop`"
        )
    };
    let (owner, repo) = id.split_once('/').ok_or_else(bad)?;
    let owner_ok =
        !owner.is_empty() && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let repo_ok = !repo.is_empty()
        && repo != "."
        && repo != ".."
        && repo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if owner_ok && repo_ok {
        Ok((owner, repo))
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_accepts_its_shape_and_names_it_otherwise() {
        let cases: &[(IdFormat, &str, bool)] = &[
            (IdFormat::Name, "anything at all", true),
            (IdFormat::NameOrArn, "web", true),
            (IdFormat::NameOrArn, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188", true),
            (IdFormat::NameOrArn, "arn:aws:sns", false),
            (IdFormat::ClusterService, "staging/backend", true),
            (IdFormat::ClusterService, "backend", false),
            (IdFormat::ClusterService, "staging/", false),
            (IdFormat::ClusterService, "a/b/c", false),
            (IdFormat::LoadBalancerPort, "web:443", true),
            (IdFormat::LoadBalancerPort, "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1:80", true),
            (IdFormat::LoadBalancerPort, "web", false),
            (IdFormat::LoadBalancerPort, "web:https", false),
            (IdFormat::LoadBalancerPort, "web:0", false),
            (IdFormat::LoadBalancerPort, ":443", false),
            (IdFormat::ScopeName, "CLOUDFRONT/edge", true),
            (IdFormat::ScopeName, "REGIONAL/api", true),
            (IdFormat::ScopeName, "GLOBAL/api", false),
            (IdFormat::ScopeName, "REGIONAL/", false),
            (IdFormat::ZoneRecordType, "example.com/www.example.com/A", true),
            (IdFormat::DnsRecord, "shop.dorami.example/A", true),
            (IdFormat::DnsRecord, "_dmarc.Dorami.example./TXT", true),
            (IdFormat::DnsRecord, "sel1._domainkey.dorami.example/TXT", true),
            (IdFormat::DnsRecord, "dorami.example/SRV", false),
            (IdFormat::DnsRecord, "dorami.example/a", false),
            (IdFormat::DnsRecord, "dorami.example", false),
            (IdFormat::DnsRecord, "https://dorami.example/A", false),
            (IdFormat::DnsRecord, "-x.example/A", false),
            (IdFormat::DomainName, "dorami.example", true),
            (IdFormat::DomainName, "xn--bcher-kva.example", true),
            (IdFormat::DomainName, "example", false),
            (IdFormat::DomainName, "dorami..example", false),
            (IdFormat::DomainName, "https://dorami.example/", false),
            (IdFormat::ZoneRecordType, "example.com/www.example.com", false),
            (IdFormat::BucketPrefix, "backups/db/", true),
            (IdFormat::BucketPrefix, "backups/", true),
            (IdFormat::BucketPrefix, "backups/db/2026/dump-", true),
            (IdFormat::BucketPrefix, "backups", false),
            (IdFormat::BucketPrefix, "/db/", false),
            (IdFormat::RepositoryTag, "shop/api:v1.4.2", true),
            (IdFormat::RepositoryTag, "api:latest", true),
            (IdFormat::RepositoryTag, "api", false),
            (IdFormat::RepositoryTag, ":latest", false),
            (IdFormat::RepositoryTag, "api:", false),
            (IdFormat::RepositoryTag, "api:v1:v2", false),
            (IdFormat::RepositoryTag, "api:-x", false),
            (IdFormat::RepositoryTag, "api@sha256:abc", false),
            (IdFormat::Url, "https://shop.example/api/health?x=1", true),
            (IdFormat::Url, "shop.example/api", false),
            (IdFormat::Url, "https://user@shop.example/", false),
            (IdFormat::HostPort, "redis.example:6379", true),
            (IdFormat::HostPort, "127.0.0.1:22", true),
            (IdFormat::HostPort, "[::1]:443", true),
            (IdFormat::HostPort, "::1:443", false),
            (IdFormat::HostPort, "[::1]", false),
            (IdFormat::HostPort, "[nope]:443", false),
            (IdFormat::HostPort, "redis.example", false),
            (IdFormat::HostPort, "redis.example:0", false),
            (IdFormat::HostPort, "redis.example:70000", false),
            (IdFormat::HostPort, ":443", false),
            (IdFormat::HostPort, "https://shop.example:443", false),
            (IdFormat::HostPort, "a..b:443", false),
            (IdFormat::Current, "current", true),
            (IdFormat::Metric, "AWS/ECS/CPUUtilization", true),
            (IdFormat::Metric, "AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/web/123}", true),
            (IdFormat::Metric, "Shop/Orders{Stage=prod,Region=ap-northeast-2}", true),
            (IdFormat::Metric, "CPUUtilization", false),
            (IdFormat::Metric, "AWS/ECS/", false),
            (IdFormat::Metric, "AWS/ECS/CPU{ServiceName}", false),
            (IdFormat::Metric, "AWS/ECS/CPU{ServiceName=a", false),
            (IdFormat::Metric, "AWS/ECS/CPU{A=1,A=2}", false),
            (IdFormat::Metric, "AWS/ECS/CPU{}", false),
            (IdFormat::Metric, "AWS/E}CS/CPU{A=1}", false),
            (IdFormat::Current, "123456789012", false),
        ];
        for (format, id, ok) in cases {
            let got = format.check(id);
            assert_eq!(got.is_ok(), *ok, "{format:?} {id}: {got:?}");
            // What the loader accepts, the schema's pattern accepts too.
            if let (true, Some(p)) = (got.is_ok(), format.pattern()) {
                let re = regex::Regex::new(p).expect("pattern");
                assert!(re.is_match(id), "{format:?}: {p} refuses {id}");
            }
            if let Err(e) = got {
                assert!(e.contains(id), "the message names the id: {e}");
            }
        }
    }

    #[test]
    fn a_metric_id_is_split_into_namespace_name_and_sorted_dimensions() {
        let m = parse_metric("AWS/ApplicationELB/TargetResponseTime{TargetGroup=targetgroup/api/9,LoadBalancer=app/web/123}")
            .expect("metric");
        assert_eq!(m.namespace, "AWS/ApplicationELB");
        assert_eq!(m.name, "TargetResponseTime");
        assert_eq!(
            m.dimensions,
            [
                ("LoadBalancer".to_string(), "app/web/123".to_string()),
                ("TargetGroup".to_string(), "targetgroup/api/9".to_string())
            ]
        );
        let plain = parse_metric("Shop/Orders").expect("metric");
        assert_eq!(
            (plain.namespace.as_str(), plain.name.as_str()),
            ("Shop", "Orders")
        );
        assert!(plain.dimensions.is_empty());
        let e = parse_metric("AWS/ECS/CPU{ServiceName}").unwrap_err();
        assert!(e.contains("`ServiceName` is not `Name=Value`"), "{e}");
    }

    #[test]
    fn a_url_is_split_as_the_probe_requests_it() {
        let u = parse_url("https://shop.example/api/health?x=1").expect("url");
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.path.as_str()),
            (true, "shop.example", 443, "/api/health?x=1")
        );
        let u = parse_url("http://[::1]:8080").expect("url");
        assert_eq!(
            (
                u.https,
                u.host.as_str(),
                u.port,
                u.authority.as_str(),
                u.path.as_str()
            ),
            (false, "::1", 8080, "[::1]:8080", "/")
        );
    }

    #[test]
    fn github_repositories_are_owner_slash_name() {
        assert_eq!(split_owner_repo("dorami/shop"), Ok(("dorami", "shop")));
        assert_eq!(
            split_owner_repo("moim-app/moim.web_2"),
            Ok(("moim-app", "moim.web_2"))
        );
        for bad in [
            "dorami",
            "dorami/",
            "/shop",
            "dorami/shop/x",
            "dor ami/shop",
            "dorami/..",
        ] {
            let e = split_owner_repo(bad).expect_err(bad);
            assert!(e.contains("<owner>/<repository>"), "{e}");
        }
    }
}
