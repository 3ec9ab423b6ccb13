//! Systems Manager, for the EC2 probe's `ec2_instance`s: which instances SSM manages, from one
//! paginated DescribeInstanceInformation per run (every managed node, 50 a page), made only when
//! an instance checks an `ssm_*` attribute or its installed applications; and the applications
//! SSM Inventory recorded on an instance, from ListInventoryEntries (`AWS:Application`, every
//! page), once per managed instance whose checks read them, a bounded number at once.
//!
//! An instance SSM does not manage has no inventory: its `installed_applications` is an error
//! saying so, never an empty list (which a spec's `not_contains` would pass), and no
//! ListInventoryEntries is made for it. Inventory that was never collected (no inventory
//! association: no capture time, no entry) is an error too.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::SystemTime;

use aws_sdk_ssm::types::InstanceInformation;
use aws_sdk_ssm::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{collect_pages, describe_error};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::spec::Resource;

const INSTANCE_INFORMATION: &str = "ssm:DescribeInstanceInformation";
const INVENTORY: &str = "ssm:ListInventoryEntries";
/// The inventory type of installed applications.
const APPLICATIONS: &str = "AWS:Application";
/// The `ec2_instance` attributes DescribeInstanceInformation serves.
const INFORMATION_ATTRIBUTES: [&str; 5] = [
    "ssm_managed",
    "ssm_ping_status",
    "ssm_agent_version",
    "ssm_last_ping_age_minutes",
    "ssm_platform",
];
const APPLICATIONS_ATTRIBUTE: &str = "installed_applications";
/// Most items a page of either list may carry.
const PAGE_SIZE: i32 = 50;

/// What SSM says of the instances the EC2 probe found: nothing when no check asks.
#[derive(Default)]
pub(super) struct Managed {
    /// Every managed node by its id (`None`: not needed; `Err`: why it could not be read).
    information: Option<Result<HashMap<String, InstanceInformation>, String>>,
    /// The applications of each managed instance whose checks read them.
    applications: HashMap<String, Result<Vec<String>, String>>,
    /// Now, in Unix seconds.
    now: i64,
}

/// Whether the resource's checks read an attribute of this operation.
fn reads(resource: &Resource, action: &str) -> bool {
    resource
        .expectations
        .iter()
        .any(|e| e.attribute.operation == action)
}

impl Managed {
    /// Reads what the checks of these instances (spec entry, instance id) need, and nothing else.
    pub(super) async fn read(conn: &Connection, instances: &[(&Resource, &str)]) -> Managed {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        // Inventory is read only for a managed instance: the plan adds the list to its checks.
        if !instances
            .iter()
            .any(|(r, _)| operations_for(r).contains(INSTANCE_INFORMATION))
        {
            return Managed {
                now,
                ..Managed::default()
            };
        }
        let client = crate::client!(aws_sdk_ssm, conn);
        let information = collect_pages(
            client
                .describe_instance_information()
                .max_results(PAGE_SIZE)
                .into_paginator()
                .send(),
            INSTANCE_INFORMATION,
            |page| page.instance_information_list.unwrap_or_default(),
        )
        .await
        .map(|nodes| {
            nodes
                .into_iter()
                .filter_map(|n| Some((n.instance_id()?.to_string(), n)))
                .collect::<HashMap<_, _>>()
        });
        let mut wanted: Vec<&str> = instances
            .iter()
            .filter(|(r, _)| reads(r, INVENTORY))
            .map(|(_, id)| *id)
            .filter(|id| matches!(&information, Ok(nodes) if nodes.contains_key(*id)))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let applications = stream::iter(wanted)
            .map(|id| {
                let client = &client;
                async move { (id.to_string(), applications(client, id).await) }
            })
            .buffered(conn.max_concurrency)
            .collect()
            .await;
        Managed {
            information: Some(information),
            applications,
            now,
        }
    }

