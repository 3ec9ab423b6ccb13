//! `dns_record`: the records of one name and type, as a DNS resolver answers them. Not AWS: no
//! credentials. One query per resource (`dns:Query`) through the Hickory DNS stub resolver, to the
//! nameservers of `--dns-server`, else those of the system (`/etc/resolv.conf`; the hosts file is
//! not read: the record is what DNS says). Two more queries only when their attributes are
//! checked: an `A` (then `AAAA`) lookup of the name for `resolves` of the other types, and one
//! query with the AD and DO bits set, over UDP to the first nameserver, for `dnssec_validated`
//! (the resolver crate neither sets nor reports that flag without validating itself).
//!
//! NXDOMAIN, and an answer without a record of the type, are [`Observation::Absent`]; a failure
//! (SERVFAIL, REFUSED, no answer within `--call-timeout`) is an error, never `missing`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ProtocolConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::{Edns, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use serde_json::{json, Value};
use tokio::time::{timeout_at, Instant};

use super::{checks, HttpOptions};
use crate::aws::CallRecorder;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// Pseudo-operation: one DNS query (not an IAM action; see `catalog::operations::NON_AWS_OPERATIONS`).
pub const QUERY: &str = "dns:Query";
/// The catalog's service name of `dns_record`.
pub const SERVICE: &str = "dns";
/// The longest a resolver waits for one server before trying again or the next.
const SERVER_TIMEOUT: Duration = Duration::from_secs(3);

/// Observes every `dns_record`, a bounded number at once.
pub(super) async fn observe(
    resources: &[&Resource],
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let setup = match Setup::new(&options.dns_servers, options.timeout) {
        Ok(s) => s,
        Err(error) => {
            return resources
                .iter()
                .map(|r| ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation: Observation::Error {
                        error: error.clone(),
                    },
                })
                .collect()
        }
    };
    stream::iter(resources)
        .map(|r| {
            let setup = &setup;
            async move {
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation: observe_one(r, setup, options, recorder).await,
                }
            }
        })
        .buffer_unordered(options.max_concurrency.max(1))
        .collect()
        .await
}

/// The resolver, and where the AD query of `dnssec_validated` goes.
struct Setup {
    resolver: TokioResolver,
    /// The first nameserver's UDP address.
    first: Option<SocketAddr>,
}

impl Setup {
    fn new(servers: &[SocketAddr], timeout: Duration) -> Result<Setup, String> {
        let (config, mut opts) = if servers.is_empty() {
            hickory_resolver::system_conf::read_system_conf().map_err(|e| {
                format!("cannot read the system's DNS configuration ({e}); name a nameserver with --dns-server")
            })?
        } else {
            let name_servers = servers
                .iter()
                .map(|a| {
                    let mut udp = ConnectionConfig::udp();
                    udp.port = a.port();
                    let mut tcp = ConnectionConfig::tcp();
                    tcp.port = a.port();
                    NameServerConfig::new(a.ip(), true, vec![udp, tcp])
                })
                .collect();
            (
                ResolverConfig::from_name_servers(name_servers),
                ResolverOpts::default(),
            )
        };
        let first = config.name_servers().first().and_then(|ns| {
            ns.connections
                .iter()
                .find(|c| matches!(c.protocol, ProtocolConfig::Udp))
                .map(|c| SocketAddr::new(ns.ip, c.port))
        });
        if first.is_none() && config.name_servers().is_empty() {
            return Err(
                "no nameserver configured (the system has none): name one with --dns-server".into(),
            );
        }
        opts.use_hosts_file = ResolveHosts::Never;
        opts.timeout = timeout.min(SERVER_TIMEOUT);
        opts.attempts = 2;
        // Answers as the server gives them: no search domains (names are absolute), nothing
        // filtered out.
        opts.ndots = 0;
        let resolver = Resolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(opts)
            .build()
            .map_err(|e| format!("cannot set up the DNS resolver: {e}"))?;
        Ok(Setup { resolver, first })
    }
}

