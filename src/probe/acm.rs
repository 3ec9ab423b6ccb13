//! ACM: one paginated ListCertificates (every key type: without `Includes.keyTypes` ACM lists only
//! RSA-2048 certificates) decides existence and serves every attribute its summary carries;
//! DescribeCertificate is called only for the named certificates whose checks ask for the full
//! list of subject alternative names (the summary's list is truncated), a bounded number at once.
//!
//! A certificate is named by its domain name. When several certificates have that domain name
//! (a renewal in progress, a re-request), the one observed is chosen by a fixed rule: an ISSUED
//! one before any other, then the newest (created, issued or imported last), then the one that
//! expires last, then the greatest ARN.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use aws_sdk_acm::types::{CertificateStatus, CertificateSummary, Filters, KeyAlgorithm};
use aws_sdk_acm::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_CERTIFICATES: &str = "acm:ListCertificates";
const DESCRIBE_CERTIFICATE: &str = "acm:DescribeCertificate";

/// Observes the named certificates.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_acm, conn);
    let every_key_type: Vec<KeyAlgorithm> = KeyAlgorithm::values()
        .iter()
        .map(|k| KeyAlgorithm::from(*k))
        .collect();
    let listed = collect_pages(
        client
            .list_certificates()
            .includes(
                Filters::builder()
                    .set_key_types(Some(every_key_type))
                    .build(),
            )
            .into_paginator()
            .send(),
        LIST_CERTIFICATES,
        |page| page.certificate_summary_list.unwrap_or_default(),
    )
    .await;
    let certificates = match listed {
        Ok(listed) => by_domain(listed),
        Err(e) => return all_errors(resources, &e),
    };
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    stream::iter(resources.iter())
        .map(|r| {
            let client = &client;
            let cert = certificates.get(&r.id.to_ascii_lowercase());
            async move {
                let observation = match cert {
                    None => Observation::Absent,
                    Some(cert) => {
                        let mut attributes = attributes(cert, now);
                        let mut errors = BTreeMap::new();
                        if operations_for(r).contains(DESCRIBE_CERTIFICATE) {
                            match subject_alternative_names(client, cert).await {
                                Ok(names) => {
                                    attributes
                                        .insert("subject_alternative_names".into(), json!(names));
                                }
                                Err(e) => {
                                    errors.insert("subject_alternative_names".into(), e);
                                }
                            }
                        }
                        Observation::Present { attributes, errors }
                    }
                };
                ResourceRecord {
                    kind: r.kind.name.to_string(),
                    id: r.id.clone(),
                    observation,
                }
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// The certificate observed for each domain name (lower case), by the rule in the module docs.
fn by_domain(listed: Vec<CertificateSummary>) -> HashMap<String, CertificateSummary> {
    let mut out: HashMap<String, CertificateSummary> = HashMap::new();
    for cert in listed {
        let Some(domain) = cert.domain_name().map(str::to_ascii_lowercase) else {
            continue;
        };
        match out.get(&domain) {
            Some(kept) if preference(kept, &cert) != Ordering::Less => {}
            _ => {
                out.insert(domain, cert);
            }
        }
    }
    out
}

/// How `a` compares with `b` as the certificate to observe for a domain (greater: preferred).
fn preference(a: &CertificateSummary, b: &CertificateSummary) -> Ordering {
    let issued = |c: &CertificateSummary| c.status() == Some(&CertificateStatus::Issued);
    let born = |c: &CertificateSummary| {
        [c.created_at(), c.issued_at(), c.imported_at()]
            .into_iter()
            .flatten()
            .map(|d| d.secs())
            .max()
    };
    let expires = |c: &CertificateSummary| c.not_after().map(|d| d.secs());
    issued(a)
        .cmp(&issued(b))
        .then(born(a).cmp(&born(b)))
        .then(expires(a).cmp(&expires(b)))
        .then(a.certificate_arn().cmp(&b.certificate_arn()))
}

/// Every subject alternative name of the certificate, from DescribeCertificate.
async fn subject_alternative_names(
    client: &Client,
    cert: &CertificateSummary,
) -> Result<Vec<String>, String> {
    let arn = cert
        .certificate_arn()
        .ok_or_else(|| format!("`{LIST_CERTIFICATES}` listed the certificate without an ARN"))?;
    let out = client
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(|e| describe_error(DESCRIBE_CERTIFICATE, &e))?;
    let detail = out
        .certificate()
        .ok_or_else(|| format!("`{DESCRIBE_CERTIFICATE}` answered without the certificate"))?;
    Ok(detail.subject_alternative_names().to_vec())
}

/// The catalog's `acm_certificate` attributes that ListCertificates reports. `now` in Unix seconds.
pub fn attributes(cert: &CertificateSummary, now: i64) -> BTreeMap<String, Value> {
    let issued = cert.status() == Some(&CertificateStatus::Issued);
    let days = cert
        .not_after()
        .filter(|_| issued)
        .map(|d| (d.secs() - now).div_euclid(86_400));
    BTreeMap::from([
        ("status".into(), json!(cert.status().map(|s| s.as_str()))),
        ("in_use".into(), json!(cert.in_use())),
        ("days_until_expiry".into(), json!(days)),
        (
            "renewal_eligibility".into(),
            json!(cert.renewal_eligibility().map(|s| s.as_str())),
        ),
        (
            "key_algorithm".into(),
            json!(cert.key_algorithm().map(|s| s.as_str())),
        ),
        ("type".into(), json!(cert.r#type().map(|s| s.as_str()))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;
    use aws_smithy_types::DateTime;

    fn cert(arn: &str, status: CertificateStatus, created: i64) -> CertificateSummary {
        CertificateSummary::builder()
            .certificate_arn(arn)
            .domain_name("shop.dorami.example")
            .status(status)
            .created_at(DateTime::from_secs(created))
            .not_after(DateTime::from_secs(created + 395 * 86_400))
            .build()
    }

    #[test]
    fn an_issued_certificate_is_preferred_then_the_newest() {
        let picked = |certs: Vec<CertificateSummary>| {
            by_domain(certs)["shop.dorami.example"]
                .certificate_arn()
                .unwrap_or_default()
                .to_string()
        };
        // The newer one is still pending: the issued one is observed, in either order.
        let old_issued = cert("arn:old", CertificateStatus::Issued, 1_000);
        let new_pending = cert("arn:new", CertificateStatus::PendingValidation, 2_000);
        assert_eq!(
            picked(vec![old_issued.clone(), new_pending.clone()]),
            "arn:old"
        );
        assert_eq!(picked(vec![new_pending, old_issued.clone()]), "arn:old");
        // Two issued: the newest.
        let new_issued = cert("arn:newer", CertificateStatus::Issued, 3_000);
        assert_eq!(
            picked(vec![new_issued.clone(), old_issued.clone()]),
            "arn:newer"
        );
        assert_eq!(picked(vec![old_issued, new_issued]), "arn:newer");
    }

    #[test]
    fn expiry_in_whole_days_only_for_an_issued_certificate() {
        let now = 1_767_225_600;
        let issued = CertificateSummary::builder()
            .status(CertificateStatus::Issued)
            .in_use(true)
            .not_after(DateTime::from_secs(now + 30 * 86_400 - 1))
            .build();
        let a = attributes(&issued, now);
        assert_eq!(a["days_until_expiry"], json!(29));
        assert_eq!(a["in_use"], json!(true));
        let pending = CertificateSummary::builder()
            .status(CertificateStatus::PendingValidation)
            .not_after(DateTime::from_secs(now + 30 * 86_400))
            .build();
        let a = attributes(&pending, now);
        assert_eq!(a["days_until_expiry"], Value::Null);
        assert_eq!(a["in_use"], Value::Null);
        assert_eq!(a["renewal_eligibility"], Value::Null);
    }

    /// DescribeCertificate shaped like the API reference's example: called once per listed
    /// certificate whose checks ask for the full list of names, with its ARN, and for no other;
    /// every name it reports is kept (the summary's list is truncated). A denied call is an
    /// error of the attribute, the summary's attributes stay.
    #[tokio::test]
    async fn describe_certificate_reads_every_subject_alternative_name() {
        let arn = |id: &str| format!("arn:aws:acm:us-east-1:111122223333:certificate/{id}");
        let summary = |domain: &str, id: &str| {
            format!(
                r#"{{"CertificateArn":"{}","DomainName":"{domain}","SubjectAlternativeNameSummaries":["{domain}"],
                "HasAdditionalSubjectAlternativeNames":true,"Status":"ISSUED","Type":"AMAZON_ISSUED","KeyAlgorithm":"RSA_2048",
                "InUse":true,"RenewalEligibility":"ELIGIBLE","NotAfter":4102444800,"CreatedAt":1446835267}}"#,
                arn(id)
            )
        };
        let listed = format!(
            r#"{{"CertificateSummaryList":[{},{},{}]}}"#,
            summary("www.example.com", "12345678-1234-1234-1234-123456789012"),
            summary("api.example.com", "22345678-1234-1234-1234-123456789012"),
            summary("denied.example.com", "32345678-1234-1234-1234-123456789012"),
        );
        let described = format!(
            r#"{{"Certificate":{{"CertificateArn":"{}","CreatedAt":1446835267.0,
            "DomainName":"www.example.com","DomainValidationOptions":[{{"DomainName":"www.example.com","ValidationDomain":"www.example.com","ValidationStatus":"SUCCESS","ValidationMethod":"DNS"}}],
            "InUse":true,"InUseBy":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/my-load-balancer/50dc6c495c0c9188"],
            "IssuedAt":1446835815.0,"Issuer":"Amazon","KeyAlgorithm":"RSA_2048","NotAfter":4102444800.0,"NotBefore":1446768000.0,
            "Serial":"0f:ac:b0:a3:8d:ea:65:52:2d:7d:01:3a:39:36:db:d6","SignatureAlgorithm":"SHA256WITHRSA","Status":"ISSUED",
            "Subject":"CN=www.example.com","SubjectAlternativeNames":["www.example.com","www.example.net","m.example.com"],
            "Type":"AMAZON_ISSUED","RenewalEligibility":"ELIGIBLE"}}}}"#,
            arn("12345678-1234-1234-1234-123456789012")
        );
        let denied = r#"{"__type":"AccessDeniedException","Message":"User is not authorized to perform: acm:DescribeCertificate"}"#;
        let replay = Replay::by_request(move |request| {
            let target = request.lines().last().unwrap_or_default();
            match target {
                "CertificateManager.ListCertificates" => (200, listed.clone()),
                "CertificateManager.DescribeCertificate"
                    if request.contains("12345678-1234-1234-1234-123456789012\"") =>
                {
                    (200, described.clone())
                }
                "CertificateManager.DescribeCertificate"
                    if request.contains("32345678-1234-1234-1234-123456789012\"") =>
                {
                    (400, denied.to_string())
                }
                _ => (
                    400,
                    format!(r#"{{"__type":"UnexpectedRequest","message":"{target}"}}"#),
                ),
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: acm_certificate\n  id: www.example.com\n  expect: { subject_alternative_names: [www.example.com, www.example.net, m.example.com] }\n\
             - kind: acm_certificate\n  id: api.example.com\n  expect: { in_use: true }\n\
             - kind: acm_certificate\n  id: denied.example.com\n  expect: { subject_alternative_names: [denied.example.com] }\n\
             - kind: acm_certificate\n  id: nowhere.example.com\n  expect: { subject_alternative_names: [] }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        let describes: Vec<&String> = requests
            .iter()
            // A DescribeCertificate request is the only one whose body names a certificate.
            .filter(|r| r.contains(r#"{"CertificateArn":"#))
            .collect();
        assert_eq!(describes.len(), 2, "{requests:#?}");
        assert!(
            !describes.iter().any(|r| r.contains("22345678")),
            "{describes:#?}"
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("ACM:ListCertificates".to_string(), 1),
                ("ACM:DescribeCertificate".to_string(), 2),
            ])
        );
        let present = |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        };
        let (a, errors) = present("www.example.com");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            a["subject_alternative_names"],
            json!(["www.example.com", "www.example.net", "m.example.com"])
        );
        assert_eq!(a["status"], json!("ISSUED"));
        let (a, errors) = present("api.example.com");
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!a.contains_key("subject_alternative_names"), "{a:?}");
        assert_eq!(a["in_use"], json!(true));
        let (a, errors) = present("denied.example.com");
        assert!(!a.contains_key("subject_alternative_names"), "{a:?}");
        assert!(
            errors["subject_alternative_names"].contains("`acm:DescribeCertificate`"),
            "{errors:?}"
        );
        assert_eq!(a["key_algorithm"], json!("RSA_2048"));
        assert_eq!(
            records
                .iter()
                .find(|r| r.id == "nowhere.example.com")
                .map(|r| &r.observation),
            Some(&Observation::Absent)
        );
    }

    /// Two pages, the second asked for with the first's token; every key type is asked for.
    #[tokio::test]
    async fn list_certificates_reads_every_page_of_every_key_type() {
        let page = |domain: &str, next: Option<&str>| {
            let next = next.map_or(String::new(), |t| format!(r#","NextToken":"{t}""#));
            format!(
                r#"{{"CertificateSummaryList":[{{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/{domain}",
                "DomainName":"{domain}","Status":"ISSUED","InUse":true,"KeyAlgorithm":"EC_prime256v1",
                "Type":"AMAZON_ISSUED","RenewalEligibility":"ELIGIBLE","NotAfter":4102444800}}]{next}}}"#
            )
        };
        let replay = Replay::new(&[
            (200, &page("a.dorami.example", Some("token-2"))),
            (200, &page("b.dorami.example", None)),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: acm_certificate\n  id: a.dorami.example\n  expect: { in_use: true }\n\
             - kind: acm_certificate\n  id: B.dorami.example\n  expect: { key_algorithm: EC_prime256v1, renewal_eligibility: ELIGIBLE }\n\
             - kind: acm_certificate\n  id: c.dorami.example\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        for key_type in ["RSA_2048", "RSA_4096", "EC_prime256v1", "EC_secp384r1"] {
            assert!(requests[0].contains(key_type), "{}", requests[0]);
        }
        assert!(
            requests[1].contains(r#""NextToken":"token-2""#),
            "{}",
            requests[1]
        );
        let present = |i: usize| match &records[i].observation {
            Observation::Present { attributes, .. } => attributes.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(present(0)["in_use"], json!(true));
        assert_eq!(present(1)["key_algorithm"], json!("EC_prime256v1"));
        assert_eq!(present(1)["renewal_eligibility"], json!("ELIGIBLE"));
        assert!(present(1)["days_until_expiry"]
            .as_i64()
            .is_some_and(|d| d > 0));
        assert_eq!(records[2].observation, Observation::Absent);
    }
}
