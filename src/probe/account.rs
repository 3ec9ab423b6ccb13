//! The account (`id: current`): IAM GetAccountSummary (root MFA, root access keys), IAM
//! GetAccountPasswordPolicy and EC2 GetEbsEncryptionByDefault (in the run's region). Each call is
//! made only when the spec checks one of its attributes; the account itself always exists (the
//! caller identity was read before any probe ran).

use std::collections::BTreeMap;

use aws_sdk_iam::types::PasswordPolicy;
use serde_json::{json, Value};

use super::{describe_error, error_code};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const SUMMARY: &str = "iam:GetAccountSummary";
const PASSWORD_POLICY: &str = "iam:GetAccountPasswordPolicy";
const EBS_DEFAULT: &str = "ec2:GetEbsEncryptionByDefault";

/// The only id an `account` resource may have.
pub use crate::catalog::id::CURRENT;

/// Observes the account.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let mut out = Vec::new();
    for r in resources.iter().filter(|r| r.kind.name == "account") {
        let observation = if r.id == CURRENT {
            account(conn, r).await
        } else {
            Observation::Error {
                error: format!(
                    "`{}`: the account's id must be `{CURRENT}` (the account of the credentials)",
                    r.id
                ),
            }
        };
        out.push(ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation,
        });
    }
    out
}

async fn account(conn: &Connection, r: &Resource) -> Observation {
    let ops = operations_for(r);
    let iam = crate::client!(aws_sdk_iam, conn);
    let ec2 = crate::client!(aws_sdk_ec2, conn);
    let summary = async {
        if !ops.contains(SUMMARY) {
            return None;
        }
        Some(
            iam.get_account_summary()
                .send()
                .await
                .map_err(|e| describe_error(SUMMARY, &e))
                .map(|out| {
                    let map = out.summary_map.unwrap_or_default();
                    let flag = |key: &str| {
                        map.iter()
                            .find(|(k, _)| k.as_str() == key)
                            .map(|(_, v)| json!(*v > 0))
                            .ok_or_else(|| format!("`{SUMMARY}` did not report {key}"))
                    };
                    vec![
                        ("root_mfa_enabled", flag("AccountMFAEnabled")),
                        ("root_access_keys_present", flag("AccountAccessKeysPresent")),
                    ]
                }),
        )
    };
    let password = async {
        if !ops.contains(PASSWORD_POLICY) {
            return None;
        }
        Some(
            match iam.get_account_password_policy().send().await {
                Ok(out) => Ok(out.password_policy),
                Err(e) if error_code(&e) == Some("NoSuchEntity") => Ok(None),
                Err(e) => Err(describe_error(PASSWORD_POLICY, &e)),
            }
            .map(|policy| {
                vec![
                    (
                        "password_policy",
                        Ok(policy
                            .as_ref()
                            .map_or(Value::Null, |p| json!([policy_json(p)]))),
                    ),
                    (
                        "password_min_length",
                        Ok(json!(policy
                            .as_ref()
                            .and_then(|p| p.minimum_password_length()))),
                    ),
                ]
            }),
        )
    };
    let ebs = async {
        if !ops.contains(EBS_DEFAULT) {
            return None;
        }
        Some(
            ec2.get_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| describe_error(EBS_DEFAULT, &e))
                .and_then(|out| match out.ebs_encryption_by_default() {
                    Some(on) => Ok(vec![("ebs_encryption_by_default", Ok(json!(on)))]),
                    None => Err(format!(
                        "`{EBS_DEFAULT}` did not report EbsEncryptionByDefault"
                    )),
                }),
        )
    };
    let (summary, password, ebs) = tokio::join!(summary, password, ebs);
    let mut attributes = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let families = [
        (
            summary,
            &["root_mfa_enabled", "root_access_keys_present"][..],
        ),
        (password, &["password_policy", "password_min_length"][..]),
        (ebs, &["ebs_encryption_by_default"][..]),
    ];
    for (result, names) in families {
        match result {
            None => {}
            Some(Ok(values)) => {
                for (name, value) in values {
                    match value {
                        Ok(v) => {
                            attributes.insert(name.to_string(), v);
                        }
                        Err(e) => {
                            errors.insert(name.to_string(), e);
                        }
                    }
                }
            }
            Some(Err(e)) => {
                for name in names {
                    errors.insert((*name).to_string(), e.clone());
                }
            }
        }
    }
    Observation::Present { attributes, errors }
}