async fn observe_one(
    r: &Resource,
    setup: &Setup,
    options: &HttpOptions,
    recorder: &CallRecorder,
) -> Observation {
    let (name, ty) = match crate::catalog::id::split_dns_record(&r.id) {
        Ok(parts) => parts,
        Err(error) => return Observation::Error { error },
    };
    let fqdn = match Name::from_ascii(format!("{name}.")) {
        Ok(n) => n,
        Err(e) => {
            return Observation::Error {
                error: format!("`{name}` is not a DNS name: {e}"),
            }
        }
    };
    let rtype = match ty.parse::<RecordType>() {
        Ok(t) => t,
        Err(e) => {
            return Observation::Error {
                error: format!("record type {ty}: {e}"),
            }
        }
    };
    let deadline = Instant::now() + options.timeout;
    recorder.record(QUERY);
    let lookup = match timeout_at(deadline, setup.resolver.lookup(fqdn.clone(), rtype)).await {
        Err(_) => {
            return Observation::Error {
                error: format!("{ty} query for {name}: no answer within --call-timeout"),
            }
        }
        Ok(Err(e)) => {
            return match no_such_record(&e) {
                true => Observation::Absent,
                false => Observation::Error {
                    error: format!("{ty} query for {name}: {e}"),
                },
            }
        }
        Ok(Ok(l)) => l,
    };
    let records: Vec<&Record> = lookup
        .answers()
        .iter()
        .filter(|rec| rec.record_type() == rtype)
        .collect();
    if records.is_empty() {
        return Observation::Absent;
    }
    let data: Vec<Data> = records
        .iter()
        .filter_map(|rec| Data::of(&rec.data))
        .collect();
    let mut attributes = facts(ty, &data);
    let mut errors = BTreeMap::new();
    if let Err((attribute, e)) = txt_facts(ty, &data, &mut attributes) {
        errors.insert(attribute.to_string(), e);
    }
    attributes.insert("ttl".into(), json!(records.iter().map(|rec| rec.ttl).min()));
    let alias = lookup
        .answers()
        .iter()
        .find(|rec| rec.record_type() == RecordType::CNAME && rec.name == fqdn)
        .and_then(|rec| match &rec.data {
            RData::CNAME(c) => Some(host(&c.0)),
            _ => None,
        });
    attributes.insert("cname_target".into(), json!(alias));

    if matches!(rtype, RecordType::A | RecordType::AAAA) {
        attributes.insert("resolves".into(), json!(true));
    } else if checks(r, "resolves") {
        recorder.record(QUERY);
        match timeout_at(deadline, setup.resolver.lookup_ip(fqdn.clone())).await {
            Err(_) => {
                errors.insert(
                    "resolves".into(),
                    format!("address query for {name}: no answer within --call-timeout"),
                );
            }
            Ok(Ok(ips)) => {
                attributes.insert("resolves".into(), json!(ips.iter().next().is_some()));
            }
            Ok(Err(e)) if no_such_record(&e) => {
                attributes.insert("resolves".into(), json!(false));
            }
            Ok(Err(e)) => {
                errors.insert("resolves".into(), format!("address query for {name}: {e}"));
            }
        }
    }
    if checks(r, "dnssec_validated") {
        recorder.record(QUERY);
        let outcome = match setup.first {
            Some(server) => authenticated(server, &fqdn, rtype, deadline)
                .await
                .map_err(|e| format!("{ty} query with the AD bit to {server}: {e}")),
            None => Err("no nameserver reachable over UDP to ask for the AD flag".into()),
        };
        match outcome {
            Ok(ad) => {
                attributes.insert("dnssec_validated".into(), json!(ad));
            }
            Err(e) => {
                errors.insert("dnssec_validated".into(), e);
            }
        }
    }
    Observation::Present { attributes, errors }
}

/// Whether the lookup failed because there is no such record: NXDOMAIN, or NOERROR without
/// records of the type (anything else, SERVFAIL included, was not observed).
fn no_such_record(e: &NetError) -> bool {
    matches!(e, NetError::Dns(DnsError::NoRecordsFound(no))
        if matches!(no.response_code, ResponseCode::NXDomain | ResponseCode::NoError))
}

/// A host name as the attributes show it: lower case, without the final dot.
fn host(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

/// One record's data, as the attributes read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Data {
    /// A or AAAA.
    Address(String),
    /// CNAME or NS.
    Host(String),
    Mx(u16, String),
    /// The strings of one TXT record, joined.
    Txt(String),
    Caa {
        flags: u8,
        tag: String,
        value: String,
    },
}

impl Data {
    fn of(rdata: &RData) -> Option<Data> {
        Some(match rdata {
            RData::A(a) => Data::Address(a.0.to_string()),
            RData::AAAA(a) => Data::Address(a.0.to_string()),
            RData::CNAME(c) => Data::Host(host(&c.0)),
            RData::NS(n) => Data::Host(host(&n.0)),
            RData::MX(mx) => Data::Mx(mx.preference, host(&mx.exchange)),
            RData::TXT(t) => Data::Txt(
                t.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect(),
            ),
            RData::CAA(c) => Data::Caa {
                flags: c.flags(),
                tag: c.tag.clone(),
                value: String::from_utf8_lossy(&c.value).into_owned(),
            },
            _ => return None,
        })
    }

