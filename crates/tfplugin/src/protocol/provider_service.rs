//! The `tfplugin6.Provider` gRPC service: a thin shim that logs each call and hands it to its
//! unit in [`rpc`](super::rpc). No decoding, no business logic.

use std::sync::Arc;

use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use super::proto::tfplugin6 as pb;
use super::rpc;
use crate::framework::ProviderServer;

/// The gRPC face of a [`ProviderServer`].
#[derive(Clone)]
pub struct ProviderService {
    server: Arc<ProviderServer>,
}

impl ProviderService {
    /// Wraps a provider server.
    pub fn new(server: ProviderServer) -> Self {
        Self {
            server: Arc::new(server),
        }
    }

    /// The server this service routes to.
    pub fn server(&self) -> &ProviderServer {
        &self.server
    }
}

/// Every RPC answers with a response: failures travel as diagnostics, never as gRPC errors.
fn ok<T>(response: T) -> Result<Response<T>, Status> {
    Ok(Response::new(response))
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        tracing::debug!(tf_rpc = "GetMetadata", "received request");
        ok(rpc::schema::get_metadata(&self.server))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        tracing::debug!(tf_rpc = "GetProviderSchema", "received request");
        ok(rpc::schema::get_provider_schema(&self.server))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        tracing::debug!(tf_rpc = "GetResourceIdentitySchemas", "received request");
        ok(rpc::schema::get_resource_identity_schemas(&self.server))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "UpgradeResourceIdentity", tf_resource_type = %request.type_name, "received request");
        ok(rpc::upgrade_identity::upgrade_resource_identity(
            &self.server,
            request,
        ))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        tracing::debug!(tf_rpc = "ValidateProviderConfig", "received request");
        ok(
            rpc::provider_config::validate_provider_config(&self.server, request.into_inner())
                .await,
        )
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        tracing::debug!(tf_rpc = "ConfigureProvider", "received request");
        ok(rpc::provider_config::configure_provider(&self.server, request.into_inner()).await)
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ValidateResourceConfig", tf_resource_type = %request.type_name, "received request");
        ok(rpc::validate_resource::validate_resource_config(&self.server, request).await)
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "UpgradeResourceState", tf_resource_type = %request.type_name, "received request");
        ok(rpc::upgrade_state::upgrade_resource_state(
            &self.server,
            request,
        ))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ReadResource", tf_resource_type = %request.type_name, "received request");
        ok(rpc::read::read_resource(&self.server, request).await)
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "PlanResourceChange", tf_resource_type = %request.type_name, "received request");
        ok(rpc::plan::plan_resource_change(&self.server, request).await)
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ApplyResourceChange", tf_resource_type = %request.type_name, "received request");
        ok(rpc::apply::apply_resource_change(&self.server, request).await)
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ImportResourceState", tf_resource_type = %request.type_name, "received request");
        ok(rpc::import::import_resource_state(&self.server, request).await)
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "MoveResourceState", tf_resource_type = %request.target_type_name, "received request");
        ok(rpc::move_state::move_resource_state(&self.server, request))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ValidateDataResourceConfig", tf_data_source_type = %request.type_name, "received request");
        ok(rpc::validate_data_source::validate_data_resource_config(&self.server, request).await)
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ReadDataSource", tf_data_source_type = %request.type_name, "received request");
        ok(rpc::read_data_source::read_data_source(&self.server, request).await)
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        tracing::debug!(tf_rpc = "GetFunctions", "received request");
        ok(rpc::functions::get_functions(&self.server))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "CallFunction", tf_function_name = %request.name, "received request");
        ok(rpc::call_function::call_function(&self.server, request))
    }

    async fn validate_action_config(
        &self,
        request: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ValidateActionConfig", tf_action_type = %request.type_name, "received request");
        ok(rpc::validate_action::validate_action_config(&self.server, request).await)
    }

    async fn plan_action(
        &self,
        request: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "PlanAction", tf_action_type = %request.action_type, "received request");
        ok(rpc::plan_action::plan_action(&self.server, request).await)
    }

    async fn invoke_action(
        &self,
        request: Request<pb::invoke_action::Request>,
    ) -> Result<Response<BoxStream<pb::invoke_action::Event>>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "InvokeAction", tf_action_type = %request.action_type, "received request");
        ok(rpc::invoke_action::invoke_action(
            self.server.clone(),
            request,
        ))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ValidateListResourceConfig", tf_resource_type = %request.type_name, "received request");
        ok(rpc::validate_list_resource::validate_list_resource_config(&self.server, request).await)
    }

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Result<Response<BoxStream<pb::list_resource::Event>>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ListResource", tf_resource_type = %request.type_name, "received request");
        ok(rpc::list_resource::list_resource(
            self.server.clone(),
            request,
        ))
    }

    async fn generate_resource_config(
        &self,
        request: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "GenerateResourceConfig", tf_resource_type = %request.type_name, "received request");
        ok(rpc::generate_config::generate_resource_config(
            &self.server,
            request,
        ))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::debug!(tf_rpc = "StopProvider", "received request");
        ok(rpc::stop::stop_provider(&self.server))
    }
}