    /// Adds the SSM attributes the resource checks to one instance's record (errors for those
    /// that could not be read).
    pub(super) fn add(
        &self,
        resource: &Resource,
        instance_id: Option<&str>,
        attributes: &mut BTreeMap<String, Value>,
        errors: &mut BTreeMap<String, String>,
    ) {
        let (wants_information, wants_applications) = (
            reads(resource, INSTANCE_INFORMATION),
            reads(resource, INVENTORY),
        );
        if !wants_information && !wants_applications {
            return;
        }
        let node = match (&self.information, instance_id) {
            (Some(Ok(nodes)), Some(id)) => Ok(nodes.get(id)),
            (Some(Err(e)), _) => Err(e.clone()),
            (None, _) => Err(format!("`{INSTANCE_INFORMATION}` was not read")),
            (_, None) => Err("the instance has no id".to_string()),
        };
        if wants_information {
            match &node {
                Ok(node) => attributes.extend(information_attributes(*node, self.now)),
                Err(e) => {
                    for a in INFORMATION_ATTRIBUTES {
                        errors.insert(a.to_string(), e.clone());
                    }
                }
            }
        }
        if wants_applications {
            let found = match (node, instance_id) {
                (Err(e), _) => Err(e),
                (Ok(None), _) => Err(format!(
                    "the instance is not managed by Systems Manager (`{INSTANCE_INFORMATION}` does not list it), so SSM Inventory has nothing on it"
                )),
                (Ok(Some(_)), id) => id
                    .and_then(|id| self.applications.get(id))
                    .cloned()
                    .unwrap_or_else(|| Err(format!("`{INVENTORY}` was not read"))),
            };
            match found {
                Ok(names) => {
                    attributes.insert(APPLICATIONS_ATTRIBUTE.into(), json!(names));
                }
                Err(e) => {
                    errors.insert(APPLICATIONS_ATTRIBUTE.into(), e);
                }
            }
        }
    }
}

/// The `ssm_*` attributes of an instance: managed (listed) or not (`false`, the rest null).
fn information_attributes(node: Option<&InstanceInformation>, now: i64) -> Vec<(String, Value)> {
    let age = node
        .and_then(|n| n.last_ping_date_time())
        .map(|t| (now - t.secs()).max(0) / 60);
    vec![
        ("ssm_managed".into(), json!(node.is_some())),
        (
            "ssm_ping_status".into(),
            json!(node.and_then(|n| n.ping_status()).map(|s| s.as_str())),
        ),
        (
            "ssm_agent_version".into(),
            json!(node.and_then(|n| n.agent_version())),
        ),
        ("ssm_last_ping_age_minutes".into(), json!(age)),
        (
            "ssm_platform".into(),
            json!(node.and_then(|n| n.platform_name())),
        ),
    ]
}