    fn text(&self) -> String {
        match self {
            Data::Address(s) | Data::Host(s) | Data::Txt(s) => s.clone(),
            Data::Mx(preference, host) => format!("{preference} {host}"),
            Data::Caa { flags, tag, value } => format!("{flags} {tag} \"{value}\""),
        }
    }
}

/// `values` and the type-specific attributes but TXT's (null for the other types).
pub(crate) fn facts(ty: &str, data: &[Data]) -> BTreeMap<String, Value> {
    let mut attributes = BTreeMap::new();
    let mut values: Vec<String> = data.iter().map(Data::text).collect();
    values.sort();
    attributes.insert("values".into(), json!(values));
    let mx_hosts = (ty == "MX").then(|| {
        let mut mx: Vec<(u16, &str)> = data
            .iter()
            .filter_map(|d| match d {
                Data::Mx(p, h) => Some((*p, h.as_str())),
                _ => None,
            })
            .collect();
        mx.sort();
        mx.into_iter()
            .map(|(_, h)| h.to_string())
            .collect::<Vec<_>>()
    });
    attributes.insert("mx_hosts".into(), json!(mx_hosts));
    let caa_issuers = (ty == "CAA").then(|| {
        data.iter()
            .filter_map(|d| match d {
                Data::Caa { tag, value, .. }
                    if tag.eq_ignore_ascii_case("issue")
                        || tag.eq_ignore_ascii_case("issuewild") =>
                {
                    let issuer = value.split(';').next().unwrap_or_default().trim();
                    (!issuer.is_empty()).then(|| issuer.to_ascii_lowercase())
                }
                _ => None,
            })
            .collect::<BTreeSet<_>>()
    });
    attributes.insert("caa_issuers".into(), json!(caa_issuers));
    attributes
}

