//! Test support shared by the integration tests.
#![allow(dead_code)]

pub mod moto;
pub mod proxy;
pub mod seed;
