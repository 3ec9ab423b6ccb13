//! Certificate facts for any TLS endpoint: the leaf certificate's issuer and subject alternative
//! names (read with `x509-parser`), whether a name covers a host (RFC 6125), and a verifier
//! wrapper that records whether the server stapled an OCSP response.
//!
//! Used by `tcp_endpoint` (src/provider/http/tcp.rs); `http_endpoint` can take the same facts
//! from the leaf of its own handshake ([`CertificateFacts::of`], [`OcspRecorder`]).

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use x509_parser::extensions::GeneralName;

/// What the leaf certificate says about its issuer and the names it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificateFacts {
    /// `CN=..., O=...`: the issuer's common name and organization, whichever it has; `None`
    /// when it has neither.
    pub(crate) issuer: Option<String>,
    /// DNS names of the subject alternative names, lower case, sorted, each once.
    pub(crate) dns_names: Vec<String>,
    /// IP address names.
    pub(crate) ip_addresses: Vec<IpAddr>,
}

impl CertificateFacts {
    /// Reads a DER X.509 certificate; the error says why it could not be read.
    pub(crate) fn of(der: &[u8]) -> Result<CertificateFacts, String> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| format!("the server's certificate could not be read: {e}"))?;
        let issuer = cert.issuer();
        let mut parts = Vec::new();
        for (label, values) in [
            ("CN", issuer.iter_common_name().collect::<Vec<_>>()),
            ("O", issuer.iter_organization().collect::<Vec<_>>()),
        ] {
            for v in values {
                // A value that is not a string type is left out rather than guessed at.
                if let Ok(s) = v.as_str() {
                    parts.push(format!("{label}={s}"));
                }
            }
        }
        let mut dns_names = Vec::new();
        let mut ip_addresses = Vec::new();
        let san = cert.subject_alternative_name().map_err(|e| {
            format!("the certificate's subject alternative names could not be read: {e}")
        })?;
        if let Some(san) = san {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(n) => dns_names.push(n.to_ascii_lowercase()),
                    GeneralName::IPAddress(bytes) => {
                        if let Ok(b) = <[u8; 4]>::try_from(*bytes) {
                            ip_addresses.push(IpAddr::from(b));
                        } else if let Ok(b) = <[u8; 16]>::try_from(*bytes) {
                            ip_addresses.push(IpAddr::from(b));
                        }
                    }
                    _ => {}
                }
            }
        }
        dns_names.sort();
        dns_names.dedup();
        Ok(CertificateFacts {
            issuer: (!parts.is_empty()).then(|| parts.join(", ")),
            dns_names,
            ip_addresses,
        })
    }

    /// Whether a subject alternative name covers `host` (a DNS name, or an IP address without
    /// brackets). The common name is never used (RFC 6125 6.4.4 and every current browser).
    pub(crate) fn covers_host(&self, host: &str) -> bool {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.ip_addresses.contains(&ip);
        }
        self.dns_names.iter().any(|n| name_matches(n, host))
    }
}

/// RFC 6125 section 6.4: `pattern` (a certificate's DNS name) matches `host`, case-insensitively,
/// ignoring one trailing dot. A wildcard is only the whole left-most label (`*.example.com`),
/// matches exactly one non-empty label, and needs at least two labels after it (`*.com` matches
/// nothing); partial wildcards (`w*.example.com`) and wildcards elsewhere match nothing.
pub(crate) fn name_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern
        .strip_suffix('.')
        .unwrap_or(pattern)
        .to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => {
            if rest.contains('*') || !rest.contains('.') || host.parse::<IpAddr>().is_ok() {
                return false;
            }
            match host.split_once('.') {
                Some((first, after)) => !first.is_empty() && after == rest,
                None => false,
            }
        }
        None => !pattern.contains('*') && pattern == host,
    }
}

/// A certificate verifier that hands everything to `inner` and records the OCSP response the
/// server stapled (rustls passes it to `verify_server_cert`; the rustls client always asks for
/// one with the `status_request` extension).
#[derive(Debug)]
pub(crate) struct OcspRecorder {
    pub(crate) inner: Arc<dyn ServerCertVerifier>,
    /// Whether a non-empty OCSP response was stapled; `None` before the certificate was seen.
    pub(crate) stapled: Mutex<Option<bool>>,
}

impl OcspRecorder {
    pub(crate) fn new(inner: Arc<dyn ServerCertVerifier>) -> OcspRecorder {
        OcspRecorder {
            inner,
            stapled: Mutex::new(None),
        }
    }

    /// Whether the server stapled an OCSP response; `None` when no certificate was verified.
    pub(crate) fn stapled(&self) -> Option<bool> {
        self.stapled.lock().ok().and_then(|s| *s)
    }
}

impl ServerCertVerifier for OcspRecorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut s) = self.stapled.lock() {
            *s = Some(!ocsp_response.is_empty());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_rfc_6125() {
        let cases = [
            ("shop.example", "shop.example", true),
            ("Shop.Example", "shop.EXAMPLE.", true),
            ("shop.example", "www.shop.example", false),
            ("*.shop.example", "www.shop.example", true),
            ("*.shop.example", "WWW.Shop.Example", true),
            // One label only, and not the bare domain.
            ("*.shop.example", "a.b.shop.example", false),
            ("*.shop.example", "shop.example", false),
            ("*.shop.example", ".shop.example", false),
            // Not on a single label after it, not partial, not elsewhere.
            ("*.example", "shop.example", false),
            ("w*.shop.example", "www.shop.example", false),
            ("www.*.example", "www.shop.example", false),
            ("*", "shop", false),
            ("*.*.example", "a.b.example", false),
            // Never an IP address.
            ("*.0.0.1", "127.0.0.1", false),
            ("", "shop.example", false),
        ];
        for (pattern, host, expected) in cases {
            assert_eq!(name_matches(pattern, host), expected, "{pattern} ~ {host}");
        }
    }

    #[test]
    fn facts_of_a_real_certificate() {
        let ca_key = rcgen::KeyPair::generate().expect("key");
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "Test Issuing CA");
        ca.distinguished_name
            .push(rcgen::DnType::OrganizationName, "Dorami Test PKI");
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let key = rcgen::KeyPair::generate().expect("key");
        let leaf = rcgen::CertificateParams::new(vec![
            "www.shop.example".to_string(),
            "*.API.shop.example".to_string(),
            "shop.example".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
        ])
        .expect("params")
        .signed_by(&key, &issuer)
        .expect("cert");
        let facts = CertificateFacts::of(leaf.der()).expect("facts");
        assert_eq!(
            facts.issuer.as_deref(),
            Some("CN=Test Issuing CA, O=Dorami Test PKI")
        );
        assert_eq!(
            facts.dns_names,
            ["*.api.shop.example", "shop.example", "www.shop.example"]
        );
        for (host, covered) in [
            ("shop.example", true),
            ("v1.api.shop.example", true),
            ("api.shop.example", false),
            ("admin.shop.example", false),
            ("127.0.0.1", true),
            ("[::1]", true),
            ("::1", true),
            ("10.0.0.1", false),
        ] {
            assert_eq!(facts.covers_host(host), covered, "{host}");
        }
        assert!(CertificateFacts::of(b"not a certificate").is_err());
    }
}
