//! ECR images (`ecr_image`, id `<repository>:<tag>`): one DescribeImages per repository for all
//! its named tags (at most 100 image ids a call). DescribeImages has no failure list: one tag
//! that does not exist fails the whole call with `ImageNotFoundException`, so then each tag of
//! that call is asked for alone to learn which ones are missing. A repository that does not exist
//! (`RepositoryNotFoundException`) makes all its images missing; any other failure (a denial)
//! is an error record naming `ecr:DescribeImages`, never a pass.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ecr::types::{FindingSeverity, ImageDetail, ImageIdentifier};
use aws_sdk_ecr::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{describe_error, error_code};
use crate::aws::Connection;
use crate::catalog::id::split_repository_tag;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const DESCRIBE_IMAGES: &str = "ecr:DescribeImages";
/// The most image ids DescribeImages takes in one call.
const MAX_IMAGE_IDS: usize = 100;

/// What one tag turned out to be.
type Found = Result<Option<ImageDetail>, String>;

/// Observes the named images, grouped by repository.
pub async fn observe(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    // The tags asked for, per repository (each once).
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in resources {
        if let Ok((repository, tag)) = split_repository_tag(&r.id) {
            let tags = wanted.entry(repository).or_default();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    let calls: Vec<(&str, Vec<&str>)> = wanted
        .iter()
        .flat_map(|(repository, tags)| {
            tags.chunks(MAX_IMAGE_IDS)
                .map(move |chunk| (*repository, chunk.to_vec()))
        })
        .collect();
    let found: HashMap<(String, String), Found> = stream::iter(calls)
        .map(|(repository, tags)| async move { describe(conn, client, repository, &tags).await })
        .buffered(conn.max_concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
    resources
        .iter()
        .map(|r| {
            let observation = match split_repository_tag(&r.id) {
                Err(e) => Observation::Error { error: e },
                Ok(_) if r.selector.is_some() => Observation::Error {
                    error: "`select:` does not apply to ecr_image: name each image `<repository>:<tag>`"
                        .into(),
                },
                Ok((repository, tag)) => {
                    match found.get(&(repository.to_string(), tag.to_string())) {
                        Some(Ok(Some(detail))) => Observation::Present {
                            attributes: attributes(detail, now),
                            errors: BTreeMap::new(),
                        },
                        Some(Ok(None)) => Observation::Absent,
                        Some(Err(e)) => Observation::Error { error: e.clone() },
                        None => Observation::Error {
                            error: format!("{DESCRIBE_IMAGES}: no answer for `{}`", r.id),
                        },
                    }
                }
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .collect()
}

/// The images of some tags of one repository: one call for all of them; when one of them does
/// not exist (`ImageNotFoundException` fails the whole call), one call per tag.
async fn describe(
    conn: &Connection,
    client: &Client,
    repository: &str,
    tags: &[&str],
) -> Vec<((String, String), Found)> {
    let key = |tag: &str| (repository.to_string(), tag.to_string());
    match describe_tags(client, repository, tags).await {
        Ok(details) => tags
            .iter()
            .map(|tag| (key(tag), Ok(details.get(*tag).cloned())))
            .collect(),
        Err(Missing::Image) if tags.len() > 1 => {
            stream::iter(tags.iter())
                .map(|tag| async move {
                    let found = match describe_tags(client, repository, &[tag]).await {
                        Ok(mut details) => Ok(details.remove(*tag)),
                        Err(Missing::Image | Missing::Repository) => Ok(None),
                        Err(Missing::No(e)) => Err(e),
                    };
                    (key(tag), found)
                })
                .buffered(conn.max_concurrency)
                .collect()
                .await
        }
        Err(Missing::Image | Missing::Repository) => {
            tags.iter().map(|tag| (key(tag), Ok(None))).collect()
        }
        Err(Missing::No(e)) => tags.iter().map(|tag| (key(tag), Err(e.clone()))).collect(),
    }
}

/// Why DescribeImages answered no images.
enum Missing {
    /// `ImageNotFoundException`: one of the tags (at least) does not exist.
    Image,
    /// `RepositoryNotFoundException`.
    Repository,
    /// Any other failure, described.
    No(String),
}

/// One DescribeImages call: every image detail by each of its tags.
async fn describe_tags(
    client: &Client,
    repository: &str,
    tags: &[&str],
) -> Result<HashMap<String, ImageDetail>, Missing> {
    let mut request = client.describe_images().repository_name(repository);
    for tag in tags {
        request = request.image_ids(ImageIdentifier::builder().image_tag(*tag).build());
    }
    match request.send().await {
        Ok(out) => Ok(out
            .image_details()
            .iter()
            .flat_map(|d| d.image_tags().iter().map(move |t| (t.clone(), d.clone())))
            .collect()),
        Err(e) => match error_code(&e) {
            Some("ImageNotFoundException") => Err(Missing::Image),
            Some("RepositoryNotFoundException") => Err(Missing::Repository),
            _ => Err(Missing::No(describe_error(DESCRIBE_IMAGES, &e))),
        },
    }
}

/// The catalog's `ecr_image` attributes of one image, `now` in seconds since the epoch.
pub fn attributes(d: &ImageDetail, now: i64) -> BTreeMap<String, Value> {
    let mut tags: Vec<&str> = d.image_tags().iter().map(String::as_str).collect();
    tags.sort_unstable();
    let pushed_hours = d
        .image_pushed_at()
        .map(|t| (((now - t.secs()).max(0) as f64) / 3600.0 * 10.0).round() / 10.0);
    let size_mb = d
        .image_size_in_bytes()
        .map(|b| (b as f64 / 1_048_576.0 * 100.0).round() / 100.0);
    // Counts only from a scan summary; a severity it does not list has no findings.
    let counts = d
        .image_scan_findings_summary()
        .map(|s| s.finding_severity_counts().cloned().unwrap_or_default());
    let count = |severity: FindingSeverity| {
        json!(counts
            .as_ref()
            .map(|c| c.get(&severity).copied().unwrap_or(0)))
    };
    BTreeMap::from([
        ("pushed_at_age_hours".into(), json!(pushed_hours)),
        ("size_mb".into(), json!(size_mb)),
        ("image_tags".into(), json!(tags)),
        (
            "scan_status".into(),
            json!(d
                .image_scan_status()
                .and_then(|s| s.status())
                .map(|s| s.as_str())),
        ),
        ("critical_findings".into(), count(FindingSeverity::Critical)),
        ("high_findings".into(), count(FindingSeverity::High)),
        ("medium_findings".into(), count(FindingSeverity::Medium)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    const TARGET: &str = "AmazonEC2ContainerRegistry_V20150921.DescribeImages";

    /// An image detail shaped like the DescribeImages API reference's response syntax.
    fn image(repository: &str, tags: &[&str], pushed_at: i64, scan: &str) -> String {
        let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
        format!(
            r#"{{"registryId":"123456789012","repositoryName":"{repository}","imageDigest":"sha256:764f63476bdff6d83a09ba2a818f0d35757063724a9ac3ba5019c56f74ebf42a",
            "imageTags":[{}],"imageSizeInBytes":52428800,"imagePushedAt":{pushed_at}.0,
            "imageManifestMediaType":"application/vnd.docker.distribution.manifest.v2+json",
            "artifactMediaType":"application/vnd.docker.container.image.v1+json"{scan}}}"#,
            tags.join(",")
        )
    }

    const SCANNED: &str = r#","imageScanStatus":{"status":"COMPLETE","description":"The scan was completed successfully."},
        "imageScanFindingsSummary":{"imageScanCompletedAt":1700000000.0,"vulnerabilitySourceUpdatedAt":1700000000.0,
        "findingSeverityCounts":{"HIGH":2,"MEDIUM":5,"LOW":7}}"#;

    fn spec(ids: &[(&str, &str)]) -> crate::spec::Spec {
        let mut text = String::from("version: 1\nenvironment: test\nresources:\n");
        for (id, expect) in ids {
            text.push_str(&format!(
                "- kind: ecr_image\n  id: {id}\n  expect: {{ {expect} }}\n"
            ));
        }
        crate::spec::from_str(std::path::Path::new("inline.yaml"), &text).expect("spec")
    }

    fn present(records: &[ResourceRecord], id: &str) -> BTreeMap<String, Value> {
        match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                assert!(errors.is_empty(), "{id}: {errors:?}");
                attributes.clone()
            }
            other => panic!("{id}: {other:?}"),
        }
    }

    /// All the named tags of a repository in one DescribeImages (imageIds by tag); every tag of
    /// an image names it; the counts come from the scan summary (a severity it does not list is
    /// 0); a never-scanned image has null status and counts, which no `at_most` passes.
    #[tokio::test]
    async fn one_describe_images_per_repository_for_all_its_tags() {
        let pushed = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs() - 7200;
        let answer = format!(
            r#"{{"imageDetails":[{},{}]}}"#,
            image("shop/api", &["v1.4.2", "latest"], pushed, SCANNED),
            image("shop/api", &["v1.4.1"], pushed, "")
        );
        let replay = Replay::by_request(move |request| {
            assert!(request.ends_with(TARGET), "{request}");
            (200, answer.clone())
        });
        let spec = spec(&[
            ("shop/api:v1.4.2", "critical_findings: { at_most: 0 }"),
            ("shop/api:latest", "scan_status: COMPLETE"),
            ("shop/api:v1.4.1", "critical_findings: { at_most: 0 }"),
        ]);
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = crate::probe::ecr::observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        assert!(
            requests[0].contains(r#""repositoryName":"shop/api""#)
                && requests[0].contains(r#"{"imageTag":"v1.4.2"}"#)
                && requests[0].contains(r#"{"imageTag":"latest"}"#)
                && requests[0].contains(r#"{"imageTag":"v1.4.1"}"#),
            "{}",
            requests[0]
        );
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([("ECR:DescribeImages".to_string(), 1)])
        );
        let a = present(&records, "shop/api:v1.4.2");
        assert_eq!(a["pushed_at_age_hours"], json!(2.0));
        assert_eq!(a["size_mb"], json!(50.0));
        assert_eq!(a["image_tags"], json!(["latest", "v1.4.2"]));
        assert_eq!(a["scan_status"], json!("COMPLETE"));
        assert_eq!(a["critical_findings"], json!(0));
        assert_eq!(a["high_findings"], json!(2));
        assert_eq!(a["medium_findings"], json!(5));
        assert_eq!(present(&records, "shop/api:latest"), a);
        let never = present(&records, "shop/api:v1.4.1");
        assert_eq!(never["scan_status"], Value::Null);
        assert_eq!(never["critical_findings"], Value::Null);
        // Every catalog attribute is reported.
        assert_eq!(
            a.len(),
            crate::catalog::kind("ecr_image").map_or(0, |k| k.attributes.len())
        );
        // Evaluated: at_most 0 on a never-scanned image fails, never passes.
        let at_most = crate::spec::Matcher::AtMost(0.0);
        assert!(!crate::spec::matchers::matches(
            &at_most,
            &never["critical_findings"],
            crate::catalog::AttrType::Integer
        ));
    }

    /// DescribeImages fails the whole call with ImageNotFoundException when one tag does not
    /// exist (the API has no failure list): each tag is then asked for alone, and only the
    /// missing one is `missing`. A repository that does not exist makes its images missing; a
    /// denial is an error naming the action.
    #[tokio::test]
    async fn missing_tags_and_repositories_are_missing_and_a_denial_is_an_error() {
        let pushed = 1_700_000_000;
        let ok = format!(
            r#"{{"imageDetails":[{}]}}"#,
            image("web", &["v2"], pushed, SCANNED)
        );
        let replay = Replay::by_request(move |request| {
            let repo = |name: &str| request.contains(&format!(r#""repositoryName":"{name}""#));
            if repo("web") && request.contains(r#""imageTag":"v9""#) {
                (
                    400,
                    r#"{"__type":"ImageNotFoundException","message":"The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'web' in the registry with id '123456789012'"}"#.to_string(),
                )
            } else if repo("web") {
                (200, ok.clone())
            } else if repo("gone") {
                (
                    400,
                    r#"{"__type":"RepositoryNotFoundException","message":"The repository with name 'gone' does not exist in the registry with id '123456789012'"}"#.to_string(),
                )
            } else {
                (
                    400,
                    r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:DescribeImages"}"#.to_string(),
                )
            }
        });
        let spec = spec(&[
            ("web:v2", "scan_status: COMPLETE"),
            ("web:v9", "scan_status: COMPLETE"),
            ("gone:v1", "scan_status: COMPLETE"),
            ("secret:v1", "scan_status: COMPLETE"),
        ]);
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = crate::probe::ecr::observe(&conn, &resources).await;
        // web: the pair, then each alone; gone; secret.
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([("ECR:DescribeImages".to_string(), 5)])
        );
        assert_eq!(present(&records, "web:v2")["high_findings"], json!(2));
        let observation = |id: &str| {
            records
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.observation.clone())
        };
        assert_eq!(observation("web:v9"), Some(Observation::Absent));
        assert_eq!(observation("gone:v1"), Some(Observation::Absent));
        match observation("secret:v1") {
            Some(Observation::Error { error }) => assert!(
                error.contains("`ecr:DescribeImages`") && error.contains("AccessDenied"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
    }
}
