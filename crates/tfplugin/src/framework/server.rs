//! The protocol-independent provider server: routes each operation to its resource and
//! runs the framework's steps around the resource's own code.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tfvalue::{Type, Value};
use tokio_util::sync::CancellationToken;

use super::action::Actions;
use super::data_source::DataSources;
use super::diagnostics::{Diagnostic, Diagnostics};
use super::function::Functions;
use super::list_resource::ListResources;
use super::plan::{apply_schema_steps, null_write_only};
use super::resource::{
    ApplyRequest, ApplyResponse, Context, ImportRequest, ImportResponse, MoveStateRequest,
    MoveStateResponse, PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse, Resource,
    UpgradeStateRequest, UpgradeStateResponse,
};
use super::schema::Schema;
use super::validate::validate_config;

struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    identity_schema: Option<Schema>,
}

/// Serves one provider: holds its schemas (built once), its configured data and its stop signal.
pub struct ProviderServer {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    resources: BTreeMap<String, ResourceEntry>,
    pub(super) data_sources: DataSources,
    pub(super) functions: Functions,
    pub(super) actions: Actions,
    pub(super) list_resources: ListResources,
    provider_data: RwLock<Option<Arc<dyn Any + Send + Sync>>>,
    cancel: CancellationToken,
    /// Whether the client keeps write-only values out of plan and state (Terraform 1.11+).
    /// Older clients treat such attributes as ordinary sensitive ones and would reject a
    /// plan or state that drops them.
    write_only_supported: AtomicBool,
    /// Whether `configure` was skipped because the provider block was not known yet and the
    /// client allows deferral: operations needing the provider are deferred, not failed.
    pub(super) provider_config_unknown: AtomicBool,
}

impl ProviderServer {
    /// Builds the server, computing every schema once.
    pub fn new(provider: impl Provider) -> Self {
        let provider: Arc<dyn Provider> = Arc::new(provider);
        let resources = provider
            .resources()
            .into_iter()
            .map(|resource| {
                let entry = ResourceEntry {
                    schema: resource.schema(),
                    identity_schema: resource.identity_schema(),
                    resource,
                };
                (entry.resource.type_name().to_string(), entry)
            })
            .collect();
        Self {
            data_sources: DataSources::new(provider.data_sources()),
            functions: Functions::new(provider.functions()),
            actions: Actions::new(provider.actions()),
            list_resources: ListResources::new(provider.list_resources()),
            provider_schema: provider.schema(),
            provider,
            resources,
            provider_data: RwLock::new(None),
            cancel: CancellationToken::new(),
            write_only_supported: AtomicBool::new(false),
            provider_config_unknown: AtomicBool::new(false),
        }
    }

