//! ECR: one paginated DescribeRepositories decides existence and serves the repository settings;
//! GetLifecyclePolicy is called only for the named repositories that exist, and only when the spec
//! checks `lifecycle_policy`, a bounded number at once.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::Repository;
use aws_sdk_ecr::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, describe_error, error_code, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const GET_LIFECYCLE_POLICY: &str = "ecr:GetLifecyclePolicy";
const GET_REGISTRY_SCANNING: &str = "ecr:GetRegistryScanningConfiguration";
/// The attributes the registry's scanning configuration decides.
const SCANNING_ATTRIBUTES: [&str; 3] = ["scan_on_push", "scan_frequency", "registry_scan_type"];

/// Observes the named repositories (`ecr_repository`) and images (`ecr_image`).
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_ecr, conn);
    let repositories = of_kind(resources, "ecr_repository");
    let images = of_kind(resources, "ecr_image");
    let repository_records = async {
        if repositories.is_empty() {
            return Vec::new();
        }
        let listed = list_repositories(&client).await;
        observe_listed(conn, &client, &repositories, listed).await
    };
    let (mut records, image_records) = tokio::join!(
        repository_records,
        super::ecr_image::observe(conn, &client, &images)
    );
    records.extend(image_records);
    records
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
    // The registry's scanning configuration, once for every repository that checks it.
    let wants_registry = resources.iter().any(|r| {
        repositories.contains_key(&r.id) && operations_for(r).contains(GET_REGISTRY_SCANNING)
    });
    let registry = if wants_registry {
        Some(
            client
                .get_registry_scanning_configuration()
                .send()
                .await
                .map(|o| o.scanning_configuration)
                .map_err(|e| describe_error(GET_REGISTRY_SCANNING, &e)),
        )
    } else {
        None
    };
    let registry = &registry;
    stream::iter(resources.iter())
        .map(|r| {
            let repo = repositories.get(&r.id);
            async move {
                let observation = match repo {
                    None => Observation::Absent,
                    Some(repo) => {
                        let mut attributes = attributes(repo);
                        let mut errors = BTreeMap::new();
                        match registry {
                            Some(Ok(cfg)) => {
                                attributes.extend(effective_scanning(cfg.as_ref(), repo))
                            }
                            Some(Err(e)) => {
                                for a in SCANNING_ATTRIBUTES {
                                    attributes.remove(a);
                                    errors.insert(a.to_string(), e.clone());
                                }
                            }
                            None => {}
                        }
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

/// Whether a registry scanning filter (`WILDCARD`: `*` matches any run of characters) matches a
/// repository name.
fn wildcard_matches(filter: &str, name: &str) -> bool {
    let parts: Vec<&str> = filter.split('*').collect();
    if parts.len() == 1 {
        return filter == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The scanning that really applies to a repository, from the registry's configuration (AWS's
/// current model) and the repository's own `scanOnPush` (the legacy one):
/// - `ENHANCED` (Amazon Inspector): the registry's rules alone decide (the repository setting is
///   ignored); a repository no rule's filter matches is not scanned (`MANUAL`). Continuous
///   scanning scans on push too.
/// - `BASIC` (or no configuration): a `SCAN_ON_PUSH` rule whose filter matches, or the
///   repository's own `scanOnPush`.
pub fn effective_scanning(
    cfg: Option<&aws_sdk_ecr::types::RegistryScanningConfiguration>,
    repo: &Repository,
) -> BTreeMap<String, Value> {
    use aws_sdk_ecr::types::{ScanFrequency, ScanType};
    let name = repo.repository_name().unwrap_or_default();
    let scan_type = cfg
        .and_then(|c| c.scan_type())
        .cloned()
        .unwrap_or(ScanType::Basic);
    let matching = |freq: ScanFrequency| {
        cfg.is_some_and(|c| {
            c.rules().iter().any(|rule| {
                *rule.scan_frequency() == freq
                    && rule
                        .repository_filters()
                        .iter()
                        .any(|f| wildcard_matches(f.filter(), name))
            })
        })
    };
    let repo_on_push = repo
        .image_scanning_configuration()
        .is_some_and(|c| c.scan_on_push());
    let frequency = match scan_type {
        ScanType::Enhanced if matching(ScanFrequency::ContinuousScan) => "CONTINUOUS_SCAN",
        ScanType::Enhanced if matching(ScanFrequency::ScanOnPush) => "SCAN_ON_PUSH",
        ScanType::Enhanced => "MANUAL",
        _ if matching(ScanFrequency::ScanOnPush) || repo_on_push => "SCAN_ON_PUSH",
        _ => "MANUAL",
    };
    BTreeMap::from([
        ("scan_on_push".into(), json!(frequency != "MANUAL")),
        ("scan_frequency".into(), json!(frequency)),
        ("registry_scan_type".into(), json!(scan_type.as_str())),
    ])
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
             - kind: ecr_repository\n  id: first\n  expect: { image_tag_mutability: IMMUTABLE }\n\
             - kind: ecr_repository\n  id: second\n  expect: { encryption_type: AES256 }\n\
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

    /// GetLifecyclePolicy shaped like the API reference's example: called once per existing
    /// repository that checks `lifecycle_policy` (with its name), and for no other. A policy is
    /// `true`; LifecyclePolicyNotFoundException, ECR's answer for a repository without one, is
    /// `false`; any other error (a denial) is an error of the attribute, never `false`.
    #[tokio::test]
    async fn get_lifecycle_policy_reads_set_missing_and_denied_policies() {
        let repo = |name: &str| {
            format!(
                r#"{{"repositoryName":"{name}","repositoryArn":"arn:aws:ecr:ap-northeast-2:123456789012:repository/{name}","registryId":"123456789012","imageTagMutability":"MUTABLE"}}"#
            )
        };
        let repos = format!(
            r#"{{"repositories":[{},{},{},{}]}}"#,
            repo("project-a/amazon-ecs-sample"),
            repo("no-policy"),
            repo("denied"),
            repo("unchecked")
        );
        let policy = r#"{"registryId":"123456789012","repositoryName":"project-a/amazon-ecs-sample","lifecyclePolicyText":"{\"rules\":[{\"rulePriority\":1,\"description\":\"Expire images older than 14 days\",\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}","lastEvaluatedAt":0.0}"#;
        let not_found = r#"{"__type":"LifecyclePolicyNotFoundException","message":"Lifecycle policy does not exist for the repository with name 'no-policy' in the registry with id '123456789012'"}"#;
        let denied = r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetLifecyclePolicy"}"#;
        let replay = Replay::by_request(move |request| {
            let target = request.lines().last().unwrap_or_default();
            let named = |name: &str| request.contains(&format!(r#""repositoryName":"{name}""#));
            match target {
                "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories" => (200, repos.clone()),
                "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy"
                    if named("project-a/amazon-ecs-sample") =>
                {
                    (200, policy.to_string())
                }
                "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy" if named("no-policy") => {
                    (400, not_found.to_string())
                }
                "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy" if named("denied") => {
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
             - kind: ecr_repository\n  id: project-a/amazon-ecs-sample\n  expect: { lifecycle_policy: true }\n\
             - kind: ecr_repository\n  id: no-policy\n  expect: { lifecycle_policy: true }\n\
             - kind: ecr_repository\n  id: denied\n  expect: { lifecycle_policy: true }\n\
             - kind: ecr_repository\n  id: unchecked\n  expect: { image_tag_mutability: MUTABLE }\n\
             - kind: ecr_repository\n  id: gone\n  expect: { lifecycle_policy: true }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(
            !requests
                .iter()
                .any(|r| r.contains("unchecked") || r.contains("gone")),
            "{requests:#?}"
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("ECR:DescribeRepositories".to_string(), 1),
                ("ECR:GetLifecyclePolicy".to_string(), 3),
            ])
        );
        let present = |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        };
        let (a, errors) = present("project-a/amazon-ecs-sample");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["lifecycle_policy"], json!(true));
        let (a, errors) = present("no-policy");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a["lifecycle_policy"], json!(false));
        let (a, errors) = present("denied");
        assert!(!a.contains_key("lifecycle_policy"), "{a:?}");
        assert!(
            errors["lifecycle_policy"].contains("`ecr:GetLifecyclePolicy`")
                && errors["lifecycle_policy"].contains("AccessDeniedException"),
            "{errors:?}"
        );
        let (a, errors) = present("unchecked");
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!a.contains_key("lifecycle_policy"), "{a:?}");
        assert_eq!(a["image_tag_mutability"], json!("MUTABLE"));
        assert_eq!(
            records
                .iter()
                .find(|r| r.id == "gone")
                .map(|r| &r.observation),
            Some(&Observation::Absent)
        );
    }

    #[test]
    fn wildcard_filters() {
        for (f, n, m) in [
            ("*", "anything", true),
            ("prod-*", "prod-api", true),
            ("prod-*", "staging-api", false),
            ("*-api", "prod-api", true),
            ("p*d-*i", "prod-api", true),
            ("backend", "backend", true),
            ("backend", "backend2", false),
            ("a*a", "a", false),
        ] {
            assert_eq!(wildcard_matches(f, n), m, "{f} {n}");
        }
    }

    /// The registry decides: ENHANCED ignores the repository's own flag; BASIC takes a matching
    /// scan-on-push rule or the repository's flag.
    #[test]
    fn scan_on_push_is_the_effective_setting() {
        use aws_sdk_ecr::types::{
            RegistryScanningConfiguration as Cfg, RegistryScanningRule as Rule, ScanFrequency,
            ScanType, ScanningRepositoryFilter as Filter, ScanningRepositoryFilterType,
        };
        let repo = |name: &str, on: bool| {
            Repository::builder()
                .repository_name(name)
                .image_scanning_configuration(
                    ImageScanningConfiguration::builder()
                        .scan_on_push(on)
                        .build(),
                )
                .build()
        };
        let rule = |freq: ScanFrequency, filter: &str| {
            Rule::builder()
                .scan_frequency(freq)
                .repository_filters(
                    Filter::builder()
                        .filter(filter)
                        .filter_type(ScanningRepositoryFilterType::Wildcard)
                        .build()
                        .expect("filter"),
                )
                .build()
                .expect("rule")
        };
        let enhanced = Cfg::builder()
            .scan_type(ScanType::Enhanced)
            .rules(rule(ScanFrequency::ContinuousScan, "prod-*"))
            .build();
        let got = |cfg: Option<&Cfg>, r: &Repository| {
            let a = effective_scanning(cfg, r);
            (a["scan_on_push"].clone(), a["scan_frequency"].clone())
        };
        // Enhanced: the repository flag does not count; the rule does.
        assert_eq!(
            got(Some(&enhanced), &repo("staging-api", true)),
            (json!(false), json!("MANUAL"))
        );
        assert_eq!(
            got(Some(&enhanced), &repo("prod-api", false)),
            (json!(true), json!("CONTINUOUS_SCAN"))
        );
        // Basic with a scan-on-push filter for everything: on, whatever the repository says.
        let basic = Cfg::builder()
            .scan_type(ScanType::Basic)
            .rules(rule(ScanFrequency::ScanOnPush, "*"))
            .build();
        assert_eq!(
            got(Some(&basic), &repo("any", false)),
            (json!(true), json!("SCAN_ON_PUSH"))
        );
        // Basic without rules (or no configuration): the repository's flag.
        let bare = Cfg::builder().scan_type(ScanType::Basic).build();
        assert_eq!(
            got(Some(&bare), &repo("any", true)),
            (json!(true), json!("SCAN_ON_PUSH"))
        );
        assert_eq!(
            got(None, &repo("any", false)),
            (json!(false), json!("MANUAL"))
        );
        assert_eq!(
            effective_scanning(Some(&enhanced), &repo("x", true))["registry_scan_type"],
            json!("ENHANCED")
        );
    }

    /// GetRegistryScanningConfiguration shaped like the API reference's response (moto answers
    /// BASIC with no rules unless told otherwise): one call for all repositories; a denied one
    /// makes the scanning attributes errors, never the repository's own flag.
    #[tokio::test]
    async fn the_registry_configuration_is_read_once_and_a_denial_is_an_error() {
        let repos = r#"{"repositories":[
            {"repositoryName":"prod-api","repositoryArn":"arn:aws:ecr:ap-northeast-2:123456789012:repository/prod-api","imageScanningConfiguration":{"scanOnPush":false}},
            {"repositoryName":"legacy","repositoryArn":"arn:aws:ecr:ap-northeast-2:123456789012:repository/legacy","imageScanningConfiguration":{"scanOnPush":true}}]}"#;
        let registry = r#"{"registryId":"123456789012","scanningConfiguration":{"scanType":"ENHANCED",
            "rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]}}"#;
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: ecr_repository\n  id: prod-api\n  expect: { scan_on_push: true }\n\
             - kind: ecr_repository\n  id: legacy\n  expect: { scan_on_push: true }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let replay = Replay::new(&[(200, repos), (200, registry)]);
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 2);
        let value = |i: usize, a: &str| match &records[i].observation {
            Observation::Present { attributes, .. } => attributes.get(a).cloned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(value(0, "scan_on_push"), Some(json!(true)));
        // Its own flag is on, but enhanced scanning ignores it and no rule matches it.
        assert_eq!(value(1, "scan_on_push"), Some(json!(false)));
        assert_eq!(value(1, "scan_frequency"), Some(json!("MANUAL")));

        let denied = r#"{"__type":"AccessDeniedException","message":"no"}"#;
        let replay = Replay::new(&[(200, repos), (400, denied)]);
        let records = observe(&replay.connection(), &resources).await;
        match &records[1].observation {
            Observation::Present { attributes, errors } => {
                assert!(!attributes.contains_key("scan_on_push"));
                assert!(errors["scan_on_push"].contains("`ecr:GetRegistryScanningConfiguration`"));
            }
            other => panic!("{other:?}"),
        }
    }
}
