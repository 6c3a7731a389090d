//! The protocol-independent resource framework: schemas, diagnostics, the plan
//! pipeline, validators and the provider server core.

mod action;
mod data_source;
mod diagnostics;
mod function;
mod generate_config;
mod list_resource;
mod plan;
mod registry;
mod resource;
mod schema;
mod server;
mod server_list;
mod server_surface;
mod validate;
pub mod validators;

pub use action::{Action, Progress};
pub use data_source::{DataReadRequest, DataReadResponse, DataSource, DeferredReason};
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub(crate) use function::check_count;
pub use function::{Function, FunctionError, Parameter, Signature};
pub use generate_config::generate_config;
pub use list_resource::{ListEvent, ListRequest, ListResource, ListResults, Listed};
pub use resource::{
    ApplyRequest, ApplyResponse, Context, ImportRequest, ImportResponse, MoveStateRequest,
    MoveStateResponse, PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse, Resource,
    UpgradeStateRequest, UpgradeStateResponse,
};
pub use schema::{
    conform, null_object, object_type, Attribute, AttributeKind, Constraint, Nesting, PlanModifier,
    Schema, Validator,
};
pub use server::ProviderServer;
