//! Test support: a fake Azure Resource Manager and the OpenAPI validator it checks every call with.

// Shared by several test crates, each using a different part.
#![allow(unreachable_pub, dead_code)]

pub mod server;
pub mod validator;
