//! TLS: the rustls verifier that records a certificate's verdict instead of refusing it, the
//! certificate's expiry read from its DER, and the hand-built TLS 1.1 ClientHello of
//! `accepts_legacy_tls`.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::fetch::Target;
use super::CONNECT_TIMEOUT;

/// The trust roots and the verifier built on them, once per run.
pub(crate) struct Trust {
    pub(crate) provider: Arc<CryptoProvider>,
    /// The verifier, or why there is none (no trust roots found).
    pub(crate) verifier: Result<Arc<WebPkiServerVerifier>, String>,
}

impl Trust {
    pub(crate) fn load() -> Trust {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(found.certs);
        let verifier = if roots.is_empty() {
            let why = found
                .errors
                .first()
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            Err(format!(
                "no trusted root certificates found (set SSL_CERT_FILE to a PEM bundle){why}"
            ))
        } else {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("cannot use the trusted root certificates: {e}"))
        };
        Trust { provider, verifier }
    }
}

/// Verifies the server's certificate with the real verifier but only records the outcome, so
/// that an untrusted certificate can still be described. The handshake signature is checked as
/// usual. Nothing is requested over a connection whose certificate did not verify.
#[derive(Debug)]
pub(super) struct RecordingVerifier {
    pub(crate) provider: Arc<CryptoProvider>,
    pub(super) inner: Result<Arc<WebPkiServerVerifier>, String>,
    pub(super) outcome: Mutex<Option<Result<(), String>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = match &self.inner {
            Ok(v) => v
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        if let Ok(mut o) = self.outcome.lock() {
            *o = Some(result);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Reads `notAfter` of a DER X.509 certificate as Unix seconds. Only the path to that one field
/// is walked (Certificate → tbsCertificate → validity); `None` when the bytes are not that shape.
pub(crate) fn certificate_not_after(der: &[u8]) -> Option<i64> {
    let (tag, cert, _) = der_tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, tbs, _) = der_tlv(cert)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = tbs;
    let (tag, _, after) = der_tlv(rest)?;
    if tag == 0xa0 {
        rest = after; // [0] EXPLICIT version
    }
    // serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name
    for expected in [0x02, 0x30, 0x30] {
        let (tag, _, after) = der_tlv(rest)?;
        if tag != expected {
            return None;
        }
        rest = after;
    }
    let (tag, validity, _) = der_tlv(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, after) = der_tlv(validity)?; // notBefore
    let (tag, time, _) = der_tlv(after)?;
    parse_asn1_time(tag, time)
}

/// One DER tag-length-value: (tag, contents, what follows).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// UTCTime (`YYMMDDHHMMSSZ`, tag 0x17) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, tag 0x18), as
/// Unix seconds.
fn parse_asn1_time(tag: u8, bytes: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(bytes).ok()?;
    let digits = s.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: i64 = digits[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        (0x18, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let field = |i: usize| -> Option<i64> { rest.get(i..i + 2)?.parse().ok() };
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether the server completes a ServerHello for a TLS 1.1 ClientHello (rustls cannot speak TLS
/// 1.0/1.1, so the hello is built by hand on a raw TCP connection; the handshake goes no further).
pub(super) async fn accepts_legacy_tls(target: &Target, deadline: Instant) -> Result<bool, String> {
    let mut tcp = timeout_at(
        deadline.min(Instant::now() + CONNECT_TIMEOUT),
        TcpStream::connect(target.dial()),
    )
    .await
    .map_err(|_| "connecting timed out".to_string())?
    .map_err(|e| format!("cannot connect: {e}"))?;
    let sni = ServerName::try_from(target.host.as_str())
        .ok()
        .filter(|n| matches!(n, ServerName::DnsName(_)))
        .map(|_| target.host.as_str());
    let hello = legacy_client_hello(sni);
    timeout_at(deadline, tcp.write_all(&hello))
        .await
        .map_err(|_| "sending the ClientHello timed out".to_string())?
        .map_err(|e| format!("sending the ClientHello: {e}"))?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        if let Some(r) = parse_legacy_reply(&reply) {
            return Ok(r.accepts_legacy());
        }
        match timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return Err("no answer to the ClientHello (timed out)".into()),
            // Closed or reset before any answer could be read: that is no refusal seen (a
            // middlebox, a server restarting, a dropped connection), so nothing is known.
            Ok(Ok(0)) => return Err(format!(
                "the connection closed before the server answered the TLS 1.1 ClientHello ({} byte(s) read): no refusal was seen",
                reply.len()
            )),
            Ok(Err(e)) => return Err(format!(
                "the connection failed before the server answered the TLS 1.1 ClientHello: {e}"
            )),
            Ok(Ok(n)) => reply.extend_from_slice(&buf[..n]),
        }
    }
}

/// The legacy protocol version the ClientHello offers: TLS 1.1.
const LEGACY_VERSION: u16 = 0x0302;

/// A minimal TLS 1.1 ClientHello record: CBC suites every TLS 1.0/1.1 server has, SNI when the
/// host is a name, the elliptic curves and point formats ECDHE suites need.
pub(crate) fn legacy_client_hello(server_name: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&LEGACY_VERSION.to_be_bytes());
    let random: Vec<u8> = (0u8..32)
        .map(|i| i.wrapping_mul(37).wrapping_add(11))
        .collect();
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let suites: [u16; 8] = [
        0xc013, // ECDHE_RSA_WITH_AES_128_CBC_SHA
        0xc014, // ECDHE_RSA_WITH_AES_256_CBC_SHA
        0xc009, // ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        0xc00a, // ECDHE_ECDSA_WITH_AES_256_CBC_SHA
        0x002f, // RSA_WITH_AES_128_CBC_SHA
        0x0035, // RSA_WITH_AES_256_CBC_SHA
        0x000a, // RSA_WITH_3DES_EDE_CBC_SHA
        0x00ff, // EMPTY_RENEGOTIATION_INFO_SCSV
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext = Vec::new();
    if let Some(name) = server_name {
        let name = name.as_bytes();
        let entry_len = name.len() + 3;
        ext.extend_from_slice(&0x0000u16.to_be_bytes()); // server_name
        ext.extend_from_slice(&((entry_len + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&(entry_len as u16).to_be_bytes());
        ext.push(0); // host_name
        ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
        ext.extend_from_slice(name);
    }
    // supported_groups: x25519, secp256r1, secp384r1
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut handshake = vec![0x01]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01]; // handshake, record version TLS 1.0
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// The server's first answer to the legacy ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LegacyReply {
    /// A ServerHello choosing this protocol version.
    ServerHello {
        /// `server_version`, e.g. 0x0302 for TLS 1.1.
        version: u16,
    },
    /// An alert (e.g. 70, protocol_version).
    Alert {
        /// Alert description.
        description: u8,
    },
    /// Anything else (not TLS, or another handshake message).
    Other,
}

impl LegacyReply {
    /// Whether the server agreed to TLS 1.1 or older.
    pub(crate) fn accepts_legacy(&self) -> bool {
        matches!(self, LegacyReply::ServerHello { version } if *version <= LEGACY_VERSION)
    }
}

/// Parses the start of the server's answer; `None` while more bytes are needed.
pub(crate) fn parse_legacy_reply(bytes: &[u8]) -> Option<LegacyReply> {
    let content_type = *bytes.first()?;
    match content_type {
        // handshake: record header (5), handshake header (4), server_version (2)
        0x16 => {
            if bytes.len() < 11 {
                return None;
            }
            if bytes[5] != 0x02 {
                return Some(LegacyReply::Other);
            }
            Some(LegacyReply::ServerHello {
                version: u16::from_be_bytes([bytes[9], bytes[10]]),
            })
        }
        // alert: record header (5), level, description
        0x15 => {
            if bytes.len() < 7 {
                return None;
            }
            Some(LegacyReply::Alert {
                description: bytes[6],
            })
        }
        _ => Some(LegacyReply::Other),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// `accepts_legacy_tls` is false only on a refusal it read (an alert); a connection closed
    /// or reset before any answer is an error, never "refused".
    #[tokio::test]
    async fn legacy_tls_is_refused_only_by_an_answer() {
        async fn against(answer: &'static [u8]) -> Result<bool, String> {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("addr").port();
            tokio::spawn(async move {
                if let Ok((mut tcp, _)) = listener.accept().await {
                    let mut buf = [0u8; 1024];
                    let _ = tcp.read(&mut buf).await;
                    let _ = tcp.write_all(answer).await;
                    let _ = tcp.shutdown().await;
                }
            });
            let target = Target {
                url: format!("https://127.0.0.1:{port}/"),
                https: true,
                host: "127.0.0.1".into(),
                port,
                authority: format!("127.0.0.1:{port}"),
                path: "/".into(),
                via: None,
                count_body: false,
                accept_encoding: false,
                method: None,
                headers: Vec::new(),
            };
            accepts_legacy_tls(&target, Instant::now() + Duration::from_secs(5)).await
        }
        // alert(21) TLS 1.2 record, fatal(2), protocol_version(70)
        assert_eq!(
            against(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]).await,
            Ok(false)
        );
        let closed = against(&[]).await;
        assert!(
            closed
                .as_ref()
                .is_err_and(|e| e.contains("no refusal was seen")),
            "{closed:?}"
        );
        // Half an alert, then closed: not an answer either.
        assert!(against(&[0x15, 0x03]).await.is_err());
    }

    #[test]
    fn legacy_client_hello_bytes() {
        let hello = legacy_client_hello(Some("shop.example"));
        // Record: handshake, TLS 1.0 record version, length of the rest.
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        assert_eq!(
            usize::from(u16::from_be_bytes([hello[3], hello[4]])),
            hello.len() - 5
        );
        // Handshake: client_hello, 24-bit length of the rest, client_version TLS 1.1.
        assert_eq!(hello[5], 0x01);
        let hs_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(hs_len, hello.len() - 9);
        assert_eq!(&hello[9..11], &[0x03, 0x02]);
        // 32 random bytes, empty session id, 8 suites, null compression.
        assert_eq!(hello[43], 0);
        assert_eq!(&hello[44..46], &[0x00, 0x10]);
        assert_eq!(&hello[46..48], &[0xc0, 0x13]);
        assert_eq!(&hello[62..64], &[0x01, 0x00]);
        // Extensions: total length, then server_name first with the host.
        let ext_len = usize::from(u16::from_be_bytes([hello[64], hello[65]]));
        assert_eq!(ext_len, hello.len() - 66);
        assert_eq!(&hello[66..68], &[0x00, 0x00]);
        assert_eq!(&hello[68..70], &[0x00, 17]);
        assert_eq!(&hello[70..72], &[0x00, 15]);
        assert_eq!(hello[72], 0);
        assert_eq!(&hello[73..75], &[0x00, 12]);
        assert_eq!(&hello[75..87], b"shop.example");
        // Without a name (an IP address), no server_name extension.
        let bare = legacy_client_hello(None);
        assert_eq!(bare.len(), hello.len() - 21);
        assert_eq!(&bare[66..68], &[0x00, 0x0a]);
    }

    #[test]
    fn legacy_replies() {
        // Need more bytes.
        assert_eq!(parse_legacy_reply(&[]), None);
        assert_eq!(
            parse_legacy_reply(&[0x16, 0x03, 0x02, 0x00, 0x4a, 0x02]),
            None
        );
        assert_eq!(parse_legacy_reply(&[0x15, 0x03, 0x01, 0x00]), None);
        // ServerHello for TLS 1.1 and 1.0: accepted.
        let hello_11 = [
            0x16, 0x03, 0x02, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x02, 0xaa,
        ];
        assert_eq!(
            parse_legacy_reply(&hello_11),
            Some(LegacyReply::ServerHello { version: 0x0302 })
        );
        assert!(parse_legacy_reply(&hello_11).is_some_and(|r| r.accepts_legacy()));
        let hello_10 = [
            0x16, 0x03, 0x01, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01,
        ];
        assert!(parse_legacy_reply(&hello_10).is_some_and(|r| r.accepts_legacy()));
        // A ServerHello for TLS 1.2 (a server ignoring the offered version): not TLS 1.1.
        let hello_12 = [
            0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03,
        ];
        assert!(parse_legacy_reply(&hello_12).is_some_and(|r| !r.accepts_legacy()));
        // protocol_version alert: refused.
        let alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
        assert_eq!(
            parse_legacy_reply(&alert),
            Some(LegacyReply::Alert { description: 70 })
        );
        assert!(!LegacyReply::Alert { description: 70 }.accepts_legacy());
        // Another handshake message, or not TLS at all (an HTTP server): refused.
        let other = [
            0x16, 0x03, 0x02, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(parse_legacy_reply(&other), Some(LegacyReply::Other));
        assert_eq!(
            parse_legacy_reply(b"HTTP/1.1 400"),
            Some(LegacyReply::Other)
        );
    }

    #[test]
    fn asn1_times_and_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(parse_asn1_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(parse_asn1_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(
            parse_asn1_time(0x18, b"20500101000000Z"),
            Some(2_524_608_000)
        );
        assert_eq!(
            parse_asn1_time(0x17, b"240229120000Z"),
            Some(19_782 * 86_400 + 43_200)
        );
        assert_eq!(parse_asn1_time(0x17, b"2402291200Z"), None);
        assert_eq!(parse_asn1_time(0x17, b"241329120000Z"), None);
        assert_eq!(parse_asn1_time(0x18, b"20240229120000"), None);
    }

    #[test]
    fn not_after_of_real_certificates() {
        // UTCTime (before 2050) and GeneralizedTime (from 2050), self-signed and CA-signed.
        for (y, m, d) in [(2031, 5, 17), (2051, 1, 2)] {
            let key = rcgen::KeyPair::generate().expect("key");
            let mut params =
                rcgen::CertificateParams::new(vec!["shop.example".to_string()]).expect("params");
            params.not_before = rcgen::date_time_ymd(2025, 1, 1);
            params.not_after = rcgen::date_time_ymd(y, m, d);
            let cert = params.self_signed(&key).expect("cert");
            assert_eq!(
                certificate_not_after(cert.der()),
                Some(days_from_civil(i64::from(y), i64::from(m), i64::from(d)) * 86_400),
                "{y}-{m}-{d}"
            );
        }
    }

    #[test]
    fn der_lengths() {
        assert_eq!(
            der_tlv(&[0x02, 0x01, 0x05, 0xff]),
            Some((0x02, &[0x05][..], &[0xff][..]))
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 0x80));
        assert_eq!(
            der_tlv(&long).map(|(t, c, r)| (t, c.len(), r.len())),
            Some((0x04, 0x80, 0))
        );
        assert_eq!(der_tlv(&[0x04, 0x82, 0x01]), None);
        assert_eq!(der_tlv(&[0x04, 0x05, 0x01]), None);
        assert_eq!(certificate_not_after(&[0x30, 0x00]), None);
        assert_eq!(certificate_not_after(b"not a certificate"), None);
    }
}