    /// The provider's local name.
    pub fn provider_name(&self) -> &'static str {
        self.provider.type_name()
    }

    /// The provider block's schema.
    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    /// Every resource type with its schema.
    pub fn resource_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.resources
            .iter()
            .map(|(name, e)| (name.as_str(), &e.schema))
    }

    /// Every resource type that has an identity, with its identity schema.
    pub fn identity_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.resources
            .iter()
            .filter_map(|(name, e)| e.identity_schema.as_ref().map(|s| (name.as_str(), s)))
    }

    /// The schema of a resource type, or a diagnostic naming the known types.
    pub fn resource_schema(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.entry(type_name).map(|e| &e.schema)
    }

    /// The identity schema of a resource type, if it has one.
    pub fn identity_schema(&self, type_name: &str) -> Option<&Schema> {
        self.resources.get(type_name)?.identity_schema.as_ref()
    }

    fn entry(&self, type_name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.resources.get(type_name).ok_or_else(|| {
            let known = self
                .resources
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {type_name:?}; it has: {known}."),
            )
            .into()
        })
    }

    pub(super) fn context(&self) -> Context {
        Context {
            provider_data: self.provider_data.read().ok().and_then(|d| d.clone()),
            cancel: self.cancel.clone(),
        }
    }

    /// Records that the client announced support for write-only attributes.
    pub fn note_write_only_support(&self, supported: bool) {
        if supported {
            self.write_only_supported.store(true, Ordering::Relaxed);
        }
    }

    /// Whether write-only attributes are kept out of plan and state (the client supports them).
    pub fn write_only_supported(&self) -> bool {
        self.write_only_supported.load(Ordering::Relaxed)
    }

    /// Cancels all in-flight work (Terraform's StopProvider).
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// Whether Terraform asked the provider to stop.
    pub fn is_stopped(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Validates the provider block.
    pub async fn validate_provider_config(&self, config: &Value) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        validate_config(&self.provider_schema.attributes, config, &mut diagnostics);
        self.provider.validate(config, &mut diagnostics).await;
        diagnostics
    }

    /// Configures the provider; later operations see what it returns.
    pub async fn configure(&self, config: &Value) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let data = self.provider.configure(config, &mut diagnostics).await;
        if let Ok(mut slot) = self.provider_data.write() {
            *slot = data;
        }
        diagnostics
    }

    /// Validates a resource's configuration.
    pub async fn validate_resource_config(&self, type_name: &str, config: &Value) -> Diagnostics {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(d) => return d,
        };
        let mut diagnostics = Diagnostics::new();
        validate_config(&entry.schema.attributes, config, &mut diagnostics);
        entry
            .resource
            .validate(&self.context(), config, &mut diagnostics)
            .await;
        diagnostics
    }

    /// Plans a change: schema steps, then the resource's own plan step.
    pub async fn plan(&self, type_name: &str, request: PlanRequest) -> PlanResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return PlanResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = PlanResponse {
            planned_private: request.prior_private.clone(),
            ..Default::default()
        };
        if request.is_destroy() {
            response.planned_state = Value::Null;
            entry
                .resource
                .modify_plan(&self.context(), &request, &mut response)
                .await;
            return response;
        }
        let mut planned = request.proposed_state.clone();
        let steps = apply_schema_steps(
            &entry.schema.attributes,
            &request.config,
            &request.prior_state,
            &mut planned,
            self.write_only_supported(),
        );
        response.planned_state = planned;
        response.requires_replace = steps.requires_replace;
        entry
            .resource
            .modify_plan(&self.context(), &request, &mut response)
            .await;
        response.requires_replace.sort();
        response.requires_replace.dedup();
        response
    }

    /// Carries out a planned change: create, update or delete.
    pub async fn apply(&self, type_name: &str, request: ApplyRequest) -> ApplyResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return ApplyResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let ctx = self.context();
        let mut response = ApplyResponse {
            private: request.planned_private.clone(),
            ..Default::default()
        };
        if request.planned_state.is_null() {
            response.new_state = request.prior_state.clone();
            entry.resource.delete(&ctx, &request, &mut response).await;
            if !response.diagnostics.has_errors() {
                response.new_state = Value::Null;
            }
            return response;
        }
        response.new_state = request.planned_state.clone();
        if request.prior_state.is_null() {
            entry.resource.create(&ctx, &request, &mut response).await;
        } else {
            entry.resource.update(&ctx, &request, &mut response).await;
        }
        if self.write_only_supported() {
            null_write_only(&entry.schema.attributes, &mut response.new_state);
        }
        if !response.new_state.is_null() && !response.new_state.is_wholly_known() {
            response.diagnostics.error(
                "Provider left a value unknown after apply",
                format!(
                    "The {type_name} resource returned a state with unknown values; this is a bug in the provider. \
                     Please report it."
                ),
            );
        }
        response
    }

    /// Refreshes a resource's state from the real object.
    pub async fn read(&self, type_name: &str, request: ReadRequest) -> ReadResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return ReadResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = ReadResponse {
            new_state: request.current_state.clone(),
            private: request.private.clone(),
            ..Default::default()
        };
        entry
            .resource
            .read(&self.context(), &request, &mut response)
            .await;
        if self.write_only_supported() {
            null_write_only(&entry.schema.attributes, &mut response.new_state);
        }
        response
    }

    /// Imports an existing object by id or identity.
    pub async fn import(&self, type_name: &str, request: ImportRequest) -> ImportResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return ImportResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = ImportResponse::default();
        entry
            .resource
            .import(&self.context(), &request, &mut response)
            .await;
        response
    }

    /// The identity of an object from its state, if the resource has identities.
    pub fn identity(&self, type_name: &str, state: &Value) -> Option<Value> {
        let entry = self.resources.get(type_name)?;
        entry.identity_schema.as_ref()?;
        if state.is_null() || !state.is_wholly_known() {
            return None;
        }
        entry.resource.identity(state)
    }

    /// Upgrades stored state (the JSON bytes Terraform keeps) to the current schema.
    pub fn upgrade_state(
        &self,
        type_name: &str,
        version: i64,
        raw_json: &[u8],
    ) -> UpgradeStateResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return UpgradeStateResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = UpgradeStateResponse::default();
        if version == entry.schema.version {
            let ty = entry.schema.value_type();
            // Decoding the bytes directly keeps numbers exact; only state written by a build
            // with other attributes (same version) takes the lossier reshaping route.
            let decoded = tfvalue::decode_json(raw_json, ty).or_else(|exact_error| {
                let json: serde_json::Value =
                    serde_json::from_slice(raw_json).map_err(|_| exact_error)?;
                let conformed = conform_json(json, ty);
                tfvalue::decode_json(conformed.to_string().as_bytes(), ty)
            });
            match decoded {
                Ok(state) => response.state = state,
                Err(e) => response
                    .diagnostics
                    .error("Stored state does not match the schema", e.to_string()),
            }
            return response;
        }
        if version > entry.schema.version {
            response.diagnostics.error(
                "State written by a newer provider",
                format!(
                    "The {type_name} state has schema version {version}, newer than this provider's {}. \
                     Upgrade the provider.",
                    entry.schema.version
                ),
            );
            return response;
        }
        match serde_json::from_slice(raw_json) {
            Ok(raw_json) => entry
                .resource
                .upgrade_state(&UpgradeStateRequest { version, raw_json }, &mut response),
            Err(e) => response.diagnostics.error(
                "Malformed stored state",
                format!("The stored state is not valid JSON: {e}"),
            ),
        }
        response
    }

    /// Moves state from another resource type into this one.
    pub fn move_state(&self, type_name: &str, request: MoveStateRequest) -> MoveStateResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return MoveStateResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = MoveStateResponse::default();
        entry.resource.move_state(&request, &mut response);
        response
    }
}