/// The password policy as one object of snake_case fields.
pub fn policy_json(p: &PasswordPolicy) -> Value {
    json!({
        "minimum_length": p.minimum_password_length(),
        "require_symbols": p.require_symbols(),
        "require_numbers": p.require_numbers(),
        "require_uppercase": p.require_uppercase_characters(),
        "require_lowercase": p.require_lowercase_characters(),
        "allow_users_to_change": p.allow_users_to_change_password(),
        "expire_passwords": p.expire_passwords(),
        "max_age_days": p.max_password_age(),
        "reuse_prevention": p.password_reuse_prevention(),
        "hard_expiry": p.hard_expiry(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    #[test]
    fn unset_policy_fields_are_null() {
        let p = PasswordPolicy::builder()
            .minimum_password_length(14)
            .require_symbols(true)
            .build();
        let v = policy_json(&p);
        assert_eq!(v["minimum_length"], json!(14));
        assert_eq!(v["require_symbols"], json!(true));
        assert_eq!(v["max_age_days"], Value::Null);
        assert_eq!(v["reuse_prevention"], Value::Null);
    }

    /// A summary without the root flags is an error for those attributes, never a `false`.
    #[tokio::test]
    async fn a_summary_without_the_root_flags_is_an_error() {
        let replay = Replay::new(&[(
            200,
            "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>\
             <entry><key>Users</key><value>3</value></entry>\
             <entry><key>AccountMFAEnabled</key><value>1</value></entry>\
             </SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>",
        )]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n  - kind: account\n    id: current\n    expect: { root_mfa_enabled: true, root_access_keys_present: false }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 1);
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["root_mfa_enabled"], json!(true));
        assert!(!attributes.contains_key("root_access_keys_present"));
        assert!(errors["root_access_keys_present"].contains("AccountAccessKeysPresent"));
    }

    /// The account's three reads go out concurrently: answer each by its action.
    fn account_replay(password_policy: (u16, &'static str), ebs_default: &'static str) -> Replay {
        Replay::by_request(move |request| {
            let body = request.lines().nth(1).unwrap_or_default();
            let ebs = format!(
                r#"<GetEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><ebsEncryptionByDefault>{ebs_default}</ebsEncryptionByDefault></GetEbsEncryptionByDefaultResponse>"#
            );
            if body.contains("Action=GetAccountPasswordPolicy") {
                (password_policy.0, password_policy.1.to_string())
            } else if body.contains("Action=GetEbsEncryptionByDefault") {
                (200, ebs)
            } else if body.contains("Action=GetAccountSummary") {
                (
                    200,
                    "<GetAccountSummaryResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetAccountSummaryResult><SummaryMap>\
                     <entry><key>Groups</key><value>31</value></entry>\
                     <entry><key>AccountMFAEnabled</key><value>0</value></entry>\
                     <entry><key>AccountAccessKeysPresent</key><value>1</value></entry>\
                     <entry><key>Users</key><value>27</value></entry>\
                     </SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>f1e38443-f1ad-11df-b1ef-a9265EXAMPLE</RequestId></ResponseMetadata></GetAccountSummaryResponse>"
                        .to_string(),
                )
            } else {
                (
                    400,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unexpected request</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                        .to_string(),
                )
            }
        })
    }

    async fn observe_account(replay: &Replay, expect: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!(
                "version: 1\nenvironment: t\nresources:\n  - kind: account\n    id: current\n    expect: {{ {expect} }}\n"
            ),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    /// The actions of the requests made, sorted.
    fn actions(replay: &Replay) -> Vec<String> {
        let mut out: Vec<String> = replay
            .requests()
            .iter()
            .filter_map(|r| {
                let body = r.lines().nth(1)?;
                body.split('&')
                    .find_map(|p| p.strip_prefix("Action="))
                    .map(str::to_string)
            })
            .collect();
        out.sort();
        out
    }

    /// The IAM API reference's GetAccountPasswordPolicy example.
    const PASSWORD_POLICY_XML: &str = "<GetAccountPasswordPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
        <GetAccountPasswordPolicyResult><PasswordPolicy>\
        <AllowUsersToChangePassword>true</AllowUsersToChangePassword>\
        <RequireUppercaseCharacters>true</RequireUppercaseCharacters>\
        <RequireSymbols>true</RequireSymbols>\
        <ExpirePasswords>false</ExpirePasswords>\
        <PasswordReusePrevention>12</PasswordReusePrevention>\
        <RequireLowercaseCharacters>true</RequireLowercaseCharacters>\
        <MaxPasswordAge>90</MaxPasswordAge>\
        <HardExpiry>false</HardExpiry>\
        <RequireNumbers>true</RequireNumbers>\
        <MinimumPasswordLength>12</MinimumPasswordLength>\
        </PasswordPolicy></GetAccountPasswordPolicyResult>\
        <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>\
        </GetAccountPasswordPolicyResponse>";

    #[tokio::test]
    async fn get_account_password_policy_reads_every_field() {
        let replay = account_replay((200, PASSWORD_POLICY_XML), "true");
        let records = observe_account(
            &replay,
            "password_min_length: 14, password_policy: { contains: { require_symbols: true } }",
        )
        .await;
        // Neither the summary nor the EBS default is checked: neither is read.
        assert_eq!(actions(&replay), ["GetAccountPasswordPolicy"]);
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["password_min_length"], json!(12));
        assert_eq!(
            attributes["password_policy"],
            json!([{
                "minimum_length": 12,
                "require_symbols": true,
                "require_numbers": true,
                "require_uppercase": true,
                "require_lowercase": true,
                "allow_users_to_change": true,
                "expire_passwords": false,
                "max_age_days": 90,
                "reuse_prevention": 12,
                "hard_expiry": false,
            }])
        );
        assert!(!attributes.contains_key("ebs_encryption_by_default"));
    }

    /// No password policy set: IAM answers 404 NoSuchEntity, which is a null policy (an
    /// observed fact a check can fail on), not an error.
    #[tokio::test]
    async fn get_account_password_policy_no_such_entity_is_null() {
        let replay = account_replay(
            (
                404,
                "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
                 <Message>The Password Policy with domain name 123456789012 cannot be found.</Message></Error>\
                 <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>",
            ),
            "false",
        );
        let records = observe_account(
            &replay,
            "password_min_length: { at_least: 14 }, ebs_encryption_by_default: true",
        )
        .await;
        assert_eq!(
            actions(&replay),
            ["GetAccountPasswordPolicy", "GetEbsEncryptionByDefault"]
        );
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["password_policy"], Value::Null);
        assert_eq!(attributes["password_min_length"], Value::Null);
        assert_eq!(attributes["ebs_encryption_by_default"], json!(false));
    }

    /// Another IAM error is an error for the password attributes only.
    #[tokio::test]
    async fn get_account_password_policy_access_denied_is_an_error() {
        let replay = account_replay(
            (
                403,
                "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GetAccountPasswordPolicy</Message></Error>\
                 <RequestId>r</RequestId></ErrorResponse>",
            ),
            "true",
        );
        let records = observe_account(
            &replay,
            "password_min_length: 14, ebs_encryption_by_default: true",
        )
        .await;
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["ebs_encryption_by_default"], json!(true));
        assert!(!attributes.contains_key("password_min_length"));
        for name in ["password_min_length", "password_policy"] {
            assert!(
                errors[name].contains("access denied")
                    && errors[name].contains("iam:GetAccountPasswordPolicy"),
                "{name}: {errors:?}"
            );
        }
    }

    /// The EC2 API reference's GetEbsEncryptionByDefault answer, both ways, alongside the
    /// summary (every read of the account at once).
    #[tokio::test]
    async fn get_ebs_encryption_by_default_reads_the_flag() {
        for on in ["true", "false"] {
            let replay = account_replay((200, PASSWORD_POLICY_XML), on);
            let records = observe_account(
                &replay,
                "ebs_encryption_by_default: true, root_mfa_enabled: true, root_access_keys_present: false, password_min_length: 12",
            )
            .await;
            assert_eq!(
                actions(&replay),
                [
                    "GetAccountPasswordPolicy",
                    "GetAccountSummary",
                    "GetEbsEncryptionByDefault"
                ]
            );
            let Observation::Present { attributes, errors } = &records[0].observation else {
                panic!("{records:?}")
            };
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(
                attributes["ebs_encryption_by_default"],
                json!(on == "true"),
                "{on}"
            );
            assert_eq!(attributes["root_mfa_enabled"], json!(false));
            assert_eq!(attributes["root_access_keys_present"], json!(true));
            assert_eq!(attributes["password_min_length"], json!(12));
        }
    }

    /// An answer without the flag is an error, never a `false`.
    #[tokio::test]
    async fn get_ebs_encryption_by_default_without_the_flag_is_an_error() {
        let replay = Replay::new(&[(
            200,
            r#"<GetEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId></GetEbsEncryptionByDefaultResponse>"#,
        )]);
        let records = observe_account(&replay, "ebs_encryption_by_default: true").await;
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(attributes.is_empty(), "{attributes:?}");
        assert!(
            errors["ebs_encryption_by_default"].contains("EbsEncryptionByDefault"),
            "{errors:?}"
        );
    }
}
