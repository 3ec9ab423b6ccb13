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