/// The names of the applications SSM Inventory recorded on a managed instance, sorted, each
/// once; every page of ListInventoryEntries (the SDK has no paginator for it).
async fn applications(client: &Client, instance_id: &str) -> Result<Vec<String>, String> {
    let mut names = BTreeSet::new();
    let mut captured = false;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_inventory_entries()
            .instance_id(instance_id)
            .type_name(APPLICATIONS)
            .max_results(PAGE_SIZE)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| describe_error(INVENTORY, &e))?;
        captured |= page.capture_time().is_some_and(|t| !t.is_empty());
        names.extend(
            page.entries()
                .iter()
                .filter_map(|entry| entry.get("Name"))
                .filter(|name| !name.is_empty())
                .cloned(),
        );
        // "If there are no additional items to return, the string is empty."
        match page.next_token().filter(|t| !t.is_empty()) {
            None => break,
            Some(next) if token.as_deref() == Some(next) => {
                return Err(format!(
                    "`{INVENTORY}` answered the same page token twice: the list cannot be read to its end"
                ));
            }
            Some(next) => token = Some(next.to_string()),
        }
    }
    if names.is_empty() && !captured {
        return Err(format!(
            "SSM Inventory was never collected on the instance (`{INVENTORY}` reports no capture time and no application): is an inventory association set up?"
        ));
    }
    Ok(names.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;
    use crate::snapshot::{Observation, ResourceRecord};

    /// DescribeInstances (EC2 query protocol) in one page: the instances by their Name tags.
    fn describe_instances(instances: &[(&str, &str)]) -> String {
        let items: String = instances
            .iter()
            .map(|(id, name)| {
                format!(
                    "<item><instanceId>{id}</instanceId><imageId>ami-0abcdef1234567890</imageId>\
                     <instanceState><code>16</code><name>running</name></instanceState>\
                     <instanceType>t3.micro</instanceType><subnetId>subnet-0aaa0000000000001</subnetId>\
                     <metadataOptions><state>applied</state><httpTokens>required</httpTokens></metadataOptions>\
                     <tagSet><item><key>Name</key><value>{name}</value></item></tagSet></item>"
                )
            })
            .collect();
        format!(
            r#"<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet><item><reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>{items}</instancesSet></item></reservationSet></DescribeInstancesResponse>"#
        )
    }

    const WEB: &str = "i-0web0000000000001";
    const BATCH: &str = "i-0batch000000000002";
    const LEGACY: &str = "i-0legacy00000000003";

    fn three_instances() -> String {
        describe_instances(&[(WEB, "web"), (BATCH, "batch"), (LEGACY, "legacy")])
    }

    /// One InstanceInformation as the API reference shapes it (an EC2 instance).
    fn node(id: &str, ping: &str, last_ping: i64, platform: &str) -> String {
        format!(
            r#"{{"InstanceId":"{id}","PingStatus":"{ping}","LastPingDateTime":{last_ping},"AgentVersion":"3.3.1142.0",
            "IsLatestVersion":false,"PlatformType":"Linux","PlatformName":"{platform}","PlatformVersion":"2023",
            "ResourceType":"EC2Instance","IPAddress":"10.0.1.24","ComputerName":"ip-10-0-1-24.ap-northeast-2.compute.internal",
            "AssociationStatus":"Success","LastAssociationExecutionDate":{last_ping},"LastSuccessfulAssociationExecutionDate":{last_ping},
            "AssociationOverview":{{"DetailedStatus":"Success","InstanceAssociationStatusAggregatedCount":{{"Success":1}}}},
            "SourceId":"{id}","SourceType":"AWS::EC2::Instance"}}"#
        )
    }

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        crate::probe::ec2::observe(&replay.connection(), &resources).await
    }

    fn observed<'a>(
        records: &'a [ResourceRecord],
        id: &str,
    ) -> (&'a BTreeMap<String, Value>, &'a BTreeMap<String, String>) {
        match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => (attributes, errors),
            other => panic!("{id}: {other:?}"),
        }
    }

    fn json_error(code: &str, message: &str) -> (u16, String) {
        (
            400,
            format!(r#"{{"__type":"{code}","Message":"{message}"}}"#),
        )
    }

    fn unexpected(request: &str) -> (u16, String) {
        json_error(
            "UnexpectedRequest",
            &request.replace(['"', '\n', '\\'], " "),
        )
    }

    /// DescribeInstanceInformation as the API reference shapes it, on two pages (the second
    /// asked for with the first's token, 50 a page): one call for every instance that checks
    /// it; an instance it does not list is not managed (`ssm_managed: false`, the rest null),
    /// and no inventory is read when no check asks for it.
    #[tokio::test]
    async fn describe_instance_information_reads_every_page_once_for_all_instances() {
        let now = now();
        let first = format!(
            r#"{{"InstanceInformationList":[{}],"NextToken":"AAEAAQAAAAEAAAAB"}}"#,
            node(WEB, "Online", now - 330, "Amazon Linux")
        );
        let second = format!(
            r#"{{"InstanceInformationList":[{},{{"InstanceId":"mi-0123456789abcdef0","PingStatus":"Online","ResourceType":"ManagedInstance","ActivationId":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111","IamRole":"SSMServiceRole","Name":"on-prem","PlatformType":"Linux","PlatformName":"Ubuntu"}}]}}"#,
            node(BATCH, "ConnectionLost", now - 3 * 86_400, "Ubuntu")
        );
        let instances = three_instances();
        let replay =
            Replay::by_request(
                move |request| match request.lines().last().unwrap_or_default() {
                    "AmazonSSM.DescribeInstanceInformation"
                        if request.contains("AAEAAQAAAAEAAAAB") =>
                    {
                        (200, second.clone())
                    }
                    "AmazonSSM.DescribeInstanceInformation" => (200, first.clone()),
                    _ if request.contains("Action=DescribeInstances") => (200, instances.clone()),
                    _ => unexpected(request),
                },
            );
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { ssm_managed: true, ssm_ping_status: Online }\n\
             \x20 - kind: ec2_instance\n    id: batch\n    expect: { ssm_platform: Ubuntu }\n\
             \x20 - kind: ec2_instance\n    id: legacy\n    expect: { ssm_managed: true }\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        let ssm: Vec<&String> = requests.iter().filter(|r| !r.contains("Action=")).collect();
        assert_eq!(ssm.len(), 2, "{requests:#?}");
        assert!(ssm[0].contains(r#""MaxResults":50"#), "{}", ssm[0]);
        assert!(
            ssm[1].contains(r#""NextToken":"AAEAAQAAAAEAAAAB""#),
            "{}",
            ssm[1]
        );
        let (web, errors) = observed(&records, "web");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(web["ssm_managed"], json!(true));
        assert_eq!(web["ssm_ping_status"], json!("Online"));
        assert_eq!(web["ssm_agent_version"], json!("3.3.1142.0"));
        assert_eq!(web["ssm_platform"], json!("Amazon Linux"));
        // 5 min 30 s: 5 whole minutes (6 if the second turned meanwhile).
        assert!(
            matches!(web["ssm_last_ping_age_minutes"].as_i64(), Some(5 | 6)),
            "{web:?}"
        );
        assert_eq!(web["instance_type"], json!("t3.micro"));
        assert!(!web.contains_key("installed_applications"), "{web:?}");
        let (batch, _) = observed(&records, "batch");
        assert_eq!(batch["ssm_ping_status"], json!("ConnectionLost"));
        assert_eq!(batch["ssm_platform"], json!("Ubuntu"));
        assert!(batch["ssm_last_ping_age_minutes"]
            .as_i64()
            .is_some_and(|m| m >= 3 * 1440));
        let (legacy, errors) = observed(&records, "legacy");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(legacy["ssm_managed"], json!(false));
        for a in &INFORMATION_ATTRIBUTES[1..] {
            assert_eq!(legacy[*a], Value::Null, "{a}");
        }

        // No check reads SSM: no SSM call at all.
        let instances = three_instances();
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeInstances") {
                (200, instances.clone())
            } else {
                unexpected(request)
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { state: running }\n",
        )
        .await;
        assert_eq!(replay.requests().len(), 1);
        assert!(!observed(&records, "web").0.contains_key("ssm_managed"));
    }

    /// ListInventoryEntries as the API reference shapes it: `AWS:Application` of each managed
    /// instance whose checks read it, every page (the token of one asked with the next), names
    /// sorted and each once. An instance SSM does not manage is an error without a call; one
    /// whose inventory was never collected is an error, never an empty list.
    #[tokio::test]
    async fn list_inventory_entries_reads_every_page_of_installed_applications() {
        let now = now();
        let information = format!(
            r#"{{"InstanceInformationList":[{},{}]}}"#,
            node(WEB, "Online", now - 60, "Amazon Linux"),
            node(BATCH, "Online", now - 60, "Amazon Linux")
        );
        let entry = |name: &str, version: &str| {
            format!(
                r#"{{"Name":"{name}","Version":"{version}","Release":"1.amzn2023.0.1","Publisher":"Amazon Linux","Architecture":"x86_64",
                "ApplicationType":"System Environment/Daemons","InstalledTime":"2024-11-21T00:00:00Z","URL":"https://example.com","PackageId":"{name}-{version}.rpm"}}"#
            )
        };
        let first = format!(
            r#"{{"TypeName":"AWS:Application","InstanceId":"{WEB}","SchemaVersion":"1.1","CaptureTime":"2024-11-21T09:30:00Z",
            "Entries":[{},{}],"NextToken":"page-2"}}"#,
            entry("nginx", "1.24.0"),
            entry("docker", "25.0.6")
        );
        let second = format!(
            r#"{{"TypeName":"AWS:Application","InstanceId":"{WEB}","SchemaVersion":"1.1","CaptureTime":"2024-11-21T09:30:00Z",
            "Entries":[{},{}],"NextToken":""}}"#,
            entry("amazon-ssm-agent", "3.3.1142.0"),
            entry("docker", "25.0.6")
        );
        let never =
            format!(r#"{{"TypeName":"AWS:Application","InstanceId":"{BATCH}","Entries":[]}}"#);
        let instances = three_instances();
        let replay =
            Replay::by_request(
                move |request| match request.lines().last().unwrap_or_default() {
                    "AmazonSSM.DescribeInstanceInformation" => (200, information.clone()),
                    "AmazonSSM.ListInventoryEntries"
                        if request.contains(WEB) && request.contains(r#""NextToken":"page-2""#) =>
                    {
                        (200, second.clone())
                    }
                    "AmazonSSM.ListInventoryEntries" if request.contains(WEB) => {
                        (200, first.clone())
                    }
                    "AmazonSSM.ListInventoryEntries" if request.contains(BATCH) => {
                        (200, never.clone())
                    }
                    _ if request.contains("Action=DescribeInstances") => (200, instances.clone()),
                    _ => unexpected(request),
                },
            );
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { installed_applications: { contains: docker } }\n\
             \x20 - kind: ec2_instance\n    id: batch\n    expect: { installed_applications: { contains: docker } }\n\
             \x20 - kind: ec2_instance\n    id: legacy\n    expect: { installed_applications: { contains: docker } }\n",
        )
        .await;
        let requests = replay.requests();
        let inventory: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("AWS:Application"))
            .collect();
        // web's two pages and batch's one; none for legacy.
        assert_eq!(inventory.len(), 3, "{requests:#?}");
        assert!(
            !inventory.iter().any(|r| r.contains(LEGACY)),
            "{inventory:#?}"
        );
        assert_eq!(requests.len(), 5, "{requests:#?}");
        let (web, errors) = observed(&records, "web");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            web["installed_applications"],
            json!(["amazon-ssm-agent", "docker", "nginx"])
        );
        // Only what the checks read.
        assert!(!web.contains_key("ssm_managed"), "{web:?}");
        let (batch, errors) = observed(&records, "batch");
        assert!(!batch.contains_key("installed_applications"));
        assert!(
            errors["installed_applications"].contains("never collected"),
            "{errors:?}"
        );
        let (legacy, errors) = observed(&records, "legacy");
        assert!(!legacy.contains_key("installed_applications"));
        assert!(
            errors["installed_applications"].contains("not managed by Systems Manager"),
            "{errors:?}"
        );
        assert_eq!(legacy["state"], json!("running"));
    }

    /// A denied DescribeInstanceInformation is an error of every SSM attribute (and of the
    /// inventory, which is not read); a denied ListInventoryEntries only of the inventory. The
    /// instance's own attributes stay.
    #[tokio::test]
    async fn access_denied_to_ssm_is_an_error_never_a_pass() {
        let instances = three_instances();
        let replay = Replay::by_request(move |request| {
            match request.lines().last().unwrap_or_default() {
                "AmazonSSM.DescribeInstanceInformation" => json_error(
                    "AccessDeniedException",
                    "User: arn:aws:sts::123456789012:assumed-role/verify/session is not authorized to perform: ssm:DescribeInstanceInformation on resource: arn:aws:ssm:ap-northeast-2:123456789012:*",
                ),
                _ if request.contains("Action=DescribeInstances") => (200, instances.clone()),
                _ => unexpected(request),
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { ssm_managed: false, installed_applications: [] }\n",
        )
        .await;
        assert_eq!(replay.requests().len(), 2);
        let (web, errors) = observed(&records, "web");
        for a in INFORMATION_ATTRIBUTES
            .iter()
            .chain([&APPLICATIONS_ATTRIBUTE])
        {
            assert!(!web.contains_key(*a), "{a}: {web:?}");
            assert!(
                errors[*a].contains("`ssm:DescribeInstanceInformation`")
                    && errors[*a].contains("AccessDeniedException"),
                "{a}: {errors:?}"
            );
        }
        assert_eq!(web["state"], json!("running"));

        let information = format!(
            r#"{{"InstanceInformationList":[{}]}}"#,
            node(WEB, "Online", now(), "Amazon Linux")
        );
        let instances = three_instances();
        let replay =
            Replay::by_request(
                move |request| match request.lines().last().unwrap_or_default() {
                    "AmazonSSM.DescribeInstanceInformation" => (200, information.clone()),
                    "AmazonSSM.ListInventoryEntries" => json_error(
                        "AccessDeniedException",
                        "User is not authorized to perform: ssm:ListInventoryEntries",
                    ),
                    _ if request.contains("Action=DescribeInstances") => (200, instances.clone()),
                    _ => unexpected(request),
                },
            );
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { ssm_managed: true, installed_applications: [] }\n",
        )
        .await;
        let (web, errors) = observed(&records, "web");
        assert_eq!(web["ssm_managed"], json!(true));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors["installed_applications"].contains("`ssm:ListInventoryEntries`"),
            "{errors:?}"
        );
    }
}
