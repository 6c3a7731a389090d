//! The resource trait: a small core (schema, create, read, update, delete) plus optional capabilities.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfvalue::{AttributePath, Value};
use tokio_util::sync::CancellationToken;

use super::action::Action;
use super::data_source::DataSource;
use super::diagnostics::Diagnostics;
use super::function::Function;
use super::list_resource::ListResource;
use super::schema::Schema;

/// What every resource operation can reach: the configured provider and the stop signal.
#[derive(Clone, Default)]
pub struct Context {
    /// What the provider's `configure` returned, if it has been configured.
    pub provider_data: Option<Arc<dyn Any + Send + Sync>>,
    /// Cancelled when Terraform asks the provider to stop (Ctrl-C).
    pub cancel: CancellationToken,
}

impl Context {
    /// The provider data as `T`, if configured with that type.
    pub fn provider_data<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.provider_data.as_ref()?.downcast_ref::<T>()
    }
}

/// Input of the resource's own plan step.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// The configuration as written (unknowns where it depends on other resources).
    pub config: Value,
    /// The state before this plan; `Null` when creating.
    pub prior_state: Value,
    /// Terraform's proposal: config merged with prior computed values.
    pub proposed_state: Value,
    /// Private data saved with the prior state.
    pub prior_private: Vec<u8>,
}

impl PlanRequest {
    /// Whether this plan creates the object.
    pub fn is_create(&self) -> bool {
        self.prior_state.is_null()
    }

    /// Whether this plan destroys the object.
    pub fn is_destroy(&self) -> bool {
        self.proposed_state.is_null()
    }
}

/// Output of planning, filled in by the pipeline and then by the resource.
#[derive(Clone, Debug, Default)]
pub struct PlanResponse {
    /// The planned new state (already through defaults, unknown-marking and plan modifiers).
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private data to keep with the plan.
    pub planned_private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input of create, update and delete.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    /// The configuration (write-only attributes included); `Null` on delete.
    pub config: Value,
    /// The state before; `Null` on create.
    pub prior_state: Value,
    /// The plan being carried out; `Null` on delete.
    pub planned_state: Value,
    /// Private data from the plan.
    pub planned_private: Vec<u8>,
}

/// Output of create, update and delete.
#[derive(Clone, Debug, Default)]
pub struct ApplyResponse {
    /// The state after: wholly known. On a failed create, a non-null value records what was made.
    pub new_state: Value,
    /// Private data to save with the state.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input of read (refresh).
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// The state as stored.
    pub current_state: Value,
    /// Private data stored with it.
    pub private: Vec<u8>,
}

/// Output of read.
#[derive(Clone, Debug, Default)]
pub struct ReadResponse {
    /// The state as it really is; `Null` when the object is gone.
    pub new_state: Value,
    /// Private data to store.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input of import.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// The id the user gave (`terraform import ADDR ID` or an `import` block's `id`); empty when importing by identity.
    pub id: String,
    /// The identity the user gave (an `import` block's `identity`), Terraform 1.12+.
    pub identity: Option<Value>,
}

/// Output of import.
#[derive(Clone, Debug, Default)]
pub struct ImportResponse {
    /// The imported state: enough for `read` to find the object.
    pub state: Value,
    /// Private data.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input of a state upgrade.
#[derive(Clone, Debug)]
pub struct UpgradeStateRequest {
    /// The schema version the state was written with.
    pub version: i64,
    /// The state as JSON, in that version's shape.
    pub raw_json: serde_json::Value,
}

/// Output of a state upgrade.
#[derive(Clone, Debug, Default)]
pub struct UpgradeStateResponse {
    /// The state in the current schema's shape.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input of a cross-type or cross-provider state move (`moved` blocks, Terraform 1.8+).
#[derive(Clone, Debug)]
pub struct MoveStateRequest {
    /// Provider address the state comes from.
    pub source_provider: String,
    /// Resource type it comes from.
    pub source_type_name: String,
    /// Its schema version.
    pub source_schema_version: i64,
    /// The state as JSON.
    pub source_state_json: serde_json::Value,
}

/// Output of a state move.
#[derive(Clone, Debug, Default)]
pub struct MoveStateResponse {
    /// The moved state in this resource's shape.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A managed resource type.
///
/// Implement the core (`type_name`, `schema`, `create`, `read`, `update`,
/// `delete`); the rest has defaults that say "not supported".
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The full type name, e.g. `backup_app`.
    fn type_name(&self) -> &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// The identity schema (Terraform 1.12+), if the resource has one.
    fn identity_schema(&self) -> Option<Schema> {
        None
    }

    /// The identity of an object from its state.
    fn identity(&self, _state: &Value) -> Option<Value> {
        None
    }

    /// Checks the configuration beyond what schema validators check.
    async fn validate(&self, _ctx: &Context, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// The resource's own plan step: set computed values, add replace paths.
    async fn modify_plan(
        &self,
        _ctx: &Context,
        _request: &PlanRequest,
        _response: &mut PlanResponse,
    ) {
    }

    /// Creates the object.
    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse);

    /// Reads the object as it really is.
    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse);

    /// Updates the object in place.
    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse);

    /// Deletes the object.
    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse);

    /// Turns an import id into a state `read` can complete.
    async fn import(
        &self,
        _ctx: &Context,
        _request: &ImportRequest,
        response: &mut ImportResponse,
    ) {
        response.diagnostics.error(
            "Import not supported",
            format!("The {} resource cannot be imported.", self.type_name()),
        );
    }

    /// Upgrades state from an older schema version. The default accepts only the current version.
    fn upgrade_state(&self, request: &UpgradeStateRequest, response: &mut UpgradeStateResponse) {
        response.diagnostics.error(
            "Unsupported state version",
            format!(
                "The {} state has schema version {}, which this provider version cannot upgrade. \
                 Use the provider version that wrote it, or remove and import the object.",
                self.type_name(),
                request.version
            ),
        );
    }

    /// Moves state from another resource type. The default refuses.
    fn move_state(&self, request: &MoveStateRequest, response: &mut MoveStateResponse) {
        response.diagnostics.error(
            "Unsupported resource move",
            format!(
                "State cannot be moved from {} ({}) to {}.",
                request.source_type_name,
                request.source_provider,
                self.type_name()
            ),
        );
    }
}

/// The provider: its configuration schema, how it configures, and its resources.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's local name, e.g. `backup`.
    fn type_name(&self) -> &'static str;

    /// The provider block's schema.
    fn schema(&self) -> Schema;

    /// Every resource type.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// Every data source type.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// Every provider-defined function.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// Every action type.
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        Vec::new()
    }

    /// Every list resource type (each named like the resource type whose objects it finds).
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// Checks the provider configuration beyond schema validators.
    async fn validate(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Configures the provider; what it returns reaches every resource operation as provider data.
    async fn configure(
        &self,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>>;
}
