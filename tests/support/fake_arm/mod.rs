//! A fake Azure Resource Manager and the OpenAPI validator it checks every call with.
//!
//! [`server::FakeArm`] is what tests use; the other modules are its route families.

mod backup_jobs;
mod locks;
mod operations;
mod policies;
mod protected_items;
mod regions;
mod resource_groups;
mod resource_guards;
mod restores;
pub(crate) mod server;
mod site_backup;
mod token;
pub(crate) mod validator;
mod vault_extensions;
mod vault_list;
mod vaults;
