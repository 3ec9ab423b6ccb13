//! ECR: one paginated DescribeRepositories decides existence and serves the repository settings;
//! GetLifecyclePolicy is called only for the named repositories that exist, and only when the spec
//! checks `lifecycle_policy`, a bounded number at once.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::Repository;
use aws_sdk_ecr::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, describe_error, error_code};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const GET_LIFECYCLE_POLICY: &str = "ecr:GetLifecyclePolicy";

/// Observes the named repositories.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_ecr, conn);
    let listed = list_repositories(&client).await;
    observe_listed(conn, &client, resources, listed).await
}

/// Every repository of the region (all pages of DescribeRepositories).
pub(crate) async fn list_repositories(client: &Client) -> Result<Vec<Repository>, String> {
    collect_pages(
        // The largest page AWS serves (default 100): 1,000 repositories in one call, not ten.
        client
            .describe_repositories()
            .max_results(1000)
            .into_paginator()
            .send(),
        "ecr:DescribeRepositories",
        |page| page.repositories.unwrap_or_default(),
    )
    .await
}

/// The named repositories, from a listing already made (see [`list_repositories`]).
pub(crate) async fn observe_listed(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
    listed: Result<Vec<Repository>, String>,
) -> Vec<ResourceRecord> {
    let repositories = match listed {
        Ok(listed) => by_id(listed, |r: &Repository| r.repository_name.clone()),
        Err(e) => return all_errors(resources, &e),
    };
    stream::iter(resources.iter())
        .map(|r| {
            let repo = repositories.get(&r.id);
            async move {
                let observation = match repo {
                    None => Observation::Absent,
                    Some(repo) => {
                        let mut attributes = attributes(repo);
                        let mut errors = BTreeMap::new();
                        if operations_for(r).contains(GET_LIFECYCLE_POLICY) {
                            match lifecycle_policy(client, &r.id).await {
                                Ok(set) => {
                                    attributes.insert("lifecycle_policy".into(), json!(set));
                                }
                                Err(e) => {
                                    errors.insert("lifecycle_policy".into(), e);
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

/// Whether the repository has a lifecycle policy.
async fn lifecycle_policy(client: &Client, name: &str) -> Result<bool, String> {
    match client
        .get_lifecycle_policy()
        .repository_name(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .lifecycle_policy_text()
            .is_some_and(|t| !t.trim().is_empty())),
        Err(e) if error_code(&e) == Some("LifecyclePolicyNotFoundException") => Ok(false),
        Err(e) => Err(describe_error(GET_LIFECYCLE_POLICY, &e)),
    }
}

/// The catalog's `ecr_repository` attributes that DescribeRepositories reports.
pub fn attributes(repo: &Repository) -> BTreeMap<String, Value> {
    BTreeMap::from([
        (
            "scan_on_push".into(),
            json!(repo
                .image_scanning_configuration()
                .map(|c| c.scan_on_push())),
        ),
        (
            "image_tag_mutability".into(),
            json!(repo.image_tag_mutability().map(|m| m.as_str())),
        ),
        (
            "encryption_type".into(),
            json!(repo
                .encryption_configuration()
                .map(|c| c.encryption_type().as_str())),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;
    use aws_sdk_ecr::types::{
        EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
    };

    #[test]
    fn settings_the_repository_does_not_report_are_null_not_defaults() {
        let bare = Repository::builder().repository_name("r").build();
        let a = attributes(&bare);
        assert_eq!(a["scan_on_push"], Value::Null);
        assert_eq!(a["image_tag_mutability"], Value::Null);
        assert_eq!(a["encryption_type"], Value::Null);
        assert!(!a.contains_key("lifecycle_policy"));

        let set = Repository::builder()
            .repository_name("r")
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(true)
                    .build(),
            )
            .image_tag_mutability(ImageTagMutability::ImmutableWithExclusion)
            .encryption_configuration(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::KmsDsse)
                    .build()
                    .expect("encryption"),
            )
            .build();
        let a = attributes(&set);
        assert_eq!(a["scan_on_push"], json!(true));
        assert_eq!(a["image_tag_mutability"], json!("IMMUTABLE_WITH_EXCLUSION"));
        assert_eq!(a["encryption_type"], json!("KMS_DSSE"));
    }

    /// moto answers DescribeRepositories in one page whatever is asked, so paging is proven by
    /// replay: two pages, the second asked for with the first's token.
    #[tokio::test]
    async fn describe_repositories_reads_every_page() {
        let page = |name: &str, next: Option<&str>| {
            let next = next.map_or(String::new(), |t| format!(r#","nextToken":"{t}""#));
            format!(
                r#"{{"repositories":[{{"repositoryName":"{name}","repositoryArn":"arn:aws:ecr:ap-northeast-2:123456789012:repository/{name}",
                "imageScanningConfiguration":{{"scanOnPush":true}},"imageTagMutability":"IMMUTABLE",
                "encryptionConfiguration":{{"encryptionType":"AES256"}}}}]{next}}}"#
            )
        };
        let replay = Replay::new(&[
            (200, &page("first", Some("token-2"))),
            (200, &page("second", None)),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: ecr_repository\n  id: first\n  expect: { scan_on_push: true }\n\
             - kind: ecr_repository\n  id: second\n  expect: { scan_on_push: true }\n\
             - kind: ecr_repository\n  id: third\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(!requests[0].contains("token-2"), "{}", requests[0]);
        assert!(
            requests[1].contains(r#""nextToken":"token-2""#),
            "{}",
            requests[1]
        );
        let statuses: Vec<(&str, bool)> = records
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    matches!(r.observation, Observation::Present { .. }),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [("first", true), ("second", true), ("third", false)]
        );
        assert!(matches!(records[2].observation, Observation::Absent));
    }
}
