//! Code generated from `/proto` by `build.rs` (prost messages, tonic servers).
//!
//! Not a stable API: it is public only so that `serve` can be generic over the
//! generated `Provider` service trait. Provider code should use the framework
//! types instead of these.

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

/// Terraform plugin protocol 6 (`package tfplugin6`).
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's own services (`package plugin`): controller, stdio, broker.
pub mod plugin {
    tonic::include_proto!("plugin");
}
