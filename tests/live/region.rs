//! Per-resource `region:`: a resource is looked for in its own region, with one list per
//! operation per region.

use infra_verify::evaluate::{evaluate, Status};
use infra_verify::probe;

use crate::support::moto::Moto;
use crate::support::seed::emulator_config;
use crate::{connection, rt, spec_text};

#[test]
fn a_resource_is_looked_for_in_its_own_region() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(async {
        let us_east = emulator_config(&moto.endpoint)
            .to_builder()
            .region(aws_config::Region::new("us-east-1"))
            .build();
        aws_sdk_secretsmanager::Client::new(&us_east)
            .create_secret()
            .name("global/cdn-signing-key")
            .secret_string("placeholder")
            .send()
            .await
            .expect("secret");
    });
    let spec = spec_text(
        "version: 1\nenvironment: t\naws: { region: ap-northeast-2 }\nresources:\n  - kind: secret\n    id: global/cdn-signing-key\n    region: us-east-1\n    expect: { rotation_enabled: false }\n  - kind: secret\n    id: home/missing\n",
    );
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let report = evaluate(&spec, &snap);
    let got: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        got,
        [
            ("secret/global/cdn-signing-key/exists", Status::Pass),
            (
                "secret/global/cdn-signing-key/rotation_enabled",
                Status::Pass
            ),
            ("secret/home/missing/exists", Status::Missing),
        ]
    );
    // One ListSecrets in each region.
    assert_eq!(
        conn.recorder.calls().get("SecretsManager:ListSecrets"),
        Some(&2)
    );

    // Without the override the secret is not in the home region.
    let spec = spec_text(
        "version: 1\nenvironment: t\naws: { region: ap-northeast-2 }\nresources:\n  - kind: secret\n    id: global/cdn-signing-key\n",
    );
    let snap = rt
        .block_on(probe::observe(&spec, &connection(&moto.endpoint)))
        .expect("observe");
    assert_eq!(evaluate(&spec, &snap).checks[0].status, Status::Missing);
}

/// `aws.regions` and `regions: all`: one entry checked in every region of the environment, each
/// region its own resource (`id@region`), with one list per operation per region.
#[test]
fn one_entry_is_checked_in_every_region_of_the_environment() {
    let moto = Moto::start();
    let rt = rt();
    rt.block_on(async {
        let in_region = |r: &str| {
            emulator_config(&moto.endpoint)
                .to_builder()
                .region(aws_config::Region::new(r.to_string()))
                .build()
        };
        // GuardDuty on at home, suspended in us-east-1, never set up in eu-west-1; EBS
        // encryption by default on at home only.
        for (region, enable) in [("ap-northeast-2", true), ("us-east-1", false)] {
            aws_sdk_guardduty::Client::new(&in_region(region))
                .create_detector()
                .enable(enable)
                .send()
                .await
                .expect("detector");
        }
        aws_sdk_ec2::Client::new(&in_region("ap-northeast-2"))
            .enable_ebs_encryption_by_default()
            .send()
            .await
            .expect("ebs default");
    });
    let spec = spec_text(
        "version: 1\nenvironment: t\naws: { regions: [ap-northeast-2, us-east-1, eu-west-1] }\nresources:\n  \
         - kind: guardduty_detector\n    id: current\n    regions: all\n    expect: { status: ENABLED }\n  \
         - kind: account\n    id: current\n    regions: [ap-northeast-2, us-east-1]\n    expect: { ebs_encryption_by_default: true }\n",
    );
    let conn = connection(&moto.endpoint);
    let snap = rt.block_on(probe::observe(&spec, &conn)).expect("observe");
    let report = evaluate(&spec, &snap);
    let got: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        got,
        [
            (
                "guardduty_detector/current@ap-northeast-2/exists",
                Status::Pass
            ),
            (
                "guardduty_detector/current@ap-northeast-2/status",
                Status::Pass
            ),
            ("guardduty_detector/current@us-east-1/exists", Status::Pass),
            ("guardduty_detector/current@us-east-1/status", Status::Fail),
            (
                "guardduty_detector/current@eu-west-1/exists",
                Status::Missing
            ),
            (
                "guardduty_detector/current@eu-west-1/status",
                Status::Missing
            ),
            ("account/current@ap-northeast-2/exists", Status::Pass),
            (
                "account/current@ap-northeast-2/ebs_encryption_by_default",
                Status::Pass
            ),
            ("account/current@us-east-1/exists", Status::Pass),
            (
                "account/current@us-east-1/ebs_encryption_by_default",
                Status::Fail
            ),
        ]
    );
    // One list per operation and region; one default-encryption read per region.
    let calls = conn.recorder.calls();
    assert_eq!(calls.get("GuardDuty:ListDetectors"), Some(&3));
    assert_eq!(calls.get("EC2:GetEbsEncryptionByDefault"), Some(&2));
    // The snapshot round-trips: an offline evaluation gives the same verdicts.
    let again = infra_verify::snapshot::Snapshot::from_json("t", &snap.to_json()).expect("json");
    assert_eq!(evaluate(&spec, &again).summary, report.summary);
}
