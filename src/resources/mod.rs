//! The provider and its resources: schema, model, plan and CRUD.

mod app_aws;
mod app_azure;
mod aws;
mod azure;
mod backup_app;
mod backup_child;
mod child_aws;
mod child_azure;
mod cloud_schema;
mod effective_policy;
mod node;
mod policy_schema;
mod provider;
mod state;

pub use backup_app::BackupApp;
pub use backup_child::BackupChild;
pub use provider::{BackupProvider, ProviderData};
