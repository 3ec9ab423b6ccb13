//! Amazon SES (the v2 API). One paginated ListEmailIdentities decides which identities exist and
//! serves their verification; GetEmailIdentity is called per named identity only when its DKIM,
//! MAIL FROM or configuration set is checked. `ses_account` is one GetAccount.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sesv2::types::IdentityInfo;
use aws_sdk_sesv2::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error, of_kind};
use crate::aws::Connection;
use crate::catalog::id::CURRENT;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const IDENTITIES: &str = "ses:ListEmailIdentities";
const IDENTITY: &str = "ses:GetEmailIdentity";
const ACCOUNT: &str = "ses:GetAccount";

/// The `ses_identity` attributes read from GetEmailIdentity.
const DETAIL_ATTRIBUTES: &[&str] = &[
    "dkim_signing_enabled",
    "dkim_status",
    "dkim_origin",
    "mail_from_domain",
    "mail_from_status",
    "configuration_set",
];

fn record(r: &Resource, observation: Observation) -> ResourceRecord {
    ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation,
    }
}

/// Observes the named identities and the account.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_sesv2, conn);
    let (identities, account) = tokio::join!(
        observe_identities(conn, &client, resources),
        observe_account(&client, resources)
    );
    identities.into_iter().chain(account).collect()
}

/// The listed identity a spec's id names: the same name, or for a domain the same in any case.
fn find<'a>(listed: &'a HashMap<String, IdentityInfo>, id: &str) -> Option<&'a IdentityInfo> {
    listed.get(id).or_else(|| {
        (!id.contains('@'))
            .then(|| {
                listed.iter().find_map(|(name, i)| {
                    (!name.contains('@') && name.eq_ignore_ascii_case(id)).then_some(i)
                })
            })
            .flatten()
    })
}