/// Shapes stored JSON to a type: attributes the type lacks are dropped, missing ones become null.
///
/// Lets state written by an earlier build of the same schema version load after an
/// attribute was added, instead of failing the whole plan.
pub(crate) fn conform_json(json: serde_json::Value, ty: &Type) -> serde_json::Value {
    use serde_json::Value as J;
    match (json, ty) {
        (J::Object(mut map), Type::Object { attributes, .. }) => {
            let mut out = serde_json::Map::new();
            for (name, attr_ty) in attributes {
                let v = map.remove(name).unwrap_or(J::Null);
                out.insert(name.clone(), conform_json(v, attr_ty));
            }
            J::Object(out)
        }
        (J::Array(items), Type::List(e) | Type::Set(e)) => {
            J::Array(items.into_iter().map(|i| conform_json(i, e)).collect())
        }
        (J::Object(map), Type::Map(e)) => J::Object(
            map.into_iter()
                .map(|(k, v)| (k, conform_json(v, e)))
                .collect(),
        ),
        (other, _) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;
    use async_trait::async_trait;

    struct Thing;

    #[async_trait]
    impl Resource for Thing {
        fn type_name(&self) -> &'static str {
            "test_thing"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                "",
                vec![
                    Attribute::string("name").required(),
                    Attribute::number("size").optional(),
                ],
            )
        }
        async fn create(&self, _: &Context, _: &ApplyRequest, _: &mut ApplyResponse) {}
        async fn read(&self, _: &Context, _: &ReadRequest, _: &mut ReadResponse) {}
        async fn update(&self, _: &Context, _: &ApplyRequest, _: &mut ApplyResponse) {}
        async fn delete(&self, _: &Context, _: &ApplyRequest, _: &mut ApplyResponse) {}
    }

    struct TestProvider;

    #[async_trait]
    impl Provider for TestProvider {
        fn type_name(&self) -> &'static str {
            "test"
        }
        fn schema(&self) -> Schema {
            Schema::default()
        }
        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Thing)]
        }
        async fn configure(
            &self,
            _: &Value,
            _: &mut Diagnostics,
        ) -> Option<Arc<dyn Any + Send + Sync>> {
            None
        }
    }

    #[test]
    fn upgrade_keeps_big_numbers_exact_and_drops_retired_attributes() {
        let server = ProviderServer::new(TestProvider);
        let exact = server.upgrade_state(
            "test_thing",
            0,
            br#"{"name":"a","size":123456789012345678901234567890}"#,
        );
        assert!(!exact.diagnostics.has_errors(), "{:?}", exact.diagnostics);
        assert_eq!(
            exact.state.get("size").and_then(|v| match v {
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
            Some("123456789012345678901234567890".to_string())
        );
        let reshaped = server.upgrade_state("test_thing", 0, br#"{"name":"a","retired":true}"#);
        assert!(
            !reshaped.diagnostics.has_errors(),
            "{:?}",
            reshaped.diagnostics
        );
        assert_eq!(reshaped.state.get("size"), Some(&Value::Null));
        let newer = server.upgrade_state("test_thing", 3, b"{}");
        assert!(newer.diagnostics.has_errors());
        let unknown = server.upgrade_state("nope", 0, b"{}");
        assert!(unknown
            .diagnostics
            .iter()
            .any(|d| d.detail.contains("test_thing")));
    }
}
