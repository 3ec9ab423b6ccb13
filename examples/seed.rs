//! Seeds a local AWS emulator with the demo environments (used by `scripts/demo`): the
//! live-commerce platform's staging and production environments, the ticketing platform's
//! production environment and the group/social app's production environment.
//! Dev-only: this is the only program that creates resources, and it is not part of the
//! `infra-verify` binary.
//!
//! Usage: cargo run --example seed -- http://127.0.0.1:PORT           seed the four environments
//!        cargo run --example seed -- http://127.0.0.1:PORT night     then the night's three
//!                                                                   changes (the drift demo)

// The seeding modules of the test support, as siblings (they refer to each other with `super::`).
#[path = "../tests/support/demo.rs"]
mod demo;
// (its `fix_demo_gaps` is for the fault tests only)
#[allow(dead_code)]
#[path = "../tests/support/demo_drift.rs"]
mod demo_drift;
#[path = "../tests/support/demo_production.rs"]
mod demo_production;
#[path = "../tests/support/seed.rs"]
mod seed;
#[path = "../tests/support/seed_backup_mail.rs"]
mod seed_backup_mail;
#[path = "../tests/support/seed_dns.rs"]
mod seed_dns;
#[path = "../tests/support/seed_ec2.rs"]
mod seed_ec2;
#[path = "../tests/support/seed_ecs.rs"]
mod seed_ecs;
#[path = "../tests/support/seed_edge.rs"]
mod seed_edge;
#[path = "../tests/support/seed_monitoring.rs"]
mod seed_monitoring;
#[path = "../tests/support/seed_security.rs"]
mod seed_security;

#[tokio::main]
async fn main() -> seed::Result<()> {
    let endpoint = std::env::args()
        .nth(1)
        .ok_or("usage: seed http://127.0.0.1:PORT (a local emulator, never AWS)")?;
    let host_ok = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| endpoint.starts_with(p));
    if !host_ok {
        return Err(
            format!("refusing to seed {endpoint}: only a loopback emulator may be seeded").into(),
        );
    }
    if std::env::args().nth(2).as_deref() == Some("night") {
        demo_drift::change_demo(&endpoint).await?;
        eprintln!("changed the staging environment at {endpoint}:");
        for c in demo_drift::CHANGES {
            eprintln!("  {c}");
        }
        return Ok(());
    }
    demo::seed_demo(&endpoint).await?;
    eprintln!("seeded the staging environment at {endpoint}");
    demo::seed_ticketing(&endpoint).await?;
    eprintln!("seeded the ticketing-production environment at {endpoint}");
    demo::seed_group(&endpoint).await?;
    eprintln!("seeded the group-production environment at {endpoint}");
    demo_production::seed_production(&endpoint).await?;
    eprintln!("seeded the production environment at {endpoint}");
    Ok(())
}
