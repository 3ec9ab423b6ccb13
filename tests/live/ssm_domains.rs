//! Systems Manager on EC2 instances and Route 53 Domains' registered domains against moto.
//!
//! moto 5.2.5 does not implement DescribeInstanceInformation or ListInventoryEntries (it answers
//! 500): the SSM attributes are errors against moto itself, and a loopback proxy in front of moto
//! answers those two operations as the API reference shapes them for the instances moto runs
//! (the rest of the run, EC2 included, is moto's). Registered domains are moto's own
//! (RegisterDomain, ListDomains, GetDomainDetail).

use std::sync::OnceLock;

use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed_domains::{register, CONTACT_EMAIL, CONTACT_NAME, CONTACT_PHONE};
use crate::support::seed_ec2::seed;
use crate::{
    assert_only_expectations_fail, check, connection, not_passing, observe, rt, spec_text,
};

/// The instance id of moto's `dorami-bastion`, the one SSM manages behind the proxy.
static MANAGED: OnceLock<String> = OnceLock::new();

fn json(body: String) -> Answer {
    Answer {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body,
    }
}

/// SSM as AWS answers it for this account: `dorami-bastion` managed (Online, Amazon Linux, a
/// ping a minute ago) with docker, nginx and the agent in its inventory; `dorami-worker` not.
fn ssm_as_aws(request: &str) -> Option<Answer> {
    let managed = MANAGED.get()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match amz_target(request)? {
        "AmazonSSM.DescribeInstanceInformation" => Some(json(format!(
            r#"{{"InstanceInformationList":[{{"InstanceId":"{managed}","PingStatus":"Online","LastPingDateTime":{},
            "AgentVersion":"3.3.1142.0","IsLatestVersion":true,"PlatformType":"Linux","PlatformName":"Amazon Linux",
            "PlatformVersion":"2023","ResourceType":"EC2Instance","IPAddress":"10.0.0.10","ComputerName":"ip-10-0-0-10.ap-northeast-2.compute.internal",
            "SourceId":"{managed}","SourceType":"AWS::EC2::Instance"}}]}}"#,
            now - 60
        ))),
        "AmazonSSM.ListInventoryEntries" if request.contains(managed.as_str()) => {
            Some(json(format!(
                r#"{{"TypeName":"AWS:Application","InstanceId":"{managed}","SchemaVersion":"1.1","CaptureTime":"2026-12-01T09:30:00Z",
            "Entries":[{{"Name":"nginx","Version":"1.24.0"}},{{"Name":"docker","Version":"25.0.6"}},{{"Name":"amazon-ssm-agent","Version":"3.3.1142.0"}}]}}"#
            )))
        }
        "AmazonSSM.ListInventoryEntries" => Some(Answer::json_error(400, "InvalidInstanceId")),
        _ => None,
    }
}

/// SSM refusing DescribeInstanceInformation to the caller.
fn ssm_denied(request: &str) -> Option<Answer> {
    (amz_target(request)? == "AmazonSSM.DescribeInstanceInformation")
        .then(|| Answer::json_error(400, "AccessDeniedException"))
}

const SSM_SPEC: &str = r#"
version: 1
environment: test
resources:
  - kind: ec2_instance
    id: dorami-bastion
    expect:
      ssm_managed: true
      ssm_ping_status: Online
      ssm_agent_version: 3.3.1142.0
      ssm_platform: Amazon Linux
      ssm_last_ping_age_minutes: { at_most: 5 }
      installed_applications: { contains: docker }
  - kind: ec2_instance
    id: dorami-worker
    expect: { ssm_managed: false, instance_type: t3.small }
"#;

