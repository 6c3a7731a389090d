//! What the server offers beyond resources: data sources, provider functions and actions, each
//! routed to its registry with the server's context.

use std::sync::atomic::Ordering;

use tfvalue::Value;

use super::action::Progress;
use super::data_source::{with_computed_unknown, DataReadResponse, DeferredReason};
use super::diagnostics::Diagnostics;
use super::function::{FunctionError, Signature};
use super::schema::Schema;
use super::server::ProviderServer;

impl ProviderServer {
    /// Every data source type with its schema.
    pub fn data_source_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.data_sources.schemas()
    }

    /// The schema of a data source type, or a diagnostic naming the known types.
    pub fn data_source_schema(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.data_sources.schema(type_name)
    }

    /// Every provider-defined function with its signature.
    pub fn function_signatures(&self) -> impl Iterator<Item = (&str, &Signature)> {
        self.functions.signatures()
    }

    /// The signature of a function, or an error naming the functions there are.
    pub fn function_signature(&self, name: &str) -> Result<&Signature, FunctionError> {
        self.functions.signature(name)
    }

    /// Calls a function with arguments of its parameters' types.
    pub fn call_function(&self, name: &str, arguments: &[Value]) -> Result<Value, FunctionError> {
        self.functions.call(name, arguments)
    }

    /// Validates a data source's configuration.
    pub async fn validate_data_source_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Diagnostics {
        self.data_sources
            .validate(&self.context(), type_name, config)
            .await
    }

    /// Reads a data source; an unknown configuration (its own or the provider's) is deferred if
    /// `deferral_allowed`, else refused.
    pub async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
        deferral_allowed: bool,
    ) -> DataReadResponse {
        if self.defers_for_provider(deferral_allowed) {
            let state = match self.data_source_schema(type_name) {
                Ok(schema) => with_computed_unknown(schema, config),
                Err(diagnostics) => {
                    return DataReadResponse {
                        diagnostics,
                        ..Default::default()
                    }
                }
            };
            return DataReadResponse {
                state,
                deferred: Some(DeferredReason::ProviderConfigUnknown),
                ..Default::default()
            };
        }
        self.data_sources
            .read(&self.context(), type_name, config, deferral_allowed)
            .await
    }

    /// Every action type with its schema.
    pub fn action_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.actions.schemas()
    }

    /// The schema of an action type, or a diagnostic naming the known types.
    pub fn action_schema(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.actions.schema(type_name)
    }

    /// Validates an action's configuration.
    pub async fn validate_action_config(&self, type_name: &str, config: &Value) -> Diagnostics {
        self.actions
            .validate(&self.context(), type_name, config)
            .await
    }

    /// Plans an action: its checks, or a deferral when the configuration is unknown and the
    /// client allows deferral.
    pub async fn plan_action(
        &self,
        type_name: &str,
        config: &Value,
        deferral_allowed: bool,
    ) -> (Diagnostics, Option<DeferredReason>) {
        if self.defers_for_provider(deferral_allowed) {
            return (
                Diagnostics::new(),
                Some(DeferredReason::ProviderConfigUnknown),
            );
        }
        self.actions
            .plan(&self.context(), type_name, config, deferral_allowed)
            .await
    }

    /// Invokes an action, reporting progress to `progress`.
    pub async fn invoke_action(
        &self,
        type_name: &str,
        config: &Value,
        progress: &Progress,
    ) -> Diagnostics {
        self.actions
            .invoke(&self.context(), type_name, config, progress)
            .await
    }

    /// Configures the provider, or, when its block is not wholly known and the client allows
    /// deferral (Terraform Stacks), records that and leaves it unconfigured: the operations that
    /// need it are then deferred instead of failing on values that are not known yet.
    pub async fn configure_or_defer(&self, config: &Value, deferral_allowed: bool) -> Diagnostics {
        let defer = deferral_allowed && !config.is_wholly_known();
        self.provider_config_unknown.store(defer, Ordering::Relaxed);
        if defer {
            return Diagnostics::new();
        }
        self.configure(config).await
    }

    /// Whether an operation whose client allows deferral is deferred because the provider's
    /// configuration is not known yet.
    pub fn defers_for_provider(&self, deferral_allowed: bool) -> bool {
        deferral_allowed && self.provider_config_unknown.load(Ordering::Relaxed)
    }

    /// The planned state of a change deferred for the provider's configuration: the proposal with
    /// every computed attribute it leaves null unknown (null when destroying).
    pub fn deferred_plan(&self, type_name: &str, proposed: Value) -> Result<Value, Diagnostics> {
        let schema = self.resource_schema(type_name)?;
        Ok(with_computed_unknown(schema, proposed))
    }
}
