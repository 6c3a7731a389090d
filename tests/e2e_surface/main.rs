//! The Terraform 1.14+ surface with real Terraform: provider functions called from HCL, the
//! `backup_policy` data source, and what still works on Terraform 1.0.3.

#[path = "../support/mod.rs"]
mod support;

mod action;
mod compliance;
mod data_source;
mod functions;
mod identity_import;
mod list_query;
mod recovery_points;
mod restore;
