//! The smallest provider binary built on `tfplugin::protocol`: no resources,
//! empty schemas. Used by the handshake integration test, and handy for
//! poking at the plugin protocol (`cargo run --example minimal_provider -- --debug`).

use tfplugin::protocol::proto::tfplugin6 as pb;
use tfplugin::protocol::proto::tfplugin6::provider_server::Provider;
use tfplugin::protocol::{run, ServeOptions};
use tonic::{Request, Response, Status};

/// A provider with nothing in it. RPCs not written out here answer
/// `UNIMPLEMENTED` (generated default stubs); the ones Terraform calls for
/// any provider return empty, successful responses.
struct MinimalProvider;

#[tonic::async_trait]
impl Provider for MinimalProvider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let empty = pb::Schema {
            version: 0,
            block: Some(pb::schema::Block::default()),
        };
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(empty.clone()),
            provider_meta: Some(empty),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        _: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn configure_provider(
        &self,
        _: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        Ok(Response::new(Default::default()))
    }
}

fn main() {
    let options = ServeOptions {
        provider_address: "registry.terraform.io/example/minimal".to_owned(),
        debug: std::env::args().skip(1).any(|a| a == "--debug"),
    };
    std::process::exit(run(MinimalProvider, options));
}
