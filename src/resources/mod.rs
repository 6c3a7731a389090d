//! The provider and its resources: schema, model, plan and CRUD.
//!
//! Each resource is a folder: `mod.rs` (the `Resource` impl), `model.rs` (its typed blocks),
//! `schema.rs`, and one [`CloudPart`](crate::cloud::part::CloudPart) per cloud in `aws.rs` and
//! `azure.rs`. [`ProviderData`] lives in its own module, so resources never import the provider.

mod azure_hardening;
mod azure_resource_guard;
mod azure_vault_governance;
mod backup_app;
mod backup_child;
mod backup_recovery_point;
pub(crate) mod compliance;
mod diagnostics;
mod effective_policy;
#[cfg(test)]
mod fakes;
mod governance_schema;
mod hardening_schema;
mod model;
mod parts;
mod policy_node;
mod policy_schema;
mod provider;
mod provider_data;
mod restore_testing;
mod restore_testing_schema;
mod schema_validators;
mod state;
mod vault_governance;

pub use backup_app::BackupApp;
pub use backup_child::BackupChild;
pub use backup_recovery_point::BackupRecoveryPoint;
pub use provider::BackupProvider;
pub use provider_data::ProviderData;
