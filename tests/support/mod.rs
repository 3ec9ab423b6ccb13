//! Test support shared by the integration tests.
#![allow(dead_code)]

pub mod browser;
pub mod demo;
pub mod demo_drift;
pub mod demo_production;
pub mod faults;
pub mod moto;
pub mod proxy;
pub mod s3_regions;
pub mod seed;
pub mod seed_backup_mail;
pub mod seed_dns;
pub mod seed_domains;
pub mod seed_ec2;
pub mod seed_ecs;
pub mod seed_edge;
pub mod seed_iam;
pub mod seed_monitoring;
pub mod seed_security;
