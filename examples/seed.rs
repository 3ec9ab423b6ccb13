//! Seeds a local AWS emulator with the demo environment (used by `scripts/demo`).
//! Dev-only: this is the only program that creates resources, and it is not part of the
//! `infra-verify` binary.
//!
//! Usage: cargo run --example seed -- http://127.0.0.1:PORT

// The seeding modules of the test support, as siblings (they refer to each other with `super::`).
#[path = "../tests/support/demo.rs"]
mod demo;
#[path = "../tests/support/seed.rs"]
mod seed;
#[path = "../tests/support/seed_ecs.rs"]
mod seed_ecs;
#[path = "../tests/support/seed_edge.rs"]
mod seed_edge;

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
    demo::seed_demo(&endpoint).await?;
    eprintln!("seeded the staging environment at {endpoint}");
    Ok(())
}
