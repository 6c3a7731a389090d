//! A Terraform plugin-protocol-6 server and resource framework.
//!
//! `protocol` speaks to Terraform (handshake, TLS, gRPC services, proto
//! conversion); `framework` is the protocol-independent core resources are
//! written against.

#![warn(missing_docs)]

pub mod framework;
pub mod logging;
pub mod protocol;