/// The TXT attributes (SPF, DMARC, DKIM), null for the other types; `Err`: the attribute that
/// could not be read, and why.
pub(crate) fn txt_facts(
    ty: &str,
    data: &[Data],
    attributes: &mut BTreeMap<String, Value>,
) -> Result<(), (&'static str, String)> {
    for a in [
        "spf",
        "spf_all",
        "dmarc_policy",
        "dmarc_subdomain_policy",
        "dmarc_rua",
        "dkim_key_type",
        "dkim_revoked",
    ] {
        attributes.insert(a.into(), Value::Null);
    }
    if ty != "TXT" {
        return Ok(());
    }
    let txts: Vec<&str> = data
        .iter()
        .filter_map(|d| match d {
            Data::Txt(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    if let Some(d) = dmarc(&txts) {
        attributes.insert("dmarc_policy".into(), json!(d.policy));
        attributes.insert("dmarc_subdomain_policy".into(), json!(d.subdomain_policy));
        attributes.insert("dmarc_rua".into(), json!(d.rua));
    }
    if let Some(k) = txts.iter().find_map(|t| dkim(t)) {
        attributes.insert("dkim_key_type".into(), json!(k.key_type));
        attributes.insert("dkim_revoked".into(), json!(k.revoked));
    }
    let spf_records: Vec<&str> = txts.iter().copied().filter(|t| is_spf(t)).collect();
    match spf_records.as_slice() {
        [] => Ok(()),
        [one] => {
            attributes.insert("spf".into(), json!(one));
            attributes.insert("spf_all".into(), json!(spf_all(one)));
            Ok(())
        }
        more => {
            attributes.remove("spf");
            attributes.remove("spf_all");
            Err((
                "spf",
                format!(
                    "{} SPF records: receivers treat that as a permanent error (RFC 7208 §4.5), so no SPF policy applies",
                    more.len()
                ),
            ))
        }
    }
}

/// Whether a TXT record is an SPF record (`v=spf1`, alone or followed by a space).
pub(crate) fn is_spf(txt: &str) -> bool {
    let t = txt.trim_start();
    t.len() >= 6
        && t[..6].eq_ignore_ascii_case("v=spf1")
        && t[6..].chars().next().is_none_or(|c| c == ' ')
}

/// The `all` mechanism of an SPF record with its qualifier (`-all`, `~all`, `?all`, `+all`).
pub(crate) fn spf_all(record: &str) -> Option<String> {
    record.split_whitespace().skip(1).find_map(|term| {
        let (qualifier, mechanism) = match term.chars().next() {
            Some(q @ ('+' | '-' | '~' | '?')) => (q, &term[1..]),
            _ => ('+', term),
        };
        mechanism
            .eq_ignore_ascii_case("all")
            .then(|| format!("{qualifier}all"))
    })
}

/// `tag=value` pairs of a DMARC or DKIM record (`;`-separated), tags lower case.
fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// A DMARC record's policy.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Dmarc {
    pub(crate) policy: Option<String>,
    pub(crate) subdomain_policy: Option<String>,
    pub(crate) rua: Vec<String>,
}

/// The DMARC record among TXT strings: the one whose first tag is `v=DMARC1`.
pub(crate) fn dmarc(txts: &[&str]) -> Option<Dmarc> {
    let record = txts.iter().find_map(|t| {
        let tags = tags(t);
        matches!(tags.first(), Some((k, v)) if k == "v" && v.eq_ignore_ascii_case("DMARC1"))
            .then_some(tags)
    })?;
    let get = |name: &str| {
        record
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let mut rua: Vec<String> = record
        .iter()
        .find(|(k, _)| k == "rua")
        .map(|(_, v)| {
            v.split(',')
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect()
        })
        .unwrap_or_default();
    rua.sort();
    Some(Dmarc {
        policy: get("p"),
        subdomain_policy: get("sp"),
        rua,
    })
}

/// A DKIM key record's facts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Dkim {
    pub(crate) key_type: String,
    pub(crate) revoked: bool,
}

/// A DKIM key record (RFC 6376 §3.6.1): `v=DKIM1` first when present, a `p=` tag in any case.
pub(crate) fn dkim(txt: &str) -> Option<Dkim> {
    let tags = tags(txt);
    if let Some((k, v)) = tags.first() {
        if k == "v" && !v.eq_ignore_ascii_case("DKIM1") {
            return None;
        }
    }
    let p = tags.iter().find(|(k, _)| k == "p")?;
    let key_type = tags
        .iter()
        .find(|(k, _)| k == "k")
        .map_or_else(|| "rsa".to_string(), |(_, v)| v.to_ascii_lowercase());
    Some(Dkim {
        key_type,
        revoked: p.1.chars().all(char::is_whitespace),
    })
}

/// One query with the AD and DO bits over UDP: the AD flag of the answer (RFC 6840 §5.7: a
/// validating resolver sets it only on data it validated). A server failure is an error.
async fn authenticated(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    deadline: Instant,
) -> Result<bool, String> {
    let mut query = Message::query();
    query.add_query(Query::query(name.clone(), rtype));
    query.metadata.recursion_desired = true;
    query.metadata.authentic_data = true;
    let mut edns = Edns::new();
    edns.set_dnssec_ok(true);
    edns.set_max_payload(1232);
    query.set_edns(edns);
    let bytes = query
        .to_vec()
        .map_err(|e| format!("cannot encode the query: {e}"))?;
    let bind = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = tokio::net::UdpSocket::bind(bind)
        .await
        .map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    socket
        .connect(server)
        .await
        .map_err(|e| format!("cannot reach it: {e}"))?;
    socket
        .send(&bytes)
        .await
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut buf = vec![0u8; 65_535];
    loop {
        let n = timeout_at(deadline, socket.recv(&mut buf))
            .await
            .map_err(|_| "no answer within --call-timeout".to_string())?
            .map_err(|e| format!("no answer: {e}"))?;
        let Some(answer) = buf.get(..n).and_then(|b| Message::from_vec(b).ok()) else {
            continue;
        };
        if answer.metadata.id != query.metadata.id {
            continue;
        }
        return match answer.metadata.response_code {
            ResponseCode::NoError | ResponseCode::NXDomain => Ok(answer.metadata.authentic_data),
            code => Err(format!("the server answered {code}")),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spf_records_and_their_all_mechanism() {
        assert!(is_spf("v=spf1 include:_spf.google.com ~all"));
        assert!(is_spf("V=SPF1 -all"));
        assert!(is_spf("v=spf1"));
        assert!(!is_spf("v=spf10 -all"));
        assert!(!is_spf("google-site-verification=abc"));
        let cases = [
            ("v=spf1 include:_spf.google.com ~all", Some("~all")),
            ("v=spf1 mx -all", Some("-all")),
            ("v=spf1 ?all", Some("?all")),
            ("v=spf1 a all", Some("+all")),
            ("v=spf1 +ALL", Some("+all")),
            ("v=spf1 redirect=_spf.example.com", None),
            ("v=spf1 include:allmail.example -all", Some("-all")),
        ];
        for (record, all) in cases {
            assert_eq!(spf_all(record).as_deref(), all, "{record}");
        }
    }

    #[test]
    fn one_spf_record_or_an_error() {
        let mut a = BTreeMap::new();
        let data = [
            Data::Txt("google-site-verification=x".into()),
            Data::Txt("v=spf1 include:amazonses.com -all".into()),
        ];
        txt_facts("TXT", &data, &mut a).expect("one SPF record");
        assert_eq!(a["spf"], json!("v=spf1 include:amazonses.com -all"));
        assert_eq!(a["spf_all"], json!("-all"));
        assert_eq!(a["dmarc_policy"], Value::Null);
        let two = [
            Data::Txt("v=spf1 -all".into()),
            Data::Txt("v=spf1 include:x ~all".into()),
        ];
        let mut a = BTreeMap::new();
        let (attribute, e) = txt_facts("TXT", &two, &mut a).expect_err("two SPF records");
        assert_eq!(attribute, "spf");
        assert!(e.contains("2 SPF records"), "{e}");
        assert!(!a.contains_key("spf") && !a.contains_key("spf_all"));
        // Not TXT: every TXT attribute is null.
        let mut a = BTreeMap::new();
        txt_facts("A", &[Data::Address("192.0.2.1".into())], &mut a).expect("A");
        assert_eq!(a["spf"], Value::Null);
        assert_eq!(a["dkim_key_type"], Value::Null);
    }

    #[test]
    fn dmarc_records() {
        let d = dmarc(&[
            "v=spf1 -all",
            "v=DMARC1; p=Reject; sp=quarantine; rua=mailto:b@dorami.example, mailto:a@dorami.example; pct=100",
        ])
        .expect("dmarc");
        assert_eq!(
            d,
            Dmarc {
                policy: Some("reject".into()),
                subdomain_policy: Some("quarantine".into()),
                rua: vec![
                    "mailto:a@dorami.example".into(),
                    "mailto:b@dorami.example".into()
                ],
            }
        );
        let d = dmarc(&["v=DMARC1;p=none"]).expect("dmarc");
        assert_eq!(d.policy.as_deref(), Some("none"));
        assert!(d.rua.is_empty());
        assert_eq!(dmarc(&["p=reject; v=DMARC1"]), None);
        assert_eq!(dmarc(&["v=spf1 -all"]), None);
    }

    #[test]
    fn dkim_key_records() {
        assert_eq!(
            dkim("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"),
            Some(Dkim {
                key_type: "rsa".into(),
                revoked: false
            })
        );
        assert_eq!(
            dkim("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
            Some(Dkim {
                key_type: "ed25519".into(),
                revoked: false
            })
        );
        // No k=: RSA (RFC 6376 §3.6.1); an empty p=: revoked.
        assert_eq!(
            dkim("p="),
            Some(Dkim {
                key_type: "rsa".into(),
                revoked: true
            })
        );
        assert_eq!(dkim("v=spf1 -all"), None);
        assert_eq!(dkim("v=DKIM2; p=abc"), None);
    }

    #[test]
    fn values_mx_hosts_and_caa_issuers() {
        let mx = [
            Data::Mx(20, "mx2.dorami.example".into()),
            Data::Mx(10, "mx1.dorami.example".into()),
        ];
        let a = facts("MX", &mx);
        assert_eq!(
            a["values"],
            json!(["10 mx1.dorami.example", "20 mx2.dorami.example"])
        );
        assert_eq!(
            a["mx_hosts"],
            json!(["mx1.dorami.example", "mx2.dorami.example"])
        );
        assert_eq!(a["caa_issuers"], Value::Null);
        let caa = [
            Data::Caa {
                flags: 0,
                tag: "issue".into(),
                value: "LetsEncrypt.org".into(),
            },
            Data::Caa {
                flags: 0,
                tag: "issuewild".into(),
                value: "amazon.com; cansignhttpexchanges=yes".into(),
            },
            Data::Caa {
                flags: 0,
                tag: "issuewild".into(),
                value: ";".into(),
            },
            Data::Caa {
                flags: 128,
                tag: "iodef".into(),
                value: "mailto:security@dorami.example".into(),
            },
        ];
        let a = facts("CAA", &caa);
        assert_eq!(a["caa_issuers"], json!(["amazon.com", "letsencrypt.org"]));
        assert_eq!(a["mx_hosts"], Value::Null);
        assert_eq!(
            a["values"][0],
            json!("0 issue \"LetsEncrypt.org\""),
            "{}",
            a["values"]
        );
    }
}