async fn observe_identities(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "ses_identity");
    if named.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        client.list_email_identities().into_paginator().send(),
        IDENTITIES,
        |page| page.email_identities.unwrap_or_default(),
    )
    .await;
    let listed: HashMap<String, IdentityInfo> = match listed {
        Ok(listed) => listed
            .into_iter()
            .filter_map(|i| Some((i.identity_name.clone()?, i)))
            .collect(),
        Err(e) => return all_errors(&named, &e),
    };
    stream::iter(named)
        .map(|r| {
            let found = find(&listed, &r.id);
            async move {
                let Some(identity) = found else {
                    return record(r, Observation::Absent);
                };
                let mut attributes = identity_attributes(identity);
                let mut errors = BTreeMap::new();
                if operations_for(r).contains(IDENTITY) {
                    let name = identity.identity_name().unwrap_or(&r.id);
                    match client
                        .get_email_identity()
                        .email_identity(name)
                        .send()
                        .await
                    {
                        Ok(out) => {
                            let dkim = out.dkim_attributes();
                            let mail_from = out.mail_from_attributes();
                            attributes.extend([
                                (
                                    "dkim_signing_enabled".to_string(),
                                    json!(dkim.map(|d| d.signing_enabled())),
                                ),
                                (
                                    "dkim_status".to_string(),
                                    json!(dkim.and_then(|d| d.status()).map(|s| s.as_str())),
                                ),
                                (
                                    "dkim_origin".to_string(),
                                    json!(dkim
                                        .and_then(|d| d.signing_attributes_origin())
                                        .map(|o| o.as_str())),
                                ),
                                (
                                    "mail_from_domain".to_string(),
                                    json!(mail_from.map(|m| m.mail_from_domain())),
                                ),
                                (
                                    "mail_from_status".to_string(),
                                    json!(mail_from.map(|m| m.mail_from_domain_status().as_str())),
                                ),
                                (
                                    "configuration_set".to_string(),
                                    json!(out.configuration_set_name()),
                                ),
                            ]);
                        }
                        Err(e) => {
                            let why = describe_error(IDENTITY, &e);
                            for name in DETAIL_ATTRIBUTES {
                                errors.insert((*name).to_string(), why.clone());
                            }
                        }
                    }
                }
                record(r, Observation::Present { attributes, errors })
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// The catalog's `ses_identity` attributes ListEmailIdentities reports.
pub fn identity_attributes(i: &IdentityInfo) -> BTreeMap<String, Value> {
    let status = i.verification_status().map(|s| s.as_str());
    BTreeMap::from([
        (
            "identity_type".to_string(),
            json!(i.identity_type().map(|t| t.as_str())),
        ),
        ("verification_status".to_string(), json!(status)),
        // Null when SES does not say (never a guess).
        (
            "verified".to_string(),
            json!(status.map(|s| s == "SUCCESS")),
        ),
        ("sending_enabled".to_string(), json!(i.sending_enabled())),
    ])
}

async fn observe_account(client: &Client, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "ses_account");
    if named.is_empty() {
        return Vec::new();
    }
    // The loader accepts only `current`; a resource built by hand gets an error, never a pass.
    let (valid, malformed): (Vec<&Resource>, Vec<&Resource>) =
        named.into_iter().partition(|r| r.id == CURRENT);
    let mut records: Vec<ResourceRecord> = malformed
        .iter()
        .map(|r| {
            record(
                r,
                Observation::Error {
                    error: format!(
                        "`{}`: an ses_account id must be `{CURRENT}` (the region's SES account)",
                        r.id
                    ),
                },
            )
        })
        .collect();
    if valid.is_empty() {
        return records;
    }
    match client.get_account().send().await {
        Ok(out) => {
            let quota = out.send_quota();
            let attributes = BTreeMap::from([
                (
                    "production_access".to_string(),
                    json!(out.production_access_enabled()),
                ),
                ("sending_enabled".to_string(), json!(out.sending_enabled())),
                (
                    "enforcement_status".to_string(),
                    json!(out.enforcement_status()),
                ),
                (
                    "max_24_hour_send".to_string(),
                    json!(quota.map(|q| q.max24_hour_send())),
                ),
                (
                    "max_send_rate".to_string(),
                    json!(quota.map(|q| q.max_send_rate())),
                ),
                (
                    "sent_last_24_hours".to_string(),
                    json!(quota.map(|q| q.sent_last24_hours())),
                ),
            ]);
            records.extend(valid.iter().map(|r| {
                record(
                    r,
                    Observation::Present {
                        attributes: attributes.clone(),
                        errors: BTreeMap::new(),
                    },
                )
            }));
        }
        Err(e) => records.extend(all_errors(&valid, &describe_error(ACCOUNT, &e))),
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    fn path(request: &str) -> &str {
        let first = request.lines().next().unwrap_or_default();
        first
            .split_once(".amazonaws.com")
            .map_or(first, |(_, path)| path)
    }

    fn observation<'a>(records: &'a [ResourceRecord], id: &str) -> &'a Observation {
        &records
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no record {id}: {records:?}"))
            .observation
    }

    fn present(
        records: &[ResourceRecord],
        id: &str,
    ) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
        match observation(records, id) {
            Observation::Present { attributes, errors } => (attributes.clone(), errors.clone()),
            other => panic!("{id}: {other:?}"),
        }
    }

    /// ListEmailIdentities over two pages, shaped like the SES v2 API reference; GetEmailIdentity
    /// only for the identities whose DKIM or MAIL FROM is checked. A domain is found in any case;
    /// an Easy DKIM domain still `PENDING` (what real SES reports until the CNAMEs resolve, and
    /// moto never does) is not signing; an identity not listed is missing; a denied
    /// GetEmailIdentity is an error of the detail attributes only.
    #[tokio::test]
    async fn list_email_identities_reads_every_page_and_get_email_identity_only_when_checked() {
        let replay = Replay::by_request(|request| {
            let p = path(request);
            let body = request.lines().nth(1).unwrap_or_default();
            // ListEmailIdentities is `POST /v2/email/list-identities` with its paging in the body
            // (the API's current shape; moto serves it too).
            if p == "/v2/email/list-identities" {
                if body.contains(r#""NextToken":"i2""#) {
                    (200, r#"{"EmailIdentities":[
                        {"IdentityType":"DOMAIN","IdentityName":"new.example","SendingEnabled":false,"VerificationStatus":"PENDING"},
                        {"IdentityType":"EMAIL_ADDRESS","IdentityName":"ops@tickets.example","SendingEnabled":true,"VerificationStatus":"SUCCESS"}]}"#.to_string())
                } else {
                    (200, r#"{"EmailIdentities":[{"IdentityType":"DOMAIN","IdentityName":"tickets.example","SendingEnabled":true,"VerificationStatus":"SUCCESS"}],"NextToken":"i2"}"#.to_string())
                }
            } else if p == "/v2/email/identities/tickets.example" {
                (200, r#"{"IdentityType":"DOMAIN","FeedbackForwardingStatus":true,"VerifiedForSendingStatus":true,
                    "DkimAttributes":{"SigningEnabled":true,"Status":"SUCCESS","Tokens":["a","b","c"],"SigningAttributesOrigin":"AWS_SES","NextSigningKeyLength":"RSA_2048_BIT","CurrentSigningKeyLength":"RSA_2048_BIT","LastKeyGenerationTimestamp":1700000000},
                    "MailFromAttributes":{"MailFromDomain":"mail.tickets.example","MailFromDomainStatus":"SUCCESS","BehaviorOnMxFailure":"USE_DEFAULT_VALUE"},
                    "Policies":{},"Tags":[],"ConfigurationSetName":"tickets-default","VerificationStatus":"SUCCESS"}"#.to_string())
            } else if p == "/v2/email/identities/new.example" {
                (200, r#"{"IdentityType":"DOMAIN","FeedbackForwardingStatus":true,"VerifiedForSendingStatus":false,
                    "DkimAttributes":{"SigningEnabled":true,"Status":"PENDING","Tokens":["a","b","c"],"SigningAttributesOrigin":"AWS_SES"},
                    "Policies":{},"Tags":[],"VerificationStatus":"PENDING"}"#.to_string())
            } else if p.starts_with("/v2/email/identities/ops%40tickets.example")
                || p.starts_with("/v2/email/identities/ops@tickets.example")
            {
                (
                    403,
                    r#"{"message":"User is not authorized to perform: ses:GetEmailIdentity"}"#
                        .to_string(),
                )
            } else {
                (400, format!(r#"{{"message":"unexpected {p}"}}"#))
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: ses_identity\n    id: Tickets.Example\n    expect: { verified: true, dkim_status: SUCCESS, mail_from_domain: mail.tickets.example }\n\
             \x20 - kind: ses_identity\n    id: new.example\n    expect: { dkim_status: SUCCESS }\n\
             \x20 - kind: ses_identity\n    id: ops@tickets.example\n    expect: { verified: true, dkim_signing_enabled: true }\n\
             \x20 - kind: ses_identity\n    id: gone.example\n    expect: { verified: true }\n",
        )
        .await;
        let requests = replay.requests();
        // Two list pages and one GetEmailIdentity per listed identity that checks its detail.
        assert_eq!(requests.len(), 5, "{requests:#?}");
        assert!(requests[1].contains(r#""NextToken":"i2""#), "{requests:#?}");
        let (a, e) = present(&records, "Tickets.Example");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(a["identity_type"], json!("DOMAIN"));
        assert_eq!(a["verified"], json!(true));
        assert_eq!(a["sending_enabled"], json!(true));
        assert_eq!(a["dkim_signing_enabled"], json!(true));
        assert_eq!(a["dkim_status"], json!("SUCCESS"));
        assert_eq!(a["dkim_origin"], json!("AWS_SES"));
        assert_eq!(a["mail_from_domain"], json!("mail.tickets.example"));
        assert_eq!(a["mail_from_status"], json!("SUCCESS"));
        assert_eq!(a["configuration_set"], json!("tickets-default"));
        let (a, _) = present(&records, "new.example");
        assert_eq!(a["verified"], json!(false));
        assert_eq!(a["verification_status"], json!("PENDING"));
        assert_eq!(a["dkim_status"], json!("PENDING"));
        assert_eq!(a["mail_from_domain"], Value::Null);
        let (a, e) = present(&records, "ops@tickets.example");
        assert_eq!(a["identity_type"], json!("EMAIL_ADDRESS"));
        assert_eq!(a["verified"], json!(true));
        assert!(
            e["dkim_signing_enabled"].contains("`ses:GetEmailIdentity`"),
            "{e:?}"
        );
        assert!(!a.contains_key("dkim_signing_enabled"), "{a:?}");
        assert!(matches!(
            observation(&records, "gone.example"),
            Observation::Absent
        ));
    }

    /// GetAccount as the API reference shows it: an account out of the sandbox, in good
    /// standing; one that is still in the sandbox; and a refused call, which is an error, never
    /// "in production". moto does not implement GetAccount.
    #[tokio::test]
    async fn get_account_reads_production_access_and_the_quota() {
        let replay = Replay::new(&[(
            200,
            r#"{"DedicatedIpAutoWarmupEnabled":true,"EnforcementStatus":"HEALTHY","ProductionAccessEnabled":true,
                "SendQuota":{"Max24HourSend":50000.0,"MaxSendRate":14.0,"SentLast24Hours":1234.0},"SendingEnabled":true,
                "SuppressionAttributes":{"SuppressedReasons":["BOUNCE","COMPLAINT"]}}"#,
        )]);
        let records = observe_yaml(
            &replay,
            "  - kind: ses_account\n    id: current\n    expect: { production_access: true }\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        assert_eq!(path(&requests[0]), "/v2/email/account");
        let (a, _) = present(&records, "current");
        assert_eq!(a["production_access"], json!(true));
        assert_eq!(a["sending_enabled"], json!(true));
        assert_eq!(a["enforcement_status"], json!("HEALTHY"));
        assert_eq!(a["max_24_hour_send"], json!(50000.0));
        assert_eq!(a["max_send_rate"], json!(14.0));
        assert_eq!(a["sent_last_24_hours"], json!(1234.0));

        let replay = Replay::new(&[(
            200,
            r#"{"EnforcementStatus":"HEALTHY","ProductionAccessEnabled":false,"SendQuota":{"Max24HourSend":200.0,"MaxSendRate":1.0,"SentLast24Hours":0.0},"SendingEnabled":true}"#,
        )]);
        let records = observe_yaml(&replay, "  - kind: ses_account\n    id: current\n").await;
        let (a, _) = present(&records, "current");
        assert_eq!(a["production_access"], json!(false));

        let replay = Replay::new(&[(
            403,
            r#"{"__type":"AccessDeniedException","message":"not authorized to perform: ses:GetAccount"}"#,
        )]);
        let records = observe_yaml(&replay, "  - kind: ses_account\n    id: current\n").await;
        assert!(
            matches!(observation(&records, "current"), Observation::Error { error } if error.contains("`ses:GetAccount`")),
            "{records:?}"
        );
    }
}
