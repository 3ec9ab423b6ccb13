//! Seeding for Route 53 Domains: domains registered through the SDK (moto keeps them per account,
//! in every region). Test-only; only ever pointed at a local emulator.

#![allow(dead_code)]

use aws_config::Region;
use aws_sdk_route53domains::types::{ContactDetail, ContactType, CountryCode};

use super::seed::{emulator_config, Result};

/// A contact: personal data a probe must never record (the tests look for these values).
pub const CONTACT_EMAIL: &str = "ada.lovelace@dorami.example";
pub const CONTACT_PHONE: &str = "+82.212345678";
pub const CONTACT_NAME: &str = "Lovelace";

fn contact() -> ContactDetail {
    ContactDetail::builder()
        .first_name("Ada")
        .last_name(CONTACT_NAME)
        .contact_type(ContactType::Person)
        .address_line1("1 Sejong-daero")
        .city("Seoul")
        .country_code(CountryCode::Kr)
        .zip_code("04524")
        .phone_number(CONTACT_PHONE)
        .email(CONTACT_EMAIL)
        .build()
}

/// Registers `name` for two years (moto refuses one: its expiry check falls a moment short of
/// a year), with the same contact everywhere; `admin_privacy` for the administrative contact,
/// the others private.
pub async fn register(
    endpoint: &str,
    name: &str,
    auto_renew: bool,
    admin_privacy: bool,
) -> Result<()> {
    let cfg = emulator_config(endpoint)
        .to_builder()
        .region(Region::new("us-east-1"))
        .build();
    let client = aws_sdk_route53domains::Client::new(&cfg);
    client
        .register_domain()
        .domain_name(name)
        .duration_in_years(2)
        .auto_renew(auto_renew)
        .admin_contact(contact())
        .registrant_contact(contact())
        .tech_contact(contact())
        .privacy_protect_admin_contact(admin_privacy)
        .privacy_protect_registrant_contact(true)
        .privacy_protect_tech_contact(true)
        .send()
        .await?;
    Ok(())
}