/// moto lacks the two SSM operations: against it the SSM checks are errors, never a pass. With
/// SSM answered as AWS does: managed and inventory pass, wrong values fail with the actual one,
/// an unmanaged instance's inventory is an error (no inventory call for it), and a denied
/// DescribeInstanceInformation is an error naming the action; the EC2 checks stay moto's.
#[test]
fn ssm_managed_instances_and_their_installed_applications() {
    let moto = Moto::start();
    let w = rt().block_on(seed(&moto.endpoint)).expect("seed");
    let (_, report, _) = observe(&moto.endpoint, SSM_SPEC);
    for a in ["ssm_managed", "installed_applications"] {
        let c = check(&report, &format!("ec2_instance/dorami-bastion/{a}"));
        assert_eq!(c.status, Status::Error, "{a}: {}", c.message);
        assert!(
            c.message.contains("ssm:DescribeInstanceInformation"),
            "{}",
            c.message
        );
    }
    assert_eq!(
        check(&report, "ec2_instance/dorami-worker/instance_type").status,
        Status::Pass
    );

    MANAGED.set(w.bastion.clone()).expect("set once");
    let aws = proxy::start(moto.port, ssm_as_aws);
    let (_, report, calls) = observe(&aws.endpoint, SSM_SPEC);
    assert_eq!(not_passing(&report), []);
    assert_eq!(calls.get("SSM:DescribeInstanceInformation"), Some(&1));
    assert_eq!(calls.get("SSM:ListInventoryEntries"), Some(&1));

    let (snapshot, report, calls) = observe(
        &aws.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: ec2_instance
    id: dorami-bastion
    expect: { ssm_managed: false, ssm_platform: Ubuntu, installed_applications: { contains: podman } }
  - kind: ec2_instance
    id: dorami-worker
    expect: { ssm_managed: true, ssm_ping_status: Online }
"#,
    );
    assert_eq!(assert_only_expectations_fail(&report), 5);
    assert_eq!(
        check(
            &report,
            "ec2_instance/dorami-bastion/installed_applications"
        )
        .actual,
        serde_json::json!(["amazon-ssm-agent", "docker", "nginx"])
    );
    assert_eq!(
        check(&report, "ec2_instance/dorami-worker/ssm_ping_status").actual,
        serde_json::Value::Null
    );
    assert!(calls.get("SSM:DescribeInstanceInformation") == Some(&1));
    assert!(serde_json::to_string(&snapshot)
        .expect("json")
        .contains("amazon-ssm-agent"));

    // Not managed: its inventory is an error, and no inventory call is made for it.
    let (_, report, calls) = observe(
        &aws.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: ec2_instance\n    id: dorami-worker\n    expect: { installed_applications: [] }\n",
    );
    let c = check(&report, "ec2_instance/dorami-worker/installed_applications");
    assert_eq!(c.status, Status::Error);
    assert!(
        c.message.contains("not managed by Systems Manager"),
        "{}",
        c.message
    );
    assert_eq!(calls.get("SSM:ListInventoryEntries"), None);

    let denied = proxy::start(moto.port, ssm_denied);
    let (_, report, _) = observe(&denied.endpoint, SSM_SPEC);
    for a in ["ssm_managed", "ssm_ping_status", "installed_applications"] {
        let c = check(&report, &format!("ec2_instance/dorami-bastion/{a}"));
        assert_eq!(c.status, Status::Error, "{a}");
        assert!(
            c.message.contains("ssm:DescribeInstanceInformation")
                && c.message.contains("AccessDenied"),
            "{}",
            c.message
        );
    }
    assert_eq!(
        check(&report, "ec2_instance/dorami-worker/instance_type").status,
        Status::Pass
    );
}

/// `dorami.com` (no auto-renew, administrative contact public) and `dorami-shop.net`
/// (auto-renew, every contact private).
async fn seed_domains(endpoint: &str) {
    register(endpoint, "dorami.com", false, false)
        .await
        .expect("register");
    register(endpoint, "dorami-shop.net", true, true)
        .await
        .expect("register");
}

const DOMAIN_SPEC: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: route53_domain
    id: Dorami.com.
    expect:
      auto_renew: false
      transfer_lock: true
      expiry: { matches: '^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$' }
      days_to_expiry: { at_least: 700 }
      registrar: GANDI SAS
      nameservers: [ns-2048.awscdn-64.net, ns-2049.awscdn-65.net, ns-2050.awscdn-66.net, ns-2051.awscdn-67.net]
      admin_privacy: false
      registrant_privacy: true
      tech_privacy: true
      dnssec: false
  - kind: route53_domain
    id: dorami-shop.net
    expect: { auto_renew: true, admin_privacy: true }
  - kind: route53_domain
    id: dorami-shop.com
    expect: { auto_renew: true }
"#;

