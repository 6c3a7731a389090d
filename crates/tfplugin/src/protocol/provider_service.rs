//! The `tfplugin6.Provider` gRPC service: decodes each request, calls the
//! framework's [`ProviderServer`], encodes the answer. One method per RPC,
//! no business logic.

use std::sync::Arc;

use tfvalue::{Type, Value};
use tonic::{Request, Response, Status};

use super::convert::{
    decode_dynamic, diagnostics_to_proto, encode_dynamic, identity_schema_to_proto, schema_to_proto,
};
use super::proto::tfplugin6 as pb;
use crate::framework::{
    ApplyRequest, Diagnostic, Diagnostics, ImportRequest, MoveStateRequest, PlanRequest,
    ProviderServer, ReadRequest, Schema,
};

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

    fn capabilities() -> pb::ServerCapabilities {
        pb::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: true,
            generate_resource_config: false,
        }
    }

    fn note_capabilities(&self, capabilities: Option<&pb::ClientCapabilities>) {
        if let Some(c) = capabilities {
            self.server
                .note_write_only_support(c.write_only_attributes_allowed);
        }
    }

    fn schema_of(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.server.resource_schema(type_name)
    }

    fn identity_data(
        &self,
        type_name: &str,
        state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<pb::ResourceIdentityData> {
        let schema = self.server.identity_schema(type_name)?;
        let identity = self.server.identity(type_name, state)?;
        match encode_dynamic(&identity, schema.value_type(), "resource identity") {
            Ok(v) => Some(pb::ResourceIdentityData {
                identity_data: Some(v),
            }),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    }
}

/// A response that carries only diagnostics: what an RPC answers when it fails before the
/// resource is reached (unknown type, undecodable value, unreadable stored state).
trait Failed: Default {
    fn failed(diagnostics: &Diagnostics) -> Self;
}

macro_rules! failed_with_diagnostics {
    ($($response:ty),* $(,)?) => {$(
        impl Failed for $response {
            #[allow(clippy::needless_update)] // some responses hold nothing but diagnostics
            fn failed(diagnostics: &Diagnostics) -> Self {
                Self {
                    diagnostics: diagnostics_to_proto(diagnostics),
                    ..Default::default()
                }
            }
        }
    )*};
}

failed_with_diagnostics!(
    pb::upgrade_resource_identity::Response,
    pb::validate_provider_config::Response,
    pb::configure_provider::Response,
    pb::validate_resource_config::Response,
    pb::upgrade_resource_state::Response,
    pb::read_resource::Response,
    pb::plan_resource_change::Response,
    pb::apply_resource_change::Response,
    pb::import_resource_state::Response,
    pb::move_resource_state::Response,
);

/// The gRPC answer for an RPC's outcome: the response, or one carrying the diagnostics.
fn answer<T: Failed>(outcome: Result<T, Diagnostics>) -> Result<Response<T>, Status> {
    Ok(Response::new(outcome.unwrap_or_else(|d| T::failed(&d))))
}

/// Decodes a request value; a failure ends the RPC with its diagnostic.
fn decode(value: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    decode_dynamic(value, ty, what).map_err(Diagnostics::from)
}

/// Encodes a value, adding a diagnostic on failure.
fn encode_into(
    value: &Value,
    ty: &Type,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    encode_dynamic(value, ty, what)
        .map_err(|d| diagnostics.push(d))
        .ok()
}

/// The JSON bytes of stored state (`null` when absent); the legacy flatmap form is refused.
fn raw_state_bytes(raw: Option<&pb::RawState>) -> Result<&[u8], Diagnostic> {
    match raw {
        Some(raw) if !raw.json.is_empty() => Ok(raw.json.as_slice()),
        Some(raw) if !raw.flatmap.is_empty() => Err(Diagnostic::error(
            "Unsupported state format",
            "This state is in the legacy flatmap format of Terraform 0.11 and older, which this provider never wrote.",
        )),
        _ => Ok(b"null".as_slice()),
    }
}

/// Stored state parsed as JSON.
fn raw_state_json(raw: Option<&pb::RawState>) -> Result<serde_json::Value, Diagnostic> {
    serde_json::from_slice(raw_state_bytes(raw)?).map_err(|e| {
        Diagnostic::error(
            "Malformed stored state",
            format!("The stored state is not valid JSON: {e}"),
        )
    })
}

/// The body of each RPC that touches a resource or the provider configuration, written with `?`:
/// an early `Err` becomes a response holding only its diagnostics (see [`answer`]).
impl ProviderService {
    fn upgrade_identity(
        &self,
        request: pb::upgrade_resource_identity::Request,
    ) -> Result<pb::upgrade_resource_identity::Response, Diagnostics> {
        let Some(schema) = self.server.identity_schema(&request.type_name) else {
            return Err(Diagnostic::error(
                "Resource has no identity",
                format!("{} has no resource identity.", request.type_name),
            )
            .into());
        };
        if request.version != schema.version {
            return Err(Diagnostic::error(
                "Unsupported identity version",
                format!(
                    "Identity version {} of {} cannot be upgraded.",
                    request.version, request.type_name
                ),
            )
            .into());
        }
        let json = raw_state_json(request.raw_identity.as_ref())?;
        let ty = schema.value_type();
        let raw = pb::DynamicValue {
            msgpack: Vec::new(),
            json: json.to_string().into_bytes(),
        };
        let identity = decode(Some(&raw), ty, "resource identity")?;
        let mut diagnostics = Diagnostics::new();
        let data = encode_into(&identity, ty, "resource identity", &mut diagnostics);
        Ok(pb::upgrade_resource_identity::Response {
            upgraded_identity: data.map(|d| pb::ResourceIdentityData {
                identity_data: Some(d),
            }),
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    }

    /// The provider configuration of a `ValidateProviderConfig` or `ConfigureProvider` request.
    fn provider_config(&self, config: Option<&pb::DynamicValue>) -> Result<Value, Diagnostics> {
        let ty = self.server.provider_schema().value_type();
        decode(config, ty, "provider configuration")
    }

    async fn validate_provider(
        &self,
        request: pb::validate_provider_config::Request,
    ) -> Result<pb::validate_provider_config::Response, Diagnostics> {
        let config = self.provider_config(request.config.as_ref())?;
        let diagnostics = self.server.validate_provider_config(&config).await;
        Ok(pb::validate_provider_config::Response {
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    }

    async fn configure(
        &self,
        request: pb::configure_provider::Request,
    ) -> Result<pb::configure_provider::Response, Diagnostics> {
        let config = self.provider_config(request.config.as_ref())?;
        let diagnostics = self.server.configure(&config).await;
        Ok(pb::configure_provider::Response {
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    }

    async fn validate_resource(
        &self,
        request: pb::validate_resource_config::Request,
    ) -> Result<pb::validate_resource_config::Response, Diagnostics> {
        let schema = self.schema_of(&request.type_name)?;
        let config = decode(
            request.config.as_ref(),
            schema.value_type(),
            "configuration",
        )?;
        let diagnostics = self
            .server
            .validate_resource_config(&request.type_name, &config)
            .await;
        Ok(pb::validate_resource_config::Response {
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    }

    fn upgrade_state(
        &self,
        request: pb::upgrade_resource_state::Request,
    ) -> Result<pb::upgrade_resource_state::Response, Diagnostics> {
        let schema = self.schema_of(&request.type_name)?;
        let raw = raw_state_bytes(request.raw_state.as_ref())?;
        let upgraded = self
            .server
            .upgrade_state(&request.type_name, request.version, raw);
        let mut diagnostics = upgraded.diagnostics;
        let upgraded_state = if diagnostics.has_errors() {
            None
        } else {
            encode_into(
                &upgraded.state,
                schema.value_type(),
                "upgraded state",
                &mut diagnostics,
            )
        };
        Ok(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    }

    async fn read(
        &self,
        request: pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics> {
        let ty = self.schema_of(&request.type_name)?.value_type();
        let current_state = decode(request.current_state.as_ref(), ty, "stored state")?;
        let read = self
            .server
            .read(
                &request.type_name,
                ReadRequest {
                    current_state,
                    private: request.private,
                },
            )
            .await;
        let mut diagnostics = read.diagnostics;
        let new_state = encode_into(&read.new_state, ty, "refreshed state", &mut diagnostics);
        let new_identity =
            self.identity_data(&request.type_name, &read.new_state, &mut diagnostics);
        Ok(pb::read_resource::Response {
            new_state,
            diagnostics: diagnostics_to_proto(&diagnostics),
            private: read.private,
            deferred: None,
            new_identity,
        })
    }

    async fn plan(
        &self,
        request: pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let ty = self.schema_of(&request.type_name)?.value_type();
        let prior_state = decode(request.prior_state.as_ref(), ty, "prior state")?;
        let proposed_state = decode(request.proposed_new_state.as_ref(), ty, "proposed state")?;
        let config = decode(request.config.as_ref(), ty, "configuration")?;
        let plan = self
            .server
            .plan(
                &request.type_name,
                PlanRequest {
                    config,
                    prior_state,
                    proposed_state,
                    prior_private: request.prior_private,
                },
            )
            .await;
        let mut diagnostics = plan.diagnostics;
        let planned_state = encode_into(&plan.planned_state, ty, "planned state", &mut diagnostics);
        let planned_identity =
            self.identity_data(&request.type_name, &plan.planned_state, &mut diagnostics);
        Ok(pb::plan_resource_change::Response {
            planned_state,
            requires_replace: plan
                .requires_replace
                .iter()
                .map(super::convert::path_to_proto)
                .collect(),
            planned_private: plan.planned_private,
            diagnostics: diagnostics_to_proto(&diagnostics),
            legacy_type_system: false,
            deferred: None,
            planned_identity,
        })
    }

    async fn apply(
        &self,
        request: pb::apply_resource_change::Request,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics> {
        let ty = self.schema_of(&request.type_name)?.value_type();
        let prior_state = decode(request.prior_state.as_ref(), ty, "prior state")?;
        let planned_state = decode(request.planned_state.as_ref(), ty, "planned state")?;
        let config = decode(request.config.as_ref(), ty, "configuration")?;
        let applied = self
            .server
            .apply(
                &request.type_name,
                ApplyRequest {
                    config,
                    prior_state,
                    planned_state,
                    planned_private: request.planned_private,
                },
            )
            .await;
        let mut diagnostics = applied.diagnostics;
        let new_state = encode_into(&applied.new_state, ty, "new state", &mut diagnostics);
        let new_identity =
            self.identity_data(&request.type_name, &applied.new_state, &mut diagnostics);
        Ok(pb::apply_resource_change::Response {
            new_state,
            private: applied.private,
            diagnostics: diagnostics_to_proto(&diagnostics),
            legacy_type_system: false,
            new_identity,
        })
    }

    async fn import(
        &self,
        request: pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics> {
        let schema = self.schema_of(&request.type_name)?;
        let identity = match (
            self.server.identity_schema(&request.type_name),
            &request.identity,
        ) {
            (Some(identity_schema), Some(data)) => Some(decode(
                data.identity_data.as_ref(),
                identity_schema.value_type(),
                "resource identity",
            )?),
            _ => None,
        };
        let imported = self
            .server
            .import(
                &request.type_name,
                ImportRequest {
                    id: request.id,
                    identity,
                },
            )
            .await;
        let mut diagnostics = imported.diagnostics;
        let mut imported_resources = Vec::new();
        if !diagnostics.has_errors() {
            let state = encode_into(
                &imported.state,
                schema.value_type(),
                "imported state",
                &mut diagnostics,
            );
            let identity =
                self.identity_data(&request.type_name, &imported.state, &mut diagnostics);
            imported_resources.push(pb::import_resource_state::ImportedResource {
                type_name: request.type_name.clone(),
                state,
                private: imported.private,
                identity,
            });
        }
        Ok(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diagnostics_to_proto(&diagnostics),
            deferred: None,
        })
    }

    fn move_state(
        &self,
        request: pb::move_resource_state::Request,
    ) -> Result<pb::move_resource_state::Response, Diagnostics> {
        let schema = self.schema_of(&request.target_type_name)?;
        let source_state_json = raw_state_json(request.source_state.as_ref())?;
        let moved = self.server.move_state(
            &request.target_type_name,
            MoveStateRequest {
                source_provider: request.source_provider_address,
                source_type_name: request.source_type_name,
                source_schema_version: request.source_schema_version,
                source_state_json,
            },
        );
        let mut diagnostics = moved.diagnostics;
        let (target_state, target_identity) = if diagnostics.has_errors() {
            (None, None)
        } else {
            let state = encode_into(
                &moved.state,
                schema.value_type(),
                "moved state",
                &mut diagnostics,
            );
            (
                state,
                self.identity_data(&request.target_type_name, &moved.state, &mut diagnostics),
            )
        };
        Ok(pb::move_resource_state::Response {
            target_state,
            diagnostics: diagnostics_to_proto(&diagnostics),
            target_private: Vec::new(),
            target_identity,
        })
    }
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        tracing::debug!(tf_rpc = "GetMetadata", "received request");
        let resources = self
            .server
            .resource_schemas()
            .map(|(name, _)| pb::get_metadata::ResourceMetadata {
                type_name: name.to_string(),
            })
            .collect();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(Self::capabilities()),
            resources,
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        tracing::debug!(tf_rpc = "GetProviderSchema", "received request");
        let resource_schemas = self
            .server
            .resource_schemas()
            .map(|(name, s)| (name.to_string(), schema_to_proto(s)))
            .collect();
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(self.server.provider_schema())),
            resource_schemas,
            server_capabilities: Some(Self::capabilities()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        tracing::debug!(tf_rpc = "GetResourceIdentitySchemas", "received request");
        let identity_schemas = self
            .server
            .identity_schemas()
            .map(|(name, s)| (name.to_string(), identity_schema_to_proto(s)))
            .collect();
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas,
            diagnostics: Vec::new(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "UpgradeResourceIdentity", tf_resource_type = %request.type_name, "received request");
        answer(self.upgrade_identity(request))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        tracing::debug!(tf_rpc = "ValidateProviderConfig", "received request");
        answer(self.validate_provider(request.into_inner()).await)
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        tracing::debug!(tf_rpc = "ConfigureProvider", "received request");
        let request = request.into_inner();
        self.note_capabilities(request.client_capabilities.as_ref());
        answer(self.configure(request).await)
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        self.note_capabilities(request.client_capabilities.as_ref());
        tracing::debug!(tf_rpc = "ValidateResourceConfig", tf_resource_type = %request.type_name, "received request");
        answer(self.validate_resource(request).await)
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "UpgradeResourceState", tf_resource_type = %request.type_name, "received request");
        answer(self.upgrade_state(request))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let request = request.into_inner();
        self.note_capabilities(request.client_capabilities.as_ref());
        tracing::debug!(tf_rpc = "ReadResource", tf_resource_type = %request.type_name, "received request");
        answer(self.read(request).await)
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        self.note_capabilities(request.client_capabilities.as_ref());
        tracing::debug!(tf_rpc = "PlanResourceChange", tf_resource_type = %request.type_name, "received request");
        answer(self.plan(request).await)
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ApplyResourceChange", tf_resource_type = %request.type_name, "received request");
        answer(self.apply(request).await)
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "ImportResourceState", tf_resource_type = %request.type_name, "received request");
        answer(self.import(request).await)
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(tf_rpc = "MoveResourceState", tf_resource_type = %request.target_type_name, "received request");
        answer(self.move_state(request))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        tracing::debug!(tf_rpc = "GetFunctions", "received request");
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::debug!(tf_rpc = "StopProvider", "received request");
        self.server.stop();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
