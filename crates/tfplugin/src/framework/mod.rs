//! The protocol-independent resource framework: schemas, diagnostics, the plan
//! pipeline, validators and the provider server core.

mod diagnostics;
mod plan;
mod resource;
mod schema;
mod server;
mod validate;
pub mod validators;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
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