/// Every attribute moto models passes (the domain named in another case with a trailing dot:
/// GetDomainDetail is asked with the listed name, which moto insists on); a domain not
/// registered is missing; one ListDomains, one GetDomainDetail per domain whose checks read it;
/// no contact detail in the snapshot or the raw responses kept for evidence.
#[test]
fn registered_domains_pass_and_a_missing_one_is_missing() {
    let moto = Moto::start();
    rt().block_on(seed_domains(&moto.endpoint));
    let spec = spec_text(DOMAIN_SPEC);
    let mut conn = connection(&moto.endpoint);
    conn.recorder = infra_verify::aws::CallRecorder::capturing();
    let snapshot = rt()
        .block_on(infra_verify::probe::observe(&spec, &conn))
        .expect("observe");
    let report = infra_verify::evaluate::evaluate(&spec, &snapshot);
    assert_eq!(
        not_passing(&report),
        [
            (
                "route53_domain/dorami-shop.com/exists",
                Status::Missing,
                check(&report, "route53_domain/dorami-shop.com/exists")
                    .message
                    .as_str()
            ),
            (
                "route53_domain/dorami-shop.com/auto_renew",
                Status::Missing,
                check(&report, "route53_domain/dorami-shop.com/auto_renew")
                    .message
                    .as_str()
            ),
        ]
    );
    let calls = conn.recorder.calls();
    assert_eq!(calls.get("Route53Domains:ListDomains"), Some(&1));
    assert_eq!(calls.get("Route53Domains:GetDomainDetail"), Some(&2));
    let raw = conn.recorder.raw_calls();
    assert!(raw
        .iter()
        .all(|c| c.region.as_deref() == Some("us-east-1") || c.service != "Route53Domains"));
    let kept = serde_json::to_string(&raw).expect("json");
    let recorded = serde_json::to_string(&snapshot).expect("json");
    assert!(kept.contains("GANDI SAS"), "the detail is kept");
    for personal in [CONTACT_EMAIL, CONTACT_PHONE, CONTACT_NAME] {
        assert!(!recorded.contains(personal), "{personal} in the snapshot");
        assert!(!kept.contains(personal), "{personal} in the raw responses");
    }
}

/// Wrong expectations fail with the actual values.
#[test]
fn registered_domains_report_failures_with_the_actual_value() {
    let moto = Moto::start();
    rt().block_on(seed_domains(&moto.endpoint));
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: route53_domain
    id: dorami.com
    expect:
      auto_renew: true
      transfer_lock: false
      days_to_expiry: { at_least: 1000 }
      registrar: Amazon Registrar, Inc.
      status_list: { contains: clientTransferProhibited }
      nameservers: { contains: ns-1.awsdns-01.org }
      admin_privacy: true
      dnssec: true
"#,
    );
    assert_eq!(assert_only_expectations_fail(&report), 8);
    assert_eq!(
        check(&report, "route53_domain/dorami.com/registrar").actual,
        "GANDI SAS"
    );
    assert_eq!(
        check(&report, "route53_domain/dorami.com/status_list").actual,
        serde_json::json!(["SUCCEEDED"])
    );
}

fn detail_denied(request: &str) -> Option<Answer> {
    (amz_target(request)? == "Route53Domains_v20140515.GetDomainDetail")
        .then(|| Answer::json_error(400, "AccessDeniedException"))
}

fn list_denied(request: &str) -> Option<Answer> {
    (amz_target(request)? == "Route53Domains_v20140515.ListDomains")
        .then(|| Answer::json_error(400, "AccessDeniedException"))
}

/// A denied GetDomainDetail is an error of its attributes (the listed ones still pass); a
/// denied ListDomains an error of the whole domain, never missing.
#[test]
fn registered_domains_denied_are_errors() {
    let moto = Moto::start();
    rt().block_on(seed_domains(&moto.endpoint));
    let spec = "version: 1\nenvironment: test\nresources:\n  - kind: route53_domain\n    id: dorami.com\n    expect: { auto_renew: false, registrar: GANDI SAS }\n";
    let guard = proxy::start(moto.port, detail_denied);
    let (_, report, _) = observe(&guard.endpoint, spec);
    let c = check(&report, "route53_domain/dorami.com/registrar");
    assert_eq!(c.status, Status::Error);
    assert!(
        c.message.contains("route53domains:GetDomainDetail"),
        "{}",
        c.message
    );
    assert_eq!(
        check(&report, "route53_domain/dorami.com/auto_renew").status,
        Status::Pass
    );
    let guard = proxy::start(moto.port, list_denied);
    let (_, report, _) = observe(&guard.endpoint, spec);
    let c = check(&report, "route53_domain/dorami.com/exists");
    assert_eq!(c.status, Status::Error);
    assert!(
        c.message.contains("route53domains:ListDomains"),
        "{}",
        c.message
    );
}
