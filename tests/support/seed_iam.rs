//! Seeding IAM roles and users for the live tests: test-only code that creates resources, only
//! ever pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_iam::types::{StatusType, Tag};

use super::seed::{emulator_config, Result};

/// The account moto answers for.
pub const ACCOUNT: &str = "123456789012";
/// GitHub's OIDC provider in that account.
pub const GITHUB_OIDC: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
/// The branch the deploy role trusts.
pub const DEPLOY_SUB: &str = "repo:dorami/tickets:ref:refs/heads/main";

pub struct IamSeeder {
    pub iam: aws_sdk_iam::Client,
}

const ECS_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn github_trust() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{GITHUB_OIDC}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"{DEPLOY_SUB}"}}}}}}}}"#
    )
}

fn account_trust() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    )
}

const S3_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::tickets-assets","arn:aws:s3:::tickets-assets/*"]}]}"#;
const LOGS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}}"#;
const ECR_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}"#;
const S3_BUCKET_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"arn:aws:s3:::tickets-deploy/*"}]}"#;
const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

impl IamSeeder {
    pub fn new(endpoint: &str) -> IamSeeder {
        IamSeeder {
            iam: aws_sdk_iam::Client::new(&emulator_config(endpoint)),
        }
    }

    async fn policy(&self, name: &str, document: &str) -> Result<String> {
        let out = self
            .iam
            .create_policy()
            .policy_name(name)
            .policy_document(document)
            .send()
            .await?;
        Ok(out
            .policy()
            .and_then(|p| p.arn())
            .ok_or("no policy ARN")?
            .to_string())
    }

    async fn role(
        &self,
        name: &str,
        trust: &str,
        max_session: Option<i32>,
        tags: &[(&str, &str)],
    ) -> Result<()> {
        let mut req = self
            .iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust)
            .set_max_session_duration(max_session);
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(*k).value(*v).build()?);
        }
        req.send().await?;
        Ok(())
    }

    async fn role_inline(&self, role: &str, name: &str, document: &str) -> Result<()> {
        self.iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(document)
            .send()
            .await?;
        Ok(())
    }

    async fn attach_role(&self, role: &str, arn: &str) -> Result<()> {
        self.iam
            .attach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await?;
        Ok(())
    }

    /// Roles:
    /// - `tickets-task`: trusts `ecs-tasks.amazonaws.com`; attaches `tickets-s3-read` (two S3
    ///   actions on one bucket), inline `logs` (two actions on `*`); 3600 s; tag `team=tickets`.
    /// - `tickets-deploy`: trusts GitHub's OIDC provider for `DEPLOY_SUB` (and the `sts`
    ///   audience); attaches `tickets-ecr-all` (`ecr:*` on `*`) and `tickets-s3-read`, inline
    ///   `deploy-bucket` (`s3:*` on one bucket); 7200 s.
    /// - `tickets-admin`: trusts the account's root with MFA; attaches `tickets-everything`
    ///   (`*` on `*`); no inline policy.
    /// - `tickets-bare`: trusts ECS tasks, nothing attached.
    ///
    /// Users:
    /// - `alice`: a console password, a virtual MFA device, two access keys (one inactive),
    ///   groups `developers` and `oncall`, attaches `tickets-s3-read`, inline `self-service`,
    ///   tag `team=platform`.
    /// - `ci-bot`: no password, no MFA, one active key, no groups or policies.
    pub async fn seed(&self) -> Result<()> {
        let s3_read = self.policy("tickets-s3-read", S3_READ).await?;
        let ecr_all = self.policy("tickets-ecr-all", ECR_ALL).await?;
        let everything = self.policy("tickets-everything", EVERYTHING).await?;

        self.role("tickets-task", ECS_TRUST, None, &[("team", "tickets")])
            .await?;
        self.attach_role("tickets-task", &s3_read).await?;
        self.role_inline("tickets-task", "logs", LOGS).await?;

        self.role("tickets-deploy", &github_trust(), Some(7200), &[])
            .await?;
        self.attach_role("tickets-deploy", &ecr_all).await?;
        self.attach_role("tickets-deploy", &s3_read).await?;
        self.role_inline("tickets-deploy", "deploy-bucket", S3_BUCKET_ALL)
            .await?;

        self.role("tickets-admin", &account_trust(), None, &[])
            .await?;
        self.attach_role("tickets-admin", &everything).await?;

        self.role("tickets-bare", ECS_TRUST, None, &[]).await?;

        // Users.
        for group in ["developers", "oncall"] {
            self.iam.create_group().group_name(group).send().await?;
        }
        self.iam
            .create_user()
            .user_name("alice")
            .tags(Tag::builder().key("team").value("platform").build()?)
            .send()
            .await?;
        self.iam
            .create_login_profile()
            .user_name("alice")
            .password("Correct-Horse-Battery-9")
            .send()
            .await?;
        let device = self
            .iam
            .create_virtual_mfa_device()
            .virtual_mfa_device_name("alice")
            .send()
            .await?;
        let serial = device
            .virtual_mfa_device()
            .map(|d| d.serial_number().to_string())
            .ok_or("no MFA serial")?;
        self.iam
            .enable_mfa_device()
            .user_name("alice")
            .serial_number(serial)
            .authentication_code1("123456")
            .authentication_code2("654321")
            .send()
            .await?;
        for _ in 0..2 {
            self.iam
                .create_access_key()
                .user_name("alice")
                .send()
                .await?;
        }
        let keys = self
            .iam
            .list_access_keys()
            .user_name("alice")
            .send()
            .await?;
        let first = keys
            .access_key_metadata()
            .first()
            .and_then(|k| k.access_key_id())
            .ok_or("no key")?
            .to_string();
        self.iam
            .update_access_key()
            .user_name("alice")
            .access_key_id(first)
            .status(StatusType::Inactive)
            .send()
            .await?;
        for group in ["developers", "oncall"] {
            self.iam
                .add_user_to_group()
                .group_name(group)
                .user_name("alice")
                .send()
                .await?;
        }
        self.iam
            .attach_user_policy()
            .user_name("alice")
            .policy_arn(&s3_read)
            .send()
            .await?;
        self.iam
            .put_user_policy()
            .user_name("alice")
            .policy_name("self-service")
            .policy_document(LOGS)
            .send()
            .await?;

        self.iam.create_user().user_name("ci-bot").send().await?;
        self.iam
            .create_access_key()
            .user_name("ci-bot")
            .send()
            .await?;
        Ok(())
    }
}
