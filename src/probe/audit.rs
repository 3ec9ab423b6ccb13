//! Audit services. CloudTrail: one DescribeTrails serves every `cloudtrail_trail` check;
//! GetTrailStatus is called per named trail that exists, only when `logging` is checked. Config:
//! one DescribeConfigurationRecorders, and one DescribeConfigurationRecorderStatus only when
//! `recording` is checked. GuardDuty: ListDetectors decides whether the region has a detector;
//! GetDetector is called only when one of its attributes is checked.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_config::types::ConfigurationRecorder;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, describe_error, from_listing, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const TRAILS: &str = "cloudtrail:DescribeTrails";
const TRAIL_STATUS: &str = "cloudtrail:GetTrailStatus";
const RECORDERS: &str = "config:DescribeConfigurationRecorders";
const RECORDER_STATUS: &str = "config:DescribeConfigurationRecorderStatus";
const DETECTORS: &str = "guardduty:ListDetectors";
const DETECTOR: &str = "guardduty:GetDetector";

fn record(r: &Resource, observation: Observation) -> ResourceRecord {
    ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation,
    }
}

/// Observes the named trails.
pub async fn observe_trails(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "cloudtrail_trail");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_cloudtrail, conn);
    let trails = match client.describe_trails().send().await {
        Ok(out) => by_id(out.trail_list.unwrap_or_default(), |t: &Trail| {
            t.name.clone()
        }),
        Err(e) => return all_errors(&named, &describe_error(TRAILS, &e)),
    };
    stream::iter(named)
        .map(|r| {
            let client = &client;
            let trail = trails.get(&r.id);
            async move {
                let observation = match trail {
                    None => Observation::Absent,
                    Some(t) => {
                        let mut attributes = trail_attributes(t);
                        let mut errors = BTreeMap::new();
                        if operations_for(r).contains(TRAIL_STATUS) {
                            // The ARN also names a multi-region trail's shadow in other regions.
                            let name = t.trail_arn().unwrap_or(&r.id);
                            match client.get_trail_status().name(name).send().await {
                                Ok(s) => match s.is_logging() {
                                    Some(on) => {
                                        attributes.insert("logging".into(), json!(on));
                                    }
                                    None => {
                                        errors.insert(
                                            "logging".into(),
                                            format!("`{TRAIL_STATUS}` did not report IsLogging"),
                                        );
                                    }
                                },
                                Err(e) => {
                                    errors
                                        .insert("logging".into(), describe_error(TRAIL_STATUS, &e));
                                }
                            }
                        }
                        Observation::Present { attributes, errors }
                    }
                };
                record(r, observation)
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// The catalog's `cloudtrail_trail` attributes DescribeTrails reports.
pub fn trail_attributes(t: &Trail) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("multi_region".into(), json!(t.is_multi_region_trail())),
        (
            "log_file_validation".into(),
            json!(t.log_file_validation_enabled()),
        ),
        ("s3_bucket".into(), json!(t.s3_bucket_name())),
        ("kms_key_id".into(), json!(t.kms_key_id())),
        (
            "include_global_service_events".into(),
            json!(t.include_global_service_events()),
        ),
    ])
}

/// Observes the named configuration recorders.
pub async fn observe_recorders(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "config_recorder");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_config, conn);
    let recorders = match client.describe_configuration_recorders().send().await {
        Ok(out) => by_id(
            out.configuration_recorders.unwrap_or_default(),
            |c: &ConfigurationRecorder| c.name.clone(),
        ),
        Err(e) => return all_errors(&named, &describe_error(RECORDERS, &e)),
    };
    let wants_status = named
        .iter()
        .any(|r| recorders.contains_key(&r.id) && operations_for(r).contains(RECORDER_STATUS));
    let status: Option<Result<HashMap<String, bool>, String>> = if wants_status {
        Some(
            client
                .describe_configuration_recorder_status()
                .send()
                .await
                .map(|out| {
                    out.configuration_recorders_status
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|s| Some((s.name?, s.recording)))
                        .collect()
                })
                .map_err(|e| describe_error(RECORDER_STATUS, &e)),
        )
    } else {
        None
    };
    let mut records = from_listing(&named, "config_recorder", &recorders, recorder_attributes);
    for rec in &mut records {
        let Observation::Present { attributes, errors } = &mut rec.observation else {
            continue;
        };
        let checks_status = named
            .iter()
            .any(|r| r.id == rec.id && operations_for(r).contains(RECORDER_STATUS));
        match (&status, checks_status) {
            (Some(Ok(all)), true) => match all.get(&rec.id) {
                Some(on) => {
                    attributes.insert("recording".into(), json!(on));
                }
                None => {
                    errors.insert(
                        "recording".into(),
                        format!("`{RECORDER_STATUS}` reported no status for `{}`", rec.id),
                    );
                }
            },
            (Some(Err(e)), true) => {
                errors.insert("recording".into(), e.clone());
            }
            _ => {}
        }
    }
    records
}

