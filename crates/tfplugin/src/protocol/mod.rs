//! Terraform plugin protocol: handshake, TLS, gRPC services.

#[doc(hidden)]
pub mod proto;
