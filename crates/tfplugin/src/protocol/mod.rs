//! Terraform plugin protocol: handshake, TLS, gRPC services.
//!
//! [`serve`] (or [`run`] from a plain `main`) runs a `tfplugin6.Provider`
//! gRPC service the way Terraform launches providers: go-plugin handshake,
//! AutoMTLS, and go-plugin's housekeeping services.

mod convert;
mod go_plugin;
mod handshake;
mod listener;
#[doc(hidden)]
pub mod proto;
mod provider_service;
mod rpc;
mod serve;
mod tls;

pub use handshake::HandshakeError;
pub use listener::{GroupError, ListenError};
pub use provider_service::ProviderService;
pub use serve::{run, serve, ServeError, ServeOptions};
pub use tls::TlsError;