/// The catalog's `config_recorder` attributes DescribeConfigurationRecorders reports.
pub fn recorder_attributes(c: &ConfigurationRecorder) -> BTreeMap<String, Value> {
    let group = c.recording_group();
    BTreeMap::from([
        (
            "all_supported".into(),
            json!(group.map(|g| g.all_supported())),
        ),
        (
            "include_global_resource_types".into(),
            json!(group.map(|g| g.include_global_resource_types())),
        ),
    ])
}

/// The only id a `guardduty_detector` may have: the region's detector.
pub use crate::catalog::id::CURRENT;

/// Observes the region's GuardDuty detector.
pub async fn observe_detectors(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "guardduty_detector");
    let (valid, malformed): (Vec<&Resource>, Vec<&Resource>) =
        named.into_iter().partition(|r| r.id == CURRENT);
    let mut records: Vec<ResourceRecord> = malformed
        .iter()
        .map(|r| {
            record(
                r,
                Observation::Error {
                    error: format!(
                        "`{}`: a guardduty_detector id must be `{CURRENT}` (the region's detector)",
                        r.id
                    ),
                },
            )
        })
        .collect();
    if valid.is_empty() {
        return records;
    }
    let client = crate::client!(aws_sdk_guardduty, conn);
    let ids = collect_pages(
        client.list_detectors().into_paginator().send(),
        DETECTORS,
        |page| page.detector_ids.unwrap_or_default(),
    )
    .await;
    let id = match ids {
        // A region has at most one detector.
        Ok(ids) => ids.into_iter().next(),
        Err(e) => {
            records.extend(all_errors(&valid, &e));
            return records;
        }
    };
    let Some(id) = id else {
        records.extend(valid.iter().map(|r| record(r, Observation::Absent)));
        return records;
    };
    let wants_detail = valid.iter().any(|r| operations_for(r).contains(DETECTOR));
    let detail: Option<Result<BTreeMap<String, Value>, String>> = if wants_detail {
        Some(
            client
                .get_detector()
                .detector_id(&id)
                .send()
                .await
                .map(|d| {
                    BTreeMap::from([
                        ("status".into(), json!(d.status().map(|s| s.as_str()))),
                        (
                            "finding_publishing_frequency".into(),
                            json!(d.finding_publishing_frequency().map(|f| f.as_str())),
                        ),
                    ])
                })
                .map_err(|e| describe_error(DETECTOR, &e)),
        )
    } else {
        None
    };
    records.extend(valid.iter().map(|r| {
        let mut attributes = BTreeMap::new();
        let mut errors = BTreeMap::new();
        if operations_for(r).contains(DETECTOR) {
            match &detail {
                Some(Ok(values)) => attributes.extend(values.clone()),
                Some(Err(e)) => {
                    for name in ["status", "finding_publishing_frequency"] {
                        errors.insert(name.to_string(), e.clone());
                    }
                }
                None => {}
            }
        }
        record(r, Observation::Present { attributes, errors })
    }));
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    #[test]
    fn a_recorder_without_a_recording_group_reports_null_not_false() {
        let c = ConfigurationRecorder::builder().name("default").build();
        let a = recorder_attributes(&c);
        assert_eq!(a["all_supported"], Value::Null);
        assert_eq!(a["include_global_resource_types"], Value::Null);
    }

    /// ListDetectors pages: a detector listed only on the second page is still found (moto has
    /// one detector at most, so never pages).
    #[tokio::test]
    async fn list_detectors_reads_every_page() {
        let replay = Replay::new(&[
            (200, r#"{"detectorIds":[],"nextToken":"d-2"}"#),
            (200, r#"{"detectorIds":["abc123"]}"#),
            (
                200,
                r#"{"status":"ENABLED","findingPublishingFrequency":"SIX_HOURS","serviceRole":"r","createdAt":"x","updatedAt":"x"}"#,
            ),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n  - kind: guardduty_detector\n    id: current\n    expect: { status: ENABLED }\n",
        )
        .expect("spec");
        // The loader refuses any id but `current` (catalog::IdFormat::Current); a resource built
        // by hand through the library still gets an error record, never a pass.
        let mut other = spec.resources[0].clone();
        other.id = "abc123".into();
        let resources: Vec<&Resource> = vec![&spec.resources[0], &other];
        let records = observe_detectors(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        assert!(requests[1].contains("nextToken=d-2"), "{}", requests[1]);
        assert!(requests[2].contains("/detector/abc123"), "{}", requests[2]);
        let by_id: HashMap<&str, &Observation> = records
            .iter()
            .map(|r| (r.id.as_str(), &r.observation))
            .collect();
        let Observation::Present { attributes, .. } = by_id["current"] else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["status"], json!("ENABLED"));
        assert_eq!(
            attributes["finding_publishing_frequency"],
            json!("SIX_HOURS")
        );
        assert!(
            matches!(by_id["abc123"], Observation::Error { error } if error.contains("must be `current`"))
        );
    }

    async fn observe_yaml<F, Fut>(
        replay: &Replay,
        resources_yaml: &str,
        observe: F,
    ) -> Vec<ResourceRecord>
    where
        F: FnOnce(Connection, Vec<Resource>) -> Fut,
        Fut: std::future::Future<Output = Vec<ResourceRecord>>,
    {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        observe(replay.connection(), spec.resources).await
    }

    fn by_id(records: &[ResourceRecord]) -> HashMap<&str, &Observation> {
        records
            .iter()
            .map(|r| (r.id.as_str(), &r.observation))
            .collect()
    }

    /// The JSON-protocol operation a request is for: its `x-amz-target` (the last line), after
    /// the service prefix.
    fn target(request: &str) -> &str {
        let last = request.lines().last().unwrap_or_default();
        last.rsplit('.').next().unwrap_or(last)
    }

    fn unknown_operation(request: &str) -> (u16, String) {
        (
            400,
            format!(
                r#"{{"__type":"UnknownOperationException","message":"unexpected request {}"}}"#,
                target(request)
            ),
        )
    }

    /// DescribeTrails as the CloudTrail API reference shows it: one multi-region trail with a
    /// KMS key (then GetTrailStatus by its ARN: logging), one single-region without (not
    /// logging), one whose `logging` is not checked (no GetTrailStatus).
    #[tokio::test]
    async fn describe_trails_and_get_trail_status() {
        let statuses = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = statuses.clone();
        let replay = Replay::by_request(move |request| {
            let body = request.lines().nth(1).unwrap_or_default().to_string();
            match target(request) {
                "DescribeTrails" => (
                    200,
                    r#"{"trailList":[
                        {"IncludeGlobalServiceEvents":true,"Name":"Trail1","TrailARN":"arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/Trail1",
                         "LogFileValidationEnabled":true,"IsMultiRegionTrail":true,"HasCustomEventSelectors":false,"S3BucketName":"amzn-s3-demo-bucket",
                         "KmsKeyId":"arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                         "CloudWatchLogsRoleArn":"arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role",
                         "CloudWatchLogsLogGroupArn":"arn:aws:logs:ap-northeast-2:123456789012:log-group:CloudTrail:*",
                         "HomeRegion":"ap-northeast-2","HasInsightSelectors":false,"IsOrganizationTrail":false},
                        {"IncludeGlobalServiceEvents":false,"Name":"Trail2","S3KeyPrefix":"my-prefix","TrailARN":"arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/Trail2",
                         "LogFileValidationEnabled":false,"IsMultiRegionTrail":false,"HasCustomEventSelectors":false,"S3BucketName":"amzn-s3-demo-bucket2",
                         "HomeRegion":"ap-northeast-2","IsOrganizationTrail":false},
                        {"Name":"Trail3","TrailARN":"arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/Trail3","S3BucketName":"amzn-s3-demo-bucket3",
                         "IsMultiRegionTrail":false,"HomeRegion":"ap-northeast-2"}
                    ]}"#
                    .to_string(),
                ),
                "GetTrailStatus" => {
                    seen.lock().expect("lock").push(body.clone());
                    let on = body.contains("trail/Trail1");
                    (
                        200,
                        format!(
                            r#"{{"LatestDeliveryTime":1449517556.256,"LatestDeliveryAttemptTime":"2015-12-07T19:45:56Z","LatestNotificationAttemptSucceeded":"",
                                "LatestDeliveryAttemptSucceeded":"2015-12-07T19:45:56Z","IsLogging":{on},"TimeLoggingStarted":"2015-12-07T19:36:27Z",
                                "StartLoggingTime":1449516987.685,"StopLoggingTime":1449516977.332,"LatestNotificationAttemptTime":"","TimeLoggingStopped":""}}"#
                        ),
                    )
                }
                _ => unknown_operation(request),
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: cloudtrail_trail\n    id: Trail1\n    expect: { logging: true, multi_region: true }\n\
             \x20 - kind: cloudtrail_trail\n    id: Trail2\n    expect: { logging: true, log_file_validation: true }\n\
             \x20 - kind: cloudtrail_trail\n    id: Missing\n    expect: { logging: true }\n\
             \x20 - kind: cloudtrail_trail\n    id: Trail3\n    expect: { s3_bucket: amzn-s3-demo-bucket3 }\n",
            |conn, resources| async move {
                let resources: Vec<&Resource> = resources.iter().collect();
                observe_trails(&conn, &resources).await
            },
        )
        .await;
        // One DescribeTrails; GetTrailStatus for each named trail that exists and checks
        // `logging`, by its ARN.
        let mut statuses = statuses.lock().expect("lock").clone();
        statuses.sort();
        assert_eq!(replay.requests().len(), 3, "{:#?}", replay.requests());
        assert_eq!(statuses.len(), 2, "{statuses:?}");
        assert!(
            statuses[0]
                .contains(r#""arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/Trail1""#),
            "{statuses:?}"
        );
        assert!(statuses[1].contains("trail/Trail2"), "{statuses:?}");
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert_eq!(records[0].id, "Trail1");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["logging"], json!(true));
        assert_eq!(attributes["multi_region"], json!(true));
        assert_eq!(attributes["log_file_validation"], json!(true));
        assert_eq!(attributes["s3_bucket"], json!("amzn-s3-demo-bucket"));
        assert_eq!(
            attributes["kms_key_id"],
            json!(
                "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )
        );
        assert_eq!(attributes["include_global_service_events"], json!(true));
        let Observation::Present { attributes, errors } = &records[1].observation else {
            panic!("{records:?}")
        };
        assert_eq!(records[1].id, "Trail2");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["logging"], json!(false));
        assert_eq!(attributes["multi_region"], json!(false));
        assert_eq!(attributes["log_file_validation"], json!(false));
        assert_eq!(attributes["s3_bucket"], json!("amzn-s3-demo-bucket2"));
        assert_eq!(attributes["kms_key_id"], Value::Null);
        assert_eq!(attributes["include_global_service_events"], json!(false));
        assert!(matches!(records[2].observation, Observation::Absent));
        // `logging` not checked: no status read.
        let Observation::Present { attributes, .. } = &records[3].observation else {
            panic!("{records:?}")
        };
        assert!(!attributes.contains_key("logging"), "{attributes:?}");
        assert_eq!(attributes["s3_bucket"], json!("amzn-s3-demo-bucket3"));
    }

    /// A GetTrailStatus failure is an error for `logging` only; the trail's other attributes
    /// stand.
    #[tokio::test]
    async fn get_trail_status_failure_is_an_error_for_logging_only() {
        let replay = Replay::by_request(|request| {
            match target(request) {
            "DescribeTrails" => (
                200,
                r#"{"trailList":[{"Name":"Trail1","TrailARN":"arn:aws:cloudtrail:ap-northeast-2:123456789012:trail/Trail1","IsMultiRegionTrail":true,"S3BucketName":"b","HomeRegion":"ap-northeast-2"}]}"#
                    .to_string(),
            ),
            "GetTrailStatus" => (
                400,
                r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: cloudtrail:GetTrailStatus"}"#
                    .to_string(),
            ),
            _ => unknown_operation(request),
        }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: cloudtrail_trail\n    id: Trail1\n    expect: { logging: true, multi_region: true }\n",
            |conn, resources| async move {
                let resources: Vec<&Resource> = resources.iter().collect();
                observe_trails(&conn, &resources).await
            },
        )
        .await;
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["multi_region"], json!(true));
        assert!(!attributes.contains_key("logging"));
        assert!(
            errors["logging"].contains("cloudtrail:GetTrailStatus"),
            "{errors:?}"
        );
    }

    const RECORDERS_JSON: &str = r#"{"ConfigurationRecorders":[{"name":"default","roleARN":"arn:aws:iam::123456789012:role/config-role",
        "recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":false,"resourceTypes":[]},
        "recordingMode":{"recordingFrequency":"CONTINUOUS"}}]}"#;

    /// DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus as the Config API
    /// reference shows them.
    #[tokio::test]
    async fn describe_configuration_recorders_and_their_status() {
        let replay = Replay::by_request(|request| {
            match target(request) {
            "DescribeConfigurationRecorders" => (200, RECORDERS_JSON.to_string()),
            "DescribeConfigurationRecorderStatus" => (
                200,
                r#"{"ConfigurationRecordersStatus":[{"name":"default","lastStartTime":1465407020.0,"recording":true,
                    "lastStatus":"Success","lastStatusChangeTime":1465427049.0}]}"#
                    .to_string(),
            ),
            _ => unknown_operation(request),
        }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: config_recorder\n    id: default\n    expect: { recording: true, all_supported: true }\n\
             \x20 - kind: config_recorder\n    id: other\n    expect: { recording: true }\n",
            |conn, resources| async move {
                let resources: Vec<&Resource> = resources.iter().collect();
                observe_recorders(&conn, &resources).await
            },
        )
        .await;
        assert_eq!(replay.requests().len(), 2, "{:#?}", replay.requests());
        let records = by_id(&records);
        let Observation::Present { attributes, errors } = records["default"] else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["recording"], json!(true));
        assert_eq!(attributes["all_supported"], json!(true));
        assert_eq!(attributes["include_global_resource_types"], json!(false));
        assert!(matches!(records["other"], Observation::Absent));
    }

    /// `recording` not checked: no status call. Checked, and the status lists another recorder
    /// (or says it is stopped): an error, or `false`, never a guess.
    #[tokio::test]
    async fn describe_configuration_recorder_status_only_when_checked() {
        let status = |body: &'static str| {
            Replay::by_request(move |request| match target(request) {
                "DescribeConfigurationRecorders" => (200, RECORDERS_JSON.to_string()),
                "DescribeConfigurationRecorderStatus" => (200, body.to_string()),
                _ => unknown_operation(request),
            })
        };
        let observe = |conn: Connection, resources: Vec<Resource>| async move {
            let resources: Vec<&Resource> = resources.iter().collect();
            observe_recorders(&conn, &resources).await
        };
        let replay = status(r#"{"ConfigurationRecordersStatus":[]}"#);
        let records = observe_yaml(
            &replay,
            "  - kind: config_recorder\n    id: default\n    expect: { all_supported: true }\n",
            observe,
        )
        .await;
        assert_eq!(replay.requests().len(), 1, "{:#?}", replay.requests());
        let Observation::Present { attributes, .. } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(!attributes.contains_key("recording"));
        assert_eq!(attributes["all_supported"], json!(true));

        let replay = status(
            r#"{"ConfigurationRecordersStatus":[{"name":"another","recording":true,"lastStatus":"Success"}]}"#,
        );
        let records = observe_yaml(
            &replay,
            "  - kind: config_recorder\n    id: default\n    expect: { recording: true }\n",
            observe,
        )
        .await;
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(!attributes.contains_key("recording"));
        assert!(
            errors["recording"].contains("no status for `default`"),
            "{errors:?}"
        );

        let replay = status(
            r#"{"ConfigurationRecordersStatus":[{"name":"default","lastStartTime":1465407020.0,"lastStopTime":1465427049.0,"recording":false,"lastStatus":"Failure","lastErrorCode":"AccessDenied","lastErrorMessage":"denied"}]}"#,
        );
        let records = observe_yaml(
            &replay,
            "  - kind: config_recorder\n    id: default\n    expect: { recording: true }\n",
            observe,
        )
        .await;
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["recording"], json!(false));
    }

    /// No detector in the region: ListDetectors' empty list makes it absent, without a
    /// GetDetector.
    #[tokio::test]
    async fn list_detectors_empty_is_absent() {
        let replay = Replay::new(&[(200, r#"{"detectorIds":[]}"#)]);
        let records = observe_yaml(
            &replay,
            "  - kind: guardduty_detector\n    id: current\n    expect: { status: ENABLED }\n",
            |conn, resources| async move {
                let resources: Vec<&Resource> = resources.iter().collect();
                observe_detectors(&conn, &resources).await
            },
        )
        .await;
        assert_eq!(replay.requests().len(), 1, "{:#?}", replay.requests());
        assert!(
            replay.requests()[0].starts_with("GET ") && replay.requests()[0].contains("/detector"),
            "{:#?}",
            replay.requests()
        );
        assert!(
            matches!(records[0].observation, Observation::Absent),
            "{records:?}"
        );
    }
}
